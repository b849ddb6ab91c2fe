//! One REST request: where it goes, its parameters, and how its answer is
//! decoded. The generated operation builders wrap a [`Request`].

use crate::{Client, Error, Result};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{Map, Value};
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

/// The future a request builder turns into when awaited.
pub type ResponseFuture<T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'static>>;

/// Everything but RFC 3986 unreserved characters is escaped in a path
/// segment, so ids holding `/`, `?`, `#`, `%` or spaces stay one segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// HTTP method of a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    fn to_reqwest(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Delete => reqwest::Method::DELETE,
        }
    }
}

/// A request under construction; `T` is the decoded answer.
pub(crate) struct Request<T> {
    client: Client,
    method: Method,
    template: &'static str,
    path: Vec<(&'static str, String)>,
    query: Vec<(&'static str, String)>,
    body: Option<Map<String, Value>>,
    decode: fn(&[u8]) -> Result<T>,
    _answer: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for Request<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.template)
            .field("path_params", &self.path)
            .field("query", &self.query)
            .field("body", &self.body)
            .finish()
    }
}

impl<T: Send + 'static> Request<T> {
    pub(crate) fn new(
        client: Client,
        method: Method,
        template: &'static str,
        decode: fn(&[u8]) -> Result<T>,
    ) -> Self {
        Request {
            client,
            method,
            template,
            path: Vec::new(),
            query: Vec::new(),
            body: None,
            decode,
            _answer: PhantomData,
        }
    }

    /// Fills the `{name}` placeholder of the path.
    pub(crate) fn path(&mut self, name: &'static str, value: String) {
        self.path.retain(|(n, _)| *n != name);
        self.path.push((name, value));
    }

    /// Sets a query parameter, replacing an earlier value.
    pub(crate) fn query(&mut self, name: &'static str, value: String) {
        self.query.retain(|(n, _)| *n != name);
        self.query.push((name, value));
    }

    fn body(&mut self) -> &mut Map<String, Value> {
        self.body.get_or_insert_with(Map::new)
    }

    /// Sets `body[key][name] = value` (`variables`).
    pub(crate) fn body_entry(&mut self, key: &str, name: String, value: String) {
        let slot = self
            .body()
            .entry(key.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if !slot.is_object() {
            *slot = Value::Object(Map::new());
        }
        if let Value::Object(m) = slot {
            m.insert(name, Value::String(value));
        }
    }

    /// Sets `body[key]` to a list of serializable items (`fields`).
    pub(crate) fn body_list<I: serde::Serialize>(
        &mut self,
        key: &str,
        items: impl IntoIterator<Item = I>,
    ) {
        let items: Vec<Value> = items
            .into_iter()
            .map(|i| serde_json::to_value(i).unwrap_or(Value::Null))
            .collect();
        self.body().insert(key.to_string(), Value::Array(items));
    }

    /// Merges an object into the body (an event filter is the body itself).
    pub(crate) fn body_merge(&mut self, object: Map<String, Value>) {
        self.body().extend(object);
    }

    /// The path with its placeholders filled and escaped.
    fn resolved_path(&self) -> String {
        let mut path = self.template.to_string();
        for (name, value) in &self.path {
            let segment = utf8_percent_encode(value, SEGMENT).to_string();
            path = path.replace(&format!("{{{name}}}"), &segment);
        }
        path
    }

    /// Sends the request and decodes the answer.
    pub(crate) async fn send(self) -> Result<T> {
        let path = self.resolved_path();
        let bytes = self
            .client
            .execute(self.method.to_reqwest(), &path, &self.query, self.body)
            .await?;
        (self.decode)(&bytes)
    }
}

/// Decodes an answer with no body of interest (`void` operations).
pub(crate) fn decode_unit(_: &[u8]) -> Result<()> {
    Ok(())
}

/// Keeps the answer's bytes (`binary` operations: recording files).
pub(crate) fn decode_bytes(bytes: &[u8]) -> Result<Vec<u8>> {
    Ok(bytes.to_vec())
}

/// Decodes a JSON answer.
pub(crate) fn decode_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|source| Error::Decode {
        body: String::from_utf8_lossy(bytes).into_owned(),
        source,
    })
}

/// One or more text values for a parameter that takes several (`media`,
/// `channel`, `eventSource`, ...). Built from a single string or from any
/// list of strings, so `play("sound:hello")` and `play(["sound:a", "sound:b"])`
/// both work. Sent comma-separated, as Asterisk expects.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Values(pub Vec<String>);

impl Values {
    /// The values joined with commas, as they travel.
    pub fn join(&self) -> String {
        self.0.join(",")
    }
}

impl From<&str> for Values {
    fn from(s: &str) -> Self {
        Values(vec![s.to_string()])
    }
}

impl From<String> for Values {
    fn from(s: String) -> Self {
        Values(vec![s])
    }
}

impl From<&String> for Values {
    fn from(s: &String) -> Self {
        Values(vec![s.clone()])
    }
}

impl<S: Into<String>> From<Vec<S>> for Values {
    fn from(v: Vec<S>) -> Self {
        Values(v.into_iter().map(Into::into).collect())
    }
}

impl<S: Into<String>, const N: usize> From<[S; N]> for Values {
    fn from(v: [S; N]) -> Self {
        Values(v.into_iter().map(Into::into).collect())
    }
}

impl<S: Into<String> + Clone> From<&[S]> for Values {
    fn from(v: &[S]) -> Self {
        Values(v.iter().cloned().map(Into::into).collect())
    }
}

/// One operation of the API description and the Rust method implementing it
/// (an entry of [`OPERATIONS`](crate::OPERATIONS)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OperationInfo {
    /// Resource name (`channels`).
    pub resource: &'static str,
    /// Swagger nickname (`originate`).
    pub nickname: &'static str,
    /// HTTP method (`POST`).
    pub method: &'static str,
    /// Path below `/ari` with `{name}` placeholders.
    pub path: &'static str,
    /// Every parameter name, as on the wire.
    pub params: &'static [&'static str],
    /// The Rust method (`channels::Channels::originate`, or `Client::start`
    /// for the events WebSocket).
    pub rust: &'static str,
}
