//! Payment gateways: the one interface the portal and the billing engine use
//! to save cards (with 3-D Secure), approve PayPal, charge saved methods with
//! an idempotency key, and detach methods. Card details only ever go to the
//! gateway's hosted pages; we get back a token, brand, last4 and expiry.
use loco_rs::prelude::*;

use crate::{
    models::payment_methods::{ApprovedPayPal, TokenizedCard},
    settings::Settings,
};

pub mod sandbox;
pub mod stripe;

/// Where the gateway sends the customer back, and who they are.
#[derive(Debug, Clone)]
pub struct SetupRequest {
    pub return_url: String,
    pub customer_email: String,
}

/// A hosted step the customer must visit (card form, 3DS challenge, PayPal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hosted {
    /// The gateway's id of this setup or authentication.
    pub reference: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardSetup {
    /// Authenticated and tokenized: save it.
    Saved(TokenizedCard),
    /// Declined or not authenticated: save nothing, tell the customer why.
    Failed { code: String, message: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayPalSetup {
    Approved(ApprovedPayPal),
    Cancelled,
}

#[derive(Debug, Clone)]
pub struct ChargeRequest {
    pub token: String,
    pub amount: i64,
    pub currency: String,
    pub description: String,
    /// Same key, same charge: a replay returns the first outcome.
    pub idempotency_key: String,
    /// Renewals run without the customer present; the bank cannot ask them.
    pub off_session: bool,
    /// Where to return after an authentication step (on-session only).
    pub return_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChargeOutcome {
    Succeeded {
        reference: String,
    },
    Failed {
        reference: String,
        code: String,
        message: String,
    },
    /// The bank wants the customer to authenticate at `url` first.
    RequiresAction {
        reference: String,
        url: String,
    },
}

/// Money back to the customer from a paid charge.
#[derive(Debug, Clone)]
pub struct RefundRequest {
    /// The gateway's reference of the paid charge.
    pub charge_reference: String,
    pub amount: i64,
    pub currency: String,
    /// Same key, same refund: a replay returns the first outcome.
    pub idempotency_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefundOutcome {
    Succeeded {
        reference: String,
    },
    /// The gateway refused (the charge cannot be refunded, or not that much).
    Failed {
        code: String,
        message: String,
    },
}

#[async_trait]
pub trait PaymentGateway: Send + Sync {
    /// Short name stored on payment methods ("sandbox", "stripe").
    fn name(&self) -> &'static str;

    /// Starts saving a card: the customer enters it on the gateway's page.
    async fn start_card_setup(&self, request: &SetupRequest) -> Result<Hosted>;

    /// The outcome once the customer is back (abandoned steps are failures).
    async fn confirm_card_setup(&self, reference: &str) -> Result<CardSetup>;

    /// Can this gateway save PayPal accounts?
    fn supports_paypal(&self) -> bool {
        true
    }

    /// Starts a PayPal approval on the gateway's page.
    async fn start_paypal(&self, request: &SetupRequest) -> Result<Hosted>;

    async fn confirm_paypal(&self, reference: &str) -> Result<PayPalSetup>;

    /// Charges a saved method once per idempotency key.
    async fn charge(&self, request: &ChargeRequest) -> Result<ChargeOutcome>;

    /// The outcome of a charge that required action, after the customer acted.
    async fn charge_status(&self, reference: &str) -> Result<ChargeOutcome>;

    /// Removes the method at the gateway; it cannot be charged afterwards.
    async fn detach(&self, token: &str) -> Result<()>;

    /// Returns (part of) a paid charge to the customer, once per key.
    async fn refund(&self, request: &RefundRequest) -> Result<RefundOutcome>;
}

/// The one place that picks the gateway from configuration (`settings.gateway`).
///
/// # Errors
/// For an unknown gateway name.
pub fn from_context(ctx: &AppContext) -> Result<Box<dyn PaymentGateway>> {
    let settings = Settings::from_context(ctx)?;
    match settings.gateway.as_str() {
        "sandbox" => Ok(Box::new(sandbox::SandboxGateway::new(
            ctx.db.clone(),
            &settings.public_url,
        ))),
        "stripe" => {
            let stripe = settings.stripe.clone().ok_or_else(|| {
                Error::string("settings.gateway is `stripe` but `settings.stripe` is missing: set STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY")
            })?;
            Ok(Box::new(stripe::StripeGateway::new(
                ctx.db.clone(),
                &settings.public_url,
                stripe,
            )?))
        }
        other => Err(Error::string(&format!(
            "settings.gateway is `{other}`: use `sandbox` or `stripe`"
        ))),
    }
}
