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
            "webhook_endpoints",
            &[
                ("id", ColType::PkAuto),
                ("pid", ColType::Uuid),
                ("url", ColType::String),
                // Standard Webhooks signing secret ("whsec_..."); shown to the owner
                ("secret", ColType::String),
                // comma-separated event types, or "*" for all
                ("event_types", ColType::StringWithDefault("*".into())),
                ("enabled", ColType::BooleanWithDefault(true)),
            ],
            &[("workspace", "")],
        )
        .await?;
        create_index(m, "webhook_endpoints", &["workspace_id"], false).await?;
        create_index(m, "webhook_endpoints", &["pid"], true).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_table(m, "webhook_endpoints").await
    }
}
