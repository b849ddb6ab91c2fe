//! `hold`: ramp to N channels held idle in Stasis, hold them while issuing
//! `GET /channels/{id}`, then hang them all up.

use super::{bounded, channel_router, wait_kind, ChanEvent, Kind};
use crate::ari::{enc, Router};
use crate::cli::HoldArgs;
use crate::procstat::Sample;
use crate::run::{round3, Outcome, Pacer, Run};
use parking_lot::Mutex;
use reqwest::Method;
use serde_json::{json, Map, Value};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Runs the workload.
pub async fn run(run: Arc<Run>, a: HoldArgs) -> Result<Outcome, String> {
    let app = a
        .common
        .app
        .clone()
        .unwrap_or_else(|| format!("ari-bench-hold-{}", run.id));
    let router: Arc<Router<ChanEvent>> = Arc::default();
    let ws = run.ari.events(&app, channel_router(router.clone())).await?;
    run.ari
        .wait_registered(std::slice::from_ref(&app), Duration::from_secs(5))
        .await?;
    let mut notes = vec![];
    let mut figures = Map::new();
    // Let the server settle, then take the baseline.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_before = run.server_sample();

    // Ramp.
    run.show("held", "originate_to_stasis_start");
    let held = Arc::new(Mutex::new(Vec::with_capacity(a.channels as usize)));
    let origin = format!("/channels?endpoint={}&app={}", enc(&a.endpoint), enc(&app));
    let bound = Duration::from_secs(10);
    let ramp_start = Instant::now();
    let deadline = ramp_start + Duration::from_secs_f64(a.ramp_timeout);
    bounded(
        u64::from(a.channels),
        a.ramp_concurrency,
        deadline,
        &run,
        |n| {
            let (run, router, held, origin) =
                (run.clone(), router.clone(), held.clone(), origin.clone());
            async move {
                let id = format!("{}-{n}", run.id);
                let mut rx = router.watch(&id);
                let t0 = Instant::now();
                let ok = run
                    .ari
                    .expect(
                        "rest.originate",
                        Method::POST,
                        &format!("{origin}&channelId={id}"),
                        None,
                        &[200],
                    )
                    .await;
                if ok.is_some() {
                    match wait_kind(&mut rx, Kind::StasisStart, bound).await {
                        Some(at) => {
                            run.metrics
                                .record("originate_to_stasis_start", at.duration_since(t0));
                            run.metrics.op();
                        }
                        None => run.metrics.error("timeout: StasisStart"),
                    }
                    // Hung up at the end even if StasisStart was late.
                    held.lock().push(id.clone());
                }
                router.forget(&id);
            }
        },
    )
    .await;
    let ramp_s = ramp_start.elapsed().as_secs_f64();
    let ids: Arc<Vec<String>> = Arc::new(std::mem::take(&mut *held.lock()));
    let in_stasis = run.metrics.ops();
    figures.insert("channels_requested".into(), json!(a.channels));
    figures.insert("channels_held".into(), json!(in_stasis));
    figures.insert("ramp_s".into(), json!(round3(ramp_s)));
    figures.insert(
        "ramp_originates_per_s".into(),
        json!(round3(in_stasis as f64 / ramp_s.max(1e-9))),
    );
    if in_stasis < u64::from(a.channels) {
        notes.push(format!(
            "only {in_stasis} of {} channels reached Stasis (see errors)",
            a.channels
        ));
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_held = run.server_sample();

    // Hold, with GETs.
    run.metrics.ops.store(0, Ordering::Relaxed);
    run.show("GETs", "rest.get_channel");
    let peak = Arc::new(Mutex::new(rss_held.map(|s| s.rss_kib).unwrap_or(0)));
    let sampler = {
        let (run, peak) = (run.clone(), peak.clone());
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(500)).await;
                if let Some(s) = run.server_sample() {
                    let mut p = peak.lock();
                    *p = (*p).max(s.rss_kib);
                }
            }
        })
    };
    let pacer = Arc::new(Pacer::new(
        Duration::from_secs_f64(a.common.duration),
        a.common.rate,
        a.common.max_ops,
        run.stop.clone(),
    ));
    let s0 = run.server_sample();
    let mut workers = tokio::task::JoinSet::new();
    if !ids.is_empty() {
        for _ in 0..a.common.concurrency {
            let (run, pacer, ids) = (run.clone(), pacer.clone(), ids.clone());
            workers.spawn(async move {
                while let Some(n) = pacer.next().await {
                    let id = &ids[(n as usize).wrapping_mul(7919) % ids.len()];
                    let ok = run
                        .ari
                        .expect(
                            "rest.get_channel",
                            Method::GET,
                            &format!("/channels/{id}"),
                            None,
                            &[200],
                        )
                        .await;
                    if ok.is_some() {
                        run.metrics.op();
                    }
                }
            });
        }
    }
    while workers.join_next().await.is_some() {}
    let window_s = pacer.start().elapsed().as_secs_f64();
    let s1 = run.server_sample();
    sampler.abort();
    let gets = run.metrics.ops();

    if let (Some(b), Some(h)) = (rss_before, rss_held) {
        rss_figures(&mut figures, &b, &h, *peak.lock(), in_stasis);
    } else {
        notes.push("no --server-pid: RSS per channel not measured".into());
    }

    // Tear down. The events are not needed any more: closing the socket
    // first spares the server queueing a burst of hangup events for it.
    ws.abort();
    let teardown_start = Instant::now();
    let deadline = teardown_start + Duration::from_secs_f64(a.ramp_timeout);
    bounded(ids.len() as u64, a.ramp_concurrency, deadline, &run, |n| {
        let (run, ids) = (run.clone(), ids.clone());
        async move {
            let id = &ids[n as usize];
            run.ari
                .expect(
                    "rest.hangup",
                    Method::DELETE,
                    &format!("/channels/{id}"),
                    None,
                    &[204, 404],
                )
                .await;
        }
    })
    .await;
    figures.insert(
        "teardown_s".into(),
        json!(round3(teardown_start.elapsed().as_secs_f64())),
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    if let Some(after) = run.server_sample() {
        figures.insert(
            "server_rss_after_teardown_mib".into(),
            json!(round3(after.rss_kib as f64 / 1024.0)),
        );
    }
    Ok(Outcome {
        ops_label: "GET /channels/{id}".into(),
        ops: gets,
        window_s,
        server_window: s0.zip(s1),
        figures,
        headline: vec![
            "rest.get_channel",
            "originate_to_stasis_start",
            "rest.originate",
            "rest.hangup",
        ],
        notes,
        failed: None,
    })
}

/// RSS before, held and per held channel.
fn rss_figures(
    figures: &mut Map<String, Value>,
    before: &Sample,
    held: &Sample,
    peak_kib: u64,
    n: u64,
) {
    let mib = |k: u64| round3(k as f64 / 1024.0);
    figures.insert("server_rss_before_mib".into(), json!(mib(before.rss_kib)));
    figures.insert("server_rss_held_mib".into(), json!(mib(held.rss_kib)));
    figures.insert(
        "server_rss_peak_mib".into(),
        json!(mib(peak_kib.max(held.rss_kib))),
    );
    if n > 0 {
        let per = (held.rss_kib as f64 - before.rss_kib as f64) / n as f64;
        figures.insert("server_rss_per_channel_kib".into(), json!(round3(per)));
    }
}
