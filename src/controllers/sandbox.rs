//! The sandbox processor's hosted pages, under `/sandbox`: the card form
//! (card details are posted here, never to the portal), the 3-D Secure
//! challenge, and the PayPal approval page. The session reference in the URL
//! is an unguessable capability, as on a real processor's hosted pages.
use axum::http::StatusCode;
use loco_rs::prelude::*;
use serde::Deserialize;

use crate::gateway::sandbox::{
    hosted, KIND_CARD_SETUP, KIND_CHARGE_AUTH, KIND_PAYPAL, OPEN, REQUIRES_ACTION,
};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CardForm {
    number: String,
    expiry: String,
    cvc: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Answer {
    /// "pass" / "fail" on a challenge; "approve" / "cancel" on PayPal
    action: String,
    email: String,
}

fn see_other(to: &str) -> Result<Response> {
    format::render().status(StatusCode::SEE_OTHER).redirect(to)
}

#[debug_handler]
async fn card_form(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path(reference): Path<String>,
) -> Result<Response> {
    let s = hosted::find(&ctx.db, &reference).await?;
    if s.kind != KIND_CARD_SETUP || s.status != OPEN {
        return Err(Error::NotFound);
    }
    format::render().view(
        &v,
        "sandbox/card.html",
        data!({ "lang": "en-US", "reference": reference, "return_url": s.return_url,
                "test_cards": test_cards() }),
    )
}

/// The documented test numbers, grouped in fours, with what each does.
fn test_cards() -> Vec<serde_json::Value> {
    crate::gateway::sandbox::cards::TEST_CARDS
        .iter()
        .map(|(number, scenario)| {
            let grouped: Vec<String> = number
                .as_bytes()
                .chunks(4)
                .map(|group| String::from_utf8_lossy(group).into_owned())
                .collect();
            serde_json::json!({ "number": grouped.join(" "), "does": scenario.description() })
        })
        .collect()
}

#[debug_handler]
async fn submit_card(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path(reference): Path<String>,
    Form(form): Form<CardForm>,
) -> Result<Response> {
    match hosted::submit_card(&ctx.db, &reference, &form.number, &form.expiry, &form.cvc).await? {
        Ok(next) => see_other(&next),
        Err(errors) => {
            let s = hosted::find(&ctx.db, &reference).await?;
            // what was typed comes back in the form (never in a log); the
            // security code is typed again, as on any card form
            format::render()
                .status(StatusCode::UNPROCESSABLE_ENTITY)
                .view(
                    &v,
                    "sandbox/card.html",
                    data!({ "lang": "en-US", "reference": reference, "return_url": s.return_url,
                        "errors": errors, "number": form.number, "expiry": form.expiry,
                        "test_cards": test_cards() }),
                )
        }
    }
}

#[debug_handler]
async fn challenge(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path(reference): Path<String>,
) -> Result<Response> {
    let s = hosted::find(&ctx.db, &reference).await?;
    if s.status != REQUIRES_ACTION || !(s.kind == KIND_CARD_SETUP || s.kind == KIND_CHARGE_AUTH) {
        return Err(Error::NotFound);
    }
    format::render().view(
        &v,
        "sandbox/challenge.html",
        data!({
            "lang": "en-US",
            "reference": reference,
            "return_url": s.return_url,
            "last4": s.last4,
            "action": if s.kind == KIND_CARD_SETUP { format!("/sandbox/3ds/{reference}") } else { format!("/sandbox/authenticate/{reference}") },
            "purpose": if s.kind == KIND_CARD_SETUP { "save this card" } else { "approve this payment" },
        }),
    )
}

#[debug_handler]
async fn answer_setup(
    State(ctx): State<AppContext>,
    Path(reference): Path<String>,
    Form(answer): Form<Answer>,
) -> Result<Response> {
    let back = hosted::answer_setup_challenge(&ctx.db, &reference, answer.action == "pass").await?;
    see_other(&back)
}

#[debug_handler]
async fn answer_charge(
    State(ctx): State<AppContext>,
    Path(reference): Path<String>,
    Form(answer): Form<Answer>,
) -> Result<Response> {
    let back =
        hosted::answer_charge_challenge(&ctx.db, &reference, answer.action == "pass").await?;
    see_other(&back)
}

#[debug_handler]
async fn paypal_page(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path(reference): Path<String>,
) -> Result<Response> {
    let s = hosted::find(&ctx.db, &reference).await?;
    if s.kind != KIND_PAYPAL || s.status != OPEN {
        return Err(Error::NotFound);
    }
    format::render().view(
        &v,
        "sandbox/paypal.html",
        data!({ "lang": "en-US", "reference": reference, "email": s.customer_email }),
    )
}

#[debug_handler]
async fn answer_paypal(
    State(ctx): State<AppContext>,
    Path(reference): Path<String>,
    Form(answer): Form<Answer>,
) -> Result<Response> {
    let email = (answer.action == "approve"
        && validator::ValidateEmail::validate_email(&answer.email.trim()))
    .then_some(answer.email.as_str());
    if answer.action == "approve" && email.is_none() {
        return Err(Error::CustomError(
            StatusCode::UNPROCESSABLE_ENTITY,
            loco_rs::controller::ErrorDetail::new(
                "email",
                "Enter the email of your PayPal account.",
            ),
        ));
    }
    let back = hosted::answer_paypal(&ctx.db, &reference, email).await?;
    see_other(&back)
}

pub fn routes() -> Routes {
    Routes::new()
        .prefix("/sandbox")
        .add("/cards/{reference}", get(card_form).post(submit_card))
        .add("/3ds/{reference}", get(challenge).post(answer_setup))
        .add(
            "/authenticate/{reference}",
            get(challenge).post(answer_charge),
        )
        .add("/paypal/{reference}", get(paypal_page).post(answer_paypal))
}
