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
    api_idempotency_keys,
    refunds,
    subscription_tallies,
    monthly_tallies,
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

/// Tables whose rows have a public id (`pid`): what the merchant API shows.
pub trait PidOwned: TenantEntity<TenantId = i64> {
    fn pid_column() -> Self::Column;
    fn id_column() -> Self::Column;
}

macro_rules! pid_owned {
    ($($table:ident),* $(,)?) => {$(
        impl PidOwned for super::_entities::$table::Entity {
            fn pid_column() -> super::_entities::$table::Column {
                super::_entities::$table::Column::Pid
            }
            fn id_column() -> super::_entities::$table::Column {
                super::_entities::$table::Column::Id
            }
        }
    )*};
}

pid_owned!(
    customers,
    products,
    prices,
    payment_methods,
    subscriptions,
    charges,
    invoices,
    webhook_endpoints
);

/// A workspace's row by public id; another workspace's id is not found.
///
/// # Errors
/// `EntityNotFound` unless the row is this workspace's.
pub async fn find_by_pid<E: PidOwned>(
    db: &impl ConnectionTrait,
    workspace_id: i64,
    pid: uuid::Uuid,
) -> ModelResult<E::Model> {
    E::find()
        .in_tenant(workspace_id)
        .filter(E::pid_column().eq(pid))
        .one(db)
        .await?
        .ok_or(ModelError::EntityNotFound)
}
