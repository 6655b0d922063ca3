//! What an error answer looks like, whatever produced it, and how it is
//! logged.
//!
//! - The merchant API answers every error in one JSON shape,
//!   `{"error": type, "description": message, "errors": {field: message}}`
//!   (`errors` for 422), even when axum or Loco rejected the request before a
//!   handler ran (malformed JSON, a bad query string, a wrong content type).
//! - A server error (5xx) outside the API is a page of ours with the request
//!   id to quote to support, not a framework's JSON.
//! - Client errors (4xx) are logged at INFO, server errors at ERROR with the
//!   request id; Loco's own ERROR line for a client error is silenced by the
//!   log filter in `crate::logging`.
use axum::{
    body::to_bytes,
    extract::Request,
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::{Html, IntoResponse, Response},
};

/// Longest error body rewritten (they are short; anything else is left be).
const MAX_BODY: usize = 64 * 1024;

pub async fn apply(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let request_id = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    if status.is_server_error() {
        tracing::error!(%method, path, status = status.as_u16(), request_id, "server error");
    } else {
        tracing::info!(%method, path, status = status.as_u16(), request_id, "client error");
    }
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if api {
        let (parts, body) = response.into_parts();
        let bytes = to_bytes(body, MAX_BODY).await.unwrap_or_default();
        if is_json && status.is_client_error() && in_api_shape(&bytes) {
            return Response::from_parts(parts, bytes.into());
        }
        // a framework's text, Loco's generic JSON, or a server error: our shape
        let text = if is_json {
            serde_json::from_slice::<serde_json::Value>(&bytes)
                .ok()
                .and_then(|v| v["description"].as_str().map(str::to_string))
                .unwrap_or_default()
        } else {
            String::from_utf8_lossy(&bytes).trim().to_string()
        };
        let mut answer = api_error(status, &text, &request_id);
        keep_request_id(&parts.headers, &mut answer);
        return answer;
    }
    if !api && status == StatusCode::NOT_FOUND && !is_html {
        // a missing static file, a section switched off: our page, still a 404
        let mut answer = not_found_page().into_response();
        keep_request_id(response.headers(), &mut answer);
        return answer;
    }
    if !api && status.is_server_error() && !is_html {
        // Loco's generic JSON or a framework's text becomes our page; an
        // answer of our own (the health check's 503 JSON) is left as it is
        let (parts, body) = response.into_parts();
        let bytes = to_bytes(body, MAX_BODY).await.unwrap_or_default();
        let generic = !is_json
            || serde_json::from_slice::<serde_json::Value>(&bytes)
                .is_ok_and(|v| v["error"] == "internal_server_error");
        if !generic {
            return Response::from_parts(parts, bytes.into());
        }
        let mut answer = server_error_page(status, &request_id);
        keep_request_id(&parts.headers, &mut answer);
        return answer;
    }
    response
}

/// `{"error": "...", "description": "...", ...}`: the API's own answer.
fn in_api_shape(body: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(body)
        .is_ok_and(|v| v["error"].is_string() && v["description"].is_string())
}

/// Any URL nothing serves: a real page with a 404 status.
pub async fn not_found() -> impl IntoResponse {
    not_found_page()
}

fn not_found_page() -> (StatusCode, Html<&'static str>) {
    (
        StatusCode::NOT_FOUND,
        Html(include_str!("../../assets/static/404.html")),
    )
}

fn keep_request_id(from: &axum::http::HeaderMap, to: &mut Response) {
    if let Some(id) = from.get("x-request-id") {
        to.headers_mut().insert("x-request-id", id.clone());
    }
}

/// The API's error shape for an answer that was not in it.
fn api_error(status: StatusCode, text: &str, request_id: &str) -> Response {
    let kind = match status {
        StatusCode::BAD_REQUEST => "bad_request",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNPROCESSABLE_ENTITY => "validation_failed",
        StatusCode::TOO_MANY_REQUESTS => "rate_limited",
        s if s.is_server_error() => "internal_server_error",
        _ => "request_failed",
    };
    let description = if status.is_server_error() || text.is_empty() {
        status
            .canonical_reason()
            .unwrap_or("the request failed")
            .to_string()
    } else {
        text.to_string()
    };
    let mut body = serde_json::json!({ "error": kind, "description": description });
    if status == StatusCode::UNPROCESSABLE_ENTITY {
        body["errors"] = serde_json::json!(field_of_rejection(text));
    }
    if !request_id.is_empty() {
        body["request_id"] = request_id.into();
    }
    (status, axum::Json(body)).into_response()
}

/// axum's rejection of a JSON body names the field first ("Failed to
/// deserialize the JSON body into the target type: quantity: invalid type:
/// string \"x\", expected i32 at line 1 column 16"); a message per field.
fn field_of_rejection(text: &str) -> std::collections::BTreeMap<String, String> {
    let detail = text
        .split_once("target type: ")
        .map_or(text, |(_, rest)| rest);
    let (field, message) = match detail.split_once(": ") {
        Some((field, message))
            if !field.is_empty()
                && field
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_.[]".contains(c)) =>
        {
            (field.to_string(), message.to_string())
        }
        _ => ("body".to_string(), detail.to_string()),
    };
    std::collections::BTreeMap::from([(field, message)])
}

fn server_error_page(status: StatusCode, request_id: &str) -> Response {
    let reference = if request_id.is_empty() {
        String::new()
    } else {
        format!(
            "<p>If it keeps happening, contact support and quote this reference: <code>{}</code></p>",
            escape(request_id)
        )
    };
    let mut page = (
        status,
        Html(format!(
            "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>Something went wrong</title>\n<link rel=\"icon\" href=\"data:,\">\n\
             <link rel=\"stylesheet\" href=\"/static/portal.css\">\n</head>\n<body>\n<main id=\"main\">\n\
             <h1>Something went wrong on our side</h1>\n\
             <p>Nothing you did caused this, and nothing was charged twice. Try again in a moment.</p>\n\
             {reference}\n</main>\n</body>\n</html>\n"
        )),
    )
        .into_response();
    page.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    page
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::field_of_rejection;

    #[test]
    fn a_json_rejection_names_its_field() {
        let errors = field_of_rejection(
            "Failed to deserialize the JSON body into the target type: quantity: invalid type: \
             string \"x\", expected i32 at line 1 column 16",
        );
        assert_eq!(
            errors.get("quantity").map(String::as_str),
            Some("invalid type: string \"x\", expected i32 at line 1 column 16")
        );
        let errors = field_of_rejection(
            "Failed to deserialize the JSON body into the target type: missing field `price` at line 1 column 2",
        );
        assert!(errors.contains_key("body"), "{errors:?}");
    }
}
