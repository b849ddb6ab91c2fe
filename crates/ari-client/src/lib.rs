//! An async client for the Asterisk REST Interface (ARI), for any ARI server
//! (this project's `ari-server` or Asterisk).
//!
//! - **Every operation**, grouped by resource: `client.channels().originate(..)`.
//!   The methods are generated at build time from `ari-spec`, the project's
//!   one description of the API, so none is missing and none drifts. Required
//!   parameters are arguments; optional ones are set on the returned request
//!   builder, which is then `.await`ed. Errors keep the HTTP status and the
//!   server's message ([`Error::Api`]).
//! - **Every event** typed ([`ari_types::Event`]); frames of unknown types
//!   arrive as raw JSON ([`AnyMessage::Unknown`]) and never stop the stream.
//! - **Resource handles** ([`Channel`], [`Bridge`], [`Playback`],
//!   [`LiveRecording`], ...) with the operations bound (`channel.answer()`)
//!   and their own listeners. A handle may be made before its resource exists
//!   ([`Client::new_channel`]) so listeners are in place before the first
//!   event.
//! - **Listeners** on the client or a handle: callbacks ([`Client::on`]),
//!   one-shot futures ([`Client::once`]), typed streams ([`Client::listen`])
//!   and a stream of everything ([`Client::event_stream`]). Each is removed
//!   when its guard, future or stream is dropped.
//! - **The events connection** ([`Client::start`]) with keep-alive, automatic
//!   reconnect with exponential backoff and jitter ([`Reconnect`]),
//!   re-registration of the applications, and notifications
//!   ([`Client::connection_events`]).
//! - **Call broadcast**: `CallBroadcast`/`CallClaimed` events and
//!   [`Client::claim`] telling won, already claimed and not found apart.
//!
//! # Example: answer, play, react to DTMF
//!
//! ```no_run
//! use ari_client::{Client, Event, FrameExt};
//! use ari_client::types::StasisStart;
//! use futures_util::StreamExt;
//!
//! # async fn ivr() -> ari_client::Result<()> {
//! let client = Client::new("http://127.0.0.1:8088", "asterisk", "asterisk")?;
//! let mut calls = client.listen::<StasisStart>();
//! client.start("hello").await?;
//! while let Some(call) = calls.next().await {
//!     let channel = client.channel(&call.channel.id);
//!     tokio::spawn(async move {
//!         let mut events = channel.events();
//!         channel.answer().await?;
//!         channel.play("sound:hello-world").await?;
//!         while let Some(frame) = events.next().await {
//!             match frame.known().map(|m| &m.event) {
//!                 Some(Event::ChannelDtmfReceived(d)) if d.digit == "#" => {
//!                     channel.hangup().await?;
//!                 }
//!                 Some(Event::StasisEnd(_)) => break,
//!                 _ => {}
//!             }
//!         }
//!         Ok::<_, ari_client::Error>(())
//!     });
//! }
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod client;
mod connection;
mod envelope;
mod error;
mod handles;
mod listeners;
mod request;

pub use client::{ClaimOutcome, Client, ClientBuilder};
pub use connection::{ConnectionEvent, ConnectionEvents, ConnectionState, Reconnect};
pub use envelope::{Envelope, EventType, ResourceKind};
pub use error::{ApiError, ApiErrorKind, Error, Result};
pub use handles::{
    random_id, Application, Bridge, Channel, DeviceState, Endpoint, LiveRecording, Mailbox,
    Playback, Sound, StoredRecording,
};
pub use listeners::{EventStream, Listen, Listener, ListenerId, Once};
pub use request::{OperationInfo, ResponseFuture, Values};

/// The ARI data model and events (`ari-types`), re-exported: the structs
/// operations return (`types::Channel`, `types::Bridge`, ...) and the event
/// structs (`types::StasisStart`, ...).
pub use ari_types as types;
pub use ari_types::{AnyMessage, Event, Message};

/// Helpers on a frame of the events stream.
pub trait FrameExt {
    /// The typed message, if the frame is of a known type.
    fn known(&self) -> Option<&Message>;
    /// The event of type `E`, with the common fields, if the frame is one.
    fn event<E: EventType>(&self) -> Option<Envelope<E>>;
}

impl FrameExt for AnyMessage {
    fn known(&self) -> Option<&Message> {
        match self {
            AnyMessage::Known(m) => Some(m),
            AnyMessage::Unknown(_) => None,
        }
    }

    fn event<E: EventType>(&self) -> Option<Envelope<E>> {
        self.known().and_then(Envelope::from_message)
    }
}

include!(concat!(env!("OUT_DIR"), "/operations.rs"));

#[cfg(test)]
mod drift {
    //! The client's operation table against the API description, both ways.

    use super::OPERATIONS;
    use std::collections::{BTreeMap, BTreeSet};

    #[test]
    fn every_described_operation_is_implemented_and_nothing_else() {
        let spec: BTreeSet<(&str, &str)> = ari_spec::operations()
            .map(|(r, o)| (r.name, o.nickname))
            .collect();
        let ours: BTreeSet<(&str, &str)> = OPERATIONS
            .iter()
            .map(|o| (o.resource, o.nickname))
            .collect();
        let missing: Vec<_> = spec.difference(&ours).collect();
        let extra: Vec<_> = ours.difference(&spec).collect();
        assert!(missing.is_empty(), "not implemented: {missing:?}");
        assert!(extra.is_empty(), "not in the description: {extra:?}");
        assert_eq!(OPERATIONS.len(), spec.len(), "an operation is listed twice");
    }

    #[test]
    fn methods_paths_and_parameters_match_the_description() {
        for info in OPERATIONS {
            let op = ari_spec::find(info.resource, info.nickname).expect("described");
            assert_eq!(info.method, op.method.as_str(), "{info:?}");
            assert_eq!(info.path, op.path, "{info:?}");
            let want: Vec<&str> = op.params.iter().map(|p| p.name).collect();
            assert_eq!(info.params, want.as_slice(), "{info:?}");
        }
    }

    #[test]
    fn rust_names_are_unique_and_the_websocket_is_start() {
        let mut seen = BTreeMap::new();
        for info in OPERATIONS {
            if let Some(prev) = seen.insert(info.rust, info.nickname) {
                panic!("{} implements both {prev} and {}", info.rust, info.nickname);
            }
        }
        let ws = OPERATIONS
            .iter()
            .find(|o| o.nickname == "eventWebsocket")
            .unwrap();
        assert_eq!(ws.rust, "Client::start");
    }
}

/// The crate README's examples, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
