//! File downloads shared by the portal, the console and the API.
use axum::http::header;
use loco_rs::prelude::*;

use crate::models::invoices;

/// An invoice's PDF as an attachment named by its number, streamed from
/// storage (rendered and stored first when its job has not run yet).
///
/// # Errors
/// When rendering, storage or the database fail.
pub async fn invoice_pdf(ctx: &AppContext, invoice: invoices::Model) -> Result<Response> {
    let invoice = invoice.store_pdf(&ctx.db, &ctx.storage).await?;
    let body = invoice.pdf_stream(&ctx.storage).await?.into_body();
    Response::builder()
        .header(header::CONTENT_TYPE, "application/pdf")
        .header(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", invoice.file_name()),
        )
        .header(header::CACHE_CONTROL, "private, no-store")
        .body(body)
        .map_err(|e| Error::string(&e.to_string()))
}
