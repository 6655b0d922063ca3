//! `/api/v1`: a customer's payment methods, charges, invoices and their PDFs.
use loco_rs::prelude::*;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{find, invalid_field, page, ApiWorkspace, Paging};
use crate::{
    models::{
        charges, customers, invoices, payment_methods,
        refunds::{self, NewRefund},
    },
    views::api::{ApiError, Charge, Invoice, List, PaymentMethod, Refund},
};

/// What to refund.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RefundRequest {
    /// minor units; default: all that is not refunded yet
    pub amount: Option<i64>,
    /// `requested_by_customer`, `duplicate` or `fraudulent`
    pub reason: Option<String>,
}

/// Refund a paid charge in full or in part through the gateway. Send an
/// `Idempotency-Key`: a retried request refunds once. The refunds of a
/// charge never return more than it took; each one issues a credit note and
/// sends the `charge.refunded` webhook event.
#[utoipa::path(post, path = "/api/v1/charges/{id}/refunds", tag = "billing",
    params(("id" = String, Path, description = "charge id")), request_body = RefundRequest,
    responses((status = 200, body = Refund), (status = 401, body = ApiError), (status = 402, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
#[debug_handler]
pub async fn refund_charge(
    State(ctx): State<AppContext>,
    ApiWorkspace(ws): ApiWorkspace,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    axum::Json(request): axum::Json<RefundRequest>,
) -> Result<Response> {
    let charge = find::<charges::Entity>(&ctx, ws.id, &id, "charge").await?;
    let reason = match request.reason.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(r) if refunds::REASONS.contains(&r) => Some(r.to_string()),
        Some(_) => {
            return Err(invalid_field(
                "reason",
                "use requested_by_customer, duplicate or fraudulent",
            ))
        }
    };
    // the API's Idempotency-Key is the refund's: a retry finds the same one
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map_or_else(
            || uuid::Uuid::new_v4().to_string(),
            |k| format!("api:{}", k.trim()),
        );
    let (refund, credit_note) = crate::decisions::refund(
        &ctx,
        &ws,
        &charge,
        &NewRefund {
            amount: request.amount,
            reason,
            idempotency_key: key,
            by_user: None,
        },
    )
    .await
    .map_err(|err| match err {
        ModelError::Message(message) if message.starts_with("the payment service") => {
            Error::CustomError(
                axum::http::StatusCode::PAYMENT_REQUIRED,
                loco_rs::controller::ErrorDetail::new("refund_failed", &message),
            )
        }
        ModelError::Message(message) => invalid_field(
            "amount",
            &crate::locale::say(&message, crate::locale::DEFAULT),
        ),
        err => err.into(),
    })?;
    format::json(Refund {
        id: refund.pid,
        charge: charge.pid,
        amount: refund.amount,
        currency: refund.currency,
        reason: refund.reason,
        status: refund.status,
        credit_note: credit_note.map(|n| n.pid),
        created_at: refund.created_at,
    })
}

/// A customer's saved payment methods (removed ones are left out).
#[utoipa::path(get, path = "/api/v1/customers/{id}/payment_methods", tag = "billing",
    params(("id" = String, Path, description = "customer id")),
    responses((status = 200, body = List<PaymentMethod>), (status = 401, body = ApiError), (status = 404, body = ApiError)))]
#[debug_handler]
pub async fn payment_methods(
    State(ctx): State<AppContext>,
    ApiWorkspace(ws): ApiWorkspace,
    Path(id): Path<String>,
) -> Result<Response> {
    let customer = find::<customers::Entity>(&ctx, ws.id, &id, "customer").await?;
    let data = payment_methods::Model::list_active_for_customer(&ctx.db, ws.id, customer.id)
        .await?
        .iter()
        .map(|m| PaymentMethod::new(m, customer.default_payment_method_id))
        .collect();
    format::json(List {
        data,
        has_more: false,
    })
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct BillingFilter {
    /// only this customer's
    pub customer: Option<String>,
    /// charges only: `pending`, `requires_action`, `paid`, `failed` or `refunded`
    pub status: Option<String>,
}

/// List charges, oldest first.
#[utoipa::path(get, path = "/api/v1/charges", tag = "billing", params(Paging, BillingFilter),
    responses((status = 200, body = List<Charge>), (status = 401, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
#[debug_handler]
pub async fn list_charges(
    State(ctx): State<AppContext>,
    ApiWorkspace(ws): ApiWorkspace,
    Query(paging): Query<Paging>,
    Query(filter): Query<BillingFilter>,
) -> Result<Response> {
    let mut select = charges::Entity::find().in_tenant(ws.id);
    if let Some(customer) = &filter.customer {
        let customer = find::<customers::Entity>(&ctx, ws.id, customer, "customer").await?;
        select = select.filter(charges::Column::CustomerId.eq(customer.id));
    }
    if let Some(status) = &filter.status {
        let status = charges::Status::parse(status).ok_or_else(|| {
            invalid_field(
                "status",
                "use pending, requires_action, paid, failed or refunded",
            )
        })?;
        select = select.filter(charges::Column::Status.eq(status.as_str()));
    }
    let (rows, has_more) = page(&ctx, ws.id, select, &paging, "charge").await?;
    let people =
        customers::Model::by_ids(&ctx.db, ws.id, rows.iter().map(|c| c.customer_id)).await?;
    let data = rows
        .iter()
        .filter_map(|c| people.get(&c.customer_id).map(|p| Charge::new(c, p.pid)))
        .collect();
    format::json(List { data, has_more })
}

/// Read a charge.
#[utoipa::path(get, path = "/api/v1/charges/{id}", tag = "billing",
    params(("id" = String, Path, description = "charge id")),
    responses((status = 200, body = Charge), (status = 401, body = ApiError), (status = 404, body = ApiError)))]
#[debug_handler]
pub async fn show_charge(
    State(ctx): State<AppContext>,
    ApiWorkspace(ws): ApiWorkspace,
    Path(id): Path<String>,
) -> Result<Response> {
    let charge = find::<charges::Entity>(&ctx, ws.id, &id, "charge").await?;
    let customer = customers::Model::find_in_workspace(&ctx.db, ws.id, charge.customer_id).await?;
    format::json(Charge::new(&charge, customer.pid))
}

/// List invoices, oldest first.
#[utoipa::path(get, path = "/api/v1/invoices", tag = "billing", params(Paging, BillingFilter),
    responses((status = 200, body = List<Invoice>), (status = 401, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
#[debug_handler]
pub async fn list_invoices(
    State(ctx): State<AppContext>,
    ApiWorkspace(ws): ApiWorkspace,
    Query(paging): Query<Paging>,
    Query(filter): Query<BillingFilter>,
) -> Result<Response> {
    let mut select = invoices::Entity::find().in_tenant(ws.id);
    if let Some(customer) = &filter.customer {
        let customer = find::<customers::Entity>(&ctx, ws.id, customer, "customer").await?;
        select = select.filter(invoices::Column::CustomerId.eq(customer.id));
    }
    let (rows, has_more) = page(&ctx, ws.id, select, &paging, "invoice").await?;
    let people =
        customers::Model::by_ids(&ctx.db, ws.id, rows.iter().map(|i| i.customer_id)).await?;
    let data = rows
        .iter()
        .filter_map(|i| people.get(&i.customer_id).map(|p| Invoice::new(i, p.pid)))
        .collect();
    format::json(List { data, has_more })
}

/// Read an invoice.
#[utoipa::path(get, path = "/api/v1/invoices/{id}", tag = "billing",
    params(("id" = String, Path, description = "invoice id")),
    responses((status = 200, body = Invoice), (status = 401, body = ApiError), (status = 404, body = ApiError)))]
#[debug_handler]
pub async fn show_invoice(
    State(ctx): State<AppContext>,
    ApiWorkspace(ws): ApiWorkspace,
    Path(id): Path<String>,
) -> Result<Response> {
    let invoice = find::<invoices::Entity>(&ctx, ws.id, &id, "invoice").await?;
    let customer = customers::Model::find_in_workspace(&ctx.db, ws.id, invoice.customer_id).await?;
    format::json(Invoice::new(&invoice, customer.pid))
}

/// The invoice as a PDF (rendered and stored first if its job has not run).
#[utoipa::path(get, path = "/api/v1/invoices/{id}/pdf", tag = "billing",
    params(("id" = String, Path, description = "invoice id")),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 401, body = ApiError), (status = 404, body = ApiError)))]
#[debug_handler]
pub async fn invoice_pdf(
    State(ctx): State<AppContext>,
    ApiWorkspace(ws): ApiWorkspace,
    Path(id): Path<String>,
) -> Result<Response> {
    let invoice = find::<invoices::Entity>(&ctx, ws.id, &id, "invoice").await?;
    crate::controllers::downloads::invoice_pdf(&ctx, invoice).await
}
