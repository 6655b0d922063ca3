//! `/_dev/mail`: the development outbox (mounted only in development).
use loco_rs::prelude::*;
use serde_json::json;

use crate::mailers::dev_outbox;

#[debug_handler]
async fn index(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
) -> Result<Response> {
    let secrets = crate::settings::Settings::from_context(&ctx)?.secrets();
    let mails: Vec<_> = dev_outbox::list(&secrets)?
        .into_iter()
        .map(|m| {
            let links: Vec<String> = m
                .text
                .split_whitespace()
                .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
                .map(str::to_string)
                .collect();
            json!({ "id": m.id, "to": m.to, "subject": m.subject, "text": m.text, "saved_at": m.saved_at,
                    "links": links, "has_html": !m.html.is_empty() })
        })
        .collect();
    format::render().view(
        &v,
        "dev/mail.html",
        data!({ "lang": "en-US", "mails": mails }),
    )
}

/// `/_dev/mail/{id}`: one message's HTML part as a mail client shows it.
/// Mail HTML carries inline styles, which the portal's CSP forbids: this
/// answer has a CSP of its own that allows them and nothing else (no
/// script, no request anywhere).
#[debug_handler]
async fn html(State(ctx): State<AppContext>, Path(id): Path<String>) -> Result<Response> {
    let secrets = crate::settings::Settings::from_context(&ctx)?.secrets();
    let mail = dev_outbox::list(&secrets)?
        .into_iter()
        .find(|m| m.id == id && !m.html.is_empty())
        .ok_or(Error::NotFound)?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (
                axum::http::header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            ),
        ],
        mail.html,
    )
        .into_response())
}

pub fn routes() -> Routes {
    Routes::new()
        .add("/_dev/mail", get(index))
        .add("/_dev/mail/{id}", get(html))
}
