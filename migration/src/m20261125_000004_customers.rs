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
            "customers",
            &[
                ("id", ColType::PkAuto),
                ("pid", ColType::Uuid),
                // stored lower-cased: the same mailbox is one customer per workspace
                ("email", ColType::String),
                ("name", ColType::String),
                ("address_line1", ColType::StringNull),
                ("address_line2", ColType::StringNull),
                ("city", ColType::StringNull),
                ("region", ColType::StringNull),
                ("postal_code", ColType::StringNull),
                ("country", ColType::StringNull),
                ("marketing_opt_in", ColType::BooleanWithDefault(false)),
                ("locale", ColType::StringNull),
                // no FK: payment_methods references customers, and a detached
                // method may stay default on nothing; the model keeps it consistent
                ("default_payment_method_id", ColType::BigIntegerNull),
                ("gateway_customer_ref", ColType::StringNull),
            ],
            &[("workspace", "")],
        )
        .await?;
        create_index(m, "customers", &["workspace_id", "email"], true).await?;
        create_index(m, "customers", &["workspace_id", "name"], false).await?;
        create_index(m, "customers", &["pid"], true).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_table(m, "customers").await
    }
}
