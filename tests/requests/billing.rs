//! Billing history: "Retry payment" on a failed renewal.
use axum_test::TestServer;
use portal::{
    gateway::sandbox::{cards::Scenario, SandboxGateway},
    models::{charges, customers, payment_methods, subscriptions, subscriptions::Status},
    settings::Settings,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};

use crate::support::{self, path_of, TestApp};

struct Ada {
    server: TestServer,
    customer: customers::Model,
    past_due: subscriptions::Model,
    failed: charges::Model,
}

async fn ada(app: &TestApp) -> Ada {
    let ctx = &app.app_context;
    let server = app.server();
    let customer = support::customer(ctx, "acme", "ada@example.com").await;
    support::sign_in(&server, ctx, &customer).await;
    let past_due =
        subscriptions::Model::list_for_customer(&ctx.db, customer.workspace_id, customer.id)
            .await
            .unwrap()
            .into_iter()
            .find(|s| s.status() == Some(Status::PastDue))
            .unwrap();
    let failed = charges::Model::list_for_subscription(&ctx.db, customer.workspace_id, past_due.id)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(failed.status(), Some(charges::Status::Failed));
    Ada {
        server,
        customer,
        past_due,
        failed,
    }
}

async fn retry(ada: &Ada) -> axum_test::TestResponse {
    let page = ada.server.get("/portal/acme/billing").await;
    let html = page.text();
    assert!(html.contains("Retry payment"), "{html}");
    ada.server
        .post(&format!("/portal/acme/billing/{}/retry", ada.failed.id))
        .form(&[
            ("csrf_token", support::csrf(&html)),
            (
                "payment_method_id",
                ada.customer.default_payment_method_id.unwrap().to_string(),
            ),
        ])
        .await
}

async fn set_card(app: &TestApp, ada: &Ada, scenario: Scenario) {
    let ctx = &app.app_context;
    let card = payment_methods::Model::find_for_customer(
        &ctx.db,
        ada.customer.workspace_id,
        ada.customer.id,
        ada.customer.default_payment_method_id.unwrap(),
    )
    .await
    .unwrap();
    SandboxGateway::new(
        ctx.db.clone(),
        &Settings::from_context(ctx).unwrap().public_url,
    )
    .set_scenario(&card.gateway_token, scenario)
    .await
    .unwrap();
}

async fn paid_for_period(app: &TestApp, ada: &Ada) -> usize {
    charges::Model::list_for_subscription(
        &app.app_context.db,
        ada.customer.workspace_id,
        ada.past_due.id,
    )
    .await
    .unwrap()
    .iter()
    .filter(|c| {
        c.status() == Some(charges::Status::Paid) && c.period_start == ada.failed.period_start
    })
    .count()
}

#[tokio::test]
async fn a_retry_pays_the_failed_renewal_and_the_subscription_recovers_once() {
    let app = support::boot_with_demo().await;
    let ada = ada(&app).await;
    // an address of this test's own, to read the receipt
    let address = support::mail::unique_address("retry-receipt");
    let mut readdressed = ada.customer.clone().into_active_model();
    readdressed.email = Set(address.clone());
    readdressed.update(&app.app_context.db).await.unwrap();
    let page = ada.server.get("/portal/acme/billing").await.text();
    let csrf = support::csrf(&page);
    let form = [
        ("csrf_token", csrf.clone()),
        (
            "payment_method_id",
            ada.customer.default_payment_method_id.unwrap().to_string(),
        ),
    ];
    // two clicks (or two tabs) with the same form
    let first = ada
        .server
        .post(&format!("/portal/acme/billing/{}/retry", ada.failed.id))
        .form(&form)
        .await;
    let second = ada
        .server
        .post(&format!("/portal/acme/billing/{}/retry", ada.failed.id))
        .form(&form)
        .await;
    assert_eq!(first.header("location"), "/portal/acme/billing?paid=1");
    assert_eq!(second.status_code(), 303);
    assert_eq!(paid_for_period(&app, &ada).await, 1, "charged once");

    let sub = subscriptions::Entity::find_by_id(ada.past_due.id)
        .one(&app.app_context.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(sub.status(), Some(Status::Active));
    assert_eq!(sub.current_period_start, ada.failed.period_start.unwrap());
    assert_eq!((sub.dunning_attempts, sub.next_retry_at), (0, None));
    let after = ada.server.get("/portal/acme/billing?paid=1").await.text();
    assert!(after.contains("Payment received. Your subscription is active again."));
    assert!(!after.contains("Retry payment"));
    // the failed row links to the payment that settled it
    let paid = charges::Entity::find()
        .filter(charges::Column::SubscriptionId.eq(ada.past_due.id))
        .filter(charges::Column::Status.eq("paid"))
        .filter(charges::Column::PeriodStart.eq(ada.failed.period_start.unwrap()))
        .one(&app.app_context.db)
        .await
        .unwrap()
        .expect("the retry's charge");
    let row = after
        .split(&format!(r#"<tr id="charge-{}">"#, ada.failed.id))
        .nth(1)
        .and_then(|rest| rest.split("</tr>").next())
        .expect("the failed row");
    assert!(
        row.contains(&format!(
            r##"<a href="#charge-{}">Paid by the retry of "##,
            paid.id
        )),
        "{row}"
    );
    assert!(after.contains(&format!(r#"<tr id="charge-{}">"#, paid.id)));
    // and the subscription no longer asks for a fix
    let list = ada.server.get("/portal/acme/subscriptions").await.text();
    assert!(!list.contains("Fix payment"), "{list}");
    // a paid retry gets its receipt, once for two clicks, amounts as on the page
    let receipt = support::mail::wait_for(&address, 1).await;
    assert_eq!(receipt.subject, "Your receipt from Acme Cloud: $9.00");
    assert!(
        receipt.text.contains("We received $9.00 for Backup Add-on"),
        "{}",
        receipt.text
    );
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(support::mail::all_to(&address).len(), 1, "one receipt");
}

#[tokio::test]
async fn a_past_due_subscription_says_the_payment_failed_and_leads_to_the_fix() {
    let app = support::boot_with_demo().await;
    let ada = ada(&app).await;
    let list = ada.server.get("/portal/acme/subscriptions").await.text();
    let card = list
        .split("<li class=\"card\">")
        .find(|card| card.contains("Backup Add-on"))
        .expect("the past-due subscription's card");
    assert!(card.contains("The payment of $9.00 on"), "{card}");
    assert!(card.contains("The card has insufficient funds."), "{card}");
    let fix = format!(
        r##"href="/portal/acme/billing#charge-{}">Fix payment</a>"##,
        ada.failed.id
    );
    assert!(card.contains(&fix), "{card}");
    assert!(
        !card.contains("Next renewal"),
        "no renewal date that has passed: {card}"
    );
    let page = ada
        .server
        .get(&format!("/portal/acme/subscriptions/{}", ada.past_due.id))
        .await
        .text();
    assert!(page.contains(&fix), "{page}");
    // the link leads to the retry of that very charge
    let billing = ada.server.get("/portal/acme/billing").await.text();
    let row = billing
        .split(&format!(r#"<tr id="charge-{}">"#, ada.failed.id))
        .nth(1)
        .and_then(|rest| rest.split("</tr>").next())
        .unwrap();
    assert!(row.contains("Retry payment"), "{row}");

    // without retries in the portal, the page says whom to write to
    let ctx = &app.app_context;
    let mut settings =
        portal::models::workspaces::PortalSettings::from(&support::workspace(ctx, "acme").await);
    settings
        .switches
        .insert("allow_payment_retry".into(), false);
    support::workspace(ctx, "acme")
        .await
        .update_portal_settings(&ctx.db, &settings)
        .await
        .unwrap();
    let list = ada.server.get("/portal/acme/subscriptions").await.text();
    assert!(!list.contains("Fix payment"), "{list}");
    assert!(list.contains("To pay it, write to"), "{list}");
}

#[tokio::test]
async fn a_declined_retry_says_why_and_leaves_the_dunning_schedule_alone() {
    let app = support::boot_with_demo().await;
    let ada = ada(&app).await;
    set_card(&app, &ada, Scenario::ChargeDeclined).await;
    let declined = retry(&ada).await;
    assert_eq!(declined.status_code(), 422);
    assert!(declined
        .text()
        .contains("The payment did not go through: The card was declined."));
    let sub = subscriptions::Entity::find_by_id(ada.past_due.id)
        .one(&app.app_context.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(sub.status(), Some(Status::PastDue));
    assert_eq!(
        (sub.dunning_attempts, sub.next_retry_at),
        (ada.past_due.dunning_attempts, ada.past_due.next_retry_at)
    );
    // the next try is a new attempt, not a replay of the declined one
    set_card(&app, &ada, Scenario::Succeeds).await;
    let page = ada.server.get("/portal/acme/billing").await.text();
    let newest_failed = charges::Model::list_for_subscription(
        &app.app_context.db,
        ada.customer.workspace_id,
        ada.past_due.id,
    )
    .await
    .unwrap()
    .remove(0);
    let paid = ada
        .server
        .post(&format!("/portal/acme/billing/{}/retry", newest_failed.id))
        .form(&[("csrf_token", support::csrf(&page))])
        .await;
    assert_eq!(paid.header("location"), "/portal/acme/billing?paid=1");
    assert_eq!(paid_for_period(&app, &ada).await, 1);
}

#[tokio::test]
async fn a_retry_the_bank_wants_to_authenticate_goes_through_3ds() {
    let app = support::boot_with_demo().await;
    let ada = ada(&app).await;
    set_card(&app, &ada, Scenario::AuthenticateEveryCharge).await;
    let asked = retry(&ada).await;
    assert_eq!(asked.status_code(), 303);
    let challenge = path_of(asked.header("location").to_str().unwrap());
    assert!(
        challenge.starts_with("/sandbox/authenticate/"),
        "{challenge}"
    );
    assert!(ada
        .server
        .get(&challenge)
        .await
        .text()
        .contains("approve this payment"));
    assert_eq!(
        paid_for_period(&app, &ada).await,
        0,
        "nothing paid before the bank agrees"
    );
    let back = ada
        .server
        .post(&challenge)
        .form(&[("action", "pass")])
        .await;
    let settled = ada
        .server
        .get(&path_of(back.header("location").to_str().unwrap()))
        .await;
    assert_eq!(settled.header("location"), "/portal/acme/billing?paid=1");
    assert_eq!(paid_for_period(&app, &ada).await, 1);
    let sub = subscriptions::Entity::find_by_id(ada.past_due.id)
        .one(&app.app_context.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(sub.status(), Some(Status::Active));
}

#[tokio::test]
async fn retry_follows_the_workspace_setting_and_the_customer() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let ada = ada(&app).await;
    let bob = support::customer(ctx, "acme", "bob@example.com").await;
    let bobs = charges::Model::history_for_customer(&ctx.db, bob.workspace_id, bob.id, None, 5)
        .await
        .unwrap()
        .charges;
    let page = ada.server.get("/portal/acme/billing").await.text();
    let csrf = support::csrf(&page);
    let other = ada
        .server
        .post(&format!("/portal/acme/billing/{}/retry", bobs[0].id))
        .form(&[("csrf_token", csrf.as_str())])
        .await;
    assert_eq!(other.status_code(), 404);

    let mut acme = support::workspace(ctx, "acme").await.into_active_model();
    acme.allow_payment_retry = Set(false);
    acme.update(&ctx.db).await.unwrap();
    assert!(!ada
        .server
        .get("/portal/acme/billing")
        .await
        .text()
        .contains("Retry payment"));
    let off = ada
        .server
        .post(&format!("/portal/acme/billing/{}/retry", ada.failed.id))
        .form(&[("csrf_token", csrf.as_str())])
        .await;
    assert_eq!(off.status_code(), 404);
}
