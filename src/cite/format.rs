//! Formatting with Hayagriva: a CSL style (APA unless `site.yaml` names
//! another) and the CSL locale of the site's language (`da`: "s.", "red.",
//! "og"), for the reference list and for each citation.
//!
//! Hayagriva hands back formatted elements; they are written to HTML here,
//! every text escaped and only `http(s)` addresses made links, so nothing
//! in a bibliography file can add markup to a page.

use crate::html::escape;
use crate::markdown::cite::{Citation, CiteItem};
use hayagriva::citationberg::taxonomy::Locator;
use hayagriva::citationberg::{FontStyle, FontVariant, FontWeight, IndependentStyle, Locale, LocaleCode, Style, VerticalAlign};
use hayagriva::{
    BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest, ElemChild, ElemChildren, ElemMeta, Entry, Library,
    LocatorPayload, SpecificLocator,
};
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

/// The style used when `site.yaml` names none.
pub const DEFAULT_STYLE: &str = "apa";

/// One formatted part of a citation: text between entries, or one entry's part.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// HTML between the entries: brackets, `;`.
    Between(String),
    /// The HTML of the cited entry `key` (`Bason, 2017, s. 45`).
    Entry {
        /// The entry's key.
        key: String,
        /// Its formatted HTML.
        html: String,
    },
}

/// A style, the locales and the entries: formats references and citations.
pub struct Formatter {
    library: Library,
    style: IndependentStyle,
    locales: Vec<Locale>,
    locale: LocaleCode,
    /// Citations formatted so far: pages render in parallel, and a citation
    /// written on many pages is formatted once.
    cache: Mutex<HashMap<Citation, Vec<Part>>>,
}

impl Formatter {
    /// A formatter of `library` in the CSL style named `style`, in `language`;
    /// `Err` when the style is not one Hayagriva has.
    pub fn new(library: Library, style: &str, language: &str) -> Result<Formatter, String> {
        let style = independent_style(style)?;
        let locales = locales(language);
        let locale = LocaleCode(language.to_string());
        Ok(Formatter { library, style, locales, locale, cache: Mutex::default() })
    }

    /// The keys of the entries, in file order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.library.keys()
    }

    /// Every entry's reference as HTML, in the style's order (APA: by author and year).
    pub fn references(&self) -> Vec<(String, String)> {
        let mut driver = self.driver_with_every_entry();
        let request = BibliographyRequest::new(&self.style, Some(self.locale.clone()), &self.locales);
        let rendered = driver_finish(&mut driver, request);
        rendered.bibliography.map_or_else(Vec::new, |b| b.items.into_iter().map(|item| (item.key, html(&item.content, true))).collect())
    }

    /// The parts of `citation`; `None` when an entry is not in the library.
    pub fn citation(&self, citation: &Citation) -> Option<Vec<Part>> {
        if let Some(parts) = self.cache.lock().unwrap_or_else(PoisonError::into_inner).get(citation) {
            return Some(parts.clone());
        }
        let entries: Vec<&Entry> = citation.items.iter().map(|item| self.library.get(&item.key)).collect::<Option<_>>()?;
        let items = citation.items.iter().zip(&entries).map(|(item, entry)| cite_item(item, entry)).collect();
        // The citation first, then every entry once, so that two works of one
        // author and year get the same "2011a" and "2011b" on every page.
        let mut driver = BibliographyDriver::new();
        driver.citation(CitationRequest::new(items, &self.style, Some(self.locale.clone()), &self.locales, None));
        self.cite_every_entry(&mut driver);
        let request = BibliographyRequest::new(&self.style, Some(self.locale.clone()), &self.locales);
        let rendered = driver_finish(&mut driver, request);
        let mut parts = rendered.citations.first().map(|c| parts(&c.citation, &citation.items)).unwrap_or_default();
        self.fill_empty(&mut parts, citation);
        self.cache.lock().unwrap_or_else(PoisonError::into_inner).insert(citation.clone(), parts.clone());
        Some(parts)
    }

    /// An entry that a style collapsed into the one before it and that came
    /// out empty (two works of one author without years) gets its own text,
    /// so that each work still has a link.
    fn fill_empty(&self, parts: &mut [Part], citation: &Citation) {
        for part in parts.iter_mut() {
            let Part::Entry { key, html } = part else { continue };
            if !html.is_empty() || citation.items.len() < 2 {
                continue;
            }
            let Some(item) = citation.items.iter().find(|i| &i.key == key) else { continue };
            let alone = Citation { items: vec![item.clone()], written: String::new() };
            if let Some(Part::Entry { html: own, .. }) =
                self.citation(&alone).and_then(|p| p.into_iter().find(|p| matches!(p, Part::Entry { .. })))
            {
                *html = own;
            }
        }
    }

    fn driver_with_every_entry(&self) -> BibliographyDriver<'_, Entry> {
        let mut driver = BibliographyDriver::new();
        self.cite_every_entry(&mut driver);
        driver
    }

    fn cite_every_entry<'s>(&'s self, driver: &mut BibliographyDriver<'s, Entry>) {
        for entry in self.library.iter() {
            let request =
                CitationRequest::new(vec![CitationItem::with_entry(entry)], &self.style, Some(self.locale.clone()), &self.locales, None);
            driver.citation(request);
        }
    }
}

fn driver_finish<'s>(driver: &mut BibliographyDriver<'s, Entry>, request: BibliographyRequest<'s>) -> hayagriva::Rendered {
    std::mem::take(driver).finish(request)
}

/// One item of a citation for Hayagriva: its locator and whether the author is left out.
fn cite_item<'a>(item: &'a CiteItem, entry: &'a Entry) -> CitationItem<'a, Entry> {
    let locator = item.locator.as_deref().map(|written| {
        let (kind, value) = locator(written);
        SpecificLocator(kind, LocatorPayload::Str(value))
    });
    CitationItem::new(entry, locator, None, false, None)
}

/// The kind and value of a locator as written: `s. 45` is page 45,
/// `kap. 2` chapter 2; a bare `45` is a page, as in Pandoc.
fn locator(written: &str) -> (Locator, &str) {
    const LABELS: [(&str, Locator); 18] = [
        ("s.", Locator::Page),
        ("side", Locator::Page),
        ("sider", Locator::Page),
        ("p.", Locator::Page),
        ("pp.", Locator::Page),
        ("page", Locator::Page),
        ("pages", Locator::Page),
        ("kap.", Locator::Chapter),
        ("kapitel", Locator::Chapter),
        ("ch.", Locator::Chapter),
        ("chap.", Locator::Chapter),
        ("chapter", Locator::Chapter),
        ("afsnit", Locator::Section),
        ("sec.", Locator::Section),
        ("section", Locator::Section),
        ("fig.", Locator::Figure),
        ("figur", Locator::Figure),
        ("figure", Locator::Figure),
    ];
    let (label, rest) = written.split_once(char::is_whitespace).unwrap_or(("", written));
    match LABELS.iter().find(|(l, _)| l.eq_ignore_ascii_case(label)) {
        Some((_, kind)) => (*kind, rest.trim()),
        None => (Locator::Page, written),
    }
}

/// The CSL style named `name` from Hayagriva's archive, as an independent style.
fn independent_style(name: &str) -> Result<IndependentStyle, String> {
    let archived = hayagriva::archive::ArchivedStyle::by_name(name).ok_or_else(|| format!("no citation style is called `{name}`"))?;
    match archived.get() {
        Style::Independent(style) => Ok(style),
        Style::Dependent(_) => Err(format!("the citation style `{name}` only renames another style")),
    }
}

/// The CSL locales for `language` (`da` finds `da-DK`), and US English,
/// which every style falls back on. Only those are decoded: all sixty-odd
/// of Hayagriva's take longer than the rest of a small site's build.
fn locales(language: &str) -> Vec<Locale> {
    let primary = language.split('-').next().unwrap_or(language);
    let wanted = |code: &str| code == "en-US" || code.split('-').next().is_some_and(|l| l.eq_ignore_ascii_case(primary));
    hayagriva::archive::LOCALES
        .iter()
        .filter(|bytes| cbor_lang(bytes).is_none_or(wanted))
        .filter_map(|bytes| ciborium::de::from_reader::<Locale, _>(*bytes).ok())
        .filter(|locale| locale.lang.as_ref().is_some_and(|code| wanted(&code.0)))
        .collect()
}

/// The `xml:lang` of an encoded CSL locale, read from its bytes without
/// decoding it: the key `@xml:lang`, then a short CBOR text (head byte
/// `0x60` + length). `None` when it is not written that way.
fn cbor_lang(bytes: &[u8]) -> Option<&str> {
    const KEY: &[u8] = b"@xml:lang";
    let at = bytes.windows(KEY.len()).position(|w| w == KEY)? + KEY.len();
    let len = usize::from(bytes.get(at)?.checked_sub(0x60).filter(|n| *n < 24)?);
    std::str::from_utf8(bytes.get(at + 1..at + 1 + len)?).ok()
}

/// A citation's elements as parts: each cited entry's own part, and the text between.
fn parts(children: &ElemChildren, items: &[CiteItem]) -> Vec<Part> {
    let mut out = Vec::new();
    collect_parts(children, items, &mut out);
    out
}

fn collect_parts(children: &ElemChildren, items: &[CiteItem], out: &mut Vec<Part>) {
    for child in &children.0 {
        match child {
            ElemChild::Elem(elem) if matches!(elem.meta, Some(ElemMeta::Entry(_))) => {
                let Some(ElemMeta::Entry(i)) = elem.meta else { continue };
                let item = items.get(i);
                let key = item.map_or_else(String::new, |item| item.key.clone());
                let children = if item.is_some_and(|i| i.suppress_author) { without_author(&elem.children) } else { elem.children.clone() };
                out.push(Part::Entry { key, html: html(&children, false) });
            }
            ElemChild::Elem(elem) if elem.children.0.iter().any(has_entry) => collect_parts(&elem.children, items, out),
            other => {
                let text = html(&ElemChildren(vec![other.clone()]), false);
                match out.last_mut() {
                    Some(Part::Between(before)) => before.push_str(&text),
                    _ => out.push(Part::Between(text)),
                }
            }
        }
    }
}

/// An entry's part of a citation without its author's names and the
/// delimiter after them: `[-@key, s. 4]` is "(2017, s. 4)". Hayagriva's
/// own year-only form leaves the locator out, so the names are taken out here.
fn without_author(children: &ElemChildren) -> ElemChildren {
    let mut out = children.clone();
    remove_names(&mut out);
    out
}

/// Removes the first names element under `children`, and the delimiter that follows it; true when one was found.
fn remove_names(children: &mut ElemChildren) -> bool {
    let names = children.0.iter().position(|c| matches!(c, ElemChild::Elem(e) if matches!(e.meta, Some(ElemMeta::Names(_)))));
    if let Some(at) = names {
        children.0.remove(at);
        if let Some(ElemChild::Text(text)) = children.0.get_mut(at) {
            text.text = text.text.trim_start_matches([',', ' ']).to_string();
        }
        return true;
    }
    children.0.iter_mut().any(|c| match c {
        ElemChild::Elem(e) => remove_names(&mut e.children),
        _ => false,
    })
}

fn has_entry(child: &ElemChild) -> bool {
    match child {
        ElemChild::Elem(elem) => matches!(elem.meta, Some(ElemMeta::Entry(_))) || elem.children.0.iter().any(has_entry),
        _ => false,
    }
}

/// Formatted elements as HTML: text escaped, `http(s)` links kept when `links` is set.
pub fn html(children: &ElemChildren, links: bool) -> String {
    let mut out = String::new();
    for child in &children.0 {
        write_child(child, links, &mut out);
    }
    out
}

fn write_child(child: &ElemChild, links: bool, out: &mut String) {
    match child {
        ElemChild::Text(text) => write_formatted(&text.text, &text.formatting, out),
        ElemChild::Elem(elem) => {
            for child in &elem.children.0 {
                write_child(child, links, out);
            }
        }
        // Markup for Typst, as text here.
        ElemChild::Markup(markup) => out.push_str(&escape(markup)),
        ElemChild::Link { text, url } if links && is_web_address(url) => {
            out.push_str(&format!("<a href=\"{}\">", escape(url)));
            write_formatted(&text.text, &text.formatting, out);
            out.push_str("</a>");
        }
        ElemChild::Link { text, .. } => write_formatted(&text.text, &text.formatting, out),
        ElemChild::Transparent { .. } => {}
    }
}

fn is_web_address(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// Text in the tags of its formatting: `<i>` for italics, `<b>`, `<sup>`, `<sub>`, small capitals.
fn write_formatted(text: &str, formatting: &hayagriva::Formatting, out: &mut String) {
    let mut close = Vec::new();
    let mut open = |tag: &'static str, end: &'static str, out: &mut String| {
        out.push_str(tag);
        close.push(end);
    };
    if formatting.font_style == FontStyle::Italic {
        open("<i>", "</i>", out);
    }
    if formatting.font_weight == FontWeight::Bold {
        open("<b>", "</b>", out);
    }
    if formatting.font_variant == FontVariant::SmallCaps {
        open("<span class=\"small-caps\">", "</span>", out);
    }
    match formatting.vertical_align {
        VerticalAlign::Sup => open("<sup>", "</sup>", out),
        VerticalAlign::Sub => open("<sub>", "</sub>", out),
        _ => {}
    }
    out.push_str(&escape(text));
    for end in close.into_iter().rev() {
        out.push_str(end);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_the_sites_language_and_us_english_are_decoded() {
        let codes: Vec<String> = super::locales("da").into_iter().filter_map(|l| l.lang.map(|c| c.0)).collect();
        assert_eq!(codes, ["da-DK", "en-US"]);
        let langs = hayagriva::archive::LOCALES.iter().filter(|b| super::cbor_lang(b).is_some()).count();
        assert_eq!(langs, hayagriva::archive::LOCALES.len(), "every archived locale's language is read from its bytes");
    }

    #[test]
    fn locators_are_read_with_their_label() {
        use hayagriva::citationberg::taxonomy::Locator;
        assert_eq!(super::locator("s. 45"), (Locator::Page, "45"));
        assert_eq!(super::locator("kap. 2"), (Locator::Chapter, "2"));
        assert_eq!(super::locator("45-47"), (Locator::Page, "45-47"));
    }
}
