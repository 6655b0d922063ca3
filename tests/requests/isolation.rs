//! A customer of one workspace never sees another's portal, and a switched
//! off section disappears from the menu and answers 404.
use portal::models::{
    subscriptions,
    workspaces::{self, PortalSection},
};
use sea_orm::IntoActiveModel;

use crate::support;

#[tokio::test]
async fn a_customer_of_acme_gets_404_on_every_globex_url() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let server = app.server();
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    let globex_ada = support::customer(ctx, "globex", "ada@example.com").await;
    let globex_sub =
        subscriptions::Model::list_for_customer(&ctx.db, globex_ada.workspace_id, globex_ada.id)
            .await
            .unwrap()[0]
            .id;
    let session = support::sign_in(&server, ctx, &ada).await;
    let page = server.get("/portal/acme/profile").await;
    let csrf = support::csrf(&page.text());
    // a browser would not even send acme's cookie to globex; a crafted request does
    let cookie = format!("portal_session={session}");
    let server = app.bare_client(); // sends only the crafted cookie
    assert!(
        portal::models::customer_sessions::Model::is_live_elsewhere(
            &ctx.db,
            &support::secrets(ctx),
            &session,
            support::now()
        )
        .await
        .unwrap(),
        "the acme session is live"
    );
    let own = server
        .get("/portal/acme/profile")
        .add_header("cookie", &cookie)
        .await;
    assert_eq!(
        own.status_code(),
        200,
        "the crafted cookie works on acme: {:?}",
        own.maybe_header("location")
    );

    for path in [
        "/portal/globex".to_string(),
        "/portal/globex/subscriptions".to_string(),
        format!("/portal/globex/subscriptions/{globex_sub}"),
        "/portal/globex/payment-methods".to_string(),
        "/portal/globex/billing".to_string(),
        "/portal/globex/profile".to_string(),
    ] {
        let r = server.get(&path).add_header("cookie", &cookie).await;
        assert_eq!(
            r.status_code(),
            404,
            "GET {path} -> {:?}",
            r.maybe_header("location")
        );
    }
    let post = server
        .post("/portal/globex/profile")
        .add_header("cookie", &cookie)
        .form(&[("csrf_token", csrf.as_str()), ("name", "Hacked")])
        .await;
    assert_eq!(post.status_code(), 404);
    let logout = server
        .post("/portal/globex/logout")
        .add_header("cookie", &cookie)
        .form(&[("csrf_token", csrf.as_str())])
        .await;
    assert_eq!(logout.status_code(), 404);
    // and globex ids through acme's own URLs do not exist either, nor may
    // any decision be made about them (every switch on, so the 404 is the
    // isolation's, not a switch's)
    use portal::capabilities::Capability;
    for capability in Capability::all() {
        support::set_capability(ctx, "acme", capability, true).await;
        support::set_capability(ctx, "globex", capability, true).await;
    }
    let globex_before =
        subscriptions::Model::list_for_customer(&ctx.db, globex_ada.workspace_id, globex_ada.id)
            .await
            .unwrap();
    for slug in ["acme", "globex"] {
        let base = format!("/portal/{slug}/subscriptions/{globex_sub}");
        for path in [
            base.clone(),
            format!("{base}/cancel"),
            format!("{base}/pause"),
            format!("{base}/change"),
            format!("{base}/change?price=1"),
            format!("{base}/change/return"),
        ] {
            let r = server.get(&path).add_header("cookie", &cookie).await;
            assert_eq!(r.status_code(), 404, "GET {path}");
        }
        for (action, form) in [
            ("cancel", vec![("when", "now")]),
            ("keep", vec![]),
            ("pause", vec![("periods", "1")]),
            ("resume", vec![]),
            (
                "change",
                vec![
                    ("price_id", "1"),
                    ("quantity", "1"),
                    ("at", "0"),
                    ("total", "0"),
                ],
            ),
        ] {
            let mut fields = vec![("csrf_token", csrf.as_str())];
            fields.extend(form);
            let r = server
                .post(&format!("{base}/{action}"))
                .add_header("cookie", &cookie)
                .form(&fields)
                .await;
            assert_eq!(r.status_code(), 404, "POST {base}/{action}");
        }
    }
    assert_eq!(
        subscriptions::Model::list_for_customer(&ctx.db, globex_ada.workspace_id, globex_ada.id)
            .await
            .unwrap(),
        globex_before,
        "nothing of globex's moved"
    );
    let untouched = support::customer(ctx, "globex", "ada@example.com").await;
    assert_eq!(untouched.name, "Ada King");
}

#[tokio::test]
async fn a_switched_off_section_leaves_the_menu_and_answers_404() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let server = app.server();
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    support::sign_in(&server, ctx, &ada).await;

    let menu = server.get("/portal/acme/subscriptions").await.text();
    let order: Vec<usize> = [
        "Subscriptions",
        "Payment methods",
        "Billing history",
        "Profile",
    ]
    .iter()
    .map(|label| {
        menu.find(&format!(">{label}</a>"))
            .unwrap_or_else(|| panic!("{label} in menu"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "menu order");

    let acme = support::workspace(ctx, "acme").await;
    let acme: workspaces::Model = acme
        .into_active_model()
        .set_section(&ctx.db, PortalSection::PaymentMethods, false)
        .await
        .unwrap();
    let menu = server.get("/portal/acme/subscriptions").await.text();
    assert!(!menu.contains(">Payment methods</a>"));
    assert!(menu.contains(">Billing history</a>"));
    assert_eq!(
        server
            .get("/portal/acme/payment-methods")
            .await
            .status_code(),
        404
    );

    acme.into_active_model()
        .set_section(&ctx.db, PortalSection::Subscriptions, false)
        .await
        .unwrap();
    assert_eq!(
        server.get("/portal/acme/subscriptions").await.status_code(),
        404
    );
    let landing = server.get("/portal/acme").await;
    assert_eq!(landing.header("location"), "/portal/acme/billing");
}
