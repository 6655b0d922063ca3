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
            "subscriptions",
            &[
                ("id", ColType::PkAuto),
                ("pid", ColType::Uuid),
                ("status", ColType::String),
                ("quantity", ColType::IntegerWithDefault(1)),
                ("current_period_start", ColType::TimestampWithTimeZone),
                ("current_period_end", ColType::TimestampWithTimeZone),
                ("trial_end", ColType::TimestampWithTimeZoneNull),
                ("cancel_at_period_end", ColType::BooleanWithDefault(false)),
                ("cancelled_at", ColType::TimestampWithTimeZoneNull),
                ("next_renewal_at", ColType::TimestampWithTimeZoneNull),
                // dunning: how many automatic retries have failed, and when the next is due
                ("dunning_attempts", ColType::IntegerWithDefault(0)),
                ("next_retry_at", ColType::TimestampWithTimeZoneNull),
            ],
            &[
                ("workspace", ""),
                ("customer", ""),
                ("price", ""),
                // the method used for upcoming renewals; it may be detached
                // from the customer's list and still renew (see PRODUCT.md)
                ("payment_methods?", "payment_method_id"),
            ],
        )
        .await?;
        create_index(m, "subscriptions", &["workspace_id", "customer_id"], false).await?;
        create_index(m, "subscriptions", &["workspace_id", "status"], false).await?;
        // the renewal sweep and the dunning sweep
        create_index(m, "subscriptions", &["next_renewal_at"], false).await?;
        create_index(m, "subscriptions", &["next_retry_at"], false).await?;
        create_index(m, "subscriptions", &["pid"], true).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_table(m, "subscriptions").await
    }
}
