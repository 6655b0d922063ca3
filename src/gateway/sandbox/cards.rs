//! The sandbox's test cards: numbers behave like the common processors' test
//! numbers. Only the scenario a number selects is kept, never the number.

/// What a saved test card does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// Saves (after 3DS) and every charge succeeds.
    Succeeds,
    /// Declined when saving.
    DeclinedOnSetup,
    /// Refused when saving: the card has expired.
    Expired,
    /// Saves; charges are declined (generic decline).
    ChargeDeclined,
    /// Saves; charges fail for insufficient funds.
    InsufficientFunds,
    /// Saves; every charge asks for 3DS (off-session charges fail).
    AuthenticateEveryCharge,
    /// The 3DS challenge always fails: never saved.
    AuthenticationFails,
}

impl Scenario {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Succeeds => "succeeds",
            Self::DeclinedOnSetup => "declined_on_setup",
            Self::Expired => "expired",
            Self::ChargeDeclined => "charge_declined",
            Self::InsufficientFunds => "insufficient_funds",
            Self::AuthenticateEveryCharge => "authenticate_every_charge",
            Self::AuthenticationFails => "authentication_fails",
        }
    }

    /// What a test card of this scenario does, for the card page's list.
    #[must_use]
    pub const fn description(self) -> &'static str {
        match self {
            Self::Succeeds => "Saves; every charge succeeds",
            Self::DeclinedOnSetup => "Declined when saving",
            Self::Expired => "Refused when saving: expired card",
            Self::ChargeDeclined => "Saves; charges are declined",
            Self::InsufficientFunds => "Saves; charges fail for insufficient funds",
            Self::AuthenticateEveryCharge => "Saves; every charge asks for 3-D Secure",
            Self::AuthenticationFails => "The 3-D Secure check always fails: never saved",
        }
    }

    #[must_use]
    pub fn parse(value: &str) -> Option<Self> {
        [
            Self::Succeeds,
            Self::DeclinedOnSetup,
            Self::Expired,
            Self::ChargeDeclined,
            Self::InsufficientFunds,
            Self::AuthenticateEveryCharge,
            Self::AuthenticationFails,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
    }
}

/// Documented test numbers (README.md lists them). Any other number that
/// passes the Luhn check behaves like a good card.
pub const TEST_CARDS: [(&str, Scenario); 8] = [
    ("4242424242424242", Scenario::Succeeds),
    ("5555555555554444", Scenario::Succeeds),
    ("4000000000000002", Scenario::DeclinedOnSetup),
    ("4000000000000069", Scenario::Expired),
    ("4000000000000341", Scenario::ChargeDeclined),
    ("4000000000009995", Scenario::InsufficientFunds),
    ("4000002760003184", Scenario::AuthenticateEveryCharge),
    ("4000008400001629", Scenario::AuthenticationFails),
];

/// Digits only, or `None` when the input has anything but digits and spaces.
#[must_use]
pub fn digits(number: &str) -> Option<String> {
    let cleaned: String = number
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    (cleaned.len() >= 12 && cleaned.len() <= 19 && cleaned.bytes().all(|b| b.is_ascii_digit()))
        .then_some(cleaned)
}

#[must_use]
pub fn luhn_ok(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if !i.is_multiple_of(2) {
                let doubled = d * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[must_use]
pub fn brand(digits: &str) -> &'static str {
    match digits.as_bytes().first() {
        Some(b'4') => "visa",
        Some(b'5' | b'2') => "mastercard",
        Some(b'3') => "amex",
        Some(b'6') => "discover",
        _ => "card",
    }
}

#[must_use]
pub fn scenario(digits: &str) -> Scenario {
    TEST_CARDS
        .iter()
        .find(|(number, _)| *number == digits)
        .map_or(Scenario::Succeeds, |(_, s)| *s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_numbers_pass_luhn_and_pick_their_scenario() {
        for (number, expected) in TEST_CARDS {
            assert!(luhn_ok(number), "{number}");
            assert_eq!(scenario(number), expected);
        }
        assert!(!luhn_ok("4242424242424241"));
        assert_eq!(
            digits("4242 4242 4242 4242").as_deref(),
            Some("4242424242424242")
        );
        assert_eq!(digits("4242-abc"), None);
        assert_eq!(brand("5555555555554444"), "mastercard");
    }
}
