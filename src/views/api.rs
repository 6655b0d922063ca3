//! What the merchant API returns: public ids, integer minor units with an
//! ISO currency, RFC 3339 times. Never gateway tokens. The schemas feed the
//! OpenAPI document (`/api/v1/openapi.json`).
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::models::{
    charges, customers, invoices, payment_methods, prices, products, subscriptions,
};

#[derive(Debug, Serialize, Deserialize, ToSchema, Default)]
pub struct Address {
    pub line1: Option<String>,
    pub line2: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2
    pub country: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Customer {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub address: Address,
    pub marketing_opt_in: bool,
    pub locale: Option<String>,
    pub created_at: DateTime<FixedOffset>,
}

impl From<&customers::Model> for Customer {
    fn from(c: &customers::Model) -> Self {
        Self {
            id: c.pid,
            email: c.email.clone(),
            name: c.name.clone(),
            address: Address {
                line1: c.address_line1.clone(),
                line2: c.address_line2.clone(),
                city: c.city.clone(),
                region: c.region.clone(),
                postal_code: c.postal_code.clone(),
                country: c.country.clone(),
            },
            marketing_opt_in: c.marketing_opt_in,
            locale: c.locale.clone(),
            created_at: c.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Product {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub active: bool,
}

impl From<&products::Model> for Product {
    fn from(p: &products::Model) -> Self {
        Self {
            id: p.pid,
            name: p.name.clone(),
            description: p.description.clone(),
            active: p.active,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Price {
    pub id: Uuid,
    pub product: Uuid,
    pub nickname: Option<String>,
    /// minor units of `currency`
    pub unit_amount: i64,
    pub currency: String,
    /// `day`, `week`, `month` or `year`
    pub interval: String,
    pub interval_count: i32,
    pub trial_days: i32,
}

impl Price {
    #[must_use]
    pub fn new(p: &prices::Model, product: &products::Model) -> Self {
        Self {
            id: p.pid,
            product: product.pid,
            nickname: p.nickname.clone(),
            unit_amount: p.unit_amount,
            currency: p.currency.clone(),
            interval: p.interval.clone(),
            interval_count: p.interval_count,
            trial_days: p.trial_days,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Subscription {
    pub id: Uuid,
    pub customer: Uuid,
    pub price: Uuid,
    /// `trialing`, `active`, `past_due`, `paused` or `cancelled`
    pub status: String,
    pub quantity: i32,
    pub current_period_start: DateTime<FixedOffset>,
    pub current_period_end: DateTime<FixedOffset>,
    pub trial_end: Option<DateTime<FixedOffset>>,
    pub next_renewal_at: Option<DateTime<FixedOffset>>,
    pub cancelled_at: Option<DateTime<FixedOffset>>,
    /// ends at `current_period_end` instead of renewing
    pub cancel_at_period_end: bool,
    /// why it was cancelled: `too_expensive`, `missing_features`,
    /// `switched_service`, `not_using`, `temporary` or `other`
    pub cancellation_reason: Option<String>,
    /// a pause: scheduled (status `active`, it begins at
    /// `current_period_end`) or running (status `paused`); it ends then
    pub pause_resumes_at: Option<DateTime<FixedOffset>>,
    /// a downgrade the next renewal applies: the price id and quantity
    pub scheduled_price: Option<Uuid>,
    pub scheduled_quantity: Option<i32>,
    pub payment_method: Option<Uuid>,
}

impl Subscription {
    #[must_use]
    pub fn new(
        s: &subscriptions::Model,
        customer: Uuid,
        price: Uuid,
        scheduled_price: Option<Uuid>,
        payment_method: Option<Uuid>,
    ) -> Self {
        Self {
            id: s.pid,
            customer,
            price,
            status: s.status.clone(),
            quantity: s.quantity,
            current_period_start: s.current_period_start,
            current_period_end: s.current_period_end,
            trial_end: s.trial_end,
            next_renewal_at: s.next_renewal_at,
            cancelled_at: s.cancelled_at,
            cancel_at_period_end: s.cancel_at_period_end,
            cancellation_reason: s.cancellation_reason.clone(),
            pause_resumes_at: s.pause_resumes_at,
            scheduled_price,
            scheduled_quantity: s.scheduled_quantity,
            payment_method,
        }
    }
}

/// What changing a subscription's price or quantity would do, computed at
/// `proration_date`: confirm it with the same `proration_date` and
/// `amount_due_now` within 30 minutes.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangePreview {
    pub subscription: Uuid,
    pub price: Uuid,
    pub quantity: i32,
    /// `now` (charged `amount_due_now`), `now_in_trial` (nothing charged) or
    /// `at_renewal` (at `renews_at`, nothing charged now)
    pub takes_effect: String,
    pub proration_date: DateTime<FixedOffset>,
    pub currency: String,
    /// unused time on the current price (net, minor units, as a negative line)
    pub credit: i64,
    /// remaining time on the new price (net)
    pub debit: i64,
    pub tax: i64,
    pub amount_due_now: i64,
    /// each period after the change, tax included
    pub renewal_amount: i64,
    pub renews_at: DateTime<FixedOffset>,
}

/// What a confirmed change did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeResult {
    /// `paid`, `switched` (nothing to charge), `scheduled` or `already_applied`
    pub result: String,
    /// the charge for an upgrade
    pub charge: Option<Uuid>,
    pub subscription: Subscription,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentMethod {
    pub id: Uuid,
    /// `card` or `paypal`
    pub kind: String,
    pub brand: Option<String>,
    pub last4: Option<String>,
    pub exp_month: Option<i32>,
    pub exp_year: Option<i32>,
    pub paypal_email: Option<String>,
    pub is_default: bool,
}

impl PaymentMethod {
    #[must_use]
    pub fn new(m: &payment_methods::Model, default_id: Option<i64>) -> Self {
        Self {
            id: m.pid,
            kind: m.kind.clone(),
            brand: m.brand.clone(),
            last4: m.last4.clone(),
            exp_month: m.exp_month,
            exp_year: m.exp_year,
            paypal_email: m.paypal_email.clone(),
            is_default: default_id == Some(m.id),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Charge {
    pub id: Uuid,
    pub customer: Uuid,
    /// minor units of `currency`
    pub amount: i64,
    pub currency: String,
    /// `pending`, `requires_action`, `paid`, `failed` or `refunded` (in full)
    pub status: String,
    /// minor units returned to the customer by refunds so far
    pub amount_refunded: i64,
    pub description: String,
    pub failure_message: Option<String>,
    pub created_at: DateTime<FixedOffset>,
    pub paid_at: Option<DateTime<FixedOffset>>,
}

/// Money returned from a paid charge.
#[derive(Debug, Serialize, ToSchema)]
pub struct Refund {
    pub id: Uuid,
    pub charge: Uuid,
    /// minor units of `currency`
    pub amount: i64,
    pub currency: String,
    /// `requested_by_customer`, `duplicate` or `fraudulent`
    pub reason: Option<String>,
    /// `succeeded` (a refused refund is an error, not a refund)
    pub status: String,
    /// the credit note's invoice id (its PDF at `/api/v1/invoices/{id}/pdf`)
    pub credit_note: Option<Uuid>,
    pub created_at: DateTime<FixedOffset>,
}

impl Charge {
    #[must_use]
    pub fn new(c: &charges::Model, customer: Uuid) -> Self {
        Self {
            id: c.pid,
            customer,
            amount: c.amount,
            currency: c.currency.clone(),
            status: c.status.clone(),
            amount_refunded: c.amount_refunded,
            description: c.description.clone(),
            failure_message: c.failure_message.clone(),
            created_at: c.created_at,
            paid_at: c.paid_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Invoice {
    pub id: Uuid,
    /// gapless per workspace (invoices and credit notes share the sequence)
    pub number: String,
    /// `invoice`, or `credit_note` for a refund (negative amounts)
    pub kind: String,
    pub customer: Uuid,
    pub status: String,
    pub currency: String,
    pub subtotal: i64,
    pub tax: i64,
    pub total: i64,
    pub tax_rate_bps: i32,
    pub issued_at: Option<DateTime<FixedOffset>>,
    /// the PDF (`application/pdf`), with the same secret key
    pub pdf_url: String,
}

impl Invoice {
    #[must_use]
    pub fn new(i: &invoices::Model, customer: Uuid) -> Self {
        Self {
            id: i.pid,
            number: i.number.clone(),
            kind: i.kind.clone(),
            customer,
            status: i.status.clone(),
            currency: i.currency.clone(),
            subtotal: i.subtotal,
            tax: i.tax,
            total: i.total,
            tax_rate_bps: i.tax_rate_bps,
            issued_at: i.issued_at,
            pdf_url: format!("/api/v1/invoices/{}/pdf", i.pid),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PortalLink {
    /// one-time sign-in link into the customer portal
    pub url: String,
    pub expires_at: DateTime<FixedOffset>,
}

/// A page of a list, oldest first; pass the last `id` as `starting_after`.
#[derive(Debug, Serialize, ToSchema)]
pub struct List<T: ToSchema> {
    pub data: Vec<T>,
    pub has_more: bool,
}

/// Every error: a code, what went wrong, and per-field messages for 422.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiError {
    pub error: String,
    pub description: String,
    #[schema(value_type = Option<Object>)]
    pub errors: Option<serde_json::Value>,
}
