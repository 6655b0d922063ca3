//! Merchant API: secret-key auth, customers, catalog, subscriptions,
//! charges and invoices, tenant isolation, the OpenAPI document.
use portal::models::api_keys;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

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

struct Api {
    server: axum_test::TestServer,
    auth: String,
}

impl Api {
    async fn new(app: &crate::support::TestApp) -> Self {
        let ctx = &app.app_context;
        Self {
            server: app.server(),
            auth: format!("Bearer {}", portal::demo::api_key(&support::secrets(ctx))),
        }
    }

    async fn get(&self, path: &str) -> axum_test::TestResponse {
        self.server
            .get(path)
            .add_header("authorization", &self.auth)
            .await
    }

    async fn post(&self, path: &str, body: serde_json::Value) -> axum_test::TestResponse {
        self.server
            .post(path)
            .add_header("authorization", &self.auth)
            .json(&body)
            .await
    }

    async fn patch(&self, path: &str, body: serde_json::Value) -> axum_test::TestResponse {
        self.server
            .patch(path)
            .add_header("authorization", &self.auth)
            .json(&body)
            .await
    }
}

#[tokio::test]
async fn customers_are_created_read_updated_and_listed_with_clear_errors() {
    let app = support::boot_with_demo().await;
    let api = Api::new(&app).await;

    let created = api
        .post(
            "/api/v1/customers",
            json!({ "email": "Grace@Example.com", "name": "Grace Hopper",
                    "address": { "line1": "1 Navy Way", "city": "Arlington", "country": "us" } }),
        )
        .await;
    assert_eq!(created.status_code(), 201, "{}", created.text());
    let grace: serde_json::Value = created.json();
    assert_eq!(grace["email"], "grace@example.com");
    let id = grace["id"].as_str().unwrap().to_string();

    // the same email again, a bad email, a missing field, a NUL byte: 422 with the field
    let again = api
        .post(
            "/api/v1/customers",
            json!({ "email": "grace@example.com", "name": "G" }),
        )
        .await;
    assert_eq!(again.status_code(), 422);
    assert!(
        again.json::<serde_json::Value>()["errors"]["email"].is_string(),
        "{}",
        again.text()
    );
    let bad = api
        .post(
            "/api/v1/customers",
            json!({ "email": "not an email", "name": "G" }),
        )
        .await;
    assert_eq!(bad.status_code(), 422, "{}", bad.text());
    assert!(
        bad.json::<serde_json::Value>()["errors"]["email"].is_string(),
        "{}",
        bad.text()
    );
    let nul = api
        .post(
            "/api/v1/customers",
            json!({ "email": "n@example.com", "name": "a\u{0}b" }),
        )
        .await;
    assert_eq!(nul.status_code(), 422, "{}", nul.text());
    let missing = api.post("/api/v1/customers", json!({ "name": "G" })).await;
    assert_eq!(missing.status_code(), 422, "{}", missing.text());

    let read = api.get(&format!("/api/v1/customers/{id}")).await;
    assert_eq!(read.status_code(), 200);
    assert_eq!(
        read.json::<serde_json::Value>()["address"]["city"],
        "Arlington"
    );

    let updated = api
        .patch(
            &format!("/api/v1/customers/{id}"),
            json!({ "name": "Rear Admiral Hopper", "address": { "postal_code": "22202" } }),
        )
        .await;
    assert_eq!(updated.status_code(), 200, "{}", updated.text());
    let body: serde_json::Value = updated.json();
    assert_eq!(body["name"], "Rear Admiral Hopper");
    assert_eq!(body["address"]["postal_code"], "22202");
    assert_eq!(
        body["address"]["line1"], "1 Navy Way",
        "fields not sent stay"
    );

    // paging: two at a time until has_more is false, every customer once
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let path = match &after {
            Some(a) => format!("/api/v1/customers?limit=2&starting_after={a}"),
            None => "/api/v1/customers?limit=2".to_string(),
        };
        let page: serde_json::Value = api.get(&path).await.json();
        let data = page["data"].as_array().unwrap();
        seen.extend(
            data.iter()
                .map(|c| c["email"].as_str().unwrap().to_string()),
        );
        after = data.last().map(|c| c["id"].as_str().unwrap().to_string());
        if !page["has_more"].as_bool().unwrap() {
            break;
        }
    }
    assert_eq!(
        seen,
        vec!["ada@example.com", "bob@example.com", "grace@example.com"],
        "acme's only"
    );
    let by_email: serde_json::Value = api
        .get("/api/v1/customers?email=BOB@example.com")
        .await
        .json();
    assert_eq!(by_email["data"].as_array().unwrap().len(), 1);
    assert_eq!(
        api.get("/api/v1/customers?limit=0").await.status_code(),
        422
    );
    assert_eq!(
        api.get("/api/v1/customers?starting_after=zzz")
            .await
            .status_code(),
        422
    );
}

#[tokio::test]
async fn another_workspaces_ids_are_not_found() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let api = Api::new(&app).await;
    let carol = support::customer(ctx, "globex", "carol@example.com").await;
    assert_eq!(
        api.get(&format!("/api/v1/customers/{}", carol.pid))
            .await
            .status_code(),
        404
    );
    assert_eq!(
        api.patch(
            &format!("/api/v1/customers/{}", carol.pid),
            json!({ "name": "x" })
        )
        .await
        .status_code(),
        404
    );
    assert_eq!(
        api.get(&format!("/api/v1/customers/{}/payment_methods", carol.pid))
            .await
            .status_code(),
        404
    );
    assert_eq!(
        api.get(&format!("/api/v1/charges?customer={}", carol.pid))
            .await
            .status_code(),
        404
    );
    let invoice = portal::models::invoices::Entity::find()
        .filter(portal::models::invoices::Column::WorkspaceId.eq(carol.workspace_id))
        .one(&ctx.db)
        .await
        .unwrap()
        .expect("the demo gives globex invoices");
    assert_eq!(
        api.get(&format!("/api/v1/invoices/{}", invoice.pid))
            .await
            .status_code(),
        404
    );
    assert_eq!(
        api.get(&format!("/api/v1/invoices/{}/pdf", invoice.pid))
            .await
            .status_code(),
        404
    );
    assert_eq!(
        api.get("/api/v1/subscriptions/00000000-0000-0000-0000-000000000000")
            .await
            .status_code(),
        404
    );
    assert_eq!(api.get("/api/v1/charges/nope").await.status_code(), 404);
    // the globex carol's own data is listed for nobody at acme
    let charges: serde_json::Value = api.get("/api/v1/charges?limit=100").await.json();
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    let bob = support::customer(ctx, "acme", "bob@example.com").await;
    for c in charges["data"].as_array().unwrap() {
        let customer = c["customer"].as_str().unwrap();
        assert!(customer == ada.pid.to_string() || customer == bob.pid.to_string());
    }
}

#[tokio::test]
async fn a_subscription_is_started_billed_by_the_engine_and_cancelled() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let api = Api::new(&app).await;
    let bob = support::customer(ctx, "acme", "bob@example.com").await;
    let prices: serde_json::Value = api.get("/api/v1/prices").await.json();
    let monthly = prices["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["interval"] == "month" && p["interval_count"] == 1 && p["trial_days"] == 0)
        .unwrap()
        .clone();
    let bad = api
        .post(
            "/api/v1/subscriptions",
            json!({ "customer": bob.pid, "price": "nope" }),
        )
        .await;
    assert_eq!(bad.status_code(), 422);
    assert!(bad.json::<serde_json::Value>()["errors"]["price"].is_string());
    let zero = api
        .post(
            "/api/v1/subscriptions",
            json!({ "customer": bob.pid, "price": monthly["id"], "quantity": 0 }),
        )
        .await;
    assert_eq!(zero.status_code(), 422);

    let created = api
        .post(
            "/api/v1/subscriptions",
            json!({ "customer": bob.pid, "price": monthly["id"], "quantity": 2 }),
        )
        .await;
    assert_eq!(created.status_code(), 201, "{}", created.text());
    let sub: serde_json::Value = created.json();
    assert_eq!(sub["status"], "active");
    assert!(
        sub["payment_method"].is_string(),
        "renews with bob's default method"
    );

    // the next sweep charges the first period
    let id = uuid::Uuid::parse_str(sub["id"].as_str().unwrap()).unwrap();
    let row = portal::models::tenancy::find_by_pid::<portal::models::subscriptions::Entity>(
        &ctx.db,
        bob.workspace_id,
        id,
    )
    .await
    .unwrap();
    let gateway = portal::gateway::from_context(ctx).unwrap();
    let renewed = portal::models::renewals::renew(
        &ctx.db,
        gateway.as_ref(),
        bob.workspace_id,
        row.id,
        support::now(),
        None,
    )
    .await
    .unwrap();
    assert!(
        matches!(renewed, portal::models::renewals::Renewal::Renewed { .. }),
        "{renewed:?}"
    );
    let charges: serde_json::Value = api
        .get(&format!("/api/v1/charges?customer={}&status=paid", bob.pid))
        .await
        .json();
    let amounts: Vec<i64> = charges["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["amount"].as_i64().unwrap())
        .collect();
    assert!(
        amounts.contains(&(monthly["unit_amount"].as_i64().unwrap() * 2)),
        "{amounts:?}"
    );
    let invoices: serde_json::Value = api
        .get(&format!("/api/v1/invoices?customer={}", bob.pid))
        .await
        .json();
    let newest = invoices["data"].as_array().unwrap().last().unwrap().clone();
    let pdf = api.get(newest["pdf_url"].as_str().unwrap()).await;
    assert_eq!(pdf.status_code(), 200);
    assert_eq!(pdf.header("content-type"), "application/pdf");
    assert!(support::pdf_text(pdf.as_bytes()).contains(newest["number"].as_str().unwrap()));

    let cancelled = api
        .post(&format!("/api/v1/subscriptions/{id}/cancel"), json!({}))
        .await;
    assert_eq!(cancelled.status_code(), 200);
    assert_eq!(cancelled.json::<serde_json::Value>()["status"], "cancelled");
    let methods: serde_json::Value = api
        .get(&format!("/api/v1/customers/{}/payment_methods", bob.pid))
        .await
        .json();
    assert!(methods["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["is_default"] == true));
    assert!(
        !methods.to_string().contains("pm_sb"),
        "no gateway token in the API"
    );
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let app = support::boot().await;
    let doc: serde_json::Value = app.server().get("/api/v1/openapi.json").await.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/v1/customers",
        "/api/v1/customers/{id}",
        "/api/v1/customers/{id}/portal_links",
        "/api/v1/customers/{id}/payment_methods",
        "/api/v1/products",
        "/api/v1/prices",
        "/api/v1/subscriptions",
        "/api/v1/subscriptions/{id}",
        "/api/v1/subscriptions/{id}/cancel",
        "/api/v1/subscriptions/{id}/resume",
        "/api/v1/charges",
        "/api/v1/charges/{id}",
        "/api/v1/invoices",
        "/api/v1/invoices/{id}",
        "/api/v1/invoices/{id}/pdf",
    ] {
        assert!(paths.contains_key(path), "{path} in the OpenAPI document");
    }
    assert!(doc["components"]["securitySchemes"]["secret_key"].is_object());
}

#[tokio::test]
async fn a_subscription_is_cancelled_at_period_end_and_resumed_by_the_api() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let api = Api::new(&app).await;
    let bob = support::customer(ctx, "acme", "bob@example.com").await;
    let subs: serde_json::Value = api
        .get(&format!("/api/v1/subscriptions?customer={}", bob.pid))
        .await
        .json();
    let id = subs["data"][0]["id"].as_str().unwrap().to_string();

    let bad = api
        .post(
            &format!("/api/v1/subscriptions/{id}/cancel"),
            json!({ "at_period_end": true, "reason": "bored" }),
        )
        .await;
    assert_eq!(bad.status_code(), 422, "{}", bad.text());
    assert!(bad.json::<serde_json::Value>()["errors"]["reason"].is_string());

    let scheduled = api
        .post(
            &format!("/api/v1/subscriptions/{id}/cancel"),
            json!({ "at_period_end": true, "reason": "switched_service" }),
        )
        .await;
    assert_eq!(scheduled.status_code(), 200, "{}", scheduled.text());
    let body: serde_json::Value = scheduled.json();
    assert_eq!(body["status"], "active");
    assert_eq!(body["cancel_at_period_end"], true);
    assert_eq!(body["cancellation_reason"], "switched_service");
    let outbox = portal::models::events::Model::list_recent(&ctx.db, bob.workspace_id, 1)
        .await
        .unwrap();
    assert_eq!(outbox[0].event_type, "subscription.updated");

    let resumed = api
        .post(&format!("/api/v1/subscriptions/{id}/resume"), json!({}))
        .await;
    assert_eq!(resumed.status_code(), 200, "{}", resumed.text());
    let body: serde_json::Value = resumed.json();
    assert_eq!(body["cancel_at_period_end"], false);
    assert_eq!(body["cancellation_reason"], serde_json::Value::Null);

    // another workspace's subscription does not exist for this key
    let globex = support::customer(ctx, "globex", "ada@example.com").await;
    let theirs = portal::models::subscriptions::Model::list_for_customer(
        &ctx.db,
        globex.workspace_id,
        globex.id,
    )
    .await
    .unwrap()
    .remove(0);
    let res = api
        .post(
            &format!("/api/v1/subscriptions/{}/resume", theirs.pid),
            json!({}),
        )
        .await;
    assert_eq!(res.status_code(), 404);
}

#[tokio::test]
async fn a_subscription_is_paused_resumed_and_changed_with_a_preview_by_the_api() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let api = Api::new(&app).await;
    let bob = support::customer(ctx, "acme", "bob@example.com").await;
    let subs: serde_json::Value = api
        .get(&format!("/api/v1/subscriptions?customer={}", bob.pid))
        .await
        .json();
    let sub = &subs["data"][0];
    let id = sub["id"].as_str().unwrap().to_string();
    let prices: serde_json::Value = api.get("/api/v1/prices?limit=100").await.json();
    let products: serde_json::Value = api.get("/api/v1/products?limit=100").await.json();
    let price_of = |name: &str| {
        let product = products["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap()["id"]
            .clone();
        prices["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["product"] == product)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };

    // pause for one period, then withdraw it
    let too_long = api
        .post(
            &format!("/api/v1/subscriptions/{id}/pause"),
            json!({ "periods": 13 }),
        )
        .await;
    assert_eq!(too_long.status_code(), 422, "{}", too_long.text());
    let paused = api
        .post(
            &format!("/api/v1/subscriptions/{id}/pause"),
            json!({ "periods": 1 }),
        )
        .await;
    assert_eq!(paused.status_code(), 200, "{}", paused.text());
    let body: serde_json::Value = paused.json();
    assert_eq!(
        body["status"], "active",
        "the pause begins when the period ends"
    );
    assert!(body["pause_resumes_at"].is_string());
    let resumed: serde_json::Value = api
        .post(&format!("/api/v1/subscriptions/{id}/resume"), json!({}))
        .await
        .json();
    assert_eq!(resumed["pause_resumes_at"], serde_json::Value::Null);

    // an upgrade: previewed, then confirmed with the preview's figures, once
    let business = price_of("Cloud Business");
    let preview = api
        .post(
            &format!("/api/v1/subscriptions/{id}/preview_change"),
            json!({ "price": business }),
        )
        .await;
    assert_eq!(preview.status_code(), 200, "{}", preview.text());
    let preview: serde_json::Value = preview.json();
    assert_eq!(preview["takes_effect"], "now");
    let due = preview["amount_due_now"].as_i64().unwrap();
    assert_eq!(
        preview["debit"].as_i64().unwrap() - preview["credit"].as_i64().unwrap()
            + preview["tax"].as_i64().unwrap(),
        due
    );
    let stale = api
        .post(
            &format!("/api/v1/subscriptions/{id}/change"),
            json!({ "price": business, "proration_date": preview["proration_date"], "amount_due_now": due + 1 }),
        )
        .await;
    assert_eq!(stale.status_code(), 409, "{}", stale.text());
    let confirm = json!({ "price": business, "proration_date": preview["proration_date"], "amount_due_now": due });
    let changed = api
        .post(
            &format!("/api/v1/subscriptions/{id}/change"),
            confirm.clone(),
        )
        .await;
    assert_eq!(changed.status_code(), 200, "{}", changed.text());
    let changed: serde_json::Value = changed.json();
    assert_eq!(changed["result"], "paid");
    assert_eq!(changed["subscription"]["price"], business);
    let again: serde_json::Value = api
        .post(&format!("/api/v1/subscriptions/{id}/change"), confirm)
        .await
        .json();
    assert_eq!(again["result"], "already_applied");
    let charge: serde_json::Value = api
        .get(&format!(
            "/api/v1/charges/{}",
            changed["charge"].as_str().unwrap()
        ))
        .await
        .json();
    assert_eq!(charge["amount"].as_i64().unwrap(), due);

    // a downgrade waits for the renewal
    let basic = price_of("Cloud Basic");
    let preview: serde_json::Value = api
        .post(
            &format!("/api/v1/subscriptions/{id}/preview_change"),
            json!({ "price": basic }),
        )
        .await
        .json();
    assert_eq!(
        (
            preview["takes_effect"].as_str(),
            preview["amount_due_now"].as_i64()
        ),
        (Some("at_renewal"), Some(0))
    );
    let scheduled: serde_json::Value = api
        .post(
            &format!("/api/v1/subscriptions/{id}/change"),
            json!({ "price": basic, "proration_date": preview["proration_date"], "amount_due_now": 0 }),
        )
        .await
        .json();
    assert_eq!(scheduled["result"], "scheduled");
    assert_eq!(scheduled["subscription"]["price"], business);
    assert_eq!(scheduled["subscription"]["scheduled_price"], basic);

    // a price in another currency is refused
    let globex_price = {
        let globex = support::workspace(ctx, "globex").await;
        portal::models::prices::Entity::find()
            .filter(portal::models::prices::Column::WorkspaceId.eq(globex.id))
            .one(&ctx.db)
            .await
            .unwrap()
            .unwrap()
            .pid
    };
    let foreign = api
        .post(
            &format!("/api/v1/subscriptions/{id}/preview_change"),
            json!({ "price": globex_price }),
        )
        .await;
    assert_eq!(
        foreign.status_code(),
        422,
        "another workspace's price is no price here"
    );
}
