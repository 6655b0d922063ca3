//! Rate limits on sign-in requests: per email, per IP and per workspace, over
//! a sliding window. Every request is counted whether or not the email
//! belongs to a customer, so the limits reveal nothing either.
use chrono::{DateTime, Duration, FixedOffset};
use loco_rs::prelude::*;

pub use super::_entities::sign_in_requests::{self, ActiveModel, Column, Entity, Model};
use super::customers::normalize_email;
use crate::secrets::Secrets;

pub const WINDOW_MINUTES: i64 = 15;
pub const PER_EMAIL: u64 = 5;
pub const PER_IP: u64 = 20;
pub const PER_WORKSPACE: u64 = 500;

/// Sign-in requests allowed per window of `WINDOW_MINUTES`; the settings'
/// `sign_in_limits` (an office behind one address may need a higher `per_ip`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct Limits {
    pub per_email: u64,
    pub per_ip: u64,
    pub per_workspace: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            per_email: PER_EMAIL,
            per_ip: PER_IP,
            per_workspace: PER_WORKSPACE,
        }
    }
}
const EMAIL_LABEL: &str = "sign-in-email";

/// Which limit a request ran into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limited {
    Email,
    Ip,
    Workspace,
}

#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// Counts this request and says whether it may proceed.
    ///
    /// # Errors
    /// `Ok(Err(limit))` when over a limit (the request is not counted);
    /// `Err` on a database error.
    pub async fn admit(
        db: &impl ConnectionTrait,
        secrets: &Secrets,
        limits: &Limits,
        workspace_id: i64,
        email: &str,
        ip: Option<&str>,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<Result<(), Limited>> {
        let since = now - Duration::minutes(WINDOW_MINUTES);
        let email_hash = secrets.keyed_hash(EMAIL_LABEL, &normalize_email(email));
        let recent = || Entity::find().filter(Column::CreatedAt.gt(since));
        if recent()
            .filter(Column::EmailHash.eq(email_hash.clone()))
            .count(db)
            .await?
            >= limits.per_email
        {
            return Ok(Err(Limited::Email));
        }
        if let Some(ip) = ip {
            if recent().filter(Column::Ip.eq(ip)).count(db).await? >= limits.per_ip {
                return Ok(Err(Limited::Ip));
            }
        }
        if recent().in_tenant(workspace_id).count(db).await? >= limits.per_workspace {
            return Ok(Err(Limited::Workspace));
        }
        ActiveModel {
            email_hash: Set(email_hash),
            ip: Set(ip.map(str::to_string)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .set_tenant(workspace_id)?
        .insert(db)
        .await?;
        Ok(Ok(()))
    }

    /// Deletes rows older than the window (operator housekeeping).
    ///
    /// # Errors
    /// On a database error.
    pub async fn prune(db: &impl ConnectionTrait, now: DateTime<FixedOffset>) -> ModelResult<u64> {
        Ok(Entity::delete_many()
            .filter(Column::CreatedAt.lt(now - Duration::minutes(WINDOW_MINUTES)))
            .exec(db)
            .await?
            .rows_affected)
    }
}
