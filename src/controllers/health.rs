//! `/_ping`: the process answers. `/_health`: what it depends on, for an
//! operator or a load balancer: the database, the queue, and how many jobs
//! are held in the database because the queue refused them or they wait for
//! a retry. 503 when the database or the queue is down. `/_readiness` is
//! Loco's.
use std::time::Duration;

use axum::http::StatusCode;
use loco_rs::{controller::monitoring, prelude::*};
use serde::Serialize;

use crate::models::deferred_jobs;

/// A dependency that does not answer within this is reported down.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Serialize)]
struct Health {
    ok: bool,
    database: &'static str,
    queue: &'static str,
    /// jobs waiting in `deferred_jobs`; absent when the database is down
    held_jobs: Option<u64>,
}

async fn answers<F, T, E>(check: F) -> bool
where
    F: std::future::Future<Output = std::result::Result<T, E>>,
{
    matches!(tokio::time::timeout(CHECK_TIMEOUT, check).await, Ok(Ok(_)))
}

async fn health(State(ctx): State<AppContext>) -> Result<Response> {
    let database = answers(ctx.db.ping()).await;
    let queue = match &ctx.queue_provider {
        Some(queue) => Some(answers(queue.ping()).await),
        None => None,
    };
    let held_jobs = if database {
        deferred_jobs::Model::waiting(&ctx.db).await.ok()
    } else {
        None
    };
    let ok = database && queue != Some(false);
    let body = Health {
        ok,
        database: if database { "up" } else { "down" },
        queue: match queue {
            Some(true) => "up",
            Some(false) => "down: new jobs are held in the database until it answers",
            None => "none: jobs run in the server process",
        },
        held_jobs,
    };
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    Ok((status, Json(body)).into_response())
}

pub fn routes() -> Routes {
    Routes::new()
        .add("/_ping", get(monitoring::ping))
        .add("/_health", get(health))
        .add("/_readiness", get(monitoring::readiness))
}
