use loco_rs::schema::*;
use sea_orm_migration::prelude::*;

use crate::indexes::create_index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Secret keys are shown once; we keep a keyed hash and a display prefix.
        create_table(
            m,
            "api_keys",
            &[
                ("id", ColType::PkAuto),
                ("pid", ColType::Uuid),
                ("name", ColType::String),
                ("prefix", ColType::String),
                ("key_hash", ColType::StringUniq),
                ("last_used_at", ColType::TimestampWithTimeZoneNull),
                ("revoked_at", ColType::TimestampWithTimeZoneNull),
            ],
            &[("workspace", ""), ("users?", "created_by_user_id")],
        )
        .await?;
        create_index(m, "api_keys", &["workspace_id"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_table(m, "api_keys").await
    }
}
