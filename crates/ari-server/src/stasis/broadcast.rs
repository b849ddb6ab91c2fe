//! Call broadcast with first-claim-wins.
//!
//! `StasisBroadcast([timeout][,app_filter][,args][,notify_claimed])` offers
//! the channel to every registered application whose name matches the
//! filter, in a uniformly shuffled order, with a `CallBroadcast` event. The
//! first `POST /ari/events/claim` wins it and the channel enters that
//! application exactly as `Stasis(app,args...)` would put it there; every
//! other claim gets 409. Nobody claiming in time sets `STASISSTATUS=TIMEOUT`.
//!
//! Safer than Asterisk in four documented ways: an invalid or over-long
//! filter fails closed (nothing offered, `FAILED`) instead of offering the
//! call to everyone; filters are compiled by the linear-time `regex` crate
//! under explicit size and nesting limits; a claim naming an application the
//! call was not offered to is refused (404) rather than stranding the call;
//! and a caller hanging up ends the offer at once (event-driven, no polling).

use super::control;
use super::Stasis;
use crate::core::exec::{Exec, Wake};
use crate::core::modules::{BROADCAST, BROADCAST_APP};
use crate::core::{AppFuture, AppResult, DialplanApp};
use ari_types::Event;
use parking_lot::Mutex;
use rand::seq::SliceRandom;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::Instant;

/// Default offer time, in milliseconds.
pub const DEFAULT_TIMEOUT_MS: u64 = 500;
/// Longest offer time allowed, in milliseconds.
pub const MAX_TIMEOUT_MS: u64 = 60_000;
/// Longest application filter accepted, in characters.
pub const MAX_FILTER_LEN: usize = 256;
/// Compiled size limit of a filter, in bytes.
const FILTER_SIZE_LIMIT: usize = 64 * 1024;
/// Nesting limit of a filter (groups, repetitions).
const FILTER_NEST_LIMIT: u32 = 16;

/// Where an offer stands.
#[derive(Clone, Debug, PartialEq, Eq)]
enum State {
    /// Waiting for a claim.
    Offering,
    /// Won by this application; its Stasis session may still be running.
    Claimed(String),
    /// Over without a winner (timed out, or the caller hung up).
    Ended,
}

/// One broadcast in progress.
struct Offer {
    apps: Vec<String>,
    state: Mutex<State>,
    claimed: Notify,
    started: Instant,
}

/// Why a claim failed.
#[derive(Debug, PartialEq, Eq)]
pub enum ClaimError {
    /// No such broadcast, it ended without a winner, or the application was
    /// not offered the call (404, with the reason).
    NotFound(String),
    /// Another application already won (409).
    Conflict(String),
}

/// Counters of the broadcast module.
#[derive(Default, Debug)]
pub struct Counters {
    /// Broadcasts that offered a call.
    pub offered: AtomicU64,
    /// Broadcasts won by a claim.
    pub claimed: AtomicU64,
    /// Broadcasts that ended with nobody claiming.
    pub timed_out: AtomicU64,
    /// Sum of offer-to-claim latencies, in microseconds.
    pub claim_latency_us: AtomicU64,
}

/// The broadcasts in progress, by channel id.
#[derive(Default)]
pub struct Broadcasts {
    offers: Mutex<HashMap<String, Arc<Offer>>>,
    /// Outcome counters.
    pub counters: Counters,
}

impl Broadcasts {
    /// How many broadcasts are in progress (offering, or won and running).
    pub fn len(&self) -> usize {
        self.offers.lock().len()
    }

    /// Whether none is in progress.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Claims the channel `channel_id` for `app`. Exactly one claim per
    /// broadcast can ever succeed, however many race.
    pub fn claim(&self, channel_id: &str, app: &str) -> Result<(), ClaimError> {
        let offer = self.offers.lock().get(channel_id).cloned().ok_or_else(|| {
            ClaimError::NotFound(format!(
                "Channel {channel_id} not found or not being broadcast"
            ))
        })?;
        if !offer.apps.iter().any(|a| a == app) {
            return Err(ClaimError::NotFound(format!(
                "Application {app} was not offered channel {channel_id}"
            )));
        }
        let mut state = offer.state.lock();
        match &*state {
            State::Offering => {
                *state = State::Claimed(app.to_string());
                drop(state);
                let latency = offer.started.elapsed().as_micros() as u64;
                self.counters.claimed.fetch_add(1, Ordering::Relaxed);
                self.counters
                    .claim_latency_us
                    .fetch_add(latency, Ordering::Relaxed);
                tracing::info!(
                    channel = channel_id,
                    app,
                    latency_us = latency,
                    "broadcast claimed"
                );
                offer.claimed.notify_one();
                Ok(())
            }
            State::Claimed(winner) => Err(ClaimError::Conflict(format!(
                "Channel {channel_id} has already been claimed by {winner}"
            ))),
            State::Ended => Err(ClaimError::NotFound(format!(
                "The broadcast of channel {channel_id} ended without a winner"
            ))),
        }
    }
}

/// Parsed `StasisBroadcast` arguments.
#[derive(Debug, PartialEq)]
pub struct Options {
    /// Offer time.
    pub timeout_ms: u64,
    /// Application name filter (unanchored), if any.
    pub filter: Option<String>,
    /// Arguments for the winner's `StasisStart`.
    pub args: Vec<String>,
    /// Whether to send `CallClaimed`.
    pub notify_claimed: bool,
}

impl Options {
    /// Parses the application data, warning about (and replacing) a bad timeout.
    pub fn parse(data: &str) -> Options {
        let parts = ari_dialplan::split_args(data);
        let part = |i: usize| parts.get(i).map(|s| s.trim()).unwrap_or("");
        let timeout_ms = match part(0) {
            "" => DEFAULT_TIMEOUT_MS,
            t => match t.parse::<u64>() {
                Ok(ms) if ms <= MAX_TIMEOUT_MS => ms,
                _ => {
                    tracing::warn!("StasisBroadcast: invalid timeout '{t}' (0..{MAX_TIMEOUT_MS} ms); using {DEFAULT_TIMEOUT_MS}");
                    DEFAULT_TIMEOUT_MS
                }
            },
        };
        let filter = Some(part(1).to_string()).filter(|f| !f.is_empty());
        let args = match part(2) {
            "" => Vec::new(),
            a => a.split(':').map(str::to_string).collect(),
        };
        Options {
            timeout_ms,
            filter,
            args,
            notify_claimed: ari_dialplan::ast_true(part(3)),
        }
    }
}

/// Compiles an application filter under the size, length and nesting
/// limits; the error says why a filter was refused.
pub fn compile_filter(pattern: &str) -> Result<regex::Regex, String> {
    if pattern.chars().count() > MAX_FILTER_LEN {
        return Err(format!("filter longer than {MAX_FILTER_LEN} characters"));
    }
    regex::RegexBuilder::new(pattern)
        .size_limit(FILTER_SIZE_LIMIT)
        .dfa_size_limit(FILTER_SIZE_LIMIT)
        .nest_limit(FILTER_NEST_LIMIT)
        .build()
        .map_err(|e| e.to_string())
}

/// Sends `event` to each of `apps` in a uniformly shuffled order.
pub fn offer_in_shuffled_order(stasis: &Stasis, apps: &mut [String], event: &Event) {
    apps.shuffle(&mut rand::rng());
    stasis.send_to_each(apps, event);
}

/// The `StasisBroadcast` dialplan application.
pub struct StasisBroadcastApp(pub Arc<Stasis>);

impl DialplanApp for StasisBroadcastApp {
    fn exec<'a>(&'a self, x: &'a mut Exec, data: String) -> AppFuture<'a> {
        Box::pin(async move {
            let status = broadcast(&self.0, x, &data).await;
            x.core.set_var(&x.chan, "STASISSTATUS", status);
            if x.hung_up() {
                AppResult::Hangup
            } else {
                AppResult::Continue
            }
        })
    }
}

async fn broadcast(stasis: &Stasis, x: &mut Exec, data: &str) -> &'static str {
    if !x.core.modules.is_loaded(BROADCAST) || !x.core.modules.is_loaded(BROADCAST_APP) {
        tracing::warn!(channel = %x.chan.name, "StasisBroadcast: the call broadcast module is not loaded");
        return "FAILED";
    }
    let options = Options::parse(data);
    let filter = match options.filter.as_deref().map(compile_filter).transpose() {
        Ok(f) => f,
        Err(why) => {
            tracing::warn!(channel = %x.chan.name, "StasisBroadcast: refusing application filter: {why}; nothing offered");
            return "FAILED";
        }
    };
    let mut apps: Vec<String> = stasis
        .app_names()
        .into_iter()
        .filter(|a| filter.as_ref().is_none_or(|f| f.is_match(a)))
        .collect();
    if apps.is_empty() {
        tracing::warn!(channel = %x.chan.name, "StasisBroadcast: no registered application matches; nothing offered");
        return "FAILED";
    }
    let offer = Arc::new(Offer {
        apps: apps.clone(),
        state: Mutex::new(State::Offering),
        claimed: Notify::new(),
        started: Instant::now(),
    });
    let channel_id = x.chan.id.clone();
    {
        let mut offers = stasis.broadcasts.offers.lock();
        if offers.contains_key(&channel_id) {
            return "FAILED";
        }
        offers.insert(channel_id.clone(), offer.clone());
    }
    stasis
        .broadcasts
        .counters
        .offered
        .fetch_add(1, Ordering::Relaxed);
    let (caller, called) = x.chan.with(|d| (d.caller.number.clone(), d.exten.clone()));
    let event = Event::CallBroadcast(ari_types::CallBroadcast {
        channel: x.core.snapshot(&x.chan),
        caller,
        called,
    });
    offer_in_shuffled_order(stasis, &mut apps, &event);

    let deadline = Instant::now() + Duration::from_millis(options.timeout_ms);
    let winner = loop {
        tokio::select! {
            biased;
            _ = offer.claimed.notified() => {}
            wake = x.wait(Some(deadline), false) => match wake {
                Wake::Timeout | Wake::Hangup => {}
                _ => continue,
            },
        }
        // Decide under the offer's lock, so a claim racing the timeout or a
        // hangup either wins outright or finds the broadcast over.
        let mut state = offer.state.lock();
        match &*state {
            State::Claimed(app) => break Some(app.clone()),
            State::Offering if x.hung_up() || Instant::now() >= deadline => {
                *state = State::Ended;
                break None;
            }
            _ => continue,
        }
    };
    let status = match winner {
        None => {
            stasis
                .broadcasts
                .counters
                .timed_out
                .fetch_add(1, Ordering::Relaxed);
            tracing::info!(channel = %channel_id, "broadcast ended unclaimed");
            "TIMEOUT"
        }
        Some(app) => {
            if options.notify_claimed {
                let event = Event::CallClaimed(ari_types::CallClaimed {
                    channel: x.core.snapshot(&x.chan),
                    winner_app: app.clone(),
                });
                stasis.send_to_each(&offer.apps, &event);
            }
            // Late claims keep getting 409 until the winner's session ends.
            control::run(stasis, x, app, options.args).await
        }
    };
    stasis.broadcasts.offers.lock().remove(&channel_id);
    status
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stasis::{Connection, Outgoing};
    use tokio::sync::mpsc;

    fn connection(capacity: usize) -> (Connection, mpsc::Receiver<Outgoing>) {
        let (tx, rx) = mpsc::channel(capacity);
        (
            Connection {
                id: 1,
                tx,
                close: Arc::new(Notify::new()),
                overflowed: Default::default(),
            },
            rx,
        )
    }

    fn next_json(rx: &mut mpsc::Receiver<Outgoing>) -> Option<serde_json::Value> {
        match rx.try_recv() {
            Ok(Outgoing::Event(json)) => serde_json::from_str(&json).ok(),
            Err(_) => None,
        }
    }

    #[test]
    fn offers_are_uniformly_shuffled() {
        const APPS: usize = 5;
        const OFFERS: usize = 10_000;
        let stasis = Stasis::new("id");
        let (conn, mut rx) = connection(APPS);
        let apps: Vec<String> = (0..APPS).map(|i| format!("agent-{i}")).collect();
        for a in &apps {
            stasis.register(a, conn.clone(), false);
        }
        let event = Event::CallBroadcast(ari_types::CallBroadcast {
            channel: serde_json::from_value(serde_json::json!({
                "id": "1.1", "name": "Local/1@x-00000001;2", "state": "Up",
                "caller": {"name": "", "number": ""}, "connected": {"name": "", "number": ""},
                "accountcode": "", "dialplan": {"context": "x", "exten": "1", "priority": 1},
                "creationtime": "2026-01-01T00:00:00.000+0000", "language": "en"
            }))
            .unwrap(),
            caller: String::new(),
            called: "1".into(),
        });
        let mut first = [0usize; APPS];
        for _ in 0..OFFERS {
            offer_in_shuffled_order(&stasis, &mut apps.clone(), &event);
            let e = next_json(&mut rx).unwrap();
            let i = apps.iter().position(|a| *a == e["application"]).unwrap();
            first[i] += 1;
            let mut rest = 1;
            while next_json(&mut rx).is_some() {
                rest += 1;
            }
            assert_eq!(rest, APPS, "every application is offered every call");
        }
        let expected = (OFFERS / APPS) as f64;
        let chi2: f64 = first
            .iter()
            .map(|&o| (o as f64 - expected).powi(2) / expected)
            .sum();
        // 4 degrees of freedom: p = 0.001 at 18.47.
        assert!(
            chi2 < 18.47,
            "first-offer counts {first:?} are not uniform (chi2 = {chi2:.2})"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_unclaimed_offer_times_out_on_the_paused_clock() {
        use crate::config::Config;
        use crate::core::exec::Position;
        use crate::core::local::{self, LocalTarget, Start, Then};
        let dir = std::env::temp_dir().join(format!("ari-bc-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let dialplan = dir.join("extensions.conf");
        std::fs::write(
            &dialplan,
            "[bc]\nexten => _X.,1,StasisBroadcast(,^agent-)\n same => n,Set(RESULT=${STASISSTATUS})\n same => n,Wait(3600)\n\
             [default]\nexten => answer,1,Answer()\n same => n,Wait(3600)\n",
        )
        .unwrap();
        let config =
            Config::parse(&format!("dialplan = {:?}", dialplan.display().to_string())).unwrap();
        let server =
            crate::Server::new(config, crate::logging::LogChannels::new(dir.join("logs"))).unwrap();
        let (agent, mut offers) = connection(64);
        server.stasis.register("agent-0", agent, false);
        let (spy, mut all) = connection(1024);
        server
            .stasis
            .register("spy", Connection { id: 2, ..spy }, true);

        let target = LocalTarget::parse("Local/123@bc").unwrap();
        let (one, _) =
            local::create_pair(&server.core, &target, (None, Some("t1".into()))).unwrap();
        let then = Then::Dialplan(
            Position {
                context: "default".into(),
                exten: "answer".into(),
                priority: 1,
            },
            None,
        );
        server.core.start(
            &one,
            Start::Originate {
                timeout_ms: None,
                then,
            },
        );
        let result = |all: &mut mpsc::Receiver<Outgoing>| {
            while let Some(e) = next_json(all) {
                if e["type"] == "ChannelVarset" && e["variable"] == "RESULT" {
                    return Some(e["value"].as_str().unwrap().to_string());
                }
            }
            None
        };
        // Let the call set up; no time passes while tasks have work.
        tokio::time::sleep(Duration::from_millis(1)).await;
        let offer = next_json(&mut offers).expect("offered");
        assert_eq!(offer["type"], "CallBroadcast");
        tokio::time::sleep(Duration::from_millis(497)).await;
        assert_eq!(result(&mut all), None, "still on offer just before 500 ms");
        assert_eq!(server.stasis.broadcasts.len(), 1);
        tokio::time::sleep(Duration::from_millis(5)).await;
        assert_eq!(result(&mut all).as_deref(), Some("TIMEOUT"));
        assert!(server.stasis.broadcasts.is_empty());
        assert!(matches!(
            server.stasis.broadcasts.claim("t1", "agent-0"),
            Err(ClaimError::NotFound(_))
        ));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn options() {
        assert_eq!(
            Options::parse(""),
            Options {
                timeout_ms: 500,
                filter: None,
                args: vec![],
                notify_claimed: false
            }
        );
        let o = Options::parse("2000,^sales-,a:b:c,yes");
        assert_eq!(o.timeout_ms, 2000);
        assert_eq!(o.filter.as_deref(), Some("^sales-"));
        assert_eq!(o.args, ["a", "b", "c"]);
        assert!(o.notify_claimed);
        assert_eq!(Options::parse("60001").timeout_ms, 500);
        assert_eq!(Options::parse("-5").timeout_ms, 500);
        assert_eq!(Options::parse("soon").timeout_ms, 500);
        assert_eq!(Options::parse("0").timeout_ms, 0);
        assert_eq!(Options::parse("60000").timeout_ms, 60000);
        assert!(!Options::parse(",,,no").notify_claimed);
    }

    #[test]
    fn filters_fail_closed() {
        assert!(compile_filter("^agent-[0-9]+$")
            .unwrap()
            .is_match("agent-42"));
        assert!(
            compile_filter("sales").unwrap().is_match("east-sales-1"),
            "unanchored"
        );
        assert!(compile_filter("(unclosed").is_err());
        assert!(compile_filter(&"a".repeat(MAX_FILTER_LEN + 1)).is_err());
        assert!(
            compile_filter(&format!("{}a{}", "(".repeat(40), ")".repeat(40))).is_err(),
            "nesting"
        );
        // Catastrophic for a backtracking engine; linear here, and it compiles.
        let evil = compile_filter("(a+)+$").unwrap();
        assert!(!evil.is_match(&format!("{}!", "a".repeat(10_000))));
    }
}
