//! Shared test setup: every test gets a database of its own (a fresh SQLite
//! file, or a fresh PostgreSQL database when DATABASE_URL points at one), so
//! tests run in parallel without seeing each other's rows.
//!
//! Loco's `boot_test_with_create_db` drops its PostgreSQL database while the
//! app's pool is still connected, which fails; here the drop is forced.
#![allow(dead_code)]
pub mod mail;

use std::{net::SocketAddr, ops::Deref};

use chrono::{DateTime, FixedOffset, Utc};
use loco_rs::{
    app::{AppContext, Hooks},
    boot::{BootResult, StartMode},
    environment::Environment,
    TestServer,
};
use portal::{
    app::App,
    demo,
    models::{customers, workspaces},
    secrets::{random_token, Secrets},
    settings::Settings,
};
use sea_orm::ConnectionTrait;

enum TestDb {
    Sqlite(std::path::PathBuf),
    Postgres {
        admin_url: String,
        name: String,
    },
    /// another TestApp's database (that one removes it)
    Borrowed,
}

/// A booted app on its own database, removed when this is dropped.
pub struct TestApp {
    boot: BootResult,
    db: TestDb,
    config: loco_rs::config::Config,
    queue_file: Option<std::path::PathBuf>,
}

impl Deref for TestApp {
    type Target = BootResult;
    fn deref(&self) -> &BootResult {
        &self.boot
    }
}

impl TestApp {
    /// An HTTP client for the app's router (cookies kept between requests).
    pub fn server(&self) -> TestServer {
        self.client(true)
    }

    /// An HTTP client that sends only the cookies a test adds by hand.
    pub fn bare_client(&self) -> TestServer {
        self.client(false)
    }

    /// The database this app runs on (for a process the test starts).
    pub fn database_url(&self) -> &str {
        &self.config.database.uri
    }

    /// The SQLite queue's URL, when the app uses one.
    pub fn sqlite_queue_url(&self) -> Option<&str> {
        match &self.config.queue {
            Some(loco_rs::config::QueueConfig::Sqlite(queue)) => Some(&queue.uri),
            _ => None,
        }
    }

    fn client(&self, save_cookies: bool) -> TestServer {
        let router = self.boot.router.clone().expect("server mode has a router");
        // a real socket: handlers read the client address (rate limits)
        let config = axum_test::TestServerConfig {
            save_cookies,
            transport: Some(axum_test::Transport::HttpRandomPort),
            ..Default::default()
        };
        TestServer::new_with_config(
            router.into_make_service_with_connect_info::<SocketAddr>(),
            config,
        )
        .expect("test server")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(queue) = &self.queue_file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", queue.display()));
            }
        }
        match &self.db {
            TestDb::Borrowed => {}
            TestDb::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            TestDb::Postgres { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop runs inside the test's runtime: use a thread with its own.
                let dropped = std::thread::spawn(move || {
                    tokio::runtime::Runtime::new()
                        .expect("runtime")
                        .block_on(async {
                            let admin = sea_orm::Database::connect(&admin_url).await?;
                            admin
                                .execute_unprepared(&format!(
                                    r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#
                                ))
                                .await?;
                            admin.close().await
                        })
                })
                .join();
                if !matches!(dropped, Ok(Ok(()))) && !std::thread::panicking() {
                    eprintln!("warning: could not drop test database: {dropped:?}");
                }
            }
        }
    }
}

/// Boots the app (server mode, test config) on a database of its own.
pub async fn boot() -> TestApp {
    let config = App::load_config(&Environment::Test)
        .await
        .expect("config/test.yaml");
    boot_with(config, StartMode::ServerOnly).await
}

/// Boots a worker process of the app: jobs go through the real queue
/// (Redis when QUEUE_URL says so, else a SQLite queue file of its own) and
/// run only when the test starts the worker.
pub async fn boot_worker() -> TestApp {
    let mut config = App::load_config(&Environment::Test)
        .await
        .expect("config/test.yaml");
    config.workers.mode = loco_rs::config::WorkerMode::BackgroundQueue;
    let mut queue_file = None;
    if let Some(loco_rs::config::QueueConfig::Sqlite(queue)) = config.queue.as_mut() {
        let path = std::env::temp_dir().join(format!("portal_queue_{}.sqlite", random_token(6)));
        queue.uri = format!("sqlite://{}?mode=rwc", path.display());
        queue_file = Some(path);
    }
    let mut app = boot_with(config, StartMode::WorkerOnly { tags: vec![] }).await;
    app.queue_file = queue_file;
    app
}

/// Boots another worker process on `other`'s database and queue, as a
/// restarted worker would be.
pub async fn boot_worker_like(other: &TestApp) -> TestApp {
    let mut config = other.config.clone();
    // the database is shared, not fresh
    config.database.dangerously_recreate = false;
    config.database.dangerously_truncate = false;
    let boot = App::boot(
        StartMode::WorkerOnly { tags: vec![] },
        &Environment::Test,
        config.clone(),
    )
    .await
    .expect("boot a second worker");
    TestApp {
        boot,
        db: TestDb::Borrowed,
        config,
        queue_file: None,
    }
}

/// The test configuration, for a test that changes it before `boot_with`.
pub async fn test_config() -> loco_rs::config::Config {
    App::load_config(&Environment::Test)
        .await
        .expect("config/test.yaml")
}

/// Boots the app with `config` (database made fresh, as every boot here).
pub async fn boot_with(mut config: loco_rs::config::Config, mode: StartMode) -> TestApp {
    let unique = format!("portal_test_{}", random_token(6));
    let db = if config.database.uri.starts_with("postgres") {
        let mut url = url::Url::parse(&config.database.uri).expect("DATABASE_URL is a URL");
        url.set_path("/postgres");
        let admin_url = url.to_string();
        let admin = sea_orm::Database::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL at {admin_url} is not reachable: {e}"));
        admin
            .execute_unprepared(&format!(r#"CREATE DATABASE "{unique}""#))
            .await
            .expect("create test database");
        admin.close().await.ok();
        url.set_path(&format!("/{unique}"));
        config.database.uri = url.to_string();
        TestDb::Postgres {
            admin_url,
            name: unique,
        }
    } else {
        let path = std::env::temp_dir().join(format!("{unique}.sqlite"));
        config.database.uri = format!("sqlite://{}?mode=rwc", path.display());
        TestDb::Sqlite(path)
    };
    let boot = App::boot(mode, &Environment::Test, config.clone())
        .await
        .expect("boot the app on a fresh test database");
    TestApp {
        boot,
        db,
        config,
        queue_file: None,
    }
}

/// Boots the app on a database of its own, with the demo data loaded.
pub async fn boot_with_demo() -> TestApp {
    with_demo(boot().await).await
}

pub async fn with_demo(app: TestApp) -> TestApp {
    demo::load(&app.app_context.db, &secrets(&app.app_context))
        .await
        .expect("load demo data");
    app
}

pub fn secrets(ctx: &AppContext) -> Secrets {
    Settings::from_context(ctx).expect("settings").secrets()
}

/// The test deployment's URL policy (http and private receivers allowed,
/// as in development).
pub fn url_policy(ctx: &AppContext) -> portal::urls::Policy {
    Settings::from_context(ctx).unwrap().url_policy()
}

/// Now, at the microsecond precision both databases store.
pub fn now() -> DateTime<FixedOffset> {
    use chrono::SubsecRound;
    Utc::now().trunc_subsecs(6).fixed_offset()
}

pub async fn workspace(ctx: &AppContext, slug: &str) -> workspaces::Model {
    workspaces::Model::find_by_slug(&ctx.db, slug)
        .await
        .unwrap_or_else(|_| panic!("workspace {slug}"))
}

/// Switches one of `slug`'s portal capabilities on or off.
pub async fn set_capability(
    ctx: &AppContext,
    slug: &str,
    capability: portal::capabilities::Capability,
    on: bool,
) {
    use sea_orm::{ActiveModelTrait, IntoActiveModel};
    let mut w = workspace(ctx, slug).await.into_active_model();
    capability.set(&mut w, on);
    w.update(&ctx.db).await.unwrap();
}

pub async fn customer(ctx: &AppContext, slug: &str, email: &str) -> customers::Model {
    let ws = workspace(ctx, slug).await;
    customers::Model::find_by_email(&ctx.db, ws.id, email)
        .await
        .unwrap_or_else(|_| panic!("customer {email} in {slug}"))
}

/// The CSRF token in a page's form.
pub fn csrf(html: &str) -> String {
    let marker = r#"name="csrf_token" value=""#;
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("no CSRF field in: {html}"))
        + marker.len();
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Signs `customer` in through a one-time link (issued directly, no mail):
/// GET the link, then POST its Continue form. The server keeps the cookie;
/// its value is returned for tests that replay it elsewhere.
pub async fn sign_in(server: &TestServer, ctx: &AppContext, customer: &customers::Model) -> String {
    let ws = workspaces::Model::find_by_id(&ctx.db, customer.workspace_id)
        .await
        .unwrap();
    let issued = portal::models::sign_in_tokens::Model::issue(
        &ctx.db,
        &secrets(ctx),
        ws.id,
        customer.id,
        portal::models::sign_in_tokens::PURPOSE_SIGN_IN,
        None,
        None,
        now(),
    )
    .await
    .unwrap();
    let path = format!("/portal/{}/login/{}", ws.slug, issued.token);
    let page = server.get(&path).await;
    let done = server
        .post(&path)
        .form(&[("csrf_token", csrf(&page.text()))])
        .await;
    assert_eq!(done.status_code(), 303, "{}", done.text());
    done.cookie("portal_session").value().to_string()
}

/// The path (and query) of an absolute URL the app produced.
pub fn path_of(url: &str) -> String {
    url::Url::parse(url).map_or_else(
        |_| url.to_string(),
        |u| {
            format!(
                "{}{}",
                u.path(),
                u.query().map(|q| format!("?{q}")).unwrap_or_default()
            )
        },
    )
}

pub const TEST_CARD_NUMBERS: [&str; 8] = [
    "4242424242424242",
    "5555555555554444",
    "4000000000000002",
    "4000000000000069",
    "4000000000000341",
    "4000000000009995",
    "4000002760003184",
    "4000008400001629",
];

impl TestApp {
    /// No test card number is anywhere in this app's database: the SQLite
    /// file's bytes, or every row of every table on PostgreSQL.
    pub async fn assert_no_card_numbers(&self) {
        self.assert_nowhere(&TEST_CARD_NUMBERS, "card number").await;
    }

    /// None of `needles` is anywhere at rest: in the database (every byte of
    /// the SQLite file and its WAL, or every row of every table on
    /// PostgreSQL), in the SQLite queue's file, or in Redis when the queue is
    /// there.
    pub async fn assert_nowhere(&self, needles: &[&str], what: &str) {
        let files = match &self.db {
            TestDb::Sqlite(path) => vec![path.clone()],
            _ => vec![],
        };
        let files = files.into_iter().chain(self.queue_file.clone());
        for path in files {
            for suffix in ["", "-wal"] {
                let Ok(bytes) = std::fs::read(format!("{}{suffix}", path.display())) else {
                    continue;
                };
                let text = String::from_utf8_lossy(&bytes);
                for needle in needles {
                    assert!(
                        !text.contains(needle),
                        "{what} {needle} found in {}{suffix}",
                        path.display()
                    );
                }
            }
        }
        if matches!(self.db, TestDb::Postgres { .. } | TestDb::Borrowed)
            && self.database_url().starts_with("postgres")
        {
            let db = &self.app_context.db;
            let tables = db
                .query_all_raw(sea_orm::Statement::from_string(
                    db.get_database_backend(),
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
                ))
                .await
                .unwrap();
            for row in tables {
                let table: String = row.try_get("", "tablename").unwrap();
                for needle in needles {
                    let found = db
                        .query_one_raw(sea_orm::Statement::from_string(
                            db.get_database_backend(),
                            format!(r#"SELECT count(*) AS n FROM "{table}" t WHERE t::text LIKE '%{needle}%'"#),
                        ))
                        .await
                        .unwrap()
                        .unwrap();
                    let n: i64 = found.try_get("", "n").unwrap();
                    assert_eq!(n, 0, "{what} {needle} found in table {table}");
                }
            }
        }
        if let Some(loco_rs::config::QueueConfig::Redis(queue)) = &self.config.queue {
            // every key's value, whatever its type, in one server-side script
            const DUMP: &str = "local out = {} \
                for _, k in ipairs(redis.call('KEYS', '*')) do \
                  local t = redis.call('TYPE', k).ok \
                  if t == 'string' then table.insert(out, redis.call('GET', k)) \
                  elseif t == 'list' then for _, v in ipairs(redis.call('LRANGE', k, 0, -1)) do table.insert(out, v) end \
                  elseif t == 'zset' or t == 'set' then for _, v in ipairs(t == 'set' and redis.call('SMEMBERS', k) or redis.call('ZRANGE', k, 0, -1)) do table.insert(out, v) end \
                  elseif t == 'hash' then for _, v in ipairs(redis.call('HGETALL', k)) do table.insert(out, v) end end \
                end return table.concat(out, ' ')";
            let dumped = std::process::Command::new("redis-cli")
                .args(["-u", &queue.uri, "--raw", "EVAL", DUMP, "0"])
                .output()
                .expect("redis-cli runs (scripts/test installs it)");
            assert!(dumped.status.success(), "redis-cli failed: {dumped:?}");
            let text = String::from_utf8_lossy(&dumped.stdout);
            for needle in needles {
                assert!(!text.contains(needle), "{what} {needle} found in Redis");
            }
        }
    }
}

/// A paid one-off charge of 100.00 USD ("Consulting") for `customer`, without an invoice.
pub async fn paid_charge(
    ctx: &AppContext,
    customer: &customers::Model,
    key: &str,
) -> portal::models::charges::Model {
    use portal::models::charges::{self, NewCharge};
    use sea_orm::IntoActiveModel;
    let charge = charges::Model::record_attempt(
        &ctx.db,
        customer.workspace_id,
        &NewCharge {
            customer_id: customer.id,
            subscription_id: None,
            payment_method_id: None,
            amount: 10_000,
            currency: "USD".into(),
            description: "Consulting".into(),
            attempt: 1,
            idempotency_key: key.into(),
            period_start: None,
            period_end: None,
            proration: None,
        },
    )
    .await
    .unwrap();
    charge
        .into_active_model()
        .mark_paid(&ctx.db, key, now())
        .await
        .unwrap()
}

/// The text of a PDF, as `pdftotext -layout` (poppler-utils) reads it.
pub fn pdf_text(pdf: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!("portal_invoice_{}.pdf", random_token(6)));
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .unwrap_or_else(|e| {
            panic!("pdftotext could not run ({e}): install poppler-utils (scripts/test does)")
        });
    let _ = std::fs::remove_file(&path);
    assert!(
        out.status.success(),
        "pdftotext could not read the PDF: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Signs a demo console user (`owner@acme.test`, `viewer@acme.test`, ...)
/// in through the console's sign-in form with the demo password.
pub async fn console_sign_in(server: &TestServer, ctx: &AppContext, email: &str) {
    let page = server.get("/admin").await;
    let done = server
        .post("/admin/sign-in")
        .form(&[
            ("csrf_token", csrf(&page.text())),
            ("email", email.to_string()),
            ("password", demo::console_password(&secrets(ctx))),
        ])
        .await;
    assert_eq!(done.status_code(), 303, "{}", done.text());
}
