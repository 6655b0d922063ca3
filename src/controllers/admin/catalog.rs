//! The catalog: products and their prices, created, edited and archived in
//! the console (the API creates them too). A price's amount and cycle can
//! be changed only while no subscription uses it: customers agreed to them,
//! so a used price is replaced by a new one and archived. Read by every
//! role; changed by those who may change the portal settings. Which prices
//! customers may switch between is on the Plans page.
use std::collections::BTreeMap;

use axum::http::StatusCode;
use loco_rs::prelude::*;
use serde::Deserialize;
use serde_json::json;

use super::session::Console;
use crate::{
    access::{Action, Resource},
    controllers::portal::session::with,
    models::{
        self,
        audit_events::{self, Actor},
        money::{is_currency_code, Money},
        prices::{self, Interval, NewPrice},
        products, tenancy, Found as _,
    },
    views::console::{Choice, FormField, PriceRow, ProductRow},
};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ProductForm {
    csrf_token: String,
    name: String,
    description: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PriceForm {
    csrf_token: String,
    unit_amount: String,
    currency: String,
    interval: String,
    interval_count: String,
    trial_days: String,
    nickname: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CsrfForm {
    csrf_token: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Flash {
    done: Option<String>,
}

type Errors = BTreeMap<String, String>;

fn product_fields(form: &ProductForm, errors: &Errors) -> Vec<FormField> {
    vec![
        FormField::new("name", "Name", "text", &form.name, errors),
        FormField::new(
            "description",
            "Description (optional)",
            "textarea",
            &form.description,
            errors,
        )
        .hint("Customers read it when they choose a plan."),
    ]
}

fn intervals() -> Vec<Choice> {
    [
        ("month", "Month"),
        ("year", "Year"),
        ("week", "Week"),
        ("day", "Day"),
    ]
    .into_iter()
    .map(|(value, label)| Choice { value, label })
    .collect()
}

fn price_fields(form: &PriceForm, errors: &Errors, terms_fixed: bool) -> Vec<FormField> {
    let mut fields = Vec::new();
    if !terms_fixed {
        fields.extend([
            FormField::new("unit_amount", "Amount", "text", &form.unit_amount, errors)
                .hint("Per period and seat, in the currency below, such as 19.00."),
            FormField::new("currency", "Currency", "text", &form.currency, errors)
                .hint("A three-letter ISO code, such as EUR or USD."),
            FormField::new("interval", "Billed every", "select", &form.interval, errors)
                .options(intervals()),
            FormField::new(
                "interval_count",
                "Number of those periods",
                "number",
                &form.interval_count,
                errors,
            )
            .hint("1 bills every month (or year...); 3 with Month bills quarterly."),
        ]);
    }
    fields.extend([
        FormField::new(
            "trial_days",
            "Free trial (days)",
            "number",
            &form.trial_days,
            errors,
        )
        .hint("For subscriptions started from now on; 0 for none."),
        FormField::new(
            "nickname",
            "Nickname (optional)",
            "text",
            &form.nickname,
            errors,
        )
        .hint("Tells prices of one product apart, such as \u{201c}Yearly, launch offer\u{201d}."),
    ]);
    fields
}

impl PriceForm {
    fn of(price: &prices::Model) -> Self {
        Self {
            csrf_token: String::new(),
            unit_amount: price.unit_price().decimal(),
            currency: price.currency.clone(),
            interval: price.interval.clone(),
            interval_count: price.interval_count.to_string(),
            trial_days: price.trial_days.to_string(),
            nickname: price.nickname.clone().unwrap_or_default(),
        }
    }

    fn blank(currency: &str) -> Self {
        Self {
            currency: currency.to_string(),
            interval: Interval::Month.as_str().to_string(),
            interval_count: "1".into(),
            trial_days: "0".into(),
            ..Self::default()
        }
    }

    /// The price as typed, or what is wrong with each field.
    fn read(&self, product_id: i64) -> std::result::Result<NewPrice, Errors> {
        let mut errors = Errors::new();
        let currency = self.currency.trim().to_uppercase();
        if !is_currency_code(&currency) {
            errors.insert(
                "currency".into(),
                "Enter a three-letter ISO currency code, such as EUR or USD.".into(),
            );
        }
        let amount = Money::parse_decimal(&self.unit_amount, &currency).map(|m| m.minor);
        if amount.is_none() && errors.is_empty() {
            errors.insert(
                "unit_amount".into(),
                format!(
                    "Enter the amount in {currency} with a point for decimals, such as {}.",
                    Money::new(1900, &currency).decimal()
                ),
            );
        }
        if Interval::parse(&self.interval).is_none() {
            errors.insert("interval".into(), "Choose day, week, month or year.".into());
        }
        let count = self.interval_count.trim().parse::<i32>().ok();
        if !count.is_some_and(|c| (1..=36).contains(&c)) {
            errors.insert(
                "interval_count".into(),
                "Enter a whole number from 1 to 36.".into(),
            );
        }
        let trial = self.trial_days.trim().parse::<i32>().ok();
        if !trial.is_some_and(|t| (0..=730).contains(&t)) {
            errors.insert(
                "trial_days".into(),
                "Enter a whole number of days from 0 to 730.".into(),
            );
        }
        if models::single_line(&self.nickname).is_err() {
            errors.insert(
                "nickname".into(),
                "Enter this on one line, without line breaks.".into(),
            );
        }
        match (amount, count, trial) {
            (Some(unit_amount), Some(interval_count), Some(trial_days)) if errors.is_empty() => {
                Ok(NewPrice {
                    product_id,
                    nickname: Some(self.nickname.trim().to_string()).filter(|n| !n.is_empty()),
                    unit_amount,
                    currency,
                    interval: self.interval.clone(),
                    interval_count,
                    trial_days,
                })
            }
            _ => Err(errors),
        }
    }
}

/// The model's field errors as the form shows them, or the error itself.
fn form_errors(err: loco_rs::model::ModelError) -> Result<Errors> {
    models::field_errors(&err).ok_or_else(|| err.into())
}

async fn product_by_pid(ctx: &AppContext, console: &Console, pid: &str) -> Result<products::Model> {
    let pid = uuid::Uuid::parse_str(pid).map_err(|_| Error::NotFound)?;
    tenancy::find_by_pid::<products::Entity>(&ctx.db, console.workspace.id, pid)
        .await
        .or_404()
}

async fn price_by_pid(ctx: &AppContext, console: &Console, pid: &str) -> Result<prices::Model> {
    let pid = uuid::Uuid::parse_str(pid).map_err(|_| Error::NotFound)?;
    tenancy::find_by_pid::<prices::Entity>(&ctx.db, console.workspace.id, pid)
        .await
        .or_404()
}

async fn price_rows(ctx: &AppContext, product: &products::Model) -> Result<Vec<PriceRow>> {
    let mut rows = Vec::new();
    for price in prices::Model::for_product(&ctx.db, product.workspace_id, product.id).await? {
        let using = price.subscriptions_using(&ctx.db).await?;
        rows.push(PriceRow::new(&price, using));
    }
    Ok(rows)
}

async fn record(
    ctx: &AppContext,
    console: &Console,
    entity: &str,
    id: i64,
    action: &str,
    details: serde_json::Value,
) -> Result<()> {
    audit_events::Model::record(
        &ctx.db,
        console.workspace.id,
        Actor::MerchantUser(console.user.id),
        entity,
        id,
        action,
        details,
        None,
    )
    .await?;
    Ok(())
}

/// `archive` stops offering a product or price, `restore` offers it again.
fn offered_after(action: &str) -> Result<bool> {
    match action {
        "archive" => Ok(false),
        "restore" => Ok(true),
        _ => Err(Error::NotFound),
    }
}

fn see_other(to: &str) -> Result<Response> {
    format::render().status(StatusCode::SEE_OTHER).redirect(to)
}

async fn render_index(
    v: &TeraView,
    ctx: &AppContext,
    console: &Console,
    status: StatusCode,
    form: &ProductForm,
    errors: &Errors,
) -> Result<Response> {
    let mut products = Vec::new();
    for product in products::Model::list(&ctx.db, console.workspace.id).await? {
        let prices = price_rows(ctx, &product).await?;
        products.push(ProductRow::new(&product, prices));
    }
    let page = json!({
        "products": products,
        "fields": product_fields(form, errors),
        "errors": errors,
        "can_write": console.can_write(ctx, Resource::Settings).await,
    });
    console
        .render(v, ctx, "catalog", "admin/catalog.html", status, page)
        .await
}

/// `GET /admin/{slug}/catalog`: every product with its prices.
#[debug_handler]
pub async fn index(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    console: Console,
) -> Result<Response> {
    console
        .allow(&ctx, Resource::Settings, Action::Read)
        .await?;
    render_index(
        &v,
        &ctx,
        &console,
        StatusCode::OK,
        &ProductForm::default(),
        &Errors::new(),
    )
    .await
}

/// `POST /admin/{slug}/catalog`: a new product.
#[debug_handler]
pub async fn create_product(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    console: Console,
    Form(form): Form<ProductForm>,
) -> Result<Response> {
    console
        .allow_form(&ctx, Resource::Settings, &form.csrf_token)
        .await?;
    let description = Some(form.description.trim()).filter(|d| !d.is_empty());
    match products::Model::create(&ctx.db, console.workspace.id, &form.name, description).await {
        Ok(product) => {
            record(
                &ctx,
                &console,
                "product",
                product.id,
                "product.created",
                json!({ "name": product.name }),
            )
            .await?;
            see_other(&format!(
                "/admin/{}/catalog/products/{}?done=created",
                console.workspace.slug, product.pid
            ))
        }
        Err(err) => {
            let errors = form_errors(err)?;
            render_index(
                &v,
                &ctx,
                &console,
                StatusCode::UNPROCESSABLE_ENTITY,
                &form,
                &errors,
            )
            .await
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn render_product(
    v: &TeraView,
    ctx: &AppContext,
    console: &Console,
    status: StatusCode,
    product: &products::Model,
    form: Option<&ProductForm>,
    price_form: Option<&PriceForm>,
    extra: serde_json::Value,
) -> Result<Response> {
    let errors: Errors = extra
        .get("errors")
        .and_then(|e| serde_json::from_value(e.clone()).ok())
        .unwrap_or_default();
    let no_errors = Errors::new();
    let stored = ProductForm {
        csrf_token: String::new(),
        name: product.name.clone(),
        description: product.description.clone().unwrap_or_default(),
    };
    let rows = price_rows(ctx, product).await?;
    // a new price starts in the currency the product already sells in
    let currency = prices::Model::for_product(&ctx.db, product.workspace_id, product.id)
        .await?
        .first()
        .map_or_else(|| "USD".to_string(), |p| p.currency.clone());
    let blank = PriceForm::blank(&currency);
    let page = json!({
        "product": ProductRow::new(product, rows),
        "fields": product_fields(form.unwrap_or(&stored), if form.is_some() { &errors } else { &no_errors }),
        "price_fields": price_fields(price_form.unwrap_or(&blank), if price_form.is_some() { &errors } else { &no_errors }, false),
        "product_errors": form.is_some() && !errors.is_empty(),
        "price_errors": price_form.is_some() && !errors.is_empty(),
        "can_write": console.can_write(ctx, Resource::Settings).await,
    });
    console
        .render(
            v,
            ctx,
            "catalog",
            "admin/product.html",
            status,
            with(page, extra),
        )
        .await
}

/// `GET /admin/{slug}/catalog/products/{pid}`: the product's details, its
/// prices and a form for a new one.
#[debug_handler]
pub async fn product(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path((_slug, pid)): Path<(String, String)>,
    Query(flash): Query<Flash>,
    console: Console,
) -> Result<Response> {
    console
        .allow(&ctx, Resource::Settings, Action::Read)
        .await?;
    let product = product_by_pid(&ctx, &console, &pid).await?;
    render_product(
        &v,
        &ctx,
        &console,
        StatusCode::OK,
        &product,
        None,
        None,
        json!({ "done": flash.done }),
    )
    .await
}

/// `POST /admin/{slug}/catalog/products/{pid}`: its name and description.
#[debug_handler]
pub async fn update_product(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path((_slug, pid)): Path<(String, String)>,
    console: Console,
    Form(form): Form<ProductForm>,
) -> Result<Response> {
    console
        .allow_form(&ctx, Resource::Settings, &form.csrf_token)
        .await?;
    let product = product_by_pid(&ctx, &console, &pid).await?;
    let before = json!({ "name": product.name, "description": product.description });
    let description = Some(form.description.as_str());
    match product
        .clone()
        .update_details(&ctx.db, &form.name, description)
        .await
    {
        Ok(saved) => {
            record(&ctx, &console, "product", saved.id, "product.updated", json!({ "before": before, "after": { "name": saved.name, "description": saved.description } })).await?;
            see_other(&format!(
                "/admin/{}/catalog/products/{}?done=saved",
                console.workspace.slug, saved.pid
            ))
        }
        Err(err) => {
            let errors = form_errors(err)?;
            render_product(
                &v,
                &ctx,
                &console,
                StatusCode::UNPROCESSABLE_ENTITY,
                &product,
                Some(&form),
                None,
                json!({ "errors": errors }),
            )
            .await
        }
    }
}

/// `POST /admin/{slug}/catalog/products/{pid}/{archive|restore}`.
#[debug_handler]
pub async fn product_active(
    State(ctx): State<AppContext>,
    Path((_slug, pid, action)): Path<(String, String, String)>,
    console: Console,
    Form(form): Form<CsrfForm>,
) -> Result<Response> {
    console
        .allow_form(&ctx, Resource::Settings, &form.csrf_token)
        .await?;
    let active = offered_after(&action)?;
    let product = product_by_pid(&ctx, &console, &pid).await?;
    let saved = product.set_active(&ctx.db, active).await?;
    let what = if active { "restored" } else { "archived" };
    record(
        &ctx,
        &console,
        "product",
        saved.id,
        &format!("product.{what}"),
        json!({ "name": saved.name }),
    )
    .await?;
    see_other(&format!(
        "/admin/{}/catalog/products/{}?done={what}",
        console.workspace.slug, saved.pid
    ))
}

/// `POST /admin/{slug}/catalog/products/{pid}/prices`: a new price.
#[debug_handler]
pub async fn create_price(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path((_slug, pid)): Path<(String, String)>,
    console: Console,
    Form(form): Form<PriceForm>,
) -> Result<Response> {
    console
        .allow_form(&ctx, Resource::Settings, &form.csrf_token)
        .await?;
    let product = product_by_pid(&ctx, &console, &pid).await?;
    let refused = |errors: Errors| {
        render_product(
            &v,
            &ctx,
            &console,
            StatusCode::UNPROCESSABLE_ENTITY,
            &product,
            None,
            Some(&form),
            json!({ "errors": errors }),
        )
    };
    let terms = match form.read(product.id) {
        Ok(terms) => terms,
        Err(errors) => return refused(errors).await,
    };
    match prices::Model::create(&ctx.db, console.workspace.id, &terms).await {
        Ok(price) => {
            record(
                &ctx,
                &console,
                "price",
                price.id,
                "price.created",
                json!({ "product": product.name, "price": PriceRow::new(&price, 0).price }),
            )
            .await?;
            see_other(&format!(
                "/admin/{}/catalog/products/{}?done=price_created",
                console.workspace.slug, product.pid
            ))
        }
        Err(err) => {
            let mut errors = form_errors(err)?;
            // the form has no product field: the refusal shows by the amount
            if let Some(archived) = errors.remove("product") {
                errors.insert("unit_amount".into(), archived);
            }
            refused(errors).await
        }
    }
}

async fn render_price(
    v: &TeraView,
    ctx: &AppContext,
    console: &Console,
    status: StatusCode,
    price: &prices::Model,
    form: &PriceForm,
    extra: serde_json::Value,
) -> Result<Response> {
    let errors: Errors = extra
        .get("errors")
        .and_then(|e| serde_json::from_value(e.clone()).ok())
        .unwrap_or_default();
    let product =
        products::Model::find_in_workspace(&ctx.db, price.workspace_id, price.product_id).await?;
    let using = price.subscriptions_using(&ctx.db).await?;
    // a used price's form has no amount field to hang its error on
    let extra = match errors.get("unit_amount") {
        Some(message) if using > 0 => with(extra, json!({ "refused": message })),
        _ => extra,
    };
    let page = json!({
        "product": ProductRow::new(&product, Vec::new()),
        "price": PriceRow::new(price, using),
        "fields": price_fields(form, &errors, using > 0),
        "terms_fixed": using > 0,
        "can_write": console.can_write(ctx, Resource::Settings).await,
    });
    console
        .render(
            v,
            ctx,
            "catalog",
            "admin/price.html",
            status,
            with(page, extra),
        )
        .await
}

/// `GET /admin/{slug}/catalog/prices/{pid}`.
#[debug_handler]
pub async fn price(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path((_slug, pid)): Path<(String, String)>,
    Query(flash): Query<Flash>,
    console: Console,
) -> Result<Response> {
    console
        .allow(&ctx, Resource::Settings, Action::Read)
        .await?;
    let price = price_by_pid(&ctx, &console, &pid).await?;
    let form = PriceForm::of(&price);
    render_price(
        &v,
        &ctx,
        &console,
        StatusCode::OK,
        &price,
        &form,
        json!({ "done": flash.done }),
    )
    .await
}

/// `POST /admin/{slug}/catalog/prices/{pid}`: its nickname and trial, and
/// its amount and cycle while no subscription uses it.
#[debug_handler]
pub async fn update_price(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path((_slug, pid)): Path<(String, String)>,
    console: Console,
    Form(mut form): Form<PriceForm>,
) -> Result<Response> {
    console
        .allow_form(&ctx, Resource::Settings, &form.csrf_token)
        .await?;
    let price = price_by_pid(&ctx, &console, &pid).await?;
    // a used price's form has no amount or cycle: they stay as they are
    if price.subscriptions_using(&ctx.db).await? > 0 && form.unit_amount.is_empty() {
        let stored = PriceForm::of(&price);
        form.unit_amount = stored.unit_amount;
        form.currency = stored.currency;
        form.interval = stored.interval;
        form.interval_count = stored.interval_count;
    }
    let terms = match form.read(price.product_id) {
        Ok(terms) => terms,
        Err(errors) => {
            return render_price(
                &v,
                &ctx,
                &console,
                StatusCode::UNPROCESSABLE_ENTITY,
                &price,
                &form,
                json!({ "errors": errors }),
            )
            .await;
        }
    };
    let before = PriceRow::new(&price, 0);
    match price.clone().revise(&ctx.db, &terms).await {
        Ok(saved) => {
            let after = PriceRow::new(&saved, 0);
            record(&ctx, &console, "price", saved.id, "price.updated", json!({ "before": { "price": before.price, "nickname": before.nickname, "trial_days": before.trial_days }, "after": { "price": after.price, "nickname": after.nickname, "trial_days": after.trial_days } })).await?;
            see_other(&format!(
                "/admin/{}/catalog/prices/{}?done=saved",
                console.workspace.slug, saved.pid
            ))
        }
        Err(err) => {
            let errors = form_errors(err)?;
            render_price(
                &v,
                &ctx,
                &console,
                StatusCode::UNPROCESSABLE_ENTITY,
                &price,
                &form,
                json!({ "errors": errors }),
            )
            .await
        }
    }
}

/// `POST /admin/{slug}/catalog/prices/{pid}/{archive|restore}`.
#[debug_handler]
pub async fn price_active(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path((_slug, pid, action)): Path<(String, String, String)>,
    console: Console,
    Form(form): Form<CsrfForm>,
) -> Result<Response> {
    console
        .allow_form(&ctx, Resource::Settings, &form.csrf_token)
        .await?;
    let active = offered_after(&action)?;
    let price = price_by_pid(&ctx, &console, &pid).await?;
    match price.clone().set_active(&ctx.db, active).await {
        Ok(saved) => {
            let what = if active { "restored" } else { "archived" };
            record(
                &ctx,
                &console,
                "price",
                saved.id,
                &format!("price.{what}"),
                json!({ "price": PriceRow::new(&saved, 0).price }),
            )
            .await?;
            see_other(&format!(
                "/admin/{}/catalog/prices/{}?done={what}",
                console.workspace.slug, saved.pid
            ))
        }
        Err(loco_rs::model::ModelError::Message(message)) => {
            let message = crate::locale::say(&message, crate::locale::DEFAULT);
            let form = PriceForm::of(&price);
            render_price(
                &v,
                &ctx,
                &console,
                StatusCode::UNPROCESSABLE_ENTITY,
                &price,
                &form,
                json!({ "refused": message }),
            )
            .await
        }
        Err(err) => Err(err.into()),
    }
}
