//! Typed views handed to templates.
//!
//! Templates never see the content model directly: each page is turned into a
//! [`PageView`] whose fields are named, typed and already rendered (Markdown to
//! HTML, references to links), so a typo in a template is an error in Tera
//! rather than a silently empty value.

use crate::markdown::Heading;
use serde::Serialize;
use std::collections::BTreeMap;

/// A link to a page, with what a card or list item shows of it.
#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    /// Page id.
    pub id: String,
    /// Page title.
    pub title: String,
    /// URL including the base path.
    pub url: String,
    /// Kind name (`case`).
    pub kind: String,
    /// Kind label (`Case`).
    pub kind_label: String,
    /// Short plain-text summary (may be empty).
    pub summary: String,
    /// Short labels: enum values such as innovation type and sector.
    pub tags: Vec<String>,
    /// The page's colour, if it has one.
    pub color: Option<String>,
    /// Whether the page is a draft (shown only by `build --drafts` and `serve`).
    pub draft: bool,
}

/// A front-matter value, rendered for display.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum ValueView {
    /// Plain text.
    Text {
        /// The text (escaped by the template).
        text: String,
    },
    /// Rendered Markdown.
    Html {
        /// Safe HTML.
        html: String,
    },
    /// A link to another page.
    Link {
        /// The target.
        link: Box<LinkView>,
        /// The target's field values by name, for a reference declared with
        /// `embed: true` (empty otherwise, and never nested further).
        #[serde(skip_serializing_if = "BTreeMap::is_empty")]
        fields: BTreeMap<String, ValueView>,
    },
    /// An enum value with its label and listing page.
    Enum {
        /// Value as written.
        value: String,
        /// Display label.
        label: String,
        /// Listing page of this value, if the field is a facet.
        url: Option<String>,
    },
    /// An external URL.
    Url {
        /// The address.
        href: String,
    },
    /// A list of values.
    List {
        /// The items.
        items: Vec<ValueView>,
    },
    /// A mapping of values.
    Object {
        /// Values by key.
        fields: BTreeMap<String, ValueView>,
    },
}

/// A field with its label, for generic field tables.
#[derive(Debug, Clone, Serialize)]
pub struct FieldView {
    /// Field name.
    pub name: String,
    /// Display label.
    pub label: String,
    /// The rendered value.
    pub value: ValueView,
}

/// Pages of one kind that refer to this page.
#[derive(Debug, Clone, Serialize)]
pub struct BacklinkGroup {
    /// Kind name.
    pub kind: String,
    /// Plural label of the kind.
    pub label: String,
    /// The referring pages.
    pub pages: Vec<LinkView>,
}

/// A related hub page and the pages the two share.
#[derive(Debug, Clone, Serialize)]
pub struct RelatedView {
    /// The related hub.
    pub page: LinkView,
    /// Number of shared pages.
    pub count: usize,
    /// The shared pages.
    pub shared: Vec<LinkView>,
}

/// Where a page's content comes from.
#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    /// Source file name.
    pub file: String,
    /// Human title of the source.
    pub title: String,
    /// Chapter or section.
    pub section: String,
}

/// A chart drawn at build time.
#[derive(Debug, Clone, Serialize)]
pub struct ChartView {
    /// Inline SVG (safe: generated, all text escaped).
    pub svg: String,
    /// The data as rows for an accessible table.
    pub rows: Vec<Vec<String>>,
    /// Column headers of the table.
    pub header: Vec<String>,
}

/// Everything a page template gets as `page`.
#[derive(Debug, Clone, Serialize)]
pub struct PageView {
    /// The page as a link.
    pub link: LinkView,
    /// Rendered summary (may be empty).
    pub summary_html: String,
    /// Rendered body.
    pub body_html: String,
    /// Whether the body has code, formulas, footnotes or task lists, which the theme's `markup.css` styles.
    pub markup_css: bool,
    /// Headings of level 2 and 3, for a table of contents (empty on short pages).
    pub toc: Vec<Heading>,
    /// Fields in schema order, without title and summary.
    pub fields: Vec<FieldView>,
    /// The same values by field name.
    pub field: BTreeMap<String, ValueView>,
    /// Backlinks grouped by kind.
    pub backlinks: Vec<BacklinkGroup>,
    /// For hub pages: related hubs, most shared first.
    pub related: Vec<RelatedView>,
    /// Previous page of the same kind.
    pub prev: Option<LinkView>,
    /// Next page of the same kind.
    pub next: Option<LinkView>,
    /// The page's source.
    pub source: Option<SourceView>,
    /// Chart of a figure page.
    pub chart: Option<ChartView>,
    /// Source path of the page, relative to the site root.
    pub path: String,
    /// The absolute address of the page's image (role `image`), for link
    /// previews; only with an absolute `base_url`.
    pub image: Option<String>,
    /// For hub pages: the print page of the hub with the pages that refer to it.
    pub print_url: Option<String>,
    /// The references of the works the page cites, in the bibliography's order.
    pub references: Vec<ReferenceView>,
    /// On a page about a work (`cite: key`): its full reference as HTML.
    pub reference_html: Option<String>,
}

/// One formatted bibliography entry.
#[derive(Debug, Clone, Serialize)]
pub struct ReferenceView {
    /// Its anchor (`ref-bason2017`), which citations on the page link to.
    pub id: String,
    /// The entry's key.
    pub key: String,
    /// The reference as HTML (escaped text, `<i>` for titles).
    pub html: String,
    /// The page about the work (`cite: key`), if there is one.
    pub page: Option<LinkView>,
}

/// The bibliography page: every entry of the site's bibliography.
#[derive(Debug, Clone, Serialize)]
pub struct BibliographyView {
    /// The page's title (UI string `bibliography`).
    pub title: String,
    /// Every entry, in the style's order.
    pub entries: Vec<ReferenceView>,
}

/// A navigation entry.
#[derive(Debug, Clone, Serialize)]
pub struct NavItem {
    /// Label.
    pub title: String,
    /// URL including the base path.
    pub url: String,
    /// Colour, for hub entries.
    pub color: Option<String>,
    /// Kind or page id this entry stands for.
    pub key: String,
}

/// A page as the print page shows it: one article of the whole course.
///
/// Lighter than [`PageView`] (no backlinks, related pages, neighbours or
/// field views), since the print page holds every page of the site.
#[derive(Debug, Clone, Serialize)]
pub struct PrintView {
    /// The page as a link.
    pub link: LinkView,
    /// Summary as HTML.
    pub summary_html: String,
    /// Body as HTML, as a section of the print page: headings one level
    /// down, ids and `#anchor` links prefixed with `p-<id>-`.
    pub body_html: String,
    /// The page's chart, for figure pages.
    pub chart: Option<ChartView>,
    /// Where the content comes from.
    pub source: Option<SourceView>,
    /// The references of the works the page cites.
    pub references: Vec<ReferenceView>,
}

/// One part of the print page, for the links between parts.
#[derive(Debug, Clone, Serialize)]
pub struct PrintPartView {
    /// 1-based number of the part.
    pub number: usize,
    /// Its URL.
    pub url: String,
    /// Whether it is the part being rendered.
    pub current: bool,
}

/// Site-wide values every template gets as `site`.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    /// Site title.
    pub title: String,
    /// Site description.
    pub description: String,
    /// Base path (`/` or `/kursus/`), for links.
    pub base: String,
    /// Full base URL, for canonical links and the sitemap.
    pub base_url: String,
    /// Scheme and host of an absolute `base_url` (`https://x.github.io`),
    /// for canonical and sharing tags; `None` when the base URL is a path.
    pub origin: Option<String>,
    /// Language code.
    pub lang: String,
    /// Hub pages (actor chapters) in order; empty when `site.yaml` declares no `hub:`.
    pub hubs: Vec<NavItem>,
    /// The name of the hub kind, if there is one.
    pub hub_kind: Option<String>,
    /// The plural label of the hub kind, for headings of hub sections.
    pub hub_label: Option<String>,
    /// The search page's URL, including the base path.
    pub search_url: String,
    /// The print page's URL, including the base path.
    pub print_url: String,
    /// Listing pages of the kinds, in declaration order.
    pub sections: Vec<NavItem>,
    /// UI strings from the theme's translation file.
    pub ui: BTreeMap<String, String>,
    /// Actor map SVG (safe), empty when there are no hubs.
    pub hub_map: String,
    /// The ties the map draws, strongest first, as text for those who cannot see the map.
    pub hub_ties: Vec<TieView>,
    /// The Atom feeds, the whole site's first; empty without an absolute `base_url`.
    pub feeds: Vec<FeedLink>,
    /// The bibliography page's URL, when the site has a bibliography.
    pub bibliography_url: Option<String>,
}

/// A tie between two hubs on the hub map.
#[derive(Debug, Clone, Serialize)]
pub struct TieView {
    /// One hub.
    pub a: NavItem,
    /// The other hub.
    pub b: NavItem,
    /// The number of pages that refer to both.
    pub shared: usize,
}

/// An Atom feed, for `<link rel="alternate">` in `<head>`.
#[derive(Debug, Clone, Serialize)]
pub struct FeedLink {
    /// The feed's title.
    pub title: String,
    /// URL including the base path.
    pub url: String,
    /// The kind it is the feed of; `None` for the whole site's.
    pub kind: Option<String>,
}

/// A value of a facet field with its listing page.
#[derive(Debug, Clone, Serialize)]
pub struct FacetValueView {
    /// Display label.
    pub label: String,
    /// Listing URL.
    pub url: String,
    /// Number of pages with this value.
    pub count: usize,
}

/// A facet field of a kind.
#[derive(Debug, Clone, Serialize)]
pub struct FacetView {
    /// Field label.
    pub label: String,
    /// Values.
    pub values: Vec<FacetValueView>,
}

/// Everything a listing template gets as `list`.
#[derive(Debug, Clone, Serialize)]
pub struct ListView {
    /// Heading.
    pub title: String,
    /// URL including the base path.
    pub url: String,
    /// Kind name.
    pub kind: String,
    /// The listed pages.
    pub items: Vec<LinkView>,
    /// Facets of the kind, for filter links.
    pub facets: Vec<FacetView>,
    /// For a facet value's listing: the kind's listing.
    pub parent: Option<NavItem>,
}
