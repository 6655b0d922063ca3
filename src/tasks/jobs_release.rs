//! `cargo loco task jobs_release`: hands the jobs held in the database
//! (refused by a queue that was down, or waiting to retry, like an email
//! while SMTP was down) back to the queue once they are due. Scheduled every
//! 10 seconds; safe to run twice.
use chrono::Utc;
use loco_rs::prelude::*;

pub struct JobsRelease;

#[async_trait]
impl Task for JobsRelease {
    fn task(&self) -> TaskInfo {
        TaskInfo {
            name: "jobs_release".to_string(),
            detail: "Queue the held jobs that are due (queue outages, mail retries).\n\
                     Usage: cargo loco task jobs_release"
                .to_string(),
        }
    }

    async fn run(&self, ctx: &AppContext, _vars: &task::Vars) -> Result<()> {
        let released = crate::jobs::release_due(ctx, Utc::now().fixed_offset()).await?;
        println!(
            "jobs_release: {} queued, {} still held",
            released.queued, released.waiting
        );
        Ok(())
    }
}
