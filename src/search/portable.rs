//! The search index of a portable build, for reading the site from a folder.
//!
//! A browser does not let a page opened with `file://` fetch other files,
//! so Pagefind cannot load its index there. A portable build also writes
//! the search documents into `search-index.js`, which the search page loads
//! with a `<script>`, and the theme's `search-portable.js` searches them with
//! MiniSearch (bundled in the theme, under its MIT licence), folding the
//! Danish letters as the Pagefind documents do.

use super::SearchDoc;
use super::document::{folded_words, strip_tags};
use serde::Serialize;

/// The file the portable index is written to, at the site's root.
pub const INDEX_FILE: &str = crate::render::plan::PORTABLE_INDEX;

/// One document as the portable search reads it; short names keep the file small.
#[derive(Serialize)]
struct Doc<'a> {
    /// URL from the site's root (`cases/x/`).
    u: &'a str,
    /// Title.
    t: &'a str,
    /// Kind label.
    k: &'a str,
    /// Summary and body as plain text.
    x: String,
    /// The title's and text's words without Danish letters (`oe`/`o` for `ø`).
    v: String,
    /// Filters: name → values.
    f: &'a std::collections::BTreeMap<String, Vec<String>>,
    /// Weight of the text (1 = normal).
    w: f64,
}

/// One document as JSON, for [`index_js`].
pub fn doc_json(d: &SearchDoc) -> String {
    let text = format!("{} {}", strip_tags(&d.summary_html), strip_tags(&d.body_html));
    let mut variants = folded_words(&d.title);
    variants.extend(folded_words(&text));
    variants.sort_unstable();
    variants.dedup();
    let x = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let doc = Doc { u: &d.url, t: &d.title, k: &d.kind_label, x, v: variants.join(" "), f: &d.filters, w: d.weight };
    // `</script>` cannot end the script early: `<` is always escaped.
    serde_json::to_string(&doc).unwrap_or_else(|_| "{}".into()).replace('<', "\\u003c")
}

/// `search-index.js`: the documents (each from [`doc_json`]) as a script
/// that sets `window.ledestjerneIndex`.
pub fn index_js(docs: &[String]) -> String {
    format!("window.ledestjerneIndex={{\"docs\":[{}]}};\n", docs.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_is_a_script_with_folded_spellings_and_no_markup() {
        let doc = SearchDoc {
            url: "cases/x/".into(),
            title: "Værktøj </script>".into(),
            kind_label: "Case".into(),
            summary_html: "<p>Kort.</p>".into(),
            body_html: "<p>Brønderslev og <em>Ishøj</em></p>".into(),
            weight: 1.0,
            ..SearchDoc::default()
        };
        let js = index_js(&[doc_json(&doc)]);
        assert!(js.starts_with("window.ledestjerneIndex={\"docs\":[{\"u\":\"cases/x/\""), "{js}");
        assert!(!js.contains("</script>") && !js.contains("<em>"), "{js}");
        assert!(js.contains("Kort. Brønderslev og Ishøj"), "{js}");
        for spelling in ["vaerktoej", "vaerktoj", "broenderslev", "bronderslev", "ishoej"] {
            assert!(js.contains(spelling), "{spelling} in {js}");
        }
    }
}
