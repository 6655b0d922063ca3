//! One event's delivery to one endpoint: status, attempts, next retry.
//!
//! A delivery is claimed before it is sent (a conditional UPDATE that moves
//! `next_attempt_at` a lease ahead), so two workers never send it together,
//! and a worker that dies mid-send leaves it to be retried when the lease
//! runs out. Failures back off on the Standard Webhooks schedule for about
//! 27 hours before the delivery is marked failed.
use chrono::{DateTime, Duration, FixedOffset, Utc};
use loco_rs::prelude::*;
use sea_orm::sea_query::Query;

pub use super::_entities::webhook_deliveries::{self, ActiveModel, Column, Entity, Model};

pub const STATUS_PENDING: &str = "pending";
pub const STATUS_DELIVERED: &str = "delivered";
pub const STATUS_FAILED: &str = "failed";

/// Seconds to wait after the n-th failed attempt (Standard Webhooks'
/// schedule); a failure after the last gives up.
pub const RETRY_AFTER_SECONDS: [i64; 7] = [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000];
/// How long a claimed delivery is left to its sender before it is due again.
pub const LEASE_SECONDS: i64 = 60;

#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// Queues a delivery, due now.
    ///
    /// # Errors
    /// On a database error.
    pub async fn queue(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        event_id: i64,
        endpoint_id: i64,
    ) -> ModelResult<Self> {
        Ok(ActiveModel {
            event_id: Set(event_id),
            webhook_endpoint_id: Set(endpoint_id),
            status: Set(STATUS_PENDING.to_string()),
            next_attempt_at: Set(Some(Utc::now().into())),
            ..Default::default()
        }
        .set_tenant(workspace_id)?
        .insert(db)
        .await?)
    }

    /// An endpoint's deliveries, newest first.
    ///
    /// # Errors
    /// On a database error.
    pub async fn list_for_endpoint(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        endpoint_id: i64,
        limit: u64,
    ) -> ModelResult<Vec<Self>> {
        Ok(Entity::find()
            .in_tenant(workspace_id)
            .filter(Column::WebhookEndpointId.eq(endpoint_id))
            .order_by_desc(Column::Id)
            .limit(limit)
            .all(db)
            .await?)
    }

    /// Endpoints with a delivery due at `now` (in every workspace): the
    /// sweep queues one delivery job per endpoint.
    ///
    /// # Errors
    /// On a database error.
    pub async fn endpoints_due(
        db: &impl ConnectionTrait,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<Vec<(i64, i64)>> {
        let mut due: Vec<(i64, i64)> = Entity::find()
            .filter(Column::Status.eq(STATUS_PENDING))
            .filter(Column::NextAttemptAt.lte(now))
            .all(db)
            .await?
            .into_iter()
            .map(|d| (d.workspace_id, d.webhook_endpoint_id))
            .collect();
        due.sort_unstable();
        due.dedup();
        Ok(due)
    }

    /// An endpoint's deliveries due at `now`, oldest event first.
    ///
    /// # Errors
    /// On a database error.
    pub async fn due_for_endpoint(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        endpoint_id: i64,
        now: DateTime<FixedOffset>,
        limit: u64,
    ) -> ModelResult<Vec<Self>> {
        Ok(Entity::find()
            .in_tenant(workspace_id)
            .filter(Column::WebhookEndpointId.eq(endpoint_id))
            .filter(Column::Status.eq(STATUS_PENDING))
            .filter(Column::NextAttemptAt.lte(now))
            .order_by_asc(Column::EventId)
            .limit(limit)
            .all(db)
            .await?)
    }

    /// Whether an earlier event about the same customer is still waiting to
    /// reach this endpoint: events go out in order per customer.
    ///
    /// # Errors
    /// On a database error.
    pub async fn waits_for_earlier(
        &self,
        db: &impl ConnectionTrait,
        customer_id: Option<i64>,
    ) -> ModelResult<bool> {
        let Some(customer_id) = customer_id else {
            return Ok(false);
        };
        let same_customer = Query::select()
            .column(super::events::Column::Id)
            .from(super::events::Entity)
            .and_where(super::events::Column::CustomerId.eq(customer_id))
            .and_where(super::events::Column::WorkspaceId.eq(self.workspace_id))
            .to_owned();
        let earlier = Entity::find()
            .in_tenant(self.workspace_id)
            .filter(Column::WebhookEndpointId.eq(self.webhook_endpoint_id))
            .filter(Column::Status.eq(STATUS_PENDING))
            .filter(Column::EventId.lt(self.event_id))
            .filter(Column::EventId.in_subquery(same_customer))
            .count(db)
            .await?;
        Ok(earlier > 0)
    }

    /// Claims this delivery for one send; `false` when another worker has it.
    ///
    /// # Errors
    /// On a database error.
    pub async fn claim(
        &self,
        db: &impl ConnectionTrait,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<bool> {
        let claimed = Entity::update_many()
            .col_expr(
                Column::NextAttemptAt,
                Expr::value(Some(now + Duration::seconds(LEASE_SECONDS))),
            )
            .col_expr(Column::UpdatedAt, Expr::value(now))
            .filter(Column::Id.eq(self.id))
            .filter(Column::Status.eq(STATUS_PENDING))
            // still due: a claim by another worker has moved it ahead
            .filter(Column::NextAttemptAt.lte(now))
            .in_tenant(self.workspace_id)
            .exec(db)
            .await?;
        Ok(claimed.rows_affected == 1)
    }

    /// The receiver answered 2xx.
    ///
    /// # Errors
    /// On a database error.
    pub async fn record_delivered(
        self,
        db: &impl ConnectionTrait,
        code: u16,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<Self> {
        let attempts = self.attempts + 1;
        let mut delivery = self.into_active_model();
        delivery.status = Set(STATUS_DELIVERED.to_string());
        delivery.attempts = Set(attempts);
        delivery.last_response_code = Set(Some(i32::from(code)));
        delivery.last_error = Set(None);
        delivery.delivered_at = Set(Some(now));
        delivery.next_attempt_at = Set(None);
        Ok(delivery.update(db).await?)
    }

    /// The send failed (`code` when the receiver answered at all): the next
    /// attempt is scheduled, or, after the last, the delivery has failed.
    ///
    /// # Errors
    /// On a database error.
    pub async fn record_failure(
        self,
        db: &impl ConnectionTrait,
        code: Option<u16>,
        error: &str,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<Self> {
        let attempts = self.attempts + 1;
        let wait = usize::try_from(attempts - 1)
            .ok()
            .and_then(|i| RETRY_AFTER_SECONDS.get(i));
        let mut delivery = self.into_active_model();
        delivery.attempts = Set(attempts);
        delivery.last_response_code = Set(code.map(i32::from));
        delivery.last_error = Set(Some(error.chars().take(500).collect()));
        match wait {
            Some(seconds) => {
                delivery.next_attempt_at = Set(Some(now + Duration::seconds(*seconds)))
            }
            None => {
                delivery.status = Set(STATUS_FAILED.to_string());
                delivery.next_attempt_at = Set(None);
            }
        }
        Ok(delivery.update(db).await?)
    }

    /// "Resend" in the console: due again now, whatever happened before.
    ///
    /// # Errors
    /// `EntityNotFound` unless the delivery is this workspace's.
    pub async fn resend(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        id: i64,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<Self> {
        let delivery = Entity::find_by_id(id)
            .in_tenant(workspace_id)
            .one(db)
            .await?
            .ok_or(ModelError::EntityNotFound)?;
        let mut delivery = delivery.into_active_model();
        delivery.status = Set(STATUS_PENDING.to_string());
        delivery.next_attempt_at = Set(Some(now));
        Ok(delivery.update(db).await?)
    }
}
