//! What portal templates see: public branding and display rows, never
//! entities (so nothing like a gateway token can reach a page).
use chrono::{DateTime, FixedOffset};
use loco_rs::prelude::*;
use serde::Serialize;

use crate::{
    locale,
    models::{
        charges, customers, money::Money, payment_methods, prices, subscriptions, workspaces,
    },
};

#[derive(Debug, Serialize)]
pub struct Branding {
    pub slug: String,
    pub name: String,
    pub logo_url: Option<String>,
    pub accent_color: String,
    /// The theme stylesheet, versioned by the colour so that a new colour
    /// shows on the next page load despite caches.
    pub theme_url: String,
    pub support_email: Option<String>,
    pub return_url: Option<String>,
}

/// `/portal/{slug}/theme.css?v=<colour>`.
#[must_use]
pub fn theme_url(w: &workspaces::Model) -> String {
    format!(
        "/portal/{}/theme.css?v={}",
        w.slug,
        w.accent_color.trim_start_matches('#')
    )
}

impl From<&workspaces::Model> for Branding {
    fn from(w: &workspaces::Model) -> Self {
        Self {
            slug: w.slug.clone(),
            name: w.name.clone(),
            logo_url: w.logo_url.clone(),
            accent_color: w.accent_color.clone(),
            theme_url: theme_url(w),
            support_email: w.support_email.clone(),
            // a link stored before schemes were checked never reaches an href
            return_url: w
                .return_url
                .clone()
                .filter(|url| crate::urls::validate_stored(url).is_ok()),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct SubscriptionRow {
    pub id: i64,
    pub plan: String,
    pub price: String,
    pub interval: String,
    pub quantity: i32,
    pub status: String,
    pub next_renewal: Option<String>,
    /// ISO date for `<time datetime>`
    pub next_renewal_iso: Option<String>,
    /// the date a scheduled cancellation takes effect
    pub cancels_on: Option<String>,
    #[serde(flatten)]
    pub schedule: Schedule,
    /// The failed payment a past-due subscription owes, and where to fix it.
    pub payment_due: Option<PaymentDue>,
}

/// A past-due subscription's failed payment, in the reader's words, and the
/// way to fix it: Billing history's retry with a method of their choice,
/// when the workspace offers it (otherwise the page points to support).
#[derive(Debug, Serialize)]
pub struct PaymentDue {
    pub amount: String,
    pub failed_on: String,
    pub reason: Option<String>,
    pub fix_href: Option<String>,
}

impl PaymentDue {
    /// Each past-due subscription's due payment, by subscription id.
    ///
    /// # Errors
    /// On a database error.
    pub async fn of_customer(
        db: &impl sea_orm::ConnectionTrait,
        workspace: &workspaces::Model,
        customer: &customers::Model,
        lang: &str,
    ) -> Result<std::collections::HashMap<i64, Self>> {
        let fixable = crate::capabilities::Capability::RetryPayment.allowed(workspace)
            && workspace.section_enabled(crate::models::workspaces::PortalSection::BillingHistory);
        Ok(
            crate::models::renewals::failed_renewals(db, workspace.id, customer.id)
                .await?
                .into_iter()
                .map(|(subscription_id, charge)| {
                    let due = Self {
                        amount: Money::new(charge.amount, &charge.currency).localized(lang),
                        failed_on: locale::date(charge.created_at, lang),
                        reason: charge.failure_reason(lang),
                        fix_href: fixable.then(|| {
                            format!("/portal/{}/billing#charge-{}", workspace.slug, charge.id)
                        }),
                    };
                    (subscription_id, due)
                })
                .collect(),
        )
    }
}

/// What waits for a subscription: a pause (scheduled or running) or a
/// plan change at the next renewal, in the reader's words.
#[derive(Debug, Default, Serialize)]
pub struct Schedule {
    /// a scheduled pause begins on this date ...
    pub pauses_on: Option<String>,
    /// ... (or the running one lasts) until this one
    pub paused_until: Option<String>,
    /// the plan (and seats) the next renewal moves to, and when
    pub changes_to: Option<String>,
    pub changes_on: Option<String>,
}

impl Schedule {
    /// `plans` must hold the scheduled price, when there is one.
    #[must_use]
    pub fn of(
        sub: &subscriptions::Model,
        plans: &std::collections::HashMap<i64, (prices::Model, crate::models::products::Model)>,
        lang: &str,
    ) -> Self {
        let paused = sub.status() == Some(subscriptions::Status::Paused);
        let scheduled_pause = !paused && sub.pause_resumes_at.is_some();
        let changes_to = (sub.scheduled_price_id.is_some() || sub.scheduled_quantity.is_some())
            .then(|| {
                let id = sub.scheduled_price_id.unwrap_or(sub.price_id);
                let quantity = sub.scheduled_quantity.unwrap_or(sub.quantity);
                plans.get(&id).map(|(_, product)| {
                    if quantity > 1 {
                        format!("{} × {quantity}", product.name)
                    } else {
                        product.name.clone()
                    }
                })
            })
            .flatten();
        Self {
            pauses_on: scheduled_pause.then(|| locale::date(sub.current_period_end, lang)),
            paused_until: (paused || scheduled_pause)
                .then(|| sub.pause_resumes_at.unwrap_or(sub.current_period_end))
                .map(|at| locale::date(at, lang)),
            changes_on: changes_to
                .as_ref()
                .map(|_| locale::date(sub.current_period_end, lang)),
            changes_to,
        }
    }
}

impl SubscriptionRow {
    /// # Errors
    /// On a database error.
    pub async fn for_customer(
        db: &DatabaseConnection,
        workspace: &workspaces::Model,
        customer: &customers::Model,
        lang: &str,
    ) -> Result<Vec<Self>> {
        let subs = subscriptions::Model::list_for_customer(db, workspace.id, customer.id).await?;
        let ids: Vec<i64> = subs
            .iter()
            .flat_map(|s| [Some(s.price_id), s.scheduled_price_id])
            .flatten()
            .collect();
        let plans = prices::Model::with_products(db, workspace.id, &ids).await?;
        let mut due = PaymentDue::of_customer(db, workspace, customer, lang).await?;
        Ok(subs
            .into_iter()
            .filter_map(|s| {
                let (price, product) = plans.get(&s.price_id)?;
                Some(Self {
                    id: s.id,
                    plan: product.name.clone(),
                    price: price_label(price, s.quantity, lang),
                    interval: price.interval_words_in(lang),
                    quantity: s.quantity,
                    status: s.status.clone(),
                    next_renewal: s.next_renewal_at.map(|at| locale::date(at, lang)),
                    next_renewal_iso: s
                        .next_renewal_at
                        .map(|at| at.format("%Y-%m-%d").to_string()),
                    cancels_on: s
                        .cancel_at_period_end
                        .then(|| locale::date(s.current_period_end, lang)),
                    schedule: Schedule::of(&s, &plans, lang),
                    payment_due: due.remove(&s.id),
                })
            })
            .collect())
    }
}

/// `$29.00`, or `3 × $9.00` for a quantity.
fn price_label(price: &prices::Model, quantity: i32, lang: &str) -> String {
    if quantity == 1 {
        price.unit_price().localized(lang)
    } else {
        format!("{quantity} × {}", price.unit_price().localized(lang))
    }
}

#[derive(Debug, Serialize)]
pub struct MethodRow {
    pub id: i64,
    pub kind: &'static str,
    pub brand: Option<String>,
    pub last4: Option<String>,
    pub expiry: Option<String>,
    pub expired: bool,
    /// Taken off the customer's list (a subscription may still renew with it).
    pub removed: bool,
    pub paypal_email: Option<String>,
    pub is_default: bool,
    /// How the method reads in a sentence or a list: `Visa •••• 4242`,
    /// `PayPal ada@example.com`.
    pub label: String,
}

impl MethodRow {
    #[must_use]
    pub fn new(m: &payment_methods::Model, default_id: Option<i64>) -> Self {
        Self {
            id: m.id,
            kind: m.kind().as_str(),
            brand: m.brand.clone(),
            last4: m.last4.clone(),
            expiry: m
                .exp_month
                .zip(m.exp_year)
                .map(|(mm, yy)| format!("{mm:02}/{yy}")),
            expired: m.is_expired(),
            removed: !m.is_active(),
            paypal_email: m.paypal_email.clone(),
            is_default: Some(m.id) == default_id,
            label: m.label(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ChargeRow {
    pub id: i64,
    pub date: String,
    pub description: String,
    pub amount: String,
    /// the charge's status, or `partly_refunded` for a paid charge with a
    /// refund that did not return all of it
    pub status: String,
    pub failure_message: Option<String>,
    /// how much of it was returned, when some was
    pub refunded: Option<String>,
}

impl ChargeRow {
    #[must_use]
    pub fn new(c: &charges::Model, lang: &str) -> Self {
        Self {
            id: c.id,
            date: locale::date(c.created_at, lang),
            description: c.description.clone(),
            amount: Money::new(c.amount, &c.currency).localized(lang),
            status: if c.is_partly_refunded() {
                "partly_refunded".to_string()
            } else {
                c.status.clone()
            },
            failure_message: c.failure_reason(lang),
            refunded: (c.amount_refunded > 0)
                .then(|| Money::new(c.amount_refunded, &c.currency).localized(lang)),
        }
    }

    #[must_use]
    pub fn cursor(at: DateTime<FixedOffset>, id: i64) -> String {
        format!("{}_{id}", at.timestamp_micros())
    }

    #[must_use]
    pub fn parse_cursor(cursor: &str) -> Option<(DateTime<FixedOffset>, i64)> {
        let (micros, id) = cursor.split_once('_')?;
        let at = DateTime::from_timestamp_micros(micros.parse().ok()?)?.fixed_offset();
        Some((at, id.parse().ok()?))
    }
}

#[derive(Debug, Serialize)]
pub struct SubscriptionDetail {
    pub id: i64,
    pub plan: String,
    pub unit_price: String,
    pub quantity: i32,
    pub interval: String,
    pub status: String,
    pub trial_end: Option<String>,
    pub period_start: String,
    pub period_end: String,
    pub next_renewal: Option<String>,
    /// the date a scheduled cancellation takes effect
    pub cancels_on: Option<String>,
    /// may the customer still cancel it (it is running and not scheduled)?
    pub cancellable: bool,
    /// could it pause, or change plan, now (the workspace's switches aside)?
    pub pausable: bool,
    pub changeable: bool,
    #[serde(flatten)]
    pub schedule: Schedule,
    pub renewal_method: Option<MethodRow>,
    pub history: Vec<RenewalAttempt>,
    pub payment_due: Option<PaymentDue>,
}

/// One attempt in a subscription's renewal history, with the method charged.
#[derive(Debug, Serialize)]
pub struct RenewalAttempt {
    #[serde(flatten)]
    pub charge: ChargeRow,
    pub method: Option<MethodRow>,
}

impl SubscriptionDetail {
    /// # Errors
    /// On a database error.
    pub async fn load(
        db: &DatabaseConnection,
        workspace: &workspaces::Model,
        customer: &customers::Model,
        sub: subscriptions::Model,
        lang: &str,
    ) -> Result<Self> {
        let ids: Vec<i64> = [Some(sub.price_id), sub.scheduled_price_id]
            .into_iter()
            .flatten()
            .collect();
        let plans = prices::Model::with_products(db, workspace.id, &ids).await?;
        let (price, product) = plans.get(&sub.price_id).ok_or(Error::NotFound)?;
        let history = charges::Model::list_for_subscription(db, workspace.id, sub.id).await?;
        let payment_due = if sub.status() == Some(subscriptions::Status::PastDue) {
            PaymentDue::of_customer(db, workspace, customer, lang)
                .await?
                .remove(&sub.id)
        } else {
            None
        };
        // the renewal method and every method an attempt charged, detached ones included
        let method_ids: Vec<i64> = history
            .iter()
            .filter_map(|c| c.payment_method_id)
            .chain(sub.payment_method_id)
            .collect();
        let methods = payment_methods::Model::list_for_customer_by_ids(
            db,
            workspace.id,
            customer.id,
            &method_ids,
        )
        .await?;
        let row = |id: Option<i64>| {
            methods
                .iter()
                .find(|m| Some(m.id) == id)
                .map(|m| MethodRow::new(m, customer.default_payment_method_id))
        };
        Ok(Self {
            id: sub.id,
            plan: product.name.clone(),
            unit_price: price.unit_price().localized(lang),
            quantity: sub.quantity,
            interval: price.interval_words_in(lang),
            status: sub.status.clone(),
            trial_end: sub.trial_end.map(|at| locale::date(at, lang)),
            period_start: locale::date(sub.current_period_start, lang),
            period_end: locale::date(sub.current_period_end, lang),
            next_renewal: sub.next_renewal_at.map(|at| locale::date(at, lang)),
            cancels_on: sub
                .cancel_at_period_end
                .then(|| locale::date(sub.current_period_end, lang)),
            cancellable: sub.is_cancellable() && !sub.cancel_at_period_end,
            pausable: sub.status() == Some(subscriptions::Status::Active)
                && !sub.has_scheduled_change(),
            changeable: crate::models::plan_changes::check_changeable(&sub).is_ok(),
            schedule: Schedule::of(&sub, &plans, lang),
            renewal_method: row(sub.payment_method_id),
            history: history
                .iter()
                .map(|c| RenewalAttempt {
                    charge: ChargeRow::new(c, lang),
                    method: row(c.payment_method_id),
                })
                .collect(),
            payment_due,
        })
    }
}

/// A plan change's preview as a page shows it (the portal's and the
/// console's), with what its confirmation carries.
#[must_use]
pub fn plan_change_preview(
    preview: &crate::models::plan_changes::Preview,
    names: &dyn Fn(i64) -> String,
    lang: &str,
) -> serde_json::Value {
    let money =
        |minor: i64| crate::models::money::Money::new(minor, &preview.to.currency).localized(lang);
    let (kind, proration) = match preview.timing {
        crate::models::plan_changes::Timing::Now(p) => ("upgrade", Some(p)),
        crate::models::plan_changes::Timing::NowInTrial => ("trial", None),
        crate::models::plan_changes::Timing::AtRenewal(_) => ("downgrade", None),
    };
    serde_json::json!({
        "kind": kind,
        "price_id": preview.to.id,
        "quantity": preview.to_quantity,
        "at": preview.at.timestamp(),
        "total": preview.due_now(),
        "due_now": money(preview.due_now()),
        "from_plan": names(preview.from.id),
        "from_quantity": preview.from_quantity,
        "to_plan": names(preview.to.id),
        "credit": proration.map(|p| money(-p.credit)),
        "debit": proration.map(|p| money(p.debit)),
        "tax": proration.filter(|p| p.tax != 0).map(|p| money(p.tax)),
        "since": crate::locale::date(preview.at, lang),
        "renewal_amount": money(preview.renewal_total),
        "interval": preview.to.interval_words_in(lang),
        "renews_on": crate::locale::date(preview.renews_at, lang),
    })
}
