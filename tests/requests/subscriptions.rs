//! The Subscriptions section reads in the customer's language: money, dates
//! and billing cycles.
use portal::models::subscriptions;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};

use crate::support::{self, TestApp};

/// bob, signed in at acme, and his one subscription.
async fn bob_signed_in(
    app: &TestApp,
) -> (
    axum_test::TestServer,
    portal::models::customers::Model,
    subscriptions::Model,
) {
    let ctx = &app.app_context;
    let server = app.server();
    let bob = support::customer(ctx, "acme", "bob@example.com").await;
    support::sign_in(&server, ctx, &bob).await;
    let sub = subscriptions::Model::list_for_customer(&ctx.db, bob.workspace_id, bob.id)
        .await
        .unwrap()
        .remove(0);
    (server, bob, sub)
}

#[tokio::test]
async fn money_dates_and_cycles_follow_the_customers_language() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let (server, bob, sub) = bob_signed_in(&app).await;
    let renewal = sub.next_renewal_at.unwrap();

    let english = server.get("/portal/acme/subscriptions").await.text();
    assert!(english.contains("$29.00 · monthly"), "{english}");
    assert!(english.contains(&renewal.format("%b %-d, %Y").to_string()));
    assert!(english.contains(&format!(r#"datetime="{}""#, renewal.format("%Y-%m-%d"))));

    let mut german = bob.into_active_model();
    german.locale = Set(Some("de-DE".into()));
    german.update(&ctx.db).await.unwrap();
    let page = server.get("/portal/acme/subscriptions").await.text();
    assert!(page.contains(r#"<html lang="de-DE">"#));
    assert!(page.contains("29,00\u{a0}$ · monatlich"), "{page}");
    assert!(page.contains(&renewal.format("%d.%m.%Y").to_string()));
    let detail = server
        .get(&format!("/portal/acme/subscriptions/{}", sub.id))
        .await
        .text();
    assert!(detail.contains("Verlängerungen"));
    assert!(detail.contains("29,00\u{a0}$"));
}

#[tokio::test]
async fn renewal_history_names_the_method_of_every_attempt_even_after_its_removal() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let (server, bob, sub) = bob_signed_in(&app).await;
    let card = sub
        .payment_method_id
        .expect("bob's subscription renews with his card");
    let attempts =
        portal::models::charges::Model::list_for_subscription(&ctx.db, bob.workspace_id, sub.id)
            .await
            .unwrap()
            .len();
    assert!(
        attempts >= 2,
        "the demo gives bob's subscription paid renewals"
    );

    // bob removes the card; the subscription keeps renewing with it
    portal::models::payment_methods::Model::remove_for_customer(
        &ctx.db,
        bob.workspace_id,
        bob.id,
        card,
    )
    .await
    .unwrap();
    let page = server
        .get(&format!("/portal/acme/subscriptions/{}", sub.id))
        .await
        .text();
    let history = &page[page.find("Renewal history").expect("a renewal history")..];
    assert!(
        history.contains(r#"<th scope="col">Charged to</th>"#),
        "{history}"
    );
    assert_eq!(
        history.matches("Mastercard •••• 4444").count(),
        attempts,
        "every attempt names the card it charged: {history}"
    );
}
