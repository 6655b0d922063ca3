//! `Idempotency-Key` on every POST of the merchant API (Stripe's semantics,
//! kept by `models::api_idempotency_keys`): a retried request replays the
//! first answer instead of creating a second subscription.
use axum::{
    body::{to_bytes, Body},
    extract::{FromRequestParts, Request, State},
    http::{HeaderValue, Method, StatusCode},
    middleware::Next,
};
use chrono::Utc;
use loco_rs::{controller::ErrorDetail, prelude::*};
use sha2::{Digest, Sha256};

use super::ApiWorkspace;
use crate::models::api_idempotency_keys::{self, Claim, MAX_KEY_LEN};

/// Largest request body a keyed request may have (the API's own are small).
const MAX_BODY: usize = 1024 * 1024;

fn error(status: StatusCode, kind: &str, message: &str) -> Response {
    Error::CustomError(status, ErrorDetail::new(kind, message)).into_response()
}

/// The layer, on every route; it acts on `POST /api/v1/...` with the header.
pub async fn apply(State(ctx): State<AppContext>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST || !request.uri().path().starts_with("/api/v1/") {
        return next.run(request).await;
    }
    let Some(key) = request.headers().get("idempotency-key").cloned() else {
        return next.run(request).await;
    };
    let key = match key.to_str().map(str::trim) {
        Ok(key) if !key.is_empty() && key.len() <= MAX_KEY_LEN => key.to_string(),
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "invalid_idempotency_key",
                "Idempotency-Key must be 1 to 255 visible ASCII characters",
            )
        }
    };
    let (mut parts, body) = request.into_parts();
    // the key is the workspace's: authenticate first (the handler reuses it)
    let workspace = match ApiWorkspace::from_request_parts(&mut parts, &ctx).await {
        Ok(ApiWorkspace(workspace)) => workspace,
        Err(response) => return response,
    };
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "the request body is larger than 1 MB",
        );
    };
    let mut hash = Sha256::new();
    hash.update(parts.method.as_str());
    hash.update(b"\n");
    hash.update(parts.uri.path_and_query().map_or("", |p| p.as_str()));
    hash.update(b"\n");
    hash.update(&bytes);
    let request_hash = hex::encode(hash.finalize());
    let now = Utc::now().fixed_offset();
    let claimed =
        api_idempotency_keys::Model::claim(&ctx.db, workspace.id, &key, &request_hash, now).await;
    parts.extensions.insert(ApiWorkspace(workspace));
    let row = match claimed {
        Err(err) => return Error::from(err).into_response(),
        Ok(Claim::Fresh(row)) => row,
        Ok(Claim::Replay { status, body }) => {
            let mut response = (
                StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
                [("content-type", "application/json")],
                body,
            )
                .into_response();
            response
                .headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            return response;
        }
        Ok(Claim::InFlight) => {
            return error(
                StatusCode::CONFLICT,
                "idempotency_key_in_use",
                "a request with this Idempotency-Key is still being processed: retry in a moment",
            )
        }
        Ok(Claim::Mismatch) => {
            return error(
                StatusCode::BAD_REQUEST,
                "idempotency_key_reused",
                "this Idempotency-Key was used for a different request: use a new key for new parameters",
            )
        }
    };
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let (response_parts, body) = response.into_parts();
    let body = to_bytes(body, usize::MAX).await.unwrap_or_default();
    let kept = if response_parts.status.is_server_error() {
        // our failure, not an answer: a retry should run again
        row.release(&ctx.db).await
    } else {
        row.finish(
            &ctx.db,
            response_parts.status.as_u16(),
            &String::from_utf8_lossy(&body),
        )
        .await
    };
    if let Err(err) = kept {
        tracing::error!(error = %err, "could not keep an idempotent API answer");
    }
    Response::from_parts(response_parts, Body::from(body))
}
