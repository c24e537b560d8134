//! The bibliography: the entries of the files `site.yaml` names under
//! `bibliography:`, formatted in a CSL style by Hayagriva, and the checks of
//! every citation (`[@key]`) and every `cite: key` against them.
//!
//! Loaded once per build after the graph ([`load`], then [`check`]); the
//! render stage asks it for a citation's text ([`Bibliography::citation`])
//! and for the references a page lists ([`Bibliography::reference`]). A site
//! without `bibliography:` has an empty one, and any citation is an error.

mod files;
pub mod format;

use crate::config::{CONFIG_FILE, Config};
use crate::content::{Page, PageIdx, Text};
use crate::diagnostics::{Diagnostic, Diagnostics, FileDiagnostics, Location, closest};
use crate::graph::Graph;
use crate::markdown::cite::Citation;
use crate::markdown::{LinkTarget, Scan};
pub use format::Part;
use format::{DEFAULT_STYLE, Formatter};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// One formatted entry of the bibliography.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    /// The entry's key.
    pub key: String,
    /// The full reference as HTML (escaped text, `<i>` for titles).
    pub html: String,
}

/// The site's bibliography, formatted.
#[derive(Default)]
pub struct Bibliography {
    formatter: Option<Formatter>,
    /// Every entry, in the style's order.
    references: Vec<Reference>,
    /// Position of each key in `references`.
    position: HashMap<String, usize>,
}

impl std::fmt::Debug for Bibliography {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bibliography").field("references", &self.references.len()).finish()
    }
}

impl Bibliography {
    /// True when the site declares no entries.
    pub fn is_empty(&self) -> bool {
        self.references.is_empty()
    }

    /// Every entry, in the style's order.
    pub fn references(&self) -> &[Reference] {
        &self.references
    }

    /// The reference of `key`, if the bibliography has it.
    pub fn reference(&self, key: &str) -> Option<&Reference> {
        self.position.get(key).map(|&i| &self.references[i])
    }

    /// The position of `key` in the list of every entry, for sorting a page's references.
    pub fn position(&self, key: &str) -> Option<usize> {
        self.position.get(key).copied()
    }

    /// The formatted parts of `citation`; `None` when a key is not in the bibliography.
    pub fn citation(&self, citation: &Citation) -> Option<Vec<Part>> {
        self.formatter.as_ref()?.citation(citation)
    }

    fn keys(&self) -> Vec<&str> {
        self.references.iter().map(|r| r.key.as_str()).collect()
    }
}

/// Reads and formats the bibliography `config` declares, from the site at `root`.
pub fn load(root: &Path, config: &Config) -> (Bibliography, Diagnostics) {
    let settings = &config.bibliography;
    if settings.files.is_empty() {
        return (Bibliography::default(), Diagnostics::new());
    }
    let config_text = std::fs::read_to_string(root.join(CONFIG_FILE)).unwrap_or_default();
    let (library, mut diagnostics) = files::read_all(root, &settings.files, &config_text);
    let style = settings.style.as_deref().unwrap_or(DEFAULT_STYLE);
    let formatter = match Formatter::new(library, style, &config.language) {
        Ok(formatter) => formatter,
        Err(message) => {
            let (line, col) = crate::yaml::locate_after(&config_text, 1, &format!("style: {style}")).unwrap_or((1, 1));
            let help = "name a CSL style Hayagriva has, e.g. `apa`, `chicago-author-date`, `harvard-cite-them-right`, `ieee`, `mla`";
            diagnostics.push(Diagnostic::error(Location::new(CONFIG_FILE, line, col), message).with_help(help));
            return (Bibliography::default(), diagnostics);
        }
    };
    let references: Vec<Reference> = formatter.references().into_iter().map(|(key, html)| Reference { key, html }).collect();
    let position = references.iter().enumerate().map(|(i, r)| (r.key.clone(), i)).collect();
    (Bibliography { formatter: Some(formatter), references, position }, diagnostics)
}

/// Every citation of page `i` (body and text fields), with its place.
pub fn citations_of<'p>(page: &'p Page, scan: &'p Scan) -> Vec<(Citation, Location)> {
    let mut out = Vec::new();
    let at_body = |offset| Location::at_offset(&page.path, &page.body, offset, page.body_line);
    push_citations(scan.links.iter().map(|l| (&l.target, l.offset)), &at_body, &mut out);
    for value in page.fields.values() {
        value.for_each_text(&mut |text: &Text| {
            let links = crate::markdown::cite::scan(&text.source);
            let at = |offset| Location::at_offset(&page.path, &text.source, offset, text.line);
            push_citations(links.iter().map(|l| (&l.target, l.offset)), &at, &mut out);
        });
    }
    out
}

fn push_citations<'t>(
    links: impl Iterator<Item = (&'t LinkTarget, usize)>,
    at: &dyn Fn(usize) -> Location,
    out: &mut Vec<(Citation, Location)>,
) {
    for (target, offset) in links {
        if let LinkTarget::Cite(citation) = target {
            out.push((citation.clone(), at(offset)));
        }
    }
}

/// The keys page `i` cites, in the bibliography's order.
pub fn cited_keys(page: &Page, scan: &Scan, bibliography: &Bibliography) -> Vec<String> {
    let keys: BTreeSet<(usize, String)> = citations_of(page, scan)
        .into_iter()
        .flat_map(|(c, _)| c.items)
        .filter_map(|item| Some((bibliography.position(&item.key)?, item.key)))
        .collect();
    keys.into_iter().map(|(_, key)| key).collect()
}

/// Checks every citation and every `cite:` of `pages` against `bibliography`,
/// and that no two pages are about the same entry.
pub fn check(pages: &[Page], graph: &Graph, bibliography: &Bibliography) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    let mut claimed: HashMap<&str, &Page> = HashMap::new();
    for (i, page) in PageIdx::all(pages.len()).zip(pages) {
        diagnostics.extend(check_page(i, pages, graph, bibliography));
        let Some((key, location)) = &page.cite else { continue };
        if bibliography.reference(key).is_none() {
            continue;
        }
        if let Some(other) = claimed.insert(key, page) {
            diagnostics.push(
                Diagnostic::error(location.clone(), format!("`cite: {key}` is also the entry of `{}`", other.path))
                    .with_help("one page is about each entry: remove `cite:` from one of the two pages"),
            );
        }
    }
    diagnostics
}

/// Checks the citations and the `cite:` of page `i` against `bibliography`.
pub fn check_page(i: PageIdx, pages: &[Page], graph: &Graph, bibliography: &Bibliography) -> Diagnostics {
    let page = &pages[i];
    let mut file = FileDiagnostics::new(&page.path);
    let known = |key: &str| bibliography.reference(key).is_some();
    for (citation, location) in citations_of(page, &graph.scans[i]) {
        for item in citation.items.iter().filter(|item| !known(&item.key)) {
            file.push_with(|| unknown_key(&item.key, location.clone(), &bibliography.keys(), "cite"));
        }
    }
    if let Some((key, location)) = page.cite.as_ref().filter(|(key, _)| !known(key)) {
        file.push_with(|| unknown_key(key, location.clone(), &bibliography.keys(), "name"));
    }
    file.finish()
}

/// An unknown key, with the closest known one as a suggestion.
fn unknown_key(key: &str, location: Location, keys: &[&str], verb: &str) -> Diagnostic {
    if keys.is_empty() {
        let help =
            "declare a bibliography in site.yaml (`bibliography: { files: [content/litteratur.bib] }`), or write the text as code: `[@…]`";
        return Diagnostic::error(location, format!("`@{key}` is a citation, but the site has no bibliography")).with_help(help);
    }
    let help = match closest(key, keys) {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!("{verb} one of the keys of the bibliography, or add an entry `{key}` to it"),
    };
    Diagnostic::error(location, format!("no bibliography entry with key `{key}`")).with_help(help)
}
