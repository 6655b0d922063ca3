//! Billing history: every charge, newest first, and "Retry payment" on the
//! failed renewal of a past-due subscription (with the bank's 3-D Secure
//! step when it asks). Two clicks or two tabs charge once.
use axum::http::StatusCode;
use chrono::Utc;
use loco_rs::prelude::*;
use serde::Deserialize;
use serde_json::json;

use super::{
    sections::open,
    session::{with, SignedIn},
};
use crate::{
    access::{Action, Resource},
    gateway,
    models::{
        charges, payment_methods,
        renewals::{self, ManualRetry},
        workspaces::PortalSection,
    },
    settings::Settings,
    views::portal::{ChargeRow, MethodRow},
};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct HistoryQuery {
    /// keyset cursor: `<created_at unix micros>_<id>` of the last row shown
    after: String,
    paid: Option<String>,
    already: Option<String>,
}

const PER_PAGE: u64 = 20;

/// Failed charges offered for retry (none when the workspace switched retries off).
async fn retryable(ctx: &AppContext, signed_in: &SignedIn) -> Result<Vec<i64>> {
    if !signed_in.workspace.allow_payment_retry {
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
    let rows: Vec<_> = page
        .charges
        .iter()
        .map(|c| {
            let mut row = json!(ChargeRow::new(c, signed_in.lang));
            row["retryable"] = json!(retryable.contains(&c.id));
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
    if signed_in.workspace.allow_payment_retry {
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
        ManualRetry::Paid { .. } => to("paid=1"),
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
    let gateway = gateway::from_context(&ctx)?;
    let outcome = renewals::complete_retry_of(
        &ctx.db,
        gateway.as_ref(),
        signed_in.workspace.id,
        signed_in.customer.id,
        id,
        Utc::now().fixed_offset(),
    )
    .await?;
    answer(&v, &ctx, &signed_in, outcome).await
}
