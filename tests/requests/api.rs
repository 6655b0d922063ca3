//! Merchant API: one-time portal links.
use portal::models::api_keys;

use crate::support;

#[tokio::test]
async fn a_secret_key_creates_a_one_time_portal_link_for_its_own_customers() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let server = app.server();
    let acme = support::workspace(ctx, "acme").await;
    let key = api_keys::Model::create(&ctx.db, &support::secrets(ctx), acme.id, "app", None)
        .await
        .unwrap();
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    let globex_ada = support::customer(ctx, "globex", "ada@example.com").await;
    let auth = format!("Bearer {}", key.secret);

    let none = server
        .post(&format!("/api/v1/customers/{}/portal_links", ada.pid))
        .await;
    assert_eq!(none.status_code(), 401);
    let wrong = server
        .post(&format!("/api/v1/customers/{}/portal_links", ada.pid))
        .add_header("authorization", "Bearer sk_nope")
        .await;
    assert_eq!(wrong.status_code(), 401);
    let other = server
        .post(&format!(
            "/api/v1/customers/{}/portal_links",
            globex_ada.pid
        ))
        .add_header("authorization", &auth)
        .await;
    assert_eq!(
        other.status_code(),
        404,
        "another workspace's customer does not exist here"
    );
    let junk = server
        .post("/api/v1/customers/not-a-uuid/portal_links")
        .add_header("authorization", &auth)
        .await;
    assert_eq!(junk.status_code(), 404);

    let created = server
        .post(&format!("/api/v1/customers/{}/portal_links", ada.pid))
        .add_header("authorization", &auth)
        .await;
    assert_eq!(created.status_code(), 201);
    let body: serde_json::Value = created.json();
    let url = body["url"].as_str().unwrap();
    assert!(url.contains("/portal/acme/login/"));
    let expires =
        chrono::DateTime::parse_from_rfc3339(body["expires_at"].as_str().unwrap()).unwrap();
    let minutes = (expires - support::now()).num_minutes();
    assert!(
        (29..=30).contains(&minutes),
        "valid 30 minutes, got {minutes}"
    );

    let path = url.split("5150").nth(1).unwrap_or(url).to_string();
    let page = server.get(&path).await;
    let signed_in = server
        .post(&path)
        .form(&[("csrf_token", support::csrf(&page.text()))])
        .await;
    assert_eq!(signed_in.status_code(), 303);
    assert_eq!(
        server
            .post(&path)
            .form(&[("csrf_token", support::csrf(&page.text()))])
            .await
            .status_code(),
        410
    );
}
