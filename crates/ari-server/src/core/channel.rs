//! Channels: one leg of a call. Each is an actor: one task (running an
//! [`Exec`](super::exec::Exec)) owns its execution; others reach it through its
//! inbox (frames from its peer), its control queue (commands while it is in a
//! Stasis application) and its hangup signal. The small state that snapshots
//! need sits behind a per-channel lock, never a global one.

use super::exec::Control;
use super::Frame;
use ari_types::{CallerId, Timestamp};
use parking_lot::Mutex;
use std::collections::BTreeMap;
use std::sync::{Arc, Weak};
use tokio::sync::{mpsc, watch};

/// The states a channel can be in, named as ARI names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChanState {
    /// Not yet in use.
    Down,
    /// Reserved.
    Rsrved,
    /// Off hook.
    OffHook,
    /// Digits dialled.
    Dialing,
    /// Ringing at this end (an incoming call).
    Ring,
    /// The far end is ringing.
    Ringing,
    /// Answered.
    Up,
    /// Busy.
    Busy,
    /// Digits dialled while off hook.
    DialingOffhook,
    /// Ringing about to start.
    PreRing,
}

impl ChanState {
    /// The name ARI uses.
    pub fn as_str(self) -> &'static str {
        match self {
            ChanState::Down => "Down",
            ChanState::Rsrved => "Rsrved",
            ChanState::OffHook => "OffHook",
            ChanState::Dialing => "Dialing",
            ChanState::Ring => "Ring",
            ChanState::Ringing => "Ringing",
            ChanState::Up => "Up",
            ChanState::Busy => "Busy",
            ChanState::DialingOffhook => "Dialing Offhook",
            ChanState::PreRing => "Pre-ring",
        }
    }
}

/// Mutable channel state: what snapshots show and variables.
#[derive(Clone, Debug)]
pub struct ChanData {
    /// Current state.
    pub state: ChanState,
    /// Caller id.
    pub caller: CallerId,
    /// Connected line.
    pub connected: CallerId,
    /// Account code.
    pub accountcode: String,
    /// Dialplan context.
    pub context: String,
    /// Dialplan extension.
    pub exten: String,
    /// Dialplan priority.
    pub priority: i64,
    /// Application being executed.
    pub app_name: String,
    /// Its arguments.
    pub app_data: String,
    /// Language.
    pub language: String,
    /// Channel variables.
    pub vars: BTreeMap<String, String>,
    /// The Stasis application controlling the channel, if any.
    pub stasis_app: Option<String>,
    /// The bridge the channel is in, if any.
    pub bridge: Option<String>,
    /// Hangup cause, once known.
    pub cause: i32,
    /// Whether the channel is on hold.
    pub held: bool,
    /// Muted directions: (incoming, outgoing).
    pub muted: (bool, bool),
}

/// A channel.
pub struct Channel {
    /// Unique id (`1700000000.42` or the client's choice).
    pub id: String,
    /// Name (`Local/100@default-00000001;1`).
    pub name: String,
    /// When it was created.
    pub creationtime: Timestamp,
    data: Mutex<ChanData>,
    inbox: mpsc::UnboundedSender<Frame>,
    /// Boxed, so the queue's first block (allocated with every channel)
    /// holds pointers rather than whole commands.
    ctl: mpsc::UnboundedSender<Box<Control>>,
    hangup: watch::Sender<Option<i32>>,
    /// The other half of a Local pair.
    peer: Mutex<Weak<Channel>>,
    /// The channel this one exchanges frames with (a Dial's two legs).
    link: Mutex<Weak<Channel>>,
    /// Mailboxes waiting for the task that will own them.
    parked: Mutex<Option<Mailboxes>>,
    /// Who wants to hear about this (dialled) channel's progress.
    observer: Mutex<Option<mpsc::UnboundedSender<Progress>>>,
    /// The bridge the channel is in.
    bridge: Mutex<Option<Arc<super::bridge::Bridge>>>,
    /// Snoop channels listening to this one.
    taps: Mutex<Vec<super::snoop::Tap>>,
    /// For a snoop channel: where its own audio goes.
    pub(super) whisper: Mutex<Option<super::snoop::Whisper>>,
    /// Whispered audio waiting to be mixed into this channel's next frame.
    mixin: Mutex<std::collections::VecDeque<Arc<[i16]>>>,
    /// For a channel whose far end is not a channel (external media): where
    /// what it is sent goes.
    outbound: Mutex<Option<mpsc::UnboundedSender<Frame>>>,
}

/// What a dialled channel reports to the channel dialling it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Progress {
    /// The dialled channel (by id) received this indication.
    Frame(String, Frame),
    /// The dialled channel (by id) is gone, with this cause.
    Gone(String, i32),
}

/// The receiving ends a channel's task owns.
pub struct Mailboxes {
    /// Frames arriving at the channel.
    pub inbox: mpsc::UnboundedReceiver<Frame>,
    /// Commands for the channel.
    pub ctl: mpsc::UnboundedReceiver<Box<Control>>,
    /// Hangup requests (the cause).
    pub hangup: watch::Receiver<Option<i32>>,
}

impl Channel {
    /// A new channel; the receiving ends its task will own are parked in it
    /// until [`Channel::unpark`].
    pub fn new(id: String, name: String, data: ChanData) -> Arc<Channel> {
        let (inbox_tx, inbox) = mpsc::unbounded_channel();
        let (ctl_tx, ctl) = mpsc::unbounded_channel();
        let (hangup_tx, hangup) = watch::channel(None);
        Arc::new(Channel {
            id,
            name,
            creationtime: Timestamp::now(),
            data: Mutex::new(data),
            inbox: inbox_tx,
            ctl: ctl_tx,
            hangup: hangup_tx,
            peer: Mutex::new(Weak::new()),
            link: Mutex::new(Weak::new()),
            parked: Mutex::new(Some(Mailboxes { inbox, ctl, hangup })),
            observer: Mutex::new(None),
            bridge: Mutex::new(None),
            taps: Mutex::new(Vec::new()),
            whisper: Mutex::new(None),
            mixin: Mutex::new(Default::default()),
            outbound: Mutex::new(None),
        })
    }

    /// The bridge the channel is in.
    pub fn bridge(&self) -> Option<Arc<super::bridge::Bridge>> {
        self.bridge.lock().clone()
    }

    /// Records which bridge the channel is in.
    pub fn set_bridge(&self, bridge: Option<Arc<super::bridge::Bridge>>) {
        *self.bridge.lock() = bridge;
    }

    /// Takes the parked mailboxes (once: the channel's task owns them).
    pub fn unpark(&self) -> Option<Mailboxes> {
        self.parked.lock().take()
    }

    /// Whether the channel's task has started.
    pub fn started(&self) -> bool {
        self.parked.lock().is_none()
    }

    /// Sets who hears about this channel's progress.
    pub fn observe(&self, tx: Option<mpsc::UnboundedSender<Progress>>) {
        *self.observer.lock() = tx;
    }

    /// Reports progress to the observer, if any.
    pub fn report(&self, p: Progress) {
        if let Some(tx) = self.observer.lock().as_ref() {
            let _ = tx.send(p);
        }
    }

    /// Reads the state under the channel's lock.
    pub fn with<R>(&self, f: impl FnOnce(&ChanData) -> R) -> R {
        f(&self.data.lock())
    }

    /// Changes the state under the channel's lock.
    pub fn update<R>(&self, f: impl FnOnce(&mut ChanData) -> R) -> R {
        f(&mut self.data.lock())
    }

    /// Current state.
    pub fn state(&self) -> ChanState {
        self.data.lock().state
    }

    /// The Stasis application controlling the channel.
    pub fn stasis_app(&self) -> Option<String> {
        self.data.lock().stasis_app.clone()
    }

    /// A channel variable.
    pub fn var(&self, name: &str) -> Option<String> {
        self.data.lock().vars.get(name).cloned()
    }

    /// Delivers a frame to the channel, as if it had arrived from its far end.
    pub fn deliver(&self, frame: Frame) {
        let _ = self.inbox.send(frame);
    }

    /// Sends a frame out of the channel: to the other half of a Local pair.
    /// Audio sent while the outgoing direction is muted becomes silence.
    pub fn write(&self, frame: Frame) {
        let frame = match frame {
            Frame::Voice(samples) if self.data.lock().muted.1 => {
                Frame::Voice(vec![0; samples.len()].into())
            }
            Frame::Voice(samples) => match self.mixin.lock().pop_front() {
                Some(extra) => {
                    let mut acc = vec![0i32; samples.len().max(extra.len())];
                    ari_media::mix_into(&mut acc, &samples);
                    ari_media::mix_into(&mut acc, &extra);
                    Frame::Voice(ari_media::saturate(&acc).into())
                }
                None => Frame::Voice(samples),
            },
            f => f,
        };
        if let Frame::Voice(samples) = &frame {
            self.tap(false, samples);
        }
        self.send_far(frame);
    }

    /// Hands a frame to whatever is at the far end of the channel.
    fn send_far(&self, frame: Frame) {
        if let Some(peer) = self.peer() {
            peer.deliver(frame);
        } else if let Some(w) = self.whisper.lock().as_ref() {
            w.inject(frame);
        } else if let Some(out) = self.outbound.lock().as_ref() {
            let _ = out.send(frame);
        }
    }

    /// Sets where frames go for a channel whose far end is not a channel.
    pub fn set_outbound(&self, tx: Option<mpsc::UnboundedSender<Frame>>) {
        *self.outbound.lock() = tx;
    }

    /// Mixes audio from a second source (a whisper, or the channel's own
    /// playback while it is bridged) into what this channel sends next. When the
    /// channel sends nothing of its own, the whisper goes out alone (after
    /// a frame's slack), so it is never lost nor doubled up.
    pub fn mix_out(&self, samples: Arc<[i16]>) {
        let alone = {
            let mut q = self.mixin.lock();
            let alone = if q.len() >= 2 { q.pop_front() } else { None };
            q.push_back(samples);
            alone
        };
        if let Some(frame) = alone {
            self.tap(false, &frame);
            self.send_far(Frame::Voice(frame));
        }
    }

    /// Hands audio to the snoop channels listening to this one.
    pub fn tap(&self, incoming: bool, samples: &Arc<[i16]>) {
        let mut taps = self.taps.lock();
        if taps.is_empty() {
            return;
        }
        taps.retain(|t| t.snoop().is_some());
        for t in taps.iter() {
            t.feed(incoming, samples);
        }
    }

    /// Attaches a snoop channel.
    pub fn add_tap(&self, tap: super::snoop::Tap) {
        self.taps.lock().push(tap);
    }

    /// The snoop channels listening to this one.
    pub fn snoops(&self) -> Vec<Arc<Channel>> {
        self.taps.lock().iter().filter_map(|t| t.snoop()).collect()
    }

    /// Queues a command for the channel's task.
    pub fn command(&self, control: Control) -> Result<(), Control> {
        self.ctl.send(Box::new(control)).map_err(|e| *e.0)
    }

    /// Asks the channel to hang up with `cause`; false if it already was asked.
    pub fn request_hangup(&self, cause: i32) -> bool {
        let mut first = false;
        self.hangup.send_if_modified(|c| {
            if c.is_none() {
                *c = Some(cause);
                first = true;
                true
            } else {
                false
            }
        });
        first
    }

    /// Whether a hangup has been requested.
    pub fn hangup_requested(&self) -> Option<i32> {
        *self.hangup.borrow()
    }

    /// The other half of a Local pair.
    pub fn peer(&self) -> Option<Arc<Channel>> {
        self.peer.lock().upgrade()
    }

    /// Joins two channels as the halves of a Local pair.
    pub fn pair(a: &Arc<Channel>, b: &Arc<Channel>) {
        *a.peer.lock() = Arc::downgrade(b);
        *b.peer.lock() = Arc::downgrade(a);
    }

    /// The channel this one is linked to by a Dial.
    pub fn linked(&self) -> Option<Arc<Channel>> {
        self.link.lock().upgrade()
    }

    /// Links (or with `None` unlinks) this channel to another.
    pub fn set_link(&self, other: Option<&Arc<Channel>>) {
        *self.link.lock() = other.map_or_else(Weak::new, Arc::downgrade);
    }
}
