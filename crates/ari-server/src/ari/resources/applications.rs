//! `applications`: list, get, subscribe, unsubscribe, event filter.

use crate::ari::error::{AriError, Reply};
use crate::ari::params::Params;
use crate::stasis::{AppError, EventFilter, Topic};
use crate::Server;
use serde::Deserialize;

fn app_error(e: AppError) -> AriError {
    match e {
        AppError::NoSuchApp => AriError::not_found("Application not found"),
        AppError::NotSubscribed => AriError::conflict("Application not subscribed to event source"),
    }
}

/// Parses `eventSource` URIs and checks that each source exists.
pub(crate) fn sources(server: &Server, uris: &[String]) -> Result<Vec<Topic>, AriError> {
    let mut topics = Vec::with_capacity(uris.len());
    for uri in uris {
        let topic = Topic::parse(uri).map_err(|e| AriError::bad_request(e.0))?;
        if !server.source_exists(&topic) {
            return Err(AriError::unprocessable(format!(
                "Event source does not exist: {uri}"
            )));
        }
        topics.push(topic);
    }
    Ok(topics)
}

#[derive(Deserialize)]
struct Filter {
    #[serde(default)]
    allowed: Vec<EventFilter>,
    #[serde(default)]
    disallowed: Vec<EventFilter>,
}

pub(super) fn handle(
    server: &Server,
    nickname: &str,
    p: &Params,
) -> Option<Result<Reply, AriError>> {
    let stasis = &server.stasis;
    Some(match nickname {
        "list" => Reply::ok(&stasis.infos()),
        "get" => p
            .req("applicationName")
            .and_then(|n| stasis.info(n).map_err(app_error))
            .and_then(|i| Reply::ok(&i)),
        "subscribe" | "unsubscribe" => (|| {
            let name = p.req("applicationName")?;
            if !stasis.is_registered(name) {
                return Err(app_error(AppError::NoSuchApp));
            }
            let topics = sources(server, p.list("eventSource"))?;
            if topics.is_empty() {
                return Err(AriError::bad_request(
                    "Missing required parameter 'eventSource'",
                ));
            }
            if nickname == "subscribe" {
                stasis.subscribe(name, &topics)
            } else {
                stasis.unsubscribe(name, &topics)
            }
            .map_err(app_error)?;
            Reply::ok(&stasis.info(name).map_err(app_error)?)
        })(),
        "filter" => (|| {
            let name = p.req("applicationName")?;
            let filter = match p.json_object("filter") {
                None => Filter {
                    allowed: vec![],
                    disallowed: vec![],
                },
                Some(obj) => serde_json::from_value(serde_json::Value::Object(obj.clone()))
                    .map_err(|e| AriError::bad_request(format!("Invalid event filter: {e}")))?,
            };
            Reply::ok(
                &stasis
                    .set_filter(name, filter.allowed, filter.disallowed)
                    .map_err(app_error)?,
            )
        })(),
        _ => return None,
    })
}
