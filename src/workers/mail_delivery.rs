//! Sends one email over the configured mailer. Unlike Loco's own mailer job,
//! a send that fails (the SMTP server down or refusing) is not lost: the job
//! holds itself in `deferred_jobs` and is tried again with a growing delay,
//! for a day, before it gives up.
use std::time::Duration;

use chrono::{DateTime, Utc};
use loco_rs::{mailer::Email, prelude::*};
use serde::{Deserialize, Serialize};

pub struct MailDeliveryWorker {
    pub ctx: AppContext,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct MailDeliveryArgs {
    pub email: Email,
    /// failed sends so far
    #[serde(default)]
    pub attempts: u32,
    pub first_tried_at: DateTime<Utc>,
}

/// The first retry's delay; each next one doubles, up to `MAX_DELAY`.
const FIRST_DELAY: Duration = Duration::from_secs(10);
const MAX_DELAY: Duration = Duration::from_secs(15 * 60);
/// After this long a message is dropped (and the drop logged as an error).
const GIVE_UP_AFTER: chrono::TimeDelta = chrono::TimeDelta::hours(24);

/// The wait before retry number `attempts` (1 for the first).
#[must_use]
pub fn retry_delay(attempts: u32) -> Duration {
    FIRST_DELAY
        .saturating_mul(2u32.saturating_pow(attempts.saturating_sub(1)))
        .min(MAX_DELAY)
}

impl MailDeliveryWorker {
    /// Queues `email` for sending (held in the database when the queue is down).
    ///
    /// # Errors
    /// When neither the queue nor the database takes it.
    pub async fn send_later(ctx: &AppContext, email: Email) -> Result<()> {
        crate::jobs::enqueue::<Self, _>(
            ctx,
            MailDeliveryArgs {
                email,
                attempts: 0,
                first_tried_at: Utc::now(),
            },
        )
        .await
    }
}

#[async_trait]
impl BackgroundWorker<MailDeliveryArgs> for MailDeliveryWorker {
    fn build(ctx: &AppContext) -> Self {
        Self { ctx: ctx.clone() }
    }

    async fn perform(&self, args: MailDeliveryArgs) -> Result<()> {
        let Some(mailer) = &self.ctx.mailer else {
            return Err(Error::string(
                "no mailer is configured: set SMTP_HOST (and SMTP_PORT, SMTP_USER, SMTP_PASSWORD)",
            ));
        };
        let Err(err) = mailer.mail(&args.email).await else {
            return Ok(());
        };
        let attempts = args.attempts + 1;
        let delay = retry_delay(attempts);
        let retry_at = Utc::now() + chrono::Duration::from_std(delay).unwrap_or_default();
        if retry_at > args.first_tried_at + GIVE_UP_AFTER {
            // the subject, not the body: a sign-in email's body is a credential
            tracing::error!(subject = args.email.subject, attempts, error = %err, "gave up sending an email after a day");
            return Err(err);
        }
        tracing::warn!(
            subject = args.email.subject,
            attempts,
            retry_in_seconds = delay.as_secs(),
            error = %err,
            "email not sent; it will be retried"
        );
        let error = err.to_string();
        crate::jobs::retry_later::<Self, _>(
            &self.ctx,
            &MailDeliveryArgs { attempts, ..args },
            attempts,
            delay,
            &error,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_from_ten_seconds_to_fifteen_minutes() {
        let delays: Vec<u64> = (1..=9).map(|n| retry_delay(n).as_secs()).collect();
        assert_eq!(delays, [10, 20, 40, 80, 160, 320, 640, 900, 900]);
    }
}
