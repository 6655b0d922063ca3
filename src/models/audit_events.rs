//! Who changed what, when: written alongside every change a customer or
//! merchant makes, shown in the console's audit trail.
use loco_rs::prelude::*;

pub use super::_entities::audit_events::{self, ActiveModel, Column, Entity, Model};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Customer(i64),
    MerchantUser(i64),
    System,
}

impl Actor {
    const fn parts(self) -> (&'static str, Option<i64>) {
        match self {
            Self::Customer(id) => ("customer", Some(id)),
            Self::MerchantUser(id) => ("user", Some(id)),
            Self::System => ("system", None),
        }
    }
}

#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// Appends an audit event.
    ///
    /// # Errors
    /// On a database error.
    #[allow(clippy::too_many_arguments)]
    pub async fn record(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        actor: Actor,
        subject_type: &str,
        subject_id: i64,
        action: &str,
        changes: serde_json::Value,
        ip: Option<&str>,
    ) -> ModelResult<Self> {
        let (actor_type, actor_id) = actor.parts();
        Ok(ActiveModel {
            actor_type: Set(actor_type.to_string()),
            actor_id: Set(actor_id),
            subject_type: Set(subject_type.to_string()),
            subject_id: Set(subject_id),
            action: Set(action.to_string()),
            changes: Set(changes),
            ip: Set(ip.map(str::to_string)),
            ..Default::default()
        }
        .set_tenant(workspace_id)?
        .insert(db)
        .await?)
    }

    /// The trail for one record, newest first.
    ///
    /// # Errors
    /// On a database error.
    pub async fn list_for_subject(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        subject_type: &str,
        subject_id: i64,
    ) -> ModelResult<Vec<Self>> {
        Ok(Entity::find()
            .in_tenant(workspace_id)
            .filter(Column::SubjectType.eq(subject_type))
            .filter(Column::SubjectId.eq(subject_id))
            .order_by_desc(Column::CreatedAt)
            .order_by_desc(Column::Id)
            .all(db)
            .await?)
    }
}
