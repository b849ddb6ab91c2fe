//! A real `ari-server`, started in-process on a loopback port.
//!
//! Each server runs on its own runtime on its own thread, so that stopping
//! it drops every task it has, open WebSockets included: to a client that is
//! a server process going away, which is what the reconnect test needs.

#![allow(dead_code)]

use ari_server::config::Config;
use ari_server::logging::LogChannels;
use ari_server::Server;
use std::net::SocketAddr;
use std::time::Duration;

/// How long a test waits for something that should happen at once.
pub const BOUND: Duration = Duration::from_secs(10);

pub struct TestServer {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

fn temp_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "ari-client-test-{}-{}",
        std::process::id(),
        ari_client::random_id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

impl TestServer {
    /// A server on a free port.
    pub fn start() -> TestServer {
        TestServer::start_on(0)
    }

    /// A server on `port` (0: any free port).
    pub fn start_on(port: u16) -> TestServer {
        TestServer::start_with(port, "")
    }

    /// A server on `port` with extra configuration (TOML).
    pub fn start_with(port: u16, extra: &str) -> TestServer {
        let extra = extra.to_string();
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let dir = temp_dir();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let toml = format!(
                    "port = {port}\ndata_dir = {:?}\n{extra}",
                    dir.display().to_string()
                );
                let config = Config::parse(&toml).expect("test config");
                let server =
                    Server::new(config, LogChannels::new(dir.join("logs"))).expect("server");
                let running = server.start().await.expect("bind");
                addr_tx.send(running.addr).unwrap();
                let _ = stop_rx.await;
                running.stop().await;
            });
            // Dropping the runtime ends every task, closing open sockets.
            rt.shutdown_timeout(Duration::from_secs(2));
        });
        let addr = addr_rx.recv_timeout(BOUND).expect("server started");
        TestServer {
            addr,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops the server and waits until its sockets are closed.
    pub async fn stop(mut self) {
        self.shutdown().await;
    }

    async fn shutdown(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            tokio::task::spawn_blocking(move || t.join())
                .await
                .unwrap()
                .unwrap();
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

/// Waits until `f` is true (polled cheaply), failing after [`BOUND`].
pub async fn eventually(mut f: impl FnMut() -> bool) {
    let start = std::time::Instant::now();
    while !f() {
        assert!(start.elapsed() < BOUND, "condition not reached in time");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Awaits `fut`, failing after [`BOUND`].
pub async fn within<T>(fut: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(BOUND, fut).await.expect("timed out")
}
