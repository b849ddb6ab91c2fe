//! The events WebSocket: `GET /ari/events?app=a,b[&subscribeAll=true]`.
//!
//! Each socket registers its applications with Stasis and owns one bounded
//! queue of serialized events. Its task writes the queue out, sends keep-alive
//! pings, and ends the socket when the peer goes quiet for longer than the
//! idle timeout, closes, or lets its queue overflow. Ending it unregisters the
//! applications it still holds.

use super::error::{AriError, Reply};
use super::params::Params;
use crate::stasis::{Connection, Outgoing};
use crate::Server;
use ari_types::{Event, RestRequest, RestResponse};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, Notify};
use tokio::time::Instant;

/// Runs a `RESTRequest` received on the socket and builds its `RESTResponse`.
async fn rest_response(server: &Arc<Server>, read_only: bool, app: &str, r: RestRequest) -> String {
    let query: Vec<(String, String)> = r
        .query_strings
        .unwrap_or_default()
        .into_iter()
        .map(|q| (q.name, q.value))
        .collect();
    let content_type = r.content_type.clone().unwrap_or_default();
    let body = r.message_body.clone().unwrap_or_default();
    let result = super::rest_request(
        server,
        read_only,
        &r.method,
        &r.uri,
        query,
        &content_type,
        body.as_bytes(),
    )
    .await;
    let (status, content_type, body) = match result {
        Ok(Reply::Json(status, body)) => (status, Some("application/json"), Some(body)),
        Ok(Reply::Created(_, body)) => (StatusCode::CREATED, Some("application/json"), Some(body)),
        Ok(Reply::Empty(status)) => (status, None, None),
        Ok(Reply::Bytes(content_type, body)) => (StatusCode::OK, Some(content_type), Some(body)),
        Err(e) => (
            e.status,
            Some("application/json"),
            Some(
                serde_json::to_vec(&serde_json::json!({ "message": e.message }))
                    .unwrap_or_default(),
            ),
        ),
    };
    let event = Event::RestResponse(RestResponse {
        transaction_id: r.transaction_id,
        request_id: r.request_id,
        status_code: status.as_u16() as i64,
        reason_phrase: status.canonical_reason().unwrap_or("").to_string(),
        uri: r.uri,
        content_type: content_type.map(str::to_string),
        message_body: body.map(|b| String::from_utf8_lossy(&b).into_owned()),
    });
    let message = ari_types::Message {
        event,
        timestamp: ari_types::Timestamp::now(),
        asterisk_id: Some(server.asterisk_id.clone()),
        application: app.to_string(),
    };
    serde_json::to_string(&message).unwrap_or_default()
}

/// Refuses browser origins that are neither same-origin nor configured.
pub(super) fn check_origin(server: &Server, headers: &HeaderMap) -> Result<(), AriError> {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return Ok(());
    };
    let allowed = &server.config.allowed_origins;
    if allowed
        .iter()
        .any(|a| a == "*" || a.eq_ignore_ascii_case(origin))
    {
        return Ok(());
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let origin_host = origin.split_once("://").map_or(origin, |(_, h)| h);
    if !host.is_empty() && origin_host.eq_ignore_ascii_case(host) {
        return Ok(());
    }
    Err(AriError::new(
        StatusCode::FORBIDDEN,
        format!("Origin {origin} is not allowed"),
    ))
}

/// Validates the application list and upgrades the connection.
pub(super) fn upgrade(
    server: Arc<Server>,
    upgrade: WebSocketUpgrade,
    params: Params,
    read_only: bool,
) -> Result<Response, AriError> {
    let mut apps: Vec<String> = Vec::new();
    for a in params.list("app") {
        if !apps.contains(a) {
            apps.push(a.clone());
        }
    }
    if apps.is_empty() {
        return Err(AriError::bad_request("Missing required parameter 'app'"));
    }
    let subscribe_all = params.bool("subscribeAll").unwrap_or(false);
    Ok(upgrade
        .protocols(["ari"])
        .on_upgrade(move |socket| run(server, socket, apps, subscribe_all, read_only)))
}

async fn run(
    server: Arc<Server>,
    socket: WebSocket,
    apps: Vec<String>,
    subscribe_all: bool,
    read_only: bool,
) {
    let ws_config = &server.config.websocket;
    let id = server.next_id();
    let (tx, mut rx) = mpsc::channel(ws_config.queue_len);
    let close = Arc::new(Notify::new());
    let conn = Connection {
        id,
        tx,
        close: close.clone(),
        overflowed: Default::default(),
    };
    for app in &apps {
        server.stasis.register(app, conn.clone(), subscribe_all);
    }
    tracing::debug!(socket = id, apps = ?apps, "events WebSocket open");
    let (mut sink, mut stream) = socket.split();
    let ping_every = Duration::from_millis(ws_config.ping_interval_ms);
    let idle_timeout = Duration::from_millis(ws_config.idle_timeout_ms);
    let mut ping = tokio::time::interval_at(Instant::now() + ping_every, ping_every);
    let mut last_heard = Instant::now();
    let mut shutdown = server.shutdown.subscribe();
    let reason = loop {
        tokio::select! {
            biased;
            _ = shutdown.changed() => break "the server is stopping",
            _ = close.notified() => break "its event queue overflowed",
            out = rx.recv() => {
                // `conn` keeps a sender alive, so the queue never reports closed.
                let Some(Outgoing::Event(json)) = out else { break "queue closed" };
                // Write what is queued already in one go, then flush once:
                // under load one syscall carries many events.
                let mut batch = vec![json];
                while batch.len() < 64 {
                    match rx.try_recv() {
                        Ok(Outgoing::Event(json)) => batch.push(json),
                        Err(_) => break,
                    }
                }
                let write = async {
                    for json in batch {
                        sink.feed(Message::Text(json.as_ref().into())).await?;
                    }
                    sink.flush().await
                };
                let sent = tokio::select! {
                    r = write => r.is_ok(),
                    _ = close.notified() => break "its event queue overflowed",
                    _ = tokio::time::sleep(idle_timeout) => break "a write to the peer timed out",
                };
                if !sent {
                    break "the peer went away";
                }
            }
            frame = stream.next() => match frame {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => break "the peer closed it",
                Some(Ok(Message::Text(text))) => {
                    last_heard = Instant::now();
                    if let Ok(request) = serde_json::from_str::<RestRequest>(&text) {
                        let (server, conn, app) = (server.clone(), conn.clone(), apps[0].clone());
                        tokio::spawn(async move {
                            let json = rest_response(&server, read_only, &app, request).await;
                            conn.deliver(&json);
                        });
                    }
                }
                Some(Ok(_)) => last_heard = Instant::now(),
            },
            _ = ping.tick() => {
                if last_heard.elapsed() > idle_timeout {
                    break "the peer stopped answering pings";
                }
                if sink.send(Message::Ping(Default::default())).await.is_err() {
                    break "the peer went away";
                }
            }
        }
    };
    server.stasis.unregister_connection(&apps, id);
    tracing::info!(socket = id, apps = ?apps, "events WebSocket closed: {reason}");
    let _ = sink.close().await;
}
