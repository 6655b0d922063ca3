//! Refunds: money back from a paid charge, in full or in part, through the
//! gateway, once per idempotency key, never more than was paid.
//!
//! The amount is reserved on the charge (`amount_refunded`) by one
//! conditional update before the gateway is asked, so two refunds at once
//! (two tabs, two API calls) cannot together return more than the charge
//! took. A refund the gateway refuses gives its reservation back; one whose
//! outcome is unknown (the gateway could not be reached) stays pending and
//! is asked again, under the same gateway key, when the same request is
//! repeated. A refund that goes through gets a credit note (numbered in the
//! invoices' sequence, with a PDF) and a `charge.refunded` webhook event.
use chrono::{DateTime, FixedOffset};
use loco_rs::prelude::*;
use sea_orm::{
    sea_query::Expr, sea_query::ExprTrait as _, SqlErr, TransactionSession as _, TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

pub use super::_entities::refunds::{ActiveModel, Column, Entity, Model};
use super::{charges, customers, events, invoices, money::Money};
use crate::gateway::{PaymentGateway, RefundOutcome, RefundRequest};

pub const CHARGE_REFUNDED: &str = "charge.refunded";
/// Why a merchant refunds (Stripe's reasons, which card networks know).
pub const REASONS: [&str; 3] = ["requested_by_customer", "duplicate", "fraudulent"];
pub const STATUS_PENDING: &str = "pending";
pub const STATUS_SUCCEEDED: &str = "succeeded";
pub const STATUS_FAILED: &str = "failed";

#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {
    async fn before_save<C>(self, _db: &C, insert: bool) -> std::result::Result<Self, DbErr>
    where
        C: ConnectionTrait,
    {
        let mut this = self;
        if insert && this.pid.is_not_set() {
            this.pid = Set(Uuid::new_v4());
        }
        if !insert && this.updated_at.is_unchanged() {
            this.updated_at = Set(chrono::Utc::now().into());
        }
        Ok(this)
    }
}

/// What a merchant asks for.
#[derive(Debug, Clone, Default)]
pub struct NewRefund {
    /// Minor units; none: everything not yet refunded.
    pub amount: Option<i64>,
    pub reason: Option<String>,
    /// Same key, same refund (a double click, a retried API call).
    pub idempotency_key: String,
    /// The console user who asked (none: the API).
    pub by_user: Option<i64>,
}

fn refused(message: impl Into<String>) -> ModelError {
    ModelError::Message(message.into())
}

impl Model {
    #[must_use]
    pub fn money(&self) -> Money<'_> {
        Money::new(self.amount, &self.currency)
    }

    /// The credit note issued for this refund (none until it went through).
    ///
    /// # Errors
    /// On a database error.
    pub async fn credit_note(
        &self,
        db: &impl ConnectionTrait,
    ) -> ModelResult<Option<invoices::Model>> {
        let Some(id) = self.credit_note_id else {
            return Ok(None);
        };
        Ok(invoices::Entity::find_by_id(id)
            .in_tenant(self.workspace_id)
            .one(db)
            .await?)
    }

    /// The key the gateway sees: one per refund, whichever request asks.
    fn gateway_key(&self) -> String {
        format!("refund_{}", self.pid.simple())
    }

    /// The refunds of these charges that went through, oldest first.
    ///
    /// # Errors
    /// On a database error.
    pub async fn succeeded_for_charges(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        charge_ids: &[i64],
    ) -> ModelResult<Vec<Self>> {
        Ok(Entity::find()
            .in_tenant(workspace_id)
            .filter(Column::ChargeId.is_in(charge_ids.to_vec()))
            .filter(Column::Status.eq(STATUS_SUCCEEDED))
            .order_by_asc(Column::Id)
            .all(db)
            .await?)
    }

    /// Refunds (part of) the paid charge `charge_id` of the workspace; with
    /// whether this request made it (`false`: an earlier one with the same
    /// key did).
    ///
    /// # Errors
    /// `EntityNotFound` for a charge not of this workspace; `Message`, in
    /// words for the merchant, when the charge cannot be refunded, the amount
    /// is not above zero or more than is left, the key was used for another
    /// refund, or the gateway refused; a database or gateway error otherwise
    /// (the refund then stays pending and the same request asks again).
    pub async fn issue<D>(
        db: &D,
        gateway: &dyn PaymentGateway,
        workspace_id: i64,
        charge_id: i64,
        new: &NewRefund,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<(Self, bool)>
    where
        D: ConnectionTrait + TransactionTrait,
    {
        let charge = charges::Entity::find_by_id(charge_id)
            .in_tenant(workspace_id)
            .one(db)
            .await?
            .ok_or(ModelError::EntityNotFound)?;
        let refund = match Self::by_key(db, workspace_id, &new.idempotency_key).await? {
            Some(earlier) => {
                if earlier.charge_id != charge.id || new.amount.is_some_and(|a| a != earlier.amount)
                {
                    return Err(refused(
                        "this idempotency key was already used for another refund",
                    ));
                }
                if earlier.status == STATUS_FAILED {
                    return Err(refused(format!(
                        "the payment service refused the refund: {}",
                        earlier.failure_message.unwrap_or_default()
                    )));
                }
                if earlier.status != STATUS_PENDING {
                    return Ok((earlier, false));
                }
                earlier
            }
            None => Self::reserve(db, &charge, new).await?,
        };
        let outcome = gateway
            .refund(&RefundRequest {
                charge_reference: charge.gateway_charge_ref.clone().unwrap_or_default(),
                amount: refund.amount,
                currency: refund.currency.clone(),
                idempotency_key: refund.gateway_key(),
            })
            .await
            .map_err(|e| ModelError::Any(Box::new(e)))?;
        match outcome {
            RefundOutcome::Succeeded { reference } => {
                Ok((Self::settle(db, refund, &reference, now).await?, true))
            }
            RefundOutcome::Failed { message, .. } => {
                Self::give_back(db, refund, &message).await?;
                Err(refused(format!(
                    "the payment service refused the refund: {message}"
                )))
            }
        }
    }

    async fn by_key(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        key: &str,
    ) -> ModelResult<Option<Self>> {
        Ok(Entity::find()
            .in_tenant(workspace_id)
            .filter(Column::IdempotencyKey.eq(key))
            .one(db)
            .await?)
    }

    /// Checks the amount, takes it from what is left to refund and records
    /// the refund as pending, in one write transaction.
    async fn reserve<D>(db: &D, charge: &charges::Model, new: &NewRefund) -> ModelResult<Self>
    where
        D: ConnectionTrait + TransactionTrait,
    {
        if charge.status() != Some(charges::Status::Paid) {
            return Err(refused(
                if charge.status() == Some(charges::Status::Refunded) {
                    "this payment is already refunded in full".to_string()
                } else {
                    "only a paid charge can be refunded".to_string()
                },
            ));
        }
        let left = charge.refundable();
        let too_much = || {
            refused(format!(
                "a refund cannot be more than what is left of the payment ({})",
                Money::new(left, &charge.currency).plain()
            ))
        };
        let amount = new.amount.unwrap_or(left);
        if amount <= 0 {
            return Err(refused("enter an amount above zero"));
        }
        if amount > left {
            return Err(too_much());
        }
        let txn = super::write_transaction(db).await?;
        let taken = charges::Entity::update_many()
            .col_expr(
                charges::Column::AmountRefunded,
                Expr::col(charges::Column::AmountRefunded).add(amount),
            )
            .filter(charges::Column::Id.eq(charge.id))
            .filter(charges::Column::Status.eq(charges::Status::Paid.as_str()))
            .filter(
                Expr::col(charges::Column::AmountRefunded)
                    .add(amount)
                    .lte(Expr::col(charges::Column::Amount)),
            )
            .exec(&txn)
            .await?;
        if taken.rows_affected == 0 {
            // another refund took it first
            return Err(too_much());
        }
        let inserted = ActiveModel {
            amount: Set(amount),
            currency: Set(charge.currency.clone()),
            reason: Set(new
                .reason
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(String::from)),
            idempotency_key: Set(new.idempotency_key.clone()),
            status: Set(STATUS_PENDING.to_string()),
            refunded_by_user_id: Set(new.by_user),
            charge_id: Set(charge.id),
            customer_id: Set(charge.customer_id),
            ..Default::default()
        }
        .set_tenant(charge.workspace_id)?
        .insert(&txn)
        .await;
        match inserted {
            Ok(refund) => {
                txn.commit().await?;
                Ok(refund)
            }
            Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                // the same key at the same moment: that request carries on
                txn.rollback().await?;
                Err(refused(
                    "this refund is already being made: reload to see it",
                ))
            }
            Err(err) => Err(err.into()),
        }
    }

    /// The gateway returned the money: the refund, the charge, its credit
    /// note and the webhook event, in one transaction.
    async fn settle<D>(
        db: &D,
        refund: Self,
        reference: &str,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<Self>
    where
        D: ConnectionTrait + TransactionTrait,
    {
        let txn = super::write_transaction(db).await?;
        let charge = charges::Entity::find_by_id(refund.charge_id)
            .in_tenant(refund.workspace_id)
            .one(&txn)
            .await?
            .ok_or(ModelError::EntityNotFound)?;
        let charge = if charge.amount_refunded >= charge.amount {
            let mut whole = charge.into_active_model();
            whole.status = Set(charges::Status::Refunded.as_str().to_string());
            whole.refunded_at = Set(Some(now));
            whole.update(&txn).await?
        } else {
            charge
        };
        let customer =
            customers::Model::find_in_workspace(&txn, refund.workspace_id, refund.customer_id)
                .await?;
        let credit_note =
            invoices::Model::issue_credit_note(&txn, &customer, &charge, refund.amount, now)
                .await?;
        let mut done = refund.into_active_model();
        done.status = Set(STATUS_SUCCEEDED.to_string());
        done.gateway_refund_ref = Set(Some(reference.to_string()));
        done.credit_note_id = Set(Some(credit_note.id));
        let done = done.update(&txn).await?;
        events::Model::publish(
            &txn,
            done.workspace_id,
            CHARGE_REFUNDED,
            Some(done.customer_id),
            json!({
                "charge": {
                    "id": charge.pid,
                    "amount": charge.amount,
                    "amount_refunded": charge.amount_refunded,
                    "currency": charge.currency,
                    "status": charge.status,
                },
                "refund": {
                    "id": done.pid,
                    "amount": done.amount,
                    "currency": done.currency,
                    "reason": done.reason,
                    "credit_note": credit_note.number,
                },
            }),
        )
        .await?;
        txn.commit().await?;
        Ok(done)
    }

    /// The gateway refused: the reserved amount is free again.
    async fn give_back<D>(db: &D, refund: Self, message: &str) -> ModelResult<()>
    where
        D: ConnectionTrait + TransactionTrait,
    {
        let txn = super::write_transaction(db).await?;
        charges::Entity::update_many()
            .col_expr(
                charges::Column::AmountRefunded,
                Expr::col(charges::Column::AmountRefunded).sub(refund.amount),
            )
            .filter(charges::Column::Id.eq(refund.charge_id))
            .exec(&txn)
            .await?;
        let mut failed = refund.into_active_model();
        failed.status = Set(STATUS_FAILED.to_string());
        failed.failure_message = Set(Some(message.to_string()));
        failed.update(&txn).await?;
        txn.commit().await?;
        Ok(())
    }
}
