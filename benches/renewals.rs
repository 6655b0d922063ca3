//! `cargo bench --bench renewals`: renews 100,000 due subscriptions through
//! the queue (Loco's SQLite queue, in-process workers) with the sandbox
//! gateway on a fresh SQLite database, the way production does it: the
//! sweep queues one renewal job per subscription, each job charges, settles,
//! issues the invoice and queues its PDF and the receipt email (sent over
//! SMTP to a sink in this process). Prints renewals per second.
//! Target: 100,000 renewals in under 60 s.
//!
//! `BENCH_SUBSCRIPTIONS` changes the count, `BENCH_WORKERS` the number of
//! queue workers (default 4), `BENCH_QUEUE_URL=redis://...` runs the jobs
//! through Redis instead (the database stays SQLite).
use std::time::{Duration, Instant};

use loco_rs::{
    app::Hooks,
    boot::{run_task, StartMode},
    config::QueueConfig,
    environment::Environment,
    task,
};
use portal::{
    app::App,
    demo,
    models::{charges, invoices},
    settings::Settings,
};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
};

// the allocator portal-cli runs with (src/bin/main.rs)
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// An SMTP server that accepts every message and keeps none.
async fn smtp_sink() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 sink\r\n").await;
                let mut in_data = false;
                while let Ok(Some(line)) = lines.next_line().await {
                    let reply: &[u8] = if in_data {
                        if line == "." {
                            in_data = false;
                            b"250 ok\r\n"
                        } else {
                            continue;
                        }
                    } else {
                        match line.get(..4).unwrap_or("").to_ascii_uppercase().as_str() {
                            "EHLO" => b"250-sink\r\n250 8BITMIME\r\n",
                            "DATA" => {
                                in_data = true;
                                b"354 go\r\n"
                            }
                            "QUIT" => {
                                let _ = write.write_all(b"221 bye\r\n").await;
                                break;
                            }
                            _ => b"250 ok\r\n",
                        }
                    };
                    if write.write_all(reply).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    port
}

async fn paid(ctx: &loco_rs::app::AppContext, since_id: i64) -> u64 {
    charges::Entity::find()
        .filter(charges::Column::Id.gt(since_id))
        .filter(charges::Column::Status.eq(charges::Status::Paid.as_str()))
        .count(&ctx.db)
        .await
        .unwrap()
}

#[tokio::main]
async fn main() -> loco_rs::Result<()> {
    let count = env_number("BENCH_SUBSCRIPTIONS", 100_000);
    let workers = env_number("BENCH_WORKERS", 4);
    let dir = std::env::temp_dir().join(format!("portal-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let smtp_port = smtp_sink().await;
    // the test config, pointed at fresh files and a real queue
    std::env::set_var(
        "DATABASE_URL",
        format!("sqlite://{}/bench.sqlite?mode=rwc", dir.display()),
    );
    std::env::set_var(
        "SQLITE_QUEUE_URL",
        format!("sqlite://{}/queue.sqlite?mode=rwc", dir.display()),
    );
    std::env::set_var("WORKER_MODE", "BackgroundQueue");
    std::env::set_var("PORTAL_STORAGE_DIR", dir.join("storage"));
    std::env::set_var("SMTP_HOST", "127.0.0.1");
    std::env::set_var("SMTP_PORT", smtp_port.to_string());
    // BENCH_QUEUE_URL=redis://... measures the same run through Redis
    match std::env::var("BENCH_QUEUE_URL") {
        Ok(url) => std::env::set_var("QUEUE_URL", url),
        Err(_) => std::env::remove_var("QUEUE_URL"),
    }
    let mut config = App::load_config(&Environment::Test).await?;
    config.logger.enable = false;
    match config.queue.as_mut() {
        Some(QueueConfig::Sqlite(queue)) => queue.num_workers = u32::try_from(workers).unwrap_or(4),
        Some(QueueConfig::Redis(queue)) => {
            queue.num_workers = u32::try_from(workers).unwrap_or(4);
            queue.dangerously_flush = true;
        }
        _ => {}
    }
    let boot = App::boot(
        StartMode::WorkerOnly { tags: vec![] },
        &Environment::Test,
        config,
    )
    .await?;
    let ctx = boot.app_context;
    demo::load(&ctx.db, &Settings::from_context(&ctx)?.secrets()).await?;
    let last_charge = charges::Entity::find()
        .all(&ctx.db)
        .await?
        .iter()
        .map(|c| c.id)
        .max()
        .unwrap_or(0);

    let setup = Instant::now();
    let due_at = chrono::Utc::now().fixed_offset() - chrono::Duration::minutes(1);
    demo::fleet(&ctx.db, demo::ACME, count, due_at, |done| {
        eprint!("\rsetting up: {done}/{count} subscriptions");
    })
    .await?;
    eprintln!(" ({:.1} s)", setup.elapsed().as_secs_f64());
    let queue = ctx.queue_provider.clone().expect("a queue");
    queue.clear().await?;

    let started = Instant::now();
    run_task::<App>(
        &ctx,
        Some(&"renewals_run".to_string()),
        &task::Vars::default(),
    )
    .await?;
    let queued = started.elapsed();
    eprintln!();
    let runner = tokio::spawn({
        let queue = queue.clone();
        async move { queue.run(vec![]).await }
    });
    let target = count as u64;
    loop {
        let done = paid(&ctx, last_charge).await;
        eprint!(
            "\rrenewed: {done}/{count} ({:.0} s)",
            started.elapsed().as_secs_f64()
        );
        if done >= target {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let renewed = started.elapsed();
    eprintln!();
    // the PDFs and receipts queued behind the renewals
    loop {
        let missing = invoices::Entity::find()
            .filter(invoices::Column::ChargeId.gt(last_charge))
            .filter(invoices::Column::PdfKey.is_null())
            .count(&ctx.db)
            .await?;
        eprint!("\rinvoice PDFs still queued: {missing}      ");
        if missing == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let drained = started.elapsed();
    eprintln!();
    queue.shutdown()?;
    let _ = tokio::time::timeout(Duration::from_secs(10), runner).await;

    let per_second = count as f64 / renewed.as_secs_f64();
    let queue_kind = if std::env::var("QUEUE_URL").is_ok() {
        "Redis"
    } else {
        "SQLite"
    };
    println!("subscriptions renewed: {count} (SQLite database, {queue_kind} queue, sandbox gateway, {workers} queue workers)");
    println!("sweep queued them in:  {:.1} s", queued.as_secs_f64());
    println!("all renewed after:     {:.1} s", renewed.as_secs_f64());
    println!("renewals per second:   {per_second:.0}");
    println!("PDFs stored after:     {:.1} s", drained.as_secs_f64());
    println!("target: {count} in under 60 s");
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
