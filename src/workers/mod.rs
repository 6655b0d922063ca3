pub mod sign_in_mail;
