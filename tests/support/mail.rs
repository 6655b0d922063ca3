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

/// Every message so far addressed to `to`.
pub fn all_to(to: &str) -> Vec<Message> {
    let dir = maildir();
    let mut found = Vec::new();
    for sub in ["new", "cur"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        let mut paths: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        paths.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        for path in paths {
            if let Some(m) = std::fs::read(&path).ok().and_then(|b| parse(&b)) {
                if m.to.contains(to) {
                    found.push(m);
                }
            }
        }
    }
    found
}

/// Waits (up to 10 s) until `to` has received `count` messages; the newest.
pub async fn wait_for(to: &str, count: usize) -> Message {
    for _ in 0..100 {
        let mut all = all_to(to);
        if all.len() >= count {
            return all.swap_remove(count - 1);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{to} did not receive message #{count} within 10 s");
}

/// A fresh address for one test, so parallel tests never read each other's mail.
pub fn unique_address(name: &str) -> String {
    format!("{name}+{}@example.com", portal::secrets::random_token(6))
}
