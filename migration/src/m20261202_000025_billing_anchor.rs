use loco_rs::schema::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Periods are counted from this moment (the start, or the end of a
        // trial), not from the previous period's end. Existing subscriptions
        // keep their current day of the month.
        add_column(
            m,
            "subscriptions",
            "billing_anchor",
            ColType::TimestampWithTimeZoneNull,
        )
        .await?;
        m.get_connection()
            .execute_unprepared(
                "UPDATE subscriptions SET billing_anchor = current_period_start WHERE billing_anchor IS NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        remove_column(m, "subscriptions", "billing_anchor").await
    }
}
