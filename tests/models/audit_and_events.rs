use portal::models::{
    audit_events::{self, Actor},
    events, webhook_deliveries, webhook_endpoints,
};
use serde_json::json;

use crate::support;

#[tokio::test]
async fn audit_events_form_a_trail_per_record() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    audit_events::Model::record(
        &ctx.db,
        ada.workspace_id,
        Actor::Customer(ada.id),
        "customer",
        ada.id,
        "profile.updated",
        json!({"name": ["Ada", "Ada L."]}),
        Some("127.0.0.1"),
    )
    .await
    .unwrap();
    audit_events::Model::record(
        &ctx.db,
        ada.workspace_id,
        Actor::System,
        "customer",
        ada.id,
        "email.confirmed",
        json!({}),
        None,
    )
    .await
    .unwrap();
    let trail =
        audit_events::Model::list_for_subject(&ctx.db, ada.workspace_id, "customer", ada.id)
            .await
            .unwrap();
    assert_eq!(trail.len(), 2);
    assert_eq!(trail[0].action, "email.confirmed");
    assert_eq!(trail[1].actor_type, "customer");
    assert_eq!(trail[1].actor_id, Some(ada.id));
    let globex = support::workspace(ctx, "globex").await;
    assert!(
        audit_events::Model::list_for_subject(&ctx.db, globex.id, "customer", ada.id)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn publishing_an_event_queues_one_delivery_per_subscribed_endpoint() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    let all = webhook_endpoints::Model::create(
        &ctx.db,
        &support::secrets(ctx),
        ada.workspace_id,
        "https://hooks.acme.test/all",
        &[],
        support::url_policy(ctx),
    )
    .await
    .unwrap();
    let only_charges = webhook_endpoints::Model::create(
        &ctx.db,
        &support::secrets(ctx),
        ada.workspace_id,
        "https://hooks.acme.test/charges",
        &["charge.failed"],
        support::url_policy(ctx),
    )
    .await
    .unwrap();
    assert!(all.secret.starts_with("whsec_"));
    assert!(!all.record.secret.contains(&all.secret), "sealed at rest");
    assert_eq!(
        all.record.signing_secret(&support::secrets(ctx)).unwrap(),
        all.secret
    );
    let (all, only_charges) = (all.record, only_charges.record);
    let err = webhook_endpoints::Model::create(
        &ctx.db,
        &support::secrets(ctx),
        ada.workspace_id,
        "not a url",
        &[],
        support::url_policy(ctx),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("without spaces"), "{err}");

    let event = events::Model::publish(
        &ctx.db,
        ada.workspace_id,
        events::CUSTOMER_UPDATED,
        Some(ada.id),
        json!({"id": ada.pid}),
    )
    .await
    .unwrap();
    assert!(event.webhook_id().starts_with("msg_"));
    let to_all =
        webhook_deliveries::Model::list_for_endpoint(&ctx.db, ada.workspace_id, all.id, 10)
            .await
            .unwrap();
    assert_eq!(to_all.len(), 1);
    assert_eq!(to_all[0].event_id, event.id);
    assert_eq!(to_all[0].status, webhook_deliveries::STATUS_PENDING);
    assert!(webhook_deliveries::Model::list_for_endpoint(
        &ctx.db,
        ada.workspace_id,
        only_charges.id,
        10
    )
    .await
    .unwrap()
    .is_empty());
    // another workspace's endpoints hear nothing
    let globex = support::workspace(ctx, "globex").await;
    assert!(events::Model::list_recent(&ctx.db, globex.id, 10)
        .await
        .unwrap()
        .is_empty());
}
