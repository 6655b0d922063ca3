pub mod api;
pub mod portal;
pub mod theme;
