#![allow(elided_lifetimes_in_paths)]
#![allow(clippy::wildcard_imports)]
pub use sea_orm_migration::prelude::*;
mod indexes;
mod m20220101_000001_users;
mod m20261125_000002_workspaces;
mod m20261125_000003_memberships;
mod m20261125_000004_customers;
mod m20261125_000005_products;
mod m20261125_000006_prices;
mod m20261125_000007_payment_methods;
mod m20261125_000008_subscriptions;
mod m20261125_000009_charges;
mod m20261125_000010_invoices;
mod m20261125_000011_sign_in_tokens;
mod m20261125_000012_customer_sessions;
mod m20261125_000013_audit_events;
mod m20261125_000014_webhook_endpoints;
mod m20261125_000015_events;
mod m20261125_000016_webhook_deliveries;
mod m20261125_000017_api_keys;
mod m20261125_000018_sign_in_requests;
mod m20261125_000019_sandbox_gateway;
mod m20261125_000020_gateway_charges;
mod m20261125_000021_sandbox_session_tokens;
mod m20261125_000022_deferred_jobs;
mod m20261202_000023_mail_outbox;
mod m20261202_000024_api_idempotency_keys;
mod m20261202_000025_billing_anchor;
mod m20261202_000026_subscription_decisions;
mod m20261202_000027_plan_changes;
mod m20261203_000028_view_as;
mod m20261203_000029_refunds;
mod m20261203_000030_tallies;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20220101_000001_users::Migration),
            Box::new(m20261125_000002_workspaces::Migration),
            Box::new(m20261125_000003_memberships::Migration),
            Box::new(m20261125_000004_customers::Migration),
            Box::new(m20261125_000005_products::Migration),
            Box::new(m20261125_000006_prices::Migration),
            Box::new(m20261125_000007_payment_methods::Migration),
            Box::new(m20261125_000008_subscriptions::Migration),
            Box::new(m20261125_000009_charges::Migration),
            Box::new(m20261125_000010_invoices::Migration),
            Box::new(m20261125_000011_sign_in_tokens::Migration),
            Box::new(m20261125_000012_customer_sessions::Migration),
            Box::new(m20261125_000013_audit_events::Migration),
            Box::new(m20261125_000014_webhook_endpoints::Migration),
            Box::new(m20261125_000015_events::Migration),
            Box::new(m20261125_000016_webhook_deliveries::Migration),
            Box::new(m20261125_000017_api_keys::Migration),
            Box::new(m20261125_000018_sign_in_requests::Migration),
            Box::new(m20261125_000019_sandbox_gateway::Migration),
            Box::new(m20261125_000020_gateway_charges::Migration),
            Box::new(m20261125_000021_sandbox_session_tokens::Migration),
            Box::new(m20261125_000022_deferred_jobs::Migration),
            Box::new(m20261202_000023_mail_outbox::Migration),
            Box::new(m20261202_000024_api_idempotency_keys::Migration),
            Box::new(m20261202_000025_billing_anchor::Migration),
            Box::new(m20261202_000026_subscription_decisions::Migration),
            Box::new(m20261202_000027_plan_changes::Migration),
            Box::new(m20261203_000028_view_as::Migration),
            Box::new(m20261203_000029_refunds::Migration),
            Box::new(m20261203_000030_tallies::Migration),
            // inject-above (do not remove this comment)
        ]
    }
}
