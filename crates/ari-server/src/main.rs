//! The `ari-server` binary: reads the configuration, sets up logging, serves.

use ari_server::config::Config;
use ari_server::logging::LogChannels;
use ari_server::Server;
use clap::Parser;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use tracing_subscriber::prelude::*;

/// A server that speaks the Asterisk REST Interface.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Configuration file (TOML). Without one, the embedded defaults apply.
    #[arg(long, short)]
    config: Option<PathBuf>,
    /// Validate this configuration file and exit (non-zero with a message if invalid).
    #[arg(long, value_name = "PATH")]
    check_config: Option<PathBuf>,
    /// Address to listen on (overrides the configuration).
    #[arg(long)]
    bind: Option<IpAddr>,
    /// Port to listen on (overrides the configuration).
    #[arg(long)]
    port: Option<u16>,
    /// Data directory (overrides the configuration).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Dialplan file in extensions.conf syntax (overrides the configuration).
    #[arg(long)]
    dialplan: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if let Some(path) = &args.check_config {
        let checked = Config::load(path).and_then(|c| {
            c.check_exposure()?;
            if let Some(dialplan) = &c.dialplan {
                ari_dialplan::Dialplan::load(dialplan)
                    .map_err(|e| ari_server::config::ConfigError(e.to_string()))?;
            }
            Ok(c)
        });
        return match checked {
            Ok(_) => {
                println!("{}: OK", path.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        };
    }
    let mut config = match &args.config {
        Some(path) => match Config::load(path) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        },
        None => Config::default(),
    };
    if let Some(bind) = args.bind {
        config.bind = bind;
    }
    if let Some(port) = args.port {
        config.port = port;
    }
    if let Some(dir) = args.data_dir {
        config.data_dir = dir;
    }
    if let Some(dialplan) = args.dialplan {
        config.dialplan = Some(dialplan);
    }
    if let Err(e) = config.check_exposure() {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }

    let logs = LogChannels::new(config.data_dir.join("logs"));
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::registry()
        .with(filter)
        .with(logs.clone())
        .init();

    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let users: Vec<String> = config
            .users
            .iter()
            .map(|(name, u)| format!("{name}{}", if u.read_only { " (read-only)" } else { "" }))
            .collect();
        let default_creds = config.default_credentials_in_force();
        let server = match Server::new(config, logs) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        };
        let running = match server.start().await {
            Ok(r) => r,
            Err(e) => {
                eprintln!(
                    "cannot listen on {}:{}: {e}",
                    server.config.bind, server.config.port
                );
                return ExitCode::FAILURE;
            }
        };
        println!("ari-server listening on http://{}/ari", running.addr);
        println!("ARI users: {}", users.join(", "));
        if default_creds {
            println!("(default credentials asterisk/asterisk in force: loopback only)");
        }
        println!(
            "events: ws://{}/ari/events?app=NAME&api_key=USER:PASSWORD",
            running.addr
        );
        tokio::select! {
            _ = running.wait() => ExitCode::FAILURE,
            _ = tokio::signal::ctrl_c() => {
                tracing::info!("shutting down");
                ExitCode::SUCCESS
            }
        }
    })
}
