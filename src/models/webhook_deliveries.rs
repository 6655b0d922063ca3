//! One event's delivery to one endpoint: status, attempts, next retry.
use chrono::Utc;
use loco_rs::prelude::*;

pub use super::_entities::webhook_deliveries::{self, ActiveModel, Column, Entity, Model};

pub const STATUS_PENDING: &str = "pending";
pub const STATUS_DELIVERED: &str = "delivered";
pub const STATUS_FAILED: &str = "failed";

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
}
