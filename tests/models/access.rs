//! The casbin matrix: roles x resources x actions x workspaces.
use portal::{
    access::{Action, Authorizer, Principal, Resource},
    models::{memberships, users},
};
use sea_orm::{EntityTrait, ModelTrait};

use crate::support;

/// What each merchant role may do in its own workspace (written out here,
/// independently of config/casbin/policy.csv, so a policy change shows up).
fn merchant_may(role: &str, resource: Resource, action: Action) -> bool {
    use Resource::{Branding, Charges, Customers, Invoices, Settings, Subscriptions};
    match (role, action) {
        ("owner", _) | ("admin" | "viewer", Action::Read) => true,
        ("admin", Action::Write) => {
            matches!(
                resource,
                Settings | Branding | Customers | Subscriptions | Charges | Invoices
            )
        }
        _ => false,
    }
}

fn customer_may(resource: Resource) -> bool {
    use Resource::{Charges, Invoices, PaymentMethods, Profile, Subscriptions};
    matches!(
        resource,
        Subscriptions | PaymentMethods | Charges | Invoices | Profile
    )
}

#[tokio::test]
async fn roles_resources_actions_and_workspaces() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let authz = Authorizer::from_context(ctx).unwrap();
    let acme = support::workspace(ctx, "acme").await.id;
    let globex = support::workspace(ctx, "globex").await.id;
    let user = |email: &'static str| async move {
        users::Model::find_by_email(&ctx.db, email)
            .await
            .unwrap()
            .id
    };
    let merchants = [
        ("owner", user("owner@acme.test").await),
        ("admin", user("admin@acme.test").await),
        ("viewer", user("viewer@acme.test").await),
    ];
    let globex_owner = user("owner@globex.test").await;
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    let ada_principal = Principal::Customer {
        workspace_id: acme,
        customer_id: ada.id,
    };

    let mut checked = 0;
    for resource in Resource::ALL {
        for action in [Action::Read, Action::Write] {
            for (role, user_id) in merchants {
                let p = Principal::MerchantUser { user_id };
                assert_eq!(
                    authz.can(&ctx.db, p, acme, resource, action).await.unwrap(),
                    merchant_may(role, resource, action),
                    "{role} {action:?} {resource:?} in acme"
                );
                assert!(
                    !authz
                        .can(&ctx.db, p, globex, resource, action)
                        .await
                        .unwrap(),
                    "acme {role} must have no access to globex"
                );
            }
            let g = Principal::MerchantUser {
                user_id: globex_owner,
            };
            assert!(authz
                .can(&ctx.db, g, globex, resource, action)
                .await
                .unwrap());
            assert!(!authz.can(&ctx.db, g, acme, resource, action).await.unwrap());

            assert_eq!(
                authz
                    .can(&ctx.db, ada_principal, acme, resource, action)
                    .await
                    .unwrap(),
                customer_may(resource),
                "customer {action:?} {resource:?}"
            );
            assert!(!authz
                .can(&ctx.db, ada_principal, globex, resource, action)
                .await
                .unwrap());
            assert!(!authz
                .can(&ctx.db, Principal::Anonymous, acme, resource, action)
                .await
                .unwrap());
            checked += 1;
        }
    }
    assert_eq!(checked, Resource::ALL.len() * 2);
}

#[tokio::test]
async fn removing_a_member_takes_effect_on_the_next_check() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let authz = Authorizer::from_context(ctx).unwrap();
    let acme = support::workspace(ctx, "acme").await.id;
    let admin = users::Model::find_by_email(&ctx.db, "admin@acme.test")
        .await
        .unwrap();
    let p = Principal::MerchantUser { user_id: admin.id };
    assert!(authz
        .can(&ctx.db, p, acme, Resource::Customers, Action::Write)
        .await
        .unwrap());

    memberships::Model::grant(&ctx.db, acme, admin.id, memberships::Role::Viewer)
        .await
        .unwrap();
    assert!(!authz
        .can(&ctx.db, p, acme, Resource::Customers, Action::Write)
        .await
        .unwrap());
    assert!(authz
        .can(&ctx.db, p, acme, Resource::Customers, Action::Read)
        .await
        .unwrap());

    let m = memberships::Model::find_in_workspace(&ctx.db, acme, admin.id)
        .await
        .unwrap();
    m.delete(&ctx.db).await.unwrap();
    assert!(!authz
        .can(&ctx.db, p, acme, Resource::Customers, Action::Read)
        .await
        .unwrap());
    assert_eq!(
        memberships::Entity::find()
            .all(&ctx.db)
            .await
            .unwrap()
            .len(),
        3
    );
}
