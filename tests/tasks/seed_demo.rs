use loco_rs::{boot::run_task, task};
use portal::{
    app::App,
    models::{customers, workspaces},
};
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::support;

#[tokio::test]
async fn seed_demo_loads_once_and_is_safe_to_repeat() {
    let boot = support::boot().await;
    let ctx = &boot.app_context;
    let vars = task::Vars::default();
    run_task::<App>(ctx, Some(&"seed_demo".to_string()), &vars)
        .await
        .unwrap();
    let customers_after_first = customers::Entity::find().count(&ctx.db).await.unwrap();
    run_task::<App>(ctx, Some(&"seed_demo".to_string()), &vars)
        .await
        .unwrap();
    assert_eq!(
        customers::Entity::find().count(&ctx.db).await.unwrap(),
        customers_after_first
    );
    assert_eq!(customers_after_first, 4);
    let names: Vec<_> = workspaces::Entity::find()
        .all(&ctx.db)
        .await
        .unwrap()
        .into_iter()
        .map(|w| w.name)
        .collect();
    assert_eq!(names, vec!["Acme Cloud", "Globex Corporation"]);
}
