//! Playbacks: a list of media URIs played in turn to a channel (or bridge),
//! controllable through `playbacks/{id}` while it runs.

use super::nb_frame;
use super::sounds::Source;
use crate::core::{Core, Topic};
use ari_types::Event;
use parking_lot::Mutex;
use std::sync::Arc;

/// A control operation (`playbacks/{id}/control`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// Stop sending until unpaused.
    Pause,
    /// Go on after a pause.
    Unpause,
    /// Back to the start of the current item.
    Restart,
    /// Skip back `skipms`.
    Reverse,
    /// Skip ahead `skipms`.
    Forward,
}

impl Op {
    /// Parses ARI's operation name.
    pub fn parse(s: &str) -> Option<Op> {
        Some(match s {
            "pause" => Op::Pause,
            "unpause" => Op::Unpause,
            "restart" => Op::Restart,
            "reverse" => Op::Reverse,
            "forward" => Op::Forward,
            _ => return None,
        })
    }
}

#[derive(Debug)]
struct State {
    /// ARI state: queued, playing, paused, continuing, done, failed.
    state: &'static str,
    index: usize,
    paused: bool,
    stopped: bool,
    pending: Vec<Op>,
}

/// The shared face of a playback: what `playbacks/{id}` reads and controls.
#[derive(Debug)]
pub struct Playback {
    /// Id.
    pub id: String,
    /// `channel:ID` or `bridge:ID`.
    pub target_uri: String,
    /// Language for `sound:` media.
    pub language: String,
    /// The media, in order.
    pub media: Vec<String>,
    /// Milliseconds `reverse`/`forward` skip.
    pub skipms: i64,
    /// Milliseconds into the first item to start at.
    pub offsetms: i64,
    topic: Topic,
    st: Mutex<State>,
    /// A dialplan `Playback()`: no ARI events.
    quiet: bool,
}

/// Why a control operation was refused.
#[derive(Debug, PartialEq, Eq)]
pub struct NotNow(pub String);

impl Playback {
    /// A queued playback of `media` on `target`.
    pub fn new(
        id: String,
        target: Topic,
        language: String,
        media: Vec<String>,
        skipms: i64,
        offsetms: i64,
    ) -> Arc<Self> {
        Self::build(id, target, language, media, skipms, offsetms, false)
    }

    /// A playback for the dialplan's `Playback()`, which raises no events.
    pub fn quiet(id: String, target: Topic, language: String, media: Vec<String>) -> Arc<Self> {
        Self::build(id, target, language, media, 0, 0, true)
    }

    fn build(
        id: String,
        target: Topic,
        language: String,
        media: Vec<String>,
        skipms: i64,
        offsetms: i64,
        quiet: bool,
    ) -> Arc<Self> {
        Arc::new(Playback {
            quiet,
            id,
            target_uri: target.to_string(),
            language,
            media,
            skipms,
            offsetms,
            topic: target,
            st: Mutex::new(State {
                state: "queued",
                index: 0,
                paused: false,
                stopped: false,
                pending: Vec::new(),
            }),
        })
    }

    /// The ARI `Playback` object.
    pub fn snapshot(&self) -> ari_types::Playback {
        let st = self.st.lock();
        let media_uri = self.media.get(st.index).cloned().unwrap_or_default();
        ari_types::Playback {
            id: self.id.clone(),
            media_uri,
            next_media_uri: self.media.get(st.index + 1).cloned(),
            target_uri: self.target_uri.clone(),
            language: Some(self.language.clone()),
            state: st.state.to_string(),
        }
    }

    /// The ARI state.
    pub fn state(&self) -> &'static str {
        self.st.lock().state
    }

    /// Applies a control operation as Asterisk's state table does: a
    /// queued playback ignores every operation; a paused one accepts only
    /// pause and unpause (409 otherwise); a finished one none (409). Pause and
    /// unpause show in the state at once.
    pub fn control(&self, op: Op) -> Result<(), NotNow> {
        let mut st = self.st.lock();
        match (st.state, op) {
            ("queued", _) => Ok(()),
            ("done" | "failed", _) => Err(NotNow("Playback has finished".into())),
            ("paused", Op::Restart | Op::Reverse | Op::Forward) => {
                Err(NotNow("Can only control playing playbacks".into()))
            }
            (_, Op::Pause) => {
                st.paused = true;
                st.state = "paused";
                Ok(())
            }
            (_, Op::Unpause) => {
                st.paused = false;
                st.state = "playing";
                Ok(())
            }
            _ => {
                st.pending.push(op);
                Ok(())
            }
        }
    }

    /// Stops the playback (a queued one never starts).
    pub fn stop(&self) {
        self.st.lock().stopped = true;
    }

    /// Whether any item played (false: every item failed).
    pub fn failed(&self) -> bool {
        self.st.lock().state == "failed"
    }

    fn publish(&self, core: &Core, build: fn(ari_types::Playback) -> Event) {
        if self.quiet {
            return;
        }
        core.publish(&build(self.snapshot()), std::slice::from_ref(&self.topic));
    }
}

/// What a playback yields at a tick.
pub enum Step {
    /// A frame to send.
    Frame(Vec<i16>),
    /// Paused: send silence.
    Paused,
    /// Over (events published, deregistered).
    Finished,
}

/// A playback being played by its target's task.
pub struct PlaybackRun {
    /// The shared face.
    pub handle: Arc<Playback>,
    sounds: Arc<super::sounds::Sounds>,
    source: Option<Source>,
    started: bool,
    played_any: bool,
}

impl PlaybackRun {
    /// A run of `handle` resolving media through `sounds`.
    pub fn new(handle: Arc<Playback>, sounds: Arc<super::sounds::Sounds>) -> Self {
        PlaybackRun {
            handle,
            sounds,
            source: None,
            started: false,
            played_any: false,
        }
    }

    /// Opens item `index`; false if it cannot be played.
    fn open(&mut self, index: usize) -> bool {
        let uri = &self.handle.media[index];
        match self.sounds.resolve(uri, &self.handle.language) {
            Ok(mut s) => {
                if index == 0 && self.handle.offsetms > 0 {
                    s.seek(self.handle.offsetms);
                }
                self.source = Some(s);
                true
            }
            Err(e) => {
                tracing::warn!(playback = %self.handle.id, "cannot play {uri}: {e}");
                self.source = None;
                false
            }
        }
    }

    /// Starts playing: `PlaybackStarted`.
    pub fn start(&mut self, core: &Core) {
        if self.started {
            return;
        }
        self.started = true;
        {
            let mut st = self.handle.st.lock();
            st.state = "playing";
            st.index = 0;
        }
        self.handle.publish(core, |p| {
            Event::PlaybackStarted(ari_types::PlaybackStarted { playback: p })
        });
        if self.open(0) {
            self.played_any = true;
        }
    }

    fn finish(&mut self, core: &Core) {
        let failed = !self.played_any && !self.handle.st.lock().stopped;
        self.handle.st.lock().state = if failed { "failed" } else { "done" };
        self.handle.publish(core, |p| {
            Event::PlaybackFinished(ari_types::PlaybackFinished { playback: p })
        });
        core.media.forget_playback(&self.handle.id);
    }

    /// Ends a playback that will not run (its target went away).
    pub fn abandon(mut self, core: &Core) {
        if self.started {
            self.handle.stop();
            self.finish(core);
        } else {
            core.media.forget_playback(&self.handle.id);
        }
    }

    /// The frame for this tick.
    pub fn next_frame(&mut self, core: &Core) -> Step {
        if !self.started {
            if self.handle.st.lock().stopped {
                core.media.forget_playback(&self.handle.id);
                return Step::Finished;
            }
            self.start(core);
        }
        let (ops, stopped, paused) = {
            let mut st = self.handle.st.lock();
            (std::mem::take(&mut st.pending), st.stopped, st.paused)
        };
        if stopped {
            self.finish(core);
            return Step::Finished;
        }
        for op in ops {
            match op {
                Op::Pause | Op::Unpause => {}
                Op::Restart => {
                    if let Some(s) = self.source.as_mut() {
                        s.rewind();
                    }
                }
                Op::Reverse => {
                    if let Some(s) = self.source.as_mut() {
                        s.seek(-self.handle.skipms);
                    }
                }
                Op::Forward => {
                    if let Some(s) = self.source.as_mut() {
                        s.seek(self.handle.skipms);
                    }
                }
            }
        }
        if paused {
            return Step::Paused;
        }
        loop {
            if let Some(f) = self.source.as_mut().and_then(|s| s.next_frame(nb_frame())) {
                return Step::Frame(f);
            }
            let next = self.handle.st.lock().index + 1;
            if next >= self.handle.media.len() {
                self.finish(core);
                return Step::Finished;
            }
            {
                let mut st = self.handle.st.lock();
                st.index = next;
                st.state = "continuing";
            }
            self.handle.publish(core, |p| {
                Event::PlaybackContinuing(ari_types::PlaybackContinuing { playback: p })
            });
            self.handle.st.lock().state = "playing";
            if self.open(next) {
                self.played_any = true;
            }
        }
    }
}
