//! Delivers one endpoint's due webhook events. Queued by the
//! `webhooks_deliver` sweep; safe to run twice or in parallel (each
//! delivery is claimed before it is sent).
use chrono::Utc;
use loco_rs::prelude::*;
use serde::{Deserialize, Serialize};

use crate::webhooks;

pub struct WebhookDeliveryWorker {
    pub ctx: AppContext,
    http: reqwest::Client,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct WebhookDeliveryArgs {
    pub workspace_id: i64,
    pub endpoint_id: i64,
}

#[async_trait]
impl BackgroundWorker<WebhookDeliveryArgs> for WebhookDeliveryWorker {
    fn build(ctx: &AppContext) -> Self {
        Self {
            ctx: ctx.clone(),
            http: webhooks::client().unwrap_or_default(),
        }
    }

    async fn perform(&self, args: WebhookDeliveryArgs) -> Result<()> {
        webhooks::deliver_endpoint(
            &self.ctx.db,
            &self.http,
            args.workspace_id,
            args.endpoint_id,
            Utc::now().fixed_offset(),
        )
        .await?;
        Ok(())
    }
}
