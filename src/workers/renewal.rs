//! One subscription's renewal, as a job: charge, settle, queue the invoice
//! PDF, then email the customer (a receipt, or a failed-payment notice with
//! a link to the portal). Safe to run twice: the charge and the settlement happen once,
//! and only the run that settled sends mail.
use chrono::Utc;
use loco_rs::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{
    gateway,
    mailers::portal::PortalMailer,
    models::{
        charges, customers, invoices,
        renewals::{self, Renewal},
        workspaces,
    },
    settings::Settings,
    workers::invoice_pdf::InvoicePdfWorker,
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
        let outcome = renewals::renew(
            &ctx.db,
            gateway.as_ref(),
            args.workspace_id,
            args.subscription_id,
            now,
        )
        .await?;
        let charge_id = match outcome {
            Renewal::Renewed { charge_id } | Renewal::Failed { charge_id, .. } => charge_id,
            Renewal::NotDue | Renewal::AlreadySettled => return Ok(()),
        };
        let workspace = workspaces::Model::find_by_id(&ctx.db, args.workspace_id).await?;
        let charge = charges::Entity::find_by_id(charge_id)
            .in_tenant(workspace.id)
            .one(&ctx.db)
            .await?
            .ok_or(Error::NotFound)?;
        let customer =
            customers::Model::find_in_workspace(&ctx.db, workspace.id, charge.customer_id).await?;
        let settings = Settings::from_context(ctx)?;
        let lang = crate::locale::pick(customer.locale.as_deref(), None, &workspace.default_locale);
        match outcome {
            Renewal::Renewed { .. } => {
                let invoice = invoices::Entity::find()
                    .in_tenant(workspace.id)
                    .filter(invoices::Column::ChargeId.eq(charge.id))
                    .one(&ctx.db)
                    .await?;
                InvoicePdfWorker::queue_for_charge(ctx, workspace.id, charge.id, false).await?;
                PortalMailer::receipt(
                    ctx,
                    &settings,
                    &workspace,
                    &customer,
                    &charge,
                    invoice.as_ref(),
                    lang,
                )
                .await
            }
            Renewal::Failed {
                retry_at,
                cancelled,
                ..
            } => {
                PortalMailer::payment_failed(
                    ctx, &settings, &workspace, &customer, &charge, retry_at, cancelled, lang,
                )
                .await
            }
            Renewal::NotDue | Renewal::AlreadySettled => Ok(()),
        }
    }
}
