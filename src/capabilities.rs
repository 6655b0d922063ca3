//! What a workspace lets its customers see and do in the portal, declared
//! once: every switch on the console's Portal settings page is one line of
//! [`DECLARED`] (its key, group, label, default and where its value lives),
//! the page is drawn from it, the settings are saved through it, and the
//! portal and the API ask [`Capability::allowed`] (a switched-off section or
//! action is not shown and its URL answers 404). A new switch is a variant
//! and one line in the table; stored in the workspace's `capabilities`
//! column (a JSON object), it needs no migration, and a workspace that never
//! set it gets its default. The switches older than that table keep their
//! own columns, read and written through the same declaration.
use sea_orm::ActiveValue::Set;
use serde_json::{Map, Value};

use crate::models::workspaces::{self, PortalSection};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Capability {
    SectionSubscriptions,
    SectionPaymentMethods,
    SectionBillingHistory,
    SectionProfile,
    ChangeRenewalMethod,
    AddPayPal,
    GenerateInvoice,
    RetryPayment,
    EditName,
    EditEmail,
    EditAddress,
    EditMarketing,
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

/// Where the settings page lists a switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Sections,
    Actions,
    Decisions,
    ProfileFields,
}

impl Group {
    pub const ALL: [Self; 4] = [
        Self::Sections,
        Self::Actions,
        Self::Decisions,
        Self::ProfileFields,
    ];

    #[must_use]
    pub const fn legend(self) -> &'static str {
        match self {
            Self::Sections => "Sections customers see",
            Self::Actions => "Actions customers may take",
            Self::Decisions => "Decisions customers may make about a subscription",
            Self::ProfileFields => "Profile fields customers may edit",
        }
    }
}

type Read = fn(&workspaces::Model) -> bool;
type Write = fn(&mut workspaces::ActiveModel, bool);

/// Where a switch's value lives.
#[derive(Clone, Copy)]
pub enum Stored {
    /// in the `capabilities` JSON, under the switch's key
    Json,
    /// in a column of its own (the switches that came first)
    Column(Read, Write),
}

/// One switch: everything the page, the saving and the checks need.
pub struct Declaration {
    pub capability: Capability,
    pub key: &'static str,
    pub group: Group,
    pub label: &'static str,
    pub default_on: bool,
    pub stored: Stored,
}

macro_rules! column {
    ($field:ident) => {
        Stored::Column(|w| w.$field, |w, on| w.$field = Set(on))
    };
}

const fn declare(
    capability: Capability,
    key: &'static str,
    group: Group,
    label: &'static str,
    default_on: bool,
    stored: Stored,
) -> Declaration {
    Declaration {
        capability,
        key,
        group,
        label,
        default_on,
        stored,
    }
}

use Capability as C;
use Group as G;

/// Every switch, in the order of the settings page (and of [`Capability`]).
#[rustfmt::skip]
pub const DECLARED: [Declaration; 17] = [
    declare(C::SectionSubscriptions, "section_subscriptions", G::Sections, "Subscriptions", true, column!(section_subscriptions)),
    declare(C::SectionPaymentMethods, "section_payment_methods", G::Sections, "Payment methods", true, column!(section_payment_methods)),
    declare(C::SectionBillingHistory, "section_billing_history", G::Sections, "Billing history", true, column!(section_billing_history)),
    declare(C::SectionProfile, "section_profile", G::Sections, "Profile", true, column!(section_profile)),
    declare(C::ChangeRenewalMethod, "allow_change_renewal_method", G::Actions, "Change a subscription's payment method", true, column!(allow_change_renewal_method)),
    declare(C::AddPayPal, "allow_paypal", G::Actions, "Add PayPal", true, column!(allow_paypal)),
    declare(C::GenerateInvoice, "allow_invoice_generation", G::Actions, "Generate an invoice for a paid charge", true, column!(allow_invoice_generation)),
    declare(C::RetryPayment, "allow_payment_retry", G::Actions, "Retry a failed payment", true, column!(allow_payment_retry)),
    declare(C::EditName, "profile_edit_name", G::ProfileFields, "Name", true, column!(profile_edit_name)),
    declare(C::EditEmail, "profile_edit_email", G::ProfileFields, "Email (confirmed by a link to the new address)", true, column!(profile_edit_email)),
    declare(C::EditAddress, "profile_edit_address", G::ProfileFields, "Billing address", true, column!(profile_edit_address)),
    declare(C::EditMarketing, "profile_edit_marketing", G::ProfileFields, "Marketing emails choice", true, column!(profile_edit_marketing)),
    declare(C::CancelAtPeriodEnd, "cancel_at_period_end", G::Decisions, "Cancel a subscription at the end of its period", true, Stored::Json),
    declare(C::CancelImmediately, "cancel_immediately", G::Decisions, "Cancel a subscription immediately (no refund)", false, Stored::Json),
    declare(C::Pause, "pause", G::Decisions, "Pause a subscription (from the end of the paid period)", false, Stored::Json),
    declare(C::SwitchPlan, "switch_plan", G::Decisions, "Switch to another plan marked as switchable", false, Stored::Json),
    declare(C::ChangeQuantity, "change_quantity", G::Decisions, "Change the number of seats of a per-seat plan", false, Stored::Json),
];

impl Capability {
    /// Every switch, in declaration order.
    pub fn all() -> impl Iterator<Item = Self> {
        DECLARED.iter().map(|d| d.capability)
    }

    fn declaration(self) -> &'static Declaration {
        DECLARED
            .iter()
            .find(|d| d.capability == self)
            .unwrap_or(&DECLARED[0])
    }

    /// The key in the workspace's `capabilities` and in the settings form.
    #[must_use]
    pub fn key(self) -> &'static str {
        self.declaration().key
    }

    /// What the console calls the switch.
    #[must_use]
    pub fn label(self) -> &'static str {
        self.declaration().label
    }

    #[must_use]
    pub fn group(self) -> Group {
        self.declaration().group
    }

    /// On unless the merchant switches it off? Cancelling at period end is
    /// (customers expect it, and some jurisdictions require it online).
    #[must_use]
    pub fn default_on(self) -> bool {
        self.declaration().default_on
    }

    #[must_use]
    pub fn parse(key: &str) -> Option<Self> {
        DECLARED.iter().find(|d| d.key == key).map(|d| d.capability)
    }

    /// Does this workspace let its customers do (or see) this?
    #[must_use]
    pub fn allowed(self, workspace: &workspaces::Model) -> bool {
        let declared = self.declaration();
        match declared.stored {
            Stored::Column(read, _) => read(workspace),
            Stored::Json => stored(workspace)
                .get(declared.key)
                .and_then(Value::as_bool)
                .unwrap_or(declared.default_on),
        }
    }

    /// Switches this on or off on `w` (saved with it).
    pub fn set(self, w: &mut workspaces::ActiveModel, on: bool) {
        let declared = self.declaration();
        match declared.stored {
            Stored::Column(_, write) => write(w, on),
            Stored::Json => {
                let mut map: Map<String, Value> = match &w.capabilities {
                    sea_orm::ActiveValue::Set(json) | sea_orm::ActiveValue::Unchanged(json) => {
                        serde_json::from_str(json).unwrap_or_default()
                    }
                    sea_orm::ActiveValue::NotSet => Map::new(),
                };
                map.insert(declared.key.to_string(), Value::Bool(on));
                w.capabilities = Set(Value::Object(map).to_string());
            }
        }
    }

    /// The switch of a portal section.
    #[must_use]
    pub const fn of_section(section: PortalSection) -> Self {
        match section {
            PortalSection::Subscriptions => Self::SectionSubscriptions,
            PortalSection::PaymentMethods => Self::SectionPaymentMethods,
            PortalSection::BillingHistory => Self::SectionBillingHistory,
            PortalSection::Profile => Self::SectionProfile,
        }
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
    Capability::all()
        .map(|c| (c, c.allowed(workspace)))
        .collect()
}

/// Writes a full set of values (every declared switch) and the longest
/// pause onto `w`: the older switches into their columns, the rest into
/// the `capabilities` JSON.
pub fn apply(
    w: &mut workspaces::ActiveModel,
    values: &[(Capability, bool)],
    pause_max_periods: u32,
) {
    let mut map = Map::new();
    for (capability, on) in values {
        match capability.declaration().stored {
            Stored::Column(_, write) => write(w, *on),
            Stored::Json => {
                map.insert(capability.key().to_string(), Value::Bool(*on));
            }
        }
    }
    map.insert(
        PAUSE_PERIODS_KEY.to_string(),
        Value::from(pause_max_periods.clamp(1, PAUSE_PERIODS_LIMIT)),
    );
    w.capabilities = Set(Value::Object(map).to_string());
}
