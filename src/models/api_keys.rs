//! Workspace secret keys for the merchant API. The key is shown once when
//! created; we keep its keyed hash and a short prefix to recognise it by.
use chrono::{DateTime, FixedOffset};
use loco_rs::prelude::*;

pub use super::_entities::api_keys::{self, ActiveModel, Column, Entity, Model};
use crate::secrets::{random_token, Secrets};

const KEY_LABEL: &str = "api-key";
pub const KEY_PREFIX: &str = "sk_";

#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {
    async fn before_save<C>(self, _db: &C, insert: bool) -> Result<Self, DbErr>
    where
        C: ConnectionTrait,
    {
        Ok(super::stamp!(self, insert))
    }
}

/// A new key: `secret` is shown to the owner once and never again.
#[derive(Debug)]
pub struct CreatedKey {
    pub secret: String,
    pub record: Model,
}

impl Model {
    /// # Errors
    /// On a database error.
    pub async fn create(
        db: &impl ConnectionTrait,
        secrets: &Secrets,
        workspace_id: i64,
        name: &str,
        created_by_user_id: Option<i64>,
    ) -> ModelResult<CreatedKey> {
        let secret = format!("{KEY_PREFIX}{}", random_token(24));
        Self::create_with_secret(db, secrets, workspace_id, name, created_by_user_id, secret).await
    }

    /// A key with a given secret (the demo's, derived from the deployment key).
    ///
    /// # Errors
    /// On a database error.
    pub async fn create_with_secret(
        db: &impl ConnectionTrait,
        secrets: &Secrets,
        workspace_id: i64,
        name: &str,
        created_by_user_id: Option<i64>,
        secret: String,
    ) -> ModelResult<CreatedKey> {
        let record = ActiveModel {
            name: Set(name.trim().to_string()),
            prefix: Set(secret.chars().take(10).collect()),
            key_hash: Set(secrets.keyed_hash(KEY_LABEL, &secret)),
            created_by_user_id: Set(created_by_user_id),
            ..Default::default()
        }
        .set_tenant(workspace_id)?
        .insert(db)
        .await?;
        Ok(CreatedKey { secret, record })
    }

    /// The live key for a bearer secret; its workspace is the caller's tenant.
    ///
    /// # Errors
    /// `EntityNotFound` for an unknown or revoked key.
    pub async fn find_by_secret(
        db: &impl ConnectionTrait,
        secrets: &Secrets,
        secret: &str,
    ) -> ModelResult<Self> {
        Entity::find()
            .filter(Column::KeyHash.eq(secrets.keyed_hash(KEY_LABEL, secret)))
            .filter(Column::RevokedAt.is_null())
            .one(db)
            .await?
            .ok_or(ModelError::EntityNotFound)
    }

    /// # Errors
    /// `EntityNotFound` unless the key is this workspace's.
    pub async fn find_in_workspace(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        id: i64,
    ) -> ModelResult<Self> {
        Entity::find_by_id(id)
            .in_tenant(workspace_id)
            .one(db)
            .await?
            .ok_or(ModelError::EntityNotFound)
    }

    /// # Errors
    /// On a database error.
    pub async fn list(db: &impl ConnectionTrait, workspace_id: i64) -> ModelResult<Vec<Self>> {
        Ok(Entity::find()
            .in_tenant(workspace_id)
            .order_by_desc(Column::Id)
            .all(db)
            .await?)
    }
}

impl ActiveModel {
    /// # Errors
    /// On a database error.
    pub async fn revoke(
        mut self,
        db: &impl ConnectionTrait,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<Model> {
        self.revoked_at = Set(Some(now));
        Ok(self.update(db).await?)
    }
}
