//! Criterion benchmarks of the build pipeline's hot stages on a synthetic site.
//!
//! ```text
//! cargo bench --bench pipeline                                  # 1,000 pages
//! LEDESTJERNE_BENCH_PAGES=10000 cargo bench --bench pipeline     # any size
//! cargo bench --bench pipeline -- search                         # only the search benches
//! ```
//!
//! At start a site is generated into a temporary folder with the same code as
//! `cargo run --example synth` (seed 1), loaded once, and each stage is timed
//! on it: reading and validating front matter, scanning and rendering
//! Markdown, building the graph, rendering templates, the whole build without
//! search (with and without the print page), and the Pagefind index. Stages that the build runs in parallel with
//! rayon are timed the same way here; `markdown_*` runs on one thread so its
//! per-page cost can be read off directly.
//!
//! `search_index` builds one bundle of all pages; `search_sharded_K` builds K
//! bundles side by side, as `search::index` does for sites larger than
//! `search.shard_pages` (the browser merges them with Pagefind's
//! `mergeIndex`). `search_add_directory` is an experiment that was not
//! taken: the search documents written to disk for Pagefind to parse in
//! parallel.

#[path = "../examples/synth/sitegen.rs"]
mod sitegen;

use criterion::Criterion;
use ledestjerne::config;
use ledestjerne::content::{self, Page, PageIdx, discover};
use ledestjerne::diagnostics::Diagnostics;
use ledestjerne::files;
use ledestjerne::graph::Graph;
use ledestjerne::markdown::{self, LinkTarget, Resolved};
use ledestjerne::pipeline::{self, Options, Session, Site};
use ledestjerne::render::{Order, Theme, theme};
use ledestjerne::search::{self, SearchDoc};
use rayon::prelude::*;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

/// Pages of the synthetic site unless `LEDESTJERNE_BENCH_PAGES` says otherwise.
const DEFAULT_PAGES: usize = 1000;

/// The synthetic site, loaded once.
struct Fixture {
    /// Keeps the temporary folder alive while the benches run.
    _dir: tempfile::TempDir,
    root: PathBuf,
    site: Site,
    files: Vec<(discover::SourceFile, String)>,
    docs: Vec<SearchDoc>,
}

fn pages_wanted() -> usize {
    std::env::var("LEDESTJERNE_BENCH_PAGES").ok().and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_PAGES)
}

fn fixture(pages: usize) -> Fixture {
    let dir = tempfile::tempdir().expect("temporary folder");
    let root = dir.path().join("site");
    let options = sitegen::Options { pages, seed: 1, out: root.clone(), hugo: None, repo_root: PathBuf::from(env!("CARGO_MANIFEST_DIR")) };
    let written = sitegen::generate(&options).expect("synthetic site");
    let config = config::load(&root).unwrap_or_else(|d| fail("config", &d));
    let (sources, d) = discover::discover(&root, &config);
    ok_or_fail("discover", &d);
    let files = sources
        .into_iter()
        .map(|f| {
            let text = discover::read_text(&f).unwrap_or_else(|_| panic!("cannot read {}", f.rel_path));
            (f, text)
        })
        .collect();
    let (pages, d) = content::load(&root, &config);
    ok_or_fail("content", &d);
    let (graph, d) = Graph::build(&pages, &config);
    ok_or_fail("graph", &d);
    let (mut theme, _) = theme::load(&root, &config).unwrap_or_else(|d| fail("theme", &d));
    let site = Site { config, pages, graph, bibliography: Default::default() };
    let docs = search_docs(&site, &mut theme);
    eprintln!("synthetic site: {written} pages in {}", root.display());
    Fixture { _dir: dir, root, site, files, docs }
}

/// Every page's search document, the way the build makes them.
fn search_docs(site: &Site, theme: &mut Theme) -> Vec<SearchDoc> {
    let order = Order::new(&site.config, &site.pages);
    let all: Vec<PageIdx> = PageIdx::all(site.pages.len()).collect();
    let (docs, failures) = pipeline::with_writer(site, theme, &order, |writer, _| {
        writer.pages(&all, &files::discard, &|i, view| search::document::of_page(writer.views(), i, &view))
    });
    assert!(failures.is_empty(), "the synthetic site failed to render: {failures:?}");
    docs
}

fn fail<T>(stage: &str, diagnostics: &Diagnostics) -> T {
    panic!("the synthetic site failed at {stage}:\n{diagnostics}")
}

fn ok_or_fail(stage: &str, diagnostics: &Diagnostics) {
    if diagnostics.has_errors() {
        fail::<()>(stage, diagnostics);
    }
}

/// Resolves links the way the renderer does, without its template context.
fn resolver<'a>(f: &'a Fixture, from: &'a Page) -> impl Fn(&LinkTarget) -> Option<Resolved> + 'a {
    move |target| {
        let idx = f.site.graph.target(from, target)?;
        Some(Resolved { url: format!("/{}", f.site.pages[idx].url), title: f.site.pages[idx].title.clone(), embed: None, size: None })
    }
}

fn stages(c: &mut Criterion) {
    let n = pages_wanted();
    let f = fixture(n);
    let allow_html = f.site.config.markdown.allow_raw_html;
    let mut group = c.benchmark_group(format!("pipeline_{n}"));
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(4));

    group.bench_function("content_load", |b| b.iter(|| content::load(&f.root, &f.site.config)));
    group.bench_function("frontmatter_split_validate", |b| {
        b.iter(|| {
            f.files.par_iter().filter_map(|(file, text)| content::parse_page(file, text, &f.site.config, &mut Diagnostics::new())).count()
        })
    });
    group.bench_function("markdown_scan_1thread", |b| {
        b.iter(|| f.site.pages.iter().map(|p| markdown::scan(&p.body, allow_html).links.len()).sum::<usize>())
    });
    group.bench_function("markdown_render_1thread", |b| {
        b.iter(|| f.site.pages.iter().map(|p| markdown::render(&p.body, allow_html, &resolver(&f, p)).0.len()).sum::<usize>())
    });
    group.bench_function("graph_build", |b| b.iter(|| Graph::build(&f.site.pages, &f.site.config)));
    let (mut theme, _) = theme::load(&f.root, &f.site.config).unwrap_or_else(|d| fail("theme", &d));
    let order = Order::new(&f.site.config, &f.site.pages);
    group.bench_function("render_all", |b| {
        b.iter(|| {
            pipeline::with_writer(&f.site, &mut theme, &order, |writer, _| {
                let (files, failures) = files::collect(|sink| {
                    let mut failures = pipeline::write_pages(writer, sink);
                    failures.extend(writer.site_files(sink));
                    failures.extend(writer.print(sink));
                    failures
                });
                files.len() + failures.len()
            })
        })
    });
    // The pages alone, in parallel as in `render_all`; the difference to it is the
    // listings, the sitemap and the special pages (404, search, print).
    group.bench_function("render_pages", |b| {
        b.iter(|| pipeline::with_writer(&f.site, &mut theme, &order, |writer, _| pipeline::write_pages(writer, &files::discard).len()))
    });
    let options = Options { root: f.root.clone(), base_url: None, drafts: false, ..Options::default() };
    group.bench_function("build_without_search", |b| {
        b.iter(|| pipeline::build_without_search(&options, &files::discard).map(|r| r.pages).unwrap_or_else(|d| fail("build", &d)))
    });
    // What `serve` builds before its first page: no print page, no search index.
    group.bench_function("session_start", |b| {
        b.iter(|| Session::start(&options).map(|(_, r)| r.files.len()).unwrap_or_else(|d| fail("build", &d)))
    });

    group.bench_function("search_to_html", |b| b.iter(|| f.docs.iter().map(|d| d.to_html("da").len()).sum::<usize>()));
    group.bench_function("search_add_only", |b| b.iter(|| pagefind_add_only(&f.docs)));
    group.bench_function("search_index", |b| b.iter(|| search::index(black_box(&f.docs), "da", usize::MAX).expect("index")));
    for shards in [2, 4] {
        group.bench_function(format!("search_sharded_{shards}"), |b| b.iter(|| sharded_index(&f.docs, shards)));
    }
    group.bench_function("search_add_directory", |b| b.iter(|| directory_index(&f.docs)));
    group.finish();
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime")
}

fn pagefind_options() -> pagefind::options::PagefindServiceConfig {
    pagefind::options::PagefindServiceConfig::builder().force_language("da".to_string()).build()
}

/// What `search::index` does before `get_files`: one `add_html_file` per page, in turn.
fn pagefind_add_only(docs: &[SearchDoc]) -> usize {
    runtime().block_on(async {
        let mut index = pagefind::api::PagefindIndex::new(Some(pagefind_options())).expect("index");
        for doc in docs {
            index.add_html_file(None, Some(doc.url.clone()), doc.to_html("da")).await.expect("add");
        }
        docs.len()
    })
}

/// K bundles over K slices of the pages, built side by side.
fn sharded_index(docs: &[SearchDoc], shards: usize) -> usize {
    search::index(docs, "da", docs.len().div_ceil(shards)).expect("index").len()
}

/// The documents written as HTML files and indexed with `add_directory`, which parses in parallel.
fn directory_index(docs: &[SearchDoc]) -> usize {
    let dir = tempfile::tempdir().expect("temporary folder");
    docs.par_iter().for_each(|doc| {
        let folder = dir.path().join(&doc.url);
        std::fs::create_dir_all(&folder).expect("folder");
        std::fs::write(folder.join("index.html"), doc.to_html("da")).expect("write");
    });
    runtime().block_on(async {
        let mut index = pagefind::api::PagefindIndex::new(Some(pagefind_options())).expect("index");
        index.add_directory(dir.path().to_string_lossy().into_owned(), None).await.expect("add_directory");
        index.get_files().await.expect("files").len()
    })
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    stages(&mut criterion);
    criterion.final_summary();
}
