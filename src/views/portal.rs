//! What portal templates may see of a workspace: its public branding only.
use serde::Serialize;

use crate::models::workspaces;

#[derive(Debug, Serialize)]
pub struct Branding {
    pub slug: String,
    pub name: String,
    pub logo_url: Option<String>,
    pub accent_color: String,
    pub support_email: Option<String>,
    pub return_url: Option<String>,
}

impl From<&workspaces::Model> for Branding {
    fn from(w: &workspaces::Model) -> Self {
        Self {
            slug: w.slug.clone(),
            name: w.name.clone(),
            logo_url: w.logo_url.clone(),
            accent_color: w.accent_color.clone(),
            support_email: w.support_email.clone(),
            return_url: w.return_url.clone(),
        }
    }
}
