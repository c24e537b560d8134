//! Citations and references in the views: a citation's text, linked to the
//! page about each cited work (`cite: key`) or else to the work's reference
//! at the foot of the page; the references a page lists; the full reference
//! on a page about a work; and the bibliography page, which lists every entry.

use super::view::{Ui, ViewBuilder};
use super::views::{BibliographyView, ReferenceView};
use crate::cite::{Part, Reference};
use crate::content::{Page, PageIdx};
use crate::files::{OutputFile, Sink};
use crate::html::escape;
use crate::markdown::Resolved;
use crate::markdown::cite::Citation;
use crate::slug::slugify;

/// Site-relative folder of the bibliography page, named by the UI string `bibliography_path`.
pub fn bibliography_path(ui: &Ui) -> String {
    format!("{}/", slugify(ui.get("bibliography_path").map_or("bibliography", String::as_str)))
}

/// The anchor of the reference of `key` in a page's list and on the bibliography page.
fn anchor(key: &str) -> String {
    format!("ref-{key}")
}

impl ViewBuilder<'_> {
    /// `citation` on page `from` as HTML, each cited work a link; `None`
    /// when the bibliography does not have every key (an error reported at load).
    pub(super) fn citation(&self, from: &Page, citation: &Citation) -> Option<Resolved> {
        let parts = self.bibliography()?.citation(citation)?;
        let mut html = String::from("<span class=\"citation\">");
        for part in parts {
            match part {
                Part::Between(text) => html.push_str(&text),
                Part::Entry { key, html: text } => {
                    html.push_str(&format!("<a href=\"{}\">{text}</a>", escape(&self.reference_url(from, &key))));
                }
            }
        }
        html.push_str("</span>");
        Some(Resolved { url: String::new(), title: String::new(), embed: Some(html), size: None })
    }

    /// Where a citation of `key` on page `from` leads: the page about the
    /// work, or the work's reference at the foot of `from`.
    fn reference_url(&self, from: &Page, key: &str) -> String {
        match self.graph().by_cite.get(key) {
            Some(&i) if self.pages()[i].path != from.path => self.page_url(i),
            _ => format!("#{}", anchor(key)),
        }
    }

    fn page_url(&self, i: PageIdx) -> String {
        format!("{}{}", self.base(), self.pages()[i].url)
    }

    /// The references of the works page `i` cites, in the bibliography's order.
    pub(super) fn references(&self, i: PageIdx) -> Vec<ReferenceView> {
        let Some(bibliography) = self.bibliography().filter(|b| !b.is_empty()) else { return Vec::new() };
        let keys = crate::cite::cited_keys(&self.pages()[i], &self.graph().scans[i], bibliography);
        keys.iter().filter_map(|key| bibliography.reference(key)).map(|r| self.reference_view(r)).collect()
    }

    /// The full reference of the work page `i` is about (`cite: key`).
    pub(super) fn own_reference(&self, page: &Page) -> Option<String> {
        let (key, _) = page.cite.as_ref()?;
        Some(self.bibliography()?.reference(key)?.html.clone())
    }

    fn reference_view(&self, reference: &Reference) -> ReferenceView {
        let page = self.graph().by_cite.get(&reference.key).map(|&i| self.link(i));
        ReferenceView { id: anchor(&reference.key), key: reference.key.clone(), html: reference.html.clone(), page }
    }

    /// The view of the bibliography page; `None` when the site has no bibliography.
    pub fn bibliography_view(&self) -> Option<BibliographyView> {
        let bibliography = self.bibliography().filter(|b| !b.is_empty())?;
        let entries = bibliography.references().iter().map(|r| self.reference_view(r)).collect();
        Some(BibliographyView { title: self.ui("bibliography", "Bibliography"), entries })
    }

    /// The URL of the bibliography page, when the site has one.
    pub(super) fn bibliography_url(&self) -> Option<String> {
        self.bibliography().filter(|b| !b.is_empty()).map(|_| format!("{}{}", self.base(), bibliography_path(self.ui_strings())))
    }
}

/// Renders the bibliography page into `sink`, when the site has a bibliography.
pub fn write(views: &ViewBuilder<'_>, templates: &super::Templates, sink: Sink<'_>) -> Option<super::TemplateFailure> {
    let view = views.bibliography_view()?;
    let path = format!("{}index.html", bibliography_path(views.ui_strings()));
    match templates.render("bibliography.html", "bibliography", &view, &path) {
        Ok(html) => {
            sink(OutputFile::text(path, html));
            None
        }
        Err(failure) => Some(failure),
    }
}
