//! Defects an outside security test found, each proven fixed here.
use axum::http::StatusCode;
use loco_rs::boot::StartMode;
use portal::models::webhook_endpoints;
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::support::{self, TestApp};

/// The app as production runs it: `https://` links only, and webhooks only
/// to public receivers.
async fn production_like() -> TestApp {
    let mut config = support::test_config().await;
    let settings = config.settings.as_mut().expect("settings");
    settings["allow_http_links"] = false.into();
    settings["webhooks_allow_private"] = false.into();
    support::with_demo(support::boot_with(config, StartMode::ServerOnly).await).await
}

#[tokio::test]
async fn the_return_link_accepts_only_https() {
    use axum_test::multipart::MultipartForm;
    let app = production_like().await;
    let ctx = &app.app_context;
    let admin = app.server();
    support::console_sign_in(&admin, ctx, "admin@acme.test").await;
    let csrf = support::csrf(&admin.get("/admin/acme/branding").await.text());
    let form = |link: &str| {
        MultipartForm::new()
            .add_text("csrf_token", csrf.clone())
            .add_text("name", "Acme Cloud")
            .add_text("accent_color", "#4338ca")
            .add_text("return_url", link.to_string())
    };
    for link in [
        "javascript:alert(1)",
        " JavaScript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "http://acme.test/",
        "https://user:secret@acme.test/",
    ] {
        let res = admin
            .post("/admin/acme/branding")
            .multipart(form(link))
            .await;
        res.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            res.text()
                .contains("Enter a full URL starting with https://")
                || res.text().contains("without a user name"),
            "{link}: {}",
            res.text()
        );
        assert_eq!(
            support::workspace(ctx, "acme").await.return_url.as_deref(),
            Some("https://acme.test/account"),
            "{link} stored"
        );
    }
    let res = admin
        .post("/admin/acme/branding")
        .multipart(form("https://acme.example/account"))
        .await;
    res.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(
        support::workspace(ctx, "acme").await.return_url.as_deref(),
        Some("https://acme.example/account")
    );
}

#[tokio::test]
async fn webhook_endpoints_cannot_target_the_servers_own_network() {
    let app = production_like().await;
    let ctx = &app.app_context;
    let owner = app.server();
    support::console_sign_in(&owner, ctx, "owner@acme.test").await;
    let csrf = support::csrf(&owner.get("/admin/acme/webhooks").await.text());
    let long = format!("https://hooks.example/{}", "a".repeat(5000));
    for url in [
        "http://127.0.0.1:9/",
        "https://127.0.0.1:9/",
        "https://10.0.0.7/hooks",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hooks",
        "https://localhost/hooks",
        "javascript:alert(1)",
        long.as_str(),
    ] {
        let res = owner
            .post("/admin/acme/webhooks")
            .form(&[("csrf_token", csrf.as_str()), ("url", url), ("events", "")])
            .await;
        res.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        let text = res.text();
        assert!(
            text.contains("private or local network")
                || text.contains("starting with https://")
                || text.contains("up to 2000 characters"),
            "{url}: {text}"
        );
    }
    let saved = webhook_endpoints::Entity::find()
        .count(&ctx.db)
        .await
        .unwrap();
    assert_eq!(saved, 0, "nothing saved");
}

#[tokio::test]
async fn a_delivery_to_a_private_address_is_refused_at_delivery_time() {
    // saved while private receivers were allowed, delivered after they no longer are
    let app = production_like().await;
    let ctx = &app.app_context;
    let acme = support::workspace(ctx, "acme").await;
    let allowed = portal::urls::Policy {
        allow_http: true,
        allow_private: true,
    };
    let endpoint = webhook_endpoints::Model::create(
        &ctx.db,
        &support::secrets(ctx),
        acme.id,
        "http://127.0.0.1:9/hooks",
        &[],
        allowed,
    )
    .await
    .unwrap()
    .record;
    portal::models::events::Model::publish(
        &ctx.db,
        acme.id,
        "test.event",
        None,
        serde_json::json!({}),
    )
    .await
    .unwrap();
    let strict = support::url_policy(ctx);
    assert!(!strict.allow_private);
    let http = portal::webhooks::client(strict).unwrap();
    let round = portal::webhooks::deliver_endpoint(
        &ctx.db,
        &http,
        strict,
        &support::secrets(ctx),
        acme.id,
        endpoint.id,
        support::now(),
    )
    .await
    .unwrap();
    assert_eq!((round.delivered, round.failed), (0, 1));
    let delivery = portal::models::webhook_deliveries::Entity::find()
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert!(
        delivery
            .last_error
            .as_deref()
            .unwrap_or_default()
            .contains("not sent"),
        "{delivery:?}"
    );
}

/// Boots with a per-IP sign-in limit of 3 and `trusted` as the proxies.
async fn behind_proxies(trusted: &str) -> TestApp {
    let mut config = support::test_config().await;
    let settings = config.settings.as_mut().expect("settings");
    settings["trusted_proxies"] = trusted.into();
    settings["sign_in_limits"]["per_ip"] = 3.into();
    support::with_demo(support::boot_with(config, StartMode::ServerOnly).await).await
}

async fn ask_for_link(server: &axum_test::TestServer, forwarded_for: &str) -> StatusCode {
    let page = server.get("/portal/acme/login").await.text();
    server
        .post("/portal/acme/login")
        .add_header("x-forwarded-for", forwarded_for)
        .form(&[
            (
                "email",
                crate::support::mail::unique_address("proxied").as_str(),
            ),
            ("csrf_token", &support::csrf(&page)),
        ])
        .await
        .status_code()
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_sign_in_limit() {
    let app = behind_proxies("127.0.0.1/32, ::1").await;
    let server = app.server();
    for _ in 0..3 {
        assert_eq!(ask_for_link(&server, "198.51.100.7").await, StatusCode::OK);
    }
    assert_eq!(
        ask_for_link(&server, "198.51.100.7").await,
        StatusCode::TOO_MANY_REQUESTS,
        "the fourth request from one client is limited"
    );
    assert_eq!(
        ask_for_link(&server, "198.51.100.8").await,
        StatusCode::OK,
        "another client behind the same proxy is not"
    );
    // a client cannot escape its limit by prepending addresses: the proxy's own entry counts
    assert_eq!(
        ask_for_link(&server, "203.0.113.1, 198.51.100.7").await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn without_trusted_proxies_forwarded_headers_are_ignored() {
    let app = behind_proxies("").await;
    let server = app.server();
    for n in 0..3 {
        assert_eq!(
            ask_for_link(&server, &format!("198.51.100.{n}")).await,
            StatusCode::OK
        );
    }
    assert_eq!(
        ask_for_link(&server, "198.51.100.99").await,
        StatusCode::TOO_MANY_REQUESTS,
        "a spoofed header does not give a new limit"
    );
}

#[tokio::test]
async fn hsts_is_sent_only_when_the_public_url_is_https() {
    let plain = support::boot().await;
    let res = plain.server().get("/portal/acme/login").await;
    assert!(res.maybe_header("strict-transport-security").is_none());

    let mut config = support::test_config().await;
    config.settings.as_mut().unwrap()["public_url"] = "https://billing.acme.example".into();
    let tls = support::with_demo(support::boot_with(config, StartMode::ServerOnly).await).await;
    for path in [
        "/portal/acme/login",
        "/_ping",
        "/admin",
        "/api/v1/openapi.json",
    ] {
        let res = tls.server().get(path).await;
        assert_eq!(
            res.maybe_header("strict-transport-security")
                .map(|v| v.to_str().unwrap().to_string())
                .as_deref(),
            Some("max-age=31536000"),
            "{path}"
        );
    }
}

/// `POST /api/v1/subscriptions` for bob with `key`.
async fn start_subscription(
    server: &axum_test::TestServer,
    auth: &str,
    key: &str,
    body: &serde_json::Value,
) -> axum_test::TestResponse {
    server
        .post("/api/v1/subscriptions")
        .add_header("authorization", auth)
        .add_header("idempotency-key", key)
        .json(body)
        .await
}

/// The demo API key's header, bob, the body that starts him a subscription
/// to the first price.
async fn bob_subscribes(
    app: &TestApp,
    server: &axum_test::TestServer,
) -> (String, portal::models::customers::Model, serde_json::Value) {
    let ctx = &app.app_context;
    let auth = format!("Bearer {}", portal::demo::api_key(&support::secrets(ctx)));
    let bob = support::customer(ctx, "acme", "bob@example.com").await;
    let prices: serde_json::Value = server
        .get("/api/v1/prices")
        .add_header("authorization", &auth)
        .await
        .json();
    let body = serde_json::json!({ "customer": bob.pid, "price": prices["data"][0]["id"] });
    (auth, bob, body)
}

async fn subscriptions_of(app: &TestApp, customer: &portal::models::customers::Model) -> u64 {
    use portal::models::subscriptions;
    use sea_orm::{ColumnTrait, QueryFilter};
    subscriptions::Entity::find()
        .filter(subscriptions::Column::CustomerId.eq(customer.id))
        .count(&app.app_context.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_retried_api_request_with_its_idempotency_key_starts_one_subscription() {
    use portal::models::api_idempotency_keys;
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let server = app.server();
    let (auth, bob, body) = bob_subscribes(&app, &server).await;
    let price = body["price"].clone();
    let before = subscriptions_of(&app, &bob).await;

    let first = start_subscription(&server, &auth, "retry-1", &body).await;
    assert_eq!(first.status_code(), 201, "{}", first.text());
    let again = start_subscription(&server, &auth, "retry-1", &body).await;
    assert_eq!(again.status_code(), 201);
    assert_eq!(again.text(), first.text(), "the first answer, replayed");
    assert_eq!(again.maybe_header("idempotent-replayed").unwrap(), "true");
    assert_eq!(
        subscriptions_of(&app, &bob).await,
        before + 1,
        "one subscription"
    );

    // the same key with other parameters is an error, and changes nothing
    let other = serde_json::json!({ "customer": bob.pid, "price": price, "quantity": 3 });
    let reused = start_subscription(&server, &auth, "retry-1", &other).await;
    assert_eq!(reused.status_code(), 400);
    assert_eq!(
        reused.json::<serde_json::Value>()["error"],
        "idempotency_key_reused"
    );
    assert_eq!(subscriptions_of(&app, &bob).await, before + 1);

    // a new key is a new request; an error answer is replayed too
    let second = start_subscription(&server, &auth, "retry-2", &body).await;
    assert_eq!(second.status_code(), 201);
    assert_ne!(second.text(), first.text());
    let bad = serde_json::json!({ "customer": bob.pid, "price": "nope" });
    assert_eq!(
        start_subscription(&server, &auth, "bad-1", &bad)
            .await
            .status_code(),
        422
    );
    assert_eq!(
        start_subscription(&server, &auth, "bad-1", &bad)
            .await
            .status_code(),
        422
    );
    assert_eq!(subscriptions_of(&app, &bob).await, before + 2);

    // a key longer than 255 characters is refused
    let key = "x".repeat(256);
    let too_long = start_subscription(&server, &auth, &key, &body).await;
    assert_eq!(too_long.status_code(), 400);

    // a request still in flight with the key: the racer gets 409
    let acme = support::workspace(ctx, "acme").await;
    let now = support::now();
    let claim = |hash: &'static str| {
        api_idempotency_keys::Model::claim(&ctx.db, acme.id, "racing", hash, now)
    };
    assert!(matches!(
        claim("h").await.unwrap(),
        api_idempotency_keys::Claim::Fresh(_)
    ));
    assert_eq!(
        claim("h").await.unwrap(),
        api_idempotency_keys::Claim::InFlight
    );
    assert_eq!(
        claim("other").await.unwrap(),
        api_idempotency_keys::Claim::Mismatch
    );
    // after 24 hours the key starts afresh
    let later = now + chrono::Duration::hours(25);
    assert!(matches!(
        api_idempotency_keys::Model::claim(&ctx.db, acme.id, "racing", "other", later)
            .await
            .unwrap(),
        api_idempotency_keys::Claim::Fresh(_)
    ));
}

#[tokio::test]
async fn two_parallel_requests_with_one_key_create_one_subscription() {
    let app = support::boot_with_demo().await;
    let server = app.server();
    let (auth, bob, body) = bob_subscribes(&app, &server).await;
    let before = subscriptions_of(&app, &bob).await;
    let (a, b) = tokio::join!(
        start_subscription(&server, &auth, "parallel", &body),
        start_subscription(&server, &auth, "parallel", &body)
    );
    let mut codes = [a.status_code().as_u16(), b.status_code().as_u16()];
    codes.sort_unstable();
    assert!(codes == [201, 201] || codes == [201, 409], "{codes:?}");
    let after = subscriptions_of(&app, &bob).await;
    assert_eq!(after, before + 1);
}

#[tokio::test]
async fn a_database_failure_is_a_server_error_with_its_request_id_never_a_404() {
    use sea_orm::ConnectionTrait;
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let auth = format!("Bearer {}", portal::demo::api_key(&support::secrets(ctx)));
    ctx.db
        .execute_unprepared("ALTER TABLE workspaces RENAME TO workspaces_gone")
        .await
        .unwrap();
    let server = app.server();

    let page = server.get("/portal/acme/login").await;
    assert_eq!(page.status_code(), 500, "{}", page.text());
    let id = page.header("x-request-id").to_str().unwrap().to_string();
    assert!(!id.is_empty());
    assert!(page.text().contains("Something went wrong on our side"));
    assert!(page.text().contains(&id), "the page names the request id");

    let api = server
        .get("/api/v1/customers")
        .add_header("authorization", &auth)
        .await;
    assert_eq!(api.status_code(), 500, "{}", api.text());
    let body: serde_json::Value = api.json();
    assert_eq!(body["error"], "internal_server_error");
    assert_eq!(
        body["request_id"],
        api.header("x-request-id").to_str().unwrap()
    );
}

#[tokio::test]
async fn every_api_error_has_one_json_shape() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let auth = format!("Bearer {}", portal::demo::api_key(&support::secrets(ctx)));
    let server = app.server();

    let malformed = server
        .post("/api/v1/customers")
        .add_header("authorization", &auth)
        .content_type("application/json")
        .bytes("{\"email\": ".into())
        .await;
    assert_eq!(malformed.status_code(), 400, "{}", malformed.text());
    let body: serde_json::Value = malformed.json();
    assert_eq!(body["error"], "bad_request");
    assert!(
        body["description"].as_str().unwrap().contains("JSON"),
        "{body}"
    );

    let wrong_type = server
        .post("/api/v1/subscriptions")
        .add_header("authorization", &auth)
        .json(&serde_json::json!({ "customer": "c", "price": "p", "quantity": "two" }))
        .await;
    assert_eq!(wrong_type.status_code(), 422, "{}", wrong_type.text());
    let body: serde_json::Value = wrong_type.json();
    assert_eq!(body["error"], "validation_failed");
    assert!(body["errors"]["quantity"].is_string(), "{body}");

    let not_json = server
        .post("/api/v1/customers")
        .add_header("authorization", &auth)
        .text("email=a@b.c")
        .await;
    assert_eq!(not_json.status_code(), 415);
    assert_eq!(
        not_json.json::<serde_json::Value>()["error"],
        "unsupported_media_type"
    );

    let bad_query = server
        .get("/api/v1/customers?limit=lots")
        .add_header("authorization", &auth)
        .await;
    assert_eq!(bad_query.status_code(), 400, "{}", bad_query.text());
    assert_eq!(
        bad_query.json::<serde_json::Value>()["error"],
        "bad_request"
    );

    let no_route = server
        .get("/api/v1/nothing-here")
        .add_header("authorization", &auth)
        .await;
    assert_eq!(no_route.status_code(), 404);
    assert_eq!(no_route.json::<serde_json::Value>()["error"], "not_found");
}

#[tokio::test]
async fn a_missing_static_file_is_a_404_page() {
    let app = support::boot().await;
    let server = app.server();
    let missing = server.get("/static/nothing-here.css").await;
    assert_eq!(missing.status_code(), 404);
    assert!(missing.text().contains("Page not found"));
    let present = server.get("/static/portal.css").await;
    assert_eq!(present.status_code(), 200);
    assert!(present
        .header("content-type")
        .to_str()
        .unwrap()
        .starts_with("text/css"));
}

#[tokio::test]
async fn a_five_megabyte_logo_is_answered_on_the_branding_page() {
    use axum_test::multipart::{MultipartForm, Part};
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let admin = app.server();
    support::console_sign_in(&admin, ctx, "admin@acme.test").await;
    let csrf = support::csrf(&admin.get("/admin/acme/branding").await.text());
    let mut png = vec![0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];
    png.resize(5 * 1024 * 1024, 0);
    let res = admin
        .post("/admin/acme/branding")
        .multipart(
            MultipartForm::new()
                .add_text("csrf_token", csrf)
                .add_text("name", "Acme Cloud")
                .add_text("accent_color", "#4338ca")
                .add_part(
                    "logo",
                    Part::bytes(png)
                        .file_name("huge.png")
                        .mime_type("image/png"),
                ),
        )
        .await;
    assert_eq!(res.status_code(), 413);
    assert!(res
        .header("content-type")
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(
        res.text().contains("The logo is larger than 200 KB"),
        "{}",
        res.text()
    );
    assert!(support::workspace(ctx, "acme").await.logo_url.is_none());
}

#[tokio::test]
async fn line_breaks_in_one_line_fields_and_unknown_currencies_are_refused() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let server = app.server();
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    support::sign_in(&server, ctx, &ada).await;
    let page = server.get("/portal/acme/profile").await;
    let res = server
        .post("/portal/acme/profile")
        .form(&[
            ("csrf_token", support::csrf(&page.text()).as_str()),
            ("name", "Ada Lovelace"),
            ("email", "ada@example.com"),
            ("postal_code", "SW1Y\r\n5AA"),
            ("country", "GB"),
        ])
        .await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    assert!(res.text().contains("Enter this on one line"));
    assert_eq!(
        support::customer(ctx, "acme", "ada@example.com")
            .await
            .postal_code,
        ada.postal_code
    );

    let auth = format!("Bearer {}", portal::demo::api_key(&support::secrets(ctx)));
    let products: serde_json::Value = server
        .get("/api/v1/products")
        .add_header("authorization", &auth)
        .await
        .json();
    let product = products["data"][0]["id"].clone();
    for currency in ["ZZZ", "XXX", "XAU"] {
        let res = server
            .post("/api/v1/prices")
            .add_header("authorization", &auth)
            .json(&serde_json::json!({ "product": product, "unit_amount": 1000, "currency": currency, "interval": "month" }))
            .await;
        assert_eq!(res.status_code(), 422, "{currency}: {}", res.text());
        assert!(res.json::<serde_json::Value>()["errors"]["currency"].is_string());
    }
    let named = server
        .post("/api/v1/products")
        .add_header("authorization", &auth)
        .json(&serde_json::json!({ "name": "Line\nbreak" }))
        .await;
    assert_eq!(named.status_code(), 422, "{}", named.text());
    assert!(named.json::<serde_json::Value>()["errors"]["name"].is_string());
}

#[tokio::test]
async fn an_api_key_over_its_budget_gets_429_with_retry_after() {
    let mut config = support::test_config().await;
    config.settings.as_mut().unwrap()["api_requests_per_minute"] = 3.into();
    let app = support::with_demo(support::boot_with(config, StartMode::ServerOnly).await).await;
    let ctx = &app.app_context;
    let server = app.server();
    let auth = format!("Bearer {}", portal::demo::api_key(&support::secrets(ctx)));
    for _ in 0..3 {
        let ok = server
            .get("/api/v1/customers")
            .add_header("authorization", &auth)
            .await;
        assert_eq!(ok.status_code(), 200);
    }
    let limited = server
        .get("/api/v1/customers")
        .add_header("authorization", &auth)
        .await;
    assert_eq!(limited.status_code(), 429);
    let wait: u64 = limited
        .header("retry-after")
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert_eq!(limited.json::<serde_json::Value>()["error"], "rate_limited");
    // another workspace's key has its own budget
    let globex = support::workspace(ctx, "globex").await;
    let key = portal::models::api_keys::Model::create(
        &ctx.db,
        &support::secrets(ctx),
        globex.id,
        "app",
        None,
    )
    .await
    .unwrap();
    let other = server
        .get("/api/v1/customers")
        .add_header("authorization", format!("Bearer {}", key.secret))
        .await;
    assert_eq!(other.status_code(), 200);
}

#[tokio::test]
async fn no_server_banner_private_pages_are_not_indexed_and_answers_are_compressed() {
    let app = support::boot_with_demo().await;
    let server = app.server();
    for path in [
        "/portal/acme/login",
        "/admin",
        "/_ping",
        "/api/v1/openapi.json",
        "/nowhere",
    ] {
        let res = server.get(path).await;
        assert!(
            res.maybe_header("x-powered-by").is_none(),
            "{path} names its framework"
        );
    }
    for path in [
        "/portal/acme/login",
        "/admin/login",
        "/portal/acme/subscriptions",
    ] {
        let res = server.get(path).await;
        assert_eq!(
            res.maybe_header("x-robots-tag")
                .map(|v| v.to_str().unwrap().to_string())
                .as_deref(),
            Some("noindex, nofollow"),
            "{path}"
        );
    }
    let page = server
        .get("/api/v1/openapi.json")
        .add_header("accept-encoding", "gzip")
        .await;
    assert_eq!(
        page.maybe_header("content-encoding")
            .map(|v| v.to_str().unwrap().to_string())
            .as_deref(),
        Some("gzip")
    );
    let plain = server.get("/api/v1/openapi.json").await;
    assert!(
        plain.maybe_header("content-encoding").is_none(),
        "only when the client accepts it"
    );
}

/// Gunzips a response body (what an HTTP client does for `content-encoding: gzip`).
fn gunzip(bytes: &[u8]) -> serde_json::Value {
    use std::io::Read;
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .expect("a gzip body");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[tokio::test]
async fn clients_accepting_gzip_get_the_same_errors_and_replays() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let auth = format!("Bearer {}", portal::demo::api_key(&support::secrets(ctx)));
    let server = app.server();
    // an API error keeps its description (the error layer reads it plainly)
    let malformed = server
        .post("/api/v1/customers")
        .add_header("authorization", &auth)
        .add_header("accept-encoding", "gzip")
        .content_type("application/json")
        .bytes("{\"email\": ".into())
        .await;
    assert_eq!(malformed.status_code(), 400);
    let body = gunzip(malformed.as_bytes());
    assert_eq!(body["error"], "bad_request", "{body}");
    assert!(
        body["description"].as_str().unwrap().contains("JSON"),
        "{body}"
    );
    // a retried create with its key replays the first answer, readable
    let create = || {
        server
            .post("/api/v1/customers")
            .add_header("authorization", &auth)
            .add_header("accept-encoding", "gzip")
            .add_header("idempotency-key", "gzip-replay-1")
            .json(&serde_json::json!({ "email": "gzip@example.com", "name": "Gzip" }))
    };
    let first = create().await;
    assert_eq!(first.status_code(), 201, "{:?}", first.as_bytes());
    let again = create().await;
    assert_eq!(again.status_code(), 201);
    assert_eq!(again.header("idempotent-replayed"), "true");
    assert_eq!(gunzip(again.as_bytes()), gunzip(first.as_bytes()));
}
