//! Invoices in Billing history: download the PDF, "Generate invoice" for a
//! paid charge without one, and the pending state in between.
use axum::http::StatusCode;
use loco_rs::bgworker::BackgroundWorker;
use portal::{
    models::{charges, customers, invoices},
    workers::invoice_pdf::{InvoicePdfArgs, InvoicePdfWorker},
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};

use crate::support::{self, mail, TestApp};

async fn invoice_of(app: &TestApp, charge: &charges::Model) -> Option<invoices::Model> {
    invoices::Entity::find()
        .filter(invoices::Column::ChargeId.eq(charge.id))
        .one(&app.app_context.db)
        .await
        .unwrap()
}

async fn first_invoiced_charge(
    app: &TestApp,
    customer: &customers::Model,
) -> (charges::Model, invoices::Model) {
    let invoice = invoices::Entity::find()
        .filter(invoices::Column::CustomerId.eq(customer.id))
        .one(&app.app_context.db)
        .await
        .unwrap()
        .expect("the demo gives ada an invoice");
    let charge = charges::Entity::find_by_id(invoice.charge_id.unwrap())
        .one(&app.app_context.db)
        .await
        .unwrap()
        .unwrap();
    (charge, invoice)
}

#[tokio::test]
async fn ada_downloads_her_invoice_as_a_pdf_with_number_address_and_total() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let server = app.server();
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    support::sign_in(&server, ctx, &ada).await;
    let (charge, invoice) = first_invoiced_charge(&app, &ada).await;

    let res = server
        .get(&format!("/portal/acme/billing/{}/invoice", charge.id))
        .await;
    res.assert_status_ok();
    assert_eq!(res.header("content-type"), "application/pdf");
    assert_eq!(
        res.header("content-disposition"),
        format!("attachment; filename=\"{}.pdf\"", invoice.number).as_str()
    );
    assert_eq!(res.header("cache-control"), "private, no-store");
    let pdf = res.as_bytes();
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");

    let text = support::pdf_text(pdf);
    assert!(text.contains(&invoice.number), "{text}");
    for line in ada.address_lines() {
        assert!(
            text.contains(&line),
            "billing address line {line:?} in\n{text}"
        );
    }
    assert!(text.contains("Ada Lovelace"), "{text}");
    let total = invoice.total_money().localized("en-US");
    assert!(text.contains(&format!("Total")), "{text}");
    assert!(
        text.contains(&format!("{total} {}", invoice.currency)),
        "total {total} in\n{text}"
    );
    // the download stored the file: the next one streams the same bytes
    let stored = invoice_of(&app, &charge).await.unwrap();
    assert!(stored.pdf_key.is_some());
    let again = server
        .get(&format!("/portal/acme/billing/{}/invoice", charge.id))
        .await;
    assert_eq!(again.as_bytes(), pdf);
}

#[tokio::test]
async fn an_invoice_prints_in_the_customers_language_at_issue_time() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    let mut german = ada.clone().into_active_model();
    german.locale = Set(Some("de-DE".into()));
    let ada = german.update(&ctx.db).await.unwrap();
    let charge = support::paid_charge(ctx, &ada, "inv-de").await;
    let invoice =
        invoices::Model::issue_for_charge(&ctx.db, ada.workspace_id, charge.id, support::now())
            .await
            .unwrap();
    let text = support::pdf_text(&portal::invoice_pdf::render(&invoice).unwrap());
    assert!(text.contains("Rechnung an"), "{text}");
    assert!(
        text.contains("100,00\u{a0}$ USD") || text.contains("100,00 $ USD"),
        "{text}"
    );
}

#[tokio::test]
async fn generate_invoice_issues_one_invoice_shows_it_pending_then_downloadable() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let server = app.server();
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    // an address of this test's own, to count the "invoice ready" mail
    let address = mail::unique_address("invoice-ready");
    let mut readdressed = ada.into_active_model();
    readdressed.email = Set(address.clone());
    let ada = readdressed.update(&ctx.db).await.unwrap();
    support::sign_in(&server, ctx, &ada).await;
    let charge = support::paid_charge(ctx, &ada, "generate-me").await;

    let page = server.get("/portal/acme/billing").await.text();
    assert!(
        page.contains(&format!("/portal/acme/billing/{}/invoice", charge.id)),
        "{page}"
    );
    assert!(page.contains("Generate invoice"), "{page}");
    // no invoice, no download
    server
        .get(&format!("/portal/acme/billing/{}/invoice", charge.id))
        .await
        .assert_status(StatusCode::NOT_FOUND);
    // without the form's token nothing happens
    server
        .post(&format!("/portal/acme/billing/{}/invoice", charge.id))
        .form(&[("csrf_token", "forged")])
        .await
        .assert_status(StatusCode::FORBIDDEN);
    assert!(invoice_of(&app, &charge).await.is_none());

    let res = server
        .post(&format!("/portal/acme/billing/{}/invoice", charge.id))
        .form(&[("csrf_token", support::csrf(&page))])
        .await;
    res.assert_status(StatusCode::SEE_OTHER);
    let invoice = invoice_of(&app, &charge).await.expect("an invoice");
    // the test app runs jobs inline: the PDF is stored by now
    assert!(invoice.pdf_key.is_some());
    let after = server
        .get(&support::path_of(res.header("location").to_str().unwrap()))
        .await
        .text();
    assert!(
        after.contains("Your invoice is ready to download."),
        "{after}"
    );
    assert!(
        after.contains(&format!("Download {} (PDF)", invoice.number)),
        "{after}"
    );
    assert!(!after.contains("Generate invoice"), "{after}");
    let ready = mail::wait_for(&address, 1).await;
    assert_eq!(
        ready.subject,
        format!("Your invoice {} from Acme Cloud is ready", invoice.number)
    );
    assert!(
        ready.text.contains("/portal/acme/billing"),
        "{}",
        ready.text
    );
    assert!(ready.text.contains("$100.00"), "{}", ready.text);

    // a failed charge cannot have an invoice: refused, nothing issued
    let failed = charges::Entity::find()
        .filter(charges::Column::CustomerId.eq(ada.id))
        .filter(charges::Column::Status.eq(charges::Status::Failed.as_str()))
        .one(&ctx.db)
        .await
        .unwrap()
        .expect("the demo's failed renewal");
    let refused = server
        .post(&format!("/portal/acme/billing/{}/invoice", failed.id))
        .form(&[("csrf_token", support::csrf(&page))])
        .await;
    refused.assert_status(StatusCode::BAD_REQUEST);
    assert!(
        refused
            .text()
            .contains("only a paid charge can have an invoice"),
        "{}",
        refused.text()
    );
    assert!(invoice_of(&app, &failed).await.is_none());

    // a second click (another tab) issues no second invoice and no new number
    server
        .post(&format!("/portal/acme/billing/{}/invoice", charge.id))
        .form(&[("csrf_token", support::csrf(&page))])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let all = invoices::Entity::find()
        .filter(invoices::Column::ChargeId.eq(charge.id))
        .all(&ctx.db)
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].number, invoice.number);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        mail::all_to(&address).len(),
        1,
        "one \"invoice ready\" mail"
    );
}

#[tokio::test]
async fn an_invoice_whose_pdf_job_has_not_run_shows_as_being_prepared() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let server = app.server();
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    support::sign_in(&server, ctx, &ada).await;
    let charge = support::paid_charge(ctx, &ada, "pending-pdf").await;
    // issued (as a renewal does) with its PDF job still queued
    let invoice =
        invoices::Model::issue_for_charge(&ctx.db, ada.workspace_id, charge.id, support::now())
            .await
            .unwrap();

    let page = server
        .get(&format!("/portal/acme/billing?invoice={}", charge.id))
        .await
        .text();
    assert!(
        page.contains(&format!("Preparing {}…", invoice.number)),
        "{page}"
    );
    assert!(page.contains("Your invoice is being prepared."), "{page}");
    assert!(
        !page.contains(&format!("Download {} (PDF)", invoice.number)),
        "{page}"
    );

    InvoicePdfWorker::build(ctx)
        .perform(InvoicePdfArgs {
            workspace_id: invoice.workspace_id,
            invoice_id: invoice.id,
            notify: false,
        })
        .await
        .unwrap();
    let page = server.get("/portal/acme/billing").await.text();
    assert!(
        page.contains(&format!("Download {} (PDF)", invoice.number)),
        "{page}"
    );
}

#[tokio::test]
async fn invoices_follow_the_workspace_setting_and_stay_the_customers_own() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let server = app.server();
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    let bob = support::customer(ctx, "acme", "bob@example.com").await;
    support::sign_in(&server, ctx, &ada).await;
    let (bobs_charge, _) = first_invoiced_charge(&app, &bob).await;
    let bobs_paid = support::paid_charge(ctx, &bob, "bobs-own").await;

    // another customer's invoice and charge do not exist for ada
    server
        .get(&format!("/portal/acme/billing/{}/invoice", bobs_charge.id))
        .await
        .assert_status(StatusCode::NOT_FOUND);
    let page = server.get("/portal/acme/billing").await.text();
    server
        .post(&format!("/portal/acme/billing/{}/invoice", bobs_paid.id))
        .form(&[("csrf_token", support::csrf(&page))])
        .await
        .assert_status(StatusCode::NOT_FOUND);
    assert!(invoice_of(&app, &bobs_paid).await.is_none());

    // a workspace that switched invoice generation off offers no button and refuses the form
    let own = support::paid_charge(ctx, &ada, "no-generation").await;
    let mut acme = support::workspace(ctx, "acme").await.into_active_model();
    acme.allow_invoice_generation = Set(false);
    acme.update(&ctx.db).await.unwrap();
    let page = server.get("/portal/acme/billing").await.text();
    assert!(!page.contains("Generate invoice"), "{page}");
    server
        .post(&format!("/portal/acme/billing/{}/invoice", own.id))
        .form(&[("csrf_token", support::csrf(&page))])
        .await
        .assert_status(StatusCode::NOT_FOUND);
    assert!(invoice_of(&app, &own).await.is_none());

    // signed out, nothing downloads
    app.bare_client()
        .get(&format!("/portal/acme/billing/{}/invoice", own.id))
        .await
        .assert_status_not_ok();
}
