use loco_rs::schema::*;
use sea_orm_migration::prelude::*;

use crate::indexes::create_index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Only keyed hashes of the link token and of the one-time code are stored.
        create_table(
            m,
            "sign_in_tokens",
            &[
                ("id", ColType::PkAuto),
                ("purpose", ColType::String),
                ("token_hash", ColType::StringUniq),
                ("code_hash", ColType::StringNull),
                ("new_email", ColType::StringNull),
                ("expires_at", ColType::TimestampWithTimeZone),
                ("used_at", ColType::TimestampWithTimeZoneNull),
                ("failed_code_attempts", ColType::IntegerWithDefault(0)),
                ("requested_ip", ColType::StringNull),
            ],
            &[("workspace", ""), ("customer", "")],
        )
        .await?;
        create_index(
            m,
            "sign_in_tokens",
            &["workspace_id", "customer_id", "created_at"],
            false,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_table(m, "sign_in_tokens").await
    }
}
