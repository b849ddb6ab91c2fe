//! Errors: what the server refused (with its status and message) apart from
//! what went wrong on the way.

use std::fmt;

/// The result of a client call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Anything a client call can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error status. Match on
    /// [`ApiError::kind`] (or [`ApiError::status`]) to tell a missing
    /// resource (404) from a conflict (409) or an unprocessable request (422).
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The request did not get an answer (connection refused, timeout, ...).
    #[error("HTTP request failed: {0}")]
    Http(#[from] reqwest::Error),
    /// The events WebSocket could not be opened or failed.
    #[error("WebSocket failed: {0}")]
    WebSocket(#[from] Box<tokio_tungstenite::tungstenite::Error>),
    /// The answer was not the JSON the operation documents.
    #[error("could not decode the answer ({source}): {body}")]
    Decode {
        /// The body as received.
        body: String,
        /// What did not fit.
        source: serde_json::Error,
    },
    /// The base URL given to the client is not usable.
    #[error("invalid URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// `start` was called while the events connection is already running.
    #[error("the events connection is already started")]
    AlreadyStarted,
    /// The client was stopped or dropped before the awaited thing happened.
    #[error("the client is closed")]
    Closed,
}

impl Error {
    /// The HTTP status, when the server answered with an error.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            _ => None,
        }
    }

    /// The kind of error answer, when the server answered with an error.
    pub fn api_kind(&self) -> Option<ApiErrorKind> {
        match self {
            Error::Api(e) => Some(e.kind()),
            _ => None,
        }
    }

    /// Whether the server answered 404 Not Found.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// Whether the server answered 409 Conflict.
    pub fn is_conflict(&self) -> bool {
        self.status() == Some(409)
    }
}

/// An error answer of the server: its status and the `message` of its
/// `{"message": "..."}` body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status code.
    pub status: u16,
    /// The server's message (the body itself when it was not ARI's JSON).
    pub message: String,
}

impl ApiError {
    /// The status as a kind to match on.
    pub fn kind(&self) -> ApiErrorKind {
        ApiErrorKind::from_status(self.status)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "server answered {}: {}", self.status, self.message)
    }
}

impl std::error::Error for ApiError {}

/// The error statuses ARI documents, by meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiErrorKind {
    /// 400: a parameter is missing, malformed or not allowed.
    BadRequest,
    /// 401: no or wrong credentials.
    Unauthorized,
    /// 403: the user may not do this (e.g. a read-only user writing).
    Forbidden,
    /// 404: the resource (channel, bridge, ...) does not exist.
    NotFound,
    /// 405: the path exists but not with this method.
    MethodNotAllowed,
    /// 409: the resource is in a state that conflicts (not in Stasis, id
    /// taken, already claimed, ...).
    Conflict,
    /// 412: a precondition of the channel's state failed.
    PreconditionFailed,
    /// 422: the request was understood but refers to something unusable
    /// (e.g. a channel to add that does not exist).
    Unprocessable,
    /// 500: the server failed.
    Internal,
    /// 501: the server does not implement this operation.
    NotImplemented,
    /// 503: the server is not able to serve the request now.
    Unavailable,
    /// Any other status.
    Other,
}

impl ApiErrorKind {
    /// The kind of an HTTP status.
    pub fn from_status(status: u16) -> Self {
        match status {
            400 => ApiErrorKind::BadRequest,
            401 => ApiErrorKind::Unauthorized,
            403 => ApiErrorKind::Forbidden,
            404 => ApiErrorKind::NotFound,
            405 => ApiErrorKind::MethodNotAllowed,
            409 => ApiErrorKind::Conflict,
            412 => ApiErrorKind::PreconditionFailed,
            422 => ApiErrorKind::Unprocessable,
            500 => ApiErrorKind::Internal,
            501 => ApiErrorKind::NotImplemented,
            503 => ApiErrorKind::Unavailable,
            _ => ApiErrorKind::Other,
        }
    }
}

impl From<tokio_tungstenite::tungstenite::Error> for Error {
    fn from(e: tokio_tungstenite::tungstenite::Error) -> Self {
        Error::WebSocket(Box::new(e))
    }
}
