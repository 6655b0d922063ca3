//! The mail outbox: every email the app sends is a row here first.
//!
//! A row is written in the transaction that decided the email (a settled
//! renewal writes its receipt with the settlement), or just before its
//! delivery job is queued, so a worker that dies in between loses nothing:
//! the `mails_deliver` sweep finds the row again. The job carries only the
//! row's id. The message itself is sealed with the deployment key (it may be
//! a sign-in link, a live credential) and erased once sent, so neither the
//! database, the queue nor a backup holds a usable link.
//!
//! A row is claimed with a lease before it is sent, so two workers never
//! send it together; a send that fails waits for a retry (10 s doubling to
//! 15 min) and is given up after a day.
use chrono::{DateTime, Duration, FixedOffset};
use loco_rs::{mailer::Email, prelude::*};

pub use super::_entities::mail_outbox::{self, ActiveModel, Column, Entity, Model};
use crate::secrets::Secrets;

/// How long a claimed row is left to the worker sending it.
pub const LEASE_SECONDS: i64 = 60;
/// A new row's own job normally sends it at once; the sweep takes it only
/// after this long (the job was lost: a crash, the queue down).
pub const RECOVER_AFTER_SECONDS: i64 = 60;
/// After this long an unsent message is given up.
pub const GIVE_UP_AFTER: chrono::TimeDelta = chrono::TimeDelta::hours(24);

const SEAL_PURPOSE: &str = "mail_outbox";

pub const PENDING: &str = "pending";
pub const SENT: &str = "sent";
pub const FAILED: &str = "failed";

#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {}

/// The wait before retry number `attempts` (1 for the first): 10 s doubling
/// up to 15 minutes.
#[must_use]
pub fn retry_delay(attempts: u32) -> std::time::Duration {
    std::time::Duration::from_secs(10)
        .saturating_mul(2u32.saturating_pow(attempts.saturating_sub(1)))
        .min(std::time::Duration::from_secs(15 * 60))
}

impl Model {
    /// Writes `email` to the outbox, sealed, on `db` (a transaction when the
    /// email belongs to a change being committed).
    ///
    /// # Errors
    /// On a database error.
    pub async fn stage(
        db: &impl ConnectionTrait,
        secrets: &Secrets,
        workspace_id: Option<i64>,
        email: &Email,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<Self> {
        let plain = serde_json::to_vec(email).map_err(|e| ModelError::Any(e.into()))?;
        Ok(ActiveModel {
            workspace_id: ActiveValue::Set(workspace_id),
            subject: ActiveValue::Set(email.subject.clone()),
            sealed: ActiveValue::Set(Some(secrets.seal(SEAL_PURPOSE, &plain))),
            status: ActiveValue::Set(PENDING.to_string()),
            attempts: ActiveValue::Set(0),
            next_attempt_at: ActiveValue::Set(now + Duration::seconds(RECOVER_AFTER_SECONDS)),
            ..Default::default()
        }
        .insert(db)
        .await?)
    }

    /// The message, unsealed.
    ///
    /// # Errors
    /// When the row was sent already (erased) or was sealed with another key.
    pub fn open(&self, secrets: &Secrets) -> Result<Email> {
        let sealed = self
            .sealed
            .as_deref()
            .ok_or_else(|| Error::string("this email was sent or given up: its body is erased"))?;
        let plain = secrets.open(SEAL_PURPOSE, sealed).ok_or_else(|| {
            Error::string(
                "a queued email cannot be opened with this PORTAL_SECRET_KEY: it was written \
                 under another key",
            )
        })?;
        Ok(serde_json::from_slice(&plain)?)
    }

    /// Claims row `id` for sending if it is still pending and nobody holds
    /// it; `None` otherwise (sent already, or another worker has it).
    ///
    /// # Errors
    /// On a database error.
    pub async fn claim(
        db: &impl ConnectionTrait,
        id: i64,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<Option<Self>> {
        let claimed = Entity::update_many()
            .col_expr(
                Column::ClaimedUntil,
                Expr::value(Some(now + Duration::seconds(LEASE_SECONDS))),
            )
            .filter(Column::Id.eq(id))
            .filter(Column::Status.eq(PENDING))
            .filter(
                Condition::any()
                    .add(Column::ClaimedUntil.is_null())
                    .add(Column::ClaimedUntil.lt(now)),
            )
            .exec(db)
            .await?;
        if claimed.rows_affected == 0 {
            return Ok(None);
        }
        Ok(Entity::find_by_id(id).one(db).await?)
    }

    /// Ids of pending rows due at `now` and not claimed, oldest first.
    ///
    /// # Errors
    /// On a database error.
    pub async fn due(
        db: &impl ConnectionTrait,
        now: DateTime<FixedOffset>,
        limit: u64,
    ) -> ModelResult<Vec<i64>> {
        Ok(Entity::find()
            .select_only()
            .column(Column::Id)
            .filter(Column::Status.eq(PENDING))
            .filter(Column::NextAttemptAt.lte(now))
            .filter(
                Condition::any()
                    .add(Column::ClaimedUntil.is_null())
                    .add(Column::ClaimedUntil.lt(now)),
            )
            .order_by_asc(Column::NextAttemptAt)
            .order_by_asc(Column::Id)
            .limit(limit)
            .into_tuple()
            .all(db)
            .await?)
    }

    /// How many emails wait to be sent (due or not).
    ///
    /// # Errors
    /// On a database error.
    pub async fn pending(db: &impl ConnectionTrait) -> ModelResult<u64> {
        Ok(Entity::find()
            .filter(Column::Status.eq(PENDING))
            .count(db)
            .await?)
    }

    /// Sent: the body is erased.
    ///
    /// # Errors
    /// On a database error.
    pub async fn sent(
        self,
        db: &impl ConnectionTrait,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<()> {
        let mut row: ActiveModel = self.into();
        row.status = ActiveValue::Set(SENT.to_string());
        row.sealed = ActiveValue::Set(None);
        row.claimed_until = ActiveValue::Set(None);
        row.sent_at = ActiveValue::Set(Some(now));
        row.update(db).await?;
        Ok(())
    }

    /// The send failed: retried after a growing wait, or given up (and
    /// erased) once it has waited a day. Returns the retry time, `None` when
    /// given up.
    ///
    /// # Errors
    /// On a database error.
    pub async fn failed(
        self,
        db: &impl ConnectionTrait,
        error: &str,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<Option<DateTime<FixedOffset>>> {
        let attempts = self.attempts.saturating_add(1);
        let delay = retry_delay(u32::try_from(attempts).unwrap_or(u32::MAX));
        let retry_at = now + Duration::from_std(delay).unwrap_or_default();
        let give_up = retry_at > self.created_at + GIVE_UP_AFTER;
        let mut row: ActiveModel = self.into();
        row.attempts = ActiveValue::Set(attempts);
        row.claimed_until = ActiveValue::Set(None);
        row.last_error = ActiveValue::Set(Some(error.chars().take(1000).collect()));
        row.next_attempt_at = ActiveValue::Set(retry_at);
        if give_up {
            row.status = ActiveValue::Set(FAILED.to_string());
            row.sealed = ActiveValue::Set(None);
        }
        row.update(db).await?;
        Ok((!give_up).then_some(retry_at))
    }
}
