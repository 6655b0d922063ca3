//! CSV exports from the console: the whole filtered list, read back by a
//! CSV parser, past one batch, with formulas defused and nothing of another
//! workspace.
use std::collections::HashMap;

use axum::http::StatusCode;
use portal::{
    models::{charges, customers, invoices, subscriptions},
    views::export::{ChargeLine, CustomerLine, InvoiceLine, Line, SubscriptionLine, BATCH},
};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::support;

/// The rows of a CSV download, as column → value maps, after checking the
/// download's headers and the header row.
fn read_csv<L: Line>(
    response: &axum_test::TestResponse,
    list: &str,
) -> Vec<HashMap<String, String>> {
    assert_eq!(
        response.status_code(),
        StatusCode::OK,
        "{}",
        response.text()
    );
    assert_eq!(response.header("content-type"), "text/csv; charset=utf-8");
    let disposition = response.header("content-disposition");
    let disposition = disposition.to_str().unwrap();
    let today = chrono::Utc::now().format("%Y-%m-%d");
    assert_eq!(
        disposition,
        format!("attachment; filename=\"acme-{list}-{today}.csv\"")
    );
    let mut reader = csv::Reader::from_reader(response.as_bytes().as_ref());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, L::COLUMNS);
    reader.deserialize().map(Result::unwrap).collect()
}

#[tokio::test]
async fn the_owner_downloads_each_list_with_its_filters() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let acme = support::workspace(ctx, "acme").await;
    let owner = app.server();
    support::console_sign_in(&owner, ctx, "owner@acme.test").await;

    // charges: every one of acme's, amounts in major and minor units
    let page = owner.get("/admin/acme/charges").await.text();
    assert!(
        page.contains(r#"href="/admin/acme/charges.csv" download>Download all charges (CSV)"#),
        "{page}"
    );
    let rows = read_csv::<ChargeLine>(&owner.get("/admin/acme/charges.csv").await, "charges");
    let stored = charges::Entity::find()
        .filter(charges::Column::WorkspaceId.eq(acme.id))
        .all(&ctx.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), stored.len());
    assert!(stored.len() > 3);
    for charge in &stored {
        let row = rows
            .iter()
            .find(|r| r["id"] == charge.pid.to_string())
            .expect("every charge");
        assert_eq!(row["amount_minor"], charge.amount.to_string());
        assert_eq!(row["amount"], charge.money().decimal());
        assert_eq!(row["refunded_minor"], charge.amount_refunded.to_string());
        assert_eq!(row["currency"], charge.currency);
        assert_eq!(row["status"], charge.status);
        assert!(row["customer_email"].ends_with("@example.com"));
    }
    let ada = rows
        .iter()
        .find(|r| r["amount_minor"] == "2900")
        .expect("a 29.00 charge");
    assert_eq!(ada["amount"], "29.00");
    // newest first, as on the page
    let dates: Vec<&String> = rows.iter().map(|r| &r["created_at"]).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");

    // the status filter of the page
    let failed = read_csv::<ChargeLine>(
        &owner.get("/admin/acme/charges.csv?status=failed").await,
        "charges",
    );
    assert_eq!(
        failed.len(),
        stored.iter().filter(|c| c.status == "failed").count()
    );
    assert!(!failed.is_empty() && failed.iter().all(|r| r["status"] == "failed"));
    let page = owner.get("/admin/acme/charges?status=failed").await.text();
    assert!(page.contains(
        r#"href="/admin/acme/charges.csv?status=failed" download>Download these charges (CSV)"#
    ));

    // subscriptions with their plan
    let rows = read_csv::<SubscriptionLine>(
        &owner
            .get("/admin/acme/subscriptions.csv?status=active")
            .await,
        "subscriptions",
    );
    let active = subscriptions::Entity::find()
        .filter(subscriptions::Column::WorkspaceId.eq(acme.id))
        .filter(subscriptions::Column::Status.eq("active"))
        .count(&ctx.db)
        .await
        .unwrap();
    assert_eq!(rows.len() as u64, active);
    assert!(rows
        .iter()
        .all(|r| r["status"] == "active" && !r["product"].is_empty() && !r["currency"].is_empty()));

    // invoices
    let rows = read_csv::<InvoiceLine>(&owner.get("/admin/acme/invoices.csv").await, "invoices");
    let issued = invoices::Entity::find()
        .filter(invoices::Column::WorkspaceId.eq(acme.id))
        .all(&ctx.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), issued.len());
    for invoice in &issued {
        let row = rows
            .iter()
            .find(|r| r["number"] == invoice.number)
            .expect("every invoice");
        assert_eq!(row["total_minor"], invoice.total.to_string());
        assert_eq!(row["kind"], invoice.kind);
    }
}

#[tokio::test]
async fn a_long_customer_list_streams_past_a_batch_with_formulas_defused() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let acme = support::workspace(ctx, "acme").await;
    let now = support::now();
    let extra = BATCH as usize + 234;
    let many: Vec<customers::ActiveModel> = (0..extra)
        .map(|i| customers::ActiveModel {
            pid: Set(uuid::Uuid::new_v4()),
            email: Set(format!("bulk{i}@example.com")),
            name: Set(if i == 7 {
                "=HYPERLINK(\"http://evil\")".into()
            } else {
                format!("Bulk {i}")
            }),
            workspace_id: Set(acme.id),
            marketing_opt_in: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in many.chunks(200) {
        customers::Entity::insert_many(chunk.to_vec())
            .exec(&ctx.db)
            .await
            .unwrap();
    }
    let owner = app.server();
    support::console_sign_in(&owner, ctx, "owner@acme.test").await;

    let plain = owner.get("/admin/acme/customers.csv").await;
    let rows = read_csv::<CustomerLine>(&plain, "customers");
    let total = customers::Entity::find()
        .filter(customers::Column::WorkspaceId.eq(acme.id))
        .count(&ctx.db)
        .await
        .unwrap();
    assert_eq!(rows.len() as u64, total, "every customer, across batches");
    assert!(total > BATCH);
    let mut ids: Vec<&String> = rows.iter().map(|r| &r["id"]).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), rows.len(), "none twice at a batch's edge");
    // a spreadsheet reads the formula as text
    assert!(rows
        .iter()
        .any(|r| r["name"] == "'=HYPERLINK(\"http://evil\")"));
    // nothing of globex's (ada has a customer there too, with another id)
    let globex_ada = support::customer(ctx, "globex", "ada@example.com").await;
    assert!(rows.iter().all(|r| r["id"] != globex_ada.pid.to_string()));

    // a browser takes it compressed: the same file, whole
    let zipped = owner
        .get("/admin/acme/customers.csv")
        .add_header("accept-encoding", "gzip")
        .await;
    assert_eq!(zipped.status_code(), StatusCode::OK);
    assert_eq!(zipped.header("content-encoding"), "gzip");
    let mut unzipped = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(zipped.as_bytes().as_ref()),
        &mut unzipped,
    )
    .expect("a whole gzip stream");
    assert_eq!(unzipped, plain.as_bytes().as_ref());

    // the search of the page
    let page = owner.get("/admin/acme/customers?q=Ada%20L").await.text();
    assert!(
        page.contains(
            r#"href="/admin/acme/customers.csv?q=Ada%20L" download>Download these customers (CSV)"#
        ),
        "{page}"
    );
    let found = read_csv::<CustomerLine>(
        &owner.get("/admin/acme/customers.csv?q=Ada%20L").await,
        "customers",
    );
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["email"], "ada@example.com");
    assert_eq!(found[0]["country"], "GB");
}

#[tokio::test]
async fn exports_are_for_the_workspaces_members_only() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let anonymous = app.server();
    let response = anonymous.get("/admin/acme/customers.csv").await;
    assert_ne!(response.status_code(), StatusCode::OK);
    assert!(!response.text().contains("ada@example.com"));
    let globex = app.server();
    support::console_sign_in(&globex, ctx, "owner@globex.test").await;
    for list in ["customers", "subscriptions", "charges", "invoices"] {
        let response = globex.get(&format!("/admin/acme/{list}.csv")).await;
        assert!(
            matches!(response.status_code().as_u16(), 403 | 404),
            "{list}: {}",
            response.status_code()
        );
        assert!(!response.text().contains("@example.com"), "{list}");
    }
}
