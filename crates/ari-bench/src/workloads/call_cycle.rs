//! `call-cycle`: originate into the tool's application; on StasisStart
//! answer, play a short sound, hang up.

use super::{channel_router, wait_kind, ChanEvent, Kind};
use crate::ari::{enc, Router};
use crate::cli::CallCycleArgs;
use crate::run::{Outcome, Pacer, Run};
use reqwest::Method;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Runs the workload.
pub async fn run(run: Arc<Run>, a: CallCycleArgs) -> Result<Outcome, String> {
    let app = a
        .common
        .app
        .clone()
        .unwrap_or_else(|| format!("ari-bench-cc-{}", run.id));
    let router: Arc<Router<ChanEvent>> = Arc::default();
    let ws = run.ari.events(&app, channel_router(router.clone())).await?;
    run.ari
        .wait_registered(std::slice::from_ref(&app), Duration::from_secs(5))
        .await?;
    run.show("calls", "originate_to_stasis_start");
    let media = match a.media.as_str() {
        "none" | "" => None,
        m if m.contains(':') => Some(m.to_string()),
        m => Some(format!("sound:{m}")),
    };
    let pacer = Arc::new(Pacer::new(
        Duration::from_secs_f64(a.common.duration),
        a.common.rate,
        a.common.max_ops,
        run.stop.clone(),
    ));
    let s0 = run.server_sample();
    let origin = format!("/channels?endpoint={}&app={}", enc(&a.endpoint), enc(&app));
    let a = Arc::new(a);
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..a.common.concurrency {
        let (run, router, pacer, media, origin, a) = (
            run.clone(),
            router.clone(),
            pacer.clone(),
            media.clone(),
            origin.clone(),
            a.clone(),
        );
        workers.spawn(async move {
            while let Some(n) = pacer.next().await {
                call(&run, &router, &a, &origin, media.as_deref(), n).await;
            }
        });
    }
    while workers.join_next().await.is_some() {}
    let window_s = pacer.start().elapsed().as_secs_f64();
    let s1 = run.server_sample();
    ws.abort();
    Ok(Outcome {
        ops_label: "calls".into(),
        ops: run.metrics.ops(),
        window_s,
        server_window: s0.zip(s1),
        figures: json!({
            "endpoint": a.endpoint,
            "media": media.unwrap_or_else(|| "none".into()),
            "play_ms": a.play_ms,
            "concurrency": a.common.concurrency,
        })
        .as_object()
        .cloned()
        .unwrap_or_default(),
        headline: vec![
            "originate_to_stasis_start",
            "call_total",
            "rest.originate",
            "rest.answer",
            "rest.play",
            "rest.stop_playback",
            "rest.hangup",
        ],
        ..Default::default()
    })
}

/// One call, start to end. Errors are recorded; the call is hung up whatever happened.
async fn call(
    run: &Run,
    router: &Router<ChanEvent>,
    a: &CallCycleArgs,
    origin: &str,
    media: Option<&str>,
    n: u64,
) {
    let ari = &run.ari;
    let m = &run.metrics;
    let bound = Duration::from_millis(a.event_timeout_ms);
    let id = format!("{}-{n}", run.id);
    let mut rx = router.watch(&id);
    let t0 = Instant::now();
    let originated = ari
        .expect(
            "rest.originate",
            Method::POST,
            &format!("{origin}&channelId={id}"),
            None,
            &[200],
        )
        .await;
    if originated.is_none() {
        router.forget(&id);
        return;
    }
    let chan = format!("/channels/{id}");
    let ok = match wait_kind(&mut rx, Kind::StasisStart, bound).await {
        Some(at) => {
            m.record("originate_to_stasis_start", at.duration_since(t0));
            true
        }
        None => {
            m.error("timeout: StasisStart");
            false
        }
    };
    if ok {
        let answered = ari
            .expect(
                "rest.answer",
                Method::POST,
                &format!("{chan}/answer"),
                None,
                &[204],
            )
            .await;
        if let (Some(media), Some(_)) = (media, answered) {
            let pb = format!("{id}-pb");
            let played = ari
                .expect(
                    "rest.play",
                    Method::POST,
                    &format!("{chan}/play?media={}&playbackId={pb}", enc(media)),
                    None,
                    &[200, 201],
                )
                .await;
            if played.is_some() {
                if a.play_ms > 0 {
                    tokio::time::sleep(Duration::from_millis(a.play_ms)).await;
                    // 404: the sound ended by itself first.
                    ari.expect(
                        "rest.stop_playback",
                        Method::DELETE,
                        &format!("/playbacks/{pb}"),
                        None,
                        &[204, 404],
                    )
                    .await;
                } else if wait_kind(&mut rx, Kind::PlaybackFinished, bound)
                    .await
                    .is_none()
                {
                    m.error("timeout: PlaybackFinished");
                }
            }
        }
    }
    let hung_up = ari
        .expect("rest.hangup", Method::DELETE, &chan, None, &[204])
        .await;
    if ok && hung_up.is_some() {
        if wait_kind(&mut rx, Kind::StasisEnd, bound).await.is_some() {
            m.record("call_total", t0.elapsed());
            m.op();
        } else {
            m.error("timeout: StasisEnd");
        }
    }
    router.forget(&id);
}
