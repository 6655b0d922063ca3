//! A worker process killed in the middle of a renewal run: after a restart
//! and the scheduler's next sweep, every subscription is charged exactly
//! once (no double charge, none missed), and every renewal gets exactly one
//! receipt.
use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use loco_rs::{boot::run_task, task};
use portal::{
    app::App,
    demo,
    models::{_entities::sandbox_charges, charges, mail_outbox, subscriptions},
    workers::mail_delivery::MailDeliveryWorker,
};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::support::{self, TestApp};

const SUBSCRIPTIONS: usize = 1_000;

/// `portal-cli start --worker` on the test's database and queue.
fn start_worker(app: &TestApp, log: &std::path::Path) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_portal-cli"));
    command
        .args(["start", "--worker"])
        .env("LOCO_ENV", "test")
        .env("WORKER_MODE", "BackgroundQueue")
        .env("DATABASE_URL", app.database_url())
        .env("DB_RESET", "false")
        .env("PORTAL_DEMO_DATA", "false")
        .stdin(Stdio::null())
        .stdout(Stdio::from(std::fs::File::create(log).unwrap()))
        .stderr(Stdio::from(
            std::fs::OpenOptions::new().append(true).open(log).unwrap(),
        ));
    if let Some(queue) = app.sqlite_queue_url() {
        command.env("SQLITE_QUEUE_URL", queue);
    }
    command.spawn().expect("start the worker process")
}

async fn sweep(app: &TestApp) {
    run_task::<App>(
        &app.app_context,
        Some(&"renewals_run".to_string()),
        &task::Vars::default(),
    )
    .await
    .unwrap();
}

async fn paid(app: &TestApp, ids: &[i64]) -> u64 {
    charges::Entity::find()
        .filter(charges::Column::SubscriptionId.is_in(ids.iter().copied()))
        .filter(charges::Column::Status.eq(charges::Status::Paid.as_str()))
        .count(&app.app_context.db)
        .await
        .unwrap()
}

/// Waits until `paid` reaches `target`, or panics with the worker's log.
async fn wait_paid(
    app: &TestApp,
    worker: &mut Child,
    ids: &[i64],
    target: u64,
    log: &std::path::Path,
) -> u64 {
    let started = Instant::now();
    loop {
        let now = paid(app, ids).await;
        if now >= target {
            return now;
        }
        if let Some(status) = worker.try_wait().unwrap() {
            panic!(
                "the worker exited ({status}) after {now} renewals; its log:\n{}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "only {now} of {target} renewals after 300 s; worker log:\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

#[tokio::test]
async fn a_worker_killed_mid_run_and_restarted_charges_every_subscription_exactly_once() {
    let _turn = super::QUEUE.lock().await;
    let app = support::with_demo(support::boot_worker().await).await;
    let ctx = &app.app_context;
    ctx.queue_provider.clone().unwrap().clear().await.unwrap();
    let due_at = support::now() - chrono::Duration::minutes(5);
    let ids = demo::fleet(&ctx.db, demo::ACME, SUBSCRIPTIONS, due_at, |_| {})
        .await
        .unwrap();
    let log = std::env::temp_dir().join(format!("portal_kill_{}.log", std::process::id()));

    sweep(&app).await;
    let mut worker = start_worker(&app, &log);
    let at_kill = wait_paid(&app, &mut worker, &ids, 100, &log).await;
    worker.kill().unwrap(); // SIGKILL: no graceful shutdown, jobs in flight are lost
    worker.wait().unwrap();
    let after_kill = paid(&app, &ids).await;
    assert!(
        after_kill < SUBSCRIPTIONS as u64,
        "the worker finished all {SUBSCRIPTIONS} before it was killed ({at_kill} at kill): the test proved nothing"
    );

    eprintln!("killed the worker at {at_kill} of {SUBSCRIPTIONS} renewals ({after_kill} settled)");
    // restarted, and the scheduler's next sweep re-queues what is still due
    let mut worker = start_worker(&app, &log);
    sweep(&app).await;
    wait_paid(&app, &mut worker, &ids, SUBSCRIPTIONS as u64, &log).await;
    // give duplicates (re-queued jobs of renewed subscriptions) time to run
    tokio::time::sleep(Duration::from_secs(2)).await;
    // every settled renewal wrote exactly one receipt with its settlement;
    // those whose delivery job died with the worker are found by the sweep
    let receipts = mail_outbox::Entity::find().count(&ctx.db).await.unwrap();
    assert_eq!(receipts, SUBSCRIPTIONS as u64, "one receipt per renewal");
    MailDeliveryWorker::queue_due(ctx, support::now() + chrono::Duration::minutes(2))
        .await
        .unwrap();
    let started = Instant::now();
    while mail_outbox::Model::pending(&ctx.db).await.unwrap() > 0 {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "receipts still unsent after 300 s; worker log:\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    worker.kill().unwrap();
    worker.wait().unwrap();

    let charges = charges::Entity::find()
        .filter(charges::Column::SubscriptionId.is_in(ids.iter().copied()))
        .all(&ctx.db)
        .await
        .unwrap();
    assert_eq!(charges.len(), SUBSCRIPTIONS, "one charge per subscription");
    assert!(charges
        .iter()
        .all(|c| c.status() == Some(charges::Status::Paid)));
    let mut charged: Vec<i64> = charges.iter().filter_map(|c| c.subscription_id).collect();
    charged.sort_unstable();
    charged.dedup();
    assert_eq!(charged.len(), SUBSCRIPTIONS, "every subscription charged");
    // the processor took the money once per charge
    let keys: Vec<String> = charges.iter().map(|c| c.idempotency_key.clone()).collect();
    for chunk in keys.chunks(500) {
        let taken = sandbox_charges::Entity::find()
            .filter(sandbox_charges::Column::IdempotencyKey.is_in(chunk.iter().cloned()))
            .count(&ctx.db)
            .await
            .unwrap();
        assert_eq!(taken, chunk.len() as u64, "one processor charge per key");
    }
    let still_due = subscriptions::Entity::find()
        .filter(subscriptions::Column::Id.is_in(ids.iter().copied()))
        .filter(subscriptions::Column::NextRenewalAt.lte(support::now()))
        .count(&ctx.db)
        .await
        .unwrap();
    assert_eq!(still_due, 0, "every subscription moved to its next period");
    let _ = std::fs::remove_file(&log);
}
