//! The merchant console: sign-in, password reset, roles, and portal
//! settings that reach the customer on their next page load.
use axum::http::StatusCode;
use portal::{
    demo,
    models::{
        memberships::{self, Role},
        users,
    },
};

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::support::{self, mail, TestApp};

async fn settings_form(
    app: &TestApp,
    server: &axum_test::TestServer,
) -> (String, Vec<(String, String)>) {
    let _ = app;
    let html = server.get("/admin/acme/settings").await.text();
    // the form as the browser would send it: every ticked box and the text fields
    let mut fields = vec![("csrf_token".to_string(), support::csrf(&html))];
    for chunk in html.split("<input ").skip(1) {
        let tag = chunk.split('>').next().unwrap_or_default();
        let attr = |name: &str| {
            tag.split(&format!("{name}=\""))
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .map(str::to_string)
        };
        let (Some(name), Some(kind)) = (attr("name"), attr("type").or(Some("text".into()))) else {
            continue;
        };
        match kind.as_str() {
            "checkbox" if tag.contains(" checked") => fields.push((name, "on".into())),
            "text" => fields.push((name, attr("value").unwrap_or_default())),
            _ => {}
        }
    }
    fields.push(("dunning_final_action".into(), "cancel".into()));
    (html, fields)
}

#[tokio::test]
async fn the_owner_switches_a_section_off_and_the_customer_loses_it_at_once() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let customer = app.server();
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    support::sign_in(&customer, ctx, &ada).await;
    customer
        .get("/portal/acme/payment-methods")
        .await
        .assert_status_ok();

    let owner = app.server();
    support::console_sign_in(&owner, ctx, demo::OWNER_EMAIL).await;
    let (html, fields) = settings_form(&app, &owner).await;
    assert!(html.contains("Portal settings"), "{html}");
    let off: Vec<_> = fields
        .into_iter()
        .filter(|(name, _)| name != "section_payment_methods")
        .collect();
    let saved = owner.post("/admin/acme/settings").form(&off).await;
    saved.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(saved.header("location"), "/admin/acme/settings?saved=1");

    // the customer's next page load: no menu entry, and the page is gone
    let page = customer.get("/portal/acme/subscriptions").await.text();
    assert!(!page.contains("/portal/acme/payment-methods"), "{page}");
    customer
        .get("/portal/acme/payment-methods")
        .await
        .assert_status(StatusCode::NOT_FOUND);

    // on again
    let (_, fields) = settings_form(&app, &owner).await;
    let mut on = fields;
    on.push(("section_payment_methods".into(), "on".into()));
    owner
        .post("/admin/acme/settings")
        .form(&on)
        .await
        .assert_status(StatusCode::SEE_OTHER);
    customer
        .get("/portal/acme/payment-methods")
        .await
        .assert_status_ok();
    let acme = support::workspace(ctx, "acme").await;
    assert!(acme.section_payment_methods);
}

#[tokio::test]
async fn a_bad_dunning_schedule_is_explained_and_nothing_is_saved() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let owner = app.server();
    support::console_sign_in(&owner, ctx, demo::OWNER_EMAIL).await;
    let (_, fields) = settings_form(&app, &owner).await;
    let bad: Vec<_> = fields
        .into_iter()
        .filter(|(n, _)| n != "section_profile")
        .map(|(n, v)| {
            if n == "dunning_retry_days" {
                (n, "5,3".to_string())
            } else {
                (n, v)
            }
        })
        .collect();
    let res = owner.post("/admin/acme/settings").form(&bad).await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text();
    assert!(html.contains("increasing, separated by commas"), "{html}");
    assert!(
        html.contains(r#"value="5,3""#),
        "what was typed stays: {html}"
    );
    let acme = support::workspace(ctx, "acme").await;
    assert_eq!(acme.dunning_retry_days, "1,3,5");
    assert!(
        acme.section_profile,
        "the other changes were not saved either"
    );
}

#[tokio::test]
async fn roles_decide_who_reads_and_who_changes_settings() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;

    // no one signed in: to the sign-in page
    let anonymous = app.server();
    let res = anonymous.get("/admin/acme/settings").await;
    res.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(res.header("location"), "/admin");

    // a viewer reads but cannot change
    let viewer = app.server();
    support::console_sign_in(&viewer, ctx, "viewer@acme.test").await;
    let (html, fields) = settings_form(&app, &viewer).await;
    assert!(
        html.contains("can view these settings but not change them"),
        "{html}"
    );
    let off: Vec<_> = fields
        .into_iter()
        .filter(|(n, _)| n != "section_profile")
        .collect();
    viewer
        .post("/admin/acme/settings")
        .form(&off)
        .await
        .assert_status(StatusCode::FORBIDDEN);
    assert!(support::workspace(ctx, "acme").await.section_profile);

    // another workspace's owner finds nothing here
    let globex = app.server();
    support::console_sign_in(&globex, ctx, "owner@globex.test").await;
    globex
        .get("/admin/acme/settings")
        .await
        .assert_status(StatusCode::NOT_FOUND);
    globex
        .post("/admin/acme/settings")
        .form(&off)
        .await
        .assert_status(StatusCode::NOT_FOUND);
    assert!(support::workspace(ctx, "acme").await.section_profile);

    // a forged form (no CSRF token) from a signed-in owner changes nothing
    let owner = app.server();
    support::console_sign_in(&owner, ctx, demo::OWNER_EMAIL).await;
    let forged: Vec<_> = off.into_iter().filter(|(n, _)| n != "csrf_token").collect();
    owner
        .post("/admin/acme/settings")
        .form(&forged)
        .await
        .assert_status(StatusCode::FORBIDDEN);
    assert!(support::workspace(ctx, "acme").await.section_profile);
}

#[tokio::test]
async fn a_user_in_two_workspaces_can_switch_between_them() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let owner = users::Model::find_by_email(&ctx.db, demo::OWNER_EMAIL)
        .await
        .unwrap();
    let globex = support::workspace(ctx, "globex").await;
    memberships::Model::grant(&ctx.db, globex.id, owner.id, Role::Viewer)
        .await
        .unwrap();
    let server = app.server();
    support::console_sign_in(&server, ctx, demo::OWNER_EMAIL).await;
    let acme_page = server.get("/admin/acme/settings").await.text();
    assert!(
        acme_page.contains(r#"<a href="/admin/globex/settings">Globex Corporation</a>"#),
        "{acme_page}"
    );
    let globex_page = server.get("/admin/globex/settings").await.text();
    assert!(globex_page.contains("Globex Corporation"), "{globex_page}");
    assert!(
        globex_page.contains("(viewer)"),
        "the role there is the one shown: {globex_page}"
    );
}

#[tokio::test]
async fn sign_in_says_what_went_wrong_and_stops_guessing() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let server = app.server();
    let page = server.get("/admin").await;
    let cookie = page.cookie("portal_console_csrf");
    assert!(cookie.http_only().unwrap_or(false));
    let csrf = support::csrf(&page.text());
    let attempt = |password: &'static str| {
        server.post("/admin/sign-in").form(&[
            ("csrf_token", csrf.as_str()),
            ("email", "admin@acme.test"),
            ("password", password),
        ])
    };
    for _ in 0..5 {
        let res = attempt("wrong password").await;
        res.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.text().contains("That email and password do not match."));
    }
    let res = attempt("wrong password").await;
    res.assert_status(StatusCode::TOO_MANY_REQUESTS);
    assert!(res
        .text()
        .contains("Too many failed attempts. Wait 15 minutes, or reset your password."));
    // the right password does not get through while locked either
    let password = demo::console_password(&support::secrets(ctx));
    let res = server
        .post("/admin/sign-in")
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("email", "admin@acme.test"),
            ("password", password.as_str()),
        ])
        .await;
    res.assert_status(StatusCode::TOO_MANY_REQUESTS);

    // another user signs in; the session cookie is HttpOnly, Lax, scoped to /admin
    let owner = app.server();
    support::console_sign_in(&owner, ctx, demo::OWNER_EMAIL).await;
    let page = owner.get("/admin/acme/settings").await;
    page.assert_status_ok();
    let fresh = app.bare_client();
    let res = fresh
        .post("/admin/sign-in")
        .form(&[
            ("csrf_token", "x"),
            ("email", demo::OWNER_EMAIL),
            ("password", password.as_str()),
        ])
        .await;
    res.assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_forgotten_password_is_reset_by_emailed_link() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    // an address of this test's own for the mail
    let address = mail::unique_address("console-reset");
    let user = users::Model::find_by_email(&ctx.db, "viewer@acme.test")
        .await
        .unwrap();
    let mut renamed: users::ActiveModel = sea_orm::IntoActiveModel::into_active_model(user);
    renamed.email = sea_orm::ActiveValue::Set(address.clone());
    sea_orm::ActiveModelTrait::update(renamed, &ctx.db)
        .await
        .unwrap();

    let server = app.server();
    let page = server.get("/admin/forgot").await.text();
    let res = server
        .post("/admin/forgot")
        .form(&[
            ("csrf_token", support::csrf(&page)),
            ("email", address.clone()),
        ])
        .await;
    res.assert_status_ok();
    assert!(res
        .text()
        .contains("a link to choose a new password is on its way"));
    // an unknown address gets the same answer and no mail
    let res = server
        .post("/admin/forgot")
        .form(&[
            ("csrf_token", support::csrf(&page)),
            ("email", "nobody@acme.test".to_string()),
        ])
        .await;
    assert!(res
        .text()
        .contains("a link to choose a new password is on its way"));

    let message = mail::wait_for(&address, 1).await;
    let link = message.link_with("/admin/reset/");
    let reset_page = server.get(&support::path_of(&link)).await;
    reset_page.assert_status_ok();
    let csrf = support::csrf(&reset_page.text());
    let short = server
        .post(&support::path_of(&link))
        .form(&[("csrf_token", csrf.as_str()), ("password", "short")])
        .await;
    short.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.text().contains("at least 12 characters"));
    let done = server
        .post(&support::path_of(&link))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("password", "a new long passphrase"),
        ])
        .await;
    done.assert_status(StatusCode::SEE_OTHER);
    // the link is used up; the new password works
    server
        .get(&support::path_of(&link))
        .await
        .assert_status(StatusCode::GONE);
    let page = server.get("/admin").await.text();
    let signed_in = server
        .post("/admin/sign-in")
        .form(&[
            ("csrf_token", support::csrf(&page)),
            ("email", address),
            ("password", "a new long passphrase".to_string()),
        ])
        .await;
    signed_in.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(signed_in.header("location"), "/admin/acme");
}

#[tokio::test]
async fn an_owner_creates_an_api_key_sees_it_once_and_revokes_it() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let owner = app.server();
    support::console_sign_in(&owner, ctx, demo::OWNER_EMAIL).await;
    let page = owner.get("/admin/acme/api-keys").await.text();
    let empty = owner
        .post("/admin/acme/api-keys")
        .form(&[
            ("csrf_token", support::csrf(&page)),
            ("name", " ".to_string()),
        ])
        .await;
    empty.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.text().contains("Name the key"));
    let created = owner
        .post("/admin/acme/api-keys")
        .form(&[
            ("csrf_token", support::csrf(&page)),
            ("name", "billing app".to_string()),
        ])
        .await;
    created.assert_status(StatusCode::CREATED);
    let html = created.text();
    let secret = html
        .split(r#"id="revealed" readonly value=""#)
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string();
    assert!(secret.starts_with("sk_"));
    // it works, and the list never shows it again
    let api = app.server();
    api.get("/api/v1/customers")
        .add_header("authorization", &format!("Bearer {secret}"))
        .await
        .assert_status_ok();
    let again = owner.get("/admin/acme/api-keys").await.text();
    assert!(!again.contains(&secret), "revealed once");
    assert!(again.contains("billing app"));
    let key = portal::models::api_keys::Entity::find()
        .filter(portal::models::api_keys::Column::Name.eq("billing app"))
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(key.key_hash, secret, "stored hashed");
    owner
        .post(&format!("/admin/acme/api-keys/{}/revoke", key.id))
        .form(&[("csrf_token", support::csrf(&again))])
        .await
        .assert_status_ok();
    api.get("/api/v1/customers")
        .add_header("authorization", &format!("Bearer {secret}"))
        .await
        .assert_status(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_team_is_managed_by_owners_and_keeps_an_owner() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let owner = app.server();
    support::console_sign_in(&owner, ctx, demo::OWNER_EMAIL).await;
    let page = owner.get("/admin/acme/team").await.text();
    let invited_address = mail::unique_address("invitee");
    let res = owner
        .post("/admin/acme/team")
        .form(&[
            ("csrf_token", support::csrf(&page)),
            ("email", invited_address.clone()),
            ("role", "admin".to_string()),
        ])
        .await;
    res.assert_status_ok();
    assert!(res
        .text()
        .contains(&format!("{invited_address} is now admin of Acme Cloud.")));
    // the invitee gets a link to choose a password
    let invitation = mail::wait_for(&invited_address, 1).await;
    assert!(
        invitation.text.contains("/admin/reset/"),
        "{}",
        invitation.text
    );
    let invitee = users::Model::find_by_email(&ctx.db, &invited_address)
        .await
        .unwrap();
    let acme = support::workspace(ctx, "acme").await;
    assert_eq!(
        memberships::Model::find_in_workspace(&ctx.db, acme.id, invitee.id)
            .await
            .unwrap()
            .role,
        "admin"
    );

    // the only owner cannot demote or remove themself
    let me = users::Model::find_by_email(&ctx.db, demo::OWNER_EMAIL)
        .await
        .unwrap();
    let page = owner.get("/admin/acme/team").await.text();
    let res = owner
        .post(&format!("/admin/acme/team/{}/role", me.id))
        .form(&[
            ("csrf_token", support::csrf(&page)),
            ("role", "viewer".to_string()),
        ])
        .await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().contains("a workspace needs at least one owner"));
    owner
        .post(&format!("/admin/acme/team/{}/remove", me.id))
        .form(&[("csrf_token", support::csrf(&page))])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    // removing the invitee takes their access away at once
    owner
        .post(&format!("/admin/acme/team/{}/remove", invitee.id))
        .form(&[("csrf_token", support::csrf(&page))])
        .await
        .assert_status_ok();
    assert!(
        memberships::Model::find_in_workspace(&ctx.db, acme.id, invitee.id)
            .await
            .is_err()
    );
    // a member of another workspace is not found here
    let globex_owner = users::Model::find_by_email(&ctx.db, "owner@globex.test")
        .await
        .unwrap();
    owner
        .post(&format!("/admin/acme/team/{}/remove", globex_owner.id))
        .form(&[("csrf_token", support::csrf(&page))])
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn customers_are_searched_and_a_portal_link_is_copied_once() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let admin = app.server();
    support::console_sign_in(&admin, ctx, "admin@acme.test").await;
    let found = admin.get("/admin/acme/customers?q=LOVELACE").await.text();
    assert!(found.contains("ada@example.com"), "{found}");
    assert!(!found.contains("bob@example.com"));
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    let detail = admin
        .get(&format!("/admin/acme/customers/{}", ada.pid))
        .await
        .text();
    assert!(detail.contains("Backup Add-on"), "subscriptions shown");
    assert!(
        detail.contains("Visa •••• 4242 (expires 12"),
        "payment methods shown: {detail}"
    );
    assert!(
        detail.contains("The card has insufficient funds."),
        "charges shown"
    );
    let res = admin
        .post(&format!("/admin/acme/customers/{}/portal-link", ada.pid))
        .form(&[("csrf_token", support::csrf(&detail))])
        .await;
    res.assert_status_ok();
    let html = res.text();
    let link = html
        .split(r#"id="portal-link" readonly value=""#)
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string();
    assert!(link.contains("/portal/acme/login/"));
    // the trail records who made it
    let again = admin
        .get(&format!("/admin/acme/customers/{}", ada.pid))
        .await
        .text();
    assert!(again.contains("portal_link.created"), "{again}");
    // the link signs ada in, once
    let customer = app.server();
    let path = support::path_of(&link);
    let page = customer.get(&path).await;
    customer
        .post(&path)
        .form(&[("csrf_token", support::csrf(&page.text()))])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    // globex's customer is not found in acme's console
    let carol = support::customer(ctx, "globex", "carol@example.com").await;
    admin
        .get(&format!("/admin/acme/customers/{}", carol.pid))
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

const PNG: &[u8] = &[
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0,
    0, 0, 144, 119, 83, 222, 0, 0, 0, 12, 73, 68, 65, 84, 120, 156, 99, 248, 207, 192, 0, 0, 3, 1,
    1, 0, 201, 254, 146, 239, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
];

/// A 1x1 PNG.
fn tiny_png() -> Vec<u8> {
    PNG.to_vec()
}

#[tokio::test]
async fn an_admin_rebrands_the_portal_with_a_logo_and_bad_input_saves_nothing() {
    use axum_test::multipart::{MultipartForm, Part};
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let admin = app.server();
    support::console_sign_in(&admin, ctx, "admin@acme.test").await;
    let page = admin.get("/admin/acme/branding").await.text();
    let csrf = support::csrf(&page);
    let form = |colour: &str, logo: Part| {
        MultipartForm::new()
            .add_text("csrf_token", csrf.clone())
            .add_text("name", "Acme Cloud Co")
            .add_text("accent_color", colour.to_string())
            .add_text("support_email", "help@acme.test")
            .add_text("return_url", "https://acme.test")
            .add_text("default_locale", "en-US")
            .add_text("legal_name", "Acme Cloud Ltd.")
            .add_text(
                "seller_address",
                "1 Market Street\n94105 San Francisco, CA\nUS",
            )
            .add_text("tax_id", "US-EIN 12-3456789")
            .add_part("logo", logo)
    };
    let png = || {
        Part::bytes(tiny_png())
            .file_name("logo.png")
            .mime_type("image/png")
    };

    // a bad colour: explained, and neither the name nor the logo changes
    let res = admin
        .post("/admin/acme/branding")
        .multipart(form("teal", png()))
        .await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text().contains("Use a hex colour such as #4338ca"),
        "{}",
        res.text()
    );
    let acme = support::workspace(ctx, "acme").await;
    assert_eq!(acme.name, "Acme Cloud");
    assert!(acme.logo_url.is_none());
    // not an image
    let res = admin
        .post("/admin/acme/branding")
        .multipart(form(
            "#0f766e",
            Part::bytes(b"<svg onload=alert(1)>".to_vec()).file_name("logo.svg"),
        ))
        .await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res
        .text()
        .contains("Upload the logo as a PNG, JPEG or WebP image."));

    let res = admin
        .post("/admin/acme/branding")
        .multipart(form("#0F766E", png()))
        .await;
    res.assert_status(StatusCode::SEE_OTHER);
    let acme = support::workspace(ctx, "acme").await;
    assert_eq!(acme.name, "Acme Cloud Co");
    assert_eq!(acme.accent_color, "#0f766e");
    let logo_url = acme.logo_url.clone().expect("a logo");
    // the customer's next page shows it
    let portal = app.server();
    let login = portal.get("/portal/acme/login").await.text();
    assert!(login.contains("Acme Cloud Co"), "{login}");
    assert!(portal
        .get("/portal/acme/theme.css")
        .await
        .text()
        .contains("#0f766e"));
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    support::sign_in(&portal, ctx, &ada).await;
    let page = portal.get("/portal/acme/subscriptions").await.text();
    assert!(page.contains(&logo_url), "{page}");
    let served = portal.get(&logo_url).await;
    served.assert_status_ok();
    assert_eq!(served.header("content-type"), "image/png");
    assert_eq!(served.as_bytes().to_vec(), tiny_png());
    // the new colour's stylesheet has a new address: no cache shows the old one
    assert!(page.contains("/portal/acme/theme.css?v=0f766e"), "{page}");

    // the portal's language and the seller on invoices
    let page = admin.get("/admin/acme/branding").await.text();
    assert!(page.contains(r#"type="color""#), "a colour picker: {page}");
    assert!(page.contains("1 Market Street"), "{page}");
    let res = admin
        .post("/admin/acme/branding")
        .multipart(
            form("#0f766e", Part::bytes(Vec::new()).file_name(""))
                .add_text("default_locale", "de-DE")
                .add_text(
                    "seller_address",
                    "  Acme Cloud GmbH\n\n Unter den Linden 1 \n10117 Berlin",
                ),
        )
        .await;
    res.assert_status(StatusCode::SEE_OTHER);
    let acme = support::workspace(ctx, "acme").await;
    assert_eq!(acme.default_locale, "de-DE");
    assert_eq!(
        acme.seller_address.as_deref(),
        Some("Acme Cloud GmbH\nUnter den Linden 1\n10117 Berlin"),
        "lines kept, blank ones and spaces dropped"
    );
    assert_eq!(
        acme.logo_url.as_deref(),
        Some(logo_url.as_str()),
        "no new logo sent: kept"
    );
    let italian = app
        .server()
        .get("/portal/acme/login")
        .add_header("accept-language", "it-IT,it;q=0.9,en;q=0.5")
        .await
        .text();
    assert!(italian.contains(r#"<html lang="de-DE">"#), "{italian}");
    let res = admin
        .post("/admin/acme/branding")
        .multipart(
            form("#0f766e", Part::bytes(Vec::new()).file_name(""))
                .add_text("default_locale", "xx-XX"),
        )
        .await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().contains("Choose one of the languages listed."));

    // a viewer cannot change it
    let viewer = app.server();
    support::console_sign_in(&viewer, ctx, "viewer@acme.test").await;
    let page = viewer.get("/admin/acme/branding").await.text();
    let res = viewer
        .post("/admin/acme/branding")
        .multipart(
            MultipartForm::new()
                .add_text("csrf_token", support::csrf(&page))
                .add_text("name", "Hijacked")
                .add_text("accent_color", "#000000"),
        )
        .await;
    res.assert_status(StatusCode::FORBIDDEN);
    assert_eq!(support::workspace(ctx, "acme").await.name, "Acme Cloud Co");
}

#[tokio::test]
async fn the_owner_lets_customers_cancel_immediately_and_stops_cancellation_at_period_end() {
    use portal::capabilities::Capability;
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let acme = support::workspace(ctx, "acme").await;
    assert!(
        Capability::CancelAtPeriodEnd.allowed(&acme),
        "on by default"
    );
    assert!(
        !Capability::CancelImmediately.allowed(&acme),
        "off by default"
    );
    let owner = app.server();
    support::console_sign_in(&owner, ctx, demo::OWNER_EMAIL).await;
    let (html, fields) = settings_form(&app, &owner).await;
    assert!(
        html.contains("Cancel a subscription immediately (no refund)"),
        "{html}"
    );
    let mut changed: Vec<_> = fields
        .into_iter()
        .filter(|(name, _)| name != "cancel_at_period_end")
        .collect();
    changed.push(("cancel_immediately".into(), "on".into()));
    owner
        .post("/admin/acme/settings")
        .form(&changed)
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let acme = support::workspace(ctx, "acme").await;
    assert!(!Capability::CancelAtPeriodEnd.allowed(&acme));
    assert!(Capability::CancelImmediately.allowed(&acme));
    // the other switches kept their values
    assert!(acme.section_payment_methods && acme.allow_payment_retry);
}

#[tokio::test]
async fn an_admin_cancels_a_customers_subscription_at_period_end_and_resumes_it() {
    use portal::models::{audit_events, subscriptions};
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let bob = support::customer(ctx, "acme", "bob@example.com").await;
    let address = crate::support::mail::unique_address("bob-console");
    let mut fresh = bob.clone().into_active_model();
    fresh.email = Set(address.clone());
    let bob = fresh.update(&ctx.db).await.unwrap();
    let sub = subscriptions::Model::list_for_customer(&ctx.db, bob.workspace_id, bob.id)
        .await
        .unwrap()
        .remove(0);
    let page_path = format!("/admin/acme/customers/{}", bob.pid);
    let action = |what: &str| format!("{page_path}/subscriptions/{}/{what}", sub.pid);

    // a viewer sees no buttons and may not decide
    let viewer = app.server();
    support::console_sign_in(&viewer, ctx, "viewer@acme.test").await;
    let page = viewer.get(&page_path).await.text();
    assert!(!page.contains("at period end</button>"), "{page}");
    let refused = viewer
        .post(&action("cancel-at-period-end"))
        .form(&[("csrf_token", support::csrf(&page).as_str())])
        .await;
    assert_eq!(refused.status_code(), StatusCode::FORBIDDEN);

    let admin = app.server();
    support::console_sign_in(&admin, ctx, "admin@acme.test").await;
    let page = admin.get(&page_path).await.text();
    let csrf = support::csrf(&page);
    let done = admin
        .post(&action("cancel-at-period-end"))
        .form(&[("csrf_token", csrf.as_str())])
        .await;
    assert_eq!(done.status_code(), StatusCode::SEE_OTHER);
    let page = admin
        .get(done.header("location").to_str().unwrap())
        .await
        .text();
    assert!(page.contains("The customer was emailed"), "{page}");
    assert!(page.contains("Cancels on"), "{page}");
    let scheduled = subscriptions::Entity::find_by_id(sub.id)
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert!(scheduled.cancel_at_period_end);
    let trail =
        audit_events::Model::list_for_subject(&ctx.db, sub.workspace_id, "subscription", sub.id)
            .await
            .unwrap();
    assert_eq!(trail[0].actor_type, "user");
    let email = crate::support::mail::wait_for(&address, 1).await;
    assert!(email.subject.contains("ends on"), "{}", email.subject);

    let resumed = admin
        .post(&action("resume"))
        .form(&[("csrf_token", csrf.as_str())])
        .await;
    assert_eq!(resumed.status_code(), StatusCode::SEE_OTHER);
    let kept = subscriptions::Entity::find_by_id(sub.id)
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert!(!kept.cancel_at_period_end);
    crate::support::mail::wait_for(&address, 2).await;

    // another customer's or workspace's subscription under bob's page: 404
    let globex = support::customer(ctx, "globex", "ada@example.com").await;
    let theirs = subscriptions::Model::list_for_customer(&ctx.db, globex.workspace_id, globex.id)
        .await
        .unwrap()
        .remove(0);
    let other = admin
        .post(&format!(
            "{page_path}/subscriptions/{}/cancel-now",
            theirs.pid
        ))
        .form(&[("csrf_token", csrf.as_str())])
        .await;
    assert_eq!(other.status_code(), StatusCode::NOT_FOUND);
    let unknown = admin
        .post(&action("delete"))
        .form(&[("csrf_token", csrf.as_str())])
        .await;
    assert_eq!(unknown.status_code(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_admin_previews_and_changes_a_customers_plan_then_pauses_and_resumes_it() {
    use portal::models::{charges, subscriptions};
    use sea_orm::EntityTrait;
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let bob = support::customer(ctx, "acme", "bob@example.com").await;
    let sub = subscriptions::Model::list_for_customer(&ctx.db, bob.workspace_id, bob.id)
        .await
        .unwrap()
        .remove(0);
    let page_path = format!("/admin/acme/customers/{}", bob.pid);
    let change = format!("{page_path}/subscriptions/{}/change", sub.pid);
    let admin = app.server();
    support::console_sign_in(&admin, ctx, "admin@acme.test").await;
    let page = admin.get(&page_path).await.text();
    assert!(page.contains(&format!(r#"href="{change}""#)), "{page}");
    let form = admin.get(&change).await.text();
    assert!(
        form.contains("Cloud Business") && form.contains("Starter (legacy)"),
        "{form}"
    );
    // merchants may move to any price on the same cycle, switchable or not
    let business = portal::models::prices::Entity::find()
        .all(&ctx.db)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.unit_amount == 7900)
        .unwrap();
    let preview = admin
        .get(&format!("{change}?price={}&quantity=1", business.id))
        .await;
    assert_eq!(preview.status_code(), StatusCode::OK);
    let preview = preview.text();
    assert!(preview.contains("Unused time on Cloud Pro"), "{preview}");
    let field = |name: &str| {
        let marker = format!(r#"name="{name}" value=""#);
        let start = preview.find(&marker).unwrap() + marker.len();
        preview[start..start + preview[start..].find('"').unwrap()].to_string()
    };
    let before = charges::Model::list_for_subscription(&ctx.db, sub.workspace_id, sub.id)
        .await
        .unwrap()
        .len();
    let done = admin
        .post(&change)
        .form(&[
            ("csrf_token", field("csrf_token")),
            ("price_id", field("price_id")),
            ("quantity", field("quantity")),
            ("at", field("at")),
            ("total", field("total")),
        ])
        .await;
    assert_eq!(done.status_code(), StatusCode::SEE_OTHER, "{}", done.text());
    let charges = charges::Model::list_for_subscription(&ctx.db, sub.workspace_id, sub.id)
        .await
        .unwrap();
    assert_eq!(charges.len(), before + 1);
    assert_eq!(charges[0].amount.to_string(), field("total"));
    let changed = subscriptions::Entity::find_by_id(sub.id)
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(changed.price_id, business.id);

    // pause for two periods, then resume from the console
    let page = admin.get(&page_path).await.text();
    let csrf = support::csrf(&page);
    let paused = admin
        .post(&format!("{page_path}/subscriptions/{}/pause", sub.pid))
        .form(&[("csrf_token", csrf.as_str()), ("periods", "2")])
        .await;
    assert_eq!(paused.status_code(), StatusCode::SEE_OTHER);
    let page = admin
        .get(paused.header("location").to_str().unwrap())
        .await
        .text();
    assert!(page.contains("Pauses on"), "{page}");
    let scheduled = subscriptions::Entity::find_by_id(sub.id)
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert!(scheduled.pause_resumes_at.is_some());
    admin
        .post(&format!("{page_path}/subscriptions/{}/resume", sub.pid))
        .form(&[("csrf_token", csrf.as_str())])
        .await;
    let resumed = subscriptions::Entity::find_by_id(sub.id)
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(resumed.pause_resumes_at, None);
}

#[tokio::test]
async fn the_owner_chooses_the_plans_customers_switch_between_and_their_seats() {
    use portal::models::{audit_events, prices};
    use sea_orm::EntityTrait;
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let acme = support::workspace(ctx, "acme").await;
    // the monthly price of that amount (Backup's quarterly price is 9.00 too),
    // found by id afterwards: PostgreSQL returns updated rows in another order
    let monthly = |amount: i64| {
        let db = ctx.db.clone();
        let ws = acme.id;
        async move {
            prices::Entity::find()
                .all(&db)
                .await
                .unwrap()
                .into_iter()
                .find(|p| p.workspace_id == ws && p.unit_amount == amount && p.interval_count == 1)
                .unwrap()
        }
    };
    let (starter, team) = (monthly(900).await, monthly(19000).await);
    let price = |id: i64| {
        let db = ctx.db.clone();
        async move {
            prices::Entity::find_by_id(id)
                .one(&db)
                .await
                .unwrap()
                .unwrap()
        }
    };

    // a viewer reads the page but cannot save it
    let viewer = app.server();
    support::console_sign_in(&viewer, ctx, "viewer@acme.test").await;
    let page = viewer.get("/admin/acme/plans").await;
    assert_eq!(page.status_code(), StatusCode::OK);
    assert!(page
        .text()
        .contains("can view these plans but not change them"));
    let refused = viewer
        .post("/admin/acme/plans")
        .form(&[("csrf_token", support::csrf(&page.text()))])
        .await;
    assert_eq!(refused.status_code(), StatusCode::FORBIDDEN);

    let owner = app.server();
    support::console_sign_in(&owner, ctx, "owner@acme.test").await;
    let page = owner.get("/admin/acme/plans").await.text();
    // every field of the form as it stands, then changed
    let mut fields: Vec<(String, String)> = vec![("csrf_token".into(), support::csrf(&page))];
    for p in prices::Entity::find().all(&ctx.db).await.unwrap() {
        if p.workspace_id != acme.id || !p.active {
            continue;
        }
        if p.customer_switchable {
            fields.push((format!("switchable_{}", p.id), "on".into()));
        }
        fields.push((format!("min_{}", p.id), p.min_quantity.to_string()));
        fields.push((
            format!("max_{}", p.id),
            p.max_quantity.map(|m| m.to_string()).unwrap_or_default(),
        ));
    }
    let set = |fields: &mut Vec<(String, String)>, name: String, value: &str| {
        fields.retain(|(n, _)| *n != name);
        fields.push((name, value.to_string()));
    };

    // a maximum below the minimum: nothing is saved, the field says why
    let mut bad = fields.clone();
    set(&mut bad, format!("switchable_{}", starter.id), "on");
    set(&mut bad, format!("min_{}", team.id), "5");
    set(&mut bad, format!("max_{}", team.id), "3");
    let refused = owner.post("/admin/acme/plans").form(&bad).await;
    assert_eq!(refused.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = refused.text();
    assert!(text.contains("a maximum no lower than it"), "{text}");
    assert!(text.contains(r#"value="3""#), "what was typed stays");
    assert!(
        !price(starter.id).await.customer_switchable,
        "nothing saved"
    );

    set(&mut fields, format!("switchable_{}", starter.id), "on");
    set(&mut fields, format!("min_{}", team.id), "2");
    set(&mut fields, format!("max_{}", team.id), "20");
    let saved = owner.post("/admin/acme/plans").form(&fields).await;
    assert_eq!(
        saved.status_code(),
        StatusCode::SEE_OTHER,
        "{}",
        saved.text()
    );
    assert!(price(starter.id).await.customer_switchable);
    let team = price(team.id).await;
    assert_eq!((team.min_quantity, team.max_quantity), (2, Some(20)));
    let trail = audit_events::Model::list_for_subject(&ctx.db, acme.id, "workspace", acme.id)
        .await
        .unwrap();
    assert_eq!(trail[0].action, "plans.customer_options_updated");
}

#[tokio::test]
async fn the_console_reads_plainly_newest_charges_first_words_for_states_and_a_named_trail() {
    use portal::models::charges;
    use sea_orm::{EntityTrait, QueryOrder};
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let acme = support::workspace(ctx, "acme").await;
    let owner = app.server();
    support::console_sign_in(&owner, ctx, "owner@acme.test").await;

    // charges newest first by date, whatever order they were written in
    let page = owner.get("/admin/acme/charges").await.text();
    let newest: Vec<charges::Model> = charges::Entity::find()
        .order_by_desc(charges::Column::CreatedAt)
        .all(&ctx.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.workspace_id == acme.id)
        .collect();
    let dates: Vec<usize> = newest
        .iter()
        .take(3)
        .map(|c| {
            let day = c.created_at.format("%b %-d, %Y").to_string();
            page.find(&format!("<td>{day}</td>"))
                .unwrap_or_else(|| panic!("{day} in {page}"))
        })
        .collect();
    assert!(
        dates.windows(2).all(|w| w[0] <= w[1]),
        "newest first: {dates:?}"
    );
    // states as words, in the list and in its filter
    assert!(
        page.contains("<td>Failed: The card has insufficient funds.</td>"),
        "{page}"
    );
    assert!(
        !page.contains(">past_due<") && !page.contains(">failed<"),
        "{page}"
    );
    let subscriptions = owner.get("/admin/acme/subscriptions").await.text();
    assert!(
        subscriptions.contains("<td>Past due</td>"),
        "{subscriptions}"
    );
    assert!(subscriptions.contains(r#"<option value="past_due">Past due</option>"#));

    // a customer since their first charge, not since the demo was seeded
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    let first = newest
        .iter()
        .filter(|c| c.customer_id == ada.id)
        .map(|c| c.created_at)
        .min()
        .unwrap();
    assert!(ada.created_at <= first, "{} after {first}", ada.created_at);
    let list = owner.get("/admin/acme/customers?q=ada").await.text();
    assert!(
        list.contains(&first.format("%b %-d, %Y").to_string()),
        "{list}"
    );

    // the trail names the person and reads "field: old → new"
    let detail = format!("/admin/acme/customers/{}", ada.pid);
    let page = owner.get(&detail).await.text();
    owner
        .post(&format!("{detail}/portal-link"))
        .form(&[("csrf_token", support::csrf(&page))])
        .await
        .assert_status_ok();
    let customer = app.server();
    support::sign_in(&customer, ctx, &ada).await;
    let profile = customer.get("/portal/acme/profile").await.text();
    customer
        .post("/portal/acme/profile")
        .form(&[
            ("csrf_token", support::csrf(&profile).as_str()),
            ("name", "Ada King"),
            ("email", "ada@example.com"),
            ("address_line1", "12 Analytical Row"),
            ("city", "London"),
            ("postal_code", "N1 9GU"),
            ("country", "GB"),
        ])
        .await;
    let page = owner.get(&detail).await.text();
    assert!(
        page.contains("Olivia Owner (owner@acme.test)") || page.contains("(owner@acme.test)"),
        "{page}"
    );
    assert!(
        page.contains("Ada King (customer, in the portal)"),
        "{page}"
    );
    assert!(page.contains("name: Ada Lovelace → Ada King"), "{page}");
    assert!(!page.contains("{&quot;"), "no JSON: {page}");

    // invoices are linked and download as the customer's PDF
    let href = page
        .split(r#"href="/admin/acme/invoices/"#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(|pid| format!("/admin/acme/invoices/{pid}"))
        .expect("an invoice link");
    let pdf = owner.get(&href).await;
    pdf.assert_status_ok();
    assert_eq!(pdf.header("content-type"), "application/pdf");
    // not another workspace's
    let globex = app.server();
    support::console_sign_in(&globex, ctx, "owner@globex.test").await;
    globex
        .get(&href.replace("/acme/", "/globex/"))
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn viewing_the_portal_as_a_customer_is_read_only_and_says_so() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    let owner = app.server();
    support::console_sign_in(&owner, ctx, "owner@acme.test").await;
    let detail = format!("/admin/acme/customers/{}", ada.pid);
    let page = owner.get(&detail).await.text();
    let opened = owner
        .post(&format!("{detail}/portal-link"))
        .form(&[
            ("csrf_token", support::csrf(&page)),
            ("open", "1".to_string()),
        ])
        .await;
    assert_eq!(opened.status_code(), StatusCode::SEE_OTHER);
    let link = opened.header("location").to_str().unwrap().to_string();

    // the owner's browser follows the link into a read-only view
    let viewer = app.server();
    let continue_page = viewer.get(&link).await;
    assert_eq!(continue_page.status_code(), 200, "{}", continue_page.text());
    viewer
        .post(&link)
        .form(&[("csrf_token", support::csrf(&continue_page.text()))])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let subscriptions = viewer.get("/portal/acme/subscriptions").await.text();
    assert!(
        subscriptions.contains("Olivia Owner, you are viewing Ada Lovelace")
            && subscriptions.contains("It is read-only: nothing can be changed here."),
        "{subscriptions}"
    );
    // the pages show what ada sees, with every button that would change
    // something switched off...
    let profile = viewer.get("/portal/acme/profile").await.text();
    assert!(
        profile.contains(r#"<button type="submit" disabled>Save changes</button>"#),
        "{profile}"
    );
    let methods = viewer.get("/portal/acme/payment-methods").await.text();
    assert!(!methods.contains(r#"<button type="submit">"#), "{methods}");
    // ...and were one sent anyway, it is refused with a page saying why
    let refused = viewer
        .post("/portal/acme/profile")
        .form(&[
            ("csrf_token", support::csrf(&profile).as_str()),
            ("name", "Changed By Owner"),
            ("email", "ada@example.com"),
        ])
        .await;
    assert_eq!(refused.status_code(), StatusCode::FORBIDDEN);
    assert!(
        refused.text().contains("This is a read-only view"),
        "{}",
        refused.text()
    );
    assert_eq!(
        support::customer(ctx, "acme", "ada@example.com").await.name,
        ada.name
    );
    // signing out still works
    viewer
        .post("/portal/acme/logout")
        .form(&[("csrf_token", support::csrf(&subscriptions))])
        .await
        .assert_status(StatusCode::SEE_OTHER);

    // the one-time link is the customer's own way in: not read-only, no banner
    let page = owner.get(&detail).await.text();
    let made = owner
        .post(&format!("{detail}/portal-link"))
        .form(&[("csrf_token", support::csrf(&page))])
        .await
        .text();
    let link = made
        .split(r#"id="portal-link" readonly value=""#)
        .nth(1)
        .and_then(|r| r.split('"').next())
        .map(support::path_of)
        .unwrap();
    let customer = app.server();
    let continue_page = customer.get(&link).await.text();
    customer
        .post(&link)
        .form(&[("csrf_token", support::csrf(&continue_page))])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let page = customer.get("/portal/acme/subscriptions").await.text();
    assert!(!page.contains("read-only"), "{page}");
    let profile = customer.get("/portal/acme/profile").await.text();
    assert!(profile.contains(r#"<button type="submit">Save changes</button>"#));
}

/// The `href` of the link named `name` on `html`, unescaped.
fn link_named(html: &str, name: &str) -> Option<String> {
    let end = html.find(&format!("\">{name}</a>"))?;
    let start = html[..end].rfind("href=\"")? + 6;
    Some(html[start..end].replace("&amp;", "&"))
}

#[tokio::test]
async fn long_lists_page_on_from_the_last_row_shown_with_their_filter() {
    use portal::models::{charges, customers};
    use sea_orm::ActiveValue::Set;
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let acme = support::workspace(ctx, "acme").await;
    let now = support::now();
    let rows: Vec<customers::ActiveModel> = (0..60)
        .map(|i| customers::ActiveModel {
            pid: Set(uuid::Uuid::new_v4()),
            email: Set(format!("page{i:02}@example.com")),
            name: Set(format!("Paged {i:02}")),
            workspace_id: Set(acme.id),
            marketing_opt_in: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    customers::Entity::insert_many(rows)
        .exec(&ctx.db)
        .await
        .unwrap();
    let paged = customers::Entity::find()
        .filter(customers::Column::Email.starts_with("page"))
        .all(&ctx.db)
        .await
        .unwrap();
    // 60 failed charges, a minute apart, for the charges list's date cursor
    let failed: Vec<charges::ActiveModel> = paged
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let at = now - chrono::Duration::minutes(i as i64);
            charges::ActiveModel {
                pid: Set(uuid::Uuid::new_v4()),
                created_at: Set(at),
                updated_at: Set(at),
                amount: Set(100),
                currency: Set("USD".into()),
                status: Set("failed".into()),
                description: Set(format!("Paged charge {i:02}")),
                attempt: Set(1),
                idempotency_key: Set(format!("paged:{i}")),
                amount_refunded: Set(0),
                workspace_id: Set(acme.id),
                customer_id: Set(c.id),
                ..Default::default()
            }
        })
        .collect();
    charges::Entity::insert_many(failed)
        .exec(&ctx.db)
        .await
        .unwrap();

    let owner = app.server();
    support::console_sign_in(&owner, ctx, "owner@acme.test").await;
    // customers matching a search: 50, then the other 10, none twice
    let first = owner.get("/admin/acme/customers?q=paged").await.text();
    let more = link_named(&first, "More customers").expect("a link to more customers");
    assert!(
        more.starts_with("/admin/acme/customers?q=paged&after="),
        "{more}"
    );
    let second = owner.get(&more).await.text();
    assert!(
        link_named(&second, "More customers").is_none(),
        "the last page"
    );
    for i in 0..60 {
        let name = format!("Paged {i:02}</a>");
        let seen = usize::from(first.contains(&name)) + usize::from(second.contains(&name));
        assert_eq!(seen, 1, "{name} once across the pages");
    }
    // failed charges: 50 newest, then older ones, the filter kept
    let first = owner.get("/admin/acme/charges?status=failed").await.text();
    let older = link_named(&first, "Older charges").expect("a link to older charges");
    assert!(
        older.starts_with("/admin/acme/charges?status=failed&after="),
        "{older}"
    );
    let second = owner.get(&older).await.text();
    for i in 0..60 {
        let name = format!("Paged charge {i:02}<");
        let seen = usize::from(first.contains(&name)) + usize::from(second.contains(&name));
        assert_eq!(seen, 1, "{name} once across the pages");
    }
    assert!(
        first.contains("Paged charge 00<") && second.contains("Paged charge 59<"),
        "newest first"
    );
}
