use loco_rs::schema::*;
use sea_orm_migration::prelude::*;

use crate::indexes::create_index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // A refund of (part of) a paid charge. `charges.amount_refunded` is
        // what its refunds have taken, reserved before the gateway is asked,
        // so two refunds at once never return more than was paid.
        create_table(
            m,
            "refunds",
            &[
                ("id", ColType::PkAuto),
                ("pid", ColType::Uuid),
                ("amount", ColType::BigInteger),
                ("currency", ColType::String),
                ("reason", ColType::StringNull),
                ("idempotency_key", ColType::String),
                ("status", ColType::String),
                ("gateway_refund_ref", ColType::StringNull),
                ("failure_message", ColType::StringNull),
                ("refunded_by_user_id", ColType::BigIntegerNull),
            ],
            &[
                ("workspace", ""),
                ("charge", ""),
                ("customer", ""),
                ("invoices?", "credit_note_id"),
            ],
        )
        .await?;
        create_index(m, "refunds", &["workspace_id", "idempotency_key"], true).await?;
        create_index(m, "refunds", &["pid"], true).await?;
        add_column(
            m,
            "charges",
            "amount_refunded",
            ColType::BigIntegerWithDefault(0),
        )
        .await?;
        // a credit note is an invoice of kind "credit_note", with negative
        // amounts, numbered in the same sequence
        add_column(
            m,
            "invoices",
            "kind",
            ColType::StringWithDefault("invoice".into()),
        )
        .await?;
        // the sandbox gateway's own record of refunds
        create_table(
            m,
            "sandbox_refunds",
            &[
                ("id", ColType::PkAuto),
                ("reference", ColType::StringUniq),
                ("idempotency_key", ColType::StringUniq),
                ("charge_reference", ColType::String),
                ("amount", ColType::BigInteger),
                ("currency", ColType::String),
            ],
            &[],
        )
        .await?;
        create_index(m, "sandbox_refunds", &["charge_reference"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_table(m, "sandbox_refunds").await?;
        remove_column(m, "invoices", "kind").await?;
        remove_column(m, "charges", "amount_refunded").await?;
        drop_table(m, "refunds").await
    }
}
