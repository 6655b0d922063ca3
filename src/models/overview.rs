//! How a workspace's business is doing, for the console's overview: read
//! from the tallies the database keeps as subscriptions, charges and refunds
//! change (migration `m20261203_000030_tallies`), so the page costs three
//! small queries however many customers and charges there are. Months are
//! UTC calendar months.
use chrono::{DateTime, Datelike, FixedOffset};
use loco_rs::prelude::*;

pub use super::_entities::{monthly_tallies, subscription_tallies};
use super::{
    prices::{self, Interval},
    subscriptions::Status,
};

// Rows the database writes (triggers); the application only reads them.
impl ActiveModelBehavior for monthly_tallies::ActiveModel {}
impl ActiveModelBehavior for subscription_tallies::ActiveModel {}

/// Months of revenue the overview shows, this one included.
pub const REVENUE_MONTHS: u32 = 12;
/// Months of failed payments the recovery rate is measured over, this one
/// included (a payment due today may still be recovered).
pub const RECOVERY_MONTHS: u32 = 3;

/// One currency's monthly recurring revenue, in minor units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recurring {
    pub currency: String,
    pub monthly: i64,
}

/// One month's money in one currency: what charges took and what refunds
/// gave back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthRevenue {
    /// `YYYY-MM`
    pub month: String,
    pub charged: i64,
    pub refunded: i64,
}

impl MonthRevenue {
    #[must_use]
    pub const fn net(&self) -> i64 {
        self.charged - self.refunded
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevenueSeries {
    pub currency: String,
    /// oldest first, one per month of the window (zero when nothing moved)
    pub months: Vec<MonthRevenue>,
}

/// Renewals that failed in the window, and how many were paid after all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recovery {
    pub failed: i64,
    pub recovered: i64,
}

impl Recovery {
    /// Whole percent, rounded half up; `None` when nothing failed.
    #[must_use]
    pub fn percent(&self) -> Option<i64> {
        (self.failed > 0).then(|| (self.recovered * 200 + self.failed) / (self.failed * 2))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overview {
    /// `YYYY-MM` of the month it was read in
    pub month: String,
    /// by currency, largest first
    pub recurring: Vec<Recurring>,
    /// active and past due (still running, still billed)
    pub active: i64,
    pub past_due: i64,
    pub trialing: i64,
    pub paused: i64,
    pub started_this_month: i64,
    pub cancelled_this_month: i64,
    pub recovery: Recovery,
    /// the first month of the recovery window, `YYYY-MM`
    pub recovery_since: String,
    pub revenue: Vec<RevenueSeries>,
    /// the reasons given by subscriptions that ended in the revenue window,
    /// most given first ("unstated" when none was given)
    pub cancellation_reasons: Vec<(String, i64)>,
}

/// `YYYY-MM` of the month `back` months before `at`'s.
fn month_before(at: DateTime<FixedOffset>, back: u32) -> String {
    let index = at.year() * 12 + at.month0() as i32 - back as i32;
    format!(
        "{:04}-{:02}",
        index.div_euclid(12),
        index.rem_euclid(12) + 1
    )
}

/// A price's monthly amount per unit as a fraction (numerator, denominator):
/// a year is 12 months, a week 52/12 of a month, a day 365/12.
fn monthly_fraction(price: &prices::Model) -> (i128, i128) {
    let unit = i128::from(price.unit_amount);
    let count = i128::from(price.interval_count.max(1));
    match price.interval() {
        Interval::Month => (unit, count),
        Interval::Year => (unit, 12 * count),
        Interval::Week => (unit * 52, 12 * count),
        Interval::Day => (unit * 365, 12 * count),
    }
}

const fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 {
        a.abs()
    } else {
        gcd(b, a % b)
    }
}

/// Exact sum of fractions, rounded half up to a whole minor unit once at
/// the end (rounding each subscription would drift).
fn round_sum(parts: impl IntoIterator<Item = (i128, i128)>) -> i64 {
    let (num, den) = parts.into_iter().fold((0i128, 1i128), |(n, d), (pn, pd)| {
        let l = d / gcd(d, pd) * pd;
        let n = n * (l / d) + pn * (l / pd);
        let g = gcd(n, l).max(1);
        (n / g, l / g)
    });
    i64::try_from((2 * num + den).div_euclid(2 * den)).unwrap_or(i64::MAX)
}

impl Overview {
    /// The workspace's overview as of `now`.
    ///
    /// # Errors
    /// On a database error.
    pub async fn for_workspace(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<Self> {
        let month = month_before(now, 0);
        let first_month = month_before(now, REVENUE_MONTHS - 1);
        let recovery_since = month_before(now, RECOVERY_MONTHS - 1);

        let tallies = subscription_tallies::Entity::find()
            .in_tenant(workspace_id)
            .filter(subscription_tallies::Column::Subscriptions.ne(0))
            .all(db)
            .await?;
        let count = |status: Status| -> i64 {
            tallies
                .iter()
                .filter(|t| t.status == status.as_str())
                .map(|t| t.subscriptions)
                .sum()
        };
        let billed: Vec<_> = tallies
            .iter()
            .filter(|t| t.status == Status::Active.as_str() || t.status == Status::PastDue.as_str())
            .collect();
        let price_ids: Vec<i64> = billed.iter().map(|t| t.price_id).collect();
        let prices = prices::Entity::find()
            .in_tenant(workspace_id)
            .filter(prices::Column::Id.is_in(price_ids))
            .all(db)
            .await?;
        let mut recurring: std::collections::BTreeMap<&str, Vec<(i128, i128)>> =
            std::collections::BTreeMap::new();
        for tally in &billed {
            if let Some(price) = prices.iter().find(|p| p.id == tally.price_id) {
                let (num, den) = monthly_fraction(price);
                recurring
                    .entry(price.currency.as_str())
                    .or_default()
                    .push((num * i128::from(tally.quantity), den));
            }
        }
        let mut recurring: Vec<Recurring> = recurring
            .into_iter()
            .map(|(currency, parts)| Recurring {
                currency: currency.to_string(),
                monthly: round_sum(parts),
            })
            .collect();
        recurring.sort_by(|a, b| b.monthly.cmp(&a.monthly).then(a.currency.cmp(&b.currency)));

        let monthly = monthly_tallies::Entity::find()
            .in_tenant(workspace_id)
            .filter(monthly_tallies::Column::Month.gte(first_month.as_str()))
            .filter(monthly_tallies::Column::Month.lte(month.as_str()))
            .all(db)
            .await?;
        let sum = |metric: &str, from: &str| -> i64 {
            monthly
                .iter()
                .filter(|t| t.metric == metric && t.month.as_str() >= from)
                .map(|t| t.value)
                .sum()
        };
        let months: Vec<String> = (0..REVENUE_MONTHS)
            .rev()
            .map(|back| month_before(now, back))
            .collect();
        let mut currencies: Vec<&str> = monthly
            .iter()
            .filter(|t| t.metric == "revenue" || t.metric == "refunded")
            .map(|t| t.dimension.as_str())
            .collect();
        currencies.sort_unstable();
        currencies.dedup();
        let amount = |metric: &str, currency: &str, month: &str| -> i64 {
            monthly
                .iter()
                .filter(|t| t.metric == metric && t.dimension == currency && t.month == month)
                .map(|t| t.value)
                .sum()
        };
        let revenue = currencies
            .into_iter()
            .map(|currency| RevenueSeries {
                currency: currency.to_string(),
                months: months
                    .iter()
                    .map(|m| MonthRevenue {
                        month: m.clone(),
                        charged: amount("revenue", currency, m),
                        refunded: amount("refunded", currency, m),
                    })
                    .collect(),
            })
            .collect();
        let mut reasons: std::collections::BTreeMap<&str, i64> = std::collections::BTreeMap::new();
        for t in monthly.iter().filter(|t| t.metric == "cancellation_reason") {
            *reasons.entry(t.dimension.as_str()).or_default() += t.value;
        }
        let mut cancellation_reasons: Vec<(String, i64)> = reasons
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(r, n)| (r.to_string(), n))
            .collect();
        cancellation_reasons.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));

        Ok(Self {
            active: count(Status::Active) + count(Status::PastDue),
            past_due: count(Status::PastDue),
            trialing: count(Status::Trialing),
            paused: count(Status::Paused),
            started_this_month: sum("subscriptions_started", &month),
            cancelled_this_month: sum("subscriptions_cancelled", &month),
            recovery: Recovery {
                failed: sum("payments_failed", &recovery_since),
                recovered: sum("payments_recovered", &recovery_since),
            },
            recovery_since,
            recurring,
            revenue,
            cancellation_reasons,
            month,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_count_back_across_years() {
        let at = DateTime::parse_from_rfc3339("2026-02-15T10:00:00Z").unwrap();
        assert_eq!(month_before(at, 0), "2026-02");
        assert_eq!(month_before(at, 1), "2026-01");
        assert_eq!(month_before(at, 2), "2025-12");
        assert_eq!(month_before(at, 11), "2025-03");
        assert_eq!(month_before(at, 26), "2023-12");
    }

    #[test]
    fn fractions_add_exactly_and_round_once() {
        // 10.00 a month + 100.00 a year (8.333...) + 1.00 a week (4.333...)
        assert_eq!(
            round_sum([(1000, 1), (10_000, 12), (100 * 52, 12)]),
            1000 + 833 + 433 + 1
        );
        // a third three times is one, not 0.99
        assert_eq!(round_sum([(1, 3), (1, 3), (1, 3)]), 1);
        // half rounds up
        assert_eq!(round_sum([(1, 2)]), 1);
        assert_eq!(round_sum([]), 0);
    }

    #[test]
    fn recovery_rounds_half_up_and_is_none_without_failures() {
        assert_eq!(
            Recovery {
                failed: 0,
                recovered: 0
            }
            .percent(),
            None
        );
        assert_eq!(
            Recovery {
                failed: 3,
                recovered: 2
            }
            .percent(),
            Some(67)
        );
        assert_eq!(
            Recovery {
                failed: 8,
                recovered: 1
            }
            .percent(),
            Some(13)
        );
        assert_eq!(
            Recovery {
                failed: 4,
                recovered: 4
            }
            .percent(),
            Some(100)
        );
    }
}
