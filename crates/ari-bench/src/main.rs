//! The `ari-bench` command.

use ari_bench::cli::{is_loopback_url, Cli};
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if !cli.allow_remote && !is_loopback_url(&cli.url) {
        eprintln!(
            "ari-bench: {} is not a loopback address; only load a server you run \
             (pass --allow-remote if this one is yours)",
            cli.url
        );
        return ExitCode::from(2);
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(usize::from(cli.threads))
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("ari-bench: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let finished = match rt.block_on(ari_bench::execute(&cli)) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("ari-bench: {e}");
            return ExitCode::FAILURE;
        }
    };
    print!("{}", finished.report.table);
    let path = cli
        .json
        .clone()
        .unwrap_or_else(|| format!("ari-bench-{}.json", cli.workload.name()).into());
    match serde_json::to_string_pretty(&finished.report.json)
        .map_err(|e| e.to_string())
        .and_then(|s| std::fs::write(&path, s + "\n").map_err(|e| e.to_string()))
    {
        Ok(()) => println!("results written to {}", path.display()),
        Err(e) => {
            eprintln!("ari-bench: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    // Do not wait for sockets and tasks still winding down.
    rt.shutdown_background();
    if finished.failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
