//! SMTP down: a customer asks for a sign-in link while the mail server does
//! not answer. The page still says "check your email", the message waits in
//! the outbox and is retried, and once the server is back the link arrives and works.
use std::process::Command;

use chrono::Duration;
use loco_rs::{app::AppContext, boot::StartMode};
use portal::{
    models::{
        customers::{self, NewCustomer},
        mail_outbox,
    },
    workers::mail_delivery::MailDeliveryWorker,
};
use sea_orm::EntityTrait;

/// The one email this test's app has in its outbox.
async fn outbox(ctx: &AppContext) -> mail_outbox::Model {
    let rows = mail_outbox::Entity::find().all(&ctx.db).await.unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    rows.into_iter().next().unwrap()
}

use crate::support::{self, mail};

#[tokio::test]
async fn a_sign_in_email_is_retried_until_the_mail_server_is_back() {
    let port = super::free_port();
    let mut config = support::test_config().await;
    let mailer = config.mailer.as_mut().expect("test config has a mailer");
    mailer.stub = false;
    let smtp = mailer.smtp.as_mut().expect("test config has SMTP settings");
    smtp.enable = true;
    smtp.host = "127.0.0.1".into();
    smtp.port = port; // nothing listens here yet
    let app = support::with_demo(support::boot_with(config, StartMode::ServerOnly).await).await;
    let ctx = &app.app_context;
    let acme = support::workspace(ctx, "acme").await;
    let email = mail::unique_address("smtp-down");
    customers::Model::create(
        &ctx.db,
        acme.id,
        &NewCustomer {
            email: email.clone(),
            name: "Margaret Hamilton".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();

    let server = app.server();
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

    // the send failed and the message waits in the outbox for its retry
    let held = outbox(ctx).await;
    assert_eq!(held.attempts, 1, "{held:?}");
    assert_eq!(held.status, "pending");
    assert!(held.last_error.is_some());
    assert!(
        held.next_attempt_at > support::now(),
        "retried later, not in a hot loop"
    );
    assert!(mail::all_to(&email).is_empty());

    // not due yet: nothing happens
    let early = MailDeliveryWorker::queue_due(ctx, support::now())
        .await
        .unwrap();
    assert_eq!(early, 0);

    // still down when due: tried again, waits again a little longer
    let first_retry = held.next_attempt_at;
    let again = MailDeliveryWorker::queue_due(ctx, first_retry + Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(again, 1);
    let held = outbox(ctx).await;
    assert_eq!(held.attempts, 2);
    assert!(held.next_attempt_at > first_retry);

    // the mail server comes back; the next due retry delivers
    let python = std::env::var("PORTAL_PYTHON").unwrap_or_else(|_| "python3".into());
    let maildir = std::env::var("TEST_MAILDIR").expect("TEST_MAILDIR: run scripts/test");
    let mut sink = Command::new(python);
    sink.args(["-m", "aiosmtpd", "-n", "-l"])
        .arg(format!("127.0.0.1:{port}"))
        .args(["-c", "aiosmtpd.handlers.Mailbox", &maildir]);
    let _sink = super::start(sink, port, "an aiosmtpd SMTP sink").await;
    let delivered = MailDeliveryWorker::queue_due(ctx, held.next_attempt_at + Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(delivered, 1);
    let sent = outbox(ctx).await;
    assert_eq!(
        (sent.status.as_str(), sent.sealed.is_none()),
        ("sent", true)
    );

    let message = mail::wait_for(&email, 1).await;
    assert_eq!(message.subject, "Your sign-in link for Acme Cloud");
    let link = support::path_of(&message.link_with("/portal/acme/login/"));
    let page = server.get(&link).await;
    assert_eq!(page.status_code(), 200, "the late link still works");
    let done = server
        .post(&link)
        .form(&[("csrf_token", support::csrf(&page.text()))])
        .await;
    assert_eq!(done.status_code(), 303);
    assert_eq!(mail::all_to(&email).len(), 1, "sent once");
}
