//! Who may do what in which workspace.
//!
//! casbin decides, with RBAC over domains: a request is
//! `(subject, "ws:<id>", resource, action)`. The model and the role policies
//! live in the repo (`config/casbin/`) and are compiled into the binary, so a
//! self-hosted deployment cannot drift from the reviewed policy.
//!
//! Row scoping (`in_tenant`) is the other layer: casbin says a role may read
//! subscriptions in a workspace; the finders make sure only that workspace's
//! rows (and, for a customer, only their own) are ever loaded.
use std::sync::Arc;

use casbin::{CoreApi, DefaultModel, Enforcer, MgmtApi, StringAdapter};
use loco_rs::prelude::*;
use tokio::sync::Mutex;

use crate::models::memberships;

const MODEL: &str = include_str!("../config/casbin/model.conf");
const POLICY: &str = include_str!("../config/casbin/policy.csv");

/// Who is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Principal {
    /// A merchant user of the console; roles come from memberships.
    MerchantUser { user_id: i64 },
    /// A signed-in portal customer; bound to exactly one workspace.
    Customer { workspace_id: i64, customer_id: i64 },
    /// No one signed in.
    Anonymous,
}

/// What is being touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Settings,
    Branding,
    Customers,
    Subscriptions,
    PaymentMethods,
    Charges,
    Invoices,
    Profile,
    Team,
    ApiKeys,
    Webhooks,
}

impl Resource {
    pub const ALL: [Self; 11] = [
        Self::Settings,
        Self::Branding,
        Self::Customers,
        Self::Subscriptions,
        Self::PaymentMethods,
        Self::Charges,
        Self::Invoices,
        Self::Profile,
        Self::Team,
        Self::ApiKeys,
        Self::Webhooks,
    ];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Settings => "settings",
            Self::Branding => "branding",
            Self::Customers => "customers",
            Self::Subscriptions => "subscriptions",
            Self::PaymentMethods => "payment_methods",
            Self::Charges => "charges",
            Self::Invoices => "invoices",
            Self::Profile => "profile",
            Self::Team => "team",
            Self::ApiKeys => "api_keys",
            Self::Webhooks => "webhooks",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Read,
    Write,
}

impl Action {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
        }
    }
}

#[must_use]
pub fn domain(workspace_id: i64) -> String {
    format!("ws:{workspace_id}")
}

fn user_subject(user_id: i64) -> String {
    format!("user:{user_id}")
}

/// The casbin enforcer, shared by every request of this process.
#[derive(Clone)]
pub struct Authorizer {
    // casbin's role manager is mutated when a user's memberships are refreshed.
    enforcer: Arc<Mutex<Enforcer>>,
}

impl Authorizer {
    /// Builds the enforcer from the compiled-in model and policy.
    ///
    /// # Errors
    /// When the model or the policy do not parse.
    pub async fn new() -> Result<Self> {
        let model = DefaultModel::from_str(MODEL)
            .await
            .map_err(|e| Error::string(&format!("casbin model: {e}")))?;
        let mut enforcer = Enforcer::new(model, StringAdapter::new(POLICY))
            .await
            .map_err(|e| Error::string(&format!("casbin policy: {e}")))?;
        // Role grants are read from our memberships table; nothing is written back.
        enforcer.enable_auto_save(false);
        Ok(Self {
            enforcer: Arc::new(Mutex::new(enforcer)),
        })
    }

    /// The process-wide authorizer put in place by `App::after_context`.
    ///
    /// # Errors
    /// When the app was booted without it.
    pub fn from_context(ctx: &AppContext) -> Result<Self> {
        ctx.shared_store
            .get::<Self>()
            .ok_or_else(|| Error::string("authorizer is not initialized"))
    }

    /// May `principal` perform `action` on `resource` in `workspace_id`?
    ///
    /// A merchant user's roles are re-read from the memberships table on each
    /// check, so a removed member or a changed role takes effect at once on
    /// every node.
    ///
    /// # Errors
    /// On a database or casbin failure.
    pub async fn can(
        &self,
        db: &DatabaseConnection,
        principal: Principal,
        workspace_id: i64,
        resource: Resource,
        action: Action,
    ) -> Result<bool> {
        let subject = match principal {
            Principal::Anonymous => return Ok(false),
            Principal::Customer {
                workspace_id: own, ..
            } => format!("customer@{}", domain(own)),
            Principal::MerchantUser { user_id } => user_subject(user_id),
        };
        let mut enforcer = self.enforcer.lock().await;
        if let Principal::MerchantUser { user_id } = principal {
            let grants: Vec<Vec<String>> = memberships::Model::list_for_user(db, user_id)
                .await?
                .into_iter()
                .map(|m| vec![subject.clone(), m.role, domain(m.workspace_id)])
                .collect();
            enforcer
                .remove_filtered_grouping_policy(0, vec![subject.clone()])
                .await
                .map_err(|e| Error::string(&format!("casbin: {e}")))?;
            if !grants.is_empty() {
                enforcer
                    .add_grouping_policies(grants)
                    .await
                    .map_err(|e| Error::string(&format!("casbin: {e}")))?;
            }
        }
        enforcer
            .enforce((
                subject.as_str(),
                domain(workspace_id).as_str(),
                resource.as_str(),
                action.as_str(),
            ))
            .map_err(|e| Error::string(&format!("casbin: {e}")))
    }
}
