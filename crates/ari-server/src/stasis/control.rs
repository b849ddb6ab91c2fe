//! Channels under the control of a Stasis application.
//!
//! The `Stasis(app[,args...])` dialplan application hands the channel to an
//! application: `StasisStart`, then the channel's own task carries out the
//! commands ARI queues for it, one at a time, until the application lets it
//! go (`continue`, `move`) or it hangs up; then `StasisEnd`.

use super::Stasis;
use crate::core::cause;
use crate::core::channel::ChanState;
use crate::core::exec::{Command, CommandError, Control, Exec, Position, Wake};
use crate::core::local::{self, LocalTarget};
use crate::core::media::moh::Moh;
use crate::core::{functions, pbx, AppFuture, AppResult, DialplanApp, Frame, Topic};
use ari_types::Event;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// The `Stasis` dialplan application.
pub struct StasisApp(pub Arc<Stasis>);

impl DialplanApp for StasisApp {
    fn exec<'a>(&'a self, x: &'a mut Exec, data: String) -> AppFuture<'a> {
        Box::pin(async move {
            let mut args = ari_dialplan::split_args(&data);
            x.core.set_var(&x.chan, "STASISSTATUS", "");
            if args.is_empty() || args[0].is_empty() {
                tracing::warn!(channel = %x.chan.name, "Stasis requires an application name");
                x.core.set_var(&x.chan, "STASISSTATUS", "FAILED");
                return AppResult::Continue;
            }
            let app = args.remove(0);
            let status = run(&self.0, x, app, args).await;
            x.core.set_var(&x.chan, "STASISSTATUS", status);
            if x.hung_up() {
                AppResult::Hangup
            } else {
                AppResult::Continue
            }
        })
    }
}

/// How a channel left an application.
enum Leave {
    Continue,
    Move(String, Vec<String>),
    Hangup,
}

/// An outgoing dial in progress (`channels/{id}/dial`).
struct Dialing {
    deadline: Option<Instant>,
    caller: Option<String>,
    dialstring: String,
}

/// Runs the channel of `x` in application `app` until it leaves; returns
/// `STASISSTATUS` (`SUCCESS` or `FAILED`).
pub async fn run(
    stasis: &Stasis,
    x: &mut Exec,
    mut app: String,
    mut args: Vec<String>,
) -> &'static str {
    if !stasis.is_registered(&app) {
        tracing::warn!(channel = %x.chan.name, "Stasis: application '{app}' is not registered");
        return "FAILED";
    }
    let topic = Topic::Channel(x.chan.id.clone());
    loop {
        x.chan.update(|d| d.stasis_app = Some(app.clone()));
        let _ = stasis.subscribe(&app, std::slice::from_ref(&topic));
        let channel = x.core.snapshot(&x.chan);
        stasis.send_to(
            &app,
            &Event::StasisStart(ari_types::StasisStart {
                args: args.clone(),
                channel,
                replace_channel: None,
            }),
        );
        let leave = control_loop(stasis, x, &app).await;
        // A channel leaving its application leaves its bridge first.
        if let Some(bridge) = x.chan.bridge() {
            let _ = bridge.remove(&x.core, &x.chan);
        }
        x.chan.update(|d| d.stasis_app = None);
        x.refuse_commands();
        let channel = x.core.snapshot(&x.chan);
        stasis.send_to(&app, &Event::StasisEnd(ari_types::StasisEnd { channel }));
        match leave {
            // A hung-up channel stays subscribed so the application also
            // hears ChannelDestroyed; the subscription goes with the channel.
            Leave::Hangup => return "SUCCESS",
            Leave::Continue => {
                let _ = stasis.unsubscribe(&app, std::slice::from_ref(&topic));
                return "SUCCESS";
            }
            Leave::Move(next, next_args) => {
                let _ = stasis.unsubscribe(&app, std::slice::from_ref(&topic));
                app = next;
                args = next_args;
            }
        }
    }
}

async fn control_loop(stasis: &Stasis, x: &mut Exec, app: &str) -> Leave {
    let mut dialing: Option<Dialing> = None;
    loop {
        let deadline = dialing.as_ref().and_then(|d| d.deadline);
        match x.wait(deadline, true).await {
            Wake::Hangup => return Leave::Hangup,
            Wake::PlaybacksDone | Wake::RecordingDone => {}
            Wake::Timeout => {
                if let Some(d) = dialing.take() {
                    publish_dial(x, &d, "NOANSWER");
                    x.core.hangup(&x.chan, cause::NO_ANSWER);
                }
            }
            Wake::Frame(f) => {
                if let Some(d) = &dialing {
                    let status = match f {
                        Frame::Ringing => Some("RINGING"),
                        Frame::Progress => Some("PROGRESS"),
                        Frame::Answer => Some("ANSWER"),
                        Frame::Busy => Some("BUSY"),
                        Frame::Congestion => Some("CONGESTION"),
                        _ => None,
                    };
                    if let Some(status) = status {
                        publish_dial(x, d, status);
                        match status {
                            "ANSWER" => dialing = None,
                            "BUSY" => x.core.hangup(&x.chan, cause::USER_BUSY),
                            "CONGESTION" => x.core.hangup(&x.chan, cause::CONGESTION),
                            _ => {}
                        }
                    }
                }
            }
            Wake::Control(Control { command, reply }) => {
                let outcome = execute(stasis, x, app, command, &mut dialing);
                match outcome {
                    Outcome::Done(result) => {
                        let _ = reply.send(result);
                    }
                    Outcome::Leave(leave) => {
                        let _ = reply.send(Ok(()));
                        return leave;
                    }
                    Outcome::Dtmf(dtmf, before, between, duration, after) => {
                        // Accepted now; the digits take their time.
                        let _ = reply.send(Ok(()));
                        if !x.send_dtmf(&dtmf, before, between, duration, after).await {
                            return Leave::Hangup;
                        }
                    }
                }
            }
        }
    }
}

enum Outcome {
    Done(Result<(), CommandError>),
    Leave(Leave),
    Dtmf(String, u64, u64, u64, u64),
}

fn publish_dial(x: &Exec, d: &Dialing, status: &str) {
    let caller = d
        .caller
        .as_deref()
        .and_then(|id| x.core.channel(id))
        .map(|c| x.core.snapshot(&c));
    let mut topics = vec![Topic::Channel(x.chan.id.clone())];
    if let Some(c) = &d.caller {
        topics.push(Topic::Channel(c.clone()));
    }
    let event = Event::Dial(ari_types::Dial {
        caller,
        peer: x.core.snapshot(&x.chan),
        forward: None,
        forwarded: None,
        dialstring: Some(d.dialstring.clone()),
        dialstatus: status.to_string(),
    });
    x.core.publish(&event, &topics);
}

fn set_hold(x: &Exec, held: bool) {
    if x.chan.update(|d| std::mem::replace(&mut d.held, held)) == held {
        return;
    }
    x.chan.write(if held { Frame::Hold } else { Frame::Unhold });
    x.core.publish_channel(&x.chan, |channel| {
        if held {
            Event::ChannelHold(ari_types::ChannelHold {
                channel,
                musicclass: None,
            })
        } else {
            Event::ChannelUnhold(ari_types::ChannelUnhold { channel })
        }
    });
}

fn mute(x: &Exec, direction: &str, on: bool) {
    x.chan.update(|d| {
        if direction == "in" || direction == "both" {
            d.muted.0 = on;
        }
        if direction == "out" || direction == "both" {
            d.muted.1 = on;
        }
    });
}

fn execute(
    stasis: &Stasis,
    x: &mut Exec,
    app: &str,
    command: Command,
    dialing: &mut Option<Dialing>,
) -> Outcome {
    let ok = Outcome::Done(Ok(()));
    match command {
        Command::Answer => {
            pbx::answer(x);
            ok
        }
        Command::Ring => {
            x.chan.write(Frame::Ringing);
            ok
        }
        Command::RingStop => ok,
        Command::Progress => {
            x.chan.write(Frame::Progress);
            ok
        }
        Command::Hold => {
            set_hold(x, true);
            ok
        }
        Command::Unhold => {
            set_hold(x, false);
            ok
        }
        Command::Mute(direction) => {
            mute(x, &direction, true);
            ok
        }
        Command::Unmute(direction) => {
            mute(x, &direction, false);
            ok
        }
        Command::SendDtmf {
            dtmf,
            before,
            between,
            duration,
            after,
        } => Outcome::Dtmf(dtmf, before, between, duration, after),
        Command::SetVar { name, value } => Outcome::Done(
            functions::write(&x.core, &x.chan, &name, &value)
                .map_err(|e| CommandError::Invalid(e.0)),
        ),
        Command::Continue {
            context,
            exten,
            priority,
            label,
        } => {
            let (cur_context, cur_exten, cur_priority) = x
                .chan
                .with(|d| (d.context.clone(), d.exten.clone(), d.priority));
            let same_place = context.is_empty() && exten.is_empty();
            let context = if context.is_empty() {
                cur_context
            } else {
                context
            };
            let exten = if exten.is_empty() { cur_exten } else { exten };
            let priority = if !label.is_empty() {
                match x.core.dialplan().find_label(&context, &exten, &label) {
                    Some(p) => p as i64,
                    None => {
                        return Outcome::Done(Err(CommandError::Invalid(format!(
                            "Requested label: {label} can not be found in context: {context}"
                        ))))
                    }
                }
            } else {
                match priority {
                    Some(p) if p > 0 => p,
                    _ if same_place => cur_priority + 1,
                    _ => 1,
                }
            };
            x.jump = Some(Position {
                context,
                exten,
                priority,
            });
            Outcome::Leave(Leave::Continue)
        }
        Command::Move { app: next, args } => {
            if stasis.is_registered(&next) {
                Outcome::Leave(Leave::Move(next, args))
            } else {
                let channel = x.core.snapshot(&x.chan);
                stasis.send_to(
                    app,
                    &Event::ApplicationMoveFailed(ari_types::ApplicationMoveFailed {
                        channel,
                        destination: next,
                        args,
                    }),
                );
                ok
            }
        }
        Command::Play(handle) => {
            x.queue_playback(handle);
            ok
        }
        Command::Record(handle) => {
            if x.media.recording.is_some() {
                return Outcome::Done(Err(CommandError::InvalidState(
                    "The channel is already being recorded".into(),
                )));
            }
            x.start_recording(handle);
            ok
        }
        Command::StartMoh(class) => {
            let Some(dir) = x
                .core
                .media
                .moh_dir(&class)
                .map(|d| d.map(Path::to_path_buf))
            else {
                return Outcome::Done(Err(CommandError::Invalid(format!(
                    "Unknown music on hold class '{class}'"
                ))));
            };
            x.media.moh = Some(Moh::new(&class, dir.as_deref()));
            x.media.sync_clock();
            ok
        }
        Command::StopMoh => {
            x.media.moh = None;
            x.media.sync_clock();
            ok
        }
        Command::StartSilence => {
            x.media.silence = true;
            x.media.sync_clock();
            ok
        }
        Command::StopSilence => {
            x.media.silence = false;
            x.media.sync_clock();
            ok
        }
        Command::Dial { timeout, caller } => {
            if dialing.is_some() || x.chan.state() == ChanState::Up {
                return Outcome::Done(Err(CommandError::InvalidState(
                    "Channel is already dialed".into(),
                )));
            }
            let Some(target) = local::local_target_of(&x.chan)
                .filter(|_| x.chan.peer().is_some_and(|p| !p.started()))
            else {
                return Outcome::Done(Err(CommandError::InvalidState(
                    "Channel cannot be dialed".into(),
                )));
            };
            let d = Dialing {
                deadline: (timeout > 0).then(|| Instant::now() + Duration::from_secs(timeout)),
                caller,
                dialstring: LocalTarget::dialstring(&target),
            };
            publish_dial(x, &d, "");
            local::call(&x.core, &x.chan, &target);
            *dialing = Some(d);
            ok
        }
    }
}
