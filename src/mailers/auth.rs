// auth mailer
#![allow(non_upper_case_globals)]

use loco_rs::prelude::*;
use serde_json::json;

use crate::models::users;

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
        crate::workers::mail_delivery::MailDeliveryWorker::send_later(ctx, None, &email).await
    }
}
impl AuthMailer {
    /// The "choose a new password" email with the reset link (`token` is
    /// the raw token; only its keyed hash is stored).
    ///
    /// # Errors
    /// When the template fails or the mail cannot be queued.
    pub async fn forgot_password(ctx: &AppContext, user: &users::Model, token: &str) -> Result<()> {
        let email = super::compose(
            &forgot,
            mailer::Args {
                to: user.email.clone(),
                locals: json!({
                  "name": user.name,
                  "resetToken": token,
                  "host": crate::settings::Settings::from_context(ctx)?.public_url.trim_end_matches('/'),
                }),
                ..Default::default()
            },
        )?;
        Self::mail(ctx, &email).await
    }
}
