mod kill;
mod renewals;
mod sign_in_mail;
mod webhooks;

/// The Redis queue is one shared server: queue tests take turns.
pub static QUEUE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
