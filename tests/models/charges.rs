use chrono::Duration;
use portal::models::charges::{self, NewCharge, Status};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel, PaginatorTrait};

use crate::support;

fn attempt(customer_id: i64, key: &str, amount: i64) -> NewCharge {
    NewCharge {
        customer_id,
        subscription_id: None,
        payment_method_id: None,
        amount,
        currency: "USD".into(),
        description: "One-off".into(),
        attempt: 1,
        idempotency_key: key.into(),
        period_start: None,
        period_end: None,
        proration: None,
    }
}

#[tokio::test]
async fn the_same_idempotency_key_records_one_charge() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let bob = support::customer(ctx, "acme", "bob@example.com").await;
    let before = charges::Entity::find().count(&ctx.db).await.unwrap();

    let first =
        charges::Model::record_attempt(&ctx.db, bob.workspace_id, &attempt(bob.id, "k-1", 2900))
            .await
            .unwrap();
    let again =
        charges::Model::record_attempt(&ctx.db, bob.workspace_id, &attempt(bob.id, "k-1", 2900))
            .await
            .unwrap();
    assert_eq!(first.id, again.id);
    assert_eq!(first.status(), Some(Status::Pending));

    // two racing callers: the unique index decides, both see the same row
    let racer = attempt(bob.id, "k-2", 900);
    let (a, b) = tokio::join!(
        charges::Model::record_attempt(&ctx.db, bob.workspace_id, &racer),
        charges::Model::record_attempt(&ctx.db, bob.workspace_id, &racer),
    );
    assert_eq!(a.unwrap().id, b.unwrap().id);
    assert_eq!(
        charges::Entity::find().count(&ctx.db).await.unwrap(),
        before + 2
    );
}

#[tokio::test]
async fn outcomes_are_recorded_with_reasons() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let bob = support::customer(ctx, "acme", "bob@example.com").await;
    let charge =
        charges::Model::record_attempt(&ctx.db, bob.workspace_id, &attempt(bob.id, "k-3", 100))
            .await
            .unwrap();
    let failed = charge
        .into_active_model()
        .mark_failed(&ctx.db, "card_declined", "The card was declined.")
        .await
        .unwrap();
    assert_eq!(failed.status(), Some(Status::Failed));
    assert_eq!(
        failed.failure_message.as_deref(),
        Some("The card was declined.")
    );
    let paid = failed
        .into_active_model()
        .mark_paid(&ctx.db, "ch_1", support::now())
        .await
        .unwrap();
    assert_eq!(paid.status(), Some(Status::Paid));
    assert!(paid.failure_code.is_none());
    assert_eq!(paid.money().plain(), "1.00 USD");
}

#[tokio::test]
async fn negative_amounts_and_bad_currencies_are_refused() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let bob = support::customer(ctx, "acme", "bob@example.com").await;
    let mut bad = attempt(bob.id, "k-4", -5);
    assert!(
        charges::Model::record_attempt(&ctx.db, bob.workspace_id, &bad)
            .await
            .is_err()
    );
    bad.amount = 5;
    bad.currency = "usd".into();
    assert!(
        charges::Model::record_attempt(&ctx.db, bob.workspace_id, &bad)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn billing_history_pages_newest_first_without_gaps_or_repeats() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let bob = support::customer(ctx, "acme", "bob@example.com").await;
    let base = support::now() - Duration::days(100);
    for i in 0..23 {
        let c = charges::Model::record_attempt(
            &ctx.db,
            bob.workspace_id,
            &attempt(bob.id, &format!("h-{i}"), 100 + i),
        )
        .await
        .unwrap();
        let mut c = c.into_active_model();
        // several charges share a timestamp: the id breaks the tie
        c.created_at = Set(base + Duration::hours(i / 3));
        c.update(&ctx.db).await.unwrap();
    }
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page =
            charges::Model::history_for_customer(&ctx.db, bob.workspace_id, bob.id, after, 10)
                .await
                .unwrap();
        assert!(page.charges.len() <= 10);
        seen.extend(page.charges.iter().map(|c| (c.created_at, c.id)));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    let total = charges::Entity::find()
        .filter(charges::Column::CustomerId.eq(bob.id))
        .count(&ctx.db)
        .await
        .unwrap();
    assert_eq!(seen.len() as u64, total);
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(seen, sorted, "newest first, no repeats");
}

use sea_orm::{ColumnTrait, QueryFilter};
