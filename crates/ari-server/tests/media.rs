//! Real media end to end: playbacks heard by the far end, recordings of what
//! was heard, playback control, recording options, sounds, music on hold.

mod common;

use common::{eventually, send, TestServer, Ws};
use serde_json::json;
use std::time::Instant;

const DIALPLAN: &str = r#"
[stasis]
exten => _.,1,Answer()
 same => n,Stasis(${EXTEN})
 same => n,Hangup()

[apps]
exten => rec,1,Answer()
 same => n,Record(dialplan-rec.wav,0,1,q)
 same => n,Set(RS=${RECORD_STATUS})
 same => n,Playback(tone1k&missing-sound)
 same => n,Set(PS=${PLAYBACKSTATUS})
 same => n,Playback(tone1k)
 same => n,Set(PS2=${PLAYBACKSTATUS})
 same => n,Wait(3600)
"#;

/// A call whose `;1` (`a`) is in app `player` and whose `;2` (`b`) is in app
/// `recorder`: what `a` plays, `b` hears.
struct Call {
    player: Ws,
    recorder: Ws,
}

async fn call(t: &TestServer, a: &str, b: &str) -> Call {
    let mut player = t.ws("app=player").await;
    let mut recorder = t.ws("app=recorder").await;
    eventually(|| t.server.stasis.app_names().len() >= 2).await;
    let (s, body) = t
        .post(&format!(
            "/channels?endpoint=Local/recorder@stasis&app=player&channelId={a}&otherChannelId={b}"
        ))
        .await;
    assert_eq!(s, 200, "{body}");
    recorder.until("StasisStart").await;
    player.until("StasisStart").await;
    Call { player, recorder }
}

/// Milliseconds of 20 ms frames that carry sound.
fn loud_ms(samples: &[i16]) -> usize {
    samples
        .chunks(160)
        .filter(|f| ari_media::rms(f) > 1000.0)
        .count()
        * 20
}

#[tokio::test]
async fn a_tone_played_on_one_half_is_recorded_on_the_other() {
    let t = TestServer::with_media(DIALPLAN, "").await;
    t.write_tone("tone1k", 1000.0, 1000);
    let mut c = call(&t, "pa", "pb").await;
    let (s, rec) = t.post("/channels/pb/record?name=heard&format=wav").await;
    assert_eq!(s, 201, "{rec}");
    assert_eq!(rec["name"], "heard");
    assert_eq!(rec["format"], "wav");
    assert_eq!(rec["target_uri"], "channel:pb");
    assert_eq!(
        c.recorder.until("RecordingStarted").await["recording"]["state"],
        "recording"
    );
    let (s, pb) = t
        .post("/channels/pa/play?media=sound:tone1k&playbackId=pb1")
        .await;
    assert_eq!(s, 201, "{pb}");
    assert_eq!(pb["id"], "pb1");
    assert_eq!(pb["media_uri"], "sound:tone1k");
    assert_eq!(pb["target_uri"], "channel:pa");
    let started = c.player.until("PlaybackStarted").await;
    let began = Instant::now();
    assert_eq!(started["playback"]["state"], "playing");
    let finished = c.player.until("PlaybackFinished").await;
    let took = began.elapsed().as_millis();
    assert_eq!(finished["playback"]["state"], "done");
    assert!((950..1300).contains(&took), "a 1 s playback took {took} ms");
    let (s, _) = t.post("/recordings/live/heard/stop").await;
    assert_eq!(s, 204);
    let done = c.recorder.until("RecordingFinished").await;
    assert_eq!(done["recording"]["state"], "done");
    assert!(done["recording"]["duration"].as_i64().unwrap() >= 1);
    let samples = t.recorded("heard").await;
    let loud = loud_ms(&samples);
    assert!(
        (960..=1040).contains(&loud),
        "the recording holds {loud} ms of tone, not 1000"
    );
    let tone: Vec<i16> = samples
        .chunks(160)
        .filter(|f| ari_media::rms(f) > 1000.0)
        .flatten()
        .copied()
        .collect();
    let f =
        ari_media::dominant_frequency(&tone, 8000, &[250.0, 500.0, 1000.0, 1500.0, 2000.0, 3000.0]);
    assert_eq!(f, 1000.0);
    let (s, list) = t.get("/recordings/stored").await;
    assert_eq!(s, 200);
    assert_eq!(list, json!([{"name": "heard", "format": "wav"}]));
}

#[tokio::test]
async fn playback_lists_control_and_failures() {
    let t = TestServer::with_media(DIALPLAN, "").await;
    t.write_tone("short", 700.0, 100);
    let mut c = call(&t, "ca", "cb").await;
    // A list: Started, Continuing on the second item, Finished.
    let (s, pb) = t
        .post_json(
            "/channels/ca/play?playbackId=list1",
            json!({"media": ["sound:short", "sound:short"]}),
        )
        .await;
    assert_eq!(s, 201, "{pb}");
    assert_eq!(pb["next_media_uri"], "sound:short");
    c.player.until("PlaybackStarted").await;
    let cont = c.player.until("PlaybackContinuing").await;
    assert_eq!(cont["playback"]["id"], "list1");
    assert_eq!(cont["playback"]["state"], "continuing");
    assert_eq!(
        c.player.until("PlaybackFinished").await["playback"]["state"],
        "done"
    );
    let (s, _) = t.get("/playbacks/list1").await;
    assert_eq!(s, 404, "finished playbacks are gone");

    // A sound that does not exist: the playback fails, it does not hang.
    let (s, _) = t
        .post("/channels/ca/play?media=sound:no-such-sound&playbackId=bad")
        .await;
    assert_eq!(s, 201);
    c.player.until("PlaybackStarted").await;
    assert_eq!(
        c.player.until("PlaybackFinished").await["playback"]["state"],
        "failed"
    );

    // An endless tone, controlled; a second playback waits its turn.
    // A tone string with commas goes in a JSON list; in the query string
    // commas separate media.
    let (s, _) = t
        .post("/channels/ca/play?media=tone:440/1000,0/100&playbackId=long")
        .await;
    assert_eq!(s, 400);
    let (s, _) = t
        .post_json(
            "/channels/ca/play?playbackId=long",
            json!({"media": ["tone:440/1000,0/100"]}),
        )
        .await;
    assert_eq!(s, 201);
    let (s, queued) = t
        .post("/channels/ca/play?media=sound:short&playbackId=next")
        .await;
    assert_eq!(s, 201);
    assert_eq!(queued["state"], "queued");
    c.player.until("PlaybackStarted").await;
    // As in Asterisk: a queued playback ignores operations; a paused one
    // takes only pause and unpause; the state changes before the answer.
    let (s, _) = t.post("/playbacks/next/control?operation=restart").await;
    assert_eq!(s, 204, "a queued playback ignores operations");
    assert_eq!(t.get("/playbacks/next").await.1["state"], "queued");
    for op in ["restart", "forward", "reverse", "pause"] {
        let (s, body) = t
            .post(&format!("/playbacks/long/control?operation={op}"))
            .await;
        assert_eq!(s, 204, "{op}: {body}");
    }
    assert_eq!(t.get("/playbacks/long").await.1["state"], "paused");
    for op in ["restart", "forward", "reverse"] {
        let (s, _) = t
            .post(&format!("/playbacks/long/control?operation={op}"))
            .await;
        assert_eq!(s, 409, "{op} while paused");
    }
    let (s, _) = t.post("/playbacks/long/control?operation=unpause").await;
    assert_eq!(s, 204);
    assert_eq!(t.get("/playbacks/long").await.1["state"], "playing");
    t.post("/playbacks/long/control?operation=pause").await;
    let (s, _) = t.post("/playbacks/long/control?operation=dance").await;
    assert_eq!(s, 400);
    let (s, _) = t.post("/playbacks/long/control").await;
    assert_eq!(s, 400);
    let (s, _) = t.post("/playbacks/nope/control?operation=pause").await;
    assert_eq!(s, 404);
    let (s, _) = t.delete("/playbacks/long").await;
    assert_eq!(s, 204);
    let e = c.player.until("PlaybackFinished").await;
    assert_eq!(
        (
            e["playback"]["id"].as_str(),
            e["playback"]["state"].as_str()
        ),
        (Some("long"), Some("done"))
    );
    let e = c.player.until("PlaybackStarted").await;
    assert_eq!(e["playback"]["id"], "next");
    c.player.until("PlaybackFinished").await;
    // Duplicate ids, empty media, bad URIs, channels that are not in Stasis.
    let (s, _) = t
        .post("/channels/ca/play?media=tone:ring&playbackId=dup")
        .await;
    assert_eq!(s, 201);
    let (s, _) = t
        .post("/channels/ca/play?media=tone:ring&playbackId=dup")
        .await;
    assert_eq!(s, 409);
    let (s, _) = t.post("/channels/ca/play").await;
    assert_eq!(s, 400);
    let (s, _) = t.post("/channels/ca/play?media=nonsense").await;
    assert_eq!(s, 400);
    let (s, _) = t.post("/channels/ghost/play?media=tone:ring").await;
    assert_eq!(s, 404);
    // Hanging up ends what plays.
    t.delete("/channels/ca").await;
    let e = c.player.until("PlaybackFinished").await;
    assert_eq!(e["playback"]["id"], "dup");
    eventually(|| t.server.core.media.playback_count() == 0).await;
}

#[tokio::test]
async fn a_playback_keeps_time() {
    let t = TestServer::with_media(DIALPLAN, "").await;
    t.write_tone("three", 600.0, 3000);
    let mut c = call(&t, "ta", "tb").await;
    t.post("/channels/ta/play?media=sound:three").await;
    c.player.until("PlaybackStarted").await;
    let began = Instant::now();
    c.player.until("PlaybackFinished").await;
    let took = began.elapsed().as_millis();
    assert!(
        (2970..3200).contains(&took),
        "a 3 s playback took {took} ms"
    );
}

#[tokio::test]
async fn recording_options_and_live_operations() {
    let t = TestServer::with_media(DIALPLAN, "").await;
    let mut c = call(&t, "ra", "rb").await;
    // Validation.
    let (s, _) = t.post("/channels/rb/record?name=x&format=mp9").await;
    assert_eq!(s, 422);
    let (s, _) = t
        .post("/channels/rb/record?name=../escape&format=wav")
        .await;
    assert_eq!(s, 400);
    let (s, _) = t.post("/channels/rb/record?name=/etc/x&format=wav").await;
    assert_eq!(s, 400);
    let (s, _) = t.post("/channels/rb/record?format=wav").await;
    assert_eq!(s, 400);
    let (s, _) = t
        .post("/channels/rb/record?name=x&format=wav&ifExists=maybe")
        .await;
    assert_eq!(s, 400);
    let (s, _) = t
        .post("/channels/rb/record?name=x&format=wav&terminateOn=5")
        .await;
    assert_eq!(s, 400);
    let (s, _) = t
        .post("/channels/rb/record?name=x&format=wav&maxDurationSeconds=-1")
        .await;
    assert_eq!(s, 400);

    // maxDurationSeconds ends it by itself; the far end sends silence all along.
    t.post("/channels/ra/silence").await;
    let (s, _) = t
        .post("/channels/rb/record?name=sub/dir/timed&format=sln&maxDurationSeconds=1")
        .await;
    assert_eq!(s, 201);
    let (s, _) = t.post("/channels/rb/record?name=other&format=wav").await;
    assert_eq!(s, 409, "one recording at a time on a channel");
    let done = c.recorder.until("RecordingFinished").await;
    assert_eq!(done["recording"]["name"], "sub/dir/timed");
    assert_eq!(done["recording"]["duration"], 1);
    assert_eq!(done["recording"]["silence_duration"], 1);
    assert_eq!(done["recording"]["talking_duration"], 0);
    let path = t.dir.join("recordings/sub/dir/timed.sln");
    let len = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    assert!(
        (15_000..=17_000).contains(&len),
        "1 s of 8 kHz slin is 16000 bytes, not {len}"
    );
    t.delete("/channels/ra/silence").await;

    // ifExists=fail against a stored recording.
    let (s, _) = t
        .post("/channels/rb/record?name=sub/dir/timed&format=sln")
        .await;
    assert_eq!(s, 409);

    // Live operations, then cancel: nothing is stored.
    let (s, _) = t.post("/channels/rb/record?name=live1&format=wav").await;
    assert_eq!(s, 201);
    c.recorder.until("RecordingStarted").await;
    let (s, live) = t.get("/recordings/live/live1").await;
    assert_eq!((s, live["state"].as_str()), (200, Some("recording")));
    for (method, path) in [
        (reqwest::Method::POST, "pause"),
        (reqwest::Method::DELETE, "pause"),
        (reqwest::Method::POST, "mute"),
        (reqwest::Method::DELETE, "mute"),
    ] {
        let (s, body) = t
            .call(method.clone(), &format!("/recordings/live/live1/{path}"))
            .await;
        assert_eq!(s, 204, "{method} {path}: {body}");
    }
    let (s, _) = t.delete("/recordings/live/live1").await;
    assert_eq!(s, 204);
    let done = c.recorder.until("RecordingFinished").await;
    assert_eq!(done["recording"]["state"], "canceled");
    let (s, _) = t.get("/recordings/stored/live1").await;
    assert_eq!(s, 404);
    let (s, _) = t.get("/recordings/live/live1").await;
    assert_eq!(s, 404);
    let (s, _) = t.post("/recordings/live/live1/stop").await;
    assert_eq!(s, 404);

    // terminateOn: a DTMF digit from the far end ends it.
    let (s, _) = t
        .post("/channels/rb/record?name=dtmf&format=ulaw&terminateOn=%23")
        .await;
    assert_eq!(s, 201);
    c.recorder.until("RecordingStarted").await;
    t.post("/channels/ra/dtmf?dtmf=5&duration=40").await;
    c.recorder.until("ChannelDtmfReceived").await;
    t.post("/channels/ra/dtmf?dtmf=%23&duration=40").await;
    let done = c.recorder.until("RecordingFinished").await;
    assert_eq!(done["recording"]["name"], "dtmf");

    // Stored recordings: get, copy, file, delete.
    let (s, r) = t.get("/recordings/stored/dtmf").await;
    assert_eq!((s, r), (200, json!({"name": "dtmf", "format": "ulaw"})));
    let (s, r) = t
        .post("/recordings/stored/dtmf/copy?destinationRecordingName=dtmf-copy")
        .await;
    assert_eq!((s, r["name"].as_str()), (200, Some("dtmf-copy")));
    let (s, _) = t
        .post("/recordings/stored/dtmf/copy?destinationRecordingName=dtmf-copy")
        .await;
    assert_eq!(s, 409);
    let (s, _) = t
        .post("/recordings/stored/nope/copy?destinationRecordingName=x")
        .await;
    assert_eq!(s, 404);
    let (s, _) = t
        .post("/recordings/stored/dtmf/copy?destinationRecordingName=../x")
        .await;
    assert_eq!(s, 400);
    let resp = t
        .req(reqwest::Method::GET, "/recordings/stored/dtmf-copy/file")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["content-type"], "audio/basic");
    let (s, _) = t.delete("/recordings/stored/dtmf-copy").await;
    assert_eq!(s, 204);
    let (s, _) = t.delete("/recordings/stored/dtmf-copy").await;
    assert_eq!(s, 404);
    let (s, _) = t.get("/recordings/stored/dtmf-copy/file").await;
    assert_eq!(s, 404);

    // Hanging up mid-recording keeps what was recorded.
    let (s, _) = t.post("/channels/rb/record?name=cut&format=wav").await;
    assert_eq!(s, 201);
    c.recorder.until("RecordingStarted").await;
    t.delete("/channels/rb").await;
    assert_eq!(
        c.recorder.until("RecordingFinished").await["recording"]["state"],
        "done"
    );
    let (s, _) = t.get("/recordings/stored/cut").await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn music_on_hold_and_silence_reach_the_far_end() {
    let t = TestServer::with_media(DIALPLAN, "").await;
    let mut c = call(&t, "ma", "mb").await;
    let (s, _) = t.post("/channels/mb/record?name=held&format=wav").await;
    assert_eq!(s, 201);
    c.recorder.until("RecordingStarted").await;
    let (s, _) = t.post("/channels/ma/moh").await;
    assert_eq!(s, 204);
    let (s, _) = t.post("/channels/ma/moh?mohClass=jazz").await;
    assert_eq!(s, 400, "unknown class");
    // Hold for a while, measured by the far end's recording.
    eventually(|| {
        t.server
            .core
            .media
            .recording("held")
            .is_some_and(|r| r.snapshot().duration.unwrap_or(0) >= 1)
    })
    .await;
    let (s, _) = t.delete("/channels/ma/moh").await;
    assert_eq!(s, 204);
    t.post("/recordings/live/held/stop").await;
    c.recorder.until("RecordingFinished").await;
    let samples = t.recorded("held").await;
    let f = ari_media::dominant_frequency(&samples, 8000, &[300.0, 440.0, 480.0, 1000.0]);
    assert!(
        f == 440.0 || f == 480.0,
        "the built-in hold tone is heard (got {f} Hz)"
    );
    let (s, _) = t.post("/channels/ma/silence").await;
    assert_eq!(s, 204);
    let (s, _) = t.delete("/channels/ma/silence").await;
    assert_eq!(s, 204);
    let (s, _) = t.post("/channels/ghost/moh").await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn dialplan_record_and_playback_applications() {
    let t = TestServer::with_media(DIALPLAN, "").await;
    t.write_tone("tone1k", 1000.0, 200);
    let mut spy = t.ws("app=spy&subscribeAll=true").await;
    eventually(|| t.server.stasis.is_registered("spy")).await;
    let (s, _) = t
        .post("/channels?endpoint=Local/rec@apps&app=spy&otherChannelId=dp2")
        .await;
    assert_eq!(s, 200);
    let mut vars = std::collections::HashMap::new();
    while vars.len() < 3 {
        let e = spy.until("ChannelVarset").await;
        if e["channel"]["id"] == "dp2" {
            if let Some(v @ ("RS" | "PS" | "PS2")) = e["variable"].as_str() {
                vars.insert(v.to_string(), e["value"].as_str().unwrap().to_string());
            }
        }
    }
    assert_eq!(vars["RS"], "TIMEOUT", "Record() stopped at its 1 s limit");
    assert_eq!(vars["PS"], "SUCCESS", "one of two files played");
    assert_eq!(vars["PS2"], "SUCCESS");
    let (s, r) = t.get("/recordings/stored/dialplan-rec").await;
    assert_eq!((s, r["format"].as_str()), (200, Some("wav")));
}

#[tokio::test]
async fn sounds_are_listed_by_language_and_format() {
    let t = TestServer::with_media(DIALPLAN, "").await;
    t.write_tone("hello", 500.0, 100);
    t.write_tone("digits/1", 500.0, 100);
    std::fs::create_dir_all(t.dir.join("sounds/fr")).unwrap();
    std::fs::write(
        t.dir.join("sounds/fr/hello.ulaw"),
        ari_media::encode(
            &ari_media::Audio::new(8000, vec![0; 800]),
            ari_media::Format::Ulaw,
        ),
    )
    .unwrap();
    let (s, list) = t.get("/sounds").await;
    assert_eq!(s, 200);
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["digits/1", "hello"]);
    let (s, hello) = t.get("/sounds/hello").await;
    assert_eq!(s, 200);
    assert_eq!(
        hello["formats"],
        json!([{"language": "en", "format": "wav"}, {"language": "fr", "format": "ulaw"}])
    );
    let (_, fr) = t.get("/sounds?lang=fr").await;
    assert_eq!(fr.as_array().unwrap().len(), 1);
    let (_, ulaw) = t.get("/sounds?format=ulaw").await;
    assert_eq!(ulaw[0]["id"], "hello");
    let (s, _) = t.get("/sounds/nothing").await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn incomplete_recordings_are_never_listed() {
    let dir = common::temp_dir("crash");
    let rec = dir.join("recordings");
    std::fs::create_dir_all(&rec).unwrap();
    std::fs::write(rec.join(".half.wav.partial"), b"RIFF....").unwrap();
    std::fs::write(
        rec.join("whole.wav"),
        ari_media::encode(
            &ari_media::Audio::new(8000, vec![0; 160]),
            ari_media::Format::Wav,
        ),
    )
    .unwrap();
    let config = ari_server::config::Config::parse(&format!(
        "port = 0\ndata_dir = {:?}",
        dir.display().to_string()
    ))
    .unwrap();
    let server = ari_server::Server::new(
        config,
        ari_server::logging::LogChannels::new(dir.join("logs")),
    )
    .unwrap();
    let running = server.start().await.unwrap();
    let (s, list) = send(
        reqwest::Client::new()
            .get(format!("http://{}/ari/recordings/stored", running.addr))
            .basic_auth("asterisk", Some("asterisk")),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(list, json!([{"name": "whole", "format": "wav"}]));
    assert!(
        !rec.join(".half.wav.partial").exists(),
        "the partial file is cleaned up"
    );
}

#[tokio::test]
async fn snoop_spies_and_whispers() {
    let t = TestServer::with_media(DIALPLAN, "").await;
    let mut c = call(&t, "sa", "sb").await;
    let mut sup = t.ws("app=supervisor").await;
    eventually(|| t.server.stasis.is_registered("supervisor")).await;
    // Spy on what sb hears: the snoop channel receives it.
    let (s, snoop) = t
        .post("/channels/sb/snoop?spy=in&app=supervisor&appArgs=listen&snoopId=spy1")
        .await;
    assert_eq!(s, 200, "{snoop}");
    assert_eq!(snoop["id"], "spy1");
    assert!(snoop["name"].as_str().unwrap().starts_with("Snoop/sb-"));
    let e = sup.until("StasisStart").await;
    assert_eq!(
        (e["channel"]["id"].as_str(), e["args"].clone()),
        (Some("spy1"), json!(["listen"]))
    );
    t.post("/channels/spy1/record?name=spied&format=wav").await;
    sup.until("RecordingStarted").await;
    t.post("/channels/sa/play?media=tone:800").await;
    let spied = t.record_until(&mut sup, "spied", 1).await;
    assert!(
        ari_media::goertzel_power(&spied, 8000, 800.0) > 1e5,
        "the snoop hears what sb hears"
    );
    // Whisper into sa's far end (sb): sb hears the supervisor mixed with
    // the tone sa still plays, in real time (not twice the frames).
    let (s, _) = t
        .post("/channels/sa/snoop?whisper=out&app=supervisor&snoopId=wh1")
        .await;
    assert_eq!(s, 200);
    sup.until("StasisStart").await;
    t.post("/channels/sb/record?name=whispered&format=wav")
        .await;
    c.recorder.until("RecordingStarted").await;
    t.post("/channels/wh1/play?media=tone:1300").await;
    let began = std::time::Instant::now();
    eventually(|| {
        t.server
            .core
            .media
            .recording("whispered")
            .is_some_and(|r| r.snapshot().duration.unwrap_or(0) >= 1)
    })
    .await;
    assert!(
        began.elapsed().as_millis() >= 900,
        "one second of audio took one second"
    );
    t.post("/recordings/live/whispered/stop").await;
    c.recorder.until("RecordingFinished").await;
    let heard = t.recorded("whispered").await;
    assert!(
        ari_media::goertzel_power(&heard, 8000, 1300.0) > 1e5,
        "sb hears the whisper"
    );
    assert!(
        ari_media::goertzel_power(&heard, 8000, 800.0) > 1e5,
        "mixed with what sa plays"
    );
    // Validation, and snoops end with their target.
    let (s, _) = t.post("/channels/sa/snoop?app=supervisor").await;
    assert_eq!(s, 400, "neither spy nor whisper");
    let (s, _) = t.post("/channels/sa/snoop?spy=in").await;
    assert_eq!(s, 400, "app is required");
    let (s, _) = t
        .post("/channels/sa/snoop?spy=sideways&app=supervisor")
        .await;
    assert_eq!(s, 400);
    let (s, _) = t.post("/channels/ghost/snoop?spy=in&app=supervisor").await;
    assert_eq!(s, 404);
    let (s, _) = t
        .post("/channels/sa/snoop/spy1?spy=in&app=supervisor")
        .await;
    assert_eq!(s, 409, "id taken");
    t.delete("/channels/sa").await;
    eventually(|| t.server.core.channel_count() == 0).await;
    let _ = &mut c.player;
}

#[tokio::test]
async fn external_media_exchanges_rtp_both_ways() {
    let t = TestServer::with_media(DIALPLAN, "").await;
    let mut ws = t.ws("app=ext").await;
    eventually(|| t.server.stasis.is_registered("ext")).await;
    let peer = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let peer_addr = peer.local_addr().unwrap();
    let (s, chan) = t
        .post(&format!(
            "/channels/externalMedia?app=ext&external_host={peer_addr}&format=ulaw&channelId=em"
        ))
        .await;
    assert_eq!(s, 200, "{chan}");
    assert!(chan["name"].as_str().unwrap().starts_with("UnicastRTP/"));
    assert_eq!(ws.until("StasisStart").await["channel"]["id"], "em");
    let (_, port) = t
        .get("/channels/em/variable?variable=UNICASTRTP_LOCAL_PORT")
        .await;
    let port: u16 = port["value"].as_str().unwrap().parse().unwrap();
    let (_, addr) = t
        .get("/channels/em/variable?variable=UNICASTRTP_LOCAL_ADDRESS")
        .await;
    assert_eq!(addr["value"], "127.0.0.1");

    // What the channel is sent leaves as RTP.
    t.post("/channels/em/play?media=tone:1000").await;
    let mut buf = [0u8; 2048];
    let mut audio = Vec::new();
    let mut last: Option<(u16, u32)> = None;
    while audio.len() < 8000 {
        let (n, _) = tokio::time::timeout(common::BOUND, peer.recv_from(&mut buf))
            .await
            .unwrap()
            .unwrap();
        let p = &buf[..n];
        assert_eq!(
            (p[0], p[1] & 0x7f),
            (0x80, 0),
            "RTP v2, payload type 0 (PCMU)"
        );
        let seq = u16::from_be_bytes([p[2], p[3]]);
        let ts = u32::from_be_bytes([p[4], p[5], p[6], p[7]]);
        if let Some((s0, t0)) = last {
            assert_eq!((seq, ts), (s0.wrapping_add(1), t0.wrapping_add(160)));
        }
        last = Some((seq, ts));
        assert_eq!(n - 12, 160);
        audio.extend(ari_media::ulaw::decode_slice(&p[12..]));
    }
    assert_eq!(
        ari_media::dominant_frequency(&audio, 8000, &[500.0, 1000.0, 2000.0]),
        1000.0
    );

    // RTP arriving on the local port is what the channel hears.
    t.post("/channels/em/record?name=from-rtp&format=wav").await;
    ws.until("RecordingStarted").await;
    let tone: Vec<i16> = (0..8000)
        .map(|i| ((i as f64 * 500.0 * 2.0 * std::f64::consts::PI / 8000.0).sin() * 8000.0) as i16)
        .collect();
    for (k, chunk) in tone.chunks(160).enumerate() {
        let mut p = vec![0x80, 0];
        p.extend_from_slice(&(k as u16).to_be_bytes());
        p.extend_from_slice(&((k * 160) as u32).to_be_bytes());
        p.extend_from_slice(&[0, 0, 0, 7]);
        p.extend(ari_media::ulaw::encode_slice(chunk));
        peer.send_to(&p, ("127.0.0.1", port)).await.unwrap();
    }
    let heard = t.record_until(&mut ws, "from-rtp", 1).await;
    assert!(
        ari_media::goertzel_power(&heard, 8000, 500.0) > 1e5,
        "the channel heard the RTP"
    );

    // What this server does not do is refused clearly.
    for q in [
        format!(
            "app=ext&external_host={peer_addr}&format=ulaw&transport=tcp&encapsulation=audiosocket"
        ),
        "app=ext&external_host=nowhere&format=ulaw".to_string(),
        format!("app=ext&external_host={peer_addr}&format=opus"),
        format!("external_host={peer_addr}&format=ulaw"),
    ] {
        let (s, body) = t.post(&format!("/channels/externalMedia?{q}")).await;
        assert_eq!(s, 400, "{q}: {body}");
    }
    t.delete("/channels/em").await;
    eventually(|| t.server.core.channel_count() == 0).await;
}

#[tokio::test]
async fn remote_media_is_fetched_once_and_cached() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let t = TestServer::with_media(DIALPLAN, "").await;
    // A small web server holding one WAV file, counting its requests.
    let hits = Arc::new(AtomicUsize::new(0));
    let wav = ari_media::encode(
        &ari_media::Audio::new(
            8000,
            (0..1600)
                .map(|i| ((i as f64 * 0.7).sin() * 8000.0) as i16)
                .collect(),
        ),
        ari_media::Format::Wav,
    );
    let counter = hits.clone();
    let app = axum::Router::new().route(
        "/prompts/welcome.wav",
        axum::routing::get(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            let wav = wav.clone();
            async move { wav }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let mut c = call(&t, "ha", "hb").await;
    let uri = format!("sound:http://{addr}/prompts/welcome.wav");
    for _ in 0..2 {
        let (s, _) = t
            .post_json("/channels/ha/play", json!({"media": [uri]}))
            .await;
        assert_eq!(s, 201);
        c.player.until("PlaybackStarted").await;
        assert_eq!(
            c.player.until("PlaybackFinished").await["playback"]["state"],
            "done"
        );
    }
    assert_eq!(
        hits.load(Ordering::SeqCst),
        1,
        "fetched once, then played from the cache"
    );
    // A URL that does not answer makes the playback fail, not hang.
    let (s, _) = t
        .post_json(
            "/channels/ha/play",
            json!({"media": [format!("sound:http://{addr}/missing.wav")]}),
        )
        .await;
    assert_eq!(s, 201);
    c.player.until("PlaybackStarted").await;
    assert_eq!(
        c.player.until("PlaybackFinished").await["playback"]["state"],
        "failed"
    );
}
