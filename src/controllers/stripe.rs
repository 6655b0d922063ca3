//! Pages for the Stripe gateway: card entry with Stripe.js Elements (the card
//! goes from the browser to Stripe, never to us) and the 3-D Secure step of
//! an on-session payment. The only pages that load a script from another
//! host, with a CSP widened to exactly that host.
use axum::http::{header, HeaderValue};
use loco_rs::prelude::*;

use crate::{gateway::stripe::StripeGateway, settings::Settings};

fn stripe(ctx: &AppContext) -> Result<StripeGateway> {
    let settings = Settings::from_context(ctx)?;
    let stripe = settings.stripe.clone().ok_or(Error::NotFound)?;
    if settings.gateway != "stripe" {
        return Err(Error::NotFound);
    }
    StripeGateway::new(ctx.db.clone(), &settings.public_url, stripe)
}

fn origin(url: &str) -> String {
    reqwest::Url::parse(url).map_or_else(|_| String::new(), |u| u.origin().ascii_serialization())
}

fn page(
    v: &TeraView,
    gateway: &StripeGateway,
    mode: &str,
    secret: &str,
    return_url: &str,
) -> Result<Response> {
    let data = data!({
        "lang": "en-US",
        "mode": mode,
        "js_url": gateway.settings().js_url,
        "key": gateway.settings().publishable_key,
        "secret": secret,
        "return_url": return_url,
    });
    let js = origin(&gateway.settings().js_url);
    let api = origin(&gateway.settings().api_base);
    let csp = format!(
        "default-src 'self'; script-src 'self' {js}; frame-src {js} https://hooks.stripe.com; \
         connect-src 'self' {api}; style-src 'self'; img-src 'self' data:; form-action 'self'; \
         frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    );
    let mut response = format::render().view(v, "stripe/card.html", data)?;
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_str(&csp).map_err(|e| Error::string(&e.to_string()))?,
    );
    Ok(response)
}

#[debug_handler]
async fn setup(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path(id): Path<String>,
) -> Result<Response> {
    let gateway = stripe(&ctx)?;
    let intent = gateway
        .setup_intent(&id)
        .await
        .map_err(|_| Error::NotFound)?;
    let back = intent
        .metadata
        .get("return_url")
        .cloned()
        .unwrap_or_default();
    page(&v, &gateway, "setup", &intent.client_secret, &back)
}

#[debug_handler]
async fn authenticate(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path(id): Path<String>,
) -> Result<Response> {
    let gateway = stripe(&ctx)?;
    let intent = gateway
        .payment_intent(&id)
        .await
        .map_err(|_| Error::NotFound)?;
    let back = intent
        .metadata
        .get("return_url")
        .cloned()
        .unwrap_or_else(|| "/".into());
    page(&v, &gateway, "authenticate", &intent.client_secret, &back)
}

pub fn routes() -> Routes {
    Routes::new()
        .prefix("/stripe")
        .add("/setup/{id}", get(setup))
        .add("/authenticate/{id}", get(authenticate))
}
