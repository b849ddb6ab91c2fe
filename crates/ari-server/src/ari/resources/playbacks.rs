//! `playbacks`: get, stop, control.

use crate::ari::error::{AriError, Reply};
use crate::ari::params::Params;
use crate::core::media::playback::{Op, Playback};
use crate::Server;
use std::sync::Arc;

fn find(server: &Server, p: &Params) -> Result<Arc<Playback>, AriError> {
    let id = p.req("playbackId")?;
    server
        .core
        .media
        .playback(id)
        .ok_or_else(|| AriError::not_found("Playback not found"))
}

pub(super) fn handle(
    server: &Server,
    nickname: &str,
    p: &Params,
) -> Option<Result<Reply, AriError>> {
    Some(match nickname {
        "get" => find(server, p).and_then(|pb| Reply::ok(&pb.snapshot())),
        "stop" => find(server, p).and_then(|pb| {
            pb.stop();
            Reply::no_content()
        }),
        "control" => (|| {
            let pb = find(server, p)?;
            let op = p.req("operation")?;
            let op = Op::parse(op)
                .ok_or_else(|| AriError::bad_request(format!("Invalid operation '{op}'")))?;
            pb.control(op).map_err(|e| AriError::conflict(e.0))?;
            Reply::no_content()
        })(),
        _ => return None,
    })
}
