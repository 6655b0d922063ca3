mod api;
mod isolation;
mod pages;
mod payment_methods;
mod profile;
mod sign_in;
