//! The foundation over real sockets: auth, routing, errors, applications,
//! the events WebSocket, user events, and the asterisk resource.

mod common;

use common::{eventually, send, TestServer, Ws};
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn auth_basic_api_key_and_failures() {
    let t = TestServer::start("[users.asterisk]\npassword = \"asterisk\"\n[users.viewer]\npassword = \"pw\"\nread_only = true").await;
    // No credentials.
    let resp = t.http.get(t.url("/applications")).send().await.unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(
        resp.headers()["www-authenticate"],
        "Basic realm=\"Asterisk REST Interface\""
    );
    let body: Value = resp.json().await.unwrap();
    assert!(body["message"].is_string());
    // Wrong password, unknown user, malformed header.
    let (s, _) = send(
        t.http
            .get(t.url("/applications"))
            .basic_auth("asterisk", Some("nope")),
    )
    .await;
    assert_eq!(s, 401);
    let (s, _) = send(
        t.http
            .get(t.url("/applications"))
            .basic_auth("ghost", Some("asterisk")),
    )
    .await;
    assert_eq!(s, 401);
    let (s, _) = send(
        t.http
            .get(t.url("/applications"))
            .header("Authorization", "Basic !!!"),
    )
    .await;
    assert_eq!(s, 401);
    // api_key works, on REST and WebSocket alike.
    let (s, body) = send(t.http.get(t.url("/applications?api_key=asterisk:asterisk"))).await;
    assert_eq!((s, body), (200, json!([])));
    let (s, _) = send(t.http.get(t.url("/applications?api_key=asterisk:wrong"))).await;
    assert_eq!(s, 401);
    // Read-only users may read, not write.
    let (s, _) = send(
        t.http
            .get(t.url("/asterisk/info"))
            .basic_auth("viewer", Some("pw")),
    )
    .await;
    assert_eq!(s, 200);
    let (s, body) = send(
        t.http
            .post(t.url("/asterisk/variable?variable=X&value=1"))
            .basic_auth("viewer", Some("pw")),
    )
    .await;
    assert_eq!(s, 403);
    assert!(body["message"].as_str().unwrap().contains("read-only"));
    // The WebSocket upgrade needs credentials too.
    let url = format!("ws://{}/ari/events?app=x", t.addr());
    let err = tokio_tungstenite::connect_async(url).await.unwrap_err();
    assert!(err.to_string().contains("401"), "{err}");
}

#[tokio::test]
async fn unknown_paths_methods_and_bad_values() {
    let t = TestServer::start("").await;
    let (s, body) = t.get("/nothing/here").await;
    assert_eq!(s, 404);
    assert_eq!(body["message"], "Resource not found");
    let (s, _) = send(t.http.get(format!("http://{}/elsewhere", t.addr()))).await;
    assert_eq!(s, 404);
    let resp = t.req(Method::DELETE, "/applications").send().await.unwrap();
    assert_eq!(resp.status(), 405);
    assert_eq!(resp.headers()["allow"], "GET");
    let body: Value = resp.json().await.unwrap();
    assert!(body["message"].is_string());
    // A string where an integer is expected is a 400 naming the parameter,
    // decided before the operation runs.
    let (s, body) = t
        .post("/channels?endpoint=Local/1@default&timeout=soon")
        .await;
    assert_eq!(s, 400);
    assert!(
        body["message"].as_str().unwrap().contains("timeout"),
        "{body}"
    );
    // A value outside the allowed list.
    let (s, body) = t.get("/asterisk/info?only=build,weather").await;
    assert_eq!(s, 400);
    assert!(
        body["message"].as_str().unwrap().contains("weather"),
        "{body}"
    );
    // Malformed JSON body.
    let (s, body) = send(
        t.req(Method::POST, "/asterisk/variable")
            .header("content-type", "application/json")
            .body("{not json"),
    )
    .await;
    assert_eq!(s, 400);
    assert!(body["message"].as_str().unwrap().contains("JSON"), "{body}");
    // Missing required parameter.
    let (s, body) = t.post("/asterisk/variable").await;
    assert_eq!(s, 400);
    assert!(
        body["message"].as_str().unwrap().contains("variable"),
        "{body}"
    );
}

#[tokio::test]
async fn websocket_registers_and_applications_resource() {
    let t = TestServer::start("").await;
    // Missing or empty app: 400 before any upgrade.
    for q in ["", "app=", "app=,"] {
        let url = format!("ws://{}/ari/events?{q}&api_key=asterisk:asterisk", t.addr());
        let err = tokio_tungstenite::connect_async(url).await.unwrap_err();
        assert!(err.to_string().contains("400"), "{q}: {err}");
    }
    let (s, _) = send(t.req(Method::GET, "/events?api_key=asterisk:asterisk")).await;
    assert_eq!(s, 400);

    let _ws = t.ws("app=alpha,beta&app=gamma").await;
    eventually(|| t.server.stasis.app_names().len() == 3).await;
    let (s, list) = t.get("/applications").await;
    assert_eq!(s, 200);
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["alpha", "beta", "gamma"]);
    let (s, app) = t.get("/applications/alpha").await;
    assert_eq!(s, 200);
    assert_eq!(
        app,
        json!({"name": "alpha", "channel_ids": [], "bridge_ids": [], "endpoint_ids": [],
               "device_names": [], "events_allowed": [], "events_disallowed": []})
    );
    let (s, body) = t.get("/applications/nope").await;
    assert_eq!(s, 404);
    assert!(body["message"].is_string());

    // Subscriptions.
    let (s, _) = t.post("/applications/alpha/subscription").await;
    assert_eq!(s, 400);
    let (s, _) = t
        .post("/applications/nope/subscription?eventSource=deviceState:x")
        .await;
    assert_eq!(s, 404);
    let (s, _) = t
        .post("/applications/alpha/subscription?eventSource=channel:nope")
        .await;
    assert_eq!(s, 422);
    let (s, _) = t
        .post("/applications/alpha/subscription?eventSource=bridge:nope")
        .await;
    assert_eq!(s, 422);
    let (s, _) = t
        .post("/applications/alpha/subscription?eventSource=nonsense")
        .await;
    assert_eq!(s, 400);
    let (s, app) = t
        .post_json(
            "/applications/alpha/subscription",
            json!({"eventSource": "deviceState:Custom:lamp,endpoint:Local"}),
        )
        .await;
    assert_eq!(s, 200, "{app}");
    assert_eq!(app["device_names"], json!(["Custom:lamp"]));
    assert_eq!(app["endpoint_ids"], json!(["Local"]));
    let (s, _) = t
        .delete("/applications/alpha/subscription?eventSource=deviceState:other")
        .await;
    assert_eq!(s, 409);
    let (s, app) = t
        .delete("/applications/alpha/subscription?eventSource=deviceState:Custom:lamp")
        .await;
    assert_eq!(s, 200);
    assert_eq!(app["device_names"], json!([]));
    assert_eq!(app["endpoint_ids"], json!(["Local"]));

    // subscribeAll shows the all-topics, as Asterisk lists them.
    let _all = t.ws("app=everything&subscribeAll=true").await;
    eventually(|| t.server.stasis.is_registered("everything")).await;
    let (_, app) = t.get("/applications/everything").await;
    assert_eq!(app["channel_ids"], json!(["__AST_CHANNEL_ALL_TOPIC"]));
    assert_eq!(app["bridge_ids"], json!(["__AST_BRIDGE_ALL_TOPIC"]));
    assert_eq!(app["endpoint_ids"], json!(["__AST_ENDPOINT_ALL_TOPIC"]));
    assert_eq!(app["device_names"], json!(["__AST_DEVICE_STATE_ALL_TOPIC"]));
}

#[tokio::test]
async fn closing_the_socket_unregisters_its_applications() {
    let t = TestServer::start("").await;
    let ws = t.ws("app=brief").await;
    eventually(|| t.server.stasis.is_registered("brief")).await;
    ws.close().await;
    eventually(|| !t.server.stasis.is_registered("brief")).await;
    let (s, _) = t.get("/applications/brief").await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn user_events_reach_their_application() {
    let t = TestServer::start("entity_id = \"02:00:00:00:00:01\"").await;
    let mut ws = t.ws("app=ue").await;
    let _other = t.ws("app=bystander").await;
    eventually(|| t.server.stasis.app_names().len() == 2).await;
    let (s, body) = t
        .post_json(
            "/events/user/Doorbell?application=ue",
            json!({"variables": {"floor": "3", "urgent": "yes"}}),
        )
        .await;
    assert_eq!(s, 204, "{body}");
    let e = ws.event().await;
    assert_eq!(e["type"], "ChannelUserevent");
    assert_eq!(e["eventname"], "Doorbell");
    assert_eq!(e["application"], "ue");
    assert_eq!(e["asterisk_id"], "02:00:00:00:00:01");
    assert_eq!(e["userevent"], json!({"floor": "3", "urgent": "yes"}));
    let ts = e["timestamp"].as_str().unwrap();
    assert!(
        ari_types::Timestamp::parse(ts).is_some() && ts.ends_with("+0000") && ts.len() == 28,
        "{ts}"
    );

    // Parameters from a form body work too.
    let (s, _) = send(
        t.req(Method::POST, "/events/user/Form")
            .header("content-type", "application/x-www-form-urlencoded")
            .body("application=ue"),
    )
    .await;
    assert_eq!(s, 204);
    assert_eq!(ws.event().await["eventname"], "Form");

    let (s, _) = t.post("/events/user/X?application=nobody").await;
    assert_eq!(s, 404);
    let (s, _) = t
        .post("/events/user/X?application=ue&source=channel:missing")
        .await;
    assert_eq!(s, 422);
    let (s, _) = t.post("/events/user/X?application=ue&source=garbage").await;
    assert_eq!(s, 400);
    let (s, _) = t.post("/events/user/X").await;
    assert_eq!(s, 400);
    let (s, _) = t
        .post_json(
            "/events/user/X?application=ue",
            json!({"variables": "flat"}),
        )
        .await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn event_filters_are_honoured() {
    let t = TestServer::start("").await;
    let mut ws = t.ws("app=filtered").await;
    eventually(|| t.server.stasis.is_registered("filtered")).await;
    let (s, app) = t
        .call_json(
            Method::PUT,
            "/applications/filtered/eventFilter",
            json!({"disallowed": [{"type": "ChannelUserevent"}]}),
        )
        .await;
    assert_eq!(s, 200, "{app}");
    assert_eq!(
        app["events_disallowed"],
        json!([{"type": "ChannelUserevent"}])
    );
    t.post("/events/user/Hidden?application=filtered").await;
    let (s, app) = t
        .call_json(
            Method::PUT,
            "/applications/filtered/eventFilter",
            json!({"allowed": [{"type": "ChannelUserevent"}]}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(app["events_disallowed"], json!([]));
    t.post("/events/user/Shown?application=filtered").await;
    // The first event the socket sees is the one sent after the filter changed.
    assert_eq!(ws.event().await["eventname"], "Shown");
    let (s, _) = t
        .call_json(
            Method::PUT,
            "/applications/filtered/eventFilter",
            json!({"allowed": "everything"}),
        )
        .await;
    assert_eq!(s, 400);
    // Keys other than allowed/disallowed are ignored, as Asterisk does.
    let (s, _) = t
        .call_json(
            Method::PUT,
            "/applications/filtered/eventFilter",
            json!({"allowed": [{"type": "ChannelUserevent", "note": 1}], "extra": true}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = t
        .call_json(
            Method::PUT,
            "/applications/ghost/eventFilter",
            json!({"allowed": []}),
        )
        .await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn a_second_socket_replaces_the_first() {
    let t = TestServer::start("").await;
    let mut first = t.ws("app=shared,own").await;
    eventually(|| t.server.stasis.app_names().len() == 2).await;
    let mut second = t.ws("app=shared").await;
    let e = first.event().await;
    assert_eq!(e["type"], "ApplicationReplaced");
    assert_eq!(e["application"], "shared");
    assert!(e["timestamp"].is_string() && e["asterisk_id"].is_string());
    t.post("/events/user/ForShared?application=shared").await;
    t.post("/events/user/ForOwn?application=own").await;
    assert_eq!(second.event().await["eventname"], "ForShared");
    // The first socket still serves its other application, and only that.
    let e = first.event().await;
    assert_eq!(
        (e["eventname"].as_str(), e["application"].as_str()),
        (Some("ForOwn"), Some("own"))
    );
    // Closing the replaced socket leaves the application with its new owner.
    first.close().await;
    eventually(|| !t.server.stasis.is_registered("own")).await;
    assert!(t.server.stasis.is_registered("shared"));
}

#[tokio::test]
async fn a_slow_consumer_is_disconnected_not_buffered() {
    let t = TestServer::start("[websocket]\nqueue_len = 4").await;
    // This socket never reads.
    let _slow = Ws::connect(&format!(
        "ws://{}/ari/events?app=slow&api_key=asterisk:asterisk",
        t.addr()
    ))
    .await;
    eventually(|| t.server.stasis.is_registered("slow")).await;
    let big = "x".repeat(64 * 1024);
    let mut sent = 0;
    while t.server.stasis.is_registered("slow") {
        let (s, _) = t
            .post_json(
                "/events/user/Flood?application=slow",
                json!({"variables": {"blob": big}}),
            )
            .await;
        assert!(s == 204 || s == 404, "{s}");
        sent += 1;
        assert!(sent < 2000, "the slow socket was never disconnected");
    }
    let (s, _) = t.get("/applications/slow").await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn a_dead_peer_is_detected_by_keepalive() {
    let t = TestServer::start("[websocket]\nping_interval_ms = 50\nidle_timeout_ms = 250").await;
    // A peer that answers pings (it reads) stays registered...
    let mut alive = t.ws("app=alive").await;
    let reader = tokio::spawn(async move { while alive.next().await.is_some() {} });
    // ...one that never reads never answers and is dropped.
    let _dead = Ws::connect(&format!(
        "ws://{}/ari/events?app=dead&api_key=asterisk:asterisk",
        t.addr()
    ))
    .await;
    eventually(|| t.server.stasis.is_registered("dead")).await;
    eventually(|| !t.server.stasis.is_registered("dead")).await;
    assert!(t.server.stasis.is_registered("alive"));
    reader.abort();
}

#[tokio::test]
async fn origins_are_checked() {
    let t = TestServer::start("allowed_origins = [\"http://console.example\"]").await;
    let url = format!(
        "ws://{}/ari/events?app=o&api_key=asterisk:asterisk",
        t.addr()
    );
    let mut req = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(
        url.as_str(),
    )
    .unwrap();
    req.headers_mut()
        .insert("origin", "http://evil.example".parse().unwrap());
    let err = tokio_tungstenite::connect_async(req).await.unwrap_err();
    assert!(err.to_string().contains("403"), "{err}");
    let mut req = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(
        url.as_str(),
    )
    .unwrap();
    req.headers_mut()
        .insert("origin", "http://console.example".parse().unwrap());
    assert!(tokio_tungstenite::connect_async(req).await.is_ok());
    let mut req = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(
        url.as_str(),
    )
    .unwrap();
    let same = format!("http://{}", t.addr());
    req.headers_mut().insert("origin", same.parse().unwrap());
    assert!(tokio_tungstenite::connect_async(req).await.is_ok());
}

#[tokio::test]
async fn asterisk_info_ping_and_globals() {
    let t = TestServer::start("entity_id = \"02:00:00:00:00:07\"\nsystem_name = \"lab\"").await;
    let (s, info) = t.get("/asterisk/info").await;
    assert_eq!(s, 200);
    for part in ["build", "system", "config", "status"] {
        assert!(info[part].is_object(), "{part} missing: {info}");
    }
    assert_eq!(info["system"]["entity_id"], "02:00:00:00:00:07");
    assert_eq!(info["config"]["name"], "lab");
    assert_eq!(info["config"]["default_language"], "en");
    let (_, info) = t.get("/asterisk/info?only=system,status").await;
    let keys: Vec<&String> = info.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["status", "system"]);

    let (s, ping) = t.get("/asterisk/ping").await;
    assert_eq!(s, 200);
    assert_eq!(ping["ping"], "pong");
    assert_eq!(ping["asterisk_id"], "02:00:00:00:00:07");
    assert!(ari_types::Timestamp::parse(ping["timestamp"].as_str().unwrap()).is_some());

    let (s, v) = t.get("/asterisk/variable?variable=COLOUR").await;
    assert_eq!((s, v), (200, json!({"value": ""})));
    let (s, _) = t
        .post("/asterisk/variable?variable=COLOUR&value=blue")
        .await;
    assert_eq!(s, 204);
    let (_, v) = t.get("/asterisk/variable?variable=COLOUR").await;
    assert_eq!(v, json!({"value": "blue"}));
    let (s, _) = t.get("/asterisk/variable").await;
    assert_eq!(s, 400);
    let (s, body) = t
        .get("/asterisk/config/dynamic/res_pjsip/endpoint/alice")
        .await;
    assert_eq!(s, 501);
    assert!(body["message"].is_string());
}

#[tokio::test]
async fn asterisk_modules() {
    let t = TestServer::start("").await;
    let (s, list) = t.get("/asterisk/modules").await;
    assert_eq!(s, 200);
    let list = list.as_array().unwrap();
    assert!(list.iter().any(|m| m["name"] == "res_stasis_broadcast.so"));
    for m in list {
        for k in [
            "name",
            "description",
            "use_count",
            "status",
            "support_level",
        ] {
            assert!(!m[k].is_null(), "{k} missing in {m}");
        }
    }
    let (s, m) = t.get("/asterisk/modules/res_stasis.so").await;
    assert_eq!((s, m["status"].as_str()), (200, Some("Running")));
    let (s, _) = t.get("/asterisk/modules/nope.so").await;
    assert_eq!(s, 404);
    let (s, _) = t.delete("/asterisk/modules/res_stasis.so").await;
    assert_eq!(s, 409, "built-in modules stay");
    let (s, _) = t.delete("/asterisk/modules/res_stasis_broadcast.so").await;
    assert_eq!(s, 204);
    let (s, _) = t.get("/asterisk/modules/res_stasis_broadcast.so").await;
    assert_eq!(s, 404);
    let (s, _) = t.delete("/asterisk/modules/res_stasis_broadcast.so").await;
    assert_eq!(s, 404);
    let (s, _) = t.put("/asterisk/modules/res_stasis_broadcast.so").await;
    assert_eq!(s, 404, "reloading an unloaded module");
    let (s, _) = t.post("/asterisk/modules/res_stasis_broadcast.so").await;
    assert_eq!(s, 204);
    let (s, _) = t.put("/asterisk/modules/res_stasis_broadcast.so").await;
    assert_eq!(s, 204);
    let (s, _) = t.post("/asterisk/modules/res_stasis_broadcast.so").await;
    assert_eq!(s, 409, "already loaded");
}

#[tokio::test]
async fn asterisk_logging() {
    let t = TestServer::start("").await;
    let (s, list) = t.get("/asterisk/logging").await;
    assert_eq!(s, 200);
    assert_eq!(
        list,
        json!([{"channel": "console", "type": "Console", "status": "Enabled", "configuration": "notice warning error"}])
    );
    let (s, _) = t
        .post("/asterisk/logging/calls.log?configuration=warning,error")
        .await;
    assert_eq!(s, 204);
    assert!(t.dir.join("logs/calls.log").exists());
    let (s, _) = t
        .post("/asterisk/logging/calls.log?configuration=notice")
        .await;
    assert_eq!(s, 409);
    let (s, _) = t
        .post("/asterisk/logging/other.log?configuration=shouting")
        .await;
    assert_eq!(s, 400);
    let (s, _) = t.post("/asterisk/logging/other.log").await;
    assert_eq!(s, 400, "configuration is required");
    let (_, list) = t.get("/asterisk/logging").await;
    assert_eq!(list[1]["channel"], "calls.log");
    assert_eq!(list[1]["type"], "File");
    assert_eq!(list[1]["configuration"], "warning error");
    let (s, _) = t.put("/asterisk/logging/calls.log/rotate").await;
    assert_eq!(s, 204);
    assert!(t.dir.join("logs/calls.log.1").exists());
    let (s, _) = t.put("/asterisk/logging/none.log/rotate").await;
    assert_eq!(s, 404);
    let (s, _) = t.delete("/asterisk/logging/calls.log").await;
    assert_eq!(s, 204);
    let (s, _) = t.delete("/asterisk/logging/calls.log").await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn api_documents_are_served() {
    let t = TestServer::start("").await;
    let (s, listing) = t.get("/api-docs/resources.json").await;
    assert_eq!(s, 200);
    assert_eq!(listing["swaggerVersion"], "1.2");
    assert_eq!(listing["basePath"], format!("http://{}/ari", t.addr()));
    let apis = listing["apis"].as_array().unwrap();
    assert_eq!(apis.len(), ari_spec::RESOURCES.len());
    for api in apis {
        let path = api["path"].as_str().unwrap().replace(".{format}", ".json");
        let (s, decl) = t.get(&path).await;
        assert_eq!(s, 200, "{path}");
        assert!(
            decl["apis"].as_array().is_some_and(|a| !a.is_empty()),
            "{path}"
        );
        assert!(decl["models"].is_object(), "{path}");
    }
    let (_, channels) = t.get("/api-docs/channels.json").await;
    let originate = channels["apis"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["operations"].as_array().unwrap())
        .find(|o| o["nickname"] == "originate")
        .unwrap();
    assert_eq!(originate["httpMethod"], "POST");
    assert_eq!(originate["responseClass"], "Channel");
    let (s, _) = t.get("/api-docs/nothing.json").await;
    assert_eq!(s, 404);
    let (s, openapi) = t.get("/openapi.json").await;
    assert_eq!(s, 200);
    assert!(openapi["openapi"].as_str().unwrap().starts_with("3."));
    assert!(openapi["paths"]["/channels"]["post"].is_object());
    // Documents need credentials like everything else.
    let (s, _) = send(t.http.get(t.url("/api-docs/resources.json"))).await;
    assert_eq!(s, 401);
}

#[tokio::test]
async fn stopping_the_server_closes_websockets() {
    let mut t = TestServer::start("").await;
    let mut ws = t.ws("app=bye").await;
    eventually(|| t.server.stasis.is_registered("bye")).await;
    t.running.take().unwrap().stop().await;
    assert!(ws.next().await.is_none(), "the socket closes");
    eventually(|| !t.server.stasis.is_registered("bye")).await;
}
