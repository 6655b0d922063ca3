//! Portal settings: which sections and actions a workspace's customers get,
//! and the dunning schedule. A change applies on the customer's next page
//! load (every portal request reads the workspace).
use axum::http::StatusCode;
use loco_rs::prelude::*;

use crate::capabilities::{Capability, Group};

use crate::controllers::portal::session::with;
use serde::Deserialize;
use serde_json::json;

use super::session::Console;
use crate::{
    access::{Action, Resource},
    models::{
        self,
        audit_events::{self, Actor},
        workspaces::PortalSettings,
    },
};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    csrf_token: String,
    #[serde(flatten)]
    settings: FormSettings,
}

/// HTML checkboxes send "on" when ticked and nothing otherwise; each
/// switch's field is its key (`crate::capabilities::DECLARED`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct FormSettings {
    dunning_retry_days: String,
    dunning_final_action: String,
    pause_max_periods: String,
    #[serde(flatten)]
    switches: std::collections::HashMap<String, String>,
}

impl From<FormSettings> for PortalSettings {
    fn from(f: FormSettings) -> Self {
        Self {
            switches: Capability::all()
                .map(|c| (c.key().to_string(), f.switches.contains_key(c.key())))
                .collect(),
            pause_max_periods: f
                .pause_max_periods
                .trim()
                .parse()
                .unwrap_or(crate::capabilities::PAUSE_PERIODS_DEFAULT),
            dunning_retry_days: f.dunning_retry_days,
            dunning_final_action: f.dunning_final_action,
        }
    }
}

async fn render(
    v: &TeraView,
    ctx: &AppContext,
    console: &Console,
    status: StatusCode,
    values: &PortalSettings,
    extra: serde_json::Value,
) -> Result<Response> {
    let mut data = console.layout(ctx, "settings").await?;
    let groups: Vec<_> = Group::ALL
        .into_iter()
        .map(|group| {
            let fields: Vec<_> = Capability::all()
                .filter(|c| c.group() == group)
                .map(|c| {
                    json!({
                        "name": c.key(),
                        "label": c.label(),
                        "checked": values.switches.get(c.key()).copied().unwrap_or(false),
                    })
                })
                .collect();
            json!({ "legend": group.legend(), "fields": fields })
        })
        .collect();
    data["groups"] = json!(groups);
    data["errors"] = json!({});
    data["saved"] = json!(false);
    data["values"] = json!(values);
    data["pause_periods"] =
        json!((1..=crate::capabilities::PAUSE_PERIODS_LIMIT).collect::<Vec<_>>());
    data["can_write"] = json!(console.can_write(ctx, Resource::Settings).await);
    let data = with(data, extra);
    format::render()
        .status(status)
        .view(v, "admin/settings.html", data)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SavedQuery {
    saved: Option<String>,
}

#[debug_handler]
pub async fn page(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Query(query): Query<SavedQuery>,
    console: Console,
) -> Result<Response> {
    console
        .allow(&ctx, Resource::Settings, Action::Read)
        .await?;
    let values = PortalSettings::from(&console.workspace);
    render(
        &v,
        &ctx,
        &console,
        StatusCode::OK,
        &values,
        json!({ "saved": query.saved.is_some() }),
    )
    .await
}

#[debug_handler]
pub async fn save(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    console: Console,
    Form(form): Form<SettingsForm>,
) -> Result<Response> {
    console
        .allow(&ctx, Resource::Settings, Action::Write)
        .await?;
    console.check_csrf(&form.csrf_token)?;
    let values = PortalSettings::from(form.settings);
    let before = PortalSettings::from(&console.workspace);
    match console
        .workspace
        .clone()
        .update_portal_settings(&ctx.db, &values)
        .await
    {
        Ok(saved) => {
            audit_events::Model::record(
                &ctx.db,
                saved.id,
                Actor::MerchantUser(console.user.id),
                "workspace",
                saved.id,
                "portal_settings.updated",
                json!({ "before": before, "after": PortalSettings::from(&saved) }),
                None,
            )
            .await?;
            format::render()
                .status(StatusCode::SEE_OTHER)
                .redirect(&format!("/admin/{}/settings?saved=1", saved.slug))
        }
        Err(err) => match models::field_errors(&err) {
            // nothing was saved: show the form again with what was typed
            Some(errors) => {
                render(
                    &v,
                    &ctx,
                    &console,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &values,
                    json!({ "errors": errors }),
                )
                .await
            }
            None => Err(err.into()),
        },
    }
}
