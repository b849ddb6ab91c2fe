//! A thin, cheap ARI client: REST requests timed into the run's metrics, and
//! events WebSockets whose frames are stamped on arrival and handed to the
//! workload undecoded (each workload decodes only the fields it needs).
//!
//! Deliberately lower level than the project's `ari-client` crate: no typed
//! decoding of whole events and no listener tables, so the tool spends as
//! little CPU as possible per operation and is never the bottleneck.

use crate::stats::Metrics;
use futures_util::StreamExt;
use parking_lot::Mutex;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use reqwest::Method;
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;

/// Characters escaped in a query value or path segment.
const QUERY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes `s` for a query value or a path segment.
pub fn enc(s: &str) -> Cow<'_, str> {
    utf8_percent_encode(s, QUERY).into()
}

/// A response: status and body.
#[derive(Debug)]
pub struct Resp {
    /// HTTP status.
    pub status: u16,
    /// The body.
    pub body: Vec<u8>,
}

/// The server: REST with keep-alive connections, and events WebSockets.
pub struct Ari {
    http: reqwest::Client,
    base: String,
    ws_base: String,
    auth: HeaderValue,
    api_key: String,
    /// Where REST latencies and errors are recorded.
    pub metrics: Arc<Metrics>,
}

impl Ari {
    /// A client for the ARI server at `url` (ARI under `<url>/ari`).
    pub fn new(
        url: &str,
        user: &str,
        password: &str,
        metrics: Arc<Metrics>,
    ) -> Result<Ari, String> {
        use base64::Engine;
        let url = url.trim_end_matches('/');
        let ws_base = if let Some(rest) = url.strip_prefix("http://") {
            format!("ws://{rest}")
        } else if let Some(rest) = url.strip_prefix("https://") {
            format!("wss://{rest}")
        } else {
            return Err(format!("--url must start with http:// ({url})"));
        };
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        let http = reqwest::Client::builder()
            .no_proxy()
            .tcp_nodelay(true)
            .pool_max_idle_per_host(usize::MAX)
            .pool_idle_timeout(Duration::from_secs(60))
            .timeout(Duration::from_secs(30))
            .http1_only()
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Ari {
            http,
            base: format!("{url}/ari"),
            ws_base: format!("{ws_base}/ari/events"),
            auth: HeaderValue::from_str(&format!("Basic {token}")).map_err(|e| e.to_string())?,
            api_key: format!("{}:{}", enc(user), enc(password)),
            metrics,
        })
    }

    /// Sends one request (`path` is below `/ari`, with its query) and records
    /// its latency as `op`, whatever the status. A transport failure is
    /// recorded as an error and returned as `Err`.
    pub async fn request(
        &self,
        op: &'static str,
        method: Method,
        path: &str,
        json_body: Option<String>,
    ) -> Result<Resp, String> {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header(AUTHORIZATION, self.auth.clone());
        if let Some(body) = json_body {
            req = req.header(CONTENT_TYPE, "application/json").body(body);
        }
        let t0 = Instant::now();
        let result = async {
            let resp = req.send().await?;
            let status = resp.status().as_u16();
            let body = resp.bytes().await?.to_vec();
            Ok::<_, reqwest::Error>(Resp { status, body })
        }
        .await;
        match result {
            Ok(r) => {
                self.metrics.record(op, t0.elapsed());
                Ok(r)
            }
            Err(e) => {
                let why = if e.is_timeout() {
                    "timeout"
                } else if e.is_connect() {
                    "connect failed"
                } else {
                    "transport error"
                };
                self.metrics.error(format!("{}: {why}", op_name(op)));
                Err(format!("{}: {e}", op_name(op)))
            }
        }
    }

    /// Like [`Ari::request`], but a status outside `ok` is also recorded as
    /// an error (`op: HTTP 409`) and gives `None`.
    pub async fn expect(
        &self,
        op: &'static str,
        method: Method,
        path: &str,
        json_body: Option<String>,
        ok: &[u16],
    ) -> Option<Resp> {
        let r = self.request(op, method, path, json_body).await.ok()?;
        if ok.contains(&r.status) {
            Some(r)
        } else {
            self.metrics
                .error(format!("{}: HTTP {}", op_name(op), r.status));
            None
        }
    }

    /// Opens an events WebSocket for the applications `apps` (comma-separated)
    /// and calls `on_frame(text, arrival)` for each text frame, on the
    /// socket's reader task. The task ends when the socket closes; an
    /// unexpected close is recorded as an error.
    pub async fn events<F>(&self, apps: &str, on_frame: F) -> Result<JoinHandle<()>, String>
    where
        F: Fn(&str, Instant) + Send + Sync + 'static,
    {
        let url = format!(
            "{}?app={}&api_key={}",
            self.ws_base,
            enc(apps),
            self.api_key
        );
        let (ws, _) = tokio_tungstenite::connect_async(url.as_str())
            .await
            .map_err(|e| format!("events WebSocket for {apps}: {e}"))?;
        let metrics = self.metrics.clone();
        let trace = std::env::var_os("ARI_BENCH_TRACE").is_some();
        let apps = apps.to_string();
        let (_write, mut read) = ws.split();
        Ok(tokio::spawn(async move {
            // Keep the write half alive: dropping it does not close the socket,
            // but holding it makes the intent plain.
            let _write = _write;
            while let Some(msg) = read.next().await {
                let at = Instant::now();
                match msg {
                    Ok(Message::Text(t)) => {
                        if trace {
                            eprintln!("[{apps}] {}", t.as_str());
                        }
                        on_frame(t.as_str(), at)
                    }
                    Ok(Message::Close(_)) => {
                        metrics.error("websocket: closed by the server");
                        return;
                    }
                    Ok(_) => {}
                    Err(e) => {
                        metrics.error(format!("websocket: {e}"));
                        return;
                    }
                }
            }
        }))
    }

    /// Waits until every application in `apps` is registered (listed by
    /// `GET /applications/{name}`), up to `bound`.
    pub async fn wait_registered(&self, apps: &[String], bound: Duration) -> Result<(), String> {
        let deadline = Instant::now() + bound;
        for app in apps {
            loop {
                let path = format!("/applications/{}", enc(app));
                match self.request("setup", Method::GET, &path, None).await {
                    Ok(r) if r.status == 200 => break,
                    Ok(r) if r.status == 401 || r.status == 403 => {
                        return Err(format!(
                            "GET {path}: HTTP {} (check --user/--password)",
                            r.status
                        ))
                    }
                    _ if Instant::now() >= deadline => {
                        return Err(format!(
                            "application {app} did not register within {bound:?}"
                        ))
                    }
                    _ => tokio::time::sleep(Duration::from_millis(10)).await,
                }
            }
        }
        Ok(())
    }
}

/// `rest.originate` -> `originate`.
fn op_name(op: &str) -> &str {
    op.strip_prefix("rest.").unwrap_or(op)
}

/// Routes values to the task waiting on an id (a channel id, most often).
pub struct Router<T> {
    map: Mutex<HashMap<String, mpsc::UnboundedSender<T>>>,
}

impl<T> Default for Router<T> {
    fn default() -> Self {
        Router {
            map: Mutex::new(HashMap::new()),
        }
    }
}

impl<T> Router<T> {
    /// Starts routing values for `id` to the returned receiver.
    pub fn watch(&self, id: &str) -> mpsc::UnboundedReceiver<T> {
        let (tx, rx) = mpsc::unbounded_channel();
        self.map.lock().insert(id.to_string(), tx);
        rx
    }

    /// Hands `value` to whoever watches `id`; false if nobody does.
    pub fn send(&self, id: &str, value: T) -> bool {
        match self.map.lock().get(id) {
            Some(tx) => tx.send(value).is_ok(),
            None => false,
        }
    }

    /// Whether someone watches `id`.
    pub fn watched(&self, id: &str) -> bool {
        self.map.lock().contains_key(id)
    }

    /// Stops routing values for `id`.
    pub fn forget(&self, id: &str) {
        self.map.lock().remove(id);
    }
}

/// The fields of an event the workloads look at; the rest is skipped
/// without being decoded.
#[derive(Deserialize, Debug)]
pub struct Head<'a> {
    /// Event type.
    #[serde(rename = "type", borrow)]
    pub kind: Cow<'a, str>,
    /// The application the event was sent to.
    #[serde(borrow, default)]
    pub application: Option<Cow<'a, str>>,
    /// The channel, for channel events.
    #[serde(borrow, default)]
    pub channel: Option<IdRef<'a>>,
    /// The playback, for playback events.
    #[serde(borrow, default)]
    pub playback: Option<PlaybackRef<'a>>,
    /// User event variables (only the tool's own).
    #[serde(borrow, default)]
    pub userevent: Option<UserVars<'a>>,
}

/// An object's `id`.
#[derive(Deserialize, Debug)]
pub struct IdRef<'a> {
    /// The id.
    #[serde(borrow)]
    pub id: Cow<'a, str>,
}

/// A playback's id and target.
#[derive(Deserialize, Debug)]
pub struct PlaybackRef<'a> {
    /// Playback id.
    #[serde(borrow)]
    pub id: Cow<'a, str>,
    /// `channel:ID` or `bridge:ID`.
    #[serde(borrow, default)]
    pub target_uri: Cow<'a, str>,
}

/// The variables the `events` workload puts in its user events.
#[derive(Deserialize, Debug)]
pub struct UserVars<'a> {
    /// Send time: nanoseconds since the tool's start.
    #[serde(borrow, default)]
    pub bench_t: Option<Cow<'a, str>>,
    /// Run id, so events of another run are ignored.
    #[serde(borrow, default)]
    pub bench_run: Option<Cow<'a, str>>,
}

impl<'a> Head<'a> {
    /// Decodes the head of an event frame.
    pub fn parse(text: &'a str) -> Option<Head<'a>> {
        serde_json::from_str(text).ok()
    }

    /// The channel id, if the event has a channel.
    pub fn channel_id(&self) -> Option<&str> {
        self.channel.as_ref().map(|c| c.id.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_only_what_is_needed() {
        let text = r#"{"type":"StasisStart","timestamp":"2026-01-01T00:00:00.000+0000","args":[],
            "channel":{"id":"bench-1","name":"Local/answer@default-00000001;1","state":"Up",
            "caller":{"name":"","number":""},"dialplan":{"context":"default","exten":"answer","priority":1}},
            "asterisk_id":"x","application":"ari-bench"}"#;
        let h = Head::parse(text).unwrap();
        assert_eq!(h.kind, "StasisStart");
        assert_eq!(h.channel_id(), Some("bench-1"));
        assert_eq!(h.application.as_deref(), Some("ari-bench"));
        let text = r#"{"type":"ChannelUserevent","eventname":"AriBench",
            "userevent":{"bench_t":"12345","bench_run":"r1","other":{"x":1}},"application":"a"}"#;
        let h = Head::parse(text).unwrap();
        let u = h.userevent.unwrap();
        assert_eq!(u.bench_t.as_deref(), Some("12345"));
        assert_eq!(u.bench_run.as_deref(), Some("r1"));
        let text = r#"{"type":"PlaybackStarted","playback":{"id":"p1","media_uri":"tone:ring","target_uri":"channel:c1","state":"playing"}}"#;
        let h = Head::parse(text).unwrap();
        assert_eq!(h.playback.unwrap().target_uri, "channel:c1");
    }

    #[test]
    fn encodes_query_values() {
        assert_eq!(enc("Local/answer@default"), "Local%2Fanswer%40default");
        assert_eq!(enc("a-b_c.d~e"), "a-b_c.d~e");
    }
}
