//! The build pipeline, stage by stage: config → content → graph → render.
//!
//! [`build`] reads like the table of contents of the program. Each stage
//! reports every problem it finds; the build stops after a stage that found
//! errors, so one run shows all mistakes of the same depth at once, and
//! nothing is written unless the whole site rendered.

use crate::config::{self, Config};
use crate::content::{self, Page};
use crate::diagnostics::Diagnostics;
use crate::graph::Graph;
use crate::render::{OutputFile, Renderer, theme};
use crate::search::IndexStats;
use std::path::{Path, PathBuf};

pub mod incremental;

/// What to build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site folder (holding `site.yaml`).
    pub root: PathBuf,
    /// Overrides `base_url` from `site.yaml`.
    pub base_url: Option<String>,
    /// Leave out the search index (faster; for checks and previews that do not search).
    pub skip_search: bool,
    /// Leave out the print page, which renders every page a second time (for quick previews).
    pub skip_print: bool,
    /// Make the pages' search documents but not the pages (for a build that
    /// keeps only the search index and the print page, as `serve`'s).
    pub skip_pages: bool,
    /// Search bundles kept from earlier builds: a bundle whose pages did not
    /// change is taken from here instead of being indexed again (`serve`).
    pub search_cache: Option<std::sync::Arc<crate::search::BundleCache>>,
}

/// A site built in memory.
#[derive(Debug)]
pub struct Built {
    /// The validated configuration.
    pub config: Config,
    /// The pages.
    pub pages: Vec<Page>,
    /// The content graph.
    pub graph: Graph,
    /// Every output file.
    pub files: Vec<OutputFile>,
    /// Warnings (errors make the build fail instead).
    pub warnings: Diagnostics,
    /// What the search index took, unless it was left out.
    pub search: Option<IndexStats>,
}

/// Builds the site described by `options`, entirely in memory. The files are sorted by path.
pub fn build(options: &BuildOptions) -> Result<Built, Diagnostics> {
    let (files, ran) = crate::render::collect_files(|sink| run(options, sink));
    let Ran { config, pages, graph, warnings, search } = ran?;
    Ok(Built { config, pages, graph, files, warnings, search })
}

/// What [`build_into`] wrote.
#[derive(Debug)]
pub struct Summary {
    /// Pages built.
    pub pages: usize,
    /// Warnings.
    pub warnings: Diagnostics,
    /// What the search index took, unless it was left out.
    pub search: Option<IndexStats>,
}

/// Builds the site like [`build`], writing each file into `staging` as soon
/// as it is rendered, so the site is never held in memory whole. The caller
/// finishes the staging on success; on errors it is dropped and the old
/// output stays as it was.
pub fn build_into(options: &BuildOptions, staging: &crate::output::Staging) -> Result<Summary, Diagnostics> {
    build_to(options, &|file| staging.write(&file))
}

/// Builds the site like [`build`], handing each file to `sink` as soon as
/// it is rendered, in no particular order; for callers that keep only some
/// of the files.
pub fn build_to(options: &BuildOptions, sink: &(dyn Fn(OutputFile) + Sync)) -> Result<Summary, Diagnostics> {
    let ran = run(options, sink)?;
    Ok(Summary { pages: ran.pages.len(), warnings: ran.warnings, search: ran.search })
}

/// What [`run`] worked out.
struct Ran {
    config: Config,
    pages: Vec<Page>,
    graph: Graph,
    warnings: Diagnostics,
    search: Option<IndexStats>,
}

/// Every stage, handing each output file to `sink` as soon as it is made.
fn run(options: &BuildOptions, sink: &(dyn Fn(OutputFile) + Sync)) -> Result<Ran, Diagnostics> {
    let Prepared { config, pages, graph, mut theme, mut diagnostics } = prepare(options)?;
    let renderer = Renderer::new(&config, &pages, &graph, &mut theme);
    let search = if options.skip_search {
        diagnostics.extend(renderer.render_into(options.skip_print, false, sink).1);
        None
    } else {
        let (stats, render_diagnostics) = render_and_index(&renderer, &config, options, sink);
        diagnostics.extend(render_diagnostics);
        stats
    };
    static_files(&theme, &mut diagnostics).into_iter().for_each(sink);
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    Ok(Ran { config, pages, graph, warnings: diagnostics, search })
}

/// Renders the site with its search index: the listings and print page
/// first, then the pages a search bundle at a time, each bundle indexed as
/// soon as its pages are rendered, so the search documents of only the
/// bundles in progress are held.
fn render_and_index(
    renderer: &Renderer,
    config: &Config,
    options: &BuildOptions,
    sink: &(dyn Fn(OutputFile) + Sync),
) -> (Option<IndexStats>, Diagnostics) {
    let mut diagnostics = renderer.render_site_files_into(options.skip_print, sink);
    let failed = std::sync::Mutex::new(Diagnostics::new());
    let docs_of = |indices: &[usize]| {
        if options.skip_pages {
            return renderer.search_docs(indices);
        }
        let (docs, page_diagnostics) = renderer.render_pages_into(indices, true, sink);
        failed.lock().unwrap_or_else(std::sync::PoisonError::into_inner).extend(page_diagnostics);
        docs
    };
    let cache = options.search_cache.as_deref();
    let indexed =
        crate::search::index_pages_into(renderer.page_count(), &config.language, config.search.shard_pages, &docs_of, cache, sink);
    diagnostics.extend(failed.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner));
    match indexed {
        Ok(stats) => (Some(stats), diagnostics),
        Err(e) => {
            diagnostics.push(crate::diagnostics::Diagnostic::error(
                crate::diagnostics::Location::new(crate::content::CONTENT_DIR, 1, 1),
                format!("the search index could not be built: {e}"),
            ));
            (None, diagnostics)
        }
    }
}

/// Everything a render needs: the stages before it, all passed.
pub(crate) struct Prepared {
    pub config: Config,
    pub pages: Vec<Page>,
    pub graph: Graph,
    pub theme: theme::Theme,
    /// Warnings so far.
    pub diagnostics: Diagnostics,
}

/// Runs the stages before rendering: config, content, graph and theme.
pub(crate) fn prepare(options: &BuildOptions) -> Result<Prepared, Diagnostics> {
    let mut config = config::load(&options.root)?;
    if let Some(base) = &options.base_url {
        config.base_url = config::normalise_base_url(base);
    }
    let (pages, mut diagnostics) = content::load(&options.root, &config);
    let (graph, graph_diagnostics) = Graph::build(&pages, &config);
    diagnostics.extend(graph_diagnostics);
    let theme = match theme::load(&options.root, &config) {
        Ok(theme) => theme,
        Err(theme_diagnostics) => {
            diagnostics.extend(theme_diagnostics);
            return Err(diagnostics);
        }
    };
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    Ok(Prepared { config, pages, graph, theme, diagnostics })
}

pub(crate) fn static_files(theme: &theme::Theme, diagnostics: &mut Diagnostics) -> Vec<OutputFile> {
    theme
        .static_files
        .iter()
        .filter_map(|(rel, path)| match std::fs::read(path) {
            Ok(bytes) => Some(OutputFile { path: rel.clone(), bytes }),
            Err(e) => {
                let loc = crate::diagnostics::Location::new(path.display().to_string(), 1, 1);
                diagnostics.push(crate::diagnostics::Diagnostic::error(loc, format!("cannot read static file: {e}")));
                None
            }
        })
        .collect()
}

/// Checks the site without writing anything: the same stages as [`build`].
pub fn check(root: &Path) -> Result<Diagnostics, Diagnostics> {
    build(&BuildOptions { root: root.to_path_buf(), skip_search: true, ..BuildOptions::default() }).map(|b| b.warnings)
}
