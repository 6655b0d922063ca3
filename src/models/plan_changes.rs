//! Plan changes: a subscription moves to another price or number of seats.
//!
//! A change that costs more per period (an upgrade) takes effect now and is
//! charged now, prorated by the second (`proration`); one that costs the
//! same or less (a downgrade) is scheduled for the renewal that starts the
//! next period and charges nothing now; in a free trial any change takes
//! effect now and the trial's end charges the new price. The billing anchor
//! does not move: only prices on the same billing cycle and in the same
//! currency are offered.
//!
//! The customer sees a [`Preview`] first. Confirming carries what it was
//! computed from (the target, the moment, the total): if anything changed
//! since, the customer gets the new preview instead of a different charge.
//! The charge's idempotency key names the subscription's state it changes
//! (period, price, seats) and the attempt, so two tabs, two clicks or a
//! retried request charge once, and two different changes from one state
//! cannot both be charged.
use chrono::{DateTime, Duration, FixedOffset};
use loco_rs::prelude::*;
use sea_orm::sea_query::Expr;
use serde_json::json;

use super::{
    audit_events::{self, Actor},
    charges::{self, NewCharge},
    customers, events, invoices, payment_methods, prices,
    proration::{self, Proration},
    subscriptions::{self, Status},
    workspaces,
};
use crate::gateway::{ChargeOutcome, ChargeRequest, PaymentGateway};

/// How long a preview may be confirmed at its own moment.
pub const PREVIEW_VALID_FOR: Duration = Duration::minutes(30);

/// What the subscription should become.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub price_id: i64,
    pub quantity: i32,
}

/// Who may make which change: a customer within the workspace's switches
/// and the prices' bounds; a merchant admin to any active price on the
/// same cycle and currency, any number of seats from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rules {
    Customer {
        switch_plan: bool,
        change_quantity: bool,
    },
    Merchant,
}

impl Rules {
    #[must_use]
    pub fn for_customer(workspace: &workspaces::Model) -> Self {
        use crate::capabilities::Capability;
        Self::Customer {
            switch_plan: Capability::SwitchPlan.allowed(workspace),
            change_quantity: Capability::ChangeQuantity.allowed(workspace),
        }
    }
}

/// When a change takes effect and what it costs now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timing {
    /// now, charged the proration's total (nothing when it rounds to 0)
    Now(Proration),
    /// now, in the free trial: nothing to charge
    NowInTrial,
    /// at the next renewal, at this moment; nothing charged now
    AtRenewal(DateTime<FixedOffset>),
}

/// What a change would do, computed at one moment.
#[derive(Debug, Clone)]
pub struct Preview {
    pub subscription: subscriptions::Model,
    pub from: prices::Model,
    pub from_quantity: i32,
    pub to: prices::Model,
    pub to_quantity: i32,
    pub at: DateTime<FixedOffset>,
    pub timing: Timing,
    /// what each period costs after the change, tax included
    pub renewal_total: i64,
    pub renews_at: DateTime<FixedOffset>,
}

impl Preview {
    /// What is charged now.
    #[must_use]
    pub fn due_now(&self) -> i64 {
        match self.timing {
            Timing::Now(p) => p.total.max(0),
            Timing::NowInTrial | Timing::AtRenewal(_) => 0,
        }
    }

    #[must_use]
    pub fn target(&self) -> Target {
        Target {
            price_id: self.to.id,
            quantity: self.to_quantity,
        }
    }
}

/// What confirming a change did.
#[derive(Debug, Clone)]
pub enum Applied {
    /// in effect now, nothing charged (a trial, or a proration of 0)
    Switched,
    /// waits for the next renewal
    Scheduled,
    /// charged and in effect; the invoice has the proration lines
    Paid {
        charge: Box<charges::Model>,
        invoice: Box<invoices::Model>,
    },
    /// this change was paid already (a second click, tab or request)
    AlreadyApplied,
    /// the bank wants the customer to authenticate at `url` first
    RequiresAction { url: String },
    /// declined: nothing changed
    Failed { message: String },
    /// the subscription or the amount changed since the preview: this is
    /// the preview now
    Stale(Box<Preview>),
}

fn refused(key: &str) -> ModelError {
    super::refused(key, &[])
}

/// May this subscription change plan or seats now?
///
/// # Errors
/// `Message` saying why not.
pub fn check_changeable(sub: &subscriptions::Model) -> ModelResult<()> {
    match sub.status() {
        Some(Status::Active | Status::Trialing) => {}
        Some(Status::PastDue) => return Err(refused("refusal-change-past-due")),
        Some(Status::Paused) => return Err(refused("refusal-resume-first")),
        _ => return Err(refused("refusal-ended")),
    }
    if sub.cancel_at_period_end {
        return Err(refused("refusal-keep-first"));
    }
    if sub.status() == Some(Status::Active) && sub.pause_resumes_at.is_some() {
        return Err(refused("refusal-undo-pause-first"));
    }
    Ok(())
}

/// The prices this subscription may move to under `rules` (its own price
/// included when the seats may change), cheapest first.
///
/// # Errors
/// On a database error.
pub async fn options(
    db: &impl ConnectionTrait,
    sub: &subscriptions::Model,
    rules: Rules,
) -> ModelResult<Vec<prices::Model>> {
    let current = prices::Model::find_in_workspace(db, sub.workspace_id, sub.price_id).await?;
    let mut found = prices::Entity::find()
        .in_tenant(sub.workspace_id)
        .filter(prices::Column::Active.eq(true))
        .filter(prices::Column::Currency.eq(current.currency.clone()))
        .filter(prices::Column::Interval.eq(current.interval.clone()))
        .filter(prices::Column::IntervalCount.eq(current.interval_count))
        .order_by_asc(prices::Column::UnitAmount)
        .order_by_asc(prices::Column::Id)
        .all(db)
        .await?;
    found.retain(|p| {
        if p.id == current.id {
            return match rules {
                Rules::Customer {
                    change_quantity, ..
                } => change_quantity && p.max_quantity.is_some(),
                Rules::Merchant => true,
            };
        }
        match rules {
            Rules::Customer { switch_plan, .. } => switch_plan && p.customer_switchable,
            Rules::Merchant => true,
        }
    });
    Ok(found)
}

/// What moving `sub` to `target` would do at `at`.
///
/// # Errors
/// `Message` for a change that is not allowed (the reason says which);
/// a database error.
pub async fn preview(
    db: &impl ConnectionTrait,
    workspace: &workspaces::Model,
    sub: &subscriptions::Model,
    target: Target,
    rules: Rules,
    at: DateTime<FixedOffset>,
) -> ModelResult<Preview> {
    check_changeable(sub)?;
    let from = prices::Model::find_in_workspace(db, sub.workspace_id, sub.price_id).await?;
    let to = prices::Model::find_in_workspace(db, sub.workspace_id, target.price_id)
        .await
        .map_err(|_| refused("refusal-choose-plan"))?;
    let quantity_changes = target.quantity != sub.quantity;
    let price_changes = to.id != from.id;
    if !price_changes && !quantity_changes {
        return Err(refused("refusal-current-plan"));
    }
    if !to.active
        || to.currency != from.currency
        || to.interval != from.interval
        || to.interval_count != from.interval_count
    {
        return Err(refused("refusal-choose-plan"));
    }
    if let Rules::Customer {
        switch_plan,
        change_quantity,
    } = rules
    {
        if price_changes && !(switch_plan && to.customer_switchable) {
            return Err(refused("refusal-choose-plan"));
        }
        if quantity_changes && !(change_quantity && to.max_quantity.is_some()) {
            return Err(refused("refusal-seats-fixed"));
        }
        let max = to.max_quantity.unwrap_or(sub.quantity.max(to.min_quantity));
        if quantity_changes && (target.quantity < to.min_quantity || target.quantity > max) {
            return Err(super::refused(
                "refusal-seats-between",
                &[
                    ("min", &to.min_quantity.to_string()),
                    ("max", &max.to_string()),
                ],
            ));
        }
    }
    if target.quantity < 1 {
        return Err(refused("refusal-seats-at-least-one"));
    }
    let per_period = |price: &prices::Model, quantity: i32| {
        price
            .unit_amount
            .checked_mul(i64::from(quantity))
            .ok_or_else(|| refused("refusal-seats-too-many"))
    };
    let from_net = per_period(&from, sub.quantity)?;
    let to_net = per_period(&to, target.quantity)?;
    let at = at.clamp(sub.current_period_start, sub.current_period_end);
    let timing = if sub.status() == Some(Status::Trialing) {
        Timing::NowInTrial
    } else if to_net > from_net {
        Timing::Now(proration::prorate(
            from_net,
            to_net,
            sub.current_period_start,
            sub.current_period_end,
            at,
            workspace.tax_rate_bps,
        ))
    } else {
        Timing::AtRenewal(sub.current_period_end)
    };
    Ok(Preview {
        subscription: sub.clone(),
        renewal_total: to_net.saturating_add(invoices::tax_on(to_net, workspace.tax_rate_bps)),
        renews_at: sub.current_period_end,
        from,
        from_quantity: sub.quantity,
        to,
        to_quantity: target.quantity,
        at,
        timing,
    })
}

/// What the customer confirmed: the target and the preview's moment and
/// total.
#[derive(Debug, Clone, Copy)]
pub struct Confirmation {
    pub target: Target,
    pub at: DateTime<FixedOffset>,
    pub expected_total: i64,
}

/// How an upgrade is charged: on-session with the customer there to
/// authenticate (back at `return_url`), or off-session for a merchant's
/// change (a bank that asks for authentication then declines).
#[derive(Debug, Clone, Copy)]
pub enum Authentication<'a> {
    Customer { return_url: &'a str },
    OffSession,
}

/// Applies a confirmed change: schedules a downgrade, switches a trial, or
/// charges an upgrade on-session with the subscription's renewal method
/// (3-D Secure when the bank asks).
///
/// # Errors
/// `Message` (as `Error::Model`) for a change that is not allowed; database
/// or gateway errors (a retried request uses the same key).
#[allow(clippy::too_many_arguments)]
pub async fn apply(
    db: &DatabaseConnection,
    gateway: &dyn PaymentGateway,
    workspace: &workspaces::Model,
    sub: &subscriptions::Model,
    rules: Rules,
    confirmation: Confirmation,
    auth: &Authentication<'_>,
    actor: Actor,
    now: DateTime<FixedOffset>,
) -> Result<Applied> {
    if sub.price_id == confirmation.target.price_id && sub.quantity == confirmation.target.quantity
    {
        // a second click or tab after the first one applied it
        return Ok(Applied::AlreadyApplied);
    }
    let fresh = || preview(db, workspace, sub, confirmation.target, rules, now);
    let stale = confirmation.at > now || now - confirmation.at > PREVIEW_VALID_FOR;
    let preview = preview(
        db,
        workspace,
        sub,
        confirmation.target,
        rules,
        confirmation.at,
    )
    .await?;
    if stale || preview.due_now() != confirmation.expected_total {
        return Ok(Applied::Stale(Box::new(fresh().await?)));
    }
    match preview.timing {
        Timing::AtRenewal(_) => {
            schedule(db, &preview, actor, now).await?;
            Ok(Applied::Scheduled)
        }
        Timing::NowInTrial => {
            switch_now(db, &preview, actor, now).await?;
            Ok(Applied::Switched)
        }
        Timing::Now(p) if p.total <= 0 => {
            switch_now(db, &preview, actor, now).await?;
            Ok(Applied::Switched)
        }
        Timing::Now(p) => charge_upgrade(db, gateway, &preview, p, auth, actor, now).await,
    }
}

/// The conditions under which `preview` may still move the subscription:
/// it has the price, seats and status the preview was computed from.
fn unchanged(preview: &Preview) -> Condition {
    use subscriptions::Column;
    let sub = &preview.subscription;
    Condition::all()
        .add(Column::Id.eq(sub.id))
        .add(Column::PriceId.eq(preview.from.id))
        .add(Column::Quantity.eq(preview.from_quantity))
        .add(Column::Status.eq(sub.status.clone()))
        .add(Column::CancelAtPeriodEnd.eq(false))
}

fn change_detail(preview: &Preview) -> serde_json::Value {
    json!({
        "subscription": preview.subscription.pid,
        "price": [preview.from.pid, preview.to.pid],
        "quantity": [preview.from_quantity, preview.to_quantity],
    })
}

async fn record(
    txn: &impl ConnectionTrait,
    preview: &Preview,
    actor: Actor,
    action: &str,
    extra: serde_json::Value,
) -> Result<()> {
    let sub = &preview.subscription;
    let mut detail = change_detail(preview);
    if let (Some(detail), Some(extra)) = (detail.as_object_mut(), extra.as_object()) {
        detail.extend(extra.clone());
    }
    audit_events::Model::record(
        txn,
        sub.workspace_id,
        actor,
        "subscription",
        sub.id,
        action,
        detail.clone(),
        None,
    )
    .await?;
    events::Model::publish(
        txn,
        sub.workspace_id,
        "subscription.updated",
        Some(sub.customer_id),
        detail,
    )
    .await?;
    Ok(())
}

async fn schedule(
    db: &DatabaseConnection,
    preview: &Preview,
    actor: Actor,
    now: DateTime<FixedOffset>,
) -> Result<()> {
    use subscriptions::Column;
    let txn = crate::models::write_transaction(db).await?;
    let moved = subscriptions::Entity::update_many()
        .col_expr(Column::ScheduledPriceId, Expr::value(Some(preview.to.id)))
        .col_expr(
            Column::ScheduledQuantity,
            Expr::value(Some(preview.to_quantity)),
        )
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .in_tenant(preview.subscription.workspace_id)
        .filter(unchanged(preview))
        .exec(&txn)
        .await?;
    if moved.rows_affected == 1 {
        record(
            &txn,
            preview,
            actor,
            "subscription.change_scheduled",
            json!({ "effective_at": preview.renews_at }),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

async fn switch_now(
    db: &DatabaseConnection,
    preview: &Preview,
    actor: Actor,
    now: DateTime<FixedOffset>,
) -> Result<()> {
    let txn = crate::models::write_transaction(db).await?;
    if move_to_target(&txn, preview, now).await? {
        record(
            &txn,
            preview,
            actor,
            "subscription.plan_changed",
            json!({ "effective_at": now }),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Moves the subscription to the preview's target (and drops a scheduled
/// downgrade) when it is still where the preview found it.
async fn move_to_target(
    txn: &impl ConnectionTrait,
    preview: &Preview,
    now: DateTime<FixedOffset>,
) -> Result<bool> {
    use subscriptions::Column;
    let moved = subscriptions::Entity::update_many()
        .col_expr(Column::PriceId, Expr::value(preview.to.id))
        .col_expr(Column::Quantity, Expr::value(preview.to_quantity))
        .col_expr(Column::ScheduledPriceId, Expr::value(Option::<i64>::None))
        .col_expr(Column::ScheduledQuantity, Expr::value(Option::<i32>::None))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .in_tenant(preview.subscription.workspace_id)
        .filter(unchanged(preview))
        .exec(txn)
        .await?;
    Ok(moved.rows_affected == 1)
}

/// What an upgrade's charge records of its preview, to settle it later
/// (after 3-D Secure) exactly as it was computed.
fn proration_record(
    preview: &Preview,
    p: &Proration,
    lang: &str,
    names: (&str, &str),
) -> serde_json::Value {
    let after = crate::locale::date(p.at, lang);
    json!({
        "from_price_id": preview.from.id,
        "from_quantity": preview.from_quantity,
        "to_price_id": preview.to.id,
        "to_quantity": preview.to_quantity,
        "proration": p,
        "lines": [
            {
                "description": format!("Unused time on {} × {} after {after}", names.0, preview.from_quantity),
                "quantity": 1,
                "unit_amount": -p.credit,
                "amount": -p.credit,
                "period_start": p.at,
                "period_end": p.period_end,
            },
            {
                "description": format!("Remaining time on {} × {} from {after}", names.1, preview.to_quantity),
                "quantity": 1,
                "unit_amount": p.debit,
                "amount": p.debit,
                "period_start": p.at,
                "period_end": p.period_end,
            },
        ],
    })
}

/// The key prefix of charges that change this subscription from its
/// current period, price and seats; attempts are numbered after it.
fn key_prefix(preview: &Preview) -> String {
    let sub = &preview.subscription;
    format!(
        "change:{}:{}:{}x{}:",
        sub.pid,
        sub.current_period_end.timestamp(),
        preview.from.id,
        preview.from_quantity
    )
}

async fn charge_upgrade(
    db: &DatabaseConnection,
    gateway: &dyn PaymentGateway,
    preview: &Preview,
    p: Proration,
    auth: &Authentication<'_>,
    actor: Actor,
    now: DateTime<FixedOffset>,
) -> Result<Applied> {
    let sub = &preview.subscription;
    let Some(method) = (match sub.payment_method_id {
        Some(id) => {
            payment_methods::Model::find_for_customer(db, sub.workspace_id, sub.customer_id, id)
                .await
                .ok()
                .filter(payment_methods::Model::is_active)
        }
        None => None,
    }) else {
        return Ok(Applied::Failed {
            message: "Choose a payment method for this subscription first.".into(),
        });
    };
    let customer =
        customers::Model::find_in_workspace(db, sub.workspace_id, sub.customer_id).await?;
    let workspace = workspaces::Model::find_by_id(db, sub.workspace_id).await?;
    let plans =
        prices::Model::with_products(db, sub.workspace_id, &[preview.from.id, preview.to.id])
            .await?;
    let name = |id: i64| {
        plans
            .get(&id)
            .map(|(_, product)| product.name.clone())
            .unwrap_or_default()
    };
    let (from_name, to_name) = (name(preview.from.id), name(preview.to.id));
    let lang = crate::locale::pick(customer.locale.as_deref(), None, &workspace.default_locale);
    // every declined attempt gets the next number; clicks in between share one
    let prefix = key_prefix(preview);
    let failed_before = charges::Entity::find()
        .in_tenant(sub.workspace_id)
        .filter(charges::Column::IdempotencyKey.starts_with(&prefix))
        .filter(charges::Column::Status.eq(charges::Status::Failed.as_str()))
        .count(db)
        .await?;
    let key = format!("{prefix}{}", failed_before + 1);
    let record = proration_record(preview, &p, lang, (&from_name, &to_name));
    let charge = charges::Model::insert_attempt(
        db,
        sub.workspace_id,
        &NewCharge {
            customer_id: sub.customer_id,
            subscription_id: Some(sub.id),
            payment_method_id: Some(method.id),
            amount: p.total,
            currency: preview.to.currency.clone(),
            description: crate::locale::text(
                lang,
                "charge-description-prorated",
                &[
                    ("plan", &to_name),
                    ("quantity", &preview.to_quantity.to_string()),
                ],
            ),
            attempt: 1,
            idempotency_key: key.clone(),
            period_start: Some(p.at),
            period_end: Some(p.period_end),
            proration: Some(record.clone()),
        },
    )
    .await?;
    // the key was taken by another change from the same state: that one
    // stands, and this customer sees where things are now
    if charge
        .proration
        .as_ref()
        .map(|r| (&r["to_price_id"], &r["to_quantity"]))
        != Some((&record["to_price_id"], &record["to_quantity"]))
    {
        return Ok(Applied::Stale(Box::new(
            self::preview(db, &workspace, sub, preview.target(), Rules::Merchant, now).await?,
        )));
    }
    if charge.status() == Some(charges::Status::Paid) {
        return Ok(Applied::AlreadyApplied);
    }
    let outcome = gateway
        .charge(&ChargeRequest {
            token: method.gateway_token.clone(),
            amount: charge.amount,
            currency: charge.currency.clone(),
            description: charge.description.clone(),
            idempotency_key: key,
            off_session: matches!(auth, Authentication::OffSession),
            return_url: match auth {
                Authentication::Customer { return_url } => Some((*return_url).to_string()),
                Authentication::OffSession => None,
            },
        })
        .await?;
    let outcome = match (outcome, auth) {
        (ChargeOutcome::RequiresAction { reference, .. }, Authentication::OffSession) => {
            ChargeOutcome::Failed {
                reference,
                code: "authentication_required".into(),
                message: "The bank asked the cardholder to authenticate this payment.".into(),
            }
        }
        (outcome, _) => outcome,
    };
    settle(db, &customer, charge, outcome, actor, now).await
}

/// Back from the bank: settles this subscription's upgrade that waited for
/// the customer's authentication.
///
/// # Errors
/// `NotFound` unless such an upgrade exists for this customer.
pub async fn complete(
    db: &DatabaseConnection,
    gateway: &dyn PaymentGateway,
    sub: &subscriptions::Model,
    now: DateTime<FixedOffset>,
) -> Result<Applied> {
    let waiting = charges::Model::list_for_subscription(db, sub.workspace_id, sub.id)
        .await?
        .into_iter()
        .find(|c| c.proration.is_some() && c.status() == Some(charges::Status::RequiresAction))
        .ok_or(Error::NotFound)?;
    let reference = waiting.gateway_charge_ref.clone().ok_or(Error::NotFound)?;
    let customer =
        customers::Model::find_in_workspace(db, sub.workspace_id, sub.customer_id).await?;
    let outcome = gateway.charge_status(&reference).await?;
    settle(
        db,
        &customer,
        waiting,
        outcome,
        Actor::Customer(sub.customer_id),
        now,
    )
    .await
}

/// Settles an upgrade's charge: paid moves the subscription and issues the
/// invoice with the proration lines, in one transaction.
async fn settle(
    db: &DatabaseConnection,
    customer: &customers::Model,
    charge: charges::Model,
    outcome: ChargeOutcome,
    actor: Actor,
    now: DateTime<FixedOffset>,
) -> Result<Applied> {
    match outcome {
        ChargeOutcome::Succeeded { reference } => {
            let record = charge.proration.clone().unwrap_or_default();
            let id_of = |key: &str| record[key].as_i64().unwrap_or_default();
            let sub = subscriptions::Entity::find_by_id(charge.subscription_id.unwrap_or_default())
                .in_tenant(charge.workspace_id)
                .one(db)
                .await?
                .ok_or(Error::NotFound)?;
            let txn = crate::models::write_transaction(db).await?;
            // only the first of two settlements marks it paid
            let claimed = charges::Entity::update_many()
                .col_expr(
                    charges::Column::Status,
                    Expr::value(charges::Status::Paid.as_str()),
                )
                .in_tenant(charge.workspace_id)
                .filter(charges::Column::Id.eq(charge.id))
                .filter(charges::Column::Status.ne(charges::Status::Paid.as_str()))
                .exec(&txn)
                .await?;
            if claimed.rows_affected == 0 {
                txn.commit().await?;
                return Ok(Applied::AlreadyApplied);
            }
            let charge = charge
                .into_active_model()
                .mark_paid(&txn, &reference, now)
                .await?;
            use subscriptions::Column;
            let moved = subscriptions::Entity::update_many()
                .col_expr(Column::PriceId, Expr::value(id_of("to_price_id")))
                .col_expr(
                    Column::Quantity,
                    Expr::value(
                        record["to_quantity"]
                            .as_i64()
                            .and_then(|q| i32::try_from(q).ok())
                            .unwrap_or(sub.quantity),
                    ),
                )
                .col_expr(Column::ScheduledPriceId, Expr::value(Option::<i64>::None))
                .col_expr(Column::ScheduledQuantity, Expr::value(Option::<i32>::None))
                .col_expr(Column::UpdatedAt, Expr::value(now))
                .in_tenant(sub.workspace_id)
                .filter(Column::Id.eq(sub.id))
                .filter(Column::PriceId.eq(id_of("from_price_id")))
                .filter(Column::Quantity.eq(id_of("from_quantity")))
                .exec(&txn)
                .await?;
            let invoice = invoices::Model::issue(&txn, customer, &charge, now).await?;
            let detail = json!({
                "subscription": sub.pid,
                "charge": charge.pid,
                "amount": charge.amount,
                "currency": charge.currency,
                "price_id": [id_of("from_price_id"), id_of("to_price_id")],
                "quantity": [record["from_quantity"], record["to_quantity"]],
                "applied": moved.rows_affected == 1,
            });
            audit_events::Model::record(
                &txn,
                sub.workspace_id,
                actor,
                "subscription",
                sub.id,
                "subscription.plan_changed",
                detail.clone(),
                None,
            )
            .await?;
            events::Model::publish(
                &txn,
                sub.workspace_id,
                "subscription.updated",
                Some(sub.customer_id),
                detail,
            )
            .await?;
            txn.commit().await?;
            Ok(Applied::Paid {
                charge: Box::new(charge),
                invoice: Box::new(invoice),
            })
        }
        ChargeOutcome::RequiresAction { reference, url } => {
            charge
                .into_active_model()
                .mark_requires_action(db, reference)
                .await?;
            Ok(Applied::RequiresAction { url })
        }
        ChargeOutcome::Failed { code, message, .. } => {
            charge
                .into_active_model()
                .mark_failed(db, &code, &message)
                .await?;
            Ok(Applied::Failed { message })
        }
    }
}
