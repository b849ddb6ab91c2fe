//! `ari-bench`: a load tool for any ARI server.
//!
//! The same workloads run against this project's `ari-server` or against
//! Asterisk, through documented ARI only (REST and the events WebSocket), so
//! the two can be measured side by side. See the crate's README for the
//! workloads and their options.

#![forbid(unsafe_code)]

pub mod ari;
pub mod cli;
pub mod procstat;
pub mod run;
pub mod stats;
pub mod workloads;

use cli::{Cli, Workload};
use procstat::Proc;
use run::{Outcome, Progress, Run};
use stats::Metrics;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Instant;

/// What a finished run produced.
pub struct Finished {
    /// The report (table and JSON).
    pub report: run::Report,
    /// Whether a correctness check failed (or the workload could not run).
    pub failed: bool,
}

/// A short random id for names of this run's applications and channels.
fn run_id() -> String {
    use std::hash::{BuildHasher, RandomState};
    let h = RandomState::new().hash_one((std::process::id(), std::time::SystemTime::now()));
    format!("{:08x}", h as u32)
}

/// Runs the workload `cli` names, with its live line, and builds the report.
pub async fn execute(cli: &Cli) -> Result<Finished, String> {
    let metrics = Arc::new(Metrics::default());
    let ari = Arc::new(ari::Ari::new(
        &cli.url,
        &cli.user,
        &cli.password,
        metrics.clone(),
    )?);
    let server = match cli.server_pid {
        Some(pid) => {
            let p = Proc(Some(pid));
            if !p.exists() {
                return Err(format!("--server-pid {pid}: no such process"));
            }
            Some(p)
        }
        None => None,
    };
    // Is the server there, and do the credentials work?
    let ping = ari
        .request("setup", reqwest::Method::GET, "/asterisk/ping", None)
        .await
        .map_err(|e| format!("cannot reach {}: {e}", cli.url))?;
    if ping.status != 200 {
        return Err(format!(
            "GET /ari/asterisk/ping answered {} (check --url, --user, --password)",
            ping.status
        ));
    }
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("\nstopping (Ctrl-C again to abort)...");
                stop.store(true, std::sync::atomic::Ordering::Relaxed);
                if tokio::signal::ctrl_c().await.is_ok() {
                    std::process::exit(130);
                }
            }
        });
    }
    let run = Arc::new(Run {
        ari,
        metrics,
        id: run_id(),
        epoch: Instant::now(),
        stop,
        server,
        progress: parking_lot::Mutex::new(("ops".into(), "")),
    });
    let me = Proc(None);
    let t0 = me.sample().ok_or("cannot read /proc/self/stat")?;
    let progress = Progress::start(&run, cli.quiet);
    let result: Result<Outcome, String> = match cli.workload.clone() {
        Workload::CallCycle(a) => workloads::call_cycle::run(run.clone(), a).await,
        Workload::Hold(a) => workloads::hold::run(run.clone(), a).await,
        Workload::Events(a) => workloads::events::run(run.clone(), a).await,
        Workload::Claim(a) => workloads::claim::run(run.clone(), a).await,
        Workload::Mix(a) => workloads::mix::run(run.clone(), a).await,
        Workload::Play(a) => workloads::play::run(run.clone(), a).await,
    };
    progress.finish();
    let outcome = result?;
    let t1 = me.sample().ok_or("cannot read /proc/self/stat")?;
    let args = args_json(cli);
    let report = run::report(
        &run,
        cli.workload.name(),
        &cli.url,
        args,
        &outcome,
        (t0, t1),
    );
    Ok(Finished {
        report,
        failed: outcome.failed.is_some(),
    })
}

/// The options of the run, for the JSON file.
fn args_json(cli: &Cli) -> serde_json::Value {
    let c = cli.workload.common();
    serde_json::json!({
        "concurrency": c.concurrency,
        "rate": c.rate,
        "duration_s": c.duration,
        "max_ops": c.max_ops,
        "threads": cli.threads,
        "server_pid": cli.server_pid,
        "workload": format!("{:?}", cli.workload),
    })
}
