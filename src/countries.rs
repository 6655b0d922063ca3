//! The countries a customer's billing address can be in: ISO 3166-1 alpha-2
//! codes, plus XK (Kosovo), which card gateways take. Their names are Fluent
//! messages `country-XX` in every language (`assets/i18n/*/countries.ftl`,
//! written from Unicode CLDR by `scripts/cldr-countries.py`), so a customer
//! picks "Deutschland" or "Germany" from a list and we store "DE".
use std::{collections::HashMap, sync::LazyLock};

use serde::Serialize;
use unicode_normalization::UnicodeNormalization as _;

/// Every code, sorted (searched by halves).
pub const CODES: [&str; 250] = [
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "XK", "YE", "YT", "ZA", "ZM", "ZW",
];

/// Whether `code` (upper case) is a country we know.
#[must_use]
pub fn is_known(code: &str) -> bool {
    CODES.binary_search(&code).is_ok()
}

/// One entry of a country list.
#[derive(Debug, Clone, Serialize)]
pub struct Country {
    pub code: &'static str,
    pub name: String,
}

/// A country's name in `lang` (the code itself for one we do not know, so
/// an old stored value still reads as something).
#[must_use]
pub fn name(code: &str, lang: &str) -> String {
    if is_known(code) {
        crate::locale::text(lang, &format!("country-{code}"), &[])
    } else {
        code.to_string()
    }
}

/// Every country in `lang`, in that language's alphabetical order as a
/// reader expects it ("Österreich" among the O's, not after "Zypern").
#[must_use]
pub fn list(lang: &str) -> &'static [Country] {
    static LISTS: LazyLock<HashMap<&'static str, Vec<Country>>> = LazyLock::new(|| {
        crate::locale::available()
            .iter()
            .copied()
            .map(|lang| {
                let mut countries: Vec<Country> = CODES
                    .into_iter()
                    .map(|code| Country {
                        code,
                        name: name(code, lang),
                    })
                    .collect();
                countries.sort_by_cached_key(|c| sort_key(&c.name));
                (lang, countries)
            })
            .collect()
    });
    let lang = crate::locale::supported(lang).unwrap_or(crate::locale::DEFAULT);
    LISTS.get(lang).map_or(&[], Vec::as_slice)
}

/// Letters without their accents, in lower case: close enough to each
/// language's collation for a list of country names.
fn sort_key(name: &str) -> String {
    name.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sorted_and_known() {
        assert!(CODES.windows(2).all(|w| w[0] < w[1]));
        assert!(is_known("DE") && is_known("US") && is_known("XK"));
        assert!(!is_known("UK") && !is_known("EU") && !is_known("de"));
    }

    #[test]
    fn every_language_names_every_country() {
        for &lang in crate::locale::available() {
            let file = format!("{}/{lang}/countries.ftl", crate::locale::I18N_DIR);
            let text = std::fs::read_to_string(&file).expect("countries.ftl");
            let named: Vec<&str> = text
                .lines()
                .filter_map(|l| l.strip_prefix("country-")?.split(' ').next())
                .collect();
            assert_eq!(named, CODES, "{file}");
            assert_eq!(list(lang).len(), CODES.len());
        }
        assert_eq!(name("DE", "de-DE"), "Deutschland");
        assert_eq!(name("DE", "en-US"), "Germany");
        assert_eq!(list("de-DE")[0].name, "Afghanistan");
    }

    #[test]
    fn sorts_accented_names_with_their_letter() {
        let mut names = vec!["Zypern", "Österreich", "Oman", "Ägypten", "Albanien"];
        names.sort_by_cached_key(|n| sort_key(n));
        assert_eq!(
            names,
            ["Ägypten", "Albanien", "Oman", "Österreich", "Zypern"]
        );
    }
}
