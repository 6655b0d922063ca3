mod api;
mod isolation;
mod pages;
mod profile;
mod sign_in;
