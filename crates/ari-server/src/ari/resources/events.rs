//! `events`: user events (the WebSocket itself lives in `ari::ws`; claims
//! arrive with the call broadcast).

use super::applications::sources;
use crate::ari::error::{AriError, Reply};
use crate::ari::params::Params;
use crate::core::modules::BROADCAST;
use crate::stasis::broadcast::ClaimError;
use crate::Server;

pub(super) fn handle(
    server: &Server,
    nickname: &str,
    p: &Params,
) -> Option<Result<Reply, AriError>> {
    Some(match nickname {
        "userEvent" => (|| {
            let name = p.req("eventName")?;
            let app = p.req("application")?;
            if !server.stasis.is_registered(app) {
                return Err(AriError::not_found(format!("Application not found: {app}")));
            }
            let topics = sources(server, p.list("source"))?;
            let event = server.user_event(name, &topics, p.object("variables"));
            server.stasis.send_to(app, &event);
            Reply::no_content()
        })(),
        "claimChannel" => (|| {
            if !server.core.modules.is_loaded(BROADCAST) {
                return Err(AriError::not_implemented(
                    "The call broadcast module is not loaded",
                ));
            }
            let channel = p.req("channelId")?;
            let app = p.req("application")?;
            match server.stasis.broadcasts.claim(channel, app) {
                Ok(()) => Reply::no_content(),
                Err(ClaimError::NotFound(m)) => Err(AriError::not_found(m)),
                Err(ClaimError::Conflict(m)) => Err(AriError::conflict(m)),
            }
        })(),
        _ => return None,
    })
}
