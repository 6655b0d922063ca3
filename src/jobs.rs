//! Handing jobs to the queue without losing them. Loco's queue neither keeps
//! a job it could not take (Redis down: `perform_later` fails) nor retries a
//! job that failed. Jobs that matter go through here instead (emails have
//! their own outbox, `models::mail_outbox`): what the queue refuses, or what
//! asks to run again later, is
//! held in `deferred_jobs`, and the scheduled `jobs_release` task hands it
//! back once it is due and the queue answers.
use std::time::Duration;

use chrono::Utc;
use loco_rs::{bgworker::BackgroundWorker, config::WorkerMode, prelude::*};
use serde::{de::DeserializeOwned, Serialize};

use crate::{
    models::deferred_jobs,
    workers::{invoice_pdf::InvoicePdfWorker, sign_in_mail::SignInMailWorker},
};

/// Queues `args` for worker `W`; when the queue cannot take the job, holds it
/// in the database instead (and still succeeds: the job is safe).
///
/// # Errors
/// When the queue refused and the database did too, or, when jobs run in the
/// foreground, the job's own error.
pub async fn enqueue<W, A>(ctx: &AppContext, args: A) -> Result<()>
where
    W: BackgroundWorker<A>,
    A: Serialize + DeserializeOwned + Send + Sync + Clone + 'static,
{
    let queued = W::perform_later(ctx, args.clone()).await;
    match queued {
        Err(err) if ctx.config.workers.mode == WorkerMode::BackgroundQueue => {
            tracing::warn!(
                worker = W::class_name(),
                error = %err,
                "the queue did not take the job; held in deferred_jobs until it does"
            );
            hold::<W, A>(ctx, &args, 0, Duration::ZERO, &err.to_string()).await
        }
        other => other.map(|_| ()),
    }
}

async fn hold<W, A>(
    ctx: &AppContext,
    args: &A,
    attempts: u32,
    delay: Duration,
    error: &str,
) -> Result<()>
where
    W: BackgroundWorker<A>,
    A: Serialize + DeserializeOwned + Send + Sync + Clone + 'static,
{
    let run_after = Utc::now() + chrono::Duration::from_std(delay).unwrap_or_default();
    deferred_jobs::Model::hold(
        &ctx.db,
        &W::class_name(),
        &serde_json::to_value(args)?,
        i32::try_from(attempts).unwrap_or(i32::MAX),
        run_after.fixed_offset(),
        Some(error),
    )
    .await?;
    Ok(())
}

/// What one `release_due` did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Released {
    /// handed to the queue
    pub queued: usize,
    /// still held: not due yet, claimed elsewhere, or the queue still refuses
    pub waiting: u64,
}

/// Hands every held job due at `now` back to the queue; stops at the first
/// refusal (the queue is still down) and leaves the rest for the next run.
///
/// # Errors
/// On a database error.
pub async fn release_due(
    ctx: &AppContext,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> Result<Released> {
    let mut released = Released::default();
    'batches: loop {
        let due = deferred_jobs::Model::due(&ctx.db, now, 500).await?;
        if due.is_empty() {
            break;
        }
        for job in due {
            if !job.claim(&ctx.db, now).await? {
                continue;
            }
            match dispatch(ctx, &job.worker, &job.args).await {
                Ok(()) => {
                    job.released(&ctx.db).await?;
                    released.queued += 1;
                }
                Err(err) => {
                    tracing::warn!(worker = job.worker, error = %err, "held job not released");
                    job.still_held(&ctx.db, &err.to_string()).await?;
                    break 'batches;
                }
            }
        }
    }
    released.waiting = deferred_jobs::Model::waiting(&ctx.db).await?;
    Ok(released)
}

/// The workers whose jobs may be held: one line each.
async fn dispatch(ctx: &AppContext, worker: &str, args: &str) -> Result<()> {
    if worker == SignInMailWorker::class_name() {
        again::<SignInMailWorker, _>(ctx, args).await
    } else if worker == InvoicePdfWorker::class_name() {
        again::<InvoicePdfWorker, _>(ctx, args).await
    } else {
        Err(Error::string(&format!(
            "a held job names the unknown worker {worker}: delete its deferred_jobs row or \
             deploy the version that has the worker"
        )))
    }
}

async fn again<W, A>(ctx: &AppContext, args: &str) -> Result<()>
where
    W: BackgroundWorker<A>,
    A: Serialize + DeserializeOwned + Send + Sync + Clone + 'static,
{
    let args: A = serde_json::from_str(args)?;
    W::perform_later(ctx, args).await.map(|_| ())
}
