//! The content graph: every reference field and body link as an edge.
//!
//! Built once all pages are loaded. Resolving an edge checks that its target
//! exists, is of the declared kind and — for links with `#anchor` — has that
//! heading. From the edges come each page's backlinks and, for the hub kind
//! (actor chapters in the course), the related hubs ranked by how many pages
//! (cases, tools, figures, …) refer to both.

use crate::config::{Config, Role};
use crate::content::{Page, PageIdx, Text};
use crate::diagnostics::FileDiagnostics;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::markdown::{self, LinkTarget, Scan};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How one page refers to another.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Via {
    /// Through a front-matter field, by name.
    Field(String),
    /// Through a link in the body or a text field.
    Link,
}

/// One edge of the graph.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edge {
    /// The page at the other end.
    pub page: PageIdx,
    /// How the reference is made.
    pub via: Via,
}

/// Two hub pages and what links them.
#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    /// The related hub page.
    pub hub: PageIdx,
    /// Pages that refer to both hubs, in page order.
    pub shared: Vec<PageIdx>,
}

/// The resolved graph of a site.
#[derive(Debug, Default)]
pub struct Graph {
    /// Page index by id.
    pub by_id: HashMap<String, PageIdx>,
    /// Page index by source path.
    pub by_path: HashMap<String, PageIdx>,
    /// The page about each bibliography entry, by the key in its `cite:`.
    pub by_cite: HashMap<String, PageIdx>,
    /// Body scan of every page.
    pub scans: Vec<Scan>,
    /// Outgoing edges of every page (deduplicated).
    pub outgoing: Vec<BTreeSet<Edge>>,
    /// Incoming edges of every page (deduplicated).
    pub incoming: Vec<BTreeSet<Edge>>,
    /// For hub pages: related hubs, most shared first.
    pub related: Vec<Vec<Relation>>,
}

crate::content::index_by_page!(BTreeSet<Edge>, Vec<Relation>, Scan);

/// What [`Graph::replace_page`] replaced.
#[derive(Debug)]
pub struct Replaced {
    /// The page's outgoing edges before.
    pub outgoing: BTreeSet<Edge>,
    /// Whether the page's headings (the anchors links can point at) changed.
    pub headings_changed: bool,
}

impl Graph {
    /// Resolves all references and links of `pages`, reporting broken ones.
    pub fn build(pages: &[Page], config: &Config) -> (Graph, Diagnostics) {
        Self::build_with(pages, config, Vec::new())
    }

    /// As [`Graph::build`], taking each page's Markdown scan from `known`
    /// where it has one (a scan of the same body under the same
    /// configuration, as the page cache keeps them).
    pub fn build_with(pages: &[Page], config: &Config, mut known: Vec<Option<Scan>>) -> (Graph, Diagnostics) {
        let allow_html = config.markdown.allow_raw_html;
        known.resize_with(pages.len(), || None);
        let scans: Vec<Scan> =
            pages.par_iter().zip(known).map(|(p, known)| known.unwrap_or_else(|| markdown::scan(&p.body, allow_html))).collect();
        let by_id = pages.iter().zip(PageIdx::all(pages.len())).map(|(p, i)| (p.id.clone(), i)).collect();
        let by_path = pages.iter().zip(PageIdx::all(pages.len())).map(|(p, i)| (p.path.clone(), i)).collect();
        let mut graph = Graph { by_id, by_path, by_cite: by_cite(pages), scans, ..Graph::default() };
        let results: Vec<(BTreeSet<Edge>, Diagnostics)> =
            pages.par_iter().enumerate().map(|(i, page)| graph.edges_of(PageIdx(i), page, pages, config)).collect();
        let mut diagnostics = Diagnostics::new();
        graph.incoming = vec![BTreeSet::new(); pages.len()];
        for (i, (edges, diags)) in PageIdx::all(pages.len()).zip(results) {
            diagnostics.extend(diags);
            for edge in &edges {
                if edge.page != i {
                    graph.incoming[edge.page].insert(Edge { page: i, via: edge.via.clone() });
                }
            }
            graph.outgoing.push(edges);
        }
        graph.related = relations(pages, config, &graph);
        (graph, diagnostics)
    }

    /// Takes in a new version of page `i` (already in `pages`, same id and
    /// path): scans its body again, resolves its edges and moves the incoming
    /// edges of the pages it stopped or started referring to. The returned
    /// diagnostics are those of page `i`'s own references and links.
    pub fn replace_page(&mut self, i: PageIdx, pages: &[Page], config: &Config) -> (Replaced, Diagnostics) {
        let scan = markdown::scan(&pages[i].body, config.markdown.allow_raw_html);
        self.by_cite = by_cite(pages);
        let old_scan = std::mem::replace(&mut self.scans[i], scan);
        let (edges, diagnostics) = self.edges_of(i, &pages[i], pages, config);
        let outgoing = std::mem::replace(&mut self.outgoing[i], edges);
        for edge in outgoing.iter().filter(|e| e.page != i) {
            self.incoming[edge.page].remove(&Edge { page: i, via: edge.via.clone() });
        }
        for edge in self.outgoing[i].iter().filter(|e| e.page != i) {
            self.incoming[edge.page].insert(Edge { page: i, via: edge.via.clone() });
        }
        let headings_changed = old_scan.headings != self.scans[i].headings;
        (Replaced { outgoing, headings_changed }, diagnostics)
    }

    /// Checks the references and links of page `i` again, for when a page
    /// it refers to changed its headings or fields.
    pub fn recheck(&self, i: PageIdx, pages: &[Page], config: &Config) -> Diagnostics {
        self.edges_of(i, &pages[i], pages, config).1
    }

    /// Works out the related hubs again, after edges changed.
    pub fn relate(&mut self, pages: &[Page], config: &Config) {
        self.related = relations(pages, config, self);
    }

    /// The page a link target points at, if it exists.
    pub fn target(&self, from: &Page, target: &LinkTarget) -> Option<PageIdx> {
        match target {
            LinkTarget::Page { id, .. } | LinkTarget::Embed(id) => self.by_id.get(id).copied(),
            LinkTarget::File { path, .. } => self.by_path.get(&join_relative(&from.path, path)?).copied(),
            LinkTarget::Anchor(_) => self.by_path.get(&from.path).copied(),
            LinkTarget::Other(_) | LinkTarget::Cite(_) => None,
        }
    }

    fn edges_of(&self, i: PageIdx, page: &Page, pages: &[Page], config: &Config) -> (BTreeSet<Edge>, Diagnostics) {
        let mut edges = BTreeSet::new();
        let mut diagnostics = FileDiagnostics::new(&page.path);
        for (name, value) in &page.fields {
            value.for_each_ref(&mut |r| match self
                .check_ref(&r.id, r.kind.as_deref(), pages, config)
                .and_then(|t| published(page, t, pages, config))
            {
                Ok(target) => {
                    edges.insert(Edge { page: target, via: Via::Field(name.clone()) });
                }
                Err(fault) => diagnostics.push_with(|| {
                    let (message, help) = fault.describe(pages, config);
                    Diagnostic::error(r.location.clone(), message).with_help(help)
                }),
            });
        }
        let at_body = |offset| Location::at_offset(&page.path, &page.body, offset, page.body_line);
        self.check_scan(i, page, &self.scans[i], pages, &at_body, &mut edges, &mut diagnostics, config);
        let allow_html = config.markdown.allow_raw_html;
        for value in page.fields.values() {
            value.for_each_text(&mut |text: &Text| {
                let scan = markdown::scan(&text.source, allow_html);
                let at = |offset| Location::at_offset(&page.path, &text.source, offset, text.line);
                self.check_scan(i, page, &scan, pages, &at, &mut edges, &mut diagnostics, config);
            });
        }
        (edges, diagnostics.finish())
    }

    #[allow(clippy::too_many_arguments, reason = "one call site; the pieces are the page and where its links go")]
    fn check_scan(
        &self,
        i: PageIdx,
        page: &Page,
        scan: &Scan,
        pages: &[Page],
        at: &dyn Fn(usize) -> Location,
        edges: &mut BTreeSet<Edge>,
        diagnostics: &mut FileDiagnostics,
        config: &Config,
    ) {
        // Locations and suggestions are worked out only for reported problems:
        // past the per-file cap they would cost time (a line count per offset,
        // an edit distance per page) for messages nobody sees.
        for problem in &scan.problems {
            diagnostics.push_with(|| {
                let (message, help) = problem.misuse.describe();
                Diagnostic::error(at(problem.offset), message).with_help(help)
            });
        }
        for link in &scan.links {
            // A citation is an edge to the page about each cited entry; its keys are checked with the bibliography.
            if let LinkTarget::Cite(citation) = &link.target {
                let cited = citation.items.iter().filter_map(|item| self.by_cite.get(&item.key)).filter(|&&t| t != i);
                edges.extend(cited.map(|&page| Edge { page, via: Via::Link }));
                continue;
            }
            match self.check_link(i, page, &link.target, pages, config) {
                Ok(Some(target)) => {
                    edges.insert(Edge { page: target, via: Via::Link });
                }
                Ok(None) => {}
                Err(fault) => diagnostics.push_with(|| {
                    let (message, help) = fault.describe(pages, config);
                    Diagnostic::error(at(link.offset), message).with_help(help)
                }),
            }
        }
    }

    fn check_ref<'a>(&self, id: &'a str, kind: Option<&'a str>, pages: &[Page], config: &'a Config) -> Result<PageIdx, Fault<'a>> {
        let Some(&target) = self.by_id.get(id) else {
            return Err(Fault::NoPage { id, kind });
        };
        let target_kind = &config.kinds[pages[target].kind];
        match kind {
            Some(k) if target_kind.name != k => Err(Fault::WrongKind { id, actual: &target_kind.name, wanted: k }),
            _ => Ok(target),
        }
    }

    fn check_link<'a>(
        &'a self,
        i: PageIdx,
        page: &Page,
        target: &'a LinkTarget,
        pages: &[Page],
        config: &Config,
    ) -> Result<Option<PageIdx>, Fault<'a>> {
        let (idx, anchor) = match target {
            LinkTarget::Other(_) | LinkTarget::Cite(_) => return Ok(None),
            LinkTarget::Embed(id) => {
                let idx = self.by_id.get(id).copied().ok_or(Fault::NoEmbed { id })?;
                if pages[idx].value(&config.kinds[pages[idx].kind], Role::Chart).is_none() {
                    return Err(Fault::NoChart { id });
                }
                (idx, None)
            }
            LinkTarget::Anchor(a) => (i, Some(a)),
            LinkTarget::Page { id, anchor } => (self.by_id.get(id).copied().ok_or(Fault::BrokenLink { id })?, anchor.as_ref()),
            LinkTarget::File { path, anchor } => (self.target(page, target).ok_or(Fault::NotAPage { path })?, anchor.as_ref()),
        };
        if let Some(anchor) = anchor.filter(|a| !a.is_empty())
            && !self.scans[idx].headings.iter().any(|h| &h.id == anchor)
        {
            return Err(Fault::NoAnchor { target: idx, anchor, headings: &self.scans[idx].headings });
        }
        published(page, idx, pages, config)?;
        Ok((idx != i).then_some(idx))
    }
}

/// `target`, unless it is a draft that the published page `from` would
/// point at in a build that leaves drafts out (the link would break).
fn published<'a>(from: &Page, target: PageIdx, pages: &[Page], config: &Config) -> Result<PageIdx, Fault<'a>> {
    if pages[target].draft && !from.draft && !config.show_drafts { Err(Fault::Draft { target }) } else { Ok(target) }
}

/// Why a reference or link does not resolve; put into words only when reported.
enum Fault<'a> {
    /// A reference field names no page.
    NoPage { id: &'a str, kind: Option<&'a str> },
    /// A reference field names a page of another kind.
    WrongKind { id: &'a str, actual: &'a str, wanted: &'a str },
    /// `![[id]]` names no page.
    NoEmbed { id: &'a str },
    /// `![[id]]` names a page without chart data.
    NoChart { id: &'a str },
    /// `[[id]]` names no page.
    BrokenLink { id: &'a str },
    /// A relative `.md` link names no content file.
    NotAPage { path: &'a str },
    /// The target page has no heading with the anchor.
    NoAnchor { target: PageIdx, anchor: &'a str, headings: &'a [markdown::Heading] },
    /// A published page refers to a draft, which `build` leaves out.
    Draft { target: PageIdx },
}

impl Fault<'_> {
    /// The message and the help for this fault.
    fn describe(&self, pages: &[Page], config: &Config) -> (String, String) {
        match *self {
            Fault::NoPage { id, kind } => {
                let candidates: Vec<&str> =
                    pages.iter().filter(|p| kind.is_none_or(|k| config.kinds[p.kind].name == k)).map(|p| p.id.as_str()).collect();
                let help = match crate::diagnostics::closest(id, &candidates) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => match kind {
                        Some(k) => format!("create the {k} page `{id}`, or use the id of an existing one"),
                        None => format!("create the page `{id}`, or use the id of an existing one"),
                    },
                };
                (format!("no page with id `{id}`"), help)
            }
            Fault::WrongKind { id, actual, wanted } => (
                format!("`{id}` is a page of kind `{actual}`, but this field needs kind `{wanted}`"),
                format!("refer to a page of kind `{wanted}` here, or move the reference to a field for `{actual}` pages"),
            ),
            Fault::NoEmbed { id } => {
                (format!("cannot embed `{id}`: no page with that id"), "embed a figure page by its id: ![[figur-5-3]]".to_string())
            }
            Fault::NoChart { id } => (
                format!("cannot embed `{id}`: it has no chart data"),
                "only pages with `data` (figures) can be embedded; link to it with [[id]] instead".to_string(),
            ),
            Fault::BrokenLink { id } => {
                let candidates: Vec<&str> = pages.iter().map(|p| p.id.as_str()).collect();
                let help = crate::diagnostics::closest(id, &candidates).map_or_else(
                    || "link to the id (file name without .md) of an existing page".to_string(),
                    |b| format!("did you mean `[[{b}]]`?"),
                );
                (format!("broken link: no page with id `{id}`"), help)
            }
            Fault::NotAPage { path } => (
                format!("broken link: `{path}` is not a page"),
                "link to a Markdown file under content/ with a path relative to this file, or use [[id]]".to_string(),
            ),
            Fault::NoAnchor { target, anchor, headings } => {
                let ids: Vec<&str> = headings.iter().map(|h| h.id.as_str()).collect();
                let help = if ids.is_empty() {
                    "the target page has no headings".to_string()
                } else {
                    format!("anchors on that page: {}", ids.join(", "))
                };
                (format!("broken link: `{}` has no heading `#{anchor}`", pages[target].id), help)
            }
            Fault::Draft { target } => (
                format!("`{}` is a draft: `build` leaves it out, so this link would break", pages[target].id),
                format!("publish it (remove `draft: true` from {}), or remove the link until it is published", pages[target].path),
            ),
        }
    }
}

/// The page whose `cite:` names each key (the first, when two do: that is reported with the bibliography).
fn by_cite(pages: &[Page]) -> HashMap<String, PageIdx> {
    let mut out = HashMap::new();
    for (i, page) in PageIdx::all(pages.len()).zip(pages) {
        if let Some((key, _)) = &page.cite {
            out.entry(key.clone()).or_insert(i);
        }
    }
    out
}

/// Resolves `rel` against the folder of `from` (both `/`-separated, site-relative).
pub fn join_relative(from: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn relations(pages: &[Page], config: &Config, graph: &Graph) -> Vec<Vec<Relation>> {
    let Some(hub) = config.hub else { return vec![Vec::new(); pages.len()] };
    let is_hub = |p: PageIdx| pages[p].kind == hub;
    let mut shared: BTreeMap<(PageIdx, PageIdx), Vec<PageIdx>> = BTreeMap::new();
    for (i, edges) in PageIdx::all(pages.len()).zip(&graph.outgoing) {
        if is_hub(i) {
            continue;
        }
        let hubs: BTreeSet<PageIdx> = edges.iter().filter(|e| matches!(e.via, Via::Field(_)) && is_hub(e.page)).map(|e| e.page).collect();
        for &a in &hubs {
            for &b in hubs.iter().filter(|&&b| b != a) {
                shared.entry((a, b)).or_default().push(i);
            }
        }
    }
    let mut out = vec![Vec::new(); pages.len()];
    for ((a, b), pages_between) in shared {
        out[a].push(Relation { hub: b, shared: pages_between });
    }
    for list in &mut out {
        list.sort_by(|x: &Relation, y: &Relation| y.shared.len().cmp(&x.shared.len()).then(x.hub.cmp(&y.hub)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_join() {
        assert_eq!(join_relative("content/cases/a.md", "../aktoerer/borgere.md").as_deref(), Some("content/aktoerer/borgere.md"));
        assert_eq!(join_relative("content/cases/a.md", "b.md").as_deref(), Some("content/cases/b.md"));
        assert_eq!(join_relative("a.md", "../../x.md"), None);
    }
}
