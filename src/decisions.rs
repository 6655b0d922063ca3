//! A decision about a subscription, made by its customer in the portal or by
//! a merchant in the console (the API makes the same ones without mail), or
//! a merchant's refund (console or API, always mailed: it is money):
//! the model applies it (`subscriptions::Model::cancel`, `keep`, `pause`,
//! `resume`; `plan_changes::apply`), and the customer is told by email when
//! something changed.
use loco_rs::prelude::*;

use crate::{
    mailers::portal::{PlanChangeMail, PortalMailer, SubscriptionMail},
    models::{
        audit_events::Actor,
        charges, customers, invoices,
        money::Money,
        plan_changes::{self, Applied, Authentication, Confirmation, Rules},
        prices,
        refunds::{self, NewRefund},
        subscriptions::{self, Cancellation, Status},
        workspaces,
    },
    settings::Settings,
    workers::renewal::{RenewalArgs, RenewalWorker},
};

async fn plan_name(ctx: &AppContext, sub: &subscriptions::Model) -> Result<String> {
    let plans = prices::Model::with_products(&ctx.db, sub.workspace_id, &[sub.price_id]).await?;
    Ok(plans
        .get(&sub.price_id)
        .map(|(_, product)| product.name.clone())
        .unwrap_or_default())
}

/// The language the customer reads their email in.
fn lang_of(workspace: &workspaces::Model, customer: &customers::Model) -> &'static str {
    crate::locale::pick(customer.locale.as_deref(), None, &workspace.default_locale)
}

/// Refunds (part of) a paid charge through the gateway and, when this request
/// made the refund, emails the customer what came back with the credit note
/// (a mail that cannot be queued is logged: the money is already back).
/// Returns the refund and its credit note.
///
/// # Errors
/// As `refunds::Model::issue` (`Message` for a refusal in words).
pub async fn refund(
    ctx: &AppContext,
    workspace: &workspaces::Model,
    charge: &charges::Model,
    new: &NewRefund,
) -> std::result::Result<(refunds::Model, Option<invoices::Model>), ModelError> {
    let gateway = crate::gateway::from_context(ctx).map_err(|e| ModelError::Any(Box::new(e)))?;
    let (refund, made_now) = refunds::Model::issue(
        &ctx.db,
        gateway.as_ref(),
        workspace.id,
        charge.id,
        new,
        chrono::Utc::now().fixed_offset(),
    )
    .await?;
    let credit_note = refund.credit_note(&ctx.db).await?;
    if made_now {
        let customer =
            customers::Model::find_in_workspace(&ctx.db, workspace.id, charge.customer_id).await?;
        let charge = charges::Entity::find_by_id(charge.id)
            .in_tenant(workspace.id)
            .one(&ctx.db)
            .await?
            .ok_or(ModelError::EntityNotFound)?;
        let mailed = match Settings::from_context(ctx) {
            Ok(settings) => {
                PortalMailer::refund_issued(
                    ctx,
                    &settings,
                    workspace,
                    &customer,
                    &charge,
                    &refund,
                    credit_note.as_ref().map(|n| n.number.as_str()),
                    lang_of(workspace, &customer),
                )
                .await
            }
            Err(err) => Err(err),
        };
        if let Err(err) = mailed {
            tracing::error!(error = %err, refund = %refund.pid, "the refund email could not be queued");
        }
    }
    Ok((refund, credit_note))
}

/// Cancels (now or at period end) and emails the customer when it changed
/// anything (a second click sends nothing).
///
/// # Errors
/// `ModelError::Message` (as `Error::Model`) for a refused cancellation; database or mail errors.
pub async fn cancel(
    ctx: &AppContext,
    workspace: &workspaces::Model,
    customer: &customers::Model,
    sub: subscriptions::Model,
    cancellation: Cancellation<'_>,
    actor: Actor,
) -> std::result::Result<subscriptions::Model, ModelError> {
    let before = (sub.status.clone(), sub.cancel_at_period_end);
    let after = sub
        .cancel(
            &ctx.db,
            cancellation,
            actor,
            chrono::Utc::now().fixed_offset(),
        )
        .await?;
    if (after.status.clone(), after.cancel_at_period_end) != before {
        notify(ctx, workspace, customer, &after, true)
            .await
            .map_err(|e| ModelError::Any(e.into()))?;
    }
    Ok(after)
}

/// Undoes a scheduled cancellation and emails the customer when it did.
///
/// # Errors
/// Database or mail errors.
pub async fn keep(
    ctx: &AppContext,
    workspace: &workspaces::Model,
    customer: &customers::Model,
    sub: subscriptions::Model,
    actor: Actor,
) -> Result<subscriptions::Model> {
    let was_scheduled = sub.has_scheduled_change();
    let kept = sub
        .keep(&ctx.db, actor, chrono::Utc::now().fixed_offset())
        .await?;
    if was_scheduled && !kept.has_scheduled_change() {
        notify(ctx, workspace, customer, &kept, false).await?;
    }
    Ok(kept)
}

/// Schedules a pause of `periods` billing periods (at most `max`: the
/// workspace's longest for its customers) and emails the customer when it did.
///
/// # Errors
/// `ModelError::Message` for a refused pause; database or mail errors.
pub async fn pause(
    ctx: &AppContext,
    workspace: &workspaces::Model,
    customer: &customers::Model,
    sub: subscriptions::Model,
    periods: u32,
    max: u32,
    actor: Actor,
) -> std::result::Result<subscriptions::Model, ModelError> {
    let was = sub.pause_resumes_at;
    let paused = sub
        .pause(
            &ctx.db,
            periods,
            max,
            actor,
            chrono::Utc::now().fixed_offset(),
        )
        .await?;
    if paused.pause_resumes_at.is_some() && was.is_none() {
        let settings = Settings::from_context(ctx).map_err(|e| ModelError::Any(e.into()))?;
        let plan = plan_name(ctx, &paused)
            .await
            .map_err(|e| ModelError::Any(e.into()))?;
        let about = mail_about(workspace, customer, &paused, &plan);
        PortalMailer::subscription_paused(ctx, &settings, &about)
            .await
            .map_err(|e| ModelError::Any(e.into()))?;
    }
    Ok(paused)
}

/// "Resume now": withdraws a scheduled pause, or ends a running one and
/// renews the subscription at once (its renewal job is queued); the
/// customer is emailed.
///
/// # Errors
/// Database, queue or mail errors.
pub async fn resume(
    ctx: &AppContext,
    workspace: &workspaces::Model,
    customer: &customers::Model,
    sub: subscriptions::Model,
    actor: Actor,
) -> Result<subscriptions::Model> {
    let running = sub.status() == Some(Status::Paused);
    let before = (sub.current_period_end, sub.pause_resumes_at);
    let resumed = sub
        .resume(&ctx.db, actor, chrono::Utc::now().fixed_offset())
        .await?;
    if (resumed.current_period_end, resumed.pause_resumes_at) == before {
        return Ok(resumed);
    }
    if running {
        RenewalWorker::perform_later(
            ctx,
            RenewalArgs {
                workspace_id: resumed.workspace_id,
                subscription_id: resumed.id,
            },
        )
        .await?;
    }
    let settings = Settings::from_context(ctx)?;
    let plan = plan_name(ctx, &resumed).await?;
    let about = mail_about(workspace, customer, &resumed, &plan);
    if running {
        PortalMailer::subscription_resumed(ctx, &settings, &about).await?;
    } else {
        PortalMailer::subscription_kept(ctx, &settings, &about).await?;
    }
    Ok(resumed)
}

/// Confirms a plan or seat change (see `plan_changes::apply`) and emails
/// the customer when it took effect or was scheduled.
///
/// # Errors
/// `Error::Model(Message)` for a refused change; database, gateway or mail errors.
#[allow(clippy::too_many_arguments)]
pub async fn change_plan(
    ctx: &AppContext,
    workspace: &workspaces::Model,
    customer: &customers::Model,
    sub: &subscriptions::Model,
    rules: Rules,
    confirmation: Confirmation,
    auth: &Authentication<'_>,
    actor: Actor,
) -> Result<Applied> {
    let gateway = crate::gateway::from_context(ctx)?;
    let from_price = sub.price_id;
    let applied = plan_changes::apply(
        &ctx.db,
        gateway.as_ref(),
        workspace,
        sub,
        rules,
        confirmation,
        auth,
        actor,
        chrono::Utc::now().fixed_offset(),
    )
    .await?;
    render_invoice(ctx, &applied).await?;
    let charged = match &applied {
        Applied::Paid { charge, .. } => {
            Some(charge.money().localized(lang_of(workspace, customer)))
        }
        Applied::Switched | Applied::Scheduled => None,
        _ => return Ok(applied),
    };
    plan_changed_mail(
        ctx,
        workspace,
        customer,
        sub.id,
        from_price,
        charged,
        matches!(applied, Applied::Scheduled),
    )
    .await?;
    Ok(applied)
}

/// Back from the bank after an upgrade's authentication: settles it and
/// emails the customer when it was paid.
///
/// # Errors
/// `NotFound` without an upgrade waiting; database, gateway or mail errors.
pub async fn complete_plan_change(
    ctx: &AppContext,
    workspace: &workspaces::Model,
    customer: &customers::Model,
    sub: &subscriptions::Model,
) -> Result<Applied> {
    let gateway = crate::gateway::from_context(ctx)?;
    let applied = plan_changes::complete(
        &ctx.db,
        gateway.as_ref(),
        sub,
        chrono::Utc::now().fixed_offset(),
    )
    .await?;
    render_invoice(ctx, &applied).await?;
    if let Applied::Paid { charge, .. } = &applied {
        let charged = Some(charge.money().localized(lang_of(workspace, customer)));
        plan_changed_mail(
            ctx,
            workspace,
            customer,
            sub.id,
            sub.price_id,
            charged,
            false,
        )
        .await?;
    }
    Ok(applied)
}

/// A paid plan change's invoice gets its PDF like a renewal's (the plan
/// change's email points to it).
///
/// # Errors
/// When the job cannot be queued.
pub async fn render_invoice(ctx: &AppContext, applied: &Applied) -> Result<()> {
    if let Applied::Paid { invoice, .. } = applied {
        crate::workers::invoice_pdf::InvoicePdfWorker::queue(ctx, invoice, false).await?;
    }
    Ok(())
}

async fn plan_changed_mail(
    ctx: &AppContext,
    workspace: &workspaces::Model,
    customer: &customers::Model,
    subscription_id: i64,
    from_price: i64,
    charged: Option<String>,
    scheduled: bool,
) -> Result<()> {
    let sub = subscriptions::Model::find_for_customer(
        &ctx.db,
        workspace.id,
        customer.id,
        subscription_id,
    )
    .await?;
    let to_price = sub.scheduled_price_id.unwrap_or(sub.price_id);
    let quantity = sub.scheduled_quantity.unwrap_or(sub.quantity);
    let plans =
        prices::Model::with_products(&ctx.db, workspace.id, &[from_price, to_price]).await?;
    let name = |id: i64| {
        plans
            .get(&id)
            .map(|(_, p)| p.name.clone())
            .unwrap_or_default()
    };
    let lang = lang_of(workspace, customer);
    let renewal_amount = plans
        .get(&to_price)
        .and_then(|(price, _)| price.unit_price().times(i64::from(quantity)))
        .map(|net| {
            let total = net.minor.saturating_add(crate::models::invoices::tax_on(
                net.minor,
                workspace.tax_rate_bps,
            ));
            Money::new(total, net.currency).localized(lang)
        })
        .unwrap_or_default();
    let settings = Settings::from_context(ctx)?;
    let plan = name(to_price);
    let about = mail_about(workspace, customer, &sub, &plan);
    let from_plan = name(from_price);
    PortalMailer::plan_changed(
        ctx,
        &settings,
        &about,
        &PlanChangeMail {
            from_plan: &from_plan,
            scheduled,
            charged,
            renewal_amount,
            renews_on: crate::locale::date(sub.current_period_end, lang),
        },
    )
    .await
}

fn mail_about<'a>(
    workspace: &'a workspaces::Model,
    customer: &'a customers::Model,
    sub: &'a subscriptions::Model,
    plan: &'a str,
) -> SubscriptionMail<'a> {
    SubscriptionMail {
        workspace,
        customer,
        subscription: sub,
        plan,
        lang: lang_of(workspace, customer),
    }
}

async fn notify(
    ctx: &AppContext,
    workspace: &workspaces::Model,
    customer: &customers::Model,
    sub: &subscriptions::Model,
    cancelled: bool,
) -> Result<()> {
    let settings = Settings::from_context(ctx)?;
    let plan = plan_name(ctx, sub).await?;
    let about = SubscriptionMail {
        workspace,
        customer,
        subscription: sub,
        plan: &plan,
        lang: lang_of(workspace, customer),
    };
    if cancelled {
        PortalMailer::subscription_cancelled(ctx, &settings, &about).await
    } else {
        PortalMailer::subscription_kept(ctx, &settings, &about).await
    }
}
