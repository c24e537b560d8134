//! `site.yaml` as written: serde structs that reject unknown keys.
//!
//! The whole file is deserialized in one pass from its text, so a mistake
//! anywhere — a misspelt key inside `types:`, a wrong value under a kind —
//! is reported with serde's own message at its own line and column.
//! Mappings whose order matters (kinds, fields) keep their order in an
//! [`Ordered`] list.

use super::{BibliographyConfig, MarkdownConfig, SearchConfig};
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, de::DeserializeOwned};
use serde_norway::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

/// A YAML mapping read as a list of `(key, value)` pairs in file order.
#[derive(Debug, Clone)]
pub struct Ordered<T>(pub Vec<(String, T)>);

impl<T> Default for Ordered<T> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<T> Ordered<T> {
    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&T> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Ordered<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Pairs<T>(PhantomData<T>);
        impl<'de, T: DeserializeOwned> Visitor<'de> for Pairs<T> {
            type Value = Ordered<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, T>()? {
                    out.push((key, value));
                }
                Ok(Ordered(out))
            }
        }
        deserializer.deserialize_map(Pairs(PhantomData))
    }
}

/// The whole of `site.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    /// Required: missing, it is reported with the other problems.
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "default_base_url")]
    pub base_url: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default)]
    pub portable: bool,
    #[serde(default)]
    pub markdown: MarkdownConfig,
    #[serde(default)]
    pub search: SearchConfig,
    #[serde(default)]
    pub bibliography: BibliographyConfig,
    #[serde(default)]
    pub sources: BTreeMap<String, String>,
    #[serde(default)]
    pub types: Ordered<RawType>,
    /// Required: missing, it is reported with the other problems.
    #[serde(default)]
    pub kinds: Ordered<RawKind>,
    pub hub: Option<String>,
}

fn default_base_url() -> String {
    "/".into()
}
fn default_language() -> String {
    "en".into()
}
fn default_theme() -> String {
    "default".into()
}

/// One kind under `kinds:`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawKind {
    pub folder: String,
    pub label: Option<String>,
    pub plural: Option<String>,
    pub title_field: Option<String>,
    pub sort: Option<String>,
    pub search_weight: Option<f64>,
    pub fields: Ordered<RawType>,
}

/// A field, or a named type under `types:`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawType {
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(default)]
    pub required: bool,
    pub label: Option<String>,
    #[serde(default)]
    pub facet: bool,
    pub role: Option<String>,
    pub values: Option<Value>,
    pub of: Option<Box<RawType>>,
    pub min: Option<usize>,
    pub max: Option<usize>,
    pub kind: Option<String>,
    #[serde(default)]
    pub or_name: bool,
    #[serde(default)]
    pub embed: bool,
    pub fields: Option<Ordered<RawType>>,
}
