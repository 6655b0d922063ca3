use portal::models::api_keys;
use sea_orm::IntoActiveModel;

use crate::support;

#[tokio::test]
async fn a_secret_key_is_shown_once_stored_hashed_and_can_be_revoked() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let secrets = support::secrets(ctx);
    let acme = support::workspace(ctx, "acme").await;
    // the demo's own key
    let before = api_keys::Model::list(&ctx.db, acme.id).await.unwrap().len();

    let created = api_keys::Model::create(&ctx.db, &secrets, acme.id, "billing app", None)
        .await
        .unwrap();
    assert!(created.secret.starts_with(api_keys::KEY_PREFIX));
    assert!(created.secret.len() >= 40);
    assert_ne!(created.record.key_hash, created.secret);
    assert!(created.secret.starts_with(&created.record.prefix));

    let found = api_keys::Model::find_by_secret(&ctx.db, &secrets, &created.secret)
        .await
        .unwrap();
    assert_eq!(found.workspace_id, acme.id);
    assert!(
        api_keys::Model::find_by_secret(&ctx.db, &secrets, "sk_guess")
            .await
            .is_err()
    );

    found
        .into_active_model()
        .revoke(&ctx.db, support::now())
        .await
        .unwrap();
    assert!(
        api_keys::Model::find_by_secret(&ctx.db, &secrets, &created.secret)
            .await
            .is_err()
    );
    assert_eq!(
        api_keys::Model::list(&ctx.db, acme.id).await.unwrap().len(),
        before + 1,
        "a revoked key stays listed"
    );
}
