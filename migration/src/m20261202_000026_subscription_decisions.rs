use loco_rs::schema::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // what customers may decide (src/capabilities.rs): a JSON object of
        // switches; an absent key takes its declared default
        add_column(
            m,
            "workspaces",
            "capabilities",
            ColType::TextWithDefault("{}".into()),
        )
        .await?;
        // why a customer cancelled: a code from a short list, and free text
        add_column(
            m,
            "subscriptions",
            "cancellation_reason",
            ColType::StringNull,
        )
        .await?;
        add_column(
            m,
            "subscriptions",
            "cancellation_comment",
            ColType::TextNull,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        remove_column(m, "subscriptions", "cancellation_comment").await?;
        remove_column(m, "subscriptions", "cancellation_reason").await?;
        remove_column(m, "workspaces", "capabilities").await
    }
}
