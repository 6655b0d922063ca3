//! Branding: the name, accent colour, support email, return link and
//! language the portal and its emails show, what invoices print as the
//! seller, and the logo (PNG, JPEG or WebP up to 200 KB,
//! stored through Loco's storage and served at `/portal/{slug}/logo`).
use axum::{extract::Multipart, http::StatusCode};
use loco_rs::prelude::*;
use serde_json::json;

use super::session::Console;
use crate::{
    access::{Action, Resource},
    controllers::portal::session::with,
    models::{
        self,
        audit_events::{self, Actor},
        workspaces::{self, BrandingSettings},
    },
    secrets::random_token,
};

const MAX_LOGO_BYTES: usize = 200 * 1024;

fn values_of(w: &workspaces::Model) -> BrandingSettings {
    BrandingSettings::of(w)
}

async fn render(
    v: &TeraView,
    ctx: &AppContext,
    console: &Console,
    status: StatusCode,
    values: &BrandingSettings,
    extra: serde_json::Value,
) -> Result<Response> {
    let errors = extra.get("errors").cloned().unwrap_or_else(|| json!({}));
    let current = json!(values);
    let field = |name: &str, label: &str, kind: &str, hint: Option<&str>| {
        let described_by = [
            hint.map(|_| format!("{name}-hint")),
            errors[name].is_string().then(|| format!("{name}-error")),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
        json!({ "name": name, "label": label, "kind": kind, "hint": hint,
                "described_by": described_by, "value": current[name], "error": errors[name] })
    };
    let fields = vec![
        field("name", "Name customers see", "text", None),
        field(
            "accent_color",
            "Accent colour",
            "color",
            Some("Buttons and links use it. Where white text on it would be hard to read, buttons get dark text, and links a darker or lighter shade that reads well."),
        ),
        field("support_email", "Support email (optional)", "email", None),
        field("return_url", "Return link to your site (optional)", "url", None),
        field(
            "default_locale",
            "Portal language",
            "language",
            Some("For customers whose browser asks for a language the portal does not offer, and for emails to customers who chose none."),
        ),
    ];
    let seller = vec![
        field(
            "legal_name",
            "Legal name (optional; the name above when empty)",
            "text",
            None,
        ),
        field(
            "seller_address",
            "Address",
            "textarea",
            Some("One line per line of the address, as invoices print it."),
        ),
        field("tax_id", "VAT or tax ID (optional)", "text", None),
    ];
    let languages: Vec<_> = crate::locale::available()
        .iter()
        .map(|l| json!({ "code": l, "name": crate::locale::name(l) }))
        .collect();
    let page = json!({
        "fields": fields,
        "seller": seller,
        "languages": languages,
        "logo_url": console.workspace.logo_url,
        "errors": errors,
        "saved": false,
        "can_write": console.can_write(ctx, Resource::Branding).await,
    });
    console
        .render(
            v,
            ctx,
            "branding",
            "admin/branding.html",
            status,
            with(page, extra),
        )
        .await
}

/// Reads the branding form's fields and the logo file.
async fn read_form(
    form: &mut Multipart,
    values: &mut BrandingSettings,
    csrf: &mut String,
    logo: &mut Option<Vec<u8>>,
    remove_logo: &mut bool,
) -> std::result::Result<(), axum::extract::multipart::MultipartError> {
    while let Some(field) = form.next_field().await? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "logo" {
            let bytes = field.bytes().await?;
            if !bytes.is_empty() {
                *logo = Some(bytes.to_vec());
            }
            continue;
        }
        let text = field.text().await?;
        match name.as_str() {
            "csrf_token" => *csrf = text,
            "name" => values.name = text,
            "accent_color" => values.accent_color = text,
            "support_email" => values.support_email = text,
            "return_url" => values.return_url = text,
            "default_locale" => values.default_locale = text,
            "legal_name" => values.legal_name = text,
            "seller_address" => values.seller_address = text,
            "tax_id" => values.tax_id = text,
            "remove_logo" => *remove_logo = true,
            _ => {}
        }
    }
    Ok(())
}

#[derive(Debug, Default, serde::Deserialize)]
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
        .allow(&ctx, Resource::Branding, Action::Read)
        .await?;
    let values = values_of(&console.workspace);
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

/// One multipart form: the text fields, a logo file (optional) and "remove
/// the logo". Nothing is saved unless everything is valid.
#[debug_handler]
pub async fn save(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    console: Console,
    mut form: Multipart,
) -> Result<Response> {
    console
        .allow(&ctx, Resource::Branding, Action::Write)
        .await?;
    let mut values = BrandingSettings::default();
    let (mut csrf, mut logo, mut remove_logo) = (String::new(), None::<Vec<u8>>, false);
    let read = read_form(
        &mut form,
        &mut values,
        &mut csrf,
        &mut logo,
        &mut remove_logo,
    )
    .await;
    if let Err(err) = read {
        // a logo far over the limit stops the upload itself
        let (status, message) = if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
            (
                StatusCode::PAYLOAD_TOO_LARGE,
                "The logo is larger than 200 KB: export it smaller and upload it again.",
            )
        } else {
            (
                StatusCode::BAD_REQUEST,
                "The form could not be read: try again.",
            )
        };
        let values = values_of(&console.workspace);
        return render(
            &v,
            &ctx,
            &console,
            status,
            &values,
            json!({ "errors": { "logo": message } }),
        )
        .await;
    }
    console.check_csrf(&csrf)?;
    if let Some(bytes) = &logo {
        let problem = if bytes.len() > MAX_LOGO_BYTES {
            Some("The logo is larger than 200 KB: export it smaller and upload it again.")
        } else if workspaces::logo_content_type(bytes).is_none() {
            Some("Upload the logo as a PNG, JPEG or WebP image.")
        } else {
            None
        };
        if let Some(problem) = problem {
            return render(
                &v,
                &ctx,
                &console,
                StatusCode::UNPROCESSABLE_ENTITY,
                &values,
                json!({ "errors": { "logo": problem } }),
            )
            .await;
        }
    }
    let before = values_of(&console.workspace);
    let saved = match console
        .workspace
        .clone()
        .update_branding(
            &ctx.db,
            &values,
            crate::settings::Settings::from_context(&ctx)?.url_policy(),
        )
        .await
    {
        Ok(saved) => saved,
        Err(err) => {
            return match models::field_errors(&err) {
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
            };
        }
    };
    let saved = if let Some(bytes) = logo {
        ctx.storage
            .upload(&workspaces::logo_key(saved.id), &bytes.into())
            .await
            .map_err(|e| Error::string(&format!("the logo could not be stored: {e}")))?;
        saved.set_logo(&ctx.db, Some(&random_token(8))).await?
    } else if remove_logo {
        saved.set_logo(&ctx.db, None).await?
    } else {
        saved
    };
    audit_events::Model::record(
        &ctx.db,
        saved.id,
        Actor::MerchantUser(console.user.id),
        "workspace",
        saved.id,
        "branding.updated",
        json!({ "before": before, "after": values_of(&saved), "logo": saved.logo_url }),
        None,
    )
    .await?;
    format::render()
        .status(StatusCode::SEE_OTHER)
        .redirect(&format!("/admin/{}/branding?saved=1", saved.slug))
}
