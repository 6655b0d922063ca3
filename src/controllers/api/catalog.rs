//! `/api/v1/products` and `/api/v1/prices`: what a workspace sells.
use axum::http::StatusCode;
use loco_rs::prelude::*;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::{check_text, find, invalid_field, model_error, page, ApiWorkspace, Paging};
use crate::{
    models::{
        prices::{self, NewPrice},
        products,
    },
    views::api::{ApiError, List, Price, Product},
};

/// List products, oldest first.
#[utoipa::path(get, path = "/api/v1/products", tag = "catalog", params(Paging),
    responses((status = 200, body = List<Product>), (status = 401, body = ApiError), (status = 422, body = ApiError)))]
#[debug_handler]
pub async fn list_products(
    State(ctx): State<AppContext>,
    ApiWorkspace(ws): ApiWorkspace,
    Query(paging): Query<Paging>,
) -> Result<Response> {
    let select = products::Entity::find().in_tenant(ws.id);
    let (rows, has_more) = page(&ctx, ws.id, select, &paging, "product").await?;
    format::json(List {
        data: rows.iter().map(Product::from).collect(),
        has_more,
    })
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ProductCreate {
    pub name: String,
    pub description: Option<String>,
}

/// Create a product.
#[utoipa::path(post, path = "/api/v1/products", tag = "catalog", request_body = ProductCreate,
    responses((status = 201, body = Product), (status = 401, body = ApiError), (status = 422, body = ApiError)))]
#[debug_handler]
pub async fn create_product(
    State(ctx): State<AppContext>,
    ApiWorkspace(ws): ApiWorkspace,
    axum::Json(body): axum::Json<ProductCreate>,
) -> Result<Response> {
    check_text(&[
        ("name", Some(&body.name)),
        ("description", body.description.as_deref()),
    ])?;
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(invalid_field("name", "enter a name of 1 to 200 characters"));
    }
    let product = products::Model::create(&ctx.db, ws.id, name, body.description.as_deref())
        .await
        .map_err(|e| model_error(e, "product"))?;
    format::render()
        .status(StatusCode::CREATED)
        .json(Product::from(&product))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PriceFilter {
    /// only this product's prices
    pub product: Option<String>,
}

/// List prices, oldest first.
#[utoipa::path(get, path = "/api/v1/prices", tag = "catalog", params(Paging, PriceFilter),
    responses((status = 200, body = List<Price>), (status = 401, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
#[debug_handler]
pub async fn list_prices(
    State(ctx): State<AppContext>,
    ApiWorkspace(ws): ApiWorkspace,
    Query(paging): Query<Paging>,
    Query(filter): Query<PriceFilter>,
) -> Result<Response> {
    let mut select = prices::Entity::find().in_tenant(ws.id);
    if let Some(product) = &filter.product {
        let product = find::<products::Entity>(&ctx, ws.id, product, "product").await?;
        select = select.filter(prices::Column::ProductId.eq(product.id));
    }
    let (rows, has_more) = page(&ctx, ws.id, select, &paging, "price").await?;
    let ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
    let with_products = prices::Model::with_products(&ctx.db, ws.id, &ids).await?;
    let data = rows
        .iter()
        .filter_map(|p| {
            with_products
                .get(&p.id)
                .map(|(price, product)| Price::new(price, product))
        })
        .collect();
    format::json(List { data, has_more })
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PriceCreate {
    pub product: String,
    pub nickname: Option<String>,
    /// minor units, 0 or more
    pub unit_amount: i64,
    /// ISO 4217, e.g. `USD`
    pub currency: String,
    /// `day`, `week`, `month` or `year`
    pub interval: String,
    #[serde(default = "one")]
    pub interval_count: i32,
    #[serde(default)]
    pub trial_days: i32,
}

const fn one() -> i32 {
    1
}

/// Create a recurring price for a product.
#[utoipa::path(post, path = "/api/v1/prices", tag = "catalog", request_body = PriceCreate,
    responses((status = 201, body = Price), (status = 401, body = ApiError), (status = 422, body = ApiError)))]
#[debug_handler]
pub async fn create_price(
    State(ctx): State<AppContext>,
    ApiWorkspace(ws): ApiWorkspace,
    axum::Json(body): axum::Json<PriceCreate>,
) -> Result<Response> {
    check_text(&[
        ("nickname", body.nickname.as_deref()),
        ("currency", Some(&body.currency)),
        ("interval", Some(&body.interval)),
    ])?;
    let product = find::<products::Entity>(&ctx, ws.id, &body.product, "product")
        .await
        .map_err(|_| invalid_field("product", "no such product"))?;
    let price = prices::Model::create(
        &ctx.db,
        ws.id,
        &NewPrice {
            product_id: product.id,
            nickname: body.nickname,
            unit_amount: body.unit_amount,
            currency: body.currency,
            interval: body.interval,
            interval_count: body.interval_count,
            trial_days: body.trial_days,
        },
    )
    .await
    .map_err(|e| model_error(e, "price"))?;
    format::render()
        .status(StatusCode::CREATED)
        .json(Price::new(&price, &product))
}
