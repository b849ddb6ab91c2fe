//! The media path of a channel: what it sends (playbacks, music on hold,
//! silence) and what it hears (recordings).
//!
//! Audio moves as 20 ms frames of signed-linear samples. A channel that sends
//! nothing has no timer at all; while it has something to send, its own task
//! ticks every 20 ms on an absolute schedule (missed ticks are caught up), so
//! a 60 s playback takes 60 s, however busy the machine. Received frames are
//! handed to the channel's recording, if any, as they arrive.

pub mod moh;
pub mod playback;
pub mod record;
pub mod sounds;

use super::Core;
use ari_media::{frame_samples, RATE_NB};
use parking_lot::RwLock;
use playback::{Playback, PlaybackRun};
use record::{LiveRecording, Recorder};
use sounds::Sounds;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::{Instant, Interval, MissedTickBehavior};

/// Length of one frame.
pub const FRAME: Duration = Duration::from_millis(20);

/// Samples of one narrowband frame.
pub fn nb_frame() -> usize {
    frame_samples(RATE_NB)
}

/// What a channel's task holds of its media.
#[derive(Default)]
pub struct Media {
    /// Playbacks waiting their turn (the front one plays).
    pub queue: VecDeque<PlaybackRun>,
    /// Music on hold, when on.
    pub moh: Option<moh::Moh>,
    /// Whether silence is being sent (`startSilence`).
    pub silence: bool,
    /// The recording of what the channel hears, if any.
    pub recording: Option<Recorder>,
    ticker: Option<Interval>,
}

impl Media {
    /// Whether something is being sent (and so the 20 ms clock must run).
    pub fn sending(&self) -> bool {
        !self.queue.is_empty() || self.moh.is_some() || self.silence
    }

    /// Starts or stops the clock to match [`Media::sending`].
    pub fn sync_clock(&mut self) {
        match (self.sending(), self.ticker.is_some()) {
            (true, false) => {
                let mut t = tokio::time::interval_at(Instant::now() + FRAME, FRAME);
                t.set_missed_tick_behavior(MissedTickBehavior::Burst);
                self.ticker = Some(t);
            }
            (false, true) => self.ticker = None,
            _ => {}
        }
    }

    /// Waits for the next 20 ms tick (for ever when nothing is sent).
    pub async fn tick(&mut self) {
        match self.ticker.as_mut() {
            Some(t) => {
                t.tick().await;
            }
            None => std::future::pending().await,
        }
    }

    /// Produces the frame to send at this tick, advancing playbacks (and
    /// publishing their events). `None`: nothing to send this tick.
    pub fn produce(&mut self, core: &Arc<Core>) -> Option<Vec<i16>> {
        let frame = loop {
            let Some(run) = self.queue.front_mut() else {
                break None;
            };
            match run.next_frame(core) {
                playback::Step::Frame(f) => break Some(f),
                playback::Step::Paused => break Some(vec![0; nb_frame()]),
                playback::Step::Finished => {
                    self.queue.pop_front();
                    if let Some(next) = self.queue.front_mut() {
                        next.start(core);
                    }
                }
            }
        };
        let frame = frame
            .or_else(|| self.moh.as_mut().map(|m| m.next_frame()))
            .or_else(|| self.silence.then(|| vec![0; nb_frame()]));
        self.sync_clock();
        frame
    }

    /// Ends everything: queued and current playbacks finish, the recording stops.
    pub fn shutdown(&mut self, core: &Arc<Core>) {
        for run in self.queue.drain(..) {
            run.abandon(core);
        }
        self.moh = None;
        self.silence = false;
        if let Some(rec) = self.recording.take() {
            rec.finish(core, record::End::Hangup);
        }
        self.ticker = None;
    }
}

/// A random version-4 UUID, as Asterisk names playbacks and bridges.
pub fn uuid() -> String {
    let mut b: [u8; 16] = rand::random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// The server's media state: sounds, and the playbacks and live recordings
/// in progress (which `playbacks/{id}` and `recordings/live/{name}` reach).
pub struct MediaRegistry {
    /// Sound and recording lookup.
    pub sounds: Arc<Sounds>,
    playbacks: RwLock<HashMap<String, Arc<Playback>>>,
    recordings: RwLock<HashMap<String, Arc<LiveRecording>>>,
    moh: BTreeMap<String, PathBuf>,
}

impl MediaRegistry {
    /// Media from `sound_dirs`, recordings in `recordings_dir` (incomplete
    /// recordings a previous run left there are removed), and music-on-hold
    /// classes by name. Without a `default` class, the first `moh` folder of
    /// the sound directories serves as one.
    pub fn new(
        sound_dirs: Vec<PathBuf>,
        recordings_dir: PathBuf,
        mut moh: BTreeMap<String, PathBuf>,
        default_language: String,
    ) -> Self {
        if !moh.contains_key("default") {
            if let Some(dir) = sound_dirs
                .iter()
                .map(|d| d.join("moh"))
                .find(|d| d.is_dir())
            {
                moh.insert("default".into(), dir);
            }
        }
        record::remove_partials(&recordings_dir);
        MediaRegistry {
            sounds: Arc::new(Sounds::new(sound_dirs, recordings_dir, default_language)),
            playbacks: RwLock::new(HashMap::new()),
            recordings: RwLock::new(HashMap::new()),
            moh,
        }
    }

    /// A playback in progress.
    pub fn playback(&self, id: &str) -> Option<Arc<Playback>> {
        self.playbacks.read().get(id).cloned()
    }

    /// Registers a playback; false if its id is taken.
    pub fn add_playback(&self, p: &Arc<Playback>) -> bool {
        let mut map = self.playbacks.write();
        if map.contains_key(&p.id) {
            return false;
        }
        map.insert(p.id.clone(), p.clone());
        true
    }

    /// Forgets a finished playback.
    pub fn forget_playback(&self, id: &str) {
        self.playbacks.write().remove(id);
    }

    /// How many playbacks are in progress.
    pub fn playback_count(&self) -> usize {
        self.playbacks.read().len()
    }

    /// A run of a registered playback, for its target's task.
    pub fn run(&self, handle: Arc<Playback>) -> PlaybackRun {
        PlaybackRun::new(handle, self.sounds.clone())
    }

    /// A live recording.
    pub fn recording(&self, name: &str) -> Option<Arc<LiveRecording>> {
        self.recordings.read().get(name).cloned()
    }

    /// Registers a live recording; false if one of that name is in progress.
    pub fn add_recording(&self, r: &Arc<LiveRecording>) -> bool {
        let mut map = self.recordings.write();
        if map.get(&r.options.name).is_some_and(|old| old.active()) {
            return false;
        }
        map.insert(r.options.name.clone(), r.clone());
        true
    }

    /// Forgets a live recording that ended.
    pub fn forget_recording(&self, name: &str) {
        self.recordings.write().remove(name);
    }

    /// The directory of a music-on-hold class: `None` for an unknown class,
    /// `Some(None)` for `default` when no folder exists (a tone plays).
    pub fn moh_dir(&self, class: &str) -> Option<Option<&Path>> {
        match self.moh.get(class) {
            Some(dir) => Some(Some(dir.as_path())),
            None if class == "default" => Some(None),
            None => None,
        }
    }
}
