//! Server-side portal sessions. The cookie carries a random id; we store its
//! keyed hash, bound to one workspace and one customer, with an idle and an
//! absolute expiry. Logging out revokes the row.
use chrono::{DateTime, Duration, FixedOffset};
use loco_rs::prelude::*;

pub use super::_entities::customer_sessions::{self, ActiveModel, Column, Entity, Model};
use crate::secrets::{random_token, Secrets};

pub const IDLE_MINUTES: i64 = 60;
pub const ABSOLUTE_HOURS: i64 = 12;
const SESSION_LABEL: &str = "customer-session";

#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {}

/// A started session: the id goes in the cookie, never in the database.
#[derive(Debug)]
pub struct StartedSession {
    pub session_id: String,
    pub record: Model,
}

impl Model {
    /// Starts a fresh session (a new id on every sign-in); with a
    /// `viewer_user_id`, a console user's read-only view of the portal.
    ///
    /// # Errors
    /// `EntityNotFound` when the customer is not in this workspace.
    pub async fn start(
        db: &impl ConnectionTrait,
        secrets: &Secrets,
        workspace_id: i64,
        customer_id: i64,
        viewer_user_id: Option<i64>,
        ip: Option<&str>,
        user_agent: Option<&str>,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<StartedSession> {
        super::customers::Model::find_in_workspace(db, workspace_id, customer_id).await?;
        let session_id = random_token(32);
        let record = ActiveModel {
            customer_id: Set(customer_id),
            viewer_user_id: Set(viewer_user_id),
            session_hash: Set(secrets.keyed_hash(SESSION_LABEL, &session_id)),
            csrf_token: Set(random_token(32)),
            last_seen_at: Set(now),
            idle_expires_at: Set(now + Duration::minutes(IDLE_MINUTES)),
            absolute_expires_at: Set(now + Duration::hours(ABSOLUTE_HOURS)),
            ip: Set(ip.map(str::to_string)),
            user_agent: Set(user_agent.map(|ua| ua.chars().take(300).collect())),
            ..Default::default()
        }
        .set_tenant(workspace_id)?
        .insert(db)
        .await?;
        Ok(StartedSession { session_id, record })
    }

    /// The live session for a cookie value in this workspace, with its
    /// customer, in one query (every signed-in portal page asks for both).
    ///
    /// # Errors
    /// `EntityNotFound` when unknown, revoked, idle too long, past its
    /// absolute lifetime, belonging to another workspace, or its customer
    /// is gone.
    pub async fn find_live_with_customer(
        db: &impl ConnectionTrait,
        secrets: &Secrets,
        workspace_id: i64,
        session_id: &str,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<(Self, super::customers::Model)> {
        match live(secrets, session_id, now)
            .in_tenant(workspace_id)
            .find_also_related(super::customers::Entity)
            .filter(super::customers::Column::WorkspaceId.eq(workspace_id))
            .one(db)
            .await?
        {
            Some((session, Some(customer))) => Ok((session, customer)),
            _ => Err(ModelError::EntityNotFound),
        }
    }
}

/// The session behind `session_id` if still usable at `now`, in any workspace.
fn live(
    secrets: &Secrets,
    session_id: &str,
    now: DateTime<FixedOffset>,
) -> sea_orm::Select<Entity> {
    Entity::find()
        .filter(Column::SessionHash.eq(secrets.keyed_hash(SESSION_LABEL, session_id)))
        .filter(Column::RevokedAt.is_null())
        .filter(Column::IdleExpiresAt.gt(now))
        .filter(Column::AbsoluteExpiresAt.gt(now))
}

impl Model {
    /// Is this cookie a live session of *some* workspace? Deliberately
    /// unscoped: it lets a page of workspace B answer 404 (not a sign-in
    /// prompt) to a customer signed in to workspace A.
    ///
    /// # Errors
    /// On a database error.
    pub async fn is_live_elsewhere(
        db: &impl ConnectionTrait,
        secrets: &Secrets,
        session_id: &str,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<bool> {
        Ok(live(secrets, session_id, now).one(db).await?.is_some())
    }

    /// Deletes sessions that can no longer be used, in every workspace
    /// (operator housekeeping). Returns how many were removed.
    ///
    /// # Errors
    /// On a database error.
    pub async fn prune(db: &impl ConnectionTrait, now: DateTime<FixedOffset>) -> ModelResult<u64> {
        Ok(Entity::delete_many()
            .filter(
                Condition::any()
                    .add(Column::IdleExpiresAt.lt(now))
                    .add(Column::AbsoluteExpiresAt.lt(now))
                    .add(Column::RevokedAt.is_not_null()),
            )
            .exec(db)
            .await?
            .rows_affected)
    }
}

impl ActiveModel {
    /// Extends the idle window (never past the absolute expiry).
    ///
    /// # Errors
    /// On a database error.
    pub async fn touch(
        mut self,
        db: &impl ConnectionTrait,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<Model> {
        let idle = now + Duration::minutes(IDLE_MINUTES);
        let idle = super::field(&self.absolute_expires_at).map_or(idle, |abs| idle.min(abs));
        self.last_seen_at = Set(now);
        self.idle_expires_at = Set(idle);
        Ok(self.update(db).await?)
    }

    /// Ends the session server side.
    ///
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
