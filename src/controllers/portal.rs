//! The customer portal under `/portal/{slug}/...`.
use axum::http::header;
use loco_rs::prelude::*;

use crate::{models::workspaces, views::portal::Branding};

/// The workspace for a portal URL; an unknown slug is a 404, like any
/// other page that does not exist.
async fn workspace(ctx: &AppContext, slug: &str) -> Result<workspaces::Model> {
    workspaces::Model::find_by_slug(&ctx.db, slug)
        .await
        .map_err(|_| Error::NotFound)
}

#[debug_handler]
async fn login_page(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path(slug): Path<String>,
) -> Result<Response> {
    let workspace = workspace(&ctx, &slug).await?;
    format::render().view(
        &v,
        "portal/login.html",
        data!({
            "lang": workspace.default_locale,
            "workspace": Branding::from(&workspace),
        }),
    )
}

/// The workspace's accent colour as CSS, so pages need no inline styles
/// (the CSP forbids them). The colour is validated as `#rrggbb` on save.
#[debug_handler]
async fn theme_css(State(ctx): State<AppContext>, Path(slug): Path<String>) -> Result<Response> {
    let workspace = workspace(&ctx, &slug).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=60"),
        ],
        format!(":root{{--accent:{};}}\n", workspace.accent_color),
    )
        .into_response())
}

pub fn routes() -> Routes {
    Routes::new()
        .prefix("/portal/{slug}")
        .add("/login", get(login_page))
        .add("/theme.css", get(theme_css))
}
