//! The site-relative folders of the pages the generator makes itself: the
//! search page, the print page and its parts, hubs' print pages, and the
//! listings per facet value. Named by UI strings, so a Danish site has
//! `soeg/` where an English one has `search/`.

use super::view::Ui;
use crate::config::{FieldDef, Kind};
use crate::slug::slugify;

/// Site-relative folder of the search page, named by the UI string `search_path`.
pub fn search_path(ui: &Ui) -> String {
    format!("{}/", slugify(ui.get("search_path").map_or("search", String::as_str)))
}

/// Site-relative folder of part `k` (from 0) of the print page, named by
/// the UI string `print_path`: `print/`, `print/2/`, …
pub fn print_path(ui: &Ui, k: usize) -> String {
    let folder = slugify(ui.get("print_path").map_or("print", String::as_str));
    if k == 0 { format!("{folder}/") } else { format!("{folder}/{}/", k + 1) }
}

/// Site-relative folder of the print page of the hub page at `url`: the
/// page's own folder with the print folder in it (`aktoerer/borgere/print/`).
pub fn hub_print_path(ui: &Ui, url: &str) -> String {
    format!("{url}{}", print_path(ui, 0))
}

/// Site-relative folder of the listing of `kind`'s pages whose facet `def` has `value`.
pub fn facet_path(kind: &Kind, def: &FieldDef, value: &str) -> String {
    format!("{}{}/{}/", kind.section_path(), slugify(&def.label), slugify(value))
}
