//! The merchant API under `/api/v1`: JSON, authenticated with a workspace
//! secret key (`Authorization: Bearer sk_...`). The key decides the tenant.
use axum::{
    extract::FromRequestParts,
    http::{header, request::Parts, StatusCode},
};
use chrono::Utc;
use loco_rs::{controller::ErrorDetail, prelude::*};
use serde::Serialize;
use uuid::Uuid;

use crate::{
    models::{api_keys, customers, sign_in_tokens, workspaces},
    settings::Settings,
};

/// The workspace whose secret key signed the request.
pub struct ApiWorkspace(pub workspaces::Model);

fn unauthorized(message: &str) -> Response {
    Error::CustomError(
        StatusCode::UNAUTHORIZED,
        ErrorDetail::new("unauthorized", message),
    )
    .into_response()
}

impl FromRequestParts<AppContext> for ApiWorkspace {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, ctx: &AppContext) -> Result<Self, Response> {
        let Some(secret) = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
        else {
            return Err(unauthorized(
                "send your workspace secret key as `Authorization: Bearer sk_...`",
            ));
        };
        let secrets = Settings::from_context(ctx)
            .map_err(IntoResponse::into_response)?
            .secrets();
        let key = api_keys::Model::find_by_secret(&ctx.db, &secrets, secret.trim())
            .await
            .map_err(|_| unauthorized("this secret key is unknown or revoked"))?;
        let workspace = workspaces::Model::find_by_id(&ctx.db, key.workspace_id)
            .await
            .map_err(|_| unauthorized("this secret key is unknown or revoked"))?;
        Ok(Self(workspace))
    }
}

#[derive(Debug, Serialize)]
struct PortalLink {
    object: &'static str,
    url: String,
    expires_at: String,
}

/// A one-time portal sign-in link for a customer (like a Stripe portal
/// session), valid 30 minutes, for the merchant's app and billing emails.
#[debug_handler]
async fn create_portal_link(
    State(ctx): State<AppContext>,
    ApiWorkspace(workspace): ApiWorkspace,
    Path(customer_id): Path<String>,
) -> Result<Response> {
    let not_found = || {
        Error::CustomError(
            StatusCode::NOT_FOUND,
            ErrorDetail::new("not_found", "no such customer"),
        )
    };
    let pid = Uuid::parse_str(&customer_id).map_err(|_| not_found())?;
    let customer = customers::Model::find_by_pid(&ctx.db, workspace.id, pid)
        .await
        .map_err(|_| not_found())?;
    let settings = Settings::from_context(&ctx)?;
    let issued = sign_in_tokens::Model::issue(
        &ctx.db,
        &settings.secrets(),
        workspace.id,
        customer.id,
        sign_in_tokens::PURPOSE_SIGN_IN,
        None,
        None,
        Utc::now().fixed_offset(),
    )
    .await?;
    let link = PortalLink {
        object: "portal_link",
        url: format!(
            "{}/portal/{}/login/{}",
            settings.public_url.trim_end_matches('/'),
            workspace.slug,
            issued.token
        ),
        expires_at: issued.record.expires_at.to_rfc3339(),
    };
    format::render().status(StatusCode::CREATED).json(link)
}

pub fn routes() -> Routes {
    Routes::new()
        .prefix("/api/v1")
        .add("/customers/{id}/portal_links", post(create_portal_link))
}
