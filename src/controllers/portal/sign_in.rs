//! Magic-link sign-in. The login form answers the same way for any email and
//! leaves the mail to a background job, so neither the page nor its timing
//! says whether the email is a customer's. Opening a link (GET) only shows a
//! "Continue" button; the sign-in is its POST, so mail scanners that prefetch
//! links cannot use them up.
use axum::http::{HeaderMap, StatusCode};
use axum_extra::extract::cookie::{Cookie, CookieJar};
use chrono::Utc;
use loco_rs::prelude::*;
use serde::Deserialize;
use serde_json::json;

use super::{
    accept_language, anonymous_csrf, cookie, csrf_matches, page,
    session::{landing, SignedIn, SESSION_COOKIE},
    workspace, CSRF_COOKIE,
};
use crate::{
    locale,
    models::{
        customer_sessions, customers, sign_in_requests,
        sign_in_requests::Limited,
        sign_in_tokens::{self, PURPOSE_SIGN_IN, VALIDITY_MINUTES},
        workspaces,
    },
    settings::Settings,
    views::portal::Branding,
    workers::sign_in_mail::{SignInMailArgs, SignInMailWorker},
};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EmailForm {
    email: String,
    csrf_token: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CodeForm {
    email: String,
    code: String,
    csrf_token: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CsrfForm {
    csrf_token: String,
}

fn client_ip(parts: &axum::extract::ConnectInfo<std::net::SocketAddr>) -> String {
    parts.0.ip().to_string()
}

fn base(workspace: &workspaces::Model, lang: &str, csrf: &str) -> serde_json::Value {
    json!({
        "lang": lang,
        "workspace": Branding::from(workspace),
        "csrf_token": csrf,
    })
}

fn anon_lang(workspace: &workspaces::Model, headers: &HeaderMap) -> &'static str {
    locale::pick(None, accept_language(headers), &workspace.default_locale)
}

fn csrf_cookie_value(jar: &CookieJar) -> String {
    jar.get(CSRF_COOKIE)
        .map(|c| c.value().to_string())
        .unwrap_or_default()
}

#[debug_handler]
pub async fn login_page(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    jar: CookieJar,
) -> Result<Response> {
    let workspace = workspace(&ctx, &slug).await?;
    let (jar, csrf) = anonymous_csrf(&ctx, &slug, jar)?;
    let data = base(&workspace, anon_lang(&workspace, &headers), &csrf);
    page(&v, StatusCode::OK, jar, "portal/login.html", data)
}

#[debug_handler]
pub async fn request_link(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    connect: axum::extract::ConnectInfo<std::net::SocketAddr>,
    jar: CookieJar,
    Form(form): Form<EmailForm>,
) -> Result<Response> {
    let workspace = workspace(&ctx, &slug).await?;
    let lang = anon_lang(&workspace, &headers);
    let expected = csrf_cookie_value(&jar);
    let (jar, csrf) = anonymous_csrf(&ctx, &slug, jar)?;
    let mut data = base(&workspace, lang, &csrf);
    data["email"] = json!(form.email.trim());

    if !csrf_matches(&expected, &form.csrf_token) {
        data["error_key"] = json!("error-form-expired");
        return page(&v, StatusCode::FORBIDDEN, jar, "portal/login.html", data);
    }
    let email = customers::normalize_email(&form.email);
    if !validator::ValidateEmail::validate_email(&email) {
        data["field_error_key"] = json!("error-email-invalid");
        return page(
            &v,
            StatusCode::UNPROCESSABLE_ENTITY,
            jar,
            "portal/login.html",
            data,
        );
    }
    let secrets = Settings::from_context(&ctx)?.secrets();
    let ip = client_ip(&connect);
    let now = Utc::now().fixed_offset();
    if let Err(limit) =
        sign_in_requests::Model::admit(&ctx.db, &secrets, workspace.id, &email, Some(&ip), now)
            .await?
    {
        data["error_key"] = json!(match limit {
            Limited::Email => "error-rate-email",
            Limited::Ip => "error-rate-ip",
            Limited::Workspace => "error-rate-workspace",
        });
        return page(
            &v,
            StatusCode::TOO_MANY_REQUESTS,
            jar,
            "portal/login.html",
            data,
        );
    }
    // Same work for known and unknown emails: the job decides.
    SignInMailWorker::perform_later(
        &ctx,
        SignInMailArgs {
            workspace_id: workspace.id,
            email,
            ip: Some(ip),
            lang: lang.to_string(),
        },
    )
    .await?;
    data["minutes"] = json!(VALIDITY_MINUTES);
    page(&v, StatusCode::OK, jar, "portal/check_email.html", data)
}

#[debug_handler]
pub async fn continue_page(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path((slug, token)): Path<(String, String)>,
    headers: HeaderMap,
    jar: CookieJar,
) -> Result<Response> {
    let workspace = workspace(&ctx, &slug).await?;
    let (jar, csrf) = anonymous_csrf(&ctx, &slug, jar)?;
    let mut data = base(&workspace, anon_lang(&workspace, &headers), &csrf);
    let secrets = Settings::from_context(&ctx)?.secrets();
    let now = Utc::now().fixed_offset();
    match sign_in_tokens::Model::find_by_token(&ctx.db, &secrets, workspace.id, &token).await {
        Ok(link) if link.purpose == PURPOSE_SIGN_IN && link.is_usable(now) => {
            data["token"] = json!(token);
            page(&v, StatusCode::OK, jar, "portal/continue.html", data)
        }
        found => {
            if let Ok(link) = found {
                if let Ok(c) =
                    customers::Model::find_in_workspace(&ctx.db, workspace.id, link.customer_id)
                        .await
                {
                    data["email"] = json!(c.email);
                }
            }
            page(&v, StatusCode::GONE, jar, "portal/link_expired.html", data)
        }
    }
}

/// Starts a session for the customer and sends them to their first section.
async fn sign_in(
    ctx: &AppContext,
    workspace: &workspaces::Model,
    customer_id: i64,
    headers: &HeaderMap,
    ip: &str,
    jar: CookieJar,
) -> Result<Response> {
    let secrets = Settings::from_context(ctx)?.secrets();
    let user_agent = headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok());
    // A new session id on every sign-in (no fixation).
    let started = customer_sessions::Model::start(
        &ctx.db,
        &secrets,
        workspace.id,
        customer_id,
        Some(ip),
        user_agent,
        Utc::now().fixed_offset(),
    )
    .await?;
    let jar = jar.add(cookie(
        ctx,
        &workspace.slug,
        SESSION_COOKIE,
        started.session_id,
    )?);
    let redirect = format::render()
        .status(StatusCode::SEE_OTHER)
        .redirect(&landing(workspace))?;
    Ok((jar, redirect).into_response())
}

#[debug_handler]
pub async fn redeem_link(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path((slug, token)): Path<(String, String)>,
    headers: HeaderMap,
    connect: axum::extract::ConnectInfo<std::net::SocketAddr>,
    jar: CookieJar,
    Form(form): Form<CsrfForm>,
) -> Result<Response> {
    let workspace = workspace(&ctx, &slug).await?;
    let lang = anon_lang(&workspace, &headers);
    let expected = csrf_cookie_value(&jar);
    let (jar, csrf) = anonymous_csrf(&ctx, &slug, jar)?;
    let mut data = base(&workspace, lang, &csrf);
    if !csrf_matches(&expected, &form.csrf_token) {
        data["token"] = json!(token);
        data["error_key"] = json!("error-form-expired");
        return page(&v, StatusCode::FORBIDDEN, jar, "portal/continue.html", data);
    }
    let secrets = Settings::from_context(&ctx)?.secrets();
    let now = Utc::now().fixed_offset();
    match sign_in_tokens::Model::redeem(
        &ctx.db,
        &secrets,
        workspace.id,
        &token,
        PURPOSE_SIGN_IN,
        now,
    )
    .await
    {
        Ok(link) => {
            sign_in(
                &ctx,
                &workspace,
                link.customer_id,
                &headers,
                &client_ip(&connect),
                jar,
            )
            .await
        }
        Err(_) => page(&v, StatusCode::GONE, jar, "portal/link_expired.html", data),
    }
}

#[debug_handler]
pub async fn redeem_code(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    connect: axum::extract::ConnectInfo<std::net::SocketAddr>,
    jar: CookieJar,
    Form(form): Form<CodeForm>,
) -> Result<Response> {
    let workspace = workspace(&ctx, &slug).await?;
    let lang = anon_lang(&workspace, &headers);
    let expected = csrf_cookie_value(&jar);
    let (jar, csrf) = anonymous_csrf(&ctx, &slug, jar)?;
    let mut data = base(&workspace, lang, &csrf);
    data["email"] = json!(form.email.trim());
    data["minutes"] = json!(VALIDITY_MINUTES);
    if !csrf_matches(&expected, &form.csrf_token) {
        data["error_key"] = json!("error-form-expired");
        return page(
            &v,
            StatusCode::FORBIDDEN,
            jar,
            "portal/check_email.html",
            data,
        );
    }
    let secrets = Settings::from_context(&ctx)?.secrets();
    let now = Utc::now().fixed_offset();
    let redeemed = match customers::Model::find_by_email(&ctx.db, workspace.id, &form.email).await {
        Ok(customer) => sign_in_tokens::Model::redeem_code(
            &ctx.db,
            &secrets,
            workspace.id,
            customer.id,
            &form.code,
            now,
        )
        .await
        .ok(),
        Err(_) => None,
    };
    match redeemed {
        Some(link) => {
            sign_in(
                &ctx,
                &workspace,
                link.customer_id,
                &headers,
                &client_ip(&connect),
                jar,
            )
            .await
        }
        None => {
            data["code_error_key"] = json!("error-code-invalid");
            page(
                &v,
                StatusCode::UNPROCESSABLE_ENTITY,
                jar,
                "portal/check_email.html",
                data,
            )
        }
    }
}

#[debug_handler]
pub async fn logout(
    State(ctx): State<AppContext>,
    signed_in: SignedIn,
    jar: CookieJar,
    Form(form): Form<CsrfForm>,
) -> Result<Response> {
    signed_in.check_csrf(&form.csrf_token)?;
    let slug = signed_in.workspace.slug.clone();
    signed_in
        .session
        .into_active_model()
        .revoke(&ctx.db, Utc::now().fixed_offset())
        .await?;
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path(format!("/portal/{slug}")));
    let redirect = format::render()
        .status(StatusCode::SEE_OTHER)
        .redirect(&format!("/portal/{slug}/login"))?;
    Ok((jar, redirect).into_response())
}
