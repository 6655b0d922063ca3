pub mod _entities;
pub mod money;
pub mod tenancy;

pub mod api_keys;
pub mod audit_events;
pub mod charges;
pub mod customer_sessions;
pub mod customers;
pub mod events;
pub mod invoices;
pub mod memberships;
pub mod payment_methods;
pub mod prices;
pub mod products;
pub mod sign_in_tokens;
pub mod subscriptions;
pub mod users;
pub mod webhook_deliveries;
pub mod webhook_endpoints;
pub mod workspaces;

/// What an active model will write for a field, for validators: `None` when
/// the field is not set (the database default applies).
pub(crate) fn field<V>(value: &sea_orm::ActiveValue<V>) -> Option<V>
where
    V: Clone + Into<sea_orm::Value>,
{
    value.try_as_ref().cloned()
}
