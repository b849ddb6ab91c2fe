//! A two-party bridge: call two endpoints into the application
//! `bridge-demo`, bridge them once both are up, let them talk for a while,
//! then hang both up and destroy the bridge.
//!
//! Start the server (`cargo run --release -p ari-server`), then:
//!
//! ```sh
//! cargo run -p ari-client --example bridge
//! cargo run -p ari-client --example bridge -- PJSIP/alice PJSIP/bob 30
//! ```
//!
//! The defaults call two `Local/answer@default` channels (which answer at
//! once) and keep them bridged for 5 seconds.

use ari_client::types::{ChannelEnteredBridge, ChannelLeftBridge, StasisStart};
use ari_client::{Client, Result};
use futures_util::StreamExt;
use std::time::Duration;

#[tokio::main]
async fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let first = args.next().unwrap_or_else(|| "Local/answer@default".into());
    let second = args.next().unwrap_or_else(|| "Local/answer@default".into());
    let seconds: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(5);

    let client = Client::new("http://127.0.0.1:8088", "asterisk", "asterisk")?;
    client.start("bridge-demo").await?;

    // Handles first, so that no event of the new resources is missed.
    let a = client.new_channel();
    let b = client.new_channel();
    let bridge = client.new_bridge();
    let (a_up, b_up) = (a.once::<StasisStart>(), b.once::<StasisStart>());
    let mut entered = bridge.listen::<ChannelEnteredBridge>();
    let _left = bridge.on::<ChannelLeftBridge>(|ev, bridge| {
        println!("{} left bridge {}", ev.channel.id, bridge.id());
    });

    a.originate(&first).app("bridge-demo").app_args("a").await?;
    b.originate(&second)
        .app("bridge-demo")
        .app_args("b")
        .await?;
    a_up.await?;
    b_up.await?;
    println!("both parties are up: {} and {}", a.id(), b.id());

    bridge.create().bridge_type("mixing").name("demo").await?;
    bridge.add_channel([a.id(), b.id()]).await?;
    for _ in 0..2 {
        if let Some(ev) = entered.next().await {
            let who = ev.channel.as_ref().map_or("?", |c| c.id.as_str());
            println!("{who} entered bridge {}", bridge.id());
        }
    }

    tokio::time::sleep(Duration::from_secs(seconds)).await;
    a.hangup().await?;
    b.hangup().await?;
    bridge.destroy().await?;
    println!("done");
    Ok(())
}
