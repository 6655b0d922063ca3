pub mod invoices_backfill;
pub mod renewals_run;
pub mod seed_demo;
pub mod sessions_prune;
pub mod user_create;
pub mod user_delete;
pub mod webhooks_deliver;
pub mod workspace_create;
