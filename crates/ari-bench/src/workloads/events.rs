//! `events`: user events carrying their send time, received on one or many
//! WebSocket applications.
//!
//! ARI delivers a user event to the one application named in the request
//! (`POST /events/user/{name}?application=APP`), so with `--apps K` the
//! events go to the K applications in turn, each on its own socket: the
//! server routes to, and writes to, K sockets at once.

use crate::ari::{enc, Head};
use crate::cli::EventsArgs;
use crate::run::{round3, Outcome, Pacer, Run};
use reqwest::Method;
use serde_json::json;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Runs the workload.
pub async fn run(run: Arc<Run>, a: EventsArgs) -> Result<Outcome, String> {
    let prefix = a
        .common
        .app
        .clone()
        .unwrap_or_else(|| format!("ari-bench-ev-{}", run.id));
    let apps: Vec<String> = if a.apps == 1 {
        vec![prefix.clone()]
    } else {
        (0..a.apps).map(|i| format!("{prefix}-{i}")).collect()
    };
    let mut sockets = vec![];
    for app in &apps {
        let run2 = run.clone();
        sockets.push(
            run.ari
                .events(app, move |text, at| on_frame(&run2, text, at))
                .await?,
        );
    }
    run.ari
        .wait_registered(&apps, Duration::from_secs(10))
        .await?;
    run.show("events received", "send_to_receive");
    let sent = Arc::new(AtomicU64::new(0));
    let pacer = Arc::new(Pacer::new(
        Duration::from_secs_f64(a.common.duration),
        a.common.rate,
        a.common.max_ops,
        run.stop.clone(),
    ));
    let s0 = run.server_sample();
    let paths: Arc<Vec<String>> = Arc::new(
        apps.iter()
            .map(|app| {
                format!(
                    "/events/user/{}?application={}",
                    enc(&a.event_name),
                    enc(app)
                )
            })
            .collect(),
    );
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..a.common.concurrency {
        let (run, pacer, paths, sent) = (run.clone(), pacer.clone(), paths.clone(), sent.clone());
        workers.spawn(async move {
            while let Some(n) = pacer.next().await {
                let path = &paths[n as usize % paths.len()];
                let body = format!(
                    r#"{{"variables":{{"bench_t":"{}","bench_run":"{}"}}}}"#,
                    run.now_ns(),
                    run.id
                );
                if run
                    .ari
                    .expect("rest.user_event", Method::POST, path, Some(body), &[204])
                    .await
                    .is_some()
                {
                    sent.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
    }
    while workers.join_next().await.is_some() {}
    let window_s = pacer.start().elapsed().as_secs_f64();
    let s1 = run.server_sample();
    // Wait for the events still in flight.
    let drain = Instant::now() + Duration::from_millis(a.drain_ms);
    while run.metrics.ops() < sent.load(Ordering::Relaxed) && Instant::now() < drain {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    for s in sockets {
        s.abort();
    }
    let sent = sent.load(Ordering::Relaxed);
    let received = run.metrics.ops();
    let mut notes = vec![];
    let mut failed = None;
    if received < sent {
        let lost = sent - received;
        run.metrics.error("event: not received");
        failed = Some(format!(
            "{lost} of {sent} accepted events were not received"
        ));
    }
    if let Some(rate) = a.common.rate {
        let achieved = sent as f64 / window_s.max(1e-9);
        if achieved < rate * 0.95 {
            notes.push(format!(
                "sent {achieved:.0}/s, below the requested {rate:.0}/s (raise --concurrency, or the server or tool is saturated)"
            ));
        }
    }
    Ok(Outcome {
        ops_label: "events received".into(),
        ops: received,
        window_s,
        server_window: s0.zip(s1),
        figures: json!({
            "apps": a.apps,
            "events_sent": sent,
            "events_received": received,
            "sent_per_s": round3(sent as f64 / window_s.max(1e-9)),
            "requested_rate": a.common.rate,
        })
        .as_object()
        .cloned()
        .unwrap_or_default(),
        headline: vec!["send_to_receive", "rest.user_event"],
        notes,
        failed,
    })
}

/// Counts and times one of this run's user events.
fn on_frame(run: &Run, text: &str, at: Instant) {
    let Some(h) = Head::parse(text) else { return };
    if h.kind != "ChannelUserevent" {
        return;
    }
    let Some(u) = h.userevent else { return };
    if u.bench_run.as_deref() != Some(run.id.as_str()) {
        return;
    }
    let Some(t) = u.bench_t.and_then(|t| t.parse::<u64>().ok()) else {
        return;
    };
    let now = u64::try_from(at.duration_since(run.epoch).as_nanos()).unwrap_or(u64::MAX);
    run.metrics.record(
        "send_to_receive",
        Duration::from_nanos(now.saturating_sub(t)),
    );
    run.metrics.op();
}
