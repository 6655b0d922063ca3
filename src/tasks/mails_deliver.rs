//! `cargo loco task mails_deliver`: queues delivery of every email in the
//! outbox that is due: retries after a failed send, and emails whose own job
//! was lost (a worker that died, the queue down). Scheduled every 10
//! seconds; safe to run twice (a row is claimed before it is sent).
use chrono::Utc;
use loco_rs::prelude::*;

use crate::workers::mail_delivery::MailDeliveryWorker;

pub struct MailsDeliver;

#[async_trait]
impl Task for MailsDeliver {
    fn task(&self) -> TaskInfo {
        TaskInfo {
            name: "mails_deliver".to_string(),
            detail:
                "Queue delivery of every email in the outbox that is due (retries and lost jobs).\n\
                     Usage: cargo loco task mails_deliver"
                    .to_string(),
        }
    }

    async fn run(&self, ctx: &AppContext, _vars: &task::Vars) -> Result<()> {
        let queued = MailDeliveryWorker::queue_due(ctx, Utc::now().fixed_offset()).await?;
        println!("mails_deliver: {queued} emails due, queued");
        Ok(())
    }
}
