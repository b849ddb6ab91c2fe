//! The telephony core: channels, the Local technology, the dialplan and its
//! applications, global variables and modules. Nothing here knows about HTTP
//! or JSON; tests can drive it with no socket open. Events leave through an
//! [`EventSink`] (Stasis implements it) as typed values naming their topics.

pub mod bridge;
pub mod cause;
pub mod channel;
pub mod exec;
pub mod functions;
pub mod local;
pub mod media;
pub mod modules;
pub mod pbx;
pub mod rtp;
pub mod snoop;
mod topic;

use ari_dialplan::Dialplan;
use ari_types::{Event, Timestamp};
use channel::{ChanData, ChanState, Channel};
use exec::Exec;
use parking_lot::RwLock;
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

pub use modules::{ModuleError, ModuleInfo, Modules};
pub use topic::Topic;

/// What travels between channels: signalling and (later) media.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frame {
    /// A DTMF digit, complete with its length.
    Dtmf {
        /// The digit (0-9, A-D, *, #).
        digit: char,
        /// How long it lasted.
        duration_ms: u32,
    },
    /// The far end answered.
    Answer,
    /// The far end is ringing.
    Ringing,
    /// The far end signalled progress.
    Progress,
    /// The far end is busy.
    Busy,
    /// The far end is congested.
    Congestion,
    /// The far end put the call on hold.
    Hold,
    /// The far end took the call off hold.
    Unhold,
    /// 20 ms of audio: signed-linear samples at 8 kHz.
    Voice(Arc<[i16]>),
}

/// Where the core's events go.
pub trait EventSink: Send + Sync {
    /// Publishes an event concerning `topics` to whoever subscribed.
    fn publish(&self, event: &Event, topics: &[Topic]);
    /// Sends an event to one application. False if it is not connected.
    fn send_to(&self, app: &str, event: &Event) -> bool;
    /// Drops every subscription to a resource that is gone.
    fn forget(&self, topic: &Topic);
}

/// What a dialplan application tells the executor when it returns.
#[derive(Debug, PartialEq, Eq)]
pub enum AppResult {
    /// Go on with the next priority (or wherever `Exec::jump` says).
    Continue,
    /// Stop executing the dialplan and hang up.
    Hangup,
}

/// A dialplan application's future.
pub type AppFuture<'a> = Pin<Box<dyn Future<Output = AppResult> + Send + 'a>>;

/// A dialplan application (`Answer`, `Stasis`, ...), registered by name.
pub trait DialplanApp: Send + Sync {
    /// Runs the application on the channel of `x` with its (substituted) data.
    fn exec<'a>(&'a self, x: &'a mut Exec, data: String) -> AppFuture<'a>;
}

/// What the core is configured with.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Variables shown in every snapshot's `channelvars`.
    pub channelvars: Vec<String>,
    /// Language of new channels.
    pub default_language: String,
    /// Directories searched for sounds.
    pub sound_dirs: Vec<std::path::PathBuf>,
    /// Where recordings are stored.
    pub recordings_dir: std::path::PathBuf,
    /// Music-on-hold classes: name to directory.
    pub moh: BTreeMap<String, std::path::PathBuf>,
}

/// Server-wide state below the ARI layer.
pub struct Core {
    globals: RwLock<BTreeMap<String, String>>,
    /// The server's optional and built-in modules.
    pub modules: Modules,
    channels: RwLock<HashMap<String, Arc<Channel>>>,
    bridges: RwLock<HashMap<String, Arc<bridge::Bridge>>>,
    dialplan: RwLock<Arc<Dialplan>>,
    apps: RwLock<HashMap<String, Arc<dyn DialplanApp>>>,
    sink: OnceLock<Arc<dyn EventSink>>,
    /// Sounds, playbacks, recordings, music on hold.
    pub media: media::MediaRegistry,
    /// Variables shown in every snapshot's `channelvars`.
    channelvars: Vec<String>,
    /// Language of new channels.
    pub default_language: String,
    uniq: AtomicU64,
    names: AtomicU64,
}

impl Core {
    /// A core with the given dialplan and settings.
    pub fn new(dialplan: Dialplan, settings: Settings) -> Arc<Self> {
        let Settings {
            channelvars,
            default_language,
            sound_dirs,
            recordings_dir,
            moh,
        } = settings;
        let globals = dialplan.globals().iter().cloned().collect();
        let core = Arc::new(Core {
            globals: RwLock::new(globals),
            modules: Modules::new(),
            channels: RwLock::new(HashMap::new()),
            bridges: RwLock::new(HashMap::new()),
            dialplan: RwLock::new(Arc::new(dialplan)),
            apps: RwLock::new(HashMap::new()),
            sink: OnceLock::new(),
            media: media::MediaRegistry::new(
                sound_dirs,
                recordings_dir,
                moh,
                default_language.clone(),
            ),
            channelvars,
            default_language,
            uniq: AtomicU64::new(0),
            names: AtomicU64::new(0),
        });
        pbx::register_builtin_apps(&core);
        core
    }

    /// Connects the core to where its events go (once, at start-up).
    pub fn set_sink(&self, sink: Arc<dyn EventSink>) {
        let _ = self.sink.set(sink);
    }

    /// Registers a dialplan application (names are case-insensitive).
    pub fn register_app(&self, name: &str, app: Arc<dyn DialplanApp>) {
        self.apps.write().insert(name.to_ascii_lowercase(), app);
    }

    /// A dialplan application by name.
    pub fn app(&self, name: &str) -> Option<Arc<dyn DialplanApp>> {
        self.apps.read().get(&name.to_ascii_lowercase()).cloned()
    }

    /// The dialplan in force.
    pub fn dialplan(&self) -> Arc<Dialplan> {
        self.dialplan.read().clone()
    }

    /// A global variable's value.
    pub fn global(&self, name: &str) -> Option<String> {
        self.globals.read().get(name).cloned()
    }

    /// Sets a global variable; an empty value unsets it.
    pub fn set_global(&self, name: &str, value: &str) {
        let mut g = self.globals.write();
        if value.is_empty() {
            g.remove(name);
        } else {
            g.insert(name.to_string(), value.to_string());
        }
    }

    // ---- channels -------------------------------------------------------

    /// A fresh unique id: creation second and a counter, as Asterisk's.
    pub fn new_uniqueid(&self) -> String {
        let n = self.uniq.fetch_add(1, Ordering::Relaxed);
        format!("{}.{n}", Timestamp::now().0.timestamp())
    }

    /// A fresh 8-hex-digit suffix for channel names.
    pub fn new_name_suffix(&self) -> String {
        format!("{:08x}", self.names.fetch_add(1, Ordering::Relaxed) + 1)
    }

    /// A channel by id.
    pub fn channel(&self, id: &str) -> Option<Arc<Channel>> {
        self.channels.read().get(id).cloned()
    }

    /// Every channel, oldest first.
    pub fn channels(&self) -> Vec<Arc<Channel>> {
        let mut v: Vec<Arc<Channel>> = self.channels.read().values().cloned().collect();
        v.sort_by(|a, b| {
            a.creationtime
                .cmp(&b.creationtime)
                .then_with(|| a.name.cmp(&b.name))
        });
        v
    }

    /// How many channels exist.
    pub fn channel_count(&self) -> usize {
        self.channels.read().len()
    }

    /// Whether an id is taken.
    pub fn id_in_use(&self, id: &str) -> bool {
        self.channels.read().contains_key(id)
    }

    /// Initial state for a new channel in `context`/`exten`.
    pub fn chan_data(&self, state: ChanState, context: &str, exten: &str) -> ChanData {
        ChanData {
            state,
            caller: Default::default(),
            connected: Default::default(),
            accountcode: String::new(),
            context: context.to_string(),
            exten: exten.to_string(),
            priority: 1,
            app_name: String::new(),
            app_data: String::new(),
            language: self.default_language.clone(),
            vars: BTreeMap::new(),
            stasis_app: None,
            bridge: None,
            cause: 0,
            held: false,
            muted: (false, false),
        }
    }

    /// Creates and registers a channel; `None` if the id is taken. Does not
    /// publish anything (see [`Core::announce`]) nor start its task (see
    /// [`Core::start`]).
    pub fn create_channel(
        &self,
        id: Option<String>,
        name: String,
        data: ChanData,
    ) -> Option<Arc<Channel>> {
        let id = id
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| self.new_uniqueid());
        let mut channels = self.channels.write();
        if channels.contains_key(&id) {
            return None;
        }
        let chan = Channel::new(id.clone(), name, data);
        channels.insert(id, chan.clone());
        Some(chan)
    }

    /// Creates two channels at once (a Local pair); `None` if either id is
    /// taken or both are the same.
    pub fn create_pair(
        &self,
        ids: (Option<String>, Option<String>),
        names: (String, String),
        data: (ChanData, ChanData),
    ) -> Option<(Arc<Channel>, Arc<Channel>)> {
        let id1 = ids
            .0
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| self.new_uniqueid());
        let id2 = ids
            .1
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| self.new_uniqueid());
        let mut channels = self.channels.write();
        if id1 == id2 || channels.contains_key(&id1) || channels.contains_key(&id2) {
            return None;
        }
        let one = Channel::new(id1.clone(), names.0, data.0);
        let two = Channel::new(id2.clone(), names.1, data.1);
        channels.insert(id1, one.clone());
        channels.insert(id2, two.clone());
        Channel::pair(&one, &two);
        Some((one, two))
    }

    /// Starts the task of `chan`, running `start`; when it ends the channel
    /// is destroyed. Does nothing if the task already started.
    pub fn start(self: &Arc<Self>, chan: &Arc<Channel>, start: local::Start) {
        let Some(mail) = chan.unpark() else { return };
        let mut x = Exec::new(chan.clone(), self.clone(), mail);
        tokio::spawn(async move {
            local::run(&mut x, start).await;
            x.refuse_commands();
            let core = x.core.clone();
            x.media.shutdown(&core);
            x.core.destroy(&x.chan);
        });
    }

    /// Publishes `ChannelCreated`.
    pub fn announce(&self, chan: &Arc<Channel>) {
        self.publish_channel(chan, |channel| {
            Event::ChannelCreated(ari_types::ChannelCreated { channel })
        });
    }

    /// The ARI snapshot of a channel.
    pub fn snapshot(&self, chan: &Channel) -> ari_types::Channel {
        chan.with(|d| {
            let channelvars = (!self.channelvars.is_empty()).then(|| {
                self.channelvars
                    .iter()
                    .map(|name| {
                        (
                            name.clone(),
                            functions::read(self, Some((chan, d)), name).unwrap_or_default(),
                        )
                    })
                    .collect()
            });
            ari_types::Channel {
                id: chan.id.clone(),
                name: chan.name.clone(),
                state: d.state.as_str().to_string(),
                protocol_id: Some(String::new()),
                caller: d.caller.clone(),
                connected: d.connected.clone(),
                accountcode: d.accountcode.clone(),
                dialplan: ari_types::DialplanCep {
                    context: d.context.clone(),
                    exten: d.exten.clone(),
                    priority: d.priority,
                    app_name: Some(d.app_name.clone()),
                    app_data: Some(d.app_data.clone()),
                },
                creationtime: chan.creationtime,
                language: d.language.clone(),
                channelvars,
                tenantid: None,
            }
        })
    }

    /// Publishes an event built from a fresh snapshot of `chan` to the
    /// channel's subscribers.
    pub fn publish_channel(&self, chan: &Channel, build: impl FnOnce(ari_types::Channel) -> Event) {
        let Some(sink) = self.sink.get() else { return };
        let event = build(self.snapshot(chan));
        sink.publish(&event, &[Topic::Channel(chan.id.clone())]);
    }

    /// Publishes an event to arbitrary topics.
    pub fn publish(&self, event: &Event, topics: &[Topic]) {
        if let Some(sink) = self.sink.get() {
            sink.publish(event, topics);
        }
    }

    /// Sends an event to one application.
    pub fn send_to(&self, app: &str, event: &Event) -> bool {
        self.sink.get().is_some_and(|s| s.send_to(app, event))
    }

    /// Changes a channel's state, publishing `ChannelStateChange` if it changed.
    pub fn set_state(&self, chan: &Channel, state: ChanState) {
        let changed = chan.update(|d| std::mem::replace(&mut d.state, state) != state);
        if changed {
            self.publish_channel(chan, |channel| {
                Event::ChannelStateChange(ari_types::ChannelStateChange { channel })
            });
        }
    }

    /// Sets a channel variable, publishing `ChannelVarset`.
    pub fn set_var(&self, chan: &Channel, name: &str, value: &str) {
        chan.update(|d| {
            if value.is_empty() {
                d.vars.remove(name);
            } else {
                d.vars.insert(name.to_string(), value.to_string());
            }
        });
        let (variable, value) = (name.to_string(), value.to_string());
        self.publish_channel(chan, |channel| {
            Event::ChannelVarset(ari_types::ChannelVarset {
                variable,
                value,
                channel: Some(channel),
            })
        });
    }

    /// Requests a hangup of `chan` with `cause`, publishing
    /// `ChannelHangupRequest` the first time.
    pub fn hangup(&self, chan: &Channel, cause: i32) {
        chan.update(|d| {
            if d.cause == 0 {
                d.cause = cause;
            }
        });
        if chan.request_hangup(cause) {
            self.publish_channel(chan, |channel| {
                Event::ChannelHangupRequest(ari_types::ChannelHangupRequest {
                    cause: Some(cause as i64),
                    tech_cause: None,
                    soft: Some(true),
                    channel,
                })
            });
        }
    }

    /// Removes a channel whose task ended: hangs up its Local peer,
    /// publishes `ChannelDestroyed`, and forgets its subscriptions.
    pub fn destroy(self: &Arc<Self>, chan: &Arc<Channel>) {
        let cause = chan.update(|d| {
            if d.cause == 0 {
                d.cause = cause::NORMAL_CLEARING;
            }
            d.cause
        });
        if let Some(bridge) = chan.bridge() {
            let _ = bridge.remove(self, chan);
        }
        for snoop in chan.snoops() {
            self.hangup(&snoop, cause);
        }
        // The other half of a Local pair goes too. (A channel linked by a
        // Dial is not hung up here: the Dial decides what its caller does.)
        if let Some(other) = chan.peer() {
            self.hangup(&other, cause);
            // A half that never ran (a created channel never dialled) still
            // needs its task to wind it up.
            self.start(&other, local::Start::Nothing);
        }
        self.publish_channel(chan, |channel| {
            Event::ChannelDestroyed(ari_types::ChannelDestroyed {
                cause: cause as i64,
                cause_txt: cause::text(cause).to_string(),
                tech_cause: None,
                channel,
            })
        });
        self.channels.write().remove(&chan.id);
        chan.report(channel::Progress::Gone(chan.id.clone(), cause));
        if let Some(sink) = self.sink.get() {
            sink.forget(&Topic::Channel(chan.id.clone()));
        }
    }
}
