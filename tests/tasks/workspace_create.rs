use loco_rs::{boot::run_task, task};
use portal::{
    app::App,
    models::{
        memberships::{self, Role},
        users, workspaces,
    },
};

use crate::support;

fn vars(slug: &str) -> task::Vars {
    task::Vars::from_cli_args(vec![
        ("slug".into(), slug.into()),
        ("name".into(), "Initech".into()),
        ("owner".into(), "bill@initech.test".into()),
    ])
}

#[tokio::test]
async fn creates_a_workspace_and_its_owner() {
    let boot = support::boot().await;
    let ctx = &boot.app_context;
    run_task::<App>(ctx, Some(&"workspace_create".to_string()), &vars("initech"))
        .await
        .unwrap();
    let ws = workspaces::Model::find_by_slug(&ctx.db, "initech")
        .await
        .unwrap();
    let owner = users::Model::find_by_email(&ctx.db, "bill@initech.test")
        .await
        .unwrap();
    let m = memberships::Model::find_in_workspace(&ctx.db, ws.id, owner.id)
        .await
        .unwrap();
    assert_eq!(m.role(), Some(Role::Owner));

    let again = run_task::<App>(ctx, Some(&"workspace_create".to_string()), &vars("initech")).await;
    assert!(again.unwrap_err().to_string().contains("exists already"));
    let bad = run_task::<App>(
        ctx,
        Some(&"workspace_create".to_string()),
        &vars("Bad Slug"),
    )
    .await;
    assert!(bad.unwrap_err().to_string().contains("lower-case"));
    let missing = run_task::<App>(
        ctx,
        Some(&"workspace_create".to_string()),
        &task::Vars::default(),
    )
    .await;
    assert!(missing.unwrap_err().to_string().contains("missing `slug:`"));
}
