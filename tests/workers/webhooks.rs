//! Webhook delivery against a receiver that verifies signatures with the
//! `standardwebhooks` reference library (Python). The receiver is down for
//! the first deliveries and a worker dies holding one; in the end every
//! event has arrived exactly once, in order per customer.
use std::{
    collections::HashMap,
    process::{Child, Command, Stdio},
    time::Duration as StdDuration,
};

use chrono::Duration;
use portal::{
    models::{events, webhook_deliveries, webhook_endpoints},
    webhooks,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::support::{self, TestApp};

fn python() -> String {
    std::env::var("PORTAL_PYTHON").unwrap_or_else(|_| "/var/tmp/portal-pyenv/bin/python".into())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_receiver(port: u16, secret: &str, log: &std::path::Path) -> Child {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/webhooks/receiver.py");
    let child = Command::new(python())
        .args([
            script,
            &port.to_string(),
            secret,
            &log.display().to_string(),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot start the webhook receiver with {} ({e}): run scripts/test, which \
                 installs standardwebhooks into /var/tmp/portal-pyenv, or set PORTAL_PYTHON",
                python()
            )
        });
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return child;
        }
        std::thread::sleep(StdDuration::from_millis(50));
    }
    panic!(
        "the webhook receiver did not start; does {} have standardwebhooks?",
        python()
    );
}

async fn deliveries(
    app: &TestApp,
    endpoint: &webhook_endpoints::Model,
) -> Vec<webhook_deliveries::Model> {
    webhook_deliveries::Entity::find()
        .filter(webhook_deliveries::Column::WebhookEndpointId.eq(endpoint.id))
        .all(&app.app_context.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn every_event_arrives_signed_once_and_in_order_despite_a_down_receiver() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let acme = support::workspace(ctx, "acme").await;
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    let bob = support::customer(ctx, "acme", "bob@example.com").await;
    let port = free_port();
    let created = webhook_endpoints::Model::create(
        &ctx.db,
        &support::secrets(ctx),
        acme.id,
        &format!("http://127.0.0.1:{port}/hooks"),
        &[],
        support::url_policy(ctx),
    )
    .await
    .unwrap();
    let endpoint = created.record.clone();
    // twelve events: ada's and bob's interleaved, two about no customer
    let mut published = Vec::new();
    for seq in 0..12 {
        let customer = match seq % 3 {
            0 => Some(ada.id),
            1 => Some(bob.id),
            _ => None,
        };
        let event = events::Model::publish(
            &ctx.db,
            acme.id,
            "test.sequence",
            customer,
            json!({ "seq": seq, "customer": customer }),
        )
        .await
        .unwrap();
        published.push(event);
    }
    let http = webhooks::client(support::url_policy(ctx)).unwrap();
    let mut now = support::now();

    // the receiver is down: each customer's first event is tried and fails,
    // later ones wait behind it
    let round = webhooks::deliver_endpoint(
        &ctx.db,
        &http,
        support::url_policy(ctx),
        &support::secrets(ctx),
        acme.id,
        endpoint.id,
        now,
    )
    .await
    .unwrap();
    assert_eq!(round.delivered, 0);
    assert_eq!(
        round.failed,
        2 + 4,
        "ada's first, bob's first and the four without a customer"
    );
    assert_eq!(round.held, 6);
    let failed = deliveries(&app, &endpoint).await;
    let tried: Vec<_> = failed.iter().filter(|d| d.attempts == 1).collect();
    assert_eq!(tried.len(), 6);
    for d in &tried {
        assert_eq!(d.status, webhook_deliveries::STATUS_PENDING);
        assert_eq!(d.last_error.as_deref(), Some("could not connect"));
        let retry = d.next_attempt_at.unwrap();
        assert!(retry >= now + Duration::seconds(5) && retry <= now + Duration::seconds(6));
    }
    // still down at the second attempt
    now += Duration::seconds(6);
    webhooks::deliver_endpoint(
        &ctx.db,
        &http,
        support::url_policy(ctx),
        &support::secrets(ctx),
        acme.id,
        endpoint.id,
        now,
    )
    .await
    .unwrap();

    // a worker claims one of bob's events and dies before sending it
    let log = std::env::temp_dir().join(format!("portal_webhooks_{port}.jsonl"));
    let _ = std::fs::remove_file(&log);
    let mut receiver = start_receiver(port, &created.secret, &log);
    now += Duration::minutes(6);
    let bobs_first = deliveries(&app, &endpoint)
        .await
        .into_iter()
        .filter(|d| d.event_id == published[1].id)
        .next()
        .unwrap();
    assert!(bobs_first.claim(&ctx.db, now).await.unwrap());

    // the receiver is back: rounds over the next day deliver everything
    let mut rounds = 0;
    loop {
        webhooks::deliver_endpoint(
            &ctx.db,
            &http,
            support::url_policy(ctx),
            &support::secrets(ctx),
            acme.id,
            endpoint.id,
            now,
        )
        .await
        .unwrap();
        let pending = deliveries(&app, &endpoint)
            .await
            .into_iter()
            .filter(|d| d.status != webhook_deliveries::STATUS_DELIVERED)
            .count();
        if pending == 0 {
            break;
        }
        rounds += 1;
        assert!(rounds < 50, "{pending} deliveries still pending");
        now += Duration::seconds(61);
    }
    receiver.kill().unwrap();
    receiver.wait().unwrap();

    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        lines.iter().all(|l| l.get("bad").is_none()),
        "every signature verified: {lines:?}"
    );
    let mut seen: HashMap<String, usize> = HashMap::new();
    for line in &lines {
        *seen
            .entry(line["id"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    for event in &published {
        assert_eq!(
            seen.get(&event.webhook_id()),
            Some(&1),
            "{} exactly once",
            event.webhook_id()
        );
    }
    assert_eq!(seen.len(), published.len());
    // in order per customer
    for customer in [ada.id, bob.id] {
        let order: Vec<i64> = lines
            .iter()
            .filter(|l| l["data"]["customer"].as_i64() == Some(customer))
            .map(|l| l["data"]["seq"].as_i64().unwrap())
            .collect();
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(order, sorted, "customer {customer}'s events in order");
        assert_eq!(order.len(), 4);
    }
    let done = deliveries(&app, &endpoint).await;
    assert!(done
        .iter()
        .all(|d| d.last_response_code == Some(204) && d.delivered_at.is_some()));
    let _ = std::fs::remove_file(&log);
}

#[tokio::test]
async fn a_delivery_gives_up_after_about_a_day_and_resend_brings_it_back() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let acme = support::workspace(ctx, "acme").await;
    // nothing listens on this port
    let created = webhook_endpoints::Model::create(
        &ctx.db,
        &support::secrets(ctx),
        acme.id,
        &format!("http://127.0.0.1:{}/gone", free_port()),
        &["test.once"],
        support::url_policy(ctx),
    )
    .await
    .unwrap();
    let endpoint = created.record.clone();
    let started = support::now();
    events::Model::publish(&ctx.db, acme.id, "test.once", None, json!({}))
        .await
        .unwrap();
    // an event the endpoint did not subscribe to gets no delivery
    events::Model::publish(&ctx.db, acme.id, "test.other", None, json!({}))
        .await
        .unwrap();
    let http = webhooks::client(support::url_policy(ctx)).unwrap();
    let mut now = started;
    let mut attempts = 0;
    loop {
        let d = deliveries(&app, &endpoint).await;
        assert_eq!(d.len(), 1);
        if d[0].status == webhook_deliveries::STATUS_FAILED {
            break;
        }
        now = d[0].next_attempt_at.unwrap();
        webhooks::deliver_endpoint(
            &ctx.db,
            &http,
            support::url_policy(ctx),
            &support::secrets(ctx),
            acme.id,
            endpoint.id,
            now,
        )
        .await
        .unwrap();
        attempts += 1;
        assert!(attempts <= 10);
    }
    assert_eq!(attempts, webhook_deliveries::RETRY_AFTER_SECONDS.len() + 1);
    assert!(
        now - started >= Duration::hours(24),
        "retried for at least a day"
    );
    let failed = deliveries(&app, &endpoint).await.remove(0);
    let resent = webhook_deliveries::Model::resend(&ctx.db, acme.id, failed.id, now)
        .await
        .unwrap();
    assert_eq!(resent.status, webhook_deliveries::STATUS_PENDING);
    // another workspace cannot resend it
    let globex = support::workspace(ctx, "globex").await;
    assert!(
        webhook_deliveries::Model::resend(&ctx.db, globex.id, failed.id, now)
            .await
            .is_err()
    );
}
