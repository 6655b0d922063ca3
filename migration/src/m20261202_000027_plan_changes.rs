use loco_rs::schema::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // a pause the customer asked for: it begins when the paid period
        // ends and lasts until this moment, when the next period starts
        add_column(
            m,
            "subscriptions",
            "pause_resumes_at",
            ColType::TimestampWithTimeZoneNull,
        )
        .await?;
        // a downgrade (or fewer seats) that the renewal starting the next
        // period applies
        add_column(
            m,
            "subscriptions",
            "scheduled_price_id",
            ColType::BigIntegerNull,
        )
        .await?;
        add_column(
            m,
            "subscriptions",
            "scheduled_quantity",
            ColType::IntegerNull,
        )
        .await?;
        // what an upgrade's charge was computed from (the proration), so the
        // charge settles the change it paid for even after 3-D Secure
        add_column(m, "charges", "proration", ColType::JsonNull).await?;
        // which prices customers may switch between, and the seats they may
        // choose on a per-seat price (none: the quantity is the merchant's)
        add_column(
            m,
            "prices",
            "customer_switchable",
            ColType::BooleanWithDefault(false),
        )
        .await?;
        add_column(m, "prices", "min_quantity", ColType::IntegerWithDefault(1)).await?;
        add_column(m, "prices", "max_quantity", ColType::IntegerNull).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        remove_column(m, "prices", "max_quantity").await?;
        remove_column(m, "prices", "min_quantity").await?;
        remove_column(m, "prices", "customer_switchable").await?;
        remove_column(m, "charges", "proration").await?;
        remove_column(m, "subscriptions", "scheduled_quantity").await?;
        remove_column(m, "subscriptions", "scheduled_price_id").await?;
        remove_column(m, "subscriptions", "pause_resumes_at").await
    }
}
