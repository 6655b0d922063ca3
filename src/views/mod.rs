pub mod api;
pub mod portal;
