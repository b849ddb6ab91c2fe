//! Every ARI event type through the client's real decoding path: a local
//! WebSocket server sends one frame of each, plus frames the client cannot
//! type, and the test checks what listeners receive.

use ari_client::types::*;
use ari_client::{AnyMessage, Client, EventType, FrameExt};
use futures_util::{FutureExt, SinkExt, StreamExt};
use serde_json::{json, Value};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::Message as WsMessage;

const BOUND: Duration = Duration::from_secs(10);
const TS: &str = "2024-01-01T00:00:00.000+0000";

fn channel(id: &str) -> Value {
    json!({
        "id": id, "name": format!("Local/100@default-{id};1"), "state": "Up",
        "caller": {"name": "", "number": "100"}, "connected": {"name": "", "number": ""},
        "accountcode": "", "dialplan": {"context": "default", "exten": "100", "priority": 1},
        "creationtime": TS, "language": "en"
    })
}

fn bridge(id: &str) -> Value {
    json!({
        "id": id, "technology": "simple_bridge", "bridge_type": "mixing", "bridge_class": "stasis",
        "creator": "Stasis", "name": "", "channels": [], "creationtime": TS
    })
}

fn playback(id: &str) -> Value {
    json!({"id": id, "media_uri": "sound:hello", "target_uri": "channel:c1", "state": "playing"})
}

fn recording(name: &str) -> Value {
    json!({"name": name, "format": "wav", "target_uri": "channel:c1", "state": "recording"})
}

fn endpoint() -> Value {
    json!({"technology": "PJSIP", "resource": "alice", "state": "online", "channel_ids": []})
}

/// One frame of every event type, in `EVENT_TYPES` order.
fn every_event() -> Vec<Value> {
    let c = channel("c1");
    let frames = vec![
        json!({"type": "DeviceStateChanged", "device_state": {"name": "Stasis:lamp", "state": "INUSE"}}),
        json!({"type": "PlaybackStarted", "playback": playback("p1")}),
        json!({"type": "PlaybackContinuing", "playback": playback("p1")}),
        json!({"type": "PlaybackFinished", "playback": playback("p1")}),
        json!({"type": "RecordingStarted", "recording": recording("r1")}),
        json!({"type": "RecordingFinished", "recording": recording("r1")}),
        json!({"type": "RecordingFailed", "recording": recording("r1")}),
        json!({"type": "ApplicationMoveFailed", "channel": c, "destination": "other", "args": ["a"]}),
        json!({"type": "ApplicationRegistered"}),
        json!({"type": "ApplicationUnregistered"}),
        json!({"type": "ApplicationReplaced"}),
        json!({"type": "BridgeCreated", "bridge": bridge("b1")}),
        json!({"type": "BridgeDestroyed", "bridge": bridge("b1")}),
        json!({"type": "BridgeMerged", "bridge": bridge("b1"), "bridge_from": bridge("b2")}),
        json!({"type": "BridgeBlindTransfer", "channel": c, "exten": "200", "context": "default",
               "result": "Success", "is_external": false, "bridge": bridge("b1")}),
        json!({"type": "BridgeAttendedTransfer", "transferer_first_leg": c,
               "transferer_second_leg": channel("c2"), "result": "Success", "is_external": false,
               "destination_type": "bridge", "destination_bridge": "b1"}),
        json!({"type": "BridgeVideoSourceChanged", "bridge": bridge("b1"), "old_video_source_id": "c2"}),
        json!({"type": "ChannelCreated", "channel": c}),
        json!({"type": "ChannelDestroyed", "cause": 16, "cause_txt": "Normal Clearing", "channel": c}),
        json!({"type": "ChannelEnteredBridge", "bridge": bridge("b1"), "channel": c}),
        json!({"type": "ChannelLeftBridge", "bridge": bridge("b1"), "channel": c}),
        json!({"type": "ChannelStateChange", "channel": c}),
        json!({"type": "ChannelDtmfReceived", "digit": "5", "duration_ms": 120, "channel": channel("dtmf-chan")}),
        json!({"type": "ChannelDialplan", "channel": c, "dialplan_app": "Stasis", "dialplan_app_data": "app"}),
        json!({"type": "ChannelCallerId", "caller_presentation": 0,
               "caller_presentation_txt": "Presentation Allowed", "channel": c}),
        json!({"type": "ChannelUserevent", "eventname": "Doorbell", "userevent": {"room": "kitchen"}, "channel": c}),
        json!({"type": "ChannelHangupRequest", "cause": 16, "channel": c}),
        json!({"type": "ChannelVarset", "variable": "X", "value": "1", "channel": c}),
        json!({"type": "ChannelToneDetected", "channel": c}),
        json!({"type": "ChannelTalkingStarted", "channel": c}),
        json!({"type": "ChannelTalkingFinished", "channel": c, "duration": 1500}),
        json!({"type": "ChannelHold", "channel": c, "musicclass": "default"}),
        json!({"type": "ChannelUnhold", "channel": c}),
        json!({"type": "ContactStatusChange", "endpoint": endpoint(),
               "contact_info": {"uri": "sip:alice@127.0.0.1", "contact_status": "Reachable", "aor": "alice"}}),
        json!({"type": "EndpointStateChange", "endpoint": endpoint()}),
        json!({"type": "Dial", "peer": channel("c2"), "caller": c, "dialstatus": "RINGING"}),
        json!({"type": "StasisEnd", "channel": c}),
        json!({"type": "StasisStart", "args": ["x"], "channel": c}),
        json!({"type": "TextMessageReceived", "message": {"from": "a", "to": "b", "body": "hi"}, "endpoint": endpoint()}),
        json!({"type": "ChannelConnectedLine", "channel": c}),
        json!({"type": "PeerStatusChange", "endpoint": endpoint(), "peer": {"peer_status": "Reachable"}}),
        json!({"type": "ChannelTransfer", "refer_to": {"requested_destination": {"destination": "200"}},
               "referred_by": {"source_channel": c}}),
        json!({"type": "RESTResponse", "transaction_id": "t", "request_id": "r", "status_code": 200,
               "reason_phrase": "OK", "uri": "channels"}),
        json!({"type": "CallBroadcast", "channel": channel("bc"), "caller": "100", "called": "200"}),
        json!({"type": "CallClaimed", "channel": channel("bc"), "winner_app": "agent-1"}),
        json!({"type": "MissingParams", "params": ["app"]}),
    ];
    frames
        .into_iter()
        .map(|mut f| {
            f["timestamp"] = json!(TS);
            f["application"] = json!("app");
            f["asterisk_id"] = json!("02:00:00:00:00:01");
            f
        })
        .collect()
}

/// Frames the client cannot type: a newer event type (naming a channel), a
/// known type with its required field missing, and text that is not JSON.
fn untyped_frames() -> Vec<String> {
    vec![
        json!({"type": "ChannelFromTheFuture", "timestamp": TS, "application": "app",
               "channel": channel("dtmf-chan")})
        .to_string(),
        json!({"type": "StasisStart", "timestamp": TS, "application": "app", "args": []})
            .to_string(),
        "this is not JSON".to_string(),
    ]
}

struct Seen {
    uri: String,
    authorization: String,
}

/// Serves one WebSocket client: sends `frames`, then holds the connection.
#[allow(clippy::result_large_err)] // the callback signature is tungstenite's
async fn serve(frames: Vec<String>) -> (String, tokio::sync::oneshot::Receiver<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (seen_tx, seen_rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let mut seen = None;
        let mut ws = tokio_tungstenite::accept_hdr_async(tcp, |req: &Request, resp: Response| {
            seen = Some(Seen {
                uri: req.uri().to_string(),
                authorization: req
                    .headers()
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string(),
            });
            Ok(resp)
        })
        .await
        .unwrap();
        let _ = seen_tx.send(seen.unwrap());
        for f in frames {
            ws.send(WsMessage::Text(f.into())).await.unwrap();
        }
        // Hold the connection (answering pings) until the client goes.
        while let Some(Ok(_)) = ws.next().await {}
    });
    (format!("http://{addr}"), seen_rx)
}

macro_rules! assert_typed {
    ($frames:expr; $($t:ty),* $(,)?) => {{
        let mut checked = Vec::new();
        $(
            let frame = $frames
                .iter()
                .find(|f| f.type_name() == Some(<$t as EventType>::NAME))
                .unwrap_or_else(|| panic!("no frame of type {}", <$t as EventType>::NAME));
            let env = frame.event::<$t>().unwrap_or_else(|| panic!("{} did not type", <$t as EventType>::NAME));
            assert_eq!(env.application, "app");
            assert_eq!(env.asterisk_id.as_deref(), Some("02:00:00:00:00:01"));
            checked.push(<$t as EventType>::NAME);
        )*
        checked
    }};
}

#[tokio::test]
async fn every_event_type_is_delivered_typed_and_unknown_frames_raw() {
    let typed = every_event();
    assert_eq!(
        typed
            .iter()
            .map(|f| f["type"].as_str().unwrap())
            .collect::<Vec<_>>(),
        EVENT_TYPES,
        "the test sends one frame of every event type"
    );
    let mut frames: Vec<String> = typed.iter().map(Value::to_string).collect();
    frames.extend(untyped_frames());
    let total = frames.len();
    let (url, seen) = serve(frames).await;

    let client = Client::builder(url, "asterisk", "secret")
        .subscribe_all(true)
        .build()
        .unwrap();
    let mut all = client.event_stream();
    let mut dtmf = client.listen::<ChannelDtmfReceived>();
    let dtmf_channel = client.channel("dtmf-chan");
    let mut dtmf_channel_events = dtmf_channel.events();
    let mut playback_events = client.playback("p1").listen::<PlaybackFinished>();
    let mut untouched = client.channel("nobody").events();
    let once_claimed = client.once::<CallClaimed>();
    client.start(["app", "other"]).await.unwrap();

    let mut received = Vec::new();
    while received.len() < total {
        let frame = tokio::time::timeout(BOUND, all.next())
            .await
            .expect("frame in time")
            .expect("stream open");
        received.push(frame);
    }

    // The handshake named both applications and carried Basic credentials.
    let seen = seen.await.unwrap();
    assert!(
        seen.uri.contains("app=app%2Cother") && seen.uri.contains("subscribeAll=true"),
        "{}",
        seen.uri
    );
    assert_eq!(seen.authorization, "Basic YXN0ZXJpc2s6c2VjcmV0");

    // Every known type arrived as a typed message, in order.
    for (frame, sent) in received.iter().zip(&typed) {
        let m = frame
            .known()
            .unwrap_or_else(|| panic!("untyped: {frame:?}"));
        assert_eq!(m.event.type_name(), sent["type"].as_str().unwrap());
    }
    let checked = assert_typed!(received;
        DeviceStateChanged, PlaybackStarted, PlaybackContinuing, PlaybackFinished,
        RecordingStarted, RecordingFinished, RecordingFailed, ApplicationMoveFailed,
        ApplicationRegistered, ApplicationUnregistered, ApplicationReplaced, BridgeCreated,
        BridgeDestroyed, BridgeMerged, BridgeBlindTransfer, BridgeAttendedTransfer,
        BridgeVideoSourceChanged, ChannelCreated, ChannelDestroyed, ChannelEnteredBridge,
        ChannelLeftBridge, ChannelStateChange, ChannelDtmfReceived, ChannelDialplan,
        ChannelCallerId, ChannelUserevent, ChannelHangupRequest, ChannelVarset,
        ChannelToneDetected, ChannelTalkingStarted, ChannelTalkingFinished, ChannelHold,
        ChannelUnhold, ContactStatusChange, EndpointStateChange, Dial, StasisEnd, StasisStart,
        TextMessageReceived, ChannelConnectedLine, PeerStatusChange, ChannelTransfer,
        RestResponse, CallBroadcast, CallClaimed, MissingParams,
    );
    assert_eq!(checked, EVENT_TYPES);

    // The untyped frames arrived raw, and the stream went on past them.
    let rest = &received[typed.len()..];
    assert!(matches!(&rest[0], AnyMessage::Unknown(v) if v["type"] == "ChannelFromTheFuture"));
    assert!(matches!(&rest[1], AnyMessage::Unknown(v) if v["type"] == "StasisStart"));
    assert_eq!(
        rest[2],
        AnyMessage::Unknown(Value::String("this is not JSON".into()))
    );

    // Typed, handle-level and one-shot listeners got exactly their events.
    let d = dtmf.next().await.unwrap();
    assert_eq!(
        (d.digit.as_str(), d.channel.id.as_str()),
        ("5", "dtmf-chan")
    );
    assert!(dtmf.next().now_or_never().is_none());
    let first = dtmf_channel_events.next().await.unwrap();
    assert_eq!(first.type_name(), Some("ChannelDtmfReceived"));
    let second = dtmf_channel_events.next().await.unwrap();
    assert_eq!(second.type_name(), Some("ChannelFromTheFuture"));
    assert!(dtmf_channel_events.next().now_or_never().is_none());
    let finished = playback_events.next().await.unwrap();
    assert_eq!(finished.playback.id, "p1");
    assert!(untouched.next().now_or_never().is_none());
    assert_eq!(once_claimed.await.unwrap().winner_app, "agent-1");

    client.stop().await;
}

#[tokio::test]
async fn handles_see_events_of_every_resource_they_appear_in() {
    let frames = vec![
        json!({"type": "BridgeMerged", "timestamp": TS, "application": "app",
               "bridge": bridge("keep"), "bridge_from": bridge("gone")})
        .to_string(),
        json!({"type": "Dial", "timestamp": TS, "application": "app",
               "caller": channel("caller"), "peer": channel("peer"), "dialstatus": "ANSWER"})
        .to_string(),
        json!({"type": "DeviceStateChanged", "timestamp": TS, "application": "app",
               "device_state": {"name": "Stasis:lamp", "state": "INUSE"}})
        .to_string(),
        json!({"type": "EndpointStateChange", "timestamp": TS, "application": "app",
               "endpoint": endpoint()})
        .to_string(),
    ];
    let (url, _seen) = serve(frames).await;
    let client = Client::new(url, "u", "p").unwrap();
    let gone = client.bridge("gone").once::<BridgeMerged>();
    let keep = client.bridge("keep").once::<BridgeMerged>();
    let caller = client.channel("caller").once::<Dial>();
    let peer = client.channel("peer").once::<Dial>();
    let lamp = client
        .device_state("Stasis:lamp")
        .once::<DeviceStateChanged>();
    let alice = client
        .endpoint("PJSIP", "alice")
        .once::<EndpointStateChange>();
    let app = client.application("app").listen::<Dial>();
    client.start("app").await.unwrap();
    let all = async {
        assert_eq!(gone.await.unwrap().bridge.id, "keep");
        assert_eq!(keep.await.unwrap().bridge_from.id, "gone");
        assert_eq!(caller.await.unwrap().dialstatus, "ANSWER");
        assert_eq!(peer.await.unwrap().peer.id, "peer");
        assert_eq!(lamp.await.unwrap().device_state.state, "INUSE");
        assert_eq!(alice.await.unwrap().endpoint.resource, "alice");
        let mut app = app;
        assert_eq!(app.next().await.unwrap().peer.id, "peer");
    };
    tokio::time::timeout(BOUND, all).await.expect("in time");
}
