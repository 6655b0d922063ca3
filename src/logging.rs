//! The log: Loco's format and level, minus Loco's ERROR line for client
//! errors. Loco logs every error a handler returns at ERROR, so a mistyped
//! URL (404) or an expired form (403) looked like an outage; those are
//! logged at INFO by `controllers::errors` instead, and ERROR means a server
//! error again.
use loco_rs::{app::AppContext, Result};
use tracing::{field::Visit, Event, Level, Metadata};
use tracing_subscriber::{
    layer::{Context, Filter, SubscriberExt},
    util::SubscriberInitExt,
    Layer,
};

/// Installs the log; `false` when the configuration asks for something this
/// does not do (a file appender), so that Loco's own logger runs instead.
///
/// # Errors
/// Never; the signature is Loco's.
pub fn init<H: loco_rs::app::Hooks>(ctx: &AppContext) -> Result<bool> {
    let config = &ctx.config.logger;
    if config.file_appender.as_ref().is_some_and(|f| f.enable) {
        return Ok(false);
    }
    if !config.enable {
        return Ok(true);
    }
    let layer = loco_rs::logger::init_layer(std::io::stdout, &config.format, true)
        .with_filter(QuietClientErrors);
    let filter =
        loco_rs::logger::init_env_filter::<H>(config.override_filter.as_ref(), &config.level);
    // a second app in one process (tests) keeps the first one's log
    let _ = tracing_subscriber::registry()
        .with(layer)
        .with(filter)
        .try_init();
    Ok(true)
}

/// Drops Loco's `controller_error` events whose error is a client error.
struct QuietClientErrors;

impl<S> Filter<S> for QuietClientErrors {
    fn enabled(&self, _meta: &Metadata<'_>, _cx: &Context<'_, S>) -> bool {
        true
    }

    fn event_enabled(&self, event: &Event<'_>, _cx: &Context<'_, S>) -> bool {
        let meta = event.metadata();
        if *meta.level() != Level::ERROR || !meta.target().starts_with("loco_rs::controller") {
            return true;
        }
        let mut details = Details(None);
        event.record(&mut details);
        !details.0.is_some_and(|d| is_client_error(&d))
    }
}

struct Details(Option<String>);

impl Visit for Details {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "error.details" {
            self.0 = Some(format!("{value:?}"));
        }
    }
}

/// Whether a Loco error (its `Debug` text) is answered with a 4xx.
fn is_client_error(details: &str) -> bool {
    let details = details
        .strip_prefix("WithBacktrace { inner: ")
        .unwrap_or(details);
    [
        "NotFound",
        "Unauthorized(",
        "BadRequest(",
        "JsonRejection(",
        "AxumFormRejection(",
        "Validation(",
        "Model(EntityNotFound)",
        "Model(EntityAlreadyExists)",
        "Model(Validation(",
        "Model(TenantMismatch)",
        "CustomError(4",
    ]
    .iter()
    .any(|prefix| details.starts_with(prefix))
}

#[cfg(test)]
mod tests {
    use super::is_client_error;

    #[test]
    fn client_errors_are_told_from_server_errors() {
        assert!(is_client_error("NotFound"));
        assert!(is_client_error(
            "CustomError(404, ErrorDetail { error: Some(\"not_found\") })"
        ));
        assert!(is_client_error(
            "WithBacktrace { inner: NotFound, backtrace: .. }"
        ));
        assert!(!is_client_error(
            "CustomError(500, ErrorDetail { error: None })"
        ));
        assert!(!is_client_error("Model(DbErr(Conn(..)))"));
        assert!(!is_client_error("Message(\"boom\")"));
    }
}
