//! A merchant decides about a customer's subscription from the customer's
//! page: cancel at period end, cancel now (no refund), pause, resume what is
//! scheduled (or a running pause), and change plan or seats after a preview
//! (an upgrade charged off-session). Merchants are not bound by the portal's switches; the
//! customer is emailed as when they decide themselves (`crate::decisions`).
use axum::http::StatusCode;
use loco_rs::prelude::*;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::session::Console;
use crate::views::console::PlanOption;
use crate::{
    access::Resource,
    models::{
        audit_events::Actor,
        customers,
        plan_changes::{self, Applied, Authentication, Confirmation, Rules, Target},
        prices,
        subscriptions::{self, Cancellation},
        tenancy, Found as _,
    },
};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    csrf_token: String,
    /// for a pause: how many billing periods
    periods: String,
}

/// The customer `customer_pid` of this workspace and their subscription `sub_pid`.
async fn subscription_of(
    ctx: &AppContext,
    console: &Console,
    customer_pid: &str,
    sub_pid: &str,
) -> Result<(customers::Model, subscriptions::Model)> {
    let ws = &console.workspace;
    let customer_pid = Uuid::parse_str(customer_pid).map_err(|_| Error::NotFound)?;
    let customer =
        crate::models::tenancy::find_by_pid::<customers::Entity>(&ctx.db, ws.id, customer_pid)
            .await
            .or_404()?;
    let sub_pid = Uuid::parse_str(sub_pid).map_err(|_| Error::NotFound)?;
    let sub = tenancy::find_by_pid::<subscriptions::Entity>(&ctx.db, ws.id, sub_pid)
        .await
        .or_404()?;
    if sub.customer_id != customer.id {
        return Err(Error::NotFound);
    }
    Ok((customer, sub))
}

/// `POST /admin/{slug}/customers/{pid}/subscriptions/{sub}/{decision}` with
/// `decision` one of `cancel-at-period-end`, `cancel-now`, `pause`, `resume`.
#[debug_handler]
pub async fn decide(
    State(ctx): State<AppContext>,
    Path((_slug, customer_pid, sub_pid, decision)): Path<(String, String, String, String)>,
    console: Console,
    Form(form): Form<DecisionForm>,
) -> Result<Response> {
    console
        .allow_form(&ctx, Resource::Subscriptions, &form.csrf_token)
        .await?;
    let ws = &console.workspace;
    let (customer, sub) = subscription_of(&ctx, &console, &customer_pid, &sub_pid).await?;
    let actor = Actor::MerchantUser(console.user.id);
    let notice = match decision.as_str() {
        "resume" => {
            let pause = sub.status() == Some(subscriptions::Status::Paused)
                || sub.pause_resumes_at.is_some();
            let sub = if pause {
                crate::decisions::resume(&ctx, ws, &customer, sub, actor).await?
            } else {
                sub
            };
            crate::decisions::keep(&ctx, ws, &customer, sub, actor).await?;
            "resumed"
        }
        "pause" => {
            let periods = form.periods.trim().parse().unwrap_or(0);
            // merchants may pause up to the limit, whatever customers may
            let limit = crate::capabilities::PAUSE_PERIODS_LIMIT;
            match crate::decisions::pause(&ctx, ws, &customer, sub, periods, limit, actor).await {
                Ok(_) => "paused",
                Err(ModelError::Message(_)) => "refused",
                Err(err) => return Err(err.into()),
            }
        }
        "cancel-at-period-end" | "cancel-now" => {
            let cancellation = if decision == "cancel-now" {
                Cancellation::Now {
                    reason: None,
                    comment: None,
                }
            } else {
                Cancellation::AtPeriodEnd {
                    reason: None,
                    comment: None,
                }
            };
            match crate::decisions::cancel(&ctx, ws, &customer, sub, cancellation, actor).await {
                Ok(_) => "cancelled",
                // a past-due subscription cannot be scheduled: say so on the page
                Err(ModelError::Message(_)) => "past_due",
                Err(err) => return Err(err.into()),
            }
        }
        _ => return Err(Error::NotFound),
    };
    format::render()
        .status(StatusCode::SEE_OTHER)
        .redirect(&format!(
            "/admin/{}/customers/{}?subscription={notice}",
            ws.slug, customer.pid
        ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ChangeQuery {
    price: Option<String>,
    quantity: Option<String>,
}

async fn change_page(
    v: &TeraView,
    ctx: &AppContext,
    console: &Console,
    (customer, sub): (&customers::Model, &subscriptions::Model),
    preview: Option<&plan_changes::Preview>,
    status: StatusCode,
    extra: serde_json::Value,
) -> Result<Response> {
    let ws = &console.workspace;
    let options = plan_changes::options(&ctx.db, sub, Rules::Merchant).await?;
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
        .map(|p| PlanOption {
            id: p.id,
            plan: names(p.id),
            amount: p.unit_price().localized("en-US"),
            interval: p.interval_words(),
            current: p.id == sub.price_id,
            chosen: p.id == chosen,
        })
        .collect();
    let page = json!({
        "customer": { "pid": customer.pid, "name": customer.name, "email": customer.email },
        "subscription": { "pid": sub.pid, "plan": names(sub.price_id), "quantity": sub.quantity },
        "options": rows,
        "quantity": preview.map_or(sub.quantity, |p| p.to_quantity),
        "preview": preview.map(|p| crate::views::portal::plan_change_preview(p, &names, "en-US")),
    });
    console
        .render(
            v,
            ctx,
            "customers",
            "admin/change_plan.html",
            status,
            crate::controllers::portal::session::with(page, extra),
        )
        .await
}

/// `GET /admin/{slug}/customers/{pid}/subscriptions/{sub}/change`: the
/// prices on the same cycle and currency, and the chosen change's preview.
#[debug_handler]
pub async fn change_form(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path((_slug, customer_pid, sub_pid)): Path<(String, String, String)>,
    Query(query): Query<ChangeQuery>,
    console: Console,
) -> Result<Response> {
    console
        .allow(&ctx, Resource::Subscriptions, crate::access::Action::Write)
        .await?;
    let (customer, sub) = subscription_of(&ctx, &console, &customer_pid, &sub_pid).await?;
    if plan_changes::check_changeable(&sub).is_err() {
        return Err(Error::NotFound);
    }
    let Some(price) = query.price.as_deref() else {
        return change_page(
            &v,
            &ctx,
            &console,
            (&customer, &sub),
            None,
            StatusCode::OK,
            json!({}),
        )
        .await;
    };
    let target = price.trim().parse().ok().and_then(|price_id| {
        let quantity = match query.quantity.as_deref().map(str::trim) {
            Some(q) if !q.is_empty() => q.parse().ok()?,
            _ => sub.quantity,
        };
        Some(Target { price_id, quantity })
    });
    let now = chrono::Utc::now().fixed_offset();
    let previewed = match target {
        Some(target) => {
            plan_changes::preview(
                &ctx.db,
                &console.workspace,
                &sub,
                target,
                Rules::Merchant,
                now,
            )
            .await
        }
        None => Err(ModelError::Message(
            "Choose a plan and a whole number of seats.".into(),
        )),
    };
    match previewed {
        Ok(preview) => {
            change_page(
                &v,
                &ctx,
                &console,
                (&customer, &sub),
                Some(&preview),
                StatusCode::OK,
                json!({}),
            )
            .await
        }
        Err(ModelError::Message(message)) => {
            let extra = json!({ "error": crate::locale::say(&message, crate::locale::DEFAULT) });
            change_page(
                &v,
                &ctx,
                &console,
                (&customer, &sub),
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
    at: String,
    total: String,
}

/// `POST .../subscriptions/{sub}/change`: confirms the previewed change; an
/// upgrade is charged off-session with the subscription's payment method.
#[debug_handler]
pub async fn change(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path((_slug, customer_pid, sub_pid)): Path<(String, String, String)>,
    console: Console,
    Form(form): Form<ConfirmForm>,
) -> Result<Response> {
    console
        .allow_form(&ctx, Resource::Subscriptions, &form.csrf_token)
        .await?;
    let (customer, sub) = subscription_of(&ctx, &console, &customer_pid, &sub_pid).await?;
    let ws = &console.workspace;
    let parsed = (
        form.price_id.trim().parse::<i64>(),
        form.quantity.trim().parse::<i32>(),
        form.at
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|s| chrono::DateTime::from_timestamp(s, 0)),
        form.total.trim().parse::<i64>(),
    );
    let (Ok(price_id), Ok(quantity), Some(at), Ok(expected_total)) = parsed else {
        let extra = json!({ "error": "This change could not be read: choose the plan again." });
        return change_page(
            &v,
            &ctx,
            &console,
            (&customer, &sub),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            extra,
        )
        .await;
    };
    let applied = crate::decisions::change_plan(
        &ctx,
        ws,
        &customer,
        &sub,
        Rules::Merchant,
        Confirmation {
            target: Target { price_id, quantity },
            at: at.fixed_offset(),
            expected_total,
        },
        &Authentication::OffSession,
        Actor::MerchantUser(console.user.id),
    )
    .await;
    let done = |notice: &str| {
        format::render()
            .status(StatusCode::SEE_OTHER)
            .redirect(&format!(
                "/admin/{}/customers/{}?subscription={notice}",
                ws.slug, customer.pid
            ))
    };
    match applied {
        Ok(Applied::Paid { .. } | Applied::Switched | Applied::AlreadyApplied) => done("changed"),
        Ok(Applied::Scheduled) => done("change_scheduled"),
        Ok(Applied::Stale(preview)) => {
            let extra = json!({ "stale": true });
            change_page(
                &v,
                &ctx,
                &console,
                (&customer, &sub),
                Some(&preview),
                StatusCode::CONFLICT,
                extra,
            )
            .await
        }
        Ok(Applied::Failed { message }) => {
            let extra =
                json!({ "error": format!("The payment was declined, nothing changed: {message}") });
            change_page(
                &v,
                &ctx,
                &console,
                (&customer, &sub),
                None,
                StatusCode::PAYMENT_REQUIRED,
                extra,
            )
            .await
        }
        Ok(Applied::RequiresAction { .. }) => Err(Error::InternalServerError),
        Err(Error::Model(ModelError::Message(message))) => {
            let extra = json!({ "error": message });
            change_page(
                &v,
                &ctx,
                &console,
                (&customer, &sub),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
                extra,
            )
            .await
        }
        Err(err) => Err(err),
    }
}
