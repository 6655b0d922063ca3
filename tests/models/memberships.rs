use loco_rs::model::ModelError;
use portal::models::memberships::{self, Role};

use crate::support;

#[tokio::test]
async fn a_grant_sets_or_replaces_the_role_in_one_workspace() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let acme = support::workspace(ctx, "acme").await;
    let globex = support::workspace(ctx, "globex").await;
    let owner = portal::models::users::Model::find_by_email(&ctx.db, "owner@acme.test")
        .await
        .unwrap();

    let m = memberships::Model::find_in_workspace(&ctx.db, acme.id, owner.id)
        .await
        .unwrap();
    assert_eq!(m.role(), Some(Role::Owner));
    assert!(matches!(
        memberships::Model::find_in_workspace(&ctx.db, globex.id, owner.id).await,
        Err(ModelError::EntityNotFound)
    ));

    memberships::Model::grant(&ctx.db, globex.id, owner.id, Role::Viewer)
        .await
        .unwrap();
    memberships::Model::grant(&ctx.db, acme.id, owner.id, Role::Admin)
        .await
        .unwrap();
    let all = memberships::Model::list_for_user(&ctx.db, owner.id)
        .await
        .unwrap();
    let roles: Vec<_> = all.iter().map(|m| (m.workspace_id, m.role())).collect();
    assert_eq!(
        roles,
        vec![
            (acme.id, Some(Role::Admin)),
            (globex.id, Some(Role::Viewer))
        ]
    );
}

#[test]
fn unknown_roles_are_refused_by_name() {
    assert_eq!(Role::parse("admin").unwrap(), Role::Admin);
    let err = Role::parse("superuser").unwrap_err();
    assert!(err.to_string().contains("owner, admin or viewer"));
}
