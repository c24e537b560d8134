//! The pipeline: the stages every command runs, in order.
//!
//! ```text
//! load ─────────────► Loaded { site: Site { config, pages, graph, bibliography }, theme, warnings }
//!   config   site.yaml → typed schema (kinds, fields, roles, hub)
//!   content  content/**/*.md → validated pages
//!   graph    references and links → edges, backlinks, related hubs
//!   cite     bibliography files → formatted references; citations checked
//!   theme    templates, static files, UI strings
//! views ────────────► Order + ViewBuilder: typed views, `site` set in the templates
//! write ────────────► pages, listings, special pages, sitemap   (render::Writer)
//! print ────────────► the print page in parts
//! index ────────────► search bundles (search), from the pages' views
//! copy_static ──────► the theme's and the site's static files
//! ```
//!
//! Each command calls the stages it needs and nothing else:
//! [`build`] all of them; [`build_without_search`] all but `index`;
//! [`check`] all but `index`, into a sink that keeps nothing;
//! `serve` a [`Session`] (all but `print` and `index`, then incremental
//! updates) and, in the background, [`index_and_print`]. Every stage
//! reports all the problems it finds; the pipeline stops after `load` when
//! it found errors, and fails at the end when any later stage did, so one
//! run shows every mistake. The files go to the caller's [`Sink`] as they
//! are made; nothing is written to disk here.

mod fingerprint;
mod reuse;
mod session;

pub use reuse::{Previous, RECORD, build_reusing};
pub use session::{Rendered, Session};

use crate::cite::{self, Bibliography};
use crate::config::{self, Config};
use crate::content::{self, Page, PageIdx};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::files::{self, OutputFile, Sink};
use crate::graph::Graph;
use crate::render::theme::StaticFile;
use crate::render::views::SiteView;
use crate::render::{Order, TemplateFailure, Theme, ViewBuilder, Writer, theme};
use crate::search::{self, BundleCache, IndexStats};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// What to build.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The site folder (holding `site.yaml`).
    pub root: PathBuf,
    /// Overrides `base_url` from `site.yaml`.
    pub base_url: Option<String>,
    /// Whether draft pages are built too (`build --drafts`, `serve`).
    pub drafts: bool,
    /// A portable build (`build --portable`), whatever `site.yaml` says.
    pub portable: bool,
}

/// The site's content, validated and linked.
#[derive(Debug)]
pub struct Site {
    /// The validated configuration.
    pub config: Config,
    /// The pages.
    pub pages: Vec<Page>,
    /// The content graph.
    pub graph: Graph,
    /// The bibliography the pages cite, formatted.
    pub bibliography: Bibliography,
}

/// What [`load`] hands on: the site, its theme, and the warnings so far.
pub struct Loaded {
    /// The content.
    pub site: Site,
    /// The theme.
    pub theme: Theme,
    /// Warnings of the stages so far (errors stop the pipeline instead).
    pub warnings: Diagnostics,
}

/// What a build made.
#[derive(Debug)]
pub struct Report {
    /// Pages built.
    pub pages: usize,
    /// Warnings.
    pub warnings: Diagnostics,
    /// What the search index took, when it was built.
    pub search: Option<IndexStats>,
    /// Pages whose files were taken from the previous output instead of
    /// being rendered again ([`build_reusing`]).
    pub reused: usize,
    /// The page cache of this build, for the next ([`build_reusing`]).
    pub page_cache: Option<Vec<u8>>,
}

/// Stage 1: config, content, graph and theme. Stops here when any has errors.
pub fn load(options: &Options) -> Result<Loaded, Diagnostics> {
    load_with(options, None).map(|(loaded, _)| loaded)
}

/// As [`load`], taking the pages whose files did not change from `cache`,
/// the page cache a previous build left ([`crate::content::cache`]); also
/// returns this load's page cache, when given one.
pub fn load_with(options: &Options, cache: Option<&[u8]>) -> Result<(Loaded, Option<Vec<u8>>), Diagnostics> {
    let mut config = config::load(&options.root)?;
    if let Some(base) = &options.base_url {
        config.base_url = config::normalise_base_url(base);
    }
    config.show_drafts = options.drafts;
    config.portable |= options.portable;
    crate::timing::phase("read site.yaml");
    let cache = cache.map(|bytes| content::cache::PageCache::read(bytes, fingerprint::load_stamp(options)));
    let loaded = content::load_cached(&options.root, &config, cache.as_ref());
    let (pages, mut diagnostics) = (loaded.pages, loaded.diagnostics);
    crate::timing::phase("read and check the pages");
    let (graph, graph_diagnostics) = Graph::build_with(&pages, &config, loaded.scans);
    crate::timing::phase("link the pages");
    let cache = cache.filter(|_| !loaded.unchanged).map(|cache| cache.to_bytes(&pages, &loaded.hashes, &graph.scans));
    diagnostics.extend(graph_diagnostics);
    let (pages, graph) = if diagnostics.has_errors() { (pages, graph) } else { leave_out_drafts(pages, graph, &config) };
    let (bibliography, cite_diagnostics) = cite::load(&options.root, &config);
    // A bibliography file that does not parse is reported once, not at every citation of it.
    if !cite_diagnostics.has_errors() {
        diagnostics.extend(cite::check(&pages, &graph, &bibliography));
    }
    diagnostics.extend(cite_diagnostics);
    crate::timing::phase("read the bibliography");
    match theme::load(&options.root, &config) {
        Ok((mut theme, theme_warnings)) if !diagnostics.has_errors() => {
            diagnostics.extend(theme_warnings);
            diagnostics.extend(add_assets(&options.root, &mut theme));
            diagnostics.extend(crate::render::plan::check(&options.root, &config, &pages, &theme));
            let all: Vec<PageIdx> = PageIdx::all(pages.len()).collect();
            diagnostics.extend(crate::render::plan::check_references(&options.root, &config, &pages, &graph.scans, &theme, &all));
            diagnostics.extend(crate::render::feeds::check(&config, &pages));
            crate::timing::phase("check the theme and the files pages link");
            if diagnostics.has_errors() {
                return Err(diagnostics);
            }
            Ok((Loaded { site: Site { config, pages, graph, bibliography }, theme, warnings: diagnostics }, cache))
        }
        Ok(_) => Err(diagnostics),
        Err(theme_diagnostics) => {
            diagnostics.extend(theme_diagnostics);
            Err(diagnostics)
        }
    }
}

/// The pages without the drafts, unless drafts are built, and their graph.
/// The drafts were linked first, so that a published page referring to one
/// is reported (in `Graph::build`) rather than a plain broken link.
fn leave_out_drafts(mut pages: Vec<Page>, graph: Graph, config: &Config) -> (Vec<Page>, Graph) {
    if config.show_drafts || !pages.iter().any(|p| p.draft) {
        return (pages, graph);
    }
    pages.retain(|p| !p.draft);
    let (graph, _) = Graph::build(&pages, config);
    (pages, graph)
}

/// Adds the files beside the pages to the theme's static files, which the
/// build copies; a file beside the pages at the path of a static file is an error.
fn add_assets(root: &Path, theme: &mut Theme) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    for (rel, path) in content::assets::find(root) {
        if let Some(StaticFile::Disk(other)) = theme.static_files.get(&rel) {
            let at = Location::new(crate::tree::relative(root, &path), 1, 1);
            let message = format!(
                "`{}` and `{}` would both be published at `{rel}`",
                crate::tree::relative(root, &path),
                crate::tree::relative(root, other)
            );
            diagnostics.push(Diagnostic::error(at, message).with_help("rename or remove one of them"));
            continue;
        }
        theme.static_files.insert(rel, StaticFile::Disk(path));
    }
    diagnostics
}

/// Stage 2: the views of `site` in listing `order`; sets the templates'
/// site-wide values, then hands a writer of those views to `write`.
pub fn with_writer<R>(site: &Site, theme: &mut Theme, order: &Order, write: impl FnOnce(&Writer<'_>, &SiteView) -> R) -> R {
    let views = ViewBuilder::new(&site.config, &site.pages, &site.graph, &theme.ui, order)
        .with_files(&theme.static_files)
        .with_bibliography(&site.bibliography);
    let site_view = views.site_view();
    theme.templates.set_site(&site_view);
    let writer = Writer::new(&views, &theme.templates);
    write(&writer, &site_view)
}

/// Everything: pages, listings, print page, search index and static files.
pub fn build(options: &Options, sink: Sink<'_>) -> Result<Report, Diagnostics> {
    let Loaded { site, mut theme, mut warnings } = load(options)?;
    let order = Order::new(&site.config, &site.pages);
    let (failures, search) = with_writer(&site, &mut theme, &order, |writer, _| {
        let mut failures = writer.site_files(sink);
        failures.extend(writer.print(sink));
        let (indexed, page_failures) = index_rendering_pages(writer, None, sink);
        failures.extend(page_failures);
        if writer.views().config().portable {
            write_portable_index(writer, sink);
        }
        (failures, indexed)
    });
    warnings.extend(copy_static(&options.root, &site.config, &theme, sink));
    finish(&site, warnings, failures, search)
}

/// Everything but the search index: a faster build for previews.
pub fn build_without_search(options: &Options, sink: Sink<'_>) -> Result<Report, Diagnostics> {
    let Loaded { site, mut theme, mut warnings } = load(options)?;
    let order = Order::new(&site.config, &site.pages);
    let failures = with_writer(&site, &mut theme, &order, |writer, _| {
        let mut failures = write_pages(writer, sink);
        failures.extend(writer.site_files(sink));
        failures.extend(writer.print(sink));
        failures
    });
    warnings.extend(copy_static(&options.root, &site.config, &theme, sink));
    finish(&site, warnings, failures, Ok(None))
}

/// Every stage but the search index, keeping no file: `Ok` holds the warnings.
pub fn check(options: &Options) -> Result<Diagnostics, Diagnostics> {
    build_without_search(options, &files::discard).map(|report| report.warnings)
}

/// The print page and the search index, without writing the pages (`serve`
/// serves those from its [`Session`]); bundles whose pages did not change
/// come from `cache`.
pub fn index_and_print(options: &Options, cache: &BundleCache, sink: Sink<'_>) -> Result<Report, Diagnostics> {
    let Loaded { site, mut theme, warnings } = load(options)?;
    let order = Order::new(&site.config, &site.pages);
    let (failures, search) = with_writer(&site, &mut theme, &order, |writer, _| {
        let failures = writer.print(sink);
        (failures, index(writer, &|indices| documents(writer, indices), Some(cache), sink))
    });
    finish(&site, warnings, failures, search)
}

/// The search documents of the pages at `indices`, from their views, without writing the pages.
fn documents(writer: &Writer<'_>, indices: &[PageIdx]) -> Vec<search::SearchDoc> {
    use rayon::prelude::*;
    let views = writer.views();
    indices.par_iter().map(|&i| search::document::of_page(views, i, &views.page_view(i))).collect()
}

/// The search index of a portable build and the scripts that search it.
pub(crate) fn write_portable_index(writer: &Writer<'_>, sink: Sink<'_>) {
    use rayon::prelude::*;
    let views = writer.views();
    let all: Vec<PageIdx> = PageIdx::all(views.pages().len()).collect();
    let docs: Vec<String> =
        all.par_iter().map(|&i| search::portable::doc_json(&search::document::of_page(views, i, &views.page_view(i)))).collect();
    sink(OutputFile::text(search::portable::INDEX_FILE, search::portable::index_js(&docs)));
    for (path, bytes) in crate::render::embedded::files("portable") {
        sink(OutputFile { path, bytes: bytes.to_vec() });
    }
}

/// Stage `write`: every page.
pub fn write_pages(writer: &Writer<'_>, sink: Sink<'_>) -> Vec<TemplateFailure> {
    let all: Vec<PageIdx> = PageIdx::all(writer.views().pages().len()).collect();
    writer.pages(&all, sink, &|_, _| ()).1
}

/// Stage `index`, with the pages written as it goes: each bundle's pages are
/// rendered just before the bundle is indexed, so the search documents of
/// only the bundles in progress are held.
fn index_rendering_pages(
    writer: &Writer<'_>,
    cache: Option<&BundleCache>,
    sink: Sink<'_>,
) -> (Result<Option<IndexStats>, Box<Diagnostic>>, Vec<TemplateFailure>) {
    let failed = Mutex::new(Vec::new());
    let docs_of = |indices: &[PageIdx]| {
        let (docs, failures) = writer.pages(indices, sink, &|i, view| search::document::of_page(writer.views(), i, &view));
        failed.lock().unwrap_or_else(PoisonError::into_inner).extend(failures);
        docs
    };
    let indexed = index(writer, &docs_of, cache, sink);
    (indexed, failed.into_inner().unwrap_or_else(PoisonError::into_inner))
}

/// Stage `index`: the search bundles of every page, whose documents `docs_of` makes.
fn index(
    writer: &Writer<'_>,
    docs_of: &(dyn Fn(&[PageIdx]) -> Vec<search::SearchDoc> + Sync),
    cache: Option<&BundleCache>,
    sink: Sink<'_>,
) -> Result<Option<IndexStats>, Box<Diagnostic>> {
    let views = writer.views();
    let config = views.config();
    let count = views.pages().len();
    search::index_pages_into(count, &config.language, config.search.shard_pages, docs_of, cache, sink)
        .map(Some)
        .map_err(|e| Box::new(index_error(views.pages(), &e)))
}

/// A failed search index, placed at the page Pagefind failed on where it says which.
fn index_error(pages: &[Page], e: &search::IndexError) -> Diagnostic {
    let page = e.url.as_ref().and_then(|url| pages.iter().find(|p| &p.url == url));
    let location = page.map_or_else(|| Location::new(config::CONFIG_FILE, 1, 1), |p| Location::new(&p.path, 1, 1));
    Diagnostic::error(location, format!("the search index could not be built: {}", e.message))
        .with_help("build with --no-search to get the site without search meanwhile, and report the problem")
}

/// Stage `copy_static`: the theme's and the site's static files (the site
/// at `root`), and a `robots.txt` and a `.nojekyll` unless the site has its own.
pub fn copy_static(root: &Path, config: &Config, theme: &Theme, sink: Sink<'_>) -> Diagnostics {
    if !theme.static_files.contains_key(crate::render::plan::ROBOTS) {
        sink(OutputFile::text(crate::render::plan::ROBOTS, crate::render::plan::robots_txt(config)));
    }
    if !theme.static_files.contains_key(crate::render::plan::NOJEKYLL) {
        sink(OutputFile::text(crate::render::plan::NOJEKYLL, String::new()));
    }
    let mut diagnostics = Diagnostics::new();
    for (rel, file) in &theme.static_files {
        let path = match file {
            StaticFile::Builtin(bytes) => {
                sink(OutputFile { path: rel.clone(), bytes: bytes.to_vec() });
                continue;
            }
            StaticFile::Disk(path) => path,
        };
        match std::fs::read(path) {
            Ok(bytes) => sink(OutputFile { path: rel.clone(), bytes }),
            Err(e) => {
                let loc = Location::new(crate::tree::relative(root, path), 1, 1);
                diagnostics.push(Diagnostic::error(loc, format!("cannot read static file: {e}")).with_help("check the file's permissions"));
            }
        }
    }
    diagnostics
}

/// The end of a command: every problem of every stage at once, or the report.
fn finish(
    site: &Site,
    mut warnings: Diagnostics,
    failures: Vec<TemplateFailure>,
    search: Result<Option<IndexStats>, Box<Diagnostic>>,
) -> Result<Report, Diagnostics> {
    warnings.extend(TemplateFailure::report(failures));
    let search = search.unwrap_or_else(|d| {
        warnings.push(*d);
        None
    });
    if warnings.has_errors() {
        return Err(warnings);
    }
    Ok(Report { pages: site.pages.len(), warnings, search, reused: 0, page_cache: None })
}
