//! `cargo loco task invoices_backfill [workspace:acme]`: issues the invoice
//! of every paid charge that has none, then renders and stores every
//! invoice PDF that is missing, with progress and a summary. Safe to run
//! twice: a charge has at most one invoice and an invoice one PDF.
use std::io::Write as _;

use chrono::Utc;
use loco_rs::prelude::*;

use crate::models::{invoices, workspaces};

pub struct InvoicesBackfill;

const USAGE: &str = "Usage: cargo loco task invoices_backfill [workspace:<slug>]";
const PAGE: u64 = 500;

fn progress(label: &str, done: usize) {
    print!("\rinvoices_backfill: {label} {done}");
    let _ = std::io::stdout().flush();
}

#[async_trait]
impl Task for InvoicesBackfill {
    fn task(&self) -> TaskInfo {
        TaskInfo {
            name: "invoices_backfill".to_string(),
            detail: format!(
                "Issue an invoice for every paid charge without one and store every missing \
                 invoice PDF (all workspaces, or one).\n{USAGE}"
            ),
        }
    }

    async fn run(&self, ctx: &AppContext, vars: &task::Vars) -> Result<()> {
        let workspace_id = match vars.cli_arg("workspace") {
            Ok(slug) => Some(
                workspaces::Model::find_by_slug(&ctx.db, slug)
                    .await
                    .map_err(|_| {
                        Error::string(&format!(
                            "no workspace with slug `{slug}`: check the slug, or leave \
                             `workspace:` out to backfill every workspace. {USAGE}"
                        ))
                    })?
                    .id,
            ),
            Err(_) => None,
        };
        let now = Utc::now().fixed_offset();
        let mut issued = 0;
        let mut after = 0;
        loop {
            let charges =
                invoices::Model::uninvoiced_paid_charges(&ctx.db, workspace_id, after, PAGE)
                    .await?;
            let Some(last) = charges.last() else {
                break;
            };
            after = last.id;
            for charge in charges {
                invoices::Model::issue_for_charge(&ctx.db, charge.workspace_id, charge.id, now)
                    .await?;
                issued += 1;
                progress("invoices issued", issued);
            }
        }
        if issued > 0 {
            println!();
        }
        let stored =
            invoices::Model::store_missing_pdfs(&ctx.db, &ctx.storage, workspace_id, |done| {
                progress("PDFs stored", done)
            })
            .await
            .map_err(|e| {
                Error::string(&format!(
                    "\nstoring an invoice PDF failed: {e}. Check that PORTAL_STORAGE_DIR is \
                 writable, then run the task again: it continues where it stopped."
                ))
            })?;
        if stored > 0 {
            println!();
        }
        println!("invoices_backfill: {issued} invoices issued, {stored} PDFs stored");
        Ok(())
    }
}
