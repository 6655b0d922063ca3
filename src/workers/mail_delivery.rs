//! Sends one email of the outbox (`models::mail_outbox`). The job carries
//! only the row's id: the message stays sealed in the database, so the
//! queue (its tables, Redis) never holds a sign-in link. Unlike Loco's own
//! mailer job, a send that fails is not lost: the row waits for a retry that
//! the `mails_deliver` sweep queues, for a day.
use chrono::Utc;
use loco_rs::{environment::Environment, mailer::Email, prelude::*};
use serde::{Deserialize, Serialize};

use crate::{models::mail_outbox, settings::Settings};

pub struct MailDeliveryWorker {
    pub ctx: AppContext,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct MailDeliveryArgs {
    /// the `mail_outbox` row
    pub mail_id: i64,
}

impl MailDeliveryWorker {
    /// Writes `email` to the outbox and queues its delivery. When the queue
    /// refuses the job, the row is still there and the sweep sends it.
    ///
    /// # Errors
    /// When the database does not take the row.
    pub async fn send_later(
        ctx: &AppContext,
        workspace_id: Option<i64>,
        email: &Email,
    ) -> Result<()> {
        let secrets = Settings::from_context(ctx)?.secrets();
        let row = mail_outbox::Model::stage(
            &ctx.db,
            &secrets,
            workspace_id,
            email,
            Utc::now().fixed_offset(),
        )
        .await?;
        Self::queue(ctx, row.id).await;
        Ok(())
    }

    /// Queues delivery of an outbox row already written (in a transaction
    /// that has committed). A refusal is logged, not returned: the row waits
    /// for the sweep.
    pub async fn queue(ctx: &AppContext, mail_id: i64) {
        if let Err(err) = Self::perform_later(ctx, MailDeliveryArgs { mail_id }).await {
            tracing::warn!(mail_id, error = %err, "email queued for the outbox sweep: the job queue refused it");
        }
    }

    /// Queues every outbox row due at `now` (retries, and rows whose job was
    /// lost); the number queued. Scheduled as `mails_deliver`.
    ///
    /// # Errors
    /// On a database or queue error.
    pub async fn queue_due(
        ctx: &AppContext,
        now: chrono::DateTime<chrono::FixedOffset>,
    ) -> Result<usize> {
        let due = mail_outbox::Model::due(&ctx.db, now, 1000).await?;
        let count = due.len();
        Self::perform_all_later(
            ctx,
            due.into_iter()
                .map(|mail_id| MailDeliveryArgs { mail_id })
                .collect(),
        )
        .await?;
        Ok(count)
    }
}

#[async_trait]
impl BackgroundWorker<MailDeliveryArgs> for MailDeliveryWorker {
    fn build(ctx: &AppContext) -> Self {
        Self { ctx: ctx.clone() }
    }

    async fn perform(&self, args: MailDeliveryArgs) -> Result<()> {
        let ctx = &self.ctx;
        let now = Utc::now().fixed_offset();
        // sent already, or another worker has it: nothing to do
        let Some(row) = mail_outbox::Model::claim(&ctx.db, args.mail_id, now).await? else {
            return Ok(());
        };
        let secrets = Settings::from_context(ctx)?.secrets();
        let Some(mailer) = &ctx.mailer else {
            // development without SMTP: the outbox page shows it instead
            if ctx.environment == Environment::Development {
                crate::mailers::dev_outbox::save(&secrets, &row.open(&secrets)?)?;
                row.sent(&ctx.db, Utc::now().fixed_offset()).await?;
                return Ok(());
            }
            row.failed(&ctx.db, "no mailer is configured", now).await?;
            return Err(Error::string(
                "no mailer is configured: set SMTP_HOST (and SMTP_PORT, SMTP_USER, SMTP_PASSWORD)",
            ));
        };
        let email = row.open(&secrets)?;
        match mailer.mail(&email).await {
            Ok(()) => {
                row.sent(&ctx.db, Utc::now().fixed_offset()).await?;
                Ok(())
            }
            Err(err) => {
                let (mail_id, attempts) = (row.id, row.attempts + 1);
                // the subject, never the body: a sign-in email's body is a credential
                let subject = row.subject.clone();
                match row
                    .failed(&ctx.db, &err.to_string(), Utc::now().fixed_offset())
                    .await?
                {
                    Some(retry_at) => {
                        tracing::warn!(mail_id, subject, attempts, %retry_at, error = %err, "email not sent; it will be retried");
                        Ok(())
                    }
                    None => {
                        tracing::error!(mail_id, subject, attempts, error = %err, "gave up sending an email after a day");
                        Err(err)
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::models::mail_outbox::retry_delay;

    #[test]
    fn retries_back_off_from_ten_seconds_to_fifteen_minutes() {
        let delays: Vec<u64> = (1..=9).map(|n| retry_delay(n).as_secs()).collect();
        assert_eq!(delays, [10, 20, 40, 80, 160, 320, 640, 900, 900]);
    }
}
