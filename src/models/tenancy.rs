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

/// Workspace-owned rows that also belong to one customer.
pub trait CustomerOwned: TenantEntity<TenantId = i64> {
    fn customer_column() -> Self::Column;
}

macro_rules! customer_owned {
    ($($table:ident),* $(,)?) => {$(
        impl CustomerOwned for super::_entities::$table::Entity {
            fn customer_column() -> super::_entities::$table::Column {
                super::_entities::$table::Column::CustomerId
            }
        }
    )*};
}

customer_owned!(payment_methods, subscriptions, charges, invoices);

/// One of a customer's rows by id: `EntityNotFound` unless it is this
/// customer's, in this workspace.
///
/// # Errors
/// `EntityNotFound`, or a database error.
pub async fn find_for_customer<E>(
    db: &impl ConnectionTrait,
    workspace_id: i64,
    customer_id: i64,
    id: i64,
) -> ModelResult<E::Model>
where
    E: CustomerOwned,
    i64: Into<<E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType>,
{
    E::find_by_id(id)
        .in_tenant(workspace_id)
        .filter(E::customer_column().eq(customer_id))
        .one(db)
        .await?
        .ok_or(ModelError::EntityNotFound)
}
