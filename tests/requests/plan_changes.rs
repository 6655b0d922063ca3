//! Customers pause and resume, switch plan (upgrades prorated and charged
//! once, 3-D Secure included; downgrades at the next renewal) and change
//! seats; each action answers 404 while its switch is off or the
//! subscription is not theirs.
use axum::http::StatusCode;
use chrono::Duration;
use portal::{
    capabilities::Capability,
    gateway::sandbox::{cards::Scenario, SandboxGateway},
    models::{
        charges, invoices, payment_methods, prices, products, renewals,
        renewals::Renewal,
        subscriptions::{self, Status},
    },
    settings::Settings,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::support::{self, mail, TestApp};

struct Signed {
    server: axum_test::TestServer,
    address: String,
    sub: subscriptions::Model,
}

/// `email` (with a fresh address for their mail), signed in, and their
/// subscription in `status`.
async fn signed_in(app: &TestApp, email: &str, status: Status) -> Signed {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};
    let ctx = &app.app_context;
    let customer = support::customer(ctx, "acme", email).await;
    let address = mail::unique_address("plan");
    let mut fresh = customer.clone().into_active_model();
    fresh.email = Set(address.clone());
    let customer = fresh.update(&ctx.db).await.unwrap();
    let server = app.server();
    support::sign_in(&server, ctx, &customer).await;
    let sub = subscriptions::Model::list_for_customer(&ctx.db, customer.workspace_id, customer.id)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.status() == Some(status))
        .unwrap();
    Signed {
        server,
        address,
        sub,
    }
}

async fn reload(app: &TestApp, sub: &subscriptions::Model) -> subscriptions::Model {
    subscriptions::Entity::find_by_id(sub.id)
        .one(&app.app_context.db)
        .await
        .unwrap()
        .unwrap()
}

/// acme's monthly price of the product called `name`.
async fn price_of(app: &TestApp, name: &str) -> prices::Model {
    let ctx = &app.app_context;
    let acme = support::workspace(ctx, "acme").await;
    let product = products::Entity::find()
        .filter(products::Column::WorkspaceId.eq(acme.id))
        .filter(products::Column::Name.eq(name))
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap();
    prices::Entity::find()
        .filter(prices::Column::ProductId.eq(product.id))
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap()
}

async fn charges_of(app: &TestApp, sub: &subscriptions::Model) -> Vec<charges::Model> {
    charges::Model::list_for_subscription(&app.app_context.db, sub.workspace_id, sub.id)
        .await
        .unwrap()
}

/// A hidden input's value in a form.
fn field(html: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("{name} in {html}"))
        + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

fn confirm_form(preview: &str) -> Vec<(&'static str, String)> {
    ["csrf_token", "price_id", "quantity", "at", "total"]
        .into_iter()
        .map(|name| (name, field(preview, name)))
        .collect()
}

async fn renew_at(
    app: &TestApp,
    sub: &subscriptions::Model,
    at: chrono::DateTime<chrono::FixedOffset>,
) -> Renewal {
    let ctx = &app.app_context;
    let gateway = portal::gateway::from_context(ctx).unwrap();
    renewals::renew(
        &ctx.db,
        gateway.as_ref(),
        sub.workspace_id,
        sub.id,
        at,
        None,
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn every_action_answers_404_while_switched_off_or_on_another_customers_subscription() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let ada = signed_in(&app, "ada@example.com", Status::Active).await;
    let base = format!("/portal/acme/subscriptions/{}", ada.sub.id);
    let page = ada.server.get(&base).await.text();
    assert!(!page.contains("Change plan") && !page.contains("Pause subscription"));
    let csrf = support::csrf(&page);
    let business = price_of(&app, "Cloud Business").await;
    let attempts = |base: String| {
        let csrf = csrf.clone();
        let server = &ada.server;
        let business = business.id.to_string();
        async move {
            vec![
                server.get(&format!("{base}/pause")).await.status_code(),
                server
                    .post(&format!("{base}/pause"))
                    .form(&[("csrf_token", csrf.as_str()), ("periods", "1")])
                    .await
                    .status_code(),
                server.get(&format!("{base}/change")).await.status_code(),
                server
                    .get(&format!("{base}/change?price={business}"))
                    .await
                    .status_code(),
                server
                    .post(&format!("{base}/change"))
                    .form(&[
                        ("csrf_token", csrf.as_str()),
                        ("price_id", business.as_str()),
                        ("quantity", "1"),
                        ("at", "0"),
                        ("total", "0"),
                    ])
                    .await
                    .status_code(),
                server
                    .post(&format!("{base}/resume"))
                    .form(&[("csrf_token", csrf.as_str())])
                    .await
                    .status_code(),
            ]
        }
    };
    assert_eq!(attempts(base.clone()).await, vec![StatusCode::NOT_FOUND; 6]);
    for capability in [
        Capability::Pause,
        Capability::SwitchPlan,
        Capability::ChangeQuantity,
    ] {
        support::set_capability(ctx, "acme", capability, true).await;
    }
    // switched on, bob's subscription is still not ada's
    let bob = support::customer(ctx, "acme", "bob@example.com").await;
    let bobs = subscriptions::Model::list_for_customer(&ctx.db, bob.workspace_id, bob.id)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(
        attempts(format!("/portal/acme/subscriptions/{}", bobs.id)).await,
        vec![StatusCode::NOT_FOUND; 6]
    );
    assert_eq!(reload(&app, &bobs).await, bobs, "nothing of bob's moved");
    let page = ada.server.get(&base).await.text();
    assert!(page.contains("Change plan") && page.contains("Pause subscription"));
}

#[tokio::test]
async fn ada_pauses_for_two_periods_is_not_charged_and_resumes_early() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    support::set_capability(ctx, "acme", Capability::Pause, true).await;
    let ada = signed_in(&app, "ada@example.com", Status::Active).await;
    let base = format!("/portal/acme/subscriptions/{}", ada.sub.id);
    let form = ada.server.get(&format!("{base}/pause")).await;
    assert_eq!(form.status_code(), 200);
    let text = form.text();
    let price = prices::Model::find_in_workspace(&ctx.db, ada.sub.workspace_id, ada.sub.price_id)
        .await
        .unwrap();
    let until = ada.sub.pause_end(&price, 2);
    let day = |at: chrono::DateTime<chrono::FixedOffset>| at.format("%b %-d, %Y").to_string();
    assert!(
        text.contains(&format!("2 billing periods, until {}", day(until))),
        "{text}"
    );
    assert!(
        !text.contains("4 billing periods"),
        "the workspace allows 3 at most"
    );

    let too_long = ada
        .server
        .post(&format!("{base}/pause"))
        .form(&[
            ("csrf_token", support::csrf(&text).as_str()),
            ("periods", "4"),
        ])
        .await;
    assert_eq!(too_long.status_code(), 422);
    assert!(too_long
        .text()
        .contains("Choose a pause of 1 to 3 billing periods."));
    assert_eq!(reload(&app, &ada.sub).await.pause_resumes_at, None);

    let done = ada
        .server
        .post(&format!("{base}/pause"))
        .form(&[
            ("csrf_token", support::csrf(&text).as_str()),
            ("periods", "2"),
        ])
        .await;
    assert_eq!(done.status_code(), 303, "{}", done.text());
    let scheduled = reload(&app, &ada.sub).await;
    assert_eq!(scheduled.pause_resumes_at, Some(until));
    assert_eq!(
        scheduled.status(),
        Some(Status::Active),
        "paid until the period ends"
    );
    let page = ada.server.get(&format!("{base}?paused=1")).await.text();
    let pauses = format!(
        "Pauses on {} until {}",
        day(ada.sub.current_period_end),
        day(until)
    );
    assert!(page.contains(&pauses), "{page}");
    assert!(ada
        .server
        .get("/portal/acme/subscriptions")
        .await
        .text()
        .contains(&pauses));
    let email = mail::wait_for(&ada.address, 1).await;
    assert!(email.subject.contains("pauses from"), "{}", email.subject);

    // the period ends: the pause begins instead of a charge
    let before = charges_of(&app, &ada.sub).await.len();
    let end = ada.sub.current_period_end;
    assert_eq!(
        renew_at(&app, &scheduled, end).await,
        Renewal::Paused { resumes_at: until }
    );
    let paused = reload(&app, &ada.sub).await;
    assert_eq!(paused.status(), Some(Status::Paused));
    assert_eq!(
        (paused.current_period_end, paused.next_renewal_at),
        (until, Some(until))
    );
    assert_eq!(
        renew_at(&app, &paused, end + Duration::days(20)).await,
        Renewal::NotDue
    );
    assert_eq!(
        charges_of(&app, &ada.sub).await.len(),
        before,
        "nothing charged while paused"
    );
    let page = ada.server.get(&base).await.text();
    assert!(
        page.contains(&format!("Paused until {}", day(until))),
        "{page}"
    );
    // a paused subscription cannot be paused again or change plan
    assert_eq!(
        ada.server.get(&format!("{base}/pause")).await.status_code(),
        404
    );

    // "Resume now": a new period starts now and its renewal is queued at
    // once (the test queue runs it in the foreground)
    let clicked = support::now();
    let resumed = ada
        .server
        .post(&format!("{base}/resume"))
        .form(&[("csrf_token", support::csrf(&page).as_str())])
        .await;
    assert_eq!(resumed.status_code(), 303);
    let active = reload(&app, &ada.sub).await;
    assert_eq!(active.status(), Some(Status::Active));
    assert_eq!(active.pause_resumes_at, None);
    let anchor = active.billing_anchor.unwrap();
    assert!(
        anchor >= clicked && anchor < until,
        "periods count from the resumption"
    );
    assert_eq!(active.current_period_start, anchor);
    assert_eq!(active.current_period_end, price.period_end(anchor));
    let charged = charges_of(&app, &ada.sub).await;
    assert_eq!(charged.len(), before + 1);
    assert_eq!(
        (charged[0].amount, charged[0].status()),
        (price.unit_amount, Some(charges::Status::Paid))
    );
    assert_eq!(charged[0].period_start, Some(anchor));
    mail::wait_for(&ada.address, 3).await;
    assert!(mail::all_to(&ada.address)
        .iter()
        .any(|m| m.subject.contains("active again")));
}

#[tokio::test]
async fn a_past_due_or_trialing_subscription_cannot_pause() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    let subs = subscriptions::Model::list_for_customer(&ctx.db, ada.workspace_id, ada.id)
        .await
        .unwrap();
    for (status, message) in [
        (Status::PastDue, "cannot be paused: pay it first"),
        (Status::Trialing, "free trial cannot be paused"),
    ] {
        let sub = subs
            .iter()
            .find(|s| s.status() == Some(status))
            .unwrap()
            .clone();
        let refused = sub
            .pause(
                &ctx.db,
                1,
                3,
                portal::models::audit_events::Actor::Customer(ada.id),
                support::now(),
            )
            .await
            .unwrap_err();
        // the model's refusal is a Fluent message, written for its reader
        let english = portal::locale::say(&refused.to_string(), "en-US");
        assert!(english.contains(message), "{english}");
        let german = portal::locale::say(&refused.to_string(), "de-DE");
        assert!(german.contains("lässt sich nicht pausieren"), "{german}");
    }
}

#[tokio::test]
async fn ada_upgrades_pays_the_previewed_proration_once_and_gets_its_invoice() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    support::set_capability(ctx, "acme", Capability::SwitchPlan, true).await;
    let ada = signed_in(&app, "ada@example.com", Status::Active).await;
    let base = format!("/portal/acme/subscriptions/{}", ada.sub.id);
    let business = price_of(&app, "Cloud Business").await;
    let choose = ada.server.get(&format!("{base}/change")).await.text();
    assert!(
        choose.contains("Cloud Basic") && choose.contains("Cloud Business"),
        "{choose}"
    );
    assert!(
        !choose.contains("Starter (legacy)"),
        "only switchable prices are offered"
    );
    let preview = ada
        .server
        .get(&format!("{base}/change?price={}", business.id))
        .await;
    assert_eq!(preview.status_code(), 200);
    let preview = preview.text();
    assert!(preview.contains("Unused time on Cloud Pro"), "{preview}");
    let form = confirm_form(&preview);
    let total: i64 = field(&preview, "total").parse().unwrap();
    let at: i64 = field(&preview, "at").parse().unwrap();
    // by hand: the unused share of the period, at the preview's second
    let sub = &ada.sub;
    let whole = (sub.current_period_end - sub.current_period_start).num_seconds();
    let left = sub.current_period_end.timestamp() - at;
    let share = |amount: i64| (2 * amount * left + whole) / (2 * whole);
    assert_eq!(
        total,
        share(7900) - share(2900),
        "the demo workspace charges no tax"
    );
    assert!(preview.contains(&format!(
        "Pay ${}.{:02} and switch",
        total / 100,
        total % 100
    )));

    // a total that is not the preview's: the new preview, nothing charged
    let mut tampered = form.clone();
    tampered[4].1 = (total - 1).to_string();
    let stale = ada
        .server
        .post(&format!("{base}/change"))
        .form(&tampered)
        .await;
    assert_eq!(stale.status_code(), 409);
    assert!(stale.text().contains("changed since you looked"));
    let before = charges_of(&app, sub).await.len();
    assert_eq!(charges_of(&app, sub).await.len(), before);

    let paid = ada.server.post(&format!("{base}/change")).form(&form).await;
    assert_eq!(paid.status_code(), 303, "{}", paid.text());
    assert_eq!(paid.header("location"), format!("{base}?changed=1"));
    // the same confirmation again (a second tab, a retried request)
    let again = ada.server.post(&format!("{base}/change")).form(&form).await;
    assert_eq!(again.header("location"), format!("{base}?changed=1"));
    let charges = charges_of(&app, sub).await;
    assert_eq!(charges.len(), before + 1, "charged once");
    let charge = &charges[0];
    assert_eq!(
        (charge.amount, charge.status()),
        (total, Some(charges::Status::Paid))
    );
    let switched = reload(&app, sub).await;
    assert_eq!(switched.price_id, business.id);
    assert_eq!(
        switched.current_period_end, sub.current_period_end,
        "the anchor stays"
    );
    let invoice = invoices::Entity::find()
        .filter(invoices::Column::ChargeId.eq(charge.id))
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap();
    let lines = invoice.lines.as_array().unwrap();
    let amounts: Vec<i64> = lines
        .iter()
        .map(|l| l["amount"].as_i64().unwrap())
        .collect();
    assert_eq!(amounts, vec![-share(2900), share(7900)]);
    assert_eq!(amounts.iter().sum::<i64>() + invoice.tax, invoice.total);
    assert_eq!(invoice.total, total);
    assert!(
        invoice.pdf_key.is_some(),
        "the invoice's PDF is rendered like a renewal's"
    );
    let page = ada.server.get(&format!("{base}?changed=1")).await.text();
    assert!(page.contains("Your plan has changed"), "{page}");
    assert!(page.contains("<h1>Cloud Business</h1>"));
    let email = mail::wait_for(&ada.address, 1).await;
    assert!(
        email.subject.contains("now Cloud Business"),
        "{}",
        email.subject
    );

    // the next renewal charges the new price
    let Renewal::Renewed { settled, .. } =
        renew_at(&app, &switched, switched.current_period_end).await
    else {
        panic!("renews");
    };
    assert_eq!(settled.charge.amount, 7900);
}

#[tokio::test]
async fn an_upgrade_the_bank_wants_to_authenticate_goes_through_3ds() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    support::set_capability(ctx, "acme", Capability::SwitchPlan, true).await;
    let ada = signed_in(&app, "ada@example.com", Status::Active).await;
    let card = payment_methods::Model::find_for_customer(
        &ctx.db,
        ada.sub.workspace_id,
        ada.sub.customer_id,
        ada.sub.payment_method_id.unwrap(),
    )
    .await
    .unwrap();
    SandboxGateway::new(
        ctx.db.clone(),
        &Settings::from_context(ctx).unwrap().public_url,
    )
    .set_scenario(&card.gateway_token, Scenario::AuthenticateEveryCharge)
    .await
    .unwrap();
    let base = format!("/portal/acme/subscriptions/{}", ada.sub.id);
    let business = price_of(&app, "Cloud Business").await;
    let preview = ada
        .server
        .get(&format!("{base}/change?price={}", business.id))
        .await
        .text();
    let asked = ada
        .server
        .post(&format!("{base}/change"))
        .form(&confirm_form(&preview))
        .await;
    assert_eq!(asked.status_code(), 303);
    let challenge = support::path_of(asked.header("location").to_str().unwrap());
    assert!(
        challenge.starts_with("/sandbox/authenticate/"),
        "{challenge}"
    );
    assert_eq!(
        reload(&app, &ada.sub).await.price_id,
        ada.sub.price_id,
        "not before the bank agrees"
    );
    let back = ada
        .server
        .post(&challenge)
        .form(&[("action", "pass")])
        .await;
    let settled = ada
        .server
        .get(&support::path_of(back.header("location").to_str().unwrap()))
        .await;
    assert_eq!(settled.header("location"), format!("{base}?changed=1"));
    assert_eq!(reload(&app, &ada.sub).await.price_id, business.id);
    let paid = charges_of(&app, &ada.sub).await.remove(0);
    assert_eq!(paid.status(), Some(charges::Status::Paid));
    assert!(invoices::Entity::find()
        .filter(invoices::Column::ChargeId.eq(paid.id))
        .one(&ctx.db)
        .await
        .unwrap()
        .is_some());
}

#[tokio::test]
async fn bob_downgrades_at_the_next_renewal_and_can_take_it_back() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    support::set_capability(ctx, "acme", Capability::SwitchPlan, true).await;
    let bob = signed_in(&app, "bob@example.com", Status::Active).await;
    let base = format!("/portal/acme/subscriptions/{}", bob.sub.id);
    let basic = price_of(&app, "Cloud Basic").await;
    let preview = bob
        .server
        .get(&format!("{base}/change?price={}", basic.id))
        .await
        .text();
    let day = bob.sub.current_period_end.format("%b %-d, %Y").to_string();
    assert!(
        preview.contains(&format!("takes effect on {day}")),
        "{preview}"
    );
    assert!(preview.contains("Nothing is charged now"));
    let before = charges_of(&app, &bob.sub).await.len();
    let done = bob
        .server
        .post(&format!("{base}/change"))
        .form(&confirm_form(&preview))
        .await;
    assert_eq!(
        done.header("location"),
        format!("{base}?change_scheduled=1")
    );
    let scheduled = reload(&app, &bob.sub).await;
    assert_eq!(
        (scheduled.price_id, scheduled.scheduled_price_id),
        (bob.sub.price_id, Some(basic.id))
    );
    let page = bob.server.get(&base).await.text();
    assert!(
        page.contains(&format!("Changes to Cloud Basic on {day}")),
        "{page}"
    );
    assert_eq!(
        charges_of(&app, &bob.sub).await.len(),
        before,
        "nothing charged now"
    );

    // "Keep my current plan" takes it back; scheduling again is possible
    let kept = bob
        .server
        .post(&format!("{base}/keep"))
        .form(&[("csrf_token", support::csrf(&page).as_str())])
        .await;
    assert_eq!(kept.status_code(), 303);
    assert_eq!(reload(&app, &bob.sub).await.scheduled_price_id, None);
    let preview = bob
        .server
        .get(&format!("{base}/change?price={}", basic.id))
        .await
        .text();
    bob.server
        .post(&format!("{base}/change"))
        .form(&confirm_form(&preview))
        .await;
    let scheduled = reload(&app, &bob.sub).await;

    // the renewal that starts the next period applies it
    let Renewal::Renewed { settled, .. } =
        renew_at(&app, &scheduled, scheduled.current_period_end).await
    else {
        panic!("renews");
    };
    assert_eq!(settled.charge.amount, basic.unit_amount);
    let renewed = reload(&app, &bob.sub).await;
    assert_eq!(
        (renewed.price_id, renewed.scheduled_price_id),
        (basic.id, None)
    );
}

#[tokio::test]
async fn seats_change_within_the_merchants_bounds() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    support::set_capability(ctx, "acme", Capability::ChangeQuantity, true).await;
    // ada's Team seats are in their free trial: a change applies now, free
    let ada = signed_in(&app, "ada@example.com", Status::Trialing).await;
    let base = format!("/portal/acme/subscriptions/{}", ada.sub.id);
    let price = ada.sub.price_id;
    let too_many = ada
        .server
        .get(&format!("{base}/change?price={price}&quantity=51"))
        .await;
    assert_eq!(too_many.status_code(), 422);
    assert!(too_many.text().contains("Choose between 1 and 50 seats."));
    let preview = ada
        .server
        .get(&format!("{base}/change?price={price}&quantity=5"))
        .await
        .text();
    assert!(preview.contains("your trial continues"), "{preview}");
    let done = ada
        .server
        .post(&format!("{base}/change"))
        .form(&confirm_form(&preview))
        .await;
    assert_eq!(done.header("location"), format!("{base}?changed=1"));
    let changed = reload(&app, &ada.sub).await;
    assert_eq!(
        (changed.quantity, changed.status()),
        (5, Some(Status::Trialing))
    );
    assert!(
        charges_of(&app, &ada.sub).await.is_empty(),
        "nothing charged in a trial"
    );
    // a price without seats keeps its quantity
    let pro = signed_in(&app, "bob@example.com", Status::Active).await;
    let refused = pro
        .server
        .get(&format!(
            "/portal/acme/subscriptions/{}/change?price={}&quantity=3",
            pro.sub.id, pro.sub.price_id
        ))
        .await;
    assert_eq!(refused.status_code(), 422);
    assert!(refused
        .text()
        .contains("The number of seats of this plan cannot be changed."));
}
