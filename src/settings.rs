//! The app's own settings (`settings:` in `config/<env>.yaml`), typed once.
use loco_rs::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// Base URL for links in emails (`PORTAL_PUBLIC_URL`).
    pub public_url: String,
    /// Key for keyed hashes of tokens, session ids and API keys (`PORTAL_SECRET_KEY`).
    pub secret_key: String,
    /// Load the demo workspaces on start when the database has none.
    #[serde(default)]
    pub demo_data: bool,
    /// Sender address of customer emails; the display name is the workspace's.
    pub mail_from: String,
    /// Which payment gateway charges and saves methods (`sandbox`).
    #[serde(default = "default_gateway")]
    pub gateway: String,
    /// Directory for stored files: invoice PDFs (`PORTAL_STORAGE_DIR`).
    #[serde(default = "default_storage_dir")]
    pub storage_dir: String,
    /// Stripe keys and endpoints, when `gateway` is `stripe`.
    #[serde(default)]
    pub stripe: Option<crate::gateway::stripe::StripeSettings>,
    /// Customer sign-in requests allowed per 15 minutes.
    #[serde(default)]
    pub sign_in_limits: crate::models::sign_in_requests::Limits,
    /// Accept `http://` links and webhook endpoints (development and tests;
    /// production stores `https://` only).
    #[serde(default)]
    pub allow_http_links: bool,
    /// Deliver webhooks to private, loopback and link-local addresses (an
    /// on-premises receiver; `PORTAL_WEBHOOKS_ALLOW_PRIVATE`).
    #[serde(default)]
    pub webhooks_allow_private: bool,
    /// Reverse proxies whose forwarding headers name the client: CIDRs,
    /// comma-separated (`PORTAL_TRUSTED_PROXIES`).
    #[serde(default)]
    pub trusted_proxies: String,
    /// Merchant API requests one key may make per minute, per web node
    /// (`PORTAL_API_RATE_LIMIT`).
    #[serde(default = "default_api_requests_per_minute")]
    pub api_requests_per_minute: u32,
}

fn default_api_requests_per_minute() -> u32 {
    1000
}

fn default_storage_dir() -> String {
    "storage".to_string()
}

fn default_gateway() -> String {
    "sandbox".to_string()
}

impl Settings {
    /// # Errors
    /// When `settings:` is absent or does not match; the message says which key.
    pub fn from_context(ctx: &AppContext) -> Result<Self> {
        let raw = ctx.config.settings.clone().ok_or_else(|| {
            Error::string("config has no `settings:` block; see config/development.yaml")
        })?;
        let settings: Self = serde_json::from_value(raw)
            .map_err(|e| Error::string(&format!("config `settings:` is invalid: {e}")))?;
        if settings.gateway.is_empty() {
            return Err(Error::string(
                "no payment gateway configured: set PORTAL_GATEWAY=stripe (with STRIPE_SECRET_KEY and \
                 STRIPE_PUBLISHABLE_KEY), or PORTAL_GATEWAY=sandbox for a demo without real payments",
            ));
        }
        crate::controllers::client_ip::parse_trusted(&settings.trusted_proxies)
            .map_err(|e| Error::string(&e))?;
        if settings.secret_key.len() < 32 {
            return Err(Error::string(
                "settings.secret_key must be at least 32 characters: set PORTAL_SECRET_KEY",
            ));
        }
        Ok(settings)
    }

    /// Which URLs this deployment stores and calls.
    #[must_use]
    pub fn url_policy(&self) -> crate::urls::Policy {
        crate::urls::Policy {
            allow_http: self.allow_http_links,
            allow_private: self.webhooks_allow_private,
        }
    }

    /// The keyed hasher for this deployment.
    #[must_use]
    pub fn secrets(&self) -> crate::secrets::Secrets {
        crate::secrets::Secrets::new(&self.secret_key)
    }
}
