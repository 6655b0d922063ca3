//! What console templates see: typed rows and form fields, never entities.
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use crate::models::{
    api_keys, charges, customers, events, invoices, memberships,
    money::Money,
    payment_methods, plan_changes, prices, products,
    subscriptions::{self, Status},
    users, webhook_deliveries, webhook_endpoints,
};

/// The console is in English until it joins Fluent.
const LANG: &str = "en-US";

fn money(amount: i64, currency: &str) -> String {
    Money::new(amount, currency).localized(LANG)
}

fn day(at: DateTime<FixedOffset>) -> String {
    crate::locale::date(at, LANG)
}

/// The console's one keyset pager: a list's rows are found after a cursor
/// (an id, or a date and id), one more than a page is asked for, and the
/// link to the next page starts after the last row shown.
#[derive(Debug, Serialize)]
pub struct Pager {
    pub next_href: Option<String>,
}

impl Pager {
    /// Keeps `per_page` of `rows` (found with one more) and links past the
    /// last one kept when there was more; `href` makes the link from a row.
    pub fn split<T>(
        mut rows: Vec<T>,
        per_page: usize,
        href: impl Fn(&T) -> String,
    ) -> (Vec<T>, Self) {
        let more = rows.len() > per_page;
        rows.truncate(per_page);
        let next_href = if more { rows.last().map(href) } else { None };
        (rows, Self { next_href })
    }

    /// For a finder that says itself where the next page starts.
    pub fn after(next: Option<String>, href: impl Fn(&str) -> String) -> Self {
        Self {
            next_href: next.as_deref().map(href),
        }
    }
}

/// Percent-encodes a value for a link's query string.
#[must_use]
pub fn query_escape(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A customer named in a row of another list.
#[derive(Debug, Serialize)]
pub struct Person {
    pub pid: String,
    pub email: String,
}

impl Person {
    fn in_(people: &HashMap<i64, customers::Model>, id: i64) -> Option<Self> {
        people.get(&id).map(|c| Self {
            pid: c.pid.to_string(),
            email: c.email.clone(),
        })
    }
}

#[derive(Debug, Serialize)]
pub struct CustomerRow {
    pub pid: String,
    pub name: String,
    pub email: String,
    pub since: String,
}

impl From<&customers::Model> for CustomerRow {
    fn from(c: &customers::Model) -> Self {
        Self {
            pid: c.pid.to_string(),
            name: c.name.clone(),
            email: c.email.clone(),
            since: day(c.created_at),
        }
    }
}

/// A row of the console's subscriptions list.
#[derive(Debug, Serialize)]
pub struct SubscriptionListRow {
    pub customer: Option<Person>,
    pub product: Option<String>,
    pub status: String,
    pub quantity: i32,
    pub renews: Option<String>,
}

impl SubscriptionListRow {
    #[must_use]
    pub fn new(
        s: &subscriptions::Model,
        people: &HashMap<i64, customers::Model>,
        plans: &HashMap<i64, (prices::Model, products::Model)>,
    ) -> Self {
        Self {
            customer: Person::in_(people, s.customer_id),
            product: plans.get(&s.price_id).map(|(_, p)| p.name.clone()),
            status: s.status.clone(),
            quantity: s.quantity,
            renews: s.next_renewal_at.map(day),
        }
    }
}

/// A row of the console's charges list.
#[derive(Debug, Serialize)]
pub struct ChargeListRow {
    pub customer: Option<Person>,
    pub date: String,
    pub description: String,
    pub amount: String,
    pub status: String,
    pub failure: Option<String>,
}

impl ChargeListRow {
    #[must_use]
    pub fn new(c: &charges::Model, people: &HashMap<i64, customers::Model>) -> Self {
        Self {
            customer: Person::in_(people, c.customer_id),
            date: day(c.created_at),
            description: c.description.clone(),
            amount: money(c.amount, &c.currency),
            status: c.status.clone(),
            failure: c.failure_reason(LANG),
        }
    }
}

/// The customer at the top of their console page.
#[derive(Debug, Serialize)]
pub struct CustomerCard {
    pub pid: String,
    pub name: String,
    pub email: String,
    pub address: Vec<String>,
    pub marketing: bool,
    pub locale: Option<String>,
}

impl From<&customers::Model> for CustomerCard {
    fn from(c: &customers::Model) -> Self {
        Self {
            pid: c.pid.to_string(),
            name: c.name.clone(),
            email: c.email.clone(),
            address: c.address_lines(),
            marketing: c.marketing_opt_in,
            locale: c.locale.clone(),
        }
    }
}

/// One of the customer's subscriptions, with what a merchant may do to it.
#[derive(Debug, Serialize)]
pub struct CustomerSubscriptionRow {
    pub pid: String,
    pub product: String,
    pub price: String,
    pub quantity: i32,
    pub status: String,
    pub renews: Option<String>,
    pub cancels_on: Option<String>,
    pub cancellable: bool,
    pub schedulable: bool,
    pub schedule: super::portal::Schedule,
    pub resumable: bool,
    pub pausable: bool,
    pub changeable: bool,
}

impl CustomerSubscriptionRow {
    /// `plans` holds the price and any scheduled price of `s`.
    #[must_use]
    pub fn new(
        s: &subscriptions::Model,
        plans: &HashMap<i64, (prices::Model, products::Model)>,
    ) -> Self {
        let (price, product) = plans
            .get(&s.price_id)
            .map_or_else(Default::default, |(p, pr)| {
                (
                    format!(
                        "{} {}",
                        money(p.unit_amount, &p.currency),
                        p.interval_words()
                    ),
                    pr.name.clone(),
                )
            });
        Self {
            pid: s.pid.to_string(),
            product,
            price,
            quantity: s.quantity,
            status: s.status.clone(),
            renews: s.next_renewal_at.map(day),
            cancels_on: s.cancel_at_period_end.then(|| day(s.current_period_end)),
            cancellable: s.is_cancellable() && !s.cancel_at_period_end,
            schedulable: s.status() != Some(Status::PastDue),
            schedule: super::portal::Schedule::of(s, plans, LANG),
            resumable: s.has_scheduled_change() || s.status() == Some(Status::Paused),
            pausable: s.status() == Some(Status::Active) && !s.has_scheduled_change(),
            changeable: plan_changes::check_changeable(s).is_ok(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct PaymentMethodRow {
    pub label: String,
    pub default: bool,
}

impl PaymentMethodRow {
    #[must_use]
    pub fn new(m: &payment_methods::Model, customer: &customers::Model) -> Self {
        let label = match (m.exp_month, m.exp_year) {
            (Some(month), Some(year)) => format!("{} (expires {month:02}/{year})", m.label()),
            _ => m.label(),
        };
        Self {
            label,
            default: customer.default_payment_method_id == Some(m.id),
        }
    }
}

/// One of the customer's charges, with what is left to refund of it.
#[derive(Debug, Serialize)]
pub struct CustomerChargeRow {
    pub pid: String,
    pub date: String,
    pub description: String,
    pub amount: String,
    pub status: String,
    pub failure: Option<String>,
    pub refunded: Option<String>,
    pub refundable: bool,
    /// what is left, in major units for the refund form's field
    pub left: String,
    pub currency: String,
}

impl From<&charges::Model> for CustomerChargeRow {
    fn from(c: &charges::Model) -> Self {
        let left = c.refundable();
        Self {
            pid: c.pid.to_string(),
            date: day(c.created_at),
            description: c.description.clone(),
            amount: money(c.amount, &c.currency),
            status: c.status.clone(),
            failure: c.failure_reason(LANG),
            refunded: (c.amount_refunded > 0).then(|| money(c.amount_refunded, &c.currency)),
            refundable: left > 0,
            left: Money::new(left, &c.currency).decimal(),
            currency: c.currency.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct InvoiceRow {
    pub pid: String,
    pub number: String,
    pub credit_note: bool,
    pub total: String,
    pub issued: Option<String>,
}

impl From<&invoices::Model> for InvoiceRow {
    fn from(i: &invoices::Model) -> Self {
        Self {
            pid: i.pid.to_string(),
            number: i.number.clone(),
            credit_note: i.is_credit_note(),
            total: money(i.total, &i.currency),
            issued: i.issued_at.map(day),
        }
    }
}

/// One labelled field of a console form (`admin/_field.html`), its hint and
/// error tied to it for screen readers.
#[derive(Debug, Serialize)]
pub struct FormField {
    pub name: &'static str,
    pub label: &'static str,
    /// `text`, `number`, `textarea` or `select`
    pub kind: &'static str,
    pub value: String,
    pub hint: Option<&'static str>,
    pub error: Option<String>,
    pub described_by: String,
    pub options: Vec<Choice>,
}

#[derive(Debug, Serialize)]
pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
}

impl FormField {
    #[must_use]
    pub fn new(
        name: &'static str,
        label: &'static str,
        kind: &'static str,
        value: impl Into<String>,
        errors: &BTreeMap<String, String>,
    ) -> Self {
        Self {
            name,
            label,
            kind,
            value: value.into(),
            hint: None,
            error: errors.get(name).cloned(),
            described_by: String::new(),
            options: Vec::new(),
        }
        .described()
    }

    #[must_use]
    pub fn hint(mut self, hint: &'static str) -> Self {
        self.hint = Some(hint);
        self.described()
    }

    #[must_use]
    pub fn options(mut self, options: Vec<Choice>) -> Self {
        self.options = options;
        self
    }

    fn described(mut self) -> Self {
        self.described_by = [
            self.hint.map(|_| format!("{}-hint", self.name)),
            self.error.as_ref().map(|_| format!("{}-error", self.name)),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
        self
    }
}

/// A product in the catalog, with its prices.
#[derive(Debug, Serialize)]
pub struct ProductRow {
    pub pid: String,
    pub name: String,
    pub description: Option<String>,
    pub active: bool,
    pub prices: Vec<PriceRow>,
}

impl ProductRow {
    #[must_use]
    pub fn new(product: &products::Model, prices: Vec<PriceRow>) -> Self {
        Self {
            pid: product.pid.to_string(),
            name: product.name.clone(),
            description: product.description.clone(),
            active: product.active,
            prices,
        }
    }
}

/// A price as the console lists it: "€19.00 monthly", whether customers may
/// still start or switch to it, and how many subscriptions pay it.
#[derive(Debug, Serialize)]
pub struct PriceRow {
    pub pid: String,
    pub price: String,
    pub nickname: Option<String>,
    pub trial_days: i32,
    pub active: bool,
    pub switchable: bool,
    pub subscriptions: u64,
}

impl PriceRow {
    #[must_use]
    pub fn new(price: &prices::Model, subscriptions: u64) -> Self {
        Self {
            pid: price.pid.to_string(),
            price: format!(
                "{} {}",
                price.unit_price().localized("en-US"),
                price.interval_words()
            ),
            nickname: price.nickname.clone(),
            trial_days: price.trial_days,
            active: price.active,
            switchable: price.customer_switchable,
            subscriptions,
        }
    }
}

/// `2026-12-03 14:05 UTC`: when something happened, for operators.
fn when(at: DateTime<FixedOffset>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A member of the workspace's team.
#[derive(Debug, Serialize)]
pub struct MemberRow {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
    /// the member reading the page
    pub you: bool,
}

impl MemberRow {
    #[must_use]
    pub fn new(m: &memberships::Model, u: &users::Model, reader: i64) -> Self {
        Self {
            user_id: u.id,
            name: u.name.clone(),
            email: u.email.clone(),
            role: m.role.clone(),
            you: u.id == reader,
        }
    }
}

/// An API key as listed: never its secret, only the prefix that names it.
#[derive(Debug, Serialize)]
pub struct ApiKeyRow {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub created: String,
    pub last_used: Option<String>,
    pub revoked: Option<String>,
}

impl From<&api_keys::Model> for ApiKeyRow {
    fn from(k: &api_keys::Model) -> Self {
        Self {
            id: k.id,
            name: k.name.clone(),
            prefix: k.prefix.clone(),
            created: when(k.created_at),
            last_used: k.last_used_at.map(when),
            revoked: k.revoked_at.map(when),
        }
    }
}

/// A webhook endpoint (never its signing secret).
#[derive(Debug, Serialize)]
pub struct EndpointRow {
    pub pid: String,
    pub url: String,
    pub events: String,
    pub enabled: bool,
}

impl From<&webhook_endpoints::Model> for EndpointRow {
    fn from(e: &webhook_endpoints::Model) -> Self {
        Self {
            pid: e.pid.to_string(),
            url: e.url.clone(),
            events: e.event_types.clone(),
            enabled: e.enabled,
        }
    }
}

/// One delivery of an event to an endpoint, with how it went.
#[derive(Debug, Serialize)]
pub struct DeliveryRow {
    pub id: i64,
    pub event: Option<String>,
    pub webhook_id: Option<String>,
    pub status: String,
    pub attempts: i32,
    pub code: Option<i32>,
    pub error: Option<String>,
    /// when it is tried again, while pending
    pub next: Option<String>,
    pub delivered: Option<String>,
}

impl DeliveryRow {
    #[must_use]
    pub fn new(d: &webhook_deliveries::Model, events: &HashMap<i64, events::Model>) -> Self {
        let event = events.get(&d.event_id);
        Self {
            id: d.id,
            event: event.map(|e| e.event_type.clone()),
            webhook_id: event.map(events::Model::webhook_id),
            status: d.status.clone(),
            attempts: d.attempts,
            code: d.last_response_code,
            error: d.last_error.clone(),
            next: if d.status == webhook_deliveries::STATUS_PENDING {
                d.next_attempt_at.map(when)
            } else {
                None
            },
            delivered: d.delivered_at.map(when),
        }
    }
}

/// A price on the Plans page: may customers switch to it, and its seats
/// (as stored, or as typed when the form comes back with a mistake).
#[derive(Debug, Serialize)]
pub struct PlanRow {
    pub id: i64,
    pub plan: String,
    pub price: String,
    pub switchable: bool,
    pub min: String,
    pub max: String,
}

/// An entry of the console's menu.
#[derive(Debug, Serialize)]
pub struct NavLink {
    pub href: String,
    pub label: &'static str,
    pub current: bool,
}

/// Another workspace the user can switch to.
#[derive(Debug, Serialize)]
pub struct WorkspaceLink {
    pub slug: String,
    pub name: String,
}

/// A price a merchant may move a subscription to, on the change-plan form.
#[derive(Debug, Serialize)]
pub struct PlanOption {
    pub id: i64,
    pub plan: String,
    pub amount: String,
    pub interval: String,
    pub current: bool,
    pub chosen: bool,
}
