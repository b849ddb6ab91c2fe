//! The HTTP binding: routing, authentication, parameters, and translation of
//! each ARI operation into calls on `stasis` and `core`. Nothing below this
//! layer sees HTTP.

mod docs;
pub mod error;
pub mod params;
mod resources;
mod routes;
mod ws;

use crate::Server;
use axum::body::to_bytes;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use error::AriError;
use params::Params;
use serde_json::{Map, Value as Json};
use std::sync::Arc;

pub use routes::Routes;

/// Largest request body accepted.
const MAX_BODY: usize = 4 * 1024 * 1024;

/// Builds the axum application: everything under `/ari` goes to [`handle`].
pub fn router(server: Arc<Server>) -> axum::Router {
    axum::Router::new()
        .route("/ari", axum::routing::any(handle))
        .route("/ari/{*rest}", axum::routing::any(handle))
        .route("/metrics", axum::routing::get(metrics))
        .fallback(|| async { AriError::not_found("Resource not found") })
        .with_state(server)
}

/// `GET /metrics`: counters and gauges in the Prometheus text format, for
/// any ARI user.
async fn metrics(State(server): State<Arc<Server>>, req: Request) -> Response {
    let query = decode_query(req.uri().query()).unwrap_or_default();
    if authenticate(&server, req.headers(), &query).is_none() {
        return unauthorized();
    }
    let mut r = server.metrics().into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4"),
    );
    r
}

/// An authenticated ARI user.
struct Caller {
    read_only: bool,
}

fn unauthorized() -> Response {
    let mut r = AriError::new(StatusCode::UNAUTHORIZED, "Authentication required").into_response();
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Basic realm=\"Asterisk REST Interface\""),
    );
    r
}

/// Checks HTTP Basic credentials or `?api_key=user:pass`.
fn authenticate(
    server: &Server,
    headers: &HeaderMap,
    query: &[(String, String)],
) -> Option<Caller> {
    let from_header = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Basic ")
                .or_else(|| v.strip_prefix("basic "))
        })
        .and_then(|b64| {
            base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .ok()
        })
        .and_then(|bytes| String::from_utf8(bytes).ok());
    let from_query = || {
        query
            .iter()
            .find(|(k, _)| k == "api_key")
            .map(|(_, v)| v.clone())
    };
    let credentials = from_header.or_else(from_query)?;
    let (user, password) = credentials.split_once(':')?;
    let u = server.config.users.get(user)?;
    // Compare without an early exit, so timing does not reveal a prefix.
    let ok = u.password.len() == password.len()
        && u.password
            .bytes()
            .zip(password.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    ok.then_some(Caller {
        read_only: u.read_only,
    })
}

fn decode_query(raw: Option<&str>) -> Result<Vec<(String, String)>, AriError> {
    match raw {
        None | Some("") => Ok(Vec::new()),
        Some(q) => serde_urlencoded::from_str(q)
            .map_err(|e| AriError::bad_request(format!("Malformed query string: {e}"))),
    }
}

fn decode_body(content_type: &str, bytes: &[u8]) -> Result<Option<Map<String, Json>>, AriError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let content_type = content_type.to_ascii_lowercase();
    if content_type.starts_with("application/x-www-form-urlencoded") {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(bytes)
            .map_err(|e| AriError::bad_request(format!("Malformed form body: {e}")))?;
        return Ok(Some(
            pairs
                .into_iter()
                .map(|(k, v)| (k, Json::String(v)))
                .collect(),
        ));
    }
    match serde_json::from_slice::<Json>(bytes) {
        Ok(Json::Object(m)) => Ok(Some(m)),
        Ok(Json::Null) => Ok(None),
        Ok(_) => Err(AriError::bad_request(
            "The request body must be a JSON object",
        )),
        Err(e) => Err(AriError::bad_request(format!("Malformed JSON body: {e}"))),
    }
}

/// Every request under `/ari`: authenticate, route, validate, dispatch.
async fn handle(State(server): State<Arc<Server>>, req: Request) -> Response {
    match handle_inner(server, req).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn handle_inner(server: Arc<Server>, req: Request) -> Result<Response, AriError> {
    let query = decode_query(req.uri().query())?;
    let Some(caller) = authenticate(&server, req.headers(), &query) else {
        return Ok(unauthorized());
    };
    let path = req
        .uri()
        .path()
        .strip_prefix("/ari")
        .unwrap_or("")
        .to_string();
    let method = req.method().clone();
    if method == Method::GET {
        if let Some(doc) = docs::serve(&path, req.headers()) {
            return Ok(doc?.into_response());
        }
    }
    let (resource, op, path_params) = match server.routes.lookup(&method, &path) {
        routes::Lookup::Found(resource, op, params) => (resource, op, params),
        routes::Lookup::WrongMethod(allowed) => {
            let mut r =
                AriError::new(StatusCode::METHOD_NOT_ALLOWED, "Invalid method").into_response();
            if let Ok(v) = HeaderValue::from_str(&allowed.join(", ")) {
                r.headers_mut().insert(header::ALLOW, v);
            }
            return Ok(r);
        }
        routes::Lookup::NotFound => return Err(AriError::not_found("Resource not found")),
    };
    if caller.read_only && method != Method::GET {
        return Err(AriError::new(
            StatusCode::FORBIDDEN,
            "Write access denied: this user is read-only",
        ));
    }
    let (mut parts, body) = req.into_parts();
    if op.websocket {
        let params = Params::collect(op, &path_params, &query, None)?;
        ws::check_origin(&server, &parts.headers)?;
        let upgrade = axum::extract::ws::WebSocketUpgrade::from_request_parts(&mut parts, &())
            .await
            .map_err(|e| AriError::bad_request(format!("WebSocket upgrade required: {e}")))?;
        return ws::upgrade(server, upgrade, params, caller.read_only);
    }
    let bytes = to_bytes(body, MAX_BODY)
        .await
        .map_err(|_| AriError::new(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large"))?;
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let reply = run(
        &server,
        resource,
        op,
        &path_params,
        &query,
        content_type,
        &bytes,
    )
    .await?;
    Ok(reply.into_response())
}

/// Runs a routed operation: collects and validates its parameters, then
/// dispatches it. Shared by HTTP and REST over the events WebSocket.
async fn run(
    server: &Arc<Server>,
    resource: &str,
    op: &'static ari_spec::Operation,
    path_params: &[(String, String)],
    query: &[(String, String)],
    content_type: &str,
    body: &[u8],
) -> Result<error::Reply, AriError> {
    let body = decode_body(content_type, body)?;
    let params = Params::collect(op, path_params, query, body)?;
    resources::dispatch(server, resource, op, params).await
}

/// Runs a request that arrived as `RESTRequest` on an events WebSocket
/// (Asterisk's REST over WebSocket), as the socket's user.
pub(crate) async fn rest_request(
    server: &Arc<Server>,
    read_only: bool,
    method: &str,
    uri: &str,
    mut query: Vec<(String, String)>,
    content_type: &str,
    body: &[u8],
) -> Result<error::Reply, AriError> {
    let method = Method::from_bytes(method.to_ascii_uppercase().as_bytes())
        .map_err(|_| AriError::bad_request(format!("Invalid method '{method}'")))?;
    let (path, uri_query) = uri.split_once('?').unwrap_or((uri, ""));
    query.extend(decode_query(Some(uri_query))?);
    let path = format!(
        "/{}",
        path.trim_start_matches('/').trim_start_matches("ari/")
    );
    let (resource, op, path_params) = match server.routes.lookup(&method, &path) {
        routes::Lookup::Found(resource, op, params) => (resource, op, params),
        routes::Lookup::WrongMethod(_) => {
            return Err(AriError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "Invalid method",
            ))
        }
        routes::Lookup::NotFound => return Err(AriError::not_found("Resource not found")),
    };
    if op.websocket {
        return Err(AriError::bad_request(
            "The events WebSocket cannot be opened over itself",
        ));
    }
    if read_only && method != Method::GET {
        return Err(AriError::new(
            StatusCode::FORBIDDEN,
            "Write access denied: this user is read-only",
        ));
    }
    run(
        server,
        resource,
        op,
        &path_params,
        &query,
        content_type,
        body,
    )
    .await
}
