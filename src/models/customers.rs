//! A workspace's customer: the person who signs in to the portal.
//! Email is unique per workspace (stored lower-cased), not globally: the same
//! person may be a customer of several merchants, each a separate record.
use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use loco_rs::prelude::*;
use sea_orm::sea_query::ExprTrait as _;
use serde::Deserialize;
use serde_json::json;

use super::{
    audit_events::{self, Actor},
    events,
    sign_in_tokens::{self, IssuedToken},
};
use crate::secrets::Secrets;

pub use super::_entities::customers::{self, ActiveModel, Column, Entity, Model};

/// Fields a new customer starts with.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewCustomer {
    pub email: String,
    pub name: String,
    pub address_line1: Option<String>,
    pub address_line2: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    #[serde(default)]
    pub marketing_opt_in: bool,
    pub locale: Option<String>,
}

/// Emails are case-insensitive in practice; one canonical form per mailbox.
#[must_use]
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

fn validate_country(country: &str) -> Result<(), validator::ValidationError> {
    if crate::countries::is_known(country) {
        Ok(())
    } else {
        Err(
            validator::ValidationError::new("error-country-unknown").with_message(
                "choose a country from the list, or give its ISO code such as US or DE".into(),
            ),
        )
    }
}

#[derive(Debug, Validate)]
pub struct Validator {
    #[validate(email(
        code = "error-email-invalid",
        message = "enter a valid email address, like name@example.com"
    ))]
    pub email: Option<String>,
    #[validate(
        length(
            min = 1,
            max = 120,
            code = "error-name-length",
            message = "enter a name of up to 120 characters"
        ),
        custom(function = "super::single_line")
    )]
    pub name: Option<String>,
    #[validate(
        length(
            max = 200,
            code = "error-address-line-length",
            message = "keep each address line under 200 characters"
        ),
        custom(function = "super::single_line")
    )]
    pub address_line1: Option<String>,
    #[validate(
        length(
            max = 200,
            code = "error-address-line-length",
            message = "keep each address line under 200 characters"
        ),
        custom(function = "super::single_line")
    )]
    pub address_line2: Option<String>,
    #[validate(
        length(
            max = 100,
            code = "error-city-length",
            message = "keep the city under 100 characters"
        ),
        custom(function = "super::single_line")
    )]
    pub city: Option<String>,
    #[validate(
        length(
            max = 100,
            code = "error-region-length",
            message = "keep the region under 100 characters"
        ),
        custom(function = "super::single_line")
    )]
    pub region: Option<String>,
    #[validate(
        length(
            max = 20,
            code = "error-postal-code-length",
            message = "keep the postal code under 20 characters"
        ),
        custom(function = "super::single_line")
    )]
    pub postal_code: Option<String>,
    #[validate(custom(function = "validate_country"))]
    pub country: Option<String>,
}

impl Validatable for ActiveModel {
    fn validator(&self) -> Box<dyn Validate> {
        Box::new(Validator {
            email: super::field(&self.email),
            name: super::field(&self.name),
            address_line1: super::field(&self.address_line1).flatten(),
            address_line2: super::field(&self.address_line2).flatten(),
            city: super::field(&self.city).flatten(),
            region: super::field(&self.region).flatten(),
            postal_code: super::field(&self.postal_code).flatten(),
            country: super::field(&self.country).flatten(),
        })
    }
}

#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {
    async fn before_save<C>(self, _db: &C, insert: bool) -> Result<Self, DbErr>
    where
        C: ConnectionTrait,
    {
        self.validate()?;
        Ok(super::stamp!(self, insert))
    }
}

fn blank_to_none(value: Option<&String>) -> Option<String> {
    value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

impl Model {
    /// # Errors
    /// `EntityNotFound` unless the customer exists in this workspace.
    pub async fn find_in_workspace(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        id: i64,
    ) -> ModelResult<Self> {
        Entity::find_by_id(id)
            .in_tenant(workspace_id)
            .one(db)
            .await?
            .ok_or(ModelError::EntityNotFound)
    }

    /// # Errors
    /// `EntityNotFound` unless this workspace has a customer with this email.
    pub async fn find_by_email(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        email: &str,
    ) -> ModelResult<Self> {
        Entity::find()
            .in_tenant(workspace_id)
            .filter(Column::Email.eq(normalize_email(email)))
            .one(db)
            .await?
            .ok_or(ModelError::EntityNotFound)
    }

    /// The workspace's customers among `ids`, by id (list pages label rows
    /// with their customer).
    ///
    /// # Errors
    /// On a database error.
    pub async fn by_ids(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        ids: impl IntoIterator<Item = i64>,
    ) -> ModelResult<std::collections::HashMap<i64, Self>> {
        Ok(Entity::find()
            .in_tenant(workspace_id)
            .filter(Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect())
    }

    /// Customers whose email or name contains `term`, newest first; `before`
    /// (a row id) continues a previous page.
    ///
    /// # Errors
    /// On a database error.
    pub async fn search(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        term: &str,
        before: Option<i64>,
        limit: u64,
    ) -> ModelResult<Vec<Self>> {
        let term = term.trim();
        let mut query = Entity::find().in_tenant(workspace_id);
        if let Some(before) = before {
            query = query.filter(Column::Id.lt(before));
        }
        if !term.is_empty() {
            query = query.filter(
                Condition::any()
                    .add(Column::Email.contains(normalize_email(term)))
                    // names match whatever their case, on PostgreSQL as on SQLite
                    .add(
                        sea_orm::sea_query::Expr::expr(sea_orm::sea_query::Func::lower(
                            sea_orm::sea_query::Expr::col(Column::Name),
                        ))
                        .like(format!("%{}%", term.to_lowercase())),
                    ),
            );
        }
        Ok(query.order_by_desc(Column::Id).limit(limit).all(db).await?)
    }

    /// Creates a customer in the workspace.
    ///
    /// # Errors
    /// A validation error naming the field, or `EntityAlreadyExists` when the
    /// workspace already has a customer with this email.
    pub async fn create(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        params: &NewCustomer,
    ) -> ModelResult<Self> {
        let email = normalize_email(&params.email);
        if Self::find_by_email(db, workspace_id, &email).await.is_ok() {
            return Err(ModelError::EntityAlreadyExists);
        }
        let customer = ActiveModel {
            email: Set(email),
            name: Set(params.name.trim().to_string()),
            address_line1: Set(blank_to_none(params.address_line1.as_ref())),
            address_line2: Set(blank_to_none(params.address_line2.as_ref())),
            city: Set(blank_to_none(params.city.as_ref())),
            region: Set(blank_to_none(params.region.as_ref())),
            postal_code: Set(blank_to_none(params.postal_code.as_ref())),
            country: Set(blank_to_none(params.country.as_ref()).map(|c| c.to_uppercase())),
            marketing_opt_in: Set(params.marketing_opt_in),
            locale: Set(blank_to_none(params.locale.as_ref())),
            ..Default::default()
        }
        .set_tenant(workspace_id)?;
        Ok(customer.insert(db).await?)
    }

    /// The billing address as printable lines (empty parts left out).
    #[must_use]
    pub fn address_lines(&self) -> Vec<String> {
        let city_line = [self.postal_code.as_deref(), self.city.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        [
            self.address_line1.clone(),
            self.address_line2.clone(),
            Some(city_line).filter(|l| !l.is_empty()),
            self.region.clone(),
            self.country.clone(),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// Profile fields a customer (or merchant) changes; `None` leaves a field
/// as it is (also how fields the workspace does not let customers edit stay put).
#[derive(Debug, Clone, Default)]
pub struct ProfileChanges {
    pub name: Option<String>,
    pub address_line1: Option<String>,
    pub address_line2: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    pub marketing_opt_in: Option<bool>,
    /// one of `locale::available()`, or blank to follow the browser
    pub locale: Option<String>,
}

/// Where a profile change came from, for the audit trail.
#[derive(Debug, Clone, Copy)]
pub struct ChangeContext<'a> {
    pub actor: Actor,
    pub ip: Option<&'a str>,
}

fn publish_updated<'a>(
    db: &'a impl ConnectionTrait,
    customer: &'a Model,
    changed: Vec<String>,
) -> impl std::future::Future<Output = ModelResult<events::Model>> + 'a {
    events::Model::publish(
        db,
        customer.workspace_id,
        events::CUSTOMER_UPDATED,
        Some(customer.id),
        json!({
            "customer": {
                "id": customer.pid,
                "email": customer.email,
                "name": customer.name,
                "address": {
                    "line1": customer.address_line1,
                    "line2": customer.address_line2,
                    "city": customer.city,
                    "region": customer.region,
                    "postal_code": customer.postal_code,
                    "country": customer.country,
                },
                "marketing_opt_in": customer.marketing_opt_in,
            },
            "changed": changed,
        }),
    )
}

/// A new email address the customer asked for along with a profile change:
/// it is confirmed by a link to that address before it takes effect.
#[derive(Clone, Copy)]
pub struct EmailChange<'a> {
    pub secrets: &'a Secrets,
    pub new_email: &'a str,
    pub now: DateTime<FixedOffset>,
}

impl Model {
    /// Applies profile changes at once: saved, written to the audit trail and
    /// announced as a `customer.updated` event, all in one transaction; with
    /// an `email_change`, its confirmation token is issued in the same one.
    /// The form is saved whole or not at all: every field's error (the new
    /// email's included) is returned together and nothing is written.
    ///
    /// # Errors
    /// A validation error (see `models::field_errors`) naming every field that
    /// is wrong, or a database error.
    pub async fn update_profile(
        self,
        db: &DatabaseConnection,
        changes: &ProfileChanges,
        email_change: Option<EmailChange<'_>>,
        context: ChangeContext<'_>,
    ) -> ModelResult<(Self, Option<IssuedToken>)> {
        let mut diff = serde_json::Map::new();
        let mut record = |field: &str, old: serde_json::Value, new: serde_json::Value| {
            if old != new {
                diff.insert(field.to_string(), json!([old, new]));
            }
        };
        let mut active = self.clone().into_active_model();
        if let Some(name) = &changes.name {
            record("name", json!(self.name), json!(name.trim()));
            active.name = Set(name.trim().to_string());
        }
        macro_rules! optional_text {
            ($field:ident) => {
                if let Some(value) = &changes.$field {
                    let value = blank_to_none(Some(value));
                    record(stringify!($field), json!(self.$field), json!(value));
                    active.$field = Set(value);
                }
            };
        }
        optional_text!(address_line1);
        optional_text!(address_line2);
        optional_text!(city);
        optional_text!(region);
        optional_text!(postal_code);
        if let Some(country) = &changes.country {
            let value = blank_to_none(Some(country)).map(|c| c.to_uppercase());
            record("country", json!(self.country), json!(value));
            active.country = Set(value);
        }
        if let Some(opt_in) = changes.marketing_opt_in {
            record(
                "marketing_opt_in",
                json!(self.marketing_opt_in),
                json!(opt_in),
            );
            active.marketing_opt_in = Set(opt_in);
        }
        let mut locale_error = None;
        if let Some(locale) = &changes.locale {
            let value = blank_to_none(Some(locale));
            match value.as_deref() {
                Some(code) if !crate::locale::available().contains(&code) => {
                    locale_error = Some(crate::locale::sayable("refusal-choose-language", &[]));
                }
                _ => {
                    record("locale", json!(self.locale), json!(value));
                    active.locale = Set(value);
                }
            }
        }
        // every problem first, before anything is written
        let mut errors = match active.validate() {
            Ok(()) => BTreeMap::new(),
            Err(invalid) => {
                // kept in no language yet: the reader's is chosen where it is shown
                super::field_messages(&ModelError::DbErr(DbErr::from(invalid))).unwrap_or_default()
            }
        };
        if let Some(message) = locale_error {
            errors.insert("locale".to_string(), message);
        }
        let new_email = match email_change {
            Some(change) => match self.check_new_email(db, change.new_email).await {
                Ok(email) => Some((change, email)),
                Err(ModelError::Message(message)) => {
                    errors.insert("email".to_string(), message);
                    None
                }
                Err(err) => return Err(err),
            },
            None => None,
        };
        if !errors.is_empty() {
            return Err(ModelError::DbErr(DbErr::Custom(
                json!(errors
                    .into_iter()
                    .map(|(field, message)| (
                        field,
                        json!([{ "code": "invalid", "message": message }])
                    ))
                    .collect::<serde_json::Map<_, _>>())
                .to_string(),
            )));
        }
        if diff.is_empty() && new_email.is_none() {
            return Ok((self, None));
        }
        let txn = crate::models::write_transaction(db).await?;
        let updated = if diff.is_empty() {
            self
        } else {
            let updated = active.update(&txn).await?;
            let changed: Vec<String> = diff.keys().cloned().collect();
            audit_events::Model::record(
                &txn,
                updated.workspace_id,
                context.actor,
                "customer",
                updated.id,
                "profile.updated",
                serde_json::Value::Object(diff),
                context.ip,
            )
            .await?;
            publish_updated(&txn, &updated, changed).await?;
            updated
        };
        let issued = match new_email {
            Some((change, email)) => Some(
                updated
                    .issue_email_change(&txn, change.secrets, &email, context, change.now)
                    .await?,
            ),
            None => None,
        };
        txn.commit().await?;
        Ok((updated, issued))
    }

    /// The normalized new address, if it may replace this customer's.
    ///
    /// # Errors
    /// `Message` for a malformed, unchanged or taken address; a database error.
    async fn check_new_email(
        &self,
        db: &DatabaseConnection,
        new_email: &str,
    ) -> ModelResult<String> {
        let new_email = normalize_email(new_email);
        if !validator::ValidateEmail::validate_email(&new_email) {
            return Err(super::refused("error-email-invalid", &[]));
        }
        if new_email == self.email {
            return Err(super::refused("refusal-email-unchanged", &[]));
        }
        match Self::find_by_email(db, self.workspace_id, &new_email).await {
            Ok(_) => Err(super::refused("refusal-email-taken", &[])),
            Err(ModelError::EntityNotFound) => Ok(new_email),
            Err(err) => Err(err),
        }
    }

    /// Issues the confirmation link for an email change (nothing changes
    /// until it is used) and records the request.
    async fn issue_email_change(
        &self,
        txn: &impl ConnectionTrait,
        secrets: &Secrets,
        new_email: &str,
        context: ChangeContext<'_>,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<IssuedToken> {
        let issued = sign_in_tokens::Model::issue(
            txn,
            secrets,
            self.workspace_id,
            self.id,
            sign_in_tokens::PURPOSE_EMAIL_CHANGE,
            Some(new_email),
            context.ip,
            now,
        )
        .await?;
        audit_events::Model::record(
            txn,
            self.workspace_id,
            context.actor,
            "customer",
            self.id,
            "email_change.requested",
            json!({ "email": [self.email, new_email] }),
            context.ip,
        )
        .await?;
        Ok(issued)
    }

    /// Completes an email change with the link sent to the new address;
    /// the customer as changed and the address they had before.
    ///
    /// # Errors
    /// `EntityNotFound` for an unknown, used or expired link; `Message` when
    /// the address was taken meanwhile.
    pub async fn confirm_email_change(
        db: &DatabaseConnection,
        secrets: &Secrets,
        workspace_id: i64,
        token: &str,
        ip: Option<&str>,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<(Self, String)> {
        let txn = crate::models::write_transaction(db).await?;
        let link = sign_in_tokens::Model::redeem(
            &txn,
            secrets,
            workspace_id,
            token,
            sign_in_tokens::PURPOSE_EMAIL_CHANGE,
            now,
        )
        .await?;
        let new_email = link.new_email.clone().ok_or(ModelError::EntityNotFound)?;
        if Self::find_by_email(&txn, workspace_id, &new_email)
            .await
            .is_ok()
        {
            return Err(super::refused("refusal-email-taken", &[]));
        }
        let customer = Self::find_in_workspace(&txn, workspace_id, link.customer_id).await?;
        let old_email = customer.email.clone();
        let mut active = customer.into_active_model();
        active.email = Set(new_email.clone());
        let updated = active.update(&txn).await?;
        audit_events::Model::record(
            &txn,
            workspace_id,
            Actor::Customer(updated.id),
            "customer",
            updated.id,
            "email.changed",
            json!({ "email": [old_email, new_email] }),
            ip,
        )
        .await?;
        publish_updated(&txn, &updated, vec!["email".to_string()]).await?;
        txn.commit().await?;
        Ok((updated, old_email))
    }
}

impl ActiveModel {
    /// Makes `payment_method_id` the default for future charges.
    ///
    /// # Errors
    /// On a database error.
    pub async fn set_default_payment_method(
        mut self,
        db: &impl ConnectionTrait,
        payment_method_id: Option<i64>,
    ) -> ModelResult<Model> {
        self.default_payment_method_id = Set(payment_method_id);
        Ok(self.update(db).await?)
    }
}
