use portal::models::{
    charges::{self, NewCharge},
    invoices,
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};

use crate::support;

#[tokio::test]
async fn invoice_numbers_run_per_workspace_without_gaps() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let bob = support::customer(ctx, "acme", "bob@example.com").await;
    let carol = support::customer(ctx, "globex", "carol@example.com").await;
    let acme = support::workspace(ctx, "acme").await;
    let next = acme.next_invoice_number;

    let first = invoices::Model::issue_for_charge(
        &ctx.db,
        bob.workspace_id,
        support::paid_charge(ctx, &bob, "i-1").await.id,
        support::now(),
    )
    .await
    .unwrap();
    let second = invoices::Model::issue_for_charge(
        &ctx.db,
        bob.workspace_id,
        support::paid_charge(ctx, &bob, "i-2").await.id,
        support::now(),
    )
    .await
    .unwrap();
    assert_eq!(first.number, format!("ACME-{next:06}"));
    assert_eq!(second.number, format!("ACME-{:06}", next + 1));

    let globex_first = invoices::Model::issue_for_charge(
        &ctx.db,
        carol.workspace_id,
        support::paid_charge(ctx, &carol, "i-3").await.id,
        support::now(),
    )
    .await
    .unwrap();
    assert!(globex_first.number.starts_with("GLOBEX-"));

    // issuing again for the same charge returns the same invoice, no new number
    let again = invoices::Model::issue_for_charge(
        &ctx.db,
        bob.workspace_id,
        first.charge_id.unwrap(),
        support::now(),
    )
    .await
    .unwrap();
    assert_eq!(again.id, first.id);
    let third = invoices::Model::issue_for_charge(
        &ctx.db,
        bob.workspace_id,
        support::paid_charge(ctx, &bob, "i-4").await.id,
        support::now(),
    )
    .await
    .unwrap();
    assert_eq!(third.number, format!("ACME-{:06}", next + 2));
}

/// Two workers finishing renewals at the same moment: every invoice is
/// issued (none fails with "database is locked" on SQLite) and the numbers
/// still run without gaps or repeats.
#[tokio::test]
async fn invoices_issued_at_the_same_moment_all_get_consecutive_numbers() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let bob = support::customer(ctx, "acme", "bob@example.com").await;
    let next = support::workspace(ctx, "acme").await.next_invoice_number;
    let mut charge_ids = Vec::new();
    for i in 0..12 {
        charge_ids.push(
            support::paid_charge(ctx, &bob, &format!("at-once-{i}"))
                .await
                .id,
        );
    }
    let issued = futures_util::future::join_all(charge_ids.iter().map(|id| {
        invoices::Model::issue_for_charge(&ctx.db, bob.workspace_id, *id, support::now())
    }))
    .await;
    let mut numbers: Vec<String> = issued
        .into_iter()
        .map(|invoice| invoice.expect("every invoice is issued").number)
        .collect();
    numbers.sort();
    let expected: Vec<String> = (next..next + 12).map(|n| format!("ACME-{n:06}")).collect();
    assert_eq!(numbers, expected);
}

#[tokio::test]
async fn an_unpaid_charge_gets_no_invoice_and_uses_no_number() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let bob = support::customer(ctx, "acme", "bob@example.com").await;
    let next = support::workspace(ctx, "acme").await.next_invoice_number;
    let pending = charges::Model::record_attempt(
        &ctx.db,
        bob.workspace_id,
        &NewCharge {
            customer_id: bob.id,
            subscription_id: None,
            payment_method_id: None,
            amount: 100,
            currency: "USD".into(),
            description: "x".into(),
            attempt: 1,
            idempotency_key: "u-1".into(),
            period_start: None,
            period_end: None,
            proration: None,
        },
    )
    .await
    .unwrap();
    let err =
        invoices::Model::issue_for_charge(&ctx.db, bob.workspace_id, pending.id, support::now())
            .await
            .unwrap_err();
    assert!(err.to_string().contains("only a paid charge"));
    assert_eq!(
        support::workspace(ctx, "acme").await.next_invoice_number,
        next
    );
}

#[tokio::test]
async fn seller_and_buyer_are_snapshotted_and_tax_is_integer() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let bob = support::customer(ctx, "acme", "bob@example.com").await;
    let mut acme = support::workspace(ctx, "acme").await.into_active_model();
    acme.tax_rate_bps = Set(1900);
    acme.update(&ctx.db).await.unwrap();

    let invoice = invoices::Model::issue_for_charge(
        &ctx.db,
        bob.workspace_id,
        support::paid_charge(ctx, &bob, "s-1").await.id,
        support::now(),
    )
    .await
    .unwrap();
    // the invoice totals exactly what was charged, tax included
    assert_eq!(
        (invoice.subtotal, invoice.tax, invoice.total),
        (8_403, 1_597, 10_000)
    );
    assert_eq!(invoice.total_money().plain(), "100.00 USD");
    assert_eq!(invoice.buyer_snapshot["name"], "Bob Builder");
    assert_eq!(invoice.seller_snapshot["name"], "Acme Cloud Ltd.");

    let mut renamed = bob.into_active_model();
    renamed.name = Set("Robert Builder".into());
    renamed.update(&ctx.db).await.unwrap();
    let reread = invoices::Model::find_for_customer(
        &ctx.db,
        invoice.workspace_id,
        invoice.customer_id,
        invoice.id,
    )
    .await
    .unwrap();
    assert_eq!(reread.buyer_snapshot["name"], "Bob Builder");
}
