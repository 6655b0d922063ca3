//! Portal settings: which sections and actions a workspace's customers get,
//! and the dunning schedule. A change applies on the customer's next page
//! load (every portal request reads the workspace).
use axum::http::StatusCode;
use loco_rs::prelude::*;

use crate::capabilities::Capability;

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

/// HTML checkboxes send "on" when ticked and nothing otherwise.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct FormSettings {
    section_subscriptions: Option<String>,
    section_payment_methods: Option<String>,
    section_billing_history: Option<String>,
    section_profile: Option<String>,
    allow_change_renewal_method: Option<String>,
    allow_paypal: Option<String>,
    allow_invoice_generation: Option<String>,
    allow_payment_retry: Option<String>,
    profile_edit_name: Option<String>,
    profile_edit_email: Option<String>,
    profile_edit_address: Option<String>,
    profile_edit_marketing: Option<String>,
    dunning_retry_days: String,
    dunning_final_action: String,
    pause_max_periods: String,
    /// `capability_<key>` checkboxes (`crate::capabilities`)
    #[serde(flatten)]
    rest: std::collections::HashMap<String, String>,
}

/// The form field of a capability's checkbox.
fn capability_field(c: Capability) -> String {
    format!("capability_{}", c.key())
}

impl From<FormSettings> for PortalSettings {
    fn from(f: FormSettings) -> Self {
        Self {
            section_subscriptions: f.section_subscriptions.is_some(),
            section_payment_methods: f.section_payment_methods.is_some(),
            section_billing_history: f.section_billing_history.is_some(),
            section_profile: f.section_profile.is_some(),
            allow_change_renewal_method: f.allow_change_renewal_method.is_some(),
            allow_paypal: f.allow_paypal.is_some(),
            allow_invoice_generation: f.allow_invoice_generation.is_some(),
            allow_payment_retry: f.allow_payment_retry.is_some(),
            profile_edit_name: f.profile_edit_name.is_some(),
            profile_edit_email: f.profile_edit_email.is_some(),
            profile_edit_address: f.profile_edit_address.is_some(),
            profile_edit_marketing: f.profile_edit_marketing.is_some(),
            dunning_retry_days: f.dunning_retry_days,
            dunning_final_action: f.dunning_final_action,
            capabilities: Capability::ALL
                .into_iter()
                .map(|c| {
                    (
                        c.key().to_string(),
                        f.rest.contains_key(&capability_field(c)),
                    )
                })
                .collect(),
            pause_max_periods: f
                .pause_max_periods
                .trim()
                .parse()
                .unwrap_or(crate::capabilities::PAUSE_PERIODS_DEFAULT),
        }
    }
}

/// The switches on the page, by group: (field, label).
const GROUPS: [(&str, &[(&str, &str)]); 3] = [
    (
        "Sections customers see",
        &[
            ("section_subscriptions", "Subscriptions"),
            ("section_payment_methods", "Payment methods"),
            ("section_billing_history", "Billing history"),
            ("section_profile", "Profile"),
        ],
    ),
    (
        "Actions customers may take",
        &[
            (
                "allow_change_renewal_method",
                "Change a subscription's payment method",
            ),
            ("allow_paypal", "Add PayPal"),
            (
                "allow_invoice_generation",
                "Generate an invoice for a paid charge",
            ),
            ("allow_payment_retry", "Retry a failed payment"),
        ],
    ),
    (
        "Profile fields customers may edit",
        &[
            ("profile_edit_name", "Name"),
            (
                "profile_edit_email",
                "Email (confirmed by a link to the new address)",
            ),
            ("profile_edit_address", "Billing address"),
            ("profile_edit_marketing", "Marketing emails choice"),
        ],
    ),
];

async fn render(
    v: &TeraView,
    ctx: &AppContext,
    console: &Console,
    status: StatusCode,
    values: &PortalSettings,
    extra: serde_json::Value,
) -> Result<Response> {
    let mut data = console.layout(ctx, "settings").await?;
    let checked = json!(values);
    let mut groups: Vec<_> = GROUPS
        .iter()
        .map(|(legend, fields)| {
            let fields: Vec<_> = fields
                .iter()
                .map(|(name, label)| json!({ "name": name, "label": label, "checked": checked[name] }))
                .collect();
            json!({ "legend": legend, "fields": fields })
        })
        .collect();
    let decisions: Vec<_> = Capability::ALL
        .into_iter()
        .map(|c| {
            json!({
                "name": capability_field(c),
                "label": c.label(),
                "checked": values.capabilities.get(c.key()).copied().unwrap_or(false),
            })
        })
        .collect();
    groups.insert(
        2,
        json!({ "legend": "Decisions customers may make about a subscription", "fields": decisions }),
    );
    data["groups"] = json!(groups);
    data["errors"] = json!({});
    data["saved"] = json!(false);
    data["values"] = checked;
    data["pause_periods"] =
        json!((1..=crate::capabilities::PAUSE_PERIODS_LIMIT).collect::<Vec<_>>());
    data["can_write"] = json!(console.can_write(ctx, Resource::Settings).await);
    let data = with(data, extra);
    format::render()
        .status(status)
        .view(v, "admin/settings.html", data)
}

/// `/admin/{slug}`: the console opens on the portal settings.
#[debug_handler]
pub async fn home(State(_ctx): State<AppContext>, console: Console) -> Result<Response> {
    format::render().redirect(&format!("/admin/{}/settings", console.workspace.slug))
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
