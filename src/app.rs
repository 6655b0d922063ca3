use async_trait::async_trait;
use axum::Router as AxumRouter;
use loco_rs::bgworker::BackgroundWorker;
use loco_rs::{
    app::{AppContext, Hooks, Initializer},
    bgworker::Queue,
    boot::{create_app, BootResult, StartMode},
    config::Config,
    controller::AppRoutes,
    db::truncate_table,
    environment::Environment,
    storage::{drivers::local, Storage},
    task::Tasks,
    Error, Result,
};
use migration::Migrator;
use std::{path::Path, sync::Arc};

use crate::{
    access::Authorizer,
    controllers, demo, initializers,
    models::_entities::{
        api_keys, audit_events, charges, customer_sessions, customers, deferred_jobs, events,
        invoices, mail_outbox, memberships, monthly_tallies, payment_methods, prices, products,
        refunds, sign_in_requests, sign_in_tokens, subscription_tallies, subscriptions, users,
        webhook_deliveries, webhook_endpoints, workspaces,
    },
    settings::Settings,
    tasks,
    workers::{
        invoice_pdf::InvoicePdfWorker, mail_delivery::MailDeliveryWorker, renewal::RenewalWorker,
        sign_in_mail::SignInMailWorker, webhook_delivery::WebhookDeliveryWorker,
    },
};

pub struct App;
#[async_trait]
impl Hooks for App {
    fn app_name() -> &'static str {
        env!("CARGO_CRATE_NAME")
    }

    fn app_version() -> String {
        format!(
            "{} ({})",
            env!("CARGO_PKG_VERSION"),
            option_env!("BUILD_SHA").unwrap_or("dev")
        )
    }

    async fn boot(
        mode: StartMode,
        environment: &Environment,
        config: Config,
    ) -> Result<BootResult> {
        create_app::<Self, Migrator>(mode, environment, config).await
    }

    fn init_logger(ctx: &AppContext) -> Result<bool> {
        crate::logging::init::<Self>(ctx)
    }

    async fn after_context(ctx: AppContext) -> Result<AppContext> {
        // Fail at boot, not on the first request, when settings are missing.
        let settings = Settings::from_context(&ctx)?;
        ctx.shared_store.insert(Authorizer::new().await?);
        ctx.shared_store
            .insert(controllers::api::rate_limit::ApiRateLimiter::new(
                settings.api_requests_per_minute,
            ));
        // Invoice PDFs go to disk (Loco's default storage keeps nothing).
        let dir = std::path::Path::new(&settings.storage_dir);
        let dir = std::fs::create_dir_all(dir)
            .and_then(|()| dir.canonicalize())
            .map_err(|e| {
                Error::string(&format!(
                    "cannot use the storage directory {}: {e}. Set PORTAL_STORAGE_DIR to a writable directory.",
                    settings.storage_dir
                ))
            })?;
        let mut ctx = ctx;
        if let Some(db) = crate::sqlite::reconnect(&ctx.config.database).await? {
            ctx.db = db;
        }
        if ctx.queue_provider.is_some() {
            if let Some(queue) = crate::sqlite::queue(&ctx.config).await? {
                ctx.queue_provider = Some(Arc::new(queue));
            }
        }
        ctx.storage = Arc::new(Storage::single(local::new_with_prefix(dir)?));
        Ok(ctx)
    }

    async fn before_run(ctx: &AppContext) -> Result<()> {
        let settings = Settings::from_context(ctx)?;
        if settings.demo_data {
            let secrets = settings.secrets();
            let loaded = demo::load(&ctx.db, &secrets).await?;
            let base = settings.public_url.trim_end_matches('/');
            println!();
            if loaded.created {
                // the demo's invoices are downloadable from the first page load
                crate::models::invoices::Model::store_missing_pdfs(
                    &ctx.db,
                    &ctx.storage,
                    None,
                    |_| {},
                )
                .await?;
                println!(
                    "  Demo data loaded: workspaces {}",
                    loaded.workspaces.join(", ")
                );
            }
            println!(
                "  Customer portal:  {base}/portal/{}/login  (ada@example.com, bob@example.com)",
                demo::ACME
            );
            println!("                    {base}/portal/{}/login", demo::GLOBEX);
            println!(
                "  Merchant console: {base}/admin  ({} / {})",
                demo::OWNER_EMAIL,
                demo::console_password(&secrets)
            );
            println!(
                "  Merchant API:     {base}/api/v1  (Authorization: Bearer {})",
                demo::api_key(&secrets)
            );
            println!();
        }
        Ok(())
    }

    async fn initializers(_ctx: &AppContext) -> Result<Vec<Box<dyn Initializer>>> {
        Ok(vec![Box::new(
            initializers::view_engine::ViewEngineInitializer,
        )])
    }

    fn routes(ctx: &AppContext) -> AppRoutes {
        let routes = AppRoutes::empty() // /_ping, /_health, /_readiness: controllers::health
            .add_route(controllers::health::routes())
            .add_route(controllers::home::routes())
            .add_route(controllers::portal::routes())
            .add_route(controllers::admin::routes())
            .add_route(controllers::api::routes())
            .add_route(controllers::stripe::routes());
        // the sandbox processor's pages exist only where it is the gateway
        let sandbox = Settings::from_context(ctx).is_ok_and(|s| s.gateway == "sandbox");
        let routes = if sandbox {
            routes.add_route(controllers::sandbox::routes())
        } else {
            routes
        };
        if ctx.environment == Environment::Development {
            routes.add_route(controllers::dev_mail::routes())
        } else {
            routes
        }
    }

    async fn after_routes(router: AxumRouter, ctx: &AppContext) -> Result<AxumRouter> {
        let https = Settings::from_context(ctx)?
            .public_url
            .starts_with("https://");
        Ok(router
            .nest_service(
                "/static",
                tower_http::services::ServeDir::new("assets/static"),
            )
            .fallback(controllers::errors::not_found)
            .layer(axum::middleware::from_fn_with_state(
                ctx.clone(),
                controllers::api::idempotency::apply,
            ))
            .layer(axum::middleware::from_fn_with_state(
                ctx.clone(),
                controllers::errors::apply,
            ))
            .layer(axum::middleware::from_fn_with_state(
                controllers::security_headers::Https(https),
                controllers::security_headers::apply,
            ))
            // outermost: the layers above read and rewrite plain bodies (error
            // pages, stored idempotent answers); only what leaves is compressed
            .layer(tower_http::compression::CompressionLayer::new()))
    }

    async fn connect_workers(ctx: &AppContext, queue: &Queue) -> Result<()> {
        // the queue's table exists by now (Loco sets it up before workers)
        crate::sqlite::index_queue(&ctx.config).await;
        queue.register(SignInMailWorker::build(ctx)).await?;
        queue.register(RenewalWorker::build(ctx)).await?;
        queue.register(InvoicePdfWorker::build(ctx)).await?;
        queue.register(WebhookDeliveryWorker::build(ctx)).await?;
        queue.register(MailDeliveryWorker::build(ctx)).await?;
        Ok(())
    }

    fn register_tasks(tasks: &mut Tasks) {
        // tasks-inject (do not remove)
        tasks.register(tasks::renewals_run::RenewalsRun);
        tasks.register(tasks::invoices_backfill::InvoicesBackfill);
        tasks.register(tasks::webhooks_deliver::WebhooksDeliver);
        tasks.register(tasks::jobs_release::JobsRelease);
        tasks.register(tasks::mails_deliver::MailsDeliver);
        tasks.register(tasks::seed_demo::SeedDemo);
        tasks.register(tasks::sessions_prune::SessionsPrune);
        tasks.register(tasks::workspace_create::WorkspaceCreate);
        tasks.register(tasks::user_create::UserCreate);
        tasks.register(tasks::user_delete::UserDelete);
    }

    async fn truncate(ctx: &AppContext) -> Result<()> {
        // children before parents
        truncate_table(&ctx.db, deferred_jobs::Entity).await?;
        truncate_table(&ctx.db, mail_outbox::Entity).await?;
        truncate_table(&ctx.db, webhook_deliveries::Entity).await?;
        truncate_table(&ctx.db, events::Entity).await?;
        truncate_table(&ctx.db, webhook_endpoints::Entity).await?;
        truncate_table(&ctx.db, audit_events::Entity).await?;
        truncate_table(&ctx.db, customer_sessions::Entity).await?;
        truncate_table(&ctx.db, sign_in_tokens::Entity).await?;
        truncate_table(&ctx.db, sign_in_requests::Entity).await?;
        truncate_table(&ctx.db, refunds::Entity).await?;
        truncate_table(&ctx.db, invoices::Entity).await?;
        truncate_table(&ctx.db, charges::Entity).await?;
        truncate_table(&ctx.db, subscriptions::Entity).await?;
        truncate_table(&ctx.db, payment_methods::Entity).await?;
        truncate_table(&ctx.db, prices::Entity).await?;
        truncate_table(&ctx.db, products::Entity).await?;
        truncate_table(&ctx.db, customers::Entity).await?;
        // the overview's tallies follow the rows above (database triggers)
        truncate_table(&ctx.db, monthly_tallies::Entity).await?;
        truncate_table(&ctx.db, subscription_tallies::Entity).await?;
        truncate_table(&ctx.db, api_keys::Entity).await?;
        truncate_table(&ctx.db, memberships::Entity).await?;
        truncate_table(&ctx.db, workspaces::Entity).await?;
        truncate_table(&ctx.db, users::Entity).await?;
        Ok(())
    }

    /// `cargo loco db seed` and the test harness's `seed` load the demo data.
    async fn seed(ctx: &AppContext, _base: &Path) -> Result<()> {
        let secrets = Settings::from_context(ctx)?.secrets();
        demo::load(&ctx.db, &secrets).await?;
        Ok(())
    }
}
