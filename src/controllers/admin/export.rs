//! CSV downloads of the console's lists, with the list's filters (the
//! whole filtered list, not the page the merchant is on)
//! (`views::export` writes them a batch at a time).
use loco_rs::prelude::*;

use super::{customers::SearchQuery, session::Console};
use crate::{
    access::{Action, Resource},
    models::{charges, customers, invoices, prices, subscriptions},
    views::export::{csv_download, ChargeLine, CustomerLine, InvoiceLine, SubscriptionLine, BATCH},
};

/// `acme-charges-2026-12-03.csv`
fn file_name(console: &Console, list: &str) -> String {
    format!(
        "{}-{list}-{}.csv",
        console.workspace.slug,
        chrono::Utc::now().format("%Y-%m-%d")
    )
}

/// The cursor after a full batch; none after a short one (the last).
fn after_full<T, C>(rows: &[T], cursor: impl Fn(&T) -> C) -> Option<C> {
    (rows.len() as u64 == BATCH)
        .then(|| rows.last().map(cursor))
        .flatten()
}

#[debug_handler]
pub async fn customers(
    State(ctx): State<AppContext>,
    Query(query): Query<SearchQuery>,
    console: Console,
) -> Result<Response> {
    console
        .allow(&ctx, Resource::Customers, Action::Read)
        .await?;
    let (db, ws, term) = (ctx.db.clone(), console.workspace.id, query.q.clone());
    Ok(csv_download(
        &file_name(&console, "customers"),
        move |before: Option<i64>| {
            let (db, term) = (db.clone(), term.clone());
            async move {
                let rows = customers::Model::search(&db, ws, &term, before, BATCH).await?;
                let next = after_full(&rows, |c| c.id);
                Ok((rows.iter().map(CustomerLine::from).collect(), next))
            }
        },
    ))
}

#[debug_handler]
pub async fn subscriptions(
    State(ctx): State<AppContext>,
    Query(query): Query<SearchQuery>,
    console: Console,
) -> Result<Response> {
    console
        .allow(&ctx, Resource::Subscriptions, Action::Read)
        .await?;
    let (db, ws) = (ctx.db.clone(), console.workspace.id);
    let status = subscriptions::Status::parse(&query.status);
    Ok(csv_download(
        &file_name(&console, "subscriptions"),
        move |after: Option<i64>| {
            let db = db.clone();
            async move {
                let rows = subscriptions::Model::page(&db, ws, status, after, BATCH).await?;
                let people =
                    customers::Model::by_ids(&db, ws, rows.iter().map(|s| s.customer_id)).await?;
                let plans = prices::Model::with_products(
                    &db,
                    ws,
                    &rows.iter().map(|s| s.price_id).collect::<Vec<_>>(),
                )
                .await?;
                let next = after_full(&rows, |s| s.id);
                let lines = rows
                    .iter()
                    .map(|s| {
                        SubscriptionLine::new(s, people.get(&s.customer_id), plans.get(&s.price_id))
                    })
                    .collect();
                Ok((lines, next))
            }
        },
    ))
}

#[debug_handler]
pub async fn charges(
    State(ctx): State<AppContext>,
    Query(query): Query<SearchQuery>,
    console: Console,
) -> Result<Response> {
    console.allow(&ctx, Resource::Charges, Action::Read).await?;
    let (db, ws) = (ctx.db.clone(), console.workspace.id);
    let status = charges::Status::parse(&query.status);
    Ok(csv_download(
        &file_name(&console, "charges"),
        move |after| {
            let db = db.clone();
            async move {
                let page =
                    charges::Model::newest_first(&db, ws, None, status, after, BATCH).await?;
                let people =
                    customers::Model::by_ids(&db, ws, page.charges.iter().map(|c| c.customer_id))
                        .await?;
                let lines = page
                    .charges
                    .iter()
                    .map(|c| ChargeLine::new(c, people.get(&c.customer_id)))
                    .collect();
                Ok((lines, page.next))
            }
        },
    ))
}

#[debug_handler]
pub async fn invoices(State(ctx): State<AppContext>, console: Console) -> Result<Response> {
    console.allow(&ctx, Resource::Charges, Action::Read).await?;
    let (db, ws) = (ctx.db.clone(), console.workspace.id);
    Ok(csv_download(
        &file_name(&console, "invoices"),
        move |before: Option<i64>| {
            let db = db.clone();
            async move {
                let rows = invoices::Model::newest_first(&db, ws, before, BATCH).await?;
                let people =
                    customers::Model::by_ids(&db, ws, rows.iter().map(|i| i.customer_id)).await?;
                let next = after_full(&rows, |i| i.id);
                let lines = rows
                    .iter()
                    .map(|i| InvoiceLine::new(i, people.get(&i.customer_id)))
                    .collect();
                Ok((lines, next))
            }
        },
    ))
}
