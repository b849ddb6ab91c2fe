//! The events WebSocket: connecting, keep-alive, reading frames into the
//! listener registry, and reconnecting with exponential backoff and jitter.

use crate::client::{upgrade_error, Options};
use crate::listeners::Registry;
use crate::{Error, Result};
use ari_types::AnyMessage;
use futures_util::{SinkExt, Stream, StreamExt};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{self, Message as WsMessage};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How the events connection is re-established after it drops: the delay
/// before attempt *n* is `initial_delay * multiplier^(n-1)`, capped at
/// `max_delay`, less a random part of up to `jitter` of it (so that many
/// clients of one restarted server do not all come back at once).
#[derive(Clone, Debug, PartialEq)]
pub struct Reconnect {
    /// Delay before the first attempt. Default: 500 ms.
    pub initial_delay: Duration,
    /// Longest delay between attempts. Default: 30 s.
    pub max_delay: Duration,
    /// Growth of the delay per attempt. Default: 2.
    pub multiplier: f64,
    /// Fraction (0 to 1) of each delay that is random. Default: 0.5.
    pub jitter: f64,
    /// Attempts after which the client gives up
    /// ([`ConnectionEvent::GaveUp`]); `None` tries forever (the default,
    /// right for a long-running application).
    pub max_attempts: Option<u32>,
}

impl Default for Reconnect {
    fn default() -> Self {
        Reconnect {
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            multiplier: 2.0,
            jitter: 0.5,
            max_attempts: None,
        }
    }
}

impl Reconnect {
    /// A policy that never reconnects: a dropped connection is given up at
    /// once.
    pub fn never() -> Self {
        Reconnect {
            max_attempts: Some(0),
            ..Reconnect::default()
        }
    }

    /// The delay before attempt `attempt` (1-based) without jitter.
    pub fn base_delay(&self, attempt: u32) -> Duration {
        let exp = self
            .multiplier
            .max(1.0)
            .powi(attempt.saturating_sub(1).min(64) as i32);
        let secs = (self.initial_delay.as_secs_f64() * exp).min(self.max_delay.as_secs_f64());
        Duration::from_secs_f64(secs.max(0.0))
    }

    /// The delay before attempt `attempt`, jitter included.
    pub fn delay(&self, attempt: u32) -> Duration {
        let base = self.base_delay(attempt);
        let jitter = self.jitter.clamp(0.0, 1.0);
        let cut: f64 = rand::random::<f64>() * jitter;
        base.mul_f64(1.0 - cut)
    }
}

/// A notification about the events connection
/// ([`Client::connection_events`](crate::Client::connection_events)).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ConnectionEvent {
    /// The connection is up and the applications are registered.
    Connected {
        /// False for the connection made by `start`, true after a reconnect.
        reconnected: bool,
    },
    /// The connection dropped; reconnecting follows unless the policy
    /// forbids it.
    Lost {
        /// Why it dropped.
        error: String,
    },
    /// Attempt `attempt` (1-based) to reconnect is about to be made after
    /// `delay`.
    Reconnecting {
        /// Attempt number, from 1.
        attempt: u32,
        /// The wait before the attempt.
        delay: Duration,
    },
    /// The client stopped trying ([`Reconnect::max_attempts`] reached).
    GaveUp {
        /// How many attempts were made.
        attempts: u32,
        /// The last attempt's failure.
        error: String,
    },
    /// The connection was closed by [`Client::stop`](crate::Client::stop)
    /// or by dropping the client.
    Stopped,
}

/// The state of the events connection
/// ([`Client::connection_state`](crate::Client::connection_state)).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConnectionState {
    /// `start` has not been called.
    Idle,
    /// Connected.
    Connected,
    /// Between connections, at this attempt.
    Reconnecting {
        /// Attempt number, from 1.
        attempt: u32,
    },
    /// Reconnecting was given up.
    GaveUp,
    /// Stopped on request.
    Stopped,
}

/// The current state and the subscribers to notifications.
pub(crate) struct States {
    current: Mutex<ConnectionState>,
    subscribers: Mutex<Vec<mpsc::UnboundedSender<ConnectionEvent>>>,
}

impl Default for States {
    fn default() -> Self {
        States {
            current: Mutex::new(ConnectionState::Idle),
            subscribers: Mutex::new(Vec::new()),
        }
    }
}

impl States {
    pub(crate) fn current(&self) -> ConnectionState {
        self.current
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub(crate) fn subscribe(&self) -> ConnectionEvents {
        let (tx, rx) = mpsc::unbounded_channel();
        self.subscribers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(tx);
        ConnectionEvents { rx }
    }

    fn emit(&self, event: ConnectionEvent) {
        let state = match &event {
            ConnectionEvent::Connected { .. } => Some(ConnectionState::Connected),
            ConnectionEvent::Lost { .. } => None,
            ConnectionEvent::Reconnecting { attempt, .. } => {
                Some(ConnectionState::Reconnecting { attempt: *attempt })
            }
            ConnectionEvent::GaveUp { .. } => Some(ConnectionState::GaveUp),
            ConnectionEvent::Stopped => Some(ConnectionState::Stopped),
        };
        if let Some(s) = state {
            *self.current.lock().unwrap_or_else(|e| e.into_inner()) = s;
        }
        match &event {
            ConnectionEvent::Lost { error } | ConnectionEvent::GaveUp { error, .. } => {
                tracing::warn!(?event, "events connection: {error}")
            }
            _ => tracing::info!(?event, "events connection"),
        }
        self.subscribers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|tx| tx.send(event.clone()).is_ok());
    }
}

/// A stream of [`ConnectionEvent`]s. Dropping it unregisters it.
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct ConnectionEvents {
    rx: mpsc::UnboundedReceiver<ConnectionEvent>,
}

impl Stream for ConnectionEvents {
    type Item = ConnectionEvent;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<ConnectionEvent>> {
        self.rx.poll_recv(cx)
    }
}

/// Where to connect.
#[derive(Clone)]
pub(crate) struct Target {
    pub url: String,
    pub authorization: String,
}

/// The running connection task.
pub(crate) struct Task {
    shutdown: Option<oneshot::Sender<()>>,
    handle: tokio::task::JoinHandle<()>,
}

impl Task {
    pub(crate) fn is_finished(&self) -> bool {
        self.handle.is_finished()
    }

    /// Closes the connection and waits for the task to end.
    pub(crate) async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.handle).await;
    }

    /// Tells the task to close the connection, without waiting.
    pub(crate) fn abort_soon(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Makes the first connection and starts the task that keeps it.
pub(crate) async fn start(
    target: Target,
    options: Options,
    registry: Arc<Registry>,
    states: Arc<States>,
) -> Result<Task> {
    let ws = connect(&target, options.connect_timeout).await?;
    states.emit(ConnectionEvent::Connected { reconnected: false });
    let (tx, rx) = oneshot::channel();
    let handle = tokio::spawn(run(ws, target, options, registry, states, rx));
    Ok(Task {
        shutdown: Some(tx),
        handle,
    })
}

async fn connect(target: &Target, timeout: Duration) -> Result<Ws> {
    let mut req = target.url.as_str().into_client_request()?;
    let auth = HeaderValue::from_str(&target.authorization).map_err(|e| Error::InvalidUrl {
        url: target.url.clone(),
        reason: format!("credentials are not a valid header: {e}"),
    })?;
    req.headers_mut()
        .insert(tungstenite::http::header::AUTHORIZATION, auth);
    match tokio::time::timeout(timeout, tokio_tungstenite::connect_async(req)).await {
        Err(_) => Err(Error::WebSocket(Box::new(tungstenite::Error::Io(
            std::io::Error::new(std::io::ErrorKind::TimedOut, "connecting timed out"),
        )))),
        Ok(Err(tungstenite::Error::Http(resp))) => Err(Error::Api(upgrade_error(
            resp.status().as_u16(),
            resp.body().as_deref(),
        ))),
        Ok(Err(e)) => Err(e.into()),
        Ok(Ok((ws, _))) => Ok(ws),
    }
}

/// How one connection ended.
enum End {
    Shutdown,
    Lost(String),
}

async fn run(
    mut ws: Ws,
    target: Target,
    options: Options,
    registry: Arc<Registry>,
    states: Arc<States>,
    mut shutdown: oneshot::Receiver<()>,
) {
    loop {
        let error = match session(&mut ws, &options, &registry, &mut shutdown).await {
            End::Shutdown => {
                let _ = ws.close(None).await;
                states.emit(ConnectionEvent::Stopped);
                return;
            }
            End::Lost(error) => error,
        };
        drop(ws);
        states.emit(ConnectionEvent::Lost {
            error: error.clone(),
        });
        let mut last_error = error;
        let mut attempt = 0u32;
        ws = loop {
            attempt += 1;
            if options
                .reconnect
                .max_attempts
                .is_some_and(|max| attempt > max)
            {
                states.emit(ConnectionEvent::GaveUp {
                    attempts: attempt - 1,
                    error: last_error,
                });
                return;
            }
            let delay = options.reconnect.delay(attempt);
            states.emit(ConnectionEvent::Reconnecting { attempt, delay });
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                _ = &mut shutdown => {
                    states.emit(ConnectionEvent::Stopped);
                    return;
                }
            }
            tokio::select! {
                r = connect(&target, options.connect_timeout) => match r {
                    Ok(ws) => break ws,
                    Err(e) => last_error = e.to_string(),
                },
                _ = &mut shutdown => {
                    states.emit(ConnectionEvent::Stopped);
                    return;
                }
            }
        };
        states.emit(ConnectionEvent::Connected { reconnected: true });
    }
}

/// Reads one connection until it ends, pinging it to keep it alive.
async fn session(
    ws: &mut Ws,
    options: &Options,
    registry: &Registry,
    shutdown: &mut oneshot::Receiver<()>,
) -> End {
    let mut last_heard = Instant::now();
    let mut ticker = options.keep_alive.map(|every| {
        let mut t = tokio::time::interval_at(Instant::now() + every, every);
        t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        (t, every)
    });
    loop {
        let tick = async {
            match &mut ticker {
                Some((t, every)) => {
                    t.tick().await;
                    *every
                }
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = &mut *shutdown => return End::Shutdown,
            frame = ws.next() => {
                last_heard = Instant::now();
                match frame {
                    None => return End::Lost("the server closed the connection".into()),
                    Some(Err(e)) => return End::Lost(e.to_string()),
                    Some(Ok(WsMessage::Text(text))) => registry.dispatch(&decode(text.as_str())),
                    Some(Ok(WsMessage::Binary(bytes))) => {
                        registry.dispatch(&decode(&String::from_utf8_lossy(&bytes)))
                    }
                    Some(Ok(WsMessage::Close(frame))) => {
                        let why = frame.map(|f| f.reason.to_string()).unwrap_or_default();
                        return End::Lost(format!("the server closed the connection {why}").trim_end().to_string());
                    }
                    Some(Ok(_)) => {} // pings are answered by tungstenite; pongs just count as heard
                }
            }
            every = tick => {
                if last_heard.elapsed() > every * 2 {
                    return End::Lost("no answer to keep-alive pings".into());
                }
                if let Err(e) = ws.send(WsMessage::Ping(Vec::new().into())).await {
                    return End::Lost(e.to_string());
                }
            }
        }
    }
}

/// Reads a frame; never fails: a frame that is not JSON is delivered as an
/// unknown frame holding its text.
pub(crate) fn decode(text: &str) -> AnyMessage {
    match AnyMessage::decode(text) {
        Ok(m) => {
            if let AnyMessage::Unknown(v) = &m {
                tracing::debug!(kind = ?v.get("type"), "event of unknown type or shape");
            }
            m
        }
        Err(e) => {
            tracing::warn!("events frame is not JSON ({e}); delivered as text");
            AnyMessage::Unknown(serde_json::Value::String(text.to_string()))
        }
    }
}

/// Standard base64 (for the `Authorization: Basic` header).
pub(crate) fn base64(input: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = input.as_bytes();
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(base64(""), "");
        assert_eq!(base64("f"), "Zg==");
        assert_eq!(base64("fo"), "Zm8=");
        assert_eq!(base64("foo"), "Zm9v");
        assert_eq!(base64("asterisk:asterisk"), "YXN0ZXJpc2s6YXN0ZXJpc2s=");
    }

    #[test]
    fn backoff_grows_caps_and_jitters() {
        let p = Reconnect {
            initial_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            multiplier: 2.0,
            jitter: 0.5,
            max_attempts: None,
        };
        assert_eq!(p.base_delay(1), Duration::from_millis(100));
        assert_eq!(p.base_delay(2), Duration::from_millis(200));
        assert_eq!(p.base_delay(4), Duration::from_millis(800));
        assert_eq!(p.base_delay(5), Duration::from_secs(1));
        assert_eq!(p.base_delay(1000), Duration::from_secs(1));
        for attempt in 1..10 {
            let d = p.delay(attempt);
            assert!(d <= p.base_delay(attempt));
            assert!(d >= p.base_delay(attempt) / 2);
        }
    }

    #[test]
    fn frames_that_are_not_json_are_kept_as_text() {
        assert_eq!(
            decode("not json"),
            AnyMessage::Unknown(serde_json::Value::String("not json".into()))
        );
    }
}
