//! One subscription's renewal, as a job: charge, settle (writing the
//! customer's receipt, or the failed-payment notice with a link to the
//! portal, into the mail outbox with the settlement), then queue the invoice
//! PDF and the email. Safe to run twice: the charge and the settlement happen once,
//! and only the run that settled sends mail.
use chrono::Utc;
use loco_rs::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{
    gateway,
    mailers::portal::PortalMailer,
    models::renewals::{self, Renewal},
    settings::Settings,
    workers::{invoice_pdf::InvoicePdfWorker, mail_delivery::MailDeliveryWorker},
};

pub struct RenewalWorker {
    pub ctx: AppContext,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct RenewalArgs {
    pub workspace_id: i64,
    pub subscription_id: i64,
}

#[async_trait]
impl BackgroundWorker<RenewalArgs> for RenewalWorker {
    fn build(ctx: &AppContext) -> Self {
        Self { ctx: ctx.clone() }
    }

    async fn perform(&self, args: RenewalArgs) -> Result<()> {
        let ctx = &self.ctx;
        let gateway = gateway::from_context(ctx)?;
        let now = Utc::now().fixed_offset();
        let settings = Settings::from_context(ctx)?;
        let secrets = settings.secrets();
        let mail = PortalMailer::settlement_mail(&settings, &secrets);
        let outcome = renewals::renew(
            &ctx.db,
            gateway.as_ref(),
            args.workspace_id,
            args.subscription_id,
            now,
            Some(&mail),
        )
        .await?;
        match outcome {
            Renewal::Renewed {
                invoice, receipt, ..
            } => {
                InvoicePdfWorker::queue(ctx, &invoice, false).await?;
                if let Some(mail_id) = receipt {
                    MailDeliveryWorker::queue(ctx, mail_id).await;
                }
                Ok(())
            }
            Renewal::Failed { notice, .. } => {
                if let Some(mail_id) = notice {
                    MailDeliveryWorker::queue(ctx, mail_id).await;
                }
                Ok(())
            }
            Renewal::NotDue | Renewal::AlreadySettled | Renewal::Ended | Renewal::Paused { .. } => {
                Ok(())
            }
        }
    }
}
