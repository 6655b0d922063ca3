pub mod admin;
pub mod home;
pub mod portal;
