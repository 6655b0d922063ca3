//! `/admin/{slug}`: the console opens on how the business is doing.
use axum::http::StatusCode;
use loco_rs::prelude::*;

use super::session::Console;
use crate::{
    access::{Action, Resource},
    models::overview::Overview,
    views::overview::OverviewPage,
};

#[debug_handler]
pub async fn page(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    console: Console,
) -> Result<Response> {
    console.allow(&ctx, Resource::Charges, Action::Read).await?;
    let overview = Overview::for_workspace(
        &ctx.db,
        console.workspace.id,
        chrono::Utc::now().fixed_offset(),
    )
    .await?;
    console
        .render(
            &v,
            &ctx,
            "overview",
            "admin/overview.html",
            StatusCode::OK,
            serde_json::json!({ "overview": OverviewPage::from(&overview) }),
        )
        .await
}
