// auth mailer
#![allow(non_upper_case_globals)]

use loco_rs::prelude::*;
use serde_json::json;

use crate::models::users;

static welcome: Dir<'_> = include_dir!("src/mailers/auth/welcome");
static forgot: Dir<'_> = include_dir!("src/mailers/auth/forgot");

#[allow(clippy::module_name_repetitions)]
pub struct AuthMailer {}
#[async_trait]
impl Mailer for AuthMailer {
    /// Loco's defaults for sender and reply-to, then the retrying delivery.
    async fn mail(ctx: &AppContext, email: &mailer::Email) -> Result<()> {
        let opts = Self::opts();
        let mut email = email.clone();
        email.from = email.from.or(Some(opts.from));
        email.reply_to = email.reply_to.or(opts.reply_to);
        crate::workers::mail_delivery::MailDeliveryWorker::send_later(ctx, email).await
    }
}
impl AuthMailer {
    /// Sending welcome email the the given user
    ///
    /// # Errors
    ///
    /// When email sending is failed
    pub async fn send_welcome(ctx: &AppContext, user: &users::Model) -> Result<()> {
        Self::mail_template(
            ctx,
            &welcome,
            mailer::Args {
                to: user.email.clone(),
                locals: json!({
                  "name": user.name,
                  "verifyToken": user.email_verification_token,
                  "host": ctx.config.server.full_url()
                }),
                ..Default::default()
            },
        )
        .await?;

        Ok(())
    }

    /// Sending forgot password email
    ///
    /// # Errors
    ///
    /// When email sending is failed
    pub async fn forgot_password(ctx: &AppContext, user: &users::Model) -> Result<()> {
        Self::mail_template(
            ctx,
            &forgot,
            mailer::Args {
                to: user.email.clone(),
                locals: json!({
                  "name": user.name,
                  "resetToken": user.reset_token,
                  "host": crate::settings::Settings::from_context(ctx)?.public_url.trim_end_matches('/'),
                }),
                ..Default::default()
            },
        )
        .await?;

        Ok(())
    }
}
