//! One module per ARI resource, each translating its operations into calls
//! on `stasis` and `core`.

mod applications;
mod asterisk;
mod bridges;
mod channels;
mod device_states;
mod endpoints;
mod events;
mod mailboxes;
pub(crate) mod media;
mod playbacks;
mod recordings;
mod sounds;

use super::error::{AriError, Reply};
use super::params::Params;
use crate::Server;
use ari_spec::Operation;
use std::sync::Arc;

/// Runs operation `op` of `resource`.
pub(super) async fn dispatch(
    server: &Arc<Server>,
    resource: &str,
    op: &Operation,
    p: Params,
) -> Result<Reply, AriError> {
    let reply = match resource {
        "applications" => applications::handle(server, op.nickname, &p),
        "asterisk" => asterisk::handle(server, op.nickname, &p),
        "events" => events::handle(server, op.nickname, &p),
        "channels" => channels::handle(server, op.nickname, &p).await,
        "bridges" => bridges::handle(server, op.nickname, &p).await,
        "playbacks" => playbacks::handle(server, op.nickname, &p),
        "recordings" => recordings::handle(server, op.nickname, &p),
        "sounds" => sounds::handle(server, op.nickname, &p),
        "deviceStates" => device_states::handle(server, op.nickname, &p),
        "mailboxes" => mailboxes::handle(server, op.nickname, &p),
        "endpoints" => endpoints::handle(server, op.nickname, &p),
        _ => None,
    };
    reply.unwrap_or_else(|| {
        Err(AriError::not_implemented(format!(
            "{} {} is not implemented by this server yet",
            op.method.as_str(),
            op.path
        )))
    })
}
