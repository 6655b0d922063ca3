use sea_orm_migration::prelude::*;

use crate::indexes::create_index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Every sandbox charge looks its saved method up by token: without an
        // index that was a scan of every saved method (measured by the
        // renewals benchmark at 100,000 customers).
        create_index(m, "sandbox_sessions", &["token"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx-sandbox_sessions-token")
                .table(Alias::new("sandbox_sessions"))
                .to_owned(),
        )
        .await
    }
}
