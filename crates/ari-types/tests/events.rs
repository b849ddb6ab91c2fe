//! Every event type: a sample decodes to the right variant and re-encodes to
//! the same JSON.

use ari_types::*;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Real frames captured from Asterisk 16 (PlaybackStarted/Finished were
/// captured without their `timestamp`; one is added here, as every event
/// Asterisk sends carries one).
const REAL: &[&str] = &[
    r#"{ "type": "ChannelDestroyed", "timestamp": "2018-10-23T12:36:11.110+0000", "cause": 0, "cause_txt": "Unknown", "channel": { "id": "pchero-462475.572686", "name": "PJSIP/pchero-voip-00001b1f", "state": "Up", "caller": { "name": "", "number": "1337" }, "connected": { "name": "", "number": "1337" }, "accountcode": "", "dialplan": { "context": "pchero-voip", "exten": "s", "priority": 2 }, "creationtime": "2018-10-23T12:36:02.671+0000", "language": "en" }, "asterisk_id": "210445d7-73bd-456a-aef2-e0ef847bfa0f", "application": "pchero_voip" }"#,
    r#"{ "type": "ChannelDialplan", "timestamp": "2018-10-23T12:36:11.109+0000", "dialplan_app": "AppDial2", "dialplan_app_data": "(Outgoing Line)", "channel": { "id": "pchero-462475.572686", "name": "PJSIP/pchero-voip-00001b1f", "state": "Up", "caller": { "name": "", "number": "1337" }, "connected": { "name": "", "number": "1337" }, "accountcode": "", "dialplan": { "context": "pchero-voip", "exten": "s", "priority": 2 }, "creationtime": "2018-10-23T12:36:02.671+0000", "language": "en" }, "asterisk_id": "210445d7-73bd-456a-aef2-e0ef847bfa0f", "application": "pchero_voip" }"#,
    r#"{ "type": "ChannelStateChange", "timestamp": "2018-10-23T12:36:07.628+0000", "channel": { "id": "pchero-462475.572686", "name": "PJSIP/pchero-voip-00001b1f", "state": "Ringing", "caller": { "name": "", "number": "1337" }, "connected": { "name": "", "number": "1337" }, "accountcode": "", "dialplan": { "context": "pchero-voip", "exten": "s", "priority": 1 }, "creationtime": "2018-10-23T12:36:02.671+0000", "language": "en" }, "asterisk_id": "210445d7-73bd-456a-aef2-e0ef847bfa0f", "application": "pchero_voip" }"#,
    r#"{ "variable": "STASISSTATUS", "value": "", "type": "ChannelVarset", "timestamp": "2018-10-23T12:36:09.602+0000", "channel": { "id": "pchero-462475.572686", "name": "PJSIP/pchero-voip-00001b1f", "state": "Up", "caller": { "name": "", "number": "1337" }, "connected": { "name": "", "number": "1337" }, "accountcode": "", "dialplan": { "context": "pchero-voip", "exten": "s", "priority": 1 }, "creationtime": "2018-10-23T12:36:02.671+0000", "language": "en" }, "asterisk_id": "210445d7-73bd-456a-aef2-e0ef847bfa0f", "application": "pchero_voip" }"#,
    r#"{ "type": "Dial", "timestamp": "2018-10-23T12:36:02.673+0000", "dialstatus": "", "forward": "", "dialstring": "pchero-voip/sip:284712939482@127.0.0.1", "peer": { "id": "pchero-462475.572686", "name": "PJSIP/pchero-voip-00001b1f", "state": "Down", "caller": { "name": "", "number": "1337" }, "connected": { "name": "", "number": "1337" }, "accountcode": "", "dialplan": { "context": "pchero-voip", "exten": "s", "priority": 1 }, "creationtime": "2018-10-23T12:36:02.671+0000", "language": "en" }, "asterisk_id": "210445d7-73bd-456a-aef2-e0ef847bfa0f", "application": "pchero_voip" }"#,
    r#"{ "type": "PlaybackFinished", "timestamp": "2018-10-23T12:36:10.000+0000", "playback": { "id": "b28da5fa-c12e-49b8-a520-1339746cd590:834f78fa-cf49-4092-8805-c1cfe5a8c583", "media_uri": "sound:https://pocket-staging.messagebird.io/1/tts/f60a542334f68a0f33e2cb979b2990372772c2fc66b51ecb48e6ef33e38af9b4ec674e5d59b610960d92de0d966446cf1017e021edae559caff418af6a52e618.wav", "target_uri": "channel:pchero-462475.572686", "language": "en", "state": "done" }, "asterisk_id": "210445d7-73bd-456a-aef2-e0ef847bfa0f", "application": "pchero_voip" }"#,
    r#"{ "type": "PlaybackStarted", "timestamp": "2018-10-23T12:36:09.700+0000", "playback": { "id": "1b590cfa-5880-493f-8afc-3f9dfed9022a:3f59e78f-acb2-4bd4-bcd0-23da52c1a2c2", "media_uri": "sound:https://pchero21.com/var/spool/asterisk/tts/test.wav", "target_uri": "channel:pchero-462475.572686", "language": "en", "state": "playing" }, "asterisk_id": "210445d7-73bd-456a-aef2-e0ef847bfa0f", "application": "pchero_voip" }"#,
    r#"{ "type": "StasisEnd", "timestamp": "2018-10-23T12:36:11.105+0000", "channel": { "id": "pchero-462475.572686", "name": "PJSIP/pchero-voip-00001b1f", "state": "Up", "caller": { "name": "", "number": "1337" }, "connected": { "name": "", "number": "1337" }, "accountcode": "", "dialplan": { "context": "pchero-voip", "exten": "s", "priority": 2 }, "creationtime": "2018-10-23T12:36:02.671+0000", "language": "en" }, "asterisk_id": "210445d7-73bd-456a-aef2-e0ef847bfa0f", "application": "pchero_voip" }"#,
    r#"{ "type": "StasisStart", "timestamp": "2018-10-23T12:36:09.603+0000", "args": ["PCHERO_DIALED=1"], "channel": { "id": "pchero-462475.572686", "name": "PJSIP/pchero-voip-00001b1f", "state": "Up", "caller": { "name": "", "number": "1337" }, "connected": { "name": "", "number": "1337" }, "accountcode": "", "dialplan": { "context": "pchero-voip", "exten": "s", "priority": 1 }, "creationtime": "2018-10-23T12:36:02.671+0000", "language": "en" }, "asterisk_id": "210445d7-73bd-456a-aef2-e0ef847bfa0f", "application": "pchero_voip" }"#,
];

/// A channel as a current server writes it (every optional field set).
fn channel(id: &str) -> Value {
    json!({
        "id": id,
        "name": format!("PJSIP/alice-{id}"),
        "state": "Up",
        "protocol_id": "5f2b1c3e-call@10.0.0.2",
        "caller": {"name": "Alice", "number": "100"},
        "connected": {"name": "Bob", "number": "200"},
        "accountcode": "acct",
        "dialplan": {"context": "default", "exten": "200", "priority": 3,
                     "app_name": "Stasis", "app_data": "demo"},
        "creationtime": "2024-05-01T09:00:00.000+0000",
        "language": "en",
        "channelvars": {"CALLERID(num)": "100"},
        "tenantid": "acme"
    })
}

fn bridge(id: &str) -> Value {
    json!({
        "id": id, "technology": "simple_bridge", "bridge_type": "mixing", "bridge_class": "stasis",
        "creator": "Stasis", "name": "room", "channels": ["1714554000.1", "1714554000.2"],
        "video_mode": "talker", "video_source_id": "1714554000.1",
        "creationtime": "2024-05-01T09:00:01.250+0000"
    })
}

fn endpoint() -> Value {
    json!({"technology": "PJSIP", "resource": "alice", "state": "online", "channel_ids": ["1714554000.1"]})
}

fn recording(state: &str) -> Value {
    json!({"name": "calls/rec-1", "format": "wav", "target_uri": "channel:1714554000.1", "state": state,
           "duration": 12, "talking_duration": 9, "silence_duration": 3})
}

fn playback(state: &str) -> Value {
    json!({"id": "pb-1", "media_uri": "sound:hello-world", "next_media_uri": "sound:goodbye",
           "target_uri": "bridge:b-1", "language": "en", "state": state})
}

/// Adds the common fields of a message to an event's own fields.
fn message(kind: &str, own: Value) -> Value {
    let mut v = own;
    v["type"] = json!(kind);
    v["timestamp"] = json!("2024-05-01T09:00:02.500+0000");
    v["asterisk_id"] = json!("02:42:ac:11:00:02");
    v["application"] = json!("demo");
    v
}

/// One sample for every event type (some types have several).
fn samples() -> Vec<Value> {
    let mut out: Vec<Value> = REAL
        .iter()
        .map(|s| serde_json::from_str(s).unwrap())
        .collect();
    let ch = channel("1714554000.1");
    let ch2 = channel("1714554000.2");
    let own: Vec<(&str, Value)> = vec![
        (
            "DeviceStateChanged",
            json!({"device_state": {"name": "Stasis:lamp", "state": "RINGING"}}),
        ),
        ("PlaybackStarted", json!({"playback": playback("playing")})),
        (
            "PlaybackContinuing",
            json!({"playback": playback("continuing")}),
        ),
        (
            "PlaybackFinished",
            json!({"playback": {"id": "pb-2", "media_uri": "sound:x",
                                                 "target_uri": "channel:1", "state": "failed"}}),
        ),
        (
            "RecordingStarted",
            json!({"recording": {"name": "r", "format": "gsm",
                                                  "target_uri": "bridge:b-1", "state": "recording"}}),
        ),
        ("RecordingFinished", json!({"recording": recording("done")})),
        (
            "RecordingFailed",
            json!({"recording": {"name": "r", "format": "wav", "target_uri": "channel:1",
                                                 "state": "failed", "cause": "Could not open file"}}),
        ),
        (
            "ApplicationMoveFailed",
            json!({"channel": ch, "destination": "other-app", "args": ["a", "b"]}),
        ),
        ("ApplicationRegistered", json!({})),
        ("ApplicationUnregistered", json!({})),
        ("ApplicationReplaced", json!({})),
        ("BridgeCreated", json!({"bridge": bridge("b-1")})),
        (
            "BridgeDestroyed",
            json!({"bridge": {"id": "b-1", "technology": "holding_bridge",
            "bridge_type": "holding", "bridge_class": "stasis", "creator": "Stasis", "name": "",
            "channels": [], "creationtime": "2024-05-01T09:00:01.250+0000"}}),
        ),
        (
            "BridgeMerged",
            json!({"bridge": bridge("b-1"), "bridge_from": bridge("b-2")}),
        ),
        (
            "BridgeBlindTransfer",
            json!({"channel": ch, "replace_channel": ch2, "transferee": ch2,
            "exten": "300", "context": "default", "result": "Success", "is_external": false,
            "bridge": bridge("b-1")}),
        ),
        (
            "BridgeBlindTransfer",
            json!({"channel": ch, "exten": "300", "context": "default",
            "result": "Fail", "is_external": true}),
        ),
        (
            "BridgeAttendedTransfer",
            json!({"transferer_first_leg": ch, "transferer_second_leg": ch2,
            "replace_channel": ch, "transferee": ch2, "transfer_target": ch,
            "result": "Success", "is_external": false,
            "transferer_first_leg_bridge": bridge("b-1"), "transferer_second_leg_bridge": bridge("b-2"),
            "destination_type": "threeway", "destination_bridge": "b-1",
            "destination_application": "demo", "destination_link_first_leg": ch,
            "destination_link_second_leg": ch2, "destination_threeway_channel": ch,
            "destination_threeway_bridge": bridge("b-1")}),
        ),
        (
            "BridgeAttendedTransfer",
            json!({"transferer_first_leg": ch, "transferer_second_leg": ch2,
            "result": "Success", "is_external": true, "destination_type": "bridge",
            "destination_bridge": "b-2"}),
        ),
        (
            "BridgeVideoSourceChanged",
            json!({"bridge": bridge("b-1"), "old_video_source_id": "1714554000.2"}),
        ),
        ("BridgeVideoSourceChanged", json!({"bridge": bridge("b-1")})),
        ("ChannelCreated", json!({"channel": ch})),
        (
            "ChannelDestroyed",
            json!({"cause": 16, "cause_txt": "Normal Clearing", "tech_cause": 200, "channel": ch}),
        ),
        (
            "ChannelEnteredBridge",
            json!({"bridge": bridge("b-1"), "channel": ch}),
        ),
        ("ChannelEnteredBridge", json!({"bridge": bridge("b-1")})),
        (
            "ChannelLeftBridge",
            json!({"bridge": bridge("b-1"), "channel": ch}),
        ),
        ("ChannelStateChange", json!({"channel": ch})),
        (
            "ChannelDtmfReceived",
            json!({"digit": "#", "duration_ms": 120, "channel": ch}),
        ),
        (
            "ChannelDialplan",
            json!({"channel": ch, "dialplan_app": "Stasis", "dialplan_app_data": "demo"}),
        ),
        (
            "ChannelCallerId",
            json!({"caller_presentation": 0,
            "caller_presentation_txt": "Presentation Allowed, Not Screened", "channel": ch}),
        ),
        (
            "ChannelUserevent",
            json!({"eventname": "Alert", "channel": ch, "bridge": bridge("b-1"),
            "endpoint": endpoint(), "userevent": {"level": "3", "nested": {"a": [1, 2]}}}),
        ),
        (
            "ChannelUserevent",
            json!({"eventname": "Ping", "userevent": {}}),
        ),
        (
            "ChannelHangupRequest",
            json!({"cause": 16, "tech_cause": 486, "soft": true, "channel": ch}),
        ),
        ("ChannelHangupRequest", json!({"channel": ch})),
        (
            "ChannelVarset",
            json!({"variable": "GLOBAL_X", "value": "1"}),
        ),
        ("ChannelToneDetected", json!({"channel": ch})),
        ("ChannelTalkingStarted", json!({"channel": ch})),
        (
            "ChannelTalkingFinished",
            json!({"channel": ch, "duration": 2350}),
        ),
        (
            "ChannelHold",
            json!({"channel": ch, "musicclass": "default"}),
        ),
        ("ChannelHold", json!({"channel": ch})),
        ("ChannelUnhold", json!({"channel": ch})),
        (
            "ContactStatusChange",
            json!({"endpoint": endpoint(), "contact_info": {
            "uri": "sip:alice@10.0.0.2:5060", "contact_status": "Reachable", "aor": "alice",
            "roundtrip_usec": "1532"}}),
        ),
        (
            "EndpointStateChange",
            json!({"endpoint": {"technology": "PJSIP", "resource": "bob",
                                                    "state": "offline", "channel_ids": []}}),
        ),
        (
            "Dial",
            json!({"caller": ch, "peer": ch2, "forward": "PJSIP/carol", "forwarded": ch,
                        "dialstring": "bob", "dialstatus": "ANSWER"}),
        ),
        ("StasisEnd", json!({"channel": ch})),
        (
            "StasisStart",
            json!({"args": [], "channel": ch, "replace_channel": ch2}),
        ),
        (
            "TextMessageReceived",
            json!({"message": {"from": "\"Alice\" <sip:alice@10.0.0.2>",
            "to": "pjsip:demo", "body": "hello", "variables": {"Content-Type": "text/plain"}},
            "endpoint": endpoint()}),
        ),
        (
            "TextMessageReceived",
            json!({"message": {"from": "a", "to": "b", "body": ""}}),
        ),
        ("ChannelConnectedLine", json!({"channel": ch})),
        (
            "PeerStatusChange",
            json!({"endpoint": endpoint(), "peer": {"peer_status": "Reachable",
            "cause": "qualify", "address": "10.0.0.2", "port": "5060", "time": "1714554002"}}),
        ),
        (
            "ChannelTransfer",
            json!({"state": "channel_answered",
            "refer_to": {"requested_destination": {"protocol_id": "abc@10.0.0.2",
                "additional_protocol_params": [{"parameter_name": "from-tag", "parameter_value": "x1"}]},
                "destination_channel": ch2, "connected_channel": ch, "bridge": bridge("b-1")},
            "referred_by": {"source_channel": ch, "connected_channel": ch2, "bridge": bridge("b-2")}}),
        ),
        (
            "ChannelTransfer",
            json!({
            "refer_to": {"requested_destination": {"destination": "300"}},
            "referred_by": {"source_channel": ch}}),
        ),
        (
            "RESTResponse",
            json!({"transaction_id": "t-1", "request_id": "r-1", "status_code": 200,
            "reason_phrase": "OK", "uri": "channels", "content_type": "application/json",
            "message_body": "[]"}),
        ),
        (
            "RESTResponse",
            json!({"transaction_id": "t-1", "request_id": "r-2", "status_code": 204,
            "reason_phrase": "No Content", "uri": "channels/1/answer"}),
        ),
        (
            "CallBroadcast",
            json!({"channel": ch, "caller": "100", "called": "200"}),
        ),
        (
            "CallClaimed",
            json!({"channel": ch, "winner_app": "agent-7"}),
        ),
        ("MissingParams", json!({"params": ["app"]})),
    ];
    out.extend(own.into_iter().map(|(kind, v)| message(kind, v)));
    // One without asterisk_id, as older servers send.
    let mut bare = message("ChannelCreated", json!({"channel": ch}));
    bare.as_object_mut().unwrap().remove("asterisk_id");
    out.push(bare);
    out
}

#[test]
fn every_sample_decodes_and_round_trips() {
    let mut seen = BTreeSet::new();
    for sample in samples() {
        let kind = sample["type"].as_str().unwrap().to_owned();
        let text = serde_json::to_string(&sample).unwrap();
        let message = match AnyMessage::decode(&text).unwrap() {
            AnyMessage::Known(m) => m,
            AnyMessage::Unknown(_) => {
                // Show serde's reason.
                let err = serde_json::from_str::<Message>(&text).unwrap_err();
                panic!("{kind} did not decode: {err}\n{text}");
            }
        };
        assert_eq!(message.event.type_name(), kind);
        let back = serde_json::to_value(&message).unwrap();
        assert_eq!(back, sample, "{kind} changed on the way back");
        // Decoding directly gives the same message.
        assert_eq!(
            serde_json::from_value::<Message>(sample.clone()).unwrap(),
            message
        );
        seen.insert(kind);
    }
    let all: BTreeSet<String> = EVENT_TYPES.iter().map(|s| s.to_string()).collect();
    assert_eq!(seen, all, "a sample is missing for some event type");
}

#[test]
fn samples_land_in_the_right_variant() {
    let text = REAL[8];
    let AnyMessage::Known(m) = AnyMessage::decode(text).unwrap() else {
        panic!()
    };
    let Event::StasisStart(StasisStart {
        args,
        channel,
        replace_channel,
    }) = &m.event
    else {
        panic!("{:?}", m.event)
    };
    assert_eq!(args, &["PCHERO_DIALED=1"]);
    assert_eq!(channel.id, "pchero-462475.572686");
    assert_eq!(channel.dialplan.priority, 1);
    assert!(replace_channel.is_none());
    assert_eq!(m.application, "pchero_voip");
    assert_eq!(
        m.asterisk_id.as_deref(),
        Some("210445d7-73bd-456a-aef2-e0ef847bfa0f")
    );
    assert_eq!(m.timestamp.to_string(), "2018-10-23T12:36:09.603+0000");

    let AnyMessage::Known(m) = AnyMessage::decode(REAL[4]).unwrap() else {
        panic!()
    };
    let Event::Dial(d) = m.event else { panic!() };
    assert_eq!(d.dialstatus, "");
    assert_eq!(d.forward.as_deref(), Some(""));
    assert!(d.caller.is_none());
    assert_eq!(d.peer.state, "Down");

    for sample in samples() {
        let m: Message = serde_json::from_value(sample.clone()).unwrap();
        let ok = match (&m.event, sample["type"].as_str().unwrap()) {
            (Event::ChannelUserevent(e), "ChannelUserevent") => {
                e.userevent.contains_key("level") || e.eventname == "Ping"
            }
            (Event::ChannelDestroyed(e), "ChannelDestroyed") => e.cause_txt.len() > 1,
            (Event::RestResponse(e), "RESTResponse") => e.status_code >= 200,
            (Event::MissingParams(e), "MissingParams") => e.params == ["app"],
            (Event::CallClaimed(e), "CallClaimed") => e.winner_app == "agent-7",
            (Event::ApplicationReplaced(_), "ApplicationReplaced") => true,
            (e, t) => e.type_name() == t,
        };
        assert!(ok, "{sample}");
    }
}

#[test]
fn event_types_are_unique_and_match_serialized_type() {
    let unique: BTreeSet<&str> = EVENT_TYPES.iter().copied().collect();
    assert_eq!(unique.len(), EVENT_TYPES.len(), "duplicate in EVENT_TYPES");
    let mut covered = BTreeSet::new();
    for sample in samples() {
        let m: Message = serde_json::from_value(sample).unwrap();
        let json = serde_json::to_value(&m.event).unwrap();
        assert_eq!(json["type"], m.event.type_name());
        assert!(EVENT_TYPES.contains(&m.event.type_name()));
        covered.insert(m.event.type_name());
    }
    assert_eq!(covered, unique);
}

#[test]
fn unknown_or_malformed_frames_are_kept_raw() {
    // A type from a newer server.
    let text = r#"{"type":"ChannelMediaSomething","timestamp":"2024-05-01T09:00:00.000+0000","application":"demo","x":1}"#;
    let any = AnyMessage::decode(text).unwrap();
    assert_eq!(any.type_name(), Some("ChannelMediaSomething"));
    assert_eq!(
        any,
        AnyMessage::Unknown(serde_json::from_str(text).unwrap())
    );
    // A known type whose fields do not fit.
    let bad = r#"{"type":"StasisStart","timestamp":"2024-05-01T09:00:00.000+0000","application":"demo","args":"x"}"#;
    assert!(matches!(
        AnyMessage::decode(bad).unwrap(),
        AnyMessage::Unknown(_)
    ));
    // Bad timestamp, no type, not an object at all.
    for text in [
        r#"{"type":"ApplicationReplaced","timestamp":"yesterday","application":"demo"}"#,
        r#"{"application":"demo"}"#,
        r#"{}"#,
        r#"[1,2]"#,
        r#""StasisStart""#,
        // MissingParams as Asterisk really sends it: no timestamp.
        r#"{"type":"MissingParams","params":["app"]}"#,
    ] {
        let any = AnyMessage::decode(text).unwrap();
        assert!(matches!(any, AnyMessage::Unknown(_)), "{text}");
        // Unknown frames re-encode as they came.
        assert_eq!(
            serde_json::to_value(&any).unwrap(),
            serde_json::from_str::<Value>(text).unwrap()
        );
    }
    // Only invalid JSON is an error.
    assert!(AnyMessage::decode("{not json").is_err());
    assert!(AnyMessage::decode("").is_err());
}

#[test]
fn any_message_deserializes_and_serializes() {
    let frames = format!("[{},{}]", REAL[0], r#"{"type":"Nope"}"#);
    let list: Vec<AnyMessage> = serde_json::from_str(&frames).unwrap();
    assert!(matches!(list[0], AnyMessage::Known(_)));
    assert!(matches!(list[1], AnyMessage::Unknown(_)));
    assert_eq!(list[0].type_name(), Some("ChannelDestroyed"));
    let back: Vec<Value> = serde_json::from_str(&serde_json::to_string(&list).unwrap()).unwrap();
    let orig: Vec<Value> = serde_json::from_str(&frames).unwrap();
    assert_eq!(back, orig);
}

#[test]
fn message_new_and_from() {
    let ch: Channel = serde_json::from_value(channel("1.1")).unwrap();
    let m = Message::new(
        StasisEnd {
            channel: ch.clone(),
        },
        "demo",
    );
    assert_eq!(m.event.type_name(), "StasisEnd");
    assert_eq!(m.application, "demo");
    let json = serde_json::to_value(&m).unwrap();
    assert_eq!(json["type"], "StasisEnd");
    assert!(json.get("asterisk_id").is_none());
    assert_eq!(json["timestamp"].as_str().unwrap().len(), 28);
    let again: Message = serde_json::from_value(json).unwrap();
    assert_eq!(again, m);
    let e: Event = ApplicationReplaced {}.into();
    assert_eq!(
        serde_json::to_value(&e).unwrap(),
        json!({"type": "ApplicationReplaced"})
    );
}

#[test]
fn rest_request_carries_its_type() {
    let req = RestRequest {
        transaction_id: "t-1".into(),
        request_id: "r-1".into(),
        method: "POST".into(),
        uri: "channels/1/play".into(),
        content_type: Some("application/json".into()),
        query_strings: Some(vec![RestQueryStringParameter {
            name: "media".into(),
            value: "sound:x".into(),
        }]),
        message_body: None,
    };
    let json = serde_json::to_value(&req).unwrap();
    assert_eq!(json["type"], "RESTRequest");
    assert!(json.get("message_body").is_none());
    assert_eq!(serde_json::from_value::<RestRequest>(json).unwrap(), req);
    let minimal = json!({"type": "RESTRequest", "transaction_id": "t", "request_id": "r",
                         "method": "GET", "uri": "asterisk/info"});
    let r: RestRequest = serde_json::from_value(minimal.clone()).unwrap();
    assert_eq!(serde_json::to_value(&r).unwrap(), minimal);
    // Something else is not a request.
    let wrong = json!({"type": "RESTResponse", "transaction_id": "t", "request_id": "r",
                       "method": "GET", "uri": "x"});
    assert!(serde_json::from_value::<RestRequest>(wrong).is_err());
    let h = RestHeader {
        name: "Accept".into(),
        value: "*/*".into(),
    };
    assert_eq!(
        serde_json::from_value::<RestHeader>(serde_json::to_value(&h).unwrap()).unwrap(),
        h
    );
}
