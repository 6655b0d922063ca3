//! The outbox of webhook events. An event is written in the same transaction
//! as the change it describes, together with one pending delivery per
//! subscribed endpoint, so a crash can lose neither.
use loco_rs::prelude::*;
use uuid::Uuid;

pub use super::_entities::events::{self, ActiveModel, Column, Entity, Model};
use super::{webhook_deliveries, webhook_endpoints};

pub const CUSTOMER_UPDATED: &str = "customer.updated";

#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// Publishes an event and queues its deliveries.
    ///
    /// # Errors
    /// On a database error.
    pub async fn publish(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        event_type: &str,
        customer_id: Option<i64>,
        data: serde_json::Value,
    ) -> ModelResult<Self> {
        let event = ActiveModel {
            pid: Set(Uuid::new_v4()),
            event_type: Set(event_type.to_string()),
            customer_id: Set(customer_id),
            payload: Set(data),
            ..Default::default()
        }
        .set_tenant(workspace_id)?
        .insert(db)
        .await?;
        for endpoint in
            webhook_endpoints::Model::subscribed_to(db, workspace_id, event_type).await?
        {
            webhook_deliveries::Model::queue(db, workspace_id, event.id, endpoint.id).await?;
        }
        Ok(event)
    }

    /// The webhook-id receivers deduplicate on.
    #[must_use]
    pub fn webhook_id(&self) -> String {
        format!("msg_{}", self.pid.simple())
    }

    /// The workspace's events among `ids`, by id.
    ///
    /// # Errors
    /// On a database error.
    pub async fn by_ids(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        ids: Vec<i64>,
    ) -> ModelResult<std::collections::HashMap<i64, Self>> {
        Ok(Entity::find()
            .in_tenant(workspace_id)
            .filter(Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect())
    }

    /// # Errors
    /// On a database error.
    pub async fn list_recent(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        limit: u64,
    ) -> ModelResult<Vec<Self>> {
        Ok(Entity::find()
            .in_tenant(workspace_id)
            .order_by_desc(Column::Id)
            .limit(limit)
            .all(db)
            .await?)
    }
}
