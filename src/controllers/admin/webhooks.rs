//! Webhook endpoints: add (the signing secret is shown once), deliveries
//! with status, response and next retry, resend. Everyone in the workspace
//! may look; only owners change them.
use axum::http::StatusCode;
use chrono::Utc;
use loco_rs::prelude::*;

use crate::models::Found as _;
use serde::Deserialize;
use serde_json::json;

use super::session::{Console, CsrfForm};
use crate::{
    access::{Action, Resource},
    controllers::portal::session::with,
    models::{events, webhook_deliveries, webhook_endpoints},
    views::console::{DeliveryRow, EndpointRow},
};
use uuid::Uuid;

async fn hooks_page(
    v: &TeraView,
    ctx: &AppContext,
    console: &Console,
    status: StatusCode,
    extra: serde_json::Value,
) -> Result<Response> {
    let endpoints: Vec<_> = webhook_endpoints::Model::list(&ctx.db, console.workspace.id)
        .await?
        .iter()
        .map(EndpointRow::from)
        .collect();
    let page = json!({ "endpoints": endpoints, "can_write": console.can_write(ctx, Resource::Webhooks).await });
    let page = with(page, extra);
    console
        .render(v, ctx, "webhooks", "admin/webhooks.html", status, page)
        .await
}

#[debug_handler]
pub async fn index(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    console: Console,
) -> Result<Response> {
    console
        .allow(&ctx, Resource::Webhooks, Action::Read)
        .await?;
    hooks_page(&v, &ctx, &console, StatusCode::OK, json!({})).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EndpointForm {
    csrf_token: String,
    url: String,
    events: String,
}

#[debug_handler]
pub async fn create(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    console: Console,
    Form(form): Form<EndpointForm>,
) -> Result<Response> {
    console
        .allow_form(&ctx, Resource::Webhooks, &form.csrf_token)
        .await?;
    let types: Vec<&str> = form
        .events
        .split([',', ' '])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    let settings = crate::settings::Settings::from_context(&ctx)?;
    match webhook_endpoints::Model::create(&ctx.db, &settings.secrets(), console.workspace.id, &form.url, &types, settings.url_policy()).await {
        Ok(created) => {
            hooks_page(&v, &ctx, &console, StatusCode::CREATED, json!({ "secret": created.secret, "secret_url": created.record.url })).await
        }
        Err(err) => match crate::models::field_errors(&err) {
            Some(errors) => hooks_page(&v, &ctx, &console, StatusCode::UNPROCESSABLE_ENTITY,
                json!({ "error": errors.get("url").cloned().unwrap_or_else(|| "Check the URL.".into()), "url": form.url, "events": form.events })).await,
            None => Err(err.into()),
        },
    }
}

async fn endpoint_of(
    ctx: &AppContext,
    console: &Console,
    pid: &str,
) -> Result<webhook_endpoints::Model> {
    let pid = Uuid::parse_str(pid).map_err(|_| Error::NotFound)?;
    crate::models::tenancy::find_by_pid::<webhook_endpoints::Entity>(
        &ctx.db,
        console.workspace.id,
        pid,
    )
    .await
    .or_404()
}

async fn endpoint_page(
    v: &TeraView,
    ctx: &AppContext,
    console: &Console,
    endpoint: &webhook_endpoints::Model,
    notice: Option<&str>,
) -> Result<Response> {
    let deliveries = webhook_deliveries::Model::list_for_endpoint(
        &ctx.db,
        console.workspace.id,
        endpoint.id,
        100,
    )
    .await?;
    let event_ids: Vec<i64> = deliveries.iter().map(|d| d.event_id).collect();
    let types = events::Model::by_ids(&ctx.db, console.workspace.id, event_ids).await?;
    let rows: Vec<_> = deliveries
        .iter()
        .map(|d| DeliveryRow::new(d, &types))
        .collect();
    console
        .render(v, ctx, "webhooks", "admin/webhook.html", StatusCode::OK,
            json!({ "endpoint": EndpointRow::from(endpoint),
                    "deliveries": rows, "notice": notice, "can_write": console.can_write(ctx, Resource::Webhooks).await }))
        .await
}

#[debug_handler]
pub async fn endpoint(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path((_slug, pid)): Path<(String, String)>,
    console: Console,
) -> Result<Response> {
    console
        .allow(&ctx, Resource::Webhooks, Action::Read)
        .await?;
    let endpoint = endpoint_of(&ctx, &console, &pid).await?;
    endpoint_page(&v, &ctx, &console, &endpoint, None).await
}

#[debug_handler]
pub async fn resend(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path((_slug, pid, id)): Path<(String, String, i64)>,
    console: Console,
    Form(form): Form<CsrfForm>,
) -> Result<Response> {
    console
        .allow_form(&ctx, Resource::Webhooks, &form.csrf_token)
        .await?;
    let endpoint = endpoint_of(&ctx, &console, &pid).await?;
    let delivery = webhook_deliveries::Model::resend(
        &ctx.db,
        console.workspace.id,
        id,
        Utc::now().fixed_offset(),
    )
    .await
    .or_404()?;
    if delivery.webhook_endpoint_id != endpoint.id {
        return Err(Error::NotFound);
    }
    endpoint_page(
        &v,
        &ctx,
        &console,
        &endpoint,
        Some("Queued again: it goes out with the next delivery round (within 10 seconds)."),
    )
    .await
}
