use loco_rs::schema::*;
use sea_orm_migration::prelude::*;

use crate::indexes::create_index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Jobs the queue could not take (Redis down) or that asked to be run
        // again later (mail while SMTP is down). An operator table like the
        // queue's own: the workspace, where there is one, is in the args.
        create_table(
            m,
            "deferred_jobs",
            &[
                ("id", ColType::PkAuto),
                ("worker", ColType::String),
                ("args", ColType::Text),
                ("attempts", ColType::IntegerWithDefault(0)),
                ("run_after", ColType::TimestampWithTimeZone),
                ("claimed_until", ColType::TimestampWithTimeZoneNull),
                ("last_error", ColType::TextNull),
            ],
            &[],
        )
        .await?;
        create_index(m, "deferred_jobs", &["run_after"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_table(m, "deferred_jobs").await
    }
}
