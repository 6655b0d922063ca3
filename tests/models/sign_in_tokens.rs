use chrono::Duration;
use loco_rs::model::ModelError;
use portal::models::sign_in_tokens::{self, PURPOSE_SIGN_IN, VALIDITY_MINUTES};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::support;

#[tokio::test]
async fn a_link_works_once_within_thirty_minutes() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let secrets = support::secrets(ctx);
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    let now = support::now();

    let issued = sign_in_tokens::Model::issue(
        &ctx.db,
        &secrets,
        ada.workspace_id,
        ada.id,
        PURPOSE_SIGN_IN,
        None,
        None,
        now,
    )
    .await
    .unwrap();
    assert!(issued.token.len() >= 32, "at least 128 random bits");
    assert_eq!(
        issued.record.expires_at,
        now + Duration::minutes(VALIDITY_MINUTES)
    );
    // only keyed hashes are stored
    assert_ne!(issued.record.token_hash, issued.token);
    assert!(!issued.record.token_hash.contains(&issued.token));
    assert!(!issued
        .record
        .code_hash
        .clone()
        .unwrap()
        .contains(&issued.code));

    let found =
        sign_in_tokens::Model::find_by_token(&ctx.db, &secrets, ada.workspace_id, &issued.token)
            .await
            .unwrap();
    assert!(found.is_usable(now), "looking at a link does not use it");

    let used = sign_in_tokens::Model::redeem(
        &ctx.db,
        &secrets,
        ada.workspace_id,
        &issued.token,
        PURPOSE_SIGN_IN,
        now,
    )
    .await
    .unwrap();
    assert_eq!(used.customer_id, ada.id);
    assert!(matches!(
        sign_in_tokens::Model::redeem(
            &ctx.db,
            &secrets,
            ada.workspace_id,
            &issued.token,
            PURPOSE_SIGN_IN,
            now
        )
        .await,
        Err(ModelError::EntityNotFound)
    ));
}

#[tokio::test]
async fn an_expired_or_foreign_link_is_refused() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let secrets = support::secrets(ctx);
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    let globex = support::workspace(ctx, "globex").await;
    let now = support::now();
    let issued = sign_in_tokens::Model::issue(
        &ctx.db,
        &secrets,
        ada.workspace_id,
        ada.id,
        PURPOSE_SIGN_IN,
        None,
        None,
        now,
    )
    .await
    .unwrap();

    assert!(sign_in_tokens::Model::redeem(
        &ctx.db,
        &secrets,
        globex.id,
        &issued.token,
        PURPOSE_SIGN_IN,
        now
    )
    .await
    .is_err());
    assert!(sign_in_tokens::Model::redeem(
        &ctx.db,
        &secrets,
        ada.workspace_id,
        &issued.token,
        "email_change",
        now
    )
    .await
    .is_err());
    let later = now + Duration::minutes(VALIDITY_MINUTES) + Duration::seconds(1);
    assert!(sign_in_tokens::Model::redeem(
        &ctx.db,
        &secrets,
        ada.workspace_id,
        &issued.token,
        PURPOSE_SIGN_IN,
        later
    )
    .await
    .is_err());
    let almost = now + Duration::minutes(VALIDITY_MINUTES) - Duration::seconds(1);
    assert!(sign_in_tokens::Model::redeem(
        &ctx.db,
        &secrets,
        ada.workspace_id,
        &issued.token,
        PURPOSE_SIGN_IN,
        almost
    )
    .await
    .is_ok());
}

#[tokio::test]
async fn the_code_is_a_second_way_in_with_limited_guesses() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let secrets = support::secrets(ctx);
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    let bob = support::customer(ctx, "acme", "bob@example.com").await;
    let now = support::now();
    let issued = sign_in_tokens::Model::issue(
        &ctx.db,
        &secrets,
        ada.workspace_id,
        ada.id,
        PURPOSE_SIGN_IN,
        None,
        None,
        now,
    )
    .await
    .unwrap();
    // bob cannot use ada's code
    assert!(sign_in_tokens::Model::redeem_code(
        &ctx.db,
        &secrets,
        bob.workspace_id,
        bob.id,
        &issued.code,
        now
    )
    .await
    .is_err());
    let ok = sign_in_tokens::Model::redeem_code(
        &ctx.db,
        &secrets,
        ada.workspace_id,
        ada.id,
        &issued.code,
        now,
    )
    .await
    .unwrap();
    assert_eq!(ok.id, issued.record.id);
    assert!(sign_in_tokens::Model::redeem_code(
        &ctx.db,
        &secrets,
        ada.workspace_id,
        ada.id,
        &issued.code,
        now
    )
    .await
    .is_err());

    let second = sign_in_tokens::Model::issue(
        &ctx.db,
        &secrets,
        ada.workspace_id,
        ada.id,
        PURPOSE_SIGN_IN,
        None,
        None,
        now,
    )
    .await
    .unwrap();
    let wrong = if second.code == "000000" {
        "111111"
    } else {
        "000000"
    };
    for _ in 0..sign_in_tokens::MAX_CODE_ATTEMPTS {
        assert!(sign_in_tokens::Model::redeem_code(
            &ctx.db,
            &secrets,
            ada.workspace_id,
            ada.id,
            wrong,
            now
        )
        .await
        .is_err());
    }
    // after too many wrong guesses even the right code is refused
    assert!(sign_in_tokens::Model::redeem_code(
        &ctx.db,
        &secrets,
        ada.workspace_id,
        ada.id,
        &second.code,
        now
    )
    .await
    .is_err());
}

#[tokio::test]
async fn pruning_removes_only_long_expired_links() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let secrets = support::secrets(ctx);
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    let now = support::now();
    sign_in_tokens::Model::issue(
        &ctx.db,
        &secrets,
        ada.workspace_id,
        ada.id,
        PURPOSE_SIGN_IN,
        None,
        None,
        now - Duration::days(3),
    )
    .await
    .unwrap();
    let fresh = sign_in_tokens::Model::issue(
        &ctx.db,
        &secrets,
        ada.workspace_id,
        ada.id,
        PURPOSE_SIGN_IN,
        None,
        None,
        now,
    )
    .await
    .unwrap();
    assert_eq!(sign_in_tokens::Model::prune(&ctx.db, now).await.unwrap(), 1);
    let left = sign_in_tokens::Entity::find()
        .filter(sign_in_tokens::Column::CustomerId.eq(ada.id))
        .all(&ctx.db)
        .await
        .unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].id, fresh.record.id);
}
