//! The sign-in mail job through the real queue: SQLite by default, Redis
//! when scripts/test sets QUEUE_URL=redis://...
use std::sync::Arc;

use loco_rs::bgworker::{BackgroundWorker, Queue};
use portal::{
    models::customers::{self, NewCustomer},
    workers::sign_in_mail::{SignInMailArgs, SignInMailWorker},
};
use sea_orm::EntityTrait;

use crate::support::{self, mail, TestApp};

fn queue(app: &TestApp) -> Arc<Queue> {
    app.app_context
        .queue_provider
        .clone()
        .expect("a worker boots with a queue")
}

/// Runs the worker until `until` resolves, then stops it.
async fn run_worker_until<F: std::future::Future>(app: &TestApp, until: F) -> F::Output {
    let q = queue(app);
    let worker = tokio::spawn({
        let q = q.clone();
        async move { q.run(vec![]).await }
    });
    let out = until.await;
    q.shutdown().unwrap();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), worker).await;
    out
}

async fn customer(app: &TestApp) -> customers::Model {
    let ctx = &app.app_context;
    let acme = support::workspace(ctx, "acme").await;
    customers::Model::create(
        &ctx.db,
        acme.id,
        &NewCustomer {
            email: mail::unique_address("queued"),
            name: "Queued Customer".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

fn args(customer: &customers::Model) -> SignInMailArgs {
    SignInMailArgs {
        workspace_id: customer.workspace_id,
        email: customer.email.clone(),
        ip: Some("127.0.0.1".into()),
        lang: "en-US".into(),
    }
}

#[tokio::test]
async fn a_queued_sign_in_mail_is_sent_when_the_worker_runs() {
    let _turn = super::QUEUE.lock().await;
    let app = support::with_demo(support::boot_worker().await).await;
    queue(&app).clear().await.unwrap();
    let grace = customer(&app).await;
    let stranger = mail::unique_address("stranger");

    SignInMailWorker::perform_later(
        &app.app_context,
        SignInMailArgs {
            email: stranger.clone(),
            ..args(&grace)
        },
    )
    .await
    .unwrap();
    SignInMailWorker::perform_later(&app.app_context, args(&grace))
        .await
        .unwrap();
    assert!(
        mail::all_to(&grace.email).is_empty(),
        "queued, not sent inline"
    );

    let message = run_worker_until(&app, mail::wait_for(&grace.email, 1)).await;
    assert!(message.text.contains("/portal/acme/login/"));
    assert!(
        mail::all_to(&stranger).is_empty(),
        "an unknown email gets nothing"
    );
}

#[tokio::test]
async fn a_job_survives_a_worker_that_stopped_before_running_it() {
    let _turn = super::QUEUE.lock().await;
    let first = support::with_demo(support::boot_worker().await).await;
    queue(&first).clear().await.unwrap();
    let grace = customer(&first).await;
    SignInMailWorker::perform_later(&first.app_context, args(&grace))
        .await
        .unwrap();
    queue(&first).shutdown().unwrap(); // the worker process goes away with the job queued

    let restarted = support::boot_worker_like(&first).await;
    let message = run_worker_until(&restarted, mail::wait_for(&grace.email, 1)).await;
    assert!(message.subject.contains("Acme Cloud"));
    drop(restarted);
}

/// The sign-in link and code travel through the queue and the outbox, but
/// no table of the database, no job of the queue (its tables or Redis) and
/// no outbox row holds them readably: only the customer's mailbox does.
#[tokio::test]
async fn no_sign_in_link_is_readable_at_rest_after_it_is_sent() {
    let _turn = super::QUEUE.lock().await;
    let app = support::with_demo(support::boot_worker().await).await;
    queue(&app).clear().await.unwrap();
    let grace = customer(&app).await;
    SignInMailWorker::perform_later(&app.app_context, args(&grace))
        .await
        .unwrap();
    let message = run_worker_until(&app, mail::wait_for(&grace.email, 1)).await;
    let link = message.link_with("/portal/acme/login/");
    let token = link.rsplit('/').next().unwrap().to_string();
    assert_eq!(token.len(), 64, "{link}");
    assert!(
        message.html.contains(&token),
        "the HTML part has the button"
    );

    app.assert_nowhere(&[&token], "a live sign-in token").await;
    let outbox = portal::models::mail_outbox::Entity::find()
        .all(&app.app_context.db)
        .await
        .unwrap();
    assert_eq!(outbox.len(), 1, "{outbox:?}");
    assert_eq!(outbox[0].status, "sent");
    assert_eq!(outbox[0].sealed, None, "erased once sent");
}
