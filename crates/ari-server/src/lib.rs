//! `ari-server`: a server that speaks the Asterisk REST Interface.
//!
//! Layers, each depending only on the ones below it:
//!
//! - [`ari`]: HTTP and WebSocket binding: routing, auth, parameters, JSON.
//! - [`stasis`]: applications, subscriptions, event routing.
//! - [`core`]: channels, dialplan, bridges, media, global state.
//! - [`store`]: device states and mailboxes, persisted in SQLite.
//!
//! [`endpoints`] derives the endpoints of the `Local` technology from the
//! core's channels.
//!
//! [`Server`] ties them together; [`Server::start`] binds and serves.

#![forbid(unsafe_code)]

pub mod ari;
pub mod config;
pub mod core;
pub mod endpoints;
pub mod logging;
pub mod stasis;
pub mod store;

use ari_types::{ChannelUserevent, Event, Timestamp};
use axum::serve::ListenerExt;
use config::{Config, ConfigError};
use logging::LogChannels;
use stasis::{Stasis, Topic};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The whole server: configuration and every layer's state.
pub struct Server {
    /// The configuration in force.
    pub config: Config,
    /// Channels, dialplan, bridges, globals, modules.
    pub core: Arc<core::Core>,
    /// Applications and event routing.
    pub stasis: Arc<Stasis>,
    /// Log outputs managed through `asterisk/logging`.
    pub logs: LogChannels,
    /// Device states and mailboxes, persisted in `<data_dir>/ari.db`.
    pub store: store::Store,
    /// This server's id (`asterisk_id` in events, `entity_id` in info).
    pub asterisk_id: String,
    /// When the server started.
    pub started: Timestamp,
    /// Routing table built from the API description.
    pub routes: ari::Routes,
    ids: AtomicU64,
    /// HTTP client for remote media (`sound:http://...`).
    pub http: reqwest::Client,
    /// Set when the server stops: open WebSockets close.
    pub shutdown: tokio::sync::watch::Sender<bool>,
}

/// A random id in the form of a MAC address, as Asterisk's entity id.
fn random_entity_id() -> String {
    let b: [u8; 6] = rand::random();
    // Locally administered, unicast.
    let first = (b[0] | 0x02) & 0xfe;
    format!(
        "{first:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
        b[1], b[2], b[3], b[4], b[5]
    )
}

/// The dialplan used when none is configured.
pub const DEFAULT_DIALPLAN: &str = include_str!("default.conf");

impl Server {
    /// Builds a server from a validated configuration, loading its dialplan.
    pub fn new(config: Config, logs: LogChannels) -> Result<Arc<Server>, ConfigError> {
        let dialplan = match &config.dialplan {
            Some(path) => ari_dialplan::Dialplan::load(path),
            None => ari_dialplan::Dialplan::parse(DEFAULT_DIALPLAN, "<built-in dialplan>"),
        }
        .map_err(|e| ConfigError(e.to_string()))?;
        let store = store::Store::open(&config.data_dir)
            .map_err(|e| ConfigError(format!("cannot open the state database: {e}")))?;
        let asterisk_id = config.entity_id.clone().unwrap_or_else(random_entity_id);
        let core = core::Core::new(
            dialplan,
            core::Settings {
                channelvars: config.channelvars.clone(),
                default_language: config.default_language.clone(),
                sound_dirs: config.sound_dirs.clone(),
                recordings_dir: config.data_dir.join("recordings"),
                moh: config
                    .moh
                    .iter()
                    .map(|(k, v)| (k.clone(), v.directory.clone()))
                    .collect(),
            },
        );
        let stasis = Arc::new(Stasis::new(&asterisk_id));
        core.set_sink(stasis.clone());
        core.register_app(
            "Stasis",
            Arc::new(stasis::control::StasisApp(stasis.clone())),
        );
        core.register_app(
            "StasisBroadcast",
            Arc::new(stasis::broadcast::StasisBroadcastApp(stasis.clone())),
        );
        Ok(Arc::new(Server {
            core,
            stasis,
            logs,
            store,
            asterisk_id,
            started: Timestamp::now(),
            routes: ari::Routes::new(),
            ids: AtomicU64::new(1),
            shutdown: tokio::sync::watch::Sender::new(false),
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(10))
                .build()
                .unwrap_or_default(),
            config,
        }))
    }

    /// Counters and gauges in the Prometheus text exposition format.
    pub fn metrics(&self) -> String {
        use std::fmt::Write as _;
        let b = &self.stasis.broadcasts.counters;
        let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
        let mut out = String::new();
        let mut metric = |name: &str, kind: &str, help: &str, value: f64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        };
        metric(
            "ari_channels",
            "gauge",
            "Channels that exist.",
            self.core.channel_count() as f64,
        );
        metric(
            "ari_bridges",
            "gauge",
            "Bridges that exist.",
            self.core.bridges().len() as f64,
        );
        metric(
            "ari_applications",
            "gauge",
            "Registered Stasis applications.",
            self.stasis.app_count() as f64,
        );
        metric(
            "ari_playbacks",
            "gauge",
            "Playbacks in progress.",
            self.core.media.playback_count() as f64,
        );
        metric(
            "ari_events_delivered_total",
            "counter",
            "Events queued for applications.",
            load(&self.stasis.delivered) as f64,
        );
        metric(
            "ari_broadcasts_in_progress",
            "gauge",
            "Call broadcasts offering or in session.",
            self.stasis.broadcasts.len() as f64,
        );
        metric(
            "ari_broadcast_offered_total",
            "counter",
            "Calls offered by StasisBroadcast.",
            load(&b.offered) as f64,
        );
        metric(
            "ari_broadcast_claimed_total",
            "counter",
            "Broadcasts won by a claim.",
            load(&b.claimed) as f64,
        );
        metric(
            "ari_broadcast_timed_out_total",
            "counter",
            "Broadcasts that ended unclaimed.",
            load(&b.timed_out) as f64,
        );
        metric(
            "ari_broadcast_claim_latency_seconds_sum",
            "counter",
            "Total time from offer to winning claim.",
            load(&b.claim_latency_us) as f64 / 1e6,
        );
        out
    }

    /// A fresh process-unique number.
    pub fn next_id(&self) -> u64 {
        self.ids.fetch_add(1, Ordering::Relaxed)
    }

    /// Whether an event source names something that exists.
    pub fn source_exists(&self, topic: &Topic) -> bool {
        match topic {
            Topic::Channel(id) => id.is_empty() || self.core.channel(id).is_some(),
            Topic::Bridge(id) => id.is_empty() || self.core.bridge(id).is_some(),
            Topic::Endpoint(id) => id.is_empty() || endpoints::exists(&self.core, id),
            // Any device name: as in Asterisk, a device need not exist yet to
            // be watched. Empty means every device.
            Topic::Device(_) => true,
        }
    }

    /// Builds a `ChannelUserevent` carrying `variables`, with the snapshots of
    /// the resources named by `sources`.
    pub fn user_event(
        &self,
        name: &str,
        sources: &[Topic],
        variables: Vec<(String, String)>,
    ) -> Event {
        let userevent = variables
            .into_iter()
            .map(|(k, v)| (k, serde_json::Value::String(v)))
            .collect();
        let channel = sources.iter().find_map(|t| match t {
            Topic::Channel(id) => self.core.channel(id).map(|c| self.core.snapshot(&c)),
            _ => None,
        });
        Event::ChannelUserevent(ChannelUserevent {
            eventname: name.to_string(),
            userevent,
            channel,
            bridge: None,
            endpoint: None,
        })
    }

    /// Binds the configured address and serves until [`Running::stop`].
    pub async fn start(self: &Arc<Self>) -> std::io::Result<Running> {
        let listener = tokio::net::TcpListener::bind((self.config.bind, self.config.port)).await?;
        let addr = listener.local_addr()?;
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let app = ari::router(self.clone());
        let task = tokio::spawn(async move {
            // Events go out as soon as they are written: without NODELAY a
            // second event right after a first waits for the peer's ACK.
            let listener = listener.tap_io(|tcp| {
                if let Err(e) = tcp.set_nodelay(true) {
                    tracing::debug!("cannot set TCP_NODELAY: {e}");
                }
            });
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stop_rx.await;
            });
            if let Err(e) = serve.await {
                tracing::error!("HTTP server failed: {e}");
            }
        });
        Ok(Running {
            addr,
            stop: Some(stop_tx),
            task,
            server: self.clone(),
        })
    }
}

/// A server that is listening.
pub struct Running {
    /// The address it listens on.
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
    server: Arc<Server>,
}

impl Running {
    /// Stops accepting requests, closes open WebSockets, and waits for the
    /// listener to close.
    pub async fn stop(mut self) {
        self.server.shutdown.send_replace(true);
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        self.task.abort();
        let _ = (&mut self.task).await;
    }

    /// Waits until the server ends.
    pub async fn wait(mut self) {
        let _ = (&mut self.task).await;
    }
}
