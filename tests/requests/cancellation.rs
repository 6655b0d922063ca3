//! A customer cancels a subscription at the period's end (with a reason),
//! keeps it after all, or ends it now where the workspace allows it; every
//! action answers 404 when its switch is off or the subscription is not
//! theirs; the renewal engine ends a scheduled cancellation without a charge.
use axum::http::StatusCode;
use portal::{
    capabilities::Capability,
    models::{audit_events, charges, events, renewals, subscriptions, subscriptions::Status},
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};

use crate::support::{self, mail, TestApp};

/// ada (with a fresh address for her mail), signed in, and her subscription in `status`.
async fn ada_with(
    app: &TestApp,
    status: Status,
) -> (axum_test::TestServer, String, subscriptions::Model) {
    let ctx = &app.app_context;
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    let address = mail::unique_address("cancel");
    let mut fresh = ada.clone().into_active_model();
    fresh.email = Set(address.clone());
    let ada = fresh.update(&ctx.db).await.unwrap();
    let server = app.server();
    support::sign_in(&server, ctx, &ada).await;
    let sub = subscriptions::Model::list_for_customer(&ctx.db, ada.workspace_id, ada.id)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.status() == Some(status))
        .unwrap();
    (server, address, sub)
}

async fn reload(app: &TestApp, sub: &subscriptions::Model) -> subscriptions::Model {
    subscriptions::Entity::find_by_id(sub.id)
        .one(&app.app_context.db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn ada_cancels_at_period_end_with_a_reason_then_keeps_her_subscription() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let (server, address, sub) = ada_with(&app, Status::Active).await;
    let base = format!("/portal/acme/subscriptions/{}", sub.id);

    let page = server.get(&base).await.text();
    assert!(page.contains(&format!(r#"href="{base}/cancel""#)), "{page}");
    let confirm = server.get(&format!("{base}/cancel")).await;
    assert_eq!(confirm.status_code(), 200);
    let ends = sub.current_period_end.format("%b %-d, %Y").to_string();
    let text = confirm.text();
    assert!(
        text.contains(&format!("stays active until {ends}")),
        "{text}"
    );
    assert!(text.contains("will not be charged again"));
    assert!(
        !text.contains("when-now"),
        "cancelling now is off by default"
    );

    // an unknown reason is refused and changes nothing
    let bad = server
        .post(&format!("{base}/cancel"))
        .form(&[
            ("csrf_token", support::csrf(&text).as_str()),
            ("when", "period_end"),
            ("reason", "bored"),
        ])
        .await;
    assert_eq!(bad.status_code(), 422);
    assert!(!reload(&app, &sub).await.cancel_at_period_end);

    let done = server
        .post(&format!("{base}/cancel"))
        .form(&[
            ("csrf_token", support::csrf(&text).as_str()),
            ("when", "period_end"),
            ("reason", "too_expensive"),
            ("comment", "Needs a cheaper plan"),
        ])
        .await;
    assert_eq!(done.status_code(), 303, "{}", done.text());
    let page = server
        .get(&format!("{base}?cancelled=period_end"))
        .await
        .text();
    assert!(page.contains(&format!("Cancels on {ends}")), "{page}");
    assert!(page.contains("It stays active until"));
    assert!(page.contains("Keep my subscription"));
    let list = server.get("/portal/acme/subscriptions").await.text();
    assert!(list.contains(&format!("Cancels on {ends}")));

    let scheduled = reload(&app, &sub).await;
    assert!(scheduled.cancel_at_period_end);
    assert_eq!(
        scheduled.status(),
        Some(Status::Active),
        "still active until then"
    );
    assert_eq!(
        scheduled.cancellation_reason.as_deref(),
        Some("too_expensive")
    );
    let trail =
        audit_events::Model::list_for_subject(&ctx.db, sub.workspace_id, "subscription", sub.id)
            .await
            .unwrap();
    assert_eq!(trail[0].action, "subscription.cancellation_scheduled");
    assert_eq!(trail[0].changes["reason"], "too_expensive");
    assert_eq!(trail[0].changes["comment"], "Needs a cheaper plan");
    let outbox = events::Model::list_recent(&ctx.db, sub.workspace_id, 1)
        .await
        .unwrap();
    assert_eq!(outbox[0].event_type, "subscription.updated");
    assert_eq!(outbox[0].payload["cancel_at_period_end"], true);
    let email = mail::wait_for(&address, 1).await;
    assert!(
        email.subject.contains(&format!("ends on {ends}")),
        "{}",
        email.subject
    );

    // a second click (another tab) changes nothing and sends nothing more
    let again = server
        .post(&format!("{base}/cancel"))
        .form(&[
            ("csrf_token", support::csrf(&page).as_str()),
            ("when", "period_end"),
        ])
        .await;
    assert_eq!(again.status_code(), 303);
    assert_eq!(
        server.get(&format!("{base}/cancel")).await.status_code(),
        404,
        "nothing left to confirm"
    );
    assert_eq!(mail::all_to(&address).len(), 1);

    let kept = server
        .post(&format!("{base}/keep"))
        .form(&[("csrf_token", support::csrf(&page).as_str())])
        .await;
    assert_eq!(kept.status_code(), 303);
    let page = server.get(&format!("{base}?kept=1")).await.text();
    assert!(page.contains("Your subscription continues"), "{page}");
    assert!(!page.contains("Cancels on"));
    let kept = reload(&app, &sub).await;
    assert!(!kept.cancel_at_period_end);
    assert_eq!(kept.cancellation_reason, None);
    let email = mail::wait_for(&address, 2).await;
    assert!(email.subject.contains("continues"), "{}", email.subject);
}

#[tokio::test]
async fn switched_off_actions_and_other_customers_subscriptions_answer_404() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let (server, _, sub) = ada_with(&app, Status::Active).await;
    let base = format!("/portal/acme/subscriptions/{}", sub.id);
    let csrf = support::csrf(&server.get(&base).await.text());

    // cancelling now: off by default
    let now = server
        .post(&format!("{base}/cancel"))
        .form(&[("csrf_token", csrf.as_str()), ("when", "now")])
        .await;
    assert_eq!(now.status_code(), 404);
    assert_eq!(reload(&app, &sub).await.status(), Some(Status::Active));

    support::set_capability(ctx, "acme", Capability::CancelAtPeriodEnd, false).await;
    let page = server.get(&base).await.text();
    assert!(!page.contains("Cancel subscription"), "{page}");
    assert_eq!(
        server.get(&format!("{base}/cancel")).await.status_code(),
        404
    );
    let refused = server
        .post(&format!("{base}/cancel"))
        .form(&[("csrf_token", csrf.as_str()), ("when", "period_end")])
        .await;
    assert_eq!(refused.status_code(), 404);
    let keep = server
        .post(&format!("{base}/keep"))
        .form(&[("csrf_token", csrf.as_str())])
        .await;
    assert_eq!(keep.status_code(), 404);
    assert!(!reload(&app, &sub).await.cancel_at_period_end);

    // cancelling now, once the merchant allows it: ends at once, no refund
    support::set_capability(ctx, "acme", Capability::CancelImmediately, true).await;
    let confirm = server.get(&format!("{base}/cancel")).await.text();
    assert!(confirm.contains("not refunded"), "{confirm}");
    let ended = server
        .post(&format!("{base}/cancel"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("when", "now"),
            ("reason", "not_using"),
        ])
        .await;
    assert_eq!(ended.status_code(), 303);
    let ended = reload(&app, &sub).await;
    assert_eq!(ended.status(), Some(Status::Cancelled));
    assert_eq!(ended.next_renewal_at, None);

    // bob's subscription, and globex's ada's, do not exist for ada
    let bob = support::customer(ctx, "acme", "bob@example.com").await;
    let bobs = subscriptions::Model::list_for_customer(&ctx.db, bob.workspace_id, bob.id)
        .await
        .unwrap()
        .remove(0);
    let other = support::customer(ctx, "globex", "ada@example.com").await;
    let globex = subscriptions::Model::list_for_customer(&ctx.db, other.workspace_id, other.id)
        .await
        .unwrap()
        .remove(0);
    for id in [bobs.id, globex.id] {
        let path = format!("/portal/acme/subscriptions/{id}");
        assert_eq!(
            server.get(&format!("{path}/cancel")).await.status_code(),
            404
        );
        let res = server
            .post(&format!("{path}/cancel"))
            .form(&[("csrf_token", csrf.as_str()), ("when", "now")])
            .await;
        assert_eq!(res.status_code(), 404);
        let res = server
            .post(&format!("{path}/keep"))
            .form(&[("csrf_token", csrf.as_str())])
            .await;
        assert_eq!(res.status_code(), 404);
    }
    assert_eq!(reload(&app, &bobs).await.status(), Some(Status::Active));
    assert_eq!(reload(&app, &globex).await.status, globex.status);
    // without the CSRF token nothing happens
    let forged = server
        .post(&format!("{base}/keep"))
        .form(&[("csrf_token", "forged")])
        .await;
    assert_ne!(forged.status_code(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_engine_ends_a_scheduled_cancellation_without_charging_it() {
    use chrono::Duration;
    use portal::models::audit_events::Actor;
    use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let gateway = portal::gateway::from_context(ctx).unwrap();
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    let subs = subscriptions::Model::list_for_customer(&ctx.db, ada.workspace_id, ada.id)
        .await
        .unwrap();
    for status in [Status::Active, Status::Trialing] {
        let sub = subs
            .iter()
            .find(|s| s.status() == Some(status))
            .unwrap()
            .clone();
        let scheduled = sub
            .clone()
            .cancel(
                &ctx.db,
                subscriptions::Cancellation::AtPeriodEnd {
                    reason: Some("temporary"),
                    comment: None,
                },
                Actor::Customer(sub.customer_id),
                support::now(),
            )
            .await
            .unwrap();
        let charges_before = charges::Entity::find()
            .filter(charges::Column::SubscriptionId.eq(sub.id))
            .count(&ctx.db)
            .await
            .unwrap();
        // not due yet: nothing happens
        let early = renewals::renew(
            &ctx.db,
            gateway.as_ref(),
            sub.workspace_id,
            sub.id,
            scheduled.current_period_end - Duration::minutes(1),
            None,
        )
        .await
        .unwrap();
        assert_eq!(early, renewals::Renewal::NotDue);
        // the sweep finds it due at the period's end: it ends, uncharged
        let at_end = scheduled.current_period_end + Duration::minutes(1);
        let due = renewals::due(&ctx.db, at_end, 0, 10_000).await.unwrap();
        assert!(due.contains(&(sub.workspace_id, sub.id)));
        let ended = renewals::renew(
            &ctx.db,
            gateway.as_ref(),
            sub.workspace_id,
            sub.id,
            at_end,
            None,
        )
        .await
        .unwrap();
        assert_eq!(ended, renewals::Renewal::Ended, "{status:?}");
        let again = renewals::renew(
            &ctx.db,
            gateway.as_ref(),
            sub.workspace_id,
            sub.id,
            at_end,
            None,
        )
        .await
        .unwrap();
        assert_eq!(again, renewals::Renewal::NotDue, "ended once");
        let after = reload(&app, &sub).await;
        assert_eq!(after.status(), Some(Status::Cancelled));
        assert_eq!(after.next_renewal_at, None);
        let charges_after = charges::Entity::find()
            .filter(charges::Column::SubscriptionId.eq(sub.id))
            .count(&ctx.db)
            .await
            .unwrap();
        assert_eq!(charges_after, charges_before, "{status:?}: never charged");
        let outbox = events::Model::list_recent(&ctx.db, sub.workspace_id, 1)
            .await
            .unwrap();
        assert_eq!(outbox[0].event_type, "subscription.cancelled");
        assert_eq!(outbox[0].payload["cancellation_reason"], "temporary");
    }
}
