//! The catalog in the console: products and prices created, edited and
//! archived; a used price keeps its amount and cycle; mistakes are named
//! and save nothing; viewers read; another workspace's rows do not exist.
use axum::http::StatusCode;
use portal::models::{audit_events, prices, products, subscriptions};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use crate::support;

async fn product_named(ctx: &loco_rs::app::AppContext, ws: i64, name: &str) -> products::Model {
    products::Entity::find()
        .filter(products::Column::WorkspaceId.eq(ws))
        .filter(products::Column::Name.eq(name))
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("a product named {name}"))
}

#[tokio::test]
async fn the_owner_adds_a_product_and_its_price_and_mistakes_save_nothing() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let acme = support::workspace(ctx, "acme").await;
    let owner = app.server();
    support::console_sign_in(&owner, ctx, "owner@acme.test").await;
    let page = owner.get("/admin/acme/catalog").await.text();
    assert!(page.contains("<h1>Catalog</h1>"), "{page}");
    let csrf = support::csrf(&page);

    // a product needs a name
    let res = owner
        .post("/admin/acme/catalog")
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("name", "  "),
            ("description", "Kept as typed"),
        ])
        .await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text();
    assert!(html.contains("The product was not added"), "{html}");
    assert!(html.contains(r#"aria-describedby="name-error""#), "{html}");
    assert!(html.contains("Enter the product"), "{html}");
    assert!(html.contains("Kept as typed"), "what was typed stays");

    let res = owner
        .post("/admin/acme/catalog")
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("name", "Support plan"),
            ("description", "Help within a day"),
        ])
        .await;
    res.assert_status(StatusCode::SEE_OTHER);
    let product = product_named(ctx, acme.id, "Support plan").await;
    assert_eq!(product.description.as_deref(), Some("Help within a day"));
    let location = res.header("location").to_str().unwrap().to_string();
    assert_eq!(
        location,
        format!("/admin/acme/catalog/products/{}?done=created", product.pid)
    );
    let page = owner.get(&location).await.text();
    assert!(page.contains("The product is added."), "{page}");

    // a price: every mistake is named at once, nothing is saved
    let prices_url = format!("/admin/acme/catalog/products/{}/prices", product.pid);
    let res = owner
        .post(&prices_url)
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("unit_amount", "19.999"),
            ("currency", "EUR"),
            ("interval", "fortnight"),
            ("interval_count", "0"),
            ("trial_days", "-1"),
            ("nickname", ""),
        ])
        .await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text();
    for message in [
        "The price was not added",
        "Enter the amount in EUR with a point for decimals, such as 19.00.",
        "Choose day, week, month or year.",
        "Enter a whole number from 1 to 36.",
        "Enter a whole number of days from 0 to 730.",
    ] {
        assert!(html.contains(message), "{message}:\n{html}");
    }
    assert!(
        html.contains(r#"value="19.999""#),
        "the amount stays as typed"
    );
    let res = owner
        .post(&prices_url)
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("unit_amount", "19"),
            ("currency", "EURO"),
            ("interval", "month"),
            ("interval_count", "1"),
            ("trial_days", "0"),
        ])
        .await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res
        .text()
        .contains("Enter a three-letter ISO currency code, such as EUR or USD."));
    assert!(prices::Model::for_product(&ctx.db, acme.id, product.id)
        .await
        .unwrap()
        .is_empty());

    let res = owner
        .post(&prices_url)
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("unit_amount", "1,250.50"),
            ("currency", "eur"),
            ("interval", "month"),
            ("interval_count", "3"),
            ("trial_days", "14"),
            ("nickname", "Quarterly"),
        ])
        .await;
    res.assert_status(StatusCode::SEE_OTHER);
    let price = &prices::Model::for_product(&ctx.db, acme.id, product.id)
        .await
        .unwrap()[0];
    assert_eq!(
        (
            price.unit_amount,
            price.currency.as_str(),
            price.interval.as_str(),
            price.interval_count,
            price.trial_days
        ),
        (125_050, "EUR", "month", 3, 14)
    );
    assert_eq!(price.nickname.as_deref(), Some("Quarterly"));
    let page = owner.get("/admin/acme/catalog").await.text();
    assert!(
        page.contains("€1,250.50 every 3 months (Quarterly)"),
        "{page}"
    );
    let trail: Vec<String> = audit_events::Entity::find()
        .filter(audit_events::Column::WorkspaceId.eq(acme.id))
        .all(&ctx.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(
        trail.contains(&"product.created".to_string())
            && trail.contains(&"price.created".to_string()),
        "{trail:?}"
    );
}

#[tokio::test]
async fn a_used_price_keeps_its_amount_and_an_archived_product_takes_its_prices_along() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let acme = support::workspace(ctx, "acme").await;
    let owner = app.server();
    support::console_sign_in(&owner, ctx, "owner@acme.test").await;
    let csrf = support::csrf(&owner.get("/admin/acme/catalog").await.text());
    let product = products::Model::create(&ctx.db, acme.id, "Backup", None)
        .await
        .unwrap();
    let price = prices::Model::create(
        &ctx.db,
        acme.id,
        &prices::NewPrice {
            product_id: product.id,
            nickname: None,
            unit_amount: 500,
            currency: "USD".into(),
            interval: "month".into(),
            interval_count: 1,
            trial_days: 0,
        },
    )
    .await
    .unwrap();
    let url = format!("/admin/acme/catalog/prices/{}", price.pid);
    let form = |amount: &'static str, nickname: &'static str| {
        vec![
            ("csrf_token", csrf.clone()),
            ("unit_amount", amount.to_string()),
            ("currency", "USD".to_string()),
            ("interval", "month".to_string()),
            ("interval_count", "1".to_string()),
            ("trial_days", "0".to_string()),
            ("nickname", nickname.to_string()),
        ]
    };
    // unused: its amount may still change
    owner
        .post(&url)
        .form(&form("6.00", ""))
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let price = prices::Entity::find_by_id(price.id)
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(price.unit_amount, 600);

    // a customer subscribes: the amount is now what they agreed to
    let ada = support::customer(ctx, "acme", "ada@example.com").await;
    let now = support::now();
    subscriptions::Entity::insert(subscriptions::ActiveModel {
        pid: Set(uuid::Uuid::new_v4()),
        created_at: Set(now),
        updated_at: Set(now),
        status: Set("active".into()),
        quantity: Set(1),
        current_period_start: Set(now),
        current_period_end: Set(now + chrono::Duration::days(30)),
        cancel_at_period_end: Set(false),
        dunning_attempts: Set(0),
        workspace_id: Set(acme.id),
        customer_id: Set(ada.id),
        price_id: Set(price.id),
        ..Default::default()
    })
    .exec(&ctx.db)
    .await
    .unwrap();
    let page = owner.get(&url).await.text();
    assert!(
        page.contains("Its amount and cycle stay as customers agreed to them."),
        "{page}"
    );
    assert!(
        !page.contains(r#"id="unit_amount""#),
        "no amount field for a used price"
    );
    let res = owner.post(&url).form(&form("7.00", "")).await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().contains("1 subscription(s) pay this price, so its amount and cycle stay as agreed. Add a new price and archive this one."));
    // its nickname still changes, and the amount stays
    let mut renamed = form("", "Launch price");
    renamed.retain(|(k, _)| {
        !matches!(
            *k,
            "unit_amount" | "currency" | "interval" | "interval_count"
        )
    });
    owner
        .post(&url)
        .form(&renamed)
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let price = prices::Entity::find_by_id(price.id)
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (price.unit_amount, price.nickname.as_deref()),
        (600, Some("Launch price"))
    );

    // archiving the product archives its price; the price waits for its product
    let product_url = format!("/admin/acme/catalog/products/{}", product.pid);
    owner
        .post(&format!("{product_url}/archive"))
        .form(&[("csrf_token", csrf.as_str())])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let price = prices::Entity::find_by_id(price.id)
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert!(!price.active);
    // nobody starts a subscription on it any more, not even through the API
    let started = owner
        .post("/api/v1/subscriptions")
        .add_header(
            "authorization",
            format!("Bearer {}", portal::demo::api_key(&support::secrets(ctx))),
        )
        .json(&serde_json::json!({ "customer": ada.pid, "price": price.pid }))
        .await;
    started.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        started.json::<serde_json::Value>()["errors"]["price"],
        "This price is archived: choose one that is offered."
    );
    // nor can the API give the archived product a new price
    let priced = owner
        .post("/api/v1/prices")
        .add_header(
            "authorization",
            format!("Bearer {}", portal::demo::api_key(&support::secrets(ctx))),
        )
        .json(&serde_json::json!({
            "product": product.pid, "unit_amount": 900, "currency": "USD", "interval": "month"
        }))
        .await;
    priced.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        priced.json::<serde_json::Value>()["errors"]["product"],
        "This product is archived: restore it before adding a price."
    );
    let res = owner
        .post(&format!("{url}/restore"))
        .form(&[("csrf_token", csrf.as_str())])
        .await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res
        .text()
        .contains("Its product is archived: restore the product first."));
    owner
        .post(&format!("{product_url}/restore"))
        .form(&[("csrf_token", csrf.as_str())])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let still = prices::Entity::find_by_id(price.id)
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert!(!still.active, "prices are restored one by one");
    owner
        .post(&format!("{url}/restore"))
        .form(&[("csrf_token", csrf.as_str())])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    assert!(
        prices::Entity::find_by_id(price.id)
            .one(&ctx.db)
            .await
            .unwrap()
            .unwrap()
            .active
    );

    // the product's name and description
    let res = owner
        .post(&product_url)
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("name", "Backup\nPlus"),
            ("description", ""),
        ])
        .await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res
        .text()
        .contains("Enter this on one line, without line breaks."));
    owner
        .post(&product_url)
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("name", "Backup Plus"),
            ("description", "Nightly, kept 30 days"),
        ])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let product = products::Entity::find_by_id(product.id)
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (product.name.as_str(), product.description.as_deref()),
        ("Backup Plus", Some("Nightly, kept 30 days"))
    );
}

#[tokio::test]
async fn viewers_read_the_catalog_and_other_workspaces_products_do_not_exist() {
    let app = support::boot_with_demo().await;
    let ctx = &app.app_context;
    let acme = support::workspace(ctx, "acme").await;
    let globex = support::workspace(ctx, "globex").await;
    let theirs = products::Model::list(&ctx.db, globex.id).await.unwrap();
    let ours = products::Model::list(&ctx.db, acme.id).await.unwrap();

    let viewer = app.server();
    support::console_sign_in(&viewer, ctx, "viewer@acme.test").await;
    let page = viewer.get("/admin/acme/catalog").await.text();
    assert!(
        page.contains("can view the catalog but not change it"),
        "{page}"
    );
    assert!(!page.contains("Add product"));
    let csrf = support::csrf(&page);
    let res = viewer
        .post("/admin/acme/catalog")
        .form(&[("csrf_token", csrf.as_str()), ("name", "Sneaky")])
        .await;
    res.assert_status(StatusCode::FORBIDDEN);
    let res = viewer
        .post(&format!(
            "/admin/acme/catalog/products/{}/archive",
            ours[0].pid
        ))
        .form(&[("csrf_token", csrf.as_str())])
        .await;
    res.assert_status(StatusCode::FORBIDDEN);
    assert!(
        products::Entity::find_by_id(ours[0].id)
            .one(&ctx.db)
            .await
            .unwrap()
            .unwrap()
            .active
    );

    let owner = app.server();
    support::console_sign_in(&owner, ctx, "owner@acme.test").await;
    let csrf = support::csrf(&owner.get("/admin/acme/catalog").await.text());
    let other = &theirs[0];
    owner
        .get(&format!("/admin/acme/catalog/products/{}", other.pid))
        .await
        .assert_status(StatusCode::NOT_FOUND);
    owner
        .post(&format!(
            "/admin/acme/catalog/products/{}/archive",
            other.pid
        ))
        .form(&[("csrf_token", csrf.as_str())])
        .await
        .assert_status(StatusCode::NOT_FOUND);
    assert!(
        products::Entity::find_by_id(other.id)
            .one(&ctx.db)
            .await
            .unwrap()
            .unwrap()
            .active
    );
    // without the form's token nothing changes
    owner
        .post(&format!(
            "/admin/acme/catalog/products/{}/archive",
            ours[0].pid
        ))
        .form(&[("csrf_token", "forged")])
        .await
        .assert_status(StatusCode::FORBIDDEN);
}
