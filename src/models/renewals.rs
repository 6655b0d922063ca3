//! Renewals: charging a subscription for its next period, once.
//!
//! The idempotency key is the subscription, the period and the attempt
//! number, so a job that runs twice, or two workers racing, record one charge
//! and the gateway charges once; the subscription moves on with a conditional
//! update that only the first finisher wins. A failure puts the subscription
//! past due and schedules the next automatic retry from the workspace's
//! dunning schedule; after the last one it is cancelled (or left unpaid).
use chrono::{DateTime, Duration, FixedOffset};
use loco_rs::prelude::*;

use crate::models::Found as _;
use serde_json::json;

use super::{
    charges::{self, NewCharge},
    customers, events, invoices, prices, subscriptions,
    subscriptions::Status,
    workspaces::{self, DunningFinalAction},
};
use crate::gateway::{ChargeOutcome, ChargeRequest, PaymentGateway};

/// What a renewal run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Renewal {
    /// Not due (or not renewable) at this time.
    NotDue,
    /// Paid: the subscription is in its next period and the charge has its
    /// invoice; `receipt` is the outbox row of the customer's receipt, written
    /// with the settlement (when a receipt was asked for).
    Renewed {
        settled: Box<Settled>,
        invoice: Box<invoices::Model>,
        receipt: Option<i64>,
    },
    /// Declined: past due with a retry at `retry_at`, or ended when `None`;
    /// `notice` is the outbox row of the customer's failed-payment email,
    /// written with the settlement (when mail was asked for).
    Failed {
        settled: Box<Settled>,
        retry_at: Option<DateTime<FixedOffset>>,
        cancelled: bool,
        notice: Option<i64>,
    },
    /// Another run already settled this attempt.
    AlreadySettled,
    /// The customer had cancelled at period end: the period ended, nothing
    /// was charged, the subscription is cancelled.
    Ended,
    /// The customer had asked for a pause: the paid period ended, nothing
    /// was charged, the subscription is paused until `resumes_at`.
    Paused { resumes_at: DateTime<FixedOffset> },
}

/// A settled renewal attempt with what its follow-ups (the invoice PDF, the
/// customer's email) need, as the renewal read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    pub workspace: workspaces::Model,
    pub customer: customers::Model,
    pub charge: charges::Model,
}

impl Settled {
    /// The language the customer's email about this attempt is written in.
    #[must_use]
    pub fn lang(&self) -> &'static str {
        crate::locale::pick(
            self.customer.locale.as_deref(),
            None,
            &self.workspace.default_locale,
        )
    }
}

/// What a declined renewal's email says beyond the charge: the one-time
/// portal link (issued in the settlement's transaction), the next retry, and
/// whether the subscription ended.
#[derive(Debug, Clone, Copy)]
pub struct DeclineNotice<'a> {
    pub url: &'a str,
    pub retry_at: Option<DateTime<FixedOffset>>,
    pub cancelled: bool,
}

/// How a settled renewal's or retry's email (the receipt, or the
/// failed-payment notice) is written: composed by the caller (the mailers sit above the
/// models) and sealed into the mail outbox in the transaction that settles
/// the charge, so a worker that dies after the settlement cannot lose it.
#[allow(clippy::type_complexity)]
pub struct SettlementMail<'a> {
    pub secrets: &'a crate::secrets::Secrets,
    /// base of the failed-payment email's portal link
    pub public_url: &'a str,
    pub receipt: Box<
        dyn Fn(&Settled, &invoices::Model) -> Result<loco_rs::mailer::Email> + Send + Sync + 'a,
    >,
    pub declined: Box<
        dyn Fn(&Settled, &DeclineNotice<'_>) -> Result<loco_rs::mailer::Email> + Send + Sync + 'a,
    >,
}

impl SettlementMail<'_> {
    /// Seals `email` about a settled attempt into the outbox on the
    /// settlement's transaction; the row's id.
    async fn stage(
        &self,
        txn: &impl ConnectionTrait,
        settled: &Settled,
        email: loco_rs::mailer::Email,
        now: DateTime<FixedOffset>,
    ) -> Result<i64> {
        let row = super::mail_outbox::Model::stage(
            txn,
            self.secrets,
            Some(settled.workspace.id),
            &email,
            now,
        )
        .await?;
        Ok(row.id)
    }
}

/// Subscriptions whose renewal or retry is due, in every workspace, as
/// `(workspace_id, subscription_id)` pages by id (the scheduler's sweep; each
/// is then renewed inside its own workspace).
///
/// # Errors
/// On a database error.
pub async fn due(
    db: &impl ConnectionTrait,
    now: DateTime<FixedOffset>,
    after_id: i64,
    limit: u64,
) -> ModelResult<Vec<(i64, i64)>> {
    use subscriptions::Column;
    let renewing = Condition::all()
        .add(Column::Status.is_in([Status::Active.as_str(), Status::Trialing.as_str()]))
        .add(Column::NextRenewalAt.lte(now))
        .add(Column::DunningAttempts.eq(0));
    let retrying = Condition::all()
        .add(Column::Status.eq(Status::PastDue.as_str()))
        .add(Column::NextRetryAt.lte(now));
    let resuming = Condition::all()
        .add(Column::Status.eq(Status::Paused.as_str()))
        .add(Column::NextRenewalAt.lte(now));
    Ok(subscriptions::Entity::find()
        .filter(Condition::any().add(renewing).add(retrying).add(resuming))
        .filter(Column::Id.gt(after_id))
        .order_by_asc(Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.workspace_id, s.id))
        .collect())
}

fn is_due(sub: &subscriptions::Model, now: DateTime<FixedOffset>) -> bool {
    match sub.status() {
        Some(Status::Active | Status::Trialing) => {
            sub.dunning_attempts == 0 && sub.next_renewal_at.is_some_and(|at| at <= now)
        }
        Some(Status::PastDue) => sub.next_retry_at.is_some_and(|at| at <= now),
        Some(Status::Paused) => sub.next_renewal_at.is_some_and(|at| at <= now),
        _ => false,
    }
}

/// The key of one attempt to pay one period of one subscription.
#[must_use]
pub fn idempotency_key(
    sub: &subscriptions::Model,
    period_start: DateTime<FixedOffset>,
    attempt: i32,
) -> String {
    format!("renewal:{}:{}:{attempt}", sub.pid, period_start.timestamp())
}

/// Renews one subscription if it is due at `now`.
///
/// # Errors
/// When the subscription is not this workspace's, or on a database or
/// gateway error (the job is retried; the same key charges at most once).
pub async fn renew(
    db: &DatabaseConnection,
    gateway: &dyn PaymentGateway,
    workspace_id: i64,
    subscription_id: i64,
    now: DateTime<FixedOffset>,
    receipt: Option<&SettlementMail<'_>>,
) -> Result<Renewal> {
    let sub = subscriptions::Entity::find_by_id(subscription_id)
        .in_tenant(workspace_id)
        .one(db)
        .await?
        .ok_or(Error::NotFound)?;
    if !is_due(&sub, now) {
        return Ok(Renewal::NotDue);
    }
    if sub.cancel_at_period_end {
        return end_at_period_end(db, &sub, now).await;
    }
    if let (Some(Status::Active), Some(resumes_at)) = (sub.status(), sub.pause_resumes_at) {
        if resumes_at > sub.current_period_end {
            return begin_pause(db, &sub, resumes_at, now).await;
        }
    }
    let workspace = workspaces::Model::find_by_id(db, workspace_id).await?;
    let customer = customers::Model::find_in_workspace(db, workspace_id, sub.customer_id).await?;
    // a scheduled downgrade (or fewer seats) starts with this period
    let price = prices::Model::find_in_workspace(
        db,
        workspace_id,
        sub.scheduled_price_id.unwrap_or(sub.price_id),
    )
    .await?;
    let quantity = sub.scheduled_quantity.unwrap_or(sub.quantity);
    let period_start = sub.current_period_end;
    let period_end = price.period_end_from(sub.billing_anchor(), period_start);
    let attempt = sub.dunning_attempts + 1;
    let net = price
        .unit_price()
        .times(i64::from(quantity))
        .ok_or_else(|| Error::string("renewal amount overflows"))?
        .minor;
    let amount = net.saturating_add(invoices::tax_on(net, workspace.tax_rate_bps));
    let key = idempotency_key(&sub, period_start, attempt);
    // the customer was read in this workspace just above
    let charge = charges::Model::insert_attempt(
        db,
        workspace_id,
        &NewCharge {
            customer_id: customer.id,
            subscription_id: Some(sub.id),
            payment_method_id: sub.payment_method_id,
            amount,
            currency: price.currency.clone(),
            // written once, in the customer's language: it is what their
            // receipt, Billing history and invoice print
            description: {
                let lang = crate::locale::pick(
                    customer.locale.as_deref(),
                    None,
                    &workspace.default_locale,
                );
                crate::locale::text(
                    lang,
                    "charge-description",
                    &[
                        ("plan", &plan_name(db, workspace_id, &price).await?),
                        ("cycle", &price.interval_words_in(lang)),
                    ],
                )
            },
            attempt,
            idempotency_key: key.clone(),
            period_start: Some(period_start),
            period_end: Some(period_end),
            proration: None,
        },
    )
    .await?;
    let outcome = match sub.payment_method_id {
        Some(method_id) => {
            let method = super::payment_methods::Entity::find_by_id(method_id)
                .in_tenant(workspace_id)
                .one(db)
                .await?
                .ok_or(Error::NotFound)?;
            gateway
                .charge(&ChargeRequest {
                    token: method.gateway_token,
                    amount,
                    currency: price.currency.clone(),
                    description: charge.description.clone(),
                    idempotency_key: key,
                    off_session: true,
                    return_url: None,
                })
                .await?
        }
        None => ChargeOutcome::Failed {
            reference: String::new(),
            code: "no_payment_method".into(),
            message: "There is no payment method for this subscription.".into(),
        },
    };
    let (code, message) = match outcome {
        ChargeOutcome::Succeeded { reference } => {
            let Some((settled, invoice, receipt)) = settle_paid(
                db,
                &sub,
                Settled {
                    workspace,
                    customer,
                    charge,
                },
                &reference,
                now,
                receipt,
            )
            .await?
            else {
                return Ok(Renewal::AlreadySettled);
            };
            return Ok(Renewal::Renewed {
                settled: Box::new(settled),
                invoice: Box::new(invoice),
                receipt,
            });
        }
        ChargeOutcome::Failed { code, message, .. } => (code, message),
        // off-session charges do not ask for action; treat it as a decline
        ChargeOutcome::RequiresAction { .. } => (
            "authentication_required".to_string(),
            "The bank asked the cardholder to authenticate this payment.".to_string(),
        ),
    };
    let settled = Settled {
        workspace,
        customer,
        charge,
    };
    let Some(declined) = settle_failed(db, &sub, settled, &code, &message, now, receipt).await?
    else {
        return Ok(Renewal::AlreadySettled);
    };
    Ok(Renewal::Failed {
        settled: Box::new(declined.settled),
        retry_at: declined.retry_at,
        cancelled: declined.cancelled,
        notice: declined.notice,
    })
}

/// Ends a subscription whose customer cancelled at period end, instead of
/// charging its next period (a trial cancelled this way is never charged).
async fn end_at_period_end(
    db: &DatabaseConnection,
    sub: &subscriptions::Model,
    now: DateTime<FixedOffset>,
) -> Result<Renewal> {
    use subscriptions::Column;
    let txn = crate::models::write_transaction(db).await?;
    let ended = subscriptions::Entity::update_many()
        .col_expr(Column::Status, Expr::value(Status::Cancelled.as_str()))
        .col_expr(
            Column::CancelledAt,
            Expr::value(Some(sub.current_period_end)),
        )
        .col_expr(
            Column::NextRenewalAt,
            Expr::value(Option::<DateTime<FixedOffset>>::None),
        )
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .in_tenant(sub.workspace_id)
        .filter(unchanged_since(sub))
        .filter(Column::CancelAtPeriodEnd.eq(true))
        .exec(&txn)
        .await?;
    if ended.rows_affected == 0 {
        return Ok(Renewal::AlreadySettled);
    }
    events::Model::publish(
        &txn,
        sub.workspace_id,
        "subscription.cancelled",
        Some(sub.customer_id),
        json!({ "subscription": sub.pid, "ended_at": sub.current_period_end, "cancellation_reason": sub.cancellation_reason }),
    )
    .await?;
    txn.commit().await?;
    Ok(Renewal::Ended)
}

/// Begins the pause a customer asked for, instead of charging the next
/// period: no charge until `resumes_at`, when the next period starts (and
/// periods count from there).
async fn begin_pause(
    db: &DatabaseConnection,
    sub: &subscriptions::Model,
    resumes_at: DateTime<FixedOffset>,
    now: DateTime<FixedOffset>,
) -> Result<Renewal> {
    use subscriptions::Column;
    let txn = crate::models::write_transaction(db).await?;
    let paused = subscriptions::Entity::update_many()
        .col_expr(Column::Status, Expr::value(Status::Paused.as_str()))
        .col_expr(
            Column::CurrentPeriodStart,
            Expr::value(sub.current_period_end),
        )
        .col_expr(Column::CurrentPeriodEnd, Expr::value(resumes_at))
        .col_expr(Column::NextRenewalAt, Expr::value(Some(resumes_at)))
        .col_expr(Column::BillingAnchor, Expr::value(Some(resumes_at)))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .in_tenant(sub.workspace_id)
        .filter(unchanged_since(sub))
        .filter(Column::PauseResumesAt.eq(resumes_at))
        .exec(&txn)
        .await?;
    if paused.rows_affected == 0 {
        return Ok(Renewal::AlreadySettled);
    }
    events::Model::publish(
        &txn,
        sub.workspace_id,
        "subscription.paused",
        Some(sub.customer_id),
        json!({ "subscription": sub.pid, "paused_at": sub.current_period_end, "resumes_at": resumes_at }),
    )
    .await?;
    txn.commit().await?;
    Ok(Renewal::Paused { resumes_at })
}

async fn plan_name(
    db: &impl ConnectionTrait,
    workspace_id: i64,
    price: &prices::Model,
) -> Result<String> {
    Ok(
        super::products::Model::find_in_workspace(db, workspace_id, price.product_id)
            .await?
            .name,
    )
}

/// The subscription is still where this attempt found it; only then may the
/// attempt move it (the first of two racing runs wins).
fn unchanged_since(sub: &subscriptions::Model) -> Condition {
    use subscriptions::Column;
    Condition::all()
        .add(Column::Id.eq(sub.id))
        .add(Column::CurrentPeriodEnd.eq(sub.current_period_end))
        .add(Column::DunningAttempts.eq(sub.dunning_attempts))
        .add(Column::Status.eq(sub.status.clone()))
}

/// Marks a paid attempt and moves the subscription into the period it paid
/// for, with its invoice and its receipt in the mail outbox, in one
/// transaction; `None` when another run settled this attempt first.
async fn settle_paid(
    db: &DatabaseConnection,
    sub: &subscriptions::Model,
    settled: Settled,
    reference: &str,
    now: DateTime<FixedOffset>,
    receipt: Option<&SettlementMail<'_>>,
) -> Result<Option<(Settled, invoices::Model, Option<i64>)>> {
    use subscriptions::Column;
    let Settled {
        workspace,
        customer,
        charge,
    } = settled;
    let (Some(period_start), Some(period_end)) = (charge.period_start, charge.period_end) else {
        return Err(Error::string("a renewal charge is missing its period"));
    };
    let txn = crate::models::write_transaction(db).await?;
    let moved = subscriptions::Entity::update_many()
        .col_expr(Column::Status, Expr::value(Status::Active.as_str()))
        // a scheduled downgrade takes effect with the period it paid for
        .col_expr(
            Column::PriceId,
            Expr::value(sub.scheduled_price_id.unwrap_or(sub.price_id)),
        )
        .col_expr(
            Column::Quantity,
            Expr::value(sub.scheduled_quantity.unwrap_or(sub.quantity)),
        )
        .col_expr(Column::ScheduledPriceId, Expr::value(Option::<i64>::None))
        .col_expr(Column::ScheduledQuantity, Expr::value(Option::<i32>::None))
        .col_expr(
            Column::PauseResumesAt,
            Expr::value(Option::<DateTime<FixedOffset>>::None),
        )
        .col_expr(Column::CurrentPeriodStart, Expr::value(period_start))
        .col_expr(Column::CurrentPeriodEnd, Expr::value(period_end))
        .col_expr(Column::NextRenewalAt, Expr::value(Some(period_end)))
        .col_expr(Column::DunningAttempts, Expr::value(0))
        .col_expr(
            Column::NextRetryAt,
            Expr::value(Option::<DateTime<FixedOffset>>::None),
        )
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .in_tenant(sub.workspace_id)
        .filter(unchanged_since(sub))
        .exec(&txn)
        .await?;
    if moved.rows_affected == 0 {
        return Ok(None);
    }
    let charge = charge
        .into_active_model()
        .mark_paid(&txn, reference, now)
        .await?;
    events::Model::publish(
        &txn,
        sub.workspace_id,
        "subscription.renewed",
        Some(sub.customer_id),
        json!({ "subscription": sub.pid, "charge": charge.pid, "amount": charge.amount, "currency": charge.currency, "period_end": period_end }),
    )
    .await?;
    if sub.status() == Some(Status::Paused) {
        events::Model::publish(
            &txn,
            sub.workspace_id,
            "subscription.resumed",
            Some(sub.customer_id),
            json!({ "subscription": sub.pid, "resumed_at": period_start }),
        )
        .await?;
    }
    let invoice = invoices::Model::issue(&txn, &customer, &charge, now).await?;
    let settled = Settled {
        workspace,
        customer,
        charge,
    };
    let receipt = match receipt {
        Some(mail) => Some(
            mail.stage(&txn, &settled, (mail.receipt)(&settled, &invoice)?, now)
                .await?,
        ),
        None => None,
    };
    txn.commit().await?;
    Ok(Some((settled, invoice, receipt)))
}

/// A declined attempt, settled: the charge and where dunning goes next.
struct Declined {
    settled: Settled,
    retry_at: Option<DateTime<FixedOffset>>,
    cancelled: bool,
    notice: Option<i64>,
}

/// Marks a declined attempt and moves the subscription along the dunning
/// schedule; `None` when another run settled this attempt first.
async fn settle_failed(
    db: &DatabaseConnection,
    sub: &subscriptions::Model,
    settled: Settled,
    code: &str,
    message: &str,
    now: DateTime<FixedOffset>,
    mail: Option<&SettlementMail<'_>>,
) -> Result<Option<Declined>> {
    use subscriptions::Column;
    let Settled {
        workspace,
        customer,
        charge,
    } = settled;
    let failures = sub.dunning_attempts + 1;
    let schedule = workspace.dunning_schedule();
    let retry_at = schedule
        .get(usize::try_from(failures - 1).unwrap_or(usize::MAX))
        .map(|days| now + Duration::days(i64::from(*days)));
    let cancel =
        retry_at.is_none() && workspace.dunning_final_action() == DunningFinalAction::Cancel;
    let status = if cancel {
        Status::Cancelled
    } else {
        Status::PastDue
    };
    let txn = crate::models::write_transaction(db).await?;
    let moved = subscriptions::Entity::update_many()
        .col_expr(Column::Status, Expr::value(status.as_str()))
        .col_expr(Column::DunningAttempts, Expr::value(failures))
        .col_expr(Column::NextRetryAt, Expr::value(retry_at))
        .col_expr(
            Column::CancelledAt,
            Expr::value(if cancel { Some(now) } else { sub.cancelled_at }),
        )
        .col_expr(
            Column::NextRenewalAt,
            Expr::value(if cancel { None } else { sub.next_renewal_at }),
        )
        // a pause that ended with a declined charge is over: it is past due
        .col_expr(
            Column::PauseResumesAt,
            Expr::value(Option::<DateTime<FixedOffset>>::None),
        )
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .in_tenant(sub.workspace_id)
        .filter(unchanged_since(sub))
        .exec(&txn)
        .await?;
    if moved.rows_affected == 0 {
        return Ok(None);
    }
    let charge = charge
        .into_active_model()
        .mark_failed(&txn, code, message)
        .await?;
    let event = if cancel {
        "subscription.cancelled"
    } else {
        "subscription.past_due"
    };
    events::Model::publish(
        &txn,
        sub.workspace_id,
        event,
        Some(sub.customer_id),
        json!({ "subscription": sub.pid, "charge": charge.pid, "failure_code": code, "next_retry_at": retry_at }),
    )
    .await?;
    let settled = Settled {
        workspace,
        customer,
        charge,
    };
    let notice = match mail {
        Some(mail) => {
            // the link into the portal is issued with the settlement, so the
            // email that carries it is never written without it
            let (url, _) = super::sign_in_tokens::Model::portal_link(
                &txn,
                mail.secrets,
                mail.public_url,
                &settled.workspace,
                sub.customer_id,
                None,
                now,
            )
            .await?;
            let notice = DeclineNotice {
                url: &url,
                retry_at,
                cancelled: cancel,
            };
            let email = (mail.declined)(&settled, &notice)?;
            Some(mail.stage(&txn, &settled, email, now).await?)
        }
        None => None,
    };
    txn.commit().await?;
    Ok(Some(Declined {
        settled,
        retry_at,
        cancelled: cancel,
        notice,
    }))
}

/// What a customer's "Retry payment" did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManualRetry {
    Paid {
        charge_id: i64,
        /// the outbox row of the receipt, written with the settlement
        receipt: Option<i64>,
    },
    Failed {
        charge_id: i64,
        message: String,
    },
    /// The bank wants the customer to authenticate at `url` first.
    RequiresAction {
        charge_id: i64,
        url: String,
    },
    /// The period this charge was for is paid already.
    AlreadyPaid,
}

/// Retries a failed renewal charge now, on-session, with one of the
/// customer's active methods. Two clicks (or two tabs) use the same key and
/// charge once; a failed retry does not count against the dunning schedule.
///
/// # Errors
/// `NotFound` unless the charge is this customer's failed renewal and the
/// method is one of their active methods; database or gateway errors.
#[allow(clippy::too_many_arguments)]
pub async fn retry_manually(
    db: &DatabaseConnection,
    gateway: &dyn PaymentGateway,
    workspace_id: i64,
    customer_id: i64,
    failed_charge_id: i64,
    payment_method_id: i64,
    return_url: &str,
    now: DateTime<FixedOffset>,
    mail: Option<&SettlementMail<'_>>,
) -> Result<ManualRetry> {
    let failed = charges::Model::find_for_customer(db, workspace_id, customer_id, failed_charge_id)
        .await
        .or_404()?;
    let (Some(subscription_id), Some(period_start), Some(period_end)) = (
        failed.subscription_id,
        failed.period_start,
        failed.period_end,
    ) else {
        return Err(Error::NotFound);
    };
    if failed.status() != Some(charges::Status::Failed) {
        return Err(Error::NotFound);
    }
    let sub =
        subscriptions::Model::find_for_customer(db, workspace_id, customer_id, subscription_id)
            .await?;
    if sub.current_period_end != period_start || sub.status() != Some(Status::PastDue) {
        return Ok(ManualRetry::AlreadyPaid);
    }
    let method = super::payment_methods::Model::find_for_customer(
        db,
        workspace_id,
        customer_id,
        payment_method_id,
    )
    .await
    .ok()
    .filter(super::payment_methods::Model::is_active)
    .ok_or(Error::NotFound)?;
    // Every failed manual retry gets the next number; clicks in between share one.
    let prefix = format!("manual:{}:", failed.pid);
    let failed_before = charges::Entity::find()
        .in_tenant(workspace_id)
        .filter(charges::Column::IdempotencyKey.starts_with(&prefix))
        .filter(charges::Column::Status.eq(charges::Status::Failed.as_str()))
        .count(db)
        .await?;
    let key = format!("{prefix}{}", failed_before + 1);
    let charge = charges::Model::record_attempt(
        db,
        workspace_id,
        &NewCharge {
            customer_id,
            subscription_id: Some(sub.id),
            payment_method_id: Some(method.id),
            amount: failed.amount,
            currency: failed.currency.clone(),
            description: failed.description.clone(),
            attempt: failed.attempt,
            idempotency_key: key.clone(),
            period_start: Some(period_start),
            period_end: Some(period_end),
            proration: None,
        },
    )
    .await?;
    let outcome = gateway
        .charge(&ChargeRequest {
            token: method.gateway_token.clone(),
            amount: charge.amount,
            currency: charge.currency.clone(),
            description: charge.description.clone(),
            idempotency_key: key,
            off_session: false,
            return_url: Some(return_url.to_string()),
        })
        .await?;
    settle_manual(db, &sub, charge, outcome, now, mail).await
}

/// The failed charges a customer may retry now: for each past-due
/// subscription, the newest failed attempt for its unpaid period.
///
/// # Errors
/// On a database error.
pub async fn retryable_charges(
    db: &impl ConnectionTrait,
    workspace_id: i64,
    customer_id: i64,
) -> ModelResult<Vec<i64>> {
    Ok(failed_renewals(db, workspace_id, customer_id)
        .await?
        .into_iter()
        .map(|(_, charge)| charge.id)
        .collect())
}

/// Each past-due subscription of the customer with the failed charge of the
/// period it owes (the one a retry pays).
///
/// # Errors
/// On a database error.
pub async fn failed_renewals(
    db: &impl ConnectionTrait,
    workspace_id: i64,
    customer_id: i64,
) -> ModelResult<Vec<(i64, charges::Model)>> {
    let mut failed = Vec::new();
    for sub in subscriptions::Model::list_for_customer(db, workspace_id, customer_id).await? {
        if sub.status() != Some(Status::PastDue) {
            continue;
        }
        let newest_failed = charges::Model::list_for_subscription(db, workspace_id, sub.id)
            .await?
            .into_iter()
            .find(|c| {
                c.status() == Some(charges::Status::Failed)
                    && c.period_start == Some(sub.current_period_end)
            });
        failed.extend(newest_failed.map(|c| (sub.id, c)));
    }
    Ok(failed)
}

/// Back from the bank for a retry of `failed_charge_id`: settles the retry
/// of that period that was waiting for the customer's authentication.
///
/// # Errors
/// `NotFound` unless such a retry exists for this customer.
pub async fn complete_retry_of(
    db: &DatabaseConnection,
    gateway: &dyn PaymentGateway,
    workspace_id: i64,
    customer_id: i64,
    failed_charge_id: i64,
    now: DateTime<FixedOffset>,
    mail: Option<&SettlementMail<'_>>,
) -> Result<ManualRetry> {
    let failed = charges::Model::find_for_customer(db, workspace_id, customer_id, failed_charge_id)
        .await
        .or_404()?;
    let waiting = charges::Model::list_for_subscription(
        db,
        workspace_id,
        failed.subscription_id.ok_or(Error::NotFound)?,
    )
    .await?
    .into_iter()
    .find(|c| {
        c.status() == Some(charges::Status::RequiresAction) && c.period_start == failed.period_start
    })
    .ok_or(Error::NotFound)?;
    complete_manual_retry(
        db,
        gateway,
        workspace_id,
        customer_id,
        waiting.id,
        now,
        mail,
    )
    .await
}

/// After the customer authenticated a retry at the bank: settle it.
///
/// # Errors
/// `NotFound` unless the charge is this customer's retry awaiting action.
async fn complete_manual_retry(
    db: &DatabaseConnection,
    gateway: &dyn PaymentGateway,
    workspace_id: i64,
    customer_id: i64,
    charge_id: i64,
    now: DateTime<FixedOffset>,
    mail: Option<&SettlementMail<'_>>,
) -> Result<ManualRetry> {
    let charge = charges::Model::find_for_customer(db, workspace_id, customer_id, charge_id)
        .await
        .or_404()?;
    let (Some(reference), Some(subscription_id)) =
        (charge.gateway_charge_ref.clone(), charge.subscription_id)
    else {
        return Err(Error::NotFound);
    };
    if charge.status() == Some(charges::Status::Paid) {
        // settled (and its receipt written) by the first return
        return Ok(ManualRetry::Paid {
            charge_id,
            receipt: None,
        });
    }
    let sub =
        subscriptions::Model::find_for_customer(db, workspace_id, customer_id, subscription_id)
            .await?;
    let outcome = gateway.charge_status(&reference).await?;
    settle_manual(db, &sub, charge, outcome, now, mail).await
}

async fn settle_manual(
    db: &DatabaseConnection,
    sub: &subscriptions::Model,
    charge: charges::Model,
    outcome: ChargeOutcome,
    now: DateTime<FixedOffset>,
    mail: Option<&SettlementMail<'_>>,
) -> Result<ManualRetry> {
    if charge.period_start.is_none() || charge.period_end.is_none() {
        return Err(Error::NotFound);
    }
    match outcome {
        ChargeOutcome::Succeeded { reference } => {
            let customer =
                customers::Model::find_in_workspace(db, sub.workspace_id, sub.customer_id).await?;
            let workspace = workspaces::Model::find_by_id(db, sub.workspace_id).await?;
            let charge_id = charge.id;
            let settled = Settled {
                workspace,
                customer,
                charge,
            };
            // None: a second click or tab settled it already (and its receipt)
            let receipt = settle_paid(db, sub, settled, &reference, now, mail)
                .await?
                .and_then(|(_, _, receipt)| receipt);
            Ok(ManualRetry::Paid { charge_id, receipt })
        }
        ChargeOutcome::RequiresAction { reference, url } => {
            let waiting = charge
                .into_active_model()
                .mark_requires_action(db, reference)
                .await?;
            Ok(ManualRetry::RequiresAction {
                charge_id: waiting.id,
                url,
            })
        }
        ChargeOutcome::Failed { code, message, .. } => {
            // the dunning schedule stays as it was
            let failed = charge
                .into_active_model()
                .mark_failed(db, &code, &message)
                .await?;
            Ok(ManualRetry::Failed {
                charge_id: failed.id,
                message,
            })
        }
    }
}
