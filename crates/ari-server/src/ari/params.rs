//! Request parameters, collected and validated from the API description.
//!
//! ARI takes an operation's parameters from the query string, from the keys of
//! a JSON body (where they override the query string, as in Asterisk), or from
//! a form-encoded body. A body parameter (`variables`) is the JSON body's key of
//! that name. Each value is checked against the operation's description in
//! `ari-spec`: type, required, allowed values and ranges. Anything wrong is a
//! 400 with a message naming the parameter; unknown parameters are ignored, as
//! Asterisk ignores them (clients send `api_key` among others).

use super::error::AriError;
use ari_spec::{Allowed, DataType, Operation, ParamKind};
use serde_json::{Map, Value as Json};
use std::collections::HashMap;

/// A validated parameter value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Text.
    Str(String),
    /// An integer (`int` or `long`).
    Int(i64),
    /// A number.
    Double(f64),
    /// A boolean.
    Bool(bool),
    /// The items of an `allowMultiple` parameter.
    List(Vec<String>),
    /// A body object (`variables`, `fields`).
    Object(Map<String, Json>),
}

/// The validated parameters of one request.
#[derive(Debug, Default)]
pub struct Params {
    values: HashMap<&'static str, Value>,
}

/// Parses ARI's booleans the way Asterisk's `ast_true`/`ast_false` do.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "yes" | "true" | "y" | "t" | "1" | "on" => Some(true),
        "no" | "false" | "n" | "f" | "0" | "off" => Some(false),
        _ => None,
    }
}

/// One raw value before validation.
enum Raw {
    Text(String),
    Items(Vec<String>),
    Object(Map<String, Json>),
}

fn json_scalar(name: &str, v: &Json) -> Result<String, AriError> {
    match v {
        Json::String(s) => Ok(s.clone()),
        Json::Number(n) => Ok(n.to_string()),
        Json::Bool(b) => Ok(b.to_string()),
        _ => Err(AriError::bad_request(format!(
            "Parameter '{name}' must be a string, number or boolean"
        ))),
    }
}

impl Params {
    /// Collects and validates the parameters of `op`.
    ///
    /// `path` holds the decoded path segments, `query` the decoded query
    /// pairs, `body` the decoded body (a JSON object or form fields as strings).
    pub fn collect(
        op: &'static Operation,
        path: &[(String, String)],
        query: &[(String, String)],
        body: Option<Map<String, Json>>,
    ) -> Result<Params, AriError> {
        let mut out = Params::default();
        for p in op.params {
            let raw = match p.kind {
                ParamKind::Path => path
                    .iter()
                    .find(|(k, _)| k == p.name)
                    .map(|(_, v)| Raw::Text(v.clone())),
                // As in Asterisk, a body parameter is the whole body; the
                // handler reads its key (`variables`, `fields`) or all of it
                // (an event filter). A key of the parameter's name that is
                // not an object is malformed.
                ParamKind::Body => match body.as_ref() {
                    None => None,
                    Some(b) => match b.get(p.name) {
                        None | Some(Json::Null) | Some(Json::Object(_)) | Some(Json::Array(_)) => {
                            Some(Raw::Object(b.clone()))
                        }
                        Some(_) => {
                            return Err(AriError::bad_request(format!(
                                "'{}' must be a JSON object or list",
                                p.name
                            )))
                        }
                    },
                },
                ParamKind::Query => {
                    let from_body = match body.as_ref().and_then(|b| b.get(p.name)) {
                        None | Some(Json::Null) => None,
                        Some(Json::Array(items)) if p.allow_multiple => Some(Raw::Items(
                            items
                                .iter()
                                .map(|i| json_scalar(p.name, i))
                                .collect::<Result<_, _>>()?,
                        )),
                        Some(v) => Some(Raw::Text(json_scalar(p.name, v)?)),
                    };
                    from_body.or_else(|| {
                        let mut found = query
                            .iter()
                            .filter(|(k, _)| k == p.name)
                            .map(|(_, v)| v.clone());
                        let first = found.next()?;
                        if p.allow_multiple {
                            // Query values are comma-separated lists; JSON
                            // array items are taken whole (a tone string
                            // may contain commas).
                            let all = std::iter::once(first).chain(found);
                            Some(Raw::Items(all.flat_map(|v| split_list(&v)).collect()))
                        } else {
                            Some(Raw::Text(first))
                        }
                    })
                }
            };
            let raw = match raw {
                Some(raw) => raw,
                None => match p.default {
                    Some(d) => Raw::Text(d.to_string()),
                    None if p.required => {
                        return Err(AriError::bad_request(format!(
                            "Missing required parameter '{}'",
                            p.name
                        )))
                    }
                    None => continue,
                },
            };
            let value = Self::check(p, raw)?;
            out.values.insert(p.name, value);
        }
        Ok(out)
    }

    fn check(p: &ari_spec::Param, raw: Raw) -> Result<Value, AriError> {
        let name = p.name;
        let text = match raw {
            Raw::Object(m) => return Ok(Value::Object(m)),
            Raw::Items(items) => {
                let items: Vec<String> = items
                    .into_iter()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect();
                if items.is_empty() && p.required {
                    return Err(AriError::bad_request(format!(
                        "Missing required parameter '{name}'"
                    )));
                }
                if let Allowed::Values(allowed) = p.allowed {
                    for i in &items {
                        check_allowed(name, i, allowed)?;
                    }
                }
                return Ok(Value::List(items));
            }
            Raw::Text(t) => t,
        };
        if p.allow_multiple {
            return Self::check(p, Raw::Items(split_list(&text)));
        }
        let value = match p.data_type {
            DataType::String => {
                if p.required && text.is_empty() && p.kind != ParamKind::Path {
                    return Err(AriError::bad_request(format!(
                        "Missing required parameter '{name}'"
                    )));
                }
                Value::Str(text)
            }
            DataType::Int | DataType::Long => {
                let n: i64 = text.trim().parse().map_err(|_| {
                    AriError::bad_request(format!(
                        "Parameter '{name}' must be an integer, not '{text}'"
                    ))
                })?;
                if p.data_type == DataType::Int && i32::try_from(n).is_err() {
                    return Err(AriError::bad_request(format!(
                        "Parameter '{name}' is out of range: {n}"
                    )));
                }
                Value::Int(n)
            }
            DataType::Double => Value::Double(
                text.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite())
                    .ok_or_else(|| {
                        AriError::bad_request(format!(
                            "Parameter '{name}' must be a number, not '{text}'"
                        ))
                    })?,
            ),
            DataType::Boolean => Value::Bool(parse_bool(text.trim()).ok_or_else(|| {
                AriError::bad_request(format!(
                    "Parameter '{name}' must be a boolean, not '{text}'"
                ))
            })?),
            DataType::Containers | DataType::Object => {
                return Err(AriError::bad_request(format!(
                    "'{name}' must be a JSON object"
                )))
            }
        };
        match (p.allowed, &value) {
            (Allowed::Values(allowed), Value::Str(s)) => check_allowed(name, s, allowed)?,
            (Allowed::Range { min, max }, Value::Int(n))
                if min.is_some_and(|m| *n < m) || max.is_some_and(|m| *n > m) =>
            {
                let lo = min.map_or("-inf".to_string(), |m| m.to_string());
                let hi = max.map_or("inf".to_string(), |m| m.to_string());
                return Err(AriError::bad_request(format!(
                    "Parameter '{name}' must be between {lo} and {hi}, not {n}"
                )));
            }
            _ => {}
        }
        Ok(value)
    }

    /// A text parameter (also the decoded form of a path segment).
    pub fn str(&self, name: &str) -> Option<&str> {
        match self.values.get(name)? {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A required text parameter; validation already guaranteed it, so a miss
    /// means the API description and the handler disagree.
    pub fn req(&self, name: &str) -> Result<&str, AriError> {
        self.str(name)
            .ok_or_else(|| AriError::bad_request(format!("Missing required parameter '{name}'")))
    }

    /// An integer parameter.
    pub fn int(&self, name: &str) -> Option<i64> {
        match self.values.get(name)? {
            Value::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// A number parameter.
    pub fn double(&self, name: &str) -> Option<f64> {
        match self.values.get(name)? {
            Value::Double(n) => Some(*n),
            Value::Int(n) => Some(*n as f64),
            _ => None,
        }
    }

    /// A boolean parameter.
    pub fn bool(&self, name: &str) -> Option<bool> {
        match self.values.get(name)? {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The items of a list parameter (empty when absent).
    pub fn list(&self, name: &str) -> &[String] {
        match self.values.get(name) {
            Some(Value::List(l)) => l,
            _ => &[],
        }
    }

    /// The object under key `name` of the body (`variables`) as string
    /// pairs; non-string values are written as JSON text. Empty when absent.
    pub fn object(&self, name: &str) -> Vec<(String, String)> {
        match self.values.get(name) {
            Some(Value::Object(body)) => body
                .get(name)
                .and_then(Json::as_object)
                .into_iter()
                .flatten()
                .map(|(k, v)| {
                    let v = match v {
                        Json::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    (k.clone(), v)
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The whole body of a body parameter, as raw JSON.
    pub fn json_object(&self, name: &str) -> Option<&Map<String, Json>> {
        match self.values.get(name) {
            Some(Value::Object(m)) => Some(m),
            _ => None,
        }
    }
}

/// The items of a comma-separated list.
fn split_list(s: &str) -> Vec<String> {
    s.split(',').map(str::to_string).collect()
}

fn check_allowed(name: &str, value: &str, allowed: &[&str]) -> Result<(), AriError> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(AriError::bad_request(format!(
            "Invalid value '{value}' for parameter '{name}'; allowed: {}",
            allowed.join(", ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(resource: &str, nickname: &str) -> &'static Operation {
        ari_spec::find(resource, nickname).unwrap()
    }

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn required_and_multiple() {
        let ws = op("events", "eventWebsocket");
        let e = Params::collect(ws, &[], &[], None).unwrap_err();
        assert!(e.message.contains("'app'"), "{e:?}");
        let p = Params::collect(
            ws,
            &[],
            &q(&[("app", "a,b"), ("app", "c"), ("subscribeAll", "yes")]),
            None,
        )
        .unwrap();
        assert_eq!(p.list("app"), ["a", "b", "c"]);
        assert_eq!(p.bool("subscribeAll"), Some(true));
        let p = Params::collect(ws, &[], &q(&[("app", "a")]), None).unwrap();
        assert_eq!(p.bool("subscribeAll"), Some(false), "default applies");
    }

    #[test]
    fn bad_values_are_400() {
        let ws = op("events", "eventWebsocket");
        let e = Params::collect(
            ws,
            &[],
            &q(&[("app", "a"), ("subscribeAll", "maybe")]),
            None,
        )
        .unwrap_err();
        assert_eq!(e.status, 400);
        assert!(e.message.contains("subscribeAll"));
    }

    #[test]
    fn body_overrides_query_and_carries_variables() {
        let ue = op("events", "userEvent");
        let body: Map<String, Json> =
            serde_json::from_str(r#"{"application":"fromBody","variables":{"a":"1","n":2}}"#)
                .unwrap();
        let p = Params::collect(
            ue,
            &q(&[("eventName", "ev")]),
            &q(&[("application", "fromQuery")]),
            Some(body),
        )
        .unwrap();
        assert_eq!(p.str("application"), Some("fromBody"));
        assert_eq!(p.str("eventName"), Some("ev"));
        assert_eq!(
            p.object("variables"),
            vec![("a".into(), "1".into()), ("n".into(), "2".into())]
        );
        let body: Map<String, Json> =
            serde_json::from_str(r#"{"application":"x","variables":"nope"}"#).unwrap();
        assert!(Params::collect(ue, &q(&[("eventName", "ev")]), &[], Some(body)).is_err());
    }
}
