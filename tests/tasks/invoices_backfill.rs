use loco_rs::{boot::run_task, task};
use portal::{app::App, models::invoices};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::support;

async fn run(ctx: &loco_rs::app::AppContext, vars: &task::Vars) -> loco_rs::Result<()> {
    run_task::<App>(ctx, Some(&"invoices_backfill".to_string()), vars).await
}

#[tokio::test]
async fn backfill_invoices_every_paid_charge_stores_every_pdf_and_is_safe_to_repeat() {
    let boot = support::boot_with_demo().await;
    let ctx = &boot.app_context;
    let bob = support::customer(ctx, "acme", "bob@example.com").await;
    let carol = support::customer(ctx, "globex", "carol@example.com").await;
    let bobs = support::paid_charge(ctx, &bob, "backfill-bob").await;
    let carols = support::paid_charge(ctx, &carol, "backfill-carol").await;
    let before = invoices::Entity::find().count(&ctx.db).await.unwrap();
    assert!(before > 0, "the demo has invoices without PDFs");

    // one workspace only
    let acme_only = task::Vars::from_cli_args(vec![("workspace".into(), "acme".into())]);
    run(ctx, &acme_only).await.unwrap();
    let issued = |charge_id: i64| {
        invoices::Entity::find()
            .filter(invoices::Column::ChargeId.eq(charge_id))
            .one(&ctx.db)
    };
    let bobs_invoice = issued(bobs.id)
        .await
        .unwrap()
        .expect("bob's charge invoiced");
    assert!(bobs_invoice.pdf_key.is_some());
    assert!(
        issued(carols.id).await.unwrap().is_none(),
        "globex untouched"
    );

    // every workspace, twice: the second run changes nothing
    run(ctx, &task::Vars::default()).await.unwrap();
    let all = invoices::Entity::find().all(&ctx.db).await.unwrap();
    assert_eq!(all.len() as u64, before + 2);
    assert!(all.iter().all(|i| i.pdf_key.is_some()), "every PDF stored");
    run(ctx, &task::Vars::default()).await.unwrap();
    let again = invoices::Entity::find().all(&ctx.db).await.unwrap();
    assert_eq!(
        again
            .iter()
            .map(|i| (&i.number, &i.pdf_key))
            .collect::<Vec<_>>(),
        all.iter()
            .map(|i| (&i.number, &i.pdf_key))
            .collect::<Vec<_>>()
    );
    for invoice in &again {
        let pdf: Vec<u8> = ctx
            .storage
            .download(std::path::Path::new(invoice.pdf_key.as_deref().unwrap()))
            .await
            .unwrap();
        assert!(support::pdf_text(&pdf).contains(&invoice.number));
    }
}

#[tokio::test]
async fn backfill_of_an_unknown_workspace_says_what_to_do() {
    let boot = support::boot_with_demo().await;
    let vars = task::Vars::from_cli_args(vec![("workspace".into(), "nope".into())]);
    let err = run(&boot.app_context, &vars).await.unwrap_err().to_string();
    assert!(err.contains("no workspace with slug `nope`"), "{err}");
    assert!(err.contains("leave `workspace:` out"), "{err}");
}
