//! Billing history: every charge, newest first, with its invoice PDF (or
//! "Generate invoice" for a paid charge without one), and "Retry payment"
//! on the failed renewal of a past-due subscription (with the bank's 3-D
//! Secure step when it asks). Two clicks or two tabs charge once.
use axum::http::StatusCode;
use chrono::Utc;
use loco_rs::prelude::*;

use crate::capabilities::Capability;

use crate::models::Found as _;
use serde::Deserialize;
use serde_json::json;

use super::{
    sections::open,
    session::{with, SignedIn},
};
use crate::{
    access::{Action, Resource},
    gateway,
    mailers::portal::PortalMailer,
    models::{
        charges, invoices, payment_methods,
        renewals::{self, ManualRetry},
        workspaces::PortalSection,
    },
    settings::Settings,
    views::portal::{ChargeRow, MethodRow},
    workers::{invoice_pdf::InvoicePdfWorker, mail_delivery::MailDeliveryWorker},
};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct HistoryQuery {
    /// keyset cursor: `<created_at unix micros>_<id>` of the last row shown
    after: String,
    paid: Option<String>,
    already: Option<String>,
    invoice: Option<String>,
}

const PER_PAGE: u64 = 20;

/// Failed charges offered for retry (none when the workspace switched retries off).
async fn retryable(ctx: &AppContext, signed_in: &SignedIn) -> Result<Vec<i64>> {
    if !Capability::RetryPayment.allowed(&signed_in.workspace) {
        return Ok(vec![]);
    }
    Ok(renewals::retryable_charges(&ctx.db, signed_in.workspace.id, signed_in.customer.id).await?)
}

async fn history_page(
    v: &TeraView,
    ctx: &AppContext,
    signed_in: &SignedIn,
    status: StatusCode,
    after: Option<(chrono::DateTime<chrono::FixedOffset>, i64)>,
    extra: serde_json::Value,
) -> Result<Response> {
    let ws = &signed_in.workspace;
    let page = charges::Model::history_for_customer(
        &ctx.db,
        ws.id,
        signed_in.customer.id,
        after,
        PER_PAGE,
    )
    .await?;
    let retryable = retryable(ctx, signed_in).await?;
    let ids: Vec<i64> = page.charges.iter().map(|c| c.id).collect();
    let invoices =
        invoices::Model::for_charges(&ctx.db, ws.id, signed_in.customer.id, &ids).await?;
    let settled =
        charges::Model::settlements(&ctx.db, ws.id, signed_in.customer.id, &page.charges).await?;
    let credit_notes =
        invoices::Model::credit_notes_for_charges(&ctx.db, ws.id, signed_in.customer.id, &ids)
            .await?;
    let rows: Vec<_> = page
        .charges
        .iter()
        .map(|c| {
            let mut row = json!(ChargeRow::new(c, signed_in.lang));
            row["retryable"] = json!(retryable.contains(&c.id));
            // a failed attempt later paid by a retry links to that payment
            row["settled_by"] = json!(settled.get(&c.id).map(|paid| json!({
                "id": paid.id,
                "date": crate::locale::date(paid.created_at, signed_in.lang),
            })));
            let invoice = invoices.iter().find(|i| i.charge_id == Some(c.id));
            row["invoice_number"] = json!(invoice.map(|i| &i.number));
            row["invoice_ready"] = json!(invoice.is_some_and(|i| i.pdf_key.is_some()));
            row["credit_notes"] = json!(credit_notes
                .iter()
                .filter(|(charge_id, _)| *charge_id == c.id)
                .map(|(_, note)| json!({ "pid": note.pid, "number": note.number }))
                .collect::<Vec<_>>());
            row["can_generate"] = json!(
                invoice.is_none()
                    && Capability::GenerateInvoice.allowed(ws)
                    && c.status() == Some(charges::Status::Paid)
            );
            row
        })
        .collect();
    let methods: Vec<_> =
        payment_methods::Model::list_active_for_customer(&ctx.db, ws.id, signed_in.customer.id)
            .await?
            .iter()
            .map(|m| MethodRow::new(m, signed_in.customer.default_payment_method_id))
            .collect();
    let next = page.next.map(|(at, id)| ChargeRow::cursor(at, id));
    format::render().status(status).view(
        v,
        "portal/billing.html",
        with(
            with(
                signed_in.layout(Some(PortalSection::BillingHistory)),
                json!({ "charges": rows, "next": next, "first_page": after.is_none(), "methods": methods }),
            ),
            extra,
        ),
    )
}

#[debug_handler]
pub async fn index(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Query(query): Query<HistoryQuery>,
    signed_in: SignedIn,
) -> Result<Response> {
    open(&ctx, &signed_in, PortalSection::BillingHistory).await?;
    let after = ChargeRow::parse_cursor(&query.after);
    let notice = if query.paid.is_some() {
        Some("billing-retry-paid")
    } else if query.already.is_some() {
        Some("billing-retry-already-paid")
    } else if let Some(charge_id) = query.invoice.as_deref().and_then(|id| id.parse().ok()) {
        let ready = invoices::Model::for_charges(
            &ctx.db,
            signed_in.workspace.id,
            signed_in.customer.id,
            &[charge_id],
        )
        .await?
        .iter()
        .any(|i| i.pdf_key.is_some());
        Some(if ready {
            "billing-invoice-ready"
        } else {
            "billing-invoice-pending"
        })
    } else {
        None
    };
    history_page(
        &v,
        &ctx,
        &signed_in,
        StatusCode::OK,
        after,
        json!({ "notice_key": notice }),
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RetryForm {
    csrf_token: String,
    payment_method_id: String,
}

async fn allow_retry(ctx: &AppContext, signed_in: &SignedIn) -> Result<()> {
    signed_in
        .allow(
            ctx,
            PortalSection::BillingHistory,
            Resource::Charges,
            Action::Write,
        )
        .await?;
    if Capability::RetryPayment.allowed(&signed_in.workspace) {
        Ok(())
    } else {
        Err(Error::NotFound)
    }
}

async fn answer(
    v: &TeraView,
    ctx: &AppContext,
    signed_in: &SignedIn,
    outcome: ManualRetry,
) -> Result<Response> {
    let slug = &signed_in.workspace.slug;
    let to = |query: &str| {
        format::render()
            .status(StatusCode::SEE_OTHER)
            .redirect(&format!("/portal/{slug}/billing?{query}"))
    };
    match outcome {
        ManualRetry::Paid { charge_id, receipt } => {
            InvoicePdfWorker::queue_for_charge(ctx, signed_in.workspace.id, charge_id, false)
                .await?;
            if let Some(mail_id) = receipt {
                MailDeliveryWorker::queue(ctx, mail_id).await;
            }
            to("paid=1")
        }
        ManualRetry::AlreadyPaid => to("already=1"),
        ManualRetry::RequiresAction { url, .. } => format::render()
            .status(StatusCode::SEE_OTHER)
            .redirect(&url),
        ManualRetry::Failed { message, .. } => {
            history_page(
                v,
                ctx,
                signed_in,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                json!({ "error": message }),
            )
            .await
        }
    }
}

#[debug_handler]
pub async fn retry(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, i64)>,
    signed_in: SignedIn,
    Form(form): Form<RetryForm>,
) -> Result<Response> {
    allow_retry(&ctx, &signed_in).await?;
    signed_in.check_csrf(&form.csrf_token)?;
    let method_id = form
        .payment_method_id
        .parse::<i64>()
        .ok()
        .or(signed_in.customer.default_payment_method_id)
        .ok_or(Error::NotFound)?;
    let settings = Settings::from_context(&ctx)?;
    let return_url = format!(
        "{}/portal/{}/billing/{id}/retry/return",
        settings.public_url.trim_end_matches('/'),
        signed_in.workspace.slug
    );
    let gateway = gateway::from_context(&ctx)?;
    let outcome = renewals::retry_manually(
        &ctx.db,
        gateway.as_ref(),
        signed_in.workspace.id,
        signed_in.customer.id,
        id,
        method_id,
        &return_url,
        Utc::now().fixed_offset(),
        Some(&PortalMailer::settlement_mail(
            &settings,
            &settings.secrets(),
        )),
    )
    .await?;
    answer(&v, &ctx, &signed_in, outcome).await
}

/// Back from the bank's authentication of a retry of failed charge `id`.
#[debug_handler]
pub async fn retry_return(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, i64)>,
    signed_in: SignedIn,
) -> Result<Response> {
    allow_retry(&ctx, &signed_in).await?;
    let settings = Settings::from_context(&ctx)?;
    let gateway = gateway::from_context(&ctx)?;
    let outcome = renewals::complete_retry_of(
        &ctx.db,
        gateway.as_ref(),
        signed_in.workspace.id,
        signed_in.customer.id,
        id,
        Utc::now().fixed_offset(),
        Some(&PortalMailer::settlement_mail(
            &settings,
            &settings.secrets(),
        )),
    )
    .await?;
    answer(&v, &ctx, &signed_in, outcome).await
}

/// The invoice of the customer's charge `id`: the stored PDF, streamed as a
/// download named by the invoice number. An invoice whose PDF job has not
/// run yet is rendered now rather than refused.
#[debug_handler]
pub async fn invoice(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, i64)>,
    signed_in: SignedIn,
) -> Result<Response> {
    signed_in
        .allow(
            &ctx,
            PortalSection::BillingHistory,
            Resource::Invoices,
            Action::Read,
        )
        .await?;
    let (ws, customer) = (&signed_in.workspace, &signed_in.customer);
    let charge = charges::Model::find_for_customer(&ctx.db, ws.id, customer.id, id)
        .await
        .or_404()?;
    let invoice = invoices::Model::for_charges(&ctx.db, ws.id, customer.id, &[charge.id])
        .await?
        .pop()
        .ok_or(Error::NotFound)?;
    crate::controllers::downloads::invoice_pdf(&ctx, invoice).await
}

/// `GET /portal/{slug}/credit-notes/{pid}`: the PDF of a credit note for a
/// refund of one of the customer's payments.
#[debug_handler]
pub async fn credit_note(
    State(ctx): State<AppContext>,
    Path((_slug, pid)): Path<(String, String)>,
    signed_in: SignedIn,
) -> Result<Response> {
    signed_in
        .allow(
            &ctx,
            PortalSection::BillingHistory,
            Resource::Invoices,
            Action::Read,
        )
        .await?;
    let pid = uuid::Uuid::parse_str(&pid).map_err(|_| Error::NotFound)?;
    let note = invoices::Entity::find()
        .in_tenant(signed_in.workspace.id)
        .filter(invoices::Column::CustomerId.eq(signed_in.customer.id))
        .filter(invoices::Column::Pid.eq(pid))
        .filter(invoices::Column::Kind.eq(invoices::KIND_CREDIT_NOTE))
        .one(&ctx.db)
        .await?
        .ok_or(Error::NotFound)?;
    crate::controllers::downloads::invoice_pdf(&ctx, note).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct GenerateForm {
    csrf_token: String,
}

/// "Generate invoice" for a paid charge without one: issues the invoice
/// (its number is taken now) and queues its PDF; the page shows it pending
/// until the job has stored the file. Twice is harmless: one invoice.
#[debug_handler]
pub async fn generate_invoice(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, i64)>,
    signed_in: SignedIn,
    Form(form): Form<GenerateForm>,
) -> Result<Response> {
    signed_in
        .allow(
            &ctx,
            PortalSection::BillingHistory,
            Resource::Invoices,
            Action::Write,
        )
        .await?;
    signed_in.check_csrf(&form.csrf_token)?;
    let (ws, customer) = (&signed_in.workspace, &signed_in.customer);
    if !Capability::GenerateInvoice.allowed(ws) {
        return Err(Error::NotFound);
    }
    let charge = charges::Model::find_for_customer(&ctx.db, ws.id, customer.id, id)
        .await
        .or_404()?;
    // the model decides what can have an invoice (only a paid charge)
    invoices::Model::issue_for_charge(&ctx.db, ws.id, charge.id, Utc::now().fixed_offset())
        .await
        .map_err(|e| match e {
            ModelError::Message(reason) => {
                Error::BadRequest(crate::locale::say(&reason, signed_in.lang))
            }
            e => e.into(),
        })?;
    InvoicePdfWorker::queue_for_charge(&ctx, ws.id, charge.id, true).await?;
    format::render()
        .status(StatusCode::SEE_OTHER)
        .redirect(&format!(
            "/portal/{}/billing?invoice={}",
            ws.slug, charge.id
        ))
}
