//! Money: integer minor units plus an ISO 4217 currency. Never a float.
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Money<'a> {
    pub minor: i64,
    pub currency: &'a str,
}

/// Digits after the decimal point for an ISO 4217 currency.
#[must_use]
pub fn minor_unit_digits(currency: &str) -> u32 {
    match currency.to_ascii_uppercase().as_str() {
        "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF" | "UGX"
        | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        _ => 2,
    }
}

/// Is this a three-letter upper-case currency code we can format?
#[must_use]
pub fn is_currency_code(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}

impl<'a> Money<'a> {
    #[must_use]
    pub const fn new(minor: i64, currency: &'a str) -> Self {
        Self { minor, currency }
    }

    /// Plain, locale-neutral form: `29.00 USD`, `-5.000 KWD`, `1200 JPY`.
    #[must_use]
    pub fn plain(&self) -> String {
        let digits = minor_unit_digits(self.currency);
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        if digits == 0 {
            return format!("{sign}{abs} {}", self.currency);
        }
        let scale = 10u64.pow(digits);
        format!(
            "{sign}{}.{:0width$} {}",
            abs / scale,
            abs % scale,
            self.currency,
            width = digits as usize
        )
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
    fn formats_by_currency_exponent() {
        assert_eq!(Money::new(2900, "USD").plain(), "29.00 USD");
        assert_eq!(Money::new(5, "EUR").plain(), "0.05 EUR");
        assert_eq!(Money::new(1200, "JPY").plain(), "1200 JPY");
        assert_eq!(Money::new(-1500, "KWD").plain(), "-1.500 KWD");
    }

    #[test]
    fn multiplication_checks_overflow() {
        assert_eq!(Money::new(900, "USD").times(3).map(|m| m.minor), Some(2700));
        assert!(Money::new(i64::MAX, "USD").times(2).is_none());
    }
}
