//! PostgreSQL restarted under load: a signed-in customer's pages keep being
//! asked for while the database restarts; the server, never restarted itself,
//! answers every request again within seconds of the database being back.
use std::{
    path::PathBuf,
    process::Command,
    sync::atomic::{AtomicBool, Ordering},
    time::{Duration, Instant},
};

use loco_rs::boot::StartMode;

use crate::support;

/// A PostgreSQL cluster of the test's own, on its own port and directory.
struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
}

impl Cluster {
    /// A PostgreSQL program, run as the postgres user when we are root
    /// (PostgreSQL refuses to run as root).
    fn command(&self, program: &str, args: &[&str]) -> Command {
        let path = self.bin.join(program);
        let as_root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
        let mut command = if as_root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&path);
            c
        } else {
            Command::new(&path)
        };
        command.args(args);
        command
    }

    fn run(&self, program: &str, args: &[&str]) {
        succeeded(&mut self.command(program, args));
    }

    fn start() -> Self {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .and_then(|versions| {
                let mut bins: Vec<PathBuf> = versions
                    .filter_map(Result::ok)
                    .map(|v| v.path().join("bin"))
                    .filter(|b| b.join("initdb").is_file())
                    .collect();
                bins.sort();
                bins.pop()
            })
            .expect("PostgreSQL's server programs are missing: apt-get install postgresql (scripts/test does), then rerun");
        let dir =
            std::env::temp_dir().join(format!("portal_pg_{}", portal::secrets::random_token(6)));
        std::fs::create_dir_all(&dir).unwrap();
        // PostgreSQL wants its directory to itself; as root, hand it over
        let _ = Command::new("chown").args(["postgres:"]).arg(&dir).status();
        let cluster = Self {
            bin,
            dir,
            port: super::free_port(),
        };
        let data = cluster.dir.join("data");
        cluster.run(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
            ],
        );
        succeeded(&mut cluster.pg_ctl("start"));
        cluster
    }

    fn pg_ctl(&self, action: &str) -> Command {
        let data = self.dir.join("data");
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off",
            self.port,
            self.dir.display()
        );
        let log = self.dir.join("log");
        self.command(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-o",
                &options,
                "-l",
                log.to_str().unwrap(),
                "-m",
                "fast",
                "-w",
                action,
            ],
        )
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let _ = self
            .command(
                "pg_ctl",
                &[
                    "-D",
                    data.to_str().unwrap(),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ],
            )
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn succeeded(command: &mut Command) {
    let out = command.output().expect("run a PostgreSQL program");
    assert!(
        out.status.success(),
        "{command:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn the_server_recovers_by_itself_when_postgres_restarts_under_load() {
    let cluster = Cluster::start();
    let mut config = support::test_config().await;
    config.database.uri = cluster.url();
    let app = support::with_demo(support::boot_with(config, StartMode::ServerOnly).await).await;
    let ctx = &app.app_context;
    let server = app.server();
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    support::sign_in(&server, ctx, &ada).await;

    let stop = AtomicBool::new(false);
    let started = Instant::now();
    let load = || async {
        let mut seen = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            let page = server.get("/portal/acme/subscriptions").await;
            seen.push((started.elapsed(), page.status_code().as_u16()));
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        seen
    };
    let restart = async {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let before = started.elapsed();
        let mut restart = cluster.pg_ctl("restart");
        tokio::task::spawn_blocking(move || succeeded(&mut restart))
            .await
            .unwrap();
        let back = started.elapsed();
        // keep the load on for a while after the database is back
        tokio::time::sleep(Duration::from_secs(6)).await;
        stop.store(true, Ordering::Relaxed);
        (before, back)
    };
    let (a, b, c, d, (restart_began, restart_done)) =
        tokio::join!(load(), load(), load(), load(), restart);
    let seen: Vec<(Duration, u16)> = [a, b, c, d].concat();

    let before: Vec<_> = seen.iter().filter(|(t, _)| *t < restart_began).collect();
    assert!(
        !before.is_empty() && before.iter().all(|(_, s)| *s == 200),
        "{before:?}"
    );
    let during = seen
        .iter()
        .filter(|(t, s)| *t >= restart_began && *s != 200)
        .count();
    // two seconds after the database is back, every request succeeds again
    let settled: Vec<_> = seen
        .iter()
        .filter(|(t, _)| *t > restart_done + Duration::from_secs(2))
        .collect();
    eprintln!(
        "postgres restart took {:?}; {during} requests failed meanwhile; {} answered after it",
        restart_done - restart_began,
        settled.len()
    );
    assert!(
        settled.len() >= 20,
        "too little load after the restart: {settled:?}"
    );
    let failed: Vec<_> = settled.iter().filter(|(_, s)| *s != 200).collect();
    assert!(
        failed.is_empty(),
        "requests still failing after the restart: {failed:?}"
    );
}
