//! Jobs held in the database until the queue takes them: a job the queue
//! refused (Redis down) and a job that asked to run again later (an email
//! while the SMTP server is down). `jobs::release_due` hands them back to the
//! queue; a row is claimed with a lease first, so two schedulers never queue
//! the same job together, and deleted once the queue has it.
use chrono::{DateTime, Duration, FixedOffset};
use loco_rs::prelude::*;

pub use super::_entities::deferred_jobs::{self, ActiveModel, Column, Entity, Model};

/// How long a claimed row is left to the process releasing it.
pub const LEASE_SECONDS: i64 = 60;

#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// Holds a job for `worker` with its JSON `args`, due at `run_after`.
    ///
    /// # Errors
    /// On a database error (the caller's job is then lost: say so loudly).
    pub async fn hold(
        db: &impl ConnectionTrait,
        worker: &str,
        args: &serde_json::Value,
        attempts: i32,
        run_after: DateTime<FixedOffset>,
        last_error: Option<&str>,
    ) -> ModelResult<Self> {
        Ok(ActiveModel {
            worker: ActiveValue::Set(worker.to_string()),
            args: ActiveValue::Set(args.to_string()),
            attempts: ActiveValue::Set(attempts),
            run_after: ActiveValue::Set(run_after),
            last_error: ActiveValue::Set(last_error.map(str::to_string)),
            ..Default::default()
        }
        .insert(db)
        .await?)
    }

    /// Up to `limit` jobs due at `now` and not claimed, oldest first.
    ///
    /// # Errors
    /// On a database error.
    pub async fn due(
        db: &impl ConnectionTrait,
        now: DateTime<FixedOffset>,
        limit: u64,
    ) -> ModelResult<Vec<Self>> {
        Ok(Entity::find()
            .filter(Column::RunAfter.lte(now))
            .filter(
                Condition::any()
                    .add(Column::ClaimedUntil.is_null())
                    .add(Column::ClaimedUntil.lt(now)),
            )
            .order_by_asc(Column::RunAfter)
            .order_by_asc(Column::Id)
            .limit(limit)
            .all(db)
            .await?)
    }

    /// How many jobs are held, due or not.
    ///
    /// # Errors
    /// On a database error.
    pub async fn waiting(db: &impl ConnectionTrait) -> ModelResult<u64> {
        Ok(Entity::find().count(db).await?)
    }

    /// Claims this job for a lease; false when another process has it.
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
                Column::ClaimedUntil,
                Expr::value(Some(now + Duration::seconds(LEASE_SECONDS))),
            )
            .filter(Column::Id.eq(self.id))
            .filter(
                Condition::any()
                    .add(Column::ClaimedUntil.is_null())
                    .add(Column::ClaimedUntil.lt(now)),
            )
            .exec(db)
            .await?;
        Ok(claimed.rows_affected == 1)
    }

    /// The queue has the job: forget it.
    ///
    /// # Errors
    /// On a database error.
    pub async fn released(self, db: &impl ConnectionTrait) -> ModelResult<()> {
        Entity::delete_by_id(self.id).exec(db).await?;
        Ok(())
    }

    /// The queue still refuses: keep the job, free for the next try.
    ///
    /// # Errors
    /// On a database error.
    pub async fn still_held(self, db: &impl ConnectionTrait, error: &str) -> ModelResult<()> {
        let mut row: ActiveModel = self.into();
        row.claimed_until = ActiveValue::Set(None);
        row.last_error = ActiveValue::Set(Some(error.to_string()));
        row.update(db).await?;
        Ok(())
    }
}
