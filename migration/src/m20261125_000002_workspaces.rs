use loco_rs::schema::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        create_table(
            m,
            "workspaces",
            &[
                ("id", ColType::PkAuto),
                ("pid", ColType::Uuid),
                ("slug", ColType::StringUniq),
                ("name", ColType::String),
                // branding
                ("logo_url", ColType::StringNull),
                ("accent_color", ColType::StringWithDefault("#4338ca".into())),
                ("support_email", ColType::StringNull),
                ("return_url", ColType::StringNull),
                ("default_locale", ColType::StringWithDefault("en-US".into())),
                // portal sections
                ("section_subscriptions", ColType::BooleanWithDefault(true)),
                ("section_payment_methods", ColType::BooleanWithDefault(true)),
                ("section_billing_history", ColType::BooleanWithDefault(true)),
                ("section_profile", ColType::BooleanWithDefault(true)),
                // portal actions
                (
                    "allow_change_renewal_method",
                    ColType::BooleanWithDefault(true),
                ),
                ("allow_paypal", ColType::BooleanWithDefault(true)),
                (
                    "allow_invoice_generation",
                    ColType::BooleanWithDefault(true),
                ),
                ("allow_payment_retry", ColType::BooleanWithDefault(true)),
                ("profile_edit_name", ColType::BooleanWithDefault(true)),
                ("profile_edit_email", ColType::BooleanWithDefault(true)),
                ("profile_edit_address", ColType::BooleanWithDefault(true)),
                ("profile_edit_marketing", ColType::BooleanWithDefault(true)),
                // dunning: retry delays in days, comma separated, then what to do
                (
                    "dunning_retry_days",
                    ColType::StringWithDefault("1,3,5".into()),
                ),
                (
                    "dunning_final_action",
                    ColType::StringWithDefault("cancel".into()),
                ),
                // seller details for invoices
                ("legal_name", ColType::StringNull),
                ("seller_address", ColType::TextNull),
                ("tax_id", ColType::StringNull),
                ("tax_rate_bps", ColType::IntegerWithDefault(0)),
                ("invoice_prefix", ColType::StringNull),
                ("next_invoice_number", ColType::BigIntegerWithDefault(1)),
            ],
            &[],
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_table(m, "workspaces").await
    }
}
