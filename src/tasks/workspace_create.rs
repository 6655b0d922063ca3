//! `cargo loco task workspace_create slug:.. name:.. owner:..`: a new merchant
//! workspace with an owner who can sign in to the console.
use loco_rs::prelude::*;

use crate::{
    models::{
        memberships::{self, Role},
        users::{self, RegisterParams},
        workspaces::{self, NewWorkspace},
    },
    secrets::random_alphanumeric,
};

pub struct WorkspaceCreate;

const USAGE: &str =
    "Usage: cargo loco task workspace_create slug:acme name:\"Acme Cloud\" owner:owner@acme.test";

#[async_trait]
impl Task for WorkspaceCreate {
    fn task(&self) -> TaskInfo {
        TaskInfo {
            name: "workspace_create".to_string(),
            detail: format!(
                "Create a merchant workspace and make `owner` its owner (creating the console \
                 user with a printed one-time password if needed).\n{USAGE}"
            ),
        }
    }

    async fn run(&self, ctx: &AppContext, vars: &task::Vars) -> Result<()> {
        let arg = |name: &str| {
            vars.cli_arg(name)
                .map(ToString::to_string)
                .map_err(|_| Error::string(&format!("missing `{name}:`. {USAGE}")))
        };
        let (slug, name, owner) = (arg("slug")?, arg("name")?, arg("owner")?);
        let txn = crate::models::write_transaction(&ctx.db).await?;
        let workspace = match workspaces::Model::create(
            &txn,
            &NewWorkspace {
                slug: slug.clone(),
                name,
                accent_color: None,
                support_email: None,
                return_url: None,
            },
        )
        .await
        {
            Ok(w) => w,
            Err(ModelError::EntityAlreadyExists) => {
                return Err(Error::string(&format!(
                    "a workspace with slug `{slug}` exists already: pick another slug"
                )))
            }
            Err(e) => return Err(Error::string(&format!("workspace not created: {e}"))),
        };
        let (user, password) = match users::Model::find_by_email(&ctx.db, &owner).await {
            Ok(user) => (user, None),
            Err(_) => {
                let password = random_alphanumeric(20);
                let user = users::Model::create_with_password(
                    &txn,
                    &RegisterParams {
                        email: owner.clone(),
                        password: password.clone(),
                        name: owner.clone(),
                    },
                )
                .await?;
                (
                    user.into_active_model().verified(&txn).await?,
                    Some(password),
                )
            }
        };
        memberships::Model::grant(&txn, workspace.id, user.id, Role::Owner).await?;
        txn.commit().await?;
        println!(
            "workspace `{}` created; portal: /portal/{}/login",
            workspace.slug, workspace.slug
        );
        match password {
            Some(p) => println!("console user {owner} created with password {p} (shown once)"),
            None => println!("existing console user {owner} is now its owner"),
        }
        Ok(())
    }
}
