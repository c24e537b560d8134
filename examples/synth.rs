//! Writes a synthetic course-like site of N pages for benchmarks.
//!
//! ```text
//! cargo run --release --example synth -- --pages 10000 --out /tmp/site [--hugo /tmp/hugo-site] [--seed 1]
//! cargo run --release --example synth -- --replicate-course 9963 --out site [--hugo hugo-site]
//! ```
//!
//! The site uses the repository's `site.yaml`, `themes/`, `templates/` and `i18n/` and passes
//! `ledestjerne check`; with `--hugo` the same pages are also written as a
//! Hugo site. See `examples/synth/sitegen.rs` for what the pages contain.
//! `--replicate-course N` writes copies of the repository's course instead,
//! about N pages of them (`examples/synth/replica.rs`).

#[path = "synth/replica.rs"]
mod replica;
#[path = "synth/sitegen.rs"]
mod sitegen;

use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;

/// Writes a synthetic site of N pages.
#[derive(Debug, Parser)]
struct Args {
    /// Number of pages, front page included.
    #[arg(long, required_unless_present = "replicate_course")]
    pages: Option<usize>,
    /// Copies of the course's own pages, ids suffixed per copy, about this many pages in all.
    #[arg(long, conflicts_with = "pages")]
    replicate_course: Option<usize>,
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
    let repo_root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = args.out.clone();
    let written = match (args.replicate_course, args.pages) {
        (Some(pages), _) => replica::generate(&replica::Options { pages, out: args.out, hugo: args.hugo, repo_root }),
        (None, Some(pages)) => sitegen::generate(&sitegen::Options { pages, seed: args.seed, out: args.out, hugo: args.hugo, repo_root }),
        (None, None) => unreachable!("clap requires one of --pages and --replicate-course"),
    };
    match written {
        Ok(n) => {
            eprintln!("wrote {n} pages into {}", out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
