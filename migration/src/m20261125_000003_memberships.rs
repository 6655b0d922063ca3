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
            "memberships",
            &[("id", ColType::PkAuto), ("role", ColType::String)],
            &[("workspace", ""), ("user", "")],
        )
        .await?;
        create_index(m, "memberships", &["workspace_id", "user_id"], true).await?;
        create_index(m, "memberships", &["user_id"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_table(m, "memberships").await
    }
}
