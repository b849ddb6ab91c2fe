//! Bridges over real HTTP and WebSocket, with real audio: mix-minus checked
//! by frequency analysis, bridge playback and recording, DTMF, lifecycle.

mod common;

use common::{eventually, TestServer, Ws};
use serde_json::json;

const DIALPLAN: &str = r#"
[far]
exten => _.,1,Answer()
 same => n,Stasis(far)
"#;

/// Participants `a{i}` (app `bridged`) whose far ends `b{i}` are in app `far`.
async fn parties(t: &TestServer, n: usize) -> (Ws, Ws) {
    let mut bridged = t.ws("app=bridged").await;
    let mut far = t.ws("app=far").await;
    eventually(|| t.server.stasis.app_names().len() >= 2).await;
    for i in 0..n {
        let (s, body) = t
            .post(&format!(
                "/channels?endpoint=Local/p{i}@far&app=bridged&channelId=a{i}&otherChannelId=b{i}"
            ))
            .await;
        assert_eq!(s, 200, "{body}");
    }
    for _ in 0..n {
        bridged.until("StasisStart").await;
        far.until("StasisStart").await;
    }
    (bridged, far)
}

/// Records what each far end hears for about `ms`, returns the recordings.
async fn record_far_ends(
    t: &TestServer,
    far: &mut Ws,
    n: usize,
    tag: &str,
    ms: i64,
) -> Vec<Vec<i16>> {
    for j in 0..n {
        let (s, _) = t
            .post(&format!("/channels/b{j}/record?name={tag}{j}&format=wav"))
            .await;
        assert_eq!(s, 201);
    }
    eventually(|| {
        (0..n).all(|j| {
            t.server
                .core
                .media
                .recording(&format!("{tag}{j}"))
                .is_some_and(|r| r.snapshot().duration.unwrap_or(0) * 1000 >= ms)
        })
    })
    .await;
    for j in 0..n {
        t.post(&format!("/recordings/live/{tag}{j}/stop")).await;
    }
    for _ in 0..n {
        far.until("RecordingFinished").await;
    }
    let mut out = Vec::new();
    for j in 0..n {
        out.push(t.recorded(&format!("{tag}{j}")).await);
    }
    out
}

fn power(samples: &[i16], f: f64) -> f64 {
    ari_media::goertzel_power(samples, 8000, f)
}

#[tokio::test]
async fn each_participant_hears_exactly_the_others() {
    let t = TestServer::with_media(DIALPLAN, "").await;
    let (mut bridged, mut far) = parties(&t, 3).await;
    let (s, bridge) = t.post("/bridges?type=mixing&bridgeId=mix&name=three").await;
    assert_eq!(s, 200, "{bridge}");
    assert_eq!(bridge["bridge_type"], "mixing");
    assert_eq!(bridge["technology"], "simple_bridge");
    let (s, _) = t.post("/bridges/mix/addChannel?channel=a0,a1,a2").await;
    assert_eq!(s, 204);
    for _ in 0..3 {
        bridged.until("ChannelEnteredBridge").await;
    }
    let (_, b) = t.get("/bridges/mix").await;
    assert_eq!(b["channels"], json!(["a0", "a1", "a2"]));
    assert_eq!(b["technology"], "softmix");
    // Each far end sends its own tone into the bridge.
    let freqs = [400.0, 1000.0, 1900.0];
    for (i, f) in freqs.iter().enumerate() {
        let (s, _) = t
            .post(&format!(
                "/channels/b{i}/play?media=tone:{f}&playbackId=t{i}"
            ))
            .await;
        assert_eq!(s, 201);
    }
    let heard = record_far_ends(&t, &mut far, 3, "mixed", 1000).await;
    for (j, samples) in heard.iter().enumerate() {
        let p: Vec<f64> = freqs.iter().map(|f| power(samples, *f)).collect();
        let others: Vec<f64> = (0..3).filter(|i| *i != j).map(|i| p[i]).collect();
        let weakest_other = others.iter().cloned().fold(f64::MAX, f64::min);
        assert!(weakest_other > 1e5, "b{j} hears the others: {p:?}");
        assert!(
            p[j] < weakest_other / 100.0,
            "b{j} does not hear itself: {p:?}"
        );
    }
    // A recording of the bridge holds all three.
    let (s, rec) = t.post("/bridges/mix/record?name=whole&format=wav").await;
    assert_eq!(s, 201, "{rec}");
    assert_eq!(rec["target_uri"], "bridge:mix");
    let whole = t.record_until(&mut bridged, "whole", 1).await;
    for f in freqs {
        assert!(power(&whole, f) > 1e5, "the bridge recording holds {f} Hz");
    }
}

#[tokio::test]
async fn bridge_playback_is_heard_by_every_participant() {
    let t = TestServer::with_media(DIALPLAN, "").await;
    let (mut bridged, mut far) = parties(&t, 2).await;
    t.post("/bridges?bridgeId=pb").await;
    t.post("/bridges/pb/addChannel?channel=a0&channel=a1").await;
    let (s, pb) = t
        .post("/bridges/pb/play?media=tone:700&playbackId=bp")
        .await;
    assert_eq!(s, 201);
    assert_eq!(pb["target_uri"], "bridge:pb");
    assert_eq!(
        bridged.until("PlaybackStarted").await["playback"]["id"],
        "bp"
    );
    let heard = record_far_ends(&t, &mut far, 2, "pbheard", 1000).await;
    for (j, samples) in heard.iter().enumerate() {
        assert!(
            power(samples, 700.0) > 1e5,
            "b{j} hears the bridge playback"
        );
    }
    let (s, _) = t.delete("/playbacks/bp").await;
    assert_eq!(s, 204);
    bridged.until("PlaybackFinished").await;
    let (s, _) = t.post("/bridges/pb/moh").await;
    assert_eq!(s, 204);
    let (s, _) = t.delete("/bridges/pb/moh").await;
    assert_eq!(s, 204);
    let (s, _) = t.post("/bridges/pb/moh?mohClass=nope").await;
    assert_eq!(s, 400);
    let (s, _) = t.post("/bridges/nope/play?media=tone:ring").await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn dtmf_passes_between_participants_unless_absorbed() {
    let t = TestServer::with_media(DIALPLAN, "").await;
    let (mut bridged, mut far) = parties(&t, 2).await;
    t.post("/bridges?bridgeId=dt").await;
    t.post("/bridges/dt/addChannel?channel=a0").await;
    t.post("/bridges/dt/addChannel?channel=a1&absorbDTMF=true")
        .await;
    // b0 -> a0 -> bridge -> a1 -> b1.
    t.post("/channels/b0/dtmf?dtmf=5&duration=40").await;
    let e = bridged.until("ChannelDtmfReceived").await;
    assert_eq!(
        (e["channel"]["id"].as_str(), e["digit"].as_str()),
        (Some("a0"), Some("5"))
    );
    let e = far.until("ChannelDtmfReceived").await;
    assert_eq!(
        (e["channel"]["id"].as_str(), e["digit"].as_str()),
        (Some("b1"), Some("5"))
    );
    // b1 -> a1 (raised there) but absorbed: b0 never hears 7; the next digit
    // b0 hears is the 8 the application sends it directly.
    t.post("/channels/b1/dtmf?dtmf=7&duration=40").await;
    let e = bridged.until("ChannelDtmfReceived").await;
    assert_eq!(
        (e["channel"]["id"].as_str(), e["digit"].as_str()),
        (Some("a1"), Some("7"))
    );
    t.post("/channels/a0/dtmf?dtmf=8&duration=40").await;
    let e = far.until("ChannelDtmfReceived").await;
    assert_eq!(
        (e["channel"]["id"].as_str(), e["digit"].as_str()),
        (Some("b0"), Some("8"))
    );
}

#[tokio::test]
async fn lifecycle_events_and_status_codes() {
    let t = TestServer::with_media(DIALPLAN, "").await;
    let (mut bridged, _far) = parties(&t, 3).await;
    let (s, _) = t.post("/bridges?type=mixing,shiny").await;
    assert_eq!(s, 400);
    let (s, b) = t
        .post("/bridges?type=holding&bridgeId=life&name=first")
        .await;
    assert_eq!(s, 200);
    assert_eq!(b["bridge_type"], "holding");
    assert_eq!(b["technology"], "holding_bridge");
    assert_eq!(b["bridge_class"], "stasis");
    assert_eq!(b["creator"], "Stasis");
    assert!(ari_types::Timestamp::parse(b["creationtime"].as_str().unwrap()).is_some());
    let (s, b) = t.post("/bridges/life?name=renamed").await;
    assert_eq!((s, b["name"].as_str()), (200, Some("renamed")));
    let (s, _) = t.post("/bridges?bridgeId=life").await;
    assert_eq!(s, 409);
    let (_, list) = t.get("/bridges").await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let (s, _) = t.get("/bridges/nope").await;
    assert_eq!(s, 404);

    let (s, _) = t.post("/bridges/life/addChannel?channel=ghost").await;
    assert_eq!(s, 400);
    let (s, _) = t.post("/bridges/life/addChannel").await;
    assert_eq!(s, 400);
    let (s, _) = t.post("/bridges/nope/addChannel?channel=a0").await;
    assert_eq!(s, 404);
    let (s, _) = t.post("/bridges/life/addChannel?channel=b0").await;
    assert_eq!(s, 204, "b0 is in Stasis (app far)");
    let (s, _) = t.post("/bridges/life/removeChannel?channel=b0").await;
    assert_eq!(s, 204);
    let (s, _) = t
        .post("/bridges/life/addChannel?channel=a0,a1,a2&role=announcer")
        .await;
    assert_eq!(s, 204);
    let e = bridged.until("ChannelEnteredBridge").await;
    assert_eq!(e["bridge"]["id"], "life");
    assert!(e["channel"]["id"].is_string());
    // The application now hears about the bridge itself.
    let (_, app) = t.get("/applications/bridged").await;
    assert_eq!(app["bridge_ids"], json!(["life"]));
    // Another bridge cannot take a channel that is already bridged.
    t.post("/bridges?bridgeId=other").await;
    let (s, _) = t.post("/bridges/other/addChannel?channel=a0").await;
    assert_eq!(s, 422);
    let (s, _) = t.post("/bridges/other/removeChannel?channel=a0").await;
    assert_eq!(s, 422);
    // Video source.
    let (s, _) = t.post("/bridges/life/videoSource/a1").await;
    assert_eq!(s, 204);
    let e = bridged.until("BridgeVideoSourceChanged").await;
    assert_eq!(e["bridge"]["video_source_id"], "a1");
    let (s, _) = t.post("/bridges/other/videoSource/a1").await;
    assert_eq!(s, 422);
    let (s, _) = t.post("/bridges/life/videoSource/ghost").await;
    assert_eq!(s, 404);
    let (s, _) = t.delete("/bridges/life/videoSource").await;
    assert_eq!(s, 204);
    // A participant hanging up leaves the others in the bridge.
    t.delete("/channels/a2").await;
    let e = bridged.until("ChannelLeftBridge").await;
    assert_eq!(e["channel"]["id"], "a2");
    let (_, b) = t.get("/bridges/life").await;
    assert_eq!(b["channels"], json!(["a0", "a1"]));
    // Destroying the bridge removes everyone, who stay in Stasis.
    let (s, _) = t.delete("/bridges/life").await;
    assert_eq!(s, 204);
    let mut left = vec![];
    loop {
        let e = bridged.event().await;
        match e["type"].as_str().unwrap() {
            "ChannelLeftBridge" => left.push(e["channel"]["id"].as_str().unwrap().to_string()),
            "BridgeDestroyed" => {
                assert_eq!(e["bridge"]["id"], "life");
                break;
            }
            _ => {}
        }
    }
    left.sort();
    assert_eq!(left, ["a0", "a1"]);
    let (s, _) = t.post("/channels/a0/answer").await;
    assert_eq!(s, 204, "still in Stasis");
    let (s, _) = t.get("/bridges/life").await;
    assert_eq!(s, 404);
    let (s, _) = t.delete("/bridges/life").await;
    assert_eq!(s, 404);
    // Leaving the application (continue) leaves the bridge first.
    t.post("/bridges/other/addChannel?channel=a0").await;
    bridged.until("ChannelEnteredBridge").await;
    t.post("/channels/a0/continue").await;
    let e = bridged.event().await;
    assert_eq!(e["type"], "ChannelLeftBridge");
    assert_eq!(bridged.until("StasisEnd").await["channel"]["id"], "a0");
}

#[tokio::test]
async fn holding_bridges_let_only_announcers_be_heard() {
    let t = TestServer::with_media(DIALPLAN, "").await;
    let (_bridged, mut far) = parties(&t, 3).await;
    t.post("/bridges?type=holding&bridgeId=hold").await;
    t.post("/bridges/hold/addChannel?channel=a0&role=announcer")
        .await;
    t.post("/bridges/hold/addChannel?channel=a1,a2").await;
    t.post("/channels/b0/play?media=tone:600").await;
    t.post("/channels/b1/play?media=tone:1500").await;
    let heard = record_far_ends(&t, &mut far, 3, "held", 1000).await;
    assert!(
        power(&heard[1], 600.0) > 1e5,
        "participants hear the announcer"
    );
    assert!(power(&heard[2], 600.0) > 1e5);
    assert!(
        power(&heard[2], 1500.0) < 1e3,
        "participants do not hear each other"
    );
    assert!(
        power(&heard[0], 1500.0) < 1e3,
        "the announcer hears no participant"
    );
}
