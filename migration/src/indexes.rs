//! Composite and unique indexes, which Loco's `create_table` does not express.
use sea_orm_migration::prelude::*;

/// Creates `idx-{table}-{cols}` over `cols` (unique when asked).
pub async fn create_index(
    m: &SchemaManager<'_>,
    table: &str,
    cols: &[&str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut idx = Index::create();
    idx.name(format!("idx-{table}-{}", cols.join("-")))
        .table(Alias::new(table))
        .if_not_exists();
    for col in cols {
        idx.col(Alias::new(*col));
    }
    if unique {
        idx.unique();
    }
    m.create_index(idx.to_owned()).await
}
