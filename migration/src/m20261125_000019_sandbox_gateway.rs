use loco_rs::schema::*;
use sea_orm_migration::prelude::*;

use crate::indexes::create_index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // The built-in sandbox processor's own state: what a real processor
        // keeps on its side. No card number or CVC: only the test scenario the
        // number selected, brand, last4 and expiry.
        create_table(
            m,
            "sandbox_sessions",
            &[
                ("id", ColType::PkAuto),
                ("reference", ColType::StringUniq),
                // card_setup, paypal, charge_authentication
                ("kind", ColType::String),
                // open, requires_action, succeeded, failed, cancelled
                ("status", ColType::String),
                ("return_url", ColType::Text),
                ("customer_email", ColType::StringNull),
                ("scenario", ColType::StringNull),
                ("brand", ColType::StringNull),
                ("last4", ColType::StringNull),
                ("exp_month", ColType::IntegerNull),
                ("exp_year", ColType::IntegerNull),
                ("paypal_email", ColType::StringNull),
                ("token", ColType::StringNull),
                ("failure_code", ColType::StringNull),
                ("failure_message", ColType::StringNull),
            ],
            &[],
        )
        .await?;
        create_table(
            m,
            "sandbox_charges",
            &[
                ("id", ColType::PkAuto),
                ("reference", ColType::StringUniq),
                // the caller's key: the same key never charges twice
                ("idempotency_key", ColType::StringUniq),
                ("token", ColType::String),
                ("amount", ColType::BigInteger),
                ("currency", ColType::String),
                ("status", ColType::String),
                ("failure_code", ColType::StringNull),
                ("failure_message", ColType::StringNull),
            ],
            &[],
        )
        .await?;
        create_index(m, "sandbox_charges", &["token"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_table(m, "sandbox_charges").await?;
        drop_table(m, "sandbox_sessions").await
    }
}
