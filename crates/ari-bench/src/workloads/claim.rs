//! `claim`: call broadcasts raced by K applications.
//!
//! Each broadcast originates `Local/<n>@broadcast` whose other half goes to
//! `answer@default`; the `broadcast` half runs `StasisBroadcast`, which
//! sends `CallBroadcast` to every application. Each of the tool's K
//! applications claims (`POST /events/claim`) as soon as its own
//! `CallBroadcast` arrives, on its own socket's task. Exactly one claim per
//! broadcast must answer 204, the others 409.

use crate::ari::{enc, Head, Router};
use crate::cli::ClaimArgs;
use crate::run::{Outcome, Pacer, Run};
use reqwest::Method;
use serde_json::json;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the sockets tell a broadcast's task.
#[derive(Debug)]
enum Msg {
    /// One application received `CallBroadcast`.
    Offered(Instant),
    /// One application's claim was answered with this status.
    Claimed(u16),
    /// The winner received `StasisStart`.
    Started,
    /// The winner received `StasisEnd`.
    Ended,
}

/// Where the sockets send what they see. A broadcast is in `offers` only
/// while its claims are awaited: a later `CallBroadcast` for the same
/// channel (a dialplan offering it again, e.g. from an `h` extension that
/// `_.` matched) is not claimed.
#[derive(Default)]
struct Routers {
    offers: Router<Msg>,
    events: Router<Msg>,
}

/// Runs the workload.
pub async fn run(run: Arc<Run>, a: ClaimArgs) -> Result<Outcome, String> {
    let prefix = a
        .common
        .app
        .clone()
        .unwrap_or_else(|| format!("ari-bench-claim-{}", run.id));
    let apps: Vec<String> = (0..a.apps).map(|i| format!("{prefix}-{i}")).collect();
    let router: Arc<Routers> = Arc::default();
    let mut sockets = vec![];
    for app in &apps {
        let (run2, router2, app2) = (run.clone(), router.clone(), app.clone());
        sockets.push(
            run.ari
                .events(app, move |text, at| {
                    on_frame(&run2, &router2, &app2, text, at)
                })
                .await?,
        );
    }
    run.ari
        .wait_registered(&apps, Duration::from_secs(10))
        .await?;
    let (other_exten, other_context) = a
        .other
        .split_once('@')
        .ok_or_else(|| format!("--other must be extension@context, not '{}'", a.other))?;
    let origin = format!(
        "&extension={}&context={}",
        enc(other_exten),
        enc(other_context)
    );
    run.show("broadcasts", "claim");
    let violations = Arc::new(AtomicU64::new(0));
    let pacer = Arc::new(Pacer::new(
        Duration::from_secs_f64(a.common.duration),
        a.common.rate,
        a.common.max_ops,
        run.stop.clone(),
    ));
    let s0 = run.server_sample();
    let a = Arc::new(a);
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..a.common.concurrency {
        let (run, router, pacer, a, origin, violations) = (
            run.clone(),
            router.clone(),
            pacer.clone(),
            a.clone(),
            origin.clone(),
            violations.clone(),
        );
        workers.spawn(async move {
            while let Some(n) = pacer.next().await {
                broadcast(&run, &router, &a, &origin, &violations, n).await;
            }
        });
    }
    while workers.join_next().await.is_some() {}
    let window_s = pacer.start().elapsed().as_secs_f64();
    let s1 = run.server_sample();
    for s in sockets {
        s.abort();
    }
    let violations = violations.load(Ordering::Relaxed);
    Ok(Outcome {
        ops_label: "broadcasts".into(),
        ops: run.metrics.ops(),
        window_s,
        server_window: s0.zip(s1),
        figures: json!({
            "apps": a.apps,
            "concurrency": a.common.concurrency,
            "broadcasts_without_exactly_one_winner": violations,
        })
        .as_object()
        .cloned()
        .unwrap_or_default(),
        headline: vec![
            "claim",
            "claim.won",
            "claim.lost",
            "originate_to_call_broadcast",
            "broadcast_total",
            "rest.originate",
            "rest.hangup",
        ],
        notes: vec![
            "claim latency: CallBroadcast received by an application -> its claim's response"
                .into(),
        ],
        failed: (violations > 0)
            .then(|| format!("{violations} broadcasts did not have exactly one 204 claim")),
    })
}

/// One broadcast: originate, wait for every application's claim, check the
/// outcome, hang up.
async fn broadcast(
    run: &Run,
    router: &Routers,
    a: &ClaimArgs,
    origin: &str,
    violations: &AtomicU64,
    n: u64,
) {
    let m = &run.metrics;
    let (id1, id2) = (format!("{}-{n}", run.id), format!("{}-{n}b", run.id));
    let mut rx = router.events.watch(&id2);
    let mut offers_rx = router.offers.watch(&id2);
    let t0 = Instant::now();
    let path = format!(
        "/channels?endpoint={}&channelId={id1}&otherChannelId={id2}{origin}",
        enc(&format!("Local/{}@{}", 1000 + n, a.context))
    );
    if run
        .ari
        .expect("rest.originate", Method::POST, &path, None, &[200])
        .await
        .is_none()
    {
        router.events.forget(&id2);
        router.offers.forget(&id2);
        return;
    }
    let deadline = tokio::time::Instant::now() + Duration::from_millis(a.event_timeout_ms);
    let (mut offers, mut statuses, mut started, mut ended) = (0u32, Vec::new(), false, false);
    let mut offers_open = true;
    while (statuses.len() as u32) < a.apps || !started {
        // Offers first: an application's offer is queued before its claim is
        // sent, so it is always counted before that claim's answer.
        let msg = tokio::select! {
            biased;
            m = offers_rx.recv(), if offers_open => match m {
                Some(m) => Some(m),
                None => {
                    // No more offers are routed: only the other events remain.
                    offers_open = false;
                    continue;
                }
            },
            m = rx.recv() => m,
            _ = tokio::time::sleep_until(deadline) => None,
        };
        match msg {
            Some(Msg::Offered(at)) => {
                if offers == 0 {
                    m.record("originate_to_call_broadcast", at.duration_since(t0));
                }
                offers += 1;
            }
            Some(Msg::Claimed(s)) => {
                statuses.push(s);
                if statuses.len() as u32 == a.apps {
                    router.offers.forget(&id2);
                }
            }
            Some(Msg::Started) => started = true,
            Some(Msg::Ended) => ended = true,
            None => break,
        }
    }
    router.offers.forget(&id2);
    while let Ok(Msg::Offered(_)) = offers_rx.try_recv() {
        offers += 1;
    }
    if offers < a.apps {
        m.error("timeout: CallBroadcast (not every application was offered the call)");
    } else if (statuses.len() as u32) < a.apps {
        m.error("timeout: claim responses");
    }
    let winners = statuses.iter().filter(|&&s| s == 204).count();
    if winners != 1 && offers == a.apps && statuses.len() as u32 == a.apps {
        violations.fetch_add(1, Ordering::Relaxed);
        m.error(format!("claim: {winners} winners"));
    }
    for s in statuses.iter().filter(|&&s| s != 204 && s != 409) {
        m.error(format!("claim: HTTP {s}"));
    }
    if winners == 1 && !started {
        m.error("timeout: StasisStart of the winner");
    }
    // The winner hangs up its call (both halves go).
    let hung_up = run
        .ari
        .expect(
            "rest.hangup",
            Method::DELETE,
            &format!("/channels/{id2}"),
            None,
            &[204, 404],
        )
        .await;
    if started && !ended && hung_up.is_some() {
        let deadline = tokio::time::Instant::now() + Duration::from_millis(a.event_timeout_ms);
        loop {
            match tokio::time::timeout_at(deadline, rx.recv()).await {
                Ok(Some(Msg::Ended)) => {
                    ended = true;
                    break;
                }
                Ok(Some(_)) => continue,
                _ => break,
            }
        }
        if !ended {
            m.error("timeout: StasisEnd");
        }
    }
    if winners == 1 && ended {
        m.record("broadcast_total", t0.elapsed());
        m.op();
    }
    router.events.forget(&id2);
}

/// One application's socket: claims on `CallBroadcast` for this run's
/// broadcasts, and reports to the broadcast's task.
fn on_frame(run: &Arc<Run>, router: &Arc<Routers>, app: &str, text: &str, at: Instant) {
    let Some(h) = Head::parse(text) else { return };
    let Some(chan) = h.channel_id() else { return };
    match h.kind.as_ref() {
        "CallBroadcast" if router.offers.watched(chan) => {
            router.offers.send(chan, Msg::Offered(at));
            let (run, router) = (run.clone(), router.clone());
            let path = format!(
                "/events/claim?channelId={}&application={}",
                enc(chan),
                enc(app)
            );
            let chan = chan.to_string();
            tokio::spawn(async move {
                let r = run
                    .ari
                    .request("rest.claim", Method::POST, &path, None)
                    .await;
                let status = match r {
                    Ok(r) => r.status,
                    Err(_) => 0,
                };
                let latency = at.elapsed();
                run.metrics.record("claim", latency);
                run.metrics.record(
                    if status == 204 {
                        "claim.won"
                    } else {
                        "claim.lost"
                    },
                    latency,
                );
                router.events.send(&chan, Msg::Claimed(status));
            });
        }
        "StasisStart" => {
            router.events.send(chan, Msg::Started);
        }
        "StasisEnd" => {
            router.events.send(chan, Msg::Ended);
        }
        _ => {}
    }
}
