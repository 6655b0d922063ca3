//! The read side of the portal's sections: subscriptions, payment methods and
//! billing history, each behind its workspace switch and casbin.
use loco_rs::prelude::*;

use crate::models::Found as _;
use serde_json::json;

use super::session::{landing, resource_of, with, SignedIn};
use crate::{
    access::Action,
    capabilities::Capability,
    models::{payment_methods, subscriptions, workspaces::PortalSection},
    views::portal::{MethodRow, SubscriptionDetail, SubscriptionRow},
};

/// `/portal/{slug}/`: the first section the workspace shows.
#[debug_handler(state = AppContext)]
pub async fn home(signed_in: SignedIn) -> Result<Response> {
    format::render()
        .status(axum::http::StatusCode::SEE_OTHER)
        .redirect(&landing(&signed_in.workspace))
}

pub(super) async fn open(
    ctx: &AppContext,
    signed_in: &SignedIn,
    section: PortalSection,
) -> Result<()> {
    signed_in
        .allow(ctx, section, resource_of(section), Action::Read)
        .await
}

#[debug_handler]
pub async fn subscriptions(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    signed_in: SignedIn,
) -> Result<Response> {
    open(&ctx, &signed_in, PortalSection::Subscriptions).await?;
    let rows = SubscriptionRow::for_customer(
        &ctx.db,
        &signed_in.workspace,
        &signed_in.customer,
        signed_in.lang,
    )
    .await?;
    format::render().view(
        &v,
        "portal/subscriptions.html",
        with(
            signed_in.layout(Some(PortalSection::Subscriptions)),
            json!({ "subscriptions": rows }),
        ),
    )
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct SubscriptionNotice {
    method_changed: Option<String>,
    cancelled: Option<String>,
    kept: Option<String>,
    paused: Option<String>,
    resumed: Option<String>,
    changed: Option<String>,
    change_scheduled: Option<String>,
}

#[debug_handler]
pub async fn subscription(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, i64)>,
    Query(notice): Query<SubscriptionNotice>,
    signed_in: SignedIn,
) -> Result<Response> {
    open(&ctx, &signed_in, PortalSection::Subscriptions).await?;
    let sub = subscriptions::Model::find_for_customer(
        &ctx.db,
        signed_in.workspace.id,
        signed_in.customer.id,
        id,
    )
    .await
    .or_404()?;
    let notice_key = if notice.method_changed.is_some() {
        Some("subscription-method-changed")
    } else if notice.cancelled.as_deref() == Some("now") {
        Some("subscription-cancelled-now")
    } else if notice.cancelled.is_some() {
        Some("subscription-cancel-scheduled")
    } else if notice.kept.is_some() {
        Some("subscription-kept")
    } else if notice.paused.is_some() {
        Some("subscription-pause-scheduled")
    } else if notice.resumed.is_some() {
        Some("subscription-resumed")
    } else if notice.changed.is_some() {
        Some("subscription-plan-changed")
    } else if notice.change_scheduled.is_some() {
        Some("subscription-change-scheduled")
    } else {
        None
    };
    // the notices that name a date: the period's end, which is also the renewal
    let date = crate::locale::date(sub.current_period_end, signed_in.lang);
    let extra = json!({ "notice_key": notice_key, "notice_date": date });
    subscription_page(&v, &ctx, &signed_in, sub, axum::http::StatusCode::OK, extra).await
}

/// A subscription's page, with the methods it may switch its renewals to.
pub(super) async fn subscription_page(
    v: &TeraView,
    ctx: &AppContext,
    signed_in: &SignedIn,
    sub: subscriptions::Model,
    status: axum::http::StatusCode,
    extra: serde_json::Value,
) -> Result<Response> {
    let ws = &signed_in.workspace;
    let sub_for_options = sub.clone();
    let detail =
        SubscriptionDetail::load(&ctx.db, ws, &signed_in.customer, sub, signed_in.lang).await?;
    let methods: Vec<_> =
        payment_methods::Model::list_active_for_customer(&ctx.db, ws.id, signed_in.customer.id)
            .await?
            .iter()
            .map(|m| MethodRow::new(m, signed_in.customer.default_payment_method_id))
            .collect();
    let can_change = Capability::ChangeRenewalMethod.allowed(ws) && detail.status != "cancelled";
    let can_cancel = sub_for_options.customer_cancel_options(ws).is_some();
    let can_change_plan = detail.changeable
        && (Capability::SwitchPlan.allowed(ws) || Capability::ChangeQuantity.allowed(ws))
        && !crate::models::plan_changes::options(
            &ctx.db,
            &sub_for_options,
            crate::models::plan_changes::Rules::for_customer(ws),
        )
        .await?
        .is_empty();
    format::render().status(status).view(
        v,
        "portal/subscription.html",
        with(
            with(
                signed_in.layout(Some(PortalSection::Subscriptions)),
                json!({
                    "subscription": detail,
                    "methods": methods,
                    "can_change_method": can_change,
                    "can_cancel": can_cancel,
                    "can_keep": Capability::CancelAtPeriodEnd.allowed(ws),
                    "can_pause": Capability::Pause.allowed(ws),
                    "can_change_plan": can_change_plan,
                }),
            ),
            extra,
        ),
    )
}
