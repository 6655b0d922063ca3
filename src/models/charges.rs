//! One attempt to take money: amount in minor units, currency, outcome.
//! Every attempt carries an idempotency key (unique in the table), so a double
//! click, a retried job or two racing workers record, and charge, once.
use chrono::{DateTime, FixedOffset};
use loco_rs::prelude::*;
use sea_orm::SqlErr;

pub use super::_entities::charges::{self, ActiveModel, Column, Entity, Model};
use super::money::{is_currency_code, Money};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pending,
    RequiresAction,
    Paid,
    Failed,
    Refunded,
}

impl Status {
    pub const ALL: [Self; 5] = [
        Self::Pending,
        Self::RequiresAction,
        Self::Paid,
        Self::Failed,
        Self::Refunded,
    ];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::RequiresAction => "requires_action",
            Self::Paid => "paid",
            Self::Failed => "failed",
            Self::Refunded => "refunded",
        }
    }

    #[must_use]
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

#[derive(Debug, Clone)]
pub struct NewCharge {
    pub customer_id: i64,
    pub subscription_id: Option<i64>,
    pub payment_method_id: Option<i64>,
    pub amount: i64,
    pub currency: String,
    pub description: String,
    pub attempt: i32,
    pub idempotency_key: String,
    pub period_start: Option<DateTime<FixedOffset>>,
    pub period_end: Option<DateTime<FixedOffset>>,
    /// what a plan change's charge was computed from (`plan_changes`)
    pub proration: Option<serde_json::Value>,
}

#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {
    async fn before_save<C>(self, _db: &C, insert: bool) -> Result<Self, DbErr>
    where
        C: ConnectionTrait,
    {
        if let Some(status) = super::field(&self.status).filter(|s| Status::parse(s).is_none()) {
            return Err(DbErr::Custom(format!("invalid charge status `{status}`")));
        }
        if super::field(&self.currency).is_some_and(|c| !is_currency_code(&c))
            || super::field(&self.amount).is_some_and(|a| a < 0)
        {
            return Err(DbErr::Custom(
                "a charge needs a non-negative amount and an ISO currency".into(),
            ));
        }
        Ok(super::stamp!(self, insert))
    }
}

/// A page of billing history: newest first, and where the next page starts.
#[derive(Debug)]
pub struct HistoryPage {
    pub charges: Vec<Model>,
    /// `(created_at, id)` of the last row, when there may be more.
    pub next: Option<(DateTime<FixedOffset>, i64)>,
}

impl Model {
    /// Why this charge failed, in the reader's words: the gateway's code
    /// read through Fluent's `decline-<code>`. A code no language knows reads
    /// as a general decline, never as the gateway's own English.
    #[must_use]
    pub fn failure_reason(&self, lang: &str) -> Option<String> {
        if self.status != Status::Failed.as_str() {
            return None;
        }
        let code = self.failure_code.as_deref().unwrap_or_default();
        Some(crate::locale::gateway_reason("decline", code, lang))
    }

    /// Records a pending charge attempt, or returns the one already recorded
    /// under the same idempotency key (the insert is the lock: two racers hit
    /// the unique index and the loser reads the winner's row).
    ///
    /// # Errors
    /// `EntityNotFound` when the customer is not in this workspace; a key that
    /// exists for another workspace is refused rather than returned.
    pub async fn record_attempt(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        params: &NewCharge,
    ) -> ModelResult<Self> {
        super::customers::Model::find_in_workspace(db, workspace_id, params.customer_id).await?;
        Self::insert_attempt(db, workspace_id, params).await
    }

    /// `record_attempt` for a caller that has already read the customer in
    /// this workspace (a renewal, which needs the customer anyway).
    ///
    /// # Errors
    /// On a database error.
    pub(crate) async fn insert_attempt(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        params: &NewCharge,
    ) -> ModelResult<Self> {
        let charge = ActiveModel {
            customer_id: Set(params.customer_id),
            subscription_id: Set(params.subscription_id),
            payment_method_id: Set(params.payment_method_id),
            amount: Set(params.amount),
            currency: Set(params.currency.clone()),
            status: Set(Status::Pending.as_str().to_string()),
            description: Set(params.description.clone()),
            attempt: Set(params.attempt),
            idempotency_key: Set(params.idempotency_key.clone()),
            period_start: Set(params.period_start),
            period_end: Set(params.period_end),
            proration: Set(params.proration.clone()),
            ..Default::default()
        }
        .set_tenant(workspace_id)?;
        match charge.insert(db).await {
            Ok(charge) => Ok(charge),
            Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                Self::find_by_idempotency_key(db, workspace_id, &params.idempotency_key).await
            }
            Err(err) => Err(err.into()),
        }
    }

    /// One of the customer's charges by its public id.
    ///
    /// # Errors
    /// `EntityNotFound` unless it is this customer's, in this workspace.
    pub async fn find_by_pid_for_customer(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        customer_id: i64,
        pid: uuid::Uuid,
    ) -> ModelResult<Self> {
        Entity::find()
            .in_tenant(workspace_id)
            .filter(Column::Pid.eq(pid))
            .filter(Column::CustomerId.eq(customer_id))
            .one(db)
            .await?
            .ok_or(ModelError::EntityNotFound)
    }

    /// # Errors
    /// `EntityNotFound` unless this workspace has a charge with this key.
    pub async fn find_by_idempotency_key(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        key: &str,
    ) -> ModelResult<Self> {
        Entity::find()
            .in_tenant(workspace_id)
            .filter(Column::IdempotencyKey.eq(key))
            .one(db)
            .await?
            .ok_or(ModelError::EntityNotFound)
    }

    /// # Errors
    /// `EntityNotFound` unless the charge is this customer's in this workspace.
    pub async fn find_for_customer(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        customer_id: i64,
        id: i64,
    ) -> ModelResult<Self> {
        super::tenancy::find_for_customer::<Entity>(db, workspace_id, customer_id, id).await
    }

    /// Billing history, newest first, with keyset pagination on
    /// `(created_at, id)`: stable under inserts and fast at any depth.
    ///
    /// # Errors
    /// On a database error.
    pub async fn history_for_customer(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        customer_id: i64,
        after: Option<(DateTime<FixedOffset>, i64)>,
        per_page: u64,
    ) -> ModelResult<HistoryPage> {
        Self::newest_first(db, workspace_id, Some(customer_id), None, after, per_page).await
    }

    /// A workspace's charges (of one customer, of one status, or all),
    /// newest first by date, one page after the keyset cursor `after`
    /// (`created_at`, then id for charges of the same instant).
    ///
    /// # Errors
    /// On a database error.
    pub async fn newest_first(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        customer_id: Option<i64>,
        status: Option<Status>,
        after: Option<(DateTime<FixedOffset>, i64)>,
        per_page: u64,
    ) -> ModelResult<HistoryPage> {
        let mut query = Entity::find().in_tenant(workspace_id);
        if let Some(customer_id) = customer_id {
            query = query.filter(Column::CustomerId.eq(customer_id));
        }
        if let Some(status) = status {
            query = query.filter(Column::Status.eq(status.as_str()));
        }
        if let Some((created_at, id)) = after {
            query = query.filter(
                Condition::any().add(Column::CreatedAt.lt(created_at)).add(
                    Condition::all()
                        .add(Column::CreatedAt.eq(created_at))
                        .add(Column::Id.lt(id)),
                ),
            );
        }
        let mut charges = query
            .order_by_desc(Column::CreatedAt)
            .order_by_desc(Column::Id)
            .limit(per_page + 1)
            .all(db)
            .await?;
        let more = charges.len() as u64 > per_page;
        charges.truncate(usize::try_from(per_page).unwrap_or(usize::MAX));
        let next = if more {
            charges.last().map(|c| (c.created_at, c.id))
        } else {
            None
        };
        Ok(HistoryPage { charges, next })
    }

    /// For each failed charge among `charges`, the paid charge that settled
    /// the same period of the same subscription afterwards (a retry), if any.
    ///
    /// # Errors
    /// On a database error.
    pub async fn settlements(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        customer_id: i64,
        charges: &[Self],
    ) -> ModelResult<std::collections::HashMap<i64, Self>> {
        let failed: Vec<&Self> = charges
            .iter()
            .filter(|c| c.status() == Some(Status::Failed) && c.subscription_id.is_some())
            .collect();
        let subscription_ids: Vec<i64> = failed.iter().filter_map(|c| c.subscription_id).collect();
        if subscription_ids.is_empty() {
            return Ok(std::collections::HashMap::new());
        }
        let paid = Entity::find()
            .in_tenant(workspace_id)
            .filter(Column::CustomerId.eq(customer_id))
            .filter(Column::Status.eq(Status::Paid.as_str()))
            .filter(Column::SubscriptionId.is_in(subscription_ids))
            .all(db)
            .await?;
        Ok(failed
            .into_iter()
            .filter_map(|f| {
                paid.iter()
                    .find(|p| {
                        p.subscription_id == f.subscription_id
                            && p.period_start.is_some()
                            && p.period_start == f.period_start
                            && p.id > f.id
                    })
                    .map(|p| (f.id, p.clone()))
            })
            .collect())
    }

    /// Every attempt made for one subscription, newest first (renewal history).
    ///
    /// # Errors
    /// On a database error.
    pub async fn list_for_subscription(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        subscription_id: i64,
    ) -> ModelResult<Vec<Self>> {
        Ok(Entity::find()
            .in_tenant(workspace_id)
            .filter(Column::SubscriptionId.eq(subscription_id))
            .order_by_desc(Column::CreatedAt)
            .order_by_desc(Column::Id)
            .all(db)
            .await?)
    }

    #[must_use]
    pub fn money(&self) -> Money<'_> {
        Money::new(self.amount, &self.currency)
    }

    /// What refunds may still return: the rest of a paid charge, else 0.
    #[must_use]
    pub fn refundable(&self) -> i64 {
        if self.status() == Some(Status::Paid) {
            self.amount - self.amount_refunded
        } else {
            0
        }
    }

    /// Paid, and a refund returned some of it but not all.
    #[must_use]
    pub fn is_partly_refunded(&self) -> bool {
        self.status() == Some(Status::Paid) && self.amount_refunded > 0
    }

    #[must_use]
    pub fn status(&self) -> Option<Status> {
        Status::parse(&self.status)
    }
}

impl ActiveModel {
    /// The gateway took the money.
    ///
    /// # Errors
    /// On a database error.
    pub async fn mark_paid(
        mut self,
        db: &impl ConnectionTrait,
        gateway_charge_ref: &str,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<Model> {
        self.status = Set(Status::Paid.as_str().to_string());
        self.gateway_charge_ref = Set(Some(gateway_charge_ref.to_string()));
        self.paid_at = Set(Some(now));
        self.failure_code = Set(None);
        self.failure_message = Set(None);
        Ok(self.update(db).await?)
    }

    /// The bank wants the customer to authenticate first; the gateway's
    /// reference settles it when they are back.
    ///
    /// # Errors
    /// On a database error.
    pub async fn mark_requires_action(
        mut self,
        db: &impl ConnectionTrait,
        gateway_charge_ref: String,
    ) -> ModelResult<Model> {
        self.status = Set(Status::RequiresAction.as_str().to_string());
        self.gateway_charge_ref = Set(Some(gateway_charge_ref));
        Ok(self.update(db).await?)
    }

    /// The gateway declined; keep its reason for the customer and the merchant.
    ///
    /// # Errors
    /// On a database error.
    pub async fn mark_failed(
        mut self,
        db: &impl ConnectionTrait,
        code: &str,
        message: &str,
    ) -> ModelResult<Model> {
        self.status = Set(Status::Failed.as_str().to_string());
        self.failure_code = Set(Some(code.to_string()));
        self.failure_message = Set(Some(message.to_string()));
        Ok(self.update(db).await?)
    }
}
