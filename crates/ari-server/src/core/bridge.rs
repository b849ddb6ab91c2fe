//! Bridges: channels joined so they hear each other.
//!
//! A mixing bridge gives each participant the sum of the others (never its
//! own audio), clipped once at the end. With two participants and nothing
//! else to mix in, frames pass straight from one to the other in the
//! sending channel's task, with no timer (Asterisk's `simple_bridge`). With
//! three or more, or when the bridge itself plays, holds music or records,
//! the bridge's own task mixes every 20 ms on an absolute schedule
//! (`softmix`). A holding bridge never lets participants hear each other:
//! they hear the bridge's music, playbacks and its announcers.

use super::channel::Channel;
use super::media::moh::Moh;
use super::media::playback::{PlaybackRun, Step};
use super::media::record::{End, Recorder};
use super::media::{nb_frame, FRAME};
use super::{Core, Frame, Topic};
use ari_types::{Event, Timestamp};
use parking_lot::Mutex;
use std::collections::VecDeque;
use std::sync::{Arc, Weak};
use tokio::sync::Notify;
use tokio::time::MissedTickBehavior;

/// Frames buffered per participant for the mixer, at most.
const JITTER_FRAMES: usize = 3;

/// Bridge type attributes ARI accepts.
pub const TYPES: &[&str] = &[
    "mixing",
    "holding",
    "dtmf_events",
    "proxy_media",
    "video_sfu",
    "video_single",
];

/// One participant.
struct Member {
    chan: Arc<Channel>,
    role: String,
    absorb_dtmf: bool,
    mute: bool,
    jitter: VecDeque<Arc<[i16]>>,
}

struct State {
    name: String,
    members: Vec<Member>,
    video_source: Option<String>,
    playbacks: VecDeque<PlaybackRun>,
    moh: Option<Moh>,
    recording: Option<Recorder>,
    destroyed: bool,
}

/// A bridge.
pub struct Bridge {
    /// Id.
    pub id: String,
    /// When it was created.
    pub creationtime: Timestamp,
    /// A holding bridge (participants do not hear each other).
    pub holding: bool,
    /// `video_sfu` was asked for.
    pub sfu: bool,
    st: Mutex<State>,
    wake: Notify,
    core: Weak<Core>,
}

/// Why a bridge operation failed.
#[derive(Debug, PartialEq, Eq)]
pub enum BridgeError {
    /// The channel is in another bridge.
    InOtherBridge(String),
    /// The channel is not in this bridge.
    NotInBridge,
    /// The bridge is gone.
    Destroyed,
    /// The bridge is already recording.
    Recording,
}

impl Bridge {
    /// The ARI `Bridge` object.
    pub fn snapshot(&self) -> ari_types::Bridge {
        let st = self.st.lock();
        ari_types::Bridge {
            id: self.id.clone(),
            technology: self.technology(&st).to_string(),
            bridge_type: if self.holding { "holding" } else { "mixing" }.to_string(),
            bridge_class: "stasis".into(),
            creator: "Stasis".into(),
            name: st.name.clone(),
            channels: st.members.iter().map(|m| m.chan.id.clone()).collect(),
            video_mode: Some(
                if self.sfu {
                    "sfu"
                } else if self.holding {
                    "none"
                } else if st.video_source.is_some() {
                    "single"
                } else {
                    "talker"
                }
                .to_string(),
            ),
            video_source_id: st.video_source.clone(),
            creationtime: self.creationtime,
        }
    }

    fn technology(&self, st: &State) -> &'static str {
        if self.holding {
            "holding_bridge"
        } else if Self::simple(self.holding, st) {
            "simple_bridge"
        } else {
            "softmix"
        }
    }

    /// Two parties, nothing else: frames go straight across.
    fn simple(holding: bool, st: &State) -> bool {
        !holding
            && st.members.len() <= 2
            && st.playbacks.is_empty()
            && st.moh.is_none()
            && st.recording.is_none()
    }

    /// Whether the bridge's mixer must run.
    fn mixing(&self, st: &State) -> bool {
        !st.destroyed
            && !Self::simple(self.holding, st)
            && (!st.members.is_empty() || st.recording.is_some())
    }

    /// Renames the bridge.
    pub fn set_name(&self, name: &str) {
        self.st.lock().name = name.to_string();
    }

    /// Ids of the channels in the bridge.
    pub fn channel_ids(&self) -> Vec<String> {
        self.st
            .lock()
            .members
            .iter()
            .map(|m| m.chan.id.clone())
            .collect()
    }

    /// Whether the bridge was destroyed.
    pub fn destroyed(&self) -> bool {
        self.st.lock().destroyed
    }

    fn topics(&self, chan: &Channel) -> [Topic; 2] {
        [
            Topic::Bridge(self.id.clone()),
            Topic::Channel(chan.id.clone()),
        ]
    }

    /// Adds a channel (a no-op if it is already here).
    pub fn add(
        self: &Arc<Self>,
        core: &Core,
        chan: &Arc<Channel>,
        role: &str,
        absorb_dtmf: bool,
        mute: bool,
    ) -> Result<(), BridgeError> {
        {
            let mut st = self.st.lock();
            if st.destroyed {
                return Err(BridgeError::Destroyed);
            }
            if st.members.iter().any(|m| m.chan.id == chan.id) {
                return Ok(());
            }
            match chan.bridge() {
                Some(other) if other.id != self.id => {
                    return Err(BridgeError::InOtherBridge(other.id.clone()))
                }
                _ => {}
            }
            chan.set_bridge(Some(self.clone()));
            chan.update(|d| d.bridge = Some(self.id.clone()));
            st.members.push(Member {
                chan: chan.clone(),
                role: role.to_string(),
                absorb_dtmf,
                mute,
                jitter: VecDeque::new(),
            });
        }
        self.wake.notify_one();
        let bridge = self.snapshot();
        let event = Event::ChannelEnteredBridge(ari_types::ChannelEnteredBridge {
            bridge,
            channel: Some(core.snapshot(chan)),
        });
        core.publish(&event, &self.topics(chan));
        Ok(())
    }

    /// Removes a channel.
    pub fn remove(&self, core: &Core, chan: &Channel) -> Result<(), BridgeError> {
        {
            let mut st = self.st.lock();
            let i = st
                .members
                .iter()
                .position(|m| m.chan.id == chan.id)
                .ok_or(BridgeError::NotInBridge)?;
            st.members.remove(i);
            if st.video_source.as_deref() == Some(chan.id.as_str()) {
                st.video_source = None;
            }
            chan.set_bridge(None);
            chan.update(|d| d.bridge = None);
        }
        self.wake.notify_one();
        let event = Event::ChannelLeftBridge(ari_types::ChannelLeftBridge {
            bridge: self.snapshot(),
            channel: core.snapshot(chan),
        });
        core.publish(&event, &self.topics(chan));
        Ok(())
    }

    /// Audio from a participant's far end.
    pub fn feed_voice(&self, from: &str, samples: &Arc<[i16]>) {
        let mut st = self.st.lock();
        if Self::simple(self.holding, &st) {
            let Some(sender) = st.members.iter().find(|m| m.chan.id == from) else {
                return;
            };
            if sender.mute {
                return;
            }
            if let Some(other) = st.members.iter().find(|m| m.chan.id != from) {
                other.chan.write(Frame::Voice(samples.clone()));
            }
            return;
        }
        if let Some(m) = st.members.iter_mut().find(|m| m.chan.id == from) {
            if m.jitter.len() >= JITTER_FRAMES {
                m.jitter.pop_front();
            }
            m.jitter.push_back(samples.clone());
        }
    }

    /// DTMF from a participant's far end: passed to the others unless absorbed.
    pub fn feed_dtmf(&self, from: &str, frame: &Frame) {
        let st = self.st.lock();
        if st
            .members
            .iter()
            .any(|m| m.chan.id == from && m.absorb_dtmf)
        {
            return;
        }
        for m in st.members.iter().filter(|m| m.chan.id != from) {
            m.chan.write(frame.clone());
        }
    }

    /// Queues a playback heard by every participant.
    pub fn play(&self, core: &Core, mut run: PlaybackRun) -> Result<(), BridgeError> {
        let mut st = self.st.lock();
        if st.destroyed {
            return Err(BridgeError::Destroyed);
        }
        if st.playbacks.is_empty() {
            run.start(core);
        }
        st.playbacks.push_back(run);
        drop(st);
        self.wake.notify_one();
        Ok(())
    }

    /// Starts or stops the bridge's music on hold.
    pub fn set_moh(&self, moh: Option<Moh>) {
        self.st.lock().moh = moh;
        self.wake.notify_one();
    }

    /// Starts recording the mix.
    pub fn record(&self, recorder: Recorder) -> Result<(), BridgeError> {
        let mut st = self.st.lock();
        if st.recording.is_some() {
            return Err(BridgeError::Recording);
        }
        st.recording = Some(recorder);
        drop(st);
        self.wake.notify_one();
        Ok(())
    }

    /// Sets (or clears) the video source.
    pub fn set_video_source(&self, core: &Core, channel: Option<&str>) -> Result<(), BridgeError> {
        let old = {
            let mut st = self.st.lock();
            if let Some(id) = channel {
                if !st.members.iter().any(|m| m.chan.id == id) {
                    return Err(BridgeError::NotInBridge);
                }
            }
            std::mem::replace(&mut st.video_source, channel.map(str::to_string))
        };
        let event = Event::BridgeVideoSourceChanged(ari_types::BridgeVideoSourceChanged {
            bridge: self.snapshot(),
            old_video_source_id: old,
        });
        core.publish(&event, &[Topic::Bridge(self.id.clone())]);
        Ok(())
    }

    /// One 20 ms round of the mixer.
    fn mix(&self, core: &Core) {
        let n = nb_frame();
        let mut st = self.st.lock();
        // What every participant hears from the bridge itself.
        let mut extra: Option<Vec<i16>> = None;
        while let Some(run) = st.playbacks.front_mut() {
            match run.next_frame(core) {
                Step::Frame(f) => {
                    extra = Some(f);
                    break;
                }
                Step::Paused => break,
                Step::Finished => {
                    st.playbacks.pop_front();
                    if let Some(next) = st.playbacks.front_mut() {
                        next.start(core);
                    }
                }
            }
        }
        if extra.is_none() {
            extra = st.moh.as_mut().map(|m| m.next_frame());
        }
        let inputs: Vec<Option<Arc<[i16]>>> = st
            .members
            .iter_mut()
            .map(|m| {
                let f = m.jitter.pop_front();
                let heard = !m.mute && (!self.holding || m.role == "announcer");
                f.filter(|_| heard)
            })
            .collect();
        let mut total = vec![0i32; n];
        if let Some(e) = &extra {
            ari_media::mix_into(&mut total, e);
        }
        for f in inputs.iter().flatten() {
            ari_media::mix_into(&mut total, f);
        }
        for (m, own) in st.members.iter().zip(&inputs) {
            if self.holding && m.role == "announcer" {
                continue;
            }
            let out: Vec<i16> = match own {
                Some(own) => {
                    let mut minus = total.clone();
                    for (t, s) in minus.iter_mut().zip(own.iter()) {
                        *t -= *s as i32;
                    }
                    ari_media::saturate(&minus)
                }
                None => ari_media::saturate(&total),
            };
            m.chan.write(Frame::Voice(out.into()));
        }
        let mix = ari_media::saturate(&total);
        let end = st.recording.as_mut().and_then(|r| {
            r.push(&mix);
            r.check(tokio::time::Instant::now())
        });
        if let Some(end) = end {
            if let Some(r) = st.recording.take() {
                drop(st);
                r.finish(core, end);
            }
        }
    }

    /// The bridge's task: mixes while it must, sleeps otherwise.
    async fn run(self: Arc<Self>) {
        let mut ticker: Option<tokio::time::Interval> = None;
        loop {
            let (mixing, destroyed, recording) = {
                let st = self.st.lock();
                (
                    self.mixing(&st),
                    st.destroyed,
                    st.recording.as_ref().map(|r| r.handle.clone()),
                )
            };
            if destroyed {
                return;
            }
            match (mixing, ticker.is_some()) {
                (true, false) => {
                    let mut t =
                        tokio::time::interval_at(tokio::time::Instant::now() + FRAME, FRAME);
                    t.set_missed_tick_behavior(MissedTickBehavior::Burst);
                    ticker = Some(t);
                }
                (false, true) => ticker = None,
                _ => {}
            }
            let requested = async {
                match &recording {
                    Some(h) => h.requested().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = requested => {
                    let mut st = self.st.lock();
                    let end = st.recording.as_mut().and_then(|r| r.check(tokio::time::Instant::now()));
                    if let (Some(end), Some(r)) = (end, end.and_then(|_| st.recording.take())) {
                        drop(st);
                        if let Some(core) = self.core.upgrade() {
                            r.finish(&core, end);
                        }
                    }
                }
                _ = tick(&mut ticker) => {
                    let Some(core) = self.core.upgrade() else { return };
                    self.mix(&core);
                }
            }
        }
    }
}

/// The next tick, or never without a ticker.
async fn tick(ticker: &mut Option<tokio::time::Interval>) {
    match ticker {
        Some(t) => {
            t.tick().await;
        }
        None => std::future::pending().await,
    }
}

/// Why a bridge could not be created.
#[derive(Debug, PartialEq, Eq)]
pub enum CreateError {
    /// A type attribute is unknown.
    BadType(String),
    /// The id is taken.
    Exists,
}

impl Core {
    /// Creates a bridge and starts its task: `BridgeCreated`.
    pub fn create_bridge(
        self: &Arc<Self>,
        id: Option<String>,
        types: &str,
        name: &str,
    ) -> Result<Arc<Bridge>, CreateError> {
        let types: Vec<&str> = types
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .collect();
        if let Some(bad) = types.iter().find(|t| !TYPES.contains(t)) {
            return Err(CreateError::BadType(bad.to_string()));
        }
        let id = id
            .filter(|s| !s.is_empty())
            .unwrap_or_else(super::media::uuid);
        let bridge = Arc::new(Bridge {
            id: id.clone(),
            creationtime: Timestamp::now(),
            holding: types.contains(&"holding"),
            sfu: types.contains(&"video_sfu"),
            st: Mutex::new(State {
                name: name.to_string(),
                members: Vec::new(),
                video_source: None,
                playbacks: VecDeque::new(),
                moh: None,
                recording: None,
                destroyed: false,
            }),
            wake: Notify::new(),
            core: Arc::downgrade(self),
        });
        {
            let mut bridges = self.bridges.write();
            if bridges.contains_key(&id) {
                return Err(CreateError::Exists);
            }
            bridges.insert(id.clone(), bridge.clone());
        }
        tokio::spawn(bridge.clone().run());
        let event = Event::BridgeCreated(ari_types::BridgeCreated {
            bridge: bridge.snapshot(),
        });
        self.publish(&event, &[Topic::Bridge(id)]);
        Ok(bridge)
    }

    /// A bridge by id.
    pub fn bridge(&self, id: &str) -> Option<Arc<Bridge>> {
        self.bridges.read().get(id).cloned()
    }

    /// Every bridge, oldest first.
    pub fn bridges(&self) -> Vec<Arc<Bridge>> {
        let mut v: Vec<Arc<Bridge>> = self.bridges.read().values().cloned().collect();
        v.sort_by(|a, b| {
            a.creationtime
                .cmp(&b.creationtime)
                .then_with(|| a.id.cmp(&b.id))
        });
        v
    }

    /// Destroys a bridge: every participant leaves (and stays in Stasis),
    /// its playbacks end, its recording is kept: `BridgeDestroyed`.
    pub fn destroy_bridge(&self, bridge: &Arc<Bridge>) {
        if self.bridges.write().remove(&bridge.id).is_none() {
            return;
        }
        let members: Vec<Arc<Channel>> = bridge
            .st
            .lock()
            .members
            .iter()
            .map(|m| m.chan.clone())
            .collect();
        for chan in members {
            let _ = bridge.remove(self, &chan);
        }
        let (runs, recording) = {
            let mut st = bridge.st.lock();
            st.destroyed = true;
            st.moh = None;
            (
                st.playbacks.drain(..).collect::<Vec<_>>(),
                st.recording.take(),
            )
        };
        for run in runs {
            run.abandon(self);
        }
        if let Some(r) = recording {
            r.finish(self, End::Hangup);
        }
        bridge.wake.notify_one();
        let event = Event::BridgeDestroyed(ari_types::BridgeDestroyed {
            bridge: bridge.snapshot(),
        });
        self.publish(&event, &[Topic::Bridge(bridge.id.clone())]);
        if let Some(sink) = self.sink.get() {
            sink.forget(&Topic::Bridge(bridge.id.clone()));
        }
    }
}
