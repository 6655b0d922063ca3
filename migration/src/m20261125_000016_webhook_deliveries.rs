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
            "webhook_deliveries",
            &[
                ("id", ColType::PkAuto),
                ("status", ColType::StringWithDefault("pending".into())),
                ("attempts", ColType::IntegerWithDefault(0)),
                ("next_attempt_at", ColType::TimestampWithTimeZoneNull),
                ("last_response_code", ColType::IntegerNull),
                ("last_error", ColType::StringNull),
                ("delivered_at", ColType::TimestampWithTimeZoneNull),
            ],
            &[("workspace", ""), ("event", ""), ("webhook_endpoint", "")],
        )
        .await?;
        create_index(
            m,
            "webhook_deliveries",
            &["event_id", "webhook_endpoint_id"],
            true,
        )
        .await?;
        create_index(
            m,
            "webhook_deliveries",
            &["status", "next_attempt_at"],
            false,
        )
        .await?;
        create_index(
            m,
            "webhook_deliveries",
            &["workspace_id", "webhook_endpoint_id", "created_at"],
            false,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_table(m, "webhook_deliveries").await
    }
}
