//! The site configuration (`site.yaml`): site settings and the content schema.
//!
//! `site.yaml` declares the *kinds* of content (actor, case, person, …), the
//! folder each kind lives in, and the typed fields of its front matter. Raw
//! serde structs (`deny_unknown_fields`, so a misspelt key is an error) are
//! resolved into a validated [`Config`] whose [`FieldType`]s the content
//! validator walks.

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::yaml::{self, Limits};
use serde::Deserialize;
use serde_norway::{Mapping, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// File name of the site configuration, relative to the site root.
pub const CONFIG_FILE: &str = "site.yaml";

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
    pub hub: Option<String>,
    /// Search index options.
    pub search: SearchConfig,
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

fn default_shard_pages() -> usize {
    crate::search::DEFAULT_SHARD_PAGES
}

/// Markdown options from `site.yaml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// Whether raw HTML in Markdown is passed through (off: it is an error).
    #[serde(default)]
    pub allow_raw_html: bool,
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
    pub sort: Option<String>,
    /// Declared fields, in order.
    pub fields: Vec<FieldDef>,
    /// How much the text of this kind's pages counts in search (1 = normal).
    pub search_weight: f64,
}

impl Kind {
    /// The declared field called `name`.
    pub fn field(&self, name: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// URL path of the kind's listing page, relative to the site root (`cases/`).
    pub fn section_path(&self) -> String {
        if self.folder.is_empty() { String::new() } else { format!("{}/", self.folder) }
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

// ---------- raw, as written in site.yaml ----------

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default = "default_base_url")]
    base_url: String,
    #[serde(default = "default_language")]
    language: String,
    #[serde(default = "default_theme")]
    theme: String,
    #[serde(default)]
    markdown: MarkdownConfig,
    #[serde(default)]
    search: SearchConfig,
    #[serde(default)]
    sources: BTreeMap<String, String>,
    #[serde(default)]
    types: Mapping,
    kinds: Mapping,
    hub: Option<String>,
}

fn default_base_url() -> String {
    "/".into()
}
fn default_language() -> String {
    "da".into()
}
fn default_theme() -> String {
    "default".into()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKind {
    folder: String,
    label: Option<String>,
    plural: Option<String>,
    title_field: Option<String>,
    sort: Option<String>,
    search_weight: Option<f64>,
    fields: Mapping,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawType {
    #[serde(rename = "type")]
    ty: String,
    #[serde(default)]
    required: bool,
    label: Option<String>,
    #[serde(default)]
    facet: bool,
    values: Option<Value>,
    of: Option<Box<RawType>>,
    min: Option<usize>,
    max: Option<usize>,
    kind: Option<String>,
    #[serde(default)]
    or_name: bool,
    fields: Option<Mapping>,
}

/// Reads and validates `site.yaml` under `root`.
pub fn load(root: &Path) -> Result<Config, Diagnostics> {
    let path = root.join(CONFIG_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        let d = Diagnostic::error(Location::new(CONFIG_FILE, 1, 1), format!("cannot read the site configuration: {e}"))
            .with_help(format!("create `{CONFIG_FILE}` in the site folder, or pass the site folder with --root"));
        one(d)
    })?;
    parse(&text)
}

fn one(d: Diagnostic) -> Diagnostics {
    let mut all = Diagnostics::new();
    all.push(d);
    all
}

/// Parses and validates the text of `site.yaml`.
pub fn parse(text: &str) -> Result<Config, Diagnostics> {
    let value = yaml::parse(text, Limits::CONFIG)
        .map_err(|e| one(Diagnostic::error(Location::new(CONFIG_FILE, e.line, e.col), e.message).with_help(e.help)))?;
    let raw: RawConfig = serde_norway::from_value(value)
        .map_err(|e| one(config_error(text, &e.to_string()).with_help("see the README's section on site.yaml for the allowed keys")))?;
    let types = raw.types.clone();
    Resolver { text, types: &types, diagnostics: Diagnostics::new() }.resolve(raw)
}

fn config_error(text: &str, message: &str) -> Diagnostic {
    let location = backticked(message)
        .and_then(|key| yaml::locate_after(text, 1, &format!("{key}:")))
        .map_or(Location::new(CONFIG_FILE, 1, 1), |(l, c)| Location::new(CONFIG_FILE, l, c));
    Diagnostic::error(location, message.to_string())
}

fn backticked(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(&message[start..start + len])
}

struct Resolver<'a> {
    text: &'a str,
    types: &'a Mapping,
    diagnostics: Diagnostics,
}

impl Resolver<'_> {
    fn resolve(mut self, raw: RawConfig) -> Result<Config, Diagnostics> {
        let mut kinds = Vec::new();
        for (name, value) in &raw.kinds {
            let Some(name) = name.as_str() else { continue };
            match serde_norway::from_value::<RawKind>(value.clone()) {
                Ok(kind) => kinds.push(self.kind(name, kind)),
                Err(e) => self.error(name, format!("kind `{name}`: {e}"), "check the keys of this kind"),
            }
        }
        self.check_kinds(&kinds);
        if let Some(hub) = &raw.hub
            && !kinds.iter().any(|k| &k.name == hub)
        {
            self.error("hub", format!("`hub: {hub}` is not a declared kind"), "name one of the kinds under `kinds:`");
        }
        if self.diagnostics.has_errors() {
            return Err(self.diagnostics);
        }
        Ok(Config {
            title: raw.title,
            description: raw.description,
            base_url: normalise_base_url(&raw.base_url),
            language: raw.language,
            theme: raw.theme,
            markdown: raw.markdown,
            sources: raw.sources,
            kinds,
            hub: raw.hub,
            search: raw.search,
        })
    }

    fn error(&mut self, near: &str, message: String, help: &str) {
        let (line, col) = yaml::locate_after(self.text, 1, &format!("{near}:")).unwrap_or((1, 1));
        self.diagnostics.push(Diagnostic::error(Location::new(CONFIG_FILE, line, col), message).with_help(help));
    }

    fn kind(&mut self, name: &str, raw: RawKind) -> Kind {
        let fields = self.fields(name, &raw.fields);
        let title_field = raw.title_field.unwrap_or_else(|| "title".into());
        Kind {
            name: name.to_string(),
            folder: raw.folder.trim_matches('/').to_string(),
            label: raw.label.unwrap_or_else(|| name.to_string()),
            plural: raw.plural.unwrap_or_else(|| name.to_string()),
            title_field,
            sort: raw.sort,
            fields,
            search_weight: raw.search_weight.unwrap_or(1.0).clamp(0.0, 10.0),
        }
    }

    fn fields(&mut self, owner: &str, map: &Mapping) -> Vec<FieldDef> {
        let mut out = Vec::new();
        for (key, value) in map {
            let Some(key) = key.as_str() else { continue };
            match serde_norway::from_value::<RawType>(value.clone()) {
                Ok(raw) => {
                    if let Some(def) = self.field(owner, key, &raw, 0) {
                        out.push(def);
                    }
                }
                Err(e) => self.error(key, format!("field `{owner}.{key}`: {e}"), "a field is `{ type: …, required: … }`"),
            }
        }
        out
    }

    fn field(&mut self, owner: &str, name: &str, raw: &RawType, depth: usize) -> Option<FieldDef> {
        let ty = self.ty(owner, name, raw, depth)?;
        let named = self.named(&raw.ty);
        let label = raw.label.clone().or_else(|| named.as_ref().and_then(|n| n.label.clone()));
        Some(FieldDef {
            name: name.to_string(),
            label: label.unwrap_or_else(|| name.to_string()),
            required: raw.required,
            facet: raw.facet,
            ty,
        })
    }

    fn named(&self, name: &str) -> Option<RawType> {
        let value = self.types.get(name)?;
        serde_norway::from_value(value.clone()).ok()
    }

    fn ty(&mut self, owner: &str, name: &str, raw: &RawType, depth: usize) -> Option<FieldType> {
        if depth > 8 {
            self.error(name, format!("field `{owner}.{name}`: types nest too deeply"), "a named type may not refer to itself");
            return None;
        }
        let ty = match raw.ty.as_str() {
            "string" => FieldType::String,
            "text" => FieldType::Text,
            "number" => FieldType::Number,
            "integer" => FieldType::Integer,
            "bool" => FieldType::Bool,
            "date" => FieldType::Date,
            "url" => FieldType::Url,
            "color" => FieldType::Color,
            "source_file" => FieldType::SourceFile,
            "enum" => FieldType::Enum(self.enum_values(owner, name, raw.values.as_ref())?),
            "list" => {
                let Some(of) = &raw.of else {
                    self.error(name, format!("field `{owner}.{name}`: a list needs `of`"), "add `of: { type: string }`");
                    return None;
                };
                let of = self.ty(owner, name, of, depth + 1)?;
                FieldType::List { of: Box::new(of), min: raw.min.unwrap_or(0), max: raw.max }
            }
            "ref" => FieldType::Ref { kind: raw.kind.clone(), or_name: raw.or_name },
            "object" => {
                let Some(fields) = &raw.fields else {
                    self.error(name, format!("field `{owner}.{name}`: an object needs `fields`"), "add `fields:`");
                    return None;
                };
                FieldType::Object(self.fields(&format!("{owner}.{name}"), fields))
            }
            other => match self.named(other) {
                Some(named) => self.ty(owner, name, &named, depth + 1)?,
                None => {
                    self.error(
                        name,
                        format!("field `{owner}.{name}` has unknown type `{other}`"),
                        "use string, text, number, integer, bool, date, url, color, source_file, enum, list, ref, object, or a name under `types:`",
                    );
                    return None;
                }
            },
        };
        Some(ty)
    }

    fn enum_values(&mut self, owner: &str, name: &str, values: Option<&Value>) -> Option<Vec<EnumValue>> {
        let pair = |k: &Value, v: Option<&Value>| {
            let value = k.as_str()?.to_string();
            let label = v.and_then(Value::as_str).map_or_else(|| value.clone(), str::to_string);
            Some(EnumValue { value, label })
        };
        let list: Option<Vec<EnumValue>> = match values {
            Some(Value::Sequence(items)) => items.iter().map(|k| pair(k, None)).collect(),
            Some(Value::Mapping(map)) => map.iter().map(|(k, v)| pair(k, Some(v))).collect(),
            _ => None,
        };
        if list.as_ref().is_none_or(Vec::is_empty) {
            self.error(
                name,
                format!("field `{owner}.{name}`: an enum needs `values`"),
                "give a list of strings, or a mapping value → label",
            );
            return None;
        }
        list
    }

    fn check_kinds(&mut self, kinds: &[Kind]) {
        let names: Vec<&str> = kinds.iter().map(|k| k.name.as_str()).collect();
        for kind in kinds {
            if kind.field(&kind.title_field).is_none() {
                self.error(
                    &kind.name,
                    format!("kind `{}` has no field `{}` to use as title", kind.name, kind.title_field),
                    "declare a `title` field or set `title_field`",
                );
            }
            if !kind.folder.is_empty() && !crate::slug::is_slug(&kind.folder) {
                self.error(
                    &kind.name,
                    format!("kind `{}`: folder `{}` is not a slug", kind.name, kind.folder),
                    "use lowercase letters, digits and dashes",
                );
            }
            for_each_ref(&kind.fields, &mut |target| {
                if !names.contains(&target) {
                    self.error(
                        &kind.name,
                        format!("kind `{}` refers to unknown kind `{target}`", kind.name),
                        "declare that kind under `kinds:`",
                    );
                }
            });
        }
        for (i, kind) in kinds.iter().enumerate() {
            if kinds[..i].iter().any(|k| k.folder == kind.folder) {
                self.error(&kind.name, format!("two kinds use the folder `{}`", kind.folder), "give every kind its own folder");
            }
        }
    }
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
    fn base_paths() {
        assert_eq!(base_path("https://x.github.io/kursus"), "/kursus/");
        assert_eq!(base_path("https://x.github.io"), "/");
        assert_eq!(base_path("/sub/"), "/sub/");
    }
}
