use loco_rs::schema::*;
use sea_orm_migration::prelude::*;

use crate::indexes::create_index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // The outbox: written in the same transaction as the change it describes.
        create_table(
            m,
            "events",
            &[
                ("id", ColType::PkAuto),
                // the webhook-id receivers deduplicate on
                ("pid", ColType::UuidUniq),
                ("event_type", ColType::String),
                // deliveries keep order per customer
                ("customer_id", ColType::BigIntegerNull),
                ("payload", ColType::Json),
            ],
            &[("workspace", "")],
        )
        .await?;
        create_index(m, "events", &["workspace_id", "created_at"], false).await?;
        create_index(m, "events", &["workspace_id", "customer_id", "id"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_table(m, "events").await
    }
}
