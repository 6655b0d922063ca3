//! API keys: create (the secret is shown once; only a keyed hash is kept),
//! list, revoke. Everyone in the workspace may look; only owners change them.
use axum::http::StatusCode;
use chrono::Utc;
use loco_rs::prelude::*;
use serde::Deserialize;
use serde_json::json;

use super::session::{Console, CsrfForm};
use crate::{
    access::{Action, Resource},
    controllers::portal::session::with,
    models::{api_keys, Found as _},
    settings::Settings,
    views::console::ApiKeyRow,
};

async fn keys_page(
    v: &TeraView,
    ctx: &AppContext,
    console: &Console,
    status: StatusCode,
    extra: serde_json::Value,
) -> Result<Response> {
    let keys: Vec<_> = api_keys::Model::list(&ctx.db, console.workspace.id)
        .await?
        .iter()
        .map(ApiKeyRow::from)
        .collect();
    let page =
        json!({ "keys": keys, "can_write": console.can_write(ctx, Resource::ApiKeys).await });
    let page = with(page, extra);
    console
        .render(v, ctx, "api-keys", "admin/api_keys.html", status, page)
        .await
}

#[debug_handler]
pub async fn index(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    console: Console,
) -> Result<Response> {
    console.allow(&ctx, Resource::ApiKeys, Action::Read).await?;
    keys_page(&v, &ctx, &console, StatusCode::OK, json!({})).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct KeyForm {
    csrf_token: String,
    name: String,
}

/// A new secret key, shown on this page once; only its keyed hash is kept.
#[debug_handler]
pub async fn create(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    console: Console,
    Form(form): Form<KeyForm>,
) -> Result<Response> {
    console
        .allow_form(&ctx, Resource::ApiKeys, &form.csrf_token)
        .await?;
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return keys_page(&v, &ctx, &console, StatusCode::UNPROCESSABLE_ENTITY, json!({ "error": "Name the key (up to 80 characters), e.g. after the app that uses it." })).await;
    }
    let created = api_keys::Model::create(
        &ctx.db,
        &Settings::from_context(&ctx)?.secrets(),
        console.workspace.id,
        name,
        Some(console.user.id),
    )
    .await?;
    keys_page(
        &v,
        &ctx,
        &console,
        StatusCode::CREATED,
        json!({ "revealed": created.secret, "revealed_name": name }),
    )
    .await
}

#[debug_handler]
pub async fn revoke(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, i64)>,
    console: Console,
    Form(form): Form<CsrfForm>,
) -> Result<Response> {
    console
        .allow_form(&ctx, Resource::ApiKeys, &form.csrf_token)
        .await?;
    let key = api_keys::Model::find_in_workspace(&ctx.db, console.workspace.id, id)
        .await
        .or_404()?;
    if key.revoked_at.is_none() {
        key.into_active_model()
            .revoke(&ctx.db, Utc::now().fixed_offset())
            .await?;
    }
    keys_page(
        &v,
        &ctx,
        &console,
        StatusCode::OK,
        json!({ "notice": "Key revoked: requests with it now get 401." }),
    )
    .await
}
