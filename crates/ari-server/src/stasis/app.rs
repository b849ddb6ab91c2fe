//! One Stasis application: its socket, subscriptions and event filter.

use super::{AppError, Topic};
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::sync::Arc;
use tokio::sync::{mpsc, Notify};

/// What a socket's writer task is handed.
#[derive(Debug)]
pub enum Outgoing {
    /// One event, serialized.
    Event(Arc<str>),
}

/// The sending side of one events WebSocket.
#[derive(Clone, Debug)]
pub struct Connection {
    /// Unique id of the socket.
    pub id: u64,
    /// Its bounded outgoing queue.
    pub tx: mpsc::Sender<Outgoing>,
    /// Rung when the socket must be closed (its queue overflowed).
    pub close: Arc<Notify>,
    /// Set once the overflow was logged, so it is logged once per socket.
    pub overflowed: Arc<std::sync::atomic::AtomicBool>,
}

impl Connection {
    /// Queues an event; on a full queue, asks the socket to close and returns false.
    pub fn deliver(&self, json: &str) -> bool {
        match self.tx.try_send(Outgoing::Event(json.into())) {
            Ok(()) => true,
            Err(mpsc::error::TrySendError::Full(_)) => {
                if !self
                    .overflowed
                    .swap(true, std::sync::atomic::Ordering::Relaxed)
                {
                    tracing::warn!(
                        socket = self.id,
                        "events WebSocket too slow: its queue is full, disconnecting it"
                    );
                }
                self.close.notify_one();
                false
            }
            Err(mpsc::error::TrySendError::Closed(_)) => false,
        }
    }
}

/// One entry of an event filter: events whose `type` equals this match.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventFilter {
    /// The event type.
    #[serde(rename = "type")]
    pub kind: String,
}

/// The ARI `Application` object.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct AppInfo {
    /// Application name.
    pub name: String,
    /// Subscribed channel ids.
    pub channel_ids: Vec<String>,
    /// Subscribed bridge ids.
    pub bridge_ids: Vec<String>,
    /// Subscribed endpoints (`tech/resource` or `tech`).
    pub endpoint_ids: Vec<String>,
    /// Subscribed device names.
    pub device_names: Vec<String>,
    /// Event types let through (empty: all).
    pub events_allowed: Vec<EventFilter>,
    /// Event types held back.
    pub events_disallowed: Vec<EventFilter>,
}

/// What Asterisk lists for a subscription to every resource of a kind.
const ALL: [&str; 4] = [
    "__AST_CHANNEL_ALL_TOPIC",
    "__AST_BRIDGE_ALL_TOPIC",
    "__AST_ENDPOINT_ALL_TOPIC",
    "__AST_DEVICE_STATE_ALL_TOPIC",
];

#[derive(Default)]
struct State {
    conn: Option<Connection>,
    topics: BTreeSet<Topic>,
    allowed: Vec<EventFilter>,
    disallowed: Vec<EventFilter>,
}

/// A registered application.
pub(super) struct App {
    name: String,
    /// `,"application":"<name>"}` pre-encoded, appended to each event.
    suffix: String,
    state: Mutex<State>,
}

impl App {
    pub(super) fn new(name: &str) -> Self {
        let quoted = serde_json::to_string(name).unwrap_or_else(|_| "\"\"".into());
        App {
            name: name.to_string(),
            suffix: format!(",\"application\":{quoted}}}"),
            state: Mutex::new(State::default()),
        }
    }

    /// The event JSON (which ends in `}`) with this application's name added.
    pub(super) fn with_application(&self, json: &str) -> String {
        let body = json.strip_suffix('}').unwrap_or(json);
        let mut s = String::with_capacity(body.len() + self.suffix.len());
        s.push_str(body);
        s.push_str(&self.suffix);
        s
    }

    /// Attaches a socket; returns the one it replaces, if any.
    /// Attaches a socket; returns the one it replaces, if any, and the
    /// topics newly subscribed (`subscribeAll`).
    pub(super) fn attach(
        &self,
        conn: Connection,
        subscribe_all: bool,
    ) -> (Option<Connection>, Vec<Topic>) {
        let mut st = self.state.lock();
        let mut added = Vec::new();
        if subscribe_all {
            for t in [
                Topic::Channel,
                Topic::Bridge,
                Topic::Endpoint,
                Topic::Device,
            ] {
                if st.topics.insert(t(String::new())) {
                    added.push(t(String::new()));
                }
            }
        }
        let new_id = conn.id;
        (st.conn.replace(conn).filter(|old| old.id != new_id), added)
    }

    /// Every topic the application is subscribed to.
    pub(super) fn topics(&self) -> Vec<Topic> {
        self.state.lock().topics.iter().cloned().collect()
    }

    /// Detaches socket `conn_id` if it still holds the application; true if the
    /// application is now without a socket.
    pub(super) fn detach(&self, conn_id: u64) -> bool {
        let mut st = self.state.lock();
        if st.conn.as_ref().is_some_and(|c| c.id == conn_id) {
            st.conn = None;
        }
        st.conn.is_none()
    }

    /// Subscribes; returns the topics that were not subscribed before.
    pub(super) fn subscribe(&self, topics: &[Topic]) -> Vec<Topic> {
        let mut st = self.state.lock();
        topics
            .iter()
            .filter(|t| st.topics.insert((*t).clone()))
            .cloned()
            .collect()
    }

    pub(super) fn unsubscribe(&self, topics: &[Topic]) -> Result<(), AppError> {
        let mut st = self.state.lock();
        if topics.iter().any(|t| !st.topics.contains(t)) {
            return Err(AppError::NotSubscribed);
        }
        for t in topics {
            st.topics.remove(t);
        }
        Ok(())
    }

    pub(super) fn forget(&self, topic: &Topic) {
        self.state.lock().topics.remove(topic);
    }

    pub(super) fn set_filter(&self, allowed: Vec<EventFilter>, disallowed: Vec<EventFilter>) {
        let mut st = self.state.lock();
        st.allowed = allowed;
        st.disallowed = disallowed;
    }

    fn allowed_by(st: &State, type_name: &str) -> bool {
        (st.allowed.is_empty() || st.allowed.iter().any(|f| f.kind == type_name))
            && !st.disallowed.iter().any(|f| f.kind == type_name)
    }

    /// Whether the event filter lets `type_name` through.
    pub(super) fn allows(&self, type_name: &str) -> bool {
        Self::allowed_by(&self.state.lock(), type_name)
    }

    /// Whether an event about `topics` of type `type_name` is for this application.
    /// Whether an event of type `type_name` can be delivered now: a socket
    /// is attached and the filter lets it through.
    pub(super) fn deliverable(&self, type_name: &str) -> bool {
        let st = self.state.lock();
        st.conn.is_some() && Self::allowed_by(&st, type_name)
    }

    /// Queues an event for the socket, if there is one.
    pub(super) fn send(&self, json: &str) -> bool {
        let conn = self.state.lock().conn.clone();
        conn.is_some_and(|c| c.deliver(&self.with_application(json)))
    }

    pub(super) fn info(&self) -> AppInfo {
        let st = self.state.lock();
        let mut info = AppInfo {
            name: self.name.clone(),
            channel_ids: vec![],
            bridge_ids: vec![],
            endpoint_ids: vec![],
            device_names: vec![],
            events_allowed: st.allowed.clone(),
            events_disallowed: st.disallowed.clone(),
        };
        for t in &st.topics {
            let (list, all, id) = match t {
                Topic::Channel(id) => (&mut info.channel_ids, ALL[0], id),
                Topic::Bridge(id) => (&mut info.bridge_ids, ALL[1], id),
                Topic::Endpoint(id) => (&mut info.endpoint_ids, ALL[2], id),
                Topic::Device(id) => (&mut info.device_names, ALL[3], id),
            };
            list.push(if id.is_empty() {
                all.to_string()
            } else {
                id.clone()
            });
        }
        info
    }
}
