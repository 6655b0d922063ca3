use loco_rs::model::ModelError;
use portal::models::users::{self, RegisterParams};

use crate::support;

#[tokio::test]
async fn console_users_are_created_with_a_hashed_password() {
    let boot = support::boot().await;
    let db = &boot.app_context.db;
    let params = RegisterParams {
        email: "new@shop.test".into(),
        password: "correct horse battery".into(),
        name: "New User".into(),
    };
    let user = users::Model::create_with_password(db, &params)
        .await
        .unwrap();
    assert_ne!(user.password, params.password);
    assert!(user.verify_password("correct horse battery"));
    assert!(!user.verify_password("wrong"));
    assert!(matches!(
        users::Model::create_with_password(db, &params).await,
        Err(ModelError::EntityAlreadyExists)
    ));
    assert_eq!(
        users::Model::find_by_email(db, "new@shop.test")
            .await
            .unwrap()
            .id,
        user.id
    );
}

#[tokio::test]
async fn demo_console_users_sign_in_with_the_printed_password() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let password = portal::demo::console_password(&support::secrets(ctx));
    let owner = users::Model::find_by_email(&ctx.db, "owner@acme.test")
        .await
        .unwrap();
    assert!(owner.verify_password(&password));
    assert!(owner.email_verified_at.is_some());
}
