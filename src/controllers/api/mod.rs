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
pub mod rate_limit;
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
        if let Some(limiter) = ctx.shared_store.get_ref::<rate_limit::ApiRateLimiter>() {
            if let Err(wait) = limiter.admit(key.id, std::time::Instant::now()) {
                let mut response = Error::CustomError(
                    StatusCode::TOO_MANY_REQUESTS,
                    ErrorDetail::new(
                        "rate_limited",
                        format!("this key sent too many requests: retry in {wait} seconds"),
                    ),
                )
                .into_response();
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, header::HeaderValue::from(wait));
                return Err(response);
            }
        }
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

/// Makes the generated document valid OpenAPI 3.1 and complete: every
/// response has its required `description`, every operation a unique
/// `operationId` (`customers_list`, not `list` three times), POSTs document
/// `Idempotency-Key`, and every operation the rate limit's 429.
struct Complete;

fn describe(status: &str) -> &'static str {
    match status {
        "200" => "OK",
        "201" => "Created",
        "400" => "The request is malformed (see `description`)",
        "401" => "The secret key is missing, unknown or revoked",
        "404" => "No such object in this workspace",
        "409" => "A request with this Idempotency-Key is still in flight",
        "422" => "Some fields are invalid; `errors` has a message per field",
        "429" => "Too many requests for this key; retry after `Retry-After` seconds",
        _ => "See the body",
    }
}

impl Modify for Complete {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{
            path::{Parameter, ParameterIn},
            ContentBuilder, Ref, RefOr, ResponseBuilder,
        };
        let error = || {
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ApiError")))
                .build()
        };
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                ("get", item.get.as_mut()),
                ("post", item.post.as_mut()),
                ("patch", item.patch.as_mut()),
                ("put", item.put.as_mut()),
                ("delete", item.delete.as_mut()),
            ];
            for (method, operation) in operations {
                let Some(operation) = operation else { continue };
                let tag = operation
                    .tags
                    .as_ref()
                    .and_then(|t| t.first().cloned())
                    .unwrap_or_else(|| "api".into());
                let name = operation
                    .operation_id
                    .clone()
                    .unwrap_or_else(|| method.into());
                let id = if name.starts_with(&format!("{tag}_")) || name.contains(&tag) {
                    name
                } else {
                    format!("{tag}_{name}")
                };
                operation.operation_id = Some(id);
                for (status, response) in &mut operation.responses.responses {
                    if let RefOr::T(response) = response {
                        if response.description.is_empty() {
                            response.description = describe(status).to_string();
                        }
                    }
                }
                operation.responses.responses.insert(
                    "429".into(),
                    RefOr::T(
                        ResponseBuilder::new()
                            .description(describe("429"))
                            .content("application/json", error())
                            .build(),
                    ),
                );
                if method == "post" {
                    let mut key = Parameter::new("Idempotency-Key");
                    key.parameter_in = ParameterIn::Header;
                    key.required = utoipa::openapi::Required::False;
                    key.description = Some(
                        "Makes a retry safe: the first answer is replayed for 24 hours for the \
                         same key and request"
                            .into(),
                    );
                    key.schema = Some(RefOr::T(
                        utoipa::openapi::ObjectBuilder::new()
                            .schema_type(utoipa::openapi::schema::Type::String)
                            .max_length(Some(255))
                            .into(),
                    ));
                    operation
                        .parameters
                        .get_or_insert_with(Vec::new)
                        .push(RefOr::T(key));
                    for status in ["400", "409"] {
                        operation
                            .responses
                            .responses
                            .entry(status.into())
                            .or_insert_with(|| {
                                RefOr::T(
                                    ResponseBuilder::new()
                                        .description(describe(status))
                                        .content("application/json", error())
                                        .build(),
                                )
                            });
                    }
                }
            }
        }
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
        subscriptions::list, subscriptions::create, subscriptions::show, subscriptions::cancel, subscriptions::resume,
        subscriptions::pause, subscriptions::preview_change, subscriptions::change,
        billing::payment_methods, billing::list_charges, billing::show_charge, billing::refund_charge,
        billing::list_invoices, billing::show_invoice, billing::invoice_pdf,
    ),
    components(schemas(view::ApiError, view::Address)),
    modifiers(&BearerAuth, &Complete),
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
        .add("/subscriptions/{id}/resume", post(subscriptions::resume))
        .add("/subscriptions/{id}/pause", post(subscriptions::pause))
        .add(
            "/subscriptions/{id}/preview_change",
            post(subscriptions::preview_change),
        )
        .add("/subscriptions/{id}/change", post(subscriptions::change))
        .add("/charges", get(billing::list_charges))
        .add("/charges/{id}", get(billing::show_charge))
        .add("/charges/{id}/refunds", post(billing::refund_charge))
        .add("/invoices", get(billing::list_invoices))
        .add("/invoices/{id}", get(billing::show_invoice))
        .add("/invoices/{id}/pdf", get(billing::invoice_pdf))
}
