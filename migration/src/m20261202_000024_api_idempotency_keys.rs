use loco_rs::schema::*;
use sea_orm_migration::prelude::*;

use crate::indexes::create_index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // The merchant API's `Idempotency-Key`s: the first answer to a POST,
        // replayed for the same key and parameters for 24 hours.
        create_table(
            m,
            "api_idempotency_keys",
            &[
                ("id", ColType::PkAuto),
                ("idempotency_key", ColType::String),
                ("request_hash", ColType::String),
                ("response_status", ColType::IntegerNull),
                ("response_body", ColType::TextNull),
                ("expires_at", ColType::TimestampWithTimeZone),
            ],
            &[("workspace", "")],
        )
        .await?;
        create_index(
            m,
            "api_idempotency_keys",
            &["workspace_id", "idempotency_key"],
            true,
        )
        .await?;
        create_index(m, "api_idempotency_keys", &["expires_at"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_table(m, "api_idempotency_keys").await
    }
}
