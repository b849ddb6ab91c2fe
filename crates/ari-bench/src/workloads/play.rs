//! `play`: N channels each playing audio, with the frame timing measured
//! where a telephone would measure it.
//!
//! Each channel is an external media channel (`channels/externalMedia`,
//! RTP over UDP, PCMU) whose far end is a UDP socket of the tool; an endless
//! tone plays on it, so the server sends one RTP packet every 20 ms per
//! channel. The tool timestamps every packet on arrival and reports how far
//! each inter-arrival gap is from 20 ms (p50/p99/max), the RFC 3550
//! interarrival jitter, packets/s against the 50/s per channel expected, and
//! (with --server-pid) the server's CPU per playing channel.

use super::{bounded, channel_router, wait_kind, ChanEvent, Kind};
use crate::ari::{enc, Router};
use crate::cli::PlayArgs;
use crate::run::{round3, Outcome, Run};
use reqwest::Method;
use serde_json::{json, Map};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::UdpSocket;

/// What every receiver adds to.
struct Timing {
    /// Packets received while measuring.
    packets: AtomicU64,
    /// Set once the warm-up is over.
    measuring: AtomicBool,
    /// RFC 3550 jitter of each stream, in microseconds (f64 bits), by stream.
    jitter_us: Vec<AtomicU64>,
}

/// Runs the workload.
pub async fn run(run: Arc<Run>, a: PlayArgs) -> Result<Outcome, String> {
    let app = a
        .common
        .app
        .clone()
        .unwrap_or_else(|| format!("ari-bench-play-{}", run.id));
    let router: Arc<Router<ChanEvent>> = Arc::default();
    let ws = run.ari.events(&app, channel_router(router.clone())).await?;
    run.ari
        .wait_registered(std::slice::from_ref(&app), Duration::from_secs(5))
        .await?;
    let timing = Arc::new(Timing {
        packets: AtomicU64::new(0),
        measuring: AtomicBool::new(false),
        jitter_us: (0..a.channels)
            .map(|_| AtomicU64::new(f64::NAN.to_bits()))
            .collect(),
    });
    let receivers: Arc<parking_lot::Mutex<Vec<tokio::task::JoinHandle<()>>>> = Arc::default();
    run.show("channels playing", "originate_to_stasis_start");
    let deadline = Instant::now() + Duration::from_secs_f64(a.ramp_timeout);
    let bound = Duration::from_millis(a.event_timeout_ms);
    bounded(
        u64::from(a.channels),
        a.common.concurrency,
        deadline,
        &run,
        |n| {
            let (run, router, timing, receivers) = (
                run.clone(),
                router.clone(),
                timing.clone(),
                receivers.clone(),
            );
            let (app, media) = (app.clone(), a.media.clone());
            async move {
                if let Some(task) = set_up(&run, &router, &app, &media, bound, timing, n).await {
                    receivers.lock().push(task);
                    run.metrics.op();
                }
            }
        },
    )
    .await;
    let up = run.metrics.ops();

    // Warm up, then measure with every channel playing.
    tokio::time::sleep(Duration::from_secs(1)).await;
    run.show("channels playing", "frame_gap_deviation");
    timing.measuring.store(true, Ordering::SeqCst);
    let s0 = run.server_sample();
    let start = Instant::now();
    let hold = Duration::from_secs_f64(a.common.duration);
    while start.elapsed() < hold && !run.stopped() {
        tokio::time::sleep(Duration::from_millis(100).min(hold.saturating_sub(start.elapsed())))
            .await;
    }
    timing.measuring.store(false, Ordering::SeqCst);
    let window_s = start.elapsed().as_secs_f64();
    let s1 = run.server_sample();
    for task in receivers.lock().drain(..) {
        task.abort();
    }
    ws.abort();

    let packets = timing.packets.load(Ordering::SeqCst);
    let expected = up as f64 * 50.0 * window_s;
    let mut figures = Map::new();
    figures.insert("channels_requested".into(), json!(a.channels));
    figures.insert("channels_playing".into(), json!(up));
    figures.insert(
        "packets_per_s".into(),
        json!(round3(packets as f64 / window_s)),
    );
    figures.insert(
        "packets_received_pct_of_expected".into(),
        json!(round3(packets as f64 * 100.0 / expected.max(1.0))),
    );
    let mut jitter: Vec<f64> = timing
        .jitter_us
        .iter()
        .map(|j| f64::from_bits(j.load(Ordering::SeqCst)))
        .filter(|j| !j.is_nan())
        .collect();
    jitter.sort_by(f64::total_cmp);
    if let (Some(max), false) = (jitter.last(), jitter.is_empty()) {
        figures.insert(
            "rfc3550_jitter_us_median".into(),
            json!(round3(jitter[jitter.len() / 2])),
        );
        figures.insert("rfc3550_jitter_us_max".into(), json!(round3(*max)));
    }
    let mut notes = vec![];
    match (s0, s1) {
        (Some(s0), Some(s1)) => {
            let cores = crate::procstat::cores_between(&s0, &s1);
            figures.insert("server_cpu_cores".into(), json!(round3(cores)));
            if up > 0 {
                figures.insert(
                    "server_cpu_per_channel_pct_of_core".into(),
                    json!(round3(cores * 100.0 / up as f64)),
                );
            }
        }
        _ => notes.push("no --server-pid: CPU per channel not measured".into()),
    }

    bounded(
        u64::from(a.channels),
        a.common.concurrency,
        Instant::now() + Duration::from_secs(60),
        &run,
        |n| {
            let run = run.clone();
            async move {
                run.ari
                    .expect(
                        "rest.hangup",
                        Method::DELETE,
                        &format!("/channels/{}-play{n}", run.id),
                        None,
                        &[204, 404],
                    )
                    .await;
            }
        },
    )
    .await;
    Ok(Outcome {
        ops_label: "channels playing".into(),
        ops: up,
        window_s,
        server_window: s0.zip(s1),
        figures,
        headline: vec![
            "frame_gap_deviation",
            "originate_to_stasis_start",
            "rest.play",
        ],
        notes,
        failed: (up < u64::from(a.channels))
            .then(|| format!("only {up} of {} channels played", a.channels)),
    })
}

/// Makes channel `n`: a UDP receiver, the external media channel aimed at it,
/// and the endless playback. Returns the receiver's task.
async fn set_up(
    run: &Run,
    router: &Router<ChanEvent>,
    app: &str,
    media: &str,
    bound: Duration,
    timing: Arc<Timing>,
    n: u64,
) -> Option<tokio::task::JoinHandle<()>> {
    let socket = match UdpSocket::bind("127.0.0.1:0").await {
        Ok(s) => s,
        Err(e) => {
            run.metrics.error(format!("udp bind: {e}"));
            return None;
        }
    };
    let addr = socket.local_addr().ok()?;
    let id = format!("{}-play{n}", run.id);
    let mut rx = router.watch(&id);
    let t0 = Instant::now();
    let path = format!(
        "/channels/externalMedia?app={}&external_host={addr}&format=ulaw&channelId={id}",
        enc(app)
    );
    run.ari
        .expect("rest.external_media", Method::POST, &path, None, &[200])
        .await?;
    match wait_kind(&mut rx, Kind::StasisStart, bound).await {
        Some(at) => run
            .metrics
            .record("originate_to_stasis_start", at.duration_since(t0)),
        None => {
            run.metrics.error("timeout: StasisStart");
            return None;
        }
    }
    router.forget(&id);
    let task = tokio::spawn(receive(socket, timing, run.metrics.clone(), n as usize));
    run.ari
        .expect(
            "rest.play",
            Method::POST,
            &format!(
                "/channels/{id}/play?media={}&playbackId={id}-pb",
                enc(media)
            ),
            None,
            &[201, 200],
        )
        .await?;
    Some(task)
}

/// Timestamps the packets of one stream.
async fn receive(
    socket: UdpSocket,
    timing: Arc<Timing>,
    metrics: Arc<crate::stats::Metrics>,
    stream: usize,
) {
    let mut buf = [0u8; 2048];
    let mut last: Option<(Instant, u32)> = None;
    let mut jitter = 0.0f64;
    loop {
        let Ok((len, _)) = socket.recv_from(&mut buf).await else {
            return;
        };
        let now = Instant::now();
        if len < 12 {
            continue;
        }
        let ts = u32::from_be_bytes([buf[4], buf[5], buf[6], buf[7]]);
        if timing.measuring.load(Ordering::Relaxed) {
            timing.packets.fetch_add(1, Ordering::Relaxed);
            if let Some((t_prev, ts_prev)) = last {
                let gap = now.duration_since(t_prev);
                let nominal = Duration::from_micros(u64::from(ts.wrapping_sub(ts_prev)) * 125);
                metrics.record("frame_gap_deviation", gap.abs_diff(nominal));
                // RFC 3550 6.4.1: J += (|D| - J) / 16.
                let d = gap.as_secs_f64() * 1e6 - nominal.as_secs_f64() * 1e6;
                jitter += (d.abs() - jitter) / 16.0;
                if let Some(slot) = timing.jitter_us.get(stream) {
                    slot.store(jitter.to_bits(), Ordering::Relaxed);
                }
            }
        }
        last = Some((now, ts));
    }
}
