//! The client: REST transport, client-level listeners, and the handle and
//! connection entry points.

use crate::connection::{
    self, ConnectionEvent, ConnectionEvents, ConnectionState, Reconnect, States,
};
use crate::envelope::{Envelope, EventType};
use crate::listeners::{EventStream, Filter, Listen, Listener, ListenerId, Once, Registry};
use crate::{ApiError, Error, Result, Values};
use ari_types::{AnyMessage, CallBroadcast};
use serde_json::{Map, Value};
use std::fmt;
use std::sync::{Arc, Weak};
use std::time::Duration;

/// An ARI client: every operation, every event, resource handles, listeners
/// and the events connection with automatic reconnect.
///
/// Cheap to clone (all clones share one connection and one set of
/// listeners). The events connection ends when the last clone (and every
/// handle, which holds one) is dropped, or at [`stop`](Client::stop).
///
/// ```no_run
/// # async fn demo() -> ari_client::Result<()> {
/// use ari_client::Client;
/// let client = Client::new("http://127.0.0.1:8088", "asterisk", "asterisk")?;
/// let info = client.asterisk().get_info().only("system").await?;
/// println!("{info:?}");
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<ClientInner>,
}

pub(crate) struct ClientInner {
    http: reqwest::Client,
    /// `http://host:port/ari`
    base: String,
    /// `ws://host:port/ari/events`
    ws_base: String,
    user: String,
    password: String,
    pub(crate) options: Options,
    pub(crate) registry: Arc<Registry>,
    pub(crate) states: Arc<States>,
    connection: tokio::sync::Mutex<Option<connection::Task>>,
}

impl Drop for ClientInner {
    fn drop(&mut self) {
        if let Some(task) = self.connection.get_mut().take() {
            task.abort_soon();
        }
        self.registry.clear();
    }
}

/// Connection settings, set through [`ClientBuilder`].
#[derive(Clone, Debug)]
pub(crate) struct Options {
    pub subscribe_all: bool,
    pub reconnect: Reconnect,
    pub keep_alive: Option<Duration>,
    pub connect_timeout: Duration,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.inner.base)
            .field("user", &self.inner.user)
            .finish()
    }
}

/// Configures a [`Client`]: `Client::builder(url, user, password)`, then
/// setters, then [`build`](ClientBuilder::build).
#[derive(Debug)]
#[must_use]
pub struct ClientBuilder {
    url: String,
    user: String,
    password: String,
    timeout: Option<Duration>,
    options: Options,
}

impl ClientBuilder {
    /// Whether the events connection asks for `subscribeAll`: every event of
    /// every resource, not only those the applications are subscribed to.
    pub fn subscribe_all(mut self, yes: bool) -> Self {
        self.options.subscribe_all = yes;
        self
    }

    /// How the events connection is re-established after it drops.
    pub fn reconnect(mut self, policy: Reconnect) -> Self {
        self.options.reconnect = policy;
        self
    }

    /// How often the client pings the server on the events connection; a
    /// connection silent for twice this long is judged dead and replaced.
    /// `None` turns the client's pings off (the server's own pings are
    /// still answered). Default: 20 seconds.
    pub fn keep_alive(mut self, interval: Option<Duration>) -> Self {
        self.options.keep_alive = interval;
        self
    }

    /// How long opening the events connection may take. Default: 10 seconds.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.options.connect_timeout = timeout;
        self
    }

    /// A limit on every REST request's duration. Default: none.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Makes the client. Fails if the URL is not `http://` or `https://`.
    pub fn build(self) -> Result<Client> {
        let trimmed = self.url.trim_end_matches('/');
        let base = if trimmed.ends_with("/ari") {
            trimmed.to_string()
        } else {
            format!("{trimmed}/ari")
        };
        let ws_base = if let Some(rest) = base.strip_prefix("http://") {
            format!("ws://{rest}/events")
        } else if let Some(rest) = base.strip_prefix("https://") {
            format!("wss://{rest}/events")
        } else {
            return Err(Error::InvalidUrl {
                url: self.url,
                reason: "the URL must start with http:// or https://".into(),
            });
        };
        let mut http = reqwest::Client::builder();
        if let Some(t) = self.timeout {
            http = http.timeout(t);
        }
        Ok(Client {
            inner: Arc::new(ClientInner {
                http: http.build()?,
                base,
                ws_base,
                user: self.user,
                password: self.password,
                options: self.options,
                registry: Arc::new(Registry::default()),
                states: Arc::new(States::default()),
                connection: tokio::sync::Mutex::new(None),
            }),
        })
    }
}

/// The answer to a claim of a broadcast channel
/// ([`Client::claim`]): `POST /events/claim`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClaimOutcome {
    /// 204: this application won the channel; it enters the application
    /// (a `StasisStart` follows).
    Won,
    /// 409: another application claimed it first.
    AlreadyClaimed,
    /// 404: no broadcast of that channel is open (it ended, or never was).
    NotFound,
}

impl Client {
    /// A client for the server at `url` (`http://127.0.0.1:8088`; a trailing
    /// `/ari` is optional) with HTTP Basic credentials, and default
    /// settings. No connection is opened until a request is made or
    /// [`start`](Client::start) is called.
    pub fn new(
        url: impl Into<String>,
        user: impl Into<String>,
        password: impl Into<String>,
    ) -> Result<Client> {
        Client::builder(url, user, password).build()
    }

    /// A [`ClientBuilder`] to adjust settings before making the client.
    pub fn builder(
        url: impl Into<String>,
        user: impl Into<String>,
        password: impl Into<String>,
    ) -> ClientBuilder {
        ClientBuilder {
            url: url.into(),
            user: user.into(),
            password: password.into(),
            timeout: None,
            options: Options {
                subscribe_all: false,
                reconnect: Reconnect::default(),
                keep_alive: Some(Duration::from_secs(20)),
                connect_timeout: Duration::from_secs(10),
            },
        }
    }

    /// The REST base URL (`http://host:port/ari`).
    pub fn base_url(&self) -> &str {
        &self.inner.base
    }

    /// Sends one REST request; `path` is below `/ari`.
    pub(crate) async fn execute(
        &self,
        method: reqwest::Method,
        path: &str,
        query: &[(&'static str, String)],
        body: Option<Map<String, Value>>,
    ) -> Result<Vec<u8>> {
        let url = format!("{}{path}", self.inner.base);
        tracing::debug!(%method, %url, "ARI request");
        let mut req = self
            .inner
            .http
            .request(method, url)
            .basic_auth(&self.inner.user, Some(&self.inner.password));
        if !query.is_empty() {
            req = req.query(query);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await?;
        let status = resp.status().as_u16();
        let bytes = resp.bytes().await?;
        if (200..300).contains(&status) {
            Ok(bytes.to_vec())
        } else {
            Err(Error::Api(api_error(status, &bytes)))
        }
    }

    // ----------------------------------------------------------------- events

    /// Opens the events WebSocket for the applications `apps` (one name or
    /// several: `start("hello")`, `start(["a", "b"])`), registering them with
    /// the server, and returns once it is connected. From then on events are
    /// delivered to listeners; if the connection drops it is re-established
    /// (re-registering the applications) according to the
    /// [`Reconnect`] policy.
    ///
    /// Register listeners before calling this so that no event is missed.
    /// Fails if the first connection cannot be made (wrong credentials give
    /// [`Error::Api`] with status 401), or with [`Error::AlreadyStarted`].
    pub async fn start(&self, apps: impl Into<Values>) -> Result<()> {
        let apps = apps.into().0;
        let mut slot = self.inner.connection.lock().await;
        if slot.as_ref().is_some_and(|t| !t.is_finished()) {
            return Err(Error::AlreadyStarted);
        }
        let target = connection::Target {
            url: self.events_url(&apps),
            authorization: format!(
                "Basic {}",
                connection::base64(&format!("{}:{}", self.inner.user, self.inner.password))
            ),
        };
        let task = connection::start(
            target,
            self.inner.options.clone(),
            self.inner.registry.clone(),
            self.inner.states.clone(),
        )
        .await?;
        *slot = Some(task);
        Ok(())
    }

    fn events_url(&self, apps: &[String]) -> String {
        let apps = apps.join(",");
        let apps: String =
            percent_encoding::utf8_percent_encode(&apps, percent_encoding::NON_ALPHANUMERIC)
                .to_string();
        format!(
            "{}?app={apps}&subscribeAll={}",
            self.inner.ws_base, self.inner.options.subscribe_all
        )
    }

    /// Closes the events connection (no reconnect follows). Listeners stay
    /// registered; `start` may be called again.
    pub async fn stop(&self) {
        let task = self.inner.connection.lock().await.take();
        if let Some(task) = task {
            task.stop().await;
        }
    }

    /// The state of the events connection now.
    pub fn connection_state(&self) -> ConnectionState {
        self.inner.states.current()
    }

    /// A stream of connection notifications: connected, lost, reconnecting
    /// (with the attempt number), gave up, stopped. Dropping it unregisters
    /// it.
    pub fn connection_events(&self) -> ConnectionEvents {
        self.inner.states.subscribe()
    }

    /// Calls `f` for every event of type `E` delivered to any of the
    /// client's applications, with the client (so that `f` need not capture
    /// it, which would keep the client alive).
    ///
    /// The callback runs on the connection's task: keep it short and spawn a
    /// task for anything that awaits. Dropping the returned guard removes
    /// the listener; [`Listener::detach`] keeps it while the client lives.
    pub fn on<E: EventType>(
        &self,
        mut f: impl FnMut(Envelope<E>, &Client) + Send + 'static,
    ) -> Listener {
        let weak = Arc::downgrade(&self.inner);
        let id = self.inner.registry.add_callback(
            Filter {
                event_type: Some(E::NAME),
                resource: None,
            },
            move |frame| {
                let (Some(inner), AnyMessage::Known(m)) = (weak.upgrade(), frame) else {
                    return;
                };
                if let Some(e) = Envelope::from_message(m) {
                    f(e, &Client { inner });
                }
            },
        );
        Listener::new(id, &self.inner.registry, None)
    }

    /// Calls `f` for every frame of the events connection, known events and
    /// unknown ones (raw JSON) alike. See [`on`](Client::on).
    pub fn on_any(&self, mut f: impl FnMut(&AnyMessage, &Client) + Send + 'static) -> Listener {
        let weak: Weak<ClientInner> = Arc::downgrade(&self.inner);
        let id = self.inner.registry.add_callback(
            Filter {
                event_type: None,
                resource: None,
            },
            move |frame| {
                if let Some(inner) = weak.upgrade() {
                    f(frame, &Client { inner });
                }
            },
        );
        Listener::new(id, &self.inner.registry, None)
    }

    /// The next event of type `E`. The listener is registered now, so the
    /// future may be created before the request that causes the event and
    /// awaited after it.
    pub fn once<E: EventType>(&self) -> Once<E> {
        Once::new(&self.inner.registry, None)
    }

    /// A stream of every event of type `E`.
    pub fn listen<E: EventType>(&self) -> Listen<E> {
        Listen::new(&self.inner.registry, None)
    }

    /// A stream of every frame of the events connection: each an
    /// [`AnyMessage`], either a typed [`ari_types::Message`] or, for an event
    /// type this client does not know, the raw JSON.
    pub fn event_stream(&self) -> EventStream {
        EventStream::new(&self.inner.registry, None)
    }

    /// Removes a listener by id (one that was detached); false if it was
    /// already gone.
    pub fn remove_listener(&self, id: ListenerId) -> bool {
        self.inner.registry.remove(id)
    }

    /// How many listeners are registered on the client and all its handles.
    /// Useful to check that an application does not leak them.
    pub fn listener_count(&self) -> usize {
        self.inner.registry.len()
    }

    /// Claims a broadcast channel for `application`
    /// (`POST /events/claim?channelId=&application=`): the first claim wins.
    ///
    /// The three answers the broadcast is about come back as a
    /// [`ClaimOutcome`]; anything else (400, 501, transport errors) is an
    /// error.
    pub async fn claim(
        &self,
        channel_id: impl Into<String>,
        application: impl Into<String>,
    ) -> Result<ClaimOutcome> {
        match self.events().claim_channel(channel_id, application).await {
            Ok(()) => Ok(ClaimOutcome::Won),
            Err(Error::Api(e)) if e.status == 409 => Ok(ClaimOutcome::AlreadyClaimed),
            Err(Error::Api(e)) if e.status == 404 => Ok(ClaimOutcome::NotFound),
            Err(e) => Err(e),
        }
    }

    /// Claims the channel of a `CallBroadcast` for the application it was
    /// delivered to. See [`claim`](Client::claim).
    pub async fn claim_broadcast(
        &self,
        broadcast: &Envelope<CallBroadcast>,
    ) -> Result<ClaimOutcome> {
        self.claim(&broadcast.channel.id, &broadcast.application)
            .await
    }
}

/// Reads ARI's `{"message": "..."}` error body (or keeps the text as is).
fn api_error(status: u16, body: &[u8]) -> ApiError {
    let message = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("message").and_then(Value::as_str).map(String::from))
        .unwrap_or_else(|| String::from_utf8_lossy(body).trim().to_string());
    ApiError { status, message }
}

/// Turns an HTTP error answer to the WebSocket upgrade into an [`ApiError`].
pub(crate) fn upgrade_error(status: u16, body: Option<&[u8]>) -> ApiError {
    api_error(status, body.unwrap_or_default())
}

impl ConnectionEvent {
    /// Whether this notification says the connection is up.
    pub fn is_connected(&self) -> bool {
        matches!(self, ConnectionEvent::Connected { .. })
    }
}
