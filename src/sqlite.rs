//! SQLite, the embedded default, set up for a server with concurrent writers.
//!
//! Loco runs its SQLite PRAGMAs (WAL, `synchronous = NORMAL`, busy timeout)
//! on one pooled connection only; the pool's other connections keep SQLite's
//! defaults, `synchronous = FULL` among them: an fsync on every commit, which
//! the renewal benchmark showed as the limit (every writer waits on it inside
//! the single write lock). WAL with `synchronous = NORMAL` is the setting SQLite
//! recommends for WAL (and Rails 8 ships): never corrupt, and a commit is
//! lost only to a power cut in the last moments, which a retried renewal
//! survives because the gateway dedups by idempotency key.
use std::time::Duration;

use loco_rs::{
    bgworker::{
        sqlt::{JobRegistry, RunOpts, SqliteQueue},
        Queue,
    },
    config, Result,
};
use sea_orm::{
    sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection,
};
use std::{str::FromStr, sync::Arc};

/// The longest a connection waits for another's write lock before it
/// reports "database is locked", as the busy timeout did.
const LOCK_WAIT: Duration = Duration::from_secs(5);

/// SQLite's own busy handler (what `busy_timeout` installs) sleeps 1, 2, 5,
/// 10, 15, 20, 25 ... up to 100 ms between tries, while a write transaction
/// here holds the lock for well under a millisecond: under the renewal
/// workers a waiter slept far past the holder's commit and a third of the
/// CPU sat idle. This one retries after 50 µs, doubling to at most 1 ms.
extern "C" fn wait_for_lock(_: *mut std::ffi::c_void, tries: std::ffi::c_int) -> std::ffi::c_int {
    const FIRST: u64 = 50;
    const MOST: u64 = 1_000;
    let tries = u64::try_from(tries).unwrap_or(0);
    let delay = (FIRST << tries.min(5)).min(MOST);
    // the waits before this one: the doubling steps, then MOST each
    let steps = tries.min(5);
    let waited = (FIRST << steps) - FIRST + tries.saturating_sub(steps) * MOST;
    if Duration::from_micros(waited) >= LOCK_WAIT {
        return 0;
    }
    std::thread::sleep(Duration::from_micros(delay));
    1
}

/// Per-connection settings PRAGMAs cannot make, on every pooled connection.
///
/// SQLite marks a statement for re-preparing whenever a bound value could
/// change its plan, and since 3.4x a bound `LIMIT ?` counts: every
/// sea-orm `.one()` (`LIMIT ?` = 1) was parsed and planned again on each
/// run, about 13% of the server's CPU under load. The query planner
/// stability guarantee keeps one plan per prepared statement, so sqlx's
/// statement cache is used as meant. And the lock wait above replaces
/// SQLite's sleepy one.
fn tune_connection(
    conn: &mut sea_orm::sqlx::SqliteConnection,
    _meta: sea_orm::sqlx::pool::PoolConnectionMetadata,
) -> futures_util::future::BoxFuture<'_, Result<(), sea_orm::sqlx::Error>> {
    Box::pin(async move {
        let mut handle = conn.lock_handle().await?;
        let db = handle.as_raw_handle().as_ptr();
        // SAFETY: a valid connection handle, held locked for the calls;
        // SQLITE_DBCONFIG_ENABLE_QPSG takes an int and an optional out-pointer;
        // the busy handler is a plain function that keeps no state.
        let (qpsg, busy) = unsafe {
            (
                libsqlite3_sys::sqlite3_db_config(
                    db,
                    libsqlite3_sys::SQLITE_DBCONFIG_ENABLE_QPSG,
                    1_i32,
                    std::ptr::null_mut::<i32>(),
                ),
                libsqlite3_sys::sqlite3_busy_handler(db, Some(wait_for_lock), std::ptr::null_mut()),
            )
        };
        if qpsg != libsqlite3_sys::SQLITE_OK {
            tracing::warn!(
                rc = qpsg,
                "SQLite refused the query planner stability guarantee"
            );
        }
        if busy != libsqlite3_sys::SQLITE_OK {
            tracing::warn!(
                rc = busy,
                "SQLite refused the busy handler; its busy timeout stays"
            );
        }
        Ok(())
    })
}

fn tuned(options: SqliteConnectOptions) -> SqliteConnectOptions {
    options
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(LOCK_WAIT)
        .foreign_keys(true)
        // No memory map: with other connections writing, a connection's read
        // transaction unmapped the file and mapped it again (TLB shootdowns on
        // every core), a tenth of the renewal workers' time; reads go through
        // the OS cache instead (renewals 237 -> 260 a second).
        .pragma("mmap_size", "0")
        .pragma("journal_size_limit", "67108864")
}

/// The application database with the PRAGMAs on every connection, when it is
/// SQLite; `None` for PostgreSQL (Loco's connection stays).
///
/// # Errors
/// When the database cannot be opened.
pub async fn reconnect(database: &config::Database) -> Result<Option<DatabaseConnection>> {
    if !database.uri.starts_with("sqlite:") {
        return Ok(None);
    }
    let mut options = ConnectOptions::new(&database.uri);
    options
        .max_connections(database.max_connections)
        .min_connections(database.min_connections)
        .connect_timeout(Duration::from_millis(database.connect_timeout))
        .idle_timeout(Duration::from_millis(database.idle_timeout))
        .sqlx_logging(database.enable_logging)
        .map_sqlx_sqlite_opts(tuned)
        .map_sqlx_sqlite_pool_opts(|pool| pool.after_connect(tune_connection));
    if let Some(acquire_timeout) = database.acquire_timeout {
        options.acquire_timeout(Duration::from_millis(acquire_timeout));
    }
    let db = Database::connect(options).await?;
    // an operator's `run_on_start`, as Loco would have run it
    if let Some(sql) = &database.run_on_start {
        db.execute_unprepared(sql).await?;
    }
    Ok(Some(db))
}

/// Loco's SQLite queue, on a pool with the same PRAGMAs (its own pool keeps
/// `synchronous = FULL`: an fsync for every claim, completion and enqueue);
/// `None` unless the configured queue is SQLite.
///
/// # Errors
/// When the queue database cannot be opened.
pub async fn queue(config: &config::Config) -> Result<Option<Queue>> {
    let Some(config::QueueConfig::Sqlite(queue)) = &config.queue else {
        return Ok(None);
    };
    let mut options = tuned(
        SqliteConnectOptions::from_str(&queue.uri).map_err(|e| loco_rs::Error::Any(e.into()))?,
    );
    if !queue.enable_logging {
        options = sea_orm::sqlx::ConnectOptions::disable_statement_logging(options);
    }
    let pool = SqlitePoolOptions::new()
        .after_connect(tune_connection)
        .min_connections(queue.min_connections)
        .max_connections(queue.max_connections)
        .idle_timeout(Duration::from_millis(queue.idle_timeout))
        .acquire_timeout(Duration::from_millis(queue.connect_timeout))
        .connect_with(options)
        .await
        .map_err(|e| loco_rs::Error::Any(e.into()))?;
    let provider = SqliteQueue {
        pool,
        registry: Arc::new(tokio::sync::Mutex::new(JobRegistry::new())),
        run_opts: RunOpts {
            num_workers: queue.num_workers,
            poll_interval_sec: queue.poll_interval_sec,
            reaper: queue.reaper.clone(),
        },
        token: tokio_util::sync::CancellationToken::new(),
    };
    Ok(Some(Queue::from_provider(Arc::new(provider))))
}

/// Loco's SQLite queue picks the next job with `ORDER BY priority DESC,
/// run_at, id`, which its own `(status, run_at)` index cannot serve: with a
/// backlog of 100,000 renewal jobs every dequeue sorted the whole table
/// (about 20 jobs a second), and claiming or completing a job by `id`
/// scanned it too (the table has no key). Two indexes fix both. The queue
/// file also stays in rollback-journal mode, with several fsyncs per job;
/// WAL (which persists in the file) needs one.
/// Best effort: without these the queue is slower, not wrong.
pub async fn index_queue(config: &config::Config) {
    let Some(config::QueueConfig::Sqlite(queue)) = &config.queue else {
        return;
    };
    let Ok(db) = Database::connect(&queue.uri).await else {
        return;
    };
    // Loco's index must go too: without statistics SQLite keeps choosing it
    // and sorting; ours starts with `status` as well, so nothing loses.
    let created = db
        .execute_unprepared(
            "CREATE INDEX IF NOT EXISTS portal_sqlt_queue_next \
             ON sqlt_loco_queue (status, priority DESC, run_at, id); \
             CREATE INDEX IF NOT EXISTS portal_sqlt_queue_id ON sqlt_loco_queue (id); \
             DROP INDEX IF EXISTS idx_sqlt_queue_status_run_at; \
             PRAGMA journal_mode = WAL;",
        )
        .await;
    if let Err(e) = created {
        tracing::debug!(error = %e, "SQLite queue index not created");
    }
    let _ = db.close().await;
}
