//! Writes a synthetic course-like site of N pages for benchmarks.
//!
//! ```text
//! cargo run --release --example synth -- --pages 10000 --out /tmp/site [--hugo /tmp/hugo-site] [--seed 1]
//! ```
//!
//! The site uses the repository's `site.yaml`, `themes/`, `templates/` and `i18n/` and passes
//! `ledestjerne check`; with `--hugo` the same pages are also written as a
//! Hugo site. See `examples/synth/sitegen.rs` for what the pages contain.

#[path = "synth/sitegen.rs"]
mod sitegen;

use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;

/// Writes a synthetic site of N pages.
#[derive(Debug, Parser)]
struct Args {
    /// Number of pages, front page included.
    #[arg(long)]
    pages: usize,
    /// Folder to write the site into (its `content/`, `themes/`, `templates/` and `i18n/` are replaced).
    #[arg(long)]
    out: PathBuf,
    /// Also write the same pages as a Hugo site into this folder.
    #[arg(long)]
    hugo: Option<PathBuf>,
    /// Seed of the pseudo-random choices.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let options = sitegen::Options {
        pages: args.pages,
        seed: args.seed,
        out: args.out,
        hugo: args.hugo,
        repo_root: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
    };
    match sitegen::generate(&options) {
        Ok(n) => {
            eprintln!("wrote {n} pages into {}", options.out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
