//! Payment methods in the portal, through the sandbox gateway's hosted pages.
use axum_test::TestServer;
use portal::models::{audit_events, payment_methods, subscriptions};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};

use crate::support::{self, path_of};

/// Starts "Add a card" and fills the sandbox's hosted card form; returns
/// where the sandbox sends the browser next (3DS challenge or back).
async fn enter_card(server: &TestServer, number: &str) -> String {
    let page = server.get("/portal/acme/payment-methods").await;
    let start = server
        .post("/portal/acme/payment-methods/cards")
        .form(&[("csrf_token", support::csrf(&page.text()))])
        .await;
    assert_eq!(start.status_code(), 303);
    let form = path_of(start.header("location").to_str().unwrap());
    assert!(
        form.starts_with("/sandbox/cards/"),
        "card details go to the gateway: {form}"
    );
    assert_eq!(server.get(&form).await.status_code(), 200);
    let next = server
        .post(&form)
        .form(&[("number", number), ("expiry", "12/34"), ("cvc", "123")])
        .await;
    assert_eq!(next.status_code(), 303, "{}", next.text());
    path_of(next.header("location").to_str().unwrap())
}

/// Answers the 3DS challenge and follows the way back to the portal.
async fn challenge(server: &TestServer, challenge: &str, action: &str) -> axum_test::TestResponse {
    assert!(challenge.starts_with("/sandbox/3ds/"), "{challenge}");
    let page = server.get(challenge).await;
    assert!(page.text().contains("Confirm it"));
    let back = server.post(challenge).form(&[("action", action)]).await;
    server
        .get(&path_of(back.header("location").to_str().unwrap()))
        .await
}

async fn signed_in_ada(app: &support::TestApp) -> (TestServer, portal::models::customers::Model) {
    let server = app.server();
    let ada = support::customer(&app.app_context, "acme", "ada@example.com").await;
    support::sign_in(&server, &app.app_context, &ada).await;
    (server, ada)
}

#[tokio::test]
async fn a_card_is_saved_only_after_the_3ds_challenge_passes() {
    let app = support::boot_with_demo().await;
    let (server, ada) = signed_in_ada(&app).await;
    let ctx = &app.app_context;
    let before =
        payment_methods::Model::list_active_for_customer(&ctx.db, ada.workspace_id, ada.id)
            .await
            .unwrap()
            .len();

    let next = enter_card(&server, "5555 5555 5555 4444").await;
    assert_eq!(
        payment_methods::Model::list_active_for_customer(&ctx.db, ada.workspace_id, ada.id)
            .await
            .unwrap()
            .len(),
        before,
        "not before 3DS"
    );
    let done = challenge(&server, &next, "pass").await;
    assert_eq!(done.status_code(), 303);
    assert_eq!(
        done.header("location"),
        "/portal/acme/payment-methods?added=card"
    );
    let page = server
        .get("/portal/acme/payment-methods?added=card")
        .await
        .text();
    assert!(page.contains("Your card is saved."));
    assert!(page.contains("Mastercard •••• 4444"));
    let methods =
        payment_methods::Model::list_active_for_customer(&ctx.db, ada.workspace_id, ada.id)
            .await
            .unwrap();
    assert_eq!(methods.len(), before + 1);
    let saved = methods.last().unwrap();
    assert_eq!(
        (
            saved.brand.as_deref(),
            saved.last4.as_deref(),
            saved.exp_month,
            saved.exp_year
        ),
        (Some("mastercard"), Some("4444"), Some(12), Some(2034))
    );
    assert!(saved.gateway_token.starts_with("pm_sb_"));
    let trail = audit_events::Model::list_for_subject(
        &ctx.db,
        ada.workspace_id,
        "payment_method",
        saved.id,
    )
    .await
    .unwrap();
    assert_eq!(trail[0].action, "payment_method.added");
    app.assert_no_card_numbers().await;
}

#[tokio::test]
async fn a_failed_or_abandoned_challenge_or_a_declined_card_saves_nothing_and_says_why() {
    let app = support::boot_with_demo().await;
    let (server, ada) = signed_in_ada(&app).await;
    let ctx = &app.app_context;
    let count = || async {
        payment_methods::Model::list_active_for_customer(&ctx.db, ada.workspace_id, ada.id)
            .await
            .unwrap()
            .len()
    };
    let before = count().await;

    let next = enter_card(&server, "4242424242424242").await;
    let failed = challenge(&server, &next, "fail").await;
    assert_eq!(failed.status_code(), 422);
    assert!(failed
        .text()
        .contains("Nothing was saved. The bank could not authenticate the card."));

    // the "3DS fails" test card fails even when the cardholder tries to pass
    let next = enter_card(&server, "4000008400001629").await;
    assert_eq!(challenge(&server, &next, "pass").await.status_code(), 422);

    // leaving the challenge and coming back
    let _abandoned = enter_card(&server, "4242424242424242").await;
    let back = server
        .get("/portal/acme/payment-methods/cards/return")
        .await;
    assert_eq!(back.status_code(), 422);
    assert!(back.text().contains("The card check was not finished."));

    // declined by the bank when saving: straight back, no challenge
    let declined = enter_card(&server, "4000000000000002").await;
    assert_eq!(declined, "/portal/acme/payment-methods/cards/return");
    let page = server.get(&declined).await;
    assert_eq!(page.status_code(), 422);
    assert!(page.text().contains("The card was declined by the bank."));

    // a mistyped number is explained on the gateway's form, and not echoed
    let page = server.get("/portal/acme/payment-methods").await;
    let start = server
        .post("/portal/acme/payment-methods/cards")
        .form(&[("csrf_token", support::csrf(&page.text()))])
        .await;
    let form = path_of(start.header("location").to_str().unwrap());
    let typo = server
        .post(&form)
        .form(&[
            ("number", "4242424242424241"),
            ("expiry", "12/34"),
            ("cvc", "123"),
        ])
        .await;
    assert_eq!(typo.status_code(), 422);
    let html = typo.text();
    assert!(html.contains(r#"<p id="number-error" class="field-error">The card number is not valid: check it against your card.</p>"#), "{html}");
    // what was typed stays in the form to be corrected (the page is not a log)
    assert!(html.contains(r#"value="4242424242424241""#), "{html}");
    // every field's problem at once; the security code is never echoed
    let all_wrong = server
        .post(&form)
        .form(&[("number", "1234"), ("expiry", "13/99"), ("cvc", "12x")])
        .await;
    assert_eq!(all_wrong.status_code(), 422);
    let html = all_wrong.text();
    for field in ["number", "expiry", "cvc"] {
        assert!(
            html.contains(&format!(r#"id="{field}-error""#)),
            "{field}: {html}"
        );
        assert!(
            html.contains(&format!(r#"aria-describedby="{field}-error""#)),
            "{field}: {html}"
        );
    }
    assert!(html.contains(r#"value="13/99""#), "{html}");
    assert!(!html.contains("12x"), "{html}");
    // the test cards are on the page
    assert!(html.contains("<code>4000 0027 6000 3184</code>"), "{html}");

    assert_eq!(count().await, before);
    app.assert_no_card_numbers().await;
}

#[tokio::test]
async fn paypal_is_added_through_approval_and_removed() {
    let app = support::boot_with_demo().await;
    let (server, ada) = signed_in_ada(&app).await;
    let ctx = &app.app_context;
    let approve = |action: &'static str| {
        let server = &server;
        async move {
            let page = server.get("/portal/acme/payment-methods").await;
            let start = server
                .post("/portal/acme/payment-methods/paypal")
                .form(&[("csrf_token", support::csrf(&page.text()))])
                .await;
            let approval = path_of(start.header("location").to_str().unwrap());
            assert!(approval.starts_with("/sandbox/paypal/"));
            let back = server
                .post(&approval)
                .form(&[("email", "ada.new@example.com"), ("action", action)])
                .await;
            server
                .get(&path_of(back.header("location").to_str().unwrap()))
                .await
        }
    };
    let cancelled = approve("cancel").await;
    assert_eq!(cancelled.status_code(), 422);
    assert!(cancelled.text().contains("the approval was cancelled"));

    let approved = approve("approve").await;
    assert_eq!(
        approved.header("location"),
        "/portal/acme/payment-methods?added=paypal"
    );
    let methods =
        payment_methods::Model::list_active_for_customer(&ctx.db, ada.workspace_id, ada.id)
            .await
            .unwrap();
    let paypal = methods
        .iter()
        .find(|m| m.paypal_email.as_deref() == Some("ada.new@example.com"))
        .expect("saved");

    let confirm = server
        .get(&format!(
            "/portal/acme/payment-methods/{}/remove",
            paypal.id
        ))
        .await;
    assert!(confirm.text().contains("Remove PayPal?"));
    let removed = server
        .post(&format!(
            "/portal/acme/payment-methods/{}/remove",
            paypal.id
        ))
        .form(&[("csrf_token", support::csrf(&confirm.text()))])
        .await;
    assert_eq!(removed.status_code(), 303);
    let listed = server
        .get("/portal/acme/payment-methods?removed=1")
        .await
        .text();
    assert!(!listed.contains("ada.new@example.com"));

    // the workspace can switch PayPal off: no button, and the action is gone
    let mut acme = support::workspace(ctx, "acme").await.into_active_model();
    acme.allow_paypal = Set(false);
    acme.update(&ctx.db).await.unwrap();
    let page = server.get("/portal/acme/payment-methods").await;
    assert!(!page.text().contains("Add PayPal"));
    let post = server
        .post("/portal/acme/payment-methods/paypal")
        .form(&[("csrf_token", support::csrf(&page.text()))])
        .await;
    assert_eq!(post.status_code(), 404);
}

#[tokio::test]
async fn removing_a_card_keeps_the_subscriptions_renewing_with_it() {
    let app = support::boot_with_demo().await;
    let (server, ada) = signed_in_ada(&app).await;
    let ctx = &app.app_context;
    let card_id = ada.default_payment_method_id.unwrap();
    let card =
        payment_methods::Model::find_for_customer(&ctx.db, ada.workspace_id, ada.id, card_id)
            .await
            .unwrap();

    let confirm = server
        .get(&format!("/portal/acme/payment-methods/{card_id}/remove"))
        .await;
    let html = confirm.text();
    assert!(html.contains("Remove Visa •••• 4242?"), "{html}");
    assert!(html.contains("These subscriptions already renew with it and keep doing so"));
    assert!(html.contains("Cloud Pro"));
    let removed = server
        .post(&format!("/portal/acme/payment-methods/{card_id}/remove"))
        .form(&[("csrf_token", support::csrf(&html))])
        .await;
    assert_eq!(removed.status_code(), 303);

    let listed = server.get("/portal/acme/payment-methods").await.text();
    assert!(!listed.contains("•••• 4242"));
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    assert_ne!(
        ada.default_payment_method_id,
        Some(card_id),
        "the next method becomes default"
    );
    let renewing = subscriptions::Model::live_using_method(&ctx.db, ada.workspace_id, card_id)
        .await
        .unwrap();
    assert!(!renewing.is_empty(), "subscriptions keep the card");
    // "Pays with" and the method selector say the same thing
    let page = server
        .get(&format!("/portal/acme/subscriptions/{}", renewing[0].id))
        .await
        .text();
    assert!(
        page.contains("<dd>Visa •••• 4242 (removed from your list)</dd>"),
        "{page}"
    );
    assert!(
        page.contains(
            r#"<option value="" selected disabled>Visa •••• 4242 (removed from your list)</option>"#
        ),
        "{page}"
    );
    let trail =
        audit_events::Model::list_for_subject(&ctx.db, ada.workspace_id, "payment_method", card_id)
            .await
            .unwrap();
    assert_eq!(trail[0].action, "payment_method.removed");
    assert_eq!(
        trail[0].changes["still_renewing"].as_array().unwrap().len(),
        renewing.len()
    );
    // and the gateway still charges it for their renewals
    let gateway = portal::gateway::from_context(ctx).unwrap();
    let outcome = gateway
        .charge(&portal::gateway::ChargeRequest {
            token: card.gateway_token.clone(),
            amount: 2900,
            currency: "USD".into(),
            description: "Cloud Pro renewal".into(),
            idempotency_key: "renewal-after-removal".into(),
            off_session: true,
            return_url: None,
        })
        .await
        .unwrap();
    assert!(
        matches!(outcome, portal::gateway::ChargeOutcome::Succeeded { .. }),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn the_default_and_a_subscriptions_renewal_method_can_be_changed() {
    let app = support::boot_with_demo().await;
    let (server, ada) = signed_in_ada(&app).await;
    let ctx = &app.app_context;
    let methods =
        payment_methods::Model::list_active_for_customer(&ctx.db, ada.workspace_id, ada.id)
            .await
            .unwrap();
    let paypal = methods.iter().find(|m| m.paypal_email.is_some()).unwrap();

    let page = server.get("/portal/acme/payment-methods").await;
    let set = server
        .post(&format!(
            "/portal/acme/payment-methods/{}/default",
            paypal.id
        ))
        .form(&[("csrf_token", support::csrf(&page.text()))])
        .await;
    assert_eq!(set.status_code(), 303);
    assert_eq!(
        support::customer(ctx, "acme", "ada@example.com")
            .await
            .default_payment_method_id,
        Some(paypal.id)
    );

    let sub = subscriptions::Model::list_for_customer(&ctx.db, ada.workspace_id, ada.id)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.status == "active")
        .unwrap();
    let detail = server
        .get(&format!("/portal/acme/subscriptions/{}", sub.id))
        .await;
    assert!(detail
        .text()
        .contains("Payment method for upcoming renewals"));
    let csrf = support::csrf(&detail.text());
    let bob = support::customer(ctx, "acme", "bob@example.com").await;
    let not_hers = server
        .post(&format!(
            "/portal/acme/subscriptions/{}/payment-method",
            sub.id
        ))
        .form(&[
            ("csrf_token", csrf.as_str()),
            (
                "payment_method_id",
                &bob.default_payment_method_id.unwrap().to_string(),
            ),
        ])
        .await;
    assert_eq!(not_hers.status_code(), 422);
    assert!(not_hers
        .text()
        .contains("Choose one of your saved payment methods."));

    let changed = server
        .post(&format!(
            "/portal/acme/subscriptions/{}/payment-method",
            sub.id
        ))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("payment_method_id", &paypal.id.to_string()),
        ])
        .await;
    assert_eq!(changed.status_code(), 303);
    let sub = subscriptions::Model::find_for_customer(&ctx.db, ada.workspace_id, ada.id, sub.id)
        .await
        .unwrap();
    assert_eq!(sub.payment_method_id, Some(paypal.id));
    let trail =
        audit_events::Model::list_for_subject(&ctx.db, ada.workspace_id, "subscription", sub.id)
            .await
            .unwrap();
    assert_eq!(trail[0].action, "subscription.payment_method_changed");
    assert!(server
        .get(&format!(
            "/portal/acme/subscriptions/{}?method_changed=1",
            sub.id
        ))
        .await
        .text()
        .contains("Upcoming renewals will use the method you chose."));
}

#[tokio::test]
async fn another_customers_methods_cannot_be_seen_defaulted_or_removed() {
    let app = support::boot_with_demo().await;
    let (server, _ada) = signed_in_ada(&app).await;
    let ctx = &app.app_context;
    let bob = support::customer(ctx, "acme", "bob@example.com").await;
    let globex_ada = support::customer(ctx, "globex", "ada@example.com").await;
    let page = server.get("/portal/acme/payment-methods").await;
    let csrf = support::csrf(&page.text());
    for other in [
        bob.default_payment_method_id.unwrap(),
        globex_ada.default_payment_method_id.unwrap(),
    ] {
        assert_eq!(
            server
                .get(&format!("/portal/acme/payment-methods/{other}/remove"))
                .await
                .status_code(),
            404
        );
        assert_eq!(
            server
                .post(&format!("/portal/acme/payment-methods/{other}/remove"))
                .form(&[("csrf_token", csrf.as_str())])
                .await
                .status_code(),
            404
        );
        assert_eq!(
            server
                .post(&format!("/portal/acme/payment-methods/{other}/default"))
                .form(&[("csrf_token", csrf.as_str())])
                .await
                .status_code(),
            404
        );
    }
    assert!(
        !page.text().contains("•••• 4444"),
        "bob's card is not listed"
    );
    let bob_after = support::customer(ctx, "acme", "bob@example.com").await;
    assert_eq!(
        bob_after.default_payment_method_id,
        bob.default_payment_method_id
    );
    assert!(
        payment_methods::Model::list_active_for_customer(&ctx.db, bob.workspace_id, bob.id)
            .await
            .unwrap()
            .iter()
            .all(|m| m.is_active())
    );
}
