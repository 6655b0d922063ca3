//! `cargo loco task renewals_run`: the renewal sweep. Finds every
//! subscription whose renewal or retry is due and queues one renewal job
//! each, in batches, with progress. Scheduled every minute; safe to run
//! twice (a renewal charges each attempt once).
use std::io::Write as _;

use chrono::Utc;
use loco_rs::prelude::*;

use crate::{
    models::renewals,
    workers::renewal::{RenewalArgs, RenewalWorker},
};

pub struct RenewalsRun;

const BATCH: u64 = 500;

#[async_trait]
impl Task for RenewalsRun {
    fn task(&self) -> TaskInfo {
        TaskInfo {
            name: "renewals_run".to_string(),
            detail: "Queue a renewal job for every subscription due now (renewals and dunning \
                     retries).\nUsage: cargo loco task renewals_run"
                .to_string(),
        }
    }

    async fn run(&self, ctx: &AppContext, _vars: &task::Vars) -> Result<()> {
        let now = Utc::now().fixed_offset();
        // Collect first (by id pages): jobs may run while we enqueue, and a
        // renewed subscription must not be queued again in the same sweep.
        let mut due = Vec::new();
        loop {
            let after = due.last().map_or(0, |(_, id)| *id);
            let page = renewals::due(&ctx.db, now, after, BATCH).await?;
            if page.is_empty() {
                break;
            }
            due.extend(page);
        }
        let total = due.len();
        let mut queued = 0;
        for batch in due.chunks(usize::try_from(BATCH).unwrap_or(500)) {
            let jobs = batch
                .iter()
                .map(|(workspace_id, subscription_id)| RenewalArgs {
                    workspace_id: *workspace_id,
                    subscription_id: *subscription_id,
                })
                .collect();
            RenewalWorker::perform_all_later(ctx, jobs).await?;
            queued += batch.len();
            print!("\rrenewals: queued {queued}/{total}");
            let _ = std::io::stdout().flush();
        }
        println!("\rrenewals: {total} due, {queued} queued at {now}");
        Ok(())
    }
}
