//! The signed-in merchant user of a console request, and their role in the
//! workspace of the URL.
//!
//! The session is Loco's JWT for the user, kept in an `HttpOnly;
//! SameSite=Lax` cookie scoped to `/admin` (`Secure` behind https); forms
//! carry a CSRF token derived from it with the deployment's key.
use std::collections::HashMap;

use axum::{
    extract::FromRequestParts,
    http::{request::Parts, StatusCode},
    response::Redirect,
};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use loco_rs::{auth::jwt::JWT, prelude::*};

use crate::models::Found as _;
use serde_json::json;

use crate::{
    access::{Action, Authorizer, Principal, Resource},
    controllers::portal::csrf_matches,
    models::{memberships, users, workspaces},
    settings::Settings,
    views::console::{NavLink, WorkspaceLink},
};

pub const SESSION_COOKIE: &str = "portal_console";

/// A form whose only field is the CSRF token (revoke, resend, sign out).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct CsrfForm {
    pub csrf_token: String,
}
/// Console sessions last a working day.
pub const SESSION_SECONDS: u64 = 8 * 60 * 60;

/// The session cookie (or, with an empty value, its removal).
pub fn session_cookie(ctx: &AppContext, token: String) -> Result<Cookie<'static>> {
    let secure = Settings::from_context(ctx)?
        .public_url
        .starts_with("https://");
    // a browser-session cookie; the token inside expires after SESSION_SECONDS
    Ok(Cookie::build((SESSION_COOKIE, token))
        .path("/admin")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .build())
}

/// The user behind a session token, when it is valid.
async fn user_of(ctx: &AppContext, token: &str) -> Option<users::Model> {
    let secret = &ctx.config.get_jwt_config().ok()?.secret;
    let claims = JWT::new(secret).validate(token).ok()?.claims;
    users::Model::find_by_pid(&ctx.db, &claims.pid).await.ok()
}

fn csrf_for(ctx: &AppContext, token: &str) -> Result<String> {
    Ok(Settings::from_context(ctx)?
        .secrets()
        .keyed_hash("console-csrf", token)[..32]
        .to_string())
}

/// A signed-in merchant user (any console page, workspace or not).
pub struct ConsoleUser {
    pub user: users::Model,
    pub csrf_token: String,
}

impl FromRequestParts<AppContext> for ConsoleUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, ctx: &AppContext) -> Result<Self, Response> {
        let jar = CookieJar::from_headers(&parts.headers);
        let to_sign_in = || Redirect::to("/admin").into_response();
        let Some(token) = jar.get(SESSION_COOKIE).map(|c| c.value().to_string()) else {
            return Err(to_sign_in());
        };
        let Some(user) = user_of(ctx, &token).await else {
            return Err(to_sign_in());
        };
        let csrf_token = csrf_for(ctx, &token).map_err(IntoResponse::into_response)?;
        Ok(Self { user, csrf_token })
    }
}

/// A member of the URL's workspace, with their role there. A user who is
/// not a member gets 404: the workspace does not exist for them.
pub struct Console {
    pub user: users::Model,
    pub workspace: workspaces::Model,
    pub role: memberships::Role,
    pub csrf_token: String,
}

impl FromRequestParts<AppContext> for Console {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, ctx: &AppContext) -> Result<Self, Response> {
        let ConsoleUser { user, csrf_token } = ConsoleUser::from_request_parts(parts, ctx).await?;
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, ctx)
            .await
            .map_err(IntoResponse::into_response)?;
        let slug = params.get("slug").cloned().unwrap_or_default();
        let workspace = workspaces::Model::find_by_slug(&ctx.db, &slug)
            .await
            .or_404()
            .map_err(IntoResponse::into_response)?;
        let role = memberships::Model::find_in_workspace(&ctx.db, workspace.id, user.id)
            .await
            .or_404()
            .map_err(IntoResponse::into_response)?
            .role()
            .ok_or_else(|| Error::NotFound.into_response())?;
        Ok(Self {
            user,
            workspace,
            role,
            csrf_token,
        })
    }
}

impl Console {
    /// casbin must allow `action` on `resource` here; a viewer who tries to
    /// change something gets 403 with a reason.
    ///
    /// # Errors
    /// 403 when not allowed.
    pub async fn allow(&self, ctx: &AppContext, resource: Resource, action: Action) -> Result<()> {
        let allowed = Authorizer::from_context(ctx)?
            .can(
                &ctx.db,
                Principal::MerchantUser {
                    user_id: self.user.id,
                },
                self.workspace.id,
                resource,
                action,
            )
            .await?;
        if allowed {
            Ok(())
        } else {
            Err(Error::CustomError(
                StatusCode::FORBIDDEN,
                loco_rs::controller::ErrorDetail::new(
                    "forbidden",
                    format!(
                        "Your role ({}) cannot change this. Ask an owner of {}.",
                        self.role.as_str(),
                        self.workspace.name
                    ),
                ),
            ))
        }
    }

    /// May the user change `resource`? (Pages hide what they cannot do.)
    pub async fn can_write(&self, ctx: &AppContext, resource: Resource) -> bool {
        self.allow(ctx, resource, Action::Write).await.is_ok()
    }

    /// Every state-changing form carries the session's CSRF token.
    ///
    /// # Errors
    /// 403 when the token is missing or wrong.
    pub fn check_csrf(&self, given: &str) -> Result<()> {
        if csrf_matches(&self.csrf_token, given) {
            Ok(())
        } else {
            Err(Error::CustomError(
                StatusCode::FORBIDDEN,
                loco_rs::controller::ErrorDetail::new(
                    "csrf",
                    "This form has expired. Reload the page and try again.",
                ),
            ))
        }
    }

    /// What every console page's layout needs: the user, the workspace and
    /// the others they can switch to, the menu and the CSRF token.
    ///
    /// # Errors
    /// On a database error.
    pub async fn layout(&self, ctx: &AppContext, current: &str) -> Result<serde_json::Value> {
        let mut others = Vec::new();
        for membership in memberships::Model::list_for_user(&ctx.db, self.user.id).await? {
            if membership.workspace_id != self.workspace.id {
                let other = workspaces::Model::find_by_id(&ctx.db, membership.workspace_id).await?;
                others.push(WorkspaceLink {
                    slug: other.slug,
                    name: other.name,
                });
            }
        }
        let slug = &self.workspace.slug;
        let nav: Vec<_> = [
            ("", "Overview"),
            ("settings", "Portal settings"),
            ("catalog", "Catalog"),
            ("plans", "Plans"),
            ("branding", "Branding"),
            ("customers", "Customers"),
            ("subscriptions", "Subscriptions"),
            ("charges", "Charges"),
            ("team", "Team"),
            ("api-keys", "API keys"),
            ("webhooks", "Webhooks"),
        ]
        .into_iter()
        .map(|(path, label)| {
            let href = if path.is_empty() {
                format!("/admin/{slug}")
            } else {
                format!("/admin/{slug}/{path}")
            };
            NavLink {
                href,
                label,
                current: path == current || (path.is_empty() && current == "overview"),
            }
        })
        .collect();
        Ok(json!({
            "lang": "en-US",
            "user": { "name": self.user.name, "email": self.user.email },
            "workspace": { "slug": slug, "name": self.workspace.name },
            "role": self.role.as_str(),
            "others": others,
            "nav": nav,
            "csrf_token": self.csrf_token,
        }))
    }

    /// Renders a console page: the layout's data plus `page`.
    ///
    /// # Errors
    /// On a database or template error.
    pub async fn render(
        &self,
        v: &TeraView,
        ctx: &AppContext,
        current: &str,
        template: &str,
        status: StatusCode,
        page: serde_json::Value,
    ) -> Result<Response> {
        let data =
            crate::controllers::portal::session::with(self.layout(ctx, current).await?, page);
        format::render().status(status).view(v, template, data)
    }

    /// Checks the CSRF token and casbin's write permission for a form.
    ///
    /// # Errors
    /// 403 when either says no.
    pub async fn allow_form(&self, ctx: &AppContext, resource: Resource, csrf: &str) -> Result<()> {
        self.allow(ctx, resource, Action::Write).await?;
        self.check_csrf(csrf)
    }
}
