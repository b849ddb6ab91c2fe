//! Events as listeners receive them: typed by event struct, wrapped with the
//! fields every event carries, and tied to the resources they concern.

use ari_types::*;
use serde_json::Value;
use std::ops::Deref;

/// An event struct of `ari-types` (`StasisStart`, `ChannelDtmfReceived`, ...)
/// that listeners can ask for by type: `client.on::<StasisStart>(..)`.
///
/// Implemented for the struct of every [`Event`] variant.
pub trait EventType: Clone + Send + Sync + std::fmt::Debug + 'static {
    /// The event's `type` on the wire.
    const NAME: &'static str;

    /// The event's fields, when `event` is of this type.
    fn from_event(event: &Event) -> Option<&Self>;
}

macro_rules! event_types {
    ($($variant:ident),* $(,)?) => {
        $(
            impl EventType for $variant {
                const NAME: &'static str = stringify!($variant);
                fn from_event(event: &Event) -> Option<&Self> {
                    match event {
                        Event::$variant(e) => Some(e),
                        _ => None,
                    }
                }
            }
        )*

        /// The [`EventType::NAME`] of an event. The match is exhaustive, so a
        /// variant added to [`Event`] without an [`EventType`] here fails to
        /// compile.
        #[cfg(test)]
        pub(crate) fn type_name_via_trait(event: &Event) -> &'static str {
            match event {
                $( Event::$variant(_) => <$variant as EventType>::NAME, )*
                Event::RestResponse(_) => <RestResponse as EventType>::NAME,
            }
        }
    };
}

event_types!(
    DeviceStateChanged,
    PlaybackStarted,
    PlaybackContinuing,
    PlaybackFinished,
    RecordingStarted,
    RecordingFinished,
    RecordingFailed,
    ApplicationMoveFailed,
    ApplicationRegistered,
    ApplicationUnregistered,
    ApplicationReplaced,
    BridgeCreated,
    BridgeDestroyed,
    BridgeMerged,
    BridgeBlindTransfer,
    BridgeAttendedTransfer,
    BridgeVideoSourceChanged,
    ChannelCreated,
    ChannelDestroyed,
    ChannelEnteredBridge,
    ChannelLeftBridge,
    ChannelStateChange,
    ChannelDtmfReceived,
    ChannelDialplan,
    ChannelCallerId,
    ChannelUserevent,
    ChannelHangupRequest,
    ChannelVarset,
    ChannelToneDetected,
    ChannelTalkingStarted,
    ChannelTalkingFinished,
    ChannelHold,
    ChannelUnhold,
    ContactStatusChange,
    EndpointStateChange,
    Dial,
    StasisEnd,
    StasisStart,
    TextMessageReceived,
    ChannelConnectedLine,
    PeerStatusChange,
    ChannelTransfer,
    CallBroadcast,
    CallClaimed,
    MissingParams,
);

// `RESTResponse` is the one event whose JSON type is not its struct's name.
impl EventType for RestResponse {
    const NAME: &'static str = "RESTResponse";
    fn from_event(event: &Event) -> Option<&Self> {
        match event {
            Event::RestResponse(e) => Some(e),
            _ => None,
        }
    }
}

/// An event of type `E` as delivered to an application: the event's own
/// fields (reachable directly through `Deref`: `ev.digit`) and the fields
/// every event carries.
#[derive(Clone, Debug, PartialEq)]
pub struct Envelope<E> {
    /// The event's own fields.
    pub event: E,
    /// When the event was raised.
    pub timestamp: Timestamp,
    /// Id of the server instance that raised it.
    pub asterisk_id: Option<String>,
    /// The application it was delivered to.
    pub application: String,
}

impl<E: EventType> Envelope<E> {
    /// Extracts an `E` from `message`, if it is one.
    pub fn from_message(message: &Message) -> Option<Envelope<E>> {
        E::from_event(&message.event).map(|e| Envelope {
            event: e.clone(),
            timestamp: message.timestamp,
            asterisk_id: message.asterisk_id.clone(),
            application: message.application.clone(),
        })
    }
}

impl<E> Deref for Envelope<E> {
    type Target = E;
    fn deref(&self) -> &E {
        &self.event
    }
}

/// The kinds of resource a handle stands for, and by which events are routed
/// to handle-level listeners.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResourceKind {
    /// A channel, by id.
    Channel,
    /// A bridge, by id.
    Bridge,
    /// A playback, by id.
    Playback,
    /// A live recording, by name.
    LiveRecording,
    /// A stored recording, by name (no events concern one).
    StoredRecording,
    /// An endpoint, by `tech/resource`.
    Endpoint,
    /// A device state, by device name.
    DeviceState,
    /// A mailbox, by name (no events concern one).
    Mailbox,
    /// A Stasis application, by name: every event delivered to it.
    Application,
    /// A sound, by id (no events concern one).
    Sound,
}

/// The resources an event concerns, as (kind, id) pairs: the event goes to
/// the handle-level listeners of each. Mirrors the Node.js client, where an
/// event reaches every instance whose resource appears among its fields.
pub(crate) fn resources_of(message: &Message) -> Vec<(ResourceKind, String)> {
    use ResourceKind as K;
    let mut out = Refs(Vec::new());
    out.push(K::Application, &message.application);
    match &message.event {
        Event::DeviceStateChanged(e) => out.push(K::DeviceState, &e.device_state.name),
        Event::PlaybackStarted(PlaybackStarted { playback })
        | Event::PlaybackContinuing(PlaybackContinuing { playback })
        | Event::PlaybackFinished(PlaybackFinished { playback }) => {
            out.push(K::Playback, &playback.id)
        }
        Event::RecordingStarted(RecordingStarted { recording })
        | Event::RecordingFinished(RecordingFinished { recording })
        | Event::RecordingFailed(RecordingFailed { recording }) => {
            out.push(K::LiveRecording, &recording.name)
        }
        Event::ApplicationMoveFailed(e) => out.channel(&e.channel),
        Event::ApplicationRegistered(_)
        | Event::ApplicationUnregistered(_)
        | Event::ApplicationReplaced(_)
        | Event::RestResponse(_)
        | Event::MissingParams(_) => {}
        Event::BridgeCreated(BridgeCreated { bridge })
        | Event::BridgeDestroyed(BridgeDestroyed { bridge }) => out.bridge(bridge),
        Event::BridgeMerged(e) => {
            out.bridge(&e.bridge);
            out.bridge(&e.bridge_from);
        }
        Event::BridgeBlindTransfer(e) => {
            out.channel(&e.channel);
            out.channel_opt(&e.replace_channel);
            out.channel_opt(&e.transferee);
            out.bridge_opt(&e.bridge);
        }
        Event::BridgeAttendedTransfer(e) => {
            out.channel(&e.transferer_first_leg);
            out.channel(&e.transferer_second_leg);
            out.channel_opt(&e.replace_channel);
            out.channel_opt(&e.transferee);
            out.channel_opt(&e.transfer_target);
            out.bridge_opt(&e.transferer_first_leg_bridge);
            out.bridge_opt(&e.transferer_second_leg_bridge);
            if let Some(b) = &e.destination_bridge {
                out.push(K::Bridge, b);
            }
            out.channel_opt(&e.destination_link_first_leg);
            out.channel_opt(&e.destination_link_second_leg);
            out.channel_opt(&e.destination_threeway_channel);
            out.bridge_opt(&e.destination_threeway_bridge);
        }
        Event::BridgeVideoSourceChanged(e) => out.bridge(&e.bridge),
        Event::ChannelCreated(ChannelCreated { channel })
        | Event::ChannelStateChange(ChannelStateChange { channel })
        | Event::ChannelToneDetected(ChannelToneDetected { channel })
        | Event::ChannelTalkingStarted(ChannelTalkingStarted { channel })
        | Event::ChannelUnhold(ChannelUnhold { channel })
        | Event::ChannelConnectedLine(ChannelConnectedLine { channel })
        | Event::StasisEnd(StasisEnd { channel }) => out.channel(channel),
        Event::ChannelDestroyed(e) => out.channel(&e.channel),
        Event::ChannelDtmfReceived(e) => out.channel(&e.channel),
        Event::ChannelDialplan(e) => out.channel(&e.channel),
        Event::ChannelCallerId(e) => out.channel(&e.channel),
        Event::ChannelHangupRequest(e) => out.channel(&e.channel),
        Event::ChannelTalkingFinished(e) => out.channel(&e.channel),
        Event::ChannelHold(e) => out.channel(&e.channel),
        Event::ChannelEnteredBridge(e) => {
            out.bridge(&e.bridge);
            out.channel_opt(&e.channel);
        }
        Event::ChannelLeftBridge(e) => {
            out.bridge(&e.bridge);
            out.channel(&e.channel);
        }
        Event::ChannelUserevent(e) => {
            out.channel_opt(&e.channel);
            out.bridge_opt(&e.bridge);
            out.endpoint_opt(&e.endpoint);
        }
        Event::ChannelVarset(e) => out.channel_opt(&e.channel),
        Event::ContactStatusChange(e) => out.endpoint(&e.endpoint),
        Event::EndpointStateChange(e) => out.endpoint(&e.endpoint),
        Event::PeerStatusChange(e) => out.endpoint(&e.endpoint),
        Event::Dial(e) => {
            out.channel_opt(&e.caller);
            out.channel(&e.peer);
            out.channel_opt(&e.forwarded);
        }
        Event::StasisStart(e) => {
            out.channel(&e.channel);
            out.channel_opt(&e.replace_channel);
        }
        Event::TextMessageReceived(e) => out.endpoint_opt(&e.endpoint),
        Event::ChannelTransfer(e) => {
            out.channel_opt(&e.refer_to.destination_channel);
            out.channel_opt(&e.refer_to.connected_channel);
            out.bridge_opt(&e.refer_to.bridge);
            out.channel(&e.referred_by.source_channel);
            out.channel_opt(&e.referred_by.connected_channel);
            out.bridge_opt(&e.referred_by.bridge);
        }
        Event::CallBroadcast(e) => out.channel(&e.channel),
        Event::CallClaimed(e) => out.channel(&e.channel),
    }
    out.0
}

struct Refs(Vec<(ResourceKind, String)>);

impl Refs {
    fn push(&mut self, kind: ResourceKind, id: &str) {
        if !id.is_empty() && !self.0.iter().any(|(k, i)| *k == kind && i == id) {
            self.0.push((kind, id.to_string()));
        }
    }
    fn channel(&mut self, c: &Channel) {
        self.push(ResourceKind::Channel, &c.id);
    }
    fn channel_opt(&mut self, c: &Option<Channel>) {
        if let Some(c) = c {
            self.channel(c);
        }
    }
    fn bridge(&mut self, b: &Bridge) {
        self.push(ResourceKind::Bridge, &b.id);
    }
    fn bridge_opt(&mut self, b: &Option<Bridge>) {
        if let Some(b) = b {
            self.bridge(b);
        }
    }
    fn endpoint(&mut self, e: &Endpoint) {
        self.push(
            ResourceKind::Endpoint,
            &format!("{}/{}", e.technology, e.resource),
        );
    }
    fn endpoint_opt(&mut self, e: &Option<Endpoint>) {
        if let Some(e) = e {
            self.endpoint(e);
        }
    }
}

/// The resources a frame this client does not know (a newer event type)
/// appears to concern, judged by the shape of its fields, so that
/// handle-level `events()` streams receive it too.
pub(crate) fn resources_of_raw(value: &Value) -> Vec<(ResourceKind, String)> {
    let mut out = Refs(Vec::new());
    if let Some(app) = value.get("application").and_then(Value::as_str) {
        out.push(ResourceKind::Application, app);
    }
    if let Some(obj) = value.as_object() {
        for (key, v) in obj {
            scan(&mut out, key, v, 0);
        }
    }
    out.0
}

fn scan(out: &mut Refs, key: &str, v: &Value, depth: u8) {
    let Some(obj) = v.as_object() else { return };
    let s = |k: &str| obj.get(k).and_then(Value::as_str);
    if let Some(id) = s("id") {
        if obj.contains_key("dialplan") && obj.contains_key("caller") {
            out.push(ResourceKind::Channel, id);
        } else if obj.contains_key("bridge_type") {
            out.push(ResourceKind::Bridge, id);
        } else if obj.contains_key("media_uri") {
            out.push(ResourceKind::Playback, id);
        }
    }
    if let (Some(name), Some(_)) = (s("name"), s("target_uri")) {
        if obj.contains_key("format") {
            out.push(ResourceKind::LiveRecording, name);
        }
    }
    if let (Some(tech), Some(res)) = (s("technology"), s("resource")) {
        out.push(ResourceKind::Endpoint, &format!("{tech}/{res}"));
    }
    if key == "device_state" {
        if let Some(name) = s("name") {
            out.push(ResourceKind::DeviceState, name);
        }
    }
    if depth < 2 {
        for (k, inner) in obj {
            scan(out, k, inner, depth + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_type_name_matches_the_wire_name() {
        // EVENT_TYPES and the trait agree for every variant: decode a minimal
        // frame of each type that needs no fields.
        for name in ["ApplicationReplaced", "ApplicationRegistered"] {
            let msg: Message = serde_json::from_value(serde_json::json!({
                "type": name, "timestamp": "2024-01-01T00:00:00.000+0000", "application": "a"
            }))
            .unwrap();
            assert_eq!(type_name_via_trait(&msg.event), msg.event.type_name());
        }
        assert_eq!(<RestResponse as EventType>::NAME, "RESTResponse");
        assert_eq!(EVENT_TYPES.len(), 46);
    }

    #[test]
    fn raw_frames_are_scanned_for_resources() {
        let v = serde_json::json!({
            "type": "ChannelFuture", "application": "app",
            "channel": {"id": "c1", "name": "x", "state": "Up", "caller": {}, "dialplan": {}},
            "nested": {"bridge": {"id": "b1", "bridge_type": "mixing"}},
            "endpoint": {"technology": "PJSIP", "resource": "alice"}
        });
        let refs = resources_of_raw(&v);
        assert!(refs.contains(&(ResourceKind::Channel, "c1".into())));
        assert!(refs.contains(&(ResourceKind::Bridge, "b1".into())));
        assert!(refs.contains(&(ResourceKind::Endpoint, "PJSIP/alice".into())));
        assert!(refs.contains(&(ResourceKind::Application, "app".into())));
    }
}
