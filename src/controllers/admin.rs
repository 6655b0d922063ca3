//! The merchant console under `/admin`.
use loco_rs::prelude::*;

#[debug_handler]
async fn sign_in_page(ViewEngine(v): ViewEngine<TeraView>) -> Result<Response> {
    format::render().view(&v, "admin/sign_in.html", data!({ "lang": "en-US" }))
}

pub fn routes() -> Routes {
    Routes::new().prefix("/admin").add("/", get(sign_in_page))
}
