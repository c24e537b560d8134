//! Atom feeds: one per kind with a date field, and one for the whole site.
//!
//! A kind's *date field* is the field it sorts by, when that is a date, or
//! else its first date field. The pages that have one, newest first, are the
//! entries of the kind's feed (`<folder>/atom.xml`); the entries of all such
//! kinds make the site's feed (`atom.xml`). Feeds need absolute addresses,
//! so they are written only when `base_url` is absolute; otherwise [`check`]
//! warns once and says how to get them. [`planned`] is the one place that
//! decides which feeds exist, for the writer and for [`super::plan`] alike.

use super::view::ViewBuilder;
use super::views::FeedLink;
use crate::config::{CONFIG_FILE, Config, FieldDef, FieldType, Kind, KindIdx};
use crate::content::{FieldValue, Page, PageIdx};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::files::{OutputFile, Sink};
use crate::html::escape;

/// Entries per feed: the newest, as feed readers only look at the latest.
pub const FEED_ENTRIES: usize = 50;

/// The file name of a feed in its folder.
pub const FEED_FILE: &str = "atom.xml";

/// One feed to write.
#[derive(Debug, Clone)]
pub struct Feed {
    /// The kind it is the feed of; `None` for the whole site's.
    pub kind: Option<KindIdx>,
    /// Site-relative path of the file (`cases/atom.xml`).
    pub path: String,
    /// The entries, newest first, each with its date.
    pub entries: Vec<(PageIdx, String)>,
}

/// The date field of `kind`: the field it sorts by when that is a date, or else its first date field.
pub fn date_field(kind: &Kind) -> Option<&FieldDef> {
    let sorted = kind.sort.as_ref().and_then(|s| kind.field(&s.field)).filter(|d| d.ty == FieldType::Date);
    sorted.or_else(|| kind.fields.iter().find(|d| d.ty == FieldType::Date))
}

/// The pages of every kind with a date field that have a date, by kind, newest first.
fn dated(config: &Config, pages: &[Page]) -> Vec<(KindIdx, Vec<(PageIdx, String)>)> {
    let mut out = Vec::new();
    for (k, kind) in config.kinds().filter(|(_, kind)| !kind.folder.is_empty()) {
        let Some(def) = date_field(kind) else { continue };
        let mut entries: Vec<(PageIdx, String)> = PageIdx::all(pages.len())
            .filter(|&i| pages[i].kind == k)
            .filter_map(|i| match pages[i].fields.get(&def.name) {
                Some(FieldValue::Date(date)) => Some((i, date.clone())),
                _ => None,
            })
            .collect();
        if !entries.is_empty() {
            newest_first(&mut entries, pages);
            out.push((k, entries));
        }
    }
    out
}

fn newest_first(entries: &mut Vec<(PageIdx, String)>, pages: &[Page]) {
    entries.sort_by(|(a, da), (b, db)| db.cmp(da).then_with(|| pages[*a].title.cmp(&pages[*b].title)));
    entries.truncate(FEED_ENTRIES);
}

/// The feeds a build writes: none unless `base_url` is absolute.
pub fn planned(config: &Config, pages: &[Page]) -> Vec<Feed> {
    if !config.base_url.contains("://") {
        return Vec::new();
    }
    let by_kind = dated(config, pages);
    let mut all: Vec<(PageIdx, String)> = by_kind.iter().flat_map(|(_, entries)| entries.iter().cloned()).collect();
    let mut feeds: Vec<Feed> = by_kind
        .into_iter()
        .map(|(k, entries)| Feed { kind: Some(k), path: format!("{}{FEED_FILE}", config.kinds[k].section_path()), entries })
        .collect();
    if !all.is_empty() {
        newest_first(&mut all, pages);
        feeds.insert(0, Feed { kind: None, path: FEED_FILE.to_string(), entries: all });
    }
    feeds
}

/// One warning when `base_url` is not a full address: what needs one (the
/// sitemap, the feeds of kinds whose pages have dates, canonical and sharing
/// tags) is left out, and how to get it.
pub fn check(config: &Config, pages: &[Page]) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    if config.base_url.contains("://") {
        return diagnostics;
    }
    let kinds: Vec<String> = dated(config, pages).iter().map(|(k, _)| format!("`{}`", config.kinds[*k].name)).collect();
    let feeds = if kinds.is_empty() { String::new() } else { format!(", no Atom feeds for {}", kinds.join(", ")) };
    let message = format!("`base_url` is not a full address, so the site has no sitemap.xml{feeds} and no canonical or sharing tags");
    let help = "set `base_url: https://example.org/path/` in site.yaml, or build with `--base-url https://…/`, to get them";
    diagnostics.push(Diagnostic::warning(Location::new(CONFIG_FILE, 1, 1), message).with_help(help));
    diagnostics
}

/// The `<link rel="alternate">`s of the feeds, for `<head>`.
pub fn links(views: &ViewBuilder<'_>) -> Vec<FeedLink> {
    let config = views.config();
    planned(config, views.pages())
        .into_iter()
        .map(|feed| FeedLink {
            title: feed_title(config, feed.kind),
            url: format!("{}{}", views.base(), feed.path),
            kind: feed.kind.map(|k| config.kinds[k].name.clone()),
        })
        .collect()
}

fn feed_title(config: &Config, kind: Option<KindIdx>) -> String {
    match kind {
        Some(k) => format!("{}: {}", config.title, config.kinds[k].plural),
        None => config.title.clone(),
    }
}

/// Writes every planned feed into `sink`.
pub fn write(views: &ViewBuilder<'_>, sink: Sink<'_>) {
    let Some(base) = views.absolute_base() else { return };
    for feed in planned(views.config(), views.pages()) {
        sink(OutputFile::text(feed.path.clone(), atom(views, base, &feed)));
    }
}

/// The Atom document of `feed`.
fn atom(views: &ViewBuilder<'_>, base: &str, feed: &Feed) -> String {
    let config = views.config();
    let home = format!("{base}{}", feed.kind.map_or_else(String::new, |k| config.kinds[k].section_path()));
    let updated = feed.entries.first().map_or("1970-01-01", |(_, date)| date.as_str());
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n\
         <title>{}</title>\n<id>{}</id>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n\
         <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n<updated>{updated}T00:00:00Z</updated>\n\
         <author><name>{}</name></author>\n<generator>ledestjerne</generator>\n",
        escape(&config.language),
        escape(&feed_title(config, feed.kind)),
        escape(&home),
        escape(&format!("{base}{}", feed.path)),
        escape(&home),
        escape(&config.title),
    );
    for (i, date) in &feed.entries {
        xml.push_str(&entry(views, *i, date));
    }
    xml.push_str("</feed>\n");
    xml
}

/// One `<entry>`: the page's title, address, date and summary.
fn entry(views: &ViewBuilder<'_>, i: PageIdx, date: &str) -> String {
    let link = views.link(i);
    let url = escape(&views.absolute_url(i).unwrap_or(link.url));
    let summary = if link.summary.is_empty() { String::new() } else { format!("<summary>{}</summary>\n", escape(&link.summary)) };
    format!(
        "<entry>\n<title>{}</title>\n<id>{url}</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n\
         <updated>{date}T00:00:00Z</updated>\n{summary}</entry>\n",
        escape(&link.title)
    )
}
