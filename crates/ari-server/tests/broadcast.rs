//! Call broadcast with first-claim-wins, over real HTTP and WebSocket.

mod common;

use common::{eventually, TestServer, Ws};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::mpsc;

const DIALPLAN: &str = r#"
[bc]
exten => _X.,1,Answer()
 same => n,StasisBroadcast(20000,^agent-,${EXTEN}:x)
 same => n,Set(RESULT=${STASISSTATUS})
 same => n,Wait(3600)

[notify]
exten => _X.,1,StasisBroadcast(20000,^agent-,,yes)
 same => n,Set(RESULT=${STASISSTATUS})
 same => n,Wait(3600)

[quick]
exten => _X.,1,StasisBroadcast(0,^agent-)
 same => n,Set(RESULT=${STASISSTATUS})
 same => n,Wait(3600)

[badfilter]
exten => _X.,1,StasisBroadcast(20000,a{99999})
 same => n,Set(RESULT=${STASISSTATUS})
 same => n,Wait(3600)

[nomatch]
exten => _X.,1,StasisBroadcast(20000,^nobody$)
 same => n,Set(RESULT=${STASISSTATUS})
 same => n,Wait(3600)

[default]
exten => answer,1,Answer()
 same => n,Wait(3600)
"#;

/// Routes the events of one socket to per-channel queues.
#[derive(Clone, Default)]
struct Router {
    routes: Arc<parking_lot::Mutex<HashMap<String, mpsc::UnboundedSender<Value>>>>,
}

impl Router {
    fn spawn(&self, mut ws: Ws) {
        let routes = self.routes.clone();
        tokio::spawn(async move {
            while let Some(e) = ws.next().await {
                let id = e["channel"]["id"].as_str().unwrap_or("").to_string();
                if let Some(tx) = routes.lock().get(&id) {
                    let _ = tx.send(e);
                }
            }
        });
    }

    fn watch(&self, channel: &str) -> mpsc::UnboundedReceiver<Value> {
        let (tx, rx) = mpsc::unbounded_channel();
        self.routes.lock().insert(channel.to_string(), tx);
        rx
    }
}

async fn next_of(rx: &mut mpsc::UnboundedReceiver<Value>, kind: &str) -> Value {
    loop {
        let e = tokio::time::timeout(common::BOUND, rx.recv())
            .await
            .expect("timed out waiting for an event")
            .expect("router closed");
        if e["type"] == kind {
            return e;
        }
    }
}

/// Waits for the `RESULT` variable the dialplan sets after StasisBroadcast.
async fn result_of(rx: &mut mpsc::UnboundedReceiver<Value>) -> String {
    loop {
        let e = next_of(rx, "ChannelVarset").await;
        if e["variable"] == "RESULT" {
            return e["value"].as_str().unwrap().to_string();
        }
    }
}

fn agents(n: usize) -> String {
    (0..n)
        .map(|i| format!("agent-{i}"))
        .collect::<Vec<_>>()
        .join(",")
}

async fn setup(agent_count: usize) -> (Arc<TestServer>, Router) {
    let t = Arc::new(TestServer::with_dialplan(DIALPLAN, "[websocket]\nqueue_len = 200000").await);
    let router = Router::default();
    router.spawn(t.ws(&format!("app={}", agents(agent_count))).await);
    // A bystander whose name the filters exclude, and a spy that sees everything.
    router.spawn(t.ws("app=bystander").await);
    let spy = Router {
        routes: router.routes.clone(),
    };
    spy.spawn(t.ws("app=spy&subscribeAll=true").await);
    eventually(|| t.server.stasis.app_names().len() == agent_count + 2).await;
    (t, router)
}

async fn originate(t: &TestServer, context: &str, exten: &str, id: &str) {
    let (s, body) = t
        .post(&format!(
            "/channels?endpoint=Local/{exten}@{context}&extension=answer&context=default&otherChannelId={id}"
        ))
        .await;
    assert_eq!(s, 200, "{body}");
}

async fn claim(t: &TestServer, channel: &str, app: &str) -> (u16, Value) {
    t.post(&format!(
        "/events/claim?channelId={channel}&application={app}"
    ))
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exactly_one_claim_wins_each_of_a_thousand_races() {
    const BROADCASTS: usize = 1000;
    const CLAIMANTS: usize = 20;
    let (t, router) = setup(CLAIMANTS).await;
    let inflight = Arc::new(tokio::sync::Semaphore::new(16));
    let mut set = tokio::task::JoinSet::new();
    for i in 0..BROADCASTS {
        let (t, router, inflight) = (t.clone(), router.clone(), inflight.clone());
        set.spawn(async move {
            let _permit = inflight.acquire().await.unwrap();
            let id = format!("race-{i}");
            let mut rx = router.watch(&id);
            originate(&t, "bc", &format!("{}", 1000 + i), &id).await;
            let mut offered = Vec::new();
            while offered.len() < CLAIMANTS {
                let e = next_of(&mut rx, "CallBroadcast").await;
                assert_eq!(e["called"], format!("{}", 1000 + i));
                offered.push(e["application"].as_str().unwrap().to_string());
            }
            offered.sort();
            offered.dedup();
            assert_eq!(
                offered.len(),
                CLAIMANTS,
                "each agent is offered the call once"
            );
            // Every agent claims at the same time.
            let claims = (0..CLAIMANTS).map(|a| {
                let t = t.clone();
                let id = id.clone();
                async move { (a, claim(&t, &id, &format!("agent-{a}")).await.0) }
            });
            let results = futures_util::future::join_all(claims).await;
            let winners: Vec<usize> = results
                .iter()
                .filter(|(_, s)| *s == 204)
                .map(|(a, _)| *a)
                .collect();
            assert_eq!(winners.len(), 1, "{results:?}");
            assert!(
                results.iter().all(|(_, s)| *s == 204 || *s == 409),
                "{results:?}"
            );
            let start = next_of(&mut rx, "StasisStart").await;
            assert_eq!(start["application"], format!("agent-{}", winners[0]));
            assert_eq!(start["args"], json!([format!("{}", 1000 + i), "x"]));
            let (s, _) = t.delete(&format!("/channels/{id}")).await;
            assert_eq!(s, 204);
            next_of(&mut rx, "ChannelDestroyed").await;
            router.routes.lock().remove(&id);
        });
    }
    while let Some(r) = set.join_next().await {
        r.unwrap();
    }
    eventually(|| t.server.core.channel_count() == 0).await;
    assert!(
        t.server.stasis.broadcasts.is_empty(),
        "no broadcast state left behind"
    );
    let counters = &t.server.stasis.broadcasts.counters;
    use std::sync::atomic::Ordering::Relaxed;
    assert_eq!(counters.offered.load(Relaxed), BROADCASTS as u64);
    assert_eq!(counters.claimed.load(Relaxed), BROADCASTS as u64);
}

#[tokio::test]
async fn late_claims_conflict_until_the_session_ends_then_are_not_found() {
    let (t, router) = setup(3).await;
    let mut rx = router.watch("late");
    originate(&t, "bc", "200", "late").await;
    next_of(&mut rx, "CallBroadcast").await;
    // Missing parameters, unknown channel, an application not offered the call.
    let (s, _) = t.post("/events/claim?channelId=late").await;
    assert_eq!(s, 400);
    let (s, _) = claim(&t, "nochannel", "agent-0").await;
    assert_eq!(s, 404);
    let (s, body) = claim(&t, "late", "bystander").await;
    assert_eq!(s, 404, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("not offered"),
        "{body}"
    );
    let (s, _) = claim(&t, "late", "agent-1").await;
    assert_eq!(s, 204);
    let start = next_of(&mut rx, "StasisStart").await;
    assert_eq!(start["application"], "agent-1");
    assert_eq!(start["args"], json!(["200", "x"]));
    // While agent-1 holds the call, every later claim is a conflict.
    for app in ["agent-0", "agent-1", "agent-2"] {
        let (s, body) = claim(&t, "late", app).await;
        assert_eq!(s, 409, "{app}: {body}");
    }
    // The winner has full control; continuing ends its session.
    let (s, _) = t.post("/channels/late/answer").await;
    assert_eq!(s, 204);
    let (s, _) = t.post("/channels/late/continue").await;
    assert_eq!(s, 204);
    assert_eq!(result_of(&mut rx).await, "SUCCESS");
    let (s, _) = claim(&t, "late", "agent-0").await;
    assert_eq!(s, 404);
    assert!(t.server.stasis.broadcasts.is_empty());
}

#[tokio::test]
async fn timeout_continues_the_dialplan_and_later_claims_are_not_found() {
    let (t, router) = setup(2).await;
    let mut rx = router.watch("quick");
    originate(&t, "quick", "300", "quick").await;
    assert_eq!(result_of(&mut rx).await, "TIMEOUT");
    let (s, _) = claim(&t, "quick", "agent-0").await;
    assert_eq!(s, 404);
    assert!(t.server.stasis.broadcasts.is_empty());
    use std::sync::atomic::Ordering::Relaxed;
    assert_eq!(
        t.server.stasis.broadcasts.counters.timed_out.load(Relaxed),
        1
    );
    // The counters are on the metrics endpoint, for any ARI user.
    let url = format!("http://{}/metrics", t.addr());
    let (s, _) = common::send(t.http.get(&url)).await;
    assert_eq!(s, 401);
    let resp = t
        .http
        .get(&url)
        .basic_auth("asterisk", Some("asterisk"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = resp.text().await.unwrap();
    for line in [
        "ari_broadcast_offered_total 1",
        "ari_broadcast_timed_out_total 1",
        "ari_broadcast_claimed_total 0",
        "ari_broadcasts_in_progress 0",
        "ari_applications 4",
        "# TYPE ari_channels gauge",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "missing '{line}' in:\n{text}"
        );
    }
}

#[tokio::test]
async fn only_matching_applications_are_offered_and_bad_filters_fail_closed() {
    let (t, router) = setup(2).await;
    let mut bystander_saw = t.ws("app=watcher-agent").await; // matches nothing anchored at ^agent-
    eventually(|| t.server.stasis.is_registered("watcher-agent")).await;
    let mut rx = router.watch("f1");
    originate(&t, "bc", "400", "f1").await;
    let mut offered = vec![];
    for _ in 0..2 {
        offered.push(
            next_of(&mut rx, "CallBroadcast").await["application"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    offered.sort();
    assert_eq!(offered, ["agent-0", "agent-1"]);
    claim(&t, "f1", "agent-0").await;
    next_of(&mut rx, "StasisStart").await;
    // The excluded applications saw no offer: their first event is a later user event.
    t.post("/events/user/Marker?application=watcher-agent")
        .await;
    assert_eq!(bystander_saw.event().await["type"], "ChannelUserevent");

    let mut rx = router.watch("bad");
    originate(&t, "badfilter", "500", "bad").await;
    assert_eq!(result_of(&mut rx).await, "FAILED");
    let mut rx = router.watch("none");
    originate(&t, "nomatch", "501", "none").await;
    assert_eq!(result_of(&mut rx).await, "FAILED");
    assert_eq!(
        t.server.stasis.broadcasts.len(),
        1,
        "only f1 (claimed, in session) remains"
    );
}

#[tokio::test]
async fn hanging_up_during_the_offer_ends_it() {
    let (t, router) = setup(2).await;
    let mut rx = router.watch("gone");
    originate(&t, "bc", "600", "gone").await;
    next_of(&mut rx, "CallBroadcast").await;
    assert_eq!(t.server.stasis.broadcasts.len(), 1);
    t.delete("/channels/gone").await;
    next_of(&mut rx, "ChannelDestroyed").await;
    eventually(|| t.server.stasis.broadcasts.is_empty()).await;
    let (s, _) = claim(&t, "gone", "agent-0").await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn notify_claimed_tells_every_offered_application() {
    let (t, router) = setup(3).await;
    let mut rx = router.watch("n1");
    originate(&t, "notify", "700", "n1").await;
    for _ in 0..3 {
        next_of(&mut rx, "CallBroadcast").await;
    }
    assert_eq!(claim(&t, "n1", "agent-2").await.0, 204);
    let mut told = vec![];
    for _ in 0..3 {
        let e = next_of(&mut rx, "CallClaimed").await;
        assert_eq!(e["winner_app"], "agent-2");
        told.push(e["application"].as_str().unwrap().to_string());
    }
    told.sort();
    assert_eq!(told, ["agent-0", "agent-1", "agent-2"]);
    let start = next_of(&mut rx, "StasisStart").await;
    assert_eq!(start["args"], json!([]));
    // Without notify_claimed ([bc]), nobody hears CallClaimed: the winner's
    // StasisStart comes straight after the offers.
    let mut rx = router.watch("n2");
    originate(&t, "bc", "701", "n2").await;
    for _ in 0..3 {
        next_of(&mut rx, "CallBroadcast").await;
    }
    claim(&t, "n2", "agent-0").await;
    loop {
        let e = tokio::time::timeout(common::BOUND, rx.recv())
            .await
            .unwrap()
            .unwrap();
        assert_ne!(e["type"], "CallClaimed");
        if e["type"] == "StasisStart" {
            break;
        }
    }
}

#[tokio::test]
async fn unloading_the_module_disables_broadcast() {
    let (t, router) = setup(1).await;
    let (s, _) = t.delete("/asterisk/modules/res_stasis_broadcast.so").await;
    assert_eq!(s, 204);
    let (s, body) = claim(&t, "any", "agent-0").await;
    assert_eq!(s, 501, "{body}");
    assert!(body["message"].is_string());
    let mut rx = router.watch("off");
    originate(&t, "bc", "800", "off").await;
    assert_eq!(result_of(&mut rx).await, "FAILED");
    let (s, _) = t.post("/asterisk/modules/res_stasis_broadcast.so").await;
    assert_eq!(s, 204);
    let mut rx = router.watch("on");
    originate(&t, "bc", "801", "on").await;
    next_of(&mut rx, "CallBroadcast").await;
    assert_eq!(claim(&t, "on", "agent-0").await.0, 204);
}
