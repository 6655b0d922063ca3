use loco_rs::schema::*;
use sea_orm_migration::prelude::*;

use crate::indexes::create_index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One row per sign-in request, known email or not, for rate limits
        // per email (keyed hash, never the address), per IP and per workspace.
        create_table(
            m,
            "sign_in_requests",
            &[
                ("id", ColType::PkAuto),
                ("email_hash", ColType::String),
                ("ip", ColType::StringNull),
            ],
            &[("workspace", "")],
        )
        .await?;
        create_index(
            m,
            "sign_in_requests",
            &["workspace_id", "created_at"],
            false,
        )
        .await?;
        create_index(m, "sign_in_requests", &["email_hash", "created_at"], false).await?;
        create_index(m, "sign_in_requests", &["ip", "created_at"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_table(m, "sign_in_requests").await
    }
}
