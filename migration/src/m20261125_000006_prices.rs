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
            "prices",
            &[
                ("id", ColType::PkAuto),
                ("pid", ColType::Uuid),
                ("nickname", ColType::StringNull),
                // money: integer minor units plus ISO 4217 code, never floats
                ("unit_amount", ColType::BigInteger),
                ("currency", ColType::String),
                ("interval", ColType::String),
                ("interval_count", ColType::IntegerWithDefault(1)),
                ("trial_days", ColType::IntegerWithDefault(0)),
                ("active", ColType::BooleanWithDefault(true)),
            ],
            &[("workspace", ""), ("product", "")],
        )
        .await?;
        create_index(m, "prices", &["workspace_id", "product_id"], false).await?;
        create_index(m, "prices", &["pid"], true).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_table(m, "prices").await
    }
}
