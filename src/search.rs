//! Search: a Pagefind index built in-process from the pages the build holds.
//!
//! Each page is handed to the `pagefind` library as a small synthetic HTML
//! document made for indexing — title, summary and body with weights, the
//! page's filters (kind, hub, facet values) and metadata — rather than the
//! full themed page, so navigation and footers never pollute results.
//!
//! Danish readers often type without æ, ø and å (`Bronderslev`, `tandlaege`).
//! Pagefind folds accents (å → a) but not ø or æ, so every word with a Danish
//! letter is also indexed in its transliterated (`oe`, `ae`, `aa`) and plain
//! (`o`, `a`) spellings.

use crate::charts::escape;
use crate::render::OutputFile;
use std::collections::{BTreeMap, BTreeSet};

/// Folder of the search bundle in the output.
pub const BUNDLE_DIR: &str = "pagefind";

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

/// Pages per search bundle unless `site.yaml` says otherwise (`search: shard_pages:`).
pub const DEFAULT_SHARD_PAGES: usize = 500;

/// File in [`BUNDLE_DIR`] listing the other bundles, which the browser merges.
pub const SHARDS_FILE: &str = "shards.json";

/// Builds the Pagefind index for `docs`; returns its files.
///
/// Pagefind's library indexes one page at a time, so a site of more than
/// `shard_pages` pages is split into bundles of at most that many pages
/// (every K-th page to bundle K), built side by side: [`BUNDLE_DIR`] (`pagefind/`), then `pagefind-1/`,
/// `pagefind-2/` … `pagefind/shards.json` lists the others; the theme's
/// search script merges them with Pagefind's `mergeIndex`.
pub fn index(docs: &[SearchDoc], lang: &str, shard_pages: usize) -> Result<Vec<OutputFile>, String> {
    let (files, result) = crate::render::collect_files(|sink| index_into(docs, lang, shard_pages, sink));
    result.map(|()| files)
}

/// Like [`index`], handing each file to `sink` as soon as its bundle is
/// built, so the bundles are not all held in memory at once.
pub fn index_into(docs: &[SearchDoc], lang: &str, shard_pages: usize, sink: &(dyn Fn(OutputFile) + Sync)) -> Result<(), String> {
    let docs_of = |pages: &[usize]| pages.iter().map(|&i| docs[i].clone()).collect();
    index_pages_into(docs.len(), lang, shard_pages, &docs_of, None, sink).map(|_| ())
}

/// Builds the index of `count` pages whose documents `docs_of` makes, a
/// bundle's worth at a time, just before that bundle is indexed. The build
/// renders each bundle's pages there, so only the documents of the bundles
/// being indexed are ever held, and rendering runs beside indexing.
///
/// With a `cache`, a bundle whose documents are the same as when the cache
/// last saw it is taken from there instead of being indexed again.
pub fn index_pages_into(
    count: usize,
    lang: &str,
    shard_pages: usize,
    docs_of: &(dyn Fn(&[usize]) -> Vec<SearchDoc> + Sync),
    cache: Option<&BundleCache>,
    sink: &(dyn Fn(OutputFile) + Sync),
) -> Result<IndexStats, String> {
    use rayon::prelude::*;
    let parts = bundles(count, shard_pages);
    let indexed: Vec<bool> = parts
        .par_iter()
        .enumerate()
        .map(|(k, pages)| {
            let (files, indexed) = bundle_files(&docs_of(pages), lang, &bundle_dir(k), cache)?;
            files.into_iter().for_each(sink);
            Ok(indexed)
        })
        .collect::<Result<_, String>>()?;
    let others: Vec<String> = (1..parts.len()).map(|k| format!("{}/", bundle_dir(k))).collect();
    let list = serde_json::to_string(&others).map_err(|e| e.to_string())?;
    sink(OutputFile::text(format!("{BUNDLE_DIR}/{SHARDS_FILE}"), list));
    let fresh = indexed.iter().filter(|&&i| i).count();
    Ok(IndexStats { indexed: fresh, reused: indexed.len() - fresh })
}

/// How many bundles an index build indexed, and how many it took unchanged
/// from a [`BundleCache`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IndexStats {
    /// Bundles handed to Pagefind.
    pub indexed: usize,
    /// Bundles taken from the cache.
    pub reused: usize,
}

/// The files of the bundles built so far, each with a fingerprint of the
/// documents it was built from. `serve` keeps one between index builds, so
/// that after a save only the bundles holding a changed page are indexed
/// again; Pagefind gives the same files for the same documents.
#[derive(Default)]
pub struct BundleCache(std::sync::Mutex<std::collections::HashMap<String, (u128, Vec<OutputFile>)>>);

impl std::fmt::Debug for BundleCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BundleCache").field("bundles", &self.entries().len()).finish()
    }
}

impl BundleCache {
    fn entries(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, (u128, Vec<OutputFile>)>> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn get(&self, dir: &str, fingerprint: u128) -> Option<Vec<OutputFile>> {
        self.entries().get(dir).filter(|(f, _)| *f == fingerprint).map(|(_, files)| files.clone())
    }

    fn put(&self, dir: &str, fingerprint: u128, files: Vec<OutputFile>) {
        self.entries().insert(dir.to_string(), (fingerprint, files));
    }
}

/// The files of one bundle, from `cache` when its documents are unchanged;
/// also says whether Pagefind built them.
fn bundle_files(docs: &[SearchDoc], lang: &str, dir: &str, cache: Option<&BundleCache>) -> Result<(Vec<OutputFile>, bool), String> {
    let pages: Vec<(String, String)> = docs.iter().map(|d| (d.url.clone(), d.to_html(lang))).collect();
    let cached = cache.map(|cache| (cache, fingerprint(lang, &pages)));
    if let Some(files) = cached.and_then(|(cache, f)| cache.get(dir, f)) {
        return Ok((files, false));
    }
    let files = index_bundle(pages, lang, dir)?;
    if let Some((cache, f)) = cached {
        cache.put(dir, f, files.clone());
    }
    Ok((files, true))
}

/// 128 bits of hash over the language and every page's URL and document.
fn fingerprint(lang: &str, pages: &[(String, String)]) -> u128 {
    use std::hash::{Hash, Hasher};
    let half = |seed: u64| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        seed.hash(&mut h);
        lang.hash(&mut h);
        pages.hash(&mut h);
        h.finish()
    };
    (u128::from(half(1)) << 64) | u128::from(half(2))
}

/// The pages of each bundle: at most `shard_pages` each, every K-th page
/// to bundle K, not K runs of neighbours. Each bundle is then a sample of
/// the whole site (all kinds), so its word statistics, and with them the
/// scores the browser compares across bundles, match the others'.
pub fn bundles(count: usize, shard_pages: usize) -> Vec<Vec<usize>> {
    let shards = count.div_ceil(shard_pages.max(1)).max(1);
    (0..shards).map(|k| (k..count).step_by(shards).collect()).collect()
}

/// Folder of bundle `k`: [`BUNDLE_DIR`], then `pagefind-1`, `pagefind-2`, …
pub fn bundle_dir(k: usize) -> String {
    if k == 0 { BUNDLE_DIR.to_string() } else { format!("{BUNDLE_DIR}-{k}") }
}

/// Whether the output file at `path` belongs to the search index.
pub fn is_index_file(path: &str) -> bool {
    let Some((dir, _)) = path.split_once('/') else { return false };
    let Some(rest) = dir.strip_prefix(BUNDLE_DIR) else { return false };
    rest.is_empty() || rest.strip_prefix('-').is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// One Pagefind bundle of `pages` (URL and synthetic document), with its files under `dir`.
fn index_bundle(pages: Vec<(String, String)>, lang: &str, dir: &str) -> Result<Vec<OutputFile>, String> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    runtime.block_on(index_async(pages, lang, dir))
}

async fn index_async(pages: Vec<(String, String)>, lang: &str, dir: &str) -> Result<Vec<OutputFile>, String> {
    let options = pagefind::options::PagefindServiceConfig::builder().force_language(lang.to_string()).build();
    let mut index = pagefind::api::PagefindIndex::new(Some(options)).map_err(|e| e.to_string())?;
    for (url, html) in pages {
        index.add_html_file(None, Some(url.clone()), html).await.map_err(|e| format!("{url}: {e}"))?;
    }
    let files = index.get_files().await.map_err(|e| e.to_string())?;
    Ok(files
        .into_iter()
        .map(|f| {
            let rel = f.filename.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            OutputFile { path: format!("{dir}/{rel}"), bytes: f.contents }
        })
        .collect())
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

    #[test]
    fn the_index_is_built_in_memory() {
        let doc = SearchDoc {
            url: "a/".into(),
            title: "Brønderslev".into(),
            kind_label: "Case".into(),
            body_html: "<p>Unge i job</p>".into(),
            weight: 1.0,
            ..SearchDoc::default()
        };
        let files = index(&[doc], "da", DEFAULT_SHARD_PAGES).unwrap();
        assert!(files.iter().any(|f| f.path == "pagefind/pagefind.js"), "{:?}", files.iter().map(|f| &f.path).collect::<Vec<_>>());
        assert!(files.iter().any(|f| f.path.starts_with("pagefind/index/")));
        let shards = files.iter().find(|f| f.path == "pagefind/shards.json").expect("the list of other bundles");
        assert_eq!(shards.bytes, b"[]");
    }

    #[test]
    fn large_sites_get_even_bundles_listed_for_the_browser() {
        let docs: Vec<SearchDoc> =
            (0..7).map(|i| SearchDoc { url: format!("p{i}/"), title: format!("Side {i}"), weight: 1.0, ..SearchDoc::default() }).collect();
        let files = index(&docs, "da", 3).unwrap();
        let shards = files.iter().find(|f| f.path == "pagefind/shards.json").expect("the list of other bundles");
        assert_eq!(String::from_utf8_lossy(&shards.bytes), r#"["pagefind-1/","pagefind-2/"]"#);
        for dir in ["pagefind", "pagefind-1", "pagefind-2"] {
            assert!(files.iter().any(|f| f.path == format!("{dir}/pagefind-entry.json")), "{dir}");
        }
        assert!(files.iter().all(|f| is_index_file(&f.path)));
    }

    /// Builds the index of `docs` in bundles of 2 pages through `cache`.
    fn cached_index(docs: &[SearchDoc], cache: &BundleCache) -> (Vec<OutputFile>, IndexStats) {
        let docs_of = |pages: &[usize]| pages.iter().map(|&i| docs[i].clone()).collect();
        let (files, stats) = crate::render::collect_files(|sink| index_pages_into(docs.len(), "da", 2, &docs_of, Some(cache), sink));
        (files, stats.expect("index"))
    }

    #[test]
    fn only_bundles_with_a_changed_page_are_indexed_again() {
        let mut docs: Vec<SearchDoc> = (0..7)
            .map(|i| SearchDoc {
                url: format!("p{i}/"),
                title: format!("Side {i}"),
                body_html: format!("<p>tekst nummer {i}</p>"),
                weight: 1.0,
                ..SearchDoc::default()
            })
            .collect();
        let cache = BundleCache::default();
        let (first, stats) = cached_index(&docs, &cache);
        assert_eq!(stats, IndexStats { indexed: 4, reused: 0 });
        let (again, stats) = cached_index(&docs, &cache);
        assert_eq!(stats, IndexStats { indexed: 0, reused: 4 });
        assert_eq!(again, first);

        // Page 5 is in bundle 5 % 4 = 1 (`pagefind-1/`).
        docs[5].body_html = "<p>helt ny tekst om borgerinddragelse</p>".into();
        let (changed, stats) = cached_index(&docs, &cache);
        assert_eq!(stats, IndexStats { indexed: 1, reused: 3 });
        let scratch = index(&docs, "da", 2).expect("index");
        assert_eq!(changed, scratch, "the same files as an index built from scratch");
        let bundle_1 = |files: &[OutputFile]| files.iter().filter(|f| f.path.starts_with("pagefind-1/")).cloned().collect::<Vec<_>>();
        assert_ne!(bundle_1(&changed), bundle_1(&first));
    }

    #[test]
    fn index_files_are_told_from_pages() {
        for path in ["pagefind/pagefind.js", "pagefind-1/index/x.pf_index", "pagefind-12/pagefind-entry.json"] {
            assert!(is_index_file(path), "{path}");
        }
        for path in ["pagefinder/x", "pagefind-/x", "pagefind-1a/x", "pagefind", "cases/pagefind/index.html"] {
            assert!(!is_index_file(path), "{path}");
        }
    }
}
