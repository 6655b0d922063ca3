//! The portal's languages, and which one a page or an email uses.
pub const SUPPORTED: [&str; 2] = ["en-US", "de-DE"];
pub const DEFAULT: &str = "en-US";

/// Where every language's Fluent files live, a folder per language.
pub const I18N_DIR: &str = "assets/i18n";
// Outside `I18N_DIR` so the locale scan does not pick it up too (it would be
// registered twice and the bundle fail to build; loco-rs/loco#1749).
const I18N_SHARED: &str = "assets/shared.ftl";

/// Every language's Fluent messages, read once: the one loader behind Tera's
/// `t()`, the error pages and the words put together in Rust.
///
/// # Errors
/// When a Fluent file does not parse (the message says which).
pub fn messages() -> Result<&'static std::sync::Arc<fluent_templates::ArcLoader>, String> {
    static LOADER: std::sync::OnceLock<
        Result<std::sync::Arc<fluent_templates::ArcLoader>, String>,
    > = std::sync::OnceLock::new();
    LOADER
        .get_or_init(|| {
            fluent_templates::ArcLoader::builder(&I18N_DIR, unic_langid::langid!("en-US"))
                .shared_resources(Some(&[I18N_SHARED.into()]))
                .customize(|bundle| bundle.set_use_isolating(false))
                .build()
                .map(std::sync::Arc::new)
                .map_err(|e| format!("the Fluent files in {I18N_DIR} do not load: {e}"))
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// One message in `lang`, with its arguments (empty when the files are
/// missing: the pages that need them say so at boot).
#[must_use]
pub fn text(lang: &str, key: &str, args: &[(&str, &str)]) -> String {
    use fluent_templates::Loader as _;
    let Ok(loader) = messages() else {
        return String::new();
    };
    let id: unic_langid::LanguageIdentifier = lang.parse().unwrap_or_default();
    let args: std::collections::HashMap<
        std::borrow::Cow<'static, str>,
        fluent_templates::fluent_bundle::FluentValue<'_>,
    > = args
        .iter()
        .map(|(k, v)| {
            (
                std::borrow::Cow::Owned((*k).to_string()),
                (*v).to_string().into(),
            )
        })
        .collect();
    loader.lookup_with_args(&id, key, &args)
}

/// A language's own name, for choosing it.
#[must_use]
pub fn name(locale: &str) -> &'static str {
    match locale {
        "de-DE" => "Deutsch",
        _ => "English",
    }
}

/// A date for the reader: `Nov 25, 2026` or `25.11.2026`.
#[must_use]
pub fn date(at: chrono::DateTime<chrono::FixedOffset>, lang: &str) -> String {
    if lang.starts_with("de") {
        at.format("%d.%m.%Y").to_string()
    } else {
        at.format("%b %-d, %Y").to_string()
    }
}

/// The supported locale matching `tag` by language ("de", "de-AT" → "de-DE").
#[must_use]
pub fn supported(tag: &str) -> Option<&'static str> {
    let language = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    SUPPORTED
        .into_iter()
        .find(|l| l.split('-').next() == Some(language.as_str()))
}

/// The browser's first choice (the tags of the highest weight, `q=0`
/// meaning "not this") when we offer it. A language the browser ranks lower
/// does not win over the workspace's own: a German shop's customer whose
/// browser asks for French, then English, reads German before and after
/// signing in, not English pages and then a German portal.
#[must_use]
pub fn from_accept_language(header: &str) -> Option<&'static str> {
    let tags: Vec<(f32, &str)> = header
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.split(';');
            let tag = pieces.next()?.trim();
            let weight = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            (weight > 0.0 && !tag.is_empty() && tag != "*").then_some((weight, tag))
        })
        .collect();
    let top = tags.iter().map(|(w, _)| *w).fold(0.0f32, f32::max);
    tags.into_iter()
        .filter(|(w, _)| (*w - top).abs() < f32::EPSILON)
        .find_map(|(_, tag)| supported(tag))
}

/// The customer's own choice first, then the browser's, then the workspace's.
#[must_use]
pub fn pick(
    customer: Option<&str>,
    accept_language: Option<&str>,
    workspace: &str,
) -> &'static str {
    customer
        .and_then(supported)
        .or_else(|| accept_language.and_then(from_accept_language))
        .or_else(|| supported(workspace))
        .unwrap_or(DEFAULT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_customer_then_browser_then_workspace() {
        assert_eq!(pick(Some("de-DE"), Some("en"), "en-US"), "de-DE");
        assert_eq!(
            pick(None, Some("de-AT,de;q=0.9,en;q=0.8"), "en-US"),
            "de-DE"
        );
        // the browser's first choice is not offered: the workspace's language,
        // not the browser's second choice
        assert_eq!(
            pick(None, Some("fr;q=1, de-AT;q=0.8, en;q=0.5"), "en-US"),
            "en-US"
        );
        assert_eq!(
            pick(None, Some("fr-FR,fr;q=0.9,en;q=0.8"), "de-DE"),
            "de-DE"
        );
        assert_eq!(pick(None, Some("fr"), "de-DE"), "de-DE");
        // q=0 means no
        assert_eq!(pick(None, Some("de;q=0, en;q=0.5"), "de-DE"), "en-US");
        assert_eq!(pick(Some("xx"), None, "zz"), "en-US");
    }
}
