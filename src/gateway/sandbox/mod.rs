//! The built-in sandbox processor: the default gateway in development and
//! tests. It behaves like a real one: card details are entered on its own
//! hosted page (`/sandbox/...`, never the portal's), saving a card always
//! passes through a 3-D Secure challenge the cardholder can pass or fail,
//! PayPal has an approval page, test numbers select outcomes, and charges
//! are idempotent on their key.
use chrono::{Datelike, Utc};
use loco_rs::prelude::*;
use sea_orm::SqlErr;

use super::{
    CardSetup, ChargeOutcome, ChargeRequest, Hosted, PayPalSetup, PaymentGateway, RefundOutcome,
    RefundRequest, SetupRequest,
};
use crate::{
    models::{
        _entities::{sandbox_charges, sandbox_refunds, sandbox_sessions},
        payment_methods::{ApprovedPayPal, TokenizedCard},
    },
    secrets::random_token,
};

pub mod cards;
use cards::Scenario;

pub const KIND_CARD_SETUP: &str = "card_setup";
pub const KIND_PAYPAL: &str = "paypal";
pub const KIND_CHARGE_AUTH: &str = "charge_authentication";
pub const OPEN: &str = "open";
pub const REQUIRES_ACTION: &str = "requires_action";
pub const SUCCEEDED: &str = "succeeded";
pub const FAILED: &str = "failed";
pub const CANCELLED: &str = "cancelled";
pub const DETACHED: &str = "detached";

pub struct SandboxGateway {
    db: DatabaseConnection,
    base_url: String,
}

impl SandboxGateway {
    #[must_use]
    pub fn new(db: DatabaseConnection, public_url: &str) -> Self {
        Self {
            db,
            base_url: public_url.trim_end_matches('/').to_string(),
        }
    }

    async fn open_session(
        &self,
        kind: &str,
        prefix: &str,
        request: &SetupRequest,
        path: &str,
    ) -> Result<Hosted> {
        let reference = format!("{prefix}_{}", random_token(12));
        sandbox_sessions::ActiveModel {
            reference: Set(reference.clone()),
            kind: Set(kind.to_string()),
            status: Set(OPEN.to_string()),
            return_url: Set(request.return_url.clone()),
            customer_email: Set(Some(request.customer_email.clone())),
            ..Default::default()
        }
        .insert(&self.db)
        .await?;
        Ok(Hosted {
            url: format!("{}/sandbox/{path}/{reference}", self.base_url),
            reference,
        })
    }

    /// Test control: from now on, charges of this saved method fail with `scenario`.
    ///
    /// # Errors
    /// When no saved method has this token.
    pub async fn set_scenario(&self, token: &str, scenario: Scenario) -> Result<()> {
        let saved = saved_method(&self.db, token)
            .await?
            .ok_or(Error::NotFound)?;
        let mut saved = saved.into_active_model();
        saved.scenario = Set(Some(scenario.as_str().to_string()));
        saved.update(&self.db).await?;
        Ok(())
    }
}

async fn session(db: &DatabaseConnection, reference: &str) -> Result<sandbox_sessions::Model> {
    sandbox_sessions::Entity::find()
        .filter(sandbox_sessions::Column::Reference.eq(reference))
        .one(db)
        .await?
        .ok_or(Error::NotFound)
}

async fn saved_method(
    db: &DatabaseConnection,
    token: &str,
) -> Result<Option<sandbox_sessions::Model>> {
    Ok(sandbox_sessions::Entity::find()
        .filter(sandbox_sessions::Column::Token.eq(token))
        .one(db)
        .await?)
}

fn failure(code: &str, message: &str) -> (String, String) {
    (code.to_string(), message.to_string())
}

/// What a charge of a method with this scenario does.
fn charge_result(scenario: Scenario, off_session: bool) -> Result<(), (String, String)> {
    match scenario {
        Scenario::ChargeDeclined => Err(failure("card_declined", "The card was declined.")),
        Scenario::InsufficientFunds => Err(failure(
            "insufficient_funds",
            "The card has insufficient funds.",
        )),
        Scenario::AuthenticateEveryCharge if off_session => Err(failure(
            "authentication_required",
            "The bank asked the cardholder to authenticate this payment.",
        )),
        _ => Ok(()),
    }
}

#[async_trait]
impl PaymentGateway for SandboxGateway {
    fn name(&self) -> &'static str {
        "sandbox"
    }

    async fn start_card_setup(&self, request: &SetupRequest) -> Result<Hosted> {
        self.open_session(KIND_CARD_SETUP, "seti_sb", request, "cards")
            .await
    }

    async fn confirm_card_setup(&self, reference: &str) -> Result<CardSetup> {
        let s = session(&self.db, reference).await?;
        if s.kind != KIND_CARD_SETUP {
            return Err(Error::NotFound);
        }
        Ok(match (s.status.as_str(), &s.token) {
            (SUCCEEDED | DETACHED, Some(token)) => CardSetup::Saved(TokenizedCard {
                gateway: self.name().to_string(),
                gateway_token: token.clone(),
                brand: s.brand.clone().unwrap_or_default(),
                last4: s.last4.clone().unwrap_or_default(),
                exp_month: s.exp_month.unwrap_or(1),
                exp_year: s.exp_year.unwrap_or(2000),
            }),
            (FAILED, _) => CardSetup::Failed {
                code: s
                    .failure_code
                    .clone()
                    .unwrap_or_else(|| "setup_failed".into()),
                message: s
                    .failure_message
                    .clone()
                    .unwrap_or_else(|| "The card could not be saved.".into()),
            },
            _ => CardSetup::Failed {
                code: "authentication_abandoned".into(),
                message: "The card check was not finished.".into(),
            },
        })
    }

    async fn start_paypal(&self, request: &SetupRequest) -> Result<Hosted> {
        self.open_session(KIND_PAYPAL, "ba_sb", request, "paypal")
            .await
    }

    async fn confirm_paypal(&self, reference: &str) -> Result<PayPalSetup> {
        let s = session(&self.db, reference).await?;
        if s.kind != KIND_PAYPAL {
            return Err(Error::NotFound);
        }
        Ok(match (s.status.as_str(), &s.token, &s.paypal_email) {
            (SUCCEEDED | DETACHED, Some(token), Some(email)) => {
                PayPalSetup::Approved(ApprovedPayPal {
                    gateway: self.name().to_string(),
                    gateway_token: token.clone(),
                    email: email.clone(),
                })
            }
            _ => PayPalSetup::Cancelled,
        })
    }

    async fn charge(&self, request: &ChargeRequest) -> Result<ChargeOutcome> {
        if let Some(existing) = sandbox_charges::Entity::find()
            .filter(sandbox_charges::Column::IdempotencyKey.eq(&request.idempotency_key))
            .one(&self.db)
            .await?
        {
            return self.outcome(&existing).await;
        }
        let method = saved_method(&self.db, &request.token).await?;
        let result = match &method {
            Some(m) if m.status == SUCCEEDED => {
                let scenario = m
                    .scenario
                    .as_deref()
                    .and_then(Scenario::parse)
                    .unwrap_or(Scenario::Succeeds);
                charge_result(scenario, request.off_session).map(|()| scenario)
            }
            Some(_) => Err(failure(
                "payment_method_detached",
                "This payment method was removed.",
            )),
            None => Err(failure("invalid_payment_method", "Unknown payment method.")),
        };
        let (status, code, message) = match &result {
            Ok(Scenario::AuthenticateEveryCharge) => (REQUIRES_ACTION, None, None),
            Ok(_) => (SUCCEEDED, None, None),
            Err((code, message)) => (FAILED, Some(code.clone()), Some(message.clone())),
        };
        let record = sandbox_charges::ActiveModel {
            reference: Set(format!("ch_sb_{}", random_token(12))),
            idempotency_key: Set(request.idempotency_key.clone()),
            token: Set(request.token.clone()),
            amount: Set(request.amount),
            currency: Set(request.currency.clone()),
            status: Set(status.to_string()),
            failure_code: Set(code),
            failure_message: Set(message),
            ..Default::default()
        };
        let charge = match record.insert(&self.db).await {
            Ok(charge) => charge,
            // a racing request with the same key won: report its charge
            Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                sandbox_charges::Entity::find()
                    .filter(sandbox_charges::Column::IdempotencyKey.eq(&request.idempotency_key))
                    .one(&self.db)
                    .await?
                    .ok_or(Error::NotFound)?
            }
            Err(err) => return Err(err.into()),
        };
        if charge.status == REQUIRES_ACTION {
            sandbox_sessions::ActiveModel {
                reference: Set(charge.reference.clone()),
                kind: Set(KIND_CHARGE_AUTH.to_string()),
                status: Set(REQUIRES_ACTION.to_string()),
                return_url: Set(request.return_url.clone().unwrap_or_default()),
                ..Default::default()
            }
            .insert(&self.db)
            .await?;
        }
        self.outcome(&charge).await
    }

    async fn charge_status(&self, reference: &str) -> Result<ChargeOutcome> {
        let charge = sandbox_charges::Entity::find()
            .filter(sandbox_charges::Column::Reference.eq(reference))
            .one(&self.db)
            .await?
            .ok_or(Error::NotFound)?;
        self.outcome(&charge).await
    }

    async fn detach(&self, token: &str) -> Result<()> {
        if let Some(m) = saved_method(&self.db, token).await? {
            let mut m = m.into_active_model();
            m.status = Set(DETACHED.to_string());
            m.update(&self.db).await?;
        }
        Ok(())
    }

    async fn refund(&self, request: &RefundRequest) -> Result<RefundOutcome> {
        let replay = || async {
            Ok::<_, Error>(
                sandbox_refunds::Entity::find()
                    .filter(sandbox_refunds::Column::IdempotencyKey.eq(&request.idempotency_key))
                    .one(&self.db)
                    .await?,
            )
        };
        if let Some(done) = replay().await? {
            return Ok(RefundOutcome::Succeeded {
                reference: done.reference,
            });
        }
        // like a real gateway: only a succeeded charge, never more than it took
        let Some(charge) = sandbox_charges::Entity::find()
            .filter(sandbox_charges::Column::Reference.eq(&request.charge_reference))
            .one(&self.db)
            .await?
            .filter(|c| c.status == SUCCEEDED)
        else {
            return Ok(RefundOutcome::Failed {
                code: "charge_not_refundable".into(),
                message: "Only a payment that went through can be refunded.".into(),
            });
        };
        let refunded: i64 = sandbox_refunds::Entity::find()
            .filter(sandbox_refunds::Column::ChargeReference.eq(&charge.reference))
            .all(&self.db)
            .await?
            .iter()
            .map(|r| r.amount)
            .sum();
        if request.amount <= 0 || refunded + request.amount > charge.amount {
            return Ok(RefundOutcome::Failed {
                code: "amount_too_large".into(),
                message: "The refund is more than what is left of the payment.".into(),
            });
        }
        let record = sandbox_refunds::ActiveModel {
            reference: Set(format!("re_sb_{}", random_token(12))),
            idempotency_key: Set(request.idempotency_key.clone()),
            charge_reference: Set(charge.reference.clone()),
            amount: Set(request.amount),
            currency: Set(charge.currency.clone()),
            ..Default::default()
        };
        match record.insert(&self.db).await {
            Ok(done) => Ok(RefundOutcome::Succeeded {
                reference: done.reference,
            }),
            // a racing request with the same key won: report its refund
            Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                let done = replay().await?.ok_or(Error::NotFound)?;
                Ok(RefundOutcome::Succeeded {
                    reference: done.reference,
                })
            }
            Err(err) => Err(err.into()),
        }
    }
}

impl SandboxGateway {
    async fn outcome(&self, charge: &sandbox_charges::Model) -> Result<ChargeOutcome> {
        let reference = charge.reference.clone();
        Ok(match charge.status.as_str() {
            SUCCEEDED => ChargeOutcome::Succeeded { reference },
            REQUIRES_ACTION => ChargeOutcome::RequiresAction {
                url: format!("{}/sandbox/authenticate/{reference}", self.base_url),
                reference,
            },
            _ => ChargeOutcome::Failed {
                reference,
                code: charge.failure_code.clone().unwrap_or_default(),
                message: charge.failure_message.clone().unwrap_or_default(),
            },
        })
    }
}

/// The hosted pages' side: what happens when the cardholder submits them.
pub mod hosted {
    use super::*;

    /// What is wrong with a submitted card form, by field (`number`,
    /// `expiry`, `cvc`; `form` for the form as a whole).
    pub type CardErrors = std::collections::BTreeMap<&'static str, String>;

    /// The card form was submitted: validate, pick the scenario, and either
    /// refuse the card or move on to the 3DS challenge. Returns the next URL.
    ///
    /// # Errors
    /// `Ok(Err(errors))` for input the cardholder must fix, every field at once.
    pub async fn submit_card(
        db: &DatabaseConnection,
        reference: &str,
        number: &str,
        expiry: &str,
        cvc: &str,
    ) -> Result<Result<String, CardErrors>> {
        let s = session(db, reference).await?;
        if s.kind != KIND_CARD_SETUP || s.status != OPEN {
            return Ok(Err(CardErrors::from([(
                "form",
                "This card form was already used. Go back and start again.".to_string(),
            )])));
        }
        // every field's problem at once
        let mut errors = CardErrors::new();
        let digits = cards::digits(number).filter(|d| cards::luhn_ok(d));
        if digits.is_none() {
            errors.insert(
                "number",
                "The card number is not valid: check it against your card.".into(),
            );
        }
        let expiry = parse_expiry(expiry);
        if expiry.is_none() {
            errors.insert("expiry", "Enter the expiry as MM/YY, like 12/34.".into());
        }
        if !(3..=4).contains(&cvc.trim().len()) || !cvc.trim().bytes().all(|b| b.is_ascii_digit()) {
            errors.insert(
                "cvc",
                "The security code is the 3 or 4 digits on the card.".into(),
            );
        }
        let (Some(digits), Some((month, year)), true) = (digits, expiry, errors.is_empty()) else {
            return Ok(Err(errors));
        };
        let scenario = cards::scenario(&digits);
        let mut update = s.clone().into_active_model();
        update.scenario = Set(Some(scenario.as_str().to_string()));
        update.brand = Set(Some(cards::brand(&digits).to_string()));
        update.last4 = Set(Some(digits[digits.len() - 4..].to_string()));
        update.exp_month = Set(Some(month));
        update.exp_year = Set(Some(year));
        let today = Utc::now().date_naive();
        let expired = (year, month) < (today.year(), i32::try_from(today.month()).unwrap_or(12));
        let refused = match scenario {
            Scenario::DeclinedOnSetup => {
                Some(("card_declined", "The card was declined by the bank."))
            }
            Scenario::Expired => Some(("expired_card", "The card has expired.")),
            _ if expired => Some(("expired_card", "The card has expired.")),
            _ => None,
        };
        if let Some((code, message)) = refused {
            update.status = Set(FAILED.to_string());
            update.failure_code = Set(Some(code.to_string()));
            update.failure_message = Set(Some(message.to_string()));
            update.update(db).await?;
            return Ok(Ok(s.return_url));
        }
        update.status = Set(REQUIRES_ACTION.to_string());
        update.update(db).await?;
        Ok(Ok(format!("/sandbox/3ds/{reference}")))
    }

    fn parse_expiry(expiry: &str) -> Option<(i32, i32)> {
        let (m, y) = expiry.trim().split_once('/')?;
        let month: i32 = m.trim().parse().ok()?;
        let year: i32 = y.trim().parse().ok()?;
        let year = if year < 100 { 2000 + year } else { year };
        ((1..=12).contains(&month) && (2000..=2100).contains(&year)).then_some((month, year))
    }

    /// The 3DS challenge of a card setup was answered. Returns the return URL.
    ///
    /// # Errors
    /// `NotFound` for an unknown or finished challenge.
    pub async fn answer_setup_challenge(
        db: &DatabaseConnection,
        reference: &str,
        passed: bool,
    ) -> Result<String> {
        let s = session(db, reference).await?;
        if s.kind != KIND_CARD_SETUP || s.status != REQUIRES_ACTION {
            return Err(Error::NotFound);
        }
        let fails =
            s.scenario.as_deref().and_then(Scenario::parse) == Some(Scenario::AuthenticationFails);
        let mut update = s.clone().into_active_model();
        if passed && !fails {
            update.status = Set(SUCCEEDED.to_string());
            update.token = Set(Some(format!("pm_sb_{}", random_token(12))));
        } else {
            update.status = Set(FAILED.to_string());
            update.failure_code = Set(Some("authentication_failed".into()));
            update.failure_message = Set(Some("The bank could not authenticate the card.".into()));
        }
        update.update(db).await?;
        Ok(s.return_url)
    }

    /// The 3DS challenge of an on-session charge was answered.
    ///
    /// # Errors
    /// `NotFound` for an unknown or finished challenge.
    pub async fn answer_charge_challenge(
        db: &DatabaseConnection,
        reference: &str,
        passed: bool,
    ) -> Result<String> {
        let s = session(db, reference).await?;
        if s.kind != KIND_CHARGE_AUTH || s.status != REQUIRES_ACTION {
            return Err(Error::NotFound);
        }
        let charge = sandbox_charges::Entity::find()
            .filter(sandbox_charges::Column::Reference.eq(reference))
            .one(db)
            .await?
            .ok_or(Error::NotFound)?;
        let mut c = charge.into_active_model();
        if passed {
            c.status = Set(SUCCEEDED.to_string());
        } else {
            c.status = Set(FAILED.to_string());
            c.failure_code = Set(Some("authentication_failed".into()));
            c.failure_message = Set(Some("The bank could not authenticate the payment.".into()));
        }
        c.update(db).await?;
        let mut done = s.clone().into_active_model();
        done.status = Set(if passed { SUCCEEDED } else { FAILED }.to_string());
        done.update(db).await?;
        Ok(s.return_url)
    }

    /// The PayPal page was answered. Returns the return URL.
    ///
    /// # Errors
    /// `NotFound` for an unknown or finished approval.
    pub async fn answer_paypal(
        db: &DatabaseConnection,
        reference: &str,
        approved_email: Option<&str>,
    ) -> Result<String> {
        let s = session(db, reference).await?;
        if s.kind != KIND_PAYPAL || s.status != OPEN {
            return Err(Error::NotFound);
        }
        let mut update = s.clone().into_active_model();
        match approved_email {
            Some(email) => {
                update.status = Set(SUCCEEDED.to_string());
                update.paypal_email = Set(Some(email.trim().to_lowercase()));
                update.token = Set(Some(format!("ba_sb_{}", random_token(12))));
            }
            None => update.status = Set(CANCELLED.to_string()),
        }
        update.update(db).await?;
        Ok(s.return_url)
    }

    /// A method as if the cardholder had completed its setup (demo data):
    /// returns the token the processor would have issued.
    ///
    /// # Errors
    /// On a database error.
    pub async fn saved_method(
        db: &impl ConnectionTrait,
        kind: &str,
        brand: Option<&str>,
        last4: Option<&str>,
        expiry: Option<(i32, i32)>,
        paypal_email: Option<&str>,
    ) -> Result<String> {
        let prefix = if kind == KIND_PAYPAL {
            "ba_sb"
        } else {
            "pm_sb"
        };
        let token = format!("{prefix}_{}", random_token(12));
        sandbox_sessions::ActiveModel {
            reference: Set(format!("seed_{}", random_token(12))),
            kind: Set(kind.to_string()),
            status: Set(SUCCEEDED.to_string()),
            return_url: Set(String::new()),
            scenario: Set(Some(Scenario::Succeeds.as_str().to_string())),
            brand: Set(brand.map(str::to_string)),
            last4: Set(last4.map(str::to_string)),
            exp_month: Set(expiry.map(|(m, _)| m)),
            exp_year: Set(expiry.map(|(_, y)| y)),
            paypal_email: Set(paypal_email.map(str::to_string)),
            token: Set(Some(token.clone())),
            ..Default::default()
        }
        .insert(db)
        .await?;
        Ok(token)
    }

    /// What the hosted pages show about a session.
    ///
    /// # Errors
    /// `NotFound` for an unknown reference.
    pub async fn find(db: &DatabaseConnection, reference: &str) -> Result<sandbox_sessions::Model> {
        session(db, reference).await
    }
}
