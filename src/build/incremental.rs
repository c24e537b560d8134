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
//!   summary shows its title;
//! * pages whose previous or next page changed, when the listing order moved;
//! * hub pages whose related hubs changed;
//! * everything, when the site-wide template values (`site`: navigation,
//!   the hub map) changed.
//!
//! Anything else — a page added, removed or renamed, an id or kind changed,
//! many files at once — is answered with `Ok(None)`: build from scratch.
//! A failed update leaves the session as it was, so it always describes the
//! last good build.

use super::{BuildOptions, Prepared, prepare, static_files};
use crate::config::Config;
use crate::content::{self, Page, discover};
use crate::diagnostics::Diagnostics;
use crate::graph::{Graph, PageIdx, Via};
use crate::render::theme::Theme;
use crate::render::{self, OutputFile, Renderer};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// More changed files than this (or than a tenth of the pages) are built from scratch.
const MAX_EDITS: usize = 64;

/// The state of the last good build, kept between edits.
pub struct Session {
    options: BuildOptions,
    config: Config,
    theme: Theme,
    pages: Vec<Page>,
    graph: Graph,
    /// The pages of each kind in listing order.
    orders: Vec<Vec<PageIdx>>,
    /// The site-wide template values of the last render, as JSON.
    site: String,
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
    /// Builds the whole site (without the search index) and keeps its state.
    pub fn start(options: &BuildOptions) -> Result<(Session, Rendered), Diagnostics> {
        let Prepared { config, pages, graph, mut theme, mut diagnostics } = prepare(options)?;
        let orders = render::listing_orders(&config, &pages);
        let renderer = Renderer::with_orders(&config, &pages, &graph, &mut theme, orders.clone());
        let site = renderer.site_json();
        let (mut files, (_, render_diagnostics)) = render::collect_files(|sink| renderer.render_into(options.skip_print, false, sink));
        diagnostics.extend(render_diagnostics);
        files.extend(static_files(&theme, &mut diagnostics));
        if diagnostics.has_errors() {
            return Err(diagnostics);
        }
        let rendered = Rendered { files, pages: pages.len(), warnings: diagnostics };
        Ok((Session { options: options.clone(), config, theme, pages, graph, orders, site }, rendered))
    }

    /// The number of pages of the site.
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// Takes in the content files at `paths` (relative to the site root).
    ///
    /// `Ok(None)` means the change is not a plain edit of existing pages and
    /// the site must be built from scratch; `Err` leaves the session as it was.
    pub fn update(&mut self, paths: &[PathBuf]) -> Result<Option<Rendered>, Diagnostics> {
        if paths.len() > MAX_EDITS.min(self.pages.len() / 10).max(1) {
            return Ok(None);
        }
        let Some(edits) = self.read(paths)? else { return Ok(None) };
        let before = Before { neighbours: render::neighbour_pairs(&self.orders, self.pages.len()), related: self.graph.related.clone() };
        let mut undo = Vec::with_capacity(edits.len());
        let mut affected = Affected::default();
        let mut diagnostics = Diagnostics::new();
        for edit in edits {
            let old = self.apply(edit.index, edit.page, &mut affected);
            undo.push((edit.index, old));
        }
        // Edges again, now that every edited page is in: one may link to a
        // heading another gained in the same batch.
        for &(i, _) in &undo {
            diagnostics.extend(self.graph.replace_page(i, &self.pages, &self.config).1);
        }
        for &p in &affected.recheck {
            diagnostics.extend(self.graph.recheck(p, &self.pages, &self.config));
        }
        if diagnostics.has_errors() {
            self.revert(undo);
            return Err(diagnostics);
        }
        self.graph.relate(&self.pages, &self.config);
        match self.render(&before, affected, diagnostics) {
            Ok(rendered) => Ok(Some(rendered)),
            Err(diagnostics) => {
                self.revert(undo);
                Err(diagnostics)
            }
        }
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
        let rel = discover::relative(Path::new(""), path);
        let &index = self.graph.by_path.get(&rel)?;
        let file = discover::source_file(&self.options.root, &rel, &self.config).filter(|f| f.abs_path.is_file())?;
        let (page, diags) = content::load_one(&file, &self.config);
        diagnostics.extend(diags);
        let Some(page) = page else { return Some(None) };
        let old = &self.pages[index];
        if page.id != old.id || page.kind != old.kind || page.url != old.url {
            return None;
        }
        Some(Some(Edit { index, page }))
    }

    /// Puts `page` in place of page `i`, noting what it affects; returns the old page.
    fn apply(&mut self, i: PageIdx, page: Page, affected: &mut Affected) -> Page {
        let old = std::mem::replace(&mut self.pages[i], page);
        let (replaced, _) = self.graph.replace_page(i, &self.pages, &self.config);
        let new = &self.pages[i];
        affected.pages.insert(i);
        // Pages it started or stopped referring to list it among their backlinks, or no longer.
        let moved = replaced.outgoing.symmetric_difference(&self.graph.outgoing[i]);
        affected.pages.extend(moved.map(|e| e.page));
        let shown_changed = old.title != new.title || old.fields != new.fields;
        if shown_changed || replaced.headings_changed {
            // Links to its anchors and embeds of its chart may have broken.
            affected.recheck.extend(self.graph.incoming[i].iter().map(|e| e.page));
        }
        if shown_changed {
            affected.shown.insert(i);
            affected.resort.insert(new.kind);
        }
        if old.title != new.title {
            // Summaries show the titles of the pages they link to.
            let shows_title = |p: PageIdx| self.summary_links_to(p, i);
            affected.shown.extend(self.graph.incoming[i].iter().map(|e| e.page).filter(|&p| shows_title(p)));
        }
        old
    }

    fn summary_links_to(&self, p: PageIdx, target: PageIdx) -> bool {
        let Some(summary) = self.pages[p].fields.get("summary") else { return false };
        let mut found = false;
        summary.for_each_text(&mut |text| {
            let scan = crate::markdown::scan(&text.source, self.config.markdown.allow_raw_html);
            found |= scan.links.iter().any(|l| self.graph.target(&self.pages[p], &l.target) == Some(target));
        });
        found
    }

    /// Undoes [`Session::apply`]s, last first: the old pages were a good state.
    fn revert(&mut self, undo: Vec<(PageIdx, Page)>) {
        for (i, page) in undo.into_iter().rev() {
            self.pages[i] = page;
            self.graph.replace_page(i, &self.pages, &self.config);
        }
        self.graph.relate(&self.pages, &self.config);
        self.orders = render::listing_orders(&self.config, &self.pages);
    }

    /// Renders the affected pages, or everything when the site-wide values changed.
    fn render(&mut self, before: &Before, mut affected: Affected, mut diagnostics: Diagnostics) -> Result<Rendered, Diagnostics> {
        for &k in &affected.resort {
            self.orders[k] = render::sorted_pages(&self.pages, k, &self.config.kinds[k]);
        }
        let renderer = Renderer::with_orders(&self.config, &self.pages, &self.graph, &mut self.theme, self.orders.clone());
        let site = renderer.site_json();
        let (files, pages) = if site != self.site {
            let (files, (_, render_diagnostics)) = render::collect_files(|sink| renderer.render_into(self.options.skip_print, false, sink));
            diagnostics.extend(render_diagnostics);
            (files, self.pages.len())
        } else {
            affected.widen(before, &render::neighbour_pairs(&self.orders, self.pages.len()), &self.graph, &self.pages);
            let indices: Vec<PageIdx> = affected.pages.iter().copied().collect();
            let (files, render_diagnostics) = renderer.render_some(&indices, |k| affected.listed.contains(&k));
            diagnostics.extend(render_diagnostics);
            (files, indices.len())
        };
        if diagnostics.has_errors() {
            return Err(diagnostics);
        }
        self.site = site;
        Ok(Rendered { files, pages, warnings: diagnostics })
    }
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
    listed: BTreeSet<usize>,
    /// Pages whose links must be checked again.
    recheck: BTreeSet<PageIdx>,
    /// Kinds whose listing order may have changed.
    resort: BTreeSet<usize>,
}

impl Affected {
    /// Adds the pages that show the `shown` pages, those whose previous or
    /// next page changed, and hubs whose related hubs changed.
    fn widen(&mut self, before: &Before, neighbours: &[(Option<PageIdx>, Option<PageIdx>)], graph: &Graph, pages: &[Page]) {
        for &p in &self.shown {
            self.pages.insert(p);
            self.pages.extend(graph.incoming[p].iter().chain(&graph.outgoing[p]).map(|e| e.page));
            let (prev, next) = neighbours[p];
            self.pages.extend(prev.into_iter().chain(next));
            self.listed.insert(pages[p].kind);
        }
        for (i, (old, new)) in before.neighbours.iter().zip(neighbours).enumerate() {
            if old != new {
                self.pages.insert(i);
                self.listed.insert(pages[i].kind);
            }
        }
        for (i, (old, new)) in before.related.iter().zip(&graph.related).enumerate() {
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
