//! Reads mail that the app really sent over SMTP to the sink scripts/test
//! runs (aiosmtpd writing a Maildir at TEST_MAILDIR).
use std::{path::PathBuf, time::Duration};

pub struct Message {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl Message {
    /// The first `https?://...` link in the text part containing `path`.
    pub fn link_with(&self, path: &str) -> String {
        self.text
            .split_whitespace()
            .find(|w| w.starts_with("http") && w.contains(path))
            .unwrap_or_else(|| panic!("no link with {path} in: {}", self.text))
            .to_string()
    }

    /// The six-digit code in the text part.
    pub fn code(&self) -> String {
        // a word of exactly six digits (the link's hex token is one long word)
        self.text
            .split_whitespace()
            .find(|w| w.len() == 6 && w.bytes().all(|b| b.is_ascii_digit()))
            .unwrap_or_else(|| panic!("no code in: {}", self.text))
            .to_string()
    }
}

fn maildir() -> PathBuf {
    let Ok(dir) = std::env::var("TEST_MAILDIR") else {
        panic!(
            "mail tests need the SMTP sink: run scripts/test, or start one and set SMTP_HOST, \
             SMTP_PORT and TEST_MAILDIR (its Maildir)"
        );
    };
    assert!(
        std::env::var("SMTP_HOST").is_ok(),
        "TEST_MAILDIR is set but SMTP_HOST is not: the app would not send over SMTP"
    );
    PathBuf::from(dir)
}

fn parse(bytes: &[u8]) -> Option<Message> {
    let mail = mailparse::parse_mail(bytes).ok()?;
    let header = |name: &str| {
        mail.headers
            .iter()
            .find(|h| h.get_key().eq_ignore_ascii_case(name))
            .map(mailparse::MailHeader::get_value)
            .unwrap_or_default()
    };
    let mut text = String::new();
    let mut html = String::new();
    let mut parts = vec![&mail];
    while let Some(part) = parts.pop() {
        parts.extend(part.subparts.iter());
        match part.ctype.mimetype.as_str() {
            "text/plain" => text = part.get_body().ok()?,
            "text/html" => html = part.get_body().ok()?,
            _ => {}
        }
    }
    Some(Message {
        to: header("To"),
        subject: header("Subject"),
        text,
        html,
    })
}

/// Every message so far addressed to `to`, oldest first.
pub fn all_to(to: &str) -> Vec<Message> {
    let dir = maildir();
    let mut found = Vec::new();
    for sub in ["new", "cur"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        // The sink holds every test's mail (the kill test alone sends a
        // thousand receipts): look for the address in the raw bytes before
        // parsing anything, so a poll stays cheap.
        let mut matches: Vec<(Option<std::time::SystemTime>, Vec<u8>)> = entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                let bytes = std::fs::read(e.path()).ok()?;
                contains(&bytes, to.as_bytes())
                    .then(|| (e.metadata().and_then(|m| m.modified()).ok(), bytes))
            })
            .collect();
        matches.sort_by_key(|(modified, _)| *modified);
        found.extend(
            matches
                .iter()
                .filter_map(|(_, bytes)| parse(bytes))
                .filter(|m| m.to.contains(to)),
        );
    }
    found
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Waits (up to 20 s) until `to` has received `count` messages; the newest.
/// Reads the Maildir off the async thread: a test's worker may share it.
pub async fn wait_for(to: &str, count: usize) -> Message {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let address = to.to_string();
        let mut all = tokio::task::spawn_blocking(move || all_to(&address))
            .await
            .expect("read the Maildir");
        if all.len() >= count {
            return all.swap_remove(count - 1);
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{to} did not receive message #{count} within 20 s (it has {})",
            all.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A fresh address for one test, so parallel tests never read each other's mail.
pub fn unique_address(name: &str) -> String {
    format!("{name}+{}@example.com", portal::secrets::random_token(6))
}
