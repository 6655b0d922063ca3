use loco_rs::schema::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // "View portal as customer": the console user who opened the link,
        // carried into the session it starts, which is read-only
        add_column(
            m,
            "sign_in_tokens",
            "viewer_user_id",
            ColType::BigIntegerNull,
        )
        .await?;
        add_column(
            m,
            "customer_sessions",
            "viewer_user_id",
            ColType::BigIntegerNull,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        remove_column(m, "customer_sessions", "viewer_user_id").await?;
        remove_column(m, "sign_in_tokens", "viewer_user_id").await
    }
}
