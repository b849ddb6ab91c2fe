//! The client against a real `ari-server` started in-process.
//!
//! Operations the server does not implement yet answer 501; [`implemented`]
//! turns that into `None` so the assertions that follow run by themselves the
//! day the server implements the operation.

mod common;

use ari_client::types::*;
use ari_client::{
    ApiErrorKind, ClaimOutcome, Client, ConnectionEvent, ConnectionState, Error, Reconnect,
};
use common::{eventually, within, TestServer};
use futures_util::StreamExt;
use std::collections::BTreeSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

fn client(server: &TestServer) -> Client {
    Client::builder(server.url(), "asterisk", "asterisk")
        .reconnect(Reconnect {
            initial_delay: Duration::from_millis(20),
            max_delay: Duration::from_millis(200),
            ..Reconnect::default()
        })
        .build()
        .unwrap()
}

/// The value of an operation that must work (every feature these tests use
/// is implemented by the server now: a 501 fails the test like any error).
fn implemented<T>(what: &str, r: ari_client::Result<T>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => panic!("{what}: {e}"),
    }
}

type Call<'a> = Pin<Box<dyn Future<Output = ari_client::Result<()>> + Send + 'a>>;

macro_rules! op {
    ($res:literal, $nick:literal, $call:expr) => {
        (
            $res,
            $nick,
            Box::pin(async move { $call.await.map(|_| ()) }) as Call<'_>,
        )
    };
}

/// Operations whose documented 400 is about the resource's state (there is
/// no transfer in progress), which the test cannot set up.
const STATE_400: &[(&str, &str)] = &[("channels", "transfer_progress")];

/// Calls every operation of the API (but the WebSocket, which `start`
/// opens) with valid arguments. Each must get through the server's
/// validation: the answer is success, 501 (not implemented yet), 404 (the
/// named resource does not exist) or another error the operation documents;
/// never 400 (a parameter the client sent wrongly) or 405.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_reaches_the_server_with_valid_parameters() {
    let server = TestServer::start();
    let owned = client(&server);
    owned.start("every").await.unwrap();
    let c = &owned;
    let calls: Vec<(&str, &str, Call<'_>)> = vec![
        op!(
            "asterisk",
            "getObject",
            c.asterisk().get_object("res_pjsip", "endpoint", "alice")
        ),
        op!(
            "asterisk",
            "updateObject",
            c.asterisk()
                .update_object("res_pjsip", "endpoint", "alice")
                .fields([ConfigTuple {
                    attribute: "allow".into(),
                    value: "ulaw".into()
                }])
        ),
        op!(
            "asterisk",
            "deleteObject",
            c.asterisk().delete_object("res_pjsip", "endpoint", "alice")
        ),
        op!(
            "asterisk",
            "getInfo",
            c.asterisk().get_info().only(["build", "system"])
        ),
        op!("asterisk", "ping", c.asterisk().ping()),
        op!("asterisk", "listModules", c.asterisk().list_modules()),
        op!(
            "asterisk",
            "getModule",
            c.asterisk().get_module("res_stasis_broadcast.so")
        ),
        op!(
            "asterisk",
            "reloadModule",
            c.asterisk().reload_module("res_stasis_broadcast.so")
        ),
        op!(
            "asterisk",
            "unloadModule",
            c.asterisk().unload_module("res_stasis_broadcast.so")
        ),
        op!(
            "asterisk",
            "loadModule",
            c.asterisk().load_module("res_stasis_broadcast.so")
        ),
        op!(
            "asterisk",
            "listLogChannels",
            c.asterisk().list_log_channels()
        ),
        op!(
            "asterisk",
            "addLog",
            c.asterisk().add_log("client-test", "notice,warning")
        ),
        op!(
            "asterisk",
            "rotateLog",
            c.asterisk().rotate_log("client-test")
        ),
        op!(
            "asterisk",
            "deleteLog",
            c.asterisk().delete_log("client-test")
        ),
        op!(
            "asterisk",
            "setGlobalVar",
            c.asterisk().set_global_var("CLIENT_X").value("1")
        ),
        op!(
            "asterisk",
            "getGlobalVar",
            c.asterisk().get_global_var("CLIENT_X")
        ),
        op!("endpoints", "list", c.endpoints().list()),
        op!(
            "endpoints",
            "sendMessage",
            c.endpoints()
                .send_message("pjsip:alice", "pjsip:bob")
                .body("hi")
                .variable("X-Key", "v")
        ),
        op!(
            "endpoints",
            "refer",
            c.endpoints()
                .refer("pjsip:alice", "pjsip:bob", "sip:carol@example.org")
                .to_self(false)
        ),
        op!(
            "endpoints",
            "listByTech",
            c.endpoints().list_by_tech("Local")
        ),
        op!("endpoints", "get", c.endpoints().get("PJSIP", "alice")),
        op!(
            "endpoints",
            "sendMessageToEndpoint",
            c.endpoints()
                .send_message_to_endpoint("PJSIP", "alice", "pjsip:bob")
                .body("hi")
        ),
        op!(
            "endpoints",
            "referToEndpoint",
            c.endpoints()
                .refer_to_endpoint("PJSIP", "alice", "pjsip:bob", "sip:carol@example.org")
        ),
        op!("channels", "list", c.channels().list()),
        op!(
            "channels",
            "originate",
            c.channels()
                .originate("Local/answer@default")
                .app("every")
                .app_args("a,b")
                .caller_id("Alice <100>")
                .timeout(5)
                .variable("X", "1")
                .channel_id("every-1")
                .other_channel_id("every-1b")
        ),
        op!(
            "channels",
            "create",
            c.channels()
                .create("Local/answer@default", "every")
                .channel_id("every-2")
        ),
        op!("channels", "get", c.channels().get("every-1")),
        op!(
            "channels",
            "originateWithId",
            c.channels()
                .originate_with_id("every-3", "Local/answer@default")
                .context("default")
                .extension("answer")
                .priority(1)
        ),
        op!(
            "channels",
            "continueInDialplan",
            c.channels()
                .continue_in_dialplan("every-1")
                .context("default")
                .extension("answer")
                .priority(1)
        ),
        op!(
            "channels",
            "move",
            c.channels().move_to("every-1", "every").app_args("moved")
        ),
        op!(
            "channels",
            "redirect",
            c.channels().redirect("every-1", "Local/answer@default")
        ),
        op!("channels", "answer", c.channels().answer("every-1")),
        op!("channels", "ring", c.channels().ring("every-1")),
        op!("channels", "ringStop", c.channels().ring_stop("every-1")),
        op!("channels", "progress", c.channels().progress("every-1")),
        op!(
            "channels",
            "sendDTMF",
            c.channels().send_dtmf("every-1").dtmf("12#").between(50)
        ),
        op!(
            "channels",
            "mute",
            c.channels().mute("every-1").direction("in")
        ),
        op!(
            "channels",
            "unmute",
            c.channels().unmute("every-1").direction("in")
        ),
        op!("channels", "hold", c.channels().hold("every-1")),
        op!("channels", "unhold", c.channels().unhold("every-1")),
        op!(
            "channels",
            "startMoh",
            c.channels().start_moh("every-1").moh_class("default")
        ),
        op!("channels", "stopMoh", c.channels().stop_moh("every-1")),
        op!(
            "channels",
            "startSilence",
            c.channels().start_silence("every-1")
        ),
        op!(
            "channels",
            "stopSilence",
            c.channels().stop_silence("every-1")
        ),
        op!(
            "channels",
            "play",
            c.channels()
                .play("every-1", "sound:hello-world")
                .lang("en")
                .playback_id("every-pb-1")
        ),
        op!(
            "channels",
            "playWithId",
            c.channels()
                .play_with_id("every-1", "every-pb-2", ["sound:hello-world", "digits:12"])
                .skipms(1000)
                .speed(1.0)
        ),
        op!(
            "channels",
            "record",
            c.channels()
                .record("every-1", "every-rec", "wav")
                .max_duration_seconds(1)
                .if_exists("overwrite")
                .beep(false)
                .terminate_on("#")
        ),
        op!(
            "channels",
            "getChannelVar",
            c.channels().get_channel_var("every-1", "X")
        ),
        op!(
            "channels",
            "setChannelVar",
            c.channels().set_channel_var("every-1", "X").value("2")
        ),
        op!(
            "channels",
            "snoopChannel",
            c.channels()
                .snoop_channel("every-1", "every")
                .spy("in")
                .snoop_id("every-snoop-1")
        ),
        op!(
            "channels",
            "snoopChannelWithId",
            c.channels()
                .snoop_channel_with_id("every-1", "every-snoop-2", "every")
                .whisper("out")
        ),
        op!("channels", "dial", c.channels().dial("every-2").timeout(5)),
        op!(
            "channels",
            "rtpstatistics",
            c.channels().rtpstatistics("every-1")
        ),
        op!(
            "channels",
            "externalMedia",
            c.channels()
                .external_media("every", "ulaw")
                .external_host("127.0.0.1:40000")
                .channel_id("every-ext")
        ),
        op!(
            "channels",
            "transfer_progress",
            c.channels()
                .transfer_progress("every-1", "channel_answered")
        ),
        op!(
            "channels",
            "hangup",
            c.channels().hangup("every-3").reason("normal")
        ),
        op!("bridges", "list", c.bridges().list()),
        op!(
            "bridges",
            "create",
            c.bridges()
                .create()
                .bridge_type("mixing")
                .name("every")
                .bridge_id("every-br-1")
        ),
        op!(
            "bridges",
            "createWithId",
            c.bridges()
                .create_with_id("every-br-2")
                .bridge_type("holding")
        ),
        op!("bridges", "get", c.bridges().get("every-br-1")),
        op!(
            "bridges",
            "addChannel",
            c.bridges()
                .add_channel("every-br-1", ["every-1", "every-2"])
                .role("participant")
                .absorb_dtmf(false)
                .mute(false)
                .inhibit_connected_line_updates(false)
        ),
        op!(
            "bridges",
            "removeChannel",
            c.bridges().remove_channel("every-br-1", "every-2")
        ),
        op!(
            "bridges",
            "setVideoSource",
            c.bridges().set_video_source("every-br-1", "every-1")
        ),
        op!(
            "bridges",
            "clearVideoSource",
            c.bridges().clear_video_source("every-br-1")
        ),
        op!(
            "bridges",
            "startMoh",
            c.bridges().start_moh("every-br-2").moh_class("default")
        ),
        op!("bridges", "stopMoh", c.bridges().stop_moh("every-br-2")),
        op!(
            "bridges",
            "play",
            c.bridges()
                .play("every-br-1", "sound:hello-world")
                .playback_id("every-pb-3")
        ),
        op!(
            "bridges",
            "playWithId",
            c.bridges()
                .play_with_id("every-br-1", "every-pb-4", "tone:ring")
        ),
        op!(
            "bridges",
            "record",
            c.bridges()
                .record("every-br-1", "every-br-rec", "wav")
                .max_silence_seconds(2)
        ),
        op!("bridges", "destroy", c.bridges().destroy("every-br-2")),
        op!("recordings", "listStored", c.recordings().list_stored()),
        op!(
            "recordings",
            "getStored",
            c.recordings().get_stored("every-rec")
        ),
        op!(
            "recordings",
            "getStoredFile",
            c.recordings().get_stored_file("every-rec")
        ),
        op!(
            "recordings",
            "copyStored",
            c.recordings().copy_stored("every-rec", "every-rec-copy")
        ),
        op!(
            "recordings",
            "deleteStored",
            c.recordings().delete_stored("every-rec-copy")
        ),
        op!(
            "recordings",
            "getLive",
            c.recordings().get_live("every-br-rec")
        ),
        op!("recordings", "pause", c.recordings().pause("every-br-rec")),
        op!(
            "recordings",
            "unpause",
            c.recordings().unpause("every-br-rec")
        ),
        op!("recordings", "mute", c.recordings().mute("every-br-rec")),
        op!(
            "recordings",
            "unmute",
            c.recordings().unmute("every-br-rec")
        ),
        op!("recordings", "stop", c.recordings().stop("every-br-rec")),
        op!(
            "recordings",
            "cancel",
            c.recordings().cancel("every-br-rec")
        ),
        op!("sounds", "list", c.sounds().list().lang("en").format("gsm")),
        op!("sounds", "get", c.sounds().get("hello-world")),
        op!("playbacks", "get", c.playbacks().get("every-pb-1")),
        op!(
            "playbacks",
            "control",
            c.playbacks().control("every-pb-1", "pause")
        ),
        op!("playbacks", "stop", c.playbacks().stop("every-pb-1")),
        op!("deviceStates", "list", c.device_states().list()),
        op!(
            "deviceStates",
            "update",
            c.device_states().update("Stasis:every", "INUSE")
        ),
        op!("deviceStates", "get", c.device_states().get("Stasis:every")),
        op!(
            "deviceStates",
            "delete",
            c.device_states().delete("Stasis:every")
        ),
        op!("mailboxes", "list", c.mailboxes().list()),
        op!(
            "mailboxes",
            "update",
            c.mailboxes().update("every@default", 1, 2)
        ),
        op!("mailboxes", "get", c.mailboxes().get("every@default")),
        op!("mailboxes", "delete", c.mailboxes().delete("every@default")),
        op!(
            "events",
            "userEvent",
            c.events()
                .user_event("Doorbell", "every")
                .source("channel:")
                .variable("room", "kitchen")
        ),
        op!(
            "events",
            "claimChannel",
            c.events().claim_channel("every-1", "every")
        ),
        op!("applications", "list", c.applications().list()),
        op!("applications", "get", c.applications().get("every")),
        op!(
            "applications",
            "subscribe",
            c.applications().subscribe("every", ["channel:", "bridge:"])
        ),
        op!(
            "applications",
            "unsubscribe",
            c.applications().unsubscribe("every", "bridge:")
        ),
        op!(
            "applications",
            "filter",
            c.applications().filter("every").filter(
                serde_json::json!({"allowed": [{"type": "StasisStart"}]})
                    .as_object()
                    .unwrap()
                    .clone()
            )
        ),
    ];

    let covered: BTreeSet<(&str, &str)> = calls.iter().map(|(r, n, _)| (*r, *n)).collect();
    let spec: BTreeSet<(&str, &str)> = ari_spec::operations()
        .filter(|(_, o)| !o.websocket)
        .map(|(r, o)| (r.name, o.nickname))
        .collect();
    assert_eq!(covered, spec, "the test calls every operation once");

    let (mut worked, mut pending, mut refused, mut failures) = (0, Vec::new(), 0, Vec::new());
    for (res, nick, call) in calls {
        let documented: Vec<u16> = ari_spec::find(res, nick)
            .unwrap()
            .errors
            .iter()
            .map(|e| e.code)
            .collect();
        match within(call).await {
            Ok(()) => worked += 1,
            Err(Error::Api(e)) if e.status == 501 => pending.push(format!("{res}.{nick}")),
            // A documented 400 that is about the resource's state, not a parameter.
            Err(Error::Api(e)) if e.status == 400 && STATE_400.contains(&(res, nick)) => {
                refused += 1
            }
            Err(Error::Api(e))
                if e.status == 404 || (e.status != 400 && documented.contains(&e.status)) =>
            {
                refused += 1
            }
            Err(e) => failures.push(format!("{res}.{nick}: {e}")),
        }
    }
    eprintln!(
        "{worked} worked, {refused} refused as documented, {} not implemented by the server yet: {}",
        pending.len(),
        pending.join(" ")
    );
    assert!(failures.is_empty(), "{failures:#?}");
    // Only dynamic configuration (sorcery objects) is not implemented.
    assert_eq!(
        pending,
        [
            "asterisk.getObject",
            "asterisk.updateObject",
            "asterisk.deleteObject"
        ],
        "operations answering 501"
    );
    owned.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn asterisk_operations_answer_typed_values_and_errors() {
    let server = TestServer::start();
    let c = client(&server);
    let ping = c.asterisk().ping().await.unwrap();
    assert_eq!(ping.ping, "pong");
    let info = c.asterisk().get_info().only("system").await.unwrap();
    assert!(info.system.is_some() && info.build.is_none() && info.status.is_none());
    let modules = c.asterisk().list_modules().await.unwrap();
    assert!(!modules.is_empty());
    let core = modules.iter().find(|m| m.support_level == "core").unwrap();

    // 404 and 409 are told apart by kind, without looking at the message.
    let missing = c
        .asterisk()
        .get_module("no_such_module.so")
        .await
        .unwrap_err();
    assert_eq!(missing.api_kind(), Some(ApiErrorKind::NotFound));
    assert!(missing.is_not_found());
    let refused = c.asterisk().unload_module(&core.name).await.unwrap_err();
    assert_eq!(refused.api_kind(), Some(ApiErrorKind::Conflict));
    match refused {
        Error::Api(e) => assert!(!e.message.is_empty(), "the server's message is kept"),
        other => panic!("{other}"),
    }

    c.asterisk()
        .set_global_var("CLIENT_GV")
        .value("forty two")
        .await
        .unwrap();
    let v = c.asterisk().get_global_var("CLIENT_GV").await.unwrap();
    assert_eq!(v.value, "forty two");

    c.asterisk()
        .add_log("client-log", "notice,warning")
        .await
        .unwrap();
    let dup = c
        .asterisk()
        .add_log("client-log", "notice")
        .await
        .unwrap_err();
    assert!(dup.is_conflict());
    let logs = c.asterisk().list_log_channels().await.unwrap();
    assert!(
        logs.iter().any(|l| l.channel.contains("client-log")),
        "{logs:?}"
    );
    c.asterisk().rotate_log("client-log").await.unwrap();
    c.asterisk().delete_log("client-log").await.unwrap();
    let gone = c.asterisk().delete_log("client-log").await.unwrap_err();
    assert_eq!(gone.status(), Some(404));

    // A missing required value is the server's 400, typed.
    let bad = c.asterisk().get_global_var("").await.unwrap_err();
    assert_eq!(bad.api_kind(), Some(ApiErrorKind::BadRequest));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn applications_user_events_and_listeners_of_every_kind() {
    let server = TestServer::start();
    let c = client(&server);
    // A handle for the application before it is registered.
    let app = c.application("live-app");
    let mut from_handle = app.listen::<ChannelUserevent>();
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let on = c.on::<ChannelUserevent>(move |ev, _client| {
        assert_eq!(ev.eventname, "Doorbell");
        counted.fetch_add(1, Ordering::SeqCst);
    });
    let once = c.once::<ChannelUserevent>();
    let mut stream = c.event_stream();
    c.start("live-app").await.unwrap();
    assert_eq!(c.connection_state(), ConnectionState::Connected);
    assert!(matches!(c.start("again").await, Err(Error::AlreadyStarted)));

    let apps = c.applications().list().await.unwrap();
    assert!(apps.iter().any(|a| a.name == "live-app"), "{apps:?}");
    let got = app.get().await.unwrap();
    assert_eq!(got.name, "live-app");
    let sub = app.subscribe("deviceState:Stasis:lamp").await.unwrap();
    assert!(
        sub.device_names.contains(&"Stasis:lamp".to_string()),
        "{sub:?}"
    );
    let unsub = app.unsubscribe("deviceState:Stasis:lamp").await.unwrap();
    assert!(unsub.device_names.is_empty());
    let filter = serde_json::json!({"allowed": [{"type": "ChannelUserevent"}]});
    let filtered = app
        .filter()
        .filter(filter.as_object().unwrap().clone())
        .await
        .unwrap();
    assert_eq!(filtered.events_allowed.len(), 1);
    let missing = c.applications().get("nobody").await.unwrap_err();
    assert!(missing.is_not_found());

    c.events()
        .user_event("Doorbell", "live-app")
        .variables([("room", "kitchen"), ("floor", "1")])
        .await
        .unwrap();
    let ev = within(once).await.unwrap();
    assert_eq!(ev.application, "live-app");
    assert_eq!(ev.userevent["room"], "kitchen");
    assert_eq!(ev.userevent["floor"], "1");
    let ev = within(from_handle.next()).await.unwrap();
    assert_eq!(ev.eventname, "Doorbell");
    let frame = within(stream.next()).await.unwrap();
    assert_eq!(frame.type_name(), Some("ChannelUserevent"));
    eventually(|| calls.load(Ordering::SeqCst) == 1).await;

    // A user event for an application that is not registered: 404.
    let err = c
        .events()
        .user_event("Doorbell", "nobody")
        .await
        .unwrap_err();
    assert_eq!(err.api_kind(), Some(ApiErrorKind::NotFound));
    drop(on);
    c.stop().await;
    assert_eq!(c.connection_state(), ConnectionState::Stopped);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_credentials_are_a_typed_401() {
    let server = TestServer::start();
    let c = Client::new(server.url(), "asterisk", "wrong").unwrap();
    let err = c.asterisk().ping().await.unwrap_err();
    assert_eq!(err.api_kind(), Some(ApiErrorKind::Unauthorized));
    let err = c.start("x").await.unwrap_err();
    assert_eq!(err.status(), Some(401), "{err}");
    assert!(Client::new("ftp://x", "a", "b").is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listeners_leave_nothing_behind_when_dropped() {
    let server = TestServer::start();
    let c = client(&server);
    c.start("leaks").await.unwrap();
    assert_eq!(c.listener_count(), 0);

    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let guard = c.on::<ChannelUserevent>(move |_, _| {
        h.fetch_add(1, Ordering::SeqCst);
    });
    let once = c.once::<StasisStart>();
    let listen = c.listen::<StasisEnd>();
    let stream = c.event_stream();
    assert_eq!(c.listener_count(), 4);
    drop((once, listen, stream));
    assert_eq!(c.listener_count(), 1);

    // A detached client-level listener stays until removed by id.
    let h = hits.clone();
    let id = c
        .on::<ChannelUserevent>(move |_, _| {
            h.fetch_add(100, Ordering::SeqCst);
        })
        .detach();
    let barrier = c.once::<ChannelUserevent>();
    c.events().user_event("A", "leaks").await.unwrap();
    within(barrier).await.unwrap();
    assert_eq!(hits.load(Ordering::SeqCst), 101);
    assert!(c.remove_listener(id));
    assert!(!c.remove_listener(id));
    guard.remove();
    assert_eq!(c.listener_count(), 0);

    // Removed listeners are not called any more.
    let barrier = c.once::<ChannelUserevent>();
    c.events().user_event("B", "leaks").await.unwrap();
    within(barrier).await.unwrap();
    assert_eq!(hits.load(Ordering::SeqCst), 101);

    // Handle-level: detached listeners go with the last clone of the handle.
    let channel = c.channel("some-channel");
    let copy = channel.clone();
    channel.on::<ChannelDtmfReceived>(|_, _| {}).detach();
    let kept = channel.on::<StasisEnd>(|_, _| {}).detach();
    let _guarded = channel.on::<ChannelHangupRequest>(|_, _| {});
    assert_eq!(c.listener_count(), 3);
    assert!(copy.remove_listener(kept));
    drop(_guarded);
    assert_eq!(c.listener_count(), 1);
    drop(channel);
    assert_eq!(c.listener_count(), 1, "a clone still holds the handle");
    drop(copy);
    assert_eq!(c.listener_count(), 0);

    // Many short-lived handles, as a long-running application makes.
    for i in 0..1000 {
        let ch = c.channel(format!("call-{i}"));
        ch.on::<StasisEnd>(|_, _| {}).detach();
        let _once = ch.once::<ChannelDestroyed>();
        let _events = ch.events();
    }
    assert_eq!(c.listener_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconnects_after_the_server_restarts_and_registers_again() {
    let first = TestServer::start();
    let port = first.addr.port();
    let c = client(&first);
    let mut states = c.connection_events();
    let mut userevents = c.listen::<ChannelUserevent>();
    c.start(["restart-a", "restart-b"]).await.unwrap();
    assert_eq!(
        within(states.next()).await,
        Some(ConnectionEvent::Connected { reconnected: false })
    );

    first.stop().await;
    assert!(matches!(
        within(states.next()).await,
        Some(ConnectionEvent::Lost { .. })
    ));
    // With the port closed, attempts fail and the count goes up.
    let mut attempts = Vec::new();
    while attempts.len() < 2 {
        if let Some(ConnectionEvent::Reconnecting { attempt, .. }) = within(states.next()).await {
            attempts.push(attempt);
        }
    }
    assert_eq!(attempts, [1, 2]);

    let second = TestServer::start_on(port);
    loop {
        match within(states.next()).await.unwrap() {
            ConnectionEvent::Connected { reconnected } => {
                assert!(reconnected);
                break;
            }
            ConnectionEvent::Reconnecting { .. } => {}
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(c.connection_state(), ConnectionState::Connected);
    // The new server knows both applications again.
    let names: Vec<String> = c
        .applications()
        .list()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert!(names.contains(&"restart-a".to_string()), "{names:?}");
    assert!(names.contains(&"restart-b".to_string()), "{names:?}");
    // Listeners made before the restart still receive events.
    c.events().user_event("Back", "restart-b").await.unwrap();
    let ev = within(userevents.next()).await.unwrap();
    assert_eq!(
        (ev.eventname.as_str(), ev.application.as_str()),
        ("Back", "restart-b")
    );

    c.stop().await;
    assert_eq!(within(states.next()).await, Some(ConnectionEvent::Stopped));
    second.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gives_up_after_the_allowed_attempts() {
    let server = TestServer::start();
    let c = Client::builder(server.url(), "asterisk", "asterisk")
        .reconnect(Reconnect {
            initial_delay: Duration::from_millis(10),
            max_attempts: Some(2),
            ..Reconnect::default()
        })
        .build()
        .unwrap();
    let mut states = c.connection_events();
    c.start("give-up").await.unwrap();
    server.stop().await;
    let mut seen = Vec::new();
    loop {
        let ev = within(states.next()).await.unwrap();
        let done = matches!(ev, ConnectionEvent::GaveUp { .. });
        seen.push(ev);
        if done {
            break;
        }
    }
    assert!(matches!(seen[0], ConnectionEvent::Connected { .. }));
    assert!(matches!(seen[1], ConnectionEvent::Lost { .. }));
    assert!(matches!(
        seen[2],
        ConnectionEvent::Reconnecting { attempt: 1, .. }
    ));
    assert!(matches!(
        seen[3],
        ConnectionEvent::Reconnecting { attempt: 2, .. }
    ));
    assert!(matches!(
        seen[4],
        ConnectionEvent::GaveUp { attempts: 2, .. }
    ));
    assert_eq!(c.connection_state(), ConnectionState::GaveUp);
    // It may be started again once the server is back.
    let again = TestServer::start();
    let c2 = client(&again);
    c2.start("give-up").await.unwrap();
}

/// A channel handle made before the channel exists: its listeners are in
/// place before `originate` sends anything, so `StasisStart` cannot be missed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handles_made_before_the_resource_receive_its_first_events() {
    let server = TestServer::start();
    let c = client(&server);
    c.start("early").await.unwrap();

    let channel = c.new_channel();
    let started = channel.once::<StasisStart>();
    let mut events = channel.events();
    let Some(snapshot) = implemented(
        "channels.originate",
        channel
            .originate("Local/answer@default")
            .app("early")
            .app_args("first,second")
            .variable("GREETING", "hi")
            .await,
    ) else {
        return;
    };
    assert_eq!(snapshot.id, channel.id());
    let start = within(started).await.unwrap();
    assert_eq!(start.channel.id, channel.id());
    assert_eq!(start.args, ["first", "second"]);
    let first = within(events.next()).await.unwrap();
    assert!(first.type_name().is_some());

    // Operations bound to the handle.
    if let Some(v) = implemented(
        "channels.getChannelVar",
        channel.get_channel_var("GREETING").await,
    ) {
        assert_eq!(v.value, "hi");
    }
    if implemented(
        "channels.setChannelVar",
        channel.set_channel_var("MOOD").value("good").await,
    )
    .is_some()
    {
        assert_eq!(channel.get_channel_var("MOOD").await.unwrap().value, "good");
    }
    let got = channel.get().await.unwrap();
    assert_eq!(got.id, channel.id());

    // Playback handle before the playback.
    let playback = c.new_playback();
    let finished = playback.once::<PlaybackFinished>();
    if let Some(p) = implemented(
        "channels.play",
        channel
            .play("tone:ring;tonezone=us")
            .playback_id(playback.id())
            .await,
    ) {
        assert_eq!(p.id, playback.id());
        let _ = playback.stop().await;
        within(finished).await.unwrap();
    }

    // Bridge handle before the bridge.
    let bridge = c.new_bridge();
    let entered = bridge.once::<ChannelEnteredBridge>();
    if let Some(b) = implemented(
        "bridges.create",
        bridge.create().bridge_type("mixing").await,
    ) {
        assert_eq!(b.id, bridge.id());
        bridge.add_channel(channel.id()).await.unwrap();
        let e = within(entered).await.unwrap();
        assert_eq!(
            e.channel.as_ref().map(|c| c.id.as_str()),
            Some(channel.id())
        );
        bridge.destroy().await.unwrap();
    }

    let destroyed = channel.once::<ChannelDestroyed>();
    channel.hangup().await.unwrap();
    within(destroyed).await.unwrap();
    let err = channel.answer().await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
}

/// Two agents are offered one call by `StasisBroadcast()`; both claim it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broadcast_claims_are_won_once() {
    let dir = std::env::temp_dir().join(format!("ari-client-pool-{}", ari_client::random_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let conf = dir.join("pool.conf");
    std::fs::write(
        &conf,
        "[default]\nexten => answer,1,Answer()\n same => n,Wait(3600)\n\
         [pool]\nexten => _X.,1,StasisBroadcast(5000,^pool-,,yes)\n same => n,Hangup()\n",
    )
    .unwrap();
    let server =
        TestServer::start_with(0, &format!("dialplan = {:?}\n", conf.display().to_string()));
    let a = client(&server);
    let b = client(&server);
    let offers_a = a.once::<CallBroadcast>();
    let offers_b = b.once::<CallBroadcast>();
    let claimed_a = a.once::<CallClaimed>();
    let started: Vec<_> = [&a, &b].iter().map(|c| c.once::<StasisStart>()).collect();
    a.start("pool-a").await.unwrap();
    b.start("pool-b").await.unwrap();
    let Some(_caller) = implemented(
        "channels.originate",
        a.channels()
            .originate("Local/1000@pool")
            .extension("answer")
            .await,
    ) else {
        return;
    };
    let (offer_a, offer_b) = (
        within(offers_a).await.unwrap(),
        within(offers_b).await.unwrap(),
    );
    assert_eq!(offer_a.channel.id, offer_b.channel.id);
    let (ra, rb) = tokio::join!(a.claim_broadcast(&offer_a), b.claim_broadcast(&offer_b));
    let mut outcomes = [ra.unwrap(), rb.unwrap()];
    outcomes.sort_by_key(|o| *o == ClaimOutcome::Won);
    assert_eq!(outcomes, [ClaimOutcome::AlreadyClaimed, ClaimOutcome::Won]);
    let winner = within(claimed_a).await.unwrap().winner_app.clone();
    assert!(winner == "pool-a" || winner == "pool-b");
    // The winner's application gets the channel.
    let mut started = started;
    let start = if winner == "pool-a" {
        started.remove(0)
    } else {
        started.remove(1)
    };
    assert_eq!(within(start).await.unwrap().channel.id, offer_a.channel.id);
    // A late claim of the claimed channel is refused, not won.
    let late = a.claim(&offer_a.channel.id, "pool-a").await.unwrap();
    assert_ne!(late, ClaimOutcome::Won);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claims_tell_won_taken_and_missing_apart() {
    let server = TestServer::start();
    let c = client(&server);
    c.start("claimer").await.unwrap();
    assert_eq!(
        c.claim("no-such-channel", "claimer").await.unwrap(),
        ClaimOutcome::NotFound
    );
    let via_handle = c.channel("no-such-channel").claim("claimer").await;
    assert!(
        matches!(via_handle, Ok(ClaimOutcome::NotFound)),
        "{via_handle:?}"
    );
}
