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
    /// Pause for up to [`pause_max_periods`] billing periods, from the end
    /// of the paid one.
    Pause,
    /// Move to another price the merchant marked as switchable (upgrades
    /// prorated now, downgrades at the next renewal).
    SwitchPlan,
    /// Change the seats of a per-seat price, within the price's bounds.
    ChangeQuantity,
}

impl Capability {
    pub const ALL: [Self; 5] = [
        Self::CancelAtPeriodEnd,
        Self::CancelImmediately,
        Self::Pause,
        Self::SwitchPlan,
        Self::ChangeQuantity,
    ];

    /// The key in the workspace's `capabilities` and in the settings form.
    #[must_use]
    pub const fn key(self) -> &'static str {
        match self {
            Self::CancelAtPeriodEnd => "cancel_at_period_end",
            Self::CancelImmediately => "cancel_immediately",
            Self::Pause => "pause",
            Self::SwitchPlan => "switch_plan",
            Self::ChangeQuantity => "change_quantity",
        }
    }

    /// On unless the merchant switches it off? Cancelling at period end is
    /// (customers expect it, and some jurisdictions require it online).
    #[must_use]
    pub const fn default_on(self) -> bool {
        match self {
            Self::CancelAtPeriodEnd => true,
            Self::CancelImmediately | Self::Pause | Self::SwitchPlan | Self::ChangeQuantity => {
                false
            }
        }
    }

    /// What the console calls the switch.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::CancelAtPeriodEnd => "Cancel a subscription at the end of its period",
            Self::CancelImmediately => "Cancel a subscription immediately (no refund)",
            Self::Pause => "Pause a subscription (from the end of the paid period)",
            Self::SwitchPlan => "Switch to another plan marked as switchable",
            Self::ChangeQuantity => "Change the number of seats of a per-seat plan",
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

/// The longest pause customers may choose, in billing periods.
pub const PAUSE_PERIODS_KEY: &str = "pause_max_periods";
pub const PAUSE_PERIODS_DEFAULT: u32 = 3;
pub const PAUSE_PERIODS_LIMIT: u32 = 12;

/// How many billing periods a customer may pause for at most (1 to 12).
#[must_use]
pub fn pause_max_periods(workspace: &workspaces::Model) -> u32 {
    stored(workspace)
        .get(PAUSE_PERIODS_KEY)
        .and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(PAUSE_PERIODS_DEFAULT)
        .clamp(1, PAUSE_PERIODS_LIMIT)
}

/// Every switch with its current value, for the settings page.
#[must_use]
pub fn current(workspace: &workspaces::Model) -> Vec<(Capability, bool)> {
    Capability::ALL
        .into_iter()
        .map(|c| (c, c.allowed(workspace)))
        .collect()
}

/// The stored form of a full set of values (every declared switch) and
/// the longest pause.
#[must_use]
pub fn encode(values: &[(Capability, bool)], pause_max_periods: u32) -> String {
    let mut map: Map<String, Value> = values
        .iter()
        .map(|(c, on)| (c.key().to_string(), Value::Bool(*on)))
        .collect();
    map.insert(
        PAUSE_PERIODS_KEY.to_string(),
        Value::from(pause_max_periods.clamp(1, PAUSE_PERIODS_LIMIT)),
    );
    Value::Object(map).to_string()
}
