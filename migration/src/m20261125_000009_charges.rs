use loco_rs::schema::*;
use sea_orm_migration::prelude::*;

use crate::indexes::create_index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        create_table(
            m,
            "charges",
            &[
                ("id", ColType::PkAuto),
                ("pid", ColType::Uuid),
                ("amount", ColType::BigInteger),
                ("currency", ColType::String),
                ("status", ColType::String),
                ("description", ColType::String),
                ("failure_code", ColType::StringNull),
                ("failure_message", ColType::StringNull),
                ("attempt", ColType::IntegerWithDefault(1)),
                // one key per charge attempt: a replay hits the unique index
                ("idempotency_key", ColType::StringUniq),
                ("gateway_charge_ref", ColType::StringNull),
                ("period_start", ColType::TimestampWithTimeZoneNull),
                ("period_end", ColType::TimestampWithTimeZoneNull),
                ("paid_at", ColType::TimestampWithTimeZoneNull),
                ("refunded_at", ColType::TimestampWithTimeZoneNull),
            ],
            &[
                ("workspace", ""),
                ("customer", ""),
                ("subscriptions?", "subscription_id"),
                ("payment_methods?", "payment_method_id"),
            ],
        )
        .await?;
        // billing history: newest first, keyset on (created_at, id)
        create_index(
            m,
            "charges",
            &["workspace_id", "customer_id", "created_at", "id"],
            false,
        )
        .await?;
        create_index(m, "charges", &["subscription_id", "created_at"], false).await?;
        create_index(
            m,
            "charges",
            &["workspace_id", "status", "created_at"],
            false,
        )
        .await?;
        create_index(m, "charges", &["pid"], true).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_table(m, "charges").await
    }
}
