pub mod renewal;
pub mod sign_in_mail;
