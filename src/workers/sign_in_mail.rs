//! Sends the sign-in email off the request path. The request enqueues this job
//! for every well-formed email; only here do we find out whether it belongs
//! to a customer (and send nothing when it does not).
use chrono::Utc;
use loco_rs::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{
    mailers::portal::PortalMailer,
    models::{customers, sign_in_tokens, workspaces},
    settings::Settings,
};

pub struct SignInMailWorker {
    pub ctx: AppContext,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SignInMailArgs {
    pub workspace_id: i64,
    pub email: String,
    pub ip: Option<String>,
    /// The language of the page the customer asked from.
    pub lang: String,
}

#[async_trait]
impl BackgroundWorker<SignInMailArgs> for SignInMailWorker {
    fn build(ctx: &AppContext) -> Self {
        Self { ctx: ctx.clone() }
    }

    async fn perform(&self, args: SignInMailArgs) -> Result<()> {
        let ctx = &self.ctx;
        let workspace = workspaces::Model::find_by_id(&ctx.db, args.workspace_id).await?;
        let Ok(customer) =
            customers::Model::find_by_email(&ctx.db, workspace.id, &args.email).await
        else {
            return Ok(());
        };
        let settings = Settings::from_context(ctx)?;
        let issued = sign_in_tokens::Model::issue(
            &ctx.db,
            &settings.secrets(),
            workspace.id,
            customer.id,
            sign_in_tokens::PURPOSE_SIGN_IN,
            None,
            args.ip.as_deref(),
            Utc::now().fixed_offset(),
        )
        .await?;
        let lang = crate::locale::pick(
            customer.locale.as_deref(),
            Some(&args.lang),
            &workspace.default_locale,
        );
        PortalMailer::sign_in_link(
            ctx,
            &settings,
            &workspace,
            &customer,
            &issued.token,
            &issued.code,
            lang,
        )
        .await
    }
}
