use chrono::Duration;
use loco_rs::model::ModelError;
use portal::models::{
    prices::{self, NewPrice},
    products,
    subscriptions::{self, NewSubscription, Status},
};
use sea_orm::IntoActiveModel;

use crate::support;

#[tokio::test]
async fn a_trial_price_starts_trialing_and_a_plain_one_active() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let bob = support::customer(ctx, "acme", "bob@example.com").await;
    let product = products::Model::create(&ctx.db, bob.workspace_id, "Extra", None)
        .await
        .unwrap();
    let new_price = |trial_days| NewPrice {
        product_id: product.id,
        nickname: None,
        unit_amount: 500,
        currency: "USD".into(),
        interval: "month".into(),
        interval_count: 1,
        trial_days,
    };
    let trial = prices::Model::create(&ctx.db, bob.workspace_id, &new_price(7))
        .await
        .unwrap();
    let plain = prices::Model::create(&ctx.db, bob.workspace_id, &new_price(0))
        .await
        .unwrap();
    let now = support::now();
    let start = |price_id| NewSubscription {
        customer_id: bob.id,
        price_id,
        quantity: 2,
        payment_method_id: bob.default_payment_method_id,
    };

    let t = subscriptions::Model::start(&ctx.db, bob.workspace_id, &start(trial.id), now)
        .await
        .unwrap();
    assert_eq!(t.status(), Some(Status::Trialing));
    assert_eq!(t.trial_end, Some(now + Duration::days(7)));
    assert_eq!(t.next_renewal_at, t.trial_end);

    let a = subscriptions::Model::start(&ctx.db, bob.workspace_id, &start(plain.id), now)
        .await
        .unwrap();
    assert_eq!(a.status(), Some(Status::Active));
    assert_eq!(a.current_period_end, plain.period_end(now));
    assert_eq!(a.quantity, 2);
}

#[tokio::test]
async fn the_demo_customer_has_every_kind_of_subscription_cancelled_last() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    let subs = subscriptions::Model::list_for_customer(&ctx.db, ada.workspace_id, ada.id)
        .await
        .unwrap();
    let statuses: Vec<_> = subs
        .iter()
        .filter_map(subscriptions::Model::status)
        .collect();
    for s in [
        Status::Active,
        Status::Trialing,
        Status::PastDue,
        Status::Cancelled,
    ] {
        assert!(statuses.contains(&s), "missing {s:?} in {statuses:?}");
    }
    assert_eq!(statuses.last(), Some(&Status::Cancelled));
}

#[tokio::test]
async fn cancelling_stops_renewals_and_others_cannot_reach_it() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let bob = support::customer(ctx, "acme", "bob@example.com").await;
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    let sub = subscriptions::Model::list_for_customer(&ctx.db, bob.workspace_id, bob.id)
        .await
        .unwrap()
        .remove(0);
    assert!(matches!(
        subscriptions::Model::find_for_customer(&ctx.db, ada.workspace_id, ada.id, sub.id).await,
        Err(ModelError::EntityNotFound)
    ));
    let cancelled = sub
        .into_active_model()
        .cancel(&ctx.db, support::now())
        .await
        .unwrap();
    assert_eq!(cancelled.status(), Some(Status::Cancelled));
    assert!(cancelled.next_renewal_at.is_none());
    assert!(cancelled.cancelled_at.is_some());
}

#[tokio::test]
async fn a_payment_method_of_another_customer_is_refused() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    let bob = support::customer(ctx, "acme", "bob@example.com").await;
    let price_id = subscriptions::Model::list_for_customer(&ctx.db, bob.workspace_id, bob.id)
        .await
        .unwrap()[0]
        .price_id;
    let attempt = subscriptions::Model::start(
        &ctx.db,
        ada.workspace_id,
        &NewSubscription {
            customer_id: ada.id,
            price_id,
            quantity: 1,
            payment_method_id: bob.default_payment_method_id,
        },
        support::now(),
    )
    .await;
    assert!(matches!(attempt, Err(ModelError::EntityNotFound)));
}
