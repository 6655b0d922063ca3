//! The customer portal under `/portal/{slug}/...`.
//!
//! Every page is scoped by the workspace in its URL; a signed-in page also
//! needs a live session of that workspace ([`session::SignedIn`]). A section
//! the workspace switched off answers 404, like a page that does not exist.
use axum::http::{header, HeaderMap, StatusCode};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use loco_rs::prelude::*;

use crate::models::Found as _;
use subtle::ConstantTimeEq;

use crate::{models::workspaces, secrets::random_token, settings::Settings};

mod billing;
mod cancellation;
mod pause;
mod payment_methods;
mod plan_change;
mod profile;
mod sections;
pub mod session;
mod sign_in;

pub const CSRF_COOKIE: &str = "portal_csrf";

/// The workspace for a portal URL; an unknown slug is a 404.
pub(crate) async fn workspace(ctx: &AppContext, slug: &str) -> Result<workspaces::Model> {
    workspaces::Model::find_by_slug(&ctx.db, slug)
        .await
        .or_404()
}

/// Cookies live under `/portal/{slug}`: the browser sends a workspace's
/// cookies only to that workspace's pages.
pub(crate) fn cookie(
    ctx: &AppContext,
    slug: &str,
    name: &'static str,
    value: String,
) -> Result<Cookie<'static>> {
    let secure = Settings::from_context(ctx)?
        .public_url
        .starts_with("https://");
    Ok(Cookie::build((name, value))
        .path(format!("/portal/{slug}"))
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .build())
}

/// The anonymous CSRF token (double-submit: cookie and hidden field must
/// match), creating it when the browser has none.
pub(crate) fn anonymous_csrf(
    ctx: &AppContext,
    slug: &str,
    jar: CookieJar,
) -> Result<(CookieJar, String)> {
    if let Some(existing) = jar.get(CSRF_COOKIE) {
        let token = existing.value().to_string();
        return Ok((jar, token));
    }
    let token = random_token(32);
    let jar = jar.add(cookie(ctx, slug, CSRF_COOKIE, token.clone())?);
    Ok((jar, token))
}

/// Constant-time comparison of a submitted CSRF token with the expected one.
pub(crate) fn csrf_matches(expected: &str, given: &str) -> bool {
    !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

pub(crate) fn accept_language(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
}

/// A page shown before sign-in: the workspace, the visitor's language and the
/// double-submit CSRF pair (the cookie's value as it came in, and the token
/// the next form will carry).
pub(crate) struct Anonymous {
    pub workspace: workspaces::Model,
    pub jar: CookieJar,
    pub data: serde_json::Value,
    csrf_cookie: String,
}

impl Anonymous {
    pub(crate) async fn open(
        ctx: &AppContext,
        slug: &str,
        headers: &HeaderMap,
        jar: CookieJar,
    ) -> Result<Self> {
        let workspace = workspace(ctx, slug).await?;
        let csrf_cookie = jar
            .get(CSRF_COOKIE)
            .map(|c| c.value().to_string())
            .unwrap_or_default();
        let (jar, csrf) = anonymous_csrf(ctx, slug, jar)?;
        let lang = crate::locale::pick(None, accept_language(headers), &workspace.default_locale);
        let data = serde_json::json!({
            "lang": lang,
            "workspace": crate::views::portal::Branding::from(&workspace),
            "csrf_token": csrf,
        });
        Ok(Self {
            workspace,
            jar,
            data,
            csrf_cookie,
        })
    }

    /// Did the submitted form carry the token from this browser's cookie?
    pub(crate) fn csrf_ok(&self, submitted: &str) -> bool {
        csrf_matches(&self.csrf_cookie, submitted)
    }

    pub(crate) fn lang(&self) -> String {
        self.data["lang"]
            .as_str()
            .unwrap_or(crate::locale::DEFAULT)
            .to_string()
    }

    pub(crate) fn set(&mut self, key: &str, value: impl serde::Serialize) {
        self.data[key] = serde_json::json!(value);
    }

    pub(crate) fn render(
        self,
        v: &TeraView,
        status: StatusCode,
        template: &str,
    ) -> Result<Response> {
        page(v, status, self.jar, template, self.data)
    }
}

/// A page answered with a status (422 for a form with errors, 429, 410...).
pub(crate) fn page(
    v: &TeraView,
    status: StatusCode,
    jar: CookieJar,
    template: &str,
    data: serde_json::Value,
) -> Result<Response> {
    let html = format::render().status(status).view(v, template, data)?;
    Ok((jar, html).into_response())
}

/// `/portal/{slug}/closed`: where a customer lands when the workspace has
/// switched every section off (signed in or not: it shows nothing personal).
#[debug_handler]
async fn closed(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    jar: CookieJar,
) -> Result<Response> {
    let page = Anonymous::open(&ctx, &slug, &headers, jar).await?;
    if !page.workspace.enabled_sections().is_empty() {
        return Err(Error::NotFound);
    }
    page.render(&v, StatusCode::OK, "portal/closed.html")
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
        crate::views::theme::css(&workspace.accent_color),
    )
        .into_response())
}

/// The workspace's logo, streamed from storage.
async fn logo(State(ctx): State<AppContext>, Path(slug): Path<String>) -> Result<Response> {
    let workspace = workspace(&ctx, &slug).await?;
    if workspace.logo_url.is_none() {
        return Err(Error::NotFound);
    }
    let bytes: Vec<u8> = ctx
        .storage
        .download(&workspaces::logo_key(workspace.id))
        .await
        .map_err(|err| {
            tracing::warn!(workspace_id = workspace.id, error = %err, "a workspace's logo is missing from storage");
            Error::NotFound
        })?;
    let content_type = workspaces::logo_content_type(&bytes).ok_or(Error::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        bytes,
    )
        .into_response())
}

pub fn routes() -> Routes {
    Routes::new()
        .prefix("/portal/{slug}")
        .add("/", get(sections::home))
        .add("/theme.css", get(theme_css))
        .add("/closed", get(closed))
        .add("/logo", get(logo))
        .add(
            "/login",
            get(sign_in::login_page).post(sign_in::request_link),
        )
        .add("/login/code", post(sign_in::redeem_code))
        .add(
            "/login/{token}",
            get(sign_in::continue_page).post(sign_in::redeem_link),
        )
        .add("/logout", post(sign_in::logout))
        .add("/subscriptions", get(sections::subscriptions))
        .add("/subscriptions/{id}", get(sections::subscription))
        .add(
            "/subscriptions/{id}/payment-method",
            post(payment_methods::set_renewal_method),
        )
        .add(
            "/subscriptions/{id}/cancel",
            get(cancellation::page).post(cancellation::cancel),
        )
        .add("/subscriptions/{id}/keep", post(cancellation::keep))
        .add(
            "/subscriptions/{id}/pause",
            get(pause::page).post(pause::pause),
        )
        .add("/subscriptions/{id}/resume", post(pause::resume))
        .add(
            "/subscriptions/{id}/change",
            get(plan_change::page).post(plan_change::confirm),
        )
        .add(
            "/subscriptions/{id}/change/return",
            get(plan_change::back_from_bank),
        )
        .add("/payment-methods", get(payment_methods::index))
        .add("/payment-methods/cards", post(payment_methods::add_card))
        .add(
            "/payment-methods/cards/return",
            get(payment_methods::card_return),
        )
        .add("/payment-methods/paypal", post(payment_methods::add_paypal))
        .add(
            "/payment-methods/paypal/return",
            get(payment_methods::paypal_return),
        )
        .add(
            "/payment-methods/{id}/default",
            post(payment_methods::make_default),
        )
        .add(
            "/payment-methods/{id}/remove",
            get(payment_methods::confirm_remove).post(payment_methods::remove),
        )
        .add("/billing", get(billing::index))
        .add("/billing/{id}/retry", post(billing::retry))
        .add("/credit-notes/{pid}", get(billing::credit_note))
        .add(
            "/billing/{id}/invoice",
            get(billing::invoice).post(billing::generate_invoice),
        )
        .add("/billing/{id}/retry/return", get(billing::retry_return))
        .add("/profile", get(profile::show).post(profile::update))
        .add(
            "/profile/email/{token}",
            get(profile::confirm_email_page).post(profile::confirm_email),
        )
}
