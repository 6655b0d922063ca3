pub mod invoice_pdf;
pub mod mail_delivery;
pub mod renewal;
pub mod sign_in_mail;
pub mod webhook_delivery;
