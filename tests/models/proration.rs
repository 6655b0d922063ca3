//! The proration rule (docs/architecture.md, "Plan changes"): by the second,
//! each share rounded half up to the minor unit, tax on the difference; the
//! invoice's lines always add up to the charge.
use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
use portal::models::proration::{prorate, share};

fn at(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> DateTime<FixedOffset> {
    Utc.with_ymd_and_hms(y, m, d, h, min, s)
        .unwrap()
        .fixed_offset()
}

#[test]
fn the_first_second_of_a_period_swaps_the_whole_period() {
    let (start, end) = (at(2026, 1, 1, 0, 0, 0), at(2026, 2, 1, 0, 0, 0));
    let p = prorate(2900, 7900, start, end, start, 0);
    assert_eq!((p.credit, p.debit, p.tax, p.total), (2900, 7900, 0, 5000));
}

#[test]
fn the_last_second_of_a_period_costs_almost_nothing() {
    let (start, end) = (at(2026, 1, 1, 0, 0, 0), at(2026, 2, 1, 0, 0, 0));
    // one second of 31 days: 2900 * 1 / 2678400 rounds to 0
    let p = prorate(2900, 7900, start, end, end - Duration::seconds(1), 0);
    assert_eq!((p.credit, p.debit, p.total), (0, 0, 0));
    // at the end itself nothing is left
    let p = prorate(2900, 7900, start, end, end, 0);
    assert_eq!(p.total, 0);
}

#[test]
fn a_31_day_month_and_february_by_the_second() {
    // halfway through January (31 days): 15.5 days of 31 left
    let (start, end) = (at(2026, 1, 1, 0, 0, 0), at(2026, 2, 1, 0, 0, 0));
    let p = prorate(3100, 6200, start, end, at(2026, 1, 16, 12, 0, 0), 0);
    assert_eq!((p.credit, p.debit, p.total), (1550, 3100, 1550));
    // February 2026 has 28 days: 7 days left is exactly a quarter
    let (start, end) = (at(2026, 2, 1, 0, 0, 0), at(2026, 3, 1, 0, 0, 0));
    let p = prorate(2800, 8000, start, end, at(2026, 2, 22, 0, 0, 0), 0);
    assert_eq!((p.credit, p.debit, p.total), (700, 2000, 1300));
    // a leap February (29 days), one day left: 2900/29 = 100 and 7900/29 = 272.41 -> 272
    let (start, end) = (at(2028, 2, 1, 0, 0, 0), at(2028, 3, 1, 0, 0, 0));
    let p = prorate(2900, 7900, start, end, at(2028, 2, 29, 0, 0, 0), 0);
    assert_eq!((p.credit, p.debit, p.total), (100, 272, 172));
}

#[test]
fn shares_round_half_up_to_the_minor_unit() {
    assert_eq!(share(1, 1, 2), 1, "half a cent rounds up");
    assert_eq!(share(3, 1, 2), 2);
    assert_eq!(share(1, 1, 3), 0);
    assert_eq!(share(2, 1, 3), 1);
    assert_eq!(share(100, 3, 0), 0, "an empty period shares nothing");
    assert_eq!(share(100, 5, 2), 100, "never more than the whole");
}

#[test]
fn a_quantity_and_a_price_change_in_one() {
    // 3 seats at 1000 -> 5 seats at 1500, a third of a 30-day period left
    let (start, end) = (at(2026, 4, 1, 0, 0, 0), at(2026, 5, 1, 0, 0, 0));
    let p = prorate(3 * 1000, 5 * 1500, start, end, at(2026, 4, 21, 0, 0, 0), 0);
    assert_eq!((p.credit, p.debit, p.total), (1000, 2500, 1500));
}

#[test]
fn currencies_with_zero_two_and_three_decimals() {
    let (start, end) = (at(2026, 6, 1, 0, 0, 0), at(2026, 7, 1, 0, 0, 0));
    let at = at(2026, 6, 11, 7, 0, 0); // 19 days 17 hours of 30 left
                                       // JPY (0 decimals): 980 -> 2980 yen
    let jpy = prorate(980, 2980, start, end, at, 1000);
    // KWD (3 decimals): 2.500 -> 7.750 dinars
    let kwd = prorate(2500, 7750, start, end, at, 0);
    // USD (2 decimals) with 19% tax
    let usd = prorate(2900, 7900, start, end, at, 1900);
    let left = 19 * 86_400 + 17 * 3_600;
    let whole = 30 * 86_400;
    for (p, from, to, bps) in [
        (jpy, 980, 2980, 1000),
        (kwd, 2500, 7750, 0),
        (usd, 2900, 7900, 1900),
    ] {
        // the exact share, rounded half up, by hand in integers
        let exact = |amount: i64| (2 * amount * left + whole) / (2 * whole);
        assert_eq!(p.credit, exact(from));
        assert_eq!(p.debit, exact(to));
        let net = p.debit - p.credit;
        assert_eq!(p.tax, (net * i64::from(bps) + 5_000) / 10_000);
        assert_eq!(-p.credit + p.debit + p.tax, p.total, "the lines add up");
    }
    assert_eq!(
        (jpy.credit, jpy.debit, jpy.tax, jpy.total),
        (644, 1958, 131, 1445)
    );
}

#[test]
fn the_lines_always_add_up_to_the_charge() {
    let (start, end) = (at(2026, 1, 31, 9, 30, 0), at(2026, 2, 28, 9, 30, 0));
    let mut second = start;
    let step = Duration::seconds(86_399 / 7);
    while second <= end {
        for (from, to, bps) in [
            (2900, 7900, 0),
            (999, 1001, 1900),
            (1, 3, 2000),
            (19_000 * 3, 19_000 * 7, 700),
        ] {
            let p = prorate(from, to, start, end, second, bps);
            assert_eq!(-p.credit + p.debit + p.tax, p.total);
            assert!(p.total >= 0 && p.debit >= p.credit);
        }
        second += step;
    }
}
