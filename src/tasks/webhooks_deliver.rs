//! `cargo loco task webhooks_deliver`: queues one delivery job per webhook
//! endpoint with events due (new ones and retries). Scheduled every 10
//! seconds; safe to run twice.
use chrono::Utc;
use loco_rs::prelude::*;

use crate::{
    models::webhook_deliveries,
    workers::webhook_delivery::{WebhookDeliveryArgs, WebhookDeliveryWorker},
};

pub struct WebhooksDeliver;

#[async_trait]
impl Task for WebhooksDeliver {
    fn task(&self) -> TaskInfo {
        TaskInfo {
            name: "webhooks_deliver".to_string(),
            detail: "Queue delivery of every webhook event that is due (new and retried).\n\
                     Usage: cargo loco task webhooks_deliver"
                .to_string(),
        }
    }

    async fn run(&self, ctx: &AppContext, _vars: &task::Vars) -> Result<()> {
        let due =
            webhook_deliveries::Model::endpoints_due(&ctx.db, Utc::now().fixed_offset()).await?;
        let endpoints = due.len();
        let jobs = due
            .into_iter()
            .map(|(workspace_id, endpoint_id)| WebhookDeliveryArgs {
                workspace_id,
                endpoint_id,
            })
            .collect();
        WebhookDeliveryWorker::perform_all_later(ctx, jobs).await?;
        println!("webhooks_deliver: {endpoints} endpoints with events due, queued");
        Ok(())
    }
}
