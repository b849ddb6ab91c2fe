//! Device states, mailboxes and endpoints over real HTTP and WebSocket,
//! including persistence across a restart.

mod common;

use ari_server::config::Config;
use ari_server::logging::LogChannels;
use ari_server::Server;
use common::{eventually, temp_dir, TestServer};
use reqwest::Method;
use serde_json::{json, Value};

/// Starts a server whose data directory is `dir`.
async fn start_on(dir: &std::path::Path) -> TestServer {
    let toml = format!("port = 0\ndata_dir = {:?}\n", dir.display().to_string());
    let config = Config::parse(&toml).expect("test config");
    let server = Server::new(config, LogChannels::new(dir.join("logs"))).expect("server");
    let running = server.start().await.expect("bind");
    let base = format!("http://{}/ari", running.addr);
    TestServer {
        server,
        running: Some(running),
        base,
        http: reqwest::Client::new(),
        dir: dir.to_path_buf(),
    }
}

fn message(body: &Value) -> &str {
    body["message"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn device_states_every_operation() {
    let t = TestServer::start("").await;
    let (s, body) = t.get("/deviceStates").await;
    assert_eq!((s, body), (200, json!([])));

    // Setting creates; reading gives {name, state}.
    let (s, body) = t.put("/deviceStates/Stasis:lamp?deviceState=INUSE").await;
    assert_eq!((s, body), (204, Value::Null));
    let (s, body) = t.get("/deviceStates/Stasis:lamp").await;
    assert_eq!(
        (s, body),
        (200, json!({"name": "Stasis:lamp", "state": "INUSE"}))
    );
    // Parameters in a JSON body work too; every allowed value is accepted.
    for state in [
        "NOT_INUSE",
        "INUSE",
        "BUSY",
        "INVALID",
        "UNAVAILABLE",
        "RINGING",
        "RINGINUSE",
        "ONHOLD",
    ] {
        let (s, _) = t
            .call_json(
                Method::PUT,
                "/deviceStates/Stasis:desk",
                json!({ "deviceState": state }),
            )
            .await;
        assert_eq!(s, 204, "{state}");
        let (_, body) = t.get("/deviceStates/Stasis:desk").await;
        assert_eq!(body["state"], state);
    }
    let (s, body) = t.get("/deviceStates").await;
    assert_eq!(s, 200);
    assert_eq!(
        body,
        json!([{"name": "Stasis:desk", "state": "ONHOLD"},
               {"name": "Stasis:lamp", "state": "INUSE"}])
    );

    // The prefix is matched without case, and the name is then spelt `Stasis:`.
    let (s, _) = t.put("/deviceStates/stasis:hall?deviceState=BUSY").await;
    assert_eq!(s, 204);
    let (_, body) = t.get("/deviceStates/Stasis:hall").await;
    assert_eq!(body["state"], "BUSY");

    // Errors, as Asterisk answers them.
    let (s, body) = t.put("/deviceStates/Custom:lamp?deviceState=BUSY").await;
    assert_eq!(s, 409);
    assert_eq!(message(&body), "Uncontrolled device specified");
    let (s, body) = t.delete("/deviceStates/PJSIP%2Falice").await;
    assert_eq!(s, 409, "{body}");
    let (s, body) = t.put("/deviceStates/Stasis:?deviceState=BUSY").await;
    assert_eq!(s, 404);
    assert_eq!(message(&body), "Device name is missing");
    let (s, _) = t.delete("/deviceStates/Stasis:").await;
    assert_eq!(s, 404);
    let (s, body) = t.put("/deviceStates/Stasis:lamp?deviceState=ON_FIRE").await;
    assert_eq!(s, 400);
    assert!(message(&body).contains("ON_FIRE"), "{body}");
    let (s, body) = t.put("/deviceStates/Stasis:lamp").await;
    assert_eq!(s, 400);
    assert!(message(&body).contains("deviceState"), "{body}");

    // Reading never 404s: an unset Stasis device is UNKNOWN, a device no
    // provider knows is INVALID.
    let (s, body) = t.get("/deviceStates/Stasis:never").await;
    assert_eq!(
        (s, body),
        (200, json!({"name": "Stasis:never", "state": "UNKNOWN"}))
    );
    let (_, body) = t.get("/deviceStates/Custom:lamp").await;
    assert_eq!(body["state"], "INVALID");
    let (_, body) = t.get("/deviceStates/PJSIP%2Falice").await;
    assert_eq!(body, json!({"name": "PJSIP/alice", "state": "INVALID"}));
    // Local devices: NOT_INUSE when the extension exists, INVALID otherwise.
    let (_, body) = t.get("/deviceStates/Local%2Fanswer@default").await;
    assert_eq!(body["state"], "NOT_INUSE");
    let (_, body) = t.get("/deviceStates/Local%2Fnowhere@default").await;
    assert_eq!(body["state"], "INVALID");
    let (_, body) = t.get("/deviceStates/Local%2Fanswer").await;
    assert_eq!(body["state"], "INVALID");

    // Delete: 204, then the device reads UNKNOWN; deleting again is still 204.
    let (s, _) = t.delete("/deviceStates/Stasis:lamp").await;
    assert_eq!(s, 204);
    let (_, body) = t.get("/deviceStates/Stasis:lamp").await;
    assert_eq!(body["state"], "UNKNOWN");
    let (s, _) = t.delete("/deviceStates/Stasis:lamp").await;
    assert_eq!(s, 204);
    let (_, body) = t.get("/deviceStates").await;
    let names: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Stasis:desk", "Stasis:hall"]);

    // Read-only users may read but not set.
    let t2 = TestServer::start(
        "[users.asterisk]\npassword = \"asterisk\"\n[users.viewer]\npassword = \"pw\"\nread_only = true",
    )
    .await;
    let (s, _) = common::send(
        t2.http
            .put(t2.url("/deviceStates/Stasis:x?deviceState=BUSY"))
            .basic_auth("viewer", Some("pw")),
    )
    .await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn device_state_changes_reach_subscribed_applications_only() {
    let t = TestServer::start("").await;
    let mut watcher = t.ws("app=watcher").await;
    let mut everything = t.ws("app=everything").await;
    let mut bystander = t.ws("app=bystander").await;
    eventually(|| {
        ["watcher", "everything", "bystander"]
            .iter()
            .all(|a| t.server.stasis.is_registered(a))
    })
    .await;
    let (s, _) = t
        .post("/applications/watcher/subscription?eventSource=deviceState:Stasis:lamp")
        .await;
    assert_eq!(s, 200);
    // An empty device name watches every device.
    let (s, app) = t
        .post("/applications/everything/subscription?eventSource=deviceState:")
        .await;
    assert_eq!(s, 200, "{app}");
    // The bystander watches another device.
    let (s, _) = t
        .post("/applications/bystander/subscription?eventSource=deviceState:Stasis:other")
        .await;
    assert_eq!(s, 200);

    let (s, _) = t.put("/deviceStates/Stasis:lamp?deviceState=RINGING").await;
    assert_eq!(s, 204);
    for ws in [&mut watcher, &mut everything] {
        let e = ws.event().await;
        assert_eq!(e["type"], "DeviceStateChanged", "{e}");
        assert_eq!(
            e["device_state"],
            json!({"name": "Stasis:lamp", "state": "RINGING"})
        );
        assert!(e["timestamp"].is_string());
        assert!(e["asterisk_id"].is_string());
    }
    assert_eq!(
        t.get("/applications/everything").await.1["device_names"],
        json!(["__AST_DEVICE_STATE_ALL_TOPIC"])
    );
    // Setting the same state again changes nothing and sends nothing; the
    // other device's change reaches only those watching it. Each socket's
    // next event proves what it did not get before.
    let (s, _) = t.put("/deviceStates/Stasis:lamp?deviceState=RINGING").await;
    assert_eq!(s, 204);
    let (s, _) = t.put("/deviceStates/Stasis:other?deviceState=BUSY").await;
    assert_eq!(s, 204);
    let e = bystander.event().await;
    assert_eq!(
        (e["device_state"].clone(), e["application"].clone()),
        (
            json!({"name": "Stasis:other", "state": "BUSY"}),
            json!("bystander")
        )
    );
    let e = everything.event().await;
    assert_eq!(e["device_state"]["name"], "Stasis:other");

    // Deleting tells the watchers the device is now UNKNOWN.
    let (s, _) = t.delete("/deviceStates/Stasis:lamp").await;
    assert_eq!(s, 204);
    for ws in [&mut watcher, &mut everything] {
        let e = ws.event().await;
        assert_eq!(
            e["device_state"],
            json!({"name": "Stasis:lamp", "state": "UNKNOWN"}),
            "{e}"
        );
    }
    // After unsubscribing, the watcher hears no more of the lamp: its next
    // event is a user event sent after the change.
    let (s, _) = t
        .delete("/applications/watcher/subscription?eventSource=deviceState:Stasis:lamp")
        .await;
    assert_eq!(s, 200);
    let (s, _) = t.put("/deviceStates/Stasis:lamp?deviceState=INUSE").await;
    assert_eq!(s, 204);
    let (s, _) = t.post("/events/user/Marker?application=watcher").await;
    assert_eq!(s, 204);
    assert_eq!(watcher.event().await["type"], "ChannelUserevent");
    let e = everything.event().await;
    assert_eq!(e["device_state"]["state"], "INUSE");
}

#[tokio::test]
async fn mailboxes_every_operation() {
    let t = TestServer::start("").await;
    let (s, body) = t.get("/mailboxes").await;
    assert_eq!((s, body), (200, json!([])));
    let (s, body) = t.get("/mailboxes/100@default").await;
    assert_eq!(s, 404);
    assert_eq!(message(&body), "Mailbox does not exist");

    let (s, body) = t
        .put("/mailboxes/100@default?oldMessages=3&newMessages=2")
        .await;
    assert_eq!((s, body), (204, Value::Null));
    let (s, body) = t.get("/mailboxes/100@default").await;
    assert_eq!(
        (s, body),
        (
            200,
            json!({"name": "100@default", "old_messages": 3, "new_messages": 2})
        )
    );
    // Update replaces the counts; a JSON body works too.
    let (s, _) = t
        .call_json(
            Method::PUT,
            "/mailboxes/100@default",
            json!({"oldMessages": 5, "newMessages": 0}),
        )
        .await;
    assert_eq!(s, 204);
    let (s, _) = t.put("/mailboxes/alice?oldMessages=0&newMessages=1").await;
    assert_eq!(s, 204);
    let (s, body) = t.get("/mailboxes").await;
    assert_eq!(s, 200);
    assert_eq!(
        body,
        json!([{"name": "100@default", "old_messages": 5, "new_messages": 0},
               {"name": "alice", "old_messages": 0, "new_messages": 1}])
    );

    // Bad counts.
    let (s, body) = t.put("/mailboxes/alice?oldMessages=1").await;
    assert_eq!(s, 400);
    assert!(message(&body).contains("newMessages"), "{body}");
    let (s, body) = t.put("/mailboxes/alice?oldMessages=x&newMessages=1").await;
    assert_eq!(s, 400);
    assert!(message(&body).contains("oldMessages"), "{body}");
    let (s, body) = t.put("/mailboxes/alice?oldMessages=-1&newMessages=1").await;
    assert_eq!(s, 400);
    assert!(message(&body).contains("oldMessages"), "{body}");
    let (_, body) = t.get("/mailboxes/alice").await;
    assert_eq!(body["new_messages"], 1, "a refused update changes nothing");

    // Delete: 204, then 404.
    let (s, _) = t.delete("/mailboxes/alice").await;
    assert_eq!(s, 204);
    let (s, body) = t.delete("/mailboxes/alice").await;
    assert_eq!(s, 404);
    assert_eq!(message(&body), "Mailbox does not exist");
    let (s, _) = t.get("/mailboxes/alice").await;
    assert_eq!(s, 404);
    let (_, body) = t.get("/mailboxes").await;
    assert_eq!(body.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn device_states_and_mailboxes_survive_a_restart() {
    let dir = temp_dir("restart");
    let mut t = start_on(&dir).await;
    for (path, status) in [
        ("/deviceStates/Stasis:lamp?deviceState=INUSE", 204),
        ("/deviceStates/Stasis:desk?deviceState=RINGING", 204),
        ("/deviceStates/Stasis:gone?deviceState=BUSY", 204),
        ("/mailboxes/100@default?oldMessages=4&newMessages=7", 204),
        ("/mailboxes/gone?oldMessages=1&newMessages=1", 204),
    ] {
        assert_eq!(t.put(path).await.0, status, "{path}");
    }
    assert_eq!(t.delete("/deviceStates/Stasis:gone").await.0, 204);
    assert_eq!(t.delete("/mailboxes/gone").await.0, 204);
    assert!(dir.join("ari.db").is_file());
    t.running.take().unwrap().stop().await;
    drop(t);

    let t = start_on(&dir).await;
    let (s, body) = t.get("/deviceStates").await;
    assert_eq!(s, 200);
    assert_eq!(
        body,
        json!([{"name": "Stasis:desk", "state": "RINGING"},
               {"name": "Stasis:lamp", "state": "INUSE"}])
    );
    let (_, body) = t.get("/deviceStates/Stasis:gone").await;
    assert_eq!(body["state"], "UNKNOWN");
    let (s, body) = t.get("/mailboxes").await;
    assert_eq!(s, 200);
    assert_eq!(
        body,
        json!([{"name": "100@default", "old_messages": 4, "new_messages": 7}])
    );
    // And the restored state changes like any other.
    let mut ws = t.ws("app=late").await;
    eventually(|| t.server.stasis.is_registered("late")).await;
    t.post("/applications/late/subscription?eventSource=deviceState:Stasis:lamp")
        .await;
    assert_eq!(
        t.put("/deviceStates/Stasis:lamp?deviceState=INUSE").await.0,
        204
    );
    assert_eq!(
        t.put("/deviceStates/Stasis:lamp?deviceState=BUSY").await.0,
        204
    );
    let e = ws.event().await;
    assert_eq!(
        e["device_state"]["state"], "BUSY",
        "INUSE was no change: {e}"
    );
}

#[tokio::test]
async fn an_unusable_data_dir_fails_server_creation_clearly() {
    let dir = temp_dir("baddata");
    let file = dir.join("not-a-dir");
    std::fs::write(&file, "x").unwrap();
    let toml = format!("port = 0\ndata_dir = {:?}\n", file.display().to_string());
    let config = Config::parse(&toml).expect("config");
    let err = Server::new(config, LogChannels::new(dir.join("logs")))
        .err()
        .expect("must fail");
    assert!(err.0.contains("state database"), "{}", err.0);
    assert!(err.0.contains("not-a-dir"), "{}", err.0);
}

#[tokio::test]
async fn endpoints_of_the_local_technology() {
    let t = TestServer::start("").await;
    let (s, body) = t.get("/endpoints").await;
    assert_eq!((s, body), (200, json!([])));
    let (s, body) = t.get("/endpoints/Local").await;
    assert_eq!((s, body), (200, json!([])));
    let (s, body) = t.get("/endpoints/PJSIP").await;
    assert_eq!(s, 404);
    assert_eq!(message(&body), "No Endpoints found - invalid tech PJSIP");
    let (s, body) = t.get("/endpoints/Local/answer@default").await;
    assert_eq!(s, 404);
    assert_eq!(message(&body), "Endpoint not found");
    let (s, _) = t
        .post("/applications/nobody/subscription?eventSource=endpoint:Local")
        .await;
    assert_eq!(s, 404, "no such application");

    // A call makes the endpoint exist, with both halves of the Local pair.
    let mut ws = t.ws("app=ep").await;
    eventually(|| t.server.stasis.is_registered("ep")).await;
    let (s, chan) = t
        .post("/channels?endpoint=Local/answer@default&app=ep&channelId=one&otherChannelId=two")
        .await;
    assert_eq!(s, 200, "{chan}");
    ws.until("StasisStart").await;
    let expected = json!({"technology": "Local", "resource": "answer@default",
                          "state": "online", "channel_ids": ["one", "two"]});
    let (s, body) = t.get("/endpoints").await;
    assert_eq!((s, body), (200, json!([expected.clone()])));
    let (_, body) = t.get("/endpoints/local").await;
    assert_eq!(body, json!([expected.clone()]), "technology without case");
    let (s, body) = t.get("/endpoints/Local/answer@default").await;
    assert_eq!((s, body), (200, expected));
    let (_, body) = t.get("/deviceStates/Local%2Fanswer@default").await;
    assert_eq!(body["state"], "INUSE");

    // Event sources: the technology, and existing endpoints.
    let (s, app) = t
        .post("/applications/ep/subscription?eventSource=endpoint:Local/answer@default,endpoint:Local")
        .await;
    assert_eq!(s, 200, "{app}");
    assert_eq!(
        app["endpoint_ids"],
        json!(["Local", "Local/answer@default"])
    );
    let (s, _) = t
        .post("/applications/ep/subscription?eventSource=endpoint:Local/nowhere@default")
        .await;
    assert_eq!(s, 422);
    let (s, _) = t
        .post("/applications/ep/subscription?eventSource=endpoint:PJSIP")
        .await;
    assert_eq!(s, 422);

    // Messages and REFER: checked, then 404 (Local carries neither).
    let (s, body) = t
        .call(
            Method::PUT,
            "/endpoints/sendMessage?to=pjsip:alice&from=me&body=hi",
        )
        .await;
    assert_eq!((s, message(&body)), (404, "Endpoint not found"));
    let (s, _) = t
        .call(Method::PUT, "/endpoints/sendMessage?to=&from=me")
        .await;
    assert_eq!(s, 400);
    let (s, _) = t.call(Method::PUT, "/endpoints/sendMessage?from=me").await;
    assert_eq!(s, 400);
    let (s, body) = t
        .call_json(
            Method::PUT,
            "/endpoints/sendMessage?to=pjsip:alice&from=me",
            json!({"variables": {"X-Count": 3}}),
        )
        .await;
    assert_eq!(
        (s, message(&body)),
        (400, "Only string values in the 'variables' object allowed")
    );
    let (s, body) = t
        .call(
            Method::PUT,
            "/endpoints/Local/answer@default/sendMessage?from=me&body=hi",
        )
        .await;
    assert_eq!((s, message(&body)), (404, "Endpoint not found"));
    let (s, _) = t
        .call(
            Method::PUT,
            "/endpoints/Local/nowhere@default/sendMessage?from=me",
        )
        .await;
    assert_eq!(s, 404);
    let (s, body) = t
        .post("/endpoints/refer?to=pjsip:alice&from=me&refer_to=sip:bob@example.com")
        .await;
    assert_eq!((s, message(&body)), (404, "Endpoint not found"));
    let (s, _) = t.post("/endpoints/refer?to=pjsip:alice&from=me").await;
    assert_eq!(s, 400);
    let (s, _) = t
        .post("/endpoints/refer?to=pjsip:alice&from=me&refer_to=x&to_self=maybe")
        .await;
    assert_eq!(s, 400);
    let (s, body) = t
        .post("/endpoints/Local/answer@default/refer?from=me&refer_to=sip:bob@example.com")
        .await;
    assert_eq!((s, message(&body)), (404, "Endpoint not found"));
    let (s, _) = t
        .post("/endpoints/Local/answer@default/refer?from=me")
        .await;
    assert_eq!(s, 400);

    // Hanging up ends the endpoint.
    let (s, _) = t.delete("/channels/one").await;
    assert_eq!(s, 204);
    eventually(|| t.server.core.channel_count() == 0).await;
    let (_, body) = t.get("/endpoints").await;
    assert_eq!(body, json!([]));
    let (s, _) = t.get("/endpoints/Local/answer@default").await;
    assert_eq!(s, 404);
    let (_, body) = t.get("/deviceStates/Local%2Fanswer@default").await;
    assert_eq!(body["state"], "NOT_INUSE");
}
