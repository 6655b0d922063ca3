//! `/api/v1/subscriptions`: start, read, list, cancel (now or at period
//! end), pause, resume, and change price or quantity (with a preview).
use axum::http::StatusCode;
use chrono::Utc;
use loco_rs::prelude::*;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::{check_text, find, invalid_field, model_error, page, ApiWorkspace, Paging};
use crate::{
    models::{
        audit_events::Actor,
        customers, payment_methods, plan_changes, prices,
        subscriptions::{self, Cancellation, NewSubscription, Status},
    },
    views::api::{ApiError, ChangePreview, ChangeResult, List, Subscription},
};

/// The public ids a subscription refers to.
async fn view(ctx: &AppContext, ws: i64, s: &subscriptions::Model) -> Result<Subscription> {
    let customer = customers::Model::find_in_workspace(&ctx.db, ws, s.customer_id).await?;
    let price = prices::Model::find_in_workspace(&ctx.db, ws, s.price_id).await?;
    let method = match s.payment_method_id {
        Some(id) => payment_methods::Model::find_for_customer(&ctx.db, ws, s.customer_id, id)
            .await
            .ok()
            .map(|m| m.pid),
        None => None,
    };
    let scheduled = match s.scheduled_price_id {
        Some(id) => Some(prices::Model::find_in_workspace(&ctx.db, ws, id).await?.pid),
        None => None,
    };
    Ok(Subscription::new(
        s,
        customer.pid,
        price.pid,
        scheduled,
        method,
    ))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct SubscriptionFilter {
    /// only this customer's subscriptions
    pub customer: Option<String>,
    /// `trialing`, `active`, `past_due`, `paused` or `cancelled`
    pub status: Option<String>,
}

/// List subscriptions, oldest first.
#[utoipa::path(get, path = "/api/v1/subscriptions", tag = "subscriptions", params(Paging, SubscriptionFilter),
    responses((status = 200, body = List<Subscription>), (status = 401, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
#[debug_handler]
pub async fn list(
    State(ctx): State<AppContext>,
    ApiWorkspace(ws): ApiWorkspace,
    Query(paging): Query<Paging>,
    Query(filter): Query<SubscriptionFilter>,
) -> Result<Response> {
    let mut select = subscriptions::Entity::find().in_tenant(ws.id);
    if let Some(customer) = &filter.customer {
        let customer = find::<customers::Entity>(&ctx, ws.id, customer, "customer").await?;
        select = select.filter(subscriptions::Column::CustomerId.eq(customer.id));
    }
    if let Some(status) = &filter.status {
        let status = Status::parse(status).ok_or_else(|| {
            invalid_field(
                "status",
                "use trialing, active, past_due, paused or cancelled",
            )
        })?;
        select = select.filter(subscriptions::Column::Status.eq(status.as_str()));
    }
    let (rows, has_more) = page(&ctx, ws.id, select, &paging, "subscription").await?;
    let mut data = Vec::with_capacity(rows.len());
    for s in &rows {
        data.push(view(&ctx, ws.id, s).await?);
    }
    format::json(List { data, has_more })
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SubscriptionCreate {
    pub customer: String,
    pub price: String,
    #[serde(default = "one")]
    pub quantity: i32,
    /// the customer's payment method to renew with (default: their default)
    pub payment_method: Option<String>,
}

const fn one() -> i32 {
    1
}

/// Start a subscription. With a trial it starts trialing; otherwise its
/// first period is due at once and the renewal engine charges it within a
/// minute (a decline follows the workspace's dunning schedule).
#[utoipa::path(post, path = "/api/v1/subscriptions", tag = "subscriptions", request_body = SubscriptionCreate,
    responses((status = 201, body = Subscription), (status = 401, body = ApiError), (status = 422, body = ApiError)))]
#[debug_handler]
pub async fn create(
    State(ctx): State<AppContext>,
    ApiWorkspace(ws): ApiWorkspace,
    axum::Json(body): axum::Json<SubscriptionCreate>,
) -> Result<Response> {
    check_text(&[
        ("customer", Some(&body.customer)),
        ("price", Some(&body.price)),
        ("payment_method", body.payment_method.as_deref()),
    ])?;
    if !(1..=10_000).contains(&body.quantity) {
        return Err(invalid_field("quantity", "use a quantity from 1 to 10000"));
    }
    let customer = find::<customers::Entity>(&ctx, ws.id, &body.customer, "customer")
        .await
        .map_err(|_| invalid_field("customer", "no such customer"))?;
    let price = find::<prices::Entity>(&ctx, ws.id, &body.price, "price")
        .await
        .map_err(|_| invalid_field("price", "no such price"))?;
    let method_id = match &body.payment_method {
        Some(pid) => {
            let method = find::<payment_methods::Entity>(&ctx, ws.id, pid, "payment method")
                .await
                .ok()
                .filter(|m| m.customer_id == customer.id && m.is_active())
                .ok_or_else(|| {
                    invalid_field("payment_method", "no such payment method of this customer")
                })?;
            Some(method.id)
        }
        None => customer.default_payment_method_id,
    };
    let started = subscriptions::Model::start_billing_now(
        &ctx.db,
        ws.id,
        &NewSubscription {
            customer_id: customer.id,
            price_id: price.id,
            quantity: body.quantity,
            payment_method_id: method_id,
        },
        Utc::now().fixed_offset(),
    )
    .await
    .map_err(|e| model_error(e, "subscription"))?;
    format::render()
        .status(StatusCode::CREATED)
        .json(view(&ctx, ws.id, &started).await?)
}

/// Read a subscription.
#[utoipa::path(get, path = "/api/v1/subscriptions/{id}", tag = "subscriptions",
    params(("id" = String, Path, description = "subscription id")),
    responses((status = 200, body = Subscription), (status = 401, body = ApiError), (status = 404, body = ApiError)))]
#[debug_handler]
pub async fn show(
    State(ctx): State<AppContext>,
    ApiWorkspace(ws): ApiWorkspace,
    Path(id): Path<String>,
) -> Result<Response> {
    let sub = find::<subscriptions::Entity>(&ctx, ws.id, &id, "subscription").await?;
    format::json(view(&ctx, ws.id, &sub).await?)
}

/// How to cancel (the body is optional: no body cancels now).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CancelRequest {
    /// end at the end of the paid period instead of now
    pub at_period_end: bool,
    /// `too_expensive`, `missing_features`, `switched_service`, `not_using`,
    /// `temporary` or `other`
    pub reason: Option<String>,
    /// free text from the customer, up to 1000 characters
    pub comment: Option<String>,
}

/// Cancel a subscription: now (it will not renew again), or with
/// `at_period_end` at the end of its paid period (it renews no more and
/// ends then; `resume` undoes that until then). Cancelling what is already
/// cancelled or scheduled returns it unchanged.
#[utoipa::path(post, path = "/api/v1/subscriptions/{id}/cancel", tag = "subscriptions",
    params(("id" = String, Path, description = "subscription id")), request_body(content = CancelRequest, description = "optional"),
    responses((status = 200, body = Subscription), (status = 401, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
#[debug_handler]
pub async fn cancel(
    State(ctx): State<AppContext>,
    ApiWorkspace(ws): ApiWorkspace,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response> {
    let request: CancelRequest = if body.iter().all(u8::is_ascii_whitespace) {
        CancelRequest::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            invalid_field(
                "body",
                &format!("send a JSON object with at_period_end, reason, comment: {e}"),
            )
        })?
    };
    check_text(&[
        ("reason", request.reason.as_deref()),
        ("comment", request.comment.as_deref()),
    ])?;
    let sub = find::<subscriptions::Entity>(&ctx, ws.id, &id, "subscription").await?;
    let (reason, comment) = (request.reason.as_deref(), request.comment.as_deref());
    let cancellation = if request.at_period_end {
        Cancellation::AtPeriodEnd { reason, comment }
    } else {
        Cancellation::Now { reason, comment }
    };
    let sub = match sub
        .cancel(
            &ctx.db,
            cancellation,
            Actor::System,
            Utc::now().fixed_offset(),
        )
        .await
    {
        Ok(sub) => sub,
        Err(ModelError::Message(message)) => {
            let message = crate::locale::say(&message, crate::locale::DEFAULT);
            let field = if message.contains("reason") {
                "reason"
            } else {
                "at_period_end"
            };
            return Err(invalid_field(field, &message));
        }
        Err(err) => return Err(err.into()),
    };
    format::json(view(&ctx, ws.id, &sub).await?)
}

/// Resume a subscription: a scheduled cancellation, pause or downgrade is
/// undone (it renews as before), and a running pause ends now (a new period
/// starts now and is charged by the renewal queued at once). A subscription
/// with nothing to resume is returned unchanged.
#[utoipa::path(post, path = "/api/v1/subscriptions/{id}/resume", tag = "subscriptions",
    params(("id" = String, Path, description = "subscription id")),
    responses((status = 200, body = Subscription), (status = 401, body = ApiError), (status = 404, body = ApiError)))]
#[debug_handler]
pub async fn resume(
    State(ctx): State<AppContext>,
    ApiWorkspace(ws): ApiWorkspace,
    Path(id): Path<String>,
) -> Result<Response> {
    let sub = find::<subscriptions::Entity>(&ctx, ws.id, &id, "subscription").await?;
    let now = Utc::now().fixed_offset();
    let paused = sub.status() == Some(Status::Paused);
    let sub = sub.resume(&ctx.db, Actor::System, now).await?;
    if paused && sub.next_renewal_at.is_some_and(|at| at <= now) {
        crate::workers::renewal::RenewalWorker::perform_later(
            &ctx,
            crate::workers::renewal::RenewalArgs {
                workspace_id: ws.id,
                subscription_id: sub.id,
            },
        )
        .await?;
    }
    let sub = sub.keep(&ctx.db, Actor::System, now).await?;
    format::json(view(&ctx, ws.id, &sub).await?)
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PauseRequest {
    /// pause for this many billing periods (1 to 12) from the end of the
    /// paid one ...
    pub periods: Option<u32>,
    /// ... or until the first period boundary at or after this moment
    pub resumes_at: Option<chrono::DateTime<chrono::FixedOffset>>,
}

/// Pause an active subscription from the end of its paid period: nothing is
/// charged until `pause_resumes_at`, when a new period starts and is
/// charged (periods count from there). A past-due, trialing or
/// cancellation-scheduled subscription cannot pause.
#[utoipa::path(post, path = "/api/v1/subscriptions/{id}/pause", tag = "subscriptions",
    params(("id" = String, Path, description = "subscription id")), request_body = PauseRequest,
    responses((status = 200, body = Subscription), (status = 401, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
#[debug_handler]
pub async fn pause(
    State(ctx): State<AppContext>,
    ApiWorkspace(ws): ApiWorkspace,
    Path(id): Path<String>,
    axum::Json(request): axum::Json<PauseRequest>,
) -> Result<Response> {
    use crate::capabilities::PAUSE_PERIODS_LIMIT;
    let sub = find::<subscriptions::Entity>(&ctx, ws.id, &id, "subscription").await?;
    let periods = match (request.periods, request.resumes_at) {
        (Some(periods), None) => periods,
        (None, Some(until)) => {
            let price = prices::Model::find_in_workspace(&ctx.db, ws.id, sub.price_id).await?;
            (1..=PAUSE_PERIODS_LIMIT)
                .find(|n| sub.pause_end(&price, *n) >= until)
                .ok_or_else(|| {
                    invalid_field(
                        "resumes_at",
                        &format!("a pause lasts at most {PAUSE_PERIODS_LIMIT} billing periods"),
                    )
                })?
        }
        _ => {
            return Err(invalid_field(
                "periods",
                "send either periods or resumes_at",
            ))
        }
    };
    let sub = sub
        .pause(
            &ctx.db,
            periods,
            PAUSE_PERIODS_LIMIT,
            Actor::System,
            Utc::now().fixed_offset(),
        )
        .await
        .map_err(|err| match err {
            ModelError::Message(message) => invalid_field(
                "periods",
                &crate::locale::say(&message, crate::locale::DEFAULT),
            ),
            err => err.into(),
        })?;
    format::json(view(&ctx, ws.id, &sub).await?)
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ChangeRequest {
    /// the price id to move to (the current one to change only the quantity)
    pub price: String,
    /// default: the current quantity
    pub quantity: Option<i32>,
    /// to confirm: the preview's `proration_date` and `amount_due_now`
    pub proration_date: Option<chrono::DateTime<chrono::FixedOffset>>,
    pub amount_due_now: Option<i64>,
}

async fn change_target(
    ctx: &AppContext,
    ws: i64,
    sub: &subscriptions::Model,
    request: &ChangeRequest,
) -> Result<plan_changes::Target> {
    let price = find::<prices::Entity>(ctx, ws, &request.price, "price")
        .await
        .map_err(|_| invalid_field("price", "no such price"))?;
    Ok(plan_changes::Target {
        price_id: price.id,
        quantity: request.quantity.unwrap_or(sub.quantity),
    })
}

fn change_refused(err: ModelError) -> Error {
    match err {
        ModelError::Message(message) => invalid_field(
            "price",
            &crate::locale::say(&message, crate::locale::DEFAULT),
        ),
        err => err.into(),
    }
}

fn preview_view(preview: &plan_changes::Preview) -> ChangePreview {
    let (takes_effect, proration) = match preview.timing {
        plan_changes::Timing::Now(p) => ("now", Some(p)),
        plan_changes::Timing::NowInTrial => ("now_in_trial", None),
        plan_changes::Timing::AtRenewal(_) => ("at_renewal", None),
    };
    ChangePreview {
        subscription: preview.subscription.pid,
        price: preview.to.pid,
        quantity: preview.to_quantity,
        takes_effect: takes_effect.into(),
        proration_date: preview.at,
        currency: preview.to.currency.clone(),
        credit: proration.map_or(0, |p| p.credit),
        debit: proration.map_or(0, |p| p.debit),
        tax: proration.map_or(0, |p| p.tax),
        amount_due_now: preview.due_now(),
        renewal_amount: preview.renewal_total,
        renews_at: preview.renews_at,
    }
}

/// Preview a change of price (same currency and billing cycle) or quantity:
/// an upgrade takes effect now and charges the prorated difference (by the
/// second, half up); a downgrade takes effect at the next renewal.
#[utoipa::path(post, path = "/api/v1/subscriptions/{id}/preview_change", tag = "subscriptions",
    params(("id" = String, Path, description = "subscription id")), request_body = ChangeRequest,
    responses((status = 200, body = ChangePreview), (status = 401, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
#[debug_handler]
pub async fn preview_change(
    State(ctx): State<AppContext>,
    ApiWorkspace(ws): ApiWorkspace,
    Path(id): Path<String>,
    axum::Json(request): axum::Json<ChangeRequest>,
) -> Result<Response> {
    check_text(&[("price", Some(request.price.as_str()))])?;
    let sub = find::<subscriptions::Entity>(&ctx, ws.id, &id, "subscription").await?;
    let target = change_target(&ctx, ws.id, &sub, &request).await?;
    let now = Utc::now().fixed_offset();
    let preview = plan_changes::preview(
        &ctx.db,
        &ws,
        &sub,
        target,
        plan_changes::Rules::Merchant,
        now,
    )
    .await
    .map_err(change_refused)?;
    format::json(preview_view(&preview))
}

/// Change price or quantity as previewed: send the preview's
/// `proration_date` and `amount_due_now`. An upgrade is charged now,
/// off-session, with the subscription's payment method (402 when declined;
/// 409 with nothing charged when the preview no longer holds: preview
/// again). Repeating a confirmation charges once.
#[utoipa::path(post, path = "/api/v1/subscriptions/{id}/change", tag = "subscriptions",
    params(("id" = String, Path, description = "subscription id")), request_body = ChangeRequest,
    responses((status = 200, body = ChangeResult), (status = 401, body = ApiError), (status = 402, body = ApiError), (status = 404, body = ApiError), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
#[debug_handler]
pub async fn change(
    State(ctx): State<AppContext>,
    ApiWorkspace(ws): ApiWorkspace,
    Path(id): Path<String>,
    axum::Json(request): axum::Json<ChangeRequest>,
) -> Result<Response> {
    check_text(&[("price", Some(request.price.as_str()))])?;
    let sub = find::<subscriptions::Entity>(&ctx, ws.id, &id, "subscription").await?;
    let target = change_target(&ctx, ws.id, &sub, &request).await?;
    let (Some(at), Some(expected_total)) = (request.proration_date, request.amount_due_now) else {
        return Err(invalid_field(
            "proration_date",
            "send the preview's proration_date and amount_due_now",
        ));
    };
    let gateway = crate::gateway::from_context(&ctx)?;
    let applied = plan_changes::apply(
        &ctx.db,
        gateway.as_ref(),
        &ws,
        &sub,
        plan_changes::Rules::Merchant,
        plan_changes::Confirmation {
            target,
            at,
            expected_total,
        },
        &plan_changes::Authentication::OffSession,
        Actor::System,
        Utc::now().fixed_offset(),
    )
    .await
    .map_err(|err| match err {
        Error::Model(err) => change_refused(err),
        err => err,
    })?;
    crate::decisions::render_invoice(&ctx, &applied).await?;
    let (result, charge) = match applied {
        plan_changes::Applied::Paid { charge, .. } => ("paid", Some(charge.pid)),
        plan_changes::Applied::Switched => ("switched", None),
        plan_changes::Applied::Scheduled => ("scheduled", None),
        plan_changes::Applied::AlreadyApplied => ("already_applied", None),
        plan_changes::Applied::Failed { message } => {
            return Err(Error::CustomError(
                StatusCode::PAYMENT_REQUIRED,
                loco_rs::controller::ErrorDetail::new("payment_failed", message),
            ))
        }
        plan_changes::Applied::Stale(_) | plan_changes::Applied::RequiresAction { .. } => {
            return Err(Error::CustomError(
                StatusCode::CONFLICT,
                loco_rs::controller::ErrorDetail::new(
                    "preview_stale",
                    "the subscription or the amount changed since the preview; nothing was charged: preview again",
                ),
            ))
        }
    };
    let sub = find::<subscriptions::Entity>(&ctx, ws.id, &id, "subscription").await?;
    format::json(ChangeResult {
        result: result.into(),
        charge,
        subscription: view(&ctx, ws.id, &sub).await?,
    })
}
