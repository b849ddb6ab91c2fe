//! What `play` and `record` share between channels and bridges: building a
//! playback or a live recording from the request, and the answers.

use crate::ari::error::{AriError, Reply};
use crate::ari::params::Params;
use crate::core::media::playback::Playback;
use crate::core::media::record::{self, LiveRecording, Options};
use crate::core::Topic;
use crate::Server;
use axum::http::StatusCode;
use std::sync::Arc;
use std::time::Duration;

/// A new playback on `target` from the request (`media`, `lang`, `offsetms`,
/// `skipms`, and `playbackId` from the query or the path), registered so
/// `playbacks/{id}` finds it. Remote media (`sound:http://...`) is fetched
/// now, once, and cached.
pub(crate) async fn playback(
    server: &Server,
    p: &Params,
    target: Topic,
    default_language: String,
) -> Result<Arc<Playback>, AriError> {
    let media: Vec<String> = p.list("media").to_vec();
    if media.is_empty() {
        return Err(AriError::bad_request("Missing required parameter 'media'"));
    }
    for m in &media {
        if !m.contains(':') {
            return Err(AriError::bad_request(format!("Invalid media URI '{m}'")));
        }
        if let Some(url) = m
            .strip_prefix("sound:")
            .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
        {
            fetch(server, url).await;
        }
    }
    let id = p
        .str("playbackId")
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .unwrap_or_else(crate::core::media::uuid);
    let language = p
        .str("lang")
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .unwrap_or(default_language);
    let handle = Playback::new(
        id,
        target,
        language,
        media,
        p.int("skipms").unwrap_or(3000).max(0),
        p.int("offsetms").unwrap_or(0).max(0),
    );
    if !server.core.media.add_playback(&handle) {
        return Err(AriError::conflict("A playback with that id already exists"));
    }
    Ok(handle)
}

/// Fetches remote media into the cache (a failure leaves it uncached, and
/// the playback of that item fails when it comes).
async fn fetch(server: &Server, url: &str) {
    let sounds = &server.core.media.sounds;
    if sounds.cached(url).is_some() {
        return;
    }
    let result = async {
        let resp = server
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !resp.status().is_success() {
            return Err(format!("HTTP {}", resp.status()));
        }
        let bytes = resp.bytes().await.map_err(|e| e.to_string())?;
        let ext = url.rsplit('.').next().unwrap_or("wav");
        let format = ari_media::Format::from_extension(ext).unwrap_or(ari_media::Format::Wav);
        let audio = ari_media::decode(&bytes, format).map_err(|e| e.to_string())?;
        Ok(if audio.rate == ari_media::RATE_NB {
            audio.samples
        } else {
            ari_media::resample(&audio.samples, audio.rate, ari_media::RATE_NB)
        })
    }
    .await;
    match result {
        Ok(samples) => sounds.cache(url, samples),
        Err(e) => tracing::warn!("cannot fetch media {url}: {e}"),
    }
}

/// A new live recording of `target` from the request, registered so
/// `recordings/live/{name}` finds it.
pub(crate) fn recording(
    server: &Server,
    p: &Params,
    target: Topic,
) -> Result<Arc<LiveRecording>, AriError> {
    let name = p.req("name")?.to_string();
    if !record::valid_name(&name) {
        return Err(AriError::bad_request(format!(
            "Invalid recording name '{name}': it must be a relative path without '..' or hidden parts"
        )));
    }
    let format_name = p.req("format")?.to_string();
    let format = ari_media::Format::from_ari_name(&format_name).ok_or_else(|| {
        AriError::unprocessable(format!(
            "Format '{format_name}' is not known on this system"
        ))
    })?;
    let if_exists = p.str("ifExists").unwrap_or("fail").to_string();
    let dir = server.core.media.sounds.recordings_dir();
    if if_exists == "fail" && record::find_stored(dir, &name).is_some() {
        return Err(AriError::conflict(format!(
            "A recording named '{name}' already exists and ifExists=fail"
        )));
    }
    let seconds = |k: &str| {
        p.int(k)
            .filter(|n| *n > 0)
            .map(|n| Duration::from_secs(n as u64))
    };
    let options = Options {
        name,
        format,
        format_name,
        max_duration: seconds("maxDurationSeconds"),
        max_silence: seconds("maxSilenceSeconds"),
        if_exists,
        beep: p.bool("beep").unwrap_or(false),
        terminate_on: p.str("terminateOn").unwrap_or("none").to_string(),
    };
    let handle = LiveRecording::new(options, target, false);
    if !server.core.media.add_recording(&handle) {
        return Err(AriError::conflict(
            "A recording of that name is in progress",
        ));
    }
    Ok(handle)
}

/// 201 Created with the object and its `Location`, as Asterisk answers
/// `play` and `record`.
pub(crate) fn created<T: serde::Serialize>(location: String, value: &T) -> Result<Reply, AriError> {
    let body = serde_json::to_vec(value)
        .map_err(|e| AriError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    Ok(Reply::Created(location, body))
}
