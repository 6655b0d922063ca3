//! The merchant API under `/api/v1`: JSON, authenticated with a workspace
//! secret key (`Authorization: Bearer sk_...`). The key decides the tenant:
//! another workspace's ids are 404 like unknown ones. Bad input is 422 with
//! a message per field. The OpenAPI 3.1 document is generated from this
//! code (utoipa) and served at `/api/v1/openapi.json`.
use std::collections::BTreeMap;

use axum::{
    extract::FromRequestParts,
    http::{header, request::Parts, StatusCode},
};
use loco_rs::{controller::ErrorDetail, prelude::*};
use sea_orm::{QueryFilter, QueryOrder, QuerySelect, Select};
use serde::Deserialize;
use utoipa::{
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
    IntoParams, Modify, OpenApi,
};
use uuid::Uuid;

use crate::{
    models::{
        api_keys,
        tenancy::{self, PidOwned},
        workspaces,
    },
    settings::Settings,
    views::api as view,
};

mod billing;
mod catalog;
mod customers;
pub mod idempotency;
mod subscriptions;

/// The workspace whose secret key signed the request.
#[derive(Clone)]
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
        // already authenticated by the idempotency layer
        if let Some(known) = parts.extensions.get::<Self>() {
            return Ok(known.clone());
        }
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
        let unknown = |err: ModelError| match err {
            ModelError::EntityNotFound => unauthorized("this secret key is unknown or revoked"),
            other => Error::from(other).into_response(),
        };
        let key = api_keys::Model::find_by_secret(&ctx.db, &secrets, secret.trim())
            .await
            .map_err(unknown)?;
        let workspace = workspaces::Model::find_by_id(&ctx.db, key.workspace_id)
            .await
            .map_err(unknown)?;
        Ok(Self(workspace))
    }
}

/// 404 in the API's shape.
pub(crate) fn not_found(what: &str) -> Error {
    Error::CustomError(
        StatusCode::NOT_FOUND,
        ErrorDetail::new("not_found", format!("no such {what}")),
    )
}

/// 422 with a message per field.
pub(crate) fn invalid(errors: BTreeMap<String, String>) -> Error {
    Error::CustomError(
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorDetail {
            error: Some("validation_failed".into()),
            description: Some("some fields are invalid; see `errors`".into()),
            errors: Some(serde_json::json!(errors)),
        },
    )
}

pub(crate) fn invalid_field(field: &str, message: &str) -> Error {
    invalid(BTreeMap::from([(field.to_string(), message.to_string())]))
}

/// A model error as the API answers it: field errors are 422.
pub(crate) fn model_error(err: ModelError, what: &str) -> Error {
    match err {
        ModelError::EntityNotFound => not_found(what),
        err => match crate::models::field_errors(&err) {
            Some(errors) => invalid(errors),
            None => err.into(),
        },
    }
}

/// Text from a client must not carry NUL bytes (PostgreSQL refuses them).
pub(crate) fn check_text(fields: &[(&str, Option<&str>)]) -> Result<()> {
    let bad: BTreeMap<String, String> = fields
        .iter()
        .filter(|(_, v)| v.is_some_and(|v| v.contains('\0')))
        .map(|(f, _)| {
            (
                (*f).to_string(),
                "must not contain NUL characters".to_string(),
            )
        })
        .collect();
    if bad.is_empty() {
        Ok(())
    } else {
        Err(invalid(bad))
    }
}

/// A workspace row by the id a client sent; malformed ids are 404 too.
pub(crate) async fn find<E: PidOwned>(
    ctx: &AppContext,
    workspace_id: i64,
    id: &str,
    what: &str,
) -> Result<E::Model> {
    let pid = Uuid::parse_str(id).map_err(|_| not_found(what))?;
    tenancy::find_by_pid::<E>(&ctx.db, workspace_id, pid)
        .await
        .map_err(|err| model_error(err, what))
}

/// Paging of every list: `limit` (1 to 100, default 20) rows after
/// `starting_after` (an id from the previous page), oldest first.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// 1 to 100, default 20
    pub limit: Option<u64>,
    /// the last id of the previous page
    pub starting_after: Option<String>,
}

/// One page of `select` (already filtered to the workspace).
pub(crate) async fn page<E: PidOwned>(
    ctx: &AppContext,
    workspace_id: i64,
    select: Select<E>,
    paging: &Paging,
    what: &str,
) -> Result<(Vec<E::Model>, bool)> {
    let limit = paging.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(invalid_field("limit", "use a number from 1 to 100"));
    }
    let mut select = select;
    if let Some(after) = &paging.starting_after {
        let pid = Uuid::parse_str(after)
            .map_err(|_| invalid_field("starting_after", &format!("not a {what} id")))?;
        let anchor = E::find()
            .in_tenant(workspace_id)
            .filter(E::pid_column().eq(pid))
            .select_only()
            .column(E::id_column())
            .into_tuple::<i64>()
            .one(&ctx.db)
            .await?
            .ok_or_else(|| invalid_field("starting_after", &format!("no such {what}")))?;
        select = select.filter(E::id_column().gt(anchor));
    }
    let mut rows = select
        .order_by_asc(E::id_column())
        .limit(limit + 1)
        .all(&ctx.db)
        .await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    Ok((rows, more))
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "secret_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("the workspace secret key, `sk_...`"))
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "portal merchant API",
        version = "1",
        description = "Customers, catalog, subscriptions, payment methods, charges, invoices and portal links of one workspace (the one the secret key belongs to). Money is integer minor units with an ISO 4217 currency."
    ),
    paths(
        customers::list, customers::create, customers::show, customers::update, customers::portal_link,
        catalog::list_products, catalog::create_product, catalog::list_prices, catalog::create_price,
        subscriptions::list, subscriptions::create, subscriptions::show, subscriptions::cancel,
        billing::payment_methods, billing::list_charges, billing::show_charge,
        billing::list_invoices, billing::show_invoice, billing::invoice_pdf,
    ),
    components(schemas(view::ApiError, view::Address)),
    modifiers(&BearerAuth),
    security(("secret_key" = []))
)]
struct ApiDoc;

/// The OpenAPI 3.1 document of this API.
#[debug_handler]
async fn openapi(State(_ctx): State<AppContext>) -> Result<Response> {
    format::json(ApiDoc::openapi())
}

pub fn routes() -> Routes {
    Routes::new()
        .prefix("/api/v1")
        .add("/openapi.json", get(openapi))
        .add("/customers", get(customers::list).post(customers::create))
        .add(
            "/customers/{id}",
            get(customers::show).patch(customers::update),
        )
        .add("/customers/{id}/portal_links", post(customers::portal_link))
        .add(
            "/customers/{id}/payment_methods",
            get(billing::payment_methods),
        )
        .add(
            "/products",
            get(catalog::list_products).post(catalog::create_product),
        )
        .add(
            "/prices",
            get(catalog::list_prices).post(catalog::create_price),
        )
        .add(
            "/subscriptions",
            get(subscriptions::list).post(subscriptions::create),
        )
        .add("/subscriptions/{id}", get(subscriptions::show))
        .add("/subscriptions/{id}/cancel", post(subscriptions::cancel))
        .add("/charges", get(billing::list_charges))
        .add("/charges/{id}", get(billing::show_charge))
        .add("/invoices", get(billing::list_invoices))
        .add("/invoices/{id}", get(billing::show_invoice))
        .add("/invoices/{id}/pdf", get(billing::invoice_pdf))
}
