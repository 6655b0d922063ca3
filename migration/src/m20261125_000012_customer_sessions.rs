use loco_rs::schema::*;
use sea_orm_migration::prelude::*;

use crate::indexes::create_index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Server-side sessions: the cookie holds a random id, we keep its hash.
        create_table(
            m,
            "customer_sessions",
            &[
                ("id", ColType::PkAuto),
                ("session_hash", ColType::StringUniq),
                ("csrf_token", ColType::String),
                ("last_seen_at", ColType::TimestampWithTimeZone),
                ("idle_expires_at", ColType::TimestampWithTimeZone),
                ("absolute_expires_at", ColType::TimestampWithTimeZone),
                ("revoked_at", ColType::TimestampWithTimeZoneNull),
                ("ip", ColType::StringNull),
                ("user_agent", ColType::StringNull),
            ],
            &[("workspace", ""), ("customer", "")],
        )
        .await?;
        create_index(
            m,
            "customer_sessions",
            &["workspace_id", "customer_id"],
            false,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_table(m, "customer_sessions").await
    }
}
