//! CPU time and memory of a process, from `/proc` (Linux).
//!
//! The tool reports its own CPU use (`/proc/self/stat`) so a reader can see
//! it was not the bottleneck, and with `--server-pid` the server's CPU and
//! resident memory (`/proc/PID/stat`, `/proc/PID/status`).

use std::time::Instant;

/// Clock ticks per second of `utime`/`stime` in `/proc/*/stat`. Linux
/// reports these in USER_HZ, which is 100 on every architecture it
/// exposes to user space.
const TICKS_PER_SEC: f64 = 100.0;

/// One reading of a process.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    /// When it was taken.
    pub at: Instant,
    /// User + system CPU time, in seconds.
    pub cpu_s: f64,
    /// Resident set size, in KiB (0 if unknown).
    pub rss_kib: u64,
}

/// Which process to read: `None` is this one.
#[derive(Clone, Copy, Debug)]
pub struct Proc(pub Option<u32>);

impl Proc {
    fn dir(&self) -> String {
        match self.0 {
            Some(pid) => format!("/proc/{pid}"),
            None => "/proc/self".to_string(),
        }
    }

    /// Reads CPU time and RSS now; `None` if the process is gone or `/proc`
    /// is unavailable.
    pub fn sample(&self) -> Option<Sample> {
        let dir = self.dir();
        let stat = std::fs::read_to_string(format!("{dir}/stat")).ok()?;
        let cpu_s = parse_cpu_ticks(&stat)? as f64 / TICKS_PER_SEC;
        let rss_kib = std::fs::read_to_string(format!("{dir}/status"))
            .ok()
            .and_then(|s| parse_rss_kib(&s))
            .unwrap_or(0);
        Some(Sample {
            at: Instant::now(),
            cpu_s,
            rss_kib,
        })
    }

    /// Whether the process exists.
    pub fn exists(&self) -> bool {
        std::path::Path::new(&format!("{}/stat", self.dir())).exists()
    }
}

/// `utime + stime` (clock ticks) from the text of `/proc/PID/stat`.
///
/// The command name (field 2) is in parentheses and may contain spaces or
/// parentheses itself, so fields are counted from the last `)`.
pub fn parse_cpu_ticks(stat: &str) -> Option<u64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After ')': field 3 (state) is index 0, so utime (14) is 11, stime (15) is 12.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// `VmRSS` in KiB from the text of `/proc/PID/status`.
pub fn parse_rss_kib(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

/// CPU use between two samples, in cores (1.0 = one core busy).
pub fn cores_between(a: &Sample, b: &Sample) -> f64 {
    let wall = b.at.duration_since(a.at).as_secs_f64();
    if wall <= 0.0 {
        0.0
    } else {
        (b.cpu_s - a.cpu_s) / wall
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_stat_with_awkward_names() {
        let stat = "1234 (ari server) (x) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 3 0 100 1000 200 18446744073709551615";
        assert_eq!(parse_cpu_ticks(stat), Some(325));
        assert_eq!(parse_cpu_ticks("garbage"), None);
    }

    #[test]
    fn parses_status_rss() {
        let status = "Name:\tari-server\nVmPeak:\t  100 kB\nVmRSS:\t   45312 kB\nThreads:\t3\n";
        assert_eq!(parse_rss_kib(status), Some(45312));
        assert_eq!(parse_rss_kib("Name: x\n"), None);
    }

    #[test]
    fn reads_this_process() {
        let s = Proc(None).sample().expect("/proc/self is readable");
        assert!(s.rss_kib > 0);
        assert!(s.cpu_s >= 0.0);
    }
}
