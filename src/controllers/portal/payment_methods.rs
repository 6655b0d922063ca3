//! Payment methods: list, add a card (through the gateway's hosted form and
//! its 3-D Secure challenge), add or remove PayPal, set the default, remove a
//! card, and pick the method a subscription renews with. Each action follows
//! the workspace's settings; card details never pass through here.
use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum_extra::extract::cookie::{Cookie, CookieJar};
use loco_rs::prelude::*;

use crate::capabilities::Capability;

use crate::models::Found as _;
use serde::Deserialize;
use serde_json::json;

use super::{
    cookie,
    session::{with, SignedIn},
    sign_in::CsrfForm,
};
use crate::{
    access::{Action, Resource},
    gateway::{self, CardSetup, PayPalSetup, SetupRequest},
    models::{
        payment_methods::{self, Kind},
        subscriptions,
        workspaces::PortalSection,
    },
    settings::Settings,
    views::portal::{MethodRow, SubscriptionRow},
};

/// The gateway setup this browser started, checked when it comes back.
const SETUP_COOKIE: &str = "portal_setup";

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Notice {
    added: Option<String>,
    removed: Option<String>,
    default: Option<String>,
}

/// PayPal needs the workspace's permission and a gateway that offers it.
fn paypal_offered(ctx: &AppContext, signed_in: &SignedIn) -> Result<bool> {
    Ok(Capability::AddPayPal.allowed(&signed_in.workspace)
        && gateway::from_context(ctx)?.supports_paypal())
}

async fn allow(ctx: &AppContext, signed_in: &SignedIn, action: Action) -> Result<()> {
    signed_in
        .allow(
            ctx,
            PortalSection::PaymentMethods,
            Resource::PaymentMethods,
            action,
        )
        .await
}

fn see_other(to: &str) -> Result<Response> {
    format::render().status(StatusCode::SEE_OTHER).redirect(to)
}

async fn list_page(
    v: &TeraView,
    ctx: &AppContext,
    signed_in: &SignedIn,
    status: StatusCode,
    notice: Option<&str>,
    error: Option<String>,
) -> Result<Response> {
    let ws = &signed_in.workspace;
    let methods =
        payment_methods::Model::list_active_for_customer(&ctx.db, ws.id, signed_in.customer.id)
            .await?;
    let rows: Vec<_> = methods
        .iter()
        .map(|m| MethodRow::new(m, signed_in.customer.default_payment_method_id))
        .collect();
    format::render().status(status).view(
        v,
        "portal/payment_methods.html",
        with(
            signed_in.layout(Some(PortalSection::PaymentMethods)),
            json!({
                "methods": rows,
                "allow_paypal": paypal_offered(ctx, signed_in)?,
                "notice_key": notice,
                "error": error,
            }),
        ),
    )
}

#[debug_handler]
pub async fn index(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Query(notice): Query<Notice>,
    signed_in: SignedIn,
) -> Result<Response> {
    allow(&ctx, &signed_in, Action::Read).await?;
    let notice = match (&notice.added, &notice.removed, &notice.default) {
        (Some(kind), _, _) if kind == "paypal" => Some("methods-paypal-added"),
        (Some(_), _, _) => Some("methods-card-added"),
        (_, Some(_), _) => Some("methods-removed"),
        (_, _, Some(_)) => Some("methods-default-set"),
        _ => None,
    };
    list_page(&v, &ctx, &signed_in, StatusCode::OK, notice, None).await
}

fn setup_request(ctx: &AppContext, signed_in: &SignedIn, kind: &str) -> Result<SetupRequest> {
    let settings = Settings::from_context(ctx)?;
    Ok(SetupRequest {
        return_url: format!(
            "{}/portal/{}/payment-methods/{kind}/return",
            settings.public_url.trim_end_matches('/'),
            signed_in.workspace.slug
        ),
        customer_email: signed_in.customer.email.clone(),
    })
}

/// Sends the customer to the gateway's hosted step, remembering which one.
fn to_gateway(
    ctx: &AppContext,
    signed_in: &SignedIn,
    jar: CookieJar,
    hosted: &gateway::Hosted,
) -> Result<Response> {
    let jar = jar.add(cookie(
        ctx,
        &signed_in.workspace.slug,
        SETUP_COOKIE,
        hosted.reference.clone(),
    )?);
    Ok((jar, see_other(&hosted.url)?).into_response())
}

/// The setup this browser started; a reference from anywhere else is refused.
fn started_setup(jar: &CookieJar) -> Option<String> {
    jar.get(SETUP_COOKIE).map(|c| c.value().to_string())
}

fn forget_setup(jar: CookieJar, slug: &str) -> CookieJar {
    jar.remove(Cookie::build(SETUP_COOKIE).path(format!("/portal/{slug}")))
}

#[debug_handler]
pub async fn add_card(
    State(ctx): State<AppContext>,
    signed_in: SignedIn,
    jar: CookieJar,
    Form(form): Form<CsrfForm>,
) -> Result<Response> {
    allow(&ctx, &signed_in, Action::Write).await?;
    signed_in.check_csrf(&form.csrf_token)?;
    let hosted = gateway::from_context(&ctx)?
        .start_card_setup(&setup_request(&ctx, &signed_in, "cards")?)
        .await?;
    to_gateway(&ctx, &signed_in, jar, &hosted)
}

#[debug_handler]
pub async fn card_return(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    signed_in: SignedIn,
    jar: CookieJar,
) -> Result<Response> {
    allow(&ctx, &signed_in, Action::Write).await?;
    let Some(reference) = started_setup(&jar) else {
        return see_other(&format!(
            "/portal/{}/payment-methods",
            signed_in.workspace.slug
        ));
    };
    let jar = forget_setup(jar, &signed_in.workspace.slug);
    let page = match gateway::from_context(&ctx)?
        .confirm_card_setup(&reference)
        .await?
    {
        CardSetup::Saved(card) => {
            let ws = &signed_in.workspace;
            let method =
                payment_methods::Model::add_card(&ctx.db, ws.id, signed_in.customer.id, &card)
                    .await?;
            method.adopt(&ctx.db).await?;
            see_other(&format!("/portal/{}/payment-methods?added=card", ws.slug))?
        }
        CardSetup::Failed { code, .. } => {
            let message = crate::locale::gateway_reason("card-setup", &code, signed_in.lang);
            list_page(
                &v,
                &ctx,
                &signed_in,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(message),
            )
            .await?
        }
    };
    Ok((jar, page).into_response())
}

#[debug_handler]
pub async fn add_paypal(
    State(ctx): State<AppContext>,
    signed_in: SignedIn,
    jar: CookieJar,
    Form(form): Form<CsrfForm>,
) -> Result<Response> {
    allow(&ctx, &signed_in, Action::Write).await?;
    signed_in.check_csrf(&form.csrf_token)?;
    if !paypal_offered(&ctx, &signed_in)? {
        return Err(Error::NotFound);
    }
    let hosted = gateway::from_context(&ctx)?
        .start_paypal(&setup_request(&ctx, &signed_in, "paypal")?)
        .await?;
    to_gateway(&ctx, &signed_in, jar, &hosted)
}

#[debug_handler]
pub async fn paypal_return(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    signed_in: SignedIn,
    jar: CookieJar,
) -> Result<Response> {
    allow(&ctx, &signed_in, Action::Write).await?;
    if !paypal_offered(&ctx, &signed_in)? {
        return Err(Error::NotFound);
    }
    let Some(reference) = started_setup(&jar) else {
        return see_other(&format!(
            "/portal/{}/payment-methods",
            signed_in.workspace.slug
        ));
    };
    let jar = forget_setup(jar, &signed_in.workspace.slug);
    let page = match gateway::from_context(&ctx)?
        .confirm_paypal(&reference)
        .await?
    {
        PayPalSetup::Approved(paypal) => {
            let ws = &signed_in.workspace;
            let method =
                payment_methods::Model::add_paypal(&ctx.db, ws.id, signed_in.customer.id, &paypal)
                    .await?;
            method.adopt(&ctx.db).await?;
            see_other(&format!("/portal/{}/payment-methods?added=paypal", ws.slug))?
        }
        PayPalSetup::Cancelled => {
            let message = crate::locale::text(signed_in.lang, "refusal-paypal-cancelled", &[]);
            list_page(
                &v,
                &ctx,
                &signed_in,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(message),
            )
            .await?
        }
    };
    Ok((jar, page).into_response())
}

/// One of this customer's active methods, or 404.
async fn own_method(
    ctx: &AppContext,
    signed_in: &SignedIn,
    id: i64,
) -> Result<payment_methods::Model> {
    payment_methods::Model::find_for_customer(
        &ctx.db,
        signed_in.workspace.id,
        signed_in.customer.id,
        id,
    )
    .await
    .ok()
    .filter(payment_methods::Model::is_active)
    .ok_or(Error::NotFound)
}

#[debug_handler]
pub async fn make_default(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, i64)>,
    signed_in: SignedIn,
    Form(form): Form<CsrfForm>,
) -> Result<Response> {
    allow(&ctx, &signed_in, Action::Write).await?;
    signed_in.check_csrf(&form.csrf_token)?;
    let method = own_method(&ctx, &signed_in, id).await?;
    signed_in
        .customer
        .clone()
        .into_active_model()
        .set_default_payment_method(&ctx.db, Some(method.id))
        .await?;
    see_other(&format!(
        "/portal/{}/payment-methods?default=1",
        signed_in.workspace.slug
    ))
}

/// Plan names of subscriptions, for "these keep renewing with it".
async fn plan_names(
    ctx: &AppContext,
    signed_in: &SignedIn,
    subs: &[subscriptions::Model],
) -> Result<Vec<String>> {
    let ids: Vec<i64> = subs.iter().map(|s| s.id).collect();
    Ok(SubscriptionRow::for_customer(
        &ctx.db,
        &signed_in.workspace,
        &signed_in.customer,
        signed_in.lang,
    )
    .await?
    .into_iter()
    .filter(|row| ids.contains(&row.id))
    .map(|row| row.plan)
    .collect())
}

#[debug_handler]
pub async fn confirm_remove(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, i64)>,
    signed_in: SignedIn,
) -> Result<Response> {
    allow(&ctx, &signed_in, Action::Write).await?;
    let method = own_method(&ctx, &signed_in, id).await?;
    if method.kind() == Kind::PayPal && !Capability::AddPayPal.allowed(&signed_in.workspace) {
        return Err(Error::NotFound);
    }
    let renewing =
        subscriptions::Model::live_using_method(&ctx.db, signed_in.workspace.id, method.id).await?;
    let plans = plan_names(&ctx, &signed_in, &renewing).await?;
    format::render().view(
        &v,
        "portal/remove_method.html",
        with(
            signed_in.layout(Some(PortalSection::PaymentMethods)),
            json!({ "method": MethodRow::new(&method, signed_in.customer.default_payment_method_id), "renewing": plans }),
        ),
    )
}

#[debug_handler]
pub async fn remove(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, i64)>,
    signed_in: SignedIn,
    Form(form): Form<CsrfForm>,
) -> Result<Response> {
    allow(&ctx, &signed_in, Action::Write).await?;
    signed_in.check_csrf(&form.csrf_token)?;
    let method = own_method(&ctx, &signed_in, id).await?;
    if method.kind() == Kind::PayPal && !Capability::AddPayPal.allowed(&signed_in.workspace) {
        return Err(Error::NotFound);
    }
    let (removed, renewing) = payment_methods::Model::remove_for_customer(
        &ctx.db,
        signed_in.workspace.id,
        signed_in.customer.id,
        id,
    )
    .await?;
    // Subscriptions renewing with it keep it, so the gateway keeps it too.
    if renewing.is_empty() {
        gateway::from_context(&ctx)?
            .detach(&removed.gateway_token)
            .await?;
    }
    see_other(&format!(
        "/portal/{}/payment-methods?removed=1",
        signed_in.workspace.slug
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RenewalMethodForm {
    csrf_token: String,
    payment_method_id: String,
}

#[debug_handler]
pub async fn set_renewal_method(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, i64)>,
    signed_in: SignedIn,
    Form(form): Form<RenewalMethodForm>,
) -> Result<Response> {
    signed_in
        .allow(
            &ctx,
            PortalSection::Subscriptions,
            Resource::Subscriptions,
            Action::Write,
        )
        .await?;
    signed_in.check_csrf(&form.csrf_token)?;
    if !Capability::ChangeRenewalMethod.allowed(&signed_in.workspace) {
        return Err(Error::NotFound);
    }
    let ws = &signed_in.workspace;
    let sub = subscriptions::Model::find_for_customer(&ctx.db, ws.id, signed_in.customer.id, id)
        .await
        .or_404()?;
    let method_id = form.payment_method_id.parse::<i64>().unwrap_or_default();
    match sub.clone().change_renewal_method(&ctx.db, method_id).await {
        Ok(_) => {}
        Err(ModelError::EntityNotFound) => {
            let errors = BTreeMap::from([(
                "payment_method_id",
                crate::locale::text(signed_in.lang, "refusal-choose-method", &[]),
            )]);
            return super::sections::subscription_page(
                &v,
                &ctx,
                &signed_in,
                sub,
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({ "errors": errors }),
            )
            .await;
        }
        Err(err) => return Err(err.into()),
    }
    see_other(&format!(
        "/portal/{}/subscriptions/{id}?method_changed=1",
        ws.slug
    ))
}
