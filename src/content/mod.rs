//! Content: the site's pages, read from `content/` and validated against the schema.
//!
//! The stage runs in three steps, one module each:
//! [`discover`] walks `content/` and assigns each Markdown file its kind by
//! folder; [`frontmatter`] splits a file into YAML front matter and body;
//! [`validate`] checks the front matter against the kind's fields and turns it
//! into typed [`FieldValue`]s. The result is a list of [`Page`]s and the
//! diagnostics for every file that could not become one.

pub mod assets;
pub mod cache;
pub mod discover;
pub mod frontmatter;
pub mod validate;

use crate::config::{Config, Kind, KindIdx, Role};
use crate::diagnostics::{Diagnostic, Diagnostics, FileDiagnostics, Location};
use crate::markdown::Scan;
use cache::PageCache;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// Name of the folder holding the content, relative to the site root.
pub const CONTENT_DIR: &str = "content";

/// Index of a page in the site's page list (`pages[i]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PageIdx(pub usize);

impl PageIdx {
    /// Every index of a list of `count` pages, in order.
    pub fn all(count: usize) -> impl DoubleEndedIterator<Item = PageIdx> + ExactSizeIterator {
        (0..count).map(PageIdx)
    }
}

/// `per_page[i]` for lists with one entry per page, indexed by [`PageIdx`].
macro_rules! index_by_page {
    ($($t:ty),*) => {$(
        impl std::ops::Index<$crate::content::PageIdx> for [$t] {
            type Output = $t;
            fn index(&self, i: $crate::content::PageIdx) -> &$t {
                &self[i.0]
            }
        }
        impl std::ops::Index<$crate::content::PageIdx> for Vec<$t> {
            type Output = $t;
            fn index(&self, i: $crate::content::PageIdx) -> &$t {
                &self[i.0]
            }
        }
        impl std::ops::IndexMut<$crate::content::PageIdx> for Vec<$t> {
            fn index_mut(&mut self, i: $crate::content::PageIdx) -> &mut $t {
                &mut self[i.0]
            }
        }
    )*};
}
pub(crate) use index_by_page;

index_by_page!(Page);

/// One page of content, typed and validated.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Page {
    /// Unique id across the site (file stem unless front matter sets `id`).
    pub id: String,
    /// The page's kind.
    pub kind: KindIdx,
    /// Source path relative to the site root (`content/cases/x.md`).
    pub path: String,
    /// Display title.
    pub title: String,
    /// Site-relative URL path: `""` for the front page, `cases/x/` otherwise.
    pub url: String,
    /// Typed front-matter fields by name.
    pub fields: BTreeMap<String, FieldValue>,
    /// Markdown body (not cached: [`cache`] takes it from the file).
    #[serde(skip)]
    pub body: String,
    /// 1-based line of the file where the body starts.
    pub body_line: usize,
    /// Whether the page is a draft (`draft: true`): left out of `build`
    /// unless drafts are asked for.
    pub draft: bool,
    /// The page's old addresses (`aliases:`), each redirected to its URL.
    pub aliases: Vec<Alias>,
    /// The bibliography entry the page is about (`cite: key`) and where that is written.
    pub cite: Option<(String, Location)>,
}

/// An old address of a page, from its `aliases:`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alias {
    /// Site-relative URL path of the old address (`cases/gammel-id/`).
    pub url: String,
    /// Where the alias is written.
    pub location: Location,
}

/// A typed front-matter value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FieldValue {
    /// Plain one-line text.
    Str(String),
    /// Markdown text and the file line it starts on.
    Text(Text),
    /// A number.
    Number(f64),
    /// A whole number.
    Integer(i64),
    /// A boolean.
    Bool(bool),
    /// A `YYYY-MM-DD` date.
    Date(String),
    /// An absolute URL.
    Url(String),
    /// A `#rrggbb` colour.
    Color(String),
    /// A configured source file name.
    SourceFile(String),
    /// An enum value.
    Enum(String),
    /// A reference to another page.
    Ref(Reference),
    /// A plain name where a reference was allowed but not given.
    Name(String),
    /// A list.
    List(Vec<FieldValue>),
    /// A mapping, by field name.
    Object(BTreeMap<String, FieldValue>),
}

/// Markdown text from front matter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Text {
    /// The Markdown source.
    pub source: String,
    /// 1-based line of the file the text starts on.
    pub line: usize,
}

/// A reference to a page by id, with where it was written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    /// Target page id.
    pub id: String,
    /// Required kind of the target, if any.
    pub kind: Option<String>,
    /// Where the reference is written.
    pub location: Location,
}

impl FieldValue {
    /// Visits every reference in this value, depth first.
    pub fn for_each_ref<'a>(&'a self, f: &mut impl FnMut(&'a Reference)) {
        match self {
            FieldValue::Ref(r) => f(r),
            FieldValue::List(items) => items.iter().for_each(|v| v.for_each_ref(f)),
            FieldValue::Object(map) => map.values().for_each(|v| v.for_each_ref(f)),
            _ => {}
        }
    }

    /// Visits every Markdown text in this value.
    pub fn for_each_text<'a>(&'a self, f: &mut impl FnMut(&'a Text)) {
        match self {
            FieldValue::Text(t) => f(t),
            FieldValue::List(items) => items.iter().for_each(|v| v.for_each_text(f)),
            FieldValue::Object(map) => map.values().for_each(|v| v.for_each_text(f)),
            _ => {}
        }
    }

    /// The value as plain text, for sorting and search metadata.
    pub fn plain(&self) -> String {
        match self {
            FieldValue::Str(s) | FieldValue::Date(s) | FieldValue::Url(s) | FieldValue::Color(s) => s.clone(),
            FieldValue::SourceFile(s) | FieldValue::Enum(s) | FieldValue::Name(s) => s.clone(),
            FieldValue::Text(t) => t.source.clone(),
            FieldValue::Number(n) => n.to_string(),
            FieldValue::Integer(n) => n.to_string(),
            FieldValue::Bool(b) => b.to_string(),
            FieldValue::Ref(r) => r.id.clone(),
            FieldValue::List(items) => items.iter().map(FieldValue::plain).collect::<Vec<_>>().join(", "),
            FieldValue::Object(map) => map.values().map(FieldValue::plain).collect::<Vec<_>>().join(" "),
        }
    }
}

impl Page {
    /// The value of the field that plays `role` in the page's `kind`.
    pub fn value(&self, kind: &Kind, role: Role) -> Option<&FieldValue> {
        self.fields.get(&kind.role(role)?.name)
    }
}

/// Reads every page under `root/content`, validating each against `config`.
pub fn load(root: &Path, config: &Config) -> (Vec<Page>, Diagnostics) {
    let loaded = load_cached(root, config, None);
    (loaded.pages, loaded.diagnostics)
}

/// What [`load_cached`] read.
pub struct CachedLoad {
    /// The pages, as [`load`] gives them.
    pub pages: Vec<Page>,
    /// The problems, as [`load`] gives them.
    pub diagnostics: Diagnostics,
    /// For each page, the hash the next cache keeps it under (`None`: not kept).
    pub hashes: Vec<Option<u128>>,
    /// For each page, the scan of its body, when the cache had it.
    pub scans: Vec<Option<Scan>>,
    /// Whether every page came from the cache and the cache holds no other:
    /// the next cache would be the same.
    pub unchanged: bool,
}

/// As [`load`], taking the pages whose files did not change, and their
/// scans, from `cache`.
pub fn load_cached(root: &Path, config: &Config, cache: Option<&PageCache>) -> CachedLoad {
    let (files, mut diagnostics) = discover::discover(root, config);
    let results: Vec<_> = files.par_iter().map(|file| load_one_cached(file, config, cache)).collect();
    let mut out = CachedLoad {
        pages: Vec::with_capacity(results.len()),
        diagnostics: Diagnostics::new(),
        hashes: Vec::with_capacity(results.len()),
        scans: Vec::with_capacity(results.len()),
        unchanged: true,
    };
    for (page, diags, hash, scan) in results {
        diagnostics.extend(diags);
        out.unchanged &= scan.is_some();
        if let Some(page) = page {
            out.pages.push(page);
            out.hashes.push(hash);
            out.scans.push(scan);
        }
    }
    out.unchanged &= cache.is_some_and(|cache| cache.len() == out.pages.len());
    diagnostics.extend(discover::check_collisions(&out.pages));
    out.diagnostics = diagnostics;
    out
}

/// [`load_one`], taking the page and its scan from `cache` when its file
/// did not change; also returns the hash the next cache keeps it under.
fn load_one_cached(
    file: &discover::SourceFile,
    config: &Config,
    cache: Option<&PageCache>,
) -> (Option<Page>, Diagnostics, Option<u128>, Option<Scan>) {
    let Some(cache) = cache else {
        let (page, diagnostics) = load_one(file, config);
        return (page, diagnostics, None, None);
    };
    let text = match discover::read_text(file) {
        Ok(text) => text,
        Err(d) => {
            let mut diagnostics = Diagnostics::new();
            diagnostics.push(d);
            return (None, diagnostics, None, None);
        }
    };
    let (taken, hash) = cache.take(file, &text);
    if let Some((page, scan)) = taken {
        return (Some(page), Diagnostics::new(), Some(hash), Some(scan));
    }
    let mut diagnostics = Diagnostics::new();
    let page = parse_page(file, &text, config, &mut diagnostics);
    let hash = diagnostics.is_empty().then_some(hash);
    (page, FileDiagnostics::from((file.rel_path.as_str(), diagnostics)).finish(), hash, None)
}

/// Reads and validates one discovered file.
pub fn load_one(file: &discover::SourceFile, config: &Config) -> (Option<Page>, Diagnostics) {
    let mut diagnostics = Diagnostics::new();
    let text = match discover::read_text(file) {
        Ok(text) => text,
        Err(d) => {
            diagnostics.push(d);
            return (None, diagnostics);
        }
    };
    let page = parse_page(file, &text, config, &mut diagnostics);
    (page, FileDiagnostics::from((file.rel_path.as_str(), diagnostics)).finish())
}

/// Turns the text of one file into a page, reporting problems into `diagnostics`.
pub fn parse_page(file: &discover::SourceFile, text: &str, config: &Config, diagnostics: &mut Diagnostics) -> Option<Page> {
    let split = match frontmatter::split(&file.rel_path, text) {
        Ok(split) => split,
        Err(d) => {
            diagnostics.push(d);
            return None;
        }
    };
    let kind = &config.kinds[file.kind];
    let fields = validate::validate(&file.rel_path, &split, kind, config, diagnostics)?;
    let id = fields.id.unwrap_or_else(|| file.stem.clone());
    if !crate::slug::is_slug(&id) {
        let help = format!("rename the file or set `id:` to a slug such as `{}`", crate::slug::slugify(&id));
        diagnostics.push(Diagnostic::error(Location::new(&file.rel_path, 1, 1), format!("page id `{id}` is not a slug")).with_help(help));
        return None;
    }
    let title = fields.values.get(&kind.title_field).map(FieldValue::plain).unwrap_or_else(|| id.clone());
    let url = page_url(&kind.folder, &id);
    let aliases = fields.aliases.into_iter().filter_map(|(written, at)| alias(&kind.folder, &written, at, diagnostics)).collect();
    Some(Page {
        id,
        kind: file.kind,
        path: file.rel_path.clone(),
        title,
        url,
        fields: fields.values,
        body: split.body.to_string(),
        body_line: split.body_line,
        draft: fields.draft,
        aliases,
        cite: fields.cite,
    })
}

/// The alias `written` of a page in `folder`: an old id (`gammel-id`, in
/// the page's folder) or a path from the site's root (`/gammel/sti/`).
fn alias(folder: &str, written: &str, location: Location, diagnostics: &mut Diagnostics) -> Option<Alias> {
    let url = match written.strip_prefix('/') {
        Some(path) => {
            let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
            (!segments.is_empty() && segments.iter().all(|s| crate::slug::is_slug(s))).then(|| format!("{}/", segments.join("/")))
        }
        None => crate::slug::is_slug(written).then(|| page_url(folder, written)),
    };
    if url.is_none() {
        let help =
            format!("write an old id such as `{}`, or a path from the site's root such as `/old/path/`", crate::slug::slugify(written));
        diagnostics
            .push(Diagnostic::error(location.clone(), format!("alias `{written}` is neither an id nor a path of slugs")).with_help(help));
    }
    url.map(|url| Alias { url, location })
}

/// URL path of a page of a kind in `folder` with `id`.
pub fn page_url(folder: &str, id: &str) -> String {
    match (folder, id) {
        ("", "index") => String::new(),
        ("", id) => format!("{id}/"),
        (folder, id) => format!("{folder}/{id}/"),
    }
}
