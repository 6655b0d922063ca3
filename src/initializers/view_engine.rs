use async_trait::async_trait;
use axum::{Extension, Router as AxumRouter};
use fluent_templates::FluentLoader;
use loco_rs::{
    app::{AppContext, Initializer},
    controller::views::{engines, ViewEngine},
    Error, Result,
};
use tracing::info;

#[allow(clippy::module_name_repetitions)]
pub struct ViewEngineInitializer;

#[async_trait]
impl Initializer for ViewEngineInitializer {
    fn name(&self) -> String {
        "view-engine".to_string()
    }

    async fn after_routes(&self, router: AxumRouter, _ctx: &AppContext) -> Result<AxumRouter> {
        let tera_engine = if std::path::Path::new(crate::locale::I18N_DIR).exists() {
            let messages = crate::locale::messages().map_err(|e| Error::string(&e))?;
            info!("locales loaded");
            engines::TeraView::build_with_post_process(move |tera| {
                tera.register_function("t", FluentLoader::new(messages.clone()));
                Ok(())
            })?
        } else {
            engines::TeraView::build()?
        };

        Ok(router.layer(Extension(ViewEngine::from(tera_engine))))
    }
}
