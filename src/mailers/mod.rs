pub mod auth;
pub mod dev_outbox;
pub mod portal;
