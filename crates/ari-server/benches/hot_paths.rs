//! Micro-benchmarks of the server's hot paths: encoding an event, routing it
//! to subscribed applications, mixing a frame, and the losing side of a
//! broadcast claim. Run with `cargo bench -p ari-server --bench hot_paths`.
//!
//! The winning claim is not here: each needs a fresh offer (a call set up
//! through the dialplan), which Criterion cannot keep out of its timing
//! loop. `ari-bench claim` measures it over HTTP instead.

use ari_server::config::Config;
use ari_server::core::exec::Position;
use ari_server::core::local::{self, LocalTarget, Start, Then};
use ari_server::logging::LogChannels;
use ari_server::stasis::broadcast::ClaimError;
use ari_server::stasis::{Connection, Outgoing, Stasis, Topic};
use ari_types::{Event, StasisStart};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, Notify};

/// A channel snapshot with every field filled, as a real call has.
fn channel(id: &str) -> ari_types::Channel {
    serde_json::from_value(serde_json::json!({
        "id": id,
        "name": "Local/answer@default-0000002a;1",
        "state": "Up",
        "protocol_id": "",
        "caller": {"name": "Alice Example", "number": "+15551230001"},
        "connected": {"name": "Bob Example", "number": "+15551230002"},
        "accountcode": "acct-1234",
        "dialplan": {"context": "default", "exten": "answer", "priority": 2,
                     "app_name": "Stasis", "app_data": "ari-bench,one,two"},
        "creationtime": "2026-11-25T12:00:00.000+0000",
        "language": "en",
        "channelvars": {"CDR(userfield)": "bench", "X_TENANT": "acme", "X_QUEUE": "sales"}
    }))
    .expect("a valid channel")
}

fn stasis_start(id: &str) -> Event {
    Event::StasisStart(StasisStart {
        args: vec!["one".into(), "two".into()],
        channel: channel(id),
        replace_channel: None,
    })
}

fn connection(id: u64, capacity: usize) -> (Connection, mpsc::Receiver<Outgoing>) {
    let (tx, rx) = mpsc::channel(capacity);
    (
        Connection {
            id,
            tx,
            close: Arc::new(Notify::new()),
            overflowed: Default::default(),
        },
        rx,
    )
}

fn drain(rx: &mut mpsc::Receiver<Outgoing>) {
    while rx.try_recv().is_ok() {}
}

fn event_encoding(c: &mut Criterion) {
    let event = stasis_start("1700000000.42");
    let len = serde_json::to_string(&event).unwrap().len();
    let mut g = c.benchmark_group("event_json");
    g.throughput(Throughput::Bytes(len as u64));
    g.bench_function("StasisStart_full_channel", |b| {
        b.iter(|| serde_json::to_string(black_box(&event)).unwrap())
    });
    g.finish();
}

fn event_routing(c: &mut Criterion) {
    const APPS: usize = 100;
    let event = stasis_start("chan-7");
    let topics = [Topic::Channel("chan-7".into())];
    let mut g = c.benchmark_group("route_event_100_apps");
    // `subscribed` of the 100 applications receive the event; the others
    // are looked at and skipped. Receivers are drained each iteration.
    for subscribed in [1usize, 10, 100] {
        let stasis = Stasis::new("bench");
        let mut rxs = Vec::new();
        for i in 0..APPS {
            let (conn, rx) = connection(i as u64, 1024);
            let name = format!("app-{i}");
            stasis.register(&name, conn, false);
            if i < subscribed {
                stasis.subscribe(&name, &topics).unwrap();
            }
            rxs.push(rx);
        }
        g.throughput(Throughput::Elements(subscribed as u64));
        g.bench_with_input(
            BenchmarkId::new("publish_StasisStart", format!("{subscribed}_subscribed")),
            &subscribed,
            |b, &subscribed| {
                b.iter(|| {
                    let n = stasis.publish(black_box(&event), black_box(&topics));
                    for rx in &mut rxs[..subscribed] {
                        drain(rx);
                    }
                    n
                })
            },
        );
    }
    g.finish();
}

fn mixing(c: &mut Criterion) {
    // One 20 ms frame at 8 kHz (160 samples) and at 48 kHz (960).
    let mut g = c.benchmark_group("mix_minus");
    for samples in [160usize, 960] {
        for parties in [2usize, 10] {
            let frames: Vec<Vec<i16>> = (0..parties)
                .map(|p| {
                    (0..samples)
                        .map(|i| (((i * (p + 3)) % 200) as i16 - 100) * 50)
                        .collect()
                })
                .collect();
            let refs: Vec<&[i16]> = frames.iter().map(|f| f.as_slice()).collect();
            g.throughput(Throughput::Elements((samples * parties) as u64));
            g.bench_with_input(
                BenchmarkId::new(format!("{parties}_parties"), format!("{samples}_samples")),
                &refs,
                |b, refs| b.iter(|| ari_media::mix_minus(black_box(refs))),
            );
        }
    }
    g.finish();
}

/// A server with one call on offer to 50 applications, claimed by one of
/// them: what the 49 losing claims of a race go through.
fn claim_contention(c: &mut Criterion) {
    const APPS: usize = 50;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let dir = std::env::temp_dir().join(format!("ari-bench-claim-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let dialplan = dir.join("extensions.conf");
    std::fs::write(
        &dialplan,
        "[bc]\nexten => _X.,1,StasisBroadcast(60000,^agent-)\n same => n,Wait(3600)\n\
         [default]\nexten => answer,1,Answer()\n same => n,Wait(3600)\n",
    )
    .unwrap();
    let (server, _rxs) = rt.block_on(async {
        let config =
            Config::parse(&format!("dialplan = {:?}", dialplan.display().to_string())).unwrap();
        let server = ari_server::Server::new(config, LogChannels::new(dir.join("logs"))).unwrap();
        let mut rxs = Vec::new();
        for i in 0..APPS {
            let (conn, rx) = connection(i as u64, 4096);
            server.stasis.register(&format!("agent-{i}"), conn, false);
            rxs.push(rx);
        }
        let target = LocalTarget::parse("Local/100@bc").unwrap();
        let (one, _) =
            local::create_pair(&server.core, &target, (None, Some("offered".into()))).unwrap();
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
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while server.stasis.broadcasts.is_empty() {
            assert!(
                std::time::Instant::now() < deadline,
                "the call was never offered"
            );
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        server
            .stasis
            .broadcasts
            .claim("offered", "agent-0")
            .unwrap();
        (server, rxs)
    });
    let broadcasts = &server.stasis.broadcasts;
    let mut g = c.benchmark_group("claim_50_apps");
    g.bench_function("losing_claim_409", |b| {
        b.iter(|| {
            let r = broadcasts.claim(black_box("offered"), black_box("agent-49"));
            debug_assert!(matches!(r, Err(ClaimError::Conflict(_))));
            r
        })
    });
    g.bench_function("claim_not_offered_404", |b| {
        b.iter(|| broadcasts.claim(black_box("offered"), black_box("bystander")))
    });
    g.bench_function("claim_unknown_channel_404", |b| {
        b.iter(|| broadcasts.claim(black_box("no-such-channel"), black_box("agent-1")))
    });
    g.finish();
    drop(rt);
    let _ = std::fs::remove_dir_all(dir);
}

criterion_group! {
    name = benches;
    // Bounded: about 3 s of measurement per benchmark on a small machine.
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50);
    targets = event_encoding, event_routing, mixing, claim_contention
}
criterion_main!(benches);
