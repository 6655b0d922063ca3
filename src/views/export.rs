//! The console's lists as CSV files: a row type per list, and a body that
//! is written a batch at a time as the client reads it, so a million rows
//! never sit in memory. Each batch comes from the same model finder (with
//! the same filters and keyset cursor) as the page the merchant exports from.
//!
//! Amounts are given twice: as a decimal in major units (`29.00`, for
//! spreadsheets) and as integer minor units (`2900`, for reconciling), with
//! the ISO currency. Times are RFC 3339 in UTC.
use std::future::Future;

use axum::{
    body::{Body, Bytes},
    http::{header, HeaderValue},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
use serde::{Serialize, Serializer};
use uuid::Uuid;

use crate::models::{charges, customers, invoices, money::Money, prices, products, subscriptions};

/// Rows fetched and written per step of the stream.
pub const BATCH: u64 = 1000;

/// Text a customer or merchant typed. A cell starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return is a formula to a spreadsheet (a customer
/// named `=HYPERLINK(...)` would run in the merchant's Excel), so it is
/// written with a leading apostrophe, as OWASP advises.
#[derive(Debug, Clone, Default)]
pub struct Text(pub String);

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            serializer.serialize_str(&format!("'{}", self.0))
        } else {
            serializer.serialize_str(&self.0)
        }
    }
}

impl From<&str> for Text {
    fn from(value: &str) -> Self {
        Self(value.to_string())
    }
}

impl From<Option<&String>> for Text {
    fn from(value: Option<&String>) -> Self {
        Self(value.cloned().unwrap_or_default())
    }
}

fn time(at: DateTime<FixedOffset>) -> String {
    at.with_timezone(&Utc)
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn maybe_time(at: Option<DateTime<FixedOffset>>) -> String {
    at.map(time).unwrap_or_default()
}

/// A row type of an export, with its column names in field order.
pub trait Line: Serialize {
    const COLUMNS: &'static [&'static str];
}

#[derive(Debug, Serialize)]
pub struct CustomerLine {
    id: Uuid,
    email: Text,
    name: Text,
    address_line1: Text,
    address_line2: Text,
    city: Text,
    region: Text,
    postal_code: Text,
    country: String,
    language: String,
    marketing_opt_in: bool,
    created_at: String,
}

impl Line for CustomerLine {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "email",
        "name",
        "address_line1",
        "address_line2",
        "city",
        "region",
        "postal_code",
        "country",
        "language",
        "marketing_opt_in",
        "created_at",
    ];
}

impl From<&customers::Model> for CustomerLine {
    fn from(c: &customers::Model) -> Self {
        Self {
            id: c.pid,
            email: c.email.as_str().into(),
            name: c.name.as_str().into(),
            address_line1: c.address_line1.as_ref().into(),
            address_line2: c.address_line2.as_ref().into(),
            city: c.city.as_ref().into(),
            region: c.region.as_ref().into(),
            postal_code: c.postal_code.as_ref().into(),
            country: c.country.clone().unwrap_or_default(),
            language: c.locale.clone().unwrap_or_default(),
            marketing_opt_in: c.marketing_opt_in,
            created_at: time(c.created_at),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct SubscriptionLine {
    id: Uuid,
    customer_id: String,
    customer_email: Text,
    product: Text,
    price: String,
    price_minor: i64,
    currency: String,
    interval: String,
    quantity: i32,
    status: String,
    current_period_start: String,
    current_period_end: String,
    next_renewal_at: String,
    cancel_at_period_end: bool,
    cancelled_at: String,
    cancellation_reason: String,
    created_at: String,
}

impl Line for SubscriptionLine {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "customer_id",
        "customer_email",
        "product",
        "price",
        "price_minor",
        "currency",
        "interval",
        "quantity",
        "status",
        "current_period_start",
        "current_period_end",
        "next_renewal_at",
        "cancel_at_period_end",
        "cancelled_at",
        "cancellation_reason",
        "created_at",
    ];
}

impl SubscriptionLine {
    #[must_use]
    pub fn new(
        s: &subscriptions::Model,
        customer: Option<&customers::Model>,
        plan: Option<&(prices::Model, products::Model)>,
    ) -> Self {
        let (price, product) = plan.map_or((None, None), |(p, pr)| (Some(p), Some(pr)));
        Self {
            id: s.pid,
            customer_id: customer.map(|c| c.pid.to_string()).unwrap_or_default(),
            customer_email: customer
                .map(|c| c.email.as_str())
                .unwrap_or_default()
                .into(),
            product: product.map(|p| p.name.as_str()).unwrap_or_default().into(),
            price: price
                .map(|p| Money::new(p.unit_amount, &p.currency).decimal())
                .unwrap_or_default(),
            price_minor: price.map_or(0, |p| p.unit_amount),
            currency: price.map(|p| p.currency.clone()).unwrap_or_default(),
            interval: price.map(prices::Model::interval_words).unwrap_or_default(),
            quantity: s.quantity,
            status: s.status.clone(),
            current_period_start: time(s.current_period_start),
            current_period_end: time(s.current_period_end),
            next_renewal_at: maybe_time(s.next_renewal_at),
            cancel_at_period_end: s.cancel_at_period_end,
            cancelled_at: maybe_time(s.cancelled_at),
            cancellation_reason: s.cancellation_reason.clone().unwrap_or_default(),
            created_at: time(s.created_at),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ChargeLine {
    id: Uuid,
    created_at: String,
    customer_id: String,
    customer_email: Text,
    description: Text,
    amount: String,
    amount_minor: i64,
    currency: String,
    /// what refunds returned of it (minor units)
    refunded_minor: i64,
    status: String,
    failure_code: String,
    failure_message: Text,
    paid_at: String,
    gateway_reference: String,
}

impl Line for ChargeLine {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "created_at",
        "customer_id",
        "customer_email",
        "description",
        "amount",
        "amount_minor",
        "currency",
        "refunded_minor",
        "status",
        "failure_code",
        "failure_message",
        "paid_at",
        "gateway_reference",
    ];
}

impl ChargeLine {
    #[must_use]
    pub fn new(c: &charges::Model, customer: Option<&customers::Model>) -> Self {
        Self {
            id: c.pid,
            created_at: time(c.created_at),
            customer_id: customer.map(|p| p.pid.to_string()).unwrap_or_default(),
            customer_email: customer
                .map(|p| p.email.as_str())
                .unwrap_or_default()
                .into(),
            description: c.description.as_str().into(),
            amount: c.money().decimal(),
            amount_minor: c.amount,
            currency: c.currency.clone(),
            refunded_minor: c.amount_refunded,
            status: c.status.clone(),
            failure_code: c.failure_code.clone().unwrap_or_default(),
            failure_message: c.failure_message.as_ref().into(),
            paid_at: maybe_time(c.paid_at),
            gateway_reference: c.gateway_charge_ref.clone().unwrap_or_default(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct InvoiceLine {
    number: String,
    /// `invoice`, or `credit_note` (a refund's, negative)
    kind: String,
    id: Uuid,
    issued_at: String,
    customer_id: String,
    customer_email: Text,
    status: String,
    subtotal: String,
    tax: String,
    total: String,
    total_minor: i64,
    currency: String,
    tax_rate_percent: String,
}

impl Line for InvoiceLine {
    const COLUMNS: &'static [&'static str] = &[
        "number",
        "kind",
        "id",
        "issued_at",
        "customer_id",
        "customer_email",
        "status",
        "subtotal",
        "tax",
        "total",
        "total_minor",
        "currency",
        "tax_rate_percent",
    ];
}

impl InvoiceLine {
    #[must_use]
    pub fn new(i: &invoices::Model, customer: Option<&customers::Model>) -> Self {
        let decimal = |minor| Money::new(minor, &i.currency).decimal();
        Self {
            number: i.number.clone(),
            kind: i.kind.clone(),
            id: i.pid,
            issued_at: maybe_time(i.issued_at),
            customer_id: customer.map(|p| p.pid.to_string()).unwrap_or_default(),
            customer_email: customer
                .map(|p| p.email.as_str())
                .unwrap_or_default()
                .into(),
            status: i.status.clone(),
            subtotal: decimal(i.subtotal),
            tax: decimal(i.tax),
            total: decimal(i.total),
            total_minor: i.total,
            currency: i.currency.clone(),
            // basis points as a percentage, by integer arithmetic: 1900 → 19.00
            tax_rate_percent: format!("{}.{:02}", i.tax_rate_bps / 100, i.tax_rate_bps % 100),
        }
    }
}

/// One batch of rows and the cursor of the next (none: this was the last).
pub type Batch<L, C> = (Vec<L>, Option<C>);

/// A CSV file named `file_name`, its rows fetched a batch at a time by
/// `next(cursor)` (starting from `None`) while the client reads. A database
/// error half-way ends the body early (the client sees an incomplete
/// transfer, not a file that looks whole) and is logged.
pub fn csv_download<L, C, F, Fut>(file_name: &str, mut next: F) -> Response
where
    L: Line + Send + 'static,
    C: Send + 'static,
    F: FnMut(Option<C>) -> Fut + Send + 'static,
    Fut: Future<Output = loco_rs::Result<Batch<L, C>>> + Send + 'static,
{
    enum Step<C> {
        Header,
        From(Option<C>),
        Done,
    }
    let body = futures_util::stream::unfold(Step::Header, move |step| {
        let fetched = match step {
            Step::Done => None,
            Step::Header => Some(None),
            Step::From(cursor) => Some(Some(next(cursor))),
        };
        async move {
            let mut writer = csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(Vec::new());
            let next_step = match fetched? {
                None => {
                    if let Err(err) = writer.write_record(L::COLUMNS) {
                        return Some((Err(std::io::Error::other(err)), Step::Done));
                    }
                    Step::From(None)
                }
                Some(batch) => match batch.await {
                    Ok((lines, cursor)) => {
                        for line in &lines {
                            if let Err(err) = writer.serialize(line) {
                                return Some((Err(std::io::Error::other(err)), Step::Done));
                            }
                        }
                        cursor.map_or(Step::Done, |c| Step::From(Some(c)))
                    }
                    Err(err) => {
                        tracing::error!(error = %err, "a CSV export stopped on a database error");
                        return Some((Err(std::io::Error::other(err.to_string())), Step::Done));
                    }
                },
            };
            let bytes = writer
                .into_inner()
                .map_err(|e| std::io::Error::other(e.to_string()));
            Some((bytes.map(Bytes::from), next_step))
        }
    });
    // fused: the compression layer polls once more after the end
    let mut response = Body::from_stream(futures_util::StreamExt::fuse(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header row is the field names, in order, of each row type.
    fn columns_match<L: Line>(sample: &L) {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.serialize(sample).unwrap();
        let text = String::from_utf8(writer.into_inner().unwrap()).unwrap();
        assert_eq!(text.lines().next().unwrap(), L::COLUMNS.join(","));
    }

    #[test]
    fn every_header_names_its_fields_in_order() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-03T10:00:00+01:00").unwrap();
        let customer = customers::Model {
            created_at: at,
            updated_at: at,
            id: 1,
            pid: Uuid::nil(),
            email: "a@example.com".into(),
            name: "=cmd".into(),
            address_line1: None,
            address_line2: None,
            city: None,
            region: None,
            postal_code: None,
            country: Some("DE".into()),
            marketing_opt_in: false,
            locale: None,
            default_payment_method_id: None,
            gateway_customer_ref: None,
            workspace_id: 1,
        };
        let line = CustomerLine::from(&customer);
        columns_match(&line);
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.serialize(&line).unwrap();
        let text = String::from_utf8(writer.into_inner().unwrap()).unwrap();
        assert!(text.contains(",'=cmd,"), "a formula is defused: {text}");
        assert!(
            text.contains("2026-12-03T09:00:00Z"),
            "times in UTC: {text}"
        );
    }
}
