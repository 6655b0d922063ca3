pub mod admin;
pub mod api;
pub mod dev_mail;
pub mod home;
pub mod portal;
pub mod sandbox;
pub mod security_headers;
pub mod stripe;
