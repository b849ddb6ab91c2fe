//! Events: what the events WebSocket carries.
//!
//! [`Event`] has one variant per event type of Asterisk's newest
//! `events.json`, each holding a struct with that event's own fields. The
//! fields every event shares (`timestamp`, `asterisk_id`, `application`) live
//! in [`Message`], which wraps an event for delivery. [`AnyMessage::decode`]
//! reads a frame of the stream without ever failing on an event type or shape
//! this crate does not know.

use crate::{
    Bridge, Channel, ContactInfo, DeviceState, Endpoint, JsonObject, LiveRecording, Peer, Playback,
    TextMessage, Timestamp,
};
use serde::{Deserialize, Deserializer, Serialize};

/// Declares [`Event`], its `type_name`, [`EVENT_TYPES`] and the `From`
/// conversions from one list, so the three can never disagree.
macro_rules! events {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, )*) => {
        /// Any ARI event, tagged by its `type` field.
        ///
        /// Each variant holds the struct of the same name (the JSON `type` is
        /// the variant name, except `RESTResponse`).
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "type")]
        // Events are built, sent and dropped; boxing the larger ones would
        // only make them clumsier to construct and match.
        #[allow(clippy::large_enum_variant)]
        pub enum Event {
            $( $(#[$doc])* #[serde(rename = $name)] $variant($variant), )*
        }

        impl Event {
            /// The event's `type`, as it appears in JSON.
            pub fn type_name(&self) -> &'static str {
                match self {
                    $( Event::$variant(_) => $name, )*
                }
            }
        }

        /// The `type` of every event [`Event`] knows, in the order of
        /// Asterisk's `events.json`.
        pub const EVENT_TYPES: &[&str] = &[$($name),*];

        $(
            impl From<$variant> for Event {
                fn from(e: $variant) -> Self {
                    Event::$variant(e)
                }
            }
        )*
    };
}

events! {
    /// A device's state changed.
    DeviceStateChanged = "DeviceStateChanged",
    /// A playback started.
    PlaybackStarted = "PlaybackStarted",
    /// A playback moved on to the next media of its list.
    PlaybackContinuing = "PlaybackContinuing",
    /// A playback ended.
    PlaybackFinished = "PlaybackFinished",
    /// A recording started.
    RecordingStarted = "RecordingStarted",
    /// A recording ended.
    RecordingFinished = "RecordingFinished",
    /// A recording failed.
    RecordingFailed = "RecordingFailed",
    /// Moving a channel to another application failed.
    ApplicationMoveFailed = "ApplicationMoveFailed",
    /// An application was registered.
    ApplicationRegistered = "ApplicationRegistered",
    /// An application was unregistered.
    ApplicationUnregistered = "ApplicationUnregistered",
    /// Another WebSocket took over the application.
    ApplicationReplaced = "ApplicationReplaced",
    /// A bridge was created.
    BridgeCreated = "BridgeCreated",
    /// A bridge was destroyed.
    BridgeDestroyed = "BridgeDestroyed",
    /// One bridge was merged into another.
    BridgeMerged = "BridgeMerged",
    /// A blind transfer happened.
    BridgeBlindTransfer = "BridgeBlindTransfer",
    /// An attended transfer happened.
    BridgeAttendedTransfer = "BridgeAttendedTransfer",
    /// A bridge's video source changed.
    BridgeVideoSourceChanged = "BridgeVideoSourceChanged",
    /// A channel was created.
    ChannelCreated = "ChannelCreated",
    /// A channel was destroyed.
    ChannelDestroyed = "ChannelDestroyed",
    /// A channel entered a bridge.
    ChannelEnteredBridge = "ChannelEnteredBridge",
    /// A channel left a bridge.
    ChannelLeftBridge = "ChannelLeftBridge",
    /// A channel's state changed.
    ChannelStateChange = "ChannelStateChange",
    /// A DTMF digit ended on a channel.
    ChannelDtmfReceived = "ChannelDtmfReceived",
    /// A channel moved in the dialplan.
    ChannelDialplan = "ChannelDialplan",
    /// A channel's caller id changed.
    ChannelCallerId = "ChannelCallerId",
    /// A user event was raised.
    ChannelUserevent = "ChannelUserevent",
    /// Hangup of a channel was requested.
    ChannelHangupRequest = "ChannelHangupRequest",
    /// A variable was set.
    ChannelVarset = "ChannelVarset",
    /// A tone was detected on a channel.
    ChannelToneDetected = "ChannelToneDetected",
    /// Talking started on a channel.
    ChannelTalkingStarted = "ChannelTalkingStarted",
    /// Talking stopped on a channel.
    ChannelTalkingFinished = "ChannelTalkingFinished",
    /// A channel put its peer on hold.
    ChannelHold = "ChannelHold",
    /// A channel took its peer off hold.
    ChannelUnhold = "ChannelUnhold",
    /// A contact of an endpoint changed state.
    ContactStatusChange = "ContactStatusChange",
    /// An endpoint changed state.
    EndpointStateChange = "EndpointStateChange",
    /// A dial attempt changed state.
    Dial = "Dial",
    /// A channel left an application.
    StasisEnd = "StasisEnd",
    /// A channel entered an application.
    StasisStart = "StasisStart",
    /// A text message arrived.
    TextMessageReceived = "TextMessageReceived",
    /// A channel's connected line changed.
    ChannelConnectedLine = "ChannelConnectedLine",
    /// A peer of an endpoint changed state.
    PeerStatusChange = "PeerStatusChange",
    /// A channel received a transfer request (SIP REFER).
    ChannelTransfer = "ChannelTransfer",
    /// The answer to a REST request made over the WebSocket.
    RestResponse = "RESTResponse",
    /// A channel is offered to several applications; the first to claim it wins.
    CallBroadcast = "CallBroadcast",
    /// A broadcast channel was claimed.
    CallClaimed = "CallClaimed",
    /// The WebSocket request lacked required parameters.
    MissingParams = "MissingParams",
}

// ---------------------------------------------------------------------------
// Event structs
// ---------------------------------------------------------------------------

/// A device's state changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeviceStateChanged {
    /// The device and its new state.
    pub device_state: DeviceState,
}

/// A playback started.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlaybackStarted {
    /// The playback.
    pub playback: Playback,
}

/// A playback went on from one media of its list to the next.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlaybackContinuing {
    /// The playback.
    pub playback: Playback,
}

/// A playback ended (completed, stopped or failed).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlaybackFinished {
    /// The playback.
    pub playback: Playback,
}

/// A recording started.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordingStarted {
    /// The recording.
    pub recording: LiveRecording,
}

/// A recording ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordingFinished {
    /// The recording.
    pub recording: LiveRecording,
}

/// A recording failed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordingFailed {
    /// The recording; its `cause` says why.
    pub recording: LiveRecording,
}

/// Moving a channel to another application failed (the application does not
/// exist or is not connected).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApplicationMoveFailed {
    /// The channel that stayed.
    pub channel: Channel,
    /// The application it was to move to.
    pub destination: String,
    /// The arguments it was to be given.
    pub args: Vec<String>,
}

/// The receiving application was registered. No fields of its own.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationRegistered {}

/// The receiving application was unregistered. No fields of its own.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationUnregistered {}

/// A newer WebSocket subscribed to the application, which this connection
/// therefore no longer receives. No fields of its own.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationReplaced {}

/// A bridge was created.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BridgeCreated {
    /// The new bridge.
    pub bridge: Bridge,
}

/// A bridge was destroyed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BridgeDestroyed {
    /// The bridge, as it was last.
    pub bridge: Bridge,
}

/// The channels of `bridge_from` were moved into `bridge`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BridgeMerged {
    /// The bridge that remains.
    pub bridge: Bridge,
    /// The bridge that was emptied into it.
    pub bridge_from: Bridge,
}

/// A blind transfer was attempted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BridgeBlindTransfer {
    /// The channel that performed the transfer.
    pub channel: Channel,
    /// The channel that stands in for the transferer when the transferees
    /// could not be moved directly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replace_channel: Option<Channel>,
    /// The channel being transferred.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transferee: Option<Channel>,
    /// Destination extension.
    pub exten: String,
    /// Destination context.
    pub context: String,
    /// Outcome, e.g. `Success`.
    pub result: String,
    /// Whether the transfer was started from outside the server (e.g. SIP REFER).
    pub is_external: bool,
    /// The bridge transferred from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bridge: Option<Bridge>,
}

/// An attended transfer was attempted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BridgeAttendedTransfer {
    /// The transferer's first call.
    pub transferer_first_leg: Channel,
    /// The transferer's second call.
    pub transferer_second_leg: Channel,
    /// The channel that takes the first leg's place, if a swap was needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replace_channel: Option<Channel>,
    /// The channel being transferred.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transferee: Option<Channel>,
    /// The channel it is transferred to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_target: Option<Channel>,
    /// Outcome, e.g. `Success`.
    pub result: String,
    /// Whether the transfer was started from outside the server.
    pub is_external: bool,
    /// The bridge of the first leg, if it was bridged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transferer_first_leg_bridge: Option<Bridge>,
    /// The bridge of the second leg, if it was bridged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transferer_second_leg_bridge: Option<Bridge>,
    /// How it was done: `bridge`, `application`, `link`, `threeway` or `fail`.
    pub destination_type: String,
    /// Id of the bridge that survived a merge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_bridge: Option<String>,
    /// Application the transferee went to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_application: Option<String>,
    /// First leg of a link result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_link_first_leg: Option<Channel>,
    /// Second leg of a link result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_link_second_leg: Option<Channel>,
    /// The transferer channel left in a three-way result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_threeway_channel: Option<Channel>,
    /// The bridge left in a three-way result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_threeway_bridge: Option<Bridge>,
}

/// The channel whose video a bridge shows changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BridgeVideoSourceChanged {
    /// The bridge, with its new `video_source_id`.
    pub bridge: Bridge,
    /// The previous source, if there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_video_source_id: Option<String>,
}

/// A channel was created.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelCreated {
    /// The new channel.
    pub channel: Channel,
}

/// A channel was destroyed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelDestroyed {
    /// Hangup cause code (Q.850).
    pub cause: i64,
    /// Hangup cause as text.
    pub cause_txt: String,
    /// Technology-specific cause (e.g. a SIP status), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tech_cause: Option<i64>,
    /// The channel, as it was last.
    pub channel: Channel,
}

/// A channel entered a bridge.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelEnteredBridge {
    /// The bridge, including the new member.
    pub bridge: Bridge,
    /// The channel that entered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
}

/// A channel left a bridge.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelLeftBridge {
    /// The bridge, without the channel.
    pub bridge: Bridge,
    /// The channel that left.
    pub channel: Channel,
}

/// A channel's state changed (see [`Channel::state`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelStateChange {
    /// The channel, in its new state.
    pub channel: Channel,
}

/// A DTMF digit was received (sent when the digit ends).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelDtmfReceived {
    /// The digit: 0-9, A-E, `#` or `*`.
    pub digit: String,
    /// How long the digit lasted, in milliseconds.
    pub duration_ms: i64,
    /// The channel it was received on.
    pub channel: Channel,
}

/// A channel is about to run a dialplan application.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelDialplan {
    /// The channel, at its new location.
    pub channel: Channel,
    /// The application about to run.
    pub dialplan_app: String,
    /// Its arguments.
    pub dialplan_app_data: String,
}

/// A channel's caller id changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelCallerId {
    /// Presentation indicator, as a number.
    pub caller_presentation: i64,
    /// Presentation indicator, as text.
    pub caller_presentation_txt: String,
    /// The channel, with its new caller id.
    pub channel: Channel,
}

/// A user event, raised by the dialplan (`UserEvent()`) or by
/// `POST /events/user/{eventName}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelUserevent {
    /// Name of the user event.
    pub eventname: String,
    /// The channel it concerns, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// The bridge it concerns, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bridge: Option<Bridge>,
    /// The endpoint it concerns, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<Endpoint>,
    /// The user-supplied data.
    pub userevent: JsonObject,
}

/// Something asked for a channel to be hung up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelHangupRequest {
    /// Hangup cause code, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<i64>,
    /// Technology-specific cause, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tech_cause: Option<i64>,
    /// Whether it was a soft hangup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub soft: Option<bool>,
    /// The channel.
    pub channel: Channel,
}

/// A variable was set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelVarset {
    /// Variable name.
    pub variable: String,
    /// Its new value.
    pub value: String,
    /// The channel it was set on; absent for a global variable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
}

/// A tone (e.g. fax CNG) was detected on a channel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelToneDetected {
    /// The channel.
    pub channel: Channel,
}

/// Talk detection found speech on a channel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelTalkingStarted {
    /// The channel.
    pub channel: Channel,
}

/// Talk detection found that speech on a channel stopped.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelTalkingFinished {
    /// The channel.
    pub channel: Channel,
    /// How long the talking lasted, in milliseconds.
    pub duration: i64,
}

/// A channel put the other side on hold.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelHold {
    /// The channel that asked for the hold.
    pub channel: Channel,
    /// Music-on-hold class it asked for, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub musicclass: Option<String>,
}

/// A channel took the other side off hold.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelUnhold {
    /// The channel that ended the hold.
    pub channel: Channel,
}

/// A contact of an endpoint changed state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContactStatusChange {
    /// The endpoint.
    pub endpoint: Endpoint,
    /// The contact and its new state.
    pub contact_info: ContactInfo,
}

/// An endpoint changed state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EndpointStateChange {
    /// The endpoint, in its new state.
    pub endpoint: Endpoint,
}

/// A dial attempt changed state (an empty `dialstatus` means it began).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dial {
    /// The calling channel, if there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller: Option<Channel>,
    /// The channel being dialed.
    pub peer: Channel,
    /// Where the dialed side asked the call to be forwarded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forward: Option<String>,
    /// The channel the caller was forwarded to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forwarded: Option<Channel>,
    /// The dial string used for the peer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dialstring: Option<String>,
    /// Status: empty, `RINGING`, `ANSWER`, `BUSY`, `NOANSWER`, `CANCEL`, ...
    pub dialstatus: String,
}

/// A channel left a Stasis application.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StasisEnd {
    /// The channel.
    pub channel: Channel,
}

/// A channel entered a Stasis application.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StasisStart {
    /// Arguments given to the application.
    pub args: Vec<String>,
    /// The channel.
    pub channel: Channel,
    /// The channel this one replaces, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replace_channel: Option<Channel>,
}

/// A text message arrived from an endpoint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TextMessageReceived {
    /// The message.
    pub message: TextMessage,
    /// The endpoint it came from, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<Endpoint>,
}

/// A channel's connected line changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelConnectedLine {
    /// The channel, with its new connected line.
    pub channel: Channel,
}

/// A peer of an endpoint changed state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PeerStatusChange {
    /// The endpoint.
    pub endpoint: Endpoint,
    /// The peer and its new state.
    pub peer: Peer,
}

/// A channel received a transfer request (e.g. a SIP REFER) that the
/// application is to carry out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelTransfer {
    /// Progress of the transfer, when reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Where the transfer should go.
    pub refer_to: ReferTo,
    /// Who asked for it.
    pub referred_by: ReferredBy,
}

/// The answer to a [`RestRequest`] sent over the WebSocket.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RestResponse {
    /// The request's transaction id.
    pub transaction_id: String,
    /// The request's request id.
    pub request_id: String,
    /// HTTP status code.
    pub status_code: i64,
    /// HTTP reason phrase.
    pub reason_phrase: String,
    /// The URI that was requested.
    pub uri: String,
    /// Content type of `message_body`, when there is a body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Response body, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_body: Option<String>,
}

/// A channel is offered to every matching application; the first to claim it
/// with `POST /events/claim` gets it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallBroadcast {
    /// The channel on offer.
    pub channel: Channel,
    /// Caller number (empty when unknown).
    #[serde(default)]
    pub caller: String,
    /// Called number (empty when unknown).
    #[serde(default)]
    pub called: String,
}

/// A broadcast channel was claimed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallClaimed {
    /// The channel.
    pub channel: Channel,
    /// The application that won it.
    pub winner_app: String,
}

/// Error sent on the WebSocket when the connection request lacked required
/// parameters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingParams {
    /// Names of the missing parameters.
    pub params: Vec<String>,
}

// ---------------------------------------------------------------------------
// Models used by events
// ---------------------------------------------------------------------------

/// The destination of a [`ChannelTransfer`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReferTo {
    /// What the transferer asked for.
    pub requested_destination: RequiredDestination,
    /// The channel to be replaced (attended transfer), if found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_channel: Option<Channel>,
    /// The channel connected to the one to be replaced, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connected_channel: Option<Channel>,
    /// The bridge joining those two, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bridge: Option<Bridge>,
}

/// The origin of a [`ChannelTransfer`] (the Referred-By of RFC 3892).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReferredBy {
    /// The channel the request arrived on.
    pub source_channel: Channel,
    /// The channel connected to it, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connected_channel: Option<Channel>,
    /// The bridge joining the two, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bridge: Option<Bridge>,
}

/// The destination a transferer asked for: either a protocol call id
/// (attended) or a destination (blind).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequiredDestination {
    /// Call id of the call to replace (for SIP, a Call-ID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol_id: Option<String>,
    /// User part of the destination (blind transfer only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
    /// Extra protocol-specific parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_protocol_params: Option<Vec<AdditionalParam>>,
}

/// A protocol-specific name/value pair of a transfer request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdditionalParam {
    /// Name.
    pub parameter_name: String,
    /// Value.
    pub parameter_value: String,
}

/// An HTTP header of a REST request made over the WebSocket.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestHeader {
    /// Header name.
    pub name: String,
    /// Header value.
    pub value: String,
}

/// A query-string parameter of a REST request made over the WebSocket.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestQueryStringParameter {
    /// Parameter name.
    pub name: String,
    /// Parameter value.
    pub value: String,
}

/// A REST request a client sends over the WebSocket (not an event: it travels
/// towards the server). Its JSON carries `"type": "RESTRequest"`, which this
/// struct writes and requires.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "RESTRequest", try_from = "RestRequestWire")]
pub struct RestRequest {
    /// Opaque id, echoed in the response.
    pub transaction_id: String,
    /// Opaque id, echoed in the response.
    pub request_id: String,
    /// HTTP method.
    pub method: String,
    /// Resource URI, possibly with a query string.
    pub uri: String,
    /// Content type of `message_body`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Query-string parameters, in addition to any in `uri`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_strings: Option<Vec<RestQueryStringParameter>>,
    /// Request body (JSON or form-encoded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_body: Option<String>,
}

/// [`RestRequest`] as read from JSON, `type` included so it can be checked.
#[derive(Deserialize)]
struct RestRequestWire {
    #[serde(rename = "type")]
    kind: String,
    transaction_id: String,
    request_id: String,
    method: String,
    uri: String,
    #[serde(default)]
    content_type: Option<String>,
    #[serde(default)]
    query_strings: Option<Vec<RestQueryStringParameter>>,
    #[serde(default)]
    message_body: Option<String>,
}

impl TryFrom<RestRequestWire> for RestRequest {
    type Error = String;

    fn try_from(w: RestRequestWire) -> Result<Self, String> {
        if w.kind != "RESTRequest" {
            return Err(format!("expected type RESTRequest, found {:?}", w.kind));
        }
        Ok(RestRequest {
            transaction_id: w.transaction_id,
            request_id: w.request_id,
            method: w.method,
            uri: w.uri,
            content_type: w.content_type,
            query_strings: w.query_strings,
            message_body: w.message_body,
        })
    }
}

// ---------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------

/// An event as delivered to one application: the event and the fields every
/// event carries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// The event (its `type` and own fields).
    #[serde(flatten)]
    pub event: Event,
    /// When the event was raised.
    pub timestamp: Timestamp,
    /// Id of the server instance that raised it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asterisk_id: Option<String>,
    /// The application receiving it.
    #[serde(default)]
    pub application: String,
}

impl Message {
    /// Wraps `event` for `application`, stamped with the current time and no
    /// server id.
    pub fn new(event: impl Into<Event>, application: impl Into<String>) -> Self {
        Message {
            event: event.into(),
            timestamp: Timestamp::now(),
            asterisk_id: None,
            application: application.into(),
        }
    }
}

/// One frame of the events stream as a client reads it: a message this crate
/// understands, or the raw JSON of one it does not.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
// A message is a few KiB at most (the largest event carries eight channels);
// frames are decoded, handed on once and dropped, so no box is needed.
#[allow(clippy::large_enum_variant)]
pub enum AnyMessage {
    /// A message of a known type whose fields decoded.
    Known(Message),
    /// Anything else: an unknown `type` (e.g. from a newer server), fields
    /// that did not decode, or JSON that is not an event at all.
    Unknown(serde_json::Value),
}

impl AnyMessage {
    /// Reads one frame. Fails only when `json` is not valid JSON; any valid
    /// JSON that is not a known, well-formed message comes back as
    /// [`AnyMessage::Unknown`] so that a stream never stops on it.
    pub fn decode(json: &str) -> Result<AnyMessage, serde_json::Error> {
        let value: serde_json::Value = serde_json::from_str(json)?;
        Ok(AnyMessage::from_value(value))
    }

    /// Classifies an already parsed frame (see [`AnyMessage::decode`]).
    pub fn from_value(value: serde_json::Value) -> AnyMessage {
        match Message::deserialize(&value) {
            Ok(message) => AnyMessage::Known(message),
            Err(_) => AnyMessage::Unknown(value),
        }
    }

    /// The frame's `type`, whether or not it is known.
    pub fn type_name(&self) -> Option<&str> {
        match self {
            AnyMessage::Known(m) => Some(m.event.type_name()),
            AnyMessage::Unknown(v) => v.get("type").and_then(|t| t.as_str()),
        }
    }
}

impl<'de> Deserialize<'de> for AnyMessage {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde_json::Value::deserialize(d).map(AnyMessage::from_value)
    }
}

impl From<Message> for AnyMessage {
    fn from(m: Message) -> Self {
        AnyMessage::Known(m)
    }
}
