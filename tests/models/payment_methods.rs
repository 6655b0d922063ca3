use loco_rs::model::ModelError;
use portal::models::{
    payment_methods::{self, ApprovedPayPal, Kind, TokenizedCard},
    subscriptions,
};
use sea_orm::IntoActiveModel;

use crate::support;

fn card(last4: &str) -> TokenizedCard {
    TokenizedCard {
        gateway: "sandbox".into(),
        gateway_token: format!("pm_test_{last4}"),
        brand: "visa".into(),
        last4: last4.into(),
        exp_month: 1,
        exp_year: 2020,
    }
}

#[tokio::test]
async fn cards_and_paypal_are_listed_until_detached() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let ada = support::customer(ctx, "acme", "ada@example.com").await;

    let listed =
        payment_methods::Model::list_active_for_customer(&ctx.db, ada.workspace_id, ada.id)
            .await
            .unwrap();
    let kinds: Vec<_> = listed.iter().map(payment_methods::Model::kind).collect();
    assert_eq!(kinds, vec![Kind::Card, Kind::PayPal]);
    assert_eq!(
        listed[1].paypal_email.as_deref(),
        Some("ada.lovelace@example.com")
    );

    let old = payment_methods::Model::add_card(&ctx.db, ada.workspace_id, ada.id, &card("1111"))
        .await
        .unwrap();
    assert!(old.is_expired(), "a card that expired in 2020 is flagged");
    assert!(!listed[0].is_expired());

    let paypal = payment_methods::Model::add_paypal(
        &ctx.db,
        ada.workspace_id,
        ada.id,
        &ApprovedPayPal {
            gateway: "sandbox".into(),
            gateway_token: "pp_test".into(),
            email: "not an email".into(),
        },
    )
    .await;
    assert!(paypal
        .unwrap_err()
        .to_string()
        .contains("valid PayPal email"));

    let detached = old.into_active_model().detach(&ctx.db).await.unwrap();
    assert!(!detached.is_active());
    assert!(detached.detached_at.is_some());
    let listed =
        payment_methods::Model::list_active_for_customer(&ctx.db, ada.workspace_id, ada.id)
            .await
            .unwrap();
    assert_eq!(listed.len(), 2);
}

#[tokio::test]
async fn a_detached_card_keeps_renewing_the_subscriptions_that_use_it() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    let card = payment_methods::Model::list_active_for_customer(&ctx.db, ada.workspace_id, ada.id)
        .await
        .unwrap()
        .remove(0);
    card.clone()
        .into_active_model()
        .detach(&ctx.db)
        .await
        .unwrap();

    let subs = subscriptions::Model::list_for_customer(&ctx.db, ada.workspace_id, ada.id)
        .await
        .unwrap();
    let live: Vec<_> = subs
        .iter()
        .filter(|s| s.status() != Some(subscriptions::Status::Cancelled))
        .collect();
    assert!(!live.is_empty());
    assert!(live.iter().all(|s| s.payment_method_id == Some(card.id)));
    // still reachable for the renewal engine, just off the customer's list
    let found =
        payment_methods::Model::find_for_customer(&ctx.db, ada.workspace_id, ada.id, card.id)
            .await
            .unwrap();
    assert!(!found.is_active());
}

#[tokio::test]
async fn only_last4_is_accepted_never_a_card_number() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    let err = payment_methods::Model::add_card(
        &ctx.db,
        ada.workspace_id,
        ada.id,
        &card("4242424242424242"),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("four digits"), "{err}");
}

#[tokio::test]
async fn another_customers_method_is_not_found() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    let bob = support::customer(ctx, "acme", "bob@example.com").await;
    let globex_ada = support::customer(ctx, "globex", "ada@example.com").await;
    let bobs = payment_methods::Model::list_active_for_customer(&ctx.db, bob.workspace_id, bob.id)
        .await
        .unwrap();
    assert!(matches!(
        payment_methods::Model::find_for_customer(&ctx.db, ada.workspace_id, ada.id, bobs[0].id)
            .await,
        Err(ModelError::EntityNotFound)
    ));
    assert!(matches!(
        payment_methods::Model::add_card(&ctx.db, ada.workspace_id, globex_ada.id, &card("0000"))
            .await,
        Err(ModelError::EntityNotFound)
    ));
}
