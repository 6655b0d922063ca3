//! `scripts/bench` (which runs `cargo bench --bench load`): the release
//! server under load from `wrk`, on the demo data plus 10,000 customers
//! (each with a card, a monthly subscription and its paid charges), with the
//! production configuration. From one run it prints requests per second of
//! `/_ping`, of a signed-in customer's `/portal/acme/subscriptions` and of the
//! sign-in POST, their ratios to `/_ping`, p50 and p99 latency at 64
//! connections, and the server's peak RSS.
//! Targets: subscriptions >= 25% of /_ping with p99 <= 25 ms, sign-in POST
//! >= 10% of /_ping, peak RSS <= 150 MB.
//!
//! With `BENCH_DATABASE_URL=postgres://...` it runs on PostgreSQL instead,
//! with `BENCH_CUSTOMERS` customers (use 1000000) and `BENCH_CHARGES` charges
//! spread over them (use 10000000), and measures the Billing history page.
//! Target there: p99 <= 30 ms.
//!
//! `BENCH_SECONDS` sets each measurement's length (default 10).
use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use chrono::Utc;
use loco_rs::{app::Hooks, boot::StartMode, environment::Environment};
use portal::{app::App, demo, models::sign_in_tokens, secrets::random_token, settings::Settings};
use sea_orm::{ConnectionTrait, DatabaseConnection};

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One wrk run's figures.
struct Load {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    requests: u64,
}

fn parse_ms(value: &str) -> f64 {
    let (number, unit) = value.split_at(
        value
            .find(|c: char| c.is_alphabetic())
            .unwrap_or(value.len()),
    );
    let n: f64 = number.parse().unwrap_or(f64::NAN);
    match unit {
        "us" => n / 1000.0,
        "ms" => n,
        "s" => n * 1000.0,
        "m" => n * 60_000.0,
        _ => f64::NAN,
    }
}

/// Runs wrk against `url` at 64 connections; fails when any answer was not
/// the page (a non-2xx/3xx answer means we would be measuring errors).
fn wrk(url: &str, seconds: u64, script: Option<&std::path::Path>, headers: &[String]) -> Load {
    let mut command = Command::new("wrk");
    command.args(["-t2", "-c64", "--latency", "--timeout", "5s"]);
    command.arg(format!("-d{seconds}s"));
    for header in headers {
        command.args(["-H", header]);
    }
    if let Some(script) = script {
        command.arg("-s").arg(script);
    }
    let out = command
        .arg(url)
        .output()
        .expect("wrk is missing: apt-get install wrk (scripts/bench does), then rerun");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "wrk failed: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !text.contains("Non-2xx or 3xx responses") && !text.contains("Socket errors"),
        "{url} answered errors under load:\n{text}"
    );
    let field = |prefix: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(prefix).map(|v| v.trim().to_string()))
            .unwrap_or_else(|| panic!("no '{prefix}' in wrk's output:\n{text}"))
    };
    Load {
        rps: field("Requests/sec:").parse().unwrap(),
        p50_ms: parse_ms(&field("50%")),
        p99_ms: parse_ms(&field("99%")),
        requests: text
            .lines()
            .find(|l| l.contains("requests in"))
            .and_then(|l| l.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0),
    }
}

/// The server's peak resident memory so far (the kernel's high-water mark).
fn peak_rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Name=value cookies from a response's Set-Cookie headers.
fn cookies(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next().map(str::to_string))
        .collect()
}

fn hidden_csrf(html: &str) -> String {
    let at = html
        .find("name=\"csrf_token\"")
        .expect("a form with a CSRF token");
    let value = &html[at..];
    let start = value.find("value=\"").unwrap() + 7;
    value[start..start + value[start..].find('"').unwrap()].to_string()
}

/// Bulk rows for the PostgreSQL run: `customers` customers and `charges`
/// paid charges spread over them, in acme, written by SQL on the server.
async fn bulk_postgres(db: &DatabaseConnection, customers: u64, charges: u64) {
    let steps = [
        format!(
            "INSERT INTO customers (pid, workspace_id, email, name, locale, created_at, updated_at)
             SELECT gen_random_uuid(), w.id, 'bulk' || g || '@example.com', 'Bulk Customer ' || g, 'en-US',
                    now(), now()
             FROM generate_series(1, {customers}) g, workspaces w WHERE w.slug = 'acme'"
        ),
        format!(
            "INSERT INTO charges (pid, workspace_id, customer_id, amount, currency, status, description,
                                  idempotency_key, paid_at, created_at, updated_at)
             SELECT gen_random_uuid(), c.workspace_id, c.id, 1900, 'EUR', 'paid', 'Cloud Pro',
                    'bulk-' || c.id || '-' || g, now() - (g * 30 || ' days')::interval,
                    now() - (g * 30 || ' days')::interval, now()
             FROM customers c, generate_series(1, {per}) g
             WHERE c.email LIKE 'bulk%@example.com'",
            per = charges.div_ceil(customers.max(1))
        ),
        // one subscription each, for the overview: most active, some
        // trialing or past due, a tenth ended over the last year with a reason
        format!(
            "INSERT INTO subscriptions (pid, workspace_id, customer_id, price_id, status, quantity,
                                        current_period_start, current_period_end, cancel_at_period_end,
                                        dunning_attempts, cancelled_at, cancellation_reason, created_at, updated_at)
             SELECT gen_random_uuid(), c.workspace_id, c.id, p.id,
                    CASE WHEN c.id % 10 = 0 THEN 'cancelled' WHEN c.id % 10 = 1 THEN 'trialing'
                         WHEN c.id % 50 = 2 THEN 'past_due' ELSE 'active' END,
                    1, now() - interval '10 days', now() + interval '20 days', false, 0,
                    CASE WHEN c.id % 10 = 0 THEN now() - ((c.id % 360) || ' days')::interval END,
                    CASE WHEN c.id % 10 = 0
                         THEN (ARRAY['too_expensive', 'missing_features', 'not_using', NULL])[1 + (c.id % 4)::int] END,
                    now() - ((c.id % 720) || ' days')::interval, now()
             FROM customers c,
                  (SELECT id FROM prices WHERE active AND workspace_id = (SELECT id FROM workspaces WHERE slug = 'acme')
                   ORDER BY id LIMIT 1) p
             WHERE c.email LIKE 'bulk%@example.com'"
        ),
        "ANALYZE".to_string(),
    ];
    for (i, sql) in steps.iter().enumerate() {
        let started = Instant::now();
        eprint!("  bulk step {}/{}...", i + 1, steps.len());
        db.execute_unprepared(sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        eprintln!(" {:.0} s", started.elapsed().as_secs_f64());
    }
}

#[tokio::main]
async fn main() -> loco_rs::Result<()> {
    let seconds = env_number("BENCH_SECONDS", 10);
    let postgres = std::env::var("BENCH_DATABASE_URL").ok();
    let customers = env_number(
        "BENCH_CUSTOMERS",
        if postgres.is_some() {
            1_000_000
        } else {
            10_000
        },
    );
    let charges = env_number("BENCH_CHARGES", 10_000_000);
    let dir = std::env::temp_dir().join(format!("portal-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;

    // the production configuration, on fresh files (or a fresh PG database)
    let database_url = match &postgres {
        Some(url) => {
            let mut admin = url::Url::parse(url).expect("BENCH_DATABASE_URL is a URL");
            admin.set_path("/postgres");
            let db = sea_orm::Database::connect(admin.as_str()).await?;
            db.execute_unprepared("DROP DATABASE IF EXISTS portal_bench WITH (FORCE)")
                .await?;
            db.execute_unprepared("CREATE DATABASE portal_bench")
                .await?;
            admin.set_path("/portal_bench");
            admin.to_string()
        }
        None => format!("sqlite://{}/bench.sqlite?mode=rwc", dir.display()),
    };
    let vars = [
        ("LOCO_ENV", "production".to_string()),
        ("DATABASE_URL", database_url.clone()),
        (
            "SQLITE_QUEUE_URL",
            format!("sqlite://{}/queue.sqlite?mode=rwc", dir.display()),
        ),
        ("PORTAL_SECRET_KEY", random_token(32)),
        // Loco reads the JWT secret as base64
        (
            "PORTAL_JWT_SECRET",
            "YmVuY2gtand0LXNlY3JldC1ub3QtZm9yLXByb2R1Y3Rpb24=".to_string(),
        ),
        ("PORTAL_GATEWAY", "sandbox".to_string()),
        (
            "PORTAL_STORAGE_DIR",
            dir.join("storage").display().to_string(),
        ),
        // the bench signs in from one address far more often than the limits allow
        ("PORTAL_SIGN_IN_PER_EMAIL", "1000000000".to_string()),
        ("PORTAL_SIGN_IN_PER_IP", "1000000000".to_string()),
        ("PORTAL_SIGN_IN_PER_WORKSPACE", "1000000000".to_string()),
    ];
    for (name, value) in &vars {
        std::env::set_var(name, value);
    }
    std::env::remove_var("QUEUE_URL");

    eprintln!("preparing the data set ({customers} customers)...");
    let started = Instant::now();
    let config = App::load_config(&Environment::Production).await?;
    let boot = App::boot(StartMode::ServerOnly, &Environment::Production, config).await?;
    let ctx = boot.app_context;
    let secrets = Settings::from_context(&ctx)?.secrets();
    demo::load(&ctx.db, &secrets).await?;
    let console_password = demo::console_password(&secrets);
    if postgres.is_some() {
        bulk_postgres(&ctx.db, customers, charges).await;
    } else {
        let due_at = (Utc::now() + chrono::Duration::days(30)).fixed_offset();
        demo::fleet(&ctx.db, demo::ACME, customers as usize, due_at, |done| {
            if done % 2_000 == 0 {
                eprintln!("  {done} customers");
            }
        })
        .await?;
    }
    let acme = portal::models::workspaces::Model::find_by_slug(&ctx.db, demo::ACME).await?;
    let ada = portal::models::customers::Model::find_by_email(&ctx.db, acme.id, "ada@example.com")
        .await?;
    let issued = sign_in_tokens::Model::issue(
        &ctx.db,
        &secrets,
        acme.id,
        ada.id,
        sign_in_tokens::PURPOSE_SIGN_IN,
        None,
        None,
        Utc::now().fixed_offset(),
    )
    .await?;
    ctx.db.close().await.ok();
    eprintln!("  ready in {:.0} s", started.elapsed().as_secs_f64());

    // the release server, as an operator runs it
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut command = Command::new(env!("CARGO_BIN_EXE_portal-cli"));
    command
        .args(["start"])
        .env("PORT", port.to_string())
        .env("PORTAL_PUBLIC_URL", &base)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let server = Server(command.spawn().expect("start the release server"));
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut up = false;
    for _ in 0..300 {
        if http.get(format!("{base}/_ping")).send().await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(up, "the release server did not answer /_ping within 30 s");

    // a signed-in customer, through the emailed-link page
    let link = format!("{base}/portal/acme/login/{}", issued.token);
    let page = http.get(&link).send().await.unwrap();
    let jar = cookies(&page).join("; ");
    let csrf = hidden_csrf(&page.text().await.unwrap());
    let signed_in = http
        .post(&link)
        .header("Cookie", &jar)
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 303, "sign-in through the link");
    let session = cookies(&signed_in)
        .into_iter()
        .find(|c| c.starts_with("portal_session="))
        .expect("a session cookie");
    let customer_cookie = format!("Cookie: {session}");

    // the sign-in form's POST: its CSRF cookie and token, a real customer
    let login = http
        .get(format!("{base}/portal/acme/login"))
        .send()
        .await
        .unwrap();
    let login_jar = cookies(&login).join("; ");
    let login_csrf = hidden_csrf(&login.text().await.unwrap());
    let script = dir.join("sign_in.lua");
    std::fs::write(
        &script,
        format!(
            "wrk.method = \"POST\"\n\
             wrk.body = \"email=ada%40example.com&csrf_token={login_csrf}\"\n\
             wrk.headers[\"Content-Type\"] = \"application/x-www-form-urlencoded\"\n\
             wrk.headers[\"Cookie\"] = \"{login_jar}\"\n"
        ),
    )?;

    // the owner in the console, through its sign-in form
    let console = http.get(format!("{base}/admin")).send().await.unwrap();
    let console_jar = cookies(&console).join("; ");
    let console_csrf = hidden_csrf(&console.text().await.unwrap());
    let owner_in = http
        .post(format!("{base}/admin/sign-in"))
        .header("Cookie", &console_jar)
        .form(&[
            ("csrf_token", console_csrf.as_str()),
            ("email", "owner@acme.test"),
            ("password", console_password.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(owner_in.status(), 303, "console sign-in");
    let owner_cookie = format!("Cookie: {}", cookies(&owner_in).join("; "));
    let overview_url = format!("{base}/admin/acme");
    let overview_check = http
        .get(&overview_url)
        .header("Cookie", owner_cookie.trim_start_matches("Cookie: "))
        .send()
        .await
        .unwrap();
    assert_eq!(overview_check.status(), 200, "the owner's overview");

    let page_path = if postgres.is_some() {
        "/portal/acme/billing"
    } else {
        "/portal/acme/subscriptions"
    };
    // warm up caches and connection pools, then measure
    wrk(&format!("{base}/_ping"), 2, None, &[]);
    wrk(
        &format!("{base}{page_path}"),
        2,
        None,
        &[customer_cookie.clone()],
    );
    let ping = wrk(&format!("{base}/_ping"), seconds, None, &[]);
    let page = wrk(
        &format!("{base}{page_path}"),
        seconds,
        None,
        &[customer_cookie],
    );
    wrk(&overview_url, 2, None, &[owner_cookie.clone()]);
    let overview = wrk(&overview_url, seconds, None, &[owner_cookie]);
    let sign_in = if postgres.is_some() {
        None
    } else {
        Some(wrk(
            &format!("{base}/portal/acme/login"),
            seconds,
            Some(&script),
            &[],
        ))
    };
    let rss = peak_rss_mb(server.0.id());
    drop(server);

    let machine = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find_map(|l| l.strip_prefix("model name\t: ").map(str::to_string))
        })
        .unwrap_or_default();
    println!();
    println!(
        "portal load benchmark: {} customers on {}, wrk -t2 -c64 -d{seconds}s, {} cores ({machine})",
        customers,
        if postgres.is_some() { "PostgreSQL" } else { "SQLite" },
        std::thread::available_parallelism().map_or(0, std::num::NonZero::get)
    );
    println!("| route | req/s | ratio to /_ping | p50 | p99 | requests |");
    println!("|---|---|---|---|---|---|");
    let row = |name: &str, l: &Load| {
        println!(
            "| {name} | {:.0} | {:.1}% | {:.2} ms | {:.2} ms | {} |",
            l.rps,
            100.0 * l.rps / ping.rps,
            l.p50_ms,
            l.p99_ms,
            l.requests
        );
    };
    row("GET /_ping", &ping);
    row(&format!("GET {page_path} (signed in)"), &page);
    row("GET /admin/acme (overview, owner)", &overview);
    if let Some(sign_in) = &sign_in {
        row("POST /portal/acme/login (sign-in)", sign_in);
    }
    println!("peak RSS of the server: {rss:.1} MB");
    println!();
    let verdict = |ok: bool| if ok { "met" } else { "NOT met" };
    if let Some(sign_in) = &sign_in {
        println!(
            "targets: page >= 25% of /_ping: {}; page p99 <= 25 ms: {}; sign-in >= 10%: {}; RSS <= 150 MB: {}",
            verdict(page.rps >= 0.25 * ping.rps),
            verdict(page.p99_ms <= 25.0),
            verdict(sign_in.rps >= 0.10 * ping.rps),
            verdict(rss <= 150.0)
        );
    } else {
        println!(
            "targets: billing history p99 <= 30 ms: {}; overview p99 < 200 ms: {}",
            verdict(page.p99_ms <= 30.0),
            verdict(overview.p99_ms < 200.0)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
