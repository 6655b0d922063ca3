//! Redis down: the queue refuses jobs. `/_health` says so (503), a customer
//! asking for a sign-in link still gets "check your email", the job is held
//! in the database, and once Redis is back it is queued and the email sent.
use std::process::Command;

use loco_rs::{boot::StartMode, config::WorkerMode};
use portal::{
    jobs,
    models::customers::{self, NewCustomer},
};

use crate::support::{self, mail};

fn redis_server(port: u16) -> Command {
    let mut command = Command::new(super::required("redis-server", "redis-server"));
    command
        .args(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        .args(["--port", &port.to_string()])
        .stdout(std::process::Stdio::null());
    command
}

#[tokio::test]
async fn jobs_are_held_while_redis_is_down_and_health_says_so() {
    let port = super::free_port();
    let redis = super::start(redis_server(port), port, "a private redis-server").await;
    let mut config = support::test_config().await;
    config.workers.mode = WorkerMode::BackgroundQueue;
    config.queue = Some(
        serde_json::from_value(serde_json::json!({
            "kind": "Redis",
            "uri": format!("redis://127.0.0.1:{port}"),
        }))
        .unwrap(),
    );
    let app = support::with_demo(support::boot_with(config, StartMode::ServerOnly).await).await;
    let ctx = &app.app_context;
    let server = app.server();
    let health = server.get("/_health").await;
    assert_eq!(health.status_code(), 200, "{}", health.text());
    assert_eq!(health.json::<serde_json::Value>()["queue"], "up");

    let acme = support::workspace(ctx, "acme").await;
    let email = mail::unique_address("redis-down");
    customers::Model::create(
        &ctx.db,
        acme.id,
        &NewCustomer {
            email: email.clone(),
            name: "Barbara Liskov".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();

    drop(redis); // killed
    let health = server.get("/_health").await;
    assert_eq!(health.status_code(), 503);
    let body: serde_json::Value = health.json();
    assert_eq!(body["ok"], false);
    assert_eq!(body["database"], "up");
    assert!(
        body["queue"].as_str().unwrap().starts_with("down"),
        "{body}"
    );

    let login = server.get("/portal/acme/login").await;
    let asked = server
        .post("/portal/acme/login")
        .form(&[
            ("email", email.as_str()),
            ("csrf_token", &support::csrf(&login.text())),
        ])
        .await;
    assert_eq!(asked.status_code(), 200, "{}", asked.text());
    assert!(asked.text().contains("Check your email"));
    let body: serde_json::Value = server.get("/_health").await.json();
    assert_eq!(body["held_jobs"], 1, "{body}");

    // still down: the release keeps the job
    let refused = jobs::release_due(ctx, support::now()).await.unwrap();
    assert_eq!((refused.queued, refused.waiting), (0, 1));

    // Redis is back (empty: it keeps nothing on disk); the held job is queued
    let _redis = super::start(redis_server(port), port, "a private redis-server").await;
    let health = server.get("/_health").await;
    assert_eq!(health.status_code(), 200, "{}", health.text());
    let released = jobs::release_due(ctx, support::now()).await.unwrap();
    assert_eq!((released.queued, released.waiting), (1, 0));

    // a worker takes it from Redis and the email goes out
    let worker = support::boot_worker_like(&app).await;
    let queue = worker.app_context.queue_provider.clone().unwrap();
    let running = tokio::spawn({
        let queue = queue.clone();
        async move { queue.run(vec![]).await }
    });
    let message = mail::wait_for(&email, 1).await;
    queue.shutdown().unwrap();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), running).await;
    assert_eq!(message.subject, "Your sign-in link for Acme Cloud");
}
