//! One-time sign-in links (and the short code mailed with them). The link
//! token is 256 random bits; only keyed hashes of token and code are stored.
//! Redeeming is one conditional UPDATE, so a link works once even when two
//! requests race.
use chrono::{DateTime, Duration, FixedOffset};
use loco_rs::prelude::*;
use rand::Rng;
use sea_orm::sea_query::ExprTrait as _;

pub use super::_entities::sign_in_tokens::{self, ActiveModel, Column, Entity, Model};
use crate::secrets::{random_token, Secrets};

/// A link is valid this long.
pub const VALIDITY_MINUTES: i64 = 30;
/// Wrong codes tolerated per link before the code stops working.
pub const MAX_CODE_ATTEMPTS: i32 = 5;

pub const PURPOSE_SIGN_IN: &str = "sign_in";
pub const PURPOSE_EMAIL_CHANGE: &str = "email_change";
/// "View portal as customer": signs a console user in to a read-only view.
pub const PURPOSE_VIEW_AS: &str = "view_as";

const TOKEN_LABEL: &str = "sign-in-token";
const CODE_LABEL: &str = "sign-in-code";

/// What the customer receives; never stored.
#[derive(Debug)]
pub struct IssuedToken {
    pub token: String,
    pub code: String,
    pub record: Model,
}

#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {}

fn code_hash(secrets: &Secrets, customer_id: i64, code: &str) -> String {
    secrets.keyed_hash(CODE_LABEL, &format!("{customer_id}:{code}"))
}

impl Model {
    /// A one-time portal sign-in link for a customer (the console's
    /// one-time link, the API's portal links, the failed-payment email):
    /// the absolute URL under `public_url` and when it expires. With a
    /// `viewer` (a console user's id) the link opens a read-only view of
    /// the portal for that user instead ("View portal as customer").
    ///
    /// # Errors
    /// `EntityNotFound` when the customer is not in this workspace.
    pub async fn portal_link(
        db: &impl ConnectionTrait,
        secrets: &Secrets,
        public_url: &str,
        workspace: &super::workspaces::Model,
        customer_id: i64,
        viewer: Option<i64>,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<(String, DateTime<FixedOffset>)> {
        // the purpose alone makes the view read-only; the viewer names it
        let purpose = if viewer.is_some() {
            PURPOSE_VIEW_AS
        } else {
            PURPOSE_SIGN_IN
        };
        let issued = Self::issue(
            db,
            secrets,
            workspace.id,
            customer_id,
            purpose,
            None,
            None,
            now,
        )
        .await?;
        if let Some(user_id) = viewer {
            let mut record = issued.record.clone().into_active_model();
            record.viewer_user_id = Set(Some(user_id));
            record.update(db).await?;
        }
        let url = format!(
            "{}/portal/{}/login/{}",
            public_url.trim_end_matches('/'),
            workspace.slug,
            issued.token
        );
        Ok((url, issued.record.expires_at))
    }

    /// Issues a link (and code) for a customer of the workspace.
    ///
    /// # Errors
    /// `EntityNotFound` when the customer is not in this workspace.
    #[allow(clippy::too_many_arguments)]
    pub async fn issue(
        db: &impl ConnectionTrait,
        secrets: &Secrets,
        workspace_id: i64,
        customer_id: i64,
        purpose: &str,
        new_email: Option<&str>,
        requested_ip: Option<&str>,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<IssuedToken> {
        super::customers::Model::find_in_workspace(db, workspace_id, customer_id).await?;
        let token = random_token(32);
        let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000));
        let record = ActiveModel {
            customer_id: Set(customer_id),
            purpose: Set(purpose.to_string()),
            token_hash: Set(secrets.keyed_hash(TOKEN_LABEL, &token)),
            // bound to the customer so a code is only tried against their links
            code_hash: Set(Some(code_hash(secrets, customer_id, &code))),
            new_email: Set(new_email.map(str::to_string)),
            expires_at: Set(now + Duration::minutes(VALIDITY_MINUTES)),
            requested_ip: Set(requested_ip.map(str::to_string)),
            ..Default::default()
        }
        .set_tenant(workspace_id)?
        .insert(db)
        .await?;
        Ok(IssuedToken {
            token,
            code,
            record,
        })
    }

    /// Looks a link up without using it (the GET "Continue" page).
    ///
    /// # Errors
    /// `EntityNotFound` for an unknown token or another workspace's.
    pub async fn find_by_token(
        db: &impl ConnectionTrait,
        secrets: &Secrets,
        workspace_id: i64,
        token: &str,
    ) -> ModelResult<Self> {
        Entity::find()
            .in_tenant(workspace_id)
            .filter(Column::TokenHash.eq(secrets.keyed_hash(TOKEN_LABEL, token)))
            .one(db)
            .await?
            .ok_or(ModelError::EntityNotFound)
    }

    /// Uses a link: succeeds once, within its validity, for its purpose.
    ///
    /// # Errors
    /// `EntityNotFound` when the token is unknown, used, expired or of
    /// another purpose or workspace.
    pub async fn redeem(
        db: &impl ConnectionTrait,
        secrets: &Secrets,
        workspace_id: i64,
        token: &str,
        purpose: &str,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<Self> {
        let hash = secrets.keyed_hash(TOKEN_LABEL, token);
        let result = Entity::update_many()
            .col_expr(Column::UsedAt, Expr::value(now))
            .in_tenant(workspace_id)
            .filter(Column::TokenHash.eq(hash.clone()))
            .filter(Column::Purpose.eq(purpose))
            .filter(Column::UsedAt.is_null())
            .filter(Column::ExpiresAt.gt(now))
            .exec(db)
            .await?;
        if result.rows_affected != 1 {
            return Err(ModelError::EntityNotFound);
        }
        Entity::find()
            .in_tenant(workspace_id)
            .filter(Column::TokenHash.eq(hash))
            .one(db)
            .await?
            .ok_or(ModelError::EntityNotFound)
    }

    /// Uses the newest live sign-in link of a customer by its code.
    ///
    /// # Errors
    /// `EntityNotFound` when no live link matches; each wrong code counts
    /// against the link, which stops accepting codes after `MAX_CODE_ATTEMPTS`.
    pub async fn redeem_code(
        db: &impl ConnectionTrait,
        secrets: &Secrets,
        workspace_id: i64,
        customer_id: i64,
        code: &str,
        now: DateTime<FixedOffset>,
    ) -> ModelResult<Self> {
        let Some(live) = Entity::find()
            .in_tenant(workspace_id)
            .filter(Column::CustomerId.eq(customer_id))
            .filter(Column::Purpose.eq(PURPOSE_SIGN_IN))
            .filter(Column::UsedAt.is_null())
            .filter(Column::ExpiresAt.gt(now))
            .filter(Column::FailedCodeAttempts.lt(MAX_CODE_ATTEMPTS))
            .order_by_desc(Column::Id)
            .one(db)
            .await?
        else {
            return Err(ModelError::EntityNotFound);
        };
        let expected = code_hash(secrets, customer_id, code.trim());
        if live.code_hash.as_deref() != Some(expected.as_str()) {
            Entity::update_many()
                .col_expr(
                    Column::FailedCodeAttempts,
                    Expr::col(Column::FailedCodeAttempts).add(1),
                )
                .in_tenant(workspace_id)
                .filter(Column::Id.eq(live.id))
                .exec(db)
                .await?;
            return Err(ModelError::EntityNotFound);
        }
        let result = Entity::update_many()
            .col_expr(Column::UsedAt, Expr::value(now))
            .in_tenant(workspace_id)
            .filter(Column::Id.eq(live.id))
            .filter(Column::UsedAt.is_null())
            .exec(db)
            .await?;
        if result.rows_affected != 1 {
            return Err(ModelError::EntityNotFound);
        }
        Ok(live)
    }

    /// Deletes links that expired more than a day ago, in every workspace
    /// (kept a day so "this link expired" can still be told apart from
    /// "unknown link"). Returns how many were removed.
    ///
    /// # Errors
    /// On a database error.
    pub async fn prune(db: &impl ConnectionTrait, now: DateTime<FixedOffset>) -> ModelResult<u64> {
        Ok(Entity::delete_many()
            .filter(Column::ExpiresAt.lt(now - Duration::days(1)))
            .exec(db)
            .await?
            .rows_affected)
    }

    #[must_use]
    pub fn is_usable(&self, now: DateTime<FixedOffset>) -> bool {
        self.used_at.is_none() && self.expires_at > now
    }
}
