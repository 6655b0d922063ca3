//! The console's overview: every figure against a workspace whose answers
//! are worked out by hand below, its rows written the way the application
//! writes them (inserts, then status changes), so the database's tallies are
//! what is tested.
use axum::http::StatusCode;
use chrono::{DateTime, Datelike, Duration, FixedOffset, TimeZone, Utc};
use portal::models::{
    charges, customers,
    memberships::{self, Role},
    overview::{MonthRevenue, Overview},
    prices, products, refunds, subscriptions, users,
    workspaces::{self, NewWorkspace},
};
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};

use crate::support;

/// Noon on the 15th, `back` months before this one (this month: a minute ago).
fn in_month(back: i32) -> DateTime<FixedOffset> {
    let now = Utc::now();
    if back == 0 {
        return (now - Duration::minutes(1)).fixed_offset();
    }
    let index = now.year() * 12 + now.month0() as i32 - back;
    Utc.with_ymd_and_hms(
        index.div_euclid(12),
        index.rem_euclid(12) as u32 + 1,
        15,
        12,
        0,
        0,
    )
    .unwrap()
    .fixed_offset()
}

fn month_key(back: i32) -> String {
    in_month(back).format("%Y-%m").to_string()
}

struct Shop {
    ws: workspaces::Model,
    customer: customers::Model,
}

impl Shop {
    async fn price(
        &self,
        db: &sea_orm::DatabaseConnection,
        amount: i64,
        currency: &str,
        interval: &str,
        count: i32,
    ) -> prices::Model {
        let product = products::Model::create(db, self.ws.id, "Plan", None)
            .await
            .unwrap();
        prices::Model::create(
            db,
            self.ws.id,
            &prices::NewPrice {
                product_id: product.id,
                nickname: None,
                unit_amount: amount,
                currency: currency.into(),
                interval: interval.into(),
                interval_count: count,
                trial_days: 0,
            },
        )
        .await
        .unwrap()
    }

    /// A subscription started `created`, in `status`, whose current period
    /// ends (its next payment is due) at `due`.
    async fn subscription(
        &self,
        db: &sea_orm::DatabaseConnection,
        price: &prices::Model,
        quantity: i32,
        status: &str,
        created: DateTime<FixedOffset>,
        due: DateTime<FixedOffset>,
    ) -> subscriptions::Model {
        let row = subscriptions::ActiveModel {
            pid: Set(uuid::Uuid::new_v4()),
            created_at: Set(created),
            updated_at: Set(created),
            status: Set(status.into()),
            quantity: Set(quantity),
            current_period_start: Set(created),
            current_period_end: Set(due),
            cancel_at_period_end: Set(false),
            dunning_attempts: Set(0),
            workspace_id: Set(self.ws.id),
            customer_id: Set(self.customer.id),
            price_id: Set(price.id),
            ..Default::default()
        };
        subscriptions::Entity::insert(row)
            .exec_with_returning(db)
            .await
            .unwrap()
    }

    async fn charge(
        &self,
        db: &sea_orm::DatabaseConnection,
        amount: i64,
        currency: &str,
        status: &str,
        at: DateTime<FixedOffset>,
    ) -> charges::Model {
        let row = charges::ActiveModel {
            pid: Set(uuid::Uuid::new_v4()),
            created_at: Set(at),
            updated_at: Set(at),
            amount: Set(amount),
            currency: Set(currency.into()),
            status: Set(status.into()),
            description: Set("Plan".into()),
            attempt: Set(1),
            idempotency_key: Set(format!("test:{}", uuid::Uuid::new_v4())),
            paid_at: Set((status == "paid").then_some(at)),
            amount_refunded: Set(0),
            workspace_id: Set(self.ws.id),
            customer_id: Set(self.customer.id),
            ..Default::default()
        };
        charges::Entity::insert(row)
            .exec_with_returning(db)
            .await
            .unwrap()
    }

    async fn refund(
        &self,
        db: &sea_orm::DatabaseConnection,
        charge: &charges::Model,
        amount: i64,
        outcome: &str,
    ) {
        let row = refunds::ActiveModel {
            pid: Set(uuid::Uuid::new_v4()),
            created_at: Set(support::now()),
            updated_at: Set(support::now()),
            amount: Set(amount),
            currency: Set(charge.currency.clone()),
            idempotency_key: Set(uuid::Uuid::new_v4().to_string()),
            status: Set("pending".into()),
            workspace_id: Set(self.ws.id),
            charge_id: Set(charge.id),
            customer_id: Set(self.customer.id),
            ..Default::default()
        };
        let refund = refunds::Entity::insert(row)
            .exec_with_returning(db)
            .await
            .unwrap();
        refunds::Entity::update_many()
            .col_expr(refunds::Column::Status, Expr::value(outcome))
            .filter(refunds::Column::Id.eq(refund.id))
            .exec(db)
            .await
            .unwrap();
    }
}

/// Moves a subscription to `status` as the application does (one UPDATE),
/// with its period now ending at `due` and, when it ends, why.
async fn move_to(
    db: &sea_orm::DatabaseConnection,
    sub: &subscriptions::Model,
    status: &str,
    due: DateTime<FixedOffset>,
    ended: Option<(DateTime<FixedOffset>, Option<&str>)>,
) {
    let mut update = subscriptions::Entity::update_many()
        .col_expr(subscriptions::Column::Status, Expr::value(status))
        .col_expr(subscriptions::Column::CurrentPeriodEnd, Expr::value(due));
    if let Some((at, reason)) = ended {
        update = update
            .col_expr(subscriptions::Column::CancelledAt, Expr::value(Some(at)))
            .col_expr(
                subscriptions::Column::CancellationReason,
                Expr::value(reason.map(str::to_string)),
            );
    }
    update
        .filter(subscriptions::Column::Id.eq(sub.id))
        .exec(db)
        .await
        .unwrap();
}

/// The data set; the expected figures are in `every_figure_matches_the_hand_count`.
async fn shop(ctx: &loco_rs::app::AppContext) -> Shop {
    let db = &ctx.db;
    let ws = workspaces::Model::create(
        db,
        &NewWorkspace {
            slug: "tally".into(),
            name: "Tally Ltd".into(),
            accent_color: None,
            support_email: None,
            return_url: None,
        },
    )
    .await
    .unwrap();
    let customer = customers::Model::create(
        db,
        ws.id,
        &customers::NewCustomer {
            email: "buyer@tally.test".into(),
            name: "Buyer".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let shop = Shop { ws, customer };
    let monthly = shop.price(db, 1_000, "EUR", "month", 1).await; // 10.00 a month
    let yearly = shop.price(db, 12_000, "EUR", "year", 1).await; // 10.00 a month
    let quarterly = shop.price(db, 3_000, "EUR", "month", 3).await; // 10.00 a month
    let weekly = shop.price(db, 500, "EUR", "week", 1).await; // 21.666... a month
    let dollars = shop.price(db, 5_000, "USD", "month", 1).await;
    let later = in_month(-1);

    // running: 2 seats x 10.00 + 10.00 + 10.00 (past due) + 3 x 21.666... = 105.00 EUR; 50.00 USD
    shop.subscription(db, &monthly, 2, "active", in_month(0), later)
        .await;
    let recovered = shop
        .subscription(db, &yearly, 1, "active", in_month(3), in_month(1))
        .await;
    move_to(db, &recovered, "past_due", in_month(1), None).await; // failed, due last month
    move_to(db, &recovered, "active", later, None).await; // ... and paid after all
    let owing = shop
        .subscription(db, &quarterly, 1, "active", in_month(5), in_month(2))
        .await;
    move_to(db, &owing, "past_due", in_month(2), None).await; // failed two months ago, still owed
    shop.subscription(db, &weekly, 3, "active", in_month(0), later)
        .await;
    shop.subscription(db, &dollars, 1, "active", in_month(1), later)
        .await;
    // not billed: a trial and a pause
    shop.subscription(db, &monthly, 1, "trialing", in_month(0), later)
        .await;
    shop.subscription(db, &monthly, 1, "paused", in_month(1), later)
        .await;
    // ended this month: one said why, one ran out of retries without a word
    let priced_out = shop
        .subscription(db, &monthly, 1, "active", in_month(2), later)
        .await;
    move_to(
        db,
        &priced_out,
        "cancelled",
        later,
        Some((in_month(0), Some("too_expensive"))),
    )
    .await;
    let lapsed = shop
        .subscription(db, &monthly, 1, "active", in_month(2), in_month(0))
        .await;
    move_to(db, &lapsed, "past_due", in_month(0), None).await; // failed this month
    move_to(
        db,
        &lapsed,
        "cancelled",
        in_month(0),
        Some((in_month(0), None)),
    )
    .await;
    // ended four months ago, after a failure recovered then (outside the recovery window)
    let earlier = shop
        .subscription(db, &monthly, 1, "active", in_month(6), in_month(4))
        .await;
    move_to(db, &earlier, "past_due", in_month(4), None).await;
    move_to(db, &earlier, "active", in_month(3), None).await;
    move_to(
        db,
        &earlier,
        "cancelled",
        in_month(3),
        Some((in_month(4), Some("too_expensive"))),
    )
    .await;
    // ended thirteen months ago: outside the twelve months of reasons
    let long_ago = shop
        .subscription(db, &monthly, 1, "active", in_month(14), in_month(13))
        .await;
    move_to(
        db,
        &long_ago,
        "cancelled",
        in_month(13),
        Some((in_month(13), Some("missing_features"))),
    )
    .await;

    // money: this month 100.00 (paid now) + 10.00 (then refunded whole), 25.00 refunded of the 100.00
    let pending = shop.charge(db, 10_000, "EUR", "pending", in_month(0)).await;
    let paid = pending
        .into_active_model()
        .mark_paid(db, "ch_test", support::now())
        .await
        .unwrap();
    shop.refund(db, &paid, 2_500, "succeeded").await;
    shop.refund(db, &paid, 1_000, "failed").await;
    let whole = shop.charge(db, 1_000, "EUR", "paid", in_month(0)).await;
    shop.refund(db, &whole, 1_000, "succeeded").await;
    let mut refunded = whole.into_active_model();
    refunded.status = Set("refunded".into());
    charges::Entity::update(refunded).exec(db).await.unwrap();
    shop.charge(db, 7_000, "EUR", "failed", in_month(1)).await;
    shop.charge(db, 5_000, "EUR", "paid", in_month(1)).await;
    shop.charge(db, 3_000, "EUR", "paid", in_month(11)).await; // the window's first month
    shop.charge(db, 4_000, "EUR", "paid", in_month(12)).await; // before it
    shop.charge(db, 2_000, "USD", "paid", in_month(0)).await;
    shop
}

#[tokio::test]
async fn every_figure_matches_the_hand_count() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let shop = shop(ctx).await;
    let o = Overview::for_workspace(&ctx.db, shop.ws.id, Utc::now().fixed_offset())
        .await
        .unwrap();
    let recurring: Vec<_> = o
        .recurring
        .iter()
        .map(|r| (r.currency.as_str(), r.monthly))
        .collect();
    assert_eq!(recurring, [("EUR", 10_500), ("USD", 5_000)]);
    assert_eq!((o.active, o.past_due, o.trialing, o.paused), (5, 1, 1, 1));
    assert_eq!((o.started_this_month, o.cancelled_this_month), (3, 2));
    assert_eq!(
        (
            o.recovery.failed,
            o.recovery.recovered,
            o.recovery.percent()
        ),
        (3, 1, Some(33))
    );
    assert_eq!(o.recovery_since, month_key(2));
    assert_eq!(
        o.cancellation_reasons,
        [
            ("too_expensive".to_string(), 2),
            ("unstated".to_string(), 1)
        ]
    );
    let eur = &o.revenue[0];
    assert_eq!((eur.currency.as_str(), eur.months.len()), ("EUR", 12));
    assert_eq!(
        eur.months[0],
        MonthRevenue {
            month: month_key(11),
            charged: 3_000,
            refunded: 0
        }
    );
    assert_eq!(
        eur.months[10],
        MonthRevenue {
            month: month_key(1),
            charged: 5_000,
            refunded: 0
        }
    );
    assert_eq!(
        eur.months[11],
        MonthRevenue {
            month: month_key(0),
            charged: 11_000,
            refunded: 3_500
        }
    );
    let quiet: i64 = eur.months[1..10]
        .iter()
        .map(|m| m.charged + m.refunded)
        .sum();
    assert_eq!(quiet, 0);
    assert_eq!(o.revenue[1].currency, "USD");
    assert_eq!(o.revenue[1].months[11].charged, 2_000);

    // the page says the same, to the owner
    let owner = app.server();
    let user = users::Model::find_by_email(&ctx.db, "owner@acme.test")
        .await
        .unwrap();
    memberships::Model::grant(&ctx.db, shop.ws.id, user.id, Role::Owner)
        .await
        .unwrap();
    support::console_sign_in(&owner, ctx, "owner@acme.test").await;
    let res = owner.get("/admin/tally").await;
    res.assert_status(StatusCode::OK);
    let html = res.text();
    let this_month = in_month(0).format("%B %Y").to_string();
    let last_month = in_month(1).format("%B %Y").to_string();
    for figure in [
        r#"<p class="figure">€105.00</p>"#.to_string(),
        r#"<p class="figure">$50.00</p>"#.to_string(),
        r#"<p class="figure">5 active</p>"#.to_string(),
        "1 trialing · 1 of the active past due · 1 paused".to_string(),
        r#"<p class="figure">3 new</p>"#.to_string(),
        "<p>2 cancelled</p>".to_string(),
        r#"<p class="figure">33%</p>"#.to_string(),
        format!(
            "Renewals due since {} that failed: 3; paid later: 1.",
            in_month(2).format("%B %Y")
        ),
        "Net revenue in EUR, last twelve months: €155.00".to_string(),
        format!(
            r#"<th scope="row">{this_month}</th><td>€110.00</td><td>€35.00</td><td>€75.00</td>"#
        ),
        format!(r#"<th scope="row">{last_month}</th><td>€50.00</td><td>€0.00</td><td>€50.00</td>"#),
        "Net revenue in USD, last twelve months: $20.00".to_string(),
        "Subscriptions that ended in the last twelve months: 3.".to_string(),
        r#"<th scope="row">Too expensive</th><td>2</td>"#.to_string(),
        r#"<th scope="row">No reason given</th><td>1</td>"#.to_string(),
    ] {
        assert!(
            html.contains(&figure),
            "the overview shows {figure}:\n{html}"
        );
    }
    assert!(
        !html.contains("Missing features"),
        "a reason from 13 months ago is outside the window"
    );
    let first = in_month(11).format("%B %Y").to_string();
    assert!(
        html.contains(&format!(r#"<th scope="row">{first}</th><td>€30.00</td>"#)),
        "the window starts eleven months back, without the payment of twelve months ago"
    );
    // a bar per month, drawn by the server
    assert_eq!(html.matches(r#"<rect class="bar"#).count(), 24);
}

#[tokio::test]
async fn a_new_workspace_reads_empty_and_others_see_nothing_of_it() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let shop = shop(ctx).await;
    let acme = support::workspace(ctx, "acme").await;
    let before = Overview::for_workspace(&ctx.db, acme.id, support::now())
        .await
        .unwrap();
    assert!(
        before.recurring.iter().all(|r| r.monthly != 10_500),
        "acme's figures are acme's own"
    );

    // an owner of acme only cannot open tally's overview, nor learn it exists
    let owner = app.server();
    support::console_sign_in(&owner, ctx, "owner@acme.test").await;
    let res = owner.get(&format!("/admin/{}", shop.ws.slug)).await;
    assert_eq!(res.status_code(), StatusCode::NOT_FOUND);
    // acme's overview opens, as the console's landing page
    let home = owner.get("/admin/acme").await;
    home.assert_status(StatusCode::OK);
    assert!(home.text().contains("<h1>Overview</h1>"));

    // a workspace with nothing yet says so instead of drawing empty charts
    let empty = workspaces::Model::create(
        &ctx.db,
        &NewWorkspace {
            slug: "empty".into(),
            name: "Empty".into(),
            accent_color: None,
            support_email: None,
            return_url: None,
        },
    )
    .await
    .unwrap();
    let user = users::Model::find_by_email(&ctx.db, "viewer@acme.test")
        .await
        .unwrap();
    memberships::Model::grant(&ctx.db, empty.id, user.id, Role::Viewer)
        .await
        .unwrap();
    let viewer = app.server();
    support::console_sign_in(&viewer, ctx, "viewer@acme.test").await;
    let html = viewer.get("/admin/empty").await.text();
    for line in [
        "None yet",
        "No failed payments",
        "No payments in the last twelve months.",
        "No subscription ended in the last twelve months.",
    ] {
        assert!(html.contains(line), "{line}:\n{html}");
    }
    assert!(!html.contains("<svg viewBox"), "no empty chart");
}

#[tokio::test]
async fn the_tallies_of_rows_written_before_them_are_counted_when_they_arrive() {
    use migration::MigratorTrait;
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let shop = shop(ctx).await;
    let now = Utc::now().fixed_offset();
    let acme = support::workspace(ctx, "acme").await;
    let kept = (
        Overview::for_workspace(&ctx.db, shop.ws.id, now)
            .await
            .unwrap(),
        Overview::for_workspace(&ctx.db, acme.id, now)
            .await
            .unwrap(),
    );
    // an installation upgrading to the tallies: the migration counts what is there
    migration::Migrator::down(&ctx.db, Some(1)).await.unwrap();
    migration::Migrator::up(&ctx.db, None).await.unwrap();
    for (before, ws) in [(&kept.0, shop.ws.id), (&kept.1, acme.id)] {
        let after = Overview::for_workspace(&ctx.db, ws, now).await.unwrap();
        // past-due episodes before the tallies are read from renewal charges,
        // which these hand-written rows do not have: everything else is equal
        assert_eq!(
            Overview {
                recovery: before.recovery,
                ..after
            },
            *before
        );
    }
}
