//! Emails to portal customers, branded with their workspace: the sign-in link,
//! the email-change confirmation, receipts, failed payments and "invoice
//! ready". HTML and plain text, English or German.
//!
//! Every email goes to the mail outbox (`models::mail_outbox`); with no SMTP
//! server in development its delivery job puts it in the development outbox
//! (`/_dev/mail`) instead of failing.
use include_dir::{include_dir, Dir};
use loco_rs::{
    mailer::{Args, Email},
    prelude::*,
};
use serde_json::json;

use crate::{
    models::{
        charges, customers, invoices, refunds, sign_in_tokens::VALIDITY_MINUTES, subscriptions,
        workspaces,
    },
    settings::Settings,
    workers::mail_delivery::MailDeliveryWorker,
};

static SIGN_IN: Dir<'_> = include_dir!("src/mailers/portal/sign_in");
static EMAIL_CHANGE: Dir<'_> = include_dir!("src/mailers/portal/email_change");
static EMAIL_CHANGED: Dir<'_> = include_dir!("src/mailers/portal/email_changed");
static RECEIPT: Dir<'_> = include_dir!("src/mailers/portal/receipt");
static REFUND_ISSUED: Dir<'_> = include_dir!("src/mailers/portal/refund_issued");
static PAYMENT_FAILED: Dir<'_> = include_dir!("src/mailers/portal/payment_failed");
static INVOICE_READY: Dir<'_> = include_dir!("src/mailers/portal/invoice_ready");
static SUBSCRIPTION_CANCELLED: Dir<'_> = include_dir!("src/mailers/portal/subscription_cancelled");
static SUBSCRIPTION_KEPT: Dir<'_> = include_dir!("src/mailers/portal/subscription_kept");
static SUBSCRIPTION_PAUSED: Dir<'_> = include_dir!("src/mailers/portal/subscription_paused");
static SUBSCRIPTION_RESUMED: Dir<'_> = include_dir!("src/mailers/portal/subscription_resumed");
static PLAN_CHANGED: Dir<'_> = include_dir!("src/mailers/portal/plan_changed");

pub struct PortalMailer;

#[async_trait]
impl Mailer for PortalMailer {
    async fn mail(ctx: &AppContext, email: &Email) -> Result<()> {
        Self::deliver(ctx, None, email).await
    }
}

fn from(settings: &Settings, workspace: &workspaces::Model) -> String {
    // The display name is the merchant's; quotes keep commas in names safe.
    format!(
        "\"{}\" <{}>",
        workspace.name.replace(['"', '\r', '\n'], "'"),
        settings.mail_from
    )
}

impl PortalMailer {
    /// Hands a composed email to the outbox and its delivery job (which, in
    /// development without SMTP, puts it in the development outbox).
    async fn deliver(ctx: &AppContext, workspace_id: Option<i64>, email: &Email) -> Result<()> {
        MailDeliveryWorker::send_later(ctx, workspace_id, email).await
    }

    /// Renders `dir`'s templates for `to`, branded with the workspace: its
    /// name as sender, its support address as Reply-To, its accent colour.
    fn compose(
        dir: &Dir<'_>,
        settings: &Settings,
        workspace: &workspaces::Model,
        to: &str,
        lang: &str,
        mut locals: serde_json::Value,
    ) -> Result<Email> {
        locals["lang"] = json!(lang);
        locals["workspace"] = json!(workspace.name);
        locals["accent"] = json!(workspace.accent_color);
        super::compose(
            dir,
            Args {
                from: Some(from(settings, workspace)),
                to: to.to_string(),
                reply_to: workspace.support_email.clone(),
                locals,
                ..Default::default()
            },
        )
    }

    async fn send(
        ctx: &AppContext,
        dir: &Dir<'_>,
        settings: &Settings,
        workspace: &workspaces::Model,
        to: &str,
        lang: &str,
        locals: serde_json::Value,
    ) -> Result<()> {
        let email = Self::compose(dir, settings, workspace, to, lang, locals)?;
        Self::deliver(ctx, Some(workspace.id), &email).await
    }

    /// The sign-in email: button, fallback link, one-time code, validity.
    ///
    /// # Errors
    /// When the template fails or the mail cannot be queued.
    pub async fn sign_in_link(
        ctx: &AppContext,
        settings: &Settings,
        workspace: &workspaces::Model,
        customer: &customers::Model,
        token: &str,
        code: &str,
        lang: &str,
    ) -> Result<()> {
        let url = format!(
            "{}/portal/{}/login/{token}",
            settings.public_url.trim_end_matches('/'),
            workspace.slug
        );
        Self::send(
            ctx,
            &SIGN_IN,
            settings,
            workspace,
            &customer.email,
            lang,
            json!({
                "support_email": workspace.support_email,
                "name": customer.name,
                "url": url,
                "code": code,
                "minutes": VALIDITY_MINUTES,
            }),
        )
        .await
    }

    /// Asks the new address to confirm an email change.
    ///
    /// # Errors
    /// When the template fails or the mail cannot be queued.
    pub async fn confirm_email_change(
        ctx: &AppContext,
        settings: &Settings,
        workspace: &workspaces::Model,
        customer: &customers::Model,
        new_email: &str,
        token: &str,
        lang: &str,
    ) -> Result<()> {
        let url = format!(
            "{}/portal/{}/profile/email/{token}",
            settings.public_url.trim_end_matches('/'),
            workspace.slug
        );
        Self::send(
            ctx,
            &EMAIL_CHANGE,
            settings,
            workspace,
            new_email,
            lang,
            json!({
                "name": customer.name,
                "url": url,
                "minutes": VALIDITY_MINUTES,
            }),
        )
        .await
    }

    /// To the address a customer had before an email change: the change,
    /// and whom to write to if it was not them (someone with access to the
    /// account could otherwise take its mail over unnoticed).
    ///
    /// # Errors
    /// When the template fails or the mail cannot be queued.
    pub async fn email_changed(
        ctx: &AppContext,
        settings: &Settings,
        workspace: &workspaces::Model,
        customer: &customers::Model,
        old_email: &str,
        lang: &str,
    ) -> Result<()> {
        Self::send(
            ctx,
            &EMAIL_CHANGED,
            settings,
            workspace,
            old_email,
            lang,
            json!({
                "name": customer.name,
                "old_email": old_email,
                "new_email": customer.email,
                "support": workspace.support_email.clone().unwrap_or_else(|| settings.mail_from.clone()),
            }),
        )
        .await
    }

    /// After a refund went through: how much of which payment came back,
    /// and the credit note.
    ///
    /// # Errors
    /// When the template fails or the mail cannot be queued.
    #[allow(clippy::too_many_arguments)]
    pub async fn refund_issued(
        ctx: &AppContext,
        settings: &Settings,
        workspace: &workspaces::Model,
        customer: &customers::Model,
        charge: &charges::Model,
        refund: &refunds::Model,
        credit_note: Option<&str>,
        lang: &str,
    ) -> Result<()> {
        let base = settings.public_url.trim_end_matches('/');
        Self::send(
            ctx,
            &REFUND_ISSUED,
            settings,
            workspace,
            &customer.email,
            lang,
            json!({
                "name": customer.name,
                "amount": refund.money().localized(lang),
                "paid": charge.money().localized(lang),
                "description": charge.description,
                "date": crate::locale::date(charge.created_at, lang),
                "credit_note": credit_note,
                "portal_url": format!("{base}/portal/{}/login", workspace.slug),
            }),
        )
        .await
    }

    /// After a paid charge: what was charged, for what, and the invoice.
    /// Composed only, for the caller to stage in the transaction that
    /// settles the charge (a settled charge always gets its receipt).
    ///
    /// # Errors
    /// When the template fails.
    pub fn receipt(
        settings: &Settings,
        workspace: &workspaces::Model,
        customer: &customers::Model,
        charge: &charges::Model,
        invoice: Option<&invoices::Model>,
        lang: &str,
    ) -> Result<Email> {
        let base = settings.public_url.trim_end_matches('/');
        Self::compose(
            &RECEIPT,
            settings,
            workspace,
            &customer.email,
            lang,
            json!({
                "name": customer.name,
                "amount": charge.money().localized(lang),
                "description": charge.description,
                "invoice": invoice.map(|i| i.number.clone()),
                "portal_url": format!("{base}/portal/{}/login", workspace.slug),
            }),
        )
    }

    /// The emails a settled renewal or retry writes into the outbox with its
    /// settlement: the receipt when paid, the failed-payment notice when not.
    #[must_use]
    pub fn settlement_mail<'a>(
        settings: &'a Settings,
        secrets: &'a crate::secrets::Secrets,
    ) -> crate::models::renewals::SettlementMail<'a> {
        crate::models::renewals::SettlementMail {
            secrets,
            public_url: &settings.public_url,
            receipt: Box::new(move |settled, invoice| {
                Self::receipt(
                    settings,
                    &settled.workspace,
                    &settled.customer,
                    &settled.charge,
                    Some(invoice),
                    settled.lang(),
                )
            }),
            declined: Box::new(move |settled, notice| {
                Self::payment_failed(settings, settled, notice)
            }),
        }
    }

    /// A customer asked for an invoice ("Generate invoice") and its PDF is stored.
    ///
    /// # Errors
    /// When the template fails or the mail cannot be queued.
    pub async fn invoice_ready(
        ctx: &AppContext,
        settings: &Settings,
        workspace: &workspaces::Model,
        customer: &customers::Model,
        invoice: &invoices::Model,
        lang: &str,
    ) -> Result<()> {
        let base = settings.public_url.trim_end_matches('/');
        Self::send(
            ctx,
            &INVOICE_READY,
            settings,
            workspace,
            &customer.email,
            lang,
            json!({
                "name": customer.name,
                "number": invoice.number,
                "amount": invoice.total_money().localized(lang),
                // sign-in first when the session has ended; the billing page after
                "billing_url": format!("{base}/portal/{}/billing", workspace.slug),
            }),
        )
        .await
    }

    /// After a declined renewal: why, what happens next, and `url`, a
    /// one-time link straight into the portal to fix it. Composed only, for
    /// the caller to stage in the transaction that settles the decline (and
    /// issues the link).
    ///
    /// # Errors
    /// When the template fails.
    pub fn payment_failed(
        settings: &Settings,
        settled: &crate::models::renewals::Settled,
        notice: &crate::models::renewals::DeclineNotice<'_>,
    ) -> Result<Email> {
        let (workspace, customer, charge) =
            (&settled.workspace, &settled.customer, &settled.charge);
        Self::compose(
            &PAYMENT_FAILED,
            settings,
            workspace,
            &customer.email,
            settled.lang(),
            json!({
                "name": customer.name,
                "amount": charge.money().localized(settled.lang()),
                "description": charge.description,
                "reason": charge.failure_reason(settled.lang()).unwrap_or_default(),
                "retry_at": notice.retry_at.map(|at| crate::locale::date(at, settled.lang())),
                "cancelled": notice.cancelled,
                "url": notice.url,
                "minutes": VALIDITY_MINUTES,
            }),
        )
    }

    /// A cancellation, confirmed: when the subscription ends (at the period's
    /// end, with the way back, or now) and that nothing more is charged.
    ///
    /// # Errors
    /// When the template fails or the mail cannot be queued.
    pub async fn subscription_cancelled(
        ctx: &AppContext,
        settings: &Settings,
        about: &SubscriptionMail<'_>,
    ) -> Result<()> {
        let sub = about.subscription;
        let ends_on = crate::locale::date(sub.current_period_end, about.lang);
        Self::subscription_notice(
            ctx,
            settings,
            about,
            &SUBSCRIPTION_CANCELLED,
            json!({ "now": !sub.cancel_at_period_end, "ends_on": ends_on }),
        )
        .await
    }

    /// A scheduled cancellation undone: the subscription renews as before.
    ///
    /// # Errors
    /// When the template fails or the mail cannot be queued.
    pub async fn subscription_kept(
        ctx: &AppContext,
        settings: &Settings,
        about: &SubscriptionMail<'_>,
    ) -> Result<()> {
        let renews_on = crate::locale::date(about.subscription.current_period_end, about.lang);
        Self::subscription_notice(
            ctx,
            settings,
            about,
            &SUBSCRIPTION_KEPT,
            json!({ "renews_on": renews_on }),
        )
        .await
    }

    /// A pause scheduled: from the end of the paid period until it resumes.
    ///
    /// # Errors
    /// When the template fails or the mail cannot be queued.
    pub async fn subscription_paused(
        ctx: &AppContext,
        settings: &Settings,
        about: &SubscriptionMail<'_>,
    ) -> Result<()> {
        let sub = about.subscription;
        let resumes_at = sub.pause_resumes_at.unwrap_or(sub.current_period_end);
        let extra = json!({
            "pauses_on": crate::locale::date(sub.current_period_end, about.lang),
            "resumes_on": crate::locale::date(resumes_at, about.lang),
        });
        Self::subscription_notice(ctx, settings, about, &SUBSCRIPTION_PAUSED, extra).await
    }

    /// A running pause ended early: the next period starts now.
    ///
    /// # Errors
    /// When the template fails or the mail cannot be queued.
    pub async fn subscription_resumed(
        ctx: &AppContext,
        settings: &Settings,
        about: &SubscriptionMail<'_>,
    ) -> Result<()> {
        let extra = json!({
            "resumed_on": crate::locale::date(about.subscription.current_period_end, about.lang),
        });
        Self::subscription_notice(ctx, settings, about, &SUBSCRIPTION_RESUMED, extra).await
    }

    /// A plan or seat change: in effect now (and what it cost), or scheduled
    /// for the next renewal. `about.plan` is the new plan.
    ///
    /// # Errors
    /// When the template fails or the mail cannot be queued.
    pub async fn plan_changed(
        ctx: &AppContext,
        settings: &Settings,
        about: &SubscriptionMail<'_>,
        change: &PlanChangeMail<'_>,
    ) -> Result<()> {
        let extra = json!({
            "from_plan": change.from_plan,
            "scheduled": change.scheduled,
            "charged": change.charged,
            "renewal_amount": change.renewal_amount,
            "renews_on": change.renews_on,
        });
        Self::subscription_notice(ctx, settings, about, &PLAN_CHANGED, extra).await
    }

    /// An email about one subscription, linking to its page in the portal.
    async fn subscription_notice(
        ctx: &AppContext,
        settings: &Settings,
        about: &SubscriptionMail<'_>,
        dir: &Dir<'_>,
        extra: serde_json::Value,
    ) -> Result<()> {
        let base = settings.public_url.trim_end_matches('/');
        let (workspace, sub) = (about.workspace, about.subscription);
        let mut locals = json!({
            "name": about.customer.name,
            "plan": about.plan,
            "portal_url": format!("{base}/portal/{}/subscriptions/{}", workspace.slug, sub.id),
        });
        if let (Some(locals), serde_json::Value::Object(extra)) = (locals.as_object_mut(), extra) {
            locals.extend(extra);
        }
        Self::send(
            ctx,
            dir,
            settings,
            workspace,
            &about.customer.email,
            about.lang,
            locals,
        )
        .await
    }
}

/// What a plan change's email says beyond the new plan (amounts already
/// formatted in the customer's language).
pub struct PlanChangeMail<'a> {
    pub from_plan: &'a str,
    pub scheduled: bool,
    pub charged: Option<String>,
    pub renewal_amount: String,
    pub renews_on: String,
}

/// Whom and what an email about a subscription is for.
pub struct SubscriptionMail<'a> {
    pub workspace: &'a workspaces::Model,
    pub customer: &'a customers::Model,
    pub subscription: &'a subscriptions::Model,
    pub plan: &'a str,
    pub lang: &'a str,
}
