//! Team members: invite by email, change role, remove (the last owner
//! stays). Everyone in the workspace may look; only owners change it.
use axum::http::StatusCode;
use loco_rs::prelude::*;
use serde::Deserialize;
use serde_json::json;

use super::session::Console;
use crate::views::console::MemberRow;
use crate::{
    access::{Action, Resource},
    controllers::portal::session::with,
    mailers::auth::AuthMailer,
    models::{
        memberships::{self, Role},
        users,
    },
};

async fn team_page(
    v: &TeraView,
    ctx: &AppContext,
    console: &Console,
    status: StatusCode,
    extra: serde_json::Value,
) -> Result<Response> {
    let members: Vec<_> = memberships::Model::list_in_workspace(&ctx.db, console.workspace.id)
        .await?
        .iter()
        .map(|(m, u)| MemberRow::new(m, u, console.user.id))
        .collect();
    let page = json!({ "members": members, "can_write": console.can_write(ctx, Resource::Team).await,
                           "roles": Role::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>() });
    let page = with(page, extra);
    console
        .render(v, ctx, "team", "admin/team.html", status, page)
        .await
}

#[debug_handler]
pub async fn team(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    console: Console,
) -> Result<Response> {
    console.allow(&ctx, Resource::Team, Action::Read).await?;
    team_page(&v, &ctx, &console, StatusCode::OK, json!({})).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InviteForm {
    csrf_token: String,
    email: String,
    role: String,
}

/// Invites someone: a console user is created when the email has none, and
/// is emailed a link to choose a password; the role applies at once.
#[debug_handler]
pub async fn invite(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    console: Console,
    Form(form): Form<InviteForm>,
) -> Result<Response> {
    console
        .allow_form(&ctx, Resource::Team, &form.csrf_token)
        .await?;
    let email = form.email.trim().to_lowercase();
    let Ok(role) = Role::parse(&form.role) else {
        return team_page(
            &v,
            &ctx,
            &console,
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({ "error": "Pick a role: owner, admin or viewer.", "email": email }),
        )
        .await;
    };
    if !validator::ValidateEmail::validate_email(&email) {
        return team_page(
            &v,
            &ctx,
            &console,
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({ "error": "Enter a valid email address.", "email": email }),
        )
        .await;
    }
    let secrets = crate::settings::Settings::from_context(&ctx)?.secrets();
    let (user, reset_token) = users::Model::invite(&ctx.db, &secrets, &email).await?;
    if let Some(token) = reset_token {
        AuthMailer::forgot_password(&ctx, &user, &token).await?;
    }
    memberships::Model::grant(&ctx.db, console.workspace.id, user.id, role).await?;
    team_page(&v, &ctx, &console, StatusCode::OK, json!({ "notice": format!("{email} is now {} of {}.", role.as_str(), console.workspace.name) })).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MemberForm {
    csrf_token: String,
    role: String,
}

/// The team page after a role change or removal: the notice, the reason it
/// was refused (the last owner stays), or 404 for someone not in the team.
async fn member_changed(
    v: &TeraView,
    ctx: &AppContext,
    console: &Console,
    outcome: ModelResult<()>,
    notice: &str,
) -> Result<Response> {
    let (status, page) = match outcome {
        Ok(()) => (StatusCode::OK, json!({ "notice": notice })),
        Err(ModelError::EntityNotFound) => return Err(Error::NotFound),
        Err(ModelError::Message(message)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({ "error": crate::locale::say(&message, crate::locale::DEFAULT) }),
        ),
        Err(e) => return Err(e.into()),
    };
    team_page(v, ctx, console, status, page).await
}

#[debug_handler]
pub async fn change_role(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path((_slug, user_id)): Path<(String, i64)>,
    console: Console,
    Form(form): Form<MemberForm>,
) -> Result<Response> {
    console
        .allow_form(&ctx, Resource::Team, &form.csrf_token)
        .await?;
    let role = Role::parse(&form.role).map_err(|_| Error::BadRequest("unknown role".into()))?;
    let changed = memberships::Model::change_role(&ctx.db, console.workspace.id, user_id, role)
        .await
        .map(|_| ());
    member_changed(&v, &ctx, &console, changed, "Role changed.").await
}

#[debug_handler]
pub async fn remove(
    ViewEngine(v): ViewEngine<TeraView>,
    State(ctx): State<AppContext>,
    Path((_slug, user_id)): Path<(String, i64)>,
    console: Console,
    Form(form): Form<MemberForm>,
) -> Result<Response> {
    console
        .allow_form(&ctx, Resource::Team, &form.csrf_token)
        .await?;
    let removed = memberships::Model::remove(&ctx.db, console.workspace.id, user_id).await;
    member_changed(&v, &ctx, &console, removed, "Member removed.").await
}
