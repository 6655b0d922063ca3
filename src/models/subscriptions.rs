//! A customer's subscription to a price: its status, current period and the
//! payment method that pays upcoming renewals.
use chrono::{DateTime, Days, FixedOffset};
use loco_rs::prelude::*;
use sea_orm::sea_query::Expr;

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

/// Why customers cancel: the short list the portal offers (plus free text).
pub const CANCELLATION_REASONS: [&str; 6] = [
    "too_expensive",
    "missing_features",
    "switched_service",
    "not_using",
    "temporary",
    "other",
];

/// A customer's (or merchant's) decision to stop a subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cancellation<'a> {
    /// Keeps running until the paid period ends, then stops; never charged again.
    AtPeriodEnd {
        reason: Option<&'a str>,
        comment: Option<&'a str>,
    },
    /// Ends now, without a refund.
    Now {
        reason: Option<&'a str>,
        comment: Option<&'a str>,
    },
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
    /// workspace's (or the method is not this customer's); a field error on
    /// `price` when the price is archived.
    pub async fn start(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        params: &NewSubscription,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<Self> {
        super::customers::Model::find_in_workspace(db, workspace_id, params.customer_id).await?;
        let price =
            super::prices::Model::find_in_workspace(db, workspace_id, params.price_id).await?;
        if !price.active {
            return Err(super::field_error(
                "price",
                "this price is archived: choose one that is offered",
            ));
        }
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

    /// A page of the workspace's subscriptions in the order they started
    /// (by id), optionally of one status, after the id `after`: the
    /// console's list and its CSV export.
    ///
    /// # Errors
    /// On a database error.
    pub async fn page(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        status: Option<Status>,
        after: Option<i64>,
        limit: u64,
    ) -> ModelResult<Vec<Self>> {
        let mut query = Entity::find()
            .in_tenant(workspace_id)
            .filter(Column::Id.gt(after.unwrap_or(0)));
        if let Some(status) = status {
            query = query.filter(Column::Status.eq(status.as_str()));
        }
        Ok(query.order_by_asc(Column::Id).limit(limit).all(db).await?)
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

    /// Which ways of cancelling the workspace lets its customer choose for
    /// this subscription now, `(at_period_end, now)`: at the period's end
    /// not while its last payment failed (the period is unpaid). `None`
    /// when neither: the portal then offers no "Cancel", so its link never
    /// leads to a 404.
    #[must_use]
    pub fn customer_cancel_options(&self, ws: &super::workspaces::Model) -> Option<(bool, bool)> {
        use crate::capabilities::Capability;
        let at_period_end =
            Capability::CancelAtPeriodEnd.allowed(ws) && self.status() != Some(Status::PastDue);
        let now = Capability::CancelImmediately.allowed(ws);
        ((at_period_end || now) && self.is_cancellable() && !self.cancel_at_period_end)
            .then_some((at_period_end, now))
    }

    /// Can this subscription still be cancelled (it is running or paused)?
    #[must_use]
    pub fn is_cancellable(&self) -> bool {
        matches!(
            self.status(),
            Some(Status::Active | Status::Trialing | Status::PastDue | Status::Paused)
        )
    }

    /// Does a change wait for the end of the period (a cancellation, a
    /// pause or a downgrade)? "Keep my subscription" undoes them all.
    #[must_use]
    pub fn has_scheduled_change(&self) -> bool {
        self.cancel_at_period_end
            || self.scheduled_price_id.is_some()
            || self.scheduled_quantity.is_some()
            || (self.status() == Some(Status::Active) && self.pause_resumes_at.is_some())
    }

    /// When a pause of `periods` billing periods that starts at the end of
    /// the paid period would end: whole periods of `price`, counted on from
    /// the subscription's anchor (the anchor then moves to that moment).
    #[must_use]
    pub fn pause_end(&self, price: &super::prices::Model, periods: u32) -> DateTime<FixedOffset> {
        let mut end = self.current_period_end;
        for _ in 0..periods {
            end = price.period_end_from(self.billing_anchor(), end);
        }
        end
    }

    /// Schedules a pause of `periods` billing periods from the end of the
    /// paid one (at most `max`): no charge until it ends, then a new period
    /// starts and is charged, and periods count from there. The renewal
    /// sweep begins it; "Resume now" ends it early. Asking again while one
    /// is scheduled or running changes nothing.
    ///
    /// # Errors
    /// `Message` for a length outside 1..=max, or a subscription that cannot
    /// pause (past due, in trial, ended, or set to be cancelled).
    pub async fn pause(
        self,
        db: &DatabaseConnection,
        periods: u32,
        max: u32,
        actor: super::audit_events::Actor,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<Self> {
        if periods < 1 || periods > max {
            return Err(super::refused(
                "refusal-pause-length",
                &[("max", &max.to_string())],
            ));
        }
        match self.status() {
            Some(Status::Paused) => return Ok(self),
            Some(Status::Active) if self.pause_resumes_at.is_some() => return Ok(self),
            Some(Status::Active) => {}
            Some(Status::PastDue) => return Err(super::refused("refusal-pause-past-due", &[])),
            Some(Status::Trialing) => return Err(super::refused("refusal-pause-trial", &[])),
            _ => return Err(super::refused("refusal-ended", &[])),
        }
        if self.cancel_at_period_end {
            return Err(super::refused("refusal-keep-first", &[]));
        }
        let price =
            super::prices::Model::find_in_workspace(db, self.workspace_id, self.price_id).await?;
        let resumes_at = self.pause_end(&price, periods);
        let txn = super::write_transaction(db).await?;
        let moved = Entity::update_many()
            .col_expr(Column::PauseResumesAt, Expr::value(Some(resumes_at)))
            .col_expr(Column::UpdatedAt, Expr::value(now))
            .in_tenant(self.workspace_id)
            .filter(Column::Id.eq(self.id))
            .filter(Column::Status.eq(Status::Active.as_str()))
            .filter(Column::CurrentPeriodEnd.eq(self.current_period_end))
            .filter(Column::PauseResumesAt.is_null())
            .filter(Column::CancelAtPeriodEnd.eq(false))
            .exec(&txn)
            .await?;
        if moved.rows_affected == 1 {
            let detail = serde_json::json!({
                "subscription": self.pid,
                "pause_starts_at": self.current_period_end,
                "resumes_at": resumes_at,
            });
            self.record_decision(
                &txn,
                actor,
                "subscription.pause_scheduled",
                detail.clone(),
                "subscription.updated",
                detail,
            )
            .await?;
        }
        txn.commit().await?;
        Ok(Entity::find_by_id(self.id).one(db).await?.unwrap_or(self))
    }

    /// Ends a pause now ("Resume now"): a scheduled one is withdrawn; a
    /// running one ends, its next period starts now and is due at once
    /// (the caller queues its renewal), counted from now. Returns it
    /// unchanged when it was not paused.
    ///
    /// # Errors
    /// On a database error.
    pub async fn resume(
        self,
        db: &DatabaseConnection,
        actor: super::audit_events::Actor,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<Self> {
        let running = self.status() == Some(Status::Paused);
        let scheduled = self.status() == Some(Status::Active) && self.pause_resumes_at.is_some();
        if !(running || scheduled) {
            return Ok(self);
        }
        let txn = super::write_transaction(db).await?;
        let mut update = Entity::update_many().col_expr(Column::UpdatedAt, Expr::value(now));
        update = if running {
            update
                .col_expr(Column::CurrentPeriodEnd, Expr::value(now))
                .col_expr(Column::NextRenewalAt, Expr::value(Some(now)))
                .col_expr(Column::BillingAnchor, Expr::value(Some(now)))
                .col_expr(Column::PauseResumesAt, Expr::value(Some(now)))
        } else {
            update.col_expr(
                Column::PauseResumesAt,
                Expr::value(Option::<DateTime<FixedOffset>>::None),
            )
        };
        let moved = update
            .in_tenant(self.workspace_id)
            .filter(Column::Id.eq(self.id))
            .filter(Column::Status.eq(self.status.clone()))
            .filter(Column::CurrentPeriodEnd.eq(self.current_period_end))
            .exec(&txn)
            .await?;
        if moved.rows_affected == 1 {
            let (action, detail) = if running {
                (
                    "subscription.resumed_early",
                    serde_json::json!({ "subscription": self.pid, "resumes_at": now }),
                )
            } else {
                (
                    "subscription.pause_undone",
                    serde_json::json!({ "subscription": self.pid, "renews_at": self.next_renewal_at }),
                )
            };
            self.record_decision(
                &txn,
                actor,
                action,
                detail.clone(),
                "subscription.updated",
                detail,
            )
            .await?;
        }
        txn.commit().await?;
        Ok(Entity::find_by_id(self.id).one(db).await?.unwrap_or(self))
    }

    /// Records a cancellation: scheduled for the period's end (the renewal
    /// sweep then ends it instead of charging), or effective now. The audit
    /// trail keeps the reason; `subscription.updated` (scheduled) or
    /// `subscription.cancelled` (now) goes to the webhooks; all in one
    /// transaction. Cancelling what is already scheduled or ended changes
    /// nothing (a second click).
    ///
    /// # Errors
    /// `Message` for an unknown reason or a subscription that has ended or
    /// is past due (scheduling needs a paid period); a database error.
    pub async fn cancel(
        self,
        db: &DatabaseConnection,
        cancellation: Cancellation<'_>,
        actor: super::audit_events::Actor,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<Self> {
        let (reason, comment, at_period_end) = match cancellation {
            Cancellation::AtPeriodEnd { reason, comment } => (reason, comment, true),
            Cancellation::Now { reason, comment } => (reason, comment, false),
        };
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if reason.is_some_and(|r| !CANCELLATION_REASONS.contains(&r)) {
            return Err(super::refused("refusal-choose-reason", &[]));
        }
        let comment: Option<String> = comment
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|c| c.chars().take(1000).collect());
        let scheduled_already = at_period_end && self.cancel_at_period_end;
        if !self.is_cancellable() || scheduled_already {
            return Ok(self);
        }
        if at_period_end && self.status() == Some(Status::PastDue) {
            return Err(super::refused("refusal-cancel-past-due", &[]));
        }
        let txn = super::write_transaction(db).await?;
        let mut update = Entity::update_many()
            .col_expr(Column::CancellationReason, Expr::value(reason))
            .col_expr(Column::CancellationComment, Expr::value(comment.clone()))
            .col_expr(Column::UpdatedAt, Expr::value(now));
        update = if at_period_end {
            update.col_expr(Column::CancelAtPeriodEnd, Expr::value(true))
        } else {
            update
                .col_expr(Column::Status, Expr::value(Status::Cancelled.as_str()))
                .col_expr(Column::CancelledAt, Expr::value(Some(now)))
                .col_expr(
                    Column::NextRenewalAt,
                    Expr::value(Option::<DateTime<FixedOffset>>::None),
                )
                .col_expr(
                    Column::NextRetryAt,
                    Expr::value(Option::<DateTime<FixedOffset>>::None),
                )
        };
        // first of two clicks wins: only a running, unscheduled row moves
        let moved = update
            .in_tenant(self.workspace_id)
            .filter(Column::Id.eq(self.id))
            .filter(Column::Status.eq(self.status.clone()))
            .filter(Column::CancelAtPeriodEnd.eq(self.cancel_at_period_end))
            .exec(&txn)
            .await?;
        if moved.rows_affected == 0 {
            txn.commit().await?;
            return Ok(Entity::find_by_id(self.id).one(db).await?.unwrap_or(self));
        }
        let (action, event, ends_at) = if at_period_end {
            (
                "subscription.cancellation_scheduled",
                "subscription.updated",
                self.current_period_end,
            )
        } else {
            ("subscription.cancelled", "subscription.cancelled", now)
        };
        self.record_decision(
            &txn,
            actor,
            action,
            serde_json::json!({ "reason": reason, "comment": comment, "ends_at": ends_at }),
            event,
            serde_json::json!({
                "subscription": self.pid,
                "cancel_at_period_end": at_period_end,
                "ends_at": ends_at,
                "cancellation_reason": reason,
            }),
        )
        .await?;
        txn.commit().await?;
        Ok(Entity::find_by_id(self.id).one(db).await?.unwrap_or(self))
    }

    /// Undoes what waits for the period's end ("Keep my subscription"): a
    /// scheduled cancellation, pause or downgrade; it renews as before.
    /// Returns it unchanged when nothing was scheduled.
    ///
    /// # Errors
    /// On a database error.
    pub async fn keep(
        self,
        db: &DatabaseConnection,
        actor: super::audit_events::Actor,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<Self> {
        if !self.has_scheduled_change() || !self.is_cancellable() {
            return Ok(self);
        }
        let none_at = Option::<DateTime<FixedOffset>>::None;
        let mut update = Entity::update_many()
            .col_expr(Column::CancelAtPeriodEnd, Expr::value(false))
            .col_expr(
                Column::CancellationReason,
                Expr::value(Option::<String>::None),
            )
            .col_expr(
                Column::CancellationComment,
                Expr::value(Option::<String>::None),
            )
            .col_expr(Column::ScheduledPriceId, Expr::value(Option::<i64>::None))
            .col_expr(Column::ScheduledQuantity, Expr::value(Option::<i32>::None))
            .col_expr(Column::UpdatedAt, Expr::value(now));
        if self.status() != Some(Status::Paused) {
            update = update.col_expr(Column::PauseResumesAt, Expr::value(none_at));
        }
        let txn = super::write_transaction(db).await?;
        let moved = update
            .in_tenant(self.workspace_id)
            .filter(Column::Id.eq(self.id))
            .filter(Column::Status.eq(self.status.clone()))
            .filter(Column::CurrentPeriodEnd.eq(self.current_period_end))
            .exec(&txn)
            .await?;
        if moved.rows_affected == 1 {
            let undone = serde_json::json!({
                "cancellation": self.cancel_at_period_end,
                "pause": self.status() != Some(Status::Paused) && self.pause_resumes_at.is_some(),
                "price_change": self.scheduled_price_id.is_some() || self.scheduled_quantity.is_some(),
            });
            let action = if self.cancel_at_period_end {
                "subscription.cancellation_undone"
            } else {
                "subscription.scheduled_change_undone"
            };
            self.record_decision(
                &txn,
                actor,
                action,
                serde_json::json!({ "renews_at": self.next_renewal_at, "undone": undone }),
                "subscription.updated",
                serde_json::json!({
                    "subscription": self.pid,
                    "cancel_at_period_end": false,
                    "renews_at": self.next_renewal_at,
                }),
            )
            .await?;
        }
        txn.commit().await?;
        Ok(Entity::find_by_id(self.id).one(db).await?.unwrap_or(self))
    }

    /// Writes a decision about this subscription to the audit trail and
    /// publishes its webhook event, in the decision's transaction.
    #[allow(clippy::too_many_arguments)]
    async fn record_decision(
        &self,
        txn: &impl ConnectionTrait,
        actor: super::audit_events::Actor,
        action: &str,
        audit: serde_json::Value,
        event: &str,
        payload: serde_json::Value,
    ) -> ModelResult<()> {
        super::audit_events::Model::record(
            txn,
            self.workspace_id,
            actor,
            "subscription",
            self.id,
            action,
            audit,
            None,
        )
        .await?;
        super::events::Model::publish(
            txn,
            self.workspace_id,
            event,
            Some(self.customer_id),
            payload,
        )
        .await?;
        Ok(())
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
