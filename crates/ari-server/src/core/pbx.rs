//! Dialplan execution and the built-in dialplan applications.

use super::cause;
use super::channel::ChanState;
use super::exec::{Exec, Position, Wake};
use super::functions;
use super::media::moh::Moh;
use super::media::playback::Playback;
use super::media::record;
use super::{AppFuture, AppResult, Core, DialplanApp, Frame, Topic};
use ari_types::Event;
use std::sync::Arc;

/// Substitutes `${...}` and `$[...]` in `data` against the channel.
pub fn substitute(x: &Exec, data: &str) -> String {
    let core = &x.core;
    let chan = &x.chan;
    ari_dialplan::substitute(data, &mut |expr| functions::read_on(core, chan, expr))
}

/// Records that the channel is about to run `app(data)`, publishing
/// `ChannelDialplan`.
pub fn enter_app(x: &Exec, pos: Option<&Position>, app: &str, data: &str) {
    x.chan.update(|d| {
        if let Some(p) = pos {
            d.context.clone_from(&p.context);
            d.exten.clone_from(&p.exten);
            d.priority = p.priority;
        }
        d.app_name = app.to_string();
        d.app_data = data.to_string();
    });
    let (app, data) = (app.to_string(), data.to_string());
    x.core.publish_channel(&x.chan, |channel| {
        Event::ChannelDialplan(ari_types::ChannelDialplan {
            channel,
            dialplan_app: app,
            dialplan_app_data: data,
        })
    });
}

/// Runs the dialplan from `pos` until it ends, an application hangs up, or
/// the channel is hung up. Running off the end of an extension ends it, as
/// in Asterisk. Afterwards the `h` extension of the last context runs, if any.
pub async fn run(x: &mut Exec, mut pos: Position) {
    loop {
        if x.hung_up() {
            break;
        }
        let dialplan = x.core.dialplan();
        let Ok(priority) = u32::try_from(pos.priority) else {
            break;
        };
        let Some(step) = dialplan.find(&pos.context, &pos.exten, priority) else {
            if pos.priority == 1 {
                tracing::info!(channel = %x.chan.name, "no extension {}@{}: hanging up", pos.exten, pos.context);
            }
            break;
        };
        let data = substitute(x, &step.data);
        let app_name = step.app.clone();
        enter_app(x, Some(&pos), &app_name, &data);
        let Some(app) = x.core.app(&app_name) else {
            tracing::warn!(channel = %x.chan.name, "no application '{app_name}' ({}:{})", pos.context, step.line);
            break;
        };
        if app.exec(x, data).await == AppResult::Hangup {
            break;
        }
        match x.jump.take() {
            Some(next) => pos = next,
            None => pos.priority += 1,
        }
    }
    run_h_extension(x).await;
}

async fn run_h_extension(x: &mut Exec) {
    let context = x.chan.with(|d| d.context.clone());
    let dialplan = x.core.dialplan();
    let mut priority = 1;
    while let Some(step) = dialplan.find(&context, "h", priority) {
        let data = substitute(x, &step.data);
        let app_name = step.app.clone();
        let pos = Position {
            context: context.clone(),
            exten: "h".into(),
            priority: priority as i64,
        };
        enter_app(x, Some(&pos), &app_name, &data);
        // Applications that wait end at once on a hung-up channel.
        match x.core.app(&app_name) {
            Some(app) if app.exec(x, data).await == AppResult::Continue => priority += 1,
            _ => break,
        }
    }
}

/// Answers the channel (and tells its far end).
pub fn answer(x: &Exec) {
    if x.chan.state() != ChanState::Up {
        x.core.set_state(&x.chan, ChanState::Up);
        x.chan.write(Frame::Answer);
    }
}

/// The signature of an application written as a plain function.
type AppFn = for<'a> fn(&'a mut Exec, String) -> AppFuture<'a>;

/// A dialplan application made from a plain function.
struct FnApp(AppFn);

impl DialplanApp for FnApp {
    fn exec<'a>(&'a self, x: &'a mut Exec, data: String) -> AppFuture<'a> {
        (self.0)(x, data)
    }
}

/// Registers the applications the core provides itself.
pub fn register_builtin_apps(core: &Arc<Core>) {
    let apps: &[(&str, AppFn)] = &[
        ("Answer", app_answer),
        ("Hangup", app_hangup),
        ("Wait", app_wait),
        ("Ringing", app_ringing),
        ("Progress", app_progress),
        ("Busy", app_busy),
        ("Congestion", app_congestion),
        ("NoOp", app_noop),
        ("Set", app_set),
        ("Goto", app_goto),
        ("GotoIf", app_gotoif),
        ("SendDTMF", app_senddtmf),
        ("Echo", app_echo),
        ("Dial", super::local::app_dial),
        ("Playback", app_playback),
        ("Record", app_record),
        ("MusicOnHold", app_moh),
    ];
    for (name, f) in apps {
        core.register_app(name, Arc::new(FnApp(*f)));
    }
}

fn seconds_to_ms(s: &str) -> Option<u64> {
    let f: f64 = s.trim().parse().ok()?;
    (f.is_finite() && f >= 0.0).then_some((f * 1000.0) as u64)
}

fn app_answer(x: &mut Exec, data: String) -> AppFuture<'_> {
    Box::pin(async move {
        let delay = data.trim().parse::<u64>().unwrap_or(0);
        answer(x);
        if delay > 0 && !x.sleep_ms(delay).await {
            return AppResult::Hangup;
        }
        AppResult::Continue
    })
}

fn app_hangup(x: &mut Exec, data: String) -> AppFuture<'_> {
    Box::pin(async move {
        let cause = data.trim().parse::<i32>().unwrap_or(cause::NORMAL_CLEARING);
        x.core.hangup(&x.chan, cause);
        AppResult::Hangup
    })
}

fn app_wait(x: &mut Exec, data: String) -> AppFuture<'_> {
    Box::pin(async move {
        let ms = seconds_to_ms(&data).unwrap_or(0);
        if x.sleep_ms(ms).await {
            AppResult::Continue
        } else {
            AppResult::Hangup
        }
    })
}

fn app_ringing(x: &mut Exec, _data: String) -> AppFuture<'_> {
    Box::pin(async move {
        x.chan.write(Frame::Ringing);
        AppResult::Continue
    })
}

fn app_progress(x: &mut Exec, _data: String) -> AppFuture<'_> {
    Box::pin(async move {
        x.chan.write(Frame::Progress);
        AppResult::Continue
    })
}

/// Indicates `frame` and waits (up to `data` seconds, or until hung up).
async fn indicate_and_wait(x: &mut Exec, frame: Frame, cause: i32, data: &str) -> AppResult {
    x.chan.update(|d| d.cause = cause);
    x.chan.write(frame);
    match seconds_to_ms(data).filter(|ms| *ms > 0) {
        Some(ms) => {
            x.sleep_ms(ms).await;
        }
        None => while !matches!(x.wait(None, false).await, Wake::Hangup) {},
    }
    AppResult::Hangup
}

fn app_busy(x: &mut Exec, data: String) -> AppFuture<'_> {
    Box::pin(async move { indicate_and_wait(x, Frame::Busy, cause::USER_BUSY, &data).await })
}

fn app_congestion(x: &mut Exec, data: String) -> AppFuture<'_> {
    Box::pin(async move { indicate_and_wait(x, Frame::Congestion, cause::CONGESTION, &data).await })
}

fn app_noop(_x: &mut Exec, _data: String) -> AppFuture<'_> {
    Box::pin(async move { AppResult::Continue })
}

fn app_set(x: &mut Exec, data: String) -> AppFuture<'_> {
    Box::pin(async move {
        match data.split_once('=') {
            Some((name, value)) => {
                if let Err(e) = functions::write(&x.core, &x.chan, name.trim(), value) {
                    tracing::warn!(channel = %x.chan.name, "Set({data}): {}", e.0);
                }
            }
            None => tracing::warn!(channel = %x.chan.name, "Set requires NAME=value, got '{data}'"),
        }
        AppResult::Continue
    })
}

/// Jumps to a `Goto`-style target relative to the current position.
pub fn jump(x: &mut Exec, target: &str) -> bool {
    let (context, exten, priority) = x
        .chan
        .with(|d| (d.context.clone(), d.exten.clone(), d.priority));
    let dialplan = x.core.dialplan();
    match dialplan.resolve_goto(&context, &exten, priority.max(0) as u32, target) {
        Some((context, exten, priority)) => {
            x.jump = Some(Position {
                context,
                exten,
                priority: priority as i64,
            });
            true
        }
        None => {
            tracing::warn!(channel = %x.chan.name, "cannot go to '{target}'");
            false
        }
    }
}

fn app_goto(x: &mut Exec, data: String) -> AppFuture<'_> {
    Box::pin(async move {
        if jump(x, &data) {
            AppResult::Continue
        } else {
            AppResult::Hangup
        }
    })
}

fn app_gotoif(x: &mut Exec, data: String) -> AppFuture<'_> {
    Box::pin(async move {
        let (cond, yes, no) = ari_dialplan::parse_gotoif(&data);
        let target = if ari_dialplan::is_true(cond.trim()) {
            yes
        } else {
            no
        };
        match target {
            Some(t) if !jump(x, &t) => AppResult::Hangup,
            _ => AppResult::Continue,
        }
    })
}

fn app_senddtmf(x: &mut Exec, data: String) -> AppFuture<'_> {
    Box::pin(async move {
        let args = ari_dialplan::split_args(&data);
        let digits = args.first().cloned().unwrap_or_default();
        let between = args
            .get(1)
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(250);
        let duration = args
            .get(2)
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(100);
        if x.send_dtmf(&digits, 0, between, duration, 0).await {
            AppResult::Continue
        } else {
            AppResult::Hangup
        }
    })
}

fn app_echo(x: &mut Exec, _data: String) -> AppFuture<'_> {
    Box::pin(async move {
        loop {
            match x.wait(None, false).await {
                Wake::Hangup => return AppResult::Hangup,
                Wake::Frame(Frame::Dtmf { digit: '#', .. }) => return AppResult::Continue,
                Wake::Frame(f @ (Frame::Dtmf { .. } | Frame::Voice(_))) => x.chan.write(f),
                _ => {}
            }
        }
    })
}

fn app_playback(x: &mut Exec, data: String) -> AppFuture<'_> {
    Box::pin(async move {
        let args = ari_dialplan::split_args(&data);
        let files: Vec<String> = args
            .first()
            .map(|f| {
                f.split('&')
                    .filter(|s| !s.is_empty())
                    .map(|s| format!("sound:{s}"))
                    .collect()
            })
            .unwrap_or_default();
        if !args.get(1).is_some_and(|o| o.contains("noanswer")) {
            answer(x);
        }
        let language = x.chan.with(|d| d.language.clone());
        let handle = Playback::quiet(
            format!("dialplan-{}", x.chan.id),
            Topic::Channel(x.chan.id.clone()),
            language,
            files,
        );
        x.queue_playback(handle.clone());
        loop {
            match x.wait(None, false).await {
                Wake::Hangup => return AppResult::Hangup,
                Wake::PlaybacksDone => break,
                _ => {}
            }
        }
        let status = if handle.failed() { "FAILED" } else { "SUCCESS" };
        x.core.set_var(&x.chan, "PLAYBACKSTATUS", status);
        AppResult::Continue
    })
}

fn app_record(x: &mut Exec, data: String) -> AppFuture<'_> {
    Box::pin(async move {
        let args = ari_dialplan::split_args(&data);
        let file = args.first().cloned().unwrap_or_default();
        let (name, format_name) = file.rsplit_once('.').unwrap_or((&file, "wav"));
        let format = ari_media::Format::from_ari_name(format_name);
        let (true, Some(format)) = (record::valid_name(name), format) else {
            tracing::warn!(channel = %x.chan.name, "Record: invalid file '{file}'");
            x.core.set_var(&x.chan, "RECORD_STATUS", "ERROR");
            return AppResult::Continue;
        };
        let seconds = |i: usize| {
            args.get(i)
                .and_then(|s| s.trim().parse::<u64>().ok())
                .filter(|n| *n > 0)
                .map(std::time::Duration::from_secs)
        };
        answer(x);
        let options = record::Options {
            name: name.to_string(),
            format,
            format_name: format_name.to_string(),
            max_duration: seconds(2),
            max_silence: seconds(1),
            if_exists: "overwrite".into(),
            beep: !args.get(3).is_some_and(|o| o.contains('q')),
            terminate_on: "#".into(),
        };
        let handle = record::LiveRecording::new(options, Topic::Channel(x.chan.id.clone()), true);
        if !x.start_recording(handle.clone()) {
            x.core.set_var(&x.chan, "RECORD_STATUS", "ERROR");
            return AppResult::Continue;
        }
        loop {
            match x.wait(None, false).await {
                Wake::Hangup => {
                    x.end_recording(record::End::Hangup);
                    x.core.set_var(&x.chan, "RECORD_STATUS", "HANGUP");
                    return AppResult::Hangup;
                }
                Wake::RecordingDone => break,
                _ => {}
            }
        }
        let status = match handle.ended() {
            Some(record::End::Dtmf) => "DTMF",
            Some(record::End::MaxSilence) => "SILENCE",
            Some(record::End::MaxDuration) => "TIMEOUT",
            Some(_) => "SUCCESS",
            None => "ERROR",
        };
        x.core.set_var(&x.chan, "RECORD_STATUS", status);
        AppResult::Continue
    })
}

fn app_moh(x: &mut Exec, data: String) -> AppFuture<'_> {
    Box::pin(async move {
        let args = ari_dialplan::split_args(&data);
        let class = args
            .first()
            .filter(|c| !c.is_empty())
            .cloned()
            .unwrap_or_else(|| "default".into());
        let Some(dir) = x
            .core
            .media
            .moh_dir(&class)
            .map(|d| d.map(std::path::Path::to_path_buf))
        else {
            tracing::warn!(channel = %x.chan.name, "MusicOnHold: unknown class '{class}'");
            return AppResult::Continue;
        };
        x.media.moh = Some(Moh::new(&class, dir.as_deref()));
        x.media.sync_clock();
        let deadline = args
            .get(1)
            .and_then(|s| seconds_to_ms(s))
            .filter(|ms| *ms > 0)
            .map(|ms| tokio::time::Instant::now() + std::time::Duration::from_millis(ms));
        let result = loop {
            match x.wait(deadline, false).await {
                Wake::Hangup => break AppResult::Hangup,
                Wake::Timeout => break AppResult::Continue,
                _ => {}
            }
        };
        x.media.moh = None;
        x.media.sync_clock();
        result
    })
}
