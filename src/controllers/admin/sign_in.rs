//! Console sign-in with email and password (Loco's users), sign-out, and
//! password reset by emailed link. Failed attempts are limited per email
//! and per client address through Loco's cache.

use axum::http::StatusCode;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use loco_rs::prelude::*;

use crate::controllers::client_ip::ClientIp;
use serde::Deserialize;
use serde_json::json;

use super::session::{session_cookie, ConsoleUser, CsrfForm, SESSION_COOKIE, SESSION_SECONDS};
use crate::{
    controllers::portal::csrf_matches,
    mailers::auth::AuthMailer,
    models::{memberships, users, workspaces},
    secrets::random_token,
    settings::Settings,
};

const CSRF_COOKIE: &str = "portal_console_csrf";
/// Failed sign-ins allowed per email and per address in `WINDOW_SECONDS`.
const MAX_FAILURES: u32 = 5;
const WINDOW_SECONDS: u64 = 15 * 60;

/// The double-submit CSRF pair of the anonymous console pages.
fn csrf(ctx: &AppContext, jar: CookieJar) -> Result<(CookieJar, String, String)> {
    let incoming = jar
        .get(CSRF_COOKIE)
        .map(|c| c.value().to_string())
        .unwrap_or_default();
    if !incoming.is_empty() {
        return Ok((jar, incoming.clone(), incoming));
    }
    let token = random_token(32);
    let secure = Settings::from_context(ctx)?
        .public_url
        .starts_with("https://");
    let jar = jar.add(
        Cookie::build((CSRF_COOKIE, token.clone()))
            .path("/admin")
            .http_only(true)
            .secure(secure)
            .same_site(SameSite::Lax)
            .build(),
    );
    Ok((jar, incoming, token))
}

fn render(
    v: &TeraView,
    status: StatusCode,
    jar: CookieJar,
    template: &str,
    data: serde_json::Value,
) -> Result<Response> {
    let page = format::render().status(status).view(v, template, data)?;
    Ok((jar, page).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SignInQuery {
    reset: Option<String>,
    signed_out: Option<String>,
}

#[debug_handler]
pub async fn page(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Query(query): Query<SignInQuery>,
    jar: CookieJar,
) -> Result<Response> {
    let (jar, _, token) = csrf(&ctx, jar)?;
    let notice = if query.reset.is_some() {
        Some("Your password is changed. Sign in with the new one.")
    } else if query.signed_out.is_some() {
        Some("You are signed out.")
    } else {
        None
    };
    render(
        &v,
        StatusCode::OK,
        jar,
        "admin/sign_in.html",
        json!({ "lang": "en-US", "csrf_token": token, "notice": notice }),
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SignInForm {
    email: String,
    password: String,
    csrf_token: String,
}

async fn failures(ctx: &AppContext, key: &str) -> u32 {
    ctx.cache.get::<u32>(key).await.ok().flatten().unwrap_or(0)
}

async fn count_failure(ctx: &AppContext, key: &str) {
    let n = failures(ctx, key).await + 1;
    let _ = ctx
        .cache
        .insert_with_expiry(key, &n, std::time::Duration::from_secs(WINDOW_SECONDS))
        .await;
}

#[debug_handler]
pub async fn submit(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    ClientIp(peer): ClientIp,
    jar: CookieJar,
    Form(form): Form<SignInForm>,
) -> Result<Response> {
    let (jar, incoming, token) = csrf(&ctx, jar)?;
    let again = |status: StatusCode, jar: CookieJar, error: &str| {
        render(
            &v,
            status,
            jar,
            "admin/sign_in.html",
            json!({ "lang": "en-US", "csrf_token": token, "error": error, "email": form.email }),
        )
    };
    if !csrf_matches(&incoming, &form.csrf_token) {
        return again(
            StatusCode::FORBIDDEN,
            jar,
            "This form has expired. Sign in again.",
        );
    }
    let secrets = Settings::from_context(&ctx)?.secrets();
    let email = form.email.trim().to_lowercase();
    let by_email = format!(
        "console-sign-in:{}",
        secrets.keyed_hash("console-email", &email)
    );
    let by_ip = format!("console-sign-in-ip:{}", peer);
    if failures(&ctx, &by_email).await >= MAX_FAILURES
        || failures(&ctx, &by_ip).await >= MAX_FAILURES * 4
    {
        return again(
            StatusCode::TOO_MANY_REQUESTS,
            jar,
            "Too many failed attempts. Wait 15 minutes, or reset your password.",
        );
    }
    let user = users::Model::find_by_email(&ctx.db, &email)
        .await
        .ok()
        .filter(|u| u.verify_password(&form.password));
    let Some(user) = user else {
        count_failure(&ctx, &by_email).await;
        count_failure(&ctx, &by_ip).await;
        return again(
            StatusCode::UNPROCESSABLE_ENTITY,
            jar,
            "That email and password do not match. Check both, or reset your password.",
        );
    };
    let secret = &ctx.config.get_jwt_config()?.secret;
    let session = user.generate_jwt(secret, SESSION_SECONDS)?;
    let jar = jar.add(session_cookie(&ctx, session)?);
    let to = match memberships::Model::list_for_user(&ctx.db, user.id)
        .await?
        .first()
    {
        Some(m) => format!(
            "/admin/{}",
            workspaces::Model::find_by_id(&ctx.db, m.workspace_id)
                .await?
                .slug
        ),
        None => "/admin/workspaces".to_string(),
    };
    Ok((
        jar,
        format::render()
            .status(StatusCode::SEE_OTHER)
            .redirect(&to)?,
    )
        .into_response())
}

#[debug_handler]
pub async fn sign_out(
    State(ctx): State<AppContext>,
    console: ConsoleUser,
    jar: CookieJar,
    Form(form): Form<CsrfForm>,
) -> Result<Response> {
    if !csrf_matches(&console.csrf_token, &form.csrf_token) {
        return Err(Error::BadRequest("This form has expired.".into()));
    }
    let mut gone = session_cookie(&ctx, String::new())?;
    gone.make_removal();
    let jar = jar.remove(Cookie::from(SESSION_COOKIE)).add(gone);
    Ok((
        jar,
        format::render()
            .status(StatusCode::SEE_OTHER)
            .redirect("/admin?signed_out=1")?,
    )
        .into_response())
}

/// A signed-in user with no workspace (yet): say so instead of a blank page.
#[debug_handler]
pub async fn no_workspace(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    console: ConsoleUser,
) -> Result<Response> {
    let memberships = memberships::Model::list_for_user(&ctx.db, console.user.id).await?;
    if let Some(m) = memberships.first() {
        let slug = workspaces::Model::find_by_id(&ctx.db, m.workspace_id)
            .await?
            .slug;
        return format::render().redirect(&format!("/admin/{slug}"));
    }
    format::render().view(
        &v,
        "admin/no_workspace.html",
        json!({ "lang": "en-US", "csrf_token": console.csrf_token, "user": { "email": console.user.email } }),
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ForgotForm {
    email: String,
    csrf_token: String,
}

#[debug_handler]
pub async fn forgot_page(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    jar: CookieJar,
) -> Result<Response> {
    let (jar, _, token) = csrf(&ctx, jar)?;
    render(
        &v,
        StatusCode::OK,
        jar,
        "admin/forgot.html",
        json!({ "lang": "en-US", "csrf_token": token }),
    )
}

/// Sends a reset link when the email belongs to a user; the page says the
/// same either way, so it does not reveal who has an account.
#[debug_handler]
pub async fn forgot(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    jar: CookieJar,
    Form(form): Form<ForgotForm>,
) -> Result<Response> {
    let (jar, incoming, token) = csrf(&ctx, jar)?;
    if !csrf_matches(&incoming, &form.csrf_token) {
        return render(
            &v,
            StatusCode::FORBIDDEN,
            jar,
            "admin/forgot.html",
            json!({ "lang": "en-US", "csrf_token": token, "error": "This form has expired. Try again." }),
        );
    }
    if let Ok(user) = users::Model::find_by_email(&ctx.db, form.email.trim()).await {
        let secrets = crate::settings::Settings::from_context(&ctx)?.secrets();
        let (user, token) = user
            .into_active_model()
            .set_forgot_password_sent(&ctx.db, &secrets)
            .await?;
        AuthMailer::forgot_password(&ctx, &user, &token).await?;
    }
    render(
        &v,
        StatusCode::OK,
        jar,
        "admin/forgot.html",
        json!({ "lang": "en-US", "csrf_token": token, "sent": true }),
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResetForm {
    password: String,
    csrf_token: String,
}

#[debug_handler]
pub async fn reset_page(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path(reset_token): Path<String>,
    jar: CookieJar,
) -> Result<Response> {
    let (jar, _, token) = csrf(&ctx, jar)?;
    let valid = users::Model::find_by_reset_token(
        &ctx.db,
        &crate::settings::Settings::from_context(&ctx)?.secrets(),
        &reset_token,
    )
    .await
    .is_ok();
    render(
        &v,
        if valid {
            StatusCode::OK
        } else {
            StatusCode::GONE
        },
        jar,
        "admin/reset.html",
        json!({ "lang": "en-US", "csrf_token": token, "reset_token": reset_token, "invalid": !valid }),
    )
}

#[debug_handler]
pub async fn reset(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path(reset_token): Path<String>,
    jar: CookieJar,
    Form(form): Form<ResetForm>,
) -> Result<Response> {
    let (jar, incoming, token) = csrf(&ctx, jar)?;
    let data = |error: &str| json!({ "lang": "en-US", "csrf_token": token, "reset_token": reset_token, "error": error });
    if !csrf_matches(&incoming, &form.csrf_token) {
        return render(
            &v,
            StatusCode::FORBIDDEN,
            jar,
            "admin/reset.html",
            data("This form has expired. Try again."),
        );
    }
    let Ok(user) = users::Model::find_by_reset_token(
        &ctx.db,
        &crate::settings::Settings::from_context(&ctx)?.secrets(),
        &reset_token,
    )
    .await
    else {
        return render(
            &v,
            StatusCode::GONE,
            jar,
            "admin/reset.html",
            json!({ "lang": "en-US", "csrf_token": token, "invalid": true }),
        );
    };
    if form.password.chars().count() < 12 {
        return render(
            &v,
            StatusCode::UNPROCESSABLE_ENTITY,
            jar,
            "admin/reset.html",
            data("Choose a password of at least 12 characters."),
        );
    }
    user.into_active_model()
        .reset_password(&ctx.db, &form.password)
        .await?;
    Ok((
        jar,
        format::render()
            .status(StatusCode::SEE_OTHER)
            .redirect("/admin?reset=1")?,
    )
        .into_response())
}
