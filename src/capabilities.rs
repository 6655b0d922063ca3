//! What a workspace lets its customers decide about their subscriptions,
//! declared once: each switch has its key, its default and its label here,
//! the console's Portal settings lists [`Capability::ALL`], and the portal
//! and the API ask [`Capability::allowed`] (a switched-off action is not
//! shown and its URL answers 404). A new switch is one entry in each list of
//! this file. The values live in the workspace's `capabilities` column (a
//! JSON object), so adding one needs no migration; a workspace that never
//! set a switch gets its default.
use serde_json::{Map, Value};

use crate::models::workspaces;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    /// Cancel at the end of the paid period (and keep it until then).
    CancelAtPeriodEnd,
    /// End the subscription at once, without a refund.
    CancelImmediately,
}

impl Capability {
    pub const ALL: [Self; 2] = [Self::CancelAtPeriodEnd, Self::CancelImmediately];

    /// The key in the workspace's `capabilities` and in the settings form.
    #[must_use]
    pub const fn key(self) -> &'static str {
        match self {
            Self::CancelAtPeriodEnd => "cancel_at_period_end",
            Self::CancelImmediately => "cancel_immediately",
        }
    }

    /// On unless the merchant switches it off? Cancelling at period end is
    /// (customers expect it, and some jurisdictions require it online).
    #[must_use]
    pub const fn default_on(self) -> bool {
        match self {
            Self::CancelAtPeriodEnd => true,
            Self::CancelImmediately => false,
        }
    }

    /// What the console calls the switch.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::CancelAtPeriodEnd => "Cancel a subscription at the end of its period",
            Self::CancelImmediately => "Cancel a subscription immediately (no refund)",
        }
    }

    #[must_use]
    pub fn parse(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.key() == key)
    }

    /// Does this workspace let its customers do this?
    #[must_use]
    pub fn allowed(self, workspace: &workspaces::Model) -> bool {
        stored(workspace)
            .get(self.key())
            .and_then(Value::as_bool)
            .unwrap_or(self.default_on())
    }
}

fn stored(workspace: &workspaces::Model) -> Map<String, Value> {
    serde_json::from_str(&workspace.capabilities).unwrap_or_default()
}

/// Every switch with its current value, for the settings page.
#[must_use]
pub fn current(workspace: &workspaces::Model) -> Vec<(Capability, bool)> {
    Capability::ALL
        .into_iter()
        .map(|c| (c, c.allowed(workspace)))
        .collect()
}

/// The stored form of a full set of values (every declared switch).
#[must_use]
pub fn encode(values: &[(Capability, bool)]) -> String {
    Value::Object(
        values
            .iter()
            .map(|(c, on)| (c.key().to_string(), Value::Bool(*on)))
            .collect(),
    )
    .to_string()
}
