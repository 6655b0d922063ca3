//! `/api/v1/customers`: create, read, update, list; one-time portal links.
use axum::http::StatusCode;
use chrono::Utc;
use loco_rs::prelude::*;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::{check_text, find, invalid_field, model_error, page, ApiWorkspace, Paging};
use crate::{
    models::{
        audit_events::Actor,
        customers::{self, ChangeContext, NewCustomer, ProfileChanges},
        sign_in_tokens,
    },
    settings::Settings,
    views::api::{Address, ApiError, Customer, List, PortalLink},
};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct CustomerFilter {
    /// exact email (case-insensitive)
    pub email: Option<String>,
}

/// List customers, oldest first.
#[utoipa::path(get, path = "/api/v1/customers", tag = "customers",
    params(Paging, CustomerFilter),
    responses((status = 200, body = List<Customer>), (status = 401, body = ApiError), (status = 422, body = ApiError)))]
#[debug_handler]
pub async fn list(
    State(ctx): State<AppContext>,
    ApiWorkspace(ws): ApiWorkspace,
    Query(paging): Query<Paging>,
    Query(filter): Query<CustomerFilter>,
) -> Result<Response> {
    check_text(&[("email", filter.email.as_deref())])?;
    let mut select = customers::Entity::find().in_tenant(ws.id);
    if let Some(email) = &filter.email {
        select = select.filter(customers::Column::Email.eq(customers::normalize_email(email)));
    }
    let (rows, has_more) = page(&ctx, ws.id, select, &paging, "customer").await?;
    format::json(List {
        data: rows.iter().map(Customer::from).collect(),
        has_more,
    })
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CustomerCreate {
    pub email: String,
    pub name: String,
    pub address: Option<Address>,
    #[serde(default)]
    pub marketing_opt_in: bool,
    /// A language the portal offers (`en-US`, `de-DE`, `fr-FR`)
    pub locale: Option<String>,
}

fn address_text(a: Option<&Address>) -> Vec<(&'static str, Option<&str>)> {
    let a = a.map_or_else(
        || [None; 6],
        |a| {
            [
                a.line1.as_deref(),
                a.line2.as_deref(),
                a.city.as_deref(),
                a.region.as_deref(),
                a.postal_code.as_deref(),
                a.country.as_deref(),
            ]
        },
    );
    vec![
        ("address.line1", a[0]),
        ("address.line2", a[1]),
        ("address.city", a[2]),
        ("address.region", a[3]),
        ("address.postal_code", a[4]),
        ("address.country", a[5]),
    ]
}

/// Create a customer. The email must be new in this workspace.
#[utoipa::path(post, path = "/api/v1/customers", tag = "customers", request_body = CustomerCreate,
    responses((status = 201, body = Customer), (status = 401, body = ApiError), (status = 422, body = ApiError)))]
#[debug_handler]
pub async fn create(
    State(ctx): State<AppContext>,
    ApiWorkspace(ws): ApiWorkspace,
    axum::Json(body): axum::Json<CustomerCreate>,
) -> Result<Response> {
    let mut text = vec![
        ("email", Some(body.email.as_str())),
        ("name", Some(body.name.as_str())),
        ("locale", body.locale.as_deref()),
    ];
    text.extend(address_text(body.address.as_ref()));
    check_text(&text)?;
    if let Some(locale) = &body.locale {
        if crate::locale::supported(locale).is_none() {
            return Err(invalid_field(
                "locale",
                &format!("use one of {}", crate::locale::available().join(", ")),
            ));
        }
    }
    let address = body.address.unwrap_or_default();
    let created = customers::Model::create(
        &ctx.db,
        ws.id,
        &NewCustomer {
            email: body.email,
            name: body.name,
            address_line1: address.line1,
            address_line2: address.line2,
            city: address.city,
            region: address.region,
            postal_code: address.postal_code,
            country: address.country,
            marketing_opt_in: body.marketing_opt_in,
            locale: body.locale,
        },
    )
    .await
    .map_err(|e| match e {
        ModelError::EntityAlreadyExists => invalid_field(
            "email",
            "a customer with this email exists in this workspace",
        ),
        e => model_error(e, "customer"),
    })?;
    format::render()
        .status(StatusCode::CREATED)
        .json(Customer::from(&created))
}

/// Read a customer.
#[utoipa::path(get, path = "/api/v1/customers/{id}", tag = "customers",
    params(("id" = String, Path, description = "customer id")),
    responses((status = 200, body = Customer), (status = 401, body = ApiError), (status = 404, body = ApiError)))]
#[debug_handler]
pub async fn show(
    State(ctx): State<AppContext>,
    ApiWorkspace(ws): ApiWorkspace,
    Path(id): Path<String>,
) -> Result<Response> {
    let customer = find::<customers::Entity>(&ctx, ws.id, &id, "customer").await?;
    format::json(Customer::from(&customer))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CustomerUpdate {
    pub name: Option<String>,
    /// fields given replace the stored ones; an empty string clears one
    pub address: Option<Address>,
    pub marketing_opt_in: Option<bool>,
    /// the language of their portal and emails (`en-US`, `de-DE`, `fr-FR`);
    /// an empty string follows their browser
    pub locale: Option<String>,
}

/// Update a customer's name, address, marketing choice or language (audited, and
/// announced as a `customer.updated` webhook event).
#[utoipa::path(patch, path = "/api/v1/customers/{id}", tag = "customers",
    params(("id" = String, Path, description = "customer id")), request_body = CustomerUpdate,
    responses((status = 200, body = Customer), (status = 401, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
#[debug_handler]
pub async fn update(
    State(ctx): State<AppContext>,
    ApiWorkspace(ws): ApiWorkspace,
    Path(id): Path<String>,
    axum::Json(body): axum::Json<CustomerUpdate>,
) -> Result<Response> {
    let customer = find::<customers::Entity>(&ctx, ws.id, &id, "customer").await?;
    let mut text = vec![
        ("name", body.name.as_deref()),
        ("locale", body.locale.as_deref()),
    ];
    text.extend(address_text(body.address.as_ref()));
    check_text(&text)?;
    let address = body.address.unwrap_or_default();
    let (updated, _) = customer
        .update_profile(
            &ctx.db,
            &ProfileChanges {
                name: body.name,
                address_line1: address.line1,
                address_line2: address.line2,
                city: address.city,
                region: address.region,
                postal_code: address.postal_code,
                country: address.country,
                marketing_opt_in: body.marketing_opt_in,
                locale: body.locale,
            },
            None,
            ChangeContext {
                actor: Actor::System,
                ip: None,
            },
        )
        .await
        .map_err(|e| model_error(e, "customer"))?;
    format::json(Customer::from(&updated))
}

/// A one-time portal sign-in link for a customer (like a Stripe portal
/// session), valid 30 minutes, for the merchant's app and billing emails.
#[utoipa::path(post, path = "/api/v1/customers/{id}/portal_links", tag = "customers",
    params(("id" = String, Path, description = "customer id")),
    responses((status = 201, body = PortalLink), (status = 401, body = ApiError), (status = 404, body = ApiError)))]
#[debug_handler]
pub async fn portal_link(
    State(ctx): State<AppContext>,
    ApiWorkspace(ws): ApiWorkspace,
    Path(id): Path<String>,
) -> Result<Response> {
    let customer = find::<customers::Entity>(&ctx, ws.id, &id, "customer").await?;
    let settings = Settings::from_context(&ctx)?;
    let (url, expires_at) = sign_in_tokens::Model::portal_link(
        &ctx.db,
        &settings.secrets(),
        &settings.public_url,
        &ws,
        customer.id,
        None,
        Utc::now().fixed_offset(),
    )
    .await?;
    let link = PortalLink { url, expires_at };
    format::render().status(StatusCode::CREATED).json(link)
}
