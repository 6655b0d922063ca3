//! Running tallies behind the console's overview, kept by the database
//! itself: triggers on subscriptions, charges and refunds add to them in the
//! same transaction as the change, whichever code path (or hand-written SQL)
//! makes it, so the overview reads a few dozen rows instead of scanning
//! millions of charges, and is never out of step with them.
//!
//! - `subscription_tallies`: how many subscriptions, and how many seats, each
//!   price has in each status (monthly recurring revenue and the counts).
//! - `monthly_tallies`: per UTC month (`YYYY-MM`), a metric and its dimension
//!   (the currency for amounts, the reason for cancellations, '' otherwise):
//!   `revenue` (charges paid), `refunded` (refunds that went through),
//!   `subscriptions_started`, `subscriptions_cancelled`,
//!   `cancellation_reason`, and `payments_failed` / `payments_recovered`: a
//!   subscription falling past due, and paying that period after all, both
//!   counted in the month the failed payment was due.
use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// SQL giving the UTC month (`YYYY-MM`) of a timestamp expression.
fn month(backend: DbBackend, at: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("to_char(({at}) AT TIME ZONE 'UTC', 'YYYY-MM')"),
        _ => format!("strftime('%Y-%m', {at})"),
    }
}

const TABLES: &str = "
CREATE TABLE subscription_tallies (
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    status VARCHAR NOT NULL,
    price_id BIGINT NOT NULL,
    subscriptions BIGINT NOT NULL DEFAULT 0,
    quantity BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (workspace_id, status, price_id)
);
CREATE TABLE monthly_tallies (
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    month VARCHAR(7) NOT NULL,
    metric VARCHAR NOT NULL,
    dimension VARCHAR NOT NULL DEFAULT '',
    value BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (workspace_id, month, metric, dimension)
);
";

const ADD_SUBSCRIPTIONS: &str = "ON CONFLICT (workspace_id, status, price_id) DO UPDATE
    SET subscriptions = subscription_tallies.subscriptions + excluded.subscriptions,
        quantity = subscription_tallies.quantity + excluded.quantity";
const ADD_MONTHLY: &str = "ON CONFLICT (workspace_id, month, metric, dimension) DO UPDATE
    SET value = monthly_tallies.value + excluded.value";

/// The triggers on SQLite: one per event, row by row, each upsert guarded
/// by its own WHERE (SQLite has no procedural code in triggers).
fn sqlite_triggers() -> Vec<String> {
    let m = |at: &str| month(DbBackend::Sqlite, at);
    let up = |metric: &str, month: String, dimension: &str, value: &str, when: &str| {
        format!(
            "INSERT INTO monthly_tallies (workspace_id, month, metric, dimension, value)
             SELECT NEW.workspace_id, {month}, '{metric}', {dimension}, {value}
             WHERE {when} {ADD_MONTHLY};"
        )
    };
    let sub = |sign: &str, row: &str| {
        format!(
            "INSERT INTO subscription_tallies (workspace_id, status, price_id, subscriptions, quantity)
             VALUES ({row}.workspace_id, {row}.status, {row}.price_id, {sign}1, {sign}{row}.quantity)
             {ADD_SUBSCRIPTIONS};"
        )
    };
    vec![
        format!(
            "CREATE TRIGGER subscriptions_tally_insert AFTER INSERT ON subscriptions BEGIN
             {add}
             {started}
             {cancelled}
             {reason}
             END",
            add = sub("", "NEW"),
            started = up("subscriptions_started", m("NEW.created_at"), "''", "1", "true"),
            cancelled = up("subscriptions_cancelled", m("coalesce(NEW.cancelled_at, NEW.created_at)"), "''", "1", "NEW.status = 'cancelled'"),
            reason = up("cancellation_reason", m("coalesce(NEW.cancelled_at, NEW.created_at)"), "coalesce(NEW.cancellation_reason, 'unstated')", "1", "NEW.status = 'cancelled'"),
        ),
        format!(
            "CREATE TRIGGER subscriptions_tally_update AFTER UPDATE OF status, price_id, quantity ON subscriptions
             WHEN OLD.status IS NOT NEW.status OR OLD.price_id IS NOT NEW.price_id OR OLD.quantity IS NOT NEW.quantity
             BEGIN
             {remove}
             {add}
             {cancelled}
             {reason}
             {failed}
             {recovered}
             END",
            remove = sub("-", "OLD"),
            add = sub("", "NEW"),
            cancelled = up("subscriptions_cancelled", m("coalesce(NEW.cancelled_at, NEW.updated_at)"), "''", "1", "NEW.status = 'cancelled' AND OLD.status <> 'cancelled'"),
            reason = up("cancellation_reason", m("coalesce(NEW.cancelled_at, NEW.updated_at)"), "coalesce(NEW.cancellation_reason, 'unstated')", "1", "NEW.status = 'cancelled' AND OLD.status <> 'cancelled'"),
            failed = up("payments_failed", m("NEW.current_period_end"), "''", "1", "NEW.status = 'past_due' AND OLD.status <> 'past_due'"),
            recovered = up("payments_recovered", m("OLD.current_period_end"), "''", "1", "OLD.status = 'past_due' AND NEW.status = 'active'"),
        ),
        format!(
            "CREATE TRIGGER subscriptions_tally_delete AFTER DELETE ON subscriptions BEGIN {} END",
            sub("-", "OLD")
        ),
        format!(
            "CREATE TRIGGER charges_tally_insert AFTER INSERT ON charges WHEN NEW.status IN ('paid', 'refunded') BEGIN {} END",
            up("revenue", m("coalesce(NEW.paid_at, NEW.created_at)"), "NEW.currency", "NEW.amount", "true")
        ),
        format!(
            "CREATE TRIGGER charges_tally_update AFTER UPDATE OF status ON charges
             WHEN NEW.status IN ('paid', 'refunded') AND OLD.status NOT IN ('paid', 'refunded') BEGIN {} END",
            up("revenue", m("coalesce(NEW.paid_at, NEW.updated_at)"), "NEW.currency", "NEW.amount", "true")
        ),
        format!(
            "CREATE TRIGGER refunds_tally_insert AFTER INSERT ON refunds WHEN NEW.status = 'succeeded' BEGIN {} END",
            up("refunded", m("NEW.updated_at"), "NEW.currency", "NEW.amount", "true")
        ),
        format!(
            "CREATE TRIGGER refunds_tally_update AFTER UPDATE OF status ON refunds
             WHEN NEW.status = 'succeeded' AND OLD.status IS NOT 'succeeded' BEGIN {} END",
            up("refunded", m("NEW.updated_at"), "NEW.currency", "NEW.amount", "true")
        ),
    ]
}

/// The triggers on PostgreSQL: inserts per statement over the transition
/// table (a bulk load adds a handful of grouped upserts, not one per row),
/// updates per row and only when a tallied column changed.
fn postgres_triggers() -> Vec<String> {
    let m = |at: &str| month(DbBackend::Postgres, at);
    // grouped, and ordered so that two statements lock tally rows in the same order
    let grouped = |metric: &str, month: String, dimension: &str, value: &str, from: &str| {
        format!(
            "INSERT INTO monthly_tallies (workspace_id, month, metric, dimension, value)
             SELECT workspace_id, {month}, '{metric}', {dimension}, sum({value}) {from}
             GROUP BY 1, 2, 4 ORDER BY 1, 2, 4 {ADD_MONTHLY};"
        )
    };
    let row = |metric: &str, month: String, dimension: &str, value: &str, when: &str| {
        format!(
            "IF {when} THEN
               INSERT INTO monthly_tallies (workspace_id, month, metric, dimension, value)
               VALUES (NEW.workspace_id, {month}, '{metric}', {dimension}, {value}) {ADD_MONTHLY};
             END IF;"
        )
    };
    let sub = |sign: &str, r: &str| {
        format!(
            "INSERT INTO subscription_tallies (workspace_id, status, price_id, subscriptions, quantity)
             VALUES ({r}.workspace_id, {r}.status, {r}.price_id, {sign}1, {sign}{r}.quantity)
             {ADD_SUBSCRIPTIONS};"
        )
    };
    let function = |name: &str, body: String| {
        format!(
            "CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
             {body}
             RETURN NULL;
             END $$"
        )
    };
    vec![
        function(
            "subscriptions_tally_insert",
            format!(
                "INSERT INTO subscription_tallies (workspace_id, status, price_id, subscriptions, quantity)
                 SELECT workspace_id, status, price_id, count(*), sum(quantity) FROM new_rows
                 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3 {ADD_SUBSCRIPTIONS};
                 {started}
                 {cancelled}
                 {reason}",
                started = grouped("subscriptions_started", m("created_at"), "''", "1", "FROM new_rows"),
                cancelled = grouped("subscriptions_cancelled", m("coalesce(cancelled_at, created_at)"), "''", "1", "FROM new_rows WHERE status = 'cancelled'"),
                reason = grouped("cancellation_reason", m("coalesce(cancelled_at, created_at)"), "coalesce(cancellation_reason, 'unstated')", "1", "FROM new_rows WHERE status = 'cancelled'"),
            ),
        ),
        "CREATE TRIGGER subscriptions_tally_insert AFTER INSERT ON subscriptions
         REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
         EXECUTE FUNCTION subscriptions_tally_insert()"
            .into(),
        function(
            "subscriptions_tally_update",
            format!(
                "{remove}
                 {add}
                 {cancelled}
                 {reason}
                 {failed}
                 {recovered}",
                remove = sub("-", "OLD"),
                add = sub("", "NEW"),
                cancelled = row("subscriptions_cancelled", m("coalesce(NEW.cancelled_at, NEW.updated_at)"), "''", "1", "NEW.status = 'cancelled' AND OLD.status <> 'cancelled'"),
                reason = row("cancellation_reason", m("coalesce(NEW.cancelled_at, NEW.updated_at)"), "coalesce(NEW.cancellation_reason, 'unstated')", "1", "NEW.status = 'cancelled' AND OLD.status <> 'cancelled'"),
                failed = row("payments_failed", m("NEW.current_period_end"), "''", "1", "NEW.status = 'past_due' AND OLD.status <> 'past_due'"),
                recovered = row("payments_recovered", m("OLD.current_period_end"), "''", "1", "OLD.status = 'past_due' AND NEW.status = 'active'"),
            ),
        ),
        "CREATE TRIGGER subscriptions_tally_update AFTER UPDATE OF status, price_id, quantity ON subscriptions
         FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.price_id IS DISTINCT FROM NEW.price_id
                            OR OLD.quantity IS DISTINCT FROM NEW.quantity)
         EXECUTE FUNCTION subscriptions_tally_update()"
            .into(),
        function("subscriptions_tally_delete", sub("-", "OLD")),
        "CREATE TRIGGER subscriptions_tally_delete AFTER DELETE ON subscriptions
         FOR EACH ROW EXECUTE FUNCTION subscriptions_tally_delete()"
            .into(),
        function(
            "charges_tally_insert",
            grouped("revenue", m("coalesce(paid_at, created_at)"), "currency", "amount", "FROM new_rows WHERE status IN ('paid', 'refunded')"),
        ),
        "CREATE TRIGGER charges_tally_insert AFTER INSERT ON charges
         REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
         EXECUTE FUNCTION charges_tally_insert()"
            .into(),
        function(
            "charges_tally_update",
            row("revenue", m("coalesce(NEW.paid_at, NEW.updated_at)"), "NEW.currency", "NEW.amount", "true"),
        ),
        "CREATE TRIGGER charges_tally_update AFTER UPDATE OF status ON charges
         FOR EACH ROW WHEN (NEW.status IN ('paid', 'refunded') AND OLD.status NOT IN ('paid', 'refunded'))
         EXECUTE FUNCTION charges_tally_update()"
            .into(),
        function(
            "refunds_tally",
            row("refunded", m("NEW.updated_at"), "NEW.currency", "NEW.amount", "true"),
        ),
        "CREATE TRIGGER refunds_tally_insert AFTER INSERT ON refunds
         FOR EACH ROW WHEN (NEW.status = 'succeeded') EXECUTE FUNCTION refunds_tally()"
            .into(),
        "CREATE TRIGGER refunds_tally_update AFTER UPDATE OF status ON refunds
         FOR EACH ROW WHEN (NEW.status = 'succeeded' AND OLD.status IS DISTINCT FROM 'succeeded')
         EXECUTE FUNCTION refunds_tally()"
            .into(),
    ]
}

/// Tallies of what is already there. Past-due episodes before this
/// migration are read from the renewal charges: a period whose first
/// renewal attempt failed, recovered when a charge paid it later.
fn backfill(backend: DbBackend) -> Vec<String> {
    let m = |at: &str| month(backend, at);
    let count = |metric: &str, month: String, dimension: &str, value: &str, rest: &str| {
        format!(
            "INSERT INTO monthly_tallies (workspace_id, month, metric, dimension, value)
             SELECT workspace_id, {month}, '{metric}', {dimension}, sum({value}) {rest}
             GROUP BY 1, 2, 4"
        )
    };
    let failed_first = "FROM charges f WHERE f.subscription_id IS NOT NULL AND f.attempt = 1
        AND f.status = 'failed' AND f.period_start IS NOT NULL AND f.idempotency_key LIKE 'renewal:%'";
    vec![
        "INSERT INTO subscription_tallies (workspace_id, status, price_id, subscriptions, quantity)
         SELECT workspace_id, status, price_id, count(*), sum(quantity) FROM subscriptions
         GROUP BY 1, 2, 3"
            .into(),
        count("subscriptions_started", m("created_at"), "''", "1", "FROM subscriptions"),
        count("subscriptions_cancelled", m("coalesce(cancelled_at, updated_at)"), "''", "1", "FROM subscriptions WHERE status = 'cancelled'"),
        count("cancellation_reason", m("coalesce(cancelled_at, updated_at)"), "coalesce(cancellation_reason, 'unstated')", "1", "FROM subscriptions WHERE status = 'cancelled'"),
        count("revenue", m("coalesce(paid_at, created_at)"), "currency", "amount", "FROM charges WHERE status IN ('paid', 'refunded')"),
        count("refunded", m("updated_at"), "currency", "amount", "FROM refunds WHERE status = 'succeeded'"),
        count("payments_failed", m("f.period_start"), "''", "1", failed_first),
        count(
            "payments_recovered",
            m("f.period_start"),
            "''",
            "1",
            &format!(
                "{failed_first} AND EXISTS (SELECT 1 FROM charges p WHERE p.subscription_id = f.subscription_id
                 AND p.period_start = f.period_start AND p.status IN ('paid', 'refunded'))"
            ),
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let backend = db.get_database_backend();
        db.execute_unprepared(TABLES).await?;
        for sql in backfill(backend) {
            db.execute_unprepared(&sql).await?;
        }
        let triggers = match backend {
            DbBackend::Postgres => postgres_triggers(),
            _ => sqlite_triggers(),
        };
        for sql in triggers {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for table in ["subscriptions", "charges", "refunds"] {
            for event in ["insert", "update", "delete"] {
                db.execute_unprepared(&format!(
                    "DROP TRIGGER IF EXISTS {table}_tally_{event}{on}",
                    on = if db.get_database_backend() == DbBackend::Postgres {
                        format!(" ON {table}")
                    } else {
                        String::new()
                    }
                ))
                .await?;
            }
        }
        if db.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared(
                "DROP FUNCTION IF EXISTS subscriptions_tally_insert, subscriptions_tally_update,
                 subscriptions_tally_delete, charges_tally_insert, charges_tally_update, refunds_tally",
            )
            .await?;
        }
        db.execute_unprepared("DROP TABLE monthly_tallies; DROP TABLE subscription_tallies")
            .await?;
        Ok(())
    }
}
