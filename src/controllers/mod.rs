pub mod admin;
pub mod api;
pub mod dev_mail;
pub mod home;
pub mod portal;
pub mod security_headers;
