//! Listener registry: who wants which events, and the guards, futures and
//! streams through which they get them.
//!
//! Every registration is an entry in one [`Registry`] owned by the client. An
//! entry is removed when its guard ([`Listener`]), future ([`Once`]) or stream
//! ([`Listen`], [`EventStream`]) is dropped, or, for a detached listener, when
//! its owner (the handle or the client) goes. Nothing outlives its owner, so a
//! long-running application that makes handles per call does not accumulate
//! listeners.

use crate::envelope::{resources_of, resources_of_raw, Envelope, EventType, ResourceKind};
use crate::{Error, Result};
use ari_types::AnyMessage;
use futures_util::Stream;
use std::collections::BTreeMap;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::task::{Context, Poll};
use tokio::sync::{mpsc, oneshot};

/// Identifies one registered listener (see [`Listener::detach`] and the
/// `remove_listener` methods).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ListenerId(u64);

/// Which frames an entry wants.
#[derive(Clone, Debug)]
pub(crate) struct Filter {
    /// Only known events of this `type`; `None` takes every frame, unknown
    /// ones included.
    pub event_type: Option<&'static str>,
    /// Only frames concerning this resource.
    pub resource: Option<(ResourceKind, String)>,
}

type Callback = Arc<Mutex<dyn FnMut(&AnyMessage) + Send>>;

enum Sink {
    Callback(Callback),
    Stream(mpsc::UnboundedSender<AnyMessage>),
    Once(Option<oneshot::Sender<AnyMessage>>),
}

struct Entry {
    filter: Filter,
    sink: Sink,
}

/// Every listener of one client.
#[derive(Default)]
pub(crate) struct Registry {
    entries: Mutex<BTreeMap<u64, Entry>>,
    next: AtomicU64,
}

impl Registry {
    fn insert(&self, filter: Filter, sink: Sink) -> ListenerId {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        self.lock().insert(id, Entry { filter, sink });
        ListenerId(id)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, Entry>> {
        // A poisoned lock only means a panic elsewhere while it was held;
        // the map itself is always consistent.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Removes an entry; false if there was none.
    pub(crate) fn remove(&self, id: ListenerId) -> bool {
        self.lock().remove(&id.0).is_some()
    }

    /// How many listeners are registered (for tests of leaks).
    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }

    /// Drops every entry: streams end and pending `once` futures fail.
    pub(crate) fn clear(&self) {
        let drained = std::mem::take(&mut *self.lock());
        drop(drained);
    }

    /// Registers a callback for frames matching `filter`.
    pub(crate) fn add_callback(
        &self,
        filter: Filter,
        f: impl FnMut(&AnyMessage) + Send + 'static,
    ) -> ListenerId {
        self.insert(filter, Sink::Callback(Arc::new(Mutex::new(f))))
    }

    /// Registers a stream for frames matching `filter`.
    pub(crate) fn add_stream(
        &self,
        filter: Filter,
    ) -> (ListenerId, mpsc::UnboundedReceiver<AnyMessage>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (self.insert(filter, Sink::Stream(tx)), rx)
    }

    /// Registers a one-shot for the next frame matching `filter`.
    pub(crate) fn add_once(&self, filter: Filter) -> (ListenerId, oneshot::Receiver<AnyMessage>) {
        let (tx, rx) = oneshot::channel();
        (self.insert(filter, Sink::Once(Some(tx))), rx)
    }

    /// Delivers one frame to every matching entry, in registration order:
    /// a listener registered earlier has the frame before one registered
    /// later (so a `once` made after a callback resolves after the callback
    /// ran). Deliveries happen after the registry's lock is released, so
    /// callbacks may add and remove listeners themselves.
    pub(crate) fn dispatch(&self, frame: &AnyMessage) {
        let (known_type, refs) = match frame {
            AnyMessage::Known(m) => (Some(m.event.type_name()), resources_of(m)),
            AnyMessage::Unknown(v) => (None, resources_of_raw(v)),
        };
        let mut deliveries = Vec::new();
        {
            let mut entries = self.lock();
            let mut done = Vec::new();
            for (id, entry) in entries.iter_mut() {
                let f = &entry.filter;
                let type_ok = match f.event_type {
                    None => true,
                    Some(want) => known_type == Some(want),
                };
                let resource_ok = match &f.resource {
                    None => true,
                    Some((kind, rid)) => refs.iter().any(|(k, i)| k == kind && i == rid),
                };
                if !(type_ok && resource_ok) {
                    continue;
                }
                deliveries.push(match &mut entry.sink {
                    Sink::Callback(cb) => Delivery::Call(cb.clone()),
                    Sink::Stream(tx) => Delivery::Send(*id, tx.clone()),
                    Sink::Once(tx) => {
                        done.push(*id);
                        match tx.take() {
                            Some(tx) => Delivery::Once(tx),
                            None => continue,
                        }
                    }
                });
            }
            for id in done {
                entries.remove(&id);
            }
        }
        for delivery in deliveries {
            match delivery {
                Delivery::Call(cb) => {
                    let run = std::panic::AssertUnwindSafe(|| {
                        let mut f = cb.lock().unwrap_or_else(|e| e.into_inner());
                        f(frame)
                    });
                    if std::panic::catch_unwind(run).is_err() {
                        tracing::error!("an event listener panicked; the event stream goes on");
                    }
                }
                Delivery::Send(id, tx) => {
                    if tx.send(frame.clone()).is_err() {
                        self.lock().remove(&id);
                    }
                }
                Delivery::Once(tx) => {
                    let _ = tx.send(frame.clone());
                }
            }
        }
    }
}

/// One frame's delivery to one entry, prepared under the lock.
enum Delivery {
    Call(Callback),
    Send(u64, mpsc::UnboundedSender<AnyMessage>),
    Once(oneshot::Sender<AnyMessage>),
}

/// Something that owns detached listeners and removes them when it goes
/// (a resource handle).
pub(crate) trait Owner: Send + Sync {
    /// Takes over the removal of `id`.
    fn adopt(&self, id: ListenerId);
}

/// A registered callback listener. Dropping it removes the listener; call
/// [`detach`](Listener::detach) to keep it for as long as its owner lives
/// (the handle it was registered on, or the client).
#[must_use = "the listener is removed when this guard is dropped; call .detach() to keep it"]
pub struct Listener {
    id: ListenerId,
    registry: Weak<Registry>,
    owner: Option<Weak<dyn Owner>>,
    armed: bool,
}

impl std::fmt::Debug for Listener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listener")
            .field("id", &self.id)
            .field("armed", &self.armed)
            .finish()
    }
}

impl Listener {
    pub(crate) fn new(
        id: ListenerId,
        registry: &Arc<Registry>,
        owner: Option<Weak<dyn Owner>>,
    ) -> Self {
        Listener {
            id,
            registry: Arc::downgrade(registry),
            owner,
            armed: true,
        }
    }

    /// The listener's id.
    pub fn id(&self) -> ListenerId {
        self.id
    }

    /// Removes the listener now (the same as dropping the guard).
    pub fn remove(self) {}

    /// Keeps the listener registered after this guard is gone: until
    /// `remove_listener(id)` is called, or its owner goes (for a handle-level
    /// listener, the last clone of the handle; for a client-level one, the
    /// client).
    pub fn detach(mut self) -> ListenerId {
        self.armed = false;
        if let Some(owner) = &self.owner {
            match owner.upgrade() {
                Some(owner) => owner.adopt(self.id),
                None => {
                    if let Some(r) = self.registry.upgrade() {
                        r.remove(self.id);
                    }
                }
            }
        }
        self.id
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        if self.armed {
            if let Some(r) = self.registry.upgrade() {
                r.remove(self.id);
            }
        }
    }
}

/// Removes a registration when dropped (used by futures and streams).
struct Registration {
    id: ListenerId,
    registry: Weak<Registry>,
}

impl Drop for Registration {
    fn drop(&mut self) {
        if let Some(r) = self.registry.upgrade() {
            r.remove(self.id);
        }
    }
}

/// A future resolving to the next event of type `E` (for a handle: the next
/// one concerning its resource). The listener is registered when the future
/// is created, not when it is first polled, so it can be made before the
/// request that causes the event. Dropping it unregisters it.
///
/// Resolves to [`Error::Closed`] if the client goes first.
#[must_use = "futures do nothing unless awaited"]
pub struct Once<E> {
    rx: oneshot::Receiver<AnyMessage>,
    _reg: Registration,
    _event: PhantomData<fn() -> E>,
}

impl<E> std::fmt::Debug for Once<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Once").field("id", &self._reg.id).finish()
    }
}

impl<E: EventType> Once<E> {
    pub(crate) fn new(registry: &Arc<Registry>, resource: Option<(ResourceKind, String)>) -> Self {
        let (id, rx) = registry.add_once(Filter {
            event_type: Some(E::NAME),
            resource,
        });
        Once {
            rx,
            _reg: Registration {
                id,
                registry: Arc::downgrade(registry),
            },
            _event: PhantomData,
        }
    }
}

impl<E: EventType> Future for Once<E> {
    type Output = Result<Envelope<E>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match Pin::new(&mut self.rx).poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Ok(AnyMessage::Known(m))) => {
                Poll::Ready(Envelope::from_message(&m).ok_or(Error::Closed))
            }
            Poll::Ready(_) => Poll::Ready(Err(Error::Closed)),
        }
    }
}

/// A stream of every event of type `E` (for a handle: those concerning its
/// resource). Dropping it unregisters it; it ends when the client is dropped.
#[must_use = "streams do nothing unless polled"]
pub struct Listen<E> {
    rx: mpsc::UnboundedReceiver<AnyMessage>,
    _reg: Registration,
    _event: PhantomData<fn() -> E>,
}

impl<E> std::fmt::Debug for Listen<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listen").field("id", &self._reg.id).finish()
    }
}

impl<E: EventType> Listen<E> {
    pub(crate) fn new(registry: &Arc<Registry>, resource: Option<(ResourceKind, String)>) -> Self {
        let (id, rx) = registry.add_stream(Filter {
            event_type: Some(E::NAME),
            resource,
        });
        Listen {
            rx,
            _reg: Registration {
                id,
                registry: Arc::downgrade(registry),
            },
            _event: PhantomData,
        }
    }
}

impl<E: EventType> Stream for Listen<E> {
    type Item = Envelope<E>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            match self.rx.poll_recv(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(AnyMessage::Known(m))) => {
                    if let Some(e) = Envelope::from_message(&m) {
                        return Poll::Ready(Some(e));
                    }
                }
                Poll::Ready(Some(AnyMessage::Unknown(_))) => {}
            }
        }
    }
}

/// A stream of every frame of the events WebSocket (for a handle: every
/// frame concerning its resource), known events and unknown ones alike:
/// `while let Some(frame) = events.next().await`.
///
/// Dropping it unregisters it; it ends when the client is dropped.
#[must_use = "streams do nothing unless polled"]
pub struct EventStream {
    rx: mpsc::UnboundedReceiver<AnyMessage>,
    _reg: Registration,
}

impl std::fmt::Debug for EventStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream")
            .field("id", &self._reg.id)
            .finish()
    }
}

impl EventStream {
    pub(crate) fn new(registry: &Arc<Registry>, resource: Option<(ResourceKind, String)>) -> Self {
        let (id, rx) = registry.add_stream(Filter {
            event_type: None,
            resource,
        });
        EventStream {
            rx,
            _reg: Registration {
                id,
                registry: Arc::downgrade(registry),
            },
        }
    }
}

impl Stream for EventStream {
    type Item = AnyMessage;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<AnyMessage>> {
        self.rx.poll_recv(cx)
    }
}
