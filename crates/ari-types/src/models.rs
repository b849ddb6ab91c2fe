//! REST models: the objects ARI operations return and events carry.
//!
//! Every struct mirrors one model of Asterisk's `rest-api/api-docs/*.json`
//! field for field, with Rust-style type names (`CallerId` for `CallerID`,
//! `DialplanCep` for `DialplanCEP`, `RtpStat` for `RTPstat`). Fields the
//! documents mark as not required are `Option`s that are left out of the JSON
//! when absent. Fields appear in the order Asterisk writes them.

use crate::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A free-form JSON object (the `object` type of the ARI documents).
pub type JsonObject = serde_json::Map<String, serde_json::Value>;

// ---------------------------------------------------------------------------
// asterisk.json
// ---------------------------------------------------------------------------

/// What `GET /asterisk/info` answers: up to four groups of facts about the
/// server, each present unless filtered out with `only`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AsteriskInfo {
    /// How the server binary was built.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<BuildInfo>,
    /// The system the server runs on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<SystemInfo>,
    /// Settings in effect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<ConfigInfo>,
    /// Start-up and reload times.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<StatusInfo>,
}

/// What `GET /asterisk/ping` answers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AsteriskPing {
    /// Id of the answering server instance.
    pub asterisk_id: String,
    /// Always the text `pong`.
    pub ping: String,
    /// When the request arrived, as text (ARI timestamp form).
    pub timestamp: String,
}

/// Build details of the server binary.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildInfo {
    /// Operating system it was built on.
    pub os: String,
    /// Kernel version of the build host.
    pub kernel: String,
    /// Compile-time options; empty when the defaults were used.
    pub options: String,
    /// CPU architecture, e.g. `x86_64`.
    pub machine: String,
    /// When it was built (free text).
    pub date: String,
    /// Who built it.
    pub user: String,
}

/// Identity of the running server.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemInfo {
    /// Version string.
    pub version: String,
    /// Entity id (a MAC-address-like identifier of this instance).
    pub entity_id: String,
}

/// The user and group the server process runs as.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetId {
    /// Effective user.
    pub user: String,
    /// Effective group.
    pub group: String,
}

/// Configuration currently in effect.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfigInfo {
    /// System name.
    pub name: String,
    /// Language used for playback when a channel sets none.
    pub default_language: String,
    /// Limit on concurrent channels, when one is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_channels: Option<i64>,
    /// Limit on open file descriptors, when one is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_open_files: Option<i64>,
    /// Load average above which new calls are refused, when one is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_load: Option<f64>,
    /// Effective user and group.
    pub setid: SetId,
}

/// Start-up and reload times.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatusInfo {
    /// When the server started.
    pub startup_time: Timestamp,
    /// When the configuration was last reloaded.
    pub last_reload_time: Timestamp,
}

/// One `attribute = value` pair of a dynamic configuration object.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigTuple {
    /// Attribute name.
    pub attribute: String,
    /// Its value.
    pub value: String,
}

/// A configured log destination (`GET /asterisk/logging`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogChannel {
    /// Path or name of the destination.
    pub channel: String,
    /// Kind of destination (JSON `type`), e.g. `Console` or `File`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Whether it is enabled.
    pub status: String,
    /// The levels written to it, as one string.
    pub configuration: String,
}

/// A loadable module and its state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Module {
    /// File name, e.g. `res_ari.so`.
    pub name: String,
    /// One-line description.
    pub description: String,
    /// How many users hold a reference to it.
    pub use_count: i64,
    /// Whether it is running.
    pub status: String,
    /// Support level, e.g. `core` or `extended`.
    pub support_level: String,
}

/// The value of a variable (global or channel).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variable {
    /// The value.
    pub value: String,
}

// ---------------------------------------------------------------------------
// endpoints.json
// ---------------------------------------------------------------------------

/// A device or peer that places and receives calls, identified by the pair
/// technology/resource (e.g. `PJSIP`/`alice`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    /// Channel technology, e.g. `PJSIP`.
    pub technology: String,
    /// Name within that technology.
    pub resource: String,
    /// `unknown`, `offline` or `online`, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Ids of the channels this endpoint currently has.
    pub channel_ids: Vec<String>,
}

/// An out-of-call text message (e.g. SIP MESSAGE).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextMessage {
    /// Technology-specific URI of the sender.
    pub from: String,
    /// Technology-specific URI of the recipient.
    pub to: String,
    /// Message text.
    pub body: String,
    /// Technology-specific extra key/value pairs, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variables: Option<BTreeMap<String, String>>,
}

/// One key/value pair of a text message, as early ARI versions (Asterisk 12)
/// listed them; current versions use an object instead (see
/// [`TextMessage::variables`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextMessageVariable {
    /// Key.
    pub key: String,
    /// Value.
    pub value: String,
}

// ---------------------------------------------------------------------------
// channels.json
// ---------------------------------------------------------------------------

/// Caller identification: a name and a number.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallerId {
    /// Display name.
    pub name: String,
    /// Number.
    pub number: String,
}

/// A position in the dialplan: context, extension, priority.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DialplanCep {
    /// Context.
    pub context: String,
    /// Extension.
    pub exten: String,
    /// Priority.
    pub priority: i64,
    /// Name of the application being executed, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_name: Option<String>,
    /// Arguments of the application being executed, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_data: Option<String>,
}

/// A channel: one leg of a call between the server and an endpoint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Channel {
    /// Unique id (`1700000000.42` unless the client chose one).
    pub id: String,
    /// Name, e.g. `Local/100@default-00000001;1`.
    pub name: String,
    /// State: Down, Rsrved, OffHook, Dialing, Ring, Ringing, Up, Busy, Dialing Offhook, Pre-ring, Unknown.
    pub state: String,
    /// Protocol-level call id, where the technology has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol_id: Option<String>,
    /// Caller identification.
    pub caller: CallerId,
    /// Connected line identification.
    pub connected: CallerId,
    /// Account code.
    pub accountcode: String,
    /// Current dialplan location.
    pub dialplan: DialplanCep,
    /// When the channel was created.
    pub creationtime: Timestamp,
    /// Default language.
    pub language: String,
    /// Configured channel variables (`channelvars`), when any are configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channelvars: Option<BTreeMap<String, String>>,
    /// Tenant id, when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenantid: Option<String>,
}

/// Details of a dialed channel. The ARI documents define it with no
/// properties; it exists so operations can name it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dialed {}

/// RTP statistics of a channel's media stream (`GET /channels/{id}/rtp_statistics`).
///
/// Counters are integers; jitter, loss and round-trip figures are floating
/// point and only present when the stream has produced them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RtpStat {
    /// Packets sent.
    pub txcount: i64,
    /// Packets received.
    pub rxcount: i64,
    /// Jitter of sent packets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txjitter: Option<f64>,
    /// Jitter of received packets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rxjitter: Option<f64>,
    /// Largest jitter reported by the far end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_maxjitter: Option<f64>,
    /// Smallest jitter reported by the far end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_minjitter: Option<f64>,
    /// Mean jitter reported by the far end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_normdevjitter: Option<f64>,
    /// Standard deviation of jitter reported by the far end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_stdevjitter: Option<f64>,
    /// Largest jitter measured here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_maxjitter: Option<f64>,
    /// Smallest jitter measured here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_minjitter: Option<f64>,
    /// Mean jitter measured here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_normdevjitter: Option<f64>,
    /// Standard deviation of jitter measured here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_stdevjitter: Option<f64>,
    /// Sent packets lost.
    pub txploss: i64,
    /// Received packets lost.
    pub rxploss: i64,
    /// Largest loss reported by the far end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_maxrxploss: Option<f64>,
    /// Smallest loss reported by the far end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_minrxploss: Option<f64>,
    /// Mean loss reported by the far end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_normdevrxploss: Option<f64>,
    /// Standard deviation of loss reported by the far end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_stdevrxploss: Option<f64>,
    /// Largest loss measured here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_maxrxploss: Option<f64>,
    /// Smallest loss measured here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_minrxploss: Option<f64>,
    /// Mean loss measured here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_normdevrxploss: Option<f64>,
    /// Standard deviation of loss measured here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_stdevrxploss: Option<f64>,
    /// Total round-trip time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rtt: Option<f64>,
    /// Longest round trip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maxrtt: Option<f64>,
    /// Shortest round trip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minrtt: Option<f64>,
    /// Mean round trip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normdevrtt: Option<f64>,
    /// Standard deviation of the round trip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stdevrtt: Option<f64>,
    /// Our synchronization source id.
    pub local_ssrc: i64,
    /// The far end's synchronization source id.
    pub remote_ssrc: i64,
    /// Payload octets sent.
    pub txoctetcount: i64,
    /// Payload octets received.
    pub rxoctetcount: i64,
    /// Id of the channel the stream belongs to.
    pub channel_uniqueid: String,
}

// ---------------------------------------------------------------------------
// bridges.json
// ---------------------------------------------------------------------------

/// A bridge: channels whose media is mixed (or held) together.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bridge {
    /// Unique id.
    pub id: String,
    /// Bridging technology currently in use, e.g. `simple_bridge`.
    pub technology: String,
    /// `mixing` or `holding`.
    pub bridge_type: String,
    /// Class of the bridge, e.g. `stasis` or `base`.
    pub bridge_class: String,
    /// Who created it, e.g. `Stasis`.
    pub creator: String,
    /// Name given by its creator (may be empty).
    pub name: String,
    /// Ids of the channels in it.
    pub channels: Vec<String>,
    /// Video mode: `none`, `talker`, `sfu` or `single`, when reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_mode: Option<String>,
    /// Id of the channel whose video is shown, if there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_source_id: Option<String>,
    /// When the bridge was created.
    pub creationtime: Timestamp,
}

// ---------------------------------------------------------------------------
// recordings.json
// ---------------------------------------------------------------------------

/// A recording that is being made.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveRecording {
    /// Base name of the recording.
    pub name: String,
    /// File format, e.g. `wav`.
    pub format: String,
    /// What is recorded: `channel:{id}` or `bridge:{id}`.
    pub target_uri: String,
    /// `queued`, `recording`, `paused`, `done`, `failed` or `canceled`.
    pub state: String,
    /// Length so far, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    /// Seconds of speech detected (only when silence detection was asked for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub talking_duration: Option<i64>,
    /// Seconds of silence detected (only when silence detection was asked for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub silence_duration: Option<i64>,
    /// Why the recording failed, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
}

/// A finished recording on disk.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredRecording {
    /// Name (path below the recordings directory, without extension).
    pub name: String,
    /// File format.
    pub format: String,
}

// ---------------------------------------------------------------------------
// sounds.json
// ---------------------------------------------------------------------------

/// One format/language combination a sound exists in.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormatLangPair {
    /// Language code, e.g. `en`.
    pub language: String,
    /// File format, e.g. `gsm`.
    pub format: String,
}

/// A prompt that can be played with `sound:{id}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sound {
    /// Identifier, e.g. `hello-world`.
    pub id: String,
    /// Transcript of the prompt, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The formats and languages it is available in.
    pub formats: Vec<FormatLangPair>,
}

// ---------------------------------------------------------------------------
// playbacks.json
// ---------------------------------------------------------------------------

/// Media being played to a channel or bridge.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Playback {
    /// Unique id.
    pub id: String,
    /// The media being played now, e.g. `sound:hello-world`.
    pub media_uri: String,
    /// When a list is played, the media that comes next.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_media_uri: Option<String>,
    /// Where it plays: `channel:{id}` or `bridge:{id}`.
    pub target_uri: String,
    /// Requested language, for media that exist in several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// `queued`, `playing`, `continuing`, `done` or `failed`.
    pub state: String,
}

// ---------------------------------------------------------------------------
// deviceStates.json
// ---------------------------------------------------------------------------

/// The state of a device, e.g. one controlled through `Stasis:{name}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceState {
    /// Device name.
    pub name: String,
    /// UNKNOWN, NOT_INUSE, INUSE, BUSY, INVALID, UNAVAILABLE, RINGING, RINGINUSE or ONHOLD.
    pub state: String,
}

// ---------------------------------------------------------------------------
// mailboxes.json
// ---------------------------------------------------------------------------

/// Message counts of a mailbox.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mailbox {
    /// Mailbox name.
    pub name: String,
    /// Number of messages already heard.
    pub old_messages: i64,
    /// Number of messages not yet heard.
    pub new_messages: i64,
}

// ---------------------------------------------------------------------------
// applications.json
// ---------------------------------------------------------------------------

/// A Stasis application and what it is subscribed to.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Application {
    /// Application name.
    pub name: String,
    /// Ids of the channels it is subscribed to.
    pub channel_ids: Vec<String>,
    /// Ids of the bridges it is subscribed to.
    pub bridge_ids: Vec<String>,
    /// `{tech}/{resource}` of the endpoints it is subscribed to.
    pub endpoint_ids: Vec<String>,
    /// Names of the devices it is subscribed to.
    pub device_names: Vec<String>,
    /// Event filter: the event types let through (empty: all).
    #[serde(default)]
    pub events_allowed: Vec<JsonObject>,
    /// Event filter: the event types held back.
    #[serde(default)]
    pub events_disallowed: Vec<JsonObject>,
}

// ---------------------------------------------------------------------------
// events.json: models that events carry
// ---------------------------------------------------------------------------

/// One contact (registered location) of an endpoint.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactInfo {
    /// Where the contact is reached.
    pub uri: String,
    /// Unreachable, Reachable, Unknown, NonQualified or Removed.
    pub contact_status: String,
    /// Address of record the contact belongs to.
    pub aor: String,
    /// Latest round-trip time in microseconds, as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roundtrip_usec: Option<String>,
}

/// A remote peer that talks to the server.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Peer {
    /// Its state; the possible values depend on the technology.
    pub peer_status: String,
    /// Why the state changed, when a reason is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    /// IP address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Port, as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<String>,
    /// When it was last heard from, as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::DeserializeOwned;
    use serde_json::{json, Value};

    /// Decodes `value` as `T`, re-encodes it and checks nothing changed.
    fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(
        value: Value,
    ) -> T {
        let decoded: T = serde_json::from_value(value.clone()).expect("decodes");
        assert_eq!(serde_json::to_value(&decoded).unwrap(), value);
        decoded
    }

    fn channel_json() -> Value {
        json!({
            "id": "pchero-462475.572686",
            "name": "PJSIP/pchero-voip-00001b1f",
            "state": "Up",
            "caller": {"name": "", "number": "1337"},
            "connected": {"name": "", "number": "1337"},
            "accountcode": "",
            "dialplan": {"context": "pchero-voip", "exten": "s", "priority": 2},
            "creationtime": "2018-10-23T12:36:02.671+0000",
            "language": "en"
        })
    }

    #[test]
    fn channel_without_optional_fields_omits_them() {
        let c: Channel = round_trip(channel_json());
        assert_eq!(c.protocol_id, None);
        assert_eq!(c.channelvars, None);
        assert_eq!(c.tenantid, None);
        assert_eq!(c.dialplan.app_name, None);
        let text = serde_json::to_string(&c).unwrap();
        for absent in [
            "protocol_id",
            "channelvars",
            "tenantid",
            "app_name",
            "app_data",
        ] {
            assert!(!text.contains(absent), "{absent} in {text}");
        }
        // Asterisk's field order is kept.
        assert!(
            text.starts_with(r#"{"id":"pchero-462475.572686","name":"#),
            "{text}"
        );
    }

    #[test]
    fn channel_with_every_field() {
        let mut v = channel_json();
        v["protocol_id"] = json!("a84e2f1c@10.0.0.1");
        v["dialplan"]["app_name"] = json!("Stasis");
        v["dialplan"]["app_data"] = json!("demo,1");
        v["channelvars"] = json!({"CDR(src)": "1337", "X": ""});
        v["tenantid"] = json!("acme");
        let c: Channel = round_trip(v);
        assert_eq!(c.channelvars.unwrap()["CDR(src)"], "1337");
        assert_eq!(c.tenantid.as_deref(), Some("acme"));
    }

    #[test]
    fn asterisk_models_round_trip() {
        let info: AsteriskInfo = round_trip(json!({
            "build": {"os": "Linux", "kernel": "6.1.0", "options": "", "machine": "x86_64",
                      "date": "2024-01-01 00:00:00 UTC", "user": "builder"},
            "system": {"version": "22.1.0", "entity_id": "02:42:ac:11:00:02"},
            "config": {"name": "pbx1", "default_language": "en", "max_channels": 100,
                       "max_load": 2.5, "setid": {"user": "asterisk", "group": "asterisk"}},
            "status": {"startup_time": "2024-01-01T10:00:00.000+0000",
                       "last_reload_time": "2024-01-01T11:00:00.500+0000"}
        }));
        assert_eq!(info.config.unwrap().max_open_files, None);
        let only: AsteriskInfo =
            round_trip(json!({"system": {"version": "22.1.0", "entity_id": "x"}}));
        assert!(only.build.is_none() && only.status.is_none());
        round_trip::<AsteriskPing>(json!({"asterisk_id": "02:42:ac:11:00:02", "ping": "pong",
                                          "timestamp": "2024-01-01T10:00:00.000+0000"}));
        round_trip::<Vec<ConfigTuple>>(json!([{"attribute": "directmedia", "value": "false"}]));
        let log: LogChannel = round_trip(
            json!({"channel": "/var/log/asterisk/messages", "type": "File",
                                                "status": "Enabled", "configuration": " NOTICE WARNING ERROR"}),
        );
        assert_eq!(log.kind, "File");
        round_trip::<Module>(
            json!({"name": "res_ari.so", "description": "Asterisk RESTful Interface",
                                    "use_count": 0, "status": "Running", "support_level": "core"}),
        );
        round_trip::<Variable>(json!({"value": "42"}));
    }

    #[test]
    fn endpoint_and_text_message_round_trip() {
        round_trip::<Endpoint>(
            json!({"technology": "PJSIP", "resource": "alice", "state": "online",
                                      "channel_ids": ["1.1"]}),
        );
        let e: Endpoint =
            round_trip(json!({"technology": "Local", "resource": "x", "channel_ids": []}));
        assert_eq!(e.state, None);
        round_trip::<TextMessage>(
            json!({"from": "pjsip:bob", "to": "pjsip:alice", "body": "hi",
                                         "variables": {"X-Key": "v"}}),
        );
        round_trip::<TextMessage>(json!({"from": "a", "to": "b", "body": ""}));
        round_trip::<TextMessageVariable>(json!({"key": "k", "value": "v"}));
    }

    #[test]
    fn media_models_round_trip() {
        round_trip::<Bridge>(json!({
            "id": "b1", "technology": "simple_bridge", "bridge_type": "mixing", "bridge_class": "stasis",
            "creator": "Stasis", "name": "", "channels": ["1.1", "1.2"], "video_mode": "talker",
            "creationtime": "2024-01-01T10:00:00.000+0000"
        }));
        round_trip::<LiveRecording>(
            json!({"name": "r1", "format": "wav", "target_uri": "channel:1.1",
                                           "state": "done", "duration": 3, "talking_duration": 2,
                                           "silence_duration": 1}),
        );
        round_trip::<LiveRecording>(
            json!({"name": "r1", "format": "wav", "target_uri": "bridge:b",
                                           "state": "failed", "cause": "disk full"}),
        );
        round_trip::<StoredRecording>(json!({"name": "r1", "format": "wav"}));
        round_trip::<Sound>(json!({"id": "hello-world", "text": "Hello world.",
                                   "formats": [{"language": "en", "format": "gsm"}]}));
        round_trip::<Playback>(
            json!({"id": "p1", "media_uri": "sound:a", "next_media_uri": "sound:b",
                                      "target_uri": "channel:1.1", "language": "en", "state": "playing"}),
        );
        round_trip::<DeviceState>(json!({"name": "Stasis:lamp", "state": "INUSE"}));
        round_trip::<Mailbox>(json!({"name": "100@default", "old_messages": 1, "new_messages": 2}));
        round_trip::<Dialed>(json!({}));
        let stat: RtpStat = round_trip(json!({
            "txcount": 10, "rxcount": 9, "txjitter": 0.5, "rxjitter": 0.25, "txploss": 0, "rxploss": 1,
            "rtt": 0.125, "local_ssrc": 1234, "remote_ssrc": 5678, "txoctetcount": 1600,
            "rxoctetcount": 1440, "channel_uniqueid": "1.1"
        }));
        assert_eq!(stat.maxrtt, None);
    }

    #[test]
    fn application_contact_peer_round_trip() {
        round_trip::<Application>(json!({
            "name": "demo", "channel_ids": [], "bridge_ids": ["b"], "endpoint_ids": ["PJSIP/alice"],
            "device_names": [], "events_allowed": [{"type": "StasisStart"}], "events_disallowed": []
        }));
        // Servers older than the event filter omit the two lists.
        let old: Application = serde_json::from_value(json!({
            "name": "demo", "channel_ids": [], "bridge_ids": [], "endpoint_ids": [], "device_names": []
        }))
        .unwrap();
        assert!(old.events_allowed.is_empty());
        round_trip::<ContactInfo>(
            json!({"uri": "sip:alice@10.0.0.2:5060", "contact_status": "Reachable",
                                         "aor": "alice", "roundtrip_usec": "1500"}),
        );
        round_trip::<Peer>(
            json!({"peer_status": "Reachable", "address": "10.0.0.2", "port": "5060"}),
        );
    }
}
