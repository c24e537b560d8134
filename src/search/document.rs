//! The search document of a page: a small synthetic HTML document made for
//! indexing — title, summary and body with weights, the page's filters
//! (kind, hub, facet values) and metadata — rather than the full themed
//! page, so navigation and footers never pollute results.
//!
//! Danish readers often type without æ, ø and å (`Bronderslev`, `tandlaege`).
//! Pagefind folds accents (å → a) but not ø or æ, so every word with a Danish
//! letter is also indexed in its transliterated (`oe`, `ae`, `aa`) and plain
//! (`o`, `a`) spellings.

use crate::content::PageIdx;
use crate::html::escape;
use crate::render::ViewBuilder;
use crate::render::values::{enum_labels, plain_html};
use crate::render::views::PageView;
use std::collections::{BTreeMap, BTreeSet};

/// One page as the search index sees it.
#[derive(Debug, Clone, Default)]
pub struct SearchDoc {
    /// Site-relative URL without the base path (`cases/x/`).
    pub url: String,
    /// Page title.
    pub title: String,
    /// Kind label shown with each result.
    pub kind_label: String,
    /// Summary as HTML.
    pub summary_html: String,
    /// Body and other text fields as HTML.
    pub body_html: String,
    /// Filter name → values.
    pub filters: BTreeMap<String, Vec<String>>,
    /// Weight of the summary and body text relative to other pages (1 = normal).
    pub weight: f64,
}

impl SearchDoc {
    /// The synthetic document fed to Pagefind.
    pub fn to_html(&self, lang: &str) -> String {
        let mut html = format!(
            "<!doctype html><html lang=\"{}\"><head><title>{}</title></head><body><main data-pagefind-body>",
            escape(lang),
            escape(&self.title)
        );
        html.push_str(&format!("<h1 data-pagefind-meta=\"title\" data-pagefind-weight=\"10\">{}</h1>", escape(&self.title)));
        html.push_str(&format!("<span data-pagefind-meta=\"kind:{}\"></span>", escape(&self.kind_label)));
        for (name, values) in &self.filters {
            for value in values {
                html.push_str(&format!("<span data-pagefind-filter=\"{}:{}\"></span>", escape(name), escape(value)));
            }
        }
        let w = |base: f64| format!("{:.2}", (base * self.weight).clamp(0.0, 10.0));
        if !self.summary_html.is_empty() {
            html.push_str(&format!("<div data-pagefind-weight=\"{}\">{}</div>", w(4.0), self.summary_html));
        }
        html.push_str(&format!("<div data-pagefind-weight=\"{}\">{}</div>", w(1.0), self.body_html));
        let title_folds = folded_words(&self.title);
        if !title_folds.is_empty() {
            html.push_str(&format!("<p data-pagefind-weight=\"10\">{}</p>", escape(&title_folds.join(" "))));
        }
        let text_folds = folded_words(&format!("{} {}", strip_tags(&self.summary_html), strip_tags(&self.body_html)));
        if !text_folds.is_empty() {
            html.push_str(&format!("<p data-pagefind-weight=\"{}\">{}</p>", w(1.0), escape(&text_folds.join(" "))));
        }
        html.push_str("</main></body></html>");
        html
    }
}

/// Text of `html` with tags removed (entities left as they are: only words matter).
pub fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The spellings without Danish letters of every word in `text` that has one.
pub fn folded_words(text: &str) -> Vec<String> {
    let mut out = BTreeSet::new();
    for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().any(is_danish_letter)) {
        out.extend(spellings(&word.to_lowercase()));
    }
    out.into_iter().collect()
}

/// Every spelling of `word` with each of æ, ø, å written either the Danish
/// transliterated way (`ae`, `oe`, `aa`) or plain (`a`, `o`, `a`): at most
/// eight, since the choice is made per letter, not per occurrence.
fn spellings(word: &str) -> Vec<String> {
    const LETTERS: [(char, &str, &str); 3] = [('æ', "ae", "a"), ('ø', "oe", "o"), ('å', "aa", "a")];
    let mut variants = vec![word.to_string()];
    for (letter, long, short) in LETTERS {
        if !word.contains(letter) {
            continue;
        }
        variants = variants.iter().flat_map(|v| [v.replace(letter, long), v.replace(letter, short)]).collect();
    }
    variants.retain(|v| !v.chars().any(is_danish_letter));
    variants
}

fn is_danish_letter(c: char) -> bool {
    matches!(c, 'æ' | 'ø' | 'å' | 'Æ' | 'Ø' | 'Å')
}

/// The search document of page `i`, whose view is `view`.
pub fn of_page(views: &ViewBuilder<'_>, i: PageIdx, view: &PageView) -> SearchDoc {
    let page = &views.pages()[i];
    let kind = &views.config().kinds[page.kind];
    let mut filters: BTreeMap<String, Vec<String>> = BTreeMap::new();
    filters.entry(views.ui("filter_kind", "Type")).or_default().push(kind.label.clone());
    for def in kind.fields.iter().filter(|d| d.facet) {
        let labels = enum_labels(&def.ty, page.fields.get(&def.name));
        if !labels.is_empty() {
            filters.entry(def.label.clone()).or_default().extend(labels);
        }
    }
    let hubs = views.hubs_of(i);
    if let (false, Some(hub)) = (hubs.is_empty(), views.config().hub) {
        // The filter is named by the hub kind itself, in the site's own words.
        filters.insert(views.config().kinds[hub].label.clone(), hubs);
    }
    let mut body_html = view.body_html.clone();
    for f in &view.fields {
        body_html.push_str(&plain_html(&f.value));
    }
    SearchDoc {
        url: page.url.clone(),
        title: page.title.clone(),
        kind_label: kind.label.clone(),
        summary_html: view.summary_html.clone(),
        body_html,
        filters,
        weight: kind.search_weight,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn danish_words_are_folded_two_ways() {
        let words = folded_words("Brønderslev og Hjørring, tandlæge på Ærø");
        for w in [
            "broenderslev",
            "bronderslev",
            "hjoerring",
            "hjorring",
            "tandlaege",
            "tandlage",
            "paa",
            "aeroe",
            "aro",
            "aeroe",
            "aero",
            "aroe",
        ] {
            assert!(words.contains(&w.to_string()), "{w} in {words:?}");
        }
        assert!(!words.contains(&"og".to_string()));
    }

    #[test]
    fn mixed_spellings_are_covered() {
        let words = folded_words("Værktøjsnavigatøren");
        assert!(words.contains(&"vaerktojsnavigatoren".to_string()), "{words:?}");
        assert_eq!(words.len(), 4);
    }

    #[test]
    fn synthetic_html_escapes_titles_and_carries_filters() {
        let mut filters = BTreeMap::new();
        filters.insert("Type".to_string(), vec!["Case".to_string()]);
        let doc = SearchDoc {
            url: "cases/x/".into(),
            title: "<script>alert(1)</script>".into(),
            kind_label: "Case".into(),
            filters,
            weight: 1.0,
            ..SearchDoc::default()
        };
        let html = doc.to_html("da");
        assert!(!html.contains("<script>"));
        assert!(html.contains("data-pagefind-filter=\"Type:Case\""));
    }
}
