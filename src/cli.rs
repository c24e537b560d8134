//! Command-line interface: one args struct per subcommand (clap derive).

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// A static knowledge-site generator for typed, cross-linked Markdown.
#[derive(Debug, Parser)]
#[command(name = "ledestjerne", version, about)]
pub struct Cli {
    /// The site folder (holding site.yaml).
    #[arg(long, global = true, default_value = ".")]
    pub root: PathBuf,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder.
    Build(BuildArgs),
    /// Validate content, links and templates; write nothing.
    Check(CheckArgs),
    /// Build, serve on 127.0.0.1 and rebuild on changes.
    Serve(ServeArgs),
    /// Create a new page of a kind, with its fields as a template.
    New(NewArgs),
    /// Create a new site that builds at once: a schema, a front page and two sample pages.
    Init(InitArgs),
    /// Work with the built-in theme.
    #[command(subcommand)]
    Theme(ThemeCommand),
}

/// `ledestjerne build`.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// Output folder. A relative path is taken from the site folder
    /// (`--root`), not from the current folder, so `-o public` is always
    /// the site's own `public/`.
    #[arg(long, short, default_value = "public")]
    pub output: PathBuf,
    /// Public URL of the site, may include a path (overrides site.yaml).
    #[arg(long)]
    pub base_url: Option<String>,
    /// Leave out the search index: a faster build for previews, without working search.
    #[arg(long)]
    pub no_search: bool,
    /// Build the pages marked `draft: true` too, each marked as a draft.
    #[arg(long)]
    pub drafts: bool,
    /// Build even when the output folder holds files the last build did not
    /// write; they are kept in the new output. (A `.git` is always kept.)
    #[arg(long)]
    pub force: bool,
    /// Write a site that works from a folder or a zip, opened with
    /// `file://`: links name `index.html`, and search uses an index loaded
    /// by a script (as `portable: true` in site.yaml).
    #[arg(long)]
    pub portable: bool,
    /// Render and index everything again instead of taking the parts whose
    /// inputs did not change from the previous output.
    #[arg(long)]
    pub no_reuse: bool,
}

/// Output format of `check`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// `error: file:line:col: message` lines.
    Human,
    /// A JSON array of diagnostics.
    Json,
}

/// `ledestjerne check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
}

/// `ledestjerne serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Port (the next free one is taken when it is busy).
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Output folder of `build` (relative to the site folder): `serve`
    /// keeps the site in memory and ignores changes in this folder.
    #[arg(long, short, default_value = "public")]
    pub output: PathBuf,
}

/// `ledestjerne new`.
#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// Kind of the page (case, actor, person, …).
    pub kind: String,
    /// Title of the page.
    pub title: String,
}

/// `ledestjerne init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The folder to create the site in (default: `--root`, the current folder).
    pub dir: Option<PathBuf>,
    /// The language of the site and of its user interface.
    #[arg(long, default_value = "en")]
    pub language: String,
    /// Write into a folder that is not empty (files of the same name are overwritten).
    #[arg(long)]
    pub force: bool,
}

/// `ledestjerne theme …`.
#[derive(Debug, Subcommand)]
pub enum ThemeCommand {
    /// Write the built-in theme into the site's `themes/NAME/`, to customise it.
    Eject(EjectArgs),
}

/// `ledestjerne theme eject`.
#[derive(Debug, clap::Args)]
pub struct EjectArgs {
    /// The theme folder to write (`themes/NAME/`); `default` overrides the built-in theme file by file.
    #[arg(default_value = "default")]
    pub name: String,
    /// Write into a theme folder that is not empty (files of the same name are overwritten).
    #[arg(long)]
    pub force: bool,
}
