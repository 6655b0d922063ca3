//! Money: integer minor units plus an ISO 4217 currency. Never a float.
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Money<'a> {
    pub minor: i64,
    pub currency: &'a str,
}

/// The ISO 4217 currency for a code, when it is one money can be held in
/// (metals, testing and "no currency" codes have no minor unit).
fn iso(code: &str) -> Option<iso_currency::Currency> {
    iso_currency::Currency::from_code(&code.to_ascii_uppercase()).filter(|c| c.exponent().is_some())
}

/// Digits after the decimal point for an ISO 4217 currency, from the
/// standard's table (`iso_currency`); 2 for a code it does not know, which
/// validation keeps out of prices.
#[must_use]
pub fn minor_unit_digits(currency: &str) -> u32 {
    iso(currency)
        .and_then(iso_currency::Currency::exponent)
        .map_or(2, u32::from)
}

/// Is this an upper-case ISO 4217 code of a currency money can be held in?
#[must_use]
pub fn is_currency_code(code: &str) -> bool {
    code.bytes().all(|b| b.is_ascii_uppercase()) && iso(code).is_some()
}

impl<'a> Money<'a> {
    #[must_use]
    pub const fn new(minor: i64, currency: &'a str) -> Self {
        Self { minor, currency }
    }

    /// Plain, locale-neutral form: `29.00 USD`, `-5.000 KWD`, `1200 JPY`.
    #[must_use]
    pub fn plain(&self) -> String {
        format!("{} {}", self.decimal(), self.currency)
    }

    /// The amount in major units with the currency's digits, no currency:
    /// `29.00`, `-5.000`, `1200` (for files read by spreadsheets).
    #[must_use]
    pub fn decimal(&self) -> String {
        let digits = minor_unit_digits(self.currency);
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        if digits == 0 {
            return format!("{sign}{abs}");
        }
        let scale = 10u64.pow(digits);
        format!(
            "{sign}{}.{:0width$}",
            abs / scale,
            abs % scale,
            width = digits as usize
        )
    }

    /// For a page in `lang`, the way its Fluent files write money:
    /// `$1,234.50`, `1.234,50 $`, `1 234,50 $`; currencies without a
    /// well-known symbol keep their code (`1,234.50 CHF`).
    #[must_use]
    pub fn localized(&self, lang: &str) -> String {
        let digits = minor_unit_digits(self.currency);
        let scale = 10u64.pow(digits);
        let abs = self.minor.unsigned_abs();
        let grouped = crate::locale::group_digits(&(abs / scale).to_string(), lang);
        let number = if digits == 0 {
            grouped
        } else {
            format!(
                "{grouped}{}{:0width$}",
                crate::locale::decimal_separator(lang),
                abs % scale,
                width = digits as usize
            )
        };
        let sign = if self.minor < 0 { "-" } else { "" };
        let symbol = match self.currency {
            "USD" => Some("$"),
            "EUR" => Some("€"),
            "GBP" => Some("£"),
            "JPY" => Some("¥"),
            _ => None,
        };
        let (key, mark) = match symbol {
            Some(sym) => ("money-with-symbol", sym),
            None => ("money-with-code", self.currency),
        };
        crate::locale::text(
            lang,
            key,
            &[("sign", sign), ("number", &number), ("symbol", mark)],
        )
    }

    /// Reads an amount typed in major units ("12.5", "12.50", "12", "1,234.50"
    /// with a point for decimals) into minor units of `currency`, by integer
    /// arithmetic: `None` for anything else, more decimals than the currency
    /// has, a negative amount or an overflow.
    #[must_use]
    pub fn parse_decimal(text: &str, currency: &'a str) -> Option<Self> {
        let digits = minor_unit_digits(currency) as usize;
        let text = text.trim().replace(',', "");
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() && fraction.is_empty()
            || !all_digits(whole)
            || !all_digits(fraction)
            || fraction.len() > digits
        {
            return None;
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().ok()?
        };
        let fraction: i64 = format!("{fraction:0<digits$}").parse().unwrap_or(0);
        let minor = whole
            .checked_mul(10i64.checked_pow(u32::try_from(digits).ok()?)?)?
            .checked_add(fraction)?;
        Some(Self::new(minor, currency))
    }

    /// `minor * quantity`, or `None` on overflow.
    #[must_use]
    pub fn times(&self, quantity: i64) -> Option<Self> {
        self.minor
            .checked_mul(quantity)
            .map(|minor| Self::new(minor, self.currency))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_typed_amounts_without_floats() {
        let minor = |t: &str, c: &'static str| Money::parse_decimal(t, c).map(|m| m.minor);
        assert_eq!(minor("12.5", "USD"), Some(1250));
        assert_eq!(minor(" 1,234.05 ", "USD"), Some(123_405));
        assert_eq!(minor("29", "EUR"), Some(2900));
        assert_eq!(minor(".5", "USD"), Some(50));
        assert_eq!(minor("1200", "JPY"), Some(1200));
        assert_eq!(minor("1.5", "JPY"), None);
        assert_eq!(minor("1.234", "KWD"), Some(1234));
        for bad in [
            "",
            ".",
            "-5",
            "1.234",
            "1e3",
            "ten",
            "1.2.3",
            "99999999999999999999",
        ] {
            assert_eq!(minor(bad, "USD"), None, "{bad}");
        }
    }

    #[test]
    fn only_iso_4217_currencies_are_currencies() {
        for code in ["USD", "EUR", "JPY", "KWD", "CLF"] {
            assert!(is_currency_code(code), "{code}");
        }
        for code in ["ZZZ", "XXX", "XAU", "usd", "US", "DOLLAR"] {
            assert!(!is_currency_code(code), "{code}");
        }
        assert_eq!(minor_unit_digits("CLF"), 4);
        assert_eq!(minor_unit_digits("ISK"), 0);
        assert_eq!(minor_unit_digits("BHD"), 3);
    }

    #[test]
    fn formats_by_currency_exponent() {
        assert_eq!(Money::new(2900, "USD").plain(), "29.00 USD");
        assert_eq!(Money::new(5, "EUR").plain(), "0.05 EUR");
        assert_eq!(Money::new(1200, "JPY").plain(), "1200 JPY");
        assert_eq!(Money::new(-1500, "KWD").plain(), "-1.500 KWD");
    }

    #[test]
    fn formats_for_the_reader() {
        assert_eq!(Money::new(123_450, "USD").localized("en-US"), "$1,234.50");
        assert_eq!(
            Money::new(123_450, "USD").localized("de-DE"),
            "1.234,50\u{a0}$"
        );
        assert_eq!(Money::new(4900, "EUR").localized("de-DE"), "49,00\u{a0}€");
        assert_eq!(Money::new(120_000, "JPY").localized("en-US"), "¥120,000");
        assert_eq!(
            Money::new(-1500, "CHF").localized("en-US"),
            "-15.00\u{a0}CHF"
        );
        assert_eq!(Money::new(5, "KWD").localized("de-DE"), "0,005\u{a0}KWD");
        assert_eq!(
            Money::new(123_450, "EUR").localized("fr-FR"),
            "1\u{a0}234,50\u{a0}€"
        );
        assert_eq!(
            Money::new(-1500, "CHF").localized("fr-FR"),
            "-15,00\u{a0}CHF"
        );
    }

    #[test]
    fn multiplication_checks_overflow() {
        assert_eq!(Money::new(900, "USD").times(3).map(|m| m.minor), Some(2700));
        assert!(Money::new(i64::MAX, "USD").times(2).is_none());
    }
}
