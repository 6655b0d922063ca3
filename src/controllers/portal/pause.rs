//! A customer pauses a subscription from the end of its paid period, for as
//! many billing periods as the workspace allows, and resumes it early. Both
//! answer 404 when the workspace's "Pause" switch is off; the rules live on
//! `subscriptions::Model::pause` and `resume`.
use axum::http::StatusCode;
use loco_rs::prelude::*;
use serde::Deserialize;
use serde_json::json;

use super::{
    cancellation::{subscription_of, CsrfForm},
    session::{with, SignedIn},
};
use crate::{
    access::Action,
    capabilities::{self, Capability},
    models::{audit_events::Actor, prices, subscriptions, workspaces::PortalSection},
    views::portal::SubscriptionDetail,
};

fn allowed(signed_in: &SignedIn) -> Result<()> {
    if Capability::Pause.allowed(&signed_in.workspace) {
        Ok(())
    } else {
        Err(Error::NotFound)
    }
}

async fn page_with(
    v: &TeraView,
    ctx: &AppContext,
    signed_in: &SignedIn,
    sub: subscriptions::Model,
    status: StatusCode,
    extra: serde_json::Value,
) -> Result<Response> {
    let ws = &signed_in.workspace;
    if sub.status() != Some(subscriptions::Status::Active) || sub.has_scheduled_change() {
        return Err(Error::NotFound);
    }
    let price = prices::Model::find_in_workspace(&ctx.db, ws.id, sub.price_id).await?;
    let options: Vec<_> = (1..=capabilities::pause_max_periods(ws))
        .map(|n| json!({ "periods": n, "until": crate::locale::date(sub.pause_end(&price, n), signed_in.lang) }))
        .collect();
    let detail =
        SubscriptionDetail::load(&ctx.db, ws, &signed_in.customer, sub, signed_in.lang).await?;
    format::render().status(status).view(
        v,
        "portal/pause.html",
        with(
            with(
                signed_in.layout(Some(PortalSection::Subscriptions)),
                json!({ "subscription": detail, "options": options }),
            ),
            extra,
        ),
    )
}

/// `GET .../subscriptions/{id}/pause`: for how long, and what it means.
#[debug_handler]
pub async fn page(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, i64)>,
    signed_in: SignedIn,
) -> Result<Response> {
    let sub = subscription_of(&ctx, &signed_in, id, Action::Read).await?;
    allowed(&signed_in)?;
    page_with(&v, &ctx, &signed_in, sub, StatusCode::OK, json!({})).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PauseForm {
    csrf_token: String,
    periods: String,
}

/// `POST .../subscriptions/{id}/pause`
#[debug_handler]
pub async fn pause(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, i64)>,
    signed_in: SignedIn,
    Form(form): Form<PauseForm>,
) -> Result<Response> {
    let sub = subscription_of(&ctx, &signed_in, id, Action::Write).await?;
    signed_in.check_csrf(&form.csrf_token)?;
    allowed(&signed_in)?;
    let ws = &signed_in.workspace;
    let periods = form.periods.trim().parse().unwrap_or(0);
    let decided = crate::decisions::pause(
        &ctx,
        ws,
        &signed_in.customer,
        sub.clone(),
        periods,
        capabilities::pause_max_periods(ws),
        Actor::Customer(signed_in.customer.id),
    )
    .await;
    match decided {
        Ok(_) => format::render()
            .status(StatusCode::SEE_OTHER)
            .redirect(&format!("/portal/{}/subscriptions/{id}?paused=1", ws.slug)),
        Err(ModelError::Message(message)) => {
            let extra = json!({ "error": crate::locale::say(&message, signed_in.lang) });
            page_with(
                &v,
                &ctx,
                &signed_in,
                sub,
                StatusCode::UNPROCESSABLE_ENTITY,
                extra,
            )
            .await
        }
        Err(err) => Err(err.into()),
    }
}

/// `POST .../subscriptions/{id}/resume`: "Resume now" (a running pause) or
/// "Don't pause" (a scheduled one).
#[debug_handler]
pub async fn resume(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, i64)>,
    signed_in: SignedIn,
    Form(form): Form<CsrfForm>,
) -> Result<Response> {
    let sub = subscription_of(&ctx, &signed_in, id, Action::Write).await?;
    signed_in.check_csrf(&form.csrf_token)?;
    // a customer can always get out of a pause, even one the merchant no
    // longer offers; there must be one
    if sub.pause_resumes_at.is_none() && sub.status() != Some(subscriptions::Status::Paused) {
        return Err(Error::NotFound);
    }
    let ws = &signed_in.workspace;
    crate::decisions::resume(
        &ctx,
        ws,
        &signed_in.customer,
        sub,
        Actor::Customer(signed_in.customer.id),
    )
    .await?;
    format::render()
        .status(StatusCode::SEE_OTHER)
        .redirect(&format!("/portal/{}/subscriptions/{id}?resumed=1", ws.slug))
}
