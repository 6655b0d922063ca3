//! The signed-in customer of a portal request.
use std::collections::HashMap;

use axum::{
    extract::FromRequestParts,
    http::{request::Parts, StatusCode},
    response::Redirect,
};
use axum_extra::extract::cookie::CookieJar;
use chrono::{Duration, Utc};
use loco_rs::prelude::*;
use serde_json::json;

use super::{accept_language, csrf_matches, workspace};
use crate::{
    access::{Action, Authorizer, Principal, Resource},
    locale,
    models::{customer_sessions, customers, workspaces, workspaces::PortalSection},
    settings::Settings,
    views::portal::Branding,
};

pub const SESSION_COOKIE: &str = "portal_session";

pub struct SignedIn {
    pub workspace: workspaces::Model,
    pub customer: customers::Model,
    pub session: customer_sessions::Model,
    pub lang: &'static str,
    /// The console user looking at this customer's portal ("View portal as
    /// customer"): the view is read-only.
    pub viewer: Option<String>,
}

impl FromRequestParts<AppContext> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, ctx: &AppContext) -> Result<Self, Response> {
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, ctx)
            .await
            .map_err(IntoResponse::into_response)?;
        let slug = params.get("slug").cloned().unwrap_or_default();
        let workspace = workspace(ctx, &slug)
            .await
            .map_err(IntoResponse::into_response)?;
        let to_login = || Redirect::to(&format!("/portal/{slug}/login")).into_response();

        let jar = CookieJar::from_headers(&parts.headers);
        let Some(session_id) = jar.get(SESSION_COOKIE).map(|c| c.value().to_string()) else {
            return Err(to_login());
        };
        let secrets = Settings::from_context(ctx)
            .map_err(IntoResponse::into_response)?
            .secrets();
        let now = Utc::now().fixed_offset();
        let found = customer_sessions::Model::find_live_with_customer(
            &ctx.db,
            &secrets,
            workspace.id,
            &session_id,
            now,
        )
        .await;
        let Ok((session, customer)) = found else {
            // Signed in, but to another workspace: nothing here exists for them.
            let elsewhere =
                customer_sessions::Model::is_live_elsewhere(&ctx.db, &secrets, &session_id, now)
                    .await
                    .unwrap_or(false);
            return Err(if elsewhere {
                Error::NotFound.into_response()
            } else {
                to_login()
            });
        };
        // Extend the idle window, at most once a minute per session.
        let session = if now - session.last_seen_at > Duration::minutes(1) {
            session
                .into_active_model()
                .touch(&ctx.db, now)
                .await
                .map_err(|e| Error::from(e).into_response())?
        } else {
            session
        };
        let lang = locale::pick(
            customer.locale.as_deref(),
            accept_language(&parts.headers),
            &workspace.default_locale,
        );
        let viewer = match session.viewer_user_id {
            None => None,
            Some(user_id) => {
                // a read-only view: it may look and sign out, nothing else
                let reads = matches!(
                    parts.method,
                    axum::http::Method::GET | axum::http::Method::HEAD
                );
                if !reads && !parts.uri.path().ends_with("/logout") {
                    return Err(Error::CustomError(
                        StatusCode::FORBIDDEN,
                        loco_rs::controller::ErrorDetail::new(
                            "read_only",
                            // the error page writes it in the reader's language
                            &locale::sayable("refusal-read-only", &[]),
                        ),
                    )
                    .into_response());
                }
                let user = crate::models::_entities::users::Entity::find_by_id(user_id)
                    .one(&ctx.db)
                    .await
                    .map_err(|e| Error::from(e).into_response())?;
                Some(user.map_or_else(|| "A console user".to_string(), |u| u.name))
            }
        };
        Ok(Self {
            workspace,
            customer,
            session,
            lang,
            viewer,
        })
    }
}

impl SignedIn {
    #[must_use]
    pub const fn principal(&self) -> Principal {
        Principal::Customer {
            workspace_id: self.workspace.id,
            customer_id: self.customer.id,
        }
    }

    /// The section must be switched on and casbin must allow the action;
    /// otherwise the page does not exist for this customer (404).
    ///
    /// # Errors
    /// `NotFound` when not allowed.
    pub async fn allow(
        &self,
        ctx: &AppContext,
        section: PortalSection,
        resource: Resource,
        action: Action,
    ) -> Result<()> {
        if !self.workspace.section_enabled(section) {
            return Err(Error::NotFound);
        }
        let authz = Authorizer::from_context(ctx)?;
        if authz
            .can(
                &ctx.db,
                self.principal(),
                self.workspace.id,
                resource,
                action,
            )
            .await?
        {
            Ok(())
        } else {
            Err(Error::NotFound)
        }
    }

    /// Every state-changing form carries the session's CSRF token.
    ///
    /// # Errors
    /// 403 when the token is missing or wrong.
    pub fn check_csrf(&self, given: &str) -> Result<()> {
        if csrf_matches(&self.session.csrf_token, given) {
            Ok(())
        } else {
            Err(Error::CustomError(
                StatusCode::FORBIDDEN,
                loco_rs::controller::ErrorDetail::new(
                    "csrf",
                    &locale::sayable("refusal-form-expired", &[]),
                ),
            ))
        }
    }

    /// What every portal page's layout needs: branding, menu, language, CSRF.
    #[must_use]
    pub fn layout(&self, current: Option<PortalSection>) -> serde_json::Value {
        let nav: Vec<_> = self
            .workspace
            .enabled_sections()
            .into_iter()
            .map(|s| {
                json!({
                    "href": format!("/portal/{}/{}", self.workspace.slug, s.path()),
                    "label_key": s.label_key(),
                    "current": Some(s) == current,
                })
            })
            .collect();
        json!({
            "lang": self.lang,
            "workspace": Branding::from(&self.workspace),
            "nav": nav,
            "customer_name": self.customer.name,
            "viewer": self.viewer,
            "csrf_token": self.session.csrf_token,
        })
    }
}

/// Merges page data into the layout data.
#[must_use]
pub fn with(mut layout: serde_json::Value, page: serde_json::Value) -> serde_json::Value {
    if let (Some(base), serde_json::Value::Object(extra)) = (layout.as_object_mut(), page) {
        base.extend(extra);
    }
    layout
}

/// Where a customer lands after signing in: their first enabled section.
#[must_use]
pub fn landing(workspace: &workspaces::Model) -> String {
    workspace.enabled_sections().first().map_or_else(
        // every section switched off: a page that says so and whom to ask
        || format!("/portal/{}/closed", workspace.slug),
        |s| format!("/portal/{}/{}", workspace.slug, s.path()),
    )
}

#[must_use]
pub fn resource_of(section: PortalSection) -> Resource {
    match section {
        PortalSection::Subscriptions => Resource::Subscriptions,
        PortalSection::PaymentMethods => Resource::PaymentMethods,
        PortalSection::BillingHistory => Resource::Charges,
        PortalSection::Profile => Resource::Profile,
    }
}
