//! Refunding a paid charge from the customer's page in the console: the
//! amount (all that is left, or part), a reason, and a key minted with the
//! form so a double click refunds once (`models::refunds`).
use axum::http::StatusCode;
use loco_rs::prelude::*;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use crate::models::Found as _;

use super::{customers::detail_page, session::Console};
use crate::{
    access::Resource,
    models::{
        audit_events::{self, Actor},
        charges,
        money::Money,
        refunds::{self, NewRefund},
    },
};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RefundForm {
    csrf_token: String,
    amount: String,
    reason: String,
    idempotency_key: String,
}

/// `POST /admin/{slug}/customers/{pid}/charges/{charge}/refund`
#[debug_handler]
pub async fn refund(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path((_slug, pid, charge_pid)): Path<(String, String, String)>,
    console: Console,
    Form(form): Form<RefundForm>,
) -> Result<Response> {
    console
        .allow_form(&ctx, Resource::Charges, &form.csrf_token)
        .await?;
    let customer = super::customers::customer_of(&ctx, &console, &pid).await?;
    let charge_pid = Uuid::parse_str(&charge_pid).map_err(|_| Error::NotFound)?;
    let charge = charges::Model::find_by_pid_for_customer(
        &ctx.db,
        console.workspace.id,
        customer.id,
        charge_pid,
    )
    .await
    .or_404()?;
    let refuse = |message: String| json!({ "refund_error": { "charge": charge.pid, "message": crate::models::sentence(&message), "amount": form.amount } });
    let amount = if form.amount.trim().is_empty() {
        None
    } else {
        match Money::parse_decimal(&form.amount, &charge.currency) {
            Some(money) => Some(money.minor),
            None => {
                let page = refuse(format!(
                    "enter the amount to refund in {} with at most {} decimals, such as {}",
                    charge.currency,
                    crate::models::money::minor_unit_digits(&charge.currency),
                    charge.money().decimal()
                ));
                return detail_page(
                    &v,
                    &ctx,
                    &console,
                    &customer,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    page,
                )
                .await;
            }
        }
    };
    let key = if form.idempotency_key.trim().is_empty() {
        Uuid::new_v4().to_string()
    } else {
        format!("console:{}", form.idempotency_key.trim())
    };
    let issued = crate::decisions::refund(
        &ctx,
        &console.workspace,
        &charge,
        &NewRefund {
            amount,
            reason: refunds::REASONS
                .contains(&form.reason.as_str())
                .then(|| form.reason.clone()),
            idempotency_key: key,
            by_user: Some(console.user.id),
        },
    )
    .await;
    match issued {
        Ok((refund, _)) => {
            audit_events::Model::record(
                &ctx.db,
                console.workspace.id,
                Actor::MerchantUser(console.user.id),
                "customer",
                customer.id,
                "charge.refunded",
                json!({ "charge": charge.description, "refunded": refund.money().plain(), "reason": refund.reason }),
                None,
            )
            .await?;
            format::render()
                .status(StatusCode::SEE_OTHER)
                .redirect(&format!(
                    "/admin/{}/customers/{}?refunded={}",
                    console.workspace.slug, customer.pid, refund.pid
                ))
        }
        Err(ModelError::Message(message)) => {
            let message = crate::locale::say(&message, crate::locale::DEFAULT);
            detail_page(
                &v,
                &ctx,
                &console,
                &customer,
                StatusCode::UNPROCESSABLE_ENTITY,
                refuse(message),
            )
            .await
        }
        Err(err) => Err(err.into()),
    }
}
