//! The events WebSocket: `GET /ari/events?app=a,b[&subscribeAll=true]`.
//!
//! Each socket registers its applications with Stasis and owns one bounded
//! queue of serialized events. Its task writes the queue out, sends keep-alive
//! pings, and ends the socket when the peer goes quiet for longer than the
//! idle timeout, closes, or lets its queue overflow. Ending it unregisters the
//! applications it still holds.

use super::error::AriError;
use super::params::Params;
use crate::stasis::{Connection, Outgoing};
use crate::Server;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, Notify};
use tokio::time::Instant;

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
        .on_upgrade(move |socket| run(server, socket, apps, subscribe_all)))
}

async fn run(server: Arc<Server>, socket: WebSocket, apps: Vec<String>, subscribe_all: bool) {
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
                let sent = tokio::select! {
                    r = sink.send(Message::Text(json.as_ref().into())) => r.is_ok(),
                    _ = close.notified() => break "its event queue overflowed",
                    _ = tokio::time::sleep(idle_timeout) => break "a write to the peer timed out",
                };
                if !sent {
                    break "the peer went away";
                }
            }
            frame = stream.next() => match frame {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => break "the peer closed it",
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
