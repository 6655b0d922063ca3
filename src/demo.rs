//! Demo data (PRODUCT.md section 1): workspace `acme` with ada and bob,
//! workspace `globex` with its own ada (same email, different tenant), and
//! console users. Loaded on first development start and by `seed_demo`.
//! Safe to run twice: an existing `acme` workspace means it is already there.
use chrono::{DateTime, Duration, FixedOffset, Months, Utc};
use loco_rs::prelude::*;

use crate::{
    gateway::sandbox::{hosted, KIND_CARD_SETUP, KIND_PAYPAL},
    models::{
        api_keys,
        charges::{self, NewCharge},
        customers::{self, NewCustomer},
        invoices, memberships,
        memberships::Role,
        payment_methods::{self, ApprovedPayPal, TokenizedCard},
        prices::{self, NewPrice},
        products,
        subscriptions::{self, NewSubscription, Status},
        users::{self, RegisterParams},
        workspaces::{self, NewWorkspace},
    },
    secrets::{random_token, Secrets},
};

pub const ACME: &str = "acme";
pub const GLOBEX: &str = "globex";
pub const OWNER_EMAIL: &str = "owner@acme.test";

/// What was loaded, for the start banner and the task's summary.
#[derive(Debug)]
pub struct Loaded {
    pub created: bool,
    pub workspaces: Vec<String>,
}

/// The console password of the demo users. Derived from the deployment's
/// secret key, so it can be printed on every development start without
/// storing it, and differs between installations that set their own key.
#[must_use]
pub fn console_password(secrets: &Secrets) -> String {
    secrets.keyed_hash("demo-console-password", OWNER_EMAIL)[..16].to_string()
}

/// Acme's demo API secret key, derived like the console password.
#[must_use]
pub fn api_key(secrets: &Secrets) -> String {
    format!(
        "{}demo_{}",
        api_keys::KEY_PREFIX,
        &secrets.keyed_hash("demo-api-key", ACME)[..24]
    )
}

/// Loads the demo data unless `acme` already exists.
///
/// # Errors
/// On a database or validation error (the message names the record).
pub async fn load(db: &DatabaseConnection, secrets: &Secrets) -> Result<Loaded> {
    if workspaces::Model::find_by_slug(db, ACME).await.is_ok() {
        return Ok(Loaded {
            created: false,
            workspaces: vec![ACME.into(), GLOBEX.into()],
        });
    }
    let txn = crate::models::write_transaction(db).await?;
    let now = Utc::now().fixed_offset();
    let password = console_password(secrets);

    let acme = workspaces::Model::create(
        &txn,
        &NewWorkspace {
            slug: ACME.into(),
            name: "Acme Cloud".into(),
            accent_color: Some("#4338ca".into()),
            support_email: Some("support@acme.test".into()),
            return_url: Some("https://acme.test/account".into()),
        },
    )
    .await?;
    let mut acme_seller = acme.clone().into_active_model();
    acme_seller.legal_name = Set(Some("Acme Cloud Ltd.".into()));
    acme_seller.seller_address = Set(Some("1 Market Street\n94105 San Francisco, CA\nUS".into()));
    acme_seller.tax_id = Set(Some("US-EIN 12-3456789".into()));
    acme_seller.invoice_prefix = Set(Some("ACME".into()));
    let acme = acme_seller.update(&txn).await?;

    api_keys::Model::create_with_secret(&txn, secrets, acme.id, "Demo key", None, api_key(secrets))
        .await?;
    for (email, name, role) in [
        (OWNER_EMAIL, "Olivia Owner", Role::Owner),
        ("admin@acme.test", "Adam Admin", Role::Admin),
        ("viewer@acme.test", "Vera Viewer", Role::Viewer),
    ] {
        let user = console_user(&txn, email, name, &password).await?;
        memberships::Model::grant(&txn, acme.id, user.id, role).await?;
    }

    let pro = products::Model::create(&txn, acme.id, "Cloud Pro", Some("Managed hosting, 100 GB"))
        .await?;
    let team =
        products::Model::create(&txn, acme.id, "Team", Some("Seats for your whole team")).await?;
    let backup = products::Model::create(
        &txn,
        acme.id,
        "Backup Add-on",
        Some("Daily off-site backups"),
    )
    .await?;
    let starter = products::Model::create(&txn, acme.id, "Starter (legacy)", None).await?;
    let pro_monthly = price(&txn, acme.id, pro.id, 2900, "USD", "month", 1, 0).await?;
    let team_yearly = price(&txn, acme.id, team.id, 19000, "USD", "year", 1, 14).await?;
    let backup_quarterly = price(&txn, acme.id, backup.id, 900, "USD", "month", 3, 0).await?;
    let starter_monthly = price(&txn, acme.id, starter.id, 900, "USD", "month", 1, 0).await?;
    // a lower and a higher plan beside Cloud Pro that customers may switch
    // between, and Team's seats from 1 to 50 (the switches are off until
    // the merchant turns them on in Portal settings)
    let basic =
        products::Model::create(&txn, acme.id, "Cloud Basic", Some("Managed hosting, 20 GB"))
            .await?;
    let business = products::Model::create(
        &txn,
        acme.id,
        "Cloud Business",
        Some("Managed hosting, 1 TB"),
    )
    .await?;
    let pro_monthly = pro_monthly
        .set_customer_options(&txn, true, 1, None)
        .await?;
    for (product, amount) in [(basic.id, 1200), (business.id, 7900)] {
        price(&txn, acme.id, product, amount, "USD", "month", 1, 0)
            .await?
            .set_customer_options(&txn, true, 1, None)
            .await?;
    }
    let team_yearly = team_yearly
        .set_customer_options(&txn, false, 1, Some(50))
        .await?;

    // ada@example.com at acme: active, trialing, past due (one failed renewal), cancelled.
    let ada = customer(
        &txn,
        acme.id,
        "ada@example.com",
        "Ada Lovelace",
        "12 St James's Square",
        "London",
        "SW1Y 4JH",
        "GB",
    )
    .await?;
    let ada_card = card(&txn, acme.id, ada.id, "visa", "4242", 12, 2030).await?;
    payment_methods::Model::add_paypal(
        &txn,
        acme.id,
        ada.id,
        &ApprovedPayPal {
            gateway: "sandbox".into(),
            gateway_token: hosted::saved_method(
                &txn,
                KIND_PAYPAL,
                None,
                None,
                None,
                Some("ada.lovelace@example.com"),
            )
            .await?,
            email: "ada.lovelace@example.com".into(),
        },
    )
    .await?;
    ada.clone()
        .into_active_model()
        .set_default_payment_method(&txn, Some(ada_card.id))
        .await?;

    let pro_start = now - Duration::days(10) - Months::new(3);
    let active = subscribe(&txn, acme.id, ada.id, &pro_monthly, ada_card.id, pro_start).await?;
    let active = renew_paid(&txn, acme.id, active, &pro_monthly, "Cloud Pro", 4).await?;
    debug_assert_eq!(active.status, Status::Active.as_str());

    subscribe(
        &txn,
        acme.id,
        ada.id,
        &team_yearly,
        ada_card.id,
        now - Duration::days(4),
    )
    .await?;

    let backup_start = now - Duration::days(2) - Months::new(3);
    let backup_sub = subscribe(
        &txn,
        acme.id,
        ada.id,
        &backup_quarterly,
        ada_card.id,
        backup_start,
    )
    .await?;
    let backup_sub = renew_paid(
        &txn,
        acme.id,
        backup_sub,
        &backup_quarterly,
        "Backup Add-on",
        1,
    )
    .await?;
    fail_renewal(
        &txn,
        acme.id,
        backup_sub,
        &backup_quarterly,
        "Backup Add-on",
        now,
    )
    .await?;

    let old = subscribe(
        &txn,
        acme.id,
        ada.id,
        &starter_monthly,
        ada_card.id,
        now - Months::new(8),
    )
    .await?;
    let old = renew_paid(&txn, acme.id, old, &starter_monthly, "Starter (legacy)", 2).await?;
    old.into_active_model()
        .cancel(&txn, now - Months::new(5))
        .await?;

    // bob@example.com at acme: one active subscription.
    let bob = customer(
        &txn,
        acme.id,
        "bob@example.com",
        "Bob Builder",
        "400 Oak Avenue",
        "Portland",
        "97204",
        "US",
    )
    .await?;
    let bob_card = card(&txn, acme.id, bob.id, "mastercard", "4444", 8, 2029).await?;
    bob.into_active_model()
        .set_default_payment_method(&txn, Some(bob_card.id))
        .await?;
    let bob_sub = subscribe(
        &txn,
        acme.id,
        bob_card.customer_id,
        &pro_monthly,
        bob_card.id,
        now - Duration::days(40),
    )
    .await?;
    renew_paid(&txn, acme.id, bob_sub, &pro_monthly, "Cloud Pro", 2).await?;

    // globex: its own customers, including another ada@example.com.
    let globex = workspaces::Model::create(
        &txn,
        &NewWorkspace {
            slug: GLOBEX.into(),
            name: "Globex Corporation".into(),
            accent_color: Some("#0f766e".into()),
            support_email: Some("billing@globex.test".into()),
            return_url: Some("https://globex.test".into()),
        },
    )
    .await?;
    // a German shop: its portal speaks German to browsers asking for a
    // language it does not offer
    let mut globex_seller = globex.clone().into_active_model();
    globex_seller.default_locale = Set("de-DE".into());
    globex_seller.legal_name = Set(Some("Globex Corporation GmbH".into()));
    globex_seller.seller_address = Set(Some("Friedrichstrasse 100\n10117 Berlin\nDE".into()));
    globex_seller.tax_id = Set(Some("DE123456789".into()));
    let globex = globex_seller.update(&txn).await?;
    let globex_owner = console_user(&txn, "owner@globex.test", "Hank Scorpio", &password).await?;
    memberships::Model::grant(&txn, globex.id, globex_owner.id, Role::Owner).await?;
    let analytics = products::Model::create(&txn, globex.id, "Globex Analytics", None).await?;
    let analytics_monthly =
        price(&txn, globex.id, analytics.id, 4900, "EUR", "month", 1, 0).await?;
    for (email, name, last4) in [
        ("ada@example.com", "Ada King", "1881"),
        ("carol@example.com", "Carol Danvers", "0005"),
    ] {
        let c = customer(
            &txn,
            globex.id,
            email,
            name,
            "Hauptstrasse 1",
            "Berlin",
            "10115",
            "DE",
        )
        .await?;
        let m = card(&txn, globex.id, c.id, "visa", last4, 3, 2031).await?;
        c.into_active_model()
            .set_default_payment_method(&txn, Some(m.id))
            .await?;
        let s = subscribe(
            &txn,
            globex.id,
            m.customer_id,
            &analytics_monthly,
            m.id,
            now - Duration::days(20),
        )
        .await?;
        renew_paid(
            &txn,
            globex.id,
            s,
            &analytics_monthly,
            "Globex Analytics",
            1,
        )
        .await?;
    }

    // each customer has been one since their first subscription or charge,
    // months before today's seeding ("Customer since" in the console)
    for c in customers::Entity::find().all(&txn).await? {
        let first_charge = charges::Entity::find()
            .filter(charges::Column::CustomerId.eq(c.id))
            .order_by_asc(charges::Column::CreatedAt)
            .one(&txn)
            .await?
            .map(|ch| ch.created_at);
        let first_subscription = subscriptions::Entity::find()
            .filter(subscriptions::Column::CustomerId.eq(c.id))
            .order_by_asc(subscriptions::Column::CurrentPeriodStart)
            .one(&txn)
            .await?
            .map(|sub| sub.current_period_start);
        if let Some(since) = [first_charge, first_subscription]
            .into_iter()
            .flatten()
            .min()
        {
            if since < c.created_at {
                let mut backdated = c.into_active_model();
                backdated.created_at = Set(since);
                backdated.update(&txn).await?;
            }
        }
    }

    txn.commit().await?;
    Ok(Loaded {
        created: true,
        workspaces: vec![ACME.into(), GLOBEX.into()],
    })
}

async fn console_user(
    db: &(impl ConnectionTrait + TransactionTrait),
    email: &str,
    name: &str,
    password: &str,
) -> Result<users::Model> {
    let user = users::Model::create_with_password(
        db,
        &RegisterParams {
            email: email.into(),
            password: password.into(),
            name: name.into(),
        },
    )
    .await?;
    Ok(user.into_active_model().verified(db).await?)
}

#[allow(clippy::too_many_arguments)]
async fn price(
    db: &impl ConnectionTrait,
    workspace_id: i64,
    product_id: i64,
    unit_amount: i64,
    currency: &str,
    interval: &str,
    interval_count: i32,
    trial_days: i32,
) -> Result<prices::Model> {
    Ok(prices::Model::create(
        db,
        workspace_id,
        &NewPrice {
            product_id,
            nickname: None,
            unit_amount,
            currency: currency.into(),
            interval: interval.into(),
            interval_count,
            trial_days,
        },
    )
    .await?)
}

#[allow(clippy::too_many_arguments)]
async fn customer(
    db: &impl ConnectionTrait,
    workspace_id: i64,
    email: &str,
    name: &str,
    line1: &str,
    city: &str,
    postal_code: &str,
    country: &str,
) -> Result<customers::Model> {
    Ok(customers::Model::create(
        db,
        workspace_id,
        &NewCustomer {
            email: email.into(),
            name: name.into(),
            address_line1: Some(line1.into()),
            city: Some(city.into()),
            postal_code: Some(postal_code.into()),
            country: Some(country.into()),
            marketing_opt_in: true,
            // customers in Germany read their portal, emails and invoices in German
            locale: Some(if country == "DE" { "de-DE" } else { "en-US" }.into()),
            ..Default::default()
        },
    )
    .await?)
}

async fn card(
    db: &impl ConnectionTrait,
    workspace_id: i64,
    customer_id: i64,
    brand: &str,
    last4: &str,
    exp_month: i32,
    exp_year: i32,
) -> Result<payment_methods::Model> {
    Ok(payment_methods::Model::add_card(
        db,
        workspace_id,
        customer_id,
        &TokenizedCard {
            gateway: "sandbox".into(),
            gateway_token: hosted::saved_method(
                db,
                KIND_CARD_SETUP,
                Some(brand),
                Some(last4),
                Some((exp_month, exp_year)),
                None,
            )
            .await?,
            brand: brand.into(),
            last4: last4.into(),
            exp_month,
            exp_year,
        },
    )
    .await?)
}

async fn subscribe(
    db: &impl ConnectionTrait,
    workspace_id: i64,
    customer_id: i64,
    price: &prices::Model,
    payment_method_id: i64,
    start: DateTime<FixedOffset>,
) -> Result<subscriptions::Model> {
    Ok(subscriptions::Model::start(
        db,
        workspace_id,
        &NewSubscription {
            customer_id,
            price_id: price.id,
            quantity: 1,
            payment_method_id: Some(payment_method_id),
        },
        start,
    )
    .await?)
}

/// The renewal charge attempt for the period starting at `start`.
fn renewal(
    sub: &subscriptions::Model,
    price: &prices::Model,
    description: &str,
    start: DateTime<FixedOffset>,
) -> NewCharge {
    NewCharge {
        customer_id: sub.customer_id,
        subscription_id: Some(sub.id),
        payment_method_id: sub.payment_method_id,
        amount: price.unit_amount * i64::from(sub.quantity),
        currency: price.currency.clone(),
        description: format!("{description} ({})", price.interval_words()),
        attempt: 1,
        idempotency_key: format!("renewal:{}:{}", sub.pid, start.timestamp()),
        period_start: Some(start),
        period_end: Some(price.period_end_from(sub.billing_anchor(), start)),
        proration: None,
    }
}

/// History: `periods` paid periods from the subscription's start (the first
/// is the initial charge), each with an issued invoice; leaves the
/// subscription in its last paid period.
async fn renew_paid(
    db: &(impl ConnectionTrait + TransactionTrait),
    workspace_id: i64,
    sub: subscriptions::Model,
    price: &prices::Model,
    description: &str,
    periods: u32,
) -> Result<subscriptions::Model> {
    let mut start = sub.current_period_start;
    let mut last_start = start;
    for _ in 0..periods {
        let charge = charges::Model::record_attempt(
            db,
            workspace_id,
            &renewal(&sub, price, description, start),
        )
        .await?;
        let mut paid = charge.into_active_model();
        paid.created_at = Set(start);
        let reference = format!("ch_sandbox_{}", random_token(12));
        let paid = paid.mark_paid(db, &reference, start).await?;
        // the sandbox gateway knows the payment too, so it can be refunded
        crate::models::sandbox_charges::ActiveModel {
            reference: Set(reference),
            idempotency_key: Set(paid.idempotency_key.clone()),
            token: Set("pm_demo".into()),
            amount: Set(paid.amount),
            currency: Set(paid.currency.clone()),
            status: Set(crate::gateway::sandbox::SUCCEEDED.into()),
            ..Default::default()
        }
        .insert(db)
        .await?;
        invoices::Model::issue_for_charge(db, workspace_id, paid.id, start).await?;
        last_start = start;
        start = price.period_end_from(sub.billing_anchor(), start);
    }
    let mut current = sub.into_active_model();
    current.current_period_start = Set(last_start);
    current.current_period_end = Set(start);
    current.next_renewal_at = Set(Some(start));
    Ok(current.update(db).await?)
}

/// The renewal at the end of the current period was declined: the
/// subscription is past due with the first automatic retry scheduled.
async fn fail_renewal(
    db: &(impl ConnectionTrait + TransactionTrait),
    workspace_id: i64,
    sub: subscriptions::Model,
    price: &prices::Model,
    description: &str,
    now: DateTime<FixedOffset>,
) -> Result<subscriptions::Model> {
    let start = sub.current_period_end;
    let charge =
        charges::Model::record_attempt(db, workspace_id, &renewal(&sub, price, description, start))
            .await?;
    let mut failed = charge.into_active_model();
    failed.created_at = Set(start);
    failed
        .mark_failed(db, "insufficient_funds", "The card has insufficient funds.")
        .await?;
    let mut past_due = sub.into_active_model();
    past_due.status = Set(Status::PastDue.as_str().to_string());
    past_due.next_retry_at = Set(Some(now + Duration::days(1)));
    Ok(past_due.update(db).await?)
}

/// A fleet of `count` customers in workspace `slug`, each with a sandbox
/// card and a monthly subscription (Cloud Pro) whose renewal falls due at
/// `due_at`: the load for the renewal kill test and the benchmarks. Commits
/// every 500 customers and calls `progress(done)`; returns the
/// subscriptions' ids.
///
/// # Errors
/// When the workspace or its monthly price is missing, or on a database error.
pub async fn fleet(
    db: &DatabaseConnection,
    slug: &str,
    count: usize,
    due_at: DateTime<FixedOffset>,
    mut progress: impl FnMut(usize),
) -> Result<Vec<i64>> {
    let workspace = workspaces::Model::find_by_slug(db, slug).await?;
    let monthly = prices::Entity::find()
        .in_tenant(workspace.id)
        .filter(prices::Column::Interval.eq("month"))
        .filter(prices::Column::IntervalCount.eq(1))
        .filter(prices::Column::TrialDays.eq(0))
        .one(db)
        .await?
        .ok_or_else(|| Error::string(&format!("workspace `{slug}` has no monthly price")))?;
    let start = due_at
        .checked_sub_months(Months::new(1))
        .ok_or_else(|| Error::string("due date out of range"))?;
    let run = random_token(6).to_lowercase();
    let mut ids = Vec::with_capacity(count);
    for batch in (0..count).collect::<Vec<_>>().chunks(500) {
        let txn = crate::models::write_transaction(db).await?;
        for n in batch {
            let customer = customers::Model::create(
                &txn,
                workspace.id,
                &NewCustomer {
                    email: format!("fleet-{run}-{n}@example.test"),
                    name: format!("Fleet Customer {n}"),
                    country: Some("US".into()),
                    ..Default::default()
                },
            )
            .await?;
            let method = card(&txn, workspace.id, customer.id, "visa", "4242", 12, 2030).await?;
            let sub =
                subscribe(&txn, workspace.id, customer.id, &monthly, method.id, start).await?;
            ids.push(sub.id);
        }
        txn.commit().await?;
        progress(ids.len());
    }
    Ok(ids)
}
