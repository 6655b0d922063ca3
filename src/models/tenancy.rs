//! Which entities belong to a workspace: Loco's `TenantEntity` for each, so
//! every finder can say `.in_tenant(workspace_id)`.
use loco_rs::prelude::*;

macro_rules! workspace_owned {
    ($($table:ident),* $(,)?) => {$(
        impl TenantEntity for super::_entities::$table::Entity {
            type TenantId = i64;

            fn tenant_column() -> super::_entities::$table::Column {
                super::_entities::$table::Column::WorkspaceId
            }
        }
    )*};
}

workspace_owned!(
    memberships,
    customers,
    products,
    prices,
    payment_methods,
    subscriptions,
    charges,
    invoices,
    sign_in_requests,
    sign_in_tokens,
    customer_sessions,
    audit_events,
    webhook_endpoints,
    events,
    webhook_deliveries,
    api_keys,
);
