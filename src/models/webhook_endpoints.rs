//! Where a workspace wants its events delivered, and the secret that signs
//! them (Standard Webhooks: `whsec_` + base64 of 32 random bytes), sealed at rest.
use base64::Engine as _;
use loco_rs::prelude::*;
use rand::RngCore;

pub use super::_entities::webhook_endpoints::{self, ActiveModel, Column, Entity, Model};

#[derive(Debug, Validate)]
pub struct Validator {
    #[validate(custom(function = "crate::urls::validate_stored"))]
    pub url: Option<String>,
}

impl Validatable for ActiveModel {
    fn validator(&self) -> Box<dyn Validate> {
        Box::new(Validator {
            url: super::field(&self.url),
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

fn new_signing_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// An endpoint just added, with its signing secret: shown to the merchant
/// once; the row keeps it sealed.
#[derive(Debug)]
pub struct Created {
    pub record: Model,
    pub secret: String,
}

const SEAL_PURPOSE: &str = "webhook_signing_secret";

impl Model {
    /// The secret this endpoint's deliveries are signed with. Stored sealed
    /// with the deployment key (the server must read it to sign, so a keyed
    /// hash would not do); a row written before sealing holds it as is.
    ///
    /// # Errors
    /// When the row was sealed under another `PORTAL_SECRET_KEY`.
    pub fn signing_secret(&self, secrets: &crate::secrets::Secrets) -> Result<String> {
        if self.secret.starts_with("whsec_") {
            return Ok(self.secret.clone());
        }
        secrets
            .open(SEAL_PURPOSE, &self.secret)
            .and_then(|plain| String::from_utf8(plain).ok())
            .ok_or_else(|| {
                Error::string(
                    "a webhook endpoint's signing secret cannot be opened with this \
                     PORTAL_SECRET_KEY: it was sealed under another key",
                )
            })
    }

    /// Adds an endpoint; `event_types` is a list, or empty for every event.
    /// The URL must be one this deployment may call (`urls::Policy`): in
    /// production an `https://` URL whose host resolves to public addresses.
    ///
    /// # Errors
    /// A validation error on `url` saying what is wrong with it.
    pub async fn create(
        db: &impl ConnectionTrait,
        secrets: &crate::secrets::Secrets,
        workspace_id: i64,
        url: &str,
        event_types: &[&str],
        policy: crate::urls::Policy,
    ) -> ModelResult<Created> {
        let url = url.trim();
        crate::urls::check_webhook_target(url, policy)
            .await
            .map_err(|message| super::field_error("url", &message))?;
        let types = if event_types.is_empty() {
            "*".to_string()
        } else {
            event_types.join(",")
        };
        let secret = new_signing_secret();
        let record = ActiveModel {
            url: Set(url.to_string()),
            secret: Set(secrets.seal(SEAL_PURPOSE, secret.as_bytes())),
            event_types: Set(types),
            enabled: Set(true),
            ..Default::default()
        }
        .set_tenant(workspace_id)?
        .insert(db)
        .await?;
        Ok(Created { record, secret })
    }

    /// The workspace's endpoints, oldest first.
    ///
    /// # Errors
    /// On a database error.
    pub async fn list(db: &impl ConnectionTrait, workspace_id: i64) -> ModelResult<Vec<Self>> {
        Ok(Entity::find()
            .in_tenant(workspace_id)
            .order_by_asc(Column::Id)
            .all(db)
            .await?)
    }

    /// Enabled endpoints of the workspace that want `event_type`.
    ///
    /// # Errors
    /// On a database error.
    pub async fn subscribed_to(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        event_type: &str,
    ) -> ModelResult<Vec<Self>> {
        Ok(Entity::find()
            .in_tenant(workspace_id)
            .filter(Column::Enabled.eq(true))
            .order_by_asc(Column::Id)
            .all(db)
            .await?
            .into_iter()
            .filter(|e| e.wants(event_type))
            .collect())
    }

    #[must_use]
    pub fn wants(&self, event_type: &str) -> bool {
        self.event_types == "*" || self.event_types.split(',').any(|t| t.trim() == event_type)
    }
}
