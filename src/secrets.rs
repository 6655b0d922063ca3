//! Random tokens and keyed hashes.
//!
//! Sign-in tokens, session ids and API keys are random values handed to one
//! party; we store only HMAC-SHA256(secret_key, value), so a database leak
//! alone does not let anyone sign in or call the API.
use hmac::{Hmac, Mac};
use rand::{distributions::Alphanumeric, Rng, RngCore};
use sha2::Sha256;

#[derive(Clone)]
pub struct Secrets {
    key: Vec<u8>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets(..)")
    }
}

impl Secrets {
    #[must_use]
    pub fn new(key: &str) -> Self {
        Self {
            key: key.as_bytes().to_vec(),
        }
    }

    /// Keyed hash of `value` under a purpose label, as lowercase hex.
    /// The label keeps a hash made for one use from matching another.
    #[must_use]
    pub fn keyed_hash(&self, purpose: &str, value: &str) -> String {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(purpose.as_bytes());
        mac.update(b":");
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

/// `bytes` random bytes as lowercase hex (256 bits for `bytes = 32`).
#[must_use]
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buf);
    hex::encode(buf)
}

/// A random alphanumeric string, for display-friendly secrets such as passwords.
#[must_use]
pub fn random_alphanumeric(len: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_hash_depends_on_key_purpose_and_value() {
        let a = Secrets::new("k1");
        let b = Secrets::new("k2");
        assert_eq!(a.keyed_hash("p", "v"), a.keyed_hash("p", "v"));
        assert_ne!(a.keyed_hash("p", "v"), b.keyed_hash("p", "v"));
        assert_ne!(a.keyed_hash("p", "v"), a.keyed_hash("q", "v"));
        assert_ne!(a.keyed_hash("p", "v"), a.keyed_hash("p", "w"));
        assert_eq!(a.keyed_hash("p", "v").len(), 64);
    }

    #[test]
    fn tokens_are_long_and_distinct() {
        let t = random_token(32);
        assert_eq!(t.len(), 64);
        assert_ne!(t, random_token(32));
    }
}
