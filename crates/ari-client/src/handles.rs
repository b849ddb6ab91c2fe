//! Resource handles: a client-side name for one channel, bridge, playback,
//! ... with its operations bound and its own listeners.
//!
//! A handle is only an id; making one sends nothing. So a handle can be made
//! for a resource that does not exist yet (`client.new_channel()` picks a
//! fresh id), listeners registered on it, and only then the resource created
//! with that id (`channel.originate(..)`): the first event cannot be missed.
//!
//! Listeners registered through a handle only receive events that concern
//! its resource. Detached ones ([`Listener::detach`]) are removed when the
//! last clone of the handle is dropped.

use crate::envelope::{Envelope, EventType, ResourceKind};
use crate::listeners::{EventStream, Filter, Listen, Listener, ListenerId, Once, Owner};
use crate::{ClaimOutcome, Client, Result};
use ari_types::AnyMessage;
use std::fmt;
use std::sync::{Arc, Mutex, Weak};

/// What every handle holds.
pub(crate) struct HandleCore {
    client: Client,
    kind: ResourceKind,
    id: String,
    /// Detached listeners, removed when the handle goes.
    owned: Mutex<Vec<ListenerId>>,
}

impl Owner for HandleCore {
    fn adopt(&self, id: ListenerId) {
        self.owned
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(id);
    }
}

impl Drop for HandleCore {
    fn drop(&mut self) {
        let owned = std::mem::take(self.owned.get_mut().unwrap_or_else(|e| e.into_inner()));
        for id in owned {
            self.client.inner.registry.remove(id);
        }
    }
}

/// A fresh random id (UUID version 4 form), as the Node.js client makes for
/// `ari.Channel()` and the like.
pub fn random_id() -> String {
    let b: [u8; 16] = rand::random();
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    let variant = (b[8] & 0x3f) | 0x80;
    format!(
        "{}-{}-4{}-{:02x}{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        variant,
        &hex[18..20],
        &hex[20..32]
    )
}

macro_rules! handle {
    ($(#[$doc:meta])* $name:ident, $kind:ident) => {
        $(#[$doc])*
        ///
        /// Clones share the same listeners; the handle is compared by id.
        #[derive(Clone)]
        pub struct $name {
            core: Arc<HandleCore>,
        }

        impl $name {
            pub(crate) fn new(client: Client, id: String) -> Self {
                $name {
                    core: Arc::new(HandleCore {
                        client,
                        kind: ResourceKind::$kind,
                        id,
                        owned: Mutex::new(Vec::new()),
                    }),
                }
            }

            /// The resource's id.
            pub fn id(&self) -> &str {
                &self.core.id
            }

            /// The client the handle belongs to.
            pub fn client(&self) -> &Client {
                &self.core.client
            }

            fn resource_filter(&self, event_type: Option<&'static str>) -> Filter {
                Filter {
                    event_type,
                    resource: Some((self.core.kind, self.core.id.clone())),
                }
            }

            /// Calls `f` for every event of type `E` that concerns this
            /// resource, with the handle (so that `f` need not capture it).
            ///
            /// The callback runs on the connection's task: keep it short
            /// and spawn a task for anything that awaits. Dropping the
            /// returned guard removes the listener; [`Listener::detach`]
            /// keeps it until the last clone of this handle is dropped.
            pub fn on<E: EventType>(
                &self,
                mut f: impl FnMut(Envelope<E>, &$name) + Send + 'static,
            ) -> Listener {
                let weak = Arc::downgrade(&self.core);
                let registry = &self.core.client.inner.registry;
                let id = registry.add_callback(self.resource_filter(Some(E::NAME)), move |frame| {
                    let (Some(core), AnyMessage::Known(m)) = (weak.upgrade(), frame) else {
                        return;
                    };
                    if let Some(e) = Envelope::from_message(m) {
                        f(e, &$name { core });
                    }
                });
                let owner: Weak<dyn Owner> = Arc::downgrade(&self.core) as Weak<dyn Owner>;
                Listener::new(id, registry, Some(owner))
            }

            /// The next event of type `E` concerning this resource. The
            /// listener is registered now, before the future is awaited.
            pub fn once<E: EventType>(&self) -> Once<E> {
                Once::new(
                    &self.core.client.inner.registry,
                    Some((self.core.kind, self.core.id.clone())),
                )
            }

            /// A stream of every event of type `E` concerning this resource.
            pub fn listen<E: EventType>(&self) -> Listen<E> {
                Listen::new(
                    &self.core.client.inner.registry,
                    Some((self.core.kind, self.core.id.clone())),
                )
            }

            /// A stream of every frame concerning this resource, of any type
            /// (frames of unknown types included when their fields name it).
            pub fn events(&self) -> EventStream {
                EventStream::new(
                    &self.core.client.inner.registry,
                    self.resource_filter(None).resource,
                )
            }

            /// Removes a listener of this handle by id; false if it was
            /// already gone.
            pub fn remove_listener(&self, id: ListenerId) -> bool {
                let mut owned = self.core.owned.lock().unwrap_or_else(|e| e.into_inner());
                owned.retain(|o| *o != id);
                self.core.client.inner.registry.remove(id)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.core.id).finish()
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.core.id == other.core.id
            }
        }

        impl Eq for $name {}
    };
}

handle!(
    /// A channel (one call leg), by id. Made with [`Client::channel`] for an
    /// existing channel or [`Client::new_channel`] for one to originate.
    Channel,
    Channel
);
handle!(
    /// A bridge, by id. Made with [`Client::bridge`] or
    /// [`Client::new_bridge`] (then [`Bridge::create`]).
    Bridge,
    Bridge
);
handle!(
    /// A playback, by id. Made with [`Client::playback`] or
    /// [`Client::new_playback`]; start it with the id through
    /// `channel.play(media).playback_id(playback.id())`.
    Playback,
    Playback
);
handle!(
    /// A live recording, by name. Made with [`Client::live_recording`];
    /// start it with `channel.record(recording.id(), "wav")`.
    LiveRecording,
    LiveRecording
);
handle!(
    /// A stored recording, by name ([`Client::stored_recording`]).
    StoredRecording,
    StoredRecording
);
handle!(
    /// An endpoint, by technology and resource ([`Client::endpoint`]).
    Endpoint,
    Endpoint
);
handle!(
    /// A device state, by device name ([`Client::device_state`]).
    DeviceState,
    DeviceState
);
handle!(
    /// A mailbox, by name ([`Client::mailbox`]).
    Mailbox,
    Mailbox
);
handle!(
    /// A Stasis application, by name ([`Client::application`]). Its
    /// listeners receive every event delivered to the application.
    Application,
    Application
);
handle!(
    /// A sound, by id ([`Client::sound`]).
    Sound,
    Sound
);

impl Endpoint {
    /// The technology (`PJSIP`).
    pub fn tech(&self) -> &str {
        self.id().split_once('/').map_or(self.id(), |(t, _)| t)
    }

    /// The resource within the technology (`alice`).
    pub fn resource(&self) -> &str {
        self.id().split_once('/').map_or("", |(_, r)| r)
    }
}

impl Channel {
    /// Claims this channel, offered by a `CallBroadcast`, for `application`.
    /// See [`Client::claim`].
    pub async fn claim(&self, application: impl Into<String>) -> Result<ClaimOutcome> {
        self.client().claim(self.id(), application).await
    }
}

impl Client {
    /// A handle for the channel `id`.
    pub fn channel(&self, id: impl Into<String>) -> Channel {
        Channel::new(self.clone(), id.into())
    }

    /// A handle for a channel not created yet, with a fresh id: register
    /// listeners on it, then [`originate`](Channel::originate) it.
    pub fn new_channel(&self) -> Channel {
        self.channel(random_id())
    }

    /// A handle for the bridge `id`.
    pub fn bridge(&self, id: impl Into<String>) -> Bridge {
        Bridge::new(self.clone(), id.into())
    }

    /// A handle for a bridge not created yet, with a fresh id: register
    /// listeners on it, then [`create`](Bridge::create) it.
    pub fn new_bridge(&self) -> Bridge {
        self.bridge(random_id())
    }

    /// A handle for the playback `id`.
    pub fn playback(&self, id: impl Into<String>) -> Playback {
        Playback::new(self.clone(), id.into())
    }

    /// A handle for a playback not started yet, with a fresh id: register
    /// listeners on it, then start it with
    /// `channel.play(media).playback_id(playback.id())`.
    pub fn new_playback(&self) -> Playback {
        self.playback(random_id())
    }

    /// A handle for the live recording `name`.
    pub fn live_recording(&self, name: impl Into<String>) -> LiveRecording {
        LiveRecording::new(self.clone(), name.into())
    }

    /// A handle for the stored recording `name`.
    pub fn stored_recording(&self, name: impl Into<String>) -> StoredRecording {
        StoredRecording::new(self.clone(), name.into())
    }

    /// A handle for the endpoint `tech`/`resource` (`PJSIP`, `alice`).
    pub fn endpoint(&self, tech: impl Into<String>, resource: impl Into<String>) -> Endpoint {
        Endpoint::new(self.clone(), format!("{}/{}", tech.into(), resource.into()))
    }

    /// A handle for the device `name` (`Stasis:lamp`).
    pub fn device_state(&self, name: impl Into<String>) -> DeviceState {
        DeviceState::new(self.clone(), name.into())
    }

    /// A handle for the mailbox `name`.
    pub fn mailbox(&self, name: impl Into<String>) -> Mailbox {
        Mailbox::new(self.clone(), name.into())
    }

    /// A handle for the application `name`.
    pub fn application(&self, name: impl Into<String>) -> Application {
        Application::new(self.clone(), name.into())
    }

    /// A handle for the sound `id`.
    pub fn sound(&self, id: impl Into<String>) -> Sound {
        Sound::new(self.clone(), id.into())
    }
}

#[cfg(test)]
mod tests {
    use super::random_id;

    #[test]
    fn random_ids_look_like_uuids_and_differ() {
        let a = random_id();
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert_ne!(a, random_id());
    }
}
