//! The access matrix over console pages and API routes, as HTTP sees it:
//! owner, admin, viewer, a user of another workspace, and no one, against
//! every console page (read and change), and the merchant API with acme's
//! key, globex's key and none.
use axum::http::StatusCode;
use axum_test::TestServer;
use portal::{demo, models::api_keys};

use crate::support::{self, TestApp};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Owner,
    Admin,
    Viewer,
    OtherWorkspace,
    NoOne,
}

const EVERYONE: [Who; 5] = [
    Who::Owner,
    Who::Admin,
    Who::Viewer,
    Who::OtherWorkspace,
    Who::NoOne,
];

async fn client(app: &TestApp, who: Who) -> TestServer {
    let server = app.server();
    let email = match who {
        Who::Owner => demo::OWNER_EMAIL,
        Who::Admin => "admin@acme.test",
        Who::Viewer => "viewer@acme.test",
        Who::OtherWorkspace => "owner@globex.test",
        Who::NoOne => return server,
    };
    support::console_sign_in(&server, &app.app_context, email).await;
    server
}

/// What a signed-in member may do with a resource, independently of
/// config/casbin/policy.csv (so a policy change shows up here).
fn may_change(who: Who, resource: &str) -> bool {
    match who {
        Who::Owner => true,
        Who::Admin => matches!(resource, "settings" | "customers"),
        _ => false,
    }
}

#[tokio::test]
async fn console_pages_by_role() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    let pages = [
        "/admin/acme/settings".to_string(),
        "/admin/acme/plans".to_string(),
        "/admin/acme/branding".to_string(),
        "/admin/acme/customers".to_string(),
        format!("/admin/acme/customers/{}", ada.pid),
        "/admin/acme/subscriptions".to_string(),
        "/admin/acme/charges".to_string(),
        "/admin/acme/team".to_string(),
        "/admin/acme/api-keys".to_string(),
        "/admin/acme/webhooks".to_string(),
    ];
    // (form, the resource it changes, a valid body without the token)
    let forms: Vec<(String, &str, Vec<(&str, String)>)> = vec![
        (
            "/admin/acme/settings".into(),
            "settings",
            vec![
                ("dunning_retry_days", "1,3,5".into()),
                ("section_subscriptions", "on".into()),
                ("section_profile", "on".into()),
                ("section_billing_history", "on".into()),
                ("section_payment_methods", "on".into()),
            ],
        ),
        ("/admin/acme/plans".into(), "settings", vec![]),
        (
            format!("/admin/acme/customers/{}/portal-link", ada.pid),
            "customers",
            vec![],
        ),
        (
            "/admin/acme/api-keys".into(),
            "api_keys",
            vec![("name", "matrix".into())],
        ),
        (
            "/admin/acme/webhooks".into(),
            "webhooks",
            vec![("url", "https://example.com/hooks".into())],
        ),
        (
            "/admin/acme/team".into(),
            "team",
            vec![
                ("email", "new-member@acme.test".into()),
                ("role", "viewer".into()),
            ],
        ),
    ];
    let mut checked = 0;
    for who in EVERYONE {
        let server = client(&app, who).await;
        for page in &pages {
            let res = server.get(page).await;
            let expected = match who {
                Who::NoOne => StatusCode::SEE_OTHER,
                Who::OtherWorkspace => StatusCode::NOT_FOUND,
                _ => StatusCode::OK,
            };
            assert_eq!(res.status_code(), expected, "{who:?} GET {page}");
            checked += 1;
        }
        let token = match who {
            Who::NoOne | Who::OtherWorkspace => "none".to_string(),
            _ => support::csrf(&server.get("/admin/acme/settings").await.text()),
        };
        for (path, resource, body) in &forms {
            let mut body = body.clone();
            body.push(("csrf_token", token.clone()));
            let res = server.post(path).form(&body).await;
            let status = res.status_code();
            match who {
                Who::NoOne => assert_eq!(status, StatusCode::SEE_OTHER, "{who:?} POST {path}"),
                Who::OtherWorkspace => {
                    assert_eq!(status, StatusCode::NOT_FOUND, "{who:?} POST {path}")
                }
                _ if may_change(who, resource) => assert!(
                    status.is_success() || status.is_redirection(),
                    "{who:?} POST {path}: {status} {}",
                    res.text()
                ),
                _ => assert_eq!(status, StatusCode::FORBIDDEN, "{who:?} POST {path}"),
            }
            checked += 1;
        }
    }
    assert_eq!(checked, EVERYONE.len() * (pages.len() + forms.len()));
}

#[tokio::test]
async fn api_routes_by_key() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let server = app.server();
    let acme_key = format!("Bearer {}", demo::api_key(&support::secrets(ctx)));
    let globex = support::workspace(ctx, "globex").await;
    let globex_key =
        api_keys::Model::create(&ctx.db, &support::secrets(ctx), globex.id, "matrix", None)
            .await
            .unwrap();
    let globex_key = format!("Bearer {}", globex_key.secret);
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    let routes = [
        format!("/api/v1/customers/{}", ada.pid),
        format!("/api/v1/customers/{}/payment_methods", ada.pid),
        format!("/api/v1/subscriptions?customer={}", ada.pid),
        format!("/api/v1/charges?customer={}", ada.pid),
        format!("/api/v1/invoices?customer={}", ada.pid),
    ];
    for route in &routes {
        let none = server.get(route).await;
        assert_eq!(
            none.status_code(),
            StatusCode::UNAUTHORIZED,
            "no key: {route}"
        );
        let own = server
            .get(route)
            .add_header("authorization", &acme_key)
            .await;
        assert_eq!(own.status_code(), StatusCode::OK, "acme's key: {route}");
        let other = server
            .get(route)
            .add_header("authorization", &globex_key)
            .await;
        assert_eq!(
            other.status_code(),
            StatusCode::NOT_FOUND,
            "globex's key: {route}"
        );
    }
    // lists with another workspace's key show that workspace's rows only
    let listed: serde_json::Value = server
        .get("/api/v1/customers?limit=100")
        .add_header("authorization", &globex_key)
        .await
        .json();
    assert!(!listed.to_string().contains(&ada.pid.to_string()));
    // a revoked key is refused
    let revoked = api_keys::Model::create(&ctx.db, &support::secrets(ctx), globex.id, "old", None)
        .await
        .unwrap();
    sea_orm::ActiveModelTrait::update(
        {
            let mut k: api_keys::ActiveModel =
                sea_orm::IntoActiveModel::into_active_model(revoked.record);
            k.revoked_at = sea_orm::ActiveValue::Set(Some(support::now()));
            k
        },
        &ctx.db,
    )
    .await
    .unwrap();
    let res = server
        .get("/api/v1/customers")
        .add_header("authorization", &format!("Bearer {}", revoked.secret))
        .await;
    assert_eq!(res.status_code(), StatusCode::UNAUTHORIZED);
}
