//! `bridges`: create, add and remove channels, play, record, music on hold,
//! video source.

use super::media;
use crate::ari::error::{AriError, Reply};
use crate::ari::params::Params;
use crate::core::bridge::{Bridge, BridgeError, CreateError};
use crate::core::channel::Channel;
use crate::core::media::moh::Moh;
use crate::core::media::record::Recorder;
use crate::core::Topic;
use crate::Server;
use std::path::Path;
use std::sync::Arc;

fn find(server: &Server, p: &Params) -> Result<Arc<Bridge>, AriError> {
    let id = p.req("bridgeId")?;
    server
        .core
        .bridge(id)
        .ok_or_else(|| AriError::not_found("Bridge not found"))
}

/// The channels named by `channel`: 400 for one that does not exist.
fn channels(server: &Server, p: &Params) -> Result<Vec<Arc<Channel>>, AriError> {
    p.list("channel")
        .iter()
        .map(|id| {
            server
                .core
                .channel(id)
                .ok_or_else(|| AriError::bad_request(format!("Channel not found: {id}")))
        })
        .collect()
}

/// `create` (409 for a taken id) and `createWithId` (which updates the
/// name of an existing bridge instead).
fn create(server: &Server, p: &Params, id: Option<&str>, update: bool) -> Result<Reply, AriError> {
    let name = p.str("name").unwrap_or("");
    if let Some(existing) = id.and_then(|i| server.core.bridge(i)).filter(|_| update) {
        // createWithId on an existing bridge updates its name.
        if !name.is_empty() {
            existing.set_name(name);
        }
        return Reply::ok(&existing.snapshot());
    }
    let types = p.str("type").filter(|t| !t.is_empty()).unwrap_or("mixing");
    match server
        .core
        .create_bridge(id.map(str::to_string), types, name)
    {
        Ok(bridge) => Reply::ok(&bridge.snapshot()),
        Err(CreateError::BadType(t)) => {
            Err(AriError::bad_request(format!("Invalid bridge type '{t}'")))
        }
        Err(CreateError::Exists) => Err(AriError::conflict("A bridge with that id already exists")),
    }
}

fn add(server: &Server, p: &Params) -> Result<Reply, AriError> {
    let bridge = find(server, p)?;
    let chans = channels(server, p)?;
    for chan in &chans {
        if chan.stasis_app().is_none() {
            return Err(AriError::unprocessable(format!(
                "Channel not in Stasis application: {}",
                chan.id
            )));
        }
        if let Some(other) = chan.bridge().filter(|b| b.id != bridge.id) {
            return Err(AriError::unprocessable(format!(
                "Channel {} is already in bridge {}",
                chan.id, other.id
            )));
        }
    }
    let role = p.str("role").unwrap_or("");
    let absorb = p.bool("absorbDTMF").unwrap_or(false);
    let mute = p.bool("mute").unwrap_or(false);
    for chan in &chans {
        if let Some(app) = chan.stasis_app() {
            // As in Asterisk, an application whose channel joins a bridge
            // hears about the bridge from then on.
            let _ = server
                .stasis
                .subscribe(&app, &[Topic::Bridge(bridge.id.clone())]);
        }
        match bridge.add(&server.core, chan, role, absorb, mute) {
            Ok(()) => {}
            Err(BridgeError::Destroyed) => return Err(AriError::not_found("Bridge not found")),
            Err(e) => return Err(AriError::unprocessable(format!("{e:?}"))),
        }
    }
    Reply::no_content()
}

fn remove(server: &Server, p: &Params) -> Result<Reply, AriError> {
    let bridge = find(server, p)?;
    let chans = channels(server, p)?;
    let ids = bridge.channel_ids();
    if let Some(c) = chans.iter().find(|c| !ids.contains(&c.id)) {
        return Err(AriError::unprocessable(format!(
            "Channel not in this bridge: {}",
            c.id
        )));
    }
    for chan in &chans {
        let _ = bridge.remove(&server.core, chan);
    }
    Reply::no_content()
}

async fn play(server: &Server, p: &Params) -> Result<Reply, AriError> {
    let bridge = find(server, p)?;
    let handle = media::playback(
        server,
        p,
        Topic::Bridge(bridge.id.clone()),
        server.core.default_language.clone(),
    )
    .await?;
    let snapshot = handle.snapshot();
    if bridge
        .play(&server.core, server.core.media.run(handle.clone()))
        .is_err()
    {
        server.core.media.forget_playback(&handle.id);
        return Err(AriError::not_found("Bridge not found"));
    }
    media::created(format!("/playbacks/{}", snapshot.id), &snapshot)
}

fn record(server: &Server, p: &Params) -> Result<Reply, AriError> {
    let bridge = find(server, p)?;
    let handle = media::recording(server, p, Topic::Bridge(bridge.id.clone()))?;
    let dir = server.core.media.sounds.recordings_dir().to_path_buf();
    let recorder = match Recorder::start(&server.core, handle.clone(), &dir) {
        Ok(r) => r,
        Err(e) => {
            handle.fail(&server.core, &e);
            return Err(AriError::bad_request(format!("Cannot record: {e}")));
        }
    };
    if bridge.record(recorder).is_err() {
        server.core.media.forget_recording(&handle.options.name);
        return Err(AriError::conflict("The bridge is already being recorded"));
    }
    let snapshot = handle.snapshot();
    media::created(format!("/recordings/live/{}", snapshot.name), &snapshot)
}

fn start_moh(server: &Server, p: &Params) -> Result<Reply, AriError> {
    let bridge = find(server, p)?;
    let class = p
        .str("mohClass")
        .filter(|c| !c.is_empty())
        .unwrap_or("default");
    let dir =
        server.core.media.moh_dir(class).ok_or_else(|| {
            AriError::bad_request(format!("Unknown music on hold class '{class}'"))
        })?;
    bridge.set_moh(Some(Moh::new(class, dir.map(Path::to_path_buf).as_deref())));
    Reply::no_content()
}

fn video_source(server: &Server, p: &Params, set: bool) -> Result<Reply, AriError> {
    let bridge = find(server, p)?;
    let channel = if set {
        let id = p.req("channelId")?;
        let chan = server
            .core
            .channel(id)
            .ok_or_else(|| AriError::not_found("Channel not found"))?;
        if chan.stasis_app().is_none() {
            return Err(AriError::conflict("Channel not in Stasis application"));
        }
        Some(chan.id.clone())
    } else {
        None
    };
    bridge
        .set_video_source(&server.core, channel.as_deref())
        .map_err(|_| AriError::unprocessable("Channel not in this bridge"))?;
    Reply::no_content()
}

pub(super) async fn handle(
    server: &Server,
    nickname: &str,
    p: &Params,
) -> Option<Result<Reply, AriError>> {
    Some(match nickname {
        "list" => {
            let list: Vec<_> = server.core.bridges().iter().map(|b| b.snapshot()).collect();
            Reply::ok(&list)
        }
        "create" => create(
            server,
            p,
            p.str("bridgeId").filter(|s| !s.is_empty()),
            false,
        ),
        "createWithId" => create(server, p, p.str("bridgeId"), true),
        "get" => find(server, p).and_then(|b| Reply::ok(&b.snapshot())),
        "destroy" => find(server, p).and_then(|b| {
            server.core.destroy_bridge(&b);
            Reply::no_content()
        }),
        "addChannel" => add(server, p),
        "removeChannel" => remove(server, p),
        "play" | "playWithId" => play(server, p).await,
        "record" => record(server, p),
        "startMoh" => start_moh(server, p),
        "stopMoh" => find(server, p).and_then(|b| {
            b.set_moh(None);
            Reply::no_content()
        }),
        "setVideoSource" => video_source(server, p, true),
        "clearVideoSource" => video_source(server, p, false),
        _ => return None,
    })
}
