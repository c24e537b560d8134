//! Builds that reuse the previous output: the last build is a cache.
//!
//! The output is cut into parts: each page, each kind's listings, each part
//! of the print page and each hub's print page, each search bundle. A build
//! fingerprints every part's inputs ([`fingerprint`]) and writes a record
//! ([`RECORD`]) of each part's fingerprint and files into the output. The
//! next build reads it: a part whose fingerprint is unchanged and whose
//! files are still there is not rendered or indexed again, its files are
//! taken from the old output (hard links, see [`crate::output::reuse`]); the
//! rest is rendered as usual. Everything else — the special pages, sitemap,
//! feeds, redirects and static files — is made on every build. A search
//! bundle that must be indexed again gets the documents of all its pages;
//! pages whose own files are kept have theirs made from their views.
//!
//! The result is the same, file for file, as a build from scratch
//! (`tests/testsuite/reuse.rs` edits a site at random and compares).

use super::fingerprint::{self, Fingerprint, Pages};
use super::{Loaded, Options, Report, Site, copy_static, documents, finish, index_error, load_with, with_writer};
use crate::content::PageIdx;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::files::{OutputFile, Sink};
use crate::render::write::PRINT_PART_PAGES;
use crate::render::{Order, TemplateFailure, Writer};
use crate::search::{self, IndexStats, SearchDoc};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

pub use crate::output::reuse::RECORD;

/// The first line of a record; a record of another format is not read.
const HEADER: &str = "ledestjerne reuse 1";

/// Takes files (path, size) of the previous output into the new one
/// unchanged; `false`, taking none, when it cannot.
pub type Keep<'a> = dyn Fn(&[(String, u64)]) -> bool + Sync + 'a;

/// The previous build, as a new one may reuse it.
pub struct Previous<'a> {
    /// The record it left in the output folder ([`RECORD`]), if any.
    pub record: Option<String>,
    /// The page cache it left ([`crate::content::cache`]), if any; with
    /// `Some`, this build makes one too.
    pub pages: Option<Vec<u8>>,
    /// Takes the files of a part from the previous output.
    pub keep: &'a Keep<'a>,
}

/// What one part of the output was made from, and its files with their sizes.
#[derive(Debug, Clone, Default)]
struct Unit {
    fingerprint: Fingerprint,
    files: Vec<(String, u64)>,
}

/// The parts of an output by key: `page:<url>`, `list:<kind>`, `print:<n>`,
/// `print-hub:<url>`, `search:<folder>`.
#[derive(Debug, Default)]
struct Record(BTreeMap<String, Unit>);

impl Record {
    /// One line per part: key, fingerprint, then each file's path and size, split by tabs.
    fn parse(text: &str) -> Record {
        let mut lines = text.lines();
        if lines.next() != Some(HEADER) {
            return Record::default();
        }
        Record(lines.filter_map(parse_unit).collect())
    }

    fn to_text(&self) -> String {
        let mut text = format!("{HEADER}\n");
        for (key, unit) in &self.0 {
            text.push_str(&format!("{key}\t{:032x}", unit.fingerprint));
            let mut files = unit.files.clone();
            files.sort();
            for (path, size) in files {
                text.push_str(&format!("\t{path}\t{size}"));
            }
            text.push('\n');
        }
        text
    }
}

fn parse_unit(line: &str) -> Option<(String, Unit)> {
    let mut cells = line.split('\t');
    let key = cells.next()?.to_string();
    let fingerprint = Fingerprint::from_str_radix(cells.next()?, 16).ok()?;
    let rest: Vec<&str> = cells.collect();
    let files = rest.chunks(2).map(|pair| Some((pair.first()?.to_string(), pair.get(1)?.parse().ok()?))).collect::<Option<_>>()?;
    Some((key, Unit { fingerprint, files }))
}

/// The state of one build that reuses a previous one.
struct Reuse<'a> {
    previous: Record,
    keep: &'a Keep<'a>,
    current: Mutex<Record>,
    /// The part each rendered page or print page belongs to, by file path.
    owners: HashMap<String, String>,
    site_wide: Fingerprint,
}

impl Reuse<'_> {
    /// Whether part `key` made from `fingerprint` was taken from the
    /// previous output; noted in this build's record either way.
    fn kept(&self, key: &str, fingerprint: Fingerprint) -> bool {
        let old = self.previous.0.get(key).filter(|u| u.fingerprint == fingerprint);
        let taken = old.is_some_and(|u| (self.keep)(&u.files));
        let files = if taken { old.map(|u| u.files.clone()).unwrap_or_default() } else { Vec::new() };
        self.current.lock().unwrap_or_else(PoisonError::into_inner).0.insert(key.to_string(), Unit { fingerprint, files });
        taken
    }

    /// Notes `file` as one of part `key`'s.
    fn note(&self, key: &str, file: &OutputFile) {
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        current.0.entry(key.to_string()).or_default().files.push((file.path.clone(), file.bytes.len() as u64));
    }

    /// The part a rendered file belongs to: a page, a print page or a search bundle.
    fn owner(&self, path: &str) -> Option<String> {
        if search::is_index_file(path) && path != format!("{}/{}", search::BUNDLE_DIR, search::SHARDS_FILE) {
            return path.split('/').next().map(|dir| format!("search:{dir}"));
        }
        self.owners.get(path).cloned()
    }
}

/// Everything, as [`super::build`] (or [`super::build_without_search`]
/// without `search`), taking the parts whose inputs did not change from
/// `previous`, and handing the record of this build to `sink` too.
pub fn build_reusing(options: &Options, previous: &Previous<'_>, search: bool, sink: Sink<'_>) -> Result<Report, Diagnostics> {
    let (Loaded { site, mut theme, mut warnings }, page_cache) = load_with(options, previous.pages.as_deref())?;
    let order = Order::new(&site.config, &site.pages);
    let files = theme.static_files.clone();
    let (failures, indexed, reused) = with_writer(&site, &mut theme, &order, |writer, site_view| {
        crate::timing::phase("make the views");
        let site_wide = fingerprint::site_wide(options, &serde_json::to_string(site_view).unwrap_or_default(), &files);
        let reuse = Reuse {
            previous: previous.record.as_deref().map(Record::parse).unwrap_or_default(),
            keep: previous.keep,
            current: Mutex::default(),
            owners: owners(writer),
            site_wide,
        };
        let fps = Pages::new(&site, &order, site_wide);
        crate::timing::phase("fingerprint the parts");
        let noting = |file: OutputFile| {
            if let Some(key) = reuse.owner(&file.path) {
                reuse.note(&key, &file);
            }
            sink(file);
        };
        let render = pages_to_render(&reuse, &site, &fps);
        let reused = render.iter().filter(|r| !r.load(Ordering::Relaxed)).count();
        // Pagefind indexes a bundle on one thread: the listings and print
        // pages are rendered beside it.
        let ((mut failures, indexed), others) = rayon::join(
            || {
                let mut failures = Vec::new();
                let indexed = if search { index(&reuse, writer, &fps, &render, &noting, &mut failures) } else { Ok(None) };
                (failures, indexed)
            },
            || {
                let mut failures = listings(&reuse, writer, &fps, sink);
                failures.extend(writer.extras(sink));
                failures.extend(print(&reuse, writer, &fps, &noting));
                failures
            },
        );
        failures.extend(others);
        crate::timing::phase("search index, listings, special pages and print pages");
        let rest: Vec<PageIdx> = PageIdx::all(render.len()).filter(|i| render[i.0].load(Ordering::Relaxed)).collect();
        failures.extend(writer.pages(&rest, &noting, &|_, _| ()).1);
        crate::timing::phase("pages");
        if search && writer.views().config().portable {
            super::write_portable_index(writer, sink);
        }
        sink(OutputFile::text(RECORD, reuse.current.into_inner().unwrap_or_else(PoisonError::into_inner).to_text()));
        (failures, indexed, reused)
    });
    warnings.extend(copy_static(&options.root, &site.config, &theme, sink));
    crate::timing::phase("static files");
    finish(&site, warnings, failures, indexed).map(|report| Report { reused, page_cache, ..report })
}

/// The part of each page's file and each print page, by path.
fn owners(writer: &Writer<'_>) -> HashMap<String, String> {
    let views = writer.views();
    let mut owners: HashMap<String, String> =
        views.pages().iter().map(|p| (format!("{}index.html", p.url), format!("page:{}", p.url))).collect();
    owners.extend(writer.print_paths().into_iter().enumerate().map(|(k, path)| (path, format!("print:{k}"))));
    if let Some(hub) = views.config().hub {
        for &h in views.order().of_kind(hub) {
            owners.insert(writer.hub_print(h).0, format!("print-hub:{}", views.pages()[h].url));
        }
    }
    owners
}

/// Takes the pages whose inputs did not change; returns which must be rendered.
fn pages_to_render(reuse: &Reuse<'_>, site: &Site, fps: &Pages) -> Vec<AtomicBool> {
    let pages = &site.pages;
    (0..pages.len()).into_par_iter().map(|i| AtomicBool::new(!reuse.kept(&format!("page:{}", pages[i].url), fps.pages[i]))).collect()
}

/// The listings of each kind whose pages did not change are taken; the rest rendered.
fn listings(reuse: &Reuse<'_>, writer: &Writer<'_>, fps: &Pages, sink: Sink<'_>) -> Vec<TemplateFailure> {
    let views = writer.views();
    let mut failures = Vec::new();
    for (k, kind) in views.config().kinds().filter(|(_, kind)| !kind.folder.is_empty()) {
        let key = format!("list:{}", kind.name);
        let cards = views.order().of_kind(k).iter().map(|p| fps.cards[p.0]);
        if reuse.kept(&key, Pages::combine(&key, reuse.site_wide, cards)) {
            continue;
        }
        let noting = |file: OutputFile| {
            reuse.note(&key, &file);
            sink(file);
        };
        failures.extend(writer.listings(&|kk| kk == k, &noting));
    }
    failures
}

/// The parts of the print page and the hubs' print pages whose pages did not change are taken; the rest rendered.
fn print(reuse: &Reuse<'_>, writer: &Writer<'_>, fps: &Pages, sink: Sink<'_>) -> Vec<TemplateFailure> {
    let views = writer.views();
    let all: Vec<PageIdx> = views.order().all().collect();
    let parts: Vec<bool> = (0..writer.print_paths().len())
        .map(|k| {
            let chunk = all.iter().skip(k * PRINT_PART_PAGES).take(PRINT_PART_PAGES);
            let key = format!("print:{k}");
            !reuse.kept(&key, Pages::combine(&key, reuse.site_wide, chunk.map(|p| fps.pages[p.0])))
        })
        .collect();
    let hubs: HashSet<PageIdx> = views
        .config()
        .hub
        .map(|hub| views.order().of_kind(hub).to_vec())
        .unwrap_or_default()
        .into_iter()
        .filter(|&h| {
            let key = format!("print-hub:{}", views.pages()[h].url);
            !reuse.kept(&key, Pages::combine(&key, reuse.site_wide, writer.hub_print(h).1.iter().map(|p| fps.pages[p.0])))
        })
        .collect();
    writer.print_some(&|k| parts[k], &|h| hubs.contains(&h), sink)
}

/// The search bundles: those whose pages did not change are taken; the
/// others indexed from their pages' documents, rendering the pages that must
/// be rendered on the way (and marking them done in `render`).
fn index(
    reuse: &Reuse<'_>,
    writer: &Writer<'_>,
    fps: &Pages,
    render: &[AtomicBool],
    sink: Sink<'_>,
    failures: &mut Vec<TemplateFailure>,
) -> Result<Option<IndexStats>, Box<Diagnostic>> {
    let views = writer.views();
    let failed = Mutex::new(Vec::new());
    let docs_of = |indices: &[PageIdx]| {
        let (rendered, kept): (Vec<PageIdx>, Vec<PageIdx>) = indices.iter().partition(|i| render[i.0].swap(false, Ordering::Relaxed));
        let (docs, page_failures) = writer.pages(&rendered, sink, &|i, view| (i, search::document::of_page(views, i, &view)));
        failed.lock().unwrap_or_else(PoisonError::into_inner).extend(page_failures);
        let mut by_page: HashMap<PageIdx, SearchDoc> = docs.into_iter().collect();
        by_page.extend(kept.iter().copied().zip(documents(writer, &kept)));
        indices.iter().filter_map(|i| by_page.remove(i)).collect()
    };
    let kept = |k: usize, pages: &[PageIdx]| {
        let key = format!("search:{}", search::bundle_dir(k));
        reuse.kept(&key, Pages::combine(&key, reuse.site_wide, pages.iter().map(|p| fps.pages[p.0])))
    };
    let config = views.config();
    let count = views.pages().len();
    let indexed = search::index_keeping(count, &config.language, config.search.shard_pages, &docs_of, &kept, None, sink);
    failures.extend(failed.into_inner().unwrap_or_else(PoisonError::into_inner));
    indexed.map(Some).map_err(|e| Box::new(index_error(views.pages(), &e)))
}
