//! `/api/v1/subscriptions`: start, read, list, cancel (now or at period end), resume.
use axum::http::StatusCode;
use chrono::Utc;
use loco_rs::prelude::*;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::{check_text, find, invalid_field, model_error, page, ApiWorkspace, Paging};
use crate::{
    models::{
        audit_events::Actor,
        customers, payment_methods, prices,
        subscriptions::{self, Cancellation, NewSubscription, Status},
    },
    views::api::{ApiError, List, Subscription},
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
    Ok(Subscription::new(s, customer.pid, price.pid, method))
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

/// Resume a subscription whose cancellation at period end is scheduled: it
/// renews as before. A subscription with nothing scheduled is returned
/// unchanged.
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
    let sub = sub
        .keep(&ctx.db, Actor::System, Utc::now().fixed_offset())
        .await?;
    format::json(view(&ctx, ws.id, &sub).await?)
}
