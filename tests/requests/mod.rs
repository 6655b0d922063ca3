mod api;
mod billing;
mod gateway_contract;
mod isolation;
mod pages;
mod payment_methods;
mod profile;
mod sign_in;
