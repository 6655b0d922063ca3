use loco_rs::cli;
use migration::Migrator;
use portal::app::App;

// Pages are built from many small allocations (JSON contexts, rows, the
// rendered HTML); glibc's malloc spent about a fifth of the server's CPU on
// them under load (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> loco_rs::Result<()> {
    cli::main::<App, Migrator>().await
}
