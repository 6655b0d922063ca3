//! Fault checks: what a user or operator sees when a service the portal
//! depends on fails and comes back. Each test runs its own instance of the
//! service (a private SMTP sink, Redis server or PostgreSQL cluster) so it can
//! stop it without disturbing the rest of the suite; scripts/test runs them
//! once, in a step of their own.
mod postgres;
mod redis;
mod smtp;

use std::{
    net::TcpListener,
    process::{Child, Command},
    time::Duration,
};

/// A port nothing listens on (yet).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A child process killed when the test ends, however it ends.
pub struct Service(pub Child);

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `command` and waits until something accepts connections on `port`.
pub async fn start(mut command: Command, port: u16, what: &str) -> Service {
    let child = command
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {what} ({command:?}): {e}"));
    let service = Service(child);
    for _ in 0..150 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return service;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what} did not accept connections on port {port} within 15 s");
}

/// A binary the fault checks need, with what to do when it is missing.
pub fn required(binary: &str, package: &str) -> String {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(binary))
            .find(|path| path.is_file())
    });
    found.map_or_else(
        || panic!("{binary} is missing: apt-get install {package} (scripts/test does), then rerun"),
        |path| path.display().to_string(),
    )
}
