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
            "audit_events",
            &[
                ("id", ColType::PkAuto),
                ("actor_type", ColType::String),
                ("actor_id", ColType::BigIntegerNull),
                ("subject_type", ColType::String),
                ("subject_id", ColType::BigInteger),
                ("action", ColType::String),
                ("changes", ColType::Json),
                ("ip", ColType::StringNull),
            ],
            &[("workspace", "")],
        )
        .await?;
        create_index(
            m,
            "audit_events",
            &["workspace_id", "subject_type", "subject_id", "created_at"],
            false,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_table(m, "audit_events").await
    }
}
