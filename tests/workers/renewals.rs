//! Renewals through the queue and the billing rules around them.
use chrono::{DateTime, Duration, FixedOffset};
use loco_rs::{app::AppContext, bgworker::BackgroundWorker};
use portal::{
    gateway::sandbox::{cards::Scenario, SandboxGateway},
    models::{
        _entities::sandbox_charges,
        charges, invoices, payment_methods,
        renewals::{self, Renewal},
        subscriptions,
        subscriptions::Status,
    },
    settings::Settings,
    workers::renewal::{RenewalArgs, RenewalWorker},
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter,
};

use crate::support::{self, mail};

fn sandbox(ctx: &AppContext) -> SandboxGateway {
    SandboxGateway::new(
        ctx.db.clone(),
        &Settings::from_context(ctx).unwrap().public_url,
    )
}

/// Gives a demo customer a fresh address, so parallel tests never count
/// each other's mail.
async fn readdress(ctx: &AppContext, email: &str) -> String {
    let customer = support::customer(ctx, "acme", email).await;
    let fresh = mail::unique_address("renewal");
    let mut c = customer.into_active_model();
    c.email = Set(fresh.clone());
    c.update(&ctx.db).await.unwrap();
    fresh
}

/// A customer's subscription, with its period ending a minute before `now`.
async fn due_subscription(
    ctx: &AppContext,
    email: &str,
    status: Status,
    now: DateTime<FixedOffset>,
) -> subscriptions::Model {
    let customer = support::customer(ctx, "acme", email).await;
    let sub = subscriptions::Model::list_for_customer(&ctx.db, customer.workspace_id, customer.id)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.status() == Some(status))
        .unwrap();
    let mut due = sub.into_active_model();
    due.current_period_end = Set(now - Duration::minutes(1));
    due.next_renewal_at = Set(Some(now - Duration::minutes(1)));
    if status == Status::Trialing {
        due.trial_end = Set(Some(now - Duration::minutes(1)));
    }
    due.update(&ctx.db).await.unwrap()
}

async fn charges_for(ctx: &AppContext, sub: &subscriptions::Model) -> Vec<charges::Model> {
    charges::Model::list_for_subscription(&ctx.db, sub.workspace_id, sub.id)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_due_subscription_renews_once_even_when_its_job_runs_twice() {
    let _turn = super::QUEUE.lock().await;
    let app = support::with_demo(support::boot_worker().await).await;
    let ctx = &app.app_context;
    let queue = ctx.queue_provider.clone().unwrap();
    queue.clear().await.unwrap();
    let now = support::now();
    let sub = due_subscription(ctx, "bob@example.com", Status::Active, now).await;
    let bob = readdress(ctx, "bob@example.com").await;
    let before = charges_for(ctx, &sub).await.len();

    let job = RenewalArgs {
        workspace_id: sub.workspace_id,
        subscription_id: sub.id,
    };
    RenewalWorker::perform_later(ctx, job.clone())
        .await
        .unwrap();
    RenewalWorker::perform_later(ctx, job).await.unwrap();
    let worker = tokio::spawn({
        let queue = queue.clone();
        async move { queue.run(vec![]).await }
    });
    let receipt = mail::wait_for(&bob, 1).await;
    // the duplicate job runs too; give it a bounded moment to (not) charge again
    for _ in 0..20 {
        assert_eq!(charges_for(ctx, &sub).await.len(), before + 1);
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // the renewal queued its invoice's PDF: a job of its own, through the same queue
    let paid_charge = charges_for(ctx, &sub).await.remove(0);
    let mut stored = None;
    for _ in 0..100 {
        stored = invoices::Entity::find()
            .filter(invoices::Column::ChargeId.eq(paid_charge.id))
            .one(&ctx.db)
            .await
            .unwrap()
            .and_then(|i| i.pdf_key);
        if stored.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let stored = stored.expect("the invoice PDF was stored by the worker");
    assert!(ctx
        .storage
        .exists(std::path::Path::new(&stored))
        .await
        .unwrap());
    queue.shutdown().unwrap();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), worker).await;

    assert!(
        receipt.subject.contains("Your receipt from Acme Cloud"),
        "{}",
        receipt.subject
    );
    let after = charges_for(ctx, &sub).await;
    assert_eq!(after.len(), before + 1, "one charge for the period");
    let paid = &after[0];
    assert_eq!(paid.status(), Some(charges::Status::Paid));
    assert_eq!(paid.period_start, Some(sub.current_period_end));
    let renewed =
        subscriptions::Model::find_for_customer(&ctx.db, sub.workspace_id, sub.customer_id, sub.id)
            .await
            .unwrap();
    assert_eq!(renewed.current_period_start, sub.current_period_end);
    assert!(renewed.current_period_end > now);
    let gateway_charges = sandbox_charges::Entity::find()
        .filter(sandbox_charges::Column::IdempotencyKey.eq(paid.idempotency_key.clone()))
        .count(&ctx.db)
        .await
        .unwrap();
    assert_eq!(gateway_charges, 1, "the gateway charged once");
    assert_eq!(mail::all_to(&bob).len(), 1, "one receipt");
}

#[tokio::test]
async fn two_runs_racing_for_the_same_renewal_charge_once() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let gateway = sandbox(ctx);
    let now = support::now();
    let sub = due_subscription(ctx, "bob@example.com", Status::Active, now).await;
    let before = charges_for(ctx, &sub).await.len();
    let (a, b) = tokio::join!(
        renewals::renew(&ctx.db, &gateway, sub.workspace_id, sub.id, now, None),
        renewals::renew(&ctx.db, &gateway, sub.workspace_id, sub.id, now, None),
    );
    let outcomes = [a.unwrap(), b.unwrap()];
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| matches!(o, Renewal::Renewed { .. }))
            .count(),
        1,
        "{outcomes:?}"
    );
    assert_eq!(charges_for(ctx, &sub).await.len(), before + 1);
    // and a later run finds nothing due
    assert_eq!(
        renewals::renew(&ctx.db, &gateway, sub.workspace_id, sub.id, now, None)
            .await
            .unwrap(),
        Renewal::NotDue
    );
}

#[tokio::test]
async fn a_declined_renewal_goes_past_due_is_retried_on_schedule_and_finally_cancelled() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let gateway = sandbox(ctx);
    let mut now = support::now();
    let sub = due_subscription(ctx, "bob@example.com", Status::Active, now).await;
    let card = payment_methods::Model::find_for_customer(
        &ctx.db,
        sub.workspace_id,
        sub.customer_id,
        sub.payment_method_id.unwrap(),
    )
    .await
    .unwrap();
    gateway
        .set_scenario(&card.gateway_token, Scenario::InsufficientFunds)
        .await
        .unwrap();
    let bob = readdress(ctx, "bob@example.com").await;

    // default schedule: retry after 1, 3 and 5 days, then cancel
    for (attempt, days) in [(1, Some(1)), (2, Some(3)), (3, Some(5)), (4, None)] {
        let outcome = renewals::renew(&ctx.db, &gateway, sub.workspace_id, sub.id, now, None)
            .await
            .unwrap();
        let Renewal::Failed {
            retry_at,
            cancelled,
            settled,
            ..
        } = outcome
        else {
            panic!("attempt {attempt}: {outcome:?}")
        };
        assert_eq!(
            retry_at,
            days.map(|d| now + Duration::days(d)),
            "attempt {attempt}"
        );
        assert_eq!(cancelled, days.is_none());
        let charge = charges::Entity::find_by_id(settled.charge.id)
            .one(&ctx.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (charge.attempt, charge.failure_code.as_deref()),
            (attempt, Some("insufficient_funds"))
        );
        let current = subscriptions::Entity::find_by_id(sub.id)
            .one(&ctx.db)
            .await
            .unwrap()
            .unwrap();
        if let Some(at) = retry_at {
            assert_eq!(current.status(), Some(Status::PastDue));
            // not due before its retry time
            assert_eq!(
                renewals::renew(
                    &ctx.db,
                    &gateway,
                    sub.workspace_id,
                    sub.id,
                    at - Duration::minutes(1),
                    None
                )
                .await
                .unwrap(),
                Renewal::NotDue
            );
            now = at + Duration::minutes(1);
        } else {
            assert_eq!(current.status(), Some(Status::Cancelled));
            assert!(current.next_renewal_at.is_none());
        }
    }
    assert_eq!(
        charges_for(ctx, &sub)
            .await
            .iter()
            .filter(|c| c.status() == Some(charges::Status::Failed))
            .count(),
        4
    );
    assert!(
        mail::all_to(&bob).is_empty(),
        "the model does not mail; the job does"
    );
}

#[tokio::test]
async fn the_job_mails_a_failed_payment_with_a_link_into_the_portal() {
    let app = support::boot_with_demo().await; // ForegroundBlocking: the job runs inline
    let ctx = &app.app_context;
    let gateway = sandbox(ctx);
    let now = support::now();
    let sub = due_subscription(ctx, "bob@example.com", Status::Active, now).await;
    let card = payment_methods::Model::find_for_customer(
        &ctx.db,
        sub.workspace_id,
        sub.customer_id,
        sub.payment_method_id.unwrap(),
    )
    .await
    .unwrap();
    gateway
        .set_scenario(&card.gateway_token, Scenario::ChargeDeclined)
        .await
        .unwrap();
    let bob = readdress(ctx, "bob@example.com").await;
    RenewalWorker::perform_later(
        ctx,
        RenewalArgs {
            workspace_id: sub.workspace_id,
            subscription_id: sub.id,
        },
    )
    .await
    .unwrap();
    let notice = mail::wait_for(&bob, 1).await;
    assert!(
        notice
            .subject
            .contains("Your payment for Cloud Pro (monthly) failed"),
        "{}",
        notice.subject
    );
    assert!(notice.text.contains("The card was declined."));
    assert!(notice.text.contains("We will try again on"));
    let link = notice.link_with("/portal/acme/login/");
    let server = app.server();
    let path = support::path_of(&link);
    let page = server.get(&path).await;
    assert_eq!(page.status_code(), 200, "the link opens the portal");
}

#[tokio::test]
async fn a_trial_converts_to_active_at_its_end() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let gateway = sandbox(ctx);
    let now = support::now();
    let trial = due_subscription(ctx, "ada@example.com", Status::Trialing, now).await;
    let outcome = renewals::renew(&ctx.db, &gateway, trial.workspace_id, trial.id, now, None)
        .await
        .unwrap();
    assert!(matches!(outcome, Renewal::Renewed { .. }), "{outcome:?}");
    let converted = subscriptions::Entity::find_by_id(trial.id)
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(converted.status(), Some(Status::Active));
    let charge = &charges_for(ctx, &trial).await[0];
    assert_eq!((charge.amount, charge.currency.as_str()), (19_000, "USD"));
    assert_eq!(converted.current_period_end, charge.period_end.unwrap());
}

#[tokio::test]
async fn the_sweep_task_renews_what_is_due_and_is_safe_to_run_twice() {
    let app = support::boot_with_demo().await; // ForegroundBlocking: queued jobs run inline
    let ctx = &app.app_context;
    let now = support::now();
    let sub = due_subscription(ctx, "bob@example.com", Status::Active, now).await;
    let before = charges_for(ctx, &sub).await.len();
    let vars = loco_rs::task::Vars::default();
    loco_rs::boot::run_task::<portal::app::App>(ctx, Some(&"renewals_run".to_string()), &vars)
        .await
        .unwrap();
    loco_rs::boot::run_task::<portal::app::App>(ctx, Some(&"renewals_run".to_string()), &vars)
        .await
        .unwrap();
    assert_eq!(charges_for(ctx, &sub).await.len(), before + 1);
    let renewed = subscriptions::Entity::find_by_id(sub.id)
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert!(renewed.next_renewal_at.unwrap() > now);
    // nothing else in the demo was due
    assert!(renewals::due(&ctx.db, now, 0, 100)
        .await
        .unwrap()
        .iter()
        .all(|(_, id)| *id != sub.id));
}

#[tokio::test]
async fn the_engine_renews_on_the_billing_anchor_after_a_short_month() {
    use chrono::TimeZone;
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let gateway = sandbox(ctx);
    let bob = support::customer(ctx, "acme", "bob@example.com").await;
    let current = subscriptions::Model::list_for_customer(&ctx.db, bob.workspace_id, bob.id)
        .await
        .unwrap()
        .remove(0);
    let at = |m, d| {
        chrono::Utc
            .with_ymd_and_hms(2027, m, d, 12, 0, 0)
            .unwrap()
            .fixed_offset()
    };
    let sub = subscriptions::Model::start(
        &ctx.db,
        bob.workspace_id,
        &subscriptions::NewSubscription {
            customer_id: bob.id,
            price_id: current.price_id,
            quantity: 1,
            payment_method_id: current.payment_method_id,
        },
        at(1, 31),
    )
    .await
    .unwrap();
    assert_eq!(sub.current_period_end, at(2, 28));
    let mut ends = vec![];
    for (m, d) in [(2, 28), (3, 31), (4, 30)] {
        let outcome = renewals::renew(
            &ctx.db,
            &gateway,
            sub.workspace_id,
            sub.id,
            at(m, d) + Duration::minutes(1),
            None,
        )
        .await
        .unwrap();
        assert!(matches!(outcome, Renewal::Renewed { .. }), "{outcome:?}");
        let renewed = subscriptions::Entity::find_by_id(sub.id)
            .one(&ctx.db)
            .await
            .unwrap()
            .unwrap();
        ends.push(renewed.current_period_end);
    }
    assert_eq!(
        ends,
        [at(3, 31), at(4, 30), at(5, 31)],
        "Jan 31 stays the 31st"
    );
}

/// acme's price of the product called `name`.
async fn price_named(ctx: &AppContext, name: &str) -> portal::models::prices::Model {
    use portal::models::{prices, products};
    let product = products::Entity::find()
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

async fn sweep(ctx: &AppContext) {
    let vars = loco_rs::task::Vars::default();
    loco_rs::boot::run_task::<portal::app::App>(ctx, Some(&"renewals_run".to_string()), &vars)
        .await
        .unwrap();
}

async fn reloaded(ctx: &AppContext, sub: &subscriptions::Model) -> subscriptions::Model {
    subscriptions::Entity::find_by_id(sub.id)
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn the_sweep_pauses_instead_of_charging_and_charges_again_when_the_pause_ends() {
    use portal::models::audit_events::Actor;
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let now = support::now();
    let sub = due_subscription(ctx, "bob@example.com", Status::Active, now).await;
    let sub = sub
        .pause(&ctx.db, 1, 3, Actor::System, now - Duration::hours(1))
        .await
        .unwrap();
    let resumes_at = sub.pause_resumes_at.unwrap();
    let before = charges_for(ctx, &sub).await.len();
    sweep(ctx).await;
    sweep(ctx).await;
    let paused = reloaded(ctx, &sub).await;
    assert_eq!(paused.status(), Some(Status::Paused));
    assert_eq!(paused.next_renewal_at, Some(resumes_at));
    assert_eq!(
        charges_for(ctx, &sub).await.len(),
        before,
        "not charged while paused"
    );

    // the pause's end comes: one charge for the period that starts then
    let mut ended = paused.into_active_model();
    ended.current_period_end = Set(now - Duration::minutes(1));
    ended.next_renewal_at = Set(Some(now - Duration::minutes(1)));
    ended.billing_anchor = Set(Some(now - Duration::minutes(1)));
    ended.update(&ctx.db).await.unwrap();
    sweep(ctx).await;
    sweep(ctx).await;
    let charges = charges_for(ctx, &sub).await;
    assert_eq!(charges.len(), before + 1);
    assert_eq!(charges[0].status(), Some(charges::Status::Paid));
    let resumed = reloaded(ctx, &sub).await;
    assert_eq!(
        (resumed.status(), resumed.pause_resumes_at),
        (Some(Status::Active), None)
    );
    assert!(resumed.next_renewal_at.unwrap() > now);
}

#[tokio::test]
async fn a_scheduled_downgrade_renews_at_the_new_price() {
    use portal::models::{audit_events::Actor, plan_changes};
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let now = support::now();
    let acme = support::workspace(ctx, "acme").await;
    let sub = due_subscription(ctx, "bob@example.com", Status::Active, now).await;
    // move the period's end back to the future to schedule, then due again
    let mut running = sub.into_active_model();
    running.current_period_end = Set(now + Duration::days(3));
    let sub = running.update(&ctx.db).await.unwrap();
    let basic = price_named(ctx, "Cloud Basic").await;
    let gateway = portal::gateway::from_context(ctx).unwrap();
    let applied = plan_changes::apply(
        &ctx.db,
        gateway.as_ref(),
        &acme,
        &sub,
        plan_changes::Rules::Merchant,
        plan_changes::Confirmation {
            target: plan_changes::Target {
                price_id: basic.id,
                quantity: 1,
            },
            at: now,
            expected_total: 0,
        },
        &plan_changes::Authentication::OffSession,
        Actor::System,
        now,
    )
    .await
    .unwrap();
    assert!(
        matches!(applied, plan_changes::Applied::Scheduled),
        "{applied:?}"
    );
    let mut due = reloaded(ctx, &sub).await.into_active_model();
    due.current_period_end = Set(now - Duration::minutes(1));
    due.update(&ctx.db).await.unwrap();
    sweep(ctx).await;
    let charges = charges_for(ctx, &sub).await;
    assert_eq!(
        (charges[0].amount, charges[0].status()),
        (basic.unit_amount, Some(charges::Status::Paid))
    );
    let renewed = reloaded(ctx, &sub).await;
    assert_eq!(
        (renewed.price_id, renewed.scheduled_price_id),
        (basic.id, None)
    );
}

#[tokio::test]
async fn two_confirmations_of_one_upgrade_racing_charge_once() {
    use portal::models::{audit_events::Actor, plan_changes};
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let now = support::now();
    let acme = support::workspace(ctx, "acme").await;
    let customer = support::customer(ctx, "acme", "bob@example.com").await;
    let sub = subscriptions::Model::list_for_customer(&ctx.db, acme.id, customer.id)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.status() == Some(Status::Active))
        .unwrap();
    let business = price_named(ctx, "Cloud Business").await;
    let target = plan_changes::Target {
        price_id: business.id,
        quantity: 1,
    };
    let preview = plan_changes::preview(
        &ctx.db,
        &acme,
        &sub,
        target,
        plan_changes::Rules::Merchant,
        now,
    )
    .await
    .unwrap();
    let before = charges_for(ctx, &sub).await.len();
    let gateway = portal::gateway::from_context(ctx).unwrap();
    let confirm = || {
        plan_changes::apply(
            &ctx.db,
            gateway.as_ref(),
            &acme,
            &sub,
            plan_changes::Rules::Merchant,
            plan_changes::Confirmation {
                target,
                at: now,
                expected_total: preview.due_now(),
            },
            &plan_changes::Authentication::OffSession,
            Actor::System,
            now,
        )
    };
    let (first, second) = tokio::join!(confirm(), confirm());
    let outcomes = [first.unwrap(), second.unwrap()];
    assert!(
        outcomes
            .iter()
            .any(|o| matches!(o, plan_changes::Applied::Paid { .. })),
        "{outcomes:?}"
    );
    let charges = charges_for(ctx, &sub).await;
    assert_eq!(charges.len(), before + 1, "one charge");
    assert_eq!(charges[0].amount, preview.due_now());
    let paid_at_gateway = sandbox_charges::Entity::find()
        .filter(sandbox_charges::Column::IdempotencyKey.eq(charges[0].idempotency_key.clone()))
        .count(&ctx.db)
        .await
        .unwrap();
    assert_eq!(paid_at_gateway, 1, "the gateway charged once");
    assert_eq!(reloaded(ctx, &sub).await.price_id, business.id);
}
