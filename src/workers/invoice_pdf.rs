//! Renders an invoice's PDF and stores it. Queued after a renewal and by
//! "Generate invoice" (which also emails the customer when it is ready);
//! safe to run twice (an invoice stores one PDF, and mails once).
use loco_rs::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{
    mailers::portal::PortalMailer,
    models::{customers, invoices, workspaces},
    settings::Settings,
};

pub struct InvoicePdfWorker {
    pub ctx: AppContext,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct InvoicePdfArgs {
    pub workspace_id: i64,
    pub invoice_id: i64,
    /// email the customer when the PDF is stored (they asked for it)
    #[serde(default)]
    pub notify: bool,
}

impl InvoicePdfWorker {
    /// Queues the PDF of the invoice for `charge_id`, when it has one;
    /// `notify` emails the customer once it is stored.
    ///
    /// # Errors
    /// On a database error (a queue that is down holds the job instead).
    pub async fn queue_for_charge(
        ctx: &AppContext,
        workspace_id: i64,
        charge_id: i64,
        notify: bool,
    ) -> Result<()> {
        let invoice = invoices::Entity::find()
            .in_tenant(workspace_id)
            .filter(invoices::Column::ChargeId.eq(charge_id))
            .one(&ctx.db)
            .await?;
        match invoice {
            Some(invoice) => Self::queue(ctx, &invoice, notify).await,
            None => Ok(()),
        }
    }

    /// Queues `invoice`'s PDF unless it is stored already.
    ///
    /// # Errors
    /// When neither the queue nor the database takes the job.
    pub async fn queue(ctx: &AppContext, invoice: &invoices::Model, notify: bool) -> Result<()> {
        if invoice.pdf_key.is_some() {
            return Ok(());
        }
        crate::jobs::enqueue::<Self, _>(
            ctx,
            InvoicePdfArgs {
                workspace_id: invoice.workspace_id,
                invoice_id: invoice.id,
                notify,
            },
        )
        .await
    }
}

#[async_trait]
impl BackgroundWorker<InvoicePdfArgs> for InvoicePdfWorker {
    fn build(ctx: &AppContext) -> Self {
        Self { ctx: ctx.clone() }
    }

    async fn perform(&self, args: InvoicePdfArgs) -> Result<()> {
        let invoice = invoices::Entity::find_by_id(args.invoice_id)
            .in_tenant(args.workspace_id)
            .one(&self.ctx.db)
            .await?
            .ok_or(Error::NotFound)?;
        let already = invoice.pdf_key.is_some();
        let invoice = invoice.store_pdf(&self.ctx.db, &self.ctx.storage).await?;
        if args.notify && !already {
            let ctx = &self.ctx;
            let workspace = workspaces::Model::find_by_id(&ctx.db, invoice.workspace_id).await?;
            let customer =
                customers::Model::find_in_workspace(&ctx.db, workspace.id, invoice.customer_id)
                    .await?;
            let lang =
                crate::locale::pick(customer.locale.as_deref(), None, &workspace.default_locale);
            PortalMailer::invoice_ready(
                ctx,
                &Settings::from_context(ctx)?,
                &workspace,
                &customer,
                &invoice,
                lang,
            )
            .await?;
        }
        Ok(())
    }
}
