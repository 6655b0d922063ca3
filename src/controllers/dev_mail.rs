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
            json!({ "to": m.to, "subject": m.subject, "text": m.text, "saved_at": m.saved_at, "links": links })
        })
        .collect();
    format::render().view(
        &v,
        "dev/mail.html",
        data!({ "lang": "en-US", "mails": mails }),
    )
}

pub fn routes() -> Routes {
    Routes::new().add("/_dev/mail", get(index))
}
