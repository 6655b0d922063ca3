use crate::support;

#[tokio::test]
async fn health_portal_login_and_console_answer_with_real_pages() {
    let app = support::boot_with_demo().await;
    let request = app.server();

    assert_eq!(request.get("/_health").await.status_code(), 200);
    assert_eq!(request.get("/_ping").await.status_code(), 200);

    let login = request.get("/portal/acme/login").await;
    assert_eq!(login.status_code(), 200);
    let html = login.text();
    assert!(
        html.contains("<title>Sign in · Acme Cloud</title>"),
        "{html}"
    );
    assert!(html.contains(r#"<label for="email">Email address</label>"#));
    assert!(html.contains("support@acme.test"));
    assert!(
        html.contains(r#"href="/portal/acme/theme.css?v=4338ca""#),
        "{html}"
    );

    let globex = request.get("/portal/globex/login").await;
    assert!(globex.text().contains("Globex Corporation"));
    assert!(!globex.text().contains("Acme"));

    let theme = request.get("/portal/globex/theme.css").await;
    assert_eq!(theme.status_code(), 200);
    // the accent, the label on it, links on a light page; links on a dark one
    let css = theme.text();
    assert!(
        css.starts_with(":root{--accent:#0f766e;--on-accent:#ffffff;--accent-text:#0f766e}"),
        "{css}"
    );
    assert!(css.contains("@media (prefers-color-scheme:dark)"), "{css}");

    let console = request.get("/admin").await;
    assert_eq!(console.status_code(), 200);
    assert!(console
        .text()
        .contains(r#"<input id="password" name="password" type="password""#));
}

#[tokio::test]
async fn an_unknown_workspace_is_not_found() {
    let app = support::boot().await;
    let request = app.server();
    assert_eq!(request.get("/portal/nobody/login").await.status_code(), 404);
    assert_eq!(
        request.get("/portal/nobody/theme.css").await.status_code(),
        404
    );
}

#[tokio::test]
async fn the_development_outbox_is_not_mounted_outside_development() {
    let app = support::boot().await;
    assert_eq!(app.server().get("/_dev/mail").await.status_code(), 404);
}

#[tokio::test]
async fn an_unknown_url_answers_404_with_a_page_of_our_own() {
    let app = support::boot().await;
    let response = app.server().get("/portal/acme/no-such-page").await;
    assert_eq!(response.status_code(), 404);
    let html = response.text();
    assert!(html.contains("<h1>Page not found</h1>"), "{html}");
    assert!(html.contains(r#"href="/static/portal.css""#));
    assert!(
        !html.contains("https://"),
        "no other host is asked for anything: {html}"
    );
}

#[tokio::test]
async fn errors_are_pages_in_the_readers_language_branded_with_the_workspace() {
    use portal::models::workspaces::PortalSection;
    use sea_orm::IntoActiveModel;
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let server = app.server();
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    support::sign_in(&server, ctx, &ada).await;

    // a path parameter that is not a number: 400, a page, not axum's text
    let bad = server.get("/portal/acme/subscriptions/abc").await;
    assert_eq!(bad.status_code(), 400);
    let html = bad.text();
    assert!(
        html.contains("<h1>This request could not be read</h1>"),
        "{html}"
    );
    assert!(
        html.contains("Acme Cloud") && html.contains("/portal/acme/theme.css"),
        "{html}"
    );
    assert!(!html.contains("Cannot parse"), "no framework text: {html}");
    assert!(
        html.contains(r#"<a href="/portal/acme">"#),
        "a way back in: {html}"
    );

    // a switched-off section: 404, a page, in German for a German reader
    support::workspace(ctx, "acme")
        .await
        .into_active_model()
        .set_section(&ctx.db, PortalSection::PaymentMethods, false)
        .await
        .unwrap();
    let off = server
        .get("/portal/acme/payment-methods")
        .add_header("accept-language", "de-DE,de;q=0.9")
        .await;
    assert_eq!(off.status_code(), 404);
    let html = off.text();
    assert!(html.contains(r#"<html lang="de-DE">"#), "{html}");
    assert!(html.contains("<h1>Seite nicht gefunden</h1>"), "{html}");
    assert!(!html.contains("not_found"), "no JSON: {html}");

    // the console and unknown places: our page in English; the API: JSON
    let console = server.get("/admin/acme/nowhere").await;
    assert_eq!(console.status_code(), 404);
    assert!(console.text().contains("<h1>Page not found</h1>"));
    let api = server.get("/api/v1/nowhere").await;
    assert_eq!(api.status_code(), 404);
    assert_eq!(api.json::<serde_json::Value>()["error"], "not_found");
    // a rejected form is a page too (403 without its token)
    let forbidden = server
        .post("/portal/acme/profile")
        .form(&[("csrf_token", "wrong"), ("name", "x")])
        .await;
    assert_eq!(forbidden.status_code(), 403);
    assert!(
        forbidden
            .text()
            .contains("<h1>You cannot do this here</h1>"),
        "{}",
        forbidden.text()
    );
}

#[tokio::test]
async fn with_every_section_off_customers_are_told_so_and_whom_to_ask() {
    use portal::models::workspaces::PortalSection;
    use sea_orm::IntoActiveModel;
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let server = app.server();
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    support::sign_in(&server, ctx, &ada).await;
    assert_eq!(
        server.get("/portal/acme/closed").await.status_code(),
        404,
        "open while sections are"
    );
    for section in PortalSection::ALL {
        support::workspace(ctx, "acme")
            .await
            .into_active_model()
            .set_section(&ctx.db, section, false)
            .await
            .unwrap();
    }
    let home = server.get("/portal/acme").await;
    assert_eq!(home.status_code(), 303, "{}", home.text());
    assert_eq!(home.header("location"), "/portal/acme/closed");
    let page = server.get("/portal/acme/closed").await;
    assert_eq!(page.status_code(), 200);
    let html = page.text();
    assert!(
        html.contains("Your billing account is not available here"),
        "{html}"
    );
    let acme = support::workspace(ctx, "acme").await;
    if let Some(email) = acme.support_email {
        assert!(html.contains(&format!("mailto:{email}")), "{html}");
    }
}
