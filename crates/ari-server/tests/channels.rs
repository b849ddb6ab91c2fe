//! Channels over real HTTP and WebSocket: originate, Local channels, the
//! dialplan, Stasis control, and the events an application sees.

mod common;

use common::{eventually, TestServer};
use serde_json::{json, Value};

const DIALPLAN: &str = r#"
[test]
exten => 100,1,Answer()
 same => n,Wait(3600)

exten => dialer,1,Answer()
 same => n,Set(CALLERID(name)=Dialer)
 same => n,Dial(Local/answer@default,5,g)
 same => n,Set(AFTER=${DIALSTATUS})
 same => n,Wait(3600)

exten => labelled,1,NoOp()
 same => n(middle),Stasis(second)
 same => n,Hangup()

exten => varset,1,Answer()
 same => n,Set(COLOUR=blue)
 same => n,Stasis(watcher,${COLOUR})
 same => n,Hangup(21)

[default]
exten => answer,1,Answer()
 same => n,Wait(3600)
exten => echo,1,Answer()
 same => n,Echo()
exten => busy,1,Busy()
exten => ring,1,Ringing()
 same => n,Wait(3600)

[stasis]
exten => _.,1,Answer()
 same => n,Stasis(${EXTEN})
 same => n,Set(DONE=${STASISSTATUS})
 same => n,Hangup()
"#;

async fn server() -> TestServer {
    TestServer::with_dialplan(DIALPLAN, "").await
}

/// Asserts the fields every channel snapshot carries.
fn assert_channel_shape(c: &Value) {
    for k in [
        "id",
        "name",
        "state",
        "caller",
        "connected",
        "accountcode",
        "dialplan",
        "creationtime",
        "language",
    ] {
        assert!(!c[k].is_null(), "channel lacks {k}: {c}");
    }
    assert!(ari_types::Timestamp::parse(c["creationtime"].as_str().unwrap()).is_some());
    for k in ["context", "exten", "priority"] {
        assert!(!c["dialplan"][k].is_null(), "dialplan lacks {k}: {c}");
    }
}

#[tokio::test]
async fn originate_into_an_application_exact_event_sequence() {
    let t = server().await;
    let mut ws = t.ws("app=test").await;
    eventually(|| t.server.stasis.is_registered("test")).await;
    let (s, chan) = t
        .post("/channels?endpoint=Local/100@test&app=test&appArgs=a,b&channelId=chan1&otherChannelId=chan2&callerId=%22Alice%22%20%3C200%3E")
        .await;
    assert_eq!(s, 200, "{chan}");
    assert_channel_shape(&chan);
    assert_eq!(chan["id"], "chan1");
    assert_eq!(chan["state"], "Down");
    assert_eq!(chan["caller"], json!({"name": "Alice", "number": "200"}));
    let name = chan["name"].as_str().unwrap();
    assert!(
        name.starts_with("Local/100@test-") && name.ends_with(";1"),
        "{name}"
    );
    assert_eq!(chan["dialplan"]["context"], "test");
    assert_eq!(chan["dialplan"]["exten"], "100");
    assert_eq!(chan["language"], "en");

    // The far half answers: the originated channel goes Up, enters Stasis.
    let e = ws.event().await;
    assert_eq!(e["type"], "ChannelStateChange");
    assert_eq!(e["application"], "test");
    assert_eq!(e["channel"]["id"], "chan1");
    assert_eq!(e["channel"]["state"], "Up");
    let e = ws.event().await;
    assert_eq!(e["type"], "ChannelDialplan");
    assert_eq!(e["dialplan_app"], "Stasis");
    assert_eq!(e["dialplan_app_data"], "test,a,b");
    let e = ws.event().await;
    assert_eq!(e["type"], "ChannelVarset");
    assert_eq!(
        (e["variable"].as_str(), e["value"].as_str()),
        (Some("STASISSTATUS"), Some(""))
    );
    let e = ws.event().await;
    assert_eq!(e["type"], "StasisStart");
    assert_eq!(e["args"], json!(["a", "b"]));
    assert_eq!(e["channel"]["id"], "chan1");
    assert_eq!(e["channel"]["state"], "Up");
    assert_eq!(e["channel"]["dialplan"]["app_name"], "Stasis");
    assert_eq!(e["channel"]["dialplan"]["app_data"], "test,a,b");
    assert_eq!(e["channel"]["caller"]["number"], "200");
    assert!(e.get("replace_channel").is_none());

    // The other half exists and runs the dialplan.
    let (s, other) = t.get("/channels/chan2").await;
    assert_eq!(s, 200);
    assert_eq!(other["dialplan"]["app_name"], "Wait");
    assert!(other["name"].as_str().unwrap().ends_with(";2"));
    let (_, list) = t.get("/channels").await;
    assert_eq!(list.as_array().unwrap().len(), 2);

    let (s, _) = t.delete("/channels/chan1?reason=busy").await;
    assert_eq!(s, 204);
    let e = ws.event().await;
    assert_eq!(e["type"], "ChannelHangupRequest");
    assert_eq!(
        (e["cause"].as_i64(), e["soft"].as_bool()),
        (Some(17), Some(true))
    );
    let e = ws.event().await;
    assert_eq!(e["type"], "StasisEnd");
    assert_eq!(e["channel"]["id"], "chan1");
    let e = ws.event().await;
    assert_eq!(e["type"], "ChannelVarset");
    assert_eq!(
        (e["variable"].as_str(), e["value"].as_str()),
        (Some("STASISSTATUS"), Some("SUCCESS"))
    );
    let e = ws.event().await;
    assert_eq!(e["type"], "ChannelDestroyed");
    assert_eq!(e["cause"], 17);
    assert_eq!(e["cause_txt"], "User busy");
    assert_eq!(e["channel"]["id"], "chan1");
    // Both halves go; the application is no longer subscribed to either.
    eventually(|| t.server.core.channel_count() == 0).await;
    let (_, app) = t.get("/applications/test").await;
    assert_eq!(app["channel_ids"], json!([]));
    let (s, _) = t.get("/channels/chan1").await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn the_ivr_flow_answer_dtmf_hangup() {
    // The seed example's shape: StasisStart -> answer -> DTMF -> hang up.
    let t = server().await;
    let mut ws = t.ws("app=ivr").await;
    eventually(|| t.server.stasis.is_registered("ivr")).await;
    let (s, chan) = t
        .post("/channels?endpoint=Local/echo@default&app=ivr")
        .await;
    assert_eq!(s, 200);
    let id = chan["id"].as_str().unwrap().to_string();
    let start = ws.until("StasisStart").await;
    assert_eq!(start["channel"]["id"], id.as_str());
    let (s, _) = t.post(&format!("/channels/{id}/answer")).await;
    assert_eq!(s, 204);
    // The far end echoes what the application sends.
    let (s, _) = t
        .post(&format!(
            "/channels/{id}/dtmf?dtmf=4*&between=10&duration=40"
        ))
        .await;
    assert_eq!(s, 204);
    let d1 = ws.until("ChannelDtmfReceived").await;
    assert_eq!(
        (d1["digit"].as_str(), d1["duration_ms"].as_i64()),
        (Some("4"), Some(40))
    );
    assert_eq!(d1["channel"]["id"], id.as_str());
    let d2 = ws.until("ChannelDtmfReceived").await;
    assert_eq!(d2["digit"], "*");
    let (s, _) = t.delete(&format!("/channels/{id}")).await;
    assert_eq!(s, 204);
    ws.until("StasisEnd").await;
    let e = ws.until("ChannelDestroyed").await;
    assert_eq!(
        (e["cause"].as_i64(), e["cause_txt"].as_str()),
        (Some(16), Some("Normal Clearing"))
    );
    eventually(|| t.server.core.channel_count() == 0).await;
}

#[tokio::test]
async fn dialplan_stasis_continue_and_failure() {
    let t = server().await;
    let mut ws = t.ws("app=inbound").await;
    let mut all = t.ws("app=spy&subscribeAll=true").await;
    eventually(|| t.server.stasis.app_names().len() == 2).await;
    // ;2 runs [stasis] and enters Stasis(inbound); ;1 waits in 'answer'.
    let (s, _) = t
        .post("/channels?endpoint=Local/inbound@stasis&extension=answer&context=default&otherChannelId=in2")
        .await;
    assert_eq!(s, 200);
    let start = ws.until("StasisStart").await;
    assert_eq!(start["channel"]["id"], "in2");
    assert_eq!(start["args"], json!([]));
    assert_eq!(start["channel"]["dialplan"]["context"], "stasis");
    assert_eq!(start["channel"]["dialplan"]["exten"], "inbound");
    assert_eq!(start["channel"]["dialplan"]["priority"], 2);
    let (s, _) = t.post("/channels/in2/continue").await;
    assert_eq!(s, 204);
    let end = ws.event().await;
    assert_eq!(end["type"], "StasisEnd");
    // The dialplan went on at the next priority: STASISSTATUS was SUCCESS.
    loop {
        let e = all.event().await;
        if e["type"] == "ChannelVarset" && e["variable"] == "DONE" {
            assert_eq!(e["value"], "SUCCESS");
            assert_eq!(e["channel"]["id"], "in2");
            break;
        }
    }
    eventually(|| t.server.core.channel_count() == 0).await;

    // An application that is not registered: Stasis fails, the dialplan goes on.
    let (s, _) = t
        .post("/channels?endpoint=Local/nobody@stasis&extension=answer&context=default&otherChannelId=nb2")
        .await;
    assert_eq!(s, 200);
    loop {
        let e = all.event().await;
        if e["type"] == "ChannelVarset" && e["variable"] == "DONE" {
            assert_eq!(e["value"], "FAILED");
            break;
        }
    }
}

#[tokio::test]
async fn control_requires_stasis_and_existing_channels() {
    let t = server().await;
    let mut ws = t.ws("app=ctl").await;
    eventually(|| t.server.stasis.is_registered("ctl")).await;
    let (s, _) = t.post("/channels/nope/answer").await;
    assert_eq!(s, 404);
    let (s, _) = t.delete("/channels/nope").await;
    assert_eq!(s, 404);
    let (s, _) = t
        .post("/channels?endpoint=Local/100@test&app=ctl&channelId=c1&otherChannelId=c2")
        .await;
    assert_eq!(s, 200);
    ws.until("StasisStart").await;
    // c2 runs the dialplan, not an application.
    for op in ["answer", "ring", "hold", "continue"] {
        let (s, body) = t.post(&format!("/channels/c2/{op}")).await;
        assert_eq!(s, 409, "{op}: {body}");
        assert_eq!(body["message"], "Channel not in Stasis application");
    }
    let (s, _) = t.post("/channels/c2/variable?variable=X&value=1").await;
    assert_eq!(s, 409);
    // Reading variables works without Stasis.
    let (s, v) = t.get("/channels/c2/variable?variable=CHANNEL(state)").await;
    assert_eq!((s, v), (200, json!({"value": "Up"})));
    // A duplicate id.
    let (s, body) = t
        .post("/channels?endpoint=Local/100@test&app=ctl&channelId=c1")
        .await;
    assert_eq!(s, 409, "{body}");
    // Bad originations.
    let (s, _) = t
        .post("/channels?endpoint=Local/100@test&app=ctl&extension=100")
        .await;
    assert_eq!(s, 400);
    let (s, _) = t.post("/channels?endpoint=Local/100@test").await;
    assert_eq!(s, 400);
    let (s, body) = t.post("/channels?endpoint=PJSIP/alice&app=ctl").await;
    assert_eq!(s, 400);
    assert!(body["message"].as_str().unwrap().contains("PJSIP/alice"));
    let (s, _) = t.post("/channels?app=ctl").await;
    assert_eq!(s, 400);
    // Hangup arguments.
    let (s, _) = t.delete("/channels/c1?reason=busy&reason_code=17").await;
    assert_eq!(s, 400);
    let (s, _) = t.delete("/channels/c1?reason=sleepy").await;
    assert_eq!(s, 400);
    let (s, _) = t.delete("/channels/c1?reason_code=abc").await;
    assert_eq!(s, 400);
    let (s, _) = t.post("/channels/c1/dtmf").await;
    assert_eq!(s, 400);
    let (s, _) = t.post("/channels/c1/dtmf?dtmf=12x").await;
    assert_eq!(s, 400);
    let (s, _) = t.post("/channels/c1/mute?direction=sideways").await;
    assert_eq!(s, 400);
    let (s, _) = t.delete("/channels/c1?reason_code=21").await;
    assert_eq!(s, 204);
    let e = ws.until("ChannelDestroyed").await;
    assert_eq!(
        (e["cause"].as_i64(), e["cause_txt"].as_str()),
        (Some(21), Some("Call Rejected"))
    );
}

#[tokio::test]
async fn variables_caller_id_and_hold() {
    let t = server().await;
    let mut ws = t.ws("app=vars").await;
    eventually(|| t.server.stasis.is_registered("vars")).await;
    let (s, _) = t
        .post_json(
            "/channels?endpoint=Local/100@test&app=vars&channelId=v1",
            json!({"variables": {"GREETING": "hello", "CALLERID(num)": "555"}}),
        )
        .await;
    assert_eq!(s, 200);
    ws.until("StasisStart").await;
    let (s, v) = t.get("/channels/v1/variable?variable=GREETING").await;
    assert_eq!((s, v), (200, json!({"value": "hello"})));
    let (_, v) = t.get("/channels/v1/variable?variable=CALLERID(num)").await;
    assert_eq!(v, json!({"value": "555"}));
    let (s, _) = t.get("/channels/v1/variable?variable=MISSING").await;
    assert_eq!(s, 404);
    let (s, _) = t.get("/channels/v1/variable").await;
    assert_eq!(s, 400);

    let (s, _) = t
        .post("/channels/v1/variable?variable=MOOD&value=calm")
        .await;
    assert_eq!(s, 204);
    let e = ws.until("ChannelVarset").await;
    assert_eq!(
        (e["variable"].as_str(), e["value"].as_str()),
        (Some("MOOD"), Some("calm"))
    );
    assert_eq!(e["channel"]["id"], "v1");
    let (s, _) = t
        .post("/channels/v1/variable?variable=CALLERID(name)&value=Zed")
        .await;
    assert_eq!(s, 204);
    let e = ws.until("ChannelCallerId").await;
    assert_eq!(
        e["channel"]["caller"],
        json!({"name": "Zed", "number": "555"})
    );
    assert!(e["caller_presentation"].is_i64() && e["caller_presentation_txt"].is_string());
    let (s, _) = t
        .post("/channels/v1/variable?variable=NOSUCH(x)&value=1")
        .await;
    assert_eq!(s, 400);

    let (s, _) = t.post("/channels/v1/hold").await;
    assert_eq!(s, 204);
    assert_eq!(ws.until("ChannelHold").await["channel"]["id"], "v1");
    let (s, _) = t.delete("/channels/v1/hold").await;
    assert_eq!(s, 204);
    assert_eq!(ws.until("ChannelUnhold").await["channel"]["id"], "v1");
    for op in ["ring", "progress"] {
        let (s, _) = t.post(&format!("/channels/v1/{op}")).await;
        assert_eq!(s, 204, "{op}");
    }
    let (s, _) = t.delete("/channels/v1/ring").await;
    assert_eq!(s, 204);
    let (s, _) = t.post("/channels/v1/mute?direction=in").await;
    assert_eq!(s, 204);
    let (s, _) = t.delete("/channels/v1/mute").await;
    assert_eq!(s, 204);
    let (s, _) = t.get("/channels/v1/rtp_statistics").await;
    assert_eq!(s, 404);
    let (s, _) = t.post("/channels/v1/redirect?endpoint=Local/1@x").await;
    assert_eq!(s, 422);
    t.delete("/channels/v1").await;
    eventually(|| t.server.core.channel_count() == 0).await;
}

#[tokio::test]
async fn move_between_applications() {
    let t = server().await;
    let mut first = t.ws("app=first").await;
    let mut second = t.ws("app=second").await;
    eventually(|| t.server.stasis.app_names().len() == 2).await;
    let (s, _) = t
        .post("/channels?endpoint=Local/100@test&app=first&channelId=m1")
        .await;
    assert_eq!(s, 200);
    first.until("StasisStart").await;
    // To an application that is not there: the channel stays.
    let (s, _) = t.post("/channels/m1/move?app=absent&appArgs=x,y").await;
    assert_eq!(s, 204);
    let e = first.event().await;
    assert_eq!(e["type"], "ApplicationMoveFailed");
    assert_eq!(e["destination"], "absent");
    assert_eq!(e["args"], json!(["x", "y"]));
    let (s, _) = t.post("/channels/m1/move").await;
    assert_eq!(s, 400);
    let (s, _) = t.post("/channels/m1/move?app=second&appArgs=hi").await;
    assert_eq!(s, 204);
    assert_eq!(first.event().await["type"], "StasisEnd");
    let e = second.until("StasisStart").await;
    assert_eq!(e["args"], json!(["hi"]));
    assert_eq!(e["channel"]["id"], "m1");
    let (_, app) = t.get("/applications/second").await;
    assert_eq!(app["channel_ids"], json!(["m1"]));
    let (_, app) = t.get("/applications/first").await;
    assert_eq!(app["channel_ids"], json!([]));
    // Continue to a label: m1 (running [test] 100) jumps to labelled/middle,
    // which is Stasis(second) again.
    let (s, _) = t
        .post("/channels/m1/continue?extension=labelled&context=test&label=nolabel")
        .await;
    assert_eq!(s, 404);
    let (s, _) = t
        .post("/channels/m1/continue?extension=labelled&context=test&label=middle")
        .await;
    assert_eq!(s, 204);
    assert_eq!(second.event().await["type"], "StasisEnd");
    let e = second.until("StasisStart").await;
    assert_eq!(e["channel"]["dialplan"]["exten"], "labelled");
    assert_eq!(e["channel"]["dialplan"]["priority"], 2);
    t.delete("/channels/m1").await;
    second.until("ChannelDestroyed").await;
}

#[tokio::test]
async fn create_then_dial() {
    let t = server().await;
    let mut ws = t.ws("app=dialer").await;
    eventually(|| t.server.stasis.is_registered("dialer")).await;
    let (s, chan) = t.post("/channels/create?endpoint=Local/answer@default&app=dialer&channelId=d1&otherChannelId=d2").await;
    assert_eq!(s, 200, "{chan}");
    assert_eq!(chan["state"], "Down");
    let e = ws.until("StasisStart").await;
    assert_eq!(e["channel"]["id"], "d1");
    assert_eq!(e["channel"]["state"], "Down");
    // Not dialled yet: the other half exists but runs nothing.
    let (s, _) = t.get("/channels/d2").await;
    assert_eq!(s, 200);
    let (s, _) = t.post("/channels/d1/dial?caller=ghost").await;
    assert_eq!(s, 404);
    let (s, _) = t.post("/channels/d1/dial?timeout=10").await;
    assert_eq!(s, 204);
    let mut statuses = vec![];
    let mut went_up = false;
    while !statuses.contains(&"ANSWER".to_string()) {
        let e = ws.event().await;
        match e["type"].as_str().unwrap() {
            "Dial" => {
                assert_eq!(e["peer"]["id"], "d1");
                assert_eq!(e["dialstring"], "answer@default");
                statuses.push(e["dialstatus"].as_str().unwrap().to_string());
            }
            "ChannelStateChange" => went_up |= e["channel"]["state"] == "Up",
            _ => {}
        }
    }
    assert_eq!(statuses, ["", "ANSWER"]);
    assert!(went_up);
    let (s, _) = t.post("/channels/d1/dial").await;
    assert_eq!(s, 409, "already dialled");
    t.delete("/channels/d1").await;
    eventually(|| t.server.core.channel_count() == 0).await;

    // A created channel that is hung up before it is dialled leaves nothing behind.
    let (s, _) = t
        .post("/channels/create?endpoint=Local/answer@default&app=dialer&channelId=e1")
        .await;
    assert_eq!(s, 200);
    ws.until("StasisStart").await;
    assert_eq!(t.server.core.channel_count(), 2);
    t.delete("/channels/e1").await;
    eventually(|| t.server.core.channel_count() == 0).await;
}

#[tokio::test]
async fn dial_application_and_dial_events() {
    let t = server().await;
    let mut spy = t.ws("app=spy&subscribeAll=true").await;
    eventually(|| t.server.stasis.is_registered("spy")).await;
    let (s, _) = t
        .post("/channels?endpoint=Local/dialer@test&extension=answer&context=default&otherChannelId=caller")
        .await;
    assert_eq!(s, 200);
    let mut dials = vec![];
    let peer = loop {
        let e = spy.event().await;
        if e["type"] == "Dial" {
            assert_eq!(e["caller"]["id"], "caller");
            assert_eq!(e["caller"]["caller"]["name"], "Dialer");
            assert_eq!(
                e["peer"]["caller"]["name"], "Dialer",
                "the dialled leg presents the caller"
            );
            assert_eq!(e["dialstring"], "answer@default");
            dials.push(e["dialstatus"].as_str().unwrap().to_string());
            if e["dialstatus"] == "ANSWER" {
                break e["peer"]["id"].as_str().unwrap().to_string();
            }
        }
    };
    assert_eq!(dials, ["", "ANSWER"]);
    // Four channels: the originated pair and the dialled pair, all up.
    assert_eq!(t.server.core.channel_count(), 4);
    let (_, caller) = t.get("/channels/caller").await;
    assert_eq!(caller["state"], "Up");
    let (_, p) = t.get(&format!("/channels/{peer}")).await;
    assert_eq!(p["state"], "Up");
    // The called party hangs up; with the g option the caller goes on.
    t.delete(&format!("/channels/{peer}")).await;
    let mut seen_status = false;
    loop {
        let e = spy.event().await;
        if e["type"] == "ChannelVarset" && e["channel"]["id"] == "caller" {
            match e["variable"].as_str() {
                Some("DIALSTATUS") => {
                    assert_eq!(e["value"], "ANSWER");
                    seen_status = true;
                }
                Some("AFTER") => {
                    assert_eq!(e["value"], "ANSWER");
                    break;
                }
                _ => {}
            }
        }
    }
    assert!(seen_status);
    eventually(|| t.server.core.channel_count() == 2).await;
    for c in t.server.core.channels() {
        t.server.core.hangup(&c, 16);
    }
    eventually(|| t.server.core.channel_count() == 0).await;
}

#[tokio::test]
async fn busy_far_end_hangs_up_the_originated_channel() {
    let t = server().await;
    let mut ws = t.ws("app=b").await;
    eventually(|| t.server.stasis.is_registered("b")).await;
    let (s, _) = t
        .post("/channels?endpoint=Local/busy@default&app=b&channelId=busy1")
        .await;
    assert_eq!(s, 200);
    let e = ws.until("ChannelDestroyed").await;
    assert_eq!(e["channel"]["id"], "busy1");
    assert_eq!(
        (e["cause"].as_i64(), e["cause_txt"].as_str()),
        (Some(17), Some("User busy"))
    );
}

#[tokio::test]
async fn user_event_with_a_channel_source_and_subscriptions() {
    let t = server().await;
    let mut ws = t.ws("app=ue").await;
    eventually(|| t.server.stasis.is_registered("ue")).await;
    let (s, _) = t
        .post("/channels?endpoint=Local/100@test&extension=100&context=test&channelId=u1")
        .await;
    assert_eq!(s, 200);
    // Subscribe explicitly to a channel the app does not own.
    let (s, app) = t
        .post("/applications/ue/subscription?eventSource=channel:u1")
        .await;
    assert_eq!(s, 200);
    assert_eq!(app["channel_ids"], json!(["u1"]));
    let (s, _) = t
        .post("/events/user/Ping?application=ue&source=channel:u1")
        .await;
    assert_eq!(s, 204);
    let e = ws.until("ChannelUserevent").await;
    assert_eq!(e["channel"]["id"], "u1");
    t.delete("/channels/u1").await;
    let e = ws.until("ChannelDestroyed").await;
    assert_eq!(e["channel"]["id"], "u1");
    let (_, app) = t.get("/applications/ue").await;
    assert_eq!(app["channel_ids"], json!([]));
}

#[tokio::test]
async fn snapshots_carry_configured_channelvars() {
    let t = TestServer::with_dialplan(
        DIALPLAN,
        "channelvars = [\"COLOUR\", \"CHANNEL(language)\"]",
    )
    .await;
    let mut ws = t.ws("app=watcher").await;
    eventually(|| t.server.stasis.is_registered("watcher")).await;
    t.post(
        "/channels?endpoint=Local/varset@test&extension=answer&context=default&otherChannelId=w2",
    )
    .await;
    let e = ws.until("StasisStart").await;
    assert_eq!(e["args"], json!(["blue"]));
    assert_eq!(
        e["channel"]["channelvars"],
        json!({"COLOUR": "blue", "CHANNEL(language)": "en"})
    );
    let (s, _) = t.post("/channels/w2/continue").await;
    assert_eq!(s, 204);
    ws.until("StasisEnd").await;
    eventually(|| t.server.core.channel_count() == 0).await;
}

fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse::<u64>().ok())
        .unwrap_or(0)
        * 4096
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_calls_leave_nothing_behind() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    const CALLS: usize = 1000;
    let mut t = TestServer::with_dialplan(DIALPLAN, "[websocket]\nqueue_len = 100000").await;
    // One request per connection, so no idle connection (and its task) lingers.
    t.http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let t = Arc::new(t);
    let mut ws = t.ws("app=load").await;
    eventually(|| t.server.stasis.is_registered("load")).await;
    let started = Arc::new(AtomicUsize::new(0));
    let destroyed = Arc::new(AtomicUsize::new(0));
    let (s2, d2) = (started.clone(), destroyed.clone());
    let reader = tokio::spawn(async move {
        while let Some(e) = ws.next().await {
            match e["type"].as_str() {
                Some("StasisStart") => s2.fetch_add(1, Ordering::SeqCst),
                Some("ChannelDestroyed") => d2.fetch_add(1, Ordering::SeqCst),
                _ => 0,
            };
        }
    });
    let tasks_before = tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks();
    let limit = Arc::new(tokio::sync::Semaphore::new(64));
    let mut rss_after_first = 0;
    for round in 0..2 {
        let mut set = tokio::task::JoinSet::new();
        for i in 0..CALLS {
            let (t, limit) = (t.clone(), limit.clone());
            set.spawn(async move {
                let _permit = limit.acquire().await.unwrap();
                let (s, c) = t
                    .post(&format!(
                        "/channels?endpoint=Local/100@test&app=load&channelId=load-{round}-{i}"
                    ))
                    .await;
                assert_eq!(s, 200, "{c}");
            });
        }
        while let Some(r) = set.join_next().await {
            r.unwrap();
        }
        // Every call is up and in the application at the same time.
        eventually(|| started.load(Ordering::SeqCst) == CALLS * (round + 1)).await;
        assert_eq!(t.server.core.channel_count(), CALLS * 2);
        for i in 0..CALLS {
            let (t, limit) = (t.clone(), limit.clone());
            set.spawn(async move {
                let _permit = limit.acquire().await.unwrap();
                let (s, _) = t.delete(&format!("/channels/load-{round}-{i}")).await;
                assert_eq!(s, 204);
            });
        }
        while let Some(r) = set.join_next().await {
            r.unwrap();
        }
        eventually(|| destroyed.load(Ordering::SeqCst) == CALLS * (round + 1)).await;
        eventually(|| t.server.core.channel_count() == 0).await;
        if round == 0 {
            rss_after_first = resident_bytes();
        }
    }
    let (_, app) = t.get("/applications/load").await;
    assert_eq!(app["channel_ids"], json!([]));
    // Every channel task and every connection task has ended.
    eventually(|| {
        tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks()
            <= tasks_before
    })
    .await;
    let growth = resident_bytes().saturating_sub(rss_after_first);
    assert!(
        growth < 16 * 1024 * 1024,
        "resident memory grew by {growth} bytes over a second round"
    );
    reader.abort();
}

#[tokio::test]
async fn rest_requests_over_the_events_websocket() {
    use futures_util::SinkExt;
    use tokio_tungstenite::tungstenite::Message;
    let t = TestServer::with_dialplan(DIALPLAN, "[users.asterisk]\npassword = \"asterisk\"\n[users.viewer]\npassword = \"pw\"\nread_only = true").await;
    let mut ws = t.ws("app=rest").await;
    eventually(|| t.server.stasis.is_registered("rest")).await;
    let send = |body: Value| Message::Text(body.to_string().into());
    ws.stream
        .send(send(
            json!({"type": "RESTRequest", "transaction_id": "t1", "request_id": "r1",
                          "method": "GET", "uri": "asterisk/ping"}),
        ))
        .await
        .unwrap();
    let r = ws.until("RESTResponse").await;
    assert_eq!(
        (r["transaction_id"].as_str(), r["request_id"].as_str()),
        (Some("t1"), Some("r1"))
    );
    assert_eq!(
        (r["status_code"].as_i64(), r["reason_phrase"].as_str()),
        (Some(200), Some("OK"))
    );
    assert_eq!(r["uri"], "asterisk/ping");
    assert_eq!(r["content_type"], "application/json");
    let body: Value = serde_json::from_str(r["message_body"].as_str().unwrap()).unwrap();
    assert_eq!(body["ping"], "pong");
    // A write with query strings: it takes effect like the HTTP request would.
    ws.stream
        .send(send(json!({"type": "RESTRequest", "transaction_id": "t2", "request_id": "r2",
            "method": "POST", "uri": "/channels",
            "query_strings": [{"name": "endpoint", "value": "Local/100@test"},
                              {"name": "app", "value": "rest"}, {"name": "channelId", "value": "viaws"}]})))
        .await
        .unwrap();
    let r = ws.until("RESTResponse").await;
    assert_eq!(r["status_code"], 200, "{r}");
    assert_eq!(ws.until("StasisStart").await["channel"]["id"], "viaws");
    // Errors come back as responses, with the same status and message as HTTP.
    ws.stream
        .send(send(
            json!({"type": "RESTRequest", "transaction_id": "t3", "request_id": "r3",
            "method": "POST", "uri": "channels/nope/answer"}),
        ))
        .await
        .unwrap();
    let r = ws.until("RESTResponse").await;
    assert_eq!(r["status_code"], 404);
    assert!(r["message_body"]
        .as_str()
        .unwrap()
        .contains("Channel not found"));
    ws.stream
        .send(send(
            json!({"type": "RESTRequest", "transaction_id": "t4", "request_id": "r4",
            "method": "POST", "uri": "channels/viaws/dtmf?dtmf=1&duration=bad"}),
        ))
        .await
        .unwrap();
    assert_eq!(ws.until("RESTResponse").await["status_code"], 400);
    // Frames that are not requests are ignored; the socket stays up.
    ws.stream
        .send(Message::Text("not json".into()))
        .await
        .unwrap();
    // A read-only user's socket may read, not write.
    let mut viewer = common::Ws::connect(&format!(
        "ws://{}/ari/events?app=viewer&api_key=viewer:pw",
        t.addr()
    ))
    .await;
    eventually(|| t.server.stasis.is_registered("viewer")).await;
    viewer
        .stream
        .send(send(
            json!({"type": "RESTRequest", "transaction_id": "t5", "request_id": "r5",
            "method": "DELETE", "uri": "channels/viaws"}),
        ))
        .await
        .unwrap();
    assert_eq!(viewer.until("RESTResponse").await["status_code"], 403);
    t.delete("/channels/viaws").await;
    ws.until("ChannelDestroyed").await;
}

#[tokio::test]
async fn dialplan_applications_run_as_asterisk_runs_them() {
    const FLOW: &str = r#"
[globals]
GREETING=hi

[flow]
include => shared
exten => start,1,Set(COUNT=1)
 same => n,Set(GLOBAL(SEEN)=${GREETING}-${EXTEN})
 same => n(loop),Set(COUNT=$[${COUNT} + 1])
 same => n,GotoIf($[${COUNT} < 3]?loop:done)
 same => n(done),Set(RESULT=${COUNT}:${CALLERID(num)}:${LEN(${GREETING})})
 same => n,Goto(jump,1)
exten => jump,1,Set(JUMPED=yes)
 same => n,Wait(0.05)
 same => n,Goto(shared-ext,1)
exten => h,1,Set(HANGUP_RAN=${RESULT})

[shared]
exten => shared-ext,1,Set(FROM_INCLUDE=yes)
 same => n,Congestion()

[default]
exten => answer,1,Answer()
 same => n,Wait(3600)
"#;
    let t = TestServer::with_dialplan(FLOW, "").await;
    let mut spy = t.ws("app=spy&subscribeAll=true").await;
    eventually(|| t.server.stasis.is_registered("spy")).await;
    let (s, _) = t
        .post("/channels?endpoint=Local/start@flow&extension=answer&context=default&otherChannelId=fl2&callerId=555")
        .await;
    assert_eq!(s, 200);
    let mut vars = std::collections::BTreeMap::new();
    let destroyed = loop {
        let e = spy.event().await;
        if e["channel"]["id"] != "fl2" {
            continue;
        }
        match e["type"].as_str().unwrap() {
            "ChannelVarset" => {
                vars.insert(
                    e["variable"].as_str().unwrap().to_string(),
                    e["value"].as_str().unwrap().to_string(),
                );
            }
            "ChannelDestroyed" => break e,
            _ => {}
        }
    };
    assert_eq!(vars["COUNT"], "3", "the loop ran twice");
    assert_eq!(vars["RESULT"], "3:555:2", "expressions, CALLERID and LEN");
    assert_eq!(vars["JUMPED"], "yes");
    assert_eq!(vars["FROM_INCLUDE"], "yes", "include => is searched");
    assert_eq!(
        vars["HANGUP_RAN"], "3:555:2",
        "the h extension runs after hangup"
    );
    assert_eq!(destroyed["cause"], 34, "Congestion() sets its cause");
    let (_, g) = t.get("/asterisk/variable?variable=SEEN").await;
    assert_eq!(
        g["value"], "hi-start",
        "GLOBAL() writes a global from [globals]"
    );
}

#[tokio::test]
async fn a_refused_originate_leaves_no_channel_behind() {
    let t = server().await;
    let mut ws = t.ws("app=tidy").await;
    eventually(|| t.server.stasis.is_registered("tidy")).await;
    for path in [
        "/channels?endpoint=Local/100@test&app=tidy",
        "/channels/create?endpoint=Local/100@test&app=tidy",
    ] {
        let (s, body) = t
            .post_json(path, json!({"variables": {"NOSUCH(x)": "1"}}))
            .await;
        assert_eq!(s, 400, "{path}: {body}");
        assert!(body["message"].as_str().unwrap().contains("NOSUCH"));
    }
    eventually(|| t.server.core.channel_count() == 0).await;
    // The server still originates normally afterwards.
    let (s, _) = t
        .post("/channels?endpoint=Local/100@test&app=tidy&channelId=ok")
        .await;
    assert_eq!(s, 200);
    assert_eq!(ws.until("StasisStart").await["channel"]["id"], "ok");
}
