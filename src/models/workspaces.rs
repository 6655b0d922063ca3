//! A merchant's workspace: the tenant. Holds branding, which portal sections and
//! actions its customers get, the dunning schedule and the seller details.
use loco_rs::prelude::*;
use serde::Deserialize;

pub use super::_entities::workspaces::{self, ActiveModel, Column, Entity, Model};

/// The customer portal's sections, in menu order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortalSection {
    Subscriptions,
    PaymentMethods,
    BillingHistory,
    Profile,
}

impl PortalSection {
    pub const ALL: [Self; 4] = [
        Self::Subscriptions,
        Self::PaymentMethods,
        Self::BillingHistory,
        Self::Profile,
    ];

    /// The path segment under `/portal/{slug}/`.
    #[must_use]
    pub const fn path(self) -> &'static str {
        match self {
            Self::Subscriptions => "subscriptions",
            Self::PaymentMethods => "payment-methods",
            Self::BillingHistory => "billing",
            Self::Profile => "profile",
        }
    }

    /// The i18n key of the section's menu label.
    #[must_use]
    pub const fn label_key(self) -> &'static str {
        match self {
            Self::Subscriptions => "nav-subscriptions",
            Self::PaymentMethods => "nav-payment-methods",
            Self::BillingHistory => "nav-billing-history",
            Self::Profile => "nav-profile",
        }
    }
}

/// What happens after the last automatic retry fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DunningFinalAction {
    Cancel,
    LeaveUnpaid,
}

#[derive(Debug, Deserialize)]
pub struct NewWorkspace {
    pub slug: String,
    pub name: String,
    pub accent_color: Option<String>,
    pub support_email: Option<String>,
    pub return_url: Option<String>,
}

fn validate_slug(slug: &str) -> Result<(), validator::ValidationError> {
    let ok = (2..=40).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(validator::ValidationError::new("slug").with_message(
            "use 2 to 40 lower-case letters, digits and hyphens, not starting or ending with a hyphen"
                .into(),
        ))
    }
}

fn validate_hex_colour(colour: &str) -> Result<(), validator::ValidationError> {
    let ok = colour.len() == 7
        && colour.starts_with('#')
        && colour[1..].bytes().all(|b| b.is_ascii_hexdigit());
    if ok {
        Ok(())
    } else {
        Err(validator::ValidationError::new("colour")
            .with_message("use a hex colour such as #4338ca".into()))
    }
}

fn validate_dunning_days(days: &str) -> Result<(), validator::ValidationError> {
    if parse_dunning_days(days).is_some() {
        Ok(())
    } else {
        Err(validator::ValidationError::new("dunning").with_message(
            "list 1 to 10 retry delays in whole days, increasing, separated by commas (e.g. 1,3,5)"
                .into(),
        ))
    }
}

/// `"1,3,5"` → `[1, 3, 5]`; `None` unless 1..=10 strictly increasing days in 1..=60.
fn parse_dunning_days(days: &str) -> Option<Vec<u32>> {
    let parsed: Vec<u32> = days
        .split(',')
        .map(|d| d.trim().parse::<u32>().ok())
        .collect::<Option<_>>()?;
    let increasing = parsed.windows(2).all(|w| w[0] < w[1]);
    let in_range = parsed.iter().all(|d| (1..=60).contains(d));
    ((1..=10).contains(&parsed.len()) && increasing && in_range).then_some(parsed)
}

#[derive(Debug, Validate, Deserialize)]
pub struct Validator {
    #[validate(custom(function = "validate_slug"))]
    pub slug: Option<String>,
    #[validate(
        length(min = 1, max = 120, message = "enter a name of up to 120 characters"),
        custom(function = "super::single_line")
    )]
    pub name: Option<String>,
    #[validate(custom(function = "validate_hex_colour"))]
    pub accent_color: Option<String>,
    #[validate(email(message = "enter a valid support email address"))]
    pub support_email: Option<String>,
    #[validate(custom(function = "crate::urls::validate_stored"))]
    pub return_url: Option<String>,
    #[validate(custom(function = "validate_dunning_days"))]
    pub dunning_retry_days: Option<String>,
}

impl Validatable for ActiveModel {
    fn validator(&self) -> Box<dyn Validate> {
        Box::new(Validator {
            slug: super::field(&self.slug),
            name: super::field(&self.name),
            accent_color: super::field(&self.accent_color),
            support_email: super::field(&self.support_email).flatten(),
            return_url: super::field(&self.return_url).flatten(),
            dunning_retry_days: super::field(&self.dunning_retry_days),
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

impl Model {
    /// # Errors
    /// `EntityNotFound` when no workspace has this slug.
    pub async fn find_by_slug(db: &impl ConnectionTrait, slug: &str) -> ModelResult<Self> {
        Entity::find()
            .filter(Column::Slug.eq(slug))
            .one(db)
            .await?
            .ok_or(ModelError::EntityNotFound)
    }

    /// # Errors
    /// `EntityNotFound` when no workspace has this id.
    pub async fn find_by_id(db: &impl ConnectionTrait, id: i64) -> ModelResult<Self> {
        Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or(ModelError::EntityNotFound)
    }

    /// Creates a workspace with default portal settings.
    ///
    /// # Errors
    /// A validation error naming the field, or `EntityAlreadyExists` for a taken slug.
    pub async fn create(db: &impl ConnectionTrait, params: &NewWorkspace) -> ModelResult<Self> {
        if Entity::find()
            .filter(Column::Slug.eq(&params.slug))
            .one(db)
            .await?
            .is_some()
        {
            return Err(ModelError::EntityAlreadyExists);
        }
        let mut workspace = ActiveModel {
            slug: Set(params.slug.clone()),
            name: Set(params.name.trim().to_string()),
            support_email: Set(params.support_email.clone()),
            return_url: Set(params.return_url.clone()),
            dunning_retry_days: Set("1,3,5".to_string()),
            ..Default::default()
        };
        workspace.accent_color = Set(params
            .accent_color
            .clone()
            .unwrap_or_else(|| "#4338ca".to_string()));
        Ok(workspace.insert(db).await?)
    }

    /// Is this portal section switched on for customers?
    #[must_use]
    pub fn section_enabled(&self, section: PortalSection) -> bool {
        crate::capabilities::Capability::of_section(section).allowed(self)
    }

    /// The enabled sections, in menu order.
    #[must_use]
    pub fn enabled_sections(&self) -> Vec<PortalSection> {
        PortalSection::ALL
            .into_iter()
            .filter(|s| self.section_enabled(*s))
            .collect()
    }

    /// Retry delays in days after a failed renewal (validated on save).
    #[must_use]
    pub fn dunning_schedule(&self) -> Vec<u32> {
        parse_dunning_days(&self.dunning_retry_days).unwrap_or_else(|| vec![1, 3, 5])
    }

    #[must_use]
    pub fn dunning_final_action(&self) -> DunningFinalAction {
        if self.dunning_final_action == "leave_unpaid" {
            DunningFinalAction::LeaveUnpaid
        } else {
            DunningFinalAction::Cancel
        }
    }
}

/// What the console's "Portal settings" page edits: every switch of
/// `crate::capabilities` (sections, actions, decisions, profile fields) by
/// key, the longest pause, and the dunning schedule.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct PortalSettings {
    pub switches: std::collections::BTreeMap<String, bool>,
    /// the longest pause customers may choose, in billing periods (1 to 12)
    pub pause_max_periods: u32,
    pub dunning_retry_days: String,
    pub dunning_final_action: String,
}

impl From<&Model> for PortalSettings {
    fn from(w: &Model) -> Self {
        Self {
            switches: crate::capabilities::current(w)
                .into_iter()
                .map(|(c, on)| (c.key().to_string(), on))
                .collect(),
            pause_max_periods: crate::capabilities::pause_max_periods(w),
            dunning_retry_days: w.dunning_retry_days.clone(),
            dunning_final_action: w.dunning_final_action.clone(),
        }
    }
}

/// What the console's "Branding" page edits.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct BrandingSettings {
    pub name: String,
    pub accent_color: String,
    pub support_email: String,
    pub return_url: String,
    /// The portal's language for readers whose browser asks for none we
    /// offer, and for emails to customers who chose none.
    pub default_locale: String,
    /// What invoices print as the seller.
    pub legal_name: String,
    pub seller_address: String,
    pub tax_id: String,
}

impl BrandingSettings {
    #[must_use]
    pub fn of(w: &Model) -> Self {
        Self {
            name: w.name.clone(),
            accent_color: w.accent_color.clone(),
            support_email: w.support_email.clone().unwrap_or_default(),
            return_url: w.return_url.clone().unwrap_or_default(),
            default_locale: w.default_locale.clone(),
            legal_name: w.legal_name.clone().unwrap_or_default(),
            seller_address: w.seller_address.clone().unwrap_or_default(),
            tax_id: w.tax_id.clone().unwrap_or_default(),
        }
    }
}

/// A logo image the portal can serve: PNG, JPEG or WebP (never SVG, which can
/// carry script), recognised by its first bytes.
#[must_use]
pub fn logo_content_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.len() > 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// Where a workspace's logo is stored.
#[must_use]
pub fn logo_key(workspace_id: i64) -> std::path::PathBuf {
    std::path::PathBuf::from(format!("logos/{workspace_id}/logo"))
}

impl Model {
    /// Saves name, accent colour, support email, return link, language and
    /// what invoices print as the seller (blank fields clear the optional
    /// ones; invoices already issued keep their snapshot). Validation errors
    /// name the field.
    ///
    /// # Errors
    /// A validation error, or a database error.
    pub async fn update_branding(
        self,
        db: &impl ConnectionTrait,
        b: &BrandingSettings,
        links: crate::urls::Policy,
    ) -> ModelResult<Self> {
        let optional = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
        if let Some(url) = optional(&b.return_url) {
            crate::urls::check_link(&url, links)
                .map_err(|message| super::field_error("return_url", message))?;
        }
        // not sent: the language stays as it is
        let locale = match b.default_locale.trim() {
            "" => self.default_locale.clone(),
            chosen => crate::locale::available()
                .iter()
                .find(|l| **l == chosen)
                .ok_or_else(|| {
                    super::field_error("default_locale", "Choose one of the languages listed.")
                })?
                .to_string(),
        };
        // a postal address on an invoice: lines, without blank ones
        let address = b
            .seller_address
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        let mut w = self.into_active_model();
        w.name = Set(b.name.trim().to_string());
        w.accent_color = Set(b.accent_color.trim().to_lowercase());
        w.support_email = Set(optional(&b.support_email));
        w.return_url = Set(optional(&b.return_url));
        w.default_locale = Set(locale);
        w.legal_name = Set(optional(&b.legal_name));
        w.seller_address = Set(optional(&address));
        w.tax_id = Set(optional(&b.tax_id));
        Ok(w.update(db).await?)
    }

    /// Points the portal at a new logo (or none); the query string changes
    /// with every upload so browsers fetch the new one.
    ///
    /// # Errors
    /// On a database error.
    pub async fn set_logo(
        self,
        db: &impl ConnectionTrait,
        version: Option<&str>,
    ) -> ModelResult<Self> {
        let url = version.map(|v| format!("/portal/{}/logo?v={v}", self.slug));
        let mut w = self.into_active_model();
        w.logo_url = Set(url);
        Ok(w.update(db).await?)
    }

    /// Saves the portal settings; customers see them on their next page
    /// load. Validation errors name the field (the dunning schedule).
    ///
    /// # Errors
    /// A validation error, or a database error.
    pub async fn update_portal_settings(
        self,
        db: &impl ConnectionTrait,
        s: &PortalSettings,
    ) -> ModelResult<Self> {
        let final_action = if s.dunning_final_action == "leave_unpaid" {
            "leave_unpaid"
        } else {
            "cancel"
        };
        let mut w = self.into_active_model();
        w.dunning_retry_days = Set(s.dunning_retry_days.replace(' ', ""));
        w.dunning_final_action = Set(final_action.to_string());
        let values: Vec<_> = crate::capabilities::Capability::all()
            .map(|c| (c, s.switches.get(c.key()).copied().unwrap_or(false)))
            .collect();
        crate::capabilities::apply(&mut w, &values, s.pause_max_periods);
        Ok(w.update(db).await?)
    }
}

impl ActiveModel {
    /// Switches one portal section on or off.
    ///
    /// # Errors
    /// On a database error.
    pub async fn set_section(
        mut self,
        db: &impl ConnectionTrait,
        section: PortalSection,
        enabled: bool,
    ) -> ModelResult<Model> {
        crate::capabilities::Capability::of_section(section).set(&mut self, enabled);
        Ok(self.update(db).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dunning_days_parse_strictly() {
        assert_eq!(parse_dunning_days("1,3,5"), Some(vec![1, 3, 5]));
        assert_eq!(parse_dunning_days(" 2, 7 "), Some(vec![2, 7]));
        assert_eq!(parse_dunning_days("3,1"), None);
        assert_eq!(parse_dunning_days(""), None);
        assert_eq!(parse_dunning_days("0"), None);
        assert_eq!(parse_dunning_days("1,x"), None);
    }

    #[test]
    fn slugs_and_colours_validate() {
        assert!(validate_slug("acme").is_ok());
        assert!(validate_slug("acme-cloud-2").is_ok());
        assert!(validate_slug("Acme").is_err());
        assert!(validate_slug("-acme").is_err());
        assert!(validate_slug("a").is_err());
        assert!(validate_hex_colour("#4338ca").is_ok());
        assert!(validate_hex_colour("4338ca").is_err());
        assert!(validate_hex_colour("#43g8ca").is_err());
    }
}
