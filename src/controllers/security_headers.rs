//! Security headers on every response. The CSP allows only this origin and no
//! inline script or style (branding colours come from a stylesheet), so an
//! injected tag can neither run nor exfiltrate; pages cannot be framed;
//! no Referer leaves the portal (sign-in links carry tokens in the path).
use axum::{
    extract::{Request, State},
    http::{header, HeaderValue},
    middleware::Next,
    response::Response,
};

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
                   base-uri 'none'; object-src 'none'";

/// Whether the deployment is served over https (its public URL), so
/// browsers are told to use nothing else.
#[derive(Debug, Clone, Copy)]
pub struct Https(pub bool);

/// One year: browsers keep to https for that long after a visit. Sent only
/// when the public URL is https (on plain http it would lock a browser out
/// of a development server).
const HSTS: &str = "max-age=31536000";

pub async fn apply(State(Https(https)): State<Https>, request: Request, next: Next) -> Response {
    let personal =
        request.uri().path().starts_with("/portal/") || request.uri().path().starts_with("/admin");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // a handler's own, stricter-where-it-matters policy stays (the
    // development outbox's mail view); every other answer gets ours
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if personal && is_html {
        // billing pages hold personal data: never cache them
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if personal {
        // nothing behind a sign-in (or a one-time link) belongs in a search index
        headers.insert(
            "x-robots-tag",
            HeaderValue::from_static("noindex, nofollow"),
        );
    }
    response
}
