pub mod api;
pub mod export;
pub mod overview;
pub mod portal;
pub mod theme;
