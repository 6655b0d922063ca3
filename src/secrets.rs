//! Random tokens and keyed hashes.
//!
//! Sign-in tokens, session ids and API keys are random values handed to one
//! party; we store only HMAC-SHA256(secret_key, value), so a database leak
//! alone does not let anyone sign in or call the API.
//!
//! What must be read back later but is a live credential while it waits (an
//! email carrying a sign-in link, queued for delivery) is sealed instead:
//! encrypted and authenticated with a key derived from the same deployment
//! key, so the database, the queue or a backup alone reveals nothing.
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chacha20poly1305::{
    aead::{Aead, KeyInit, Payload},
    XChaCha20Poly1305, XNonce,
};
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

    /// The sealing cipher for one purpose: its key is a keyed hash of the
    /// purpose, so a value sealed for one use cannot be opened as another.
    fn cipher(&self, purpose: &str) -> XChaCha20Poly1305 {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(b"seal:");
        mac.update(purpose.as_bytes());
        XChaCha20Poly1305::new(&mac.finalize().into_bytes())
    }

    /// Encrypts `plain` for `purpose` (XChaCha20-Poly1305, random nonce), as
    /// URL-safe base64 text fit for a column or a job argument.
    #[must_use]
    pub fn seal(&self, purpose: &str, plain: &[u8]) -> String {
        let mut nonce = [0u8; 24];
        rand::thread_rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher(purpose)
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plain,
                    aad: purpose.as_bytes(),
                },
            )
            .unwrap_or_else(|_| unreachable!("encryption of an in-memory buffer cannot fail"));
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        URL_SAFE_NO_PAD.encode(out)
    }

    /// Opens what [`Secrets::seal`] sealed for `purpose`; `None` when it was
    /// sealed with another key or purpose, or altered.
    #[must_use]
    pub fn open(&self, purpose: &str, sealed: &str) -> Option<Vec<u8>> {
        let bytes = URL_SAFE_NO_PAD.decode(sealed).ok()?;
        if bytes.len() < 24 {
            return None;
        }
        let (nonce, body) = bytes.split_at(24);
        let nonce: [u8; 24] = nonce.try_into().ok()?;
        self.cipher(purpose)
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: body,
                    aad: purpose.as_bytes(),
                },
            )
            .ok()
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
    fn sealed_values_open_only_with_their_key_and_purpose() {
        let a = Secrets::new("k1");
        let sealed = a.seal("mail", b"https://portal/login/secret-token");
        assert!(!sealed.contains("secret-token"));
        assert_ne!(sealed, a.seal("mail", b"https://portal/login/secret-token"));
        assert_eq!(
            a.open("mail", &sealed).as_deref(),
            Some(&b"https://portal/login/secret-token"[..])
        );
        assert_eq!(a.open("other", &sealed), None);
        assert_eq!(Secrets::new("k2").open("mail", &sealed), None);
        let mut altered = sealed.into_bytes();
        let last = altered.len() - 2;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(a.open("mail", &String::from_utf8(altered).unwrap()), None);
    }

    #[test]
    fn tokens_are_long_and_distinct() {
        let t = random_token(32);
        assert_eq!(t.len(), 64);
        assert_ne!(t, random_token(32));
    }
}
