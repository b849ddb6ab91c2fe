//! `mix`: N two-party mixing bridges with audio flowing.
//!
//! For each bridge: create it, originate two channels into the tool's
//! application, add both, and play an endless tone on each. Once all are up,
//! hold for --duration and measure the server's CPU; CPU per bridge is that
//! divided by the bridges up. Then everything is hung up and destroyed.

use super::{bounded, channel_router, wait_kind, ChanEvent, Kind};
use crate::ari::{enc, Router};
use crate::cli::{MixArgs, Party};
use crate::run::{round3, Outcome, Run};
use reqwest::Method;
use serde_json::{json, Map};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How every bridge is set up.
struct Plan {
    /// `POST /channels?...` without the ids.
    origin: String,
    /// The endless media.
    media: String,
    /// How long to wait for StasisStart.
    bound: Duration,
    /// How a party is made.
    party: Party,
}

/// Runs the workload.
pub async fn run(run: Arc<Run>, a: MixArgs) -> Result<Outcome, String> {
    let app = a
        .common
        .app
        .clone()
        .unwrap_or_else(|| format!("ari-bench-mix-{}", run.id));
    // Does the server have bridges at all?
    let probe = format!("{}-probe", run.id);
    let r = run
        .ari
        .request(
            "setup",
            Method::POST,
            &format!("/bridges?type=mixing&bridgeId={probe}"),
            None,
        )
        .await?;
    match r.status {
        200 => {
            run.ari
                .request("setup", Method::DELETE, &format!("/bridges/{probe}"), None)
                .await?;
        }
        501 => {
            return Ok(Outcome {
                ops_label: "bridges".into(),
                failed: Some(format!(
                    "this server does not implement bridges yet: POST /bridges answered 501 ({}); \
                     the mix workload cannot run",
                    String::from_utf8_lossy(&r.body).trim()
                )),
                ..Default::default()
            });
        }
        s => {
            return Err(format!(
                "POST /bridges answered {s}: {}",
                String::from_utf8_lossy(&r.body).trim()
            ))
        }
    }
    let router: Arc<Router<ChanEvent>> = Arc::default();
    let ws = run.ari.events(&app, channel_router(router.clone())).await?;
    run.ari
        .wait_registered(std::slice::from_ref(&app), Duration::from_secs(5))
        .await?;
    let base = run.server_sample();

    // Set up.
    run.show("bridges up", "originate_to_stasis_start");
    let endpoint = match a.party {
        Party::FarStasis => format!("Local/{app}@stasis"),
        Party::Echo => a.endpoint.clone(),
    };
    let plan = Arc::new(Plan {
        origin: format!("/channels?endpoint={}&app={}", enc(&endpoint), enc(&app)),
        media: a.media.clone(),
        bound: Duration::from_millis(a.event_timeout_ms),
        party: a.party,
    });
    let setup_start = Instant::now();
    let deadline = setup_start + Duration::from_secs_f64(a.ramp_timeout);
    bounded(
        u64::from(a.bridges),
        a.common.concurrency,
        deadline,
        &run,
        |n| {
            let (run, router, plan) = (run.clone(), router.clone(), plan.clone());
            async move {
                if set_up(&run, &router, &plan, n).await {
                    run.metrics.op();
                }
            }
        },
    )
    .await;
    let setup_s = setup_start.elapsed().as_secs_f64();
    let up = run.metrics.ops();

    // Hold with audio flowing.
    tokio::time::sleep(Duration::from_secs(1)).await;
    run.show("bridges up", "rest.add_channel");
    let s0 = run.server_sample();
    let hold_start = Instant::now();
    let hold = Duration::from_secs_f64(a.common.duration);
    while hold_start.elapsed() < hold && !run.stopped() {
        tokio::time::sleep(
            Duration::from_millis(100).min(hold.saturating_sub(hold_start.elapsed())),
        )
        .await;
    }
    let window_s = hold_start.elapsed().as_secs_f64();
    let s1 = run.server_sample();

    let mut figures = Map::new();
    figures.insert("bridges_requested".into(), json!(a.bridges));
    figures.insert("bridges_up".into(), json!(up));
    figures.insert("setup_s".into(), json!(round3(setup_s)));
    figures.insert("party".into(), json!(format!("{:?}", a.party)));
    let mut notes = vec![];
    match (s0, s1) {
        (Some(s0), Some(s1)) => {
            let cores = crate::procstat::cores_between(&s0, &s1);
            figures.insert("server_cpu_cores_held".into(), json!(round3(cores)));
            if up > 0 {
                figures.insert(
                    "server_cpu_per_bridge_pct_of_core".into(),
                    json!(round3(cores * 100.0 / up as f64)),
                );
                figures.insert(
                    "bridges_per_core_extrapolated".into(),
                    json!(round3(up as f64 / cores.max(1e-9))),
                );
            }
            if let Some(b) = base {
                figures.insert(
                    "server_rss_per_bridge_kib".into(),
                    json!(round3(
                        (s1.rss_kib as f64 - b.rss_kib as f64) / up.max(1) as f64
                    )),
                );
            }
        }
        _ => notes.push("no --server-pid: CPU per bridge not measured".into()),
    }

    // Tear down. The events are not needed any more: closing the socket
    // first spares the server queueing a burst of hangup events for it.
    ws.abort();
    bounded(
        u64::from(a.bridges),
        a.common.concurrency,
        Instant::now() + Duration::from_secs(120),
        &run,
        |n| {
            let run = run.clone();
            async move {
                for leg in ["a", "b"] {
                    run.ari
                        .expect(
                            "rest.hangup",
                            Method::DELETE,
                            &format!("/channels/{}-{n}{leg}", run.id),
                            None,
                            &[204, 404],
                        )
                        .await;
                }
                run.ari
                    .expect(
                        "rest.destroy_bridge",
                        Method::DELETE,
                        &format!("/bridges/{}-br{n}", run.id),
                        None,
                        &[204, 404],
                    )
                    .await;
            }
        },
    )
    .await;
    Ok(Outcome {
        ops_label: "bridges up".into(),
        ops: up,
        window_s,
        server_window: s0.zip(s1),
        figures,
        headline: vec![
            "originate_to_stasis_start",
            "rest.create_bridge",
            "rest.add_channel",
            "rest.play",
        ],
        notes,
        failed: (up < u64::from(a.bridges))
            .then(|| format!("only {up} of {} bridges were set up", a.bridges)),
    })
}

/// Sets up bridge `n`: create it, make two parties, add both, and start an
/// endless tone for each.
async fn set_up(run: &Run, router: &Router<ChanEvent>, p: &Plan, n: u64) -> bool {
    let ari = &run.ari;
    let bridge = format!("{}-br{n}", run.id);
    if ari
        .expect(
            "rest.create_bridge",
            Method::POST,
            &format!("/bridges?type=mixing&bridgeId={bridge}"),
            None,
            &[200],
        )
        .await
        .is_none()
    {
        return false;
    }
    let legs = [format!("{}-{n}a", run.id), format!("{}-{n}b", run.id)];
    let mut ok = true;
    let mut players = vec![];
    for leg in &legs {
        // With far-stasis both halves enter the application; the tone
        // plays on the far one (`;2`).
        let far = format!("{leg}-far");
        let mut rx = router.watch(leg);
        let mut far_rx = (p.party == Party::FarStasis).then(|| router.watch(&far));
        let t0 = Instant::now();
        let mut path = format!("{}&channelId={leg}", p.origin);
        if far_rx.is_some() {
            path.push_str(&format!("&otherChannelId={far}"));
        }
        let originated = ari
            .expect("rest.originate", Method::POST, &path, None, &[200])
            .await;
        if originated.is_some() {
            match wait_kind(&mut rx, Kind::StasisStart, p.bound).await {
                Some(at) => run
                    .metrics
                    .record("originate_to_stasis_start", at.duration_since(t0)),
                None => {
                    run.metrics.error("timeout: StasisStart");
                    ok = false;
                }
            }
            if let Some(far_rx) = far_rx.as_mut() {
                if wait_kind(far_rx, Kind::StasisStart, p.bound)
                    .await
                    .is_none()
                {
                    run.metrics.error("timeout: StasisStart (far half)");
                    ok = false;
                }
            }
        } else {
            ok = false;
        }
        router.forget(leg);
        router.forget(&far);
        players.push(if p.party == Party::FarStasis {
            far
        } else {
            leg.clone()
        });
    }
    if !ok {
        return false;
    }
    if ari
        .expect(
            "rest.add_channel",
            Method::POST,
            &format!(
                "/bridges/{bridge}/addChannel?channel={},{}",
                legs[0], legs[1]
            ),
            None,
            &[204],
        )
        .await
        .is_none()
    {
        return false;
    }
    for player in &players {
        if ari
            .expect(
                "rest.play",
                Method::POST,
                &format!(
                    "/channels/{player}/play?media={}&playbackId={player}-pb",
                    enc(&p.media)
                ),
                None,
                &[200, 201],
            )
            .await
            .is_none()
        {
            ok = false;
        }
    }
    ok
}
