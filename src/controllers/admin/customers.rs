//! Customers in the console: search, detail (profile, audit trail,
//! subscriptions, payment methods, charges, invoices), a one-time portal
//! link to copy, and "view portal as customer". Subscriptions and charges
//! lists with a status filter.
use axum::http::StatusCode;
use chrono::Utc;
use loco_rs::prelude::*;

use crate::models::Found as _;

use crate::controllers::portal::session::with;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::session::Console;
use crate::{
    access::{Action, Resource},
    models::{
        audit_events::{self, Actor},
        charges, customers, invoices, payment_methods, prices, refunds, sign_in_tokens,
        subscriptions,
    },
    settings::Settings,
    views::console::{
        query_escape, ChargeListRow, CustomerCard, CustomerChargeRow, CustomerRow,
        CustomerSubscriptionRow, InvoiceRow, Pager, PaymentMethodRow, SubscriptionListRow,
    },
};

const PER_PAGE: u64 = 50;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SearchQuery {
    pub(super) q: String,
    /// Where the page starts: an id, or for charges a date-and-id cursor.
    pub(super) after: String,
    pub(super) status: String,
}

impl SearchQuery {
    fn after_id(&self) -> Option<i64> {
        self.after.parse().ok()
    }
}

/// What a decision about a subscription did (`admin::subscriptions`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionNotice {
    subscription: Option<String>,
    /// a refund just made (its id)
    refunded: Option<String>,
}

#[debug_handler]
pub async fn index(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Query(query): Query<SearchQuery>,
    console: Console,
) -> Result<Response> {
    console
        .allow(&ctx, Resource::Customers, Action::Read)
        .await?;
    let slug = &console.workspace.slug;
    let found = customers::Model::search(
        &ctx.db,
        console.workspace.id,
        &query.q,
        query.after_id(),
        PER_PAGE + 1,
    )
    .await?;
    let q = query_escape(&query.q);
    let (found, pager) = Pager::split(found, PER_PAGE as usize, |c| {
        format!("/admin/{slug}/customers?q={q}&after={}", c.id)
    });
    let list: Vec<CustomerRow> = found.iter().map(CustomerRow::from).collect();
    console
        .render(
            &v,
            &ctx,
            "customers",
            "admin/customers.html",
            StatusCode::OK,
            json!({ "customers": list, "q": query.q, "pager": pager,
                    "export_href": format!("/admin/{slug}/customers.csv?q={q}") }),
        )
        .await
}

pub(super) async fn customer_of(
    ctx: &AppContext,
    console: &Console,
    pid: &str,
) -> Result<customers::Model> {
    let pid = Uuid::parse_str(pid).map_err(|_| Error::NotFound)?;
    crate::models::tenancy::find_by_pid::<customers::Entity>(&ctx.db, console.workspace.id, pid)
        .await
        .or_404()
}

async fn detail(
    v: &TeraView,
    ctx: &AppContext,
    console: &Console,
    customer: &customers::Model,
    extra: serde_json::Value,
) -> Result<Response> {
    detail_page(v, ctx, console, customer, StatusCode::OK, extra).await
}

/// The customer's page, answering `status` (a refused form is a 422).
pub(super) async fn detail_page(
    v: &TeraView,
    ctx: &AppContext,
    console: &Console,
    customer: &customers::Model,
    status: StatusCode,
    extra: serde_json::Value,
) -> Result<Response> {
    let ws = console.workspace.id;
    let subs = subscriptions::Model::list_for_customer(&ctx.db, ws, customer.id).await?;
    let plans = prices::Model::with_products(
        &ctx.db,
        ws,
        &subs
            .iter()
            .flat_map(|s| [Some(s.price_id), s.scheduled_price_id])
            .flatten()
            .collect::<Vec<_>>(),
    )
    .await?;
    let subs: Vec<_> = subs
        .iter()
        .map(|s| CustomerSubscriptionRow::new(s, &plans))
        .collect();
    let methods: Vec<_> =
        payment_methods::Model::list_active_for_customer(&ctx.db, ws, customer.id)
            .await?
            .iter()
            .map(|m| PaymentMethodRow::new(m, customer))
            .collect();
    let history = charges::Model::history_for_customer(&ctx.db, ws, customer.id, None, 20).await?;
    let charge_rows: Vec<_> = history
        .charges
        .iter()
        .map(CustomerChargeRow::from)
        .collect();
    let invoice_rows: Vec<_> = invoices::Model::newest_for_customer(&ctx.db, ws, customer.id, 20)
        .await?
        .iter()
        .map(InvoiceRow::from)
        .collect();
    let trail = audit_events::Model::trail_for_customer(&ctx.db, ws, customer, 50).await?;
    let page = json!({
        "customer": CustomerCard::from(customer),
        "subscriptions": subs, "methods": methods, "charges": charge_rows, "invoices": invoice_rows, "trail": trail,
        "can_write": console.can_write(ctx, Resource::Customers).await,
        "can_decide": console.can_write(ctx, Resource::Subscriptions).await,
        "can_refund": console.can_write(ctx, Resource::Charges).await,
        // one key per form shown: a double click refunds once
        "refund_key": Uuid::new_v4(),
        "refund_reasons": refunds::REASONS,
        "pause_periods": (1..=crate::capabilities::PAUSE_PERIODS_LIMIT).collect::<Vec<_>>(),
    });
    let page = with(page, extra);
    console
        .render(v, ctx, "customers", "admin/customer.html", status, page)
        .await
}

/// "Refunded $10.00; credit note ACME-000031", after a refund.
async fn refund_notice(
    ctx: &AppContext,
    console: &Console,
    customer: &customers::Model,
    refunded: Option<&str>,
) -> Result<Option<serde_json::Value>> {
    let Some(pid) = refunded.and_then(|p| Uuid::parse_str(p).ok()) else {
        return Ok(None);
    };
    let Some(refund) = refunds::Entity::find()
        .in_tenant(console.workspace.id)
        .filter(refunds::Column::Pid.eq(pid))
        .filter(refunds::Column::CustomerId.eq(customer.id))
        .one(&ctx.db)
        .await?
    else {
        return Ok(None);
    };
    let credit_note = refund.credit_note(&ctx.db).await?.map(|i| i.number);
    Ok(Some(
        json!({ "amount": refund.money().localized("en-US"), "credit_note": credit_note }),
    ))
}

#[debug_handler]
pub async fn show(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path((_slug, pid)): Path<(String, String)>,
    Query(notice): Query<DecisionNotice>,
    console: Console,
) -> Result<Response> {
    console
        .allow(&ctx, Resource::Customers, Action::Read)
        .await?;
    let customer = customer_of(&ctx, &console, &pid).await?;
    detail(
        &v,
        &ctx,
        &console,
        &customer,
        json!({ "subscription_notice": notice.subscription,
                "refund_notice": refund_notice(&ctx, &console, &customer, notice.refunded.as_deref()).await? }),
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LinkForm {
    csrf_token: String,
    /// "open": go to the portal as the customer instead of showing the link
    open: Option<String>,
}

/// A one-time sign-in link (30 minutes) for a customer, shown once to copy;
/// or, with `open`, the portal as that customer ("view portal as customer").
/// Either is recorded in the customer's audit trail.
#[debug_handler]
pub async fn portal_link(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path((_slug, pid)): Path<(String, String)>,
    console: Console,
    Form(form): Form<LinkForm>,
) -> Result<Response> {
    console
        .allow_form(&ctx, Resource::Customers, &form.csrf_token)
        .await?;
    let customer = customer_of(&ctx, &console, &pid).await?;
    let settings = Settings::from_context(&ctx)?;
    // "View portal as customer" opens a read-only view for this user; the
    // one-time link is the customer's own way in
    let opened = form.open.is_some();
    let (url, _) = sign_in_tokens::Model::portal_link(
        &ctx.db,
        &settings.secrets(),
        &settings.public_url,
        &console.workspace,
        customer.id,
        opened.then_some(console.user.id),
        Utc::now().fixed_offset(),
    )
    .await?;
    audit_events::Model::record(
        &ctx.db,
        console.workspace.id,
        Actor::MerchantUser(console.user.id),
        "customer",
        customer.id,
        if opened {
            "portal.viewed_as_customer"
        } else {
            "portal_link.created"
        },
        json!({ "by": console.user.email }),
        None,
    )
    .await?;
    if opened {
        let path = url
            .strip_prefix(settings.public_url.trim_end_matches('/'))
            .unwrap_or(&url);
        return format::render()
            .status(StatusCode::SEE_OTHER)
            .redirect(path);
    }
    detail(&v, &ctx, &console, &customer, json!({ "portal_link": url })).await
}

#[debug_handler]
pub async fn subscriptions(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Query(query): Query<SearchQuery>,
    console: Console,
) -> Result<Response> {
    console
        .allow(&ctx, Resource::Subscriptions, Action::Read)
        .await?;
    let ws = console.workspace.id;
    let rows = subscriptions::Model::page(
        &ctx.db,
        ws,
        subscriptions::Status::parse(&query.status),
        query.after_id(),
        PER_PAGE + 1,
    )
    .await?;
    let slug = &console.workspace.slug;
    let status = query_escape(&query.status);
    let (rows, pager) = Pager::split(rows, PER_PAGE as usize, |s| {
        format!("/admin/{slug}/subscriptions?status={status}&after={}", s.id)
    });
    let plans = prices::Model::with_products(
        &ctx.db,
        ws,
        &rows.iter().map(|s| s.price_id).collect::<Vec<_>>(),
    )
    .await?;
    let people = customers::Model::by_ids(&ctx.db, ws, rows.iter().map(|s| s.customer_id)).await?;
    let list: Vec<_> = rows
        .iter()
        .map(|s| SubscriptionListRow::new(s, &people, &plans))
        .collect();
    console
        .render(&v, &ctx, "subscriptions", "admin/subscriptions.html", StatusCode::OK,
            json!({ "rows": list, "status": query.status, "pager": pager,
                    "statuses": subscriptions::Status::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>() }))
        .await
}

#[debug_handler]
pub async fn charges(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Query(query): Query<SearchQuery>,
    console: Console,
) -> Result<Response> {
    console.allow(&ctx, Resource::Charges, Action::Read).await?;
    let ws = console.workspace.id;
    let page = charges::Model::newest_first(
        &ctx.db,
        ws,
        None,
        charges::Status::parse(&query.status),
        crate::views::portal::ChargeRow::parse_cursor(&query.after),
        PER_PAGE,
    )
    .await?;
    let people =
        customers::Model::by_ids(&ctx.db, ws, page.charges.iter().map(|c| c.customer_id)).await?;
    let list: Vec<_> = page
        .charges
        .iter()
        .map(|c| ChargeListRow::new(c, &people))
        .collect();
    let slug = &console.workspace.slug;
    let status = query_escape(&query.status);
    let pager = Pager::after(
        page.next
            .map(|(at, id)| crate::views::portal::ChargeRow::cursor(at, id)),
        |next| format!("/admin/{slug}/charges?status={status}&after={next}"),
    );
    console
        .render(&v, &ctx, "charges", "admin/charges.html", StatusCode::OK,
            json!({ "rows": list, "status": query.status, "pager": pager,
                    "statuses": charges::Status::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>() }))
        .await
}

/// `GET /admin/{slug}/invoices/{pid}`: an invoice's PDF, as the customer
/// downloads it (linked from the customer's page).
#[debug_handler]
pub async fn invoice(
    State(ctx): State<AppContext>,
    Path((_slug, pid)): Path<(String, String)>,
    console: Console,
) -> Result<Response> {
    console.allow(&ctx, Resource::Charges, Action::Read).await?;
    let pid = Uuid::parse_str(&pid).map_err(|_| Error::NotFound)?;
    let invoice = invoices::Entity::find()
        .in_tenant(console.workspace.id)
        .filter(invoices::Column::Pid.eq(pid))
        .one(&ctx.db)
        .await?
        .ok_or(Error::NotFound)?;
    crate::controllers::downloads::invoice_pdf(&ctx, invoice).await
}
