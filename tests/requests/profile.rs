//! Profile: changes land in the customer record at once, in the audit trail
//! and the outbox; bad input names the field and loses nothing; an email
//! change waits for the new address.
use portal::models::{audit_events, events};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};

use crate::support::{self, mail};

#[tokio::test]
async fn saving_the_profile_updates_the_record_the_trail_and_the_outbox() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let server = app.server();
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    support::sign_in(&server, ctx, &ada).await;
    let page = server.get("/portal/acme/profile").await;
    assert!(
        page.text().contains(r#"value="12 St James&#x27;s Square""#)
            || page.text().contains("12 St James")
    );

    let saved = server
        .post("/portal/acme/profile")
        .form(&[
            ("csrf_token", support::csrf(&page.text()).as_str()),
            ("name", "Ada King-Noel"),
            ("email", "ada@example.com"),
            ("address_line1", "10 Downing Street"),
            ("address_line2", ""),
            ("city", "London"),
            ("region", ""),
            ("postal_code", "SW1A 2AA"),
            ("country", "gb"),
        ])
        .await;
    assert_eq!(saved.status_code(), 303, "{}", saved.text());
    let after = server.get("/portal/acme/profile?saved=1").await.text();
    assert!(after.contains("Your changes are saved."));

    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    assert_eq!(ada.name, "Ada King-Noel");
    assert_eq!(ada.address_line1.as_deref(), Some("10 Downing Street"));
    assert_eq!(ada.country.as_deref(), Some("GB"));
    assert!(!ada.marketing_opt_in, "an unticked box opts out");

    let trail =
        audit_events::Model::list_for_subject(&ctx.db, ada.workspace_id, "customer", ada.id)
            .await
            .unwrap();
    assert_eq!(trail[0].action, "profile.updated");
    assert_eq!(trail[0].actor_type, "customer");
    assert_eq!(
        trail[0].changes["name"],
        serde_json::json!(["Ada Lovelace", "Ada King-Noel"])
    );
    let outbox = events::Model::list_recent(&ctx.db, ada.workspace_id, 5)
        .await
        .unwrap();
    assert_eq!(outbox[0].event_type, "customer.updated");
    assert_eq!(outbox[0].payload["customer"]["name"], "Ada King-Noel");
}

#[tokio::test]
async fn invalid_input_names_the_field_keeps_what_was_typed_and_saves_nothing() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let server = app.server();
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    support::sign_in(&server, ctx, &ada).await;
    let page = server.get("/portal/acme/profile").await;
    let bad = server
        .post("/portal/acme/profile")
        .form(&[
            ("csrf_token", support::csrf(&page.text()).as_str()),
            ("name", "Ada Typed This"),
            ("email", "ada@example.com"),
            ("address_line1", "Somewhere 1"),
            ("city", "Paris"),
            ("country", "France"),
            ("marketing_opt_in", "on"),
        ])
        .await;
    assert_eq!(bad.status_code(), 422);
    let html = bad.text();
    assert!(
        html.contains("Choose a country from the list, or give its ISO code such as US or DE."),
        "{html}"
    );
    assert!(html.contains(r#"id="country-error""#));
    assert!(
        html.contains(r#"value="Ada Typed This""#),
        "typed values come back"
    );
    assert!(
        html.contains(r#"<option value="France" selected>France</option>"#),
        "what was sent stays chosen"
    );
    let unchanged = support::customer(ctx, "acme", "ada@example.com").await;
    assert_eq!(unchanged.name, "Ada Lovelace");
    assert_eq!(unchanged.city.as_deref(), Some("London"));
}

#[tokio::test]
async fn fields_the_workspace_locks_are_not_changed() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let server = app.server();
    let mut acme = support::workspace(ctx, "acme").await.into_active_model();
    acme.profile_edit_name = Set(false);
    acme.update(&ctx.db).await.unwrap();
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    support::sign_in(&server, ctx, &ada).await;
    let page = server.get("/portal/acme/profile").await;
    assert!(page
        .text()
        .contains(r#"id="name" name="name" autocomplete="name" value="Ada Lovelace" readonly"#));
    server
        .post("/portal/acme/profile")
        .form(&[
            ("csrf_token", support::csrf(&page.text()).as_str()),
            ("name", "Changed Anyway"),
            ("city", "Bath"),
            ("country", "GB"),
        ])
        .await;
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    assert_eq!(ada.name, "Ada Lovelace");
    assert_eq!(ada.city.as_deref(), Some("Bath"));
}

#[tokio::test]
async fn an_email_change_takes_effect_only_when_the_new_address_confirms() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let server = app.server();
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    support::sign_in(&server, ctx, &ada).await;
    let new_email = mail::unique_address("ada-new");
    let page = server.get("/portal/acme/profile").await;
    let form = |email: &str| {
        vec![
            ("csrf_token".to_string(), support::csrf(&page.text())),
            ("name".into(), "Ada Lovelace".into()),
            ("email".into(), email.to_string()),
            ("address_line1".into(), "12 St James's Square".into()),
            ("city".into(), "London".into()),
            ("postal_code".into(), "SW1Y 4JH".into()),
            ("country".into(), "GB".into()),
            ("marketing_opt_in".into(), "on".into()),
        ]
    };
    // an address another customer of this workspace uses is refused on the field
    let taken = server
        .post("/portal/acme/profile")
        .form(&form("bob@example.com"))
        .await;
    assert_eq!(taken.status_code(), 422);
    assert!(taken.text().contains("belongs to another account"));

    let asked = server
        .post("/portal/acme/profile")
        .form(&form(&new_email))
        .await;
    assert_eq!(asked.status_code(), 303);
    assert_eq!(
        support::customer(ctx, "acme", "ada@example.com")
            .await
            .email,
        "ada@example.com"
    );

    let message = mail::wait_for(&new_email, 1).await;
    assert!(message.subject.contains("Confirm your new email address"));
    let link = message.link_with("/portal/acme/profile/email/");
    let path = link.split("5150").nth(1).unwrap_or(&link).to_string();
    let confirm_page = server.get(&path).await;
    assert_eq!(confirm_page.status_code(), 200);
    assert!(
        support::customer(ctx, "acme", "ada@example.com")
            .await
            .email
            == "ada@example.com",
        "GET changes nothing"
    );

    let confirmed = server
        .post(&path)
        .form(&[("csrf_token", support::csrf(&confirm_page.text()))])
        .await;
    assert_eq!(confirmed.status_code(), 303);
    let changed = support::customer(ctx, "acme", &new_email).await;
    assert_eq!(changed.id, ada.id);
    let trail =
        audit_events::Model::list_for_subject(&ctx.db, ada.workspace_id, "customer", ada.id)
            .await
            .unwrap();
    assert_eq!(trail[0].action, "email.changed");
    let outbox = events::Model::list_recent(&ctx.db, ada.workspace_id, 1)
        .await
        .unwrap();
    assert_eq!(outbox[0].payload["changed"], serde_json::json!(["email"]));
    // the old address hears of it (found by the new address it names)
    let mut notice = None;
    for _ in 0..100 {
        notice = mail::all_to("ada@example.com")
            .into_iter()
            .find(|m| m.text.contains(&new_email));
        if notice.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let notice = notice.expect("a notice to the old address");
    assert_eq!(
        notice.subject,
        "Your email address for Acme Cloud was changed"
    );
    assert!(
        notice.text.contains("(it was ada@example.com)"),
        "{}",
        notice.text
    );
    assert!(notice.text.contains("support@acme.test"), "{}", notice.text);
    // the link works once
    assert_eq!(
        server
            .post(&path)
            .form(&[("csrf_token", support::csrf(&confirm_page.text()))])
            .await
            .status_code(),
        410
    );
}

#[tokio::test]
async fn a_bad_new_email_saves_nothing_of_the_form_and_every_error_shows() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let server = app.server();
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    support::sign_in(&server, ctx, &ada).await;
    let page = server.get("/portal/acme/profile").await;
    let events_before = events::Model::list_recent(&ctx.db, ada.workspace_id, 50)
        .await
        .unwrap()
        .len();
    let bad = server
        .post("/portal/acme/profile")
        .form(&[
            ("csrf_token", support::csrf(&page.text()).as_str()),
            ("name", "Ada Half Saved"),
            ("email", "not an email"),
            ("address_line1", "1 New Street"),
            ("city", "Paris"),
            ("country", "France"),
        ])
        .await;
    assert_eq!(bad.status_code(), 422, "{}", bad.text());
    let text = bad.text();
    assert!(text.contains("Enter a valid email address"), "{text}");
    assert!(
        text.contains("Ada Half Saved"),
        "what was typed stays in the form"
    );

    let after = support::customer(ctx, "acme", "ada@example.com").await;
    assert_eq!(after.name, ada.name, "the name was not saved");
    assert_eq!(
        after.address_line1, ada.address_line1,
        "the address was not saved"
    );
    let trail =
        audit_events::Model::list_for_subject(&ctx.db, ada.workspace_id, "customer", ada.id)
            .await
            .unwrap();
    assert!(
        trail.iter().all(|e| e.action != "profile.updated"),
        "no audit event: {trail:?}"
    );
    let events_after = events::Model::list_recent(&ctx.db, ada.workspace_id, 50)
        .await
        .unwrap()
        .len();
    assert_eq!(events_after, events_before, "no customer.updated webhook");

    // a valid name with a valid new address: both in one go
    let page = server.get("/portal/acme/profile").await;
    let to = mail::unique_address("ada-new");
    let good = server
        .post("/portal/acme/profile")
        .form(&[
            ("csrf_token", support::csrf(&page.text()).as_str()),
            ("name", "Ada Saved Whole"),
            ("email", to.as_str()),
        ])
        .await;
    assert_eq!(good.status_code(), 303, "{}", good.text());
    assert_eq!(
        support::customer(ctx, "acme", "ada@example.com").await.name,
        "Ada Saved Whole"
    );
    mail::wait_for(&to, 1).await;
}

#[tokio::test]
async fn a_bad_name_email_and_country_show_all_three_errors_at_once_as_sentences() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let server = app.server();
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    support::sign_in(&server, ctx, &ada).await;
    let page = server.get("/portal/acme/profile").await;
    let bad = server
        .post("/portal/acme/profile")
        .form(&[
            ("csrf_token", support::csrf(&page.text()).as_str()),
            ("name", ""),
            ("email", "ada.example.com"),
            ("address_line1", "1 New Street"),
            ("city", "Paris"),
            ("country", "France"),
        ])
        .await;
    assert_eq!(bad.status_code(), 422);
    let html = bad.text();
    for (field, message) in [
        ("name", "Enter a name of up to 120 characters."),
        (
            "email",
            "Enter a valid email address, like name@example.com.",
        ),
        (
            "country",
            "Choose a country from the list, or give its ISO code such as US or DE.",
        ),
    ] {
        assert!(
            html.contains(&format!(
                r#"<p id="{field}-error" class="field-error">{message}</p>"#
            )),
            "{field}: {html}"
        );
    }
    let after = support::customer(ctx, "acme", "ada@example.com").await;
    assert_eq!(after.name, ada.name, "nothing saved");
}

#[tokio::test]
async fn the_country_is_chosen_from_a_list_in_the_customers_language() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let server = app.server();
    let karl = support::customer(ctx, "globex", "ada@example.com").await;
    support::sign_in(&server, ctx, &karl).await;
    let html = server.get("/portal/globex/profile").await.text();
    assert!(
        html.contains(r#"<label for="country">Land</label>"#),
        "{html}"
    );
    assert!(html.contains(r#"<select id="country" name="country" autocomplete="country""#));
    assert!(html.contains(r#"<option value="DE" selected>Deutschland</option>"#));
    // alphabetical for a German reader: Österreich among the O's
    let at = |name: &str| html.find(&format!(">{name}</option>")).expect(name);
    assert!(at("Oman") < at("Österreich") && at("Österreich") < at("Pakistan"));
    assert!(at("Vereinigte Staaten") < at("Zypern"));
    let countries = &html[html.find(r#"<select id="country""#).unwrap()..];
    let countries = &countries[..countries.find("</select>").unwrap()];
    assert_eq!(
        countries.matches("<option value=").count(),
        portal::countries::CODES.len() + 1
    );

    // the choice is stored as its code
    let saved = server
        .post("/portal/globex/profile")
        .form(&[
            ("csrf_token", support::csrf(&html).as_str()),
            ("name", "Ada King"),
            ("email", "ada@example.com"),
            ("address_line1", "Ringstrasse 1"),
            ("city", "Wien"),
            ("postal_code", "1010"),
            ("country", "AT"),
        ])
        .await;
    assert_eq!(saved.status_code(), 303, "{}", saved.text());
    let after = support::customer(ctx, "globex", "ada@example.com").await;
    assert_eq!(after.country.as_deref(), Some("AT"));
    let html = server.get("/portal/globex/profile").await.text();
    assert!(html.contains(r#"<option value="AT" selected>Österreich</option>"#));
}

#[tokio::test]
async fn the_customer_chooses_the_language_of_her_pages_and_emails() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let server = app.server();
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    support::sign_in(&server, ctx, &ada).await;
    let page = server.get("/portal/acme/profile").await.text();
    assert!(
        page.contains(r#"<option value="fr-FR" lang="fr-FR">Français</option>"#),
        "{page}"
    );
    // the form as ada sends it: her name and email, no address, a language
    let send = |name: String, email: &'static str, locale: &'static str, page: String| {
        let server = &server;
        async move {
            server
                .post("/portal/acme/profile")
                .form(&[
                    ("csrf_token", support::csrf(&page).as_str()),
                    ("name", name.as_str()),
                    ("email", email),
                    ("address_line1", ""),
                    ("address_line2", ""),
                    ("city", ""),
                    ("region", ""),
                    ("postal_code", ""),
                    ("country", ""),
                    ("locale", locale),
                ])
                .await
        }
    };
    let post = |locale: &'static str, page: String| {
        send("Ada Lovelace".into(), "ada@example.com", locale, page)
    };
    // a language we do not offer: named, nothing saved
    let refused = post("xx-XX", page.clone()).await;
    assert_eq!(refused.status_code(), 422);
    assert!(
        refused.text().contains(r#"id="locale-error""#),
        "{}",
        refused.text()
    );
    let unchanged = support::customer(ctx, "acme", "ada@example.com").await;
    assert_eq!(unchanged.locale, ada.locale);

    let saved = post("fr-FR", page).await;
    assert_eq!(saved.status_code(), 303, "{}", saved.text());
    let french = server.get("/portal/acme/profile?saved=1").await.text();
    assert!(french.contains(r#"<html lang="fr-FR">"#), "{french}");
    assert!(
        french.contains("Vos modifications sont enregistrées."),
        "{french}"
    );
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    assert_eq!(ada.locale.as_deref(), Some("fr-FR"));
    // the model's refusals and its validators' messages read in her language too
    let taken = send("x".repeat(121), "bob@example.com", "fr-FR", french.clone()).await;
    assert_eq!(taken.status_code(), 422);
    assert!(
        taken
            .text()
            .contains("Cette adresse e-mail appartient à un autre compte."),
        "{}",
        taken.text()
    );
    assert!(
        taken
            .text()
            .contains("Saisissez un nom de 120 caractères au plus."),
        "{}",
        taken.text()
    );

    // back to automatic: the browser decides again
    let saved = post("", french).await;
    assert_eq!(saved.status_code(), 303);
    assert_eq!(
        support::customer(ctx, "acme", "ada@example.com")
            .await
            .locale,
        None
    );
    let german = server
        .get("/portal/acme/profile")
        .add_header("accept-language", "de-DE")
        .await
        .text();
    assert!(german.contains(r#"<html lang="de-DE">"#));
}
