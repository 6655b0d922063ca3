//! Who changed what, when: written alongside every change a customer or
//! merchant makes, shown in the console's audit trail.
use loco_rs::prelude::*;

pub use super::_entities::audit_events::{self, ActiveModel, Column, Entity, Model};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Customer(i64),
    MerchantUser(i64),
    System,
}

impl Actor {
    const fn parts(self) -> (&'static str, Option<i64>) {
        match self {
            Self::Customer(id) => ("customer", Some(id)),
            Self::MerchantUser(id) => ("user", Some(id)),
            Self::System => ("system", None),
        }
    }
}

#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// Appends an audit event.
    ///
    /// # Errors
    /// On a database error.
    #[allow(clippy::too_many_arguments)]
    pub async fn record(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        actor: Actor,
        subject_type: &str,
        subject_id: i64,
        action: &str,
        changes: serde_json::Value,
        ip: Option<&str>,
    ) -> ModelResult<Self> {
        let (actor_type, actor_id) = actor.parts();
        Ok(ActiveModel {
            actor_type: Set(actor_type.to_string()),
            actor_id: Set(actor_id),
            subject_type: Set(subject_type.to_string()),
            subject_id: Set(subject_id),
            action: Set(action.to_string()),
            changes: Set(changes),
            ip: Set(ip.map(str::to_string)),
            ..Default::default()
        }
        .set_tenant(workspace_id)?
        .insert(db)
        .await?)
    }

    /// The trail for one record, newest first.
    ///
    /// # Errors
    /// On a database error.
    pub async fn list_for_subject(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        subject_type: &str,
        subject_id: i64,
    ) -> ModelResult<Vec<Self>> {
        Ok(Entity::find()
            .in_tenant(workspace_id)
            .filter(Column::SubjectType.eq(subject_type))
            .filter(Column::SubjectId.eq(subject_id))
            .order_by_desc(Column::CreatedAt)
            .order_by_desc(Column::Id)
            .all(db)
            .await?)
    }

    /// A customer's trail, newest first: changes to the customer, their
    /// subscriptions and their payment methods, each naming who made it and
    /// what changed, for people to read.
    ///
    /// # Errors
    /// On a database error.
    pub async fn trail_for_customer(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        customer: &super::customers::Model,
        limit: u64,
    ) -> ModelResult<Vec<TrailEntry>> {
        use super::_entities::{payment_methods, subscriptions, users};
        let subscription_ids: Vec<i64> = subscriptions::Entity::find()
            .in_tenant(workspace_id)
            .filter(subscriptions::Column::CustomerId.eq(customer.id))
            .all(db)
            .await?
            .iter()
            .map(|s| s.id)
            .collect();
        let method_ids: Vec<i64> = payment_methods::Entity::find()
            .in_tenant(workspace_id)
            .filter(payment_methods::Column::CustomerId.eq(customer.id))
            .all(db)
            .await?
            .iter()
            .map(|m| m.id)
            .collect();
        let events = Entity::find()
            .in_tenant(workspace_id)
            .filter(
                Condition::any()
                    .add(
                        Condition::all()
                            .add(Column::SubjectType.eq("customer"))
                            .add(Column::SubjectId.eq(customer.id)),
                    )
                    .add(
                        Condition::all()
                            .add(Column::SubjectType.eq("subscription"))
                            .add(Column::SubjectId.is_in(subscription_ids)),
                    )
                    .add(
                        Condition::all()
                            .add(Column::SubjectType.eq("payment_method"))
                            .add(Column::SubjectId.is_in(method_ids)),
                    ),
            )
            .order_by_desc(Column::CreatedAt)
            .order_by_desc(Column::Id)
            .limit(limit)
            .all(db)
            .await?;
        let user_ids: Vec<i64> = events
            .iter()
            .filter(|e| e.actor_type == "user")
            .filter_map(|e| e.actor_id)
            .collect();
        let people: std::collections::HashMap<i64, String> = users::Entity::find()
            .filter(users::Column::Id.is_in(user_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, format!("{} ({})", u.name, u.email)))
            .collect();
        Ok(events
            .into_iter()
            .map(|e| {
                let who = match (e.actor_type.as_str(), e.actor_id) {
                    ("customer", Some(id)) if id == customer.id => {
                        format!("{} (customer, in the portal)", customer.name)
                    }
                    ("user", Some(id)) => people
                        .get(&id)
                        .cloned()
                        .unwrap_or_else(|| "A former console user".to_string()),
                    ("system", _) => "The billing engine".to_string(),
                    (other, _) => other.to_string(),
                };
                TrailEntry {
                    when: e.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                    who,
                    action: e.action.clone(),
                    changes: change_lines(&e.changes),
                }
            })
            .collect())
    }
}

/// One line of an audit trail, as the console shows it.
#[derive(Debug, serde::Serialize)]
pub struct TrailEntry {
    pub when: String,
    pub who: String,
    pub action: String,
    /// `field: old → new`, or `field: value` for what was recorded as is.
    pub changes: Vec<String>,
}

/// What an event's `changes` say, one line a field: `{"before": {..},
/// "after": {..}}` and `{"field": [old, new]}` as `field: old → new` (only
/// fields that changed), anything else as `field: value`.
#[must_use]
pub fn change_lines(changes: &serde_json::Value) -> Vec<String> {
    use serde_json::Value;
    fn show(value: &Value) -> String {
        match value {
            Value::Null => "(none)".to_string(),
            Value::String(text) if text.is_empty() => "(empty)".to_string(),
            Value::String(text) => text.clone(),
            Value::Array(items) => items.iter().map(show).collect::<Vec<_>>().join(", "),
            other => other.to_string(),
        }
    }
    let Value::Object(fields) = changes else {
        return match changes {
            Value::Null => Vec::new(),
            other => vec![show(other)],
        };
    };
    if let (Some(Value::Object(before)), Some(Value::Object(after))) =
        (fields.get("before"), fields.get("after"))
    {
        let mut lines: Vec<String> = after
            .iter()
            .filter(|(key, new)| before.get(*key) != Some(*new))
            .map(|(key, new)| {
                format!(
                    "{key}: {} → {}",
                    show(before.get(key).unwrap_or(&Value::Null)),
                    show(new)
                )
            })
            .collect();
        lines.extend(
            fields
                .iter()
                .filter(|(key, _)| *key != "before" && *key != "after")
                .map(|(key, value)| format!("{key}: {}", show(value))),
        );
        return lines;
    }
    fields
        .iter()
        .map(|(key, value)| match value {
            Value::Array(pair) if pair.len() == 2 => {
                format!("{key}: {} → {}", show(&pair[0]), show(&pair[1]))
            }
            other => format!("{key}: {}", show(other)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::change_lines;
    use serde_json::json;

    #[test]
    fn changes_read_as_field_old_new() {
        assert_eq!(
            change_lines(&json!({ "email": ["a@x.test", "b@x.test"] })),
            ["email: a@x.test → b@x.test"]
        );
        assert_eq!(
            change_lines(&json!({
                "before": { "name": "Acme", "accent_color": "#4338ca" },
                "after": { "name": "Acme", "accent_color": "#0f766e" },
                "logo": null
            })),
            ["accent_color: #4338ca → #0f766e", "logo: (none)"]
        );
        assert_eq!(
            change_lines(&json!({ "reason": "too_expensive", "periods": 2 })),
            ["periods: 2", "reason: too_expensive"]
        );
    }
}
