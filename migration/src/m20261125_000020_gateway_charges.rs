use loco_rs::schema::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Charges sent to an external gateway, by our idempotency key: the
        // key is claimed before the request, so a replay (or a gateway that
        // ignores Idempotency-Key) never charges twice.
        create_table(
            m,
            "gateway_charges",
            &[
                ("id", ColType::PkAuto),
                ("gateway", ColType::String),
                ("idempotency_key", ColType::StringUniq),
                ("reference", ColType::StringNull),
                ("status", ColType::String),
                ("failure_code", ColType::StringNull),
                ("failure_message", ColType::StringNull),
            ],
            &[],
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_table(m, "gateway_charges").await
    }
}
