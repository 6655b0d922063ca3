//! A customer switches plan or seats: picks a target, sees a preview (what
//! is charged now, prorated, or that it waits for the renewal), and
//! confirms. An upgrade is charged on-session with 3-D Secure when the bank
//! asks. Answers 404 unless the workspace offers "Switch plan" or "Change
//! seats"; the rules live in `models::plan_changes`.
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use loco_rs::prelude::*;
use serde::Deserialize;
use serde_json::json;

use super::{
    cancellation::subscription_of,
    session::{with, SignedIn},
};
use crate::{
    access::Action,
    capabilities::Capability,
    models::{
        audit_events::Actor,
        plan_changes::{self, Applied, Authentication, Confirmation, Preview, Rules, Target},
        prices, subscriptions,
        workspaces::PortalSection,
    },
    settings::Settings,
    views::portal::SubscriptionDetail,
};

fn rules(signed_in: &SignedIn) -> Result<Rules> {
    let ws = &signed_in.workspace;
    if Capability::SwitchPlan.allowed(ws) || Capability::ChangeQuantity.allowed(ws) {
        Ok(Rules::for_customer(ws))
    } else {
        Err(Error::NotFound)
    }
}

async fn render(
    v: &TeraView,
    ctx: &AppContext,
    signed_in: &SignedIn,
    sub: subscriptions::Model,
    preview: Option<&Preview>,
    status: StatusCode,
    extra: serde_json::Value,
) -> Result<Response> {
    let ws = &signed_in.workspace;
    let lang = signed_in.lang;
    let options = plan_changes::options(&ctx.db, &sub, rules(signed_in)?).await?;
    let mut ids: Vec<i64> = options.iter().map(|p| p.id).collect();
    ids.push(sub.price_id);
    let plans = prices::Model::with_products(&ctx.db, ws.id, &ids).await?;
    let names = |id: i64| {
        plans
            .get(&id)
            .map(|(_, p)| p.name.clone())
            .unwrap_or_default()
    };
    let chosen = preview.map_or(sub.price_id, |p| p.to.id);
    let rows: Vec<_> = options
        .iter()
        .map(|p| {
            json!({
                "id": p.id,
                "plan": names(p.id),
                "amount": p.unit_price().localized(lang),
                "interval": p.interval_words_in(lang),
                "per_seat": p.max_quantity.is_some(),
                "min": p.min_quantity,
                "max": p.max_quantity,
                "current": p.id == sub.price_id,
                "chosen": p.id == chosen,
            })
        })
        .collect();
    let seats: Vec<_> = rows
        .iter()
        .filter(|r| r["per_seat"] == true)
        .cloned()
        .collect();
    let quantity = preview.map_or(sub.quantity, |p| p.to_quantity);
    let preview = preview.map(|p| crate::views::portal::plan_change_preview(p, &names, lang));
    let detail = SubscriptionDetail::load(&ctx.db, ws, &signed_in.customer, sub, lang).await?;
    format::render().status(status).view(
        v,
        "portal/change.html",
        with(
            with(
                signed_in.layout(Some(PortalSection::Subscriptions)),
                json!({
                    "subscription": detail,
                    "options": rows,
                    "seats": seats,
                    "quantity": quantity,
                    "preview": preview,
                }),
            ),
            extra,
        ),
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ChangeQuery {
    price: Option<String>,
    quantity: Option<String>,
}

/// The target a form names; a missing or unreadable seat count keeps the
/// current one.
fn target_of(sub: &subscriptions::Model, price: &str, quantity: Option<&str>) -> Option<Target> {
    let price_id = price.trim().parse().ok()?;
    let quantity = match quantity.map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => q.parse().ok()?,
        None => sub.quantity,
    };
    Some(Target { price_id, quantity })
}

/// `GET .../subscriptions/{id}/change[?price=&quantity=]`: the plans to
/// choose from and, once one is chosen, the preview.
#[debug_handler]
pub async fn page(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, i64)>,
    Query(query): Query<ChangeQuery>,
    signed_in: SignedIn,
) -> Result<Response> {
    let sub = subscription_of(&ctx, &signed_in, id, Action::Read).await?;
    let rules = rules(&signed_in)?;
    if plan_changes::check_changeable(&sub).is_err() {
        return Err(Error::NotFound);
    }
    let Some(price) = query.price.as_deref() else {
        return render(&v, &ctx, &signed_in, sub, None, StatusCode::OK, json!({})).await;
    };
    let Some(target) = target_of(&sub, price, query.quantity.as_deref()) else {
        let extra = json!({
            "error": crate::locale::text(signed_in.lang, "refusal-choose-plan-and-seats", &[])
        });
        return render(
            &v,
            &ctx,
            &signed_in,
            sub,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            extra,
        )
        .await;
    };
    let now = Utc::now().fixed_offset();
    match plan_changes::preview(&ctx.db, &signed_in.workspace, &sub, target, rules, now).await {
        Ok(preview) => {
            render(
                &v,
                &ctx,
                &signed_in,
                sub,
                Some(&preview),
                StatusCode::OK,
                json!({}),
            )
            .await
        }
        Err(ModelError::Message(message)) => {
            let extra = json!({ "error": crate::locale::say(&message, signed_in.lang) });
            render(
                &v,
                &ctx,
                &signed_in,
                sub,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
                extra,
            )
            .await
        }
        Err(err) => Err(err.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ConfirmForm {
    csrf_token: String,
    price_id: String,
    quantity: String,
    /// the preview's moment (Unix seconds) and total, as shown
    at: String,
    total: String,
}

fn return_url(ctx: &AppContext, slug: &str, id: i64) -> Result<String> {
    let settings = Settings::from_context(ctx)?;
    Ok(format!(
        "{}/portal/{slug}/subscriptions/{id}/change/return",
        settings.public_url.trim_end_matches('/')
    ))
}

/// `POST .../subscriptions/{id}/change`: confirms the previewed change.
#[debug_handler]
pub async fn confirm(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, i64)>,
    signed_in: SignedIn,
    Form(form): Form<ConfirmForm>,
) -> Result<Response> {
    let sub = subscription_of(&ctx, &signed_in, id, Action::Write).await?;
    signed_in.check_csrf(&form.csrf_token)?;
    let rules = rules(&signed_in)?;
    let ws = &signed_in.workspace;
    let at = form
        .at
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|secs| DateTime::from_timestamp(secs, 0))
        .map(|at| at.fixed_offset());
    let (Some(target), Some(at), Ok(expected_total)) = (
        target_of(&sub, &form.price_id, Some(&form.quantity)),
        at,
        form.total.trim().parse::<i64>(),
    ) else {
        let extra = json!({
            "error": crate::locale::text(signed_in.lang, "refusal-change-unreadable", &[])
        });
        return render(
            &v,
            &ctx,
            &signed_in,
            sub,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            extra,
        )
        .await;
    };
    let url = return_url(&ctx, &ws.slug, id)?;
    let applied = crate::decisions::change_plan(
        &ctx,
        ws,
        &signed_in.customer,
        &sub,
        rules,
        Confirmation {
            target,
            at,
            expected_total,
        },
        &Authentication::Customer { return_url: &url },
        Actor::Customer(signed_in.customer.id),
    )
    .await;
    outcome(&v, &ctx, &signed_in, sub, applied).await
}

/// `GET .../subscriptions/{id}/change/return`: back from the bank.
#[debug_handler]
pub async fn back_from_bank(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, i64)>,
    signed_in: SignedIn,
) -> Result<Response> {
    let sub = subscription_of(&ctx, &signed_in, id, Action::Write).await?;
    let applied = crate::decisions::complete_plan_change(
        &ctx,
        &signed_in.workspace,
        &signed_in.customer,
        &sub,
    )
    .await;
    outcome(&v, &ctx, &signed_in, sub, applied).await
}

async fn outcome(
    v: &TeraView,
    ctx: &AppContext,
    signed_in: &SignedIn,
    sub: subscriptions::Model,
    applied: Result<Applied>,
) -> Result<Response> {
    let page = |notice: &str| {
        format::render()
            .status(StatusCode::SEE_OTHER)
            .redirect(&format!(
                "/portal/{}/subscriptions/{}?{notice}=1",
                signed_in.workspace.slug, sub.id
            ))
    };
    match applied {
        Ok(Applied::Paid { .. } | Applied::Switched | Applied::AlreadyApplied) => page("changed"),
        Ok(Applied::Scheduled) => page("change_scheduled"),
        Ok(Applied::RequiresAction { url }) => format::render()
            .status(StatusCode::SEE_OTHER)
            .redirect(&url),
        Ok(Applied::Failed { message }) => {
            let extra = json!({ "error": crate::locale::say(&message, signed_in.lang) });
            render(
                v,
                ctx,
                signed_in,
                sub,
                None,
                StatusCode::PAYMENT_REQUIRED,
                extra,
            )
            .await
        }
        Ok(Applied::Stale(preview)) => {
            let extra = json!({ "stale": true });
            render(
                v,
                ctx,
                signed_in,
                sub,
                Some(&preview),
                StatusCode::CONFLICT,
                extra,
            )
            .await
        }
        Err(Error::Model(ModelError::Message(message))) => {
            let extra = json!({ "error": crate::locale::say(&message, signed_in.lang) });
            render(
                v,
                ctx,
                signed_in,
                sub,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
                extra,
            )
            .await
        }
        Err(err) => Err(err),
    }
}
