//! What an error answer looks like, whatever produced it, and how it is
//! logged.
//!
//! - The merchant API answers every error in one JSON shape,
//!   `{"error": type, "description": message, "errors": {field: message}}`
//!   (`errors` for 422), even when axum or Loco rejected the request before a
//!   handler ran (malformed JSON, a bad query string, a wrong content type).
//! - Outside the API every error without a page of its own (a framework's
//!   text, Loco's JSON, a missing file or route, a switched-off section) is a
//!   page of ours in the reader's language: under `/portal/{slug}/` branded
//!   with the workspace (its name, colour and support address); a server
//!   error carries the request id to quote to support.
//! - Client errors (4xx) are logged at INFO, server errors at ERROR with the
//!   request id; Loco's own ERROR line for a client error is silenced by the
//!   log filter in `crate::logging`.
use axum::{
    body::to_bytes,
    extract::{Request, State},
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::{Html, IntoResponse, Response},
};
use loco_rs::app::AppContext;

use crate::models::workspaces;

/// Longest error body rewritten (they are short; anything else is left be).
const MAX_BODY: usize = 64 * 1024;

pub async fn apply(State(ctx): State<AppContext>, request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let accept_language = request
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
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
        let text = crate::locale::say(&text, crate::locale::DEFAULT);
        let mut answer = api_error(status, &text, &request_id);
        keep_request_id(&parts.headers, &mut answer);
        return answer;
    }
    if is_html || path.starts_with("/stripe/") {
        // a page of the handler's own (a form with its errors, say), or an
        // answer to the gateway, which reads JSON
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = if is_json {
        to_bytes(body, MAX_BODY).await.unwrap_or_default()
    } else {
        axum::body::Bytes::new()
    };
    let loco = is_json
        .then(|| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .flatten();
    if status.is_server_error() && is_json {
        // an answer of our own (the health check's 503 JSON) stays as it is;
        // Loco's generic JSON becomes our page
        let generic = loco
            .as_ref()
            .is_some_and(|v| v["error"] == "internal_server_error");
        if !generic {
            return Response::from_parts(parts, bytes.into());
        }
    }
    // what a handler said about a refused request (`Error::BadRequest("only a
    // paid charge ...")`) is shown; Loco's generic words are not
    let detail = loco
        .filter(|_| status.is_client_error())
        .filter(|v| {
            !matches!(
                v["error"].as_str(),
                Some("not_found" | "unauthorized" | "conflict" | "tenant_mismatch")
            )
        })
        .and_then(|v| v["description"].as_str().map(str::to_string))
        .filter(|d| !d.is_empty());
    let headers = parts.headers;
    let workspace = match path
        .strip_prefix("/portal/")
        .and_then(|rest| rest.split('/').next())
    {
        Some(slug) if !slug.is_empty() => workspaces::Model::find_by_slug(&ctx.db, slug).await.ok(),
        _ => None,
    };
    let mut answer = error_page(
        status,
        workspace.as_ref(),
        accept_language.as_deref(),
        detail.as_deref(),
        &request_id,
    );
    keep_request_id(&headers, &mut answer);
    answer
}

/// The status whose words an error page uses (the ones we have words for).
fn page_status(status: StatusCode) -> u16 {
    match status.as_u16() {
        code @ (400 | 403 | 404 | 410 | 422 | 429) => code,
        code if code >= 500 => 500,
        _ => 400,
    }
}

/// Our page for an error, in the reader's language, branded with the
/// workspace whose portal it is under.
fn error_page(
    status: StatusCode,
    workspace: Option<&workspaces::Model>,
    accept_language: Option<&str>,
    detail: Option<&str>,
    request_id: &str,
) -> Response {
    let lang = crate::locale::pick(
        None,
        accept_language,
        workspace.map_or("en-US", |w| w.default_locale.as_str()),
    );
    let text = |key: &str, args: &[(&str, &str)]| escape(&crate::locale::text(lang, key, args));
    let code = page_status(status);
    let title = text(&format!("error-title-{code}"), &[]);
    let mut body = format!(
        "<h1>{title}</h1>\n<p>{}</p>\n",
        text(&format!("error-text-{code}"), &[])
    );
    if let Some(detail) = detail {
        body.push_str(&format!(
            "<p class=\"error-detail\">{}</p>\n",
            escape(&crate::locale::say(detail, lang))
        ));
    }
    if code == 500 && !request_id.is_empty() {
        body.push_str(&format!(
            "<p>{} <code>{}</code></p>\n",
            text("error-reference", &[]),
            escape(request_id)
        ));
    }
    let (brand, theme) = match workspace {
        Some(ws) => {
            if let Some(email) = ws.support_email.as_deref().filter(|e| !e.is_empty()) {
                body.push_str(&format!(
                    "<p>{} <a href=\"mailto:{email}\">{email}</a></p>\n",
                    text("error-support", &[]),
                    email = escape(email)
                ));
            }
            body.push_str(&format!(
                "<p><a href=\"/portal/{}\">{}</a></p>\n",
                escape(&ws.slug),
                text("error-home", &[])
            ));
            (
                format!(
                    "<header class=\"portal-header\"><p class=\"brand-name\">{}</p></header>\n",
                    escape(&ws.name)
                ),
                format!(
                    "<link rel=\"stylesheet\" href=\"{}\">\n",
                    escape(&crate::views::portal::theme_url(ws))
                ),
            )
        }
        None => (String::new(), String::new()),
    };
    let mut page = (
        status,
        Html(format!(
            "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{title}</title>\n<link rel=\"icon\" href=\"data:,\">\n\
             <link rel=\"stylesheet\" href=\"/static/portal.css\">\n{theme}</head>\n<body>\n{brand}<main id=\"main\">\n\
             {body}</main>\n</body>\n</html>\n"
        )),
    )
        .into_response();
    page.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    page
}

/// `{"error": "...", "description": "...", ...}`: the API's own answer.
fn in_api_shape(body: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(body)
        .is_ok_and(|v| v["error"].is_string() && v["description"].is_string())
}

/// Any URL nothing serves: a 404, which [`apply`] turns into our page (or
/// the API's JSON).
pub async fn not_found() -> impl IntoResponse {
    StatusCode::NOT_FOUND
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
