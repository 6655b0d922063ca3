//! Development only: with no SMTP server, outgoing mail is written to
//! `tmp/dev-mail/` and listed at `/_dev/mail`, so sign-in links can be
//! followed on a laptop without a mail server. The files are sealed with the
//! deployment key like the outbox table: a sign-in link is a credential.
use std::path::PathBuf;

use loco_rs::{mailer::Email, prelude::*};
use serde::{Deserialize, Serialize};

use crate::secrets::Secrets;

const DIR: &str = "tmp/dev-mail";
const SEAL_PURPOSE: &str = "dev_outbox";

#[derive(Debug, Serialize, Deserialize)]
pub struct Saved {
    pub id: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    /// the HTML part, as mail clients show it
    #[serde(default)]
    pub html: String,
    pub saved_at: String,
}

/// # Errors
/// When the outbox folder cannot be written.
pub fn save(secrets: &Secrets, email: &Email) -> Result<()> {
    let now = chrono::Utc::now();
    let id = format!(
        "{}-{}",
        now.format("%Y%m%d%H%M%S%6f"),
        crate::secrets::random_token(4)
    );
    let saved = Saved {
        id: id.clone(),
        to: email.to.clone(),
        subject: email.subject.clone(),
        text: email.text.clone(),
        html: email.html.clone(),
        saved_at: now.to_rfc3339(),
    };
    std::fs::create_dir_all(DIR)?;
    std::fs::write(
        PathBuf::from(DIR).join(format!("{id}.json")),
        secrets.seal(SEAL_PURPOSE, &serde_json::to_vec(&saved)?),
    )?;
    tracing::info!(subject = %email.subject, "mail saved to the development outbox: /_dev/mail");
    Ok(())
}

/// Newest first.
///
/// # Errors
/// When the outbox folder cannot be read.
pub fn list(secrets: &Secrets) -> Result<Vec<Saved>> {
    let Ok(entries) = std::fs::read_dir(DIR) else {
        return Ok(vec![]);
    };
    let mut mails: Vec<Saved> = entries
        .filter_map(std::result::Result::ok)
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .filter_map(|sealed| secrets.open(SEAL_PURPOSE, sealed.trim()))
        .filter_map(|bytes| serde_json::from_slice(&bytes).ok())
        .collect();
    mails.sort_by(|a, b| b.id.cmp(&a.id));
    Ok(mails)
}
