//! The portal's languages, and which one a page or an email uses.
//!
//! A language is a folder of Fluent files under `I18N_DIR` and nothing else:
//! the list of languages, their names, their dates, numbers and money, the
//! words of pages, emails, invoices and decline reasons all come from there.
use fluent_langneg::{negotiate_languages, NegotiationStrategy};
use unic_langid::LanguageIdentifier;

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

/// The languages offered: one per folder of `I18N_DIR` whose name is a
/// language tag, the default first.
#[must_use]
pub fn available() -> &'static [&'static str] {
    static AVAILABLE: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    AVAILABLE.get_or_init(|| {
        let mut found: Vec<String> = std::fs::read_dir(I18N_DIR)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|entry| entry.path().is_dir())
            .filter_map(|entry| entry.file_name().into_string().ok())
            .filter(|name| name.parse::<LanguageIdentifier>().is_ok())
            .collect();
        found.sort_by_key(|name| (name != DEFAULT, name.clone()));
        if found.is_empty() {
            found.push(DEFAULT.to_string());
        }
        found
            .into_iter()
            .map(|name| &*Box::leak(name.into_boxed_str()))
            .collect()
    })
}

fn available_ids() -> &'static [LanguageIdentifier] {
    static IDS: std::sync::OnceLock<Vec<LanguageIdentifier>> = std::sync::OnceLock::new();
    IDS.get_or_init(|| available().iter().filter_map(|l| l.parse().ok()).collect())
}

/// The offered language that best serves `requested` (in order of
/// preference), by Fluent's standard negotiation ("de-AT" and "de" find
/// "de-DE"); `None` when none is close.
fn negotiate(requested: &[LanguageIdentifier]) -> Option<&'static str> {
    let ids = available_ids();
    let best = negotiate_languages(requested, ids, None, NegotiationStrategy::Lookup);
    let best = best.first()?;
    ids.iter()
        .position(|id| id == *best)
        .map(|i| available()[i])
}

/// The offered language matching `tag` ("de", "de-AT" → "de-DE").
#[must_use]
pub fn supported(tag: &str) -> Option<&'static str> {
    let tag = tag.trim();
    if tag.is_empty() {
        return None;
    }
    negotiate(&[tag.parse().ok()?])
}

/// One message in `lang`, with its arguments (empty when the files are
/// missing: the pages that need them say so at boot).
#[must_use]
pub fn text(lang: &str, key: &str, args: &[(&str, &str)]) -> String {
    lookup(lang, key, args, None).unwrap_or_default()
}

/// One message in `lang` that depends on a number, passed as `$count` (so
/// that `[one]`, `[1]` and `*[other]` variants choose by it).
#[must_use]
pub fn text_counted(lang: &str, key: &str, count: i64, args: &[(&str, &str)]) -> String {
    lookup(lang, key, args, Some(count)).unwrap_or_default()
}

/// One message in `lang`, or `None` when no language has it.
#[must_use]
pub fn try_text(lang: &str, key: &str, args: &[(&str, &str)]) -> Option<String> {
    lookup(lang, key, args, None)
}

fn lookup(lang: &str, key: &str, args: &[(&str, &str)], count: Option<i64>) -> Option<String> {
    use fluent_templates::{fluent_bundle::FluentValue, Loader as _};
    let loader = messages().ok()?;
    let id: LanguageIdentifier = lang.parse().unwrap_or_default();
    // values are text, never numbers: a postal code "01234" keeps its zero
    let mut args: std::collections::HashMap<std::borrow::Cow<'static, str>, FluentValue<'_>> = args
        .iter()
        .map(|(k, v)| {
            (
                std::borrow::Cow::Owned((*k).to_string()),
                FluentValue::String((*v).to_string().into()),
            )
        })
        .collect();
    if let Some(count) = count {
        args.insert("count".into(), FluentValue::from(count));
    }
    loader.try_lookup_with_args(&id, key, &args)
}

// A refusal travels through `ModelError::Message` as its Fluent id and
// arguments between these marks, so that each reader gets it in their language.
const SAY_MARK: char = '\u{2}';
const SAY_SEP: char = '\u{1f}';

/// A message to be written later in its reader's language (see `say`).
#[must_use]
pub fn sayable(key: &str, args: &[(&str, &str)]) -> String {
    let mut out = format!("{SAY_MARK}{key}");
    for (name, value) in args {
        out.push(SAY_SEP);
        out.push_str(name);
        out.push('=');
        out.push_str(value);
    }
    out
}

/// `message` in `lang` when it was made by `sayable`, else as it is.
#[must_use]
pub fn say(message: &str, lang: &str) -> String {
    let Some(rest) = message.strip_prefix(SAY_MARK) else {
        return message.to_string();
    };
    let mut parts = rest.split(SAY_SEP);
    let key = parts.next().unwrap_or_default();
    let args: Vec<(&str, &str)> = parts.filter_map(|p| p.split_once('=')).collect();
    text(lang, key, &args)
}

/// Why a gateway said no, by its code: `{kind}-{code}` (`decline-*` for a
/// payment, `card-setup-*` for saving a card), else `{kind}-other`. Never
/// the gateway's own English.
#[must_use]
pub fn gateway_reason(kind: &str, code: &str, lang: &str) -> String {
    try_text(lang, &format!("{kind}-{code}"), &[])
        .unwrap_or_else(|| text(lang, &format!("{kind}-other"), &[]))
}

/// A language's own name, for choosing it ("Deutsch", "Français").
#[must_use]
pub fn name(locale: &str) -> String {
    text(locale, "language-name", &[])
}

/// A date for the reader: `Nov 25, 2026`, `25.11.2026`, `25 nov. 2026`.
#[must_use]
pub fn date(at: chrono::DateTime<chrono::FixedOffset>, lang: &str) -> String {
    use chrono::Datelike as _;
    let month = text(lang, &format!("month-short-{}", at.month()), &[]);
    text(
        lang,
        "date-format",
        &[
            ("day", &at.day().to_string()),
            ("month", &month),
            ("month-number", &format!("{:02}", at.month())),
            ("day-padded", &format!("{:02}", at.day())),
            ("year", &at.year().to_string()),
        ],
    )
}

/// A whole number written the reader's way (`1,234`, `1.234`, `1 234`).
#[must_use]
pub fn group_digits(digits: &str, lang: &str) -> String {
    let group = text(lang, "number-group-separator", &[]);
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push_str(&group);
        }
        grouped.push(c);
    }
    grouped
}

/// The reader's decimal separator (`.` or `,`).
#[must_use]
pub fn decimal_separator(lang: &str) -> String {
    text(lang, "number-decimal-separator", &[])
}

/// The browser's first choice (the tags of the highest weight, `q=0`
/// meaning "not this"), negotiated against the languages offered. A
/// language the browser ranks lower does not win over the workspace's own:
/// a German shop's customer whose browser asks for Italian, then English,
/// reads German before and after signing in, not English pages and then a
/// German portal.
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
    let requested: Vec<LanguageIdentifier> = tags
        .into_iter()
        .filter(|(w, _)| (*w - top).abs() < f32::EPSILON)
        .filter_map(|(_, tag)| tag.parse().ok())
        .collect();
    negotiate(&requested)
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
    fn the_languages_are_the_folders() {
        assert_eq!(available()[0], DEFAULT);
        for lang in ["de-DE", "fr-FR"] {
            assert!(available().contains(&lang), "{lang} in {:?}", available());
        }
        assert_eq!(name("fr-FR"), "Français");
        assert_eq!(name("de-DE"), "Deutsch");
    }

    #[test]
    fn picks_customer_then_browser_then_workspace() {
        assert_eq!(pick(Some("de-DE"), Some("en"), "en-US"), "de-DE");
        assert_eq!(
            pick(None, Some("de-AT,de;q=0.9,en;q=0.8"), "en-US"),
            "de-DE"
        );
        assert_eq!(
            pick(None, Some("fr-CA,fr;q=0.9,en;q=0.8"), "de-DE"),
            "fr-FR"
        );
        assert_eq!(pick(None, Some("fr"), "de-DE"), "fr-FR");
        // the browser's first choice is not offered: the workspace's language,
        // not the browser's second choice
        assert_eq!(
            pick(None, Some("it;q=1, de-AT;q=0.8, en;q=0.5"), "en-US"),
            "en-US"
        );
        assert_eq!(
            pick(None, Some("it-IT,it;q=0.9,en;q=0.8"), "de-DE"),
            "de-DE"
        );
        // q=0 means no
        assert_eq!(pick(None, Some("de;q=0, en;q=0.5"), "de-DE"), "en-US");
        assert_eq!(pick(None, Some("fr;q=0, de;q=0.5"), "fr-FR"), "de-DE");
        assert_eq!(pick(Some("xx"), None, "zz"), "en-US");
        assert_eq!(pick(Some(""), Some(""), ""), "en-US");
    }

    #[test]
    fn dates_and_numbers_read_the_readers_way() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-05T10:00:00+00:00").unwrap();
        assert_eq!(date(at, "en-US"), "Nov 5, 2026");
        assert_eq!(date(at, "de-DE"), "05.11.2026");
        assert_eq!(date(at, "fr-FR"), "5 nov. 2026");
        assert_eq!(group_digits("1234567", "en-US"), "1,234,567");
        assert_eq!(group_digits("1234567", "de-DE"), "1.234.567");
        assert_eq!(group_digits("1234567", "fr-FR"), "1\u{a0}234\u{a0}567");
        assert_eq!(group_digits("123", "fr-FR"), "123");
    }

    /// Every message id of one language folder, by file.
    fn message_ids(lang: &str) -> std::collections::BTreeSet<String> {
        use fluent_syntax::ast::Entry;
        use fluent_templates::fluent_bundle::FluentResource;
        let mut ids = std::collections::BTreeSet::new();
        for entry in std::fs::read_dir(format!("{I18N_DIR}/{lang}")).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let resource = FluentResource::try_new(text)
                .unwrap_or_else(|(_, errors)| panic!("{}: {errors:?}", path.display()));
            for entry in resource.entries() {
                if let Entry::Message(message) = entry {
                    assert!(
                        ids.insert(message.id.name.to_string()),
                        "{lang}: {} is defined twice",
                        message.id.name
                    );
                }
            }
        }
        ids
    }

    #[test]
    fn every_language_has_every_message_and_no_other() {
        let english = message_ids(DEFAULT);
        assert!(english.len() > 400, "{}", english.len());
        for &lang in available() {
            let ids = message_ids(lang);
            let missing: Vec<_> = english.difference(&ids).collect();
            let extra: Vec<_> = ids.difference(&english).collect();
            assert!(missing.is_empty(), "{lang} lacks {missing:?}");
            assert!(
                extra.is_empty(),
                "{lang} has messages English lacks: {extra:?}"
            );
        }
    }

    /// Files under `dir` whose name ends with one of `endings`.
    fn files(dir: &str, endings: &[&str], found: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files(path.to_str().unwrap(), endings, found);
            } else if endings.iter().any(|e| path.to_string_lossy().ends_with(e)) {
                found.push(path);
            }
        }
    }

    /// After `open ... close` at the start of `rest`, if it starts there.
    fn skip_to<'a>(rest: &'a str, open: &str, close: &str) -> Option<&'a str> {
        rest.strip_prefix(open)
            .map(|r| r.find(close).map_or("", |i| &r[i + close.len()..]))
    }

    /// What a reader sees of a template that is not looked up in Fluent:
    /// the text between tags and Tera blocks, and the words in attributes a
    /// screen reader or a tooltip reads.
    fn words_outside_fluent(template: &str) -> Vec<String> {
        let mut text = String::new();
        let mut rest = template;
        while !rest.is_empty() {
            let next = skip_to(rest, "{{", "}}")
                .or_else(|| skip_to(rest, "{%", "%}"))
                .or_else(|| skip_to(rest, "{#", "#}"))
                .or_else(|| skip_to(rest, "<script", "</script>"))
                .or_else(|| skip_to(rest, "<style", "</style>"));
            if let Some(next) = next {
                text.push('\n');
                rest = next;
            } else if let Some(tag) = rest.strip_prefix('<') {
                let end = tag.find('>').unwrap_or(tag.len());
                for attribute in ["aria-label=\"", "title=\"", "placeholder=\"", "alt=\""] {
                    for (at, _) in tag[..end].match_indices(attribute) {
                        let value = &tag[at + attribute.len()..end];
                        let value = &value[..value.find('"').unwrap_or(value.len())];
                        if !value.trim().is_empty() && !value.trim_start().starts_with("{{") {
                            text.push('\n');
                            text.push_str(value);
                        }
                    }
                }
                text.push('\n');
                rest = tag.get(end + 1..).unwrap_or("");
            } else {
                let c = rest.chars().next().unwrap();
                text.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
        text.lines()
            .map(str::trim)
            .filter(|line| {
                let letters = line.chars().filter(|c| c.is_alphabetic()).count();
                // brand names are the same in every language
                letters >= 2 && !["PayPal"].contains(line)
            })
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn customers_read_no_word_outside_fluent() {
        let mut templates = Vec::new();
        files("assets/views/portal", &[".html"], &mut templates);
        files("src/mailers/portal", &[".t"], &mut templates);
        templates.push("assets/views/layouts/portal.html".into());
        templates.push("assets/views/layouts/base.html".into());
        assert!(templates.len() > 40, "{templates:?}");
        let english = message_ids(DEFAULT);
        let mut found = Vec::new();
        for path in &templates {
            let template = std::fs::read_to_string(path).unwrap();
            assert!(
                !template.contains("lang =="),
                "{}: a language branch; use t(key=..., lang=lang)",
                path.display()
            );
            for words in words_outside_fluent(&template) {
                found.push(format!("{}: {words}", path.display()));
            }
            // every key a template asks for exists
            for (at, _) in template.match_indices("t(key=\"") {
                let key = &template[at + 7..];
                let (key, after) = key.split_at(key.find('"').unwrap());
                if after[1..].trim_start().starts_with('~') {
                    continue; // a key made from a value: checked where it is made
                }
                assert!(
                    english.contains(key),
                    "{}: no message {key}",
                    path.display()
                );
            }
        }
        assert!(
            found.is_empty(),
            "words outside Fluent:\n{}",
            found.join("\n")
        );
        // the test sees what it looks for
        assert_eq!(
            words_outside_fluent(r#"<p title="Close">{{ t(key="x") }} Hello</p>{% if a %}"#),
            ["Close", "Hello"]
        );
    }

    #[test]
    fn no_rust_chooses_words_by_language() {
        let mut sources = Vec::new();
        files("src", &[".rs"], &mut sources);
        for path in sources {
            let source = std::fs::read_to_string(&path).unwrap();
            let source: String = source
                .split("#[cfg(test)]")
                .next()
                .unwrap_or_default()
                .lines()
                .filter(|line| !line.trim_start().starts_with("//"))
                .collect();
            for branch in [
                "starts_with(\"de",
                "starts_with(\"en",
                "starts_with(\"fr",
                "lang == \"",
                "\"Deutsch\"",
            ] {
                assert!(
                    !source.contains(branch),
                    "{}: chooses words by language ({branch}); put them in {I18N_DIR}",
                    path.display()
                );
            }
        }
    }

    /// Sentences in string literals: a capital, three spaces or more, and a
    /// full stop, colon or question mark at the end.
    fn sentences_in(source: &str) -> Vec<String> {
        source
            .lines()
            .map(str::trim)
            .filter(|line| !line.starts_with("//"))
            // what operators read: logs and internal errors stay English
            .filter(|line| {
                ![
                    "tracing::",
                    "info!",
                    "warn!",
                    "error!",
                    "debug!",
                    "Error::string",
                    "expect(",
                ]
                .iter()
                .any(|log| line.contains(log))
            })
            .flat_map(|line| {
                line.split('"')
                    .skip(1)
                    .step_by(2)
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .filter(|text| {
                text.starts_with(|c: char| c.is_ascii_uppercase())
                    && text.matches(' ').count() >= 3
                    && text.ends_with(['.', ':', '?'])
            })
            .collect()
    }

    #[test]
    fn the_code_customers_meet_writes_no_sentence_of_its_own() {
        let mut sources = Vec::new();
        files("src/controllers/portal", &[".rs"], &mut sources);
        for file in [
            "src/views/portal.rs",
            "src/mailers/portal.rs",
            "src/invoice_pdf.rs",
            "src/decisions.rs",
        ] {
            sources.push(file.into());
        }
        let mut found = Vec::new();
        for path in &sources {
            let source = std::fs::read_to_string(path).unwrap();
            let source = source.split("#[cfg(test)]").next().unwrap_or_default();
            for sentence in sentences_in(source) {
                found.push(format!("{}: {sentence}", path.display()));
            }
        }
        assert!(
            found.is_empty(),
            "sentences outside Fluent:\n{}",
            found.join("\n")
        );
        assert_eq!(
            sentences_in("let a = \"Choose one of the plans.\";\n// \"Not this one here.\"\nlet b = \"plans\";"),
            ["Choose one of the plans."]
        );
    }
}
