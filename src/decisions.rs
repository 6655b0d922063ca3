//! A decision about a subscription, made by its customer in the portal or by
//! a merchant in the console (the API makes the same ones without mail):
//! the model applies it (`subscriptions::Model::cancel`, `keep`), and the
//! customer is told by email when something changed.
use loco_rs::prelude::*;

use crate::{
    mailers::portal::{PortalMailer, SubscriptionMail},
    models::{
        audit_events::Actor,
        customers, prices,
        subscriptions::{self, Cancellation},
        workspaces,
    },
    settings::Settings,
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
    let was_scheduled = sub.cancel_at_period_end;
    let kept = sub
        .keep(&ctx.db, actor, chrono::Utc::now().fixed_offset())
        .await?;
    if was_scheduled && !kept.cancel_at_period_end {
        notify(ctx, workspace, customer, &kept, false).await?;
    }
    Ok(kept)
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
