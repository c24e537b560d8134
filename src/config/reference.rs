//! A test that `docs/site-yaml.md` documents every key `site.yaml` accepts,
//! and no key it does not: the keys are read from the serde structs
//! themselves, so a new key without documentation fails here.

use super::raw::{RawConfig, RawKind, RawType};
use super::{BibliographyConfig, MarkdownConfig, Role, SearchConfig};
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use std::collections::{BTreeMap, BTreeSet};

/// The field names a derived `Deserialize` asks for, carried out as the "error".
#[derive(Debug)]
struct Keys(Vec<&'static str>);

impl std::fmt::Display for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl std::error::Error for Keys {}

impl de::Error for Keys {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Keys(Vec::new())
    }
}

/// A deserializer that answers a struct's request with its field names.
struct Probe;

impl<'de> Deserializer<'de> for Probe {
    type Error = Keys;
    fn deserialize_struct<V: Visitor<'de>>(self, _: &'static str, fields: &'static [&'static str], _: V) -> Result<V::Value, Keys> {
        Err(Keys(fields.to_vec()))
    }
    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Keys> {
        Err(Keys(Vec::new()))
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

/// The keys of the struct `T` as `site.yaml` spells them.
fn keys<T: DeserializeOwned>() -> BTreeSet<String> {
    match T::deserialize(Probe) {
        Err(Keys(fields)) => fields.iter().map(|f| f.to_string()).collect(),
        Ok(_) => BTreeSet::new(),
    }
}

/// The keys documented as `### \`key\`` headings, by the `## ` section they are in.
fn documented() -> BTreeMap<String, BTreeSet<String>> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/site-yaml.md");
    let text = std::fs::read_to_string(path).expect("docs/site-yaml.md");
    let mut sections: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut section = String::new();
    for line in text.lines() {
        if let Some(title) = line.strip_prefix("## ") {
            section = title.to_string();
        } else if let Some(key) = line.strip_prefix("### `").and_then(|k| k.strip_suffix('`')) {
            sections.entry(section.clone()).or_default().insert(key.to_string());
        }
    }
    sections
}

#[test]
fn the_reference_documents_every_key_and_no_other() {
    let mut settings = keys::<RawConfig>();
    for (key, sub) in
        [("markdown", keys::<MarkdownConfig>()), ("search", keys::<SearchConfig>()), ("bibliography", keys::<BibliographyConfig>())]
    {
        settings.remove(key);
        settings.extend(sub.into_iter().map(|s| format!("{key}.{s}")));
    }
    let set = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<BTreeSet<String>>();
    let expected = BTreeMap::from([
        ("Site settings".to_string(), settings),
        ("Kinds".to_string(), keys::<RawKind>()),
        ("Fields".to_string(), keys::<RawType>()),
        ("Field types".to_string(), set(&super::resolve::BUILT_IN)),
        ("Roles".to_string(), Role::ALL.iter().map(|r| r.name().to_string()).collect()),
    ]);
    assert!(expected.values().all(|k| k.len() > 1), "the keys are read from the code: {expected:?}");
    assert_eq!(documented(), expected, "docs/site-yaml.md and the keys site.yaml accepts differ");
}
