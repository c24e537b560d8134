//! The page writer: typed views through the theme's Tera templates into
//! files — pages, listings per kind and facet value, the special pages, the
//! print page in parts, and `sitemap.xml` and the redirects. Each file goes to the caller's
//! [`Sink`] as soon as it is rendered; pages and listings render side by side.
//! Failed renders come back as [`TemplateFailure`]s, for the caller to report
//! once all are in.

use super::relative::{Links, Relinker};
use super::theme::{PrintContext, TemplateFailure, Templates};
use super::view::{ViewBuilder, hub_print_path};
use super::views::{FacetView, PageView, PrintPartView, PrintView};
use crate::config::{Config, Kind, KindIdx};
use crate::content::PageIdx;
use crate::files::{OutputFile, Sink};
use crate::html::escape;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// The date of `page` in its kind's date field, when it has one (`2026-03-01`).
fn page_date(config: &Config, page: &crate::content::Page) -> Option<String> {
    let def = super::feeds::date_field(&config.kinds[page.kind])?;
    match page.fields.get(&def.name) {
        Some(crate::content::FieldValue::Date(date)) => Some(date.clone()),
        _ => None,
    }
}

/// The page a host shows for a missing address.
const NOT_FOUND: &str = "404.html";

/// Pages per part of the print page: 3–4 MB of HTML for pages like the
/// course's, which a browser lays out and prints without trouble, and which
/// a rebuild after an edit renders again whole.
pub const PRINT_PART_PAGES: usize = 250;

/// The hub page `h` and the pages that refer to it in a field, in listing order.
fn hub_members(views: &ViewBuilder<'_>, h: PageIdx) -> Vec<PageIdx> {
    let mut referring: Vec<PageIdx> =
        views.graph().incoming[h].iter().filter(|e| matches!(e.via, crate::graph::Via::Field(_))).map(|e| e.page).collect();
    // Listing order: by kind, then by place in the kind's listing.
    referring.sort_by_key(|&p| (views.pages()[p].kind.0, views.order().rank(p)));
    referring.dedup();
    std::iter::once(h).chain(referring).collect()
}

/// The print views of the pages that more than one print page shows (the
/// members of the hubs whose print pages are rendered), made once; the
/// others are made by the print page that shows them.
struct SharedPrintViews {
    views: Vec<Option<PrintView>>,
}

impl SharedPrintViews {
    fn new(views: &ViewBuilder<'_>, hubs: &[(PageIdx, Vec<PageIdx>)]) -> SharedPrintViews {
        let mut shared = vec![false; views.pages().len()];
        hubs.iter().flat_map(|(_, members)| members).for_each(|i| shared[i.0] = true);
        let views = shared.par_iter().enumerate().map(|(i, &shared)| shared.then(|| views.print_view(PageIdx(i)))).collect();
        SharedPrintViews { views }
    }

    /// Page `i`'s print view if it is not shared (kept by the caller).
    fn own(&self, i: PageIdx, views: &ViewBuilder<'_>) -> Option<PrintView> {
        self.views[i.0].is_none().then(|| views.print_view(i))
    }

    /// Page `i`'s print view: the shared one, or the caller's `own`.
    fn get<'s>(&'s self, i: PageIdx, own: &'s Option<PrintView>) -> &'s PrintView {
        self.views[i.0].as_ref().or(own.as_ref()).expect("a print view is shared or the caller's")
    }

    /// The print views of `members`, all of them shared (the members of a hub).
    fn of_members(&self, members: &[PageIdx]) -> Vec<&PrintView> {
        members.iter().filter_map(|i| self.views[i.0].as_ref()).collect()
    }
}

/// Renders the views of one site through its templates.
pub struct Writer<'a> {
    views: &'a ViewBuilder<'a>,
    templates: &'a Templates,
    relinker: Relinker,
}

impl<'a> Writer<'a> {
    /// A writer of `views` through `templates` (whose `site` value is already set).
    pub fn new(views: &'a ViewBuilder<'a>, templates: &'a Templates) -> Self {
        let links = if views.config().portable { Links::Portable } else { Links::Relative };
        Writer { views, templates, relinker: Relinker::new(views.base(), links) }
    }

    /// An HTML file another module rendered, its internal links made relative to it.
    fn relinked(&self, file: OutputFile) -> OutputFile {
        let html = self.relinker.page(&file.path, &String::from_utf8_lossy(&file.bytes));
        OutputFile::text(file.path, html)
    }

    /// The HTML file at `path`, its internal links made relative to it.
    fn html(&self, path: String, html: String) -> OutputFile {
        let html = self.relinker.page(&path, &html);
        OutputFile::text(path, html)
    }

    /// The views this writer renders.
    pub fn views(&self) -> &'a ViewBuilder<'a> {
        self.views
    }

    /// Renders page `i` into its file; also returns its view.
    pub fn page(&self, i: PageIdx) -> Result<(OutputFile, PageView), TemplateFailure> {
        let page = &self.views.pages()[i];
        let kind = &self.views.config().kinds[page.kind];
        let view = self.views.page_view(i);
        let template = self.template_of(page.url.is_empty(), kind);
        let html = self.templates.render(&template, "page", &view, &page.path)?;
        Ok((self.html(format!("{}index.html", page.url), html), view))
    }

    /// The template of a page: `index.html` for the front page, the kind's own, or `page.html`.
    fn template_of(&self, front_page: bool, kind: &Kind) -> String {
        if front_page && self.templates.has("index.html") {
            return "index.html".into();
        }
        let own = format!("{}.html", kind.name);
        if self.templates.has(&own) { own } else { "page.html".into() }
    }

    /// Renders the pages at `indices` side by side into `sink`; hands each
    /// page's view to `then` and returns what it made, in the order of
    /// `indices`, leaving out pages that failed.
    pub fn pages<T: Send>(
        &self,
        indices: &[PageIdx],
        sink: Sink<'_>,
        then: &(dyn Fn(PageIdx, PageView) -> T + Sync),
    ) -> (Vec<T>, Vec<TemplateFailure>) {
        let results: Vec<Result<T, TemplateFailure>> = indices
            .par_iter()
            .map(|&i| {
                let (file, view) = self.page(i)?;
                sink(file);
                Ok(then(i, view))
            })
            .collect();
        let mut kept = Vec::with_capacity(results.len());
        let mut failures = Vec::new();
        for r in results {
            match r {
                Ok(t) => kept.push(t),
                Err(f) => failures.push(f),
            }
        }
        (kept, failures)
    }

    /// Renders the listing of every kind `listed` says yes to, and a
    /// listing per facet value of each, side by side.
    pub fn listings(&self, listed: &(dyn Fn(KindIdx) -> bool + Sync), sink: Sink<'_>) -> Vec<TemplateFailure> {
        let config = self.views.config();
        let kinds = &config.kinds;
        let listed: Vec<KindIdx> = config.kinds().filter(|(k, kind)| !kind.folder.is_empty() && listed(*k)).map(|(k, _)| k).collect();
        // Each kind's facets, worked out once and shown on all its listings.
        let facets: BTreeMap<KindIdx, Vec<FacetView>> = listed.iter().map(|&k| (k, self.views.facets(k))).collect();
        let mut jobs = Vec::new();
        for &k in &listed {
            jobs.push((k, None));
            for def in kinds[k].fields.iter().filter(|d| d.facet) {
                jobs.extend(self.views.facet_values(k, def).into_iter().map(|value| (k, Some((def, value)))));
            }
        }
        jobs.into_par_iter()
            .filter_map(|(k, facet)| {
                let (list, path) = self.views.listing(k, facet.as_ref().map(|(d, v)| (*d, v)), &facets[&k]);
                let rendered = self.templates.render("list.html", "list", &list, &path);
                rendered.map(|html| sink(self.html(path, html))).err()
            })
            .collect()
    }

    /// Renders the pages that are not pages of the content: `404.html` and the search page.
    pub fn specials(&self, sink: Sink<'_>) -> Vec<TemplateFailure> {
        let search = format!("{}index.html", self.views.search_path());
        let specials = [("404.html", NOT_FOUND), ("search.html", search.as_str())];
        specials
            .iter()
            .filter(|(template, _)| self.templates.has(template))
            .filter_map(|(template, path)| {
                let rendered = self.templates.render_plain(template, path);
                rendered.map(|html| sink(self.special(path, html))).err()
            })
            .collect()
    }

    /// A special page: the 404 page, which a host shows at any address,
    /// gets links from the host's root with the base URL's path
    /// (`/kursus/style.css`) when the base URL is a full address or a path
    /// other than `/`, or else links from the site's root and a script that
    /// finds the root in its address; the others are relative like pages.
    fn special(&self, path: &str, html: String) -> OutputFile {
        if path != NOT_FOUND {
            return self.html(path.to_string(), html);
        }
        let views = self.views;
        let known = views.absolute_base().is_some() || views.base() != "/";
        let html = if known {
            self.relinker.absolute(&html, views.base())
        } else {
            super::relative::find_root(&self.relinker.from_root(&html), &self.top_level_names())
        };
        OutputFile::text(path, html)
    }

    /// The first segments of the site's paths: the 404 page's script finds
    /// the site's root in front of one of them.
    fn top_level_names(&self) -> Vec<String> {
        let views = self.views;
        let mut names: BTreeSet<String> =
            views.pages().iter().filter_map(|p| p.url.split('/').next().filter(|s| !s.is_empty()).map(str::to_string)).collect();
        names.extend(
            views
                .config()
                .kinds
                .iter()
                .filter(|k| !k.folder.is_empty())
                .map(|k| k.folder.split('/').next().unwrap_or_default().to_string()),
        );
        names.insert(views.search_path().trim_end_matches('/').to_string());
        names.into_iter().collect()
    }

    /// Renders the print page — every page of the site, in listing order —
    /// in parts of at most [`PRINT_PART_PAGES`] pages (`print/`, `print/2/`,
    /// …), side by side, handing each part to `sink` as it is done: a large
    /// site is never one enormous file, nor held in memory whole.
    pub fn print(&self, sink: Sink<'_>) -> Vec<TemplateFailure> {
        self.print_some(&|_| true, &|_| true, sink)
    }

    /// Renders the parts of the print page `part` says yes to (by number
    /// from 0) and the print pages of the hubs `hub` says yes to.
    pub fn print_some(
        &self,
        part: &(dyn Fn(usize) -> bool + Sync),
        hub: &(dyn Fn(PageIdx) -> bool + Sync),
        sink: Sink<'_>,
    ) -> Vec<TemplateFailure> {
        if !self.templates.has("print.html") {
            return Vec::new();
        }
        let order: Vec<PageIdx> = self.views.order().all().collect();
        let chunks: Vec<&[PageIdx]> = if order.is_empty() { vec![&order[..]] } else { order.chunks(PRINT_PART_PAGES).collect() };
        let base = self.views.base();
        let links: Vec<PrintPartView> = (0..chunks.len())
            .map(|k| PrintPartView { number: k + 1, url: format!("{base}{}", self.views.print_path(k)), current: false })
            .collect();
        let hubs = self.wanted_hubs(hub);
        let shared = SharedPrintViews::new(self.views, &hubs);
        chunks
            .par_iter()
            .enumerate()
            .filter(|(k, _)| part(*k))
            .filter_map(|(k, chunk)| {
                let own: Vec<Option<PrintView>> = chunk.par_iter().map(|&i| shared.own(i, self.views)).collect();
                let pages: Vec<&PrintView> = chunk.iter().zip(&own).map(|(&i, own)| shared.get(i, own)).collect();
                let parts: Vec<PrintPartView> = links.iter().map(|l| PrintPartView { current: l.number == k + 1, ..l.clone() }).collect();
                let path = format!("{}index.html", self.views.print_path(k));
                let rendered = self.templates.render_print(&PrintContext { pages: &pages, parts: &parts, hub: None }, &path);
                rendered.map(|html| sink(self.html(path, html))).err()
            })
            .chain(self.hub_prints(&hubs, &shared, sink))
            .collect()
    }

    /// The hubs `wanted` says yes to, each with its members (see [`hub_members`]).
    fn wanted_hubs(&self, wanted: &(dyn Fn(PageIdx) -> bool + Sync)) -> Vec<(PageIdx, Vec<PageIdx>)> {
        let views = self.views;
        let Some(hub) = views.config().hub else { return Vec::new() };
        views.order().of_kind(hub).iter().copied().filter(|&h| wanted(h)).map(|h| (h, hub_members(views, h))).collect()
    }

    /// The paths of the print page's parts, from the first.
    pub fn print_paths(&self) -> Vec<String> {
        let parts = self.views.pages().len().div_ceil(PRINT_PART_PAGES).max(1);
        (0..parts).map(|k| format!("{}index.html", self.views.print_path(k))).collect()
    }

    /// The path of hub `h`'s print page, and its pages: the hub, then the
    /// pages that refer to it in a field.
    pub fn hub_print(&self, h: PageIdx) -> (String, Vec<PageIdx>) {
        let views = self.views;
        (format!("{}index.html", hub_print_path(views.ui_strings(), &views.pages()[h].url)), hub_members(views, h))
    }

    /// Renders the print page of each hub: the hub page, then the pages that
    /// refer to it in a field (a chapter's cases, advice and figures), in
    /// listing order.
    fn hub_prints(&self, hubs: &[(PageIdx, Vec<PageIdx>)], shared: &SharedPrintViews, sink: Sink<'_>) -> Vec<TemplateFailure> {
        let views = self.views;
        hubs.par_iter()
            .filter_map(|(h, members)| {
                let h = *h;
                let pages = shared.of_members(members);
                let path = format!("{}index.html", hub_print_path(views.ui_strings(), &views.pages()[h].url));
                let rendered = self.templates.render_print(&PrintContext { pages: &pages, parts: &[], hub: Some(views.link(h)) }, &path);
                rendered.map(|html| sink(self.html(path, html))).err()
            })
            .collect()
    }

    /// `sitemap.xml`: every page and listing, when the base URL is a full address.
    pub fn sitemap(&self, sink: Sink<'_>) {
        let config = self.views.config();
        // A sitemap holds full addresses only: without them it would be invalid.
        if !config.base_url.contains("://") {
            return;
        }
        let root = &config.base_url;
        let mut xml =
            String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        let mut urls: Vec<(String, Option<String>)> = self.views.pages().iter().map(|p| (p.url.clone(), page_date(config, p))).collect();
        urls.extend(config.kinds.iter().filter(|k| !k.folder.is_empty()).map(|k| (k.section_path(), None)));
        urls.sort();
        for (url, date) in urls {
            let lastmod = date.map(|d| format!("<lastmod>{d}</lastmod>")).unwrap_or_default();
            xml.push_str(&format!("  <url><loc>{}</loc>{lastmod}</url>\n", escape(&format!("{root}{url}"))));
        }
        xml.push_str("</urlset>\n");
        sink(OutputFile::text("sitemap.xml", xml));
    }

    /// The bibliography page, when the site has a bibliography.
    pub fn bibliography(&self, sink: Sink<'_>) -> Option<TemplateFailure> {
        super::cite::write(self.views, self.templates, &|file: OutputFile| sink(self.relinked(file)))
    }

    /// Everything that is not a page of the content: listings, special pages and the sitemap.
    pub fn site_files(&self, sink: Sink<'_>) -> Vec<TemplateFailure> {
        let mut failures = self.listings(&|_| true, sink);
        failures.extend(self.extras(sink));
        failures
    }

    /// The special pages, the sitemap, the redirects and the feeds.
    pub fn extras(&self, sink: Sink<'_>) -> Vec<TemplateFailure> {
        let mut failures = self.specials(sink);
        self.sitemap(sink);
        super::redirects::write(self.views, &|file: OutputFile| sink(self.relinked(file)));
        super::feeds::write(self.views, sink);
        failures.extend(self.bibliography(sink));
        failures
    }
}
