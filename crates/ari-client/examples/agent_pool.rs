//! A pool of agents sharing calls through the call broadcast: every agent is
//! its own application (`agent-1`, `agent-2`, ...) and receives a
//! `CallBroadcast` for each call offered to the pool; each tries to claim it,
//! the first claim wins (the others are told it is already claimed), and the
//! winner gets the call as a `StasisStart`. Everybody sees `CallClaimed`.
//!
//! The broadcast is made by the dialplan application `StasisBroadcast()`.
//! Start the server (its built-in dialplan has a `broadcast` context), then
//! run the pool and place a call:
//!
//! ```sh
//! cargo run --release -p ari-server
//! cargo run -p ari-client --example agent_pool -- 3 --call
//! ```
//!
//! `--call` originates `Local/1000@broadcast`, whose far end runs
//! `StasisBroadcast(5000,,1000,yes)`: offered to every connected application,
//! `yes` announcing the winner with `CallClaimed`.

use ari_client::types::{CallBroadcast, CallClaimed, StasisStart};
use ari_client::{ClaimOutcome, Client, Result};
use futures_util::StreamExt;

const URL: &str = "http://127.0.0.1:8088";

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let agents: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(3);
    let mut pool = Vec::new();
    for n in 1..=agents {
        pool.push(tokio::spawn(agent(format!("agent-{n}"))));
    }
    if args.iter().any(|a| a == "--call") {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let client = Client::new(URL, "asterisk", "asterisk")?;
        let caller = client
            .channels()
            .originate("Local/1000@broadcast")
            .extension("answer")
            .context("default")
            .caller_id("Customer <5551234>")
            .await?;
        println!("placed a call: {}", caller.id);
    }
    for agent in pool {
        agent.await.expect("agent task")?;
    }
    Ok(())
}

/// One agent: its own client and application.
async fn agent(name: String) -> Result<()> {
    let client = Client::new(URL, "asterisk", "asterisk")?;
    let mut offers = client.listen::<CallBroadcast>();
    let mut calls = client.listen::<StasisStart>();
    let _claimed = client.on::<CallClaimed>(|ev, _| {
        println!(
            "[{}] {} went to {}",
            ev.application, ev.channel.id, ev.winner_app
        );
    });
    client.start(name.as_str()).await?;
    println!("[{name}] ready");
    loop {
        tokio::select! {
            Some(offer) = offers.next() => {
                match client.claim_broadcast(&offer).await? {
                    ClaimOutcome::Won => println!("[{name}] won {} from {}", offer.channel.id, offer.caller),
                    ClaimOutcome::AlreadyClaimed => println!("[{name}] too late for {}", offer.channel.id),
                    ClaimOutcome::NotFound => println!("[{name}] {} is no longer offered", offer.channel.id),
                }
            }
            Some(call) = calls.next() => {
                let channel = client.channel(&call.channel.id);
                println!("[{name}] talking to {}", call.channel.caller.number);
                tokio::spawn(async move {
                    let _ = channel.answer().await;
                    let _ = channel.play("sound:hello-world").await;
                    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
                    let _ = channel.hangup().await;
                });
            }
            else => return Ok(()),
        }
    }
}
