//! The execution context of a channel's task: its mailboxes, and the one
//! place where it waits for anything (a frame, a command, a hangup request,
//! a deadline). Every dialplan application and the Stasis loop wait through
//! [`Exec::wait`], so DTMF is always seen and a hangup always interrupts.

use super::channel::{ChanState, Channel, Mailboxes};
use super::{Core, Frame};
use ari_types::Event;
use std::sync::Arc;
use tokio::sync::oneshot;
use tokio::time::Instant;

/// A command for a channel in a Stasis application, with where to answer.
pub struct Control {
    /// What to do.
    pub command: Command,
    /// The outcome, for the caller waiting on it.
    pub reply: oneshot::Sender<Result<(), CommandError>>,
}

/// Why a command could not be carried out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandError {
    /// The channel is no longer in a Stasis application (409).
    NotInStasis,
    /// The channel is not in a state that allows it (412).
    InvalidState(String),
    /// The request names something that does not exist (400/404/422 by context).
    Invalid(String),
}

/// Commands ARI sends to a channel in Stasis.
#[derive(Debug, Clone)]
pub enum Command {
    /// Answer.
    Answer,
    /// Indicate ringing.
    Ring,
    /// Stop indicating ringing.
    RingStop,
    /// Indicate progress.
    Progress,
    /// Put on hold.
    Hold,
    /// Take off hold.
    Unhold,
    /// Mute a direction (`in`, `out`, `both`).
    Mute(String),
    /// Unmute a direction.
    Unmute(String),
    /// Send DTMF digits out of the channel.
    SendDtmf {
        /// Digits (0-9, A-D, *, #; `,` pauses 500 ms).
        dtmf: String,
        /// Milliseconds before the first digit.
        before: u64,
        /// Milliseconds between digits.
        between: u64,
        /// Length of each digit, in milliseconds.
        duration: u64,
        /// Milliseconds after the last digit.
        after: u64,
    },
    /// Leave Stasis and continue in the dialplan.
    Continue {
        /// Context (current when empty).
        context: String,
        /// Extension (current when empty).
        exten: String,
        /// Priority (next when 0... as given).
        priority: Option<i64>,
        /// Label, superseding priority.
        label: String,
    },
    /// Move to another Stasis application.
    Move {
        /// The application.
        app: String,
        /// Its arguments.
        args: Vec<String>,
    },
    /// Set a variable (or function).
    SetVar {
        /// Name.
        name: String,
        /// Value.
        value: String,
    },
    /// Queue a playback on the channel.
    Play(Arc<super::media::playback::Playback>),
    /// Start recording what the channel hears.
    Record(Arc<super::media::record::LiveRecording>),
    /// Start music on hold of a class.
    StartMoh(String),
    /// Stop music on hold.
    StopMoh,
    /// Start sending silence.
    StartSilence,
    /// Stop sending silence.
    StopSilence,
    /// Dial a channel created with `channels/create`.
    Dial {
        /// Seconds to wait for an answer (0: forever).
        timeout: u64,
        /// The channel that is calling, if any.
        caller: Option<String>,
    },
}

/// What woke a waiting channel.
pub enum Wake {
    /// A frame arrived (already accounted for: DTMF published, answers applied).
    Frame(Frame),
    /// A command arrived (only when commands were asked for).
    Control(Control),
    /// The deadline passed.
    Timeout,
    /// The last queued playback finished.
    PlaybacksDone,
    /// The recording ended (stopped, limit reached, terminating DTMF).
    RecordingDone,
    /// A hangup was requested; the channel must wind up.
    Hangup,
}

/// What a `select!` round of [`Exec::wait`] found.
enum Got {
    Hangup,
    Frame(Frame),
    Control(Control),
    Timeout,
    Tick,
    Recording,
}

/// Dialplan position to continue at after an application returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Position {
    /// Context.
    pub context: String,
    /// Extension.
    pub exten: String,
    /// Priority.
    pub priority: i64,
}

/// A channel's task state.
pub struct Exec {
    /// The channel.
    pub chan: Arc<Channel>,
    /// The core.
    pub core: Arc<Core>,
    mail: Mailboxes,
    /// Set by an application that jumps (Goto, continue): the next position.
    pub jump: Option<Position>,
    /// What the channel sends and records.
    pub media: super::media::Media,
}

impl Exec {
    /// The execution context of `chan`.
    pub fn new(chan: Arc<Channel>, core: Arc<Core>, mail: Mailboxes) -> Self {
        Exec {
            chan,
            core,
            mail,
            jump: None,
            media: Default::default(),
        }
    }

    /// Whether a hangup was requested.
    pub fn hung_up(&self) -> bool {
        self.mail.hangup.borrow().is_some()
    }

    /// Waits for the next thing that concerns the channel: a frame, a command
    /// (when `commands` is true), a hangup request, or the deadline. Media
    /// runs meanwhile: frames are sent every 20 ms while something plays,
    /// and the recording is kept up to date.
    pub async fn wait(&mut self, deadline: Option<Instant>, commands: bool) -> Wake {
        loop {
            if self.hung_up() {
                return Wake::Hangup;
            }
            let sleep = async {
                match deadline {
                    Some(d) => tokio::time::sleep_until(d).await,
                    None => std::future::pending().await,
                }
            };
            let recording = self
                .media
                .recording
                .as_ref()
                .map(|r| (r.handle.clone(), r.deadline()));
            let recording_due = async {
                match &recording {
                    Some((handle, due)) => {
                        tokio::select! {
                            _ = handle.requested() => {}
                            _ = tokio::time::sleep_until(*due) => {}
                        }
                    }
                    None => std::future::pending().await,
                }
            };
            let sending = self.media.sending();
            let media = &mut self.media;
            let mail = &mut self.mail;
            let got = tokio::select! {
                biased;
                _ = mail.hangup.changed() => Got::Hangup,
                frame = mail.inbox.recv() => match frame {
                    Some(f) => Got::Frame(f),
                    None => std::future::pending().await,
                },
                c = mail.ctl.recv(), if commands => match c {
                    Some(c) => Got::Control(*c),
                    None => std::future::pending().await,
                },
                _ = media.tick(), if sending => Got::Tick,
                _ = recording_due => Got::Recording,
                _ = sleep => Got::Timeout,
            };
            match got {
                Got::Hangup => return Wake::Hangup,
                Got::Control(c) => return Wake::Control(c),
                Got::Timeout => return Wake::Timeout,
                Got::Frame(f) => {
                    if self.account(&f) {
                        return Wake::RecordingDone;
                    }
                    return Wake::Frame(f);
                }
                Got::Tick => {
                    let had_playbacks = !self.media.queue.is_empty();
                    if let Some(frame) = self.media.produce(&self.core) {
                        if self.chan.bridge().is_some() {
                            // The bridge sends this channel audio too: mix.
                            self.chan.mix_out(frame.into());
                        } else {
                            self.chan.write(Frame::Voice(frame.into()));
                        }
                    }
                    if had_playbacks && self.media.queue.is_empty() {
                        return Wake::PlaybacksDone;
                    }
                }
                Got::Recording => {
                    let end = self
                        .media
                        .recording
                        .as_mut()
                        .and_then(|r| r.check(Instant::now()));
                    if let Some(end) = end {
                        self.end_recording(end);
                        return Wake::RecordingDone;
                    }
                }
            }
        }
    }

    /// Ends the channel's recording, if any.
    pub fn end_recording(&mut self, how: super::media::record::End) {
        if let Some(rec) = self.media.recording.take() {
            rec.finish(&self.core, how);
        }
    }

    /// Sleeps for `ms`, handling frames; false if a hangup came first.
    pub async fn sleep_ms(&mut self, ms: u64) -> bool {
        let deadline = Instant::now() + std::time::Duration::from_millis(ms);
        loop {
            match self.wait(Some(deadline), false).await {
                Wake::Timeout => return true,
                Wake::Hangup => return false,
                _ => {}
            }
        }
    }

    /// Applies what every received frame means, whoever is waiting. True if
    /// it ended the channel's recording.
    fn account(&mut self, f: &Frame) -> bool {
        match f {
            Frame::Voice(samples) => {
                let silenced;
                let samples = if self.chan.with(|d| d.muted.0) {
                    silenced = Arc::<[i16]>::from(vec![0; samples.len()]);
                    &silenced
                } else {
                    samples
                };
                if let Some(rec) = self.media.recording.as_mut() {
                    rec.push(samples);
                }
                self.chan.tap(true, samples);
                if let Some(bridge) = self.chan.bridge() {
                    bridge.feed_voice(&self.chan.id, samples);
                }
            }
            Frame::Dtmf { digit, duration_ms } => {
                if self
                    .media
                    .recording
                    .as_ref()
                    .is_some_and(|r| r.terminates_on(*digit))
                {
                    self.end_recording(super::media::record::End::Dtmf);
                    return true;
                }
                let digit = digit.to_string();
                let duration_ms = *duration_ms as i64;
                self.core.publish_channel(&self.chan, |channel| {
                    Event::ChannelDtmfReceived(ari_types::ChannelDtmfReceived {
                        digit,
                        duration_ms,
                        channel,
                    })
                });
                if let Some(bridge) = self.chan.bridge() {
                    bridge.feed_dtmf(&self.chan.id, f);
                }
            }
            Frame::Answer => self.core.set_state(&self.chan, ChanState::Up),
            Frame::Ringing if self.chan.state() != ChanState::Up => {
                self.core.set_state(&self.chan, ChanState::Ringing)
            }
            _ => {}
        }
        false
    }

    /// Refuses every queued command (the channel left Stasis).
    pub fn refuse_commands(&mut self) {
        while let Ok(c) = self.mail.ctl.try_recv() {
            let _ = c.reply.send(Err(CommandError::NotInStasis));
        }
    }

    /// Queues a playback; the first in the queue starts at once.
    pub fn queue_playback(&mut self, handle: Arc<super::media::playback::Playback>) {
        let mut run = self.core.media.run(handle);
        if self.media.queue.is_empty() {
            run.start(&self.core);
        }
        self.media.queue.push_back(run);
        self.media.sync_clock();
    }

    /// Starts recording what the channel hears (false if it could not start:
    /// the recording has failed and said so).
    pub fn start_recording(&mut self, handle: Arc<super::media::record::LiveRecording>) -> bool {
        if self.media.recording.is_some() {
            handle.fail(&self.core, "the channel is already being recorded");
            return false;
        }
        let dir = self.core.media.sounds.recordings_dir().to_path_buf();
        match super::media::record::Recorder::start(&self.core, handle.clone(), &dir) {
            Ok(r) => {
                if handle.options.beep {
                    self.queue_beep();
                }
                self.media.recording = Some(r);
                true
            }
            Err(e) => {
                handle.fail(&self.core, &e);
                false
            }
        }
    }

    fn queue_beep(&mut self) {
        let beep = super::media::playback::Playback::quiet(
            format!("beep-{}", self.chan.id),
            super::Topic::Channel(self.chan.id.clone()),
            String::new(),
            vec!["tone:!1000/250".into()],
        );
        self.queue_playback(beep);
    }

    /// Sends DTMF digits out of the channel with ARI's timing.
    pub async fn send_dtmf(
        &mut self,
        dtmf: &str,
        before: u64,
        between: u64,
        duration: u64,
        after: u64,
    ) -> bool {
        if before > 0 && !self.sleep_ms(before).await {
            return false;
        }
        for (i, digit) in dtmf.chars().enumerate() {
            if i > 0 && between > 0 && !self.sleep_ms(between).await {
                return false;
            }
            if digit == ',' {
                if !self.sleep_ms(500).await {
                    return false;
                }
                continue;
            }
            if !is_dtmf(digit) {
                continue;
            }
            if !self.sleep_ms(duration).await {
                return false;
            }
            self.chan.write(Frame::Dtmf {
                digit: digit.to_ascii_uppercase(),
                duration_ms: duration as u32,
            });
        }
        after == 0 || self.sleep_ms(after).await
    }
}

/// Whether `c` is a DTMF digit.
pub fn is_dtmf(c: char) -> bool {
    matches!(c.to_ascii_uppercase(), '0'..='9' | 'A'..='D' | '*' | '#')
}
