//! Search: a Pagefind index built in-process from the pages the build holds.
//!
//! Each page becomes a [`SearchDoc`] ([`document`]), indexed by the `pagefind`
//! library in bundles of at most `search.shard_pages` pages, built side by
//! side and merged in the browser.

pub mod document;
pub mod portable;

pub use document::{SearchDoc, folded_words, strip_tags};

use crate::content::PageIdx;
use crate::files::{OutputFile, Sink};

/// Folder of the search bundle in the output.
pub const BUNDLE_DIR: &str = crate::render::plan::SEARCH_INDEX_DIR;

/// File in [`BUNDLE_DIR`] listing the other bundles, which the browser merges.
pub const SHARDS_FILE: &str = "shards.json";

/// Builds the Pagefind index for `docs`; returns its files.
///
/// Pagefind's library indexes one page at a time, so a site of more than
/// `shard_pages` pages is split into bundles of at most that many pages
/// (every K-th page to bundle K), built side by side: [`BUNDLE_DIR`] (`pagefind/`), then `pagefind-1/`,
/// `pagefind-2/` … `pagefind/shards.json` lists the others; the theme's
/// search script merges them with Pagefind's `mergeIndex`.
pub fn index(docs: &[SearchDoc], lang: &str, shard_pages: usize) -> Result<Vec<OutputFile>, IndexError> {
    let docs_of = |pages: &[PageIdx]| pages.iter().map(|&i| docs[i.0].clone()).collect();
    let (files, result) = crate::files::collect(|sink| index_pages_into(docs.len(), lang, shard_pages, &docs_of, None, sink));
    result.map(|_| files)
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
    docs_of: &(dyn Fn(&[PageIdx]) -> Vec<SearchDoc> + Sync),
    cache: Option<&BundleCache>,
    sink: Sink<'_>,
) -> Result<IndexStats, IndexError> {
    index_keeping(count, lang, shard_pages, docs_of, &|_, _| false, cache, sink)
}

/// As [`index_pages_into`], except that the bundles `kept` says yes to
/// (by number and pages) are not built: the caller has their files from
/// an earlier build.
pub fn index_keeping(
    count: usize,
    lang: &str,
    shard_pages: usize,
    docs_of: &(dyn Fn(&[PageIdx]) -> Vec<SearchDoc> + Sync),
    kept: &(dyn Fn(usize, &[PageIdx]) -> bool + Sync),
    cache: Option<&BundleCache>,
    sink: Sink<'_>,
) -> Result<IndexStats, IndexError> {
    use rayon::prelude::*;
    let parts = bundles(count, shard_pages);
    let indexed: Vec<bool> = parts
        .par_iter()
        .enumerate()
        .map(|(k, pages)| {
            if kept(k, pages) {
                return Ok(false);
            }
            let (files, indexed) = bundle_files(&docs_of(pages), lang, &bundle_dir(k), cache)?;
            files.into_iter().for_each(sink);
            Ok(indexed)
        })
        .collect::<Result<_, IndexError>>()?;
    let others: Vec<String> = (1..parts.len()).map(|k| format!("{}/", bundle_dir(k))).collect();
    let list = serde_json::to_string(&others).map_err(IndexError::whole)?;
    sink(OutputFile::text(format!("{BUNDLE_DIR}/{SHARDS_FILE}"), list));
    let fresh = indexed.iter().filter(|&&i| i).count();
    Ok(IndexStats { indexed: fresh, reused: indexed.len() - fresh })
}

/// Why the search index could not be built.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexError {
    /// The URL of the page Pagefind failed on, when it was one page.
    pub url: Option<String>,
    /// What Pagefind said.
    pub message: String,
}

impl IndexError {
    fn whole(e: impl std::fmt::Display) -> Self {
        IndexError { url: None, message: e.to_string() }
    }
}

impl std::fmt::Display for IndexError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.url {
            Some(url) => write!(f, "{url}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
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
fn bundle_files(docs: &[SearchDoc], lang: &str, dir: &str, cache: Option<&BundleCache>) -> Result<(Vec<OutputFile>, bool), IndexError> {
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
pub fn bundles(count: usize, shard_pages: usize) -> Vec<Vec<PageIdx>> {
    let shards = count.div_ceil(shard_pages.max(1)).max(1);
    (0..shards).map(|k| (k..count).step_by(shards).map(PageIdx).collect()).collect()
}

/// Folder of bundle `k`: [`BUNDLE_DIR`], then `pagefind-1`, `pagefind-2`, …
pub fn bundle_dir(k: usize) -> String {
    if k == 0 { BUNDLE_DIR.to_string() } else { format!("{BUNDLE_DIR}-{k}") }
}

/// Whether the output file at `path` belongs to the search index.
pub fn is_index_file(path: &str) -> bool {
    crate::render::plan::in_search_index(path)
}

/// One Pagefind bundle of `pages` (URL and synthetic document), with its files under `dir`.
fn index_bundle(pages: Vec<(String, String)>, lang: &str, dir: &str) -> Result<Vec<OutputFile>, IndexError> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(IndexError::whole)?;
    runtime.block_on(index_async(pages, lang, dir))
}

async fn index_async(pages: Vec<(String, String)>, lang: &str, dir: &str) -> Result<Vec<OutputFile>, IndexError> {
    let options = pagefind::options::PagefindServiceConfig::builder().force_language(lang.to_string()).build();
    let mut index = pagefind::api::PagefindIndex::new(Some(options)).map_err(IndexError::whole)?;
    for (url, html) in pages {
        index
            .add_html_file(None, Some(url.clone()), html)
            .await
            .map_err(|e| IndexError { url: Some(url.clone()), message: e.to_string() })?;
    }
    let files = index.get_files().await.map_err(IndexError::whole)?;
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
    fn the_index_is_built_in_memory() {
        let doc = SearchDoc {
            url: "a/".into(),
            title: "Brønderslev".into(),
            kind_label: "Case".into(),
            body_html: "<p>Unge i job</p>".into(),
            weight: 1.0,
            ..SearchDoc::default()
        };
        let files = index(&[doc], "da", crate::config::DEFAULT_SHARD_PAGES).unwrap();
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
        let docs_of = |pages: &[PageIdx]| pages.iter().map(|&i| docs[i.0].clone()).collect();
        let (files, stats) = crate::files::collect(|sink| index_pages_into(docs.len(), "da", 2, &docs_of, Some(cache), sink));
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
