//! The merchant API's `Idempotency-Key`, with Stripe's semantics: the first
//! answer to a POST (status and body) is kept for 24 hours and replayed for
//! the same key and the same request; the same key with another request is
//! refused; a request racing one still in flight with its key gets 409.
//!
//! A key is claimed by inserting its row (unique per workspace and key), so
//! two requests racing on one key converge on the database, on every node.
use chrono::{DateTime, Duration, FixedOffset};
use loco_rs::prelude::*;
use sea_orm::SqlErr;

pub use super::_entities::api_idempotency_keys::{self, ActiveModel, Column, Entity, Model};

/// How long an answer is replayed.
pub const KEEP_HOURS: i64 = 24;
/// Longest key a client may send.
pub const MAX_KEY_LEN: usize = 255;

#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {}

/// What to do with a request that carries a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// First use: run the request, then [`Model::finish`] (or
    /// [`Model::release`] when it failed on our side).
    Fresh(Model),
    /// Answered before: send this again.
    Replay { status: u16, body: String },
    /// The same key is running right now.
    InFlight,
    /// The key was used for another request.
    Mismatch,
}

impl Model {
    /// Claims `key` in the workspace for the request with `request_hash`.
    ///
    /// # Errors
    /// On a database error.
    pub async fn claim(
        db: &DatabaseConnection,
        workspace_id: i64,
        key: &str,
        request_hash: &str,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<Claim> {
        // an expired answer no longer counts: its key starts afresh
        Entity::delete_many()
            .filter(Column::WorkspaceId.eq(workspace_id))
            .filter(Column::IdempotencyKey.eq(key))
            .filter(Column::ExpiresAt.lte(now))
            .exec(db)
            .await?;
        let inserted = ActiveModel {
            workspace_id: ActiveValue::Set(workspace_id),
            idempotency_key: ActiveValue::Set(key.to_string()),
            request_hash: ActiveValue::Set(request_hash.to_string()),
            expires_at: ActiveValue::Set(now + Duration::hours(KEEP_HOURS)),
            ..Default::default()
        }
        .insert(db)
        .await;
        match inserted {
            Ok(row) => Ok(Claim::Fresh(row)),
            Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                let existing = Entity::find()
                    .in_tenant(workspace_id)
                    .filter(Column::IdempotencyKey.eq(key))
                    .one(db)
                    .await?;
                Ok(match existing {
                    // released between our insert and this read: let the client retry
                    None => Claim::InFlight,
                    Some(row) if row.request_hash != request_hash => Claim::Mismatch,
                    Some(Self {
                        response_status: Some(status),
                        response_body,
                        ..
                    }) => Claim::Replay {
                        status: u16::try_from(status).unwrap_or(500),
                        body: response_body.unwrap_or_default(),
                    },
                    Some(_) => Claim::InFlight,
                })
            }
            Err(err) => Err(err.into()),
        }
    }

    /// Keeps the answer for replays.
    ///
    /// # Errors
    /// On a database error.
    pub async fn finish(self, db: &DatabaseConnection, status: u16, body: &str) -> ModelResult<()> {
        let mut row: ActiveModel = self.into();
        row.response_status = ActiveValue::Set(Some(i32::from(status)));
        row.response_body = ActiveValue::Set(Some(body.to_string()));
        row.update(db).await?;
        Ok(())
    }

    /// Forgets the key (the request failed on our side): a retry runs anew.
    ///
    /// # Errors
    /// On a database error.
    pub async fn release(self, db: &DatabaseConnection) -> ModelResult<()> {
        Entity::delete_by_id(self.id).exec(db).await?;
        Ok(())
    }

    /// Deletes answers older than 24 hours; how many.
    ///
    /// # Errors
    /// On a database error.
    pub async fn prune(db: &DatabaseConnection, now: DateTime<FixedOffset>) -> ModelResult<u64> {
        Ok(Entity::delete_many()
            .filter(Column::ExpiresAt.lte(now))
            .exec(db)
            .await?
            .rows_affected)
    }
}
