mod invoices_backfill;
mod seed_demo;
mod workspace_create;
