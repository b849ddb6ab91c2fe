//! What every workload shares: the run context, pacing, the live progress
//! line, and the final report (table and JSON).

use crate::ari::Ari;
use crate::procstat::{cores_between, Proc, Sample};
use crate::stats::{fmt_ns, Metrics};
use parking_lot::Mutex;
use serde_json::{json, Map, Value};
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The context of one run.
pub struct Run {
    /// The server.
    pub ari: Arc<Ari>,
    /// Everything measured.
    pub metrics: Arc<Metrics>,
    /// A short random id: names of applications, channels and events.
    pub id: String,
    /// When the run started (the tool's clock for event timestamps).
    pub epoch: Instant,
    /// Set on Ctrl-C: workloads wind down and still report.
    pub stop: Arc<AtomicBool>,
    /// The server process, with `--server-pid`.
    pub server: Option<Proc>,
    /// What the live line shows: (operations label, histogram name).
    pub progress: Mutex<(String, &'static str)>,
}

impl Run {
    /// Whether Ctrl-C was pressed.
    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// The server's CPU and RSS now (with `--server-pid`).
    pub fn server_sample(&self) -> Option<Sample> {
        self.server.and_then(|p| p.sample())
    }

    /// Sets what the live line shows.
    pub fn show(&self, label: &str, hist: &'static str) {
        *self.progress.lock() = (label.to_string(), hist);
    }

    /// Nanoseconds since the run started.
    pub fn now_ns(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }
}

/// Hands out operation numbers, at `rate` per second if given, until
/// `max_ops` were handed out, the deadline passed, or the run was stopped.
pub struct Pacer {
    start: tokio::time::Instant,
    deadline: tokio::time::Instant,
    rate: Option<f64>,
    max_ops: u64,
    next: AtomicU64,
    stop: Arc<AtomicBool>,
}

impl Pacer {
    /// A pacer starting now, for `duration`.
    pub fn new(duration: Duration, rate: Option<f64>, max_ops: u64, stop: Arc<AtomicBool>) -> Self {
        let start = tokio::time::Instant::now();
        Pacer {
            start,
            deadline: start + duration,
            rate,
            max_ops,
            next: AtomicU64::new(0),
            stop,
        }
    }

    /// The next operation number, once it is due; `None` when the run is over.
    pub async fn next(&self) -> Option<u64> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        if n >= self.max_ops {
            return None;
        }
        if let Some(rate) = self.rate {
            let due = self.start + Duration::from_secs_f64(n as f64 / rate);
            if due >= self.deadline {
                return None;
            }
            tokio::time::sleep_until(due).await;
        }
        if tokio::time::Instant::now() >= self.deadline || self.stop.load(Ordering::Relaxed) {
            return None;
        }
        Some(n)
    }

    /// When the pacer started.
    pub fn start(&self) -> tokio::time::Instant {
        self.start
    }
}

/// Prints one line per second until dropped: elapsed, ops/s over the last
/// second, total, errors, p50/p99 so far, and CPU.
pub struct Progress {
    task: tokio::task::JoinHandle<()>,
    tty: bool,
}

impl Progress {
    /// Starts the live line (nothing is printed when `quiet`).
    pub fn start(run: &Arc<Run>, quiet: bool) -> Progress {
        let tty = std::io::stderr().is_terminal();
        let run = run.clone();
        let task = tokio::spawn(async move {
            if quiet {
                return;
            }
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            tick.tick().await;
            let me = Proc(None);
            let mut last_ops = run.metrics.ops();
            let mut last_me = me.sample();
            let mut last_srv = run.server_sample();
            loop {
                tick.tick().await;
                let ops = run.metrics.ops();
                let (label, hist) = run.progress.lock().clone();
                let h = run.metrics.hist(hist);
                let now_me = me.sample();
                let now_srv = run.server_sample();
                let cpu = |a: &Option<Sample>, b: &Option<Sample>| match (a, b) {
                    (Some(a), Some(b)) => format!("{:.0}%", cores_between(a, b) * 100.0),
                    _ => "-".into(),
                };
                let mut line = format!(
                    "[{:>5.1}s] {label}: {:>7}/s total {:>8}  err {:>5}  p50 {:>8} p99 {:>8}  tool cpu {:>4}",
                    run.epoch.elapsed().as_secs_f64(),
                    ops - last_ops,
                    ops,
                    run.metrics.errors(),
                    fmt_ns(h.quantile(0.5)),
                    fmt_ns(h.quantile(0.99)),
                    cpu(&last_me, &now_me),
                );
                if run.server.is_some() {
                    line.push_str(&format!(
                        "  server cpu {:>4} rss {:>6.1} MiB",
                        cpu(&last_srv, &now_srv),
                        now_srv.map(|s| s.rss_kib as f64 / 1024.0).unwrap_or(0.0)
                    ));
                }
                let mut err = std::io::stderr().lock();
                if tty {
                    let _ = write!(err, "\r\x1b[2K{line}");
                } else {
                    let _ = writeln!(err, "{line}");
                }
                let _ = err.flush();
                last_ops = ops;
                last_me = now_me;
                last_srv = now_srv;
            }
        });
        Progress { task, tty }
    }

    /// Stops the live line and ends it.
    pub fn finish(self) {
        self.task.abort();
        if self.tty {
            eprintln!();
        }
    }
}

/// What a workload hands back for the report.
#[derive(Default)]
pub struct Outcome {
    /// What an operation is (`calls`, `events`, ...).
    pub ops_label: String,
    /// Operations counted over `window`.
    pub ops: u64,
    /// The measured window, in seconds (ops/s is `ops / window_s`).
    pub window_s: f64,
    /// Server samples bounding the window, for its CPU over it.
    pub server_window: Option<(Sample, Sample)>,
    /// Workload-specific figures (go into the JSON and the table).
    pub figures: Map<String, Value>,
    /// Latency histograms shown first in the table, in this order.
    pub headline: Vec<&'static str>,
    /// Notes printed under the table.
    pub notes: Vec<String>,
    /// Set when a correctness check failed: printed, and the exit status is 1.
    pub failed: Option<String>,
}

/// The final report of a run.
pub struct Report {
    /// The whole report as JSON.
    pub json: Value,
    /// The table for a person.
    pub table: String,
}

/// Builds the report from the run and the workload's outcome.
pub fn report(
    run: &Run,
    workload: &str,
    url: &str,
    args: Value,
    outcome: &Outcome,
    tool: (Sample, Sample),
) -> Report {
    let m = &run.metrics;
    let mut t = String::new();
    let rate = if outcome.window_s > 0.0 {
        outcome.ops as f64 / outcome.window_s
    } else {
        0.0
    };
    t.push_str(&format!("== ari-bench {workload} against {url} ==\n"));
    t.push_str(&format!(
        "{:<34} {} in {:.2} s = {:.1}/s\n",
        outcome.ops_label, outcome.ops, outcome.window_s, rate
    ));
    for (k, v) in &outcome.figures {
        t.push_str(&format!("{k:<34} {}\n", fmt_value(v)));
    }
    let errors = m.error_map();
    t.push_str(&format!("{:<34} {}\n", "errors", m.errors()));
    for (kind, n) in &errors {
        t.push_str(&format!("  {kind:<32} {n}\n"));
    }
    let hists = m.hists();
    t.push_str(&format!(
        "{:<34} {:>8} {:>9} {:>9} {:>9} {:>9}\n",
        "latency", "count", "p50", "p90", "p99", "max"
    ));
    let mut order: Vec<&str> = outcome.headline.clone();
    for name in hists.keys() {
        if !order.contains(name) && *name != "setup" {
            order.push(name);
        }
    }
    let mut latency = Map::new();
    for name in order {
        let Some(h) = hists.get(name) else { continue };
        t.push_str(&format!(
            "  {name:<32} {:>8} {:>9} {:>9} {:>9} {:>9}\n",
            h.count(),
            fmt_ns(h.quantile(0.5)),
            fmt_ns(h.quantile(0.9)),
            fmt_ns(h.quantile(0.99)),
            fmt_ns(h.max())
        ));
        latency.insert(name.to_string(), h.summary_us());
    }
    let (t0, t1) = tool;
    let tool_cores = cores_between(&t0, &t1);
    t.push_str(&format!(
        "{:<34} {:.2} cores ({:.2} s CPU over {:.2} s), RSS {:.1} MiB\n",
        "tool CPU",
        tool_cores,
        t1.cpu_s - t0.cpu_s,
        t1.at.duration_since(t0.at).as_secs_f64(),
        t1.rss_kib as f64 / 1024.0
    ));
    let mut server = Value::Null;
    if let Some((s0, s1)) = outcome.server_window {
        let cores = cores_between(&s0, &s1);
        t.push_str(&format!(
            "{:<34} {:.2} cores over the measured window, RSS {:.1} -> {:.1} MiB\n",
            "server CPU",
            cores,
            s0.rss_kib as f64 / 1024.0,
            s1.rss_kib as f64 / 1024.0
        ));
        server = json!({
            "cpu_cores": round3(cores),
            "cpu_s": round3(s1.cpu_s - s0.cpu_s),
            "rss_start_kib": s0.rss_kib,
            "rss_end_kib": s1.rss_kib,
        });
    }
    for n in &outcome.notes {
        t.push_str(&format!("note: {n}\n"));
    }
    if let Some(f) = &outcome.failed {
        t.push_str(&format!("FAILED: {f}\n"));
    }
    let json = json!({
        "workload": workload,
        "url": url,
        "run_id": run.id,
        "started_unix_s": std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64() - run.epoch.elapsed().as_secs_f64())
            .unwrap_or(0.0)
            .round(),
        "args": args,
        "ops_label": outcome.ops_label,
        "ops": outcome.ops,
        "window_s": round3(outcome.window_s),
        "ops_per_s": round3(rate),
        "errors": errors,
        "error_count": m.errors(),
        "latency": latency,
        "figures": outcome.figures,
        "tool": {
            "cpu_cores": round3(tool_cores),
            "cpu_s": round3(t1.cpu_s - t0.cpu_s),
            "rss_kib": t1.rss_kib,
        },
        "server": server,
        "notes": outcome.notes,
        "failed": outcome.failed,
    });
    Report { json, table: t }
}

/// Rounds to three decimals (for JSON figures).
pub fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

fn fmt_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() => format!("{f:.3}"),
            _ => n.to_string(),
        },
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn pacer_spaces_operations_and_stops() {
        let stop = Arc::new(AtomicBool::new(false));
        let p = Pacer::new(Duration::from_secs(1), Some(10.0), 1000, stop.clone());
        let mut got = vec![];
        while let Some(n) = p.next().await {
            got.push((n, p.start().elapsed().as_millis()));
        }
        assert_eq!(got.len(), 10, "{got:?}");
        assert_eq!(got[3], (3, 300));
        let p = Pacer::new(Duration::from_secs(100), None, 5, stop.clone());
        let mut n = 0;
        while p.next().await.is_some() {
            n += 1;
        }
        assert_eq!(n, 5, "bounded by max_ops");
        stop.store(true, Ordering::Relaxed);
        let p = Pacer::new(Duration::from_secs(100), None, 5, stop);
        assert_eq!(p.next().await, None, "stopped");
    }
}
