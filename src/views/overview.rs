//! What the console's overview template sees: figures formatted for the
//! merchant, and charts as geometry for server-drawn SVG (no script), each
//! with the numbers for its data table.
use serde::Serialize;

use crate::models::{
    money::{minor_unit_digits, Money},
    overview::{Overview, RevenueSeries},
};

/// The console is in English until it joins Fluent.
const LANG: &str = "en-US";
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `2026-12` as ("Dec", "December 2026").
fn month_names(month: &str) -> (String, String) {
    let (year, number) = month.split_once('-').unwrap_or((month, "1"));
    let name = number
        .parse::<usize>()
        .ok()
        .and_then(|n| MONTHS.get(n.wrapping_sub(1)))
        .copied()
        .unwrap_or("?");
    (name[..3].to_string(), format!("{name} {year}"))
}

#[derive(Debug, Serialize)]
pub struct OverviewPage {
    pub month: String,
    /// monthly recurring revenue, one per currency
    pub recurring: Vec<String>,
    pub active: i64,
    pub past_due: i64,
    pub trialing: i64,
    pub paused: i64,
    pub started: i64,
    pub cancelled: i64,
    pub recovery_percent: Option<i64>,
    pub recovery_failed: i64,
    pub recovery_recovered: i64,
    /// "October 2026"
    pub recovery_since: String,
    pub charts: Vec<RevenueChart>,
    pub reasons: Vec<ReasonRow>,
    pub reasons_total: i64,
}

/// Plot geometry, in the SVG's own units (it scales to the page's width).
const WIDTH: f64 = 640.0;
const LEFT: f64 = 96.0;
const RIGHT: f64 = 632.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 220.0;

#[derive(Debug, Serialize)]
pub struct RevenueChart {
    pub currency: String,
    pub total: String,
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub zero_y: f64,
    pub label_y: f64,
    pub ticks: Vec<Tick>,
    pub bars: Vec<Bar>,
}

#[derive(Debug, Serialize)]
pub struct Tick {
    pub y: f64,
    pub label: String,
}

#[derive(Debug, Serialize)]
pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// centre of the bar, for its month label
    pub mid: f64,
    pub short: String,
    pub month: String,
    pub charged: String,
    pub refunded: String,
    pub net: String,
    pub negative: bool,
    /// every other label gives way on narrow screens
    pub odd: bool,
}

#[derive(Debug, Serialize)]
pub struct ReasonRow {
    pub reason: String,
    pub count: i64,
    pub percent: i64,
}

/// A round step (1, 2 or 5 times a power of ten major units) that splits
/// `span` minor units into at most four bands.
fn nice_step(span: i64, currency: &str) -> i64 {
    let unit = 10i64.pow(minor_unit_digits(currency));
    let mut power = unit;
    loop {
        for factor in [1, 2, 5] {
            let step = power.saturating_mul(factor);
            if span <= step.saturating_mul(4) {
                return step;
            }
        }
        power = power.saturating_mul(10);
    }
}

/// `$60.00` as `$60` (an en-US amount whose minor units are zero).
fn whole_units(amount: String, currency: &str) -> String {
    let digits = minor_unit_digits(currency) as usize;
    if digits == 0 {
        return amount;
    }
    let zeros = format!(".{}", "0".repeat(digits));
    match amount.find(&zeros) {
        Some(at) if !amount[at + zeros.len()..].starts_with(|c: char| c.is_ascii_digit()) => {
            format!("{}{}", &amount[..at], &amount[at + zeros.len()..])
        }
        _ => amount,
    }
}

fn chart(series: &RevenueSeries) -> RevenueChart {
    let currency = series.currency.as_str();
    let nets: Vec<i64> = series.months.iter().map(|m| m.net()).collect();
    let high = nets.iter().copied().max().unwrap_or(0).max(0);
    let low = nets.iter().copied().min().unwrap_or(0).min(0);
    let step = nice_step(high - low, currency);
    let top = (high + step - 1).div_euclid(step) * step;
    let bottom = low.div_euclid(step) * step;
    let top = if top == bottom { bottom + step } else { top };
    #[allow(clippy::cast_precision_loss)]
    let y = |v: i64| TOP + (top - v) as f64 * (BOTTOM - TOP) / (top - bottom) as f64;
    let round = |v: f64| (v * 10.0).round() / 10.0;
    let money = |minor: i64| Money::new(minor, currency).localized(LANG);
    let ticks = (0..)
        .map(|i| bottom + i * step)
        .take_while(|v| *v <= top)
        .map(|v| Tick {
            y: round(y(v)),
            // steps are whole units: "$60", not "$60.00", to fit a phone
            label: whole_units(money(v), currency),
        })
        .collect();
    #[allow(clippy::cast_precision_loss)]
    let slot = (RIGHT - LEFT) / series.months.len().max(1) as f64;
    let bars = series
        .months
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let (short, month) = month_names(&m.month);
            let net = m.net();
            let (from, to) = (y(net.max(0)), y(net.min(0)));
            #[allow(clippy::cast_precision_loss)]
            let x = LEFT + slot * i as f64;
            Bar {
                x: round(x + slot * 0.2),
                y: round(from),
                width: round(slot * 0.6),
                height: round(to - from),
                mid: round(x + slot / 2.0),
                short,
                month,
                charged: money(m.charged),
                refunded: money(m.refunded),
                net: money(net),
                negative: net < 0,
                odd: (series.months.len() - i) % 2 == 0,
            }
        })
        .collect();
    RevenueChart {
        currency: series.currency.clone(),
        total: money(nets.iter().sum()),
        width: WIDTH,
        height: BOTTOM + 36.0,
        left: LEFT,
        right: RIGHT,
        zero_y: round(y(0)),
        label_y: BOTTOM + 24.0,
        ticks,
        bars,
    }
}

impl From<&Overview> for OverviewPage {
    fn from(o: &Overview) -> Self {
        let reasons_total: i64 = o.cancellation_reasons.iter().map(|(_, n)| n).sum();
        Self {
            month: month_names(&o.month).1,
            recurring: o
                .recurring
                .iter()
                .map(|r| Money::new(r.monthly, &r.currency).localized(LANG))
                .collect(),
            active: o.active,
            past_due: o.past_due,
            trialing: o.trialing,
            paused: o.paused,
            started: o.started_this_month,
            cancelled: o.cancelled_this_month,
            recovery_percent: o.recovery.percent(),
            recovery_failed: o.recovery.failed,
            recovery_recovered: o.recovery.recovered,
            recovery_since: month_names(&o.recovery_since).1,
            charts: o.revenue.iter().map(chart).collect(),
            reasons: o
                .cancellation_reasons
                .iter()
                .map(|(reason, count)| ReasonRow {
                    reason: reason.clone(),
                    count: *count,
                    percent: (count * 100 + reasons_total / 2) / reasons_total.max(1),
                })
                .collect(),
            reasons_total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::overview::MonthRevenue;

    #[test]
    fn steps_are_round_in_major_units() {
        assert_eq!(nice_step(0, "EUR"), 100);
        assert_eq!(nice_step(350, "EUR"), 100);
        assert_eq!(nice_step(5_000, "EUR"), 2_000);
        assert_eq!(nice_step(123_456, "EUR"), 50_000);
        assert_eq!(nice_step(123_456, "JPY"), 50_000);
        assert_eq!(nice_step(7, "JPY"), 2);
    }

    #[test]
    fn bars_stand_on_zero_and_a_negative_month_hangs_below_it() {
        let series = RevenueSeries {
            currency: "EUR".into(),
            months: vec![
                MonthRevenue {
                    month: "2026-11".into(),
                    charged: 4000,
                    refunded: 0,
                },
                MonthRevenue {
                    month: "2026-12".into(),
                    charged: 0,
                    refunded: 1000,
                },
            ],
        };
        let c = chart(&series);
        let (up, down) = (&c.bars[0], &c.bars[1]);
        assert!(
            (up.y + up.height - c.zero_y).abs() < 0.11,
            "{up:?} ends on {}",
            c.zero_y
        );
        assert!((down.y - c.zero_y).abs() < 0.11 && down.negative);
        assert!(up.height > down.height * 3.9 && up.height < down.height * 4.1);
        assert_eq!(up.short, "Nov");
        assert_eq!(down.month, "December 2026");
        assert_eq!(down.net, "-€10.00");
        assert_eq!(c.total, "€30.00");
        assert!(c.ticks.iter().any(|t| t.label == "€0"));
        assert!(c.ticks.iter().any(|t| t.label == "€40"));
        assert_eq!(whole_units("1,200.00 CHF".into(), "CHF"), "1,200 CHF");
        assert_eq!(whole_units("¥1,200".into(), "JPY"), "¥1,200");
        assert_eq!(whole_units("$10.50".into(), "USD"), "$10.50");
    }
}
