pub mod _entities;
pub mod money;
pub mod tenancy;

/// Gives a new row its public id and a changed row a fresh `updated_at`,
/// as Loco's generated models do; used in `before_save`.
macro_rules! stamp {
    ($this:expr, $insert:expr) => {{
        let mut this = $this;
        if $insert {
            this.pid = sea_orm::ActiveValue::Set(uuid::Uuid::new_v4());
        } else if this.updated_at.is_unchanged() {
            this.updated_at = sea_orm::ActiveValue::Set(chrono::Utc::now().into());
        }
        this
    }};
}
pub(crate) use stamp;

pub mod api_idempotency_keys;
pub mod api_keys;
pub mod audit_events;
pub mod charges;
pub mod customer_sessions;
pub mod customers;
pub mod deferred_jobs;
pub mod events;
pub mod gateway_charges;
pub mod invoices;
pub mod mail_outbox;
pub mod memberships;
pub mod overview;
pub mod payment_methods;
pub mod plan_changes;
pub mod prices;
pub mod products;
pub mod proration;
pub mod refunds;
pub mod renewals;
pub mod sandbox_charges;
pub mod sandbox_refunds;
pub mod sandbox_sessions;
pub mod sign_in_requests;
pub mod sign_in_tokens;
pub mod subscriptions;
pub mod users;
pub mod webhook_deliveries;
pub mod webhook_endpoints;
pub mod workspaces;

/// Begins a transaction that writes. On SQLite it starts `IMMEDIATE`: it
/// takes the write lock up front, waiting (busy timeout) while another
/// writer holds it. SQLite's default, `DEFERRED`, starts reading and fails at
/// once with "database is locked" when it then writes while another
/// connection writes (an upgrade never waits), which lost renewals' invoices
/// and receipts when two workers wrote at the same moment. PostgreSQL
/// ignores the mode.
///
/// # Errors
/// When the database cannot begin one.
pub async fn write_transaction<C: sea_orm::TransactionTrait>(
    db: &C,
) -> Result<C::Transaction, sea_orm::DbErr> {
    db.begin_with_options(sea_orm::TransactionOptions {
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// What an active model will write for a field, for validators: `None` when
/// the field is not set (the database default applies).
pub(crate) fn field<V>(value: &sea_orm::ActiveValue<V>) -> Option<V>
where
    V: Clone + Into<sea_orm::Value>,
{
    value.try_as_ref().cloned()
}

/// A value for a one-line field (a name, an address line): a line break in
/// it could split an email header or a CSV row, and a person never means one.
///
/// # Errors
/// A validation error asking for one line.
pub fn single_line(value: &str) -> Result<(), validator::ValidationError> {
    if value.contains(['\r', '\n']) {
        Err(validator::ValidationError::new("error-single-line")
            .with_message("Enter this on one line, without line breaks.".into()))
    } else {
        Ok(())
    }
}

/// A finder's answer where only a missing row is "not found": any other
/// failure (the database down, a broken query) stays an error, answered as
/// a 500 with the request id and logged, never disguised as a 404.
pub trait Found<T> {
    /// # Errors
    /// `Error::NotFound` for a missing row; the failure itself otherwise.
    fn or_404(self) -> loco_rs::Result<T>;
}

impl<T> Found<T> for loco_rs::model::ModelResult<T> {
    fn or_404(self) -> loco_rs::Result<T> {
        self.map_err(|err| match err {
            loco_rs::model::ModelError::EntityNotFound => loco_rs::Error::NotFound,
            other => other.into(),
        })
    }
}

/// A validation failure on one field, shaped like the ones `before_save`
/// raises, for checks a validator cannot make (they need the settings or DNS).
#[must_use]
pub fn field_error(field: &str, message: &str) -> loco_rs::model::ModelError {
    loco_rs::model::ModelError::DbErr(sea_orm::DbErr::Custom(
        serde_json::json!({ field: [{ "code": field, "message": message }] }).to_string(),
    ))
}

/// A refusal a person reads, by Fluent id (`refusal-*`) and arguments. It
/// travels in `ModelError::Message`, so every path that passes a refusal on
/// keeps working, and is written by `locale::say`: in the customer's
/// language on portal pages, in English in the API and the console.
#[must_use]
pub fn refused(key: &str, args: &[(&str, &str)]) -> loco_rs::model::ModelError {
    loco_rs::model::ModelError::Message(crate::locale::sayable(key, args))
}

/// A field's message as people read it: a capital first letter and a full
/// stop (validator messages are written as fragments).
pub fn sentence(message: &str) -> String {
    if message.starts_with('\u{2}') {
        return message.to_string(); // a Fluent message, written as a sentence already
    }
    let message = message.trim();
    let mut chars = message.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let mut text: String = first.to_uppercase().chain(chars).collect();
    if !text.ends_with(['.', '!', '?']) {
        text.push('.');
    }
    text
}

/// Field name → first message in English (the API's and the console's),
/// when `err` is a validation failure (see `field_errors_in`).
#[must_use]
pub fn field_errors(
    err: &loco_rs::model::ModelError,
) -> Option<std::collections::BTreeMap<String, String>> {
    field_errors_in(err, crate::locale::DEFAULT)
}

/// Field name → first message in `lang`, when `err` is a validation failure
/// (see `field_messages`).
#[must_use]
pub fn field_errors_in(
    err: &loco_rs::model::ModelError,
    lang: &str,
) -> Option<std::collections::BTreeMap<String, String>> {
    field_messages(err).map(|messages| {
        messages
            .into_iter()
            .map(|(field, message)| (field, crate::locale::say(&message, lang)))
            .collect()
    })
}

/// Field name → first message, not yet in a language, when `err` is a
/// validation failure raised in `before_save` (Loco carries those as JSON
/// inside `DbErr::Custom`): a check whose code is a Fluent id (`error-*`,
/// `refusal-*`) becomes that message (`locale::sayable`), any other message
/// a sentence.
#[must_use]
pub fn field_messages(
    err: &loco_rs::model::ModelError,
) -> Option<std::collections::BTreeMap<String, String>> {
    #[derive(serde::Deserialize)]
    struct Message {
        code: String,
        message: Option<String>,
    }
    let loco_rs::model::ModelError::DbErr(sea_orm::DbErr::Custom(json)) = err else {
        return None;
    };
    let parsed: std::collections::BTreeMap<String, Vec<Message>> =
        serde_json::from_str(json).ok()?;
    Some(
        parsed
            .into_iter()
            .filter_map(|(field, messages)| {
                messages.into_iter().next().map(|m| {
                    let fluent = m.code.starts_with("error-") || m.code.starts_with("refusal-");
                    let message = if fluent {
                        crate::locale::sayable(&m.code, &[])
                    } else {
                        sentence(&m.message.unwrap_or(m.code))
                    };
                    (field, message)
                })
            })
            .collect(),
    )
}
