//! Refunds: part, then the rest, of a paid charge from the console; the
//! same request twice refunds once; never more than was paid; a credit
//! note, a webhook event, and the customer sees it in Billing history; the
//! API, with its Idempotency-Key; a gateway's refusal gives the amount back.
use axum::http::StatusCode;
use portal::{
    gateway::sandbox::SandboxGateway,
    models::{
        _entities::sandbox_refunds,
        charges, events, invoices,
        refunds::{self, NewRefund},
    },
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder,
};

use crate::support::{self, mail};

/// ada's newest paid charge at acme.
async fn adas_paid_charge(ctx: &loco_rs::app::AppContext) -> charges::Model {
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    charges::Entity::find()
        .filter(charges::Column::CustomerId.eq(ada.id))
        .filter(charges::Column::Status.eq("paid"))
        .order_by_desc(charges::Column::CreatedAt)
        .one(&ctx.db)
        .await
        .unwrap()
        .expect("ada has a paid charge")
}

async fn reload(ctx: &loco_rs::app::AppContext, charge: &charges::Model) -> charges::Model {
    charges::Entity::find_by_id(charge.id)
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn the_owner_refunds_part_then_the_rest_and_ada_sees_it() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let charge = adas_paid_charge(ctx).await;
    // ada's own mailbox for this test (parallel tests mail the demo's ada)
    let inbox = mail::unique_address("ada-refund");
    let mut ada = support::customer(ctx, "acme", "ada@example.com")
        .await
        .into_active_model();
    ada.email = Set(inbox.clone());
    let ada = ada.update(&ctx.db).await.unwrap();
    assert_eq!((charge.amount, charge.currency.as_str()), (2900, "USD"));
    let owner = app.server();
    support::console_sign_in(&owner, ctx, "owner@acme.test").await;
    let detail = format!("/admin/acme/customers/{}", ada.pid);
    let action = format!("{detail}/charges/{}/refund", charge.pid);
    let page = owner.get(&detail).await.text();
    assert!(page.contains(&format!(r#"action="{action}""#)), "{page}");
    let csrf = support::csrf(&page);
    let refund = |amount: &'static str, key: &'static str| {
        owner.post(&action).form(&[
            ("csrf_token", csrf.as_str()),
            ("amount", amount),
            ("reason", "requested_by_customer"),
            ("idempotency_key", key),
        ])
    };

    // part of it; the same form sent twice (a double click) refunds once
    for _ in 0..2 {
        let done = refund("10.00", "first").await;
        assert_eq!(done.status_code(), StatusCode::SEE_OTHER, "{}", done.text());
    }
    let charge_now = reload(ctx, &charge).await;
    assert_eq!(charge_now.amount_refunded, 1000);
    assert_eq!(charge_now.status, "paid");
    let made = refunds::Entity::find()
        .filter(refunds::Column::ChargeId.eq(charge.id))
        .all(&ctx.db)
        .await
        .unwrap();
    assert_eq!(made.len(), 1);
    assert_eq!(made[0].status, "succeeded");
    assert_eq!(made[0].reason.as_deref(), Some("requested_by_customer"));
    assert_eq!(
        sandbox_refunds::Entity::find()
            .count(&ctx.db)
            .await
            .unwrap(),
        1
    );
    // ada is told once, in her language, with the credit note
    let told = mail::wait_for(&inbox, 1).await;
    assert_eq!(told.subject, "Your refund from Acme Cloud: $10.00");
    assert!(
        told.text
            .contains("We refunded $10.00 of your payment of $29.00 for"),
        "{}",
        told.text
    );
    let location = refund("10.00", "first").await;
    let notice = owner
        .get(location.header("location").to_str().unwrap())
        .await
        .text();
    assert!(
        notice.contains("Refunded $10.00. Credit note ACME-"),
        "{notice}"
    );

    // the credit note: numbered in the invoices' sequence, negative, a PDF
    let note = invoices::Entity::find_by_id(made[0].credit_note_id.expect("a credit note"))
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((note.kind.as_str(), note.total), ("credit_note", -1000));
    assert_eq!(note.subtotal + note.tax, -1000);
    let pdf = owner
        .get(&format!("/admin/acme/invoices/{}", note.pid))
        .await;
    let text = support::pdf_text(pdf.as_bytes());
    assert!(
        text.contains("Credit note") && text.contains(&note.number),
        "{text}"
    );
    assert!(text.contains("-$10.00"), "{text}");

    // the webhook event
    let event = events::Entity::find()
        .filter(events::Column::EventType.eq("charge.refunded"))
        .one(&ctx.db)
        .await
        .unwrap()
        .expect("a charge.refunded event");
    assert_eq!(event.payload["refund"]["amount"], 1000);
    assert_eq!(event.payload["charge"]["amount_refunded"], 1000);

    // more than is left: refused on the page, what was typed kept
    let too_much = refund("20.00", "second").await;
    assert_eq!(too_much.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = too_much.text();
    assert!(
        html.contains("A refund cannot be more than what is left of the payment (19.00 USD)."),
        "{html}"
    );
    assert!(
        html.contains(r#"value="20.00" aria-invalid="true""#),
        "{html}"
    );
    let typo = refund("ten", "third").await;
    assert_eq!(typo.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(typo.text().contains("Enter the amount to refund in USD"));
    assert_eq!(reload(ctx, &charge).await.amount_refunded, 1000);

    // ada reads "Partly refunded" with the amount and her credit note
    let customer = app.server();
    support::sign_in(&customer, ctx, &ada).await;
    let billing = customer.get("/portal/acme/billing").await.text();
    assert!(billing.contains("Partly refunded"), "{billing}");
    assert!(
        told.text.contains(&note.number),
        "the email names the credit note"
    );
    assert!(billing.contains("$10.00 refunded"), "{billing}");
    let link = format!("/portal/acme/credit-notes/{}", note.pid);
    assert!(billing.contains(&link));
    let download = customer.get(&link).await;
    assert_eq!(download.status_code(), StatusCode::OK);
    assert_eq!(download.header("content-type"), "application/pdf");

    // the rest: the charge is refunded in full, and nothing more can be
    let rest = refund("19.00", "fourth").await;
    assert_eq!(rest.status_code(), StatusCode::SEE_OTHER, "{}", rest.text());
    let told = mail::wait_for(&inbox, 2).await;
    assert_eq!(told.subject, "Your refund from Acme Cloud: $19.00");
    assert_eq!(
        mail::all_to(&inbox).len(),
        2,
        "one email per refund, none for a repeat"
    );
    let charge_now = reload(ctx, &charge).await;
    assert_eq!(
        (charge_now.amount_refunded, charge_now.status.as_str()),
        (2900, "refunded")
    );
    assert!(charge_now.refunded_at.is_some());
    let page = owner.get(&detail).await.text();
    assert!(
        !page.contains(&format!(r#"action="{action}""#)),
        "no refund form left"
    );
    let again = refund("1.00", "fifth").await;
    assert_eq!(again.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again
        .text()
        .contains("This payment is already refunded in full."));
    let billing = customer.get("/portal/acme/billing").await.text();
    assert!(billing.contains(">Refunded</span>"), "{billing}");
    assert_eq!(billing.matches("/portal/acme/credit-notes/").count(), 2);

    // another workspace's customer cannot fetch the credit note
    let globex_ada = support::customer(ctx, "globex", "ada@example.com").await;
    let other = app.server();
    support::sign_in(&other, ctx, &globex_ada).await;
    let denied = other
        .get(&format!("/portal/globex/credit-notes/{}", note.pid))
        .await;
    assert_eq!(denied.status_code(), StatusCode::NOT_FOUND);
}

/// The words of a refund are all Fluent's: a French customer reads the
/// email, Billing history and the credit note in French.
#[tokio::test]
async fn a_french_customer_reads_her_refund_in_french() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let charge = adas_paid_charge(ctx).await;
    let inbox = mail::unique_address("ada-fr");
    let mut ada = support::customer(ctx, "acme", "ada@example.com")
        .await
        .into_active_model();
    ada.email = Set(inbox.clone());
    ada.locale = Set(Some("fr-FR".into()));
    let ada = ada.update(&ctx.db).await.unwrap();
    let owner = app.server();
    support::console_sign_in(&owner, ctx, "owner@acme.test").await;
    let detail = format!("/admin/acme/customers/{}", ada.pid);
    let page = owner.get(&detail).await.text();
    let done = owner
        .post(&format!("{detail}/charges/{}/refund", charge.pid))
        .form(&[
            ("csrf_token", support::csrf(&page).as_str()),
            ("amount", "1234.5"),
            ("reason", "requested_by_customer"),
            ("idempotency_key", "fr"),
        ])
        .await;
    // more than was paid, refused; then a part of it
    assert_eq!(done.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    let done = owner
        .post(&format!("{detail}/charges/{}/refund", charge.pid))
        .form(&[
            ("csrf_token", support::csrf(&page).as_str()),
            ("amount", "10.00"),
            ("reason", "requested_by_customer"),
            ("idempotency_key", "fr"),
        ])
        .await;
    assert_eq!(done.status_code(), StatusCode::SEE_OTHER, "{}", done.text());

    let told = mail::wait_for(&inbox, 1).await;
    assert_eq!(
        told.subject,
        "Acme Cloud\u{a0}: votre remboursement de 10,00\u{a0}$"
    );
    assert!(
        told.text.starts_with("Bonjour Ada Lovelace,")
            && told.text.contains(
                "Nous vous avons remboursé 10,00\u{a0}$ sur votre paiement de 29,00\u{a0}$"
            ),
        "{}",
        told.text
    );

    let customer = app.server();
    support::sign_in(&customer, ctx, &ada).await;
    let billing = customer.get("/portal/acme/billing").await.text();
    assert!(billing.contains(r#"<html lang="fr-FR">"#), "{billing}");
    assert!(billing.contains("Historique de facturation"), "{billing}");
    assert!(billing.contains("Partiellement remboursé"), "{billing}");
    assert!(billing.contains("10,00\u{a0}$ remboursés"), "{billing}");
    let note = invoices::Entity::find()
        .filter(invoices::Column::CustomerId.eq(ada.id))
        .order_by_desc(invoices::Column::Id)
        .one(&ctx.db)
        .await
        .unwrap()
        .expect("a credit note");
    let pdf = customer
        .get(&format!("/portal/acme/credit-notes/{}", note.pid))
        .await;
    assert_eq!(pdf.status_code(), StatusCode::OK);
    let text = support::pdf_text(pdf.as_bytes());
    for words in ["Avoir", "Numéro d’avoir", "Remboursé", "Facturé à", "Total"] {
        assert!(text.contains(words), "{words} in:\n{text}");
    }
    assert!(!text.contains("Credit note"), "{text}");
}

#[tokio::test]
async fn a_viewer_cannot_refund() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    let charge = adas_paid_charge(ctx).await;
    let viewer = app.server();
    support::console_sign_in(&viewer, ctx, "viewer@acme.test").await;
    let detail = format!("/admin/acme/customers/{}", ada.pid);
    let page = viewer.get(&detail).await.text();
    assert!(!page.contains("/refund\""), "no form for a viewer");
    let refused = viewer
        .post(&format!("{detail}/charges/{}/refund", charge.pid))
        .form(&[
            ("csrf_token", support::csrf(&page).as_str()),
            ("amount", "1.00"),
        ])
        .await;
    assert_eq!(refused.status_code(), StatusCode::FORBIDDEN);
    assert_eq!(reload(ctx, &charge).await.amount_refunded, 0);
}

#[tokio::test]
async fn the_api_refunds_once_per_key_and_never_more_than_was_paid() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let charge = adas_paid_charge(ctx).await;
    let server = app.server();
    let auth = format!("Bearer {}", portal::demo::api_key(&support::secrets(ctx)));
    let path = format!("/api/v1/charges/{}/refunds", charge.pid);
    let post = |body: serde_json::Value, key: &'static str| {
        server
            .post(&path)
            .add_header("authorization", &auth)
            .add_header("idempotency-key", key)
            .json(&body)
    };
    let first = post(
        serde_json::json!({ "amount": 500, "reason": "duplicate" }),
        "k1",
    )
    .await;
    assert_eq!(first.status_code(), StatusCode::OK, "{}", first.text());
    let first: serde_json::Value = first.json();
    assert_eq!(first["amount"], 500);
    assert_eq!(first["status"], "succeeded");
    let note: serde_json::Value = server
        .get(&format!(
            "/api/v1/invoices/{}",
            first["credit_note"].as_str().expect("a credit note")
        ))
        .add_header("authorization", &auth)
        .await
        .json();
    assert_eq!(
        (note["kind"].as_str(), note["total"].as_i64()),
        (Some("credit_note"), Some(-500))
    );
    let replay: serde_json::Value = post(
        serde_json::json!({ "amount": 500, "reason": "duplicate" }),
        "k1",
    )
    .await
    .json();
    assert_eq!(replay["id"], first["id"], "the same key, the same refund");
    assert_eq!(reload(ctx, &charge).await.amount_refunded, 500);

    let too_much = post(serde_json::json!({ "amount": 2401 }), "k2").await;
    assert_eq!(too_much.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = too_much.json();
    assert_eq!(
        body["errors"]["amount"],
        "a refund cannot be more than what is left of the payment (24.00 USD)"
    );
    for (bad, key) in [
        (serde_json::json!({ "amount": 0 }), "k3"),
        (serde_json::json!({ "amount": -5 }), "k3b"),
    ] {
        let response = post(bad, key).await;
        assert_eq!(response.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let reason = post(serde_json::json!({ "reason": "because" }), "k4").await;
    assert_eq!(reason.status_code(), StatusCode::UNPROCESSABLE_ENTITY);

    // the rest, with no amount
    let rest: serde_json::Value = post(serde_json::json!({}), "k5").await.json();
    assert_eq!(rest["amount"], 2400);
    let shown: serde_json::Value = server
        .get(&format!("/api/v1/charges/{}", charge.pid))
        .add_header("authorization", &auth)
        .await
        .json();
    assert_eq!(
        (shown["status"].as_str(), shown["amount_refunded"].as_i64()),
        (Some("refunded"), Some(2900))
    );

    // a failed charge, and another workspace's charge
    let failed = charges::Entity::find()
        .filter(charges::Column::WorkspaceId.eq(charge.workspace_id))
        .filter(charges::Column::Status.eq("failed"))
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap();
    let response = server
        .post(&format!("/api/v1/charges/{}/refunds", failed.pid))
        .add_header("authorization", &auth)
        .json(&serde_json::json!({}))
        .await;
    assert_eq!(response.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    let globex = support::workspace(ctx, "globex").await;
    let theirs = charges::Entity::find()
        .filter(charges::Column::WorkspaceId.eq(globex.id))
        .filter(charges::Column::Status.eq("paid"))
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap();
    let response = server
        .post(&format!("/api/v1/charges/{}/refunds", theirs.pid))
        .add_header("authorization", &auth)
        .json(&serde_json::json!({}))
        .await;
    assert_eq!(response.status_code(), StatusCode::NOT_FOUND);
    assert_eq!(reload(ctx, &theirs).await.amount_refunded, 0);
}

#[tokio::test]
async fn two_refunds_at_once_never_return_more_than_was_paid() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let charge = adas_paid_charge(ctx).await;
    let gateway = SandboxGateway::new(ctx.db.clone(), "http://localhost");
    let now = support::now();
    let ask = |key: &str| NewRefund {
        amount: Some(2000),
        idempotency_key: key.to_string(),
        ..Default::default()
    };
    let (a, b) = (ask("a"), ask("b"));
    let (one, two) = tokio::join!(
        refunds::Model::issue(&ctx.db, &gateway, charge.workspace_id, charge.id, &a, now),
        refunds::Model::issue(&ctx.db, &gateway, charge.workspace_id, charge.id, &b, now),
    );
    assert_eq!(
        usize::from(one.is_ok()) + usize::from(two.is_ok()),
        1,
        "{one:?} {two:?}"
    );
    assert_eq!(reload(ctx, &charge).await.amount_refunded, 2000);
}

#[tokio::test]
async fn a_refund_the_gateway_refuses_gives_the_amount_back() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    // a paid charge the sandbox gateway has no record of
    let charge = support::paid_charge(ctx, &ada, "unknown-to-the-gateway").await;
    let gateway = SandboxGateway::new(ctx.db.clone(), "http://localhost");
    let refused = refunds::Model::issue(
        &ctx.db,
        &gateway,
        charge.workspace_id,
        charge.id,
        &NewRefund {
            amount: Some(100),
            idempotency_key: "refused".into(),
            ..Default::default()
        },
        support::now(),
    )
    .await;
    let Err(loco_rs::model::ModelError::Message(message)) = refused else {
        panic!("{refused:?}");
    };
    assert_eq!(
        message,
        "the payment service refused the refund: Only a payment that went through can be refunded."
    );
    assert_eq!(reload(ctx, &charge).await.amount_refunded, 0);
    let row = refunds::Entity::find()
        .filter(refunds::Column::ChargeId.eq(charge.id))
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, "failed");
}
