//! `/`: operators land on the merchant console.
use axum::response::Redirect;
use loco_rs::prelude::*;

async fn index() -> Redirect {
    Redirect::to("/admin")
}

pub fn routes() -> Routes {
    Routes::new().add("/", get(index))
}
