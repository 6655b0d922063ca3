//! Magic-link sign-in. The login form answers the same way for any email and
//! leaves the mail to a background job, so neither the page nor its timing
//! says whether the email is a customer's. Opening a link (GET) only shows a
//! "Continue" button; the sign-in is its POST, so mail scanners that prefetch
//! links cannot use them up.
use axum::http::{HeaderMap, StatusCode};
use axum_extra::extract::cookie::{Cookie, CookieJar};
use chrono::Utc;
use loco_rs::prelude::*;

use crate::controllers::client_ip::ClientIp;
use serde::Deserialize;

use super::{
    cookie,
    session::{landing, SignedIn, SESSION_COOKIE},
    Anonymous,
};
use crate::{
    models::{
        customer_sessions, customers, sign_in_requests,
        sign_in_requests::Limited,
        sign_in_tokens::{self, PURPOSE_SIGN_IN, PURPOSE_VIEW_AS, VALIDITY_MINUTES},
        workspaces,
    },
    settings::Settings,
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
    pub csrf_token: String,
}

#[debug_handler]
pub async fn login_page(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    jar: CookieJar,
) -> Result<Response> {
    Anonymous::open(&ctx, &slug, &headers, jar).await?.render(
        &v,
        StatusCode::OK,
        "portal/login.html",
    )
}

#[debug_handler]
pub async fn request_link(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    ClientIp(peer): ClientIp,
    jar: CookieJar,
    Form(form): Form<EmailForm>,
) -> Result<Response> {
    let mut page = Anonymous::open(&ctx, &slug, &headers, jar).await?;
    page.set("email", form.email.trim());
    if !page.csrf_ok(&form.csrf_token) {
        page.set("error_key", "error-form-expired");
        return page.render(&v, StatusCode::FORBIDDEN, "portal/login.html");
    }
    let email = customers::normalize_email(&form.email);
    if !validator::ValidateEmail::validate_email(&email) {
        page.set("field_error_key", "error-email-invalid");
        return page.render(&v, StatusCode::UNPROCESSABLE_ENTITY, "portal/login.html");
    }
    let settings = Settings::from_context(&ctx)?;
    let secrets = settings.secrets();
    let ip = peer.to_string();
    let now = Utc::now().fixed_offset();
    let admitted = sign_in_requests::Model::admit(
        &ctx.db,
        &secrets,
        &settings.sign_in_limits,
        page.workspace.id,
        &email,
        Some(&ip),
        now,
    )
    .await?;
    if let Err(limit) = admitted {
        page.set(
            "error_key",
            match limit {
                Limited::Email => "error-rate-email",
                Limited::Ip => "error-rate-ip",
                Limited::Workspace => "error-rate-workspace",
            },
        );
        return page.render(&v, StatusCode::TOO_MANY_REQUESTS, "portal/login.html");
    }
    // Same work for known and unknown emails: the job decides.
    // held in the database when the queue is down: the email still goes
    crate::jobs::enqueue::<SignInMailWorker, _>(
        &ctx,
        SignInMailArgs {
            workspace_id: page.workspace.id,
            email,
            ip: Some(ip),
            lang: page.lang(),
        },
    )
    .await?;
    page.set("minutes", VALIDITY_MINUTES);
    page.render(&v, StatusCode::OK, "portal/check_email.html")
}

#[debug_handler]
pub async fn continue_page(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path((slug, token)): Path<(String, String)>,
    headers: HeaderMap,
    jar: CookieJar,
) -> Result<Response> {
    let mut page = Anonymous::open(&ctx, &slug, &headers, jar).await?;
    let secrets = Settings::from_context(&ctx)?.secrets();
    let now = Utc::now().fixed_offset();
    let found =
        sign_in_tokens::Model::find_by_token(&ctx.db, &secrets, page.workspace.id, &token).await;
    match found {
        Ok(link)
            if (link.purpose == PURPOSE_SIGN_IN || link.purpose == PURPOSE_VIEW_AS)
                && link.is_usable(now) =>
        {
            page.set("token", token);
            page.render(&v, StatusCode::OK, "portal/continue.html")
        }
        found => {
            // prefill the "new link" form for whoever holds the customer's
            // old one (not for a console user's expired view)
            if let Some(link) = found.ok().filter(|l| l.purpose == PURPOSE_SIGN_IN) {
                if let Ok(c) = customers::Model::find_in_workspace(
                    &ctx.db,
                    page.workspace.id,
                    link.customer_id,
                )
                .await
                {
                    page.set("email", c.email);
                }
            }
            page.render(&v, StatusCode::GONE, "portal/link_expired.html")
        }
    }
}

/// Starts a session for the customer and sends them to their first section.
async fn sign_in(
    ctx: &AppContext,
    workspace: &workspaces::Model,
    customer_id: i64,
    viewer_user_id: Option<i64>,
    headers: &HeaderMap,
    peer: std::net::IpAddr,
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
        viewer_user_id,
        Some(&peer.to_string()),
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
    ClientIp(peer): ClientIp,
    jar: CookieJar,
    Form(form): Form<CsrfForm>,
) -> Result<Response> {
    let mut page = Anonymous::open(&ctx, &slug, &headers, jar).await?;
    if !page.csrf_ok(&form.csrf_token) {
        page.set("token", token);
        page.set("error_key", "error-form-expired");
        return page.render(&v, StatusCode::FORBIDDEN, "portal/continue.html");
    }
    let secrets = Settings::from_context(&ctx)?.secrets();
    let now = Utc::now().fixed_offset();
    // the customer's own link, or a console user's read-only view
    let mut redeemed = Err(loco_rs::model::ModelError::EntityNotFound);
    for purpose in [PURPOSE_SIGN_IN, PURPOSE_VIEW_AS] {
        redeemed = sign_in_tokens::Model::redeem(
            &ctx.db,
            &secrets,
            page.workspace.id,
            &token,
            purpose,
            now,
        )
        .await;
        if redeemed.is_ok() {
            break;
        }
    }
    match redeemed {
        Ok(link) => {
            let viewer =
                (link.purpose == PURPOSE_VIEW_AS).then(|| link.viewer_user_id.unwrap_or_default());
            sign_in(
                &ctx,
                &page.workspace,
                link.customer_id,
                viewer,
                &headers,
                peer,
                page.jar,
            )
            .await
        }
        Err(_) => page.render(&v, StatusCode::GONE, "portal/link_expired.html"),
    }
}

#[debug_handler]
pub async fn redeem_code(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    ClientIp(peer): ClientIp,
    jar: CookieJar,
    Form(form): Form<CodeForm>,
) -> Result<Response> {
    let mut page = Anonymous::open(&ctx, &slug, &headers, jar).await?;
    page.set("email", form.email.trim());
    page.set("minutes", VALIDITY_MINUTES);
    if !page.csrf_ok(&form.csrf_token) {
        page.set("error_key", "error-form-expired");
        return page.render(&v, StatusCode::FORBIDDEN, "portal/check_email.html");
    }
    let secrets = Settings::from_context(&ctx)?.secrets();
    let now = Utc::now().fixed_offset();
    let redeemed =
        match customers::Model::find_by_email(&ctx.db, page.workspace.id, &form.email).await {
            Ok(customer) => sign_in_tokens::Model::redeem_code(
                &ctx.db,
                &secrets,
                page.workspace.id,
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
                &page.workspace,
                link.customer_id,
                None,
                &headers,
                peer,
                page.jar,
            )
            .await
        }
        None => {
            page.set("code_error_key", "error-code-invalid");
            page.render(
                &v,
                StatusCode::UNPROCESSABLE_ENTITY,
                "portal/check_email.html",
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
