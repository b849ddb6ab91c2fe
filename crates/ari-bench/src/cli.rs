//! Command-line interface.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Drives any ARI server (this project's ari-server or Asterisk) with the same
/// workload, so both can be measured side by side. Uses only documented ARI:
/// REST under /ari and the events WebSocket.
///
/// Shows one live line per second (elapsed, ops/s, errors, p50/p99 so far,
/// CPU), then a summary table, and writes the figures as JSON.
#[derive(Parser, Debug, Clone)]
#[command(name = "ari-bench", version, about, long_about)]
pub struct Cli {
    /// Base URL of the server (ARI is under URL/ari).
    #[arg(long, global = true, default_value = "http://127.0.0.1:8088")]
    pub url: String,
    /// ARI user name.
    #[arg(long, global = true, default_value = "asterisk")]
    pub user: String,
    /// ARI password.
    #[arg(long, global = true, default_value = "asterisk")]
    pub password: String,
    /// Process id of the server: its CPU and RSS are read from /proc/PID
    /// (needed for the RSS per channel of `hold` and the CPU per bridge of `mix`).
    #[arg(long, global = true, value_name = "PID")]
    pub server_pid: Option<u32>,
    /// Where to write the JSON results [default: ari-bench-WORKLOAD.json].
    #[arg(long, global = true, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Worker threads of the tool's own runtime. One keeps the tool within a
    /// core, leaving the rest of a small machine to the server.
    #[arg(long, global = true, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub threads: u16,
    /// No live progress line (the summary is still printed).
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Allow a server address other than the loopback (127.0.0.0/8, ::1,
    /// localhost). Only ever point a load tool at a server you run.
    #[arg(long, global = true)]
    pub allow_remote: bool,
    /// The workload to run.
    #[command(subcommand)]
    pub workload: Workload,
}

/// The workloads.
#[derive(Subcommand, Debug, Clone)]
pub enum Workload {
    /// Originate a call into the tool's Stasis application; on StasisStart
    /// answer it, play a short sound, hang up. Reports calls/s,
    /// originate-to-StasisStart latency, REST latency and errors by HTTP status.
    CallCycle(CallCycleArgs),
    /// Ramp up to --channels channels held idle in Stasis, hold them for
    /// --duration while issuing GET /channels/{id}; reports REST latency and
    /// (with --server-pid) the server's RSS per held channel.
    Hold(HoldArgs),
    /// User events (POST /events/user/{name}) carrying a send timestamp,
    /// received on --apps WebSocket applications; reports events/s and
    /// send-to-receive latency.
    Events(EventsArgs),
    /// Call broadcasts (Local/N@broadcast) raced by --apps applications that
    /// all claim on CallBroadcast; checks exactly one 204 per broadcast and
    /// reports claim latency and broadcasts/s.
    Claim(ClaimArgs),
    /// --bridges two-party mixing bridges with an endless tone playing on each
    /// channel; reports the server's CPU per bridge (needs --server-pid).
    Mix(MixArgs),
    /// --channels external media (RTP) channels each playing an endless tone
    /// to a socket of the tool, which times every frame; reports frame-timing
    /// jitter, packets/s and the server's CPU per channel.
    Play(PlayArgs),
}

impl Workload {
    /// The workload's name as typed on the command line.
    pub fn name(&self) -> &'static str {
        match self {
            Workload::CallCycle(_) => "call-cycle",
            Workload::Hold(_) => "hold",
            Workload::Events(_) => "events",
            Workload::Claim(_) => "claim",
            Workload::Mix(_) => "mix",
            Workload::Play(_) => "play",
        }
    }

    /// The options every workload has.
    pub fn common(&self) -> &Common {
        match self {
            Workload::CallCycle(a) => &a.common,
            Workload::Hold(a) => &a.common,
            Workload::Events(a) => &a.common,
            Workload::Claim(a) => &a.common,
            Workload::Mix(a) => &a.common,
            Workload::Play(a) => &a.common,
        }
    }
}

/// Options shared by every workload. Every run is bounded: by --duration and
/// by --max-ops, whichever comes first.
#[derive(Args, Debug, Clone)]
pub struct Common {
    /// Operations in flight at once (calls, requests, broadcasts, ...).
    #[arg(long, short = 'c', default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub concurrency: u32,
    /// Target operations per second (default: as fast as --concurrency allows).
    #[arg(long, short = 'r', value_parser = positive_f64)]
    pub rate: Option<f64>,
    /// How long to run, in seconds (for `hold` and `mix`: how long to hold).
    #[arg(long, short = 'd', default_value_t = 10.0, value_parser = duration_s)]
    pub duration: f64,
    /// Stop after this many operations at most.
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_ops: u64,
    /// Stasis application name (or prefix, for several applications)
    /// [default: ari-bench-WORKLOAD-RANDOM].
    #[arg(long)]
    pub app: Option<String>,
}

/// `call-cycle` options.
#[derive(Args, Debug, Clone)]
pub struct CallCycleArgs {
    /// Options every workload has.
    #[command(flatten)]
    pub common: Common,
    /// Endpoint to originate.
    #[arg(long, default_value = "Local/answer@default")]
    pub endpoint: String,
    /// What to play: a media URI (`tone:ring`, `sound:beep`), or a bare sound
    /// name (played as `sound:NAME` until PlaybackFinished). `none` skips playing.
    #[arg(long, default_value = "tone:ring")]
    pub media: String,
    /// Stop the playback (DELETE /playbacks/{id}) after this many ms. 0 waits
    /// for PlaybackFinished instead (for sounds that end by themselves).
    #[arg(long, default_value_t = 100)]
    pub play_ms: u64,
    /// How long to wait for an event (StasisStart, StasisEnd, ...), in ms.
    #[arg(long, default_value_t = 10_000)]
    pub event_timeout_ms: u64,
}

/// `hold` options.
#[derive(Args, Debug, Clone)]
pub struct HoldArgs {
    /// Options every workload has.
    #[command(flatten)]
    pub common: Common,
    /// Channels to hold in Stasis (each originate of a Local channel makes a
    /// pair: the held `;1` and its `;2` running the dialplan).
    #[arg(long, short = 'n', default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub channels: u32,
    /// Endpoint to originate.
    #[arg(long, default_value = "Local/answer@default")]
    pub endpoint: String,
    /// Give up ramping after this many seconds.
    #[arg(long, default_value_t = 300.0, value_parser = duration_s)]
    pub ramp_timeout: f64,
    /// Originates in flight at once while ramping.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub ramp_concurrency: u32,
}

/// `events` options.
#[derive(Args, Debug, Clone)]
pub struct EventsArgs {
    /// Options every workload has.
    #[command(flatten)]
    pub common: Common,
    /// WebSocket applications (one socket each); events go to them in turn.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub apps: u32,
    /// User event name.
    #[arg(long, default_value = "AriBench")]
    pub event_name: String,
    /// How long to wait for events still in flight at the end, in ms.
    #[arg(long, default_value_t = 2_000)]
    pub drain_ms: u64,
}

/// `claim` options.
#[derive(Args, Debug, Clone)]
pub struct ClaimArgs {
    /// Options every workload has.
    #[command(flatten)]
    pub common: Common,
    /// Applications racing to claim each broadcast (one WebSocket each).
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub apps: u32,
    /// Dialplan context whose extensions run StasisBroadcast (the built-in
    /// `broadcast` context offers to every application).
    #[arg(long, default_value = "broadcast")]
    pub context: String,
    /// Where the originated half goes (`extension@context`).
    #[arg(long, default_value = "answer@default")]
    pub other: String,
    /// How long to wait for every offer and claim of a broadcast, in ms.
    #[arg(long, default_value_t = 10_000)]
    pub event_timeout_ms: u64,
}

/// `mix` options.
#[derive(Args, Debug, Clone)]
pub struct MixArgs {
    /// Options every workload has.
    #[command(flatten)]
    pub common: Common,
    /// Two-party mixing bridges to set up and hold.
    #[arg(long, short = 'n', default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=50_000))]
    pub bridges: u32,
    /// How each party is made and where its audio comes from.
    #[arg(long, value_enum, default_value_t = Party::FarStasis)]
    pub party: Party,
    /// Endpoint originated for each party with `--party echo`.
    #[arg(long, default_value = "Local/echo@default")]
    pub endpoint: String,
    /// Endless media played on each party (a steady 440 Hz tone by default).
    #[arg(long, default_value = "tone:440")]
    pub media: String,
    /// Give up setting up after this many seconds.
    #[arg(long, default_value_t = 300.0, value_parser = duration_s)]
    pub ramp_timeout: f64,
    /// How long to wait for StasisStart, in ms.
    #[arg(long, default_value_t = 10_000)]
    pub event_timeout_ms: u64,
}

/// `play` options.
#[derive(Args, Debug, Clone)]
pub struct PlayArgs {
    /// Options every workload has.
    #[command(flatten)]
    pub common: Common,
    /// Channels playing at once.
    #[arg(long, short = 'n', default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=20_000))]
    pub channels: u32,
    /// Endless media played on each channel.
    #[arg(long, default_value = "tone:440")]
    pub media: String,
    /// Give up setting up after this many seconds.
    #[arg(long, default_value_t = 120.0, value_parser = duration_s)]
    pub ramp_timeout: f64,
    /// How long to wait for StasisStart, in ms.
    #[arg(long, default_value_t = 10_000)]
    pub event_timeout_ms: u64,
}

/// How `mix` makes a party of a bridge.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// Originate `Local/<app>@stasis` into the application: both halves
    /// enter it. The `;1` half joins the bridge; the tone plays on the `;2`
    /// half (the "phone"), whose audio crosses to `;1` and into the bridge.
    /// Audio flows both ways and ends at the other party's `;2`.
    FarStasis,
    /// Originate --endpoint (`Local/echo@default`) and play the tone on the
    /// `;1` half in the bridge; the `;2` half echoes it back into the bridge.
    /// Two echoing parties feed each other's echo back: audio circulates
    /// forever, however fast the server can pass it.
    Echo,
}

fn positive_f64(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("'{s}' is not a number"))?;
    if v.is_finite() && v > 0.0 {
        Ok(v)
    } else {
        Err("must be greater than 0".into())
    }
}

fn duration_s(s: &str) -> Result<f64, String> {
    let v = positive_f64(s)?;
    if v > 86_400.0 {
        return Err("at most 86400 seconds".into());
    }
    Ok(v)
}

/// Whether `url`'s host is on the loopback: 127.0.0.0/8, ::1 or localhost.
pub fn is_loopback_url(url: &str) -> bool {
    let Ok(u) = reqwest::Url::parse(url) else {
        return false;
    };
    let Some(host) = u.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("ari-bench").chain(args.iter().copied()))
    }

    #[test]
    fn defaults() {
        let cli = parse(&["call-cycle"]).unwrap();
        assert_eq!(cli.url, "http://127.0.0.1:8088");
        assert_eq!(cli.user, "asterisk");
        assert_eq!(cli.threads, 1);
        let Workload::CallCycle(a) = &cli.workload else {
            panic!("{cli:?}")
        };
        assert_eq!(a.endpoint, "Local/answer@default");
        assert_eq!(a.media, "tone:ring");
        assert_eq!(a.play_ms, 100);
        assert_eq!(a.common.concurrency, 16);
        assert_eq!(a.common.rate, None);
        assert_eq!(a.common.duration, 10.0);
        assert_eq!(cli.workload.name(), "call-cycle");
        let cli = parse(&["claim"]).unwrap();
        let Workload::Claim(c) = &cli.workload else {
            panic!()
        };
        assert_eq!(c.apps, 50);
        assert_eq!(c.context, "broadcast");
    }

    #[test]
    fn global_options_go_anywhere() {
        let cli = parse(&[
            "hold",
            "--channels",
            "10000",
            "--server-pid",
            "42",
            "--url",
            "http://localhost:9000",
            "-c",
            "8",
            "--rate",
            "500",
            "--json",
            "out.json",
        ])
        .unwrap();
        assert_eq!(cli.server_pid, Some(42));
        assert_eq!(cli.url, "http://localhost:9000");
        assert_eq!(cli.json.as_deref(), Some(std::path::Path::new("out.json")));
        let Workload::Hold(h) = &cli.workload else {
            panic!()
        };
        assert_eq!(h.channels, 10_000);
        assert_eq!(h.common.concurrency, 8);
        assert_eq!(h.common.rate, Some(500.0));
    }

    #[test]
    fn rejects_unbounded_or_nonsense_values() {
        assert!(parse(&["events", "--rate", "0"]).is_err());
        assert!(parse(&["events", "--rate", "-5"]).is_err());
        assert!(parse(&["events", "--duration", "0"]).is_err());
        assert!(parse(&["events", "--duration", "1e9"]).is_err());
        assert!(parse(&["events", "--concurrency", "0"]).is_err());
        assert!(parse(&["events", "--max-ops", "0"]).is_err());
        assert!(parse(&["hold", "--channels", "1000000"]).is_err());
        assert!(parse(&["nosuch"]).is_err());
        assert!(parse(&[]).is_err(), "a workload is required");
    }

    #[test]
    fn loopback_only_by_default() {
        assert!(is_loopback_url("http://127.0.0.1:8088"));
        assert!(is_loopback_url("http://127.1.2.3:8088/"));
        assert!(is_loopback_url("http://localhost:8088"));
        assert!(is_loopback_url("http://[::1]:8088"));
        assert!(!is_loopback_url("http://10.0.0.1:8088"));
        assert!(!is_loopback_url("http://example.com"));
        assert!(!is_loopback_url("not a url"));
    }
}
