//! Row scoping: a query for workspace `acme` never returns `globex` rows.
use loco_rs::model::{ModelError, TenantQueryExt};
use portal::models::{
    _entities::*, charges as charge, customers as customer, invoices as invoice,
    payment_methods as method, subscriptions as subscription,
};
use sea_orm::EntityTrait;

use crate::support;

/// For each workspace-owned table: scoped to acme, every row is acme's,
/// and scoped to globex, every row is globex's.
macro_rules! assert_scoped {
    ($db:expr, $acme:expr, $globex:expr, $($table:ident),+ $(,)?) => {$(
        let in_acme = $table::Entity::find().in_tenant($acme).all($db).await.unwrap();
        assert!(in_acme.iter().all(|r| r.workspace_id == $acme), "{} leaks across tenants", stringify!($table));
        let in_globex = $table::Entity::find().in_tenant($globex).all($db).await.unwrap();
        assert!(in_globex.iter().all(|r| r.workspace_id == $globex), "{} leaks across tenants", stringify!($table));
        let total = $table::Entity::find().all($db).await.unwrap().len();
        assert_eq!(in_acme.len() + in_globex.len(), total, "{}: every row belongs to one of the two", stringify!($table));
    )+};
}

#[tokio::test]
async fn every_tenant_table_is_scoped_by_workspace() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let acme = support::workspace(ctx, "acme").await.id;
    let globex = support::workspace(ctx, "globex").await.id;
    assert_scoped!(
        &ctx.db,
        acme,
        globex,
        memberships,
        customers,
        products,
        prices,
        payment_methods,
        subscriptions,
        charges,
        invoices,
        sign_in_tokens,
        customer_sessions,
        audit_events,
        webhook_endpoints,
        events,
        webhook_deliveries,
        api_keys,
    );
}

#[tokio::test]
async fn the_two_ada_customers_never_meet() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let acme = support::workspace(ctx, "acme").await;
    let globex = support::workspace(ctx, "globex").await;
    let acme_ada = customer::Model::find_by_email(&ctx.db, acme.id, "ada@example.com")
        .await
        .unwrap();
    let globex_ada = customer::Model::find_by_email(&ctx.db, globex.id, "ada@example.com")
        .await
        .unwrap();
    assert_ne!(acme_ada.id, globex_ada.id);
    assert_eq!(acme_ada.name, "Ada Lovelace");
    assert_eq!(globex_ada.name, "Ada King");

    // globex's ada, looked up through acme, does not exist
    assert!(matches!(
        customer::Model::find_in_workspace(&ctx.db, acme.id, globex_ada.id).await,
        Err(ModelError::EntityNotFound)
    ));
    assert!(matches!(
        portal::models::tenancy::find_by_pid::<customer::Entity>(&ctx.db, acme.id, globex_ada.pid)
            .await,
        Err(ModelError::EntityNotFound)
    ));

    // and none of her records can be reached as acme's ada
    let globex_subs = subscription::Model::list_for_customer(&ctx.db, globex.id, globex_ada.id)
        .await
        .unwrap();
    let globex_methods = method::Model::list_active_for_customer(&ctx.db, globex.id, globex_ada.id)
        .await
        .unwrap();
    let globex_charges =
        charge::Model::history_for_customer(&ctx.db, globex.id, globex_ada.id, None, 100)
            .await
            .unwrap()
            .charges;
    assert!(!globex_subs.is_empty() && !globex_methods.is_empty() && !globex_charges.is_empty());
    for s in &globex_subs {
        assert!(
            subscription::Model::find_for_customer(&ctx.db, acme.id, acme_ada.id, s.id)
                .await
                .is_err()
        );
        assert!(
            subscription::Model::find_for_customer(&ctx.db, acme.id, globex_ada.id, s.id)
                .await
                .is_err()
        );
    }
    for m in &globex_methods {
        assert!(
            method::Model::find_for_customer(&ctx.db, acme.id, acme_ada.id, m.id)
                .await
                .is_err()
        );
    }
    for c in &globex_charges {
        assert!(
            charge::Model::find_for_customer(&ctx.db, acme.id, acme_ada.id, c.id)
                .await
                .is_err()
        );
        assert!(
            charge::Model::find_by_idempotency_key(&ctx.db, acme.id, &c.idempotency_key)
                .await
                .is_err()
        );
    }
    let globex_invoice = invoices::Entity::find()
        .in_tenant(globex.id)
        .all(&ctx.db)
        .await
        .unwrap();
    for i in &globex_invoice {
        assert!(
            invoice::Model::find_for_customer(&ctx.db, acme.id, acme_ada.id, i.id)
                .await
                .is_err()
        );
    }

    // acme's ada sees only acme things
    let acme_charges =
        charge::Model::history_for_customer(&ctx.db, acme.id, acme_ada.id, None, 100)
            .await
            .unwrap()
            .charges;
    assert!(acme_charges
        .iter()
        .all(|c| c.workspace_id == acme.id && c.customer_id == acme_ada.id));
    assert!(acme_charges.iter().all(|c| c.currency == "USD"));
    assert!(globex_charges.iter().all(|c| c.currency == "EUR"));
}

#[tokio::test]
async fn a_tenant_cannot_be_reassigned_on_write() {
    use loco_rs::model::TenantActiveModelExt;
    use sea_orm::IntoActiveModel;
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let globex = support::workspace(ctx, "globex").await;
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    let moved = ada.into_active_model().set_tenant(globex.id);
    assert!(matches!(moved, Err(ModelError::TenantMismatch)));
}
