//! A customer's saved card or PayPal account. Only the gateway's token and the
//! facts a customer needs to recognise it (brand, last4, expiry, PayPal email)
//! are kept; a card number or CVC never reaches this model.
use chrono::{Datelike, Utc};
use loco_rs::prelude::*;

pub use super::_entities::payment_methods::{self, ActiveModel, Column, Entity, Model};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Card,
    PayPal,
}

impl Kind {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Card => "card",
            Self::PayPal => "paypal",
        }
    }
}

pub const STATUS_ACTIVE: &str = "active";
pub const STATUS_DETACHED: &str = "detached";

/// A card the gateway has tokenized (after any 3-D Secure step).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenizedCard {
    pub gateway: String,
    pub gateway_token: String,
    pub brand: String,
    pub last4: String,
    pub exp_month: i32,
    pub exp_year: i32,
}

/// A PayPal account the customer approved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovedPayPal {
    pub gateway: String,
    pub gateway_token: String,
    pub email: String,
}

fn validate_last4(last4: &str) -> Result<(), validator::ValidationError> {
    if last4.len() == 4 && last4.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(validator::ValidationError::new("last4").with_message("exactly four digits".into()))
    }
}

#[derive(Debug, Validate)]
pub struct Validator {
    #[validate(length(min = 1, message = "a gateway token is required"))]
    pub gateway_token: Option<String>,
    #[validate(custom(function = "validate_last4"))]
    pub last4: Option<String>,
    #[validate(range(min = 1, max = 12, message = "expiry month is 1 to 12"))]
    pub exp_month: Option<i32>,
    #[validate(range(min = 2000, max = 2100, message = "expiry year is a four-digit year"))]
    pub exp_year: Option<i32>,
    #[validate(email(message = "enter a valid PayPal email"))]
    pub paypal_email: Option<String>,
}

impl Validatable for ActiveModel {
    fn validator(&self) -> Box<dyn Validate> {
        Box::new(Validator {
            gateway_token: super::field(&self.gateway_token),
            last4: super::field(&self.last4).flatten(),
            exp_month: super::field(&self.exp_month).flatten(),
            exp_year: super::field(&self.exp_year).flatten(),
            paypal_email: super::field(&self.paypal_email).flatten(),
        })
    }
}

#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {
    async fn before_save<C>(self, _db: &C, insert: bool) -> Result<Self, DbErr>
    where
        C: ConnectionTrait,
    {
        self.validate()?;
        Ok(super::stamp!(self, insert))
    }
}

impl Model {
    /// Saves a tokenized card for the customer.
    ///
    /// # Errors
    /// `EntityNotFound` when the customer is not in this workspace; a validation error.
    pub async fn add_card(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        customer_id: i64,
        card: &TokenizedCard,
    ) -> ModelResult<Self> {
        super::customers::Model::find_in_workspace(db, workspace_id, customer_id).await?;
        let method = ActiveModel {
            customer_id: Set(customer_id),
            kind: Set(Kind::Card.as_str().to_string()),
            gateway: Set(card.gateway.clone()),
            gateway_token: Set(card.gateway_token.clone()),
            brand: Set(Some(card.brand.clone())),
            last4: Set(Some(card.last4.clone())),
            exp_month: Set(Some(card.exp_month)),
            exp_year: Set(Some(card.exp_year)),
            status: Set(STATUS_ACTIVE.to_string()),
            ..Default::default()
        }
        .set_tenant(workspace_id)?;
        save_once(db, workspace_id, customer_id, method).await
    }

    /// Saves an approved PayPal account for the customer.
    ///
    /// # Errors
    /// `EntityNotFound` when the customer is not in this workspace; a validation error.
    pub async fn add_paypal(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        customer_id: i64,
        paypal: &ApprovedPayPal,
    ) -> ModelResult<Self> {
        super::customers::Model::find_in_workspace(db, workspace_id, customer_id).await?;
        let method = ActiveModel {
            customer_id: Set(customer_id),
            kind: Set(Kind::PayPal.as_str().to_string()),
            gateway: Set(paypal.gateway.clone()),
            gateway_token: Set(paypal.gateway_token.clone()),
            paypal_email: Set(Some(paypal.email.clone())),
            status: Set(STATUS_ACTIVE.to_string()),
            ..Default::default()
        }
        .set_tenant(workspace_id)?;
        save_once(db, workspace_id, customer_id, method).await
    }

    /// After the customer saved a method: it becomes their default if they
    /// had none, and the audit trail records it.
    ///
    /// # Errors
    /// On a database error.
    pub async fn adopt(&self, db: &impl ConnectionTrait) -> ModelResult<()> {
        let customer =
            super::customers::Model::find_in_workspace(db, self.workspace_id, self.customer_id)
                .await?;
        if customer.default_payment_method_id.is_none() {
            customer
                .into_active_model()
                .set_default_payment_method(db, Some(self.id))
                .await?;
        }
        super::audit_events::Model::record(
            db,
            self.workspace_id,
            super::audit_events::Actor::Customer(self.customer_id),
            "payment_method",
            self.id,
            "payment_method.added",
            serde_json::json!({ "kind": self.kind, "brand": self.brand, "last4": self.last4, "paypal_email": self.paypal_email }),
            None,
        )
        .await?;
        Ok(())
    }

    /// Takes one of the customer's methods off their list. If it was the
    /// default, their oldest remaining method becomes the default. Live
    /// subscriptions renewing with it keep it; they are returned so the
    /// caller can say so (and leave the method attached at the gateway).
    ///
    /// # Errors
    /// `EntityNotFound` unless it is this customer's active method.
    pub async fn remove_for_customer(
        db: &DatabaseConnection,
        workspace_id: i64,
        customer_id: i64,
        id: i64,
    ) -> ModelResult<(Self, Vec<super::subscriptions::Model>)> {
        let method = Self::find_for_customer(db, workspace_id, customer_id, id).await?;
        if !method.is_active() {
            return Err(ModelError::EntityNotFound);
        }
        let txn = crate::models::write_transaction(db).await?;
        let removed = method.into_active_model().detach(&txn).await?;
        let customer =
            super::customers::Model::find_in_workspace(&txn, workspace_id, customer_id).await?;
        if customer.default_payment_method_id == Some(removed.id) {
            let next = Self::list_active_for_customer(&txn, workspace_id, customer_id)
                .await?
                .first()
                .map(|m| m.id);
            customer
                .into_active_model()
                .set_default_payment_method(&txn, next)
                .await?;
        }
        let renewing =
            super::subscriptions::Model::live_using_method(&txn, workspace_id, removed.id).await?;
        super::audit_events::Model::record(
            &txn,
            workspace_id,
            super::audit_events::Actor::Customer(customer_id),
            "payment_method",
            removed.id,
            "payment_method.removed",
            serde_json::json!({ "still_renewing": renewing.iter().map(|s| s.id).collect::<Vec<_>>() }),
            None,
        )
        .await?;
        txn.commit().await?;
        Ok((removed, renewing))
    }

    /// The customer's methods still on their list (not detached), oldest first.
    ///
    /// # Errors
    /// On a database error.
    pub async fn list_active_for_customer(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        customer_id: i64,
    ) -> ModelResult<Vec<Self>> {
        Ok(Entity::find()
            .in_tenant(workspace_id)
            .filter(Column::CustomerId.eq(customer_id))
            .filter(Column::Status.eq(STATUS_ACTIVE))
            .order_by_asc(Column::CreatedAt)
            .order_by_asc(Column::Id)
            .all(db)
            .await?)
    }

    /// The customer's methods with these ids, detached or not (a charge's
    /// history names the method it was made with even after its removal).
    ///
    /// # Errors
    /// On a database error.
    pub async fn list_for_customer_by_ids(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        customer_id: i64,
        ids: &[i64],
    ) -> ModelResult<Vec<Self>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(Entity::find()
            .in_tenant(workspace_id)
            .filter(Column::CustomerId.eq(customer_id))
            .filter(Column::Id.is_in(ids.iter().copied()))
            .all(db)
            .await?)
    }

    /// One of the customer's methods, detached or not.
    ///
    /// # Errors
    /// `EntityNotFound` unless it belongs to this customer in this workspace.
    pub async fn find_for_customer(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        customer_id: i64,
        id: i64,
    ) -> ModelResult<Self> {
        super::tenancy::find_for_customer::<Entity>(db, workspace_id, customer_id, id).await
    }

    /// How the method reads in a sentence or a list: `Visa •••• 4242`,
    /// `PayPal ada@example.com`.
    #[must_use]
    pub fn label(&self) -> String {
        match self.kind() {
            Kind::PayPal => format!(
                "PayPal {}",
                self.paypal_email.as_deref().unwrap_or_default()
            ),
            Kind::Card => {
                let brand = self.brand.as_deref().unwrap_or("card").to_lowercase();
                let mut letters = brand.chars();
                let brand: String = letters
                    .next()
                    .map(|first| first.to_uppercase().chain(letters).collect())
                    .unwrap_or_default();
                format!("{brand} •••• {}", self.last4.as_deref().unwrap_or_default())
            }
        }
    }

    #[must_use]
    pub fn kind(&self) -> Kind {
        if self.kind == Kind::PayPal.as_str() {
            Kind::PayPal
        } else {
            Kind::Card
        }
    }

    #[must_use]
    pub fn is_active(&self) -> bool {
        self.status == STATUS_ACTIVE
    }

    /// A card is expired after the last day of its expiry month.
    #[must_use]
    pub fn is_expired(&self) -> bool {
        let today = Utc::now().date_naive();
        match (self.exp_year, self.exp_month) {
            (Some(year), Some(month)) => {
                (year, month) < (today.year(), i32::try_from(today.month()).unwrap_or(12))
            }
            _ => false,
        }
    }
}

/// Inserts a new method; saving the same gateway token again (a reloaded
/// return page, a double click) returns the method already saved.
async fn save_once(
    db: &impl ConnectionTrait,
    workspace_id: i64,
    customer_id: i64,
    method: ActiveModel,
) -> ModelResult<Model> {
    let token = super::field(&method.gateway_token).unwrap_or_default();
    match method.insert(db).await {
        Ok(saved) => Ok(saved),
        Err(err)
            if matches!(
                err.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ) =>
        {
            Entity::find()
                .in_tenant(workspace_id)
                .filter(Column::CustomerId.eq(customer_id))
                .filter(Column::GatewayToken.eq(token))
                .one(db)
                .await?
                .ok_or(ModelError::EntityNotFound)
        }
        Err(err) => Err(err.into()),
    }
}

impl ActiveModel {
    /// Takes the method off the customer's list. Subscriptions that already
    /// renew with it keep it (their `payment_method_id` is untouched).
    ///
    /// # Errors
    /// On a database error.
    pub async fn detach(mut self, db: &impl ConnectionTrait) -> ModelResult<Model> {
        self.status = Set(STATUS_DETACHED.to_string());
        self.detached_at = Set(Some(Utc::now().into()));
        Ok(self.update(db).await?)
    }
}
