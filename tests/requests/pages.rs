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
    assert!(html.contains(r#"href="/portal/acme/theme.css""#));

    let globex = request.get("/portal/globex/login").await;
    assert!(globex.text().contains("Globex Corporation"));
    assert!(!globex.text().contains("Acme"));

    let theme = request.get("/portal/globex/theme.css").await;
    assert_eq!(theme.status_code(), 200);
    assert_eq!(theme.text(), ":root{--accent:#0f766e;}\n");

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
