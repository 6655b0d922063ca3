//! An invoice for a paid charge. Numbers run per workspace without gaps: the
//! counter on the workspace is bumped in the same transaction as the insert,
//! so a failed insert gives its number back. Seller and buyer details are
//! copied at issue time; later profile edits do not rewrite issued invoices.
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};
use loco_rs::{
    prelude::*,
    storage::{stream::BytesStream, Storage},
};
use sea_orm::sea_query::ExprTrait as _;
use sea_orm::TransactionSession as _;
use serde_json::json;

pub use super::_entities::invoices::{self, ActiveModel, Column, Entity, Model};
use super::{charges, customers, money::Money, workspaces};

pub const STATUS_ISSUED: &str = "issued";
pub const STATUS_VOID: &str = "void";
pub const KIND_INVOICE: &str = "invoice";
pub const KIND_CREDIT_NOTE: &str = "credit_note";

/// The next number of the workspace's sequence (invoices and credit notes
/// share it). Bumping the counter takes the workspace row's write lock until
/// commit, which serialises concurrent issuers and keeps numbers gapless.
async fn next_number(
    txn: &impl ConnectionTrait,
    workspace_id: i64,
) -> ModelResult<(workspaces::Model, String)> {
    let workspace = workspaces::Entity::update_many()
        .col_expr(
            workspaces::Column::NextInvoiceNumber,
            Expr::col(workspaces::Column::NextInvoiceNumber).add(1),
        )
        .filter(workspaces::Column::Id.eq(workspace_id))
        .exec_with_returning(txn)
        .await?
        .pop()
        .ok_or(ModelError::EntityNotFound)?;
    let sequence = workspace.next_invoice_number - 1;
    let prefix = workspace
        .invoice_prefix
        .clone()
        .unwrap_or_else(|| workspace.slug.to_uppercase());
    let number = format!("{prefix}-{sequence:06}");
    Ok((workspace, number))
}

fn seller_snapshot(workspace: &workspaces::Model) -> serde_json::Value {
    json!({
        "name": workspace.legal_name.clone().unwrap_or_else(|| workspace.name.clone()),
        "address": workspace.seller_address,
        "tax_id": workspace.tax_id,
        "email": workspace.support_email,
        "accent": workspace.accent_color,
    })
}

fn buyer_snapshot(workspace: &workspaces::Model, customer: &customers::Model) -> serde_json::Value {
    json!({
        "name": customer.name,
        "email": customer.email,
        "address": customer.address_lines(),
        // the language the document is printed in, fixed at issue
        "locale": crate::locale::pick(customer.locale.as_deref(), None, &workspace.default_locale),
    })
}

#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {
    async fn before_save<C>(self, _db: &C, insert: bool) -> Result<Self, DbErr>
    where
        C: ConnectionTrait,
    {
        Ok(super::stamp!(self, insert))
    }
}

/// Tax on a net amount at `rate_bps` basis points, rounded half up, in integers.
#[must_use]
pub fn tax_on(net: i64, rate_bps: i32) -> i64 {
    let product = i128::from(net) * i128::from(rate_bps);
    i64::try_from((product + 5_000) / 10_000).unwrap_or(i64::MAX)
}

/// The tax contained in a gross amount charged at `rate_bps`, rounded half
/// up: the invoice shows `gross - tax` net and `tax`, and totals `gross`,
/// exactly what was charged.
#[must_use]
pub fn tax_included_in(gross: i64, rate_bps: i32) -> i64 {
    let denominator = 10_000 + i128::from(rate_bps);
    let product = i128::from(gross) * i128::from(rate_bps);
    i64::try_from((product + denominator / 2) / denominator).unwrap_or(0)
}

impl Model {
    /// Issues the invoice for a paid charge: allocates the next number,
    /// snapshots seller and buyer, and splits the charged amount into net
    /// and tax. Idempotent: a charge that has an invoice returns it.
    ///
    /// # Errors
    /// `EntityNotFound` when the charge or its customer are not this
    /// workspace's; `Message` when the charge is not paid.
    pub async fn issue_for_charge(
        db: &impl TransactionTrait,
        workspace_id: i64,
        charge_id: i64,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<Self> {
        let txn = crate::models::write_transaction(db).await?;
        let charge = charges::Entity::find_by_id(charge_id)
            .in_tenant(workspace_id)
            .one(&txn)
            .await?
            .ok_or(ModelError::EntityNotFound)?;
        if let Some(existing) = Entity::find()
            .in_tenant(workspace_id)
            .filter(Column::ChargeId.eq(charge.id))
            .one(&txn)
            .await?
        {
            return Ok(existing);
        }
        if charge.status() != Some(charges::Status::Paid) {
            return Err(ModelError::Message(
                "only a paid charge can have an invoice".to_string(),
            ));
        }
        let customer =
            customers::Model::find_in_workspace(&txn, workspace_id, charge.customer_id).await?;
        let invoice = Self::issue(&txn, &customer, &charge, now).await?;
        txn.commit().await?;
        Ok(invoice)
    }

    /// Issues the invoice of `charge`, paid and without one, inside the
    /// caller's write transaction (a renewal issues it in the transaction
    /// that marks the charge paid, so a paid renewal never lacks its invoice).
    ///
    /// # Errors
    /// On a database error.
    pub(crate) async fn issue(
        txn: &impl ConnectionTrait,
        customer: &customers::Model,
        charge: &charges::Model,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<Self> {
        let (workspace, number) = next_number(txn, charge.workspace_id).await?;
        // the charge already includes tax: the invoice totals what was charged
        let (lines, subtotal) = match charge
            .proration
            .as_ref()
            .and_then(|p| p["lines"].as_array())
        {
            // a plan change: its proration lines, net; the tax is the rest
            Some(lines) => (
                serde_json::Value::Array(lines.clone()),
                lines.iter().filter_map(|l| l["amount"].as_i64()).sum(),
            ),
            None => {
                let subtotal =
                    charge.amount - tax_included_in(charge.amount, workspace.tax_rate_bps);
                (
                    json!([{
                        "description": charge.description,
                        "quantity": 1,
                        "unit_amount": subtotal,
                        "amount": subtotal,
                        "period_start": charge.period_start,
                        "period_end": charge.period_end,
                    }]),
                    subtotal,
                )
            }
        };
        let tax = charge.amount - subtotal;
        let invoice = ActiveModel {
            number: Set(number),
            status: Set(STATUS_ISSUED.to_string()),
            currency: Set(charge.currency.clone()),
            subtotal: Set(subtotal),
            tax: Set(tax),
            total: Set(charge.amount),
            tax_rate_bps: Set(workspace.tax_rate_bps),
            lines: Set(lines),
            seller_snapshot: Set(seller_snapshot(&workspace)),
            buyer_snapshot: Set(buyer_snapshot(&workspace, customer)),
            customer_id: Set(customer.id),
            charge_id: Set(Some(charge.id)),
            subscription_id: Set(charge.subscription_id),
            issued_at: Set(Some(now)),
            ..Default::default()
        }
        .set_tenant(workspace.id)?
        .insert(txn)
        .await?;
        Ok(invoice)
    }

    /// Issues the credit note of a refund of `charge`: an invoice of kind
    /// `credit_note` with negative amounts (net and tax split as on the
    /// charge's invoice), numbered in the same gapless sequence, inside the
    /// caller's write transaction.
    ///
    /// # Errors
    /// On a database error.
    pub(crate) async fn issue_credit_note(
        txn: &impl ConnectionTrait,
        customer: &customers::Model,
        charge: &charges::Model,
        refunded: i64,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<Self> {
        let (workspace, number) = next_number(txn, charge.workspace_id).await?;
        let original = Entity::find()
            .in_tenant(workspace.id)
            .filter(Column::ChargeId.eq(charge.id))
            .one(txn)
            .await?;
        let rate = original
            .as_ref()
            .map_or(workspace.tax_rate_bps, |i| i.tax_rate_bps);
        let net = refunded - tax_included_in(refunded, rate);
        let credit_note = ActiveModel {
            number: Set(number),
            kind: Set(KIND_CREDIT_NOTE.to_string()),
            status: Set(STATUS_ISSUED.to_string()),
            currency: Set(charge.currency.clone()),
            subtotal: Set(-net),
            tax: Set(-(refunded - net)),
            total: Set(-refunded),
            tax_rate_bps: Set(rate),
            lines: Set(json!([{
                "description": charge.description,
                "credits_invoice": original.as_ref().map(|i| i.number.clone()),
                "quantity": 1,
                "unit_amount": -net,
                "amount": -net,
                "period_start": charge.period_start,
                "period_end": charge.period_end,
            }])),
            seller_snapshot: Set(seller_snapshot(&workspace)),
            buyer_snapshot: Set(buyer_snapshot(&workspace, customer)),
            customer_id: Set(customer.id),
            charge_id: Set(None),
            subscription_id: Set(charge.subscription_id),
            issued_at: Set(Some(now)),
            ..Default::default()
        }
        .set_tenant(workspace.id)?
        .insert(txn)
        .await?;
        Ok(credit_note)
    }

    /// The customer's credit notes for refunds of these charges, each with
    /// the charge it refunds, oldest first.
    ///
    /// # Errors
    /// On a database error.
    pub async fn credit_notes_for_charges(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        customer_id: i64,
        charge_ids: &[i64],
    ) -> ModelResult<Vec<(i64, Self)>> {
        let refunds =
            super::refunds::Model::succeeded_for_charges(db, workspace_id, charge_ids).await?;
        let ids: Vec<i64> = refunds.iter().filter_map(|r| r.credit_note_id).collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let notes = Entity::find()
            .in_tenant(workspace_id)
            .filter(Column::CustomerId.eq(customer_id))
            .filter(Column::Id.is_in(ids))
            .all(db)
            .await?;
        Ok(refunds
            .iter()
            .filter_map(|r| {
                let note = notes.iter().find(|n| Some(n.id) == r.credit_note_id)?;
                Some((r.charge_id, note.clone()))
            })
            .collect())
    }

    #[must_use]
    pub fn is_credit_note(&self) -> bool {
        self.kind == KIND_CREDIT_NOTE
    }

    /// A page of the workspace's invoices, newest first, before the id
    /// `before` (the CSV export).
    ///
    /// # Errors
    /// On a database error.
    pub async fn newest_first(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        before: Option<i64>,
        limit: u64,
    ) -> ModelResult<Vec<Self>> {
        let mut query = Entity::find().in_tenant(workspace_id);
        if let Some(before) = before {
            query = query.filter(Column::Id.lt(before));
        }
        Ok(query.order_by_desc(Column::Id).limit(limit).all(db).await?)
    }

    /// A customer's newest invoices and credit notes (their console page).
    ///
    /// # Errors
    /// On a database error.
    pub async fn newest_for_customer(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        customer_id: i64,
        limit: u64,
    ) -> ModelResult<Vec<Self>> {
        Ok(Entity::find()
            .in_tenant(workspace_id)
            .filter(Column::CustomerId.eq(customer_id))
            .order_by_desc(Column::Id)
            .limit(limit)
            .all(db)
            .await?)
    }

    /// # Errors
    /// `EntityNotFound` unless the invoice is this customer's in this workspace.
    pub async fn find_for_customer(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        customer_id: i64,
        id: i64,
    ) -> ModelResult<Self> {
        super::tenancy::find_for_customer::<Entity>(db, workspace_id, customer_id, id).await
    }

    #[must_use]
    pub fn total_money(&self) -> Money<'_> {
        Money::new(self.total, &self.currency)
    }

    /// Where the PDF lives in storage.
    #[must_use]
    pub fn storage_key(&self) -> PathBuf {
        PathBuf::from(format!("invoices/{}/{}.pdf", self.workspace_id, self.pid))
    }

    /// The download's file name: the invoice number.
    #[must_use]
    pub fn file_name(&self) -> String {
        let safe: String = self
            .number
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        format!("{safe}.pdf")
    }

    /// The customer's invoices for these charges (a history page's rows).
    ///
    /// # Errors
    /// On a database error.
    pub async fn for_charges(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        customer_id: i64,
        charge_ids: &[i64],
    ) -> ModelResult<Vec<Self>> {
        Ok(Entity::find()
            .in_tenant(workspace_id)
            .filter(Column::CustomerId.eq(customer_id))
            .filter(Column::ChargeId.is_in(charge_ids.iter().copied()))
            .all(db)
            .await?)
    }

    /// Renders the PDF and stores it, once: an invoice that has its PDF is
    /// returned as it is, so a job run twice stores one file.
    ///
    /// # Errors
    /// When rendering, storage or the database fail.
    pub async fn store_pdf(
        self,
        db: &impl ConnectionTrait,
        storage: &Storage,
    ) -> ModelResult<Self> {
        if self.pdf_key.is_some() {
            return Ok(self);
        }
        let pdf = crate::invoice_pdf::render(&self).map_err(|e| ModelError::Any(e.into()))?;
        let key = self.storage_key();
        storage
            .upload(&key, &pdf.into())
            .await
            .map_err(|e| ModelError::Any(e.into()))?;
        let key = key.to_string_lossy().to_string();
        Entity::update_many()
            .col_expr(Column::PdfKey, Expr::value(Some(key.clone())))
            .filter(Column::Id.eq(self.id))
            .filter(Column::PdfKey.is_null())
            .in_tenant(self.workspace_id)
            .exec(db)
            .await?;
        Ok(Self {
            pdf_key: Some(key),
            ..self
        })
    }

    /// The stored PDF, as a stream for the response body.
    ///
    /// # Errors
    /// `EntityNotFound` when the PDF is not stored yet; storage errors.
    pub async fn pdf_stream(&self, storage: &Storage) -> ModelResult<BytesStream> {
        let key = self.pdf_key.as_ref().ok_or(ModelError::EntityNotFound)?;
        storage
            .download_stream(&PathBuf::from(key))
            .await
            .map_err(|e| ModelError::Any(e.into()))
    }

    /// Invoices (in every workspace) whose PDF is not stored yet, by id.
    ///
    /// # Errors
    /// On a database error.
    pub async fn without_pdf(
        db: &impl ConnectionTrait,
        workspace_id: Option<i64>,
        after_id: i64,
        limit: u64,
    ) -> ModelResult<Vec<Self>> {
        let mut query = Entity::find()
            .filter(Column::PdfKey.is_null())
            .filter(Column::Id.gt(after_id));
        if let Some(workspace_id) = workspace_id {
            query = query.in_tenant(workspace_id);
        }
        Ok(query.order_by_asc(Column::Id).limit(limit).all(db).await?)
    }

    /// Paid charges (of one workspace, or all) that have no invoice yet, by id.
    ///
    /// # Errors
    /// On a database error.
    pub async fn uninvoiced_paid_charges(
        db: &impl ConnectionTrait,
        workspace_id: Option<i64>,
        after_id: i64,
        limit: u64,
    ) -> ModelResult<Vec<charges::Model>> {
        let invoiced = sea_orm::sea_query::Query::select()
            .column(Column::ChargeId)
            .from(Entity)
            .and_where(Column::ChargeId.is_not_null())
            .to_owned();
        let mut query = charges::Entity::find()
            .filter(charges::Column::Status.eq(charges::Status::Paid.as_str()))
            .filter(charges::Column::Id.not_in_subquery(invoiced))
            .filter(charges::Column::Id.gt(after_id));
        if let Some(workspace_id) = workspace_id {
            query = query.in_tenant(workspace_id);
        }
        Ok(query
            .order_by_asc(charges::Column::Id)
            .limit(limit)
            .all(db)
            .await?)
    }

    /// Stores every missing PDF (of one workspace, or all), calling
    /// `progress(done)` after each; returns how many were stored.
    ///
    /// # Errors
    /// On the first invoice that cannot be rendered or stored.
    pub async fn store_missing_pdfs(
        db: &impl ConnectionTrait,
        storage: &Storage,
        workspace_id: Option<i64>,
        mut progress: impl FnMut(usize),
    ) -> ModelResult<usize> {
        let mut done = 0;
        let mut after = 0;
        loop {
            let page = Self::without_pdf(db, workspace_id, after, 200).await?;
            let Some(last) = page.last() else {
                return Ok(done);
            };
            after = last.id;
            for invoice in page {
                invoice.store_pdf(db, storage).await?;
                done += 1;
                progress(done);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{tax_included_in, tax_on};

    #[test]
    fn tax_inside_a_gross_amount_adds_back_up() {
        assert_eq!(tax_included_in(3480, 2000), 580);
        assert_eq!(tax_included_in(10_000, 1900), 1597); // 1596.6
        assert_eq!(tax_included_in(2900, 0), 0);
        for gross in [1, 99, 1189, 3480, 123_457] {
            let net = gross - tax_included_in(gross, 1900);
            assert!((net + tax_on(net, 1900) - gross).abs() <= 1);
        }
    }

    #[test]
    fn tax_rounds_half_up_in_integers() {
        assert_eq!(tax_on(2900, 2000), 580);
        assert_eq!(tax_on(999, 1900), 190); // 189.81
        assert_eq!(tax_on(1, 5000), 1); // 0.5 rounds up
        assert_eq!(tax_on(2900, 0), 0);
    }
}
