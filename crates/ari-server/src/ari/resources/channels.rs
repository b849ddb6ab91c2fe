//! `channels`: originate, create, dial, and control of channels in Stasis.

use super::media;
use crate::ari::error::{AriError, Reply};
use crate::ari::params::Params;
use crate::core::channel::Channel;
use crate::core::exec::{Command, CommandError, Control, Position};
use crate::core::local::{self, LocalTarget, Start, Then};
use crate::core::rtp;
use crate::core::snoop::{self, Direction};
use crate::core::{cause, functions, Topic};
use crate::Server;
use std::sync::Arc;
use tokio::sync::oneshot;

/// The channel named by the `channelId` path parameter (404 if none).
pub(crate) fn find(server: &Server, p: &Params) -> Result<Arc<Channel>, AriError> {
    let id = p.req("channelId")?;
    server
        .core
        .channel(id)
        .ok_or_else(|| AriError::not_found("Channel not found"))
}

/// Sends a command to a channel in Stasis and waits for its outcome.
async fn control(server: &Server, p: &Params, command: Command) -> Result<Reply, AriError> {
    let chan = find(server, p)?;
    send(&chan, command).await?;
    Reply::no_content()
}

/// Queues `command` on `chan` (409 if it is not in Stasis) and awaits it.
pub(crate) async fn send(chan: &Channel, command: Command) -> Result<(), AriError> {
    if chan.stasis_app().is_none() {
        return Err(AriError::conflict("Channel not in Stasis application"));
    }
    let (reply, rx) = oneshot::channel();
    chan.command(Control { command, reply })
        .map_err(|_| AriError::not_found("Channel not found"))?;
    match rx.await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(CommandError::NotInStasis)) | Err(_) => {
            Err(AriError::conflict("Channel not in Stasis application"))
        }
        Ok(Err(CommandError::InvalidState(m))) => Err(AriError::new(
            axum::http::StatusCode::PRECONDITION_FAILED,
            m,
        )),
        Ok(Err(CommandError::Invalid(m))) => Err(AriError::bad_request(m)),
    }
}

fn snapshot(server: &Server, chan: &Channel) -> Result<Reply, AriError> {
    Reply::ok(&server.core.snapshot(chan))
}

fn target(endpoint: &str) -> Result<LocalTarget, AriError> {
    LocalTarget::parse(endpoint).ok_or_else(|| {
        AriError::bad_request(format!(
            "Unsupported endpoint '{endpoint}': this server dials Local/exten@context endpoints"
        ))
    })
}

/// Sets caller id and the body's variables on a new channel.
fn prepare(server: &Server, chan: &Channel, p: &Params) -> Result<(), AriError> {
    let caller = p.str("callerId").filter(|s| !s.is_empty());
    if let Some(c) = caller {
        let (name, number) = functions::parse_callerid(c);
        chan.update(|d| {
            d.caller.name = name;
            d.caller.number = number;
        });
    }
    for (name, value) in p.object("variables") {
        functions::write(&server.core, chan, &name, &value)
            .map_err(|e| AriError::bad_request(format!("Cannot set variable '{name}': {}", e.0)))?;
    }
    Ok(())
}

fn app_data(app: &str, args: Option<&str>) -> String {
    match args.filter(|a| !a.is_empty()) {
        Some(a) => format!("{app},{a}"),
        None => app.to_string(),
    }
}

fn originate(server: &Server, p: &Params) -> Result<Reply, AriError> {
    let endpoint = p.req("endpoint")?;
    let target = target(endpoint)?;
    let app = p.str("app").filter(|s| !s.is_empty());
    let dialplan_given = ["extension", "context", "label"]
        .iter()
        .any(|k| p.str(k).is_some_and(|v| !v.is_empty()))
        || p.int("priority").is_some();
    if app.is_some() && dialplan_given {
        return Err(AriError::bad_request(
            "'app' is mutually exclusive with 'extension', 'context', 'priority' and 'label'",
        ));
    }
    if app.is_none() && p.str("extension").is_none_or(str::is_empty) {
        return Err(AriError::bad_request(
            "Either 'app' or 'extension' is required",
        ));
    }
    let then = match app {
        Some(app) => Then::App("Stasis".into(), app_data(app, p.str("appArgs"))),
        None => Then::Dialplan(
            Position {
                context: p
                    .str("context")
                    .filter(|s| !s.is_empty())
                    .unwrap_or("default")
                    .to_string(),
                exten: p.req("extension")?.to_string(),
                priority: p.int("priority").filter(|n| *n > 0).unwrap_or(1),
            },
            p.str("label").map(str::to_string),
        ),
    };
    let one = new_pair(server, p, &target)?;
    if let Some(app) = app {
        let _ = server
            .stasis
            .subscribe(app, &[Topic::Channel(one.id.clone())]);
    }
    let timeout_ms = match p.int("timeout").unwrap_or(30) {
        n if n < 0 => None,
        0 => Some(30_000),
        n => Some(n as u64 * 1000),
    };
    let reply = snapshot(server, &one);
    server
        .core
        .start(&one, Start::Originate { timeout_ms, then });
    reply
}

/// The Local pair an originate or create asks for, with caller id and
/// variables set; torn down again if those are invalid.
fn new_pair(server: &Server, p: &Params, target: &LocalTarget) -> Result<Arc<Channel>, AriError> {
    let ids = (
        p.str("channelId").map(str::to_string),
        p.str("otherChannelId").map(str::to_string),
    );
    let (one, _two) = local::create_pair(&server.core, target, ids)
        .ok_or_else(|| AriError::conflict("Channel with given unique ID already exists"))?;
    if let Err(e) = prepare(server, &one, p) {
        server.core.start(&one, Start::Nothing);
        return Err(e);
    }
    Ok(one)
}

fn create(server: &Server, p: &Params) -> Result<Reply, AriError> {
    let target = target(p.req("endpoint")?)?;
    let app = p.req("app")?;
    let one = new_pair(server, p, &target)?;
    let reply = snapshot(server, &one);
    server.core.start(
        &one,
        Start::App("Stasis".into(), app_data(app, p.str("appArgs"))),
    );
    reply
}

fn hangup(server: &Server, p: &Params) -> Result<Reply, AriError> {
    let chan = find(server, p)?;
    let cause = match (p.str("reason_code"), p.str("reason")) {
        (Some(_), Some(_)) => {
            return Err(AriError::bad_request(
                "The reason and reason_code can't both be specified",
            ))
        }
        (Some(code), None) => code
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|c| (0..=127).contains(c))
            .ok_or_else(|| AriError::bad_request(format!("Invalid reason_code '{code}'")))?,
        (None, Some(reason)) => cause::from_reason(reason).ok_or_else(|| {
            AriError::bad_request(format!("Invalid reason for hangup provided: {reason}"))
        })?,
        (None, None) => cause::NORMAL_CLEARING,
    };
    server.core.hangup(&chan, cause);
    Reply::no_content()
}

fn direction(p: &Params) -> String {
    p.str("direction").unwrap_or("both").to_string()
}

fn get_var(server: &Server, p: &Params) -> Result<Reply, AriError> {
    let chan = find(server, p)?;
    let name = p.req("variable")?;
    if name.is_empty() {
        return Err(AriError::bad_request("Variable name is required"));
    }
    let value = functions::read_on(&server.core, &chan, name);
    match value {
        Some(value) => Reply::ok(&serde_json::json!({ "value": value })),
        None if name.ends_with(')') => Reply::ok(&serde_json::json!({ "value": "" })),
        None => Err(AriError::not_found("Provided variable was not found")),
    }
}

fn dtmf_command(p: &Params) -> Result<Command, AriError> {
    let dtmf = p.str("dtmf").unwrap_or("");
    if dtmf.is_empty() {
        return Err(AriError::bad_request("DTMF is required"));
    }
    if let Some(bad) = dtmf
        .chars()
        .find(|c| !crate::core::exec::is_dtmf(*c) && *c != ',')
    {
        return Err(AriError::bad_request(format!("Invalid DTMF digit '{bad}'")));
    }
    let ms = |k: &str| p.int(k).unwrap_or(0).max(0) as u64;
    Ok(Command::SendDtmf {
        dtmf: dtmf.to_string(),
        before: ms("before"),
        between: p.int("between").map_or(100, |n| n.max(0) as u64),
        duration: p.int("duration").map_or(100, |n| n.clamp(1, 10_000) as u64),
        after: ms("after"),
    })
}

async fn play(server: &Server, p: &Params) -> Result<Reply, AriError> {
    let chan = find(server, p)?;
    if chan.stasis_app().is_none() {
        return Err(AriError::conflict("Channel not in Stasis application"));
    }
    let language = chan.with(|d| d.language.clone());
    let handle = media::playback(server, p, Topic::Channel(chan.id.clone()), language).await?;
    let snapshot = handle.snapshot();
    if let Err(e) = send(&chan, Command::Play(handle.clone())).await {
        server.core.media.forget_playback(&handle.id);
        return Err(e);
    }
    media::created(format!("/playbacks/{}", snapshot.id), &snapshot)
}

async fn record(server: &Server, p: &Params) -> Result<Reply, AriError> {
    let chan = find(server, p)?;
    if chan.stasis_app().is_none() {
        return Err(AriError::conflict("Channel not in Stasis application"));
    }
    if chan.with(|d| d.bridge.is_some()) {
        return Err(AriError::conflict(
            "Channel is bridged: record the bridge instead",
        ));
    }
    let handle = media::recording(server, p, Topic::Channel(chan.id.clone()))?;
    if let Err(e) = send(&chan, Command::Record(handle.clone())).await {
        server.core.media.forget_recording(&handle.options.name);
        return Err(match e.status.as_u16() {
            412 => AriError::conflict(e.message),
            _ => e,
        });
    }
    let snapshot = handle.snapshot();
    media::created(format!("/recordings/live/{}", snapshot.name), &snapshot)
}

fn snoop(server: &Server, p: &Params) -> Result<Reply, AriError> {
    let target = find(server, p)?;
    let dir = |k: &str| {
        let v = p.str(k).unwrap_or("none");
        Direction::parse(v)
            .ok_or_else(|| AriError::bad_request(format!("Invalid {k} direction '{v}'")))
    };
    let (spy, whisper) = (dir("spy")?, dir("whisper")?);
    if spy == Direction::None && whisper == Direction::None {
        return Err(AriError::bad_request(
            "Snooping needs spy or whisper (or both)",
        ));
    }
    let app = p.req("app")?;
    if app.is_empty() {
        return Err(AriError::bad_request("Missing required parameter 'app'"));
    }
    let id = p
        .str("snoopId")
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let snoop = snoop::create(
        &server.core,
        &target,
        id,
        spy,
        whisper,
        app_data(app, p.str("appArgs")),
    )
    .ok_or_else(|| AriError::conflict("A channel with that id already exists"))?;
    let _ = server
        .stasis
        .subscribe(app, &[Topic::Channel(snoop.id.clone())]);
    snapshot(server, &snoop)
}

async fn external_media(server: &Server, p: &Params) -> Result<Reply, AriError> {
    let app = p.req("app")?;
    let (encapsulation, transport) = (
        p.str("encapsulation").unwrap_or("rtp"),
        p.str("transport").unwrap_or("udp"),
    );
    if (encapsulation, transport) != ("rtp", "udp")
        || p.str("connection_type").is_some_and(|c| c != "client")
    {
        return Err(AriError::bad_request(format!(
            "External media over {encapsulation}/{transport} is not supported by this server; use rtp over udp"
        )));
    }
    let host = p.str("external_host").unwrap_or("");
    let remote: std::net::SocketAddr = tokio::net::lookup_host(host)
        .await
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| {
            AriError::bad_request(format!(
                "Invalid external_host '{host}': expected host:port"
            ))
        })?;
    let format = p.req("format")?;
    let codec = rtp::Codec::parse(format).ok_or_else(|| {
        AriError::bad_request(format!(
            "Unsupported format '{format}' (ulaw, alaw, slin, slin16)"
        ))
    })?;
    let id = p
        .str("channelId")
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let chan = match rtp::create(&server.core, id, remote, codec, app.to_string()).await {
        Ok(c) => c,
        Err(rtp::Error::Exists) => {
            return Err(AriError::conflict(
                "Channel with given unique ID already exists",
            ))
        }
        Err(rtp::Error::Invalid(m)) => return Err(AriError::bad_request(m)),
    };
    if let Err(e) = prepare(server, &chan, p) {
        server.core.hangup(&chan, cause::NORMAL_CLEARING);
        return Err(e);
    }
    let _ = server
        .stasis
        .subscribe(app, &[Topic::Channel(chan.id.clone())]);
    snapshot(server, &chan)
}

fn args_list(s: Option<&str>) -> Vec<String> {
    s.filter(|a| !a.is_empty())
        .map(|a| a.split(',').map(str::to_string).collect())
        .unwrap_or_default()
}

pub(super) async fn handle(
    server: &Server,
    nickname: &str,
    p: &Params,
) -> Option<Result<Reply, AriError>> {
    Some(match nickname {
        "list" => {
            let list: Vec<_> = server
                .core
                .channels()
                .iter()
                .map(|c| server.core.snapshot(c))
                .collect();
            Reply::ok(&list)
        }
        "originate" | "originateWithId" => originate(server, p),
        "create" => create(server, p),
        "get" => find(server, p).and_then(|c| snapshot(server, &c)),
        "hangup" => hangup(server, p),
        "continueInDialplan" => {
            let command = Command::Continue {
                context: p.str("context").unwrap_or("").to_string(),
                exten: p.str("extension").unwrap_or("").to_string(),
                priority: p.int("priority"),
                label: p.str("label").unwrap_or("").to_string(),
            };
            match control(server, p, command).await {
                Err(e) if e.status == 400 => Err(AriError::not_found(e.message)),
                other => other,
            }
        }
        "move" => {
            let app = match p.req("app") {
                Ok(a) => a.to_string(),
                Err(e) => return Some(Err(e)),
            };
            control(
                server,
                p,
                Command::Move {
                    app,
                    args: args_list(p.str("appArgs")),
                },
            )
            .await
        }
        "redirect" => (|| {
            let chan = find(server, p)?;
            if chan.stasis_app().is_none() {
                return Err(AriError::conflict("Channel not in Stasis application"));
            }
            let endpoint = p.req("endpoint")?;
            if endpoint.is_empty() {
                return Err(AriError::bad_request(
                    "Required parameter endpoint not provided",
                ));
            }
            Err(AriError::unprocessable(
                "Local channels cannot be redirected: the technology has no transfer",
            ))
        })(),
        "answer" => control(server, p, Command::Answer).await,
        "ring" => control(server, p, Command::Ring).await,
        "ringStop" => control(server, p, Command::RingStop).await,
        "progress" => control(server, p, Command::Progress).await,
        "hold" => control(server, p, Command::Hold).await,
        "unhold" => control(server, p, Command::Unhold).await,
        "mute" => control(server, p, Command::Mute(direction(p))).await,
        "unmute" => control(server, p, Command::Unmute(direction(p))).await,
        "sendDTMF" => match find(server, p) {
            Err(e) => Err(e),
            Ok(chan) => match dtmf_command(p) {
                Err(e) => Err(e),
                Ok(c) => send(&chan, c).await.and_then(|_| Reply::no_content()),
            },
        },
        "getChannelVar" => get_var(server, p),
        "setChannelVar" => {
            let chan = match find(server, p) {
                Ok(c) => c,
                Err(e) => return Some(Err(e)),
            };
            let name = p.str("variable").unwrap_or("").to_string();
            if name.is_empty() {
                return Some(Err(AriError::bad_request("Variable name is required")));
            }
            let value = p.str("value").unwrap_or("").to_string();
            send(&chan, Command::SetVar { name, value })
                .await
                .and_then(|_| Reply::no_content())
        }
        "dial" => {
            let caller = p
                .str("caller")
                .filter(|c| !c.is_empty())
                .map(str::to_string);
            if let Some(c) = &caller {
                if server.core.channel(c).is_none() {
                    return Some(Err(AriError::not_found("Caller channel not found")));
                }
            }
            let timeout = p.int("timeout").unwrap_or(0).max(0) as u64;
            match control(server, p, Command::Dial { timeout, caller }).await {
                Err(e) if e.status == 412 => Err(AriError::conflict(e.message)),
                other => other,
            }
        }
        "play" | "playWithId" => play(server, p).await,
        "record" => record(server, p).await,
        "startMoh" => {
            let class = p
                .str("mohClass")
                .filter(|c| !c.is_empty())
                .unwrap_or("default")
                .to_string();
            control(server, p, Command::StartMoh(class)).await
        }
        "stopMoh" => control(server, p, Command::StopMoh).await,
        "startSilence" => control(server, p, Command::StartSilence).await,
        "stopSilence" => control(server, p, Command::StopSilence).await,
        "snoopChannel" | "snoopChannelWithId" => snoop(server, p),
        "externalMedia" => external_media(server, p).await,
        "rtpstatistics" => find(server, p).and_then(|_| {
            Err(AriError::not_found(
                "Channel has no RTP statistics: it is not an RTP channel",
            ))
        }),
        "transfer_progress" => find(server, p).and_then(|_| {
            Err(AriError::bad_request(
                "No transfer is in progress on this channel",
            ))
        }),
        _ => return None,
    })
}
