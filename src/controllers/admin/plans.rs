//! Plans: which prices customers may switch between, and the seats they may
//! choose on a per-seat price. Everything on the page is saved at once, or
//! nothing (a bad bound names its field). Read by every role; changed by
//! those who may change the portal settings.
use std::collections::{BTreeMap, HashMap};

use axum::http::StatusCode;
use loco_rs::prelude::*;
use serde_json::json;

use super::session::Console;
use crate::views::console::{PlanRow, PriceRow};
use crate::{
    access::{Action, Resource},
    models::{
        audit_events::{self, Actor},
        prices,
    },
};

async fn render(
    v: &TeraView,
    ctx: &AppContext,
    console: &Console,
    status: StatusCode,
    typed: &HashMap<String, String>,
    extra: serde_json::Value,
) -> Result<Response> {
    let rows: Vec<_> = prices::Model::active_with_products(&ctx.db, console.workspace.id)
        .await?
        .into_iter()
        .map(|(price, product)| {
            let field = |name: &str, stored: String| {
                typed
                    .get(&format!("{name}_{}", price.id))
                    .cloned()
                    .unwrap_or(stored)
            };
            PlanRow {
                id: price.id,
                plan: product.name.clone(),
                price: PriceRow::new(&price, 0).price,
                switchable: if typed.is_empty() {
                    price.customer_switchable
                } else {
                    typed.contains_key(&format!("switchable_{}", price.id))
                },
                min: field("min", price.min_quantity.to_string()),
                max: field(
                    "max",
                    price
                        .max_quantity
                        .map(|m| m.to_string())
                        .unwrap_or_default(),
                ),
            }
        })
        .collect();
    let page = json!({
        "plans": rows,
        "can_write": console.can_write(ctx, Resource::Settings).await,
    });
    console
        .render(
            v,
            ctx,
            "plans",
            "admin/plans.html",
            status,
            crate::controllers::portal::session::with(page, extra),
        )
        .await
}

#[debug_handler]
pub async fn page(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Query(query): Query<HashMap<String, String>>,
    console: Console,
) -> Result<Response> {
    console
        .allow(&ctx, Resource::Settings, Action::Read)
        .await?;
    let extra = json!({ "saved": query.contains_key("saved") });
    render(&v, &ctx, &console, StatusCode::OK, &HashMap::new(), extra).await
}

/// A seat bound as typed: empty is none (for the maximum).
fn bound(typed: Option<&String>) -> std::result::Result<Option<i32>, ()> {
    match typed.map(|t| t.trim()).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => t.parse::<i32>().map(Some).map_err(|_| ()),
    }
}

/// `POST /admin/{slug}/plans`: `switchable_<price>` checkboxes and
/// `min_<price>`, `max_<price>` seat bounds for every active price.
#[debug_handler]
pub async fn save(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    console: Console,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response> {
    let csrf = form.get("csrf_token").cloned().unwrap_or_default();
    console.allow_form(&ctx, Resource::Settings, &csrf).await?;
    let ws = &console.workspace;
    let plans = prices::Model::active_with_products(&ctx.db, ws.id).await?;
    let mut errors = BTreeMap::new();
    let mut choices = Vec::new();
    for (price, _) in &plans {
        let min = bound(form.get(&format!("min_{}", price.id)));
        let max = bound(form.get(&format!("max_{}", price.id)));
        match (min, max) {
            (Ok(min), Ok(max)) => {
                let min = min.unwrap_or(1);
                if min < 1 || max.is_some_and(|max| max < min) {
                    errors.insert(
                        format!("max_{}", price.id),
                        "Seats need a minimum of at least 1 and a maximum no lower than it."
                            .to_string(),
                    );
                } else {
                    let switchable = form.contains_key(&format!("switchable_{}", price.id));
                    choices.push((price.clone(), switchable, min, max));
                }
            }
            _ => {
                errors.insert(
                    format!("max_{}", price.id),
                    "Seats are whole numbers; leave the maximum empty when customers may not choose seats."
                        .to_string(),
                );
            }
        }
    }
    if !errors.is_empty() {
        let extra = json!({ "errors": errors });
        return render(
            &v,
            &ctx,
            &console,
            StatusCode::UNPROCESSABLE_ENTITY,
            &form,
            extra,
        )
        .await;
    }
    let txn = crate::models::write_transaction(&ctx.db).await?;
    let mut changes = Vec::new();
    for (price, switchable, min, max) in choices {
        let before = (
            price.customer_switchable,
            price.min_quantity,
            price.max_quantity,
        );
        if before != (switchable, min, max) {
            changes.push(
                json!({ "price": price.pid, "before": before, "after": (switchable, min, max) }),
            );
            price
                .set_customer_options(&txn, switchable, min, max)
                .await?;
        }
    }
    if !changes.is_empty() {
        audit_events::Model::record(
            &txn,
            ws.id,
            Actor::MerchantUser(console.user.id),
            "workspace",
            ws.id,
            "plans.customer_options_updated",
            json!({ "prices": changes }),
            None,
        )
        .await?;
    }
    txn.commit().await?;
    format::render()
        .status(StatusCode::SEE_OTHER)
        .redirect(&format!("/admin/{}/plans?saved=1", ws.slug))
}
