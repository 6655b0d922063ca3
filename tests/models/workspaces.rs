use loco_rs::model::ModelError;
use portal::models::workspaces::{self, NewWorkspace, PortalSection};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};

use crate::support;

fn shop(slug: &str) -> NewWorkspace {
    NewWorkspace {
        slug: slug.into(),
        name: "Shop".into(),
        accent_color: None,
        support_email: Some("help@shop.test".into()),
        return_url: None,
    }
}

#[tokio::test]
async fn creates_a_workspace_with_every_section_on() {
    let boot = support::boot().await;
    let db = &boot.app_context.db;
    let ws = workspaces::Model::create(db, &shop("shop")).await.unwrap();
    assert_eq!(ws.slug, "shop");
    assert_eq!(ws.accent_color, "#4338ca");
    assert_eq!(ws.enabled_sections(), PortalSection::ALL.to_vec());
    assert_eq!(ws.dunning_schedule(), vec![1, 3, 5]);
    assert_eq!(
        workspaces::Model::find_by_slug(db, "shop")
            .await
            .unwrap()
            .id,
        ws.id
    );
}

#[tokio::test]
async fn refuses_a_taken_slug_and_bad_fields_with_clear_errors() {
    let boot = support::boot().await;
    let db = &boot.app_context.db;
    workspaces::Model::create(db, &shop("shop")).await.unwrap();
    assert!(matches!(
        workspaces::Model::create(db, &shop("shop")).await,
        Err(ModelError::EntityAlreadyExists)
    ));
    let err = workspaces::Model::create(db, &shop("Not A Slug"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("lower-case letters"), "{err}");
    let mut bad_colour = shop("colour");
    bad_colour.accent_color = Some("blue".into());
    let err = workspaces::Model::create(db, &bad_colour)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("hex colour"), "{err}");
}

#[tokio::test]
async fn switching_a_section_off_removes_it_from_the_menu_in_order() {
    let boot = support::boot().await;
    let db = &boot.app_context.db;
    let ws = workspaces::Model::create(db, &shop("shop")).await.unwrap();
    let ws = ws
        .into_active_model()
        .set_section(db, PortalSection::PaymentMethods, false)
        .await
        .unwrap();
    assert!(!ws.section_enabled(PortalSection::PaymentMethods));
    assert_eq!(
        ws.enabled_sections(),
        vec![
            PortalSection::Subscriptions,
            PortalSection::BillingHistory,
            PortalSection::Profile
        ]
    );
}

#[tokio::test]
async fn a_dunning_schedule_must_increase() {
    let boot = support::boot().await;
    let db = &boot.app_context.db;
    let ws = workspaces::Model::create(db, &shop("shop")).await.unwrap();
    let mut update = ws.clone().into_active_model();
    update.dunning_retry_days = Set("5,1".into());
    let err = update.update(db).await.unwrap_err();
    assert!(err.to_string().contains("increasing"), "{err}");
    let mut update = ws.into_active_model();
    update.dunning_retry_days = Set("2,4,8,16".into());
    assert_eq!(
        update.update(db).await.unwrap().dunning_schedule(),
        vec![2, 4, 8, 16]
    );
}
