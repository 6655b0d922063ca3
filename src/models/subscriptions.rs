//! A customer's subscription to a price: its status, current period and the
//! payment method that pays upcoming renewals.
use chrono::{DateTime, Days, FixedOffset};
use loco_rs::prelude::*;

pub use super::_entities::subscriptions::{self, ActiveModel, Column, Entity, Model};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Trialing,
    Active,
    PastDue,
    Paused,
    Cancelled,
}

impl Status {
    pub const ALL: [Self; 5] = [
        Self::Trialing,
        Self::Active,
        Self::PastDue,
        Self::Paused,
        Self::Cancelled,
    ];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Trialing => "trialing",
            Self::Active => "active",
            Self::PastDue => "past_due",
            Self::Paused => "paused",
            Self::Cancelled => "cancelled",
        }
    }

    #[must_use]
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

#[derive(Debug, Clone)]
pub struct NewSubscription {
    pub customer_id: i64,
    pub price_id: i64,
    pub quantity: i32,
    pub payment_method_id: Option<i64>,
}

#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {
    async fn before_save<C>(self, _db: &C, insert: bool) -> Result<Self, DbErr>
    where
        C: ConnectionTrait,
    {
        if let Some(status) = super::field(&self.status).filter(|s| Status::parse(s).is_none()) {
            return Err(DbErr::Custom(format!(
                "invalid subscription status `{status}`"
            )));
        }
        if super::field(&self.quantity).is_some_and(|q| q < 1) {
            return Err(DbErr::Custom("quantity must be at least 1".into()));
        }
        Ok(super::stamp!(self, insert))
    }
}

impl Model {
    /// Starts a subscription at `now`: in trial when the price has trial days
    /// (the first charge is at trial end), otherwise active for one period.
    ///
    /// # Errors
    /// `EntityNotFound` when the customer, price or payment method is not this
    /// workspace's (or the method is not this customer's).
    pub async fn start(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        params: &NewSubscription,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<Self> {
        super::customers::Model::find_in_workspace(db, workspace_id, params.customer_id).await?;
        let price =
            super::prices::Model::find_in_workspace(db, workspace_id, params.price_id).await?;
        if let Some(method_id) = params.payment_method_id {
            super::payment_methods::Model::find_for_customer(
                db,
                workspace_id,
                params.customer_id,
                method_id,
            )
            .await?;
        }
        let trial_days = u64::try_from(price.trial_days).unwrap_or(0);
        let (status, period_end, trial_end) = if trial_days > 0 {
            let end = now.checked_add_days(Days::new(trial_days)).unwrap_or(now);
            (Status::Trialing, end, Some(end))
        } else {
            (Status::Active, price.period_end(now), None)
        };
        let subscription = ActiveModel {
            customer_id: Set(params.customer_id),
            price_id: Set(params.price_id),
            quantity: Set(params.quantity),
            payment_method_id: Set(params.payment_method_id),
            status: Set(status.as_str().to_string()),
            current_period_start: Set(now),
            current_period_end: Set(period_end),
            trial_end: Set(trial_end),
            next_renewal_at: Set(Some(period_end)),
            // periods count from here: the start, or the end of the trial
            billing_anchor: Set(Some(trial_end.unwrap_or(now))),
            ..Default::default()
        }
        .set_tenant(workspace_id)?;
        Ok(subscription.insert(db).await?)
    }

    /// Starts a subscription whose first period is due now, so the renewal
    /// engine charges it (idempotently, with dunning) on its next sweep; a
    /// price with a trial starts trialing instead.
    ///
    /// # Errors
    /// As `start`.
    pub async fn start_billing_now(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        params: &NewSubscription,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<Self> {
        let started = Self::start(db, workspace_id, params, now).await?;
        if started.status() != Some(Status::Active) {
            return Ok(started);
        }
        let mut due = started.into_active_model();
        due.current_period_end = Set(now);
        due.next_renewal_at = Set(Some(now));
        Ok(due.update(db).await?)
    }

    /// The customer's subscriptions: live ones first, then by start date.
    ///
    /// # Errors
    /// On a database error.
    pub async fn list_for_customer(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        customer_id: i64,
    ) -> ModelResult<Vec<Self>> {
        let mut subs = Entity::find()
            .in_tenant(workspace_id)
            .filter(Column::CustomerId.eq(customer_id))
            .order_by_desc(Column::CreatedAt)
            .order_by_desc(Column::Id)
            .all(db)
            .await?;
        subs.sort_by_key(|s| s.status() == Some(Status::Cancelled));
        Ok(subs)
    }

    /// # Errors
    /// `EntityNotFound` unless the subscription is this customer's in this workspace.
    pub async fn find_for_customer(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        customer_id: i64,
        id: i64,
    ) -> ModelResult<Self> {
        super::tenancy::find_for_customer::<Entity>(db, workspace_id, customer_id, id).await
    }

    /// Subscriptions that still renew (not cancelled) with this method.
    ///
    /// # Errors
    /// On a database error.
    pub async fn live_using_method(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        payment_method_id: i64,
    ) -> ModelResult<Vec<Self>> {
        Ok(Entity::find()
            .in_tenant(workspace_id)
            .filter(Column::PaymentMethodId.eq(payment_method_id))
            .filter(Column::Status.ne(Status::Cancelled.as_str()))
            .all(db)
            .await?)
    }

    /// Upcoming renewals of this subscription charge `payment_method_id`,
    /// which must be one of the same customer's active methods; the audit
    /// trail records the change.
    ///
    /// # Errors
    /// `EntityNotFound` when the method is not the customer's active method.
    pub async fn change_renewal_method(
        self,
        db: &impl ConnectionTrait,
        payment_method_id: i64,
    ) -> ModelResult<Self> {
        let method = super::payment_methods::Model::find_for_customer(
            db,
            self.workspace_id,
            self.customer_id,
            payment_method_id,
        )
        .await?;
        if !method.is_active() {
            return Err(ModelError::EntityNotFound);
        }
        let previous = self.payment_method_id;
        let changed = self
            .into_active_model()
            .set_renewal_method(db, method.id)
            .await?;
        super::audit_events::Model::record(
            db,
            changed.workspace_id,
            super::audit_events::Actor::Customer(changed.customer_id),
            "subscription",
            changed.id,
            "subscription.payment_method_changed",
            serde_json::json!({ "payment_method_id": [previous, method.id] }),
            None,
        )
        .await?;
        Ok(changed)
    }

    #[must_use]
    pub fn status(&self) -> Option<Status> {
        Status::parse(&self.status)
    }

    /// The moment this subscription's periods are counted from (see
    /// `prices::Model::period_end_from`).
    #[must_use]
    pub fn billing_anchor(&self) -> DateTime<FixedOffset> {
        self.billing_anchor.unwrap_or(self.current_period_start)
    }
}

impl ActiveModel {
    /// Upcoming renewals charge this method (the caller checked it is one
    /// of the customer's active methods).
    ///
    /// # Errors
    /// On a database error.
    pub async fn set_renewal_method(
        mut self,
        db: &impl ConnectionTrait,
        payment_method_id: i64,
    ) -> ModelResult<Model> {
        self.payment_method_id = Set(Some(payment_method_id));
        Ok(self.update(db).await?)
    }

    /// Ends the subscription now; it will not renew again.
    ///
    /// # Errors
    /// On a database error.
    pub async fn cancel(
        mut self,
        db: &impl ConnectionTrait,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<Model> {
        self.status = Set(Status::Cancelled.as_str().to_string());
        self.cancelled_at = Set(Some(now));
        self.next_renewal_at = Set(None);
        self.next_retry_at = Set(None);
        Ok(self.update(db).await?)
    }
}
