//! The five workloads, and what they share: channel events routed by id.

pub mod call_cycle;
pub mod claim;
pub mod events;
pub mod hold;
pub mod mix;
pub mod play;

use crate::ari::{Head, Router};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// A channel event the workloads wait for, with its arrival time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `StasisStart`.
    StasisStart,
    /// `StasisEnd`.
    StasisEnd,
    /// `ChannelDestroyed`.
    Destroyed,
    /// `PlaybackFinished` of a playback on the channel.
    PlaybackFinished,
}

/// An event for one channel.
pub type ChanEvent = (Kind, Instant);

/// A frame handler that routes channel events by channel id (playback
/// events by the channel they play on).
pub fn channel_router(router: Arc<Router<ChanEvent>>) -> impl Fn(&str, Instant) + Send + Sync {
    move |text, at| {
        let Some(h) = Head::parse(text) else { return };
        let kind = match h.kind.as_ref() {
            "StasisStart" => Kind::StasisStart,
            "StasisEnd" => Kind::StasisEnd,
            "ChannelDestroyed" => Kind::Destroyed,
            "PlaybackFinished" => Kind::PlaybackFinished,
            _ => return,
        };
        let id = match (&h.playback, h.channel_id()) {
            (Some(p), _) => p.target_uri.strip_prefix("channel:").unwrap_or(""),
            (None, Some(c)) => c,
            _ => return,
        };
        router.send(id, (kind, at));
    }
}

/// Waits for the first event of `kind` on `rx`, skipping others; `None`
/// after `bound`.
pub async fn wait_kind(
    rx: &mut mpsc::UnboundedReceiver<ChanEvent>,
    kind: Kind,
    bound: Duration,
) -> Option<Instant> {
    let deadline = tokio::time::Instant::now() + bound;
    loop {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some((k, at))) if k == kind => return Some(at),
            Ok(Some(_)) => continue,
            _ => return None,
        }
    }
}

/// Runs `n` jobs, at most `concurrency` at once, until `deadline`; returns
/// how many were started.
pub async fn bounded<F, Fut>(
    n: u64,
    concurrency: u32,
    deadline: Instant,
    stop: &crate::run::Run,
    job: F,
) -> u64
where
    F: Fn(u64) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let sem = Arc::new(tokio::sync::Semaphore::new(concurrency as usize));
    let mut set = tokio::task::JoinSet::new();
    let mut started = 0;
    for i in 0..n {
        if Instant::now() >= deadline || stop.stopped() {
            break;
        }
        let Ok(permit) = sem.clone().acquire_owned().await else {
            break;
        };
        let fut = job(i);
        set.spawn(async move {
            fut.await;
            drop(permit);
        });
        started += 1;
        while set.try_join_next().is_some() {}
    }
    while set.join_next().await.is_some() {}
    started
}
