pub mod auth;
pub mod page;
