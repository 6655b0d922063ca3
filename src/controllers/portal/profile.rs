//! Profile: name, billing address, marketing preference and email. Which
//! fields a customer may edit is the workspace's choice. An email change
//! takes effect only once the new address confirms it.
use std::collections::BTreeMap;

use axum::http::{HeaderMap, StatusCode};
use axum_extra::extract::cookie::CookieJar;
use chrono::Utc;
use loco_rs::prelude::*;

use crate::capabilities::Capability;

use crate::controllers::client_ip::ClientIp;
use serde::Deserialize;
use serde_json::json;

use super::{
    session::{with, SignedIn},
    sign_in::CsrfForm,
    Anonymous,
};
use crate::{
    access::{Action, Resource},
    mailers::portal::PortalMailer,
    models::{
        audit_events::Actor,
        customers::{self, ChangeContext, EmailChange, ProfileChanges},
        field_errors_in,
        workspaces::{self, PortalSection},
    },
    settings::Settings,
};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ProfileForm {
    csrf_token: String,
    name: String,
    email: String,
    address_line1: String,
    address_line2: String,
    city: String,
    region: String,
    postal_code: String,
    country: String,
    /// a checkbox: present ("on") when ticked
    marketing_opt_in: Option<String>,
    /// a language folder's name, or empty to follow the browser; absent
    /// (a form from before the choice existed): unchanged
    locale: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Notice {
    saved: Option<String>,
    email_sent: Option<String>,
    email_changed: Option<String>,
}

fn editable(workspace: &workspaces::Model) -> serde_json::Value {
    json!({
        "name": Capability::EditName.allowed(workspace),
        "email": Capability::EditEmail.allowed(workspace),
        "address": Capability::EditAddress.allowed(workspace),
        "marketing": Capability::EditMarketing.allowed(workspace),
    })
}

fn values(c: &customers::Model) -> serde_json::Value {
    json!({
        "name": c.name, "email": c.email,
        "address_line1": c.address_line1, "address_line2": c.address_line2,
        "city": c.city, "region": c.region, "postal_code": c.postal_code,
        "country": c.country, "marketing_opt_in": c.marketing_opt_in,
        "locale": c.locale,
    })
}

fn render_form(
    v: &TeraView,
    signed_in: &SignedIn,
    status: StatusCode,
    values: serde_json::Value,
    errors: &BTreeMap<String, String>,
    notice: Option<&str>,
) -> Result<Response> {
    // a stored code we no longer list stays chosen (and is refused on save
    // with a reason) rather than silently cleared
    let country_unlisted = values["country"]
        .as_str()
        .is_some_and(|c| !c.is_empty() && !crate::countries::is_known(c));
    let data = with(
        signed_in.layout(Some(PortalSection::Profile)),
        json!({
            "values": values,
            "errors": errors,
            "editable": editable(&signed_in.workspace),
            "notice_key": notice,
            "countries": crate::countries::list(signed_in.lang),
            "country_unlisted": country_unlisted,
            "languages": crate::locale::available()
                .iter()
                .map(|code| json!({ "code": code, "name": crate::locale::name(code) }))
                .collect::<Vec<_>>(),
        }),
    );
    format::render()
        .status(status)
        .view(v, "portal/profile.html", data)
}

#[debug_handler]
pub async fn show(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Query(notice): Query<Notice>,
    signed_in: SignedIn,
) -> Result<Response> {
    signed_in
        .allow(
            &ctx,
            PortalSection::Profile,
            Resource::Profile,
            Action::Read,
        )
        .await?;
    let notice = if notice.email_sent.is_some() {
        Some("profile-email-sent")
    } else if notice.email_changed.is_some() {
        Some("profile-email-changed")
    } else if notice.saved.is_some() {
        Some("profile-saved")
    } else {
        None
    };
    render_form(
        &v,
        &signed_in,
        StatusCode::OK,
        values(&signed_in.customer),
        &BTreeMap::new(),
        notice,
    )
}

#[debug_handler]
pub async fn update(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    ClientIp(peer): ClientIp,
    signed_in: SignedIn,
    Form(form): Form<ProfileForm>,
) -> Result<Response> {
    signed_in
        .allow(
            &ctx,
            PortalSection::Profile,
            Resource::Profile,
            Action::Write,
        )
        .await?;
    signed_in.check_csrf(&form.csrf_token)?;
    let ws = &signed_in.workspace;
    let changes = ProfileChanges {
        name: Capability::EditName.allowed(ws).then(|| form.name.clone()),
        address_line1: Capability::EditAddress
            .allowed(ws)
            .then(|| form.address_line1.clone()),
        address_line2: Capability::EditAddress
            .allowed(ws)
            .then(|| form.address_line2.clone()),
        city: Capability::EditAddress
            .allowed(ws)
            .then(|| form.city.clone()),
        region: Capability::EditAddress
            .allowed(ws)
            .then(|| form.region.clone()),
        postal_code: Capability::EditAddress
            .allowed(ws)
            .then(|| form.postal_code.clone()),
        country: Capability::EditAddress
            .allowed(ws)
            .then(|| form.country.clone()),
        marketing_opt_in: Capability::EditMarketing
            .allowed(ws)
            .then_some(form.marketing_opt_in.is_some()),
        // the customer's own language is always theirs to choose
        locale: form.locale.clone(),
    };
    // What the customer typed goes back into the form when something is wrong.
    let submitted = json!({
        "name": form.name, "email": form.email,
        "address_line1": form.address_line1, "address_line2": form.address_line2,
        "city": form.city, "region": form.region, "postal_code": form.postal_code,
        "country": form.country, "marketing_opt_in": form.marketing_opt_in.is_some(),
        "locale": form.locale,
    });
    let ip = peer.to_string();
    let context = ChangeContext {
        actor: Actor::Customer(signed_in.customer.id),
        ip: Some(&ip),
    };
    let wants_new_email = Capability::EditEmail.allowed(ws)
        && !form.email.trim().is_empty()
        && customers::normalize_email(&form.email) != signed_in.customer.email;

    let settings = Settings::from_context(&ctx)?;
    let secrets = settings.secrets();
    let email_change = wants_new_email.then(|| EmailChange {
        secrets: &secrets,
        new_email: &form.email,
        now: Utc::now().fixed_offset(),
    });
    let (customer, issued) = match signed_in
        .customer
        .clone()
        .update_profile(&ctx.db, &changes, email_change, context)
        .await
    {
        Ok(saved) => saved,
        Err(err) => {
            let errors = field_errors_in(&err, signed_in.lang).ok_or(err)?;
            return render_form(
                &v,
                &signed_in,
                StatusCode::UNPROCESSABLE_ENTITY,
                submitted,
                &errors,
                None,
            );
        }
    };
    let slug = &ws.slug;
    let Some(issued) = issued else {
        return format::render()
            .status(StatusCode::SEE_OTHER)
            .redirect(&format!("/portal/{slug}/profile?saved=1"));
    };
    let new_email = customers::normalize_email(&form.email);
    PortalMailer::confirm_email_change(
        &ctx,
        &settings,
        ws,
        &customer,
        &new_email,
        &issued.token,
        signed_in.lang,
    )
    .await?;
    format::render()
        .status(StatusCode::SEE_OTHER)
        .redirect(&format!("/portal/{slug}/profile?email_sent=1"))
}

/// The link from the confirmation email: a button to confirm (the change
/// happens on POST, so a mail scanner opening the link changes nothing).
#[debug_handler]
pub async fn confirm_email_page(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path((slug, token)): Path<(String, String)>,
    headers: HeaderMap,
    jar: CookieJar,
) -> Result<Response> {
    let mut page = Anonymous::open(&ctx, &slug, &headers, jar).await?;
    page.set("token", token);
    page.render(&v, StatusCode::OK, "portal/confirm_email.html")
}

#[debug_handler]
pub async fn confirm_email(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path((slug, token)): Path<(String, String)>,
    headers: HeaderMap,
    ClientIp(peer): ClientIp,
    jar: CookieJar,
    Form(form): Form<CsrfForm>,
) -> Result<Response> {
    let mut page = Anonymous::open(&ctx, &slug, &headers, jar).await?;
    page.set("token", &token);
    if !page.csrf_ok(&form.csrf_token) {
        page.set("error_key", "error-form-expired");
        return page.render(&v, StatusCode::FORBIDDEN, "portal/confirm_email.html");
    }
    let settings = Settings::from_context(&ctx)?;
    let secrets = settings.secrets();
    let ip = peer.to_string();
    let now = Utc::now().fixed_offset();
    match customers::Model::confirm_email_change(
        &ctx.db,
        &secrets,
        page.workspace.id,
        &token,
        Some(&ip),
        now,
    )
    .await
    {
        Ok((customer, old_email)) => {
            let lang = crate::locale::pick(
                customer.locale.as_deref(),
                None,
                &page.workspace.default_locale,
            );
            PortalMailer::email_changed(
                &ctx,
                &settings,
                &page.workspace,
                &customer,
                &old_email,
                lang,
            )
            .await?;
            let redirect = format::render()
                .status(StatusCode::SEE_OTHER)
                .redirect(&format!("/portal/{slug}/profile?email_changed=1"))?;
            Ok((page.jar, redirect).into_response())
        }
        Err(ModelError::Message(message)) => {
            let lang = page.data["lang"].as_str().unwrap_or(crate::locale::DEFAULT);
            let message = crate::locale::say(&message, lang);
            page.set("error", message);
            page.render(&v, StatusCode::CONFLICT, "portal/confirm_email.html")
        }
        Err(_) => page.render(&v, StatusCode::GONE, "portal/link_expired.html"),
    }
}
