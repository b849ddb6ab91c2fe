//! The IVR of the Node.js `ari-client` README, in Rust: answer each call to
//! the application `hello`, play `hello-world`, then say every digit pressed;
//! `*` plays monkeys, `#` says goodbye and hangs up.
//!
//! Start the server (`cargo run --release -p ari-server`), then:
//!
//! ```sh
//! cargo run -p ari-client --example ivr            # wait for calls
//! cargo run -p ari-client --example ivr -- --call  # and place a test call
//! ```
//!
//! The test call is `Local/echo@default` originated into `hello`: the far end
//! echoes back the DTMF the example sends, so the IVR hears 1, * and #.

use ari_client::types::{ChannelDtmfReceived, PlaybackFinished, StasisEnd, StasisStart};
use ari_client::{Channel, Client, Result};
use futures_util::StreamExt;
use std::time::Duration;

#[tokio::main]
async fn main() -> Result<()> {
    let client = Client::new("http://127.0.0.1:8088", "asterisk", "asterisk")?;
    let mut calls = client.listen::<StasisStart>();
    client.start("hello").await?;
    println!("waiting for calls to the application 'hello'");
    if std::env::args().any(|a| a == "--call") {
        tokio::spawn(place_test_call(client.clone()));
    }
    while let Some(call) = calls.next().await {
        println!(
            "call from {} on {}",
            call.channel.caller.number, call.channel.id
        );
        let channel = client.channel(&call.channel.id);
        tokio::spawn(async move {
            if let Err(e) = serve(channel).await {
                eprintln!("call failed: {e}");
            }
        });
    }
    Ok(())
}

/// One call: answer, greet, then react to digits until `#` or the caller
/// leaves.
async fn serve(channel: Channel) -> Result<()> {
    let mut digits = channel.listen::<ChannelDtmfReceived>();
    let mut ended = channel.once::<StasisEnd>();
    channel.answer().await?;
    play(&channel, "sound:hello-world").await?;
    loop {
        tokio::select! {
            Some(dtmf) = digits.next() => match dtmf.digit.as_str() {
                "#" => {
                    play(&channel, "sound:vm-goodbye").await?;
                    channel.hangup().await?;
                    return Ok(());
                }
                "*" => play(&channel, "sound:tt-monkeys").await?,
                digit => play(&channel, &format!("sound:digits/{digit}")).await?,
            },
            _ = &mut ended => return Ok(()),
        }
    }
}

/// Plays `media` and waits until it has finished: the playback handle is made
/// first so its `PlaybackFinished` cannot be missed.
async fn play(channel: &Channel, media: &str) -> Result<()> {
    let playback = channel.client().new_playback();
    let finished = playback.once::<PlaybackFinished>();
    channel.play(media).playback_id(playback.id()).await?;
    finished.await?;
    Ok(())
}

/// Calls the IVR from an echoing Local channel and presses 1, * and #.
async fn place_test_call(client: Client) -> Result<()> {
    let caller = client.new_channel();
    let answered = caller.once::<StasisStart>();
    caller
        .originate("Local/echo@default")
        .app("hello")
        .caller_id("IVR test <100>")
        .await?;
    answered.await?;
    for digit in ["1", "*", "#"] {
        tokio::time::sleep(Duration::from_secs(3)).await;
        caller.send_dtmf().dtmf(digit).await?;
    }
    Ok(())
}
