//! A customer cancels a subscription (at the period's end, or now where the
//! workspace allows it) and, until the period ends, keeps it after all. Each
//! action answers 404 when the workspace switched it off
//! (`capabilities::Capability`); the rules live on `subscriptions::Model`.
use axum::http::StatusCode;
use loco_rs::prelude::*;
use serde::Deserialize;
use serde_json::json;

use super::session::{with, SignedIn};
use crate::{
    access::{Action, Resource},
    capabilities::Capability,
    models::{
        audit_events::Actor,
        subscriptions::{self, Cancellation, CANCELLATION_REASONS},
        workspaces::PortalSection,
        Found as _,
    },
    views::portal::SubscriptionDetail,
};

/// The customer's running subscription `id`, when they may write to it.
pub(super) async fn subscription_of(
    ctx: &AppContext,
    signed_in: &SignedIn,
    id: i64,
    action: Action,
) -> Result<subscriptions::Model> {
    signed_in
        .allow(
            ctx,
            PortalSection::Subscriptions,
            Resource::Subscriptions,
            action,
        )
        .await?;
    subscriptions::Model::find_for_customer(
        &ctx.db,
        signed_in.workspace.id,
        signed_in.customer.id,
        id,
    )
    .await
    .or_404()
}

async fn confirmation(
    v: &TeraView,
    ctx: &AppContext,
    signed_in: &SignedIn,
    sub: subscriptions::Model,
    status: StatusCode,
    extra: serde_json::Value,
) -> Result<Response> {
    let ws = &signed_in.workspace;
    let (at_period_end, now) = sub.customer_cancel_options(ws).ok_or(Error::NotFound)?;
    let detail =
        SubscriptionDetail::load(&ctx.db, ws, &signed_in.customer, sub, signed_in.lang).await?;
    format::render().status(status).view(
        v,
        "portal/cancel.html",
        with(
            with(
                signed_in.layout(Some(PortalSection::Subscriptions)),
                json!({
                    "subscription": detail,
                    "reasons": CANCELLATION_REASONS,
                    "can_cancel_at_period_end": at_period_end,
                    "can_cancel_now": now,
                }),
            ),
            extra,
        ),
    )
}

/// `GET .../subscriptions/{id}/cancel`: what cancelling means, and why.
#[debug_handler]
pub async fn page(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, i64)>,
    signed_in: SignedIn,
) -> Result<Response> {
    let sub = subscription_of(&ctx, &signed_in, id, Action::Read).await?;
    confirmation(&v, &ctx, &signed_in, sub, StatusCode::OK, json!({})).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CancelForm {
    csrf_token: String,
    /// `period_end` or `now`
    when: String,
    reason: String,
    comment: String,
}

/// `POST .../subscriptions/{id}/cancel`
#[debug_handler]
pub async fn cancel(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, i64)>,
    signed_in: SignedIn,
    Form(form): Form<CancelForm>,
) -> Result<Response> {
    let sub = subscription_of(&ctx, &signed_in, id, Action::Write).await?;
    signed_in.check_csrf(&form.csrf_token)?;
    let ws = &signed_in.workspace;
    let now = form.when == "now";
    let capability = if now {
        Capability::CancelImmediately
    } else {
        Capability::CancelAtPeriodEnd
    };
    if !capability.allowed(ws) {
        return Err(Error::NotFound);
    }
    let (reason, comment) = (Some(form.reason.as_str()), Some(form.comment.as_str()));
    let cancellation = if now {
        Cancellation::Now { reason, comment }
    } else {
        Cancellation::AtPeriodEnd { reason, comment }
    };
    let decided = crate::decisions::cancel(
        &ctx,
        ws,
        &signed_in.customer,
        sub.clone(),
        cancellation,
        Actor::Customer(signed_in.customer.id),
    )
    .await;
    match decided {
        Ok(_) => {}
        Err(ModelError::Message(message)) => {
            let message = crate::locale::say(&message, signed_in.lang);
            let extra = json!({ "error": message, "reason": form.reason, "comment": form.comment });
            return confirmation(
                &v,
                &ctx,
                &signed_in,
                sub,
                StatusCode::UNPROCESSABLE_ENTITY,
                extra,
            )
            .await;
        }
        Err(err) => return Err(err.into()),
    }
    format::render()
        .status(StatusCode::SEE_OTHER)
        .redirect(&format!(
            "/portal/{}/subscriptions/{id}?cancelled={}",
            ws.slug,
            if now { "now" } else { "period_end" }
        ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CsrfForm {
    pub(super) csrf_token: String,
}

/// `POST .../subscriptions/{id}/keep`: undo a scheduled cancellation.
#[debug_handler]
pub async fn keep(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, i64)>,
    signed_in: SignedIn,
    Form(form): Form<CsrfForm>,
) -> Result<Response> {
    let sub = subscription_of(&ctx, &signed_in, id, Action::Write).await?;
    signed_in.check_csrf(&form.csrf_token)?;
    let ws = &signed_in.workspace;
    if !Capability::CancelAtPeriodEnd.allowed(ws) {
        return Err(Error::NotFound);
    }
    crate::decisions::keep(
        &ctx,
        ws,
        &signed_in.customer,
        sub,
        Actor::Customer(signed_in.customer.id),
    )
    .await?;
    format::render()
        .status(StatusCode::SEE_OTHER)
        .redirect(&format!("/portal/{}/subscriptions/{id}?kept=1", ws.slug))
}
