//! Snoop channels: a channel that hears another channel's audio (spy) and
//! can speak into it (whisper), handed to a Stasis application, as Asterisk's
//! `Snoop/` channels are. Typical uses: supervisors listening in, and
//! recording one party of a call.

use super::channel::{ChanState, Channel};
use super::local::Start;
use super::{Core, Frame};
use parking_lot::Mutex;
use std::sync::{Arc, Weak};

/// Which audio of a channel: what it receives from its far end (`in`), what
/// is sent to it (`out`), or both mixed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Nothing.
    None,
    /// Audio received from the channel's far end.
    In,
    /// Audio sent to the channel's far end.
    Out,
    /// Both, mixed.
    Both,
}

impl Direction {
    /// Parses ARI's `none`, `in`, `out`, `both`.
    pub fn parse(s: &str) -> Option<Direction> {
        Some(match s {
            "none" | "" => Direction::None,
            "in" => Direction::In,
            "out" => Direction::Out,
            "both" => Direction::Both,
            _ => return None,
        })
    }

    fn includes_in(self) -> bool {
        matches!(self, Direction::In | Direction::Both)
    }

    fn includes_out(self) -> bool {
        matches!(self, Direction::Out | Direction::Both)
    }
}

/// A spy attached to a channel.
pub struct Tap {
    snoop: Weak<Channel>,
    spy: Direction,
    /// For `both`: one direction's frame waiting for the other's to mix with.
    pending: Mutex<Option<(bool, Arc<[i16]>)>>,
}

impl Tap {
    /// The snooping channel, while it exists.
    pub fn snoop(&self) -> Option<Arc<Channel>> {
        self.snoop.upgrade()
    }

    /// Hands a frame the tapped channel received (`incoming`) or sent to
    /// the snoop, mixing the two directions for `both`.
    pub fn feed(&self, incoming: bool, samples: &Arc<[i16]>) {
        let wanted = if incoming {
            self.spy.includes_in()
        } else {
            self.spy.includes_out()
        };
        let Some(snoop) = self.snoop.upgrade().filter(|_| wanted) else {
            return;
        };
        if self.spy != Direction::Both {
            snoop.deliver(Frame::Voice(samples.clone()));
            return;
        }
        let mut pending = self.pending.lock();
        match pending.take() {
            Some((dir, other)) if dir != incoming => {
                let mut acc = vec![0i32; samples.len().max(other.len())];
                ari_media::mix_into(&mut acc, samples);
                ari_media::mix_into(&mut acc, &other);
                snoop.deliver(Frame::Voice(ari_media::saturate(&acc).into()));
            }
            Some((_, older)) => {
                // The other direction is silent: pass the older frame alone.
                snoop.deliver(Frame::Voice(older));
                *pending = Some((incoming, samples.clone()));
            }
            None => *pending = Some((incoming, samples.clone())),
        }
    }
}

/// Creates a snoop channel on `target` and starts it in application `app`
/// (with `app_data` as `Stasis()` takes it). `None` if the id is taken.
pub fn create(
    core: &Arc<Core>,
    target: &Arc<Channel>,
    id: Option<String>,
    spy: Direction,
    whisper: Direction,
    app_data: String,
) -> Option<Arc<Channel>> {
    let name = format!("Snoop/{}-{}", target.id, core.new_name_suffix());
    let data = target.with(|d| {
        let mut data = core.chan_data(ChanState::Up, &d.context, &d.exten);
        data.caller = d.caller.clone();
        data.connected = d.connected.clone();
        data.language = d.language.clone();
        data
    });
    let snoop = core.create_channel(id, name, data)?;
    snoop.set_whisper(whisper, target);
    target.add_tap(Tap {
        snoop: Arc::downgrade(&snoop),
        spy,
        pending: Mutex::new(None),
    });
    core.announce(&snoop);
    core.start(&snoop, Start::App("Stasis".into(), app_data));
    Some(snoop)
}

/// Where a snoop channel's own audio goes.
pub struct Whisper {
    target: Weak<Channel>,
    direction: Direction,
}

impl Whisper {
    /// Injects audio the snoop sends: to the target's far end (`out`) or as
    /// if the target's far end had said it (`in`).
    pub fn inject(&self, frame: Frame) {
        let Some(target) = self.target.upgrade() else {
            return;
        };
        let Frame::Voice(samples) = frame else { return };
        if self.direction.includes_out() {
            target.mix_out(samples.clone());
        }
        if self.direction.includes_in() {
            target.deliver(Frame::Voice(samples));
        }
    }
}

impl Channel {
    /// Makes this (snoop) channel's audio go into `target`.
    pub fn set_whisper(&self, direction: Direction, target: &Arc<Channel>) {
        if direction != Direction::None {
            *self.whisper.lock() = Some(Whisper {
                target: Arc::downgrade(target),
                direction,
            });
        }
    }
}
