//! The Local channel technology, what a channel's task runs, originating
//! calls, and the `Dial` application.
//!
//! `Local/exten@context[/n]` makes two channels back to back: `;1` is the
//! side the requester holds, `;2` runs the dialplan at `exten@context`.
//! Answer, ringing, busy, DTMF and hangup cross from one half to the other.

use super::cause;
use super::channel::{ChanState, Channel, Progress};
use super::exec::{Exec, Position, Wake};
use super::{pbx, AppFuture, AppResult, Core, Frame};
use ari_types::Event;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// A parsed `Local/exten@context[/options]` endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalTarget {
    /// Extension `;2` runs.
    pub exten: String,
    /// Context `;2` runs in.
    pub context: String,
}

impl LocalTarget {
    /// Parses an endpoint (`Local/100@default`, `Local/100@default/n`,
    /// `Local/100` meaning context `default`). Other technologies are `None`.
    pub fn parse(endpoint: &str) -> Option<LocalTarget> {
        let (tech, rest) = endpoint.split_once('/')?;
        if !tech.eq_ignore_ascii_case("local") {
            return None;
        }
        // Options after a further '/' (n, j, m...) change nothing here.
        let dest = rest.split('/').next().unwrap_or("");
        let (exten, context) = dest.split_once('@').unwrap_or((dest, "default"));
        if exten.is_empty() || context.is_empty() {
            return None;
        }
        Some(LocalTarget {
            exten: exten.to_string(),
            context: context.to_string(),
        })
    }

    /// The dial string as `Dial` events show it (`100@default`).
    pub fn dialstring(&self) -> String {
        format!("{}@{}", self.exten, self.context)
    }
}

/// Creates (but does not start) a Local pair for `target`; `None` if an id is taken.
pub fn create_pair(
    core: &Core,
    target: &LocalTarget,
    ids: (Option<String>, Option<String>),
) -> Option<(Arc<Channel>, Arc<Channel>)> {
    let base = format!(
        "Local/{}@{}-{}",
        target.exten,
        target.context,
        core.new_name_suffix()
    );
    let one = core.chan_data(ChanState::Down, &target.context, &target.exten);
    let two = core.chan_data(ChanState::Ring, &target.context, &target.exten);
    let pair = core.create_pair(ids, (format!("{base};1"), format!("{base};2")), (one, two))?;
    core.announce(&pair.0);
    core.announce(&pair.1);
    Some(pair)
}

/// "Calls" a Local pair: `;2` takes `;1`'s caller id and starts running the
/// dialplan.
pub fn call(core: &Arc<Core>, one: &Arc<Channel>, target: &LocalTarget) {
    let Some(two) = one.peer() else { return };
    let (caller, connected) = one.with(|d| (d.caller.clone(), d.connected.clone()));
    two.update(|d| {
        d.caller = caller;
        if !connected.number.is_empty() || !connected.name.is_empty() {
            d.connected = connected;
        }
    });
    core.start(
        &two,
        Start::Dialplan(Position {
            context: target.context.clone(),
            exten: target.exten.clone(),
            priority: 1,
        }),
    );
}

/// What a channel does once answered by its far end (originate).
#[derive(Clone, Debug)]
pub enum Then {
    /// Run the dialplan from here (a label, if given, supersedes the priority).
    Dialplan(Position, Option<String>),
    /// Run an application (`Stasis`) with these arguments.
    App(String, String),
}

/// What a channel's task runs.
#[derive(Clone, Debug)]
pub enum Start {
    /// Run the dialplan (the `;2` half of a Local call).
    Dialplan(Position),
    /// Wait for the far end to answer (up to the timeout), then go on.
    Originate {
        /// Milliseconds to wait for an answer; `None` waits for ever.
        timeout_ms: Option<u64>,
        /// What to do once answered.
        then: Then,
    },
    /// Run an application straight away (`channels/create` enters Stasis).
    App(String, String),
    /// An outgoing leg of a `Dial`: pass frames to the linked channel.
    Dialed,
    /// Nothing: the channel is being torn down before it ever ran.
    Nothing,
}

/// Runs what a channel's task was started with.
pub async fn run(x: &mut Exec, start: Start) {
    match start {
        Start::Dialplan(pos) => pbx::run(x, pos).await,
        Start::Originate { timeout_ms, then } => {
            if wait_for_answer(x, timeout_ms).await {
                run_then(x, then).await;
            }
        }
        Start::App(name, data) => run_app(x, &name, data).await,
        Start::Dialed => dialed(x).await,
        Start::Nothing => {}
    }
}

async fn run_then(x: &mut Exec, then: Then) {
    match then {
        Then::Dialplan(mut pos, label) => {
            if let Some(label) = label.filter(|l| !l.is_empty()) {
                match x
                    .core
                    .dialplan()
                    .find_label(&pos.context, &pos.exten, &label)
                {
                    Some(p) => pos.priority = p as i64,
                    None => {
                        tracing::warn!(channel = %x.chan.name, "no label {label} in {}@{}", pos.exten, pos.context);
                        return;
                    }
                }
            }
            pbx::run(x, pos).await
        }
        Then::App(name, data) => run_app(x, &name, data).await,
    }
}

/// Runs one application outside the dialplan (as originate does with Stasis).
async fn run_app(x: &mut Exec, name: &str, data: String) {
    pbx::enter_app(x, None, name, &data);
    if let Some(app) = x.core.app(name) {
        app.exec(x, data).await;
        if let Some(pos) = x.jump.take() {
            // The application asked to continue in the dialplan.
            pbx::run(x, pos).await;
        }
    }
}

/// Waits for an answer from the far end; hangs the channel up (with the
/// right cause) on busy, congestion or timeout.
async fn wait_for_answer(x: &mut Exec, timeout_ms: Option<u64>) -> bool {
    if let Some(target) = x.chan.peer().and_then(|_| local_target_of(&x.chan)) {
        call(&x.core, &x.chan, &target);
    }
    let deadline = timeout_ms.map(|ms| Instant::now() + Duration::from_millis(ms));
    loop {
        if x.chan.state() == ChanState::Up {
            return true;
        }
        match x.wait(deadline, false).await {
            Wake::Frame(Frame::Answer) => return true,
            Wake::Frame(Frame::Busy) => {
                x.core.hangup(&x.chan, cause::USER_BUSY);
                return false;
            }
            Wake::Frame(Frame::Congestion) => {
                x.core.hangup(&x.chan, cause::CONGESTION);
                return false;
            }
            Wake::Timeout => {
                x.core.hangup(&x.chan, cause::NO_ANSWER);
                return false;
            }
            Wake::Hangup => return false,
            _ => {}
        }
    }
}

/// The Local target a `;1` channel was created for (from its context/exten).
pub fn local_target_of(chan: &Channel) -> Option<LocalTarget> {
    chan.name.starts_with("Local/").then(|| {
        chan.with(|d| LocalTarget {
            exten: d.exten.clone(),
            context: d.context.clone(),
        })
    })
}

/// An outgoing leg: reports indications to whoever dials it and passes
/// frames to the channel it is linked to.
async fn dialed(x: &mut Exec) {
    loop {
        match x.wait(None, false).await {
            Wake::Hangup => return,
            Wake::Frame(f) => {
                match f {
                    Frame::Busy => x.core.hangup(&x.chan, cause::USER_BUSY),
                    Frame::Congestion => x.core.hangup(&x.chan, cause::CONGESTION),
                    _ => {}
                }
                match (&f, x.chan.linked()) {
                    (
                        Frame::Dtmf { .. } | Frame::Voice(_) | Frame::Hold | Frame::Unhold,
                        Some(other),
                    ) => other.write(f.clone()),
                    (Frame::Dtmf { .. } | Frame::Voice(_), None) => {}
                    _ => x.chan.report(Progress::Frame(x.chan.id.clone(), f)),
                }
            }
            _ => {}
        }
    }
}

fn publish_dial(core: &Core, caller: &Channel, peer: &Channel, dialstring: &str, status: &str) {
    let event = Event::Dial(ari_types::Dial {
        caller: Some(core.snapshot(caller)),
        peer: core.snapshot(peer),
        forward: None,
        forwarded: None,
        dialstring: Some(dialstring.to_string()),
        dialstatus: status.to_string(),
    });
    core.publish(
        &event,
        &[
            super::Topic::Channel(caller.id.clone()),
            super::Topic::Channel(peer.id.clone()),
        ],
    );
}

/// `Dial(Local/a@ctx[&Local/b@ctx],timeout[,options])`: calls every target,
/// connects the first to answer, and sets `DIALSTATUS`. With option `g` the
/// dialplan goes on after the called party hangs up; without it the caller
/// is hung up too, as in Asterisk.
pub fn app_dial(x: &mut Exec, data: String) -> AppFuture<'_> {
    Box::pin(async move {
        let args = ari_dialplan::split_args(&data);
        let targets: Vec<(String, Option<LocalTarget>)> = args
            .first()
            .map(|t| {
                t.split('&')
                    .map(|s| (s.to_string(), LocalTarget::parse(s)))
                    .collect()
            })
            .unwrap_or_default();
        let timeout_ms = args
            .get(1)
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|s| *s > 0.0)
            .map(|s| (s * 1000.0) as u64);
        let go_on = args.get(2).is_some_and(|o| o.contains('g'));
        let status = dial(x, &targets, timeout_ms, go_on).await;
        x.core.set_var(&x.chan, "DIALSTATUS", status.0);
        status.1
    })
}

async fn dial(
    x: &mut Exec,
    targets: &[(String, Option<LocalTarget>)],
    timeout_ms: Option<u64>,
    go_on: bool,
) -> (&'static str, AppResult) {
    let core = x.core.clone();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut peers: Vec<(Arc<Channel>, String)> = Vec::new();
    let (caller_id, connected) = x.chan.with(|d| (d.caller.clone(), d.connected.clone()));
    for (raw, target) in targets {
        let Some(target) = target else {
            tracing::warn!(channel = %x.chan.name, "Dial: unsupported endpoint '{raw}'");
            continue;
        };
        let Some((one, _two)) = create_pair(&core, target, (None, None)) else {
            continue;
        };
        one.update(|d| {
            d.caller = caller_id.clone();
            d.connected = connected.clone();
        });
        one.observe(Some(tx.clone()));
        let dialstring = target.dialstring();
        publish_dial(&core, &x.chan, &one, &dialstring, "");
        core.start(&one, Start::Dialed);
        call(&core, &one, target);
        peers.push((one, dialstring));
    }
    drop(tx);
    if peers.is_empty() {
        return ("CHANUNAVAIL", AppResult::Continue);
    }
    let deadline = timeout_ms.map(|ms| Instant::now() + Duration::from_millis(ms));
    let mut busy = false;
    let mut congested = false;
    // Phase 1: wait for someone to answer.
    let winner = loop {
        let wake = tokio::select! {
            w = x.wait(deadline, false) => Some(w),
            p = rx.recv() => match p {
                Some(p) => {
                    match p {
                        Progress::Frame(id, Frame::Answer) => {
                            if let Some(i) = peers.iter().position(|(c, _)| c.id == id) {
                                break Some(i);
                            }
                        }
                        Progress::Frame(id, Frame::Ringing) => {
                            if let Some((c, ds)) = peers.iter().find(|(c, _)| c.id == id) {
                                publish_dial(&core, &x.chan, c, ds, "RINGING");
                                x.chan.write(Frame::Ringing);
                            }
                        }
                        Progress::Frame(id, Frame::Progress) => {
                            if let Some((c, ds)) = peers.iter().find(|(c, _)| c.id == id) {
                                publish_dial(&core, &x.chan, c, ds, "PROGRESS");
                            }
                        }
                        Progress::Gone(id, cause) => {
                            if let Some(i) = peers.iter().position(|(c, _)| c.id == id) {
                                let (c, ds) = peers.remove(i);
                                let status = match cause {
                                    cause::USER_BUSY => { busy = true; "BUSY" }
                                    cause::CONGESTION => { congested = true; "CONGESTION" }
                                    _ => "CHANUNAVAIL",
                                };
                                publish_dial(&core, &x.chan, &c, &ds, status);
                            }
                            if peers.is_empty() {
                                break None;
                            }
                        }
                        _ => {}
                    }
                    None
                }
                None => break None,
            },
        };
        match wake {
            Some(Wake::Hangup) => {
                for (c, ds) in &peers {
                    publish_dial(&core, &x.chan, c, ds, "CANCEL");
                    c.observe(None);
                    core.hangup(c, cause::NORMAL_CLEARING);
                }
                return ("CANCEL", AppResult::Hangup);
            }
            Some(Wake::Timeout) => {
                for (c, ds) in &peers {
                    publish_dial(&core, &x.chan, c, ds, "NOANSWER");
                    c.observe(None);
                    core.hangup(c, cause::NO_ANSWER);
                }
                return ("NOANSWER", AppResult::Continue);
            }
            _ => {}
        }
    };
    let Some(i) = winner else {
        let status = if busy {
            "BUSY"
        } else if congested {
            "CONGESTION"
        } else {
            "CHANUNAVAIL"
        };
        return (status, AppResult::Continue);
    };
    let (peer, dialstring) = peers.remove(i);
    for (c, ds) in &peers {
        publish_dial(&core, &x.chan, c, ds, "CANCEL");
        c.observe(None);
        core.hangup(c, 26);
    }
    core.set_state(&peer, ChanState::Up);
    publish_dial(&core, &x.chan, &peer, &dialstring, "ANSWER");
    pbx::answer(x);
    // Phase 2: connected. Frames pass between the two until one hangs up.
    peer.set_link(Some(&x.chan));
    x.chan.set_link(Some(&peer));
    let result = loop {
        tokio::select! {
            w = x.wait(None, false) => match w {
                Wake::Hangup => break AppResult::Hangup,
                Wake::Frame(f @ (Frame::Dtmf { .. } | Frame::Voice(_) | Frame::Hold | Frame::Unhold)) => peer.write(f),
                _ => {}
            },
            p = rx.recv() => match p {
                Some(Progress::Gone(..)) | None => {
                    break if go_on { AppResult::Continue } else { AppResult::Hangup };
                }
                _ => {}
            },
        }
    };
    x.chan.set_link(None);
    peer.set_link(None);
    peer.observe(None);
    if result == AppResult::Hangup && !x.hung_up() {
        let cause = peer.with(|d| d.cause);
        x.chan.update(|d| {
            d.cause = if cause == 0 {
                cause::NORMAL_CLEARING
            } else {
                cause
            }
        });
    }
    core.hangup(&peer, cause::NORMAL_CLEARING);
    ("ANSWER", result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{EventSink, Settings, Topic};
    use parking_lot::Mutex;

    /// Collects every published event.
    #[derive(Default)]
    struct Collect(Mutex<Vec<Event>>);

    impl EventSink for Collect {
        fn publish(&self, event: &Event, _topics: &[Topic]) {
            self.0.lock().push(event.clone());
        }
        fn send_to(&self, _app: &str, event: &Event) -> bool {
            self.0.lock().push(event.clone());
            true
        }
        fn forget(&self, _topic: &Topic) {}
    }

    fn core(dialplan: &str) -> (Arc<Core>, Arc<Collect>) {
        let dp = ari_dialplan::Dialplan::parse(dialplan, "test.conf").unwrap();
        let dir = std::env::temp_dir().join(format!("ari-local-{}", std::process::id()));
        let core = Core::new(
            dp,
            Settings {
                default_language: "en".into(),
                recordings_dir: dir,
                ..Default::default()
            },
        );
        let sink = Arc::new(Collect::default());
        core.set_sink(sink.clone());
        (core, sink)
    }

    fn destroyed_cause(sink: &Collect, id: &str) -> Option<i64> {
        sink.0.lock().iter().find_map(|e| match e {
            Event::ChannelDestroyed(d) if d.channel.id == id => Some(d.cause),
            _ => None,
        })
    }

    #[tokio::test(start_paused = true)]
    async fn an_unanswered_originate_times_out_on_the_paused_clock() {
        let (core, sink) = core("[default]\nexten => ring,1,Ringing()\n same => n,Wait(3600)\n");
        let target = LocalTarget::parse("Local/ring@default").unwrap();
        let (one, _) = create_pair(&core, &target, (Some("o1".into()), None)).unwrap();
        let then = Then::App("NoOp".into(), String::new());
        core.start(
            &one,
            Start::Originate {
                timeout_ms: Some(30_000),
                then,
            },
        );
        tokio::time::sleep(Duration::from_millis(29_990)).await;
        assert_eq!(
            one.state(),
            ChanState::Ringing,
            "still ringing just before the timeout"
        );
        assert_eq!(destroyed_cause(&sink, "o1"), None);
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(
            destroyed_cause(&sink, "o1"),
            Some(19),
            "no answer after 30 s"
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
        assert_eq!(core.channel_count(), 0, "both halves are gone");
    }

    #[tokio::test(start_paused = true)]
    async fn dial_gives_up_after_its_timeout() {
        let (core, sink) = core(
            "[default]\nexten => caller,1,Dial(Local/ring@default,5)\n same => n,Set(AFTER=${DIALSTATUS})\n same => n,Hangup()\n\
             exten => ring,1,Ringing()\n same => n,Wait(3600)\n",
        );
        let target = LocalTarget::parse("Local/caller@default").unwrap();
        let (one, _) = create_pair(&core, &target, (None, Some("c2".into()))).unwrap();
        let then = Then::App("NoOp".into(), String::new());
        core.start(
            &one,
            Start::Originate {
                timeout_ms: None,
                then,
            },
        );
        tokio::time::sleep(Duration::from_millis(4_990)).await;
        let statuses = |sink: &Collect| -> Vec<String> {
            sink.0
                .lock()
                .iter()
                .filter_map(|e| match e {
                    Event::Dial(d) => Some(d.dialstatus.clone()),
                    _ => None,
                })
                .collect()
        };
        assert_eq!(statuses(&sink), ["", "RINGING"]);
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(statuses(&sink), ["", "RINGING", "NOANSWER"]);
        let after = sink.0.lock().iter().find_map(|e| match e {
            Event::ChannelVarset(v) if v.variable == "AFTER" => Some(v.value.clone()),
            _ => None,
        });
        assert_eq!(
            after.as_deref(),
            Some("NOANSWER"),
            "the dialplan goes on after a Dial timeout"
        );
    }

    #[test]
    fn endpoints() {
        assert_eq!(
            LocalTarget::parse("Local/100@default/n"),
            Some(LocalTarget {
                exten: "100".into(),
                context: "default".into()
            })
        );
        assert_eq!(LocalTarget::parse("local/s").unwrap().context, "default");
        assert_eq!(LocalTarget::parse("PJSIP/alice"), None);
        assert_eq!(LocalTarget::parse("Local/@ctx"), None);
        assert_eq!(LocalTarget::parse("Local"), None);
    }
}
