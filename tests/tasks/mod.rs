mod seed_demo;
mod workspace_create;
