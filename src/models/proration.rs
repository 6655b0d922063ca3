//! Proration: what moving to a dearer plan (or more seats) in the middle of a
//! paid period costs now.
//!
//! The rule (docs/architecture.md, "Plan changes"): by the second. At the
//! moment `at` of a period `[start, end)`, the unused fraction is
//! `(end - at) / (end - start)`. The customer is credited that fraction of
//! what the current plan costs per period (net of tax) and charged that
//! fraction of what the new one costs, each rounded half up to the
//! currency's minor unit in integer arithmetic; tax is added to the
//! difference at the workspace's rate, rounded half up. So
//! `debit - credit + tax == total`, always: the invoice's lines add up to
//! the charge.
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// The proration of one change at one moment, in the price's minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proration {
    /// the moment it was computed for (the change takes effect then)
    pub at: DateTime<FixedOffset>,
    pub period_start: DateTime<FixedOffset>,
    pub period_end: DateTime<FixedOffset>,
    /// unused time on the current plan, returned (net of tax)
    pub credit: i64,
    /// remaining time on the new plan (net of tax)
    pub debit: i64,
    pub tax: i64,
    /// what is charged now: `debit - credit + tax`
    pub total: i64,
}

/// `amount * part / whole`, rounded half up (away from zero), in integers.
#[must_use]
pub fn share(amount: i64, part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        return 0;
    }
    let product = i128::from(amount) * i128::from(part.clamp(0, whole));
    let whole = i128::from(whole);
    let rounded = if product >= 0 {
        (product * 2 + whole) / (whole * 2)
    } else {
        -((-product * 2 + whole) / (whole * 2))
    };
    i64::try_from(rounded).unwrap_or(i64::MAX)
}

/// Prorates a change from `from_net` to `to_net` per period (both net of
/// tax, in minor units) at `at`, inside `[period_start, period_end)`.
#[must_use]
pub fn prorate(
    from_net: i64,
    to_net: i64,
    period_start: DateTime<FixedOffset>,
    period_end: DateTime<FixedOffset>,
    at: DateTime<FixedOffset>,
    tax_rate_bps: i32,
) -> Proration {
    let whole = (period_end - period_start).num_seconds();
    let remaining = (period_end - at).num_seconds().clamp(0, whole.max(0));
    let credit = share(from_net, remaining, whole);
    let debit = share(to_net, remaining, whole);
    let net = debit - credit;
    let tax = super::invoices::tax_on(net, tax_rate_bps);
    Proration {
        at,
        period_start,
        period_end,
        credit,
        debit,
        tax,
        total: net + tax,
    }
}

#[cfg(test)]
mod tests {
    use super::share;

    #[test]
    fn shares_round_half_up() {
        assert_eq!(share(100, 1, 2), 50);
        assert_eq!(share(1, 1, 2), 1);
        assert_eq!(share(1, 1, 3), 0);
        assert_eq!(share(2, 1, 3), 1);
        assert_eq!(share(-1, 1, 2), -1);
        assert_eq!(share(100, 5, 0), 0);
    }
}
