use chrono::Duration;
use portal::models::sign_in_requests::{self, Limited, PER_EMAIL, PER_IP, WINDOW_MINUTES};

use crate::support;

#[tokio::test]
async fn requests_are_limited_per_email_and_per_ip_within_the_window() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let secrets = support::secrets(ctx);
    let acme = support::workspace(ctx, "acme").await;
    let now = support::now();
    let admit = |email: String, ip: &'static str, at| {
        let secrets = secrets.clone();
        let db = ctx.db.clone();
        async move {
            sign_in_requests::Model::admit(
                &db,
                &secrets,
                &Default::default(),
                acme.id,
                &email,
                Some(ip),
                at,
            )
            .await
            .unwrap()
        }
    };

    for _ in 0..PER_EMAIL {
        assert_eq!(
            admit("Ada@Example.com".into(), "10.0.0.1", now).await,
            Ok(())
        );
    }
    // the same mailbox, however it is spelled
    assert_eq!(
        admit("ada@example.com".into(), "10.0.0.9", now).await,
        Err(Limited::Email)
    );
    // after the window it may ask again
    let later = now + Duration::minutes(WINDOW_MINUTES) + Duration::seconds(1);
    assert_eq!(
        admit("ada@example.com".into(), "10.0.0.9", later).await,
        Ok(())
    );

    for i in 0..(PER_IP - PER_EMAIL) {
        assert_eq!(
            admit(format!("user{i}@example.com"), "10.0.0.1", now).await,
            Ok(())
        );
    }
    assert_eq!(
        admit("fresh@example.com".into(), "10.0.0.1", now).await,
        Err(Limited::Ip)
    );
    assert_eq!(
        admit("fresh@example.com".into(), "10.0.0.2", now).await,
        Ok(())
    );

    // only the keyed hash of an email is stored
    let rows = sign_in_requests::Entity::find().all(&ctx.db).await.unwrap();
    assert!(rows.iter().all(|r| !r.email_hash.contains('@')));
    assert!(
        sign_in_requests::Model::prune(&ctx.db, later + Duration::minutes(WINDOW_MINUTES))
            .await
            .unwrap()
            > 0
    );
}

use sea_orm::EntityTrait;
