//! `cargo loco task seed_demo`: loads the demo workspaces (safe to run twice).
use loco_rs::prelude::*;

use crate::{demo, settings::Settings};

pub struct SeedDemo;

#[async_trait]
impl Task for SeedDemo {
    fn task(&self) -> TaskInfo {
        TaskInfo {
            name: "seed_demo".to_string(),
            detail: "Load the demo workspaces acme and globex with customers, subscriptions and \
                     charges (does nothing if acme exists).\nUsage: cargo loco task seed_demo"
                .to_string(),
        }
    }

    async fn run(&self, ctx: &AppContext, _vars: &task::Vars) -> Result<()> {
        let secrets = Settings::from_context(ctx)?.secrets();
        let loaded = demo::load(&ctx.db, &secrets).await?;
        if loaded.created {
            println!("demo data loaded: {}", loaded.workspaces.join(", "));
        } else {
            println!(
                "demo data already present ({}); nothing to do",
                loaded.workspaces.join(", ")
            );
        }
        println!(
            "console sign-in: {} / {}",
            demo::OWNER_EMAIL,
            demo::console_password(&secrets)
        );
        Ok(())
    }
}
