pub mod api;
pub mod console;
pub mod export;
pub mod overview;
pub mod portal;
pub mod theme;
