//! Test harness: a real server on a loopback port, an HTTP client, and an
//! events WebSocket client whose waits are event-driven (the timeouts are
//! only a bound on failure, never a pause).

#![allow(dead_code)]

use ari_server::config::Config;
use ari_server::logging::LogChannels;
use ari_server::{Running, Server};
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long a test waits for something that should happen at once.
pub const BOUND: Duration = Duration::from_secs(10);

pub struct TestServer {
    pub server: Arc<Server>,
    pub running: Option<Running>,
    pub base: String,
    pub http: reqwest::Client,
    pub dir: std::path::PathBuf,
}

pub fn temp_dir(tag: &str) -> std::path::PathBuf {
    let n: u64 = rand_u64();
    let dir = std::env::temp_dir().join(format!("ari-test-{tag}-{}-{n:x}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::time::SystemTime::now())
}

impl TestServer {
    /// Starts a server with the given extra configuration (TOML) on a free port.
    pub async fn start(extra: &str) -> TestServer {
        Self::start_in(temp_dir("srv"), extra).await
    }

    /// Starts a server whose dialplan is `dialplan` (extensions.conf text).
    pub async fn with_dialplan(dialplan: &str, extra: &str) -> TestServer {
        let dir = temp_dir("srv");
        let path = dir.join("extensions.conf");
        std::fs::write(&path, dialplan).unwrap();
        let extra = format!("dialplan = {:?}\n{extra}", path.display().to_string());
        Self::start_in(dir, &extra).await
    }

    /// Starts a server with `dialplan`, whose sounds live in `<dir>/sounds`.
    pub async fn with_media(dialplan: &str, extra: &str) -> TestServer {
        let dir = temp_dir("srv");
        let path = dir.join("extensions.conf");
        std::fs::write(&path, dialplan).unwrap();
        std::fs::create_dir_all(dir.join("sounds/en")).unwrap();
        let extra = format!(
            "dialplan = {:?}\nsound_dirs = [{:?}]\n{extra}",
            path.display().to_string(),
            dir.join("sounds").display().to_string()
        );
        Self::start_in(dir, &extra).await
    }

    /// Writes a sine tone as `<dir>/sounds/en/<name>.wav`.
    pub fn write_tone(&self, name: &str, freq: f64, ms: u32) {
        let n = (8000 * ms / 1000) as usize;
        let samples: Vec<i16> = (0..n)
            .map(|i| {
                ((i as f64 * freq * 2.0 * std::f64::consts::PI / 8000.0).sin() * 8000.0) as i16
            })
            .collect();
        let bytes = ari_media::encode(
            &ari_media::Audio::new(8000, samples),
            ari_media::Format::Wav,
        );
        let path = self.dir.join(format!("sounds/en/{name}.wav"));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    /// The samples of stored WAV recording `name`, fetched over HTTP.
    pub async fn recorded(&self, name: &str) -> Vec<i16> {
        let resp = self
            .req(
                reqwest::Method::GET,
                &format!("/recordings/stored/{name}/file"),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()["content-type"], "audio/wav");
        let bytes = resp.bytes().await.unwrap();
        let audio = ari_media::decode(&bytes, ari_media::Format::Wav).unwrap();
        assert_eq!(audio.rate, 8000);
        audio.samples
    }

    /// Lets live recording `name` run until it holds `secs` seconds, stops
    /// it, waits for `RecordingFinished` on `ws`, and returns its samples.
    pub async fn record_until(&self, ws: &mut Ws, name: &str, secs: i64) -> Vec<i16> {
        eventually(|| {
            self.server
                .core
                .media
                .recording(name)
                .is_some_and(|r| r.snapshot().duration.unwrap_or(0) >= secs)
        })
        .await;
        let (s, _) = self.post(&format!("/recordings/live/{name}/stop")).await;
        assert_eq!(s, 204);
        ws.until("RecordingFinished").await;
        self.recorded(name).await
    }

    async fn start_in(dir: std::path::PathBuf, extra: &str) -> TestServer {
        let toml = format!(
            "port = 0\ndata_dir = {:?}\n{extra}",
            dir.display().to_string()
        );
        let config = Config::parse(&toml).expect("test config");
        let logs = LogChannels::new(dir.join("logs"));
        let server = Server::new(config, logs).expect("server");
        let running = server.start().await.expect("bind");
        let base = format!("http://{}/ari", running.addr);
        TestServer {
            server,
            running: Some(running),
            base,
            http: reqwest::Client::new(),
            dir,
        }
    }

    pub fn addr(&self) -> std::net::SocketAddr {
        self.running.as_ref().unwrap().addr
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A request as the default user.
    pub fn req(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, self.url(path))
            .basic_auth("asterisk", Some("asterisk"))
    }

    pub async fn call(&self, method: reqwest::Method, path: &str) -> (u16, Value) {
        send(self.req(method, path)).await
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.call(reqwest::Method::GET, path).await
    }

    pub async fn post(&self, path: &str) -> (u16, Value) {
        self.call(reqwest::Method::POST, path).await
    }

    pub async fn post_json(&self, path: &str, body: Value) -> (u16, Value) {
        send(self.req(reqwest::Method::POST, path).json(&body)).await
    }

    pub async fn delete(&self, path: &str) -> (u16, Value) {
        self.call(reqwest::Method::DELETE, path).await
    }

    pub async fn put(&self, path: &str) -> (u16, Value) {
        self.call(reqwest::Method::PUT, path).await
    }

    /// Opens the events WebSocket for `query` (e.g. `app=a,b`) as the default user.
    pub async fn ws(&self, query: &str) -> Ws {
        Ws::connect(&format!(
            "ws://{}/ari/events?{query}&api_key=asterisk:asterisk",
            self.addr()
        ))
        .await
    }
}

/// Sends a request; returns the status and the JSON body (Null when empty).
pub async fn send(req: reqwest::RequestBuilder) -> (u16, Value) {
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let bytes = resp.bytes().await.expect("body");
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()))
    };
    (status, body)
}

pub struct Ws {
    pub stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Ws {
    pub async fn connect(url: &str) -> Ws {
        let req = url.into_client_request().unwrap();
        let (stream, _) = tokio_tungstenite::connect_async(req)
            .await
            .expect("websocket connect");
        Ws { stream }
    }

    /// The next event (answering pings on the way), or None if the socket ended.
    pub async fn next(&mut self) -> Option<Value> {
        loop {
            let msg = tokio::time::timeout(BOUND, self.stream.next())
                .await
                .expect("timed out waiting for an event")?;
            match msg {
                Ok(Message::Text(t)) => return Some(serde_json::from_str(&t).expect("event JSON")),
                Ok(Message::Close(_)) | Err(_) => return None,
                Ok(_) => continue,
            }
        }
    }

    /// The next event, which must exist.
    pub async fn event(&mut self) -> Value {
        self.next()
            .await
            .expect("socket closed while waiting for an event")
    }

    /// Skips events until one of type `kind`.
    pub async fn until(&mut self, kind: &str) -> Value {
        loop {
            let e = self.event().await;
            if e["type"] == kind {
                return e;
            }
        }
    }

    pub async fn close(mut self) {
        let _ = self.stream.send(Message::Close(None)).await;
    }
}

/// Waits (event-driven, by polling a cheap condition with yields) until `f` is true.
pub async fn eventually(mut f: impl FnMut() -> bool) {
    let start = std::time::Instant::now();
    while !f() {
        assert!(start.elapsed() < BOUND, "condition not reached in time");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

impl TestServer {
    /// Any method with a JSON body.
    pub async fn call_json(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Value,
    ) -> (u16, Value) {
        send(self.req(method, path).json(&body)).await
    }
}
