//! Where a workspace wants its events delivered, and the secret that signs
//! them (Standard Webhooks: `whsec_` + base64 of 32 random bytes).
use base64::Engine as _;
use loco_rs::prelude::*;
use rand::RngCore;

pub use super::_entities::webhook_endpoints::{self, ActiveModel, Column, Entity, Model};

#[derive(Debug, Validate)]
pub struct Validator {
    #[validate(url(message = "enter a full URL starting with https://"))]
    pub url: Option<String>,
}

impl Validatable for ActiveModel {
    fn validator(&self) -> Box<dyn Validate> {
        Box::new(Validator {
            url: super::field(&self.url),
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

fn new_signing_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

impl Model {
    /// Adds an endpoint; `event_types` is a list, or empty for every event.
    ///
    /// # Errors
    /// A validation error for a malformed URL.
    pub async fn create(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        url: &str,
        event_types: &[&str],
    ) -> ModelResult<Self> {
        let types = if event_types.is_empty() {
            "*".to_string()
        } else {
            event_types.join(",")
        };
        Ok(ActiveModel {
            url: Set(url.trim().to_string()),
            secret: Set(new_signing_secret()),
            event_types: Set(types),
            enabled: Set(true),
            ..Default::default()
        }
        .set_tenant(workspace_id)?
        .insert(db)
        .await?)
    }

    /// Enabled endpoints of the workspace that want `event_type`.
    ///
    /// # Errors
    /// On a database error.
    pub async fn subscribed_to(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        event_type: &str,
    ) -> ModelResult<Vec<Self>> {
        Ok(Entity::find()
            .in_tenant(workspace_id)
            .filter(Column::Enabled.eq(true))
            .order_by_asc(Column::Id)
            .all(db)
            .await?
            .into_iter()
            .filter(|e| e.wants(event_type))
            .collect())
    }

    #[must_use]
    pub fn wants(&self, event_type: &str) -> bool {
        self.event_types == "*" || self.event_types.split(',').any(|t| t.trim() == event_type)
    }
}
