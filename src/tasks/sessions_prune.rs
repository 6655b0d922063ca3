//! `cargo loco task sessions_prune`: removes dead portal sessions and old
//! sign-in links. Scheduled hourly (config `scheduler:`); safe to run any time.
use chrono::Utc;
use loco_rs::prelude::*;

use crate::models::{customer_sessions, sign_in_requests, sign_in_tokens};

pub struct SessionsPrune;

#[async_trait]
impl Task for SessionsPrune {
    fn task(&self) -> TaskInfo {
        TaskInfo {
            name: "sessions_prune".to_string(),
            detail: "Delete expired or revoked portal sessions, sign-in links expired over a day \
                     ago and old rate-limit entries.\nUsage: cargo loco task sessions_prune"
                .to_string(),
        }
    }

    async fn run(&self, ctx: &AppContext, _vars: &task::Vars) -> Result<()> {
        let now = Utc::now().fixed_offset();
        let sessions = customer_sessions::Model::prune(&ctx.db, now).await?;
        let links = sign_in_tokens::Model::prune(&ctx.db, now).await?;
        let requests = sign_in_requests::Model::prune(&ctx.db, now).await?;
        println!(
            "pruned {sessions} sessions, {links} sign-in links and {requests} rate-limit entries"
        );
        Ok(())
    }
}
