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
    policy: crate::urls::Policy,
    secrets: crate::secrets::Secrets,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct WebhookDeliveryArgs {
    pub workspace_id: i64,
    pub endpoint_id: i64,
}

#[async_trait]
impl BackgroundWorker<WebhookDeliveryArgs> for WebhookDeliveryWorker {
    fn build(ctx: &AppContext) -> Self {
        // settings were checked at boot (App::after_context)
        let settings = crate::settings::Settings::from_context(ctx).ok();
        let policy = settings
            .as_ref()
            .map(|s| s.url_policy())
            .unwrap_or_default();
        let secrets = settings.map_or_else(|| crate::secrets::Secrets::new(""), |s| s.secrets());
        Self {
            ctx: ctx.clone(),
            http: webhooks::client(policy).unwrap_or_default(),
            policy,
            secrets,
        }
    }

    async fn perform(&self, args: WebhookDeliveryArgs) -> Result<()> {
        webhooks::deliver_endpoint(
            &self.ctx.db,
            &self.http,
            self.policy,
            &self.secrets,
            args.workspace_id,
            args.endpoint_id,
            Utc::now().fixed_offset(),
        )
        .await?;
        Ok(())
    }
}
