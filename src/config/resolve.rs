//! From the raw `site.yaml` to a validated [`Config`]: named types are
//! resolved, field types checked, roles assigned, and the kinds checked
//! against each other. Every problem is reported; none stops the others.

use super::raw::{Ordered, RawConfig, RawKind, RawType};
use super::roles::{self, Roles};
use super::{CONFIG_FILE, Config, EnumValue, FieldDef, FieldType, Kind, KindIdx, SortKey, normalise_base_url};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::yaml;
use serde_norway::Value;

/// Named types may refer to each other this deep, no deeper.
const MAX_TYPE_DEPTH: usize = 8;

pub(super) struct Resolver<'a> {
    pub text: &'a str,
    pub types: &'a Ordered<RawType>,
    pub diagnostics: Diagnostics,
}

impl Resolver<'_> {
    pub fn resolve_config(mut self, raw: &RawConfig) -> Result<Config, Diagnostics> {
        self.check_settings(raw);
        let kinds: Vec<Kind> = raw.kinds.0.iter().map(|(name, kind)| self.kind(name, kind)).collect();
        self.check_kinds(&kinds);
        let hub = raw.hub.as_ref().and_then(|hub| self.hub(hub, &kinds));
        if self.diagnostics.has_errors() {
            return Err(self.diagnostics);
        }
        Ok(Config {
            title: raw.title.clone(),
            description: raw.description.clone(),
            base_url: normalise_base_url(&raw.base_url),
            language: raw.language.clone(),
            theme: raw.theme.clone(),
            markdown: raw.markdown.clone(),
            sources: raw.sources.clone(),
            kinds,
            hub,
            search: raw.search.clone(),
            bibliography: raw.bibliography.clone(),
            show_drafts: false,
            portable: raw.portable,
        })
    }

    /// The base URL, and the language and theme, which name files and so must be plain names.
    fn check_settings(&mut self, raw: &RawConfig) {
        if raw.title.trim().is_empty() {
            let help = "add `title: \"The name of the site\"`: it heads every page";
            self.error_at("title:", "the site has no title".into(), help);
        }
        if raw.kinds.0.is_empty() {
            let help = "add `kinds:` with at least one kind, e.g. `page: { folder: \"\", fields: { title: { type: string, required: true } } }`; `ledestjerne init` writes a working site.yaml";
            self.error_at("kinds:", "the site declares no kinds of pages".into(), help);
        }
        if let Err((message, help)) = super::check_base_url(&raw.base_url) {
            self.error("base_url", message, &help);
        }
        for (key, value) in [("language", &raw.language), ("theme", &raw.theme)] {
            let plain = !value.is_empty() && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !plain {
                let message = format!("`{key}: {value}` is not a plain name");
                self.error(key, message, &format!("`{key}` names a folder or file of the theme: use letters, digits, `-` and `_` only"));
            }
        }
    }

    fn hub(&mut self, hub: &str, kinds: &[Kind]) -> Option<KindIdx> {
        let found = kinds.iter().position(|k| k.name == hub).map(KindIdx);
        if found.is_none() {
            self.error("hub", format!("`hub: {hub}` is not a declared kind"), "name one of the kinds under `kinds:`");
        }
        found
    }

    /// An error at the first `near:` in the file.
    pub fn error(&mut self, near: &str, message: String, help: &str) {
        self.error_at(&format!("{near}:"), message, help);
    }

    /// An error at the first `needle` in the file.
    pub fn error_at(&mut self, needle: &str, message: String, help: &str) {
        let (line, col) = yaml::locate_after(self.text, 1, needle).unwrap_or((1, 1));
        self.diagnostics.push(Diagnostic::error(Location::new(CONFIG_FILE, line, col), message).with_help(reference(help)));
    }

    fn kind(&mut self, name: &str, raw: &RawKind) -> Kind {
        let fields = self.fields(name, &raw.fields);
        let roles = self.roles(name, &raw.fields, &fields);
        Kind {
            name: name.to_string(),
            folder: raw.folder.trim_matches('/').to_string(),
            label: raw.label.clone().unwrap_or_else(|| name.to_string()),
            plural: raw.plural.clone().unwrap_or_else(|| name.to_string()),
            title_field: raw.title_field.clone().unwrap_or_else(|| "title".into()),
            sort: raw.sort.as_deref().map(SortKey::parse),
            fields,
            roles,
            search_weight: raw.search_weight.unwrap_or(1.0).clamp(0.0, 10.0),
        }
    }

    /// The roles of a kind's fields: declared with `role:`, or by name.
    fn roles(&mut self, kind: &str, raw: &Ordered<RawType>, fields: &[FieldDef]) -> Roles {
        let declared = raw.0.iter().filter_map(|(name, t)| Some((name.as_str(), t.role.as_deref()?)));
        match roles::assign(fields, declared) {
            Ok(roles) => roles,
            Err(errors) => {
                for e in errors {
                    self.error_at(&e.needle, format!("kind `{kind}`: {}", e.message), &e.help);
                }
                Roles::default()
            }
        }
    }

    fn fields(&mut self, owner: &str, map: &Ordered<RawType>) -> Vec<FieldDef> {
        map.0.iter().filter_map(|(key, raw)| self.field(owner, key, raw, 0)).collect()
    }

    fn field(&mut self, owner: &str, name: &str, raw: &RawType, depth: usize) -> Option<FieldDef> {
        let ty = self.ty(owner, name, raw, depth)?;
        if raw.facet && !facetable(&ty) {
            self.error(
                name,
                format!("field `{owner}.{name}`: `facet: true` needs values to list pages by, and {} has none", ty.describe()),
                "a facet is an enum (`type: enum, values: [a, b]`), a string, or a list of either (`type: list, of: { type: string }` for free tags); see docs/site-yaml.md, “facet”",
            );
        }
        let named = self.types.get(&raw.ty);
        let label = raw.label.clone().or_else(|| named.and_then(|n| n.label.clone()));
        Some(FieldDef {
            name: name.to_string(),
            label: label.unwrap_or_else(|| name.to_string()),
            required: raw.required,
            facet: raw.facet,
            ty,
        })
    }

    fn ty(&mut self, owner: &str, name: &str, raw: &RawType, depth: usize) -> Option<FieldType> {
        if depth > MAX_TYPE_DEPTH {
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
            "list" => self.list(owner, name, raw, depth)?,
            "ref" => FieldType::Ref { kind: raw.kind.clone(), or_name: raw.or_name, embed: raw.embed },
            "object" => self.object(owner, name, raw)?,
            other => self.named(owner, name, other, depth)?,
        };
        Some(ty)
    }

    fn list(&mut self, owner: &str, name: &str, raw: &RawType, depth: usize) -> Option<FieldType> {
        let Some(of) = &raw.of else {
            self.error(name, format!("field `{owner}.{name}`: a list needs `of`"), "add `of: { type: string }`");
            return None;
        };
        let of = self.ty(owner, name, of, depth + 1)?;
        Some(FieldType::List { of: Box::new(of), min: raw.min.unwrap_or(0), max: raw.max })
    }

    fn object(&mut self, owner: &str, name: &str, raw: &RawType) -> Option<FieldType> {
        let Some(fields) = &raw.fields else {
            self.error(name, format!("field `{owner}.{name}`: an object needs `fields`"), "add `fields:`");
            return None;
        };
        Some(FieldType::Object(self.fields(&format!("{owner}.{name}"), fields)))
    }

    fn named(&mut self, owner: &str, name: &str, type_name: &str, depth: usize) -> Option<FieldType> {
        if let Some(named) = self.types.get(type_name) {
            return self.ty(owner, name, named, depth + 1);
        }
        let mut known: Vec<&str> = BUILT_IN.to_vec();
        known.extend(self.types.0.iter().map(|(n, _)| n.as_str()));
        let hint = crate::diagnostics::closest(type_name, &known).map_or(String::new(), |b| format!("did you mean `{b}`? "));
        self.error(
            name,
            format!("field `{owner}.{name}` has unknown type `{type_name}`"),
            &format!("{hint}use {}, or a name under `types:`", BUILT_IN.join(", ")),
        );
        None
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
            self.check_kind(kind, &names);
        }
        for (i, kind) in kinds.iter().enumerate() {
            if kinds[..i].iter().any(|k| k.folder == kind.folder) {
                self.error(&kind.name, format!("two kinds use the folder `{}`", kind.folder), "give every kind its own folder");
            }
        }
    }

    fn check_kind(&mut self, kind: &Kind, names: &[&str]) {
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
        self.check_sort(kind);
        for def in kind.fields.iter().filter(|d| super::BUILT_IN_FIELDS.contains(&d.name.as_str())) {
            let message = format!("kind `{}` declares the field `{}`, which every page has built in", kind.name, def.name);
            self.error(&def.name, message, "rename the field: `id`, `draft` and `aliases` are built-in fields of every kind");
        }
        super::for_each_ref(&kind.fields, &mut |target| {
            if !names.contains(&target) {
                self.error(
                    &kind.name,
                    format!("kind `{}` refers to unknown kind `{target}`", kind.name),
                    "declare that kind under `kinds:`",
                );
            }
        });
    }
}

impl Resolver<'_> {
    /// `sort:` names a field of the kind that has one value to sort by.
    fn check_sort(&mut self, kind: &Kind) {
        let Some(sort) = &kind.sort else { return };
        let sortable = |d: &&FieldDef| !matches!(d.ty, FieldType::List { .. } | FieldType::Object(_));
        if kind.fields.iter().filter(sortable).any(|d| d.name == sort.field) {
            return;
        }
        let fields: Vec<&str> = kind.fields.iter().filter(sortable).map(|d| d.name.as_str()).collect();
        let hint = crate::diagnostics::closest(&sort.field, &fields).map_or(String::new(), |b| format!("did you mean `{b}`? "));
        let kind_line = yaml::locate_after(self.text, 1, &format!("{}:", kind.name)).map_or(1, |(line, _)| line);
        let (line, col) = yaml::locate_after(self.text, kind_line, "sort:").unwrap_or((kind_line, 1));
        let message = format!("kind `{}`: `sort: {}` names no field of a {} with one value to sort by", kind.name, sort.field, kind.name);
        let help = format!(
            "{hint}sort by one of {} (`-field` sorts the largest or newest first); see docs/site-yaml.md, “sort”",
            fields.join(", ")
        );
        self.diagnostics
            .push(Diagnostic::error(Location::new(CONFIG_FILE, line, col + "sort: ".len()), message).with_help(reference(&help)));
    }
}

/// A help line that points to the reference of `site.yaml`, unless it does already.
fn reference(help: &str) -> String {
    if help.contains("docs/site-yaml.md") { help.to_string() } else { format!("{help}; see docs/site-yaml.md") }
}

/// Whether pages can be listed by the values of a field of type `ty`.
fn facetable(ty: &FieldType) -> bool {
    match ty {
        FieldType::Enum(_) | FieldType::String => true,
        FieldType::List { of, .. } => matches!(**of, FieldType::Enum(_) | FieldType::String),
        _ => false,
    }
}

/// The built-in field types.
pub(super) const BUILT_IN: [&str; 13] =
    ["string", "text", "number", "integer", "bool", "date", "url", "color", "source_file", "enum", "list", "ref", "object"];
