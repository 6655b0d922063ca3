pub mod auth;
pub mod dev_outbox;
pub mod portal;

use include_dir::Dir;
use loco_rs::{
    mailer::{Args, Email},
    prelude::*,
};

/// Renders a mail template directory (`subject.t`, `text.t`, `html.t`) into
/// an email, its words looked up in Fluent in the `lang` of its locals. Unlike Loco's `mail_template`, the HTML part escapes every value
/// (Tera escapes only templates named `.html`), so a customer's name or a
/// workspace's name can never put markup into a merchant-branded email.
///
/// # Errors
/// When a template is missing or fails to render.
pub fn compose(dir: &Dir<'_>, args: Args) -> Result<Email> {
    let mut tera = tera::Tera::default();
    // set before templates are added: Tera decides per template as it adds it
    tera.autoescape_on(vec!["html.t"]);
    // every word comes from Fluent (`t(key=..., lang=lang)`), as on the pages
    let messages = crate::locale::messages().map_err(|e| Error::string(&e))?;
    tera.register_function("t", fluent_templates::FluentLoader::new(messages.clone()));
    for file in dir.files() {
        let name = file
            .path()
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| Error::string("a mail template has no file name"))?;
        tera.add_raw_template(name, &String::from_utf8_lossy(file.contents()))
            .map_err(|e| Error::string(&format!("mail template {name}: {e}")))?;
    }
    let context = tera::Context::from_serialize(&args.locals)
        .map_err(|e| Error::string(&format!("mail template values: {e}")))?;
    let render = |name: &str| {
        tera.render(name, &context)
            .map_err(|e| Error::string(&format!("mail template {name}: {e}")))
    };
    Ok(Email {
        from: args.from,
        to: args.to,
        reply_to: args.reply_to,
        // a subject is one line: a value with a line break cannot add headers
        subject: render("subject.t")?
            .replace(['\r', '\n'], " ")
            .trim()
            .to_string(),
        text: render("text.t")?,
        html: render("html.t")?,
        bcc: args.bcc,
        cc: args.cc,
        headers: args.headers,
    })
}
