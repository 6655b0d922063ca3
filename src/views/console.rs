//! What console templates see: typed rows and form fields, never entities.
use std::collections::BTreeMap;

use serde::Serialize;

use crate::models::{prices, products};

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
