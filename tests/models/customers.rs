use loco_rs::model::ModelError;
use portal::models::customers::{self, NewCustomer};

use crate::support;

fn new(email: &str, name: &str) -> NewCustomer {
    NewCustomer {
        email: email.into(),
        name: name.into(),
        address_line1: Some("1 Main St".into()),
        city: Some("Springfield".into()),
        postal_code: Some("12345".into()),
        country: Some("us".into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn emails_are_unique_per_workspace_not_globally() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let acme = support::workspace(ctx, "acme").await;
    let globex = support::workspace(ctx, "globex").await;

    let c = customers::Model::create(
        &ctx.db,
        acme.id,
        &new("  Grace@Example.COM ", "Grace Hopper"),
    )
    .await
    .unwrap();
    assert_eq!(c.email, "grace@example.com");
    assert_eq!(c.country.as_deref(), Some("US"));
    assert!(matches!(
        customers::Model::create(&ctx.db, acme.id, &new("grace@example.com", "Again")).await,
        Err(ModelError::EntityAlreadyExists)
    ));
    let other = customers::Model::create(
        &ctx.db,
        globex.id,
        &new("grace@example.com", "Grace at Globex"),
    )
    .await
    .unwrap();
    assert_ne!(other.id, c.id);
    let found = customers::Model::find_by_email(&ctx.db, acme.id, "GRACE@example.com")
        .await
        .unwrap();
    assert_eq!(found.id, c.id);
}

#[tokio::test]
async fn invalid_fields_are_named_in_the_error_and_nothing_is_saved() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let acme = support::workspace(ctx, "acme").await;

    let err = customers::Model::create(&ctx.db, acme.id, &new("not-an-email", "X"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("valid email address"), "{err}");
    let mut bad_country = new("x@example.com", "X");
    bad_country.country = Some("Germany".into());
    let err = customers::Model::create(&ctx.db, acme.id, &bad_country)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("choose a country from the list"),
        "{err}"
    );
    assert!(
        customers::Model::find_by_email(&ctx.db, acme.id, "x@example.com")
            .await
            .is_err()
    );
}

#[tokio::test]
async fn search_finds_by_email_or_name_inside_one_workspace() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let acme = support::workspace(ctx, "acme").await;
    let globex = support::workspace(ctx, "globex").await;

    let by_name = customers::Model::search(&ctx.db, acme.id, "Lovelace", None, 10)
        .await
        .unwrap();
    assert_eq!(by_name.len(), 1);
    assert_eq!(by_name[0].email, "ada@example.com");
    let by_email = customers::Model::search(&ctx.db, acme.id, "ADA@", None, 10)
        .await
        .unwrap();
    assert!(by_email.iter().all(|c| c.workspace_id == acme.id));
    assert_eq!(by_email.len(), 1);
    let globex_ada = customers::Model::search(&ctx.db, globex.id, "ada", None, 10)
        .await
        .unwrap();
    assert_eq!(globex_ada.len(), 1);
    assert_eq!(globex_ada[0].name, "Ada King");
    assert_eq!(
        customers::Model::search(&ctx.db, acme.id, "", None, 10)
            .await
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn the_billing_address_prints_as_lines() {
    let boot = support::boot_with_demo().await;
    let ada = support::customer(&boot.app_context, "acme", "ada@example.com").await;
    assert_eq!(
        ada.address_lines(),
        vec!["12 St James's Square", "SW1Y 4JH London", "GB"]
    );
}
