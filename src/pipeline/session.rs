//! Incremental rebuilds: after pages change, render only what shows them.
//!
//! A [`Session`] keeps what a full build worked out — configuration, theme,
//! pages and content graph — so that when an editor saves a page,
//! [`Session::update`] can read just that file, move its edges in the graph
//! and render again only the pages whose HTML can have changed:
//!
//! * the page itself;
//! * the pages it started or stopped referring to (their backlinks list it);
//! * when its title or fields changed (what other pages show of it: title,
//!   summary, tags, colour, chart): the pages that refer to it, its previous
//!   and next pages, and its kind's listings — and the same for pages whose
//!   summary shows its title; and pages that embed one of the pages that
//!   refer to it (`embed: true` shows the referring page's fields);
//! * pages whose previous or next page changed, when the listing order moved;
//! * hub pages whose related hubs changed;
//! * everything, when the site-wide template values (`site`: navigation,
//!   the hub map) changed.
//!
//! Anything else — a page added, removed or renamed, an id or kind changed,
//! many files at once — is answered with `Ok(None)`: build from scratch.
//! A failed update leaves the session as it was, so it always describes the
//! last good build.

use super::{Loaded, Options, Site, copy_static, finish, load, with_writer, write_pages};
use crate::config::{KindIdx, Role};
use crate::content::{self, Page, PageIdx, discover};
use crate::diagnostics::Diagnostics;
use crate::files::{self, OutputFile};
use crate::graph::{Graph, Via};
use crate::render::{Order, TemplateFailure, Theme, Writer};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// More changed files than this (or than a tenth of the pages) are built from scratch.
const MAX_EDITS: usize = 64;

/// The state of the last good build, kept between edits.
pub struct Session {
    options: Options,
    site: Site,
    theme: Theme,
    /// The pages of each kind in listing order.
    order: Order,
    /// The site-wide template values of the last render, as JSON.
    site_json: String,
}

/// The files one build or update (re)wrote.
#[derive(Debug)]
pub struct Rendered {
    /// Files rendered: for an update, only those that may have changed.
    pub files: Vec<OutputFile>,
    /// How many pages were rendered.
    pub pages: usize,
    /// Warnings.
    pub warnings: Diagnostics,
}

/// An edit read from disk: page `index` is now `page`.
struct Edit {
    index: PageIdx,
    page: Page,
}

impl Session {
    /// Builds the pages, listings, special pages and static files (not the
    /// print page or the search index) and keeps the state.
    pub fn start(options: &Options) -> Result<(Session, Rendered), Diagnostics> {
        let Loaded { site, mut theme, mut warnings } = load(options)?;
        let order = Order::new(&site.config, &site.pages);
        let (files, (site_json, failures, static_diagnostics)) = files::collect(|sink| {
            let (site_json, failures) = with_writer(&site, &mut theme, &order, |writer, site_view| {
                let mut failures = write_pages(writer, sink);
                failures.extend(writer.site_files(sink));
                (serde_json::to_string(site_view).unwrap_or_default(), failures)
            });
            (site_json, failures, copy_static(&options.root, &site.config, &theme, sink))
        });
        warnings.extend(static_diagnostics);
        let report = finish(&site, warnings, failures, Ok(None))?;
        let rendered = Rendered { files, pages: report.pages, warnings: report.warnings };
        Ok((Session { options: options.clone(), site, theme, order, site_json }, rendered))
    }

    /// The number of pages of the site.
    pub fn page_count(&self) -> usize {
        self.site.pages.len()
    }

    /// Takes in the content files at `paths` (relative to the site root).
    ///
    /// `Ok(None)` means the change is not a plain edit of existing pages and
    /// the site must be built from scratch; `Err` leaves the session as it was.
    pub fn update(&mut self, paths: &[PathBuf]) -> Result<Option<Rendered>, Diagnostics> {
        if paths.len() > MAX_EDITS.min(self.site.pages.len() / 10).max(1) {
            return Ok(None);
        }
        let Some(edits) = self.read(paths)? else { return Ok(None) };
        let before = Before { neighbours: self.order.neighbour_pairs(), related: self.site.graph.related.clone() };
        let mut undo = Vec::with_capacity(edits.len());
        let mut affected = Affected::default();
        for edit in edits {
            let old = self.apply(edit.index, edit.page, &mut affected);
            undo.push((edit.index, old));
        }
        let diagnostics = self.relink(&undo, &affected);
        if diagnostics.has_errors() {
            self.revert(undo);
            return Err(diagnostics);
        }
        let Site { config, pages, graph, .. } = &mut self.site;
        graph.relate(pages, config);
        match self.render(&before, affected, diagnostics) {
            Ok(rendered) => Ok(Some(rendered)),
            Err(diagnostics) => {
                self.revert(undo);
                Err(diagnostics)
            }
        }
    }

    /// Edges again, now that every edited page is in (one may link to a
    /// heading another gained in the same batch), and the links of the
    /// pages that point at what changed.
    fn relink(&mut self, undo: &[(PageIdx, Page)], affected: &Affected) -> Diagnostics {
        let Site { config, pages, graph, bibliography } = &mut self.site;
        let mut diagnostics = Diagnostics::new();
        for &(i, _) in undo {
            diagnostics.extend(graph.replace_page(i, pages, config).1);
            diagnostics.extend(crate::cite::check_page(i, pages, graph, bibliography));
        }
        for &p in &affected.recheck {
            diagnostics.extend(graph.recheck(p, pages, config));
        }
        let edited: Vec<PageIdx> = undo.iter().map(|(i, _)| *i).collect();
        let root = &self.options.root;
        diagnostics.extend(crate::render::plan::check_references(root, config, pages, &graph.scans, &self.theme, &edited));
        diagnostics
    }

    /// Reads and validates the changed files; `Ok(None)` when one of them is
    /// not an existing page with the same id, kind and URL.
    fn read(&self, paths: &[PathBuf]) -> Result<Option<Vec<Edit>>, Diagnostics> {
        let mut edits = Vec::with_capacity(paths.len());
        let mut diagnostics = Diagnostics::new();
        for path in paths {
            let Some(edit) = self.read_one(path, &mut diagnostics) else { return Ok(None) };
            edits.extend(edit);
        }
        if diagnostics.has_errors() { Err(diagnostics) } else { Ok(Some(edits)) }
    }

    /// `None`: not a plain edit. `Some(None)`: the file has errors (in `diagnostics`).
    fn read_one(&self, path: &Path, diagnostics: &mut Diagnostics) -> Option<Option<Edit>> {
        let rel = crate::tree::relative(Path::new(""), path);
        let &index = self.site.graph.by_path.get(&rel)?;
        let file = discover::source_file(&self.options.root, &rel, &self.site.config).filter(|f| f.abs_path.is_file())?;
        let (page, diags) = content::load_one(&file, &self.site.config);
        diagnostics.extend(diags);
        let Some(page) = page else { return Some(None) };
        let old = &self.site.pages[index];
        if page.id != old.id || page.kind != old.kind || page.url != old.url {
            return None;
        }
        Some(Some(Edit { index, page }))
    }

    /// Puts `page` in place of page `i`, noting what it affects; returns the old page.
    fn apply(&mut self, i: PageIdx, page: Page, affected: &mut Affected) -> Page {
        let Site { config, pages, graph, .. } = &mut self.site;
        let old = std::mem::replace(&mut pages[i], page);
        let (replaced, _) = graph.replace_page(i, pages, config);
        let new = &pages[i];
        affected.pages.insert(i);
        // Pages it started or stopped referring to list it among their backlinks, or no longer.
        let moved = replaced.outgoing.symmetric_difference(&graph.outgoing[i]);
        affected.pages.extend(moved.map(|e| e.page));
        let shown_changed = old.title != new.title || old.fields != new.fields;
        if shown_changed || replaced.headings_changed {
            // Links to its anchors and embeds of its chart may have broken.
            affected.recheck.extend(graph.incoming[i].iter().map(|e| e.page));
        }
        if shown_changed {
            affected.shown.insert(i);
            affected.resort.insert(new.kind);
        }
        if old.title != new.title {
            // Summaries show the titles of the pages they link to.
            let shows_title = |p: PageIdx| self.summary_links_to(p, i);
            affected.shown.extend(self.site.graph.incoming[i].iter().map(|e| e.page).filter(|&p| shows_title(p)));
        }
        old
    }

    fn summary_links_to(&self, p: PageIdx, target: PageIdx) -> bool {
        let Site { config, pages, graph, .. } = &self.site;
        let Some(summary) = pages[p].value(&config.kinds[pages[p].kind], Role::Summary) else { return false };
        let mut found = false;
        summary.for_each_text(&mut |text| {
            let scan = crate::markdown::scan(&text.source, config.markdown.allow_raw_html);
            found |= scan.links.iter().any(|l| graph.target(&pages[p], &l.target) == Some(target));
        });
        found
    }

    /// Undoes [`Session::apply`]s, last first: the old pages were a good state.
    fn revert(&mut self, undo: Vec<(PageIdx, Page)>) {
        let Site { config, pages, graph, .. } = &mut self.site;
        for (i, page) in undo.into_iter().rev() {
            pages[i] = page;
            graph.replace_page(i, pages, config);
        }
        graph.relate(pages, config);
        self.order = Order::new(config, pages);
    }

    /// Renders the affected pages, or everything when the site-wide values changed.
    fn render(&mut self, before: &Before, mut affected: Affected, mut diagnostics: Diagnostics) -> Result<Rendered, Diagnostics> {
        for &k in &affected.resort {
            self.order.resort(k, &self.site.config, &self.site.pages);
        }
        let last_json = &self.site_json;
        let (files, (site_json, pages, failures)) = files::collect(|sink| {
            with_writer(&self.site, &mut self.theme, &self.order, |writer, site_view| {
                let site_json = serde_json::to_string(site_view).unwrap_or_default();
                if &site_json != last_json {
                    let mut failures = write_pages(writer, sink);
                    failures.extend(writer.site_files(sink));
                    return (site_json, writer.views().pages().len(), failures);
                }
                let (pages, failures) = render_affected(writer, before, &mut affected, sink);
                (site_json, pages, failures)
            })
        });
        diagnostics.extend(TemplateFailure::report(failures));
        if diagnostics.has_errors() {
            return Err(diagnostics);
        }
        self.site_json = site_json;
        Ok(Rendered { files, pages, warnings: diagnostics })
    }
}

/// Renders the pages an edit affects and the listings of their kinds; returns how many pages.
fn render_affected(writer: &Writer<'_>, before: &Before, affected: &mut Affected, sink: files::Sink<'_>) -> (usize, Vec<TemplateFailure>) {
    let views = writer.views();
    let embedding: Vec<bool> = views.config().kinds.iter().map(crate::config::Kind::embeds).collect();
    affected.widen(before, &views.order().neighbour_pairs(), views.graph(), views.pages());
    affected.widen_embeds(views.graph(), views.pages(), &embedding);
    let indices: Vec<PageIdx> = affected.pages.iter().copied().collect();
    let (_, mut failures) = writer.pages(&indices, sink, &|_, _| ());
    failures.extend(writer.listings(&|k| affected.listed.contains(&k), sink));
    // One page, which shows the titles of the pages about works: cheaper to render than to work out.
    failures.extend(writer.bibliography(sink));
    (indices.len(), failures)
}

/// What the site looked like before an update, for comparison.
struct Before {
    neighbours: Vec<(Option<PageIdx>, Option<PageIdx>)>,
    related: Vec<Vec<crate::graph::Relation>>,
}

/// Pages to render again.
#[derive(Default)]
struct Affected {
    /// Pages whose HTML may have changed.
    pages: BTreeSet<PageIdx>,
    /// Pages whose look elsewhere (title, summary, tags, colour, chart) changed.
    shown: BTreeSet<PageIdx>,
    /// Kinds whose listings must be rendered again.
    listed: BTreeSet<KindIdx>,
    /// Pages whose links must be checked again.
    recheck: BTreeSet<PageIdx>,
    /// Kinds whose listing order may have changed.
    resort: BTreeSet<KindIdx>,
}

impl Affected {
    /// Adds the pages that embed a page showing a `shown` page: an embedded
    /// page's fields show the titles of the pages they refer to.
    fn widen_embeds(&mut self, graph: &Graph, pages: &[Page], embedding: &[bool]) {
        let showing = self.shown.iter().flat_map(|&p| graph.incoming[p].iter().map(|e| e.page));
        let embedders = showing.flat_map(|q| graph.incoming[q].iter().map(|e| e.page)).filter(|&r| embedding[pages[r].kind.0]);
        let found: Vec<PageIdx> = embedders.collect();
        self.pages.extend(found);
    }

    /// Adds the pages that show the `shown` pages, those whose previous or
    /// next page changed, and hubs whose related hubs changed.
    fn widen(&mut self, before: &Before, neighbours: &[(Option<PageIdx>, Option<PageIdx>)], graph: &Graph, pages: &[Page]) {
        for &p in &self.shown {
            self.pages.insert(p);
            self.pages.extend(graph.incoming[p].iter().chain(&graph.outgoing[p]).map(|e| e.page));
            let (prev, next) = neighbours[p.0];
            self.pages.extend(prev.into_iter().chain(next));
            self.listed.insert(pages[p].kind);
        }
        for (i, (old, new)) in PageIdx::all(pages.len()).zip(before.neighbours.iter().zip(neighbours)) {
            if old != new {
                self.pages.insert(i);
                self.listed.insert(pages[i].kind);
            }
        }
        for (i, (old, new)) in PageIdx::all(pages.len()).zip(before.related.iter().zip(&graph.related)) {
            if old != new {
                self.pages.insert(i);
            }
        }
        // Hubs list the pages they share with other hubs through fields.
        let field_hub_changes = self.shown.iter().flat_map(|&p| graph.outgoing[p].iter().filter(|e| matches!(e.via, Via::Field(_))));
        let hubs: Vec<PageIdx> = field_hub_changes.map(|e| e.page).collect();
        self.pages.extend(hubs);
    }
}
