use chrono::{DateTime, Datelike, TimeZone, Utc};
use loco_rs::model::ModelError;
use portal::models::{
    prices::{self, NewPrice},
    products,
};

use crate::support;

fn price(product_id: i64, amount: i64, currency: &str, interval: &str, count: i32) -> NewPrice {
    NewPrice {
        product_id,
        nickname: None,
        unit_amount: amount,
        currency: currency.into(),
        interval: interval.into(),
        interval_count: count,
        trial_days: 0,
    }
}

#[tokio::test]
async fn prices_hold_integer_minor_units_and_describe_their_cycle() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let acme = support::workspace(ctx, "acme").await;
    let product = products::Model::create(&ctx.db, acme.id, "Storage", None)
        .await
        .unwrap();

    let monthly = prices::Model::create(
        &ctx.db,
        acme.id,
        &price(product.id, 1999, "usd", "month", 1),
    )
    .await
    .unwrap();
    assert_eq!(monthly.unit_amount, 1999_i64);
    assert_eq!(monthly.currency, "USD");
    assert_eq!(monthly.unit_price().plain(), "19.99 USD");
    assert_eq!(monthly.interval_words(), "monthly");

    let quarterly = prices::Model::create(
        &ctx.db,
        acme.id,
        &price(product.id, 5000, "EUR", "month", 3),
    )
    .await
    .unwrap();
    assert_eq!(quarterly.interval_words(), "every 3 months");
    let yen = prices::Model::create(&ctx.db, acme.id, &price(product.id, 1200, "JPY", "year", 1))
        .await
        .unwrap();
    assert_eq!(yen.unit_price().plain(), "1200 JPY");
    assert_eq!(yen.interval_words(), "yearly");
}

#[tokio::test]
async fn bad_prices_are_refused_with_the_reason() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let acme = support::workspace(ctx, "acme").await;
    let globex = support::workspace(ctx, "globex").await;
    let product = products::Model::create(&ctx.db, acme.id, "Storage", None)
        .await
        .unwrap();

    let err = prices::Model::create(
        &ctx.db,
        acme.id,
        &price(product.id, 100, "dollars", "month", 1),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("ISO currency"), "{err}");
    let err = prices::Model::create(&ctx.db, acme.id, &price(product.id, -1, "USD", "month", 1))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("negative"), "{err}");
    let err = prices::Model::create(
        &ctx.db,
        acme.id,
        &price(product.id, 100, "USD", "fortnight", 1),
    )
    .await
    .unwrap_err();
    assert!(
        err.to_string().contains("day, week, month or year"),
        "{err}"
    );
    // another workspace's product is not there at all
    assert!(matches!(
        prices::Model::create(
            &ctx.db,
            globex.id,
            &price(product.id, 100, "USD", "month", 1)
        )
        .await,
        Err(ModelError::EntityNotFound)
    ));
}

#[tokio::test]
async fn periods_advance_by_calendar_months_and_clamp_at_month_end() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let acme = support::workspace(ctx, "acme").await;
    let product = products::Model::create(&ctx.db, acme.id, "Storage", None)
        .await
        .unwrap();
    let monthly =
        prices::Model::create(&ctx.db, acme.id, &price(product.id, 100, "USD", "month", 1))
            .await
            .unwrap();
    let weekly = prices::Model::create(&ctx.db, acme.id, &price(product.id, 100, "USD", "week", 2))
        .await
        .unwrap();
    let jan31: DateTime<_> = Utc
        .with_ymd_and_hms(2027, 1, 31, 9, 0, 0)
        .unwrap()
        .fixed_offset();
    assert_eq!(
        monthly.period_end(jan31).to_rfc3339(),
        "2027-02-28T09:00:00+00:00"
    );
    assert_eq!(
        weekly.period_end(jan31).to_rfc3339(),
        "2027-02-14T09:00:00+00:00"
    );
}

/// The last day of a month.
fn last_day(year: i32, month: u32) -> u32 {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    Utc.with_ymd_and_hms(y, m, 1, 0, 0, 0)
        .unwrap()
        .checked_sub_days(chrono::Days::new(1))
        .unwrap()
        .day()
}

#[tokio::test]
async fn periods_keep_their_billing_anchor_for_two_years() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let acme = support::workspace(ctx, "acme").await;
    let product = products::Model::create(&ctx.db, acme.id, "Anchored", None)
        .await
        .unwrap();
    for (interval, count, step_months, periods) in
        [("month", 1, 1, 24), ("month", 3, 3, 8), ("year", 1, 12, 2)]
    {
        let price = prices::Model::create(
            &ctx.db,
            acme.id,
            &price(product.id, 100, "USD", interval, count),
        )
        .await
        .unwrap();
        for (year, month, day) in [
            (2027, 1, 28),
            (2027, 1, 29),
            (2027, 1, 30),
            (2027, 1, 31),
            (2028, 2, 29),
            (2027, 8, 31),
        ] {
            let anchor = Utc
                .with_ymd_and_hms(year, month, day, 9, 30, 0)
                .unwrap()
                .fixed_offset();
            let mut start = anchor;
            for n in 1..=periods {
                let months = month - 1 + n * step_months;
                let (y, m) = (year + i32::try_from(months / 12).unwrap(), months % 12 + 1);
                let expected = Utc
                    .with_ymd_and_hms(y, m, day.min(last_day(y, m)), 9, 30, 0)
                    .unwrap()
                    .fixed_offset();
                let end = price.period_end_from(anchor, start);
                assert_eq!(
                    end, expected,
                    "{interval}x{count} anchored {anchor}: period {n} from {start}"
                );
                // any moment inside the period ends it at the same time
                let inside = start + chrono::Duration::hours(1);
                assert_eq!(price.period_end_from(anchor, inside), expected);
                assert_eq!(end.day(), day.min(last_day(y, m)));
                start = end;
            }
        }
    }
    // a trial before the anchor: the first period ends on the anchor itself
    let monthly =
        prices::Model::create(&ctx.db, acme.id, &price(product.id, 100, "USD", "month", 1))
            .await
            .unwrap();
    let anchor = Utc
        .with_ymd_and_hms(2027, 3, 31, 0, 0, 0)
        .unwrap()
        .fixed_offset();
    let before = anchor - chrono::Duration::days(14);
    assert_eq!(monthly.period_end_from(anchor, before), anchor);
}
