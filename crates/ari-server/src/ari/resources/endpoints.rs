//! `endpoints`: the endpoints of the `Local` technology (see
//! [`crate::endpoints`]), and out-of-call messages and REFERs to endpoints.
//!
//! Asterisk hands a message or a REFER to the technology named by the
//! destination URI (`pjsip:alice`); when no technology of that name can carry
//! it, the send fails and ARI answers 404 "Endpoint not found". Local channels
//! carry neither, and this server has no other technology, so once the
//! parameters are checked (400, as Asterisk checks them) every send answers
//! that 404.

use crate::ari::error::{AriError, Reply};
use crate::ari::params::Params;
use crate::endpoints;
use crate::Server;
use serde_json::Value as Json;

const NOT_FOUND: &str = "Endpoint not found";

/// Checks the body's `variables`: an object of string values, as Asterisk
/// requires of technology-specific message and REFER variables.
fn check_variables(p: &Params) -> Result<(), AriError> {
    let vars = p.json_object("variables").and_then(|b| b.get("variables"));
    match vars {
        None | Some(Json::Null) => Ok(()),
        Some(Json::Object(m)) if m.values().all(Json::is_string) => Ok(()),
        Some(_) => Err(AriError::bad_request(
            "Only string values in the 'variables' object allowed",
        )),
    }
}

/// A required parameter that must also not be empty.
fn non_empty<'a>(p: &'a Params, name: &str, what: &str) -> Result<&'a str, AriError> {
    let v = p.req(name)?;
    if v.is_empty() {
        return Err(AriError::bad_request(format!("{what} must be specified")));
    }
    Ok(v)
}

/// The endpoint named by the path, or 404.
fn endpoint(server: &Server, p: &Params) -> Result<ari_types::Endpoint, AriError> {
    endpoints::get(&server.core, p.req("tech")?, p.req("resource")?)
        .ok_or_else(|| AriError::not_found(NOT_FOUND))
}

pub(super) fn handle(
    server: &Server,
    nickname: &str,
    p: &Params,
) -> Option<Result<Reply, AriError>> {
    let core = &server.core;
    Some(match nickname {
        "list" => Reply::ok(&endpoints::list(core)),
        "listByTech" => p.req("tech").and_then(|tech| {
            endpoints::list_by_tech(core, tech)
                .ok_or_else(|| {
                    AriError::not_found(format!("No Endpoints found - invalid tech {tech}"))
                })
                .and_then(|list| Reply::ok(&list))
        }),
        "get" => endpoint(server, p).and_then(|e| Reply::ok(&e)),
        "sendMessage" => (|| {
            non_empty(p, "to", "To")?;
            check_variables(p)?;
            // No technology here carries out-of-call messages.
            Err(AriError::not_found(NOT_FOUND))
        })(),
        "sendMessageToEndpoint" => (|| {
            endpoint(server, p)?;
            check_variables(p)?;
            // The endpoint exists, but Local has no messaging.
            Err(AriError::not_found(NOT_FOUND))
        })(),
        "refer" => (|| {
            non_empty(p, "to", "To")?;
            non_empty(p, "refer_to", "Refer_to")?;
            check_variables(p)?;
            // No technology here sends REFER.
            Err(AriError::not_found(NOT_FOUND))
        })(),
        "referToEndpoint" => (|| {
            endpoint(server, p)?;
            non_empty(p, "refer_to", "Refer_to")?;
            check_variables(p)?;
            Err(AriError::not_found(NOT_FOUND))
        })(),
        _ => return None,
    })
}
