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
            "invoices",
            &[
                ("id", ColType::PkAuto),
                ("pid", ColType::Uuid),
                ("number", ColType::String),
                ("status", ColType::String),
                ("currency", ColType::String),
                ("subtotal", ColType::BigInteger),
                ("tax", ColType::BigInteger),
                ("total", ColType::BigInteger),
                ("tax_rate_bps", ColType::IntegerWithDefault(0)),
                ("lines", ColType::Json),
                // seller and buyer as they were when the invoice was issued
                ("seller_snapshot", ColType::Json),
                ("buyer_snapshot", ColType::Json),
                ("pdf_key", ColType::StringNull),
                ("issued_at", ColType::TimestampWithTimeZoneNull),
            ],
            &[
                ("workspace", ""),
                ("customer", ""),
                ("charges?", "charge_id"),
                ("subscriptions?", "subscription_id"),
            ],
        )
        .await?;
        create_index(m, "invoices", &["workspace_id", "number"], true).await?;
        // at most one invoice per charge
        create_index(m, "invoices", &["charge_id"], true).await?;
        create_index(
            m,
            "invoices",
            &["workspace_id", "customer_id", "created_at"],
            false,
        )
        .await?;
        create_index(m, "invoices", &["pid"], true).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_table(m, "invoices").await
    }
}
