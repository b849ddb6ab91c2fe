//! Errors and replies of the REST layer.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// An ARI error answer: a status and `{"message": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AriError {
    /// HTTP status.
    pub status: StatusCode,
    /// Human-readable reason.
    pub message: String,
}

impl AriError {
    /// An error with any status.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        AriError {
            status,
            message: message.into(),
        }
    }
    /// 400 Bad Request.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }
    /// 404 Not Found.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }
    /// 409 Conflict.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, message)
    }
    /// 422 Unprocessable Entity.
    pub fn unprocessable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }
    /// 501 Not Implemented.
    pub fn not_implemented(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_IMPLEMENTED, message)
    }
}

#[derive(Serialize)]
struct Body<'a> {
    message: &'a str,
}

impl IntoResponse for AriError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&Body {
            message: &self.message,
        })
        .unwrap_or_default();
        json_response(self.status, body)
    }
}

/// A successful answer of an operation.
#[derive(Debug)]
pub enum Reply {
    /// A JSON body, already serialized.
    Json(StatusCode, Vec<u8>),
    /// No body (204, or another status with an empty body).
    Empty(StatusCode),
    /// Raw bytes with their content type (recording files).
    Bytes(&'static str, Vec<u8>),
    /// 201 Created: the `Location` (below `/ari`) and the JSON body.
    Created(String, Vec<u8>),
}

impl Reply {
    /// 200 with `value` as JSON.
    pub fn ok<T: Serialize + ?Sized>(value: &T) -> Result<Reply, AriError> {
        Self::json(StatusCode::OK, value)
    }

    /// `status` with `value` as JSON.
    pub fn json<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Result<Reply, AriError> {
        serde_json::to_vec(value)
            .map(|b| Reply::Json(status, b))
            .map_err(|e| {
                AriError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("encoding the answer failed: {e}"),
                )
            })
    }

    /// 204 No Content.
    pub fn no_content() -> Result<Reply, AriError> {
        Ok(Reply::Empty(StatusCode::NO_CONTENT))
    }
}

fn json_response(status: StatusCode, body: Vec<u8>) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        match self {
            Reply::Json(status, body) => json_response(status, body),
            Reply::Empty(status) => status.into_response(),
            Reply::Created(location, body) => {
                let mut r = json_response(StatusCode::CREATED, body);
                if let Ok(v) = HeaderValue::from_str(&format!("/ari{location}")) {
                    r.headers_mut().insert(header::LOCATION, v);
                }
                r
            }
            Reply::Bytes(content_type, body) => {
                let mut r = body.into_response();
                r.headers_mut()
                    .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
                r
            }
        }
    }
}
