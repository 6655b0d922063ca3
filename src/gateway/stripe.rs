//! The Stripe adapter: SetupIntents (with 3-D Secure `next_action`) to save
//! cards, PaymentIntents (`off_session` for renewals) to charge, and
//! PaymentMethod detach. A thin reqwest client with lenient serde: only the
//! fields we read, each defaulted, so API additions (or localstripe's
//! omissions) do not break parsing. Card details are typed into Stripe.js on
//! `/stripe/...` pages and go straight to Stripe.
use std::time::Duration;

use loco_rs::prelude::*;
use sea_orm::SqlErr;
use serde::{de::DeserializeOwned, Deserialize};

use super::{
    CardSetup, ChargeOutcome, ChargeRequest, Hosted, PayPalSetup, PaymentGateway, RefundOutcome,
    RefundRequest, SetupRequest,
};
use crate::models::{_entities::gateway_charges, payment_methods::TokenizedCard};

/// `settings.stripe` in config.
#[derive(Debug, Clone, Deserialize)]
pub struct StripeSettings {
    pub secret_key: String,
    pub publishable_key: String,
    /// `https://api.stripe.com` (or a localstripe URL in tests).
    #[serde(default = "default_api_base")]
    pub api_base: String,
    /// Where the browser loads Stripe.js from.
    #[serde(default = "default_js_url")]
    pub js_url: String,
}

fn default_api_base() -> String {
    "https://api.stripe.com".into()
}

fn default_js_url() -> String {
    "https://js.stripe.com/v3/".into()
}

pub struct StripeGateway {
    http: reqwest::Client,
    settings: StripeSettings,
    db: DatabaseConnection,
    base_url: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ApiError {
    code: Option<String>,
    message: Option<String>,
    charge: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ErrorBody {
    error: ApiError,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SetupIntent {
    pub id: String,
    pub status: String,
    pub client_secret: String,
    pub customer: Option<String>,
    pub payment_method: Option<String>,
    pub metadata: std::collections::HashMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Card {
    brand: String,
    last4: String,
    exp_month: i32,
    exp_year: i32,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PaymentMethodObject {
    id: String,
    customer: Option<String>,
    card: Option<Card>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PaymentIntent {
    pub id: String,
    pub status: String,
    pub client_secret: String,
    pub metadata: std::collections::HashMap<String, String>,
    last_payment_error: Option<ApiError>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Customer {
    id: String,
}

/// A Stripe call that Stripe refused (4xx) with its code and message.
enum Refused {
    Stripe(ApiError),
    Other(Error),
}

impl From<Error> for Refused {
    fn from(e: Error) -> Self {
        Self::Other(e)
    }
}

fn unreachable_gateway(e: &reqwest::Error) -> Error {
    Error::string(&format!("Stripe is not reachable: {e}"))
}

impl StripeGateway {
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn new(db: DatabaseConnection, public_url: &str, settings: StripeSettings) -> Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| Error::string(&e.to_string()))?;
        Ok(Self {
            http,
            settings,
            db,
            base_url: public_url.trim_end_matches('/').to_string(),
        })
    }

    #[must_use]
    pub fn settings(&self) -> &StripeSettings {
        &self.settings
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.settings.api_base.trim_end_matches('/'))
    }

    async fn send<T: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, Refused> {
        let response = request
            .bearer_auth(&self.settings.secret_key)
            .send()
            .await
            .map_err(|e| Refused::Other(unreachable_gateway(&e)))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| Refused::Other(unreachable_gateway(&e)))?;
        if status.is_success() {
            serde_json::from_slice(&body).map_err(|e| {
                Refused::Other(Error::string(&format!("unexpected Stripe answer: {e}")))
            })
        } else if status.is_client_error() {
            let parsed: ErrorBody = serde_json::from_slice(&body).unwrap_or_default();
            Err(Refused::Stripe(parsed.error))
        } else {
            Err(Refused::Other(Error::string(&format!(
                "Stripe answered {status}"
            ))))
        }
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        match self.send(self.http.get(self.url(path))).await {
            Ok(value) => Ok(value),
            Err(Refused::Stripe(e)) => Err(Error::string(&format!(
                "Stripe refused GET {path}: {}",
                e.message.unwrap_or_default()
            ))),
            Err(Refused::Other(e)) => Err(e),
        }
    }

    async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        form: &[(&str, String)],
        idempotency_key: Option<&str>,
    ) -> Result<T, Refused> {
        let mut request = self.http.post(self.url(path)).form(form);
        if let Some(key) = idempotency_key {
            request = request.header("Idempotency-Key", key);
        }
        self.send(request).await
    }

    async fn post_ok<T: DeserializeOwned>(&self, path: &str, form: &[(&str, String)]) -> Result<T> {
        match self.post(path, form, None).await {
            Ok(value) => Ok(value),
            Err(Refused::Stripe(e)) => Err(Error::string(&format!(
                "Stripe refused POST {path}: {}",
                e.message.unwrap_or_default()
            ))),
            Err(Refused::Other(e)) => Err(e),
        }
    }

    /// # Errors
    /// When Stripe cannot be reached or refuses.
    pub async fn setup_intent(&self, id: &str) -> Result<SetupIntent> {
        self.get(&format!("/v1/setup_intents/{id}")).await
    }

    /// # Errors
    /// When Stripe cannot be reached or refuses.
    pub async fn payment_intent(&self, id: &str) -> Result<PaymentIntent> {
        self.get(&format!("/v1/payment_intents/{id}")).await
    }

    fn outcome(intent: &PaymentIntent, off_session: bool) -> ChargeOutcome {
        let reference = intent.id.clone();
        match intent.status.as_str() {
            "succeeded" | "processing" | "requires_capture" => {
                ChargeOutcome::Succeeded { reference }
            }
            "requires_action" if off_session => ChargeOutcome::Failed {
                reference,
                code: "authentication_required".into(),
                message: "The bank asked the cardholder to authenticate this payment.".into(),
            },
            "requires_action" => ChargeOutcome::RequiresAction {
                url: String::new(),
                reference,
            },
            _ => {
                let error = intent.last_payment_error.as_ref();
                ChargeOutcome::Failed {
                    reference,
                    code: error
                        .and_then(|e| e.code.clone())
                        .unwrap_or_else(|| "payment_failed".into()),
                    message: error
                        .and_then(|e| e.message.clone())
                        .unwrap_or_else(|| "The payment failed.".into()),
                }
            }
        }
    }

    fn with_url(&self, outcome: ChargeOutcome) -> ChargeOutcome {
        match outcome {
            ChargeOutcome::RequiresAction { reference, .. } => ChargeOutcome::RequiresAction {
                url: format!("{}/stripe/authenticate/{reference}", self.base_url),
                reference,
            },
            other => other,
        }
    }

    async fn record(&self, key: &str, outcome: &ChargeOutcome) -> Result<()> {
        let (status, reference, code, message) = match outcome {
            ChargeOutcome::Succeeded { reference } => ("succeeded", reference, None, None),
            ChargeOutcome::RequiresAction { reference, .. } => {
                ("requires_action", reference, None, None)
            }
            ChargeOutcome::Failed {
                reference,
                code,
                message,
            } => (
                "failed",
                reference,
                Some(code.clone()),
                Some(message.clone()),
            ),
        };
        gateway_charges::Entity::update_many()
            .col_expr(gateway_charges::Column::Status, Expr::value(status))
            .col_expr(
                gateway_charges::Column::Reference,
                Expr::value(reference.clone()),
            )
            .col_expr(gateway_charges::Column::FailureCode, Expr::value(code))
            .col_expr(
                gateway_charges::Column::FailureMessage,
                Expr::value(message),
            )
            .filter(gateway_charges::Column::IdempotencyKey.eq(key))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// A charge already sent under this key: its outcome (re-read from
    /// Stripe while it waits for the customer's authentication).
    async fn replay(
        &self,
        claimed: gateway_charges::Model,
        off_session: bool,
    ) -> Result<ChargeOutcome> {
        let Some(reference) = claimed.reference.clone() else {
            return Err(Error::string(
                "a charge with this idempotency key is in progress; retry in a moment",
            ));
        };
        match claimed.status.as_str() {
            "succeeded" => Ok(ChargeOutcome::Succeeded { reference }),
            "failed" => Ok(ChargeOutcome::Failed {
                reference,
                code: claimed.failure_code.unwrap_or_default(),
                message: claimed.failure_message.unwrap_or_default(),
            }),
            _ => {
                let intent = self.payment_intent(&reference).await?;
                Ok(self.with_url(Self::outcome(&intent, off_session)))
            }
        }
    }
}

#[async_trait]
impl PaymentGateway for StripeGateway {
    fn name(&self) -> &'static str {
        "stripe"
    }

    fn supports_paypal(&self) -> bool {
        false
    }

    async fn start_card_setup(&self, request: &SetupRequest) -> Result<Hosted> {
        let customer: Customer = self
            .post_ok(
                "/v1/customers",
                &[("email", request.customer_email.clone())],
            )
            .await?;
        let intent: SetupIntent = self
            .post_ok(
                "/v1/setup_intents",
                &[
                    ("customer", customer.id),
                    ("usage", "off_session".into()),
                    ("payment_method_types[]", "card".into()),
                    ("metadata[return_url]", request.return_url.clone()),
                ],
            )
            .await?;
        Ok(Hosted {
            url: format!("{}/stripe/setup/{}", self.base_url, intent.id),
            reference: intent.id,
        })
    }

    async fn confirm_card_setup(&self, reference: &str) -> Result<CardSetup> {
        let intent = self.setup_intent(reference).await?;
        match (intent.status.as_str(), intent.payment_method) {
            ("succeeded", Some(pm)) => {
                let mut method: PaymentMethodObject =
                    self.get(&format!("/v1/payment_methods/{pm}")).await?;
                // Stripe attaches it to the intent's customer; make sure (localstripe does not)
                if let (None, Some(customer)) = (&method.customer, intent.customer) {
                    method = self
                        .post_ok(
                            &format!("/v1/payment_methods/{pm}/attach"),
                            &[("customer", customer)],
                        )
                        .await?;
                }
                let card = method.card.unwrap_or_default();
                Ok(CardSetup::Saved(TokenizedCard {
                    gateway: self.name().to_string(),
                    gateway_token: method.id,
                    brand: card.brand,
                    last4: card.last4,
                    exp_month: card.exp_month,
                    exp_year: card.exp_year,
                }))
            }
            ("canceled", _) => Ok(CardSetup::Failed {
                code: "setup_canceled".into(),
                message: "The card was declined or could not be authenticated.".into(),
            }),
            _ => Ok(CardSetup::Failed {
                code: "authentication_abandoned".into(),
                message: "The card check was not finished.".into(),
            }),
        }
    }

    async fn start_paypal(&self, _request: &SetupRequest) -> Result<Hosted> {
        Err(Error::string(
            "PayPal is not available with the Stripe gateway: switch off PayPal in the portal settings",
        ))
    }

    async fn confirm_paypal(&self, _reference: &str) -> Result<PayPalSetup> {
        Ok(PayPalSetup::Cancelled)
    }

    async fn charge(&self, request: &ChargeRequest) -> Result<ChargeOutcome> {
        // Claim the key first: the row is the lock, whatever Stripe does
        // with the Idempotency-Key header.
        let claim = gateway_charges::ActiveModel {
            gateway: Set(self.name().to_string()),
            idempotency_key: Set(request.idempotency_key.clone()),
            status: Set("pending".into()),
            ..Default::default()
        };
        if let Err(err) = claim.insert(&self.db).await {
            if !matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
                return Err(err.into());
            }
            let claimed = gateway_charges::Entity::find()
                .filter(gateway_charges::Column::IdempotencyKey.eq(&request.idempotency_key))
                .one(&self.db)
                .await?
                .ok_or(Error::NotFound)?;
            return self.replay(claimed, request.off_session).await;
        }
        let method: PaymentMethodObject = self
            .get(&format!("/v1/payment_methods/{}", request.token))
            .await?;
        let outcome = match method.customer {
            None => ChargeOutcome::Failed {
                reference: String::new(),
                code: "payment_method_detached".into(),
                message: "This payment method was removed.".into(),
            },
            Some(customer) => {
                let mut form = vec![
                    ("amount", request.amount.to_string()),
                    ("currency", request.currency.to_lowercase()),
                    ("customer", customer),
                    ("payment_method", request.token.clone()),
                    ("confirm", "true".into()),
                ];
                if request.off_session {
                    form.push(("off_session", "true".into()));
                }
                if let Some(back) = &request.return_url {
                    form.push(("metadata[return_url]", back.clone()));
                }
                match self
                    .post::<PaymentIntent>(
                        "/v1/payment_intents",
                        &form,
                        Some(&request.idempotency_key),
                    )
                    .await
                {
                    Ok(intent) => {
                        let outcome = Self::outcome(&intent, request.off_session);
                        if request.off_session && intent.status == "requires_action" {
                            // nobody is there to authenticate: do not leave it open
                            let _: Result<PaymentIntent> = self
                                .post_ok(&format!("/v1/payment_intents/{}/cancel", intent.id), &[])
                                .await;
                        }
                        self.with_url(outcome)
                    }
                    Err(Refused::Stripe(e)) => ChargeOutcome::Failed {
                        reference: e.charge.unwrap_or_default(),
                        code: e.code.unwrap_or_else(|| "payment_failed".into()),
                        message: e.message.unwrap_or_else(|| "The payment failed.".into()),
                    },
                    Err(Refused::Other(e)) => {
                        // unknown outcome: free the key so a retry asks Stripe again
                        gateway_charges::Entity::delete_many()
                            .filter(
                                gateway_charges::Column::IdempotencyKey
                                    .eq(&request.idempotency_key),
                            )
                            .exec(&self.db)
                            .await?;
                        return Err(e);
                    }
                }
            }
        };
        self.record(&request.idempotency_key, &outcome).await?;
        Ok(outcome)
    }

    async fn charge_status(&self, reference: &str) -> Result<ChargeOutcome> {
        let intent = self.payment_intent(reference).await?;
        let outcome = self.with_url(Self::outcome(&intent, false));
        // keep the recorded outcome in step once the customer has authenticated
        if let Some(sent) = gateway_charges::Entity::find()
            .filter(gateway_charges::Column::Reference.eq(reference))
            .one(&self.db)
            .await?
        {
            self.record(&sent.idempotency_key, &outcome).await?;
        }
        Ok(outcome)
    }

    async fn detach(&self, token: &str) -> Result<()> {
        let _: PaymentMethodObject = self
            .post_ok(&format!("/v1/payment_methods/{token}/detach"), &[])
            .await?;
        Ok(())
    }

    async fn refund(&self, request: &RefundRequest) -> Result<RefundOutcome> {
        // A refund made under this key is answered from our record, whatever
        // Stripe does with the Idempotency-Key header (which it also gets).
        if let Some(done) = gateway_charges::Entity::find()
            .filter(gateway_charges::Column::IdempotencyKey.eq(&request.idempotency_key))
            .filter(gateway_charges::Column::Status.eq(REFUNDED))
            .one(&self.db)
            .await?
        {
            return Ok(RefundOutcome::Succeeded {
                reference: done.reference.unwrap_or_default(),
            });
        }
        // Our charges are PaymentIntents; Stripe refunds their charge.
        let form = [
            ("payment_intent", request.charge_reference.clone()),
            ("amount", request.amount.to_string()),
        ];
        match self
            .post::<RefundObject>("/v1/refunds", &form, Some(&request.idempotency_key))
            .await
        {
            Ok(refund) if refund.status == "failed" || refund.status == "canceled" => {
                Ok(RefundOutcome::Failed {
                    code: refund.status,
                    message: "The payment service could not return this money.".into(),
                })
            }
            Ok(refund) => {
                let record = gateway_charges::ActiveModel {
                    gateway: Set(self.name().to_string()),
                    idempotency_key: Set(request.idempotency_key.clone()),
                    reference: Set(Some(refund.id.clone())),
                    status: Set(REFUNDED.into()),
                    ..Default::default()
                };
                if let Err(err) = record.insert(&self.db).await {
                    // a racing request recorded the same refund first
                    if !matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
                        return Err(err.into());
                    }
                }
                Ok(RefundOutcome::Succeeded {
                    reference: refund.id,
                })
            }
            Err(Refused::Stripe(e)) => Ok(RefundOutcome::Failed {
                code: e.code.unwrap_or_else(|| "refund_failed".into()),
                message: e
                    .message
                    .unwrap_or_else(|| "The payment service refused the refund.".into()),
            }),
            Err(Refused::Other(e)) => Err(e),
        }
    }
}

/// `gateway_charges.status` of a refund made (the table keys every request
/// we send Stripe with an idempotency key).
const REFUNDED: &str = "refunded";

#[derive(Debug, Deserialize)]
struct RefundObject {
    id: String,
    status: String,
}
