//! `recordings`: stored recordings (list, get, file, copy, delete) and live
//! ones (get, stop, cancel, pause, mute).

use crate::ari::error::{AriError, Reply};
use crate::ari::params::Params;
use crate::core::media::record::{self, End, LiveRecording};
use crate::Server;
use axum::http::StatusCode;
use serde_json::json;
use std::sync::Arc;

fn live(server: &Server, p: &Params) -> Result<Arc<LiveRecording>, AriError> {
    let name = p.req("recordingName")?;
    server
        .core
        .media
        .recording(name)
        .ok_or_else(|| AriError::not_found("Recording not found"))
}

fn stored(
    server: &Server,
    name: &str,
) -> Result<(std::path::PathBuf, ari_media::Format), AriError> {
    if !record::valid_name(name) {
        return Err(AriError::bad_request(format!(
            "Invalid recording name '{name}'"
        )));
    }
    record::find_stored(server.core.media.sounds.recordings_dir(), name)
        .ok_or_else(|| AriError::not_found("Recording not found"))
}

fn live_op(
    server: &Server,
    p: &Params,
    f: impl FnOnce(&LiveRecording) -> Result<(), record::NotNow>,
) -> Result<Reply, AriError> {
    let rec = live(server, p)?;
    f(&rec).map_err(|e| AriError::conflict(e.0))?;
    Reply::no_content()
}

pub(super) fn handle(
    server: &Server,
    nickname: &str,
    p: &Params,
) -> Option<Result<Reply, AriError>> {
    let dir = server.core.media.sounds.recordings_dir();
    Some(match nickname {
        "listStored" => {
            let list: Vec<_> = record::list_stored(dir)
                .into_iter()
                .map(|(name, format)| json!({"name": name, "format": format}))
                .collect();
            Reply::ok(&list)
        }
        "getStored" => (|| {
            let name = p.req("recordingName")?;
            let (_, format) = stored(server, name)?;
            Reply::ok(&json!({"name": name, "format": format.extension()}))
        })(),
        "deleteStored" => (|| {
            let (path, _) = stored(server, p.req("recordingName")?)?;
            std::fs::remove_file(&path).map_err(|e| {
                AriError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("Cannot delete: {e}"),
                )
            })?;
            Reply::no_content()
        })(),
        "getStoredFile" => (|| {
            let (path, format) = stored(server, p.req("recordingName")?)?;
            let bytes = std::fs::read(&path).map_err(|e| match e.kind() {
                std::io::ErrorKind::PermissionDenied => AriError::new(
                    StatusCode::FORBIDDEN,
                    "The recording file could not be opened",
                ),
                _ => AriError::not_found("Recording not found"),
            })?;
            Ok(Reply::Bytes(format.mime_type(), bytes))
        })(),
        "copyStored" => (|| {
            let name = p.req("recordingName")?;
            let (path, format) = stored(server, name)?;
            let dest = p.req("destinationRecordingName")?;
            if !record::valid_name(dest) {
                return Err(AriError::bad_request(format!(
                    "Invalid recording name '{dest}'"
                )));
            }
            if record::find_stored(dir, dest).is_some() {
                return Err(AriError::conflict(format!(
                    "A recording named '{dest}' already exists"
                )));
            }
            let target = dir.join(format!("{dest}.{}", format.extension()));
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| AriError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
            }
            std::fs::copy(&path, &target)
                .map_err(|e| AriError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
            Reply::ok(&json!({"name": dest, "format": format.extension()}))
        })(),
        "getLive" => live(server, p).and_then(|r| Reply::ok(&r.snapshot())),
        "cancel" => live_op(server, p, |r| r.end(End::Cancel)),
        "stop" => live_op(server, p, |r| r.end(End::Stop)),
        "pause" => live_op(server, p, |r| r.pause(true)),
        "unpause" => live_op(server, p, |r| r.pause(false)),
        "mute" => live_op(server, p, |r| r.mute(true)),
        "unmute" => live_op(server, p, |r| r.mute(false)),
        _ => return None,
    })
}
