//! The view builder: every typed view a template receives, worked out from
//! the content graph — pages, links with card details, backlinks, related
//! hubs, listings and facets, and the site-wide values (`site`). Pure: it
//! renders Markdown but no template, and writes nothing.

use super::charts::Numbers;
use super::hub_map::{self, MapNode, Tie};
use super::order::Order;
use super::theme::StaticFile;
use super::values::{chart, enum_labels, facet_values, has_enum};
use super::views::*;
use crate::cite::Bibliography;
use crate::config::{Config, EnumValue, FieldDef, FieldType, Kind, KindIdx, Role};
use crate::content::{FieldValue, Page, PageIdx};
use crate::graph::Graph;
use crate::html::escape;
use crate::markdown::{self, LinkTarget, Resolved};
use crate::slug::slugify;
use std::collections::{BTreeMap, BTreeSet};

/// Whether references declared with `embed: true` bring their target's fields along.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Embed {
    /// Yes: the page being rendered.
    Allowed,
    /// No: a page already embedded in another (embeds go one level deep).
    Not,
}

/// UI strings of the theme, by key.
pub type Ui = BTreeMap<String, String>;

pub use super::paths::{facet_path, hub_print_path, print_path, search_path};

/// Builds the views of one site.
pub struct ViewBuilder<'a> {
    config: &'a Config,
    pages: &'a [Page],
    graph: &'a Graph,
    ui: &'a Ui,
    order: &'a Order,
    base: String,
    /// How numbers are written in the site's language.
    numbers: Numbers,
    /// The static files and the files beside the pages, by output path:
    /// where pictures' sizes are read.
    files: Option<&'a BTreeMap<String, StaticFile>>,
    /// The words of Markdown's HTML in the site's language.
    labels: markdown::labels::Labels,
    /// The bibliography citations are formatted from, if the site has one.
    bibliography: Option<&'a Bibliography>,
}

impl<'a> ViewBuilder<'a> {
    /// A view builder for `pages` in listing `order`, speaking with the theme's `ui` strings.
    pub fn new(config: &'a Config, pages: &'a [Page], graph: &'a Graph, ui: &'a Ui, order: &'a Order) -> Self {
        let base = crate::config::base_path(&config.base_url);
        let numbers = Numbers::from_marks(ui.get("number_thousands").map(String::as_str), ui.get("number_decimal").map(String::as_str));
        let labels = markdown::labels::Labels::from_words(|key| ui.get(key).cloned());
        ViewBuilder { config, pages, graph, ui, order, base, numbers, files: None, labels, bibliography: None }
    }

    /// Reads pictures' sizes from `files` (output path → file).
    pub fn with_files(mut self, files: &'a BTreeMap<String, StaticFile>) -> Self {
        self.files = Some(files);
        self
    }

    /// Width and height of the picture published at `path`, read from its header.
    fn image_size(&self, path: &str) -> Option<(u32, u32)> {
        let size = match self.files?.get(path)? {
            StaticFile::Disk(file) => imagesize::size(file).ok()?,
            StaticFile::Builtin(bytes) => imagesize::blob_size(bytes).ok()?,
        };
        Some((u32::try_from(size.width).ok()?, u32::try_from(size.height).ok()?))
    }

    /// The same builder, formatting citations from `bibliography`.
    pub fn with_bibliography(self, bibliography: &'a Bibliography) -> Self {
        ViewBuilder { bibliography: Some(bibliography), ..self }
    }

    /// The bibliography, when one was given.
    pub fn bibliography(&self) -> Option<&'a Bibliography> {
        self.bibliography
    }

    /// The site configuration.
    pub fn config(&self) -> &'a Config {
        self.config
    }

    /// The pages.
    pub fn pages(&self) -> &'a [Page] {
        self.pages
    }

    /// The content graph.
    pub fn graph(&self) -> &'a Graph {
        self.graph
    }

    /// The listing order.
    pub fn order(&self) -> &'a Order {
        self.order
    }

    /// The UI strings.
    pub fn ui_strings(&self) -> &'a Ui {
        self.ui
    }

    /// The UI string `key`, or `fallback`.
    pub fn ui(&self, key: &str, fallback: &str) -> String {
        self.ui.get(key).cloned().unwrap_or_else(|| fallback.to_string())
    }

    /// `text` with `{hubs}` replaced by the hub kind's plural, in lower case
    /// (`How the {hubs} connect` → `How the topics connect`).
    fn with_hubs(&self, text: &str) -> String {
        match self.config.hub {
            Some(k) if text.contains("{hubs}") => text.replace("{hubs}", &self.config.kinds[k].plural.to_lowercase()),
            _ => text.to_string(),
        }
    }

    /// The site-relative folder of the search page, named by the UI string
    /// `search_path` (`search/`, `soeg/`).
    pub fn search_path(&self) -> String {
        search_path(self.ui)
    }

    /// Site-relative folder of part `k` (from 0) of the print page, named by
    /// the UI string `print_path`: `print/`, `print/2/`, …
    pub fn print_path(&self, k: usize) -> String {
        print_path(self.ui, k)
    }

    /// The path part of the base URL (`/`, `/kursus/`).
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The base URL, when it is absolute (`https://…/`): feeds, canonical
    /// links and sharing tags need one.
    pub fn absolute_base(&self) -> Option<&'a str> {
        Some(self.config.base_url.as_str()).filter(|b| b.contains("://"))
    }

    /// The absolute URL of page `i`, when the base URL is absolute.
    pub fn absolute_url(&self, i: PageIdx) -> Option<String> {
        self.absolute_base().map(|base| format!("{base}{}", self.pages[i].url))
    }

    fn kind_of(&self, i: PageIdx) -> &'a Kind {
        &self.config.kinds[self.pages[i].kind]
    }

    fn url(&self, i: PageIdx) -> String {
        format!("{}{}", self.base, self.pages[i].url)
    }

    /// The view of page `i` for its template.
    pub fn page_view(&self, i: PageIdx) -> PageView {
        let page = &self.pages[i];
        let kind = self.kind_of(i);
        let (body_html, headings) =
            markdown::render_labelled(&page.body, self.config.markdown.allow_raw_html, &self.labels, &self.resolver(page));
        let toc = if headings.len() >= self.config.markdown.toc_min_headings {
            headings.into_iter().filter(|h| (2..=3).contains(&h.level)).collect()
        } else {
            Vec::new()
        };
        let fields = self.field_views(page, kind, Embed::Allowed);
        let field = fields.iter().map(|f| (f.name.clone(), f.value.clone())).collect();
        let (prev, next) = self.order.neighbours(i, page.kind);
        PageView {
            link: self.link(i),
            summary_html: self.summary_html(page, kind),
            markup_css: markdown::stylesheet::needs_markup_css(&body_html) || page.cite.is_some() || body_html.contains("<cite"),
            body_html,
            toc,
            fields,
            field,
            backlinks: self.backlinks(i),
            related: self.related(i),
            prev: prev.map(|p| self.link(p)),
            next: next.map(|p| self.link(p)),
            source: self.source(page, kind),
            chart: chart(page, kind, self.numbers),
            path: page.path.clone(),
            image: self.image(page, kind),
            print_url: (Some(page.kind) == self.config.hub).then(|| format!("{}{}", self.base, hub_print_path(self.ui, &page.url))),
            references: self.references(i),
            reference_html: self.own_reference(page),
        }
    }

    /// The absolute address of the page's image (role `image`): a URL as
    /// written, a path from the site's root after the base URL.
    fn image(&self, page: &Page, kind: &Kind) -> Option<String> {
        let base = self.absolute_base()?;
        match page.value(kind, Role::Image)? {
            FieldValue::Url(url) => Some(url.clone()),
            FieldValue::Str(path) => Some(format!("{base}{}", path.trim_start_matches('/'))),
            _ => None,
        }
    }

    /// The fields a page shows in its field list: all but its title, summary and source.
    fn field_views(&self, page: &'a Page, kind: &Kind, embed: Embed) -> Vec<FieldView> {
        let hidden = [
            Some(kind.title_field.as_str()),
            kind.role(Role::Summary).map(|f| f.name.as_str()),
            kind.role(Role::Source).map(|f| f.name.as_str()),
        ];
        kind.fields
            .iter()
            .filter(|d| !hidden.contains(&Some(d.name.as_str())))
            .filter_map(|def| {
                let value = page.fields.get(&def.name)?;
                Some(FieldView {
                    name: def.name.clone(),
                    label: def.label.clone(),
                    value: self.value_view(page, kind, def, &def.ty, value, embed),
                })
            })
            .collect()
    }

    /// The view of page `i` for the print page.
    pub fn print_view(&self, i: PageIdx) -> PrintView {
        let page = &self.pages[i];
        let kind = self.kind_of(i);
        PrintView {
            link: self.link(i),
            summary_html: self.summary_html(page, kind),
            body_html: markdown::render_section(
                &page.body,
                self.config.markdown.allow_raw_html,
                &self.labels,
                &self.resolver(page),
                &format!("p-{}-", page.id),
            ),
            chart: chart(page, kind, self.numbers),
            source: self.source(page, kind),
            references: self.references(i),
        }
    }

    fn summary_html(&self, page: &'a Page, kind: &Kind) -> String {
        page.value(kind, Role::Summary).map(|v| self.value_text(page, v)).unwrap_or_default()
    }

    fn resolver(&self, from: &'a Page) -> impl Fn(&LinkTarget) -> Option<Resolved> + '_ {
        move |target: &LinkTarget| {
            if let LinkTarget::Other(url) = target {
                // A file of the site's own (`/img/logo.png`, `foto.jpg` beside the page): under the site's path.
                let path = markdown::files::site_path(&from.path, &markdown::files::local_path(url)?)?;
                let tail = url.find(['?', '#']).map_or("", |i| &url[i..]);
                let size = self.image_size(&path);
                return Some(Resolved {
                    url: format!("{}{}{tail}", self.base, markdown::files::url_encoded(&path)),
                    size,
                    ..Resolved::default()
                });
            }
            if let LinkTarget::Cite(citation) = target {
                return self.citation(from, citation);
            }
            let idx = self.graph.target(from, target)?;
            let anchor = match target {
                LinkTarget::Page { anchor: Some(a), .. } | LinkTarget::File { anchor: Some(a), .. } | LinkTarget::Anchor(a) => {
                    format!("#{a}")
                }
                _ => String::new(),
            };
            let url = if matches!(target, LinkTarget::Anchor(_)) { anchor } else { format!("{}{anchor}", self.url(idx)) };
            let embed = matches!(target, LinkTarget::Embed(_)).then(|| self.embed_html(idx, &url)).flatten();
            Some(Resolved { url, title: self.pages[idx].title.clone(), embed, size: None })
        }
    }

    /// The chart of page `idx` as a figure to embed in another page, with a link to the figure page.
    fn embed_html(&self, idx: PageIdx, url: &str) -> Option<String> {
        let page = &self.pages[idx];
        let kind = self.kind_of(idx);
        let chart = chart(page, kind, self.numbers)?;
        let figure = self.ui("figure", "Figure");
        let number = page.value(kind, Role::Number).map(|n| format!("{} {}: ", escape(&figure), escape(&n.plain()))).unwrap_or_default();
        Some(format!(
            "<figure class=\"embed chart-figure\">{}<figcaption><a href=\"{}\">{number}{}</a></figcaption></figure>",
            chart.svg,
            escape(url),
            escape(&page.title)
        ))
    }

    fn markdown(&self, page: &'a Page, source: &str) -> String {
        markdown::render_labelled(source, self.config.markdown.allow_raw_html, &self.labels, &self.resolver(page)).0
    }

    fn value_text(&self, page: &'a Page, value: &FieldValue) -> String {
        match value {
            FieldValue::Text(t) => self.markdown(page, &t.source),
            other => escape(&other.plain()),
        }
    }

    fn value_view(&self, page: &'a Page, kind: &Kind, def: &FieldDef, ty: &FieldType, value: &FieldValue, embed: Embed) -> ValueView {
        match (ty, value) {
            (FieldType::List { of, .. }, FieldValue::List(items)) => {
                ValueView::List { items: items.iter().map(|v| self.value_view(page, kind, def, of, v, embed)).collect() }
            }
            (FieldType::Object(defs), FieldValue::Object(map)) => ValueView::Object {
                fields: map
                    .iter()
                    .filter_map(|(k, v)| {
                        let d = defs.iter().find(|d| &d.name == k)?;
                        Some((k.clone(), self.value_view(page, kind, d, &d.ty, v, embed)))
                    })
                    .collect(),
            },
            (FieldType::Enum(values), FieldValue::Enum(v)) => {
                let label = values.iter().find(|e| &e.value == v).map_or_else(|| v.clone(), |e| e.label.clone());
                let url = def.facet.then(|| self.facet_url(kind, def, v));
                ValueView::Enum { value: v.clone(), label, url }
            }
            (FieldType::Ref { embed: true, .. }, FieldValue::Ref(r)) if embed == Embed::Allowed => match self.graph.by_id.get(&r.id) {
                Some(&idx) => ValueView::Link { link: Box::new(self.link(idx)), fields: self.embedded_fields(idx) },
                None => ValueView::Text { text: r.id.clone() },
            },
            (FieldType::String, FieldValue::Str(s)) if def.facet => {
                ValueView::Enum { value: s.clone(), label: s.clone(), url: Some(self.facet_url(kind, def, &slugify(s))) }
            }
            (_, other) => self.scalar_view(page, other),
        }
    }

    /// The field values of page `i` by name, for a page that embeds it; its own embeds stay plain links.
    fn embedded_fields(&self, i: PageIdx) -> BTreeMap<String, ValueView> {
        let page = &self.pages[i];
        self.field_views(page, self.kind_of(i), Embed::Not).into_iter().map(|f| (f.name, f.value)).collect()
    }

    fn scalar_view(&self, page: &'a Page, value: &FieldValue) -> ValueView {
        match value {
            FieldValue::Ref(r) => match self.graph.by_id.get(&r.id) {
                Some(&idx) => ValueView::Link { link: Box::new(self.link(idx)), fields: BTreeMap::new() },
                None => ValueView::Text { text: r.id.clone() },
            },
            FieldValue::Text(t) => ValueView::Html { html: self.markdown(page, &t.source) },
            FieldValue::Url(u) => ValueView::Url { href: u.clone() },
            FieldValue::SourceFile(f) => ValueView::Text { text: self.config.sources.get(f).cloned().unwrap_or_else(|| f.clone()) },
            FieldValue::Number(n) => ValueView::Text { text: self.numbers.format(*n) },
            other => ValueView::Text { text: other.plain() },
        }
    }

    /// The URL of the listing of `kind`'s pages whose facet `def` has `value`.
    pub fn facet_url(&self, kind: &Kind, def: &FieldDef, value: &str) -> String {
        format!("{}{}", self.base, facet_path(kind, def, value))
    }

    /// The page at `i` as a link with card details.
    pub fn link(&self, i: PageIdx) -> LinkView {
        let page = &self.pages[i];
        let kind = self.kind_of(i);
        let tags = kind.fields.iter().filter(|d| d.facet).flat_map(|d| enum_labels(&d.ty, page.fields.get(&d.name))).collect();
        LinkView {
            id: page.id.clone(),
            title: page.title.clone(),
            url: self.url(i),
            kind: kind.name.clone(),
            kind_label: kind.label.clone(),
            summary: self.plain_summary(page, kind),
            tags,
            color: page.value(kind, Role::Color).map(FieldValue::plain),
            draft: page.draft,
        }
    }

    /// The summary as one line of plain text: wikilinks become their text or the target's title.
    fn plain_summary(&self, page: &Page, kind: &Kind) -> String {
        let Some(FieldValue::Text(t)) = page.value(kind, Role::Summary) else { return String::new() };
        let mut out = String::new();
        let mut rest = t.source.as_str();
        while let Some(start) = rest.find("[[") {
            out.push_str(&rest[..start]);
            let Some(end) = rest[start..].find("]]") else { break };
            out.push_str(&self.wikilink_text(&rest[start + 2..start + end]));
            rest = &rest[start + end + 2..];
        }
        out.push_str(rest);
        out.replace(['*', '_', '`'], "").split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn wikilink_text(&self, inner: &str) -> String {
        match inner.split_once('|') {
            Some((_, text)) => text.to_string(),
            None => {
                let id = inner.split('#').next().unwrap_or(inner);
                self.graph.by_id.get(id).map_or_else(|| id.to_string(), |&i| self.pages[i].title.clone())
            }
        }
    }

    fn backlinks(&self, i: PageIdx) -> Vec<BacklinkGroup> {
        // Sets keyed by listing position: no duplicates, already in listing order.
        let mut by_kind: BTreeMap<KindIdx, BTreeSet<(usize, PageIdx)>> = BTreeMap::new();
        for edge in &self.graph.incoming[i] {
            by_kind.entry(self.pages[edge.page].kind).or_default().insert((self.order.rank(edge.page), edge.page));
        }
        by_kind
            .into_iter()
            .map(|(k, list)| {
                let kind = &self.config.kinds[k];
                BacklinkGroup {
                    kind: kind.name.clone(),
                    label: kind.plural.clone(),
                    pages: list.into_iter().map(|(_, p)| self.link(p)).collect(),
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

    fn source(&self, page: &Page, kind: &Kind) -> Option<SourceView> {
        let Some(FieldValue::Object(map)) = page.value(kind, Role::Source) else { return None };
        let file = map.get("file").map(FieldValue::plain).unwrap_or_default();
        let section = map.get("section").map(FieldValue::plain).unwrap_or_default();
        let title = self.config.sources.get(&file).cloned().unwrap_or_else(|| file.clone());
        Some(SourceView { file, title, section })
    }

    /// Titles of the hub pages page `i` belongs to: itself if it is one, or those it refers to in fields.
    pub fn hubs_of(&self, i: PageIdx) -> Vec<String> {
        let Some(hub) = self.config.hub else { return Vec::new() };
        if self.pages[i].kind == hub {
            return vec![self.pages[i].title.clone()];
        }
        let mut titles: Vec<String> = self.graph.outgoing[i]
            .iter()
            .filter(|e| matches!(e.via, crate::graph::Via::Field(_)) && self.pages[e.page].kind == hub)
            .map(|e| self.pages[e.page].title.clone())
            .collect();
        titles.dedup();
        titles
    }

    /// The site-wide template values: navigation, hubs and the hub map.
    pub fn site_view(&self) -> SiteView {
        let hubs = self.hub_nav();
        let (hub_map, hub_ties) = self.hub_map(&hubs);
        SiteView {
            title: self.config.title.clone(),
            description: self.config.description.clone(),
            base: self.base.clone(),
            base_url: self.config.base_url.clone(),
            origin: self.absolute_base().map(|b| b[..b.len() - self.base.len()].to_string()),
            lang: self.config.language.clone(),
            hub_map,
            hub_ties,
            hub_kind: self.config.hub.map(|k| self.config.kinds[k].name.clone()),
            hub_label: self.config.hub.map(|k| self.config.kinds[k].plural.clone()),
            hubs,
            search_url: format!("{}{}", self.base, self.search_path()),
            print_url: format!("{}{}", self.base, self.print_path(0)),
            sections: self.sections(),
            ui: self.ui.iter().map(|(k, v)| (k.clone(), self.with_hubs(v))).collect(),
            feeds: super::feeds::links(self),
            bibliography_url: self.bibliography_url(),
        }
    }

    fn hub_nav(&self) -> Vec<NavItem> {
        let Some(k) = self.config.hub else { return Vec::new() };
        self.order
            .of_kind(k)
            .iter()
            .map(|&i| NavItem {
                title: self.pages[i].title.clone(),
                url: self.url(i),
                color: self.pages[i].value(&self.config.kinds[k], Role::Color).map(FieldValue::plain),
                key: self.pages[i].id.clone(),
            })
            .collect()
    }

    fn sections(&self) -> Vec<NavItem> {
        self.config.kinds.iter().filter(|k| !k.folder.is_empty()).map(|k| self.section_item(k)).collect()
    }

    fn section_item(&self, kind: &Kind) -> NavItem {
        NavItem { title: kind.plural.clone(), url: format!("{}{}", self.base, kind.section_path()), color: None, key: kind.name.clone() }
    }

    /// The map of the hub pages (`hubs`, in listing order) and the ties it draws.
    fn hub_map(&self, hubs: &[NavItem]) -> (String, Vec<TieView>) {
        let Some(k) = self.config.hub else { return (String::new(), Vec::new()) };
        let order = self.order.of_kind(k);
        let nodes: Vec<MapNode> = hubs
            .iter()
            .map(|item| MapNode {
                title: item.title.clone(),
                url: item.url.clone(),
                color: item.color.clone().unwrap_or_else(|| "#555".into()),
            })
            .collect();
        let mut edges = Vec::new();
        for (a, &i) in order.iter().enumerate() {
            for r in &self.graph.related[i] {
                if let Some(b) = order.iter().position(|&p| p == r.hub).filter(|&b| b > a) {
                    edges.push(Tie { a, b, shared: r.shared.len() });
                }
            }
        }
        let ties = hub_map::strongest(&edges, nodes.len(), hub_map::TIES_PER_HUB);
        let views = ties.iter().map(|t| TieView { a: hubs[t.a].clone(), b: hubs[t.b].clone(), shared: t.shared }).collect();
        (hub_map::draw(&nodes, &ties, &self.with_hubs(&self.ui("hub_map_label", ""))), views)
    }

    /// The listing of kind `k`, or of its pages with one `facet` value, and its output path.
    pub fn listing(&self, k: KindIdx, facet: Option<(&FieldDef, &EnumValue)>, facets: &[FacetView]) -> (ListView, String) {
        let kind = &self.config.kinds[k];
        let all = self.order.of_kind(k).iter();
        let Some((def, value)) = facet else {
            let items = all.map(|&i| self.link(i)).collect();
            let list = ListView {
                title: kind.plural.clone(),
                url: format!("{}{}", self.base, kind.section_path()),
                kind: kind.name.clone(),
                items,
                facets: facets.to_vec(),
                parent: None,
            };
            return (list, format!("{}index.html", kind.section_path()));
        };
        let items = all.filter(|&&i| has_enum(self.pages[i].fields.get(&def.name), &value.value)).map(|&i| self.link(i)).collect();
        let path = facet_path(kind, def, &value.value);
        let list = ListView {
            title: format!("{}: {}", kind.plural, value.label),
            url: format!("{}{path}", self.base),
            kind: kind.name.clone(),
            items,
            facets: facets.to_vec(),
            parent: Some(self.section_item(kind)),
        };
        (list, format!("{path}index.html"))
    }

    /// The facets of kind `k`: each facet field with its values, their pages counted.
    pub fn facets(&self, k: KindIdx) -> Vec<FacetView> {
        let kind = &self.config.kinds[k];
        let count =
            |def: &FieldDef, v: &str| self.order.of_kind(k).iter().filter(|&&i| has_enum(self.pages[i].fields.get(&def.name), v)).count();
        kind.fields
            .iter()
            .filter(|d| d.facet)
            .map(|def| FacetView {
                label: def.label.clone(),
                values: self
                    .facet_values(k, def)
                    .into_iter()
                    .map(|v| FacetValueView { count: count(def, &v.value), url: self.facet_url(kind, def, &v.value), label: v.label })
                    .collect(),
            })
            .collect()
    }
}

impl ViewBuilder<'_> {
    /// The values of facet `def` of kind `k` that get listing pages.
    pub fn facet_values(&self, k: KindIdx, def: &FieldDef) -> Vec<EnumValue> {
        facet_values(&def.ty, &def.name, self.order.of_kind(k).iter().map(|&i| &self.pages[i]))
    }
}
