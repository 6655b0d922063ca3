//! Magic-link sign-in over real SMTP (the sink scripts/test starts).
use chrono::Duration;
use portal::models::{
    customer_sessions,
    customers::{self, NewCustomer},
    sign_in_tokens::{self, PURPOSE_SIGN_IN},
};
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::support::{self, mail};

async fn customer(ctx: &loco_rs::app::AppContext, email: &str) -> customers::Model {
    let acme = support::workspace(ctx, "acme").await;
    customers::Model::create(
        &ctx.db,
        acme.id,
        &NewCustomer {
            email: email.into(),
            name: "Grace Hopper".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

async fn request_link(server: &axum_test::TestServer, email: &str) -> axum_test::TestResponse {
    let login = server.get("/portal/acme/login").await;
    server
        .post("/portal/acme/login")
        .form(&[
            ("email", email),
            ("csrf_token", &support::csrf(&login.text())),
        ])
        .await
}

#[tokio::test]
async fn the_emailed_link_signs_in_once_and_only_on_post() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let server = app.server();
    let email = mail::unique_address("grace");
    customer(ctx, &email).await;

    let sent = request_link(&server, &email).await;
    assert_eq!(sent.status_code(), 200);
    assert!(sent.text().contains("Check your email"));

    let message = mail::wait_for(&email, 1).await;
    assert_eq!(message.subject, "Your sign-in link for Acme Cloud");
    let link = message.link_with("/portal/acme/login/");
    assert!(message.text.contains("valid for 30 minutes"));
    assert!(message
        .text
        .contains("If you did not ask for this, ignore this email"));
    assert!(
        message.html.contains(&format!(r#"href="{link}""#)),
        "button and fallback link in HTML"
    );
    assert!(message.html.contains("Open my account"));
    assert!(message.html.contains(&message.code()));
    assert!(message.html.contains("Acme Cloud"));
    let path = link.split("5150").nth(1).unwrap_or(&link).to_string();
    let token = path.rsplit('/').next().unwrap().to_string();
    assert!(token.len() >= 32, "at least 128 bits");
    // only a keyed hash of the token is stored
    let stored = sign_in_tokens::Entity::find().all(&ctx.db).await.unwrap();
    assert!(stored.iter().all(|t| !t.token_hash.contains(&token)));

    // GET shows Continue and does not sign in
    let page = server.get(&path).await;
    assert_eq!(page.status_code(), 200);
    assert!(page.text().contains("Continue to your account"));
    assert_eq!(
        server.get("/portal/acme/subscriptions").await.status_code(),
        303
    );
    assert_eq!(
        customer_sessions::Entity::find()
            .count(&ctx.db)
            .await
            .unwrap(),
        0
    );

    // POST signs in, with a new session cookie scoped to this workspace
    let signed_in = server
        .post(&path)
        .form(&[("csrf_token", support::csrf(&page.text()))])
        .await;
    assert_eq!(signed_in.status_code(), 303);
    assert_eq!(signed_in.header("location"), "/portal/acme/subscriptions");
    let cookie = signed_in
        .iter_headers_by_name("set-cookie")
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("portal_session="))
        .expect("session cookie");
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
            && cookie.contains("Path=/portal/acme"),
        "{cookie}"
    );
    assert_eq!(
        server.get("/portal/acme/subscriptions").await.status_code(),
        200
    );

    // a second POST of the same link fails with a way to get a new one
    let again = server
        .post(&path)
        .form(&[("csrf_token", support::csrf(&page.text()))])
        .await;
    assert_eq!(again.status_code(), 410);
    assert!(again.text().contains("expired or was already used"));
    assert!(again.text().contains("Email me a new link"));
}

#[tokio::test]
async fn an_unknown_email_gets_the_identical_answer_and_no_mail() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let server = app.server();
    let known = mail::unique_address("known");
    let unknown = mail::unique_address("unknown");
    customer(ctx, &known).await;

    let a = request_link(&server, &known).await;
    let b = request_link(&server, &unknown).await;
    assert_eq!(a.status_code(), b.status_code());
    assert_eq!(
        a.text().replace(&known, "EMAIL"),
        b.text().replace(&unknown, "EMAIL")
    );
    mail::wait_for(&known, 1).await;
    assert!(mail::all_to(&unknown).is_empty());
}

#[tokio::test]
async fn a_link_older_than_thirty_minutes_is_refused() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let server = app.server();
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    // issued 31 minutes ago: the clock moves, nobody sleeps
    let issued = sign_in_tokens::Model::issue(
        &ctx.db,
        &support::secrets(ctx),
        ada.workspace_id,
        ada.id,
        PURPOSE_SIGN_IN,
        None,
        None,
        support::now() - Duration::minutes(31),
    )
    .await
    .unwrap();
    let path = format!("/portal/acme/login/{}", issued.token);
    let page = server.get(&path).await;
    assert_eq!(page.status_code(), 410);
    assert!(
        page.text().contains("ada@example.com"),
        "the new-link form is prefilled"
    );
    let post = server
        .post(&path)
        .form(&[("csrf_token", support::csrf(&page.text()))])
        .await;
    assert_eq!(post.status_code(), 410);
    assert_eq!(
        server.get("/portal/acme/subscriptions").await.status_code(),
        303
    );
}

#[tokio::test]
async fn the_code_from_the_email_is_a_second_way_in() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let server = app.server();
    let email = mail::unique_address("code");
    customer(ctx, &email).await;
    let sent = request_link(&server, &email).await;
    let csrf = support::csrf(&sent.text());
    let code = mail::wait_for(&email, 1).await.code();

    let wrong = if code == "000000" { "111111" } else { "000000" };
    let bad = server
        .post("/portal/acme/login/code")
        .form(&[
            ("email", email.as_str()),
            ("code", wrong),
            ("csrf_token", &csrf),
        ])
        .await;
    assert_eq!(bad.status_code(), 422);
    assert!(bad.text().contains("That code is not valid or has expired"));

    let good = server
        .post("/portal/acme/login/code")
        .form(&[
            ("email", email.as_str()),
            ("code", code.as_str()),
            ("csrf_token", &csrf),
        ])
        .await;
    assert_eq!(good.status_code(), 303, "{}", good.text());
    assert_eq!(server.get("/portal/acme/profile").await.status_code(), 200);
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_refused() {
    let app = support::boot_with_demo().await;
    let server = app.server();
    server.get("/portal/acme/login").await;
    let forged = server
        .post("/portal/acme/login")
        .form(&[("email", "ada@example.com"), ("csrf_token", "forged")])
        .await;
    assert_eq!(forged.status_code(), 403);
    assert!(forged.text().contains("This form has expired"));
}

#[tokio::test]
async fn bad_emails_get_a_field_error_and_floods_get_a_clear_limit() {
    let app = support::boot_with_demo().await;
    let server = app.server();
    let bad = request_link(&server, "not an email").await;
    assert_eq!(bad.status_code(), 422);
    assert!(bad.text().contains("Enter a valid email address"));
    assert!(bad.text().contains(r#"aria-invalid="true""#));

    let email = mail::unique_address("flood");
    for _ in 0..portal::models::sign_in_requests::PER_EMAIL {
        assert_eq!(request_link(&server, &email).await.status_code(), 200);
    }
    let limited = request_link(&server, &email).await;
    assert_eq!(limited.status_code(), 429);
    assert!(limited
        .text()
        .contains("Too many sign-in requests for this email"));
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let server = app.server();
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    support::sign_in(&server, ctx, &ada).await;
    let page = server.get("/portal/acme/profile").await;
    assert_eq!(page.status_code(), 200);
    let out = server
        .post("/portal/acme/logout")
        .form(&[("csrf_token", support::csrf(&page.text()))])
        .await;
    assert_eq!(out.status_code(), 303);
    let sessions = customer_sessions::Entity::find()
        .all(&ctx.db)
        .await
        .unwrap();
    assert!(sessions.iter().all(|s| s.revoked_at.is_some()));
    assert_eq!(server.get("/portal/acme/profile").await.status_code(), 303);
}

#[tokio::test]
async fn sign_in_pages_send_strict_security_headers() {
    let app = support::boot_with_demo().await;
    let page = app.server().get("/portal/acme/login").await;
    let csp = page.header("content-security-policy");
    let csp = csp.to_str().unwrap();
    assert!(!csp.contains("unsafe-inline"));
    assert!(csp.contains("frame-ancestors 'none'"));
    assert!(csp.contains("default-src 'self'"));
    assert_eq!(page.header("referrer-policy"), "no-referrer");
    assert_eq!(page.header("x-content-type-options"), "nosniff");
    assert!(!page.text().contains("style=\""), "no inline styles");
    assert!(!page.text().contains("<script"), "no scripts");
}

#[tokio::test]
async fn the_page_speaks_the_browsers_language() {
    let app = support::boot_with_demo().await;
    let page = app
        .server()
        .get("/portal/acme/login")
        .add_header("accept-language", "de-DE,de;q=0.9,en;q=0.5")
        .await;
    assert!(page.text().contains(r#"<html lang="de-DE">"#));
    assert!(page.text().contains("Anmeldelink per E-Mail senden"));
    // French is a folder of Fluent files; a Canadian French browser finds it
    let page = app
        .server()
        .get("/portal/acme/login")
        .add_header("accept-language", "fr-CA,fr;q=0.9,en;q=0.5")
        .await;
    assert!(page.text().contains(r#"<html lang="fr-FR">"#));
    assert!(page.text().contains("M’envoyer un lien de connexion"));
    // q=0 means "not this one"
    let page = app
        .server()
        .get("/portal/acme/login")
        .add_header("accept-language", "fr;q=0, de;q=0.5")
        .await;
    assert!(page.text().contains(r#"<html lang="de-DE">"#));
}

#[tokio::test]
async fn a_browser_asking_for_a_language_we_do_not_offer_reads_the_workspaces() {
    let app = support::boot_with_demo().await;
    // globex speaks German; this browser wants Italian, then English
    let page = app
        .server()
        .get("/portal/globex/login")
        .add_header("accept-language", "it-IT,it;q=0.9,en;q=0.8")
        .await;
    assert!(
        page.text().contains(r#"<html lang="de-DE">"#),
        "{}",
        page.text()
    );
    // a browser whose first choice we offer gets it
    let page = app
        .server()
        .get("/portal/globex/login")
        .add_header("accept-language", "en-GB,en;q=0.9")
        .await;
    assert!(page.text().contains(r#"<html lang="en-US">"#));
}
