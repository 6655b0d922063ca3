use loco_rs::schema::*;
use sea_orm_migration::prelude::*;

use crate::indexes::create_index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Every email to send, written in the transaction that decided it
        // (a settled renewal's receipt) or just before its job is queued.
        // The message is sealed (it may carry a sign-in link) and erased once
        // sent. An operator table like deferred_jobs: the workspace is kept
        // for tracing, not for scoping.
        create_table(
            m,
            "mail_outbox",
            &[
                ("id", ColType::PkAuto),
                ("workspace_id", ColType::BigIntegerNull),
                ("subject", ColType::String),
                ("sealed", ColType::TextNull),
                ("status", ColType::StringWithDefault("pending".into())),
                ("attempts", ColType::IntegerWithDefault(0)),
                ("next_attempt_at", ColType::TimestampWithTimeZone),
                ("claimed_until", ColType::TimestampWithTimeZoneNull),
                ("last_error", ColType::TextNull),
                ("sent_at", ColType::TimestampWithTimeZoneNull),
            ],
            &[],
        )
        .await?;
        create_index(m, "mail_outboxes", &["status", "next_attempt_at"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_table(m, "mail_outboxes").await
    }
}
