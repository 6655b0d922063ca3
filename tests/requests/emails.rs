//! Every email's HTML part escapes every value a person can set: the
//! customer's name, the workspace's name, a charge's description (the
//! merchant's product name) and a failure reason (the gateway's words).
//! Markup in them reaches the customer as text, never as a link.
use loco_rs::mailer::Email;
use portal::{
    mailers::portal::PortalMailer,
    models::{charges, invoices},
    settings::Settings,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::support::{self, mail};

const EVIL: &str = r#"<a href="https://evil.example">x</a>"#;

fn assert_escaped(email: &Email, which: &str) {
    assert!(
        !email.html.contains(EVIL) && !email.html.contains("<a href=\"https://evil"),
        "{which}: raw markup in the HTML part:\n{}",
        email.html
    );
    assert!(
        email.html.contains("&lt;a href="),
        "{which}: the value is shown, escaped:\n{}",
        email.html
    );
    assert!(
        email.text.contains(EVIL),
        "{which}: the text part keeps it as text"
    );
}

fn assert_message_escaped(message: &mail::Message, which: &str) {
    assert_escaped(
        &Email {
            html: message.html.clone(),
            text: message.text.clone(),
            ..Default::default()
        },
        which,
    );
}

#[tokio::test]
async fn every_email_escapes_what_people_typed() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let settings = Settings::from_context(ctx).unwrap();
    let mut workspace = support::workspace(ctx, "acme").await;
    workspace.name = EVIL.to_string();
    let mut customer = support::customer(ctx, "acme", "ada@example.com").await;
    customer.name = EVIL.to_string();
    customer.email = mail::unique_address("escaped");
    let mut charge = charges::Entity::find()
        .filter(charges::Column::CustomerId.eq(customer.id))
        .one(&ctx.db)
        .await
        .unwrap()
        .expect("ada has charges");
    charge.description = EVIL.to_string();
    charge.failure_message = Some(EVIL.to_string());
    let invoice = invoices::Entity::find()
        .filter(invoices::Column::CustomerId.eq(customer.id))
        .one(&ctx.db)
        .await
        .unwrap()
        .expect("ada has invoices");

    let mut subjects = std::collections::BTreeSet::new();
    for &lang in portal::locale::available() {
        let receipt = PortalMailer::receipt(
            &settings,
            &workspace,
            &customer,
            &charge,
            Some(&invoice),
            lang,
        )
        .unwrap();
        assert_escaped(&receipt, &format!("receipt ({lang})"));
        assert!(
            receipt.html.contains(&format!(r#"<html lang="{lang}">"#)),
            "{lang}"
        );
        // each language its own words, none empty (a missing message)
        assert!(!receipt.subject.starts_with(':'), "{}", receipt.subject);
        subjects.insert(receipt.subject.clone());
    }
    assert_eq!(
        subjects.len(),
        portal::locale::available().len(),
        "{subjects:?}"
    );

    let to = customer.email.clone();
    PortalMailer::sign_in_link(
        ctx, &settings, &workspace, &customer, "t0ken", "123456", "en-US",
    )
    .await
    .unwrap();
    assert_message_escaped(&mail::wait_for(&to, 1).await, "sign-in link");
    PortalMailer::confirm_email_change(
        ctx, &settings, &workspace, &customer, &to, "t0ken", "en-US",
    )
    .await
    .unwrap();
    assert_message_escaped(&mail::wait_for(&to, 2).await, "email change");
    let settled = portal::models::renewals::Settled {
        workspace: workspace.clone(),
        customer: customer.clone(),
        charge: charge.clone(),
    };
    let failed = PortalMailer::payment_failed(
        &settings,
        &settled,
        &portal::models::renewals::DeclineNotice {
            url: "https://portal.example/portal/acme/login/t0ken",
            retry_at: Some(support::now()),
            cancelled: false,
        },
    )
    .unwrap();
    assert_escaped(&failed, "payment failed");
    PortalMailer::invoice_ready(ctx, &settings, &workspace, &customer, &invoice, "de-DE")
        .await
        .unwrap();
    assert_message_escaped(&mail::wait_for(&to, 3).await, "invoice ready");

    // the emails about a subscription decision, with an evil plan name too
    let mut sub = portal::models::subscriptions::Model::list_for_customer(
        &ctx.db,
        customer.workspace_id,
        customer.id,
    )
    .await
    .unwrap()
    .remove(0);
    sub.pause_resumes_at = Some(sub.current_period_end);
    let about = portal::mailers::portal::SubscriptionMail {
        workspace: &workspace,
        customer: &customer,
        subscription: &sub,
        plan: EVIL,
        lang: "de-DE",
    };
    PortalMailer::subscription_paused(ctx, &settings, &about)
        .await
        .unwrap();
    assert_message_escaped(&mail::wait_for(&to, 4).await, "subscription paused");
    PortalMailer::subscription_resumed(ctx, &settings, &about)
        .await
        .unwrap();
    assert_message_escaped(&mail::wait_for(&to, 5).await, "subscription resumed");
    PortalMailer::plan_changed(
        ctx,
        &settings,
        &about,
        &portal::mailers::portal::PlanChangeMail {
            from_plan: EVIL,
            scheduled: false,
            charged: Some(EVIL.to_string()),
            renewal_amount: EVIL.to_string(),
            renews_on: EVIL.to_string(),
        },
    )
    .await
    .unwrap();
    assert_message_escaped(&mail::wait_for(&to, 6).await, "plan changed");
}
