//! A merchant decides about a customer's subscription from the customer's
//! page: cancel at period end, cancel now (no refund) or resume a scheduled
//! cancellation. Merchants are not bound by the portal's switches; the
//! customer is emailed as when they decide themselves (`crate::decisions`).
use axum::http::StatusCode;
use loco_rs::prelude::*;
use serde::Deserialize;
use uuid::Uuid;

use super::session::Console;
use crate::{
    access::Resource,
    models::{
        audit_events::Actor,
        customers,
        subscriptions::{self, Cancellation},
        tenancy, Found as _,
    },
};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    csrf_token: String,
}

/// `POST /admin/{slug}/customers/{pid}/subscriptions/{sub}/{decision}` with
/// `decision` one of `cancel-at-period-end`, `cancel-now`, `resume`.
#[debug_handler]
pub async fn decide(
    State(ctx): State<AppContext>,
    Path((_slug, customer_pid, sub_pid, decision)): Path<(String, String, String, String)>,
    console: Console,
    Form(form): Form<DecisionForm>,
) -> Result<Response> {
    console
        .allow_form(&ctx, Resource::Subscriptions, &form.csrf_token)
        .await?;
    let ws = &console.workspace;
    let customer_pid = Uuid::parse_str(&customer_pid).map_err(|_| Error::NotFound)?;
    let customer = customers::Model::find_by_pid(&ctx.db, ws.id, customer_pid)
        .await
        .or_404()?;
    let sub_pid = Uuid::parse_str(&sub_pid).map_err(|_| Error::NotFound)?;
    let sub = tenancy::find_by_pid::<subscriptions::Entity>(&ctx.db, ws.id, sub_pid)
        .await
        .or_404()?;
    if sub.customer_id != customer.id {
        return Err(Error::NotFound);
    }
    let actor = Actor::MerchantUser(console.user.id);
    let notice = match decision.as_str() {
        "resume" => {
            crate::decisions::keep(&ctx, ws, &customer, sub, actor).await?;
            "resumed"
        }
        "cancel-at-period-end" | "cancel-now" => {
            let cancellation = if decision == "cancel-now" {
                Cancellation::Now {
                    reason: None,
                    comment: None,
                }
            } else {
                Cancellation::AtPeriodEnd {
                    reason: None,
                    comment: None,
                }
            };
            match crate::decisions::cancel(&ctx, ws, &customer, sub, cancellation, actor).await {
                Ok(_) => "cancelled",
                // a past-due subscription cannot be scheduled: say so on the page
                Err(ModelError::Message(_)) => "past_due",
                Err(err) => return Err(err.into()),
            }
        }
        _ => return Err(Error::NotFound),
    };
    format::render()
        .status(StatusCode::SEE_OTHER)
        .redirect(&format!(
            "/admin/{}/customers/{}?subscription={notice}",
            ws.slug, customer.pid
        ))
}
