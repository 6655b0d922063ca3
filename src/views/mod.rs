pub mod api;
pub mod export;
pub mod portal;
pub mod theme;
