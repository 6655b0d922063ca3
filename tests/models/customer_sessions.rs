use chrono::Duration;
use portal::models::customer_sessions::{self, ABSOLUTE_HOURS, IDLE_MINUTES};
use sea_orm::IntoActiveModel;

use crate::support;

#[tokio::test]
async fn a_session_is_bound_to_one_workspace_and_ends_on_logout() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let secrets = support::secrets(ctx);
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    let globex = support::workspace(ctx, "globex").await;
    let now = support::now();

    let started = customer_sessions::Model::start(
        &ctx.db,
        &secrets,
        ada.workspace_id,
        ada.id,
        None,
        Some("127.0.0.1"),
        Some("test"),
        now,
    )
    .await
    .unwrap();
    assert_ne!(started.record.session_hash, started.session_id);
    let live = customer_sessions::Model::find_live_with_customer(
        &ctx.db,
        &secrets,
        ada.workspace_id,
        &started.session_id,
        now,
    )
    .await
    .unwrap();
    assert_eq!(live.0.customer_id, ada.id);
    assert_eq!(live.1.id, ada.id, "the session comes with its customer");
    assert!(customer_sessions::Model::find_live_with_customer(
        &ctx.db,
        &secrets,
        globex.id,
        &started.session_id,
        now
    )
    .await
    .is_err());

    let again = customer_sessions::Model::start(
        &ctx.db,
        &secrets,
        ada.workspace_id,
        ada.id,
        None,
        None,
        None,
        now,
    )
    .await
    .unwrap();
    assert_ne!(
        again.session_id, started.session_id,
        "every sign-in gets a new id"
    );

    live.0
        .into_active_model()
        .revoke(&ctx.db, now)
        .await
        .unwrap();
    assert!(customer_sessions::Model::find_live_with_customer(
        &ctx.db,
        &secrets,
        ada.workspace_id,
        &started.session_id,
        now
    )
    .await
    .is_err());
}

#[tokio::test]
async fn sessions_expire_when_idle_and_at_their_absolute_limit() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let secrets = support::secrets(ctx);
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    let now = support::now();
    let s = customer_sessions::Model::start(
        &ctx.db,
        &secrets,
        ada.workspace_id,
        ada.id,
        None,
        None,
        None,
        now,
    )
    .await
    .unwrap();
    let idle_end = now + Duration::minutes(IDLE_MINUTES);
    assert!(customer_sessions::Model::find_live_with_customer(
        &ctx.db,
        &secrets,
        ada.workspace_id,
        &s.session_id,
        idle_end + Duration::seconds(1)
    )
    .await
    .is_err());

    // keep it busy: each touch extends the idle window, never past the absolute end
    let mut record = s.record;
    let mut t = now;
    while t < now + Duration::hours(ABSOLUTE_HOURS) {
        t += Duration::minutes(IDLE_MINUTES - 5);
        record = record.into_active_model().touch(&ctx.db, t).await.unwrap();
        assert!(record.idle_expires_at <= record.absolute_expires_at);
    }
    let past_absolute = now + Duration::hours(ABSOLUTE_HOURS) + Duration::seconds(1);
    assert!(customer_sessions::Model::find_live_with_customer(
        &ctx.db,
        &secrets,
        ada.workspace_id,
        &s.session_id,
        past_absolute
    )
    .await
    .is_err());
    assert!(
        customer_sessions::Model::prune(&ctx.db, past_absolute)
            .await
            .unwrap()
            >= 1
    );
}
