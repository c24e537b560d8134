//! The site configuration (`site.yaml`): site settings and the content schema.
//!
//! `site.yaml` declares the *kinds* of content (actor, case, person, …), the
//! folder each kind lives in, and the typed fields of its front matter. Raw
//! serde structs (`deny_unknown_fields`, so a misspelt key is an error) are
//! resolved into a validated [`Config`] whose [`FieldType`]s the content
//! validator walks.

mod raw;
#[cfg(test)]
mod reference;
mod resolve;
pub mod roles;

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::yaml::{self, Limits};
pub use roles::{Role, Roles};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// File name of the site configuration, relative to the site root.
pub const CONFIG_FILE: &str = "site.yaml";

/// Built-in front-matter field of every kind that overrides the page id.
pub const ID_KEY: &str = "id";
/// Built-in front-matter field of every kind: `draft: true` leaves the page out of `build`.
pub const DRAFT_KEY: &str = "draft";
/// Built-in front-matter field of every kind: the page's old addresses, redirected to it.
pub const ALIASES_KEY: &str = "aliases";
/// Built-in front-matter field of every kind: the bibliography entry the page is about (`cite: bason2017`).
pub const CITE_KEY: &str = "cite";
/// The built-in fields, which no kind may declare.
pub const BUILT_IN_FIELDS: [&str; 4] = [ID_KEY, DRAFT_KEY, ALIASES_KEY, CITE_KEY];

/// A validated site configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Site title.
    pub title: String,
    /// One-line description, used in `<meta name="description">`.
    pub description: String,
    /// Public URL of the site; may contain a path (`https://x.github.io/kursus/`).
    pub base_url: String,
    /// Language code for `<html lang>`.
    pub language: String,
    /// Theme folder name under `themes/`.
    pub theme: String,
    /// Markdown options.
    pub markdown: MarkdownConfig,
    /// Known source files: file name → human title.
    pub sources: BTreeMap<String, String>,
    /// Content kinds in declaration order.
    pub kinds: Vec<Kind>,
    /// The kind whose pages are hubs (related hubs are computed for them).
    pub hub: Option<KindIdx>,
    /// Search index options.
    pub search: SearchConfig,
    /// Bibliography files and citation style.
    pub bibliography: BibliographyConfig,
    /// Whether draft pages are built (`build --drafts`, `serve`); not a
    /// key of `site.yaml` but a choice of the command.
    pub show_drafts: bool,
    /// Whether links name `index.html` files, so that the site works from
    /// a folder (`portable: true`, `build --portable`).
    pub portable: bool,
}

/// Search options from `site.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    /// Pages per search bundle: larger sites get several, built in parallel
    /// and merged in the browser.
    #[serde(default = "default_shard_pages")]
    pub shard_pages: usize,
}

impl Default for SearchConfig {
    fn default() -> Self {
        Self { shard_pages: default_shard_pages() }
    }
}

/// Pages per search bundle unless `site.yaml` says otherwise (`search: shard_pages:`).
pub const DEFAULT_SHARD_PAGES: usize = 500;

fn default_shard_pages() -> usize {
    DEFAULT_SHARD_PAGES
}

/// The bibliography from `site.yaml`: the files its entries are read from
/// (BibLaTeX/BibTeX `.bib`, Hayagriva `.yaml`/`.yml`, relative to the site
/// root) and the citation style; read and checked by the `cite` stage.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BibliographyConfig {
    /// The bibliography files, in the order written.
    #[serde(default)]
    pub files: Vec<String>,
    /// A CSL style by name (`apa`, `chicago-author-date`, …); APA when not set.
    pub style: Option<String>,
}

/// Markdown options from `site.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// Whether raw HTML in Markdown is passed through (off: it is an error).
    #[serde(default)]
    pub allow_raw_html: bool,
    /// How many headings a page needs before it gets a contents box.
    #[serde(default = "default_toc_min_headings")]
    pub toc_min_headings: usize,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig { allow_raw_html: false, toc_min_headings: default_toc_min_headings() }
    }
}

fn default_toc_min_headings() -> usize {
    3
}

/// Index of a kind in [`Config::kinds`] (`config.kinds[k]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct KindIdx(pub usize);

impl std::ops::Index<KindIdx> for [Kind] {
    type Output = Kind;
    fn index(&self, k: KindIdx) -> &Kind {
        &self[k.0]
    }
}

impl std::ops::Index<KindIdx> for Vec<Kind> {
    type Output = Kind;
    fn index(&self, k: KindIdx) -> &Kind {
        &self[k.0]
    }
}

impl Config {
    /// Every kind with its index, in declaration order.
    pub fn kinds(&self) -> impl Iterator<Item = (KindIdx, &Kind)> {
        self.kinds.iter().enumerate().map(|(k, kind)| (KindIdx(k), kind))
    }
}

/// One kind of content.
#[derive(Debug, Clone)]
pub struct Kind {
    /// Name used in the schema and templates (`case`).
    pub name: String,
    /// Folder under `content/` holding this kind (`cases`); empty for top-level pages.
    pub folder: String,
    /// Singular display label (`Case`).
    pub label: String,
    /// Plural display label (`Cases`).
    pub plural: String,
    /// Field that holds the page title.
    pub title_field: String,
    /// Field to sort listings by (titles when absent).
    pub sort: Option<SortKey>,
    /// Declared fields, in order.
    pub fields: Vec<FieldDef>,
    /// Which fields play the roles the generator knows.
    pub roles: Roles,
    /// How much the text of this kind's pages counts in search (1 = normal).
    pub search_weight: f64,
}

impl Kind {
    /// The declared field called `name`.
    pub fn field(&self, name: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The field that plays `role`, if one does.
    pub fn role(&self, role: Role) -> Option<&FieldDef> {
        self.roles.get(role).map(|i| &self.fields[i])
    }

    /// Whether any field of the kind embeds the fields of the pages it refers to.
    pub fn embeds(&self) -> bool {
        fn embeds(ty: &FieldType) -> bool {
            match ty {
                FieldType::Ref { embed, .. } => *embed,
                FieldType::List { of, .. } => embeds(of),
                FieldType::Object(defs) => defs.iter().any(|d| embeds(&d.ty)),
                _ => false,
            }
        }
        self.fields.iter().any(|d| embeds(&d.ty))
    }

    /// URL path of the kind's listing page, relative to the site root (`cases/`).
    pub fn section_path(&self) -> String {
        if self.folder.is_empty() { String::new() } else { format!("{}/", self.folder) }
    }
}

/// The order of a kind's listing: `sort: date` (ascending) or `sort: -date` (descending).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    /// The field sorted by.
    pub field: String,
    /// Whether the largest (the newest date) comes first.
    pub descending: bool,
}

impl SortKey {
    /// `date` or `-date` as written in `site.yaml`.
    pub fn parse(text: &str) -> SortKey {
        match text.trim().strip_prefix('-') {
            Some(field) => SortKey { field: field.trim().to_string(), descending: true },
            None => SortKey { field: text.trim().to_string(), descending: false },
        }
    }
}

/// One declared field of a kind.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDef {
    /// Key in front matter.
    pub name: String,
    /// Display label (defaults to the key).
    pub label: String,
    /// Whether the field must be present.
    pub required: bool,
    /// Whether listings and search filters are made from its values.
    pub facet: bool,
    /// Value type.
    pub ty: FieldType,
}

/// The type of a field value.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldType {
    /// One line of plain text.
    String,
    /// Markdown text.
    Text,
    /// Any number.
    Number,
    /// A whole number.
    Integer,
    /// `true` or `false`.
    Bool,
    /// A date, `YYYY-MM-DD`.
    Date,
    /// An absolute `http(s)` URL.
    Url,
    /// A colour, `#rrggbb`.
    Color,
    /// The name of one of the configured source files.
    SourceFile,
    /// One of a fixed set of values.
    Enum(Vec<EnumValue>),
    /// A list of values of one type.
    List {
        /// Element type.
        of: Box<FieldType>,
        /// Fewest elements.
        min: usize,
        /// Most elements.
        max: Option<usize>,
    },
    /// A reference to another page by id.
    Ref {
        /// Required kind of the target, or any kind.
        kind: Option<String>,
        /// Whether a plain name (not an id) is accepted instead.
        or_name: bool,
        /// Whether templates also get the target's own field values, one
        /// level deep (a sheet showing the questions of the readings it lists).
        embed: bool,
    },
    /// A mapping with fields of its own.
    Object(Vec<FieldDef>),
}

/// One allowed enum value and its display label.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumValue {
    /// The value as written in front matter.
    pub value: String,
    /// How readers see it.
    pub label: String,
}

impl FieldType {
    /// A short description for error messages ("a list of references to actor").
    pub fn describe(&self) -> String {
        match self {
            FieldType::String => "a string".into(),
            FieldType::Text => "Markdown text".into(),
            FieldType::Number => "a number".into(),
            FieldType::Integer => "a whole number".into(),
            FieldType::Bool => "true or false".into(),
            FieldType::Date => "a date (YYYY-MM-DD)".into(),
            FieldType::Url => "a URL (https://…)".into(),
            FieldType::Color => "a colour (#rrggbb)".into(),
            FieldType::SourceFile => "a source file name".into(),
            FieldType::Enum(values) => format!("one of {}", enum_list(values)),
            FieldType::List { of, .. } => format!("a list of {}", of.describe()),
            FieldType::Ref { kind: Some(k), .. } => format!("the id of a `{k}` page"),
            FieldType::Ref { kind: None, .. } => "the id of a page".into(),
            FieldType::Object(fields) => {
                let names: Vec<_> = fields.iter().map(|f| f.name.as_str()).collect();
                format!("a mapping with {}", names.join(", "))
            }
        }
    }
}

/// `service, produkt` — the values of an enum, for messages.
pub fn enum_list(values: &[EnumValue]) -> String {
    values.iter().map(|v| format!("`{}`", v.value)).collect::<Vec<_>>().join(", ")
}

/// Reads and validates `site.yaml` under `root`.
pub fn load(root: &Path) -> Result<Config, Diagnostics> {
    let path = root.join(CONFIG_FILE);
    let text = crate::tree::Site::new(root).read_to_string(&path).map_err(|e| {
        let e = match e {
            crate::tree::ReadError::Outside(d) => return Diagnostics::from(*d),
            crate::tree::ReadError::Io(e) => e,
        };
        let d = Diagnostic::error(Location::new(CONFIG_FILE, 1, 1), format!("cannot read the site configuration: {e}"))
            .with_help(format!(
                "`ledestjerne init` writes a new site with a `{CONFIG_FILE}`, or pass the site folder with --root; its keys are described in docs/site-yaml.md"
            ));
        Diagnostics::from(d)
    })?;
    parse(&text)
}

/// Parses and validates the text of `site.yaml`.
pub fn parse(text: &str) -> Result<Config, Diagnostics> {
    // The limits first (size, depth, aliases), then serde on the same text,
    // so that its errors carry their own line and column.
    yaml::parse(text, Limits::CONFIG, yaml::Origin { path: CONFIG_FILE, first_line: 1 })?;
    let raw: raw::RawConfig = serde_norway::from_str(text).map_err(|e| serde_error(&e, text))?;
    resolve::Resolver { text, types: &raw.types, diagnostics: Diagnostics::new() }.resolve_config(&raw)
}

/// A serde error at its own place, with its own message.
fn serde_error(e: &serde_norway::Error, text: &str) -> Diagnostic {
    let (line, col) = e.location().map_or((1, 1), |l| yaml::line_feed_position(text, l.line(), l.column()));
    let text = e.to_string();
    let message = text.split(" at line ").next().unwrap_or(&text).to_string();
    Diagnostic::error(Location::new(CONFIG_FILE, line, col), message)
        .with_help("check the spelling and indentation of this key; every key of site.yaml is described in docs/site-yaml.md")
}

fn for_each_ref(fields: &[FieldDef], f: &mut impl FnMut(&str)) {
    fn walk(ty: &FieldType, f: &mut impl FnMut(&str)) {
        match ty {
            FieldType::Ref { kind: Some(k), .. } => f(k),
            FieldType::List { of, .. } => walk(of, f),
            FieldType::Object(fields) => fields.iter().for_each(|d| walk(&d.ty, f)),
            _ => {}
        }
    }
    fields.iter().for_each(|d| walk(&d.ty, f));
}

/// Checks a base URL: `http(s)://host/path/` or a path from the site root
/// (`/kursus/`). Anything else — `javascript:…`, `data:…`, `//host`,
/// `./` — would land in every link of the site, so it is refused with
/// what is wrong and how to write it instead.
pub fn check_base_url(base: &str) -> Result<(), (String, String)> {
    let base = base.trim();
    let help =
        "write the address the site is published at, such as `https://example.github.io/kursus/`, or a path such as `/kursus/`".to_string();
    if base.is_empty() {
        return Ok(());
    }
    if let Some(c) = base.chars().find(|c| c.is_whitespace() || c.is_control() || "\"'<>`\\?#{}|^".contains(*c)) {
        return Err((format!("the base URL `{base}` contains `{}`, which a URL path may not", c.escape_default()), help));
    }
    let lower = base.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
    let ok = match rest {
        Some(rest) => {
            let host = rest.split('/').next().unwrap_or_default();
            !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        }
        None => base.starts_with('/') && !base.starts_with("//"),
    };
    if ok { Ok(()) } else { Err((format!("`{base}` is not a base URL ledestjerne can link with"), help)) }
}

/// `https://x.io/kursus` → `https://x.io/kursus/`; `""` → `/`.
pub fn normalise_base_url(base: &str) -> String {
    let trimmed = base.trim();
    if trimmed.is_empty() { "/".into() } else { format!("{}/", trimmed.trim_end_matches('/')) }
}

/// The path part of a base URL: `https://x.io/kursus/` → `/kursus/`.
pub fn base_path(base_url: &str) -> String {
    let after_scheme = base_url.split_once("://").map_or(base_url, |(_, rest)| rest);
    let path = if base_url.contains("://") { after_scheme.find('/').map_or("/", |i| &after_scheme[i..]) } else { after_scheme };
    normalise_base_url(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "title: T\nkinds:\n  page:\n    folder: \"\"\n    fields:\n      title: { type: string, required: true }\n";

    #[test]
    fn minimal_config_parses() {
        let config = parse(MINIMAL).unwrap();
        assert_eq!(config.kinds.len(), 1);
        assert_eq!(config.base_url, "/");
    }

    #[test]
    fn unknown_top_level_key_is_an_error_with_a_line() {
        let text = format!("{MINIMAL}colour: red\n");
        let err = parse(&text).unwrap_err().sorted();
        assert!(err[0].message.contains("unknown field `colour`"), "{}", err[0]);
        assert_eq!(err[0].location.line, 7);
    }

    #[test]
    fn unknown_field_type_is_an_error() {
        let text = MINIMAL.replace("type: string", "type: strnig");
        let err = parse(&text).unwrap_err().sorted();
        assert!(err[0].message.contains("unknown type `strnig`"), "{}", err[0]);
    }

    #[test]
    fn named_types_resolve() {
        let text = "title: T\ntypes:\n  src:\n    type: object\n    fields:\n      file: { type: string, required: true }\nkinds:\n  page:\n    folder: \"\"\n    fields:\n      title: { type: string }\n      source: { type: src }\n";
        let config = parse(text).unwrap();
        assert!(matches!(config.kinds[0].field("source").unwrap().ty, FieldType::Object(_)));
    }

    #[test]
    fn a_typo_inside_types_is_reported_once_at_its_place() {
        let text = "title: T\ntypes:\n  src:\n    type: object\n    lable: Kilde\n    fields:\n      file: { type: string }\nkinds:\n  page:\n    folder: \"\"\n    fields:\n      title: { type: string }\n      source: { type: src }\n";
        let err = parse(text).unwrap_err().sorted();
        assert_eq!(err.len(), 1, "{err:?}");
        assert!(err[0].message.contains("unknown field `lable`"), "{}", err[0]);
        assert_eq!((err[0].location.line, err[0].location.col), (5, 5), "{}", err[0]);
    }

    #[test]
    fn a_misnamed_role_is_an_error_at_its_place() {
        let text = MINIMAL.replace("required: true }", "required: true }\n      resume: { type: text, role: sumary }");
        let err = parse(&text).unwrap_err().sorted();
        assert!(err[0].message.contains("unknown role `sumary`"), "{}", err[0]);
        assert_eq!(err[0].location.line, 7, "{}", err[0]);
        let text = MINIMAL.replace("required: true }", "required: true }\n      resume: { type: text, role: summary }");
        let config = parse(&text).unwrap();
        assert_eq!(config.kinds[0].role(Role::Summary).map(|f| f.name.as_str()), Some("resume"));
    }

    #[test]
    fn base_urls_are_addresses_or_paths() {
        for ok in ["", "/", "/kursus/", "https://x.github.io/kursus/", "http://127.0.0.1:1111/", "HTTPS://X.IO"] {
            assert!(check_base_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "javascript:alert(document.domain)//x",
            "data:text/html,x",
            "//evil.example/",
            "./",
            "kursus/",
            "https:///x",
            "/a b/",
            "/\"onmouseover=x",
            "ftp://x/",
        ] {
            assert!(check_base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_bad_base_url_or_a_name_that_is_a_path_is_an_error_at_its_line() {
        let text = format!("{MINIMAL}base_url: \"javascript:alert(1)//\"\nlanguage: ../../x\ntheme: /etc\n");
        let err = parse(&text).unwrap_err().sorted();
        let lines: Vec<(usize, &str)> = err.iter().map(|d| (d.location.line, d.message.as_str())).collect();
        assert_eq!(err.len(), 3, "{lines:?}");
        assert!(err[0].message.contains("is not a base URL") && err[0].location.line == 7, "{lines:?}");
        assert!(err[1].message.contains("`language: ../../x` is not a plain name") && err[1].location.line == 8, "{lines:?}");
        assert!(err[2].message.contains("`theme: /etc` is not a plain name") && err[2].location.line == 9, "{lines:?}");
    }

    #[test]
    fn base_paths() {
        assert_eq!(base_path("https://x.github.io/kursus"), "/kursus/");
        assert_eq!(base_path("https://x.github.io"), "/");
        assert_eq!(base_path("/sub/"), "/sub/");
    }
}
