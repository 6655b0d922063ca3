use loco_rs::schema::*;
use sea_orm_migration::prelude::*;

use crate::indexes::create_index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Never a card number or CVC: only the gateway's token and display facts.
        create_table(
            m,
            "payment_methods",
            &[
                ("id", ColType::PkAuto),
                ("pid", ColType::Uuid),
                ("kind", ColType::String),
                ("gateway", ColType::String),
                ("gateway_token", ColType::String),
                ("brand", ColType::StringNull),
                ("last4", ColType::StringNull),
                ("exp_month", ColType::IntegerNull),
                ("exp_year", ColType::IntegerNull),
                ("paypal_email", ColType::StringNull),
                ("status", ColType::StringWithDefault("active".into())),
                ("detached_at", ColType::TimestampWithTimeZoneNull),
            ],
            &[("workspace", ""), ("customer", "")],
        )
        .await?;
        create_index(
            m,
            "payment_methods",
            &["workspace_id", "customer_id", "status"],
            false,
        )
        .await?;
        create_index(m, "payment_methods", &["pid"], true).await?;
        create_index(m, "payment_methods", &["gateway", "gateway_token"], true).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_table(m, "payment_methods").await
    }
}
