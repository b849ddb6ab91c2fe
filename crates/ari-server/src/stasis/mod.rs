//! Stasis: applications, their subscriptions, and the routing of events to them.
//!
//! The core publishes each event once, naming the topics it concerns
//! (`channel:ID`, `bridge:ID`, ...). Stasis decides which applications get it
//! (subscriptions, `subscribeAll`, event filters), serializes it once, and puts
//! a copy on each receiving application's bounded WebSocket queue. A queue that
//! is full means a consumer too slow to keep up: its socket is closed rather
//! than letting it stall the publisher or grow memory without bound.

mod app;
pub mod broadcast;
pub mod control;

pub use crate::core::Topic;
pub use app::{AppInfo, Connection, EventFilter, Outgoing};

use app::App;
use ari_types::{Event, Timestamp};
use parking_lot::RwLock;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// Why an application operation failed.
#[derive(Debug, PartialEq, Eq)]
pub enum AppError {
    /// No application of that name is registered.
    NoSuchApp,
    /// The application is not subscribed to that source.
    NotSubscribed,
}

/// The registry of Stasis applications and the event router.
pub struct Stasis {
    apps: RwLock<HashMap<String, Arc<App>>>,
    /// The applications subscribed to each topic, so that publishing an
    /// event looks only at its subscribers, not at every application. The
    /// applications' own topic sets are the truth; this mirrors them.
    index: RwLock<HashMap<Topic, Vec<Arc<App>>>>,
    asterisk_id: Arc<str>,
    /// Call broadcasts in progress.
    pub broadcasts: broadcast::Broadcasts,
    /// Events queued for delivery to applications, ever.
    pub delivered: std::sync::atomic::AtomicU64,
}

/// The part of an event every receiver shares: everything but `application`.
#[derive(Serialize)]
struct Wire<'a> {
    #[serde(flatten)]
    event: &'a Event,
    timestamp: Timestamp,
    asterisk_id: &'a str,
}

impl Stasis {
    /// An empty registry for a server whose id is `asterisk_id`.
    pub fn new(asterisk_id: &str) -> Self {
        Stasis {
            apps: RwLock::new(HashMap::new()),
            index: RwLock::new(HashMap::new()),
            asterisk_id: asterisk_id.into(),
            broadcasts: Default::default(),
            delivered: Default::default(),
        }
    }

    /// Registers `name` on `conn`, creating the application if needed.
    ///
    /// An application has one WebSocket at a time: if another connection held
    /// it, that connection receives `ApplicationReplaced` and gets no more of
    /// the application's events.
    pub fn register(&self, name: &str, conn: Connection, subscribe_all: bool) {
        let app = {
            let mut apps = self.apps.write();
            apps.entry(name.to_string())
                .or_insert_with(|| Arc::new(App::new(name)))
                .clone()
        };
        let (replaced, added) = app.attach(conn, subscribe_all);
        self.index_add(&app, added);
        if let Some(old) = replaced {
            let json = self.encode(&Event::ApplicationReplaced(Default::default()));
            old.deliver(&app.with_application(&json));
            tracing::info!(app = name, "application replaced by a newer WebSocket");
        } else {
            tracing::info!(app = name, "application registered");
        }
    }

    /// Unregisters every application still held by the connection `conn_id`
    /// (its socket closed). Applications taken over by another socket are left alone.
    pub fn unregister_connection(&self, names: &[String], conn_id: u64) {
        let mut gone = Vec::new();
        {
            let mut apps = self.apps.write();
            for name in names {
                if let Some(app) = apps.get(name) {
                    if app.detach(conn_id) {
                        gone.extend(apps.remove(name));
                        tracing::info!(app = name.as_str(), "application unregistered");
                    }
                }
            }
        }
        for app in gone {
            self.index_remove(&app, &app.topics());
        }
    }

    fn index_add(&self, app: &Arc<App>, topics: Vec<Topic>) {
        if topics.is_empty() {
            return;
        }
        let mut index = self.index.write();
        for t in topics {
            let list = index.entry(t).or_default();
            if !list.iter().any(|a| Arc::ptr_eq(a, app)) {
                list.push(app.clone());
            }
        }
    }

    fn index_remove(&self, app: &Arc<App>, topics: &[Topic]) {
        if topics.is_empty() {
            return;
        }
        let mut index = self.index.write();
        for t in topics {
            if let Some(list) = index.get_mut(t) {
                list.retain(|a| !Arc::ptr_eq(a, app));
                if list.is_empty() {
                    index.remove(t);
                }
            }
        }
    }

    /// How many applications are registered.
    pub fn app_count(&self) -> usize {
        self.apps.read().len()
    }

    /// Names of the registered applications, sorted.
    pub fn app_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.apps.read().keys().cloned().collect();
        names.sort();
        names
    }

    /// Whether `name` is registered.
    pub fn is_registered(&self, name: &str) -> bool {
        self.apps.read().contains_key(name)
    }

    fn app(&self, name: &str) -> Result<Arc<App>, AppError> {
        self.apps
            .read()
            .get(name)
            .cloned()
            .ok_or(AppError::NoSuchApp)
    }

    /// The ARI `Application` object of `name`.
    pub fn info(&self, name: &str) -> Result<AppInfo, AppError> {
        Ok(self.app(name)?.info())
    }

    /// The `Application` objects of every registered application, sorted by name.
    pub fn infos(&self) -> Vec<AppInfo> {
        let mut v: Vec<AppInfo> = self.apps.read().values().map(|a| a.info()).collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v
    }

    /// Subscribes `name` to `topics`.
    pub fn subscribe(&self, name: &str, topics: &[Topic]) -> Result<(), AppError> {
        let app = self.app(name)?;
        let added = app.subscribe(topics);
        self.index_add(&app, added);
        Ok(())
    }

    /// Unsubscribes `name` from `topics`; fails without change if any is not subscribed.
    pub fn unsubscribe(&self, name: &str, topics: &[Topic]) -> Result<(), AppError> {
        let app = self.app(name)?;
        app.unsubscribe(topics)?;
        self.index_remove(&app, topics);
        Ok(())
    }

    /// Replaces the event filter of `name`.
    pub fn set_filter(
        &self,
        name: &str,
        allowed: Vec<EventFilter>,
        disallowed: Vec<EventFilter>,
    ) -> Result<AppInfo, AppError> {
        let app = self.app(name)?;
        app.set_filter(allowed, disallowed);
        Ok(app.info())
    }

    /// Drops every subscription to `topic` (its resource is gone).
    pub fn forget_topic(&self, topic: &Topic) {
        let subscribers = self.index.write().remove(topic).unwrap_or_default();
        for app in subscribers {
            app.forget(topic);
        }
    }

    /// Serializes an event without its `application` field.
    fn encode(&self, event: &Event) -> String {
        let wire = Wire {
            event,
            timestamp: Timestamp::now(),
            asterisk_id: &self.asterisk_id,
        };
        // Serializing our own types into a String cannot fail.
        serde_json::to_string(&wire).unwrap_or_else(|_| String::from("{}"))
    }

    /// Publishes `event` to every application subscribed to one of `topics`.
    /// Returns how many applications it was queued for.
    pub fn publish(&self, event: &Event, topics: &[Topic]) -> usize {
        let type_name = event.type_name();
        // The subscribers of each topic, of every resource of its kind, and
        // (for an endpoint) of its whole technology; each once.
        let mut receivers: Vec<Arc<App>> = Vec::new();
        {
            let index = self.index.read();
            // The first list needs no check; later ones are deduplicated
            // through a set, so many subscribers never cost n².
            let mut seen: Option<std::collections::HashSet<*const App>> = None;
            let mut add = |key: &Topic| {
                let Some(list) = index.get(key) else { return };
                if receivers.is_empty() {
                    receivers.extend(list.iter().cloned());
                    return;
                }
                let seen = seen.get_or_insert_with(|| receivers.iter().map(Arc::as_ptr).collect());
                for app in list {
                    if seen.insert(Arc::as_ptr(app)) {
                        receivers.push(app.clone());
                    }
                }
            };
            for t in topics {
                add(t);
                add(&t.all_of_kind());
                if let Some(tech) = t.technology() {
                    add(&tech);
                }
            }
        }
        let mut json: Option<String> = None;
        let mut sent = 0;
        for app in &receivers {
            if !app.deliverable(type_name) {
                continue;
            }
            let json = json.get_or_insert_with(|| self.encode(event));
            if app.send(json) {
                sent += 1;
            }
        }
        self.delivered
            .fetch_add(sent as u64, std::sync::atomic::Ordering::Relaxed);
        sent
    }

    /// Sends `event` to the application `name` alone, whatever its
    /// subscriptions (subject to its event filter). False if it is not
    /// registered or has no connected socket.
    pub fn send_to(&self, name: &str, event: &Event) -> bool {
        let Ok(app) = self.app(name) else {
            return false;
        };
        if !app.allows(event.type_name()) {
            return false;
        }
        let sent = app.send(&self.encode(event));
        if sent {
            self.delivered
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        sent
    }
    /// Sends `event` to each of `names`, in that order, encoding it once.
    /// Returns how many it was queued for.
    pub fn send_to_each(&self, names: &[String], event: &Event) -> usize {
        let type_name = event.type_name();
        let json = self.encode(event);
        let mut sent = 0;
        for name in names {
            let Ok(app) = self.app(name) else { continue };
            if app.allows(type_name) && app.send(&json) {
                sent += 1;
            }
        }
        self.delivered
            .fetch_add(sent as u64, std::sync::atomic::Ordering::Relaxed);
        sent
    }
}

impl crate::core::EventSink for Stasis {
    fn publish(&self, event: &Event, topics: &[Topic]) {
        Stasis::publish(self, event, topics);
    }
    fn send_to(&self, app: &str, event: &Event) -> bool {
        Stasis::send_to(self, app, event)
    }
    fn forget(&self, topic: &Topic) {
        self.forget_topic(topic);
    }
}

#[cfg(test)]
mod tests;
