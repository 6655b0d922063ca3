//! The portal's languages, and which one a page or an email uses.
pub const SUPPORTED: [&str; 2] = ["en-US", "de-DE"];
pub const DEFAULT: &str = "en-US";

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

/// The first supported language in an `Accept-Language` header, by weight.
#[must_use]
pub fn from_accept_language(header: &str) -> Option<&'static str> {
    let mut tags: Vec<(f32, &str)> = header
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.split(';');
            let tag = pieces.next()?.trim();
            let weight = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            Some((weight, tag))
        })
        .collect();
    tags.sort_by(|a, b| b.0.total_cmp(&a.0));
    tags.into_iter().find_map(|(_, tag)| supported(tag))
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
            pick(None, Some("fr;q=1, de-AT;q=0.8, en;q=0.5"), "en-US"),
            "de-DE"
        );
        assert_eq!(pick(None, Some("fr"), "de-DE"), "de-DE");
        assert_eq!(pick(Some("xx"), None, "zz"), "en-US");
    }
}
