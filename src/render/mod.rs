//! Rendering: pages, listings and site-wide files from the content graph.
//!
//! The [`Renderer`] turns each page into a typed [`views::PageView`] and runs
//! it through the kind's template (`<kind>.html`, falling back to
//! `page.html`). It also writes a listing per kind and per facet value, the
//! search page, `404.html` and `sitemap.xml`. Pages render in parallel.

pub mod theme;
pub mod views;

use crate::charts::{self, Datum, MapNode};
use crate::config::{Config, FieldDef, FieldType, Kind};
use crate::content::{FieldValue, Page};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::graph::{Graph, PageIdx};
use crate::markdown::{self, LinkTarget, Resolved};
use crate::search::SearchDoc;
use crate::slug::slugify;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};
use theme::Theme;
use views::*;

/// One file of the built site.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputFile {
    /// Path relative to the output folder, `/`-separated.
    pub path: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

impl OutputFile {
    /// A file with text contents.
    pub fn text(path: impl Into<String>, text: String) -> Self {
        Self { path: path.into(), bytes: text.into_bytes() }
    }
}

/// Runs `produce` with a sink that keeps every file it is handed; returns
/// the files, sorted by path, and what `produce` returned.
pub fn collect_files<R>(produce: impl FnOnce(&(dyn Fn(OutputFile) + Sync)) -> R) -> (Vec<OutputFile>, R) {
    let files = Mutex::new(Vec::new());
    let result = produce(&|file| files.lock().unwrap_or_else(PoisonError::into_inner).push(file));
    let mut files = files.into_inner().unwrap_or_else(PoisonError::into_inner);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    (files, result)
}

/// Pages per part of the print page.
pub const PRINT_PART_PAGES: usize = 1000;

/// Site-relative folder of part `k` (from 0) of the print page: `print/`, `print/2/`, …
fn print_path(k: usize) -> String {
    if k == 0 { "print/".to_string() } else { format!("print/{}/", k + 1) }
}

/// Pages with at least this many headings get a table of contents.
const TOC_MIN_HEADINGS: usize = 3;

/// Renders a whole site.
pub struct Renderer<'a> {
    config: &'a Config,
    pages: &'a [Page],
    graph: &'a Graph,
    theme: &'a Theme,
    base: String,
    /// Pages of each kind, in listing order.
    by_kind: Vec<Vec<PageIdx>>,
    /// Each page's position in its kind's listing order.
    rank: Vec<usize>,
}

impl<'a> Renderer<'a> {
    /// A renderer for `pages` with `theme`; sets up the site-wide template context.
    pub fn new(config: &'a Config, pages: &'a [Page], graph: &'a Graph, theme: &'a mut Theme) -> Self {
        Self::with_orders(config, pages, graph, theme, listing_orders(config, pages))
    }

    /// Like [`Renderer::new`], with each kind's listing order already known
    /// (see [`listing_orders`]).
    pub fn with_orders(config: &'a Config, pages: &'a [Page], graph: &'a Graph, theme: &'a mut Theme, by_kind: Vec<Vec<PageIdx>>) -> Self {
        let (site, by_kind) = {
            let renderer = Renderer::unprepared(config, pages, graph, theme, by_kind);
            (renderer.site_view(), renderer.by_kind)
        };
        theme.tera.global_context().insert("site", &site);
        Self::unprepared(config, pages, graph, theme, by_kind)
    }

    fn unprepared(config: &'a Config, pages: &'a [Page], graph: &'a Graph, theme: &'a Theme, by_kind: Vec<Vec<PageIdx>>) -> Self {
        let base = crate::config::base_path(&config.base_url);
        let mut rank = vec![0; pages.len()];
        for order in &by_kind {
            for (pos, &i) in order.iter().enumerate() {
                rank[i] = pos;
            }
        }
        Renderer { config, pages, graph, theme, base, by_kind, rank }
    }

    /// Renders every page, listing and site file; also returns each page as
    /// the search index sees it. The files are sorted by path.
    pub fn render_all(&self, skip_print: bool) -> (Vec<OutputFile>, Vec<SearchDoc>, Diagnostics) {
        let (files, (docs, diagnostics)) = collect_files(|sink| self.render_into(skip_print, true, sink));
        (files, docs, diagnostics)
    }

    /// Renders every page, listing and site file, handing each file to `sink`
    /// as soon as it is rendered instead of keeping them all; returns the
    /// search documents when `keep_docs`.
    pub fn render_into(&self, skip_print: bool, keep_docs: bool, sink: &(dyn Fn(OutputFile) + Sync)) -> (Vec<SearchDoc>, Diagnostics) {
        let all: Vec<PageIdx> = (0..self.pages.len()).collect();
        let (docs, mut diagnostics) = self.render_pages_into(&all, keep_docs, sink);
        diagnostics.extend(self.render_site_files_into(skip_print, sink));
        (docs, diagnostics)
    }

    /// Number of pages.
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// Renders the pages at `indices` side by side, handing each file to
    /// `sink`; returns their search documents when `keep_docs`, in the order
    /// of `indices`, leaving out pages that failed.
    pub fn render_pages_into(
        &self,
        indices: &[PageIdx],
        keep_docs: bool,
        sink: &(dyn Fn(OutputFile) + Sync),
    ) -> (Vec<SearchDoc>, Diagnostics) {
        let results: Vec<Result<Option<SearchDoc>, Diagnostic>> = indices
            .par_iter()
            .map(|&i| {
                let (file, doc) = self.render_page(i)?;
                sink(file);
                Ok(keep_docs.then_some(doc))
            })
            .collect();
        let mut docs = Vec::with_capacity(if keep_docs { results.len() } else { 0 });
        let mut diagnostics = Diagnostics::new();
        for r in results {
            match r {
                Ok(doc) => docs.extend(doc),
                Err(d) => diagnostics.push(d),
            }
        }
        (docs, diagnostics)
    }

    /// The search documents of the pages at `indices`, in their order,
    /// without rendering the pages themselves.
    pub fn search_docs(&self, indices: &[PageIdx]) -> Vec<SearchDoc> {
        indices.par_iter().map(|&i| self.search_doc(i, &self.page_view(i))).collect()
    }

    /// Renders what is not a page of its own: the listings, the special
    /// pages, the print page (unless `skip_print`) and the sitemap.
    pub fn render_site_files_into(&self, skip_print: bool, sink: &(dyn Fn(OutputFile) + Sync)) -> Diagnostics {
        let mut diagnostics = Diagnostics::new();
        for r in self.render_listings(|_| true).into_iter().chain(self.render_specials()) {
            match r {
                Ok(f) => sink(f),
                Err(d) => diagnostics.push(d),
            }
        }
        if !skip_print {
            diagnostics.extend(self.render_print(sink));
        }
        sink(OutputFile::text("sitemap.xml", self.sitemap()));
        diagnostics
    }

    /// Renders the pages at `indices` and the listings of the kinds
    /// `listed` says yes to: what an edit of a few pages needs.
    pub fn render_some(&self, indices: &[PageIdx], listed: impl Fn(usize) -> bool) -> (Vec<OutputFile>, Diagnostics) {
        let results: Vec<Result<OutputFile, Diagnostic>> = indices.par_iter().map(|&i| self.render_page(i).map(|(file, _)| file)).collect();
        let mut files = Vec::with_capacity(results.len());
        let mut diagnostics = Diagnostics::new();
        for r in results.into_iter().chain(self.render_listings(listed)) {
            match r {
                Ok(f) => files.push(f),
                Err(d) => diagnostics.push(d),
            }
        }
        (files, diagnostics)
    }

    /// The site-wide template values as JSON: when they change, every page must be rendered again.
    pub fn site_json(&self) -> String {
        serde_json::to_string(&self.site_view()).unwrap_or_default()
    }

    /// Renders the page at index `i`, and its document for the search index.
    pub fn render_page(&self, i: PageIdx) -> Result<(OutputFile, SearchDoc), Diagnostic> {
        let page = &self.pages[i];
        let view = self.page_view(i);
        let kind = &self.config.kinds[page.kind];
        let template = if page.url.is_empty() && self.theme.has("index.html") {
            "index.html".to_string()
        } else if self.theme.has(&format!("{}.html", kind.name)) {
            format!("{}.html", kind.name)
        } else {
            "page.html".to_string()
        };
        let mut ctx = tera::Context::new();
        ctx.insert("page", &view);
        let html = self.theme.tera.render(&template, &ctx).map_err(|e| render_error(&e, &template, &page.path))?;
        let doc = self.search_doc(i, &view);
        Ok((OutputFile::text(format!("{}index.html", page.url), html), doc))
    }

    fn search_doc(&self, i: PageIdx, view: &PageView) -> SearchDoc {
        let page = &self.pages[i];
        let kind = &self.config.kinds[page.kind];
        let mut filters: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let ui = |key: &str, fallback: &str| self.theme.ui.get(key).cloned().unwrap_or_else(|| fallback.to_string());
        filters.entry(ui("filter_kind", "Type")).or_default().push(kind.label.clone());
        for def in kind.fields.iter().filter(|d| d.facet) {
            let labels = enum_labels(&def.ty, page.fields.get(&def.name));
            if !labels.is_empty() {
                filters.entry(def.label.clone()).or_default().extend(labels);
            }
        }
        let hub_name = ui("filter_hub", "Aktør");
        let hubs = self.hubs_of(i);
        if !hubs.is_empty() {
            filters.insert(hub_name, hubs);
        }
        let mut body_html = view.body_html.clone();
        for f in &view.fields {
            body_html.push_str(&value_plain_html(&f.value));
        }
        SearchDoc {
            url: page.url.clone(),
            title: page.title.clone(),
            kind_label: kind.label.clone(),
            summary_html: view.summary_html.clone(),
            body_html,
            filters,
            weight: kind.search_weight,
        }
    }

    /// Titles of the hub pages page `i` belongs to: itself if it is one, or those it refers to in fields.
    fn hubs_of(&self, i: PageIdx) -> Vec<String> {
        let Some(hub) = self.config.hub.as_deref() else { return Vec::new() };
        let is_hub = |p: PageIdx| self.config.kinds[self.pages[p].kind].name == hub;
        if is_hub(i) {
            return vec![self.pages[i].title.clone()];
        }
        let mut titles: Vec<String> = self.graph.outgoing[i]
            .iter()
            .filter(|e| matches!(e.via, crate::graph::Via::Field(_)) && is_hub(e.page))
            .map(|e| self.pages[e.page].title.clone())
            .collect();
        titles.dedup();
        titles
    }

    fn url(&self, i: PageIdx) -> String {
        format!("{}{}", self.base, self.pages[i].url)
    }

    fn resolver(&self, from: &'a Page) -> impl Fn(&LinkTarget) -> Option<Resolved> + '_ {
        move |target: &LinkTarget| {
            let idx = self.graph.target(from, target)?;
            let anchor = match target {
                LinkTarget::Page { anchor: Some(a), .. } | LinkTarget::File { anchor: Some(a), .. } | LinkTarget::Anchor(a) => {
                    format!("#{a}")
                }
                _ => String::new(),
            };
            let url = if matches!(target, LinkTarget::Anchor(_)) { anchor } else { format!("{}{anchor}", self.url(idx)) };
            let embed = matches!(target, LinkTarget::Embed(_)).then(|| self.embed_html(idx, &url)).flatten();
            Some(Resolved { url, title: self.pages[idx].title.clone(), embed })
        }
    }

    /// The chart of page `idx` as a figure to embed in another page, with a link to the figure page.
    fn embed_html(&self, idx: PageIdx, url: &str) -> Option<String> {
        let page = &self.pages[idx];
        let chart = chart(page)?;
        let number = page.fields.get("number").map(|n| format!("Figur {}: ", charts::escape(&n.plain()))).unwrap_or_default();
        Some(format!(
            "<figure class=\"embed chart-figure\">{}<figcaption><a href=\"{}\">{number}{}</a></figcaption></figure>",
            chart.svg,
            charts::escape(url),
            charts::escape(&page.title)
        ))
    }

    fn markdown(&self, page: &'a Page, source: &str) -> String {
        markdown::render(source, self.config.markdown.allow_raw_html, &self.resolver(page)).0
    }

    /// The view of page `i` for templates.
    pub fn page_view(&self, i: PageIdx) -> PageView {
        let page = &self.pages[i];
        let kind = &self.config.kinds[page.kind];
        let (body_html, headings) = markdown::render(&page.body, self.config.markdown.allow_raw_html, &self.resolver(page));
        let toc = if headings.len() >= TOC_MIN_HEADINGS {
            headings.into_iter().filter(|h| (2..=3).contains(&h.level)).collect()
        } else {
            Vec::new()
        };
        let summary_html = page.fields.get("summary").map(|v| self.value_text(page, v)).unwrap_or_default();
        let shown = kind.fields.iter().filter(|d| d.name != kind.title_field && d.name != "summary" && d.name != "source");
        let fields: Vec<FieldView> = shown
            .filter_map(|def| {
                let value = page.fields.get(&def.name)?;
                Some(FieldView {
                    name: def.name.clone(),
                    label: def.label.clone(),
                    value: self.value_view(page, kind, def, &def.ty, value),
                })
            })
            .collect();
        let field = fields.iter().map(|f| (f.name.clone(), f.value.clone())).collect();
        let (prev, next) = self.neighbours(i);
        PageView {
            link: self.link(i),
            summary_html,
            body_html,
            toc,
            fields,
            field,
            backlinks: self.backlinks(i),
            related: self.related(i),
            prev,
            next,
            source: self.source(page),
            chart: chart(page),
            path: page.path.clone(),
        }
    }

    /// The view of page `i` for the print page.
    fn print_view(&self, i: PageIdx) -> PrintView {
        let page = &self.pages[i];
        PrintView {
            link: self.link(i),
            summary_html: page.fields.get("summary").map(|v| self.value_text(page, v)).unwrap_or_default(),
            body_html: self.markdown(page, &page.body),
            chart: chart(page),
            source: self.source(page),
        }
    }

    fn value_text(&self, page: &'a Page, value: &FieldValue) -> String {
        match value {
            FieldValue::Text(t) => self.markdown(page, &t.source),
            other => charts::escape(&other.plain()),
        }
    }

    fn value_view(&self, page: &'a Page, kind: &Kind, def: &FieldDef, ty: &FieldType, value: &FieldValue) -> ValueView {
        match (ty, value) {
            (FieldType::List { of, .. }, FieldValue::List(items)) => {
                ValueView::List { items: items.iter().map(|v| self.value_view(page, kind, def, of, v)).collect() }
            }
            (FieldType::Object(defs), FieldValue::Object(map)) => ValueView::Object {
                fields: map
                    .iter()
                    .filter_map(|(k, v)| {
                        let d = defs.iter().find(|d| &d.name == k)?;
                        Some((k.clone(), self.value_view(page, kind, d, &d.ty, v)))
                    })
                    .collect(),
            },
            (FieldType::Enum(values), FieldValue::Enum(v)) => {
                let label = values.iter().find(|e| &e.value == v).map_or_else(|| v.clone(), |e| e.label.clone());
                let url = def.facet.then(|| self.facet_url(kind, def, v));
                ValueView::Enum { value: v.clone(), label, url }
            }
            (_, FieldValue::Ref(r)) => match self.graph.by_id.get(&r.id) {
                Some(&idx) => ValueView::Link { link: Box::new(self.link(idx)) },
                None => ValueView::Text { text: r.id.clone() },
            },
            (_, FieldValue::Text(t)) => ValueView::Html { html: self.markdown(page, &t.source) },
            (_, FieldValue::Url(u)) => ValueView::Url { href: u.clone() },
            (_, FieldValue::SourceFile(f)) => ValueView::Text { text: self.config.sources.get(f).cloned().unwrap_or_else(|| f.clone()) },
            (_, FieldValue::Number(n)) => ValueView::Text { text: charts::format_number(*n) },
            (_, other) => ValueView::Text { text: other.plain() },
        }
    }

    fn facet_url(&self, kind: &Kind, def: &FieldDef, value: &str) -> String {
        format!("{}{}{}/{}/", self.base, kind.section_path(), slugify(&def.label), slugify(value))
    }

    /// The page at `i` as a link with card details.
    pub fn link(&self, i: PageIdx) -> LinkView {
        let page = &self.pages[i];
        let kind = &self.config.kinds[page.kind];
        let tags = kind.fields.iter().filter(|d| d.facet).flat_map(|d| enum_labels(&d.ty, page.fields.get(&d.name))).collect();
        LinkView {
            id: page.id.clone(),
            title: page.title.clone(),
            url: self.url(i),
            kind: kind.name.clone(),
            kind_label: kind.label.clone(),
            summary: self.plain_summary(page),
            tags,
            color: page.fields.get("color").map(FieldValue::plain),
        }
    }

    fn plain_summary(&self, page: &Page) -> String {
        let Some(FieldValue::Text(t)) = page.fields.get("summary") else { return String::new() };
        let mut out = String::new();
        let mut rest = t.source.as_str();
        while let Some(start) = rest.find("[[") {
            out.push_str(&rest[..start]);
            let Some(end) = rest[start..].find("]]") else { break };
            let inner = &rest[start + 2..start + end];
            let text = match inner.split_once('|') {
                Some((_, text)) => text.to_string(),
                None => {
                    let id = inner.split('#').next().unwrap_or(inner);
                    self.graph.by_id.get(id).map_or_else(|| id.to_string(), |&i| self.pages[i].title.clone())
                }
            };
            out.push_str(&text);
            rest = &rest[start + end + 2..];
        }
        out.push_str(rest);
        out.replace(['*', '_', '`'], "").split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn backlinks(&self, i: PageIdx) -> Vec<BacklinkGroup> {
        // Sets keyed by listing position: no duplicates, already in listing order.
        let mut by_kind: BTreeMap<usize, std::collections::BTreeSet<(usize, PageIdx)>> = BTreeMap::new();
        for edge in &self.graph.incoming[i] {
            by_kind.entry(self.pages[edge.page].kind).or_default().insert((self.rank[edge.page], edge.page));
        }
        by_kind
            .into_iter()
            .map(|(k, list)| {
                let list = list.into_iter().map(|(_, p)| p);
                let kind = &self.config.kinds[k];
                BacklinkGroup {
                    kind: kind.name.clone(),
                    label: kind.plural.clone(),
                    pages: list.into_iter().map(|p| self.link(p)).collect(),
                }
            })
            .collect()
    }

    fn related(&self, i: PageIdx) -> Vec<RelatedView> {
        self.graph.related[i]
            .iter()
            .map(|r| RelatedView {
                page: self.link(r.hub),
                count: r.shared.len(),
                shared: r.shared.iter().map(|&p| self.link(p)).collect(),
            })
            .collect()
    }

    fn neighbours(&self, i: PageIdx) -> (Option<LinkView>, Option<LinkView>) {
        let order = &self.by_kind[self.pages[i].kind];
        let pos = self.rank[i];
        let prev = pos.checked_sub(1).map(|p| self.link(order[p]));
        let next = order.get(pos + 1).map(|&p| self.link(p));
        (prev, next)
    }

    fn source(&self, page: &Page) -> Option<SourceView> {
        let Some(FieldValue::Object(map)) = page.fields.get("source") else { return None };
        let file = map.get("file").map(FieldValue::plain).unwrap_or_default();
        let section = map.get("section").map(FieldValue::plain).unwrap_or_default();
        let title = self.config.sources.get(&file).cloned().unwrap_or_else(|| file.clone());
        Some(SourceView { file, title, section })
    }

    fn site_view(&self) -> SiteView {
        let hub_kind = self.config.hub.as_deref().and_then(|h| self.config.kinds.iter().position(|k| k.name == h));
        let hubs: Vec<NavItem> = hub_kind
            .map(|k| {
                self.by_kind[k]
                    .iter()
                    .map(|&i| NavItem {
                        title: self.pages[i].title.clone(),
                        url: self.url(i),
                        color: self.pages[i].fields.get("color").map(FieldValue::plain),
                        key: self.pages[i].id.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let sections = self
            .config
            .kinds
            .iter()
            .filter(|k| !k.folder.is_empty())
            .map(|k| NavItem {
                title: k.plural.clone(),
                url: format!("{}{}", self.base, k.section_path()),
                color: None,
                key: k.name.clone(),
            })
            .collect();
        SiteView {
            title: self.config.title.clone(),
            description: self.config.description.clone(),
            base: self.base.clone(),
            base_url: self.config.base_url.clone(),
            lang: self.config.language.clone(),
            hub_map: self.hub_map(hub_kind),
            hubs,
            sections,
            ui: self.theme.ui.clone(),
        }
    }

    fn hub_map(&self, hub_kind: Option<usize>) -> String {
        let Some(k) = hub_kind else { return String::new() };
        let order = &self.by_kind[k];
        let nodes: Vec<MapNode> = order
            .iter()
            .map(|&i| MapNode {
                title: self.pages[i].title.clone(),
                url: self.url(i),
                color: self.pages[i].fields.get("color").map_or_else(|| "#555".into(), FieldValue::plain),
            })
            .collect();
        let mut edges = Vec::new();
        for (a, &i) in order.iter().enumerate() {
            for r in &self.graph.related[i] {
                if let Some(b) = order.iter().position(|&p| p == r.hub).filter(|&b| b > a) {
                    edges.push((a, b, r.shared.len()));
                }
            }
        }
        let label = self.theme.ui.get("hub_map_label").cloned().unwrap_or_default();
        charts::hub_map(&nodes, &edges, &label)
    }

    /// Renders the listing of every kind `listed` says yes to, and a listing
    /// per facet value of each, side by side.
    fn render_listings(&self, listed: impl Fn(usize) -> bool) -> Vec<Result<OutputFile, Diagnostic>> {
        let kinds: Vec<usize> = (0..self.config.kinds.len()).filter(|&k| !self.config.kinds[k].folder.is_empty() && listed(k)).collect();
        let facets: BTreeMap<usize, Vec<FacetView>> = kinds.iter().map(|&k| (k, self.facets(k, &self.config.kinds[k]))).collect();
        let mut jobs: Vec<(usize, Option<(&FieldDef, crate::config::EnumValue)>)> = Vec::new();
        for &k in &kinds {
            jobs.push((k, None));
            for def in self.config.kinds[k].fields.iter().filter(|d| d.facet) {
                jobs.extend(enum_values(&def.ty).into_iter().map(|value| (k, Some((def, value)))));
            }
        }
        jobs.into_par_iter().map(|(k, facet)| self.render_listing(k, facet, &facets[&k])).collect()
    }

    /// The listing of kind `k`, or of its pages with one facet value.
    fn render_listing(
        &self,
        k: usize,
        facet: Option<(&FieldDef, crate::config::EnumValue)>,
        facets: &[FacetView],
    ) -> Result<OutputFile, Diagnostic> {
        let kind = &self.config.kinds[k];
        let url = format!("{}{}", self.base, kind.section_path());
        let Some((def, value)) = facet else {
            let items: Vec<LinkView> = self.by_kind[k].iter().map(|&i| self.link(i)).collect();
            let list = ListView { title: kind.plural.clone(), url, kind: kind.name.clone(), items, facets: facets.to_vec(), parent: None };
            return self.render_list(&list, format!("{}index.html", kind.section_path()));
        };
        let items: Vec<LinkView> = self.by_kind[k]
            .iter()
            .filter(|&&i| has_enum(self.pages[i].fields.get(&def.name), &value.value))
            .map(|&i| self.link(i))
            .collect();
        let path = format!("{}{}/{}/", kind.section_path(), slugify(&def.label), slugify(&value.value));
        let parent = NavItem { title: kind.plural.clone(), url, color: None, key: kind.name.clone() };
        let list = ListView {
            title: format!("{}: {}", kind.plural, value.label),
            url: format!("{}{path}", self.base),
            kind: kind.name.clone(),
            items,
            facets: facets.to_vec(),
            parent: Some(parent),
        };
        self.render_list(&list, format!("{path}index.html"))
    }

    fn facets(&self, k: usize, kind: &Kind) -> Vec<FacetView> {
        kind.fields
            .iter()
            .filter(|d| d.facet)
            .map(|def| FacetView {
                label: def.label.clone(),
                values: enum_values(&def.ty)
                    .into_iter()
                    .map(|v| FacetValueView {
                        count: self.by_kind[k].iter().filter(|&&i| has_enum(self.pages[i].fields.get(&def.name), &v.value)).count(),
                        url: self.facet_url(kind, def, &v.value),
                        label: v.label,
                    })
                    .collect(),
            })
            .collect()
    }

    fn render_list(&self, list: &ListView, path: String) -> Result<OutputFile, Diagnostic> {
        let mut ctx = tera::Context::new();
        ctx.insert("list", list);
        let html = self.theme.tera.render("list.html", &ctx).map_err(|e| render_error(&e, "list.html", &path))?;
        Ok(OutputFile::text(path, html))
    }

    fn render_specials(&self) -> Vec<Result<OutputFile, Diagnostic>> {
        let specials = [("404.html", "404.html"), ("search.html", "soeg/index.html")];
        specials
            .iter()
            .filter(|(template, _)| self.theme.has(template))
            .map(|(template, path)| {
                let ctx = tera::Context::new();
                self.theme
                    .tera
                    .render(template, &ctx)
                    .map(|html| OutputFile::text(*path, html))
                    .map_err(|e| render_error(&e, template, path))
            })
            .collect()
    }

    /// Renders the print page — every page of the site, in listing order —
    /// in parts of at most [`PRINT_PART_PAGES`] pages (`print/`, `print/2/`,
    /// …), side by side, handing each part to `sink` as it is done: a large
    /// site is never one enormous file, nor held in memory whole. Returns
    /// the parts that failed, in order.
    fn render_print(&self, sink: &(dyn Fn(OutputFile) + Sync)) -> Vec<Diagnostic> {
        if !self.theme.has("print.html") {
            return Vec::new();
        }
        let order: Vec<PageIdx> = self.by_kind.iter().flatten().copied().collect();
        let chunks: Vec<&[PageIdx]> = if order.is_empty() { vec![&order[..]] } else { order.chunks(PRINT_PART_PAGES).collect() };
        let links: Vec<PrintPartView> = (0..chunks.len())
            .map(|k| PrintPartView { number: k + 1, url: format!("{}{}", self.base, print_path(k)), current: false })
            .collect();
        let failed: Vec<Option<Diagnostic>> = chunks
            .par_iter()
            .enumerate()
            .map(|(k, chunk)| {
                let pages: Vec<PrintView> = chunk.par_iter().map(|&i| self.print_view(i)).collect();
                let parts: Vec<PrintPartView> = links.iter().map(|l| PrintPartView { current: l.number == k + 1, ..l.clone() }).collect();
                let mut ctx = tera::Context::new();
                ctx.insert("pages", &pages);
                drop(pages);
                ctx.insert("parts", &parts);
                let path = format!("{}index.html", print_path(k));
                match self.theme.tera.render("print.html", &ctx) {
                    Ok(html) => {
                        sink(OutputFile::text(path, html));
                        None
                    }
                    Err(e) => Some(render_error(&e, "print.html", &path)),
                }
            })
            .collect();
        failed.into_iter().flatten().collect()
    }

    fn sitemap(&self) -> String {
        let root = if self.config.base_url.contains("://") { self.config.base_url.clone() } else { self.base.clone() };
        let mut xml =
            String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        let mut urls: Vec<String> = self.pages.iter().map(|p| p.url.clone()).collect();
        urls.extend(self.config.kinds.iter().filter(|k| !k.folder.is_empty()).map(Kind::section_path));
        urls.sort();
        for url in urls {
            xml.push_str(&format!("  <url><loc>{}</loc></url>\n", charts::escape(&format!("{root}{url}"))));
        }
        xml.push_str("</urlset>\n");
        xml
    }
}

fn render_error(e: &tera::Error, template: &str, page: &str) -> Diagnostic {
    let mut chain = vec![e.to_string()];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        chain.push(s.to_string());
        source = s.source();
    }
    Diagnostic::error(Location::new(page, 1, 1), format!("template `{template}` failed to render this page: {}", chain.join(": ")))
        .with_help("fix the template, or the page data it trips over")
}

/// A field value as text for the search index: HTML kept, links reduced to their titles.
fn value_plain_html(value: &ValueView) -> String {
    match value {
        ValueView::Text { text } => format!("<p>{}</p>", charts::escape(text)),
        ValueView::Html { html } => html.clone(),
        ValueView::Link { link } => format!("<p>{}</p>", charts::escape(&link.title)),
        ValueView::Enum { label, .. } => format!("<p>{}</p>", charts::escape(label)),
        ValueView::Url { .. } => String::new(),
        ValueView::List { items } => items.iter().map(value_plain_html).collect(),
        ValueView::Object { fields } => fields.values().map(value_plain_html).collect(),
    }
}

fn enum_values(ty: &FieldType) -> Vec<crate::config::EnumValue> {
    match ty {
        FieldType::Enum(values) => values.clone(),
        FieldType::List { of, .. } => enum_values(of),
        _ => Vec::new(),
    }
}

fn enum_labels(ty: &FieldType, value: Option<&FieldValue>) -> Vec<String> {
    let values = enum_values(ty);
    let mut out = Vec::new();
    let mut push = |v: &str| out.push(values.iter().find(|e| e.value == v).map_or_else(|| v.to_string(), |e| e.label.clone()));
    match value {
        Some(FieldValue::Enum(v)) => push(v),
        Some(FieldValue::List(items)) => {
            items.iter().filter_map(|i| if let FieldValue::Enum(v) = i { Some(v) } else { None }).for_each(|v| push(v))
        }
        _ => {}
    }
    out
}

fn has_enum(value: Option<&FieldValue>, wanted: &str) -> bool {
    match value {
        Some(FieldValue::Enum(v)) => v == wanted,
        Some(FieldValue::List(items)) => items.iter().any(|i| matches!(i, FieldValue::Enum(v) if v == wanted)),
        _ => false,
    }
}

/// A figure page's chart, when it has `data`.
fn chart(page: &Page) -> Option<ChartView> {
    let Some(FieldValue::List(items)) = page.fields.get("data") else { return None };
    let data: Vec<Datum> = items
        .iter()
        .filter_map(|item| {
            let FieldValue::Object(map) = item else { return None };
            let label = map.get("label")?.plain();
            let values = match (map.get("value"), map.get("values")) {
                (Some(FieldValue::Number(n)), _) => vec![*n],
                (_, Some(FieldValue::List(vs))) => {
                    vs.iter().filter_map(|v| if let FieldValue::Number(n) = v { Some(*n) } else { None }).collect()
                }
                _ => Vec::new(),
            };
            Some(Datum { label, values })
        })
        .collect();
    let series: Vec<String> = match page.fields.get("series") {
        Some(FieldValue::List(s)) => s.iter().map(FieldValue::plain).collect(),
        _ => Vec::new(),
    };
    let unit = page.fields.get("unit").map(FieldValue::plain).unwrap_or_default();
    let svg = charts::bar_chart(&page.title, &unit, &series, &data);
    let mut header = vec![String::new()];
    header.extend(if series.is_empty() { vec![unit.clone()] } else { series.clone() });
    let rows =
        data.iter().map(|d| std::iter::once(d.label.clone()).chain(d.values.iter().map(|v| charts::format_number(*v))).collect()).collect();
    Some(ChartView { svg, rows, header })
}

/// Pages of kind `k` in listing order: by the kind's sort field, then title.
/// The pages of each kind, in listing order (by the kind's `sort` field, then title).
pub fn listing_orders(config: &Config, pages: &[Page]) -> Vec<Vec<PageIdx>> {
    config.kinds.iter().enumerate().map(|(k, kind)| sorted_pages(pages, k, kind)).collect()
}

/// Each page's previous and next page in the listing `orders`, by page index.
pub fn neighbour_pairs(orders: &[Vec<PageIdx>], pages: usize) -> Vec<(Option<PageIdx>, Option<PageIdx>)> {
    let mut pairs = vec![(None, None); pages];
    for order in orders {
        for (pos, &i) in order.iter().enumerate() {
            pairs[i] = (pos.checked_sub(1).map(|p| order[p]), order.get(pos + 1).copied());
        }
    }
    pairs
}

/// The pages of kind `k` in listing order.
pub fn sorted_pages(pages: &[Page], k: usize, kind: &Kind) -> Vec<PageIdx> {
    let mut list: Vec<PageIdx> = (0..pages.len()).filter(|&i| pages[i].kind == k).collect();
    let key = |i: &PageIdx| {
        let p = &pages[*i];
        let sort = kind.sort.as_ref().and_then(|f| p.fields.get(f));
        (sort.is_none(), sort.map(|v| natural_key(&v.plain())).unwrap_or_default(), natural_key(&p.title))
    };
    list.sort_by_cached_key(key);
    list
}

/// A sort key that orders numbers by value (`5.2` before `5.16`) and Danish letters last (`æ ø å`).
pub fn natural_key(text: &str) -> Vec<(u64, String)> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_ascii_digit() {
            let mut n = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                n.push(d);
                chars.next();
            }
            out.push((n.parse().unwrap_or(u64::MAX), String::new()));
        } else {
            let mut s = String::new();
            while let Some(&d) = chars.peek().filter(|d| !d.is_ascii_digit()) {
                s.extend(d.to_lowercase().map(|l| match l {
                    'æ' => '{',
                    'ø' => '|',
                    'å' => '}',
                    l => l,
                }));
                chars.next();
            }
            out.push((0, s));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::natural_key;

    #[test]
    fn natural_order_puts_numbers_by_value_and_danish_letters_last() {
        let mut v = vec!["5.16", "5.2", "1.1"];
        v.sort_by_key(|s| natural_key(s));
        assert_eq!(v, ["1.1", "5.2", "5.16"]);
        let mut w = vec!["Åben", "Zebra", "Ærø", "Øst"];
        w.sort_by_key(|s| natural_key(s));
        assert_eq!(w, ["Zebra", "Ærø", "Øst", "Åben"]);
    }
}
