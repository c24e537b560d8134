//! The pages of the last build, kept so that a build parses again only the
//! files that changed. A page whose file has the same bytes (and kind) as
//! when it was cached, under the same configuration and generator (the
//! caller's `stamp`), is taken as it was, with the scan of its Markdown,
//! instead of parsing and checking its front matter and scanning its body
//! again; its body is taken from the file as read. Only pages that loaded
//! without any diagnostic are cached, so every problem of a page's own file
//! is reported on every build (problems its scan holds are reported from
//! the scan, cached or not).

use super::discover::SourceFile;
use super::{Page, frontmatter};
use crate::markdown::Scan;
use std::collections::HashMap;
use xxhash_rust::xxh3::xxh3_128;

/// The first bytes of a cache; a cache of another format is not read.
const MAGIC: &[u8] = b"ledestjerne pages 1\n";

/// The cached pages by file path, with the stamp they were made under.
#[derive(Default)]
pub struct PageCache {
    stamp: u128,
    entries: HashMap<String, (u128, Vec<u8>)>,
}

impl PageCache {
    /// The cache in `bytes` if it was made under `stamp`; else an empty one.
    pub fn read(bytes: &[u8], stamp: u128) -> PageCache {
        let empty = PageCache { stamp, entries: HashMap::new() };
        // The last 16 bytes are the hash of the rest: a cache written only in
        // part (the build was killed while writing it) is not read.
        let Some((body, sum)) = bytes.split_at_checked(bytes.len().saturating_sub(16)) else { return empty };
        if sum.len() != 16 || xxh3_128(body).to_le_bytes() != sum {
            return empty;
        }
        let Some(mut rest) = body.strip_prefix(MAGIC) else { return empty };
        if take_u128(&mut rest) != Some(stamp) {
            return empty;
        }
        let mut entries = HashMap::new();
        while !rest.is_empty() {
            let entry = (|| {
                let path = String::from_utf8(take_bytes(&mut rest)?.to_vec()).ok()?;
                let hash = take_u128(&mut rest)?;
                Some((path, (hash, take_bytes(&mut rest)?.to_vec())))
            })();
            let Some((path, entry)) = entry else { return empty };
            entries.insert(path, entry);
        }
        PageCache { stamp, entries }
    }

    /// The page of `file`, whose bytes are `text`, and the scan of its
    /// body, if they are cached; with the hash the next cache keeps them under.
    pub fn take(&self, file: &SourceFile, text: &str) -> (Option<(Page, Scan)>, u128) {
        let hash = hash(file, text);
        let page = self.entries.get(&file.rel_path).filter(|(h, _)| *h == hash).and_then(|(_, bytes)| decode(bytes, file, text));
        (page, hash)
    }

    /// The cache of `pages`, each kept under its hash in `hashes` (`None`:
    /// not kept) with its scan from `scans`, as bytes: [`MAGIC`], the stamp,
    /// then for each page its path, hash and encoded page and scan, each
    /// string of bytes after its length, and last the hash of all that. A
    /// page this cache holds under the same hash keeps its bytes.
    pub fn to_bytes(&self, pages: &[Page], hashes: &[Option<u128>], scans: &[Scan]) -> Vec<u8> {
        use rayon::prelude::*;
        let encoded: Vec<Option<(u128, Option<Vec<u8>>)>> = (0..pages.len())
            .into_par_iter()
            .map(|i| {
                let (page, hash) = (&pages[i], hashes.get(i).copied().flatten()?);
                match self.entries.get(&page.path).filter(|(h, _)| *h == hash) {
                    Some(_) => Some((hash, None)),
                    None => Some((hash, Some(postcard::to_stdvec(&(page, scans.get(i)?)).ok()?))),
                }
            })
            .collect();
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&self.stamp.to_le_bytes());
        for (page, (hash, new)) in pages.iter().zip(encoded).filter_map(|(p, e)| Some((p, e?))) {
            let old = || self.entries.get(&page.path).map(|(_, old)| old.as_slice());
            let Some(encoded) = new.as_deref().or_else(old) else { continue };
            put_bytes(&mut bytes, page.path.as_bytes());
            bytes.extend_from_slice(&hash.to_le_bytes());
            put_bytes(&mut bytes, encoded);
        }
        let sum = xxh3_128(&bytes);
        bytes.extend_from_slice(&sum.to_le_bytes());
        bytes
    }

    /// How many pages the cache holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the cache holds no page.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The hash of a file's bytes and kind.
fn hash(file: &SourceFile, text: &str) -> u128 {
    xxh3_128(text.as_bytes()) ^ file.kind.0 as u128
}

/// The cached page and scan `bytes`, the page with its body from `text`.
fn decode(bytes: &[u8], file: &SourceFile, text: &str) -> Option<(Page, Scan)> {
    let (mut page, scan): (Page, Scan) = postcard::from_bytes(bytes).ok()?;
    page.body = frontmatter::split(&file.rel_path, text).ok()?.body.into_owned();
    Some((page, scan))
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    out.extend_from_slice(bytes);
}

fn take_bytes<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
    let len = usize::try_from(u64::from_le_bytes(rest.get(..8)?.try_into().ok()?)).ok()?;
    let bytes = rest.get(8..8 + len)?;
    *rest = &rest[8 + len..];
    Some(bytes)
}

fn take_u128(rest: &mut &[u8]) -> Option<u128> {
    let n = u128::from_le_bytes(rest.get(..16)?.try_into().ok()?);
    *rest = &rest[16..];
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::KindIdx;
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    fn file(rel: &str) -> SourceFile {
        SourceFile { abs_path: PathBuf::from(rel), rel_path: rel.to_string(), stem: "x".into(), kind: KindIdx(1) }
    }

    fn page(rel: &str, title: &str) -> Page {
        Page {
            id: "x".into(),
            kind: KindIdx(1),
            path: rel.into(),
            title: title.into(),
            url: "cases/x/".into(),
            fields: BTreeMap::from([("title".to_string(), crate::content::FieldValue::Str(title.into()))]),
            body: String::new(),
            body_line: 4,
            draft: false,
            aliases: Vec::new(),
            cite: None,
        }
    }

    fn scan() -> Scan {
        crate::markdown::scan("## Overskrift\n\nSe [[y]].\n", false)
    }

    /// A cache holding the page of `content/cases/x.md` with `text`, as bytes.
    fn cached(text: &str, stamp: u128) -> Vec<u8> {
        let cache = PageCache::read(&[], stamp);
        let rel = "content/cases/x.md";
        let (_, hash) = cache.take(&file(rel), text);
        cache.to_bytes(&[page(rel, "Skat")], &[Some(hash)], &[scan()])
    }

    const TEXT: &str = "---\ntitle: Skat\n---\nBrødtekst.\r\nMere.\n";

    #[test]
    fn a_file_with_the_same_bytes_gives_its_page_with_the_body_as_read() {
        let cache = PageCache::read(&cached(TEXT, 7), 7);
        assert_eq!(cache.len(), 1);
        let (taken, _) = cache.take(&file("content/cases/x.md"), TEXT);
        let (page, taken_scan) = taken.expect("taken from the cache");
        assert_eq!((page.title.as_str(), page.body.as_str(), page.body_line), ("Skat", "Brødtekst.\nMere.\n", 4));
        assert_eq!((taken_scan.headings, taken_scan.links), (scan().headings, scan().links));
    }

    #[test]
    fn a_changed_file_another_kind_another_stamp_or_damaged_bytes_give_nothing() {
        let bytes = cached(TEXT, 7);
        let cache = PageCache::read(&bytes, 7);
        assert!(cache.take(&file("content/cases/x.md"), &TEXT.replace("Skat", "Skab")).0.is_none());
        let other_kind = SourceFile { kind: KindIdx(2), ..file("content/cases/x.md") };
        assert!(cache.take(&other_kind, TEXT).0.is_none());
        assert!(PageCache::read(&bytes, 8).is_empty(), "another configuration or generator");
        assert!(PageCache::read(&bytes[..bytes.len() - 3], 7).is_empty(), "a cut-off cache");
        let mut torn = bytes.clone();
        torn[MAGIC.len() + 20] ^= 1;
        assert!(PageCache::read(&torn, 7).is_empty(), "a cache written in part over an older one");
        assert!(PageCache::read(b"something else", 7).is_empty());
    }

    #[test]
    fn pages_taken_from_the_cache_keep_their_bytes_and_pages_not_kept_are_left_out() {
        let bytes = cached(TEXT, 7);
        let cache = PageCache::read(&bytes, 7);
        let (taken, hash) = cache.take(&file("content/cases/x.md"), TEXT);
        let (page, _) = taken.unwrap();
        // A scan that differs from the cached one is not encoded: the bytes are kept.
        assert_eq!(cache.to_bytes(std::slice::from_ref(&page), &[Some(hash)], &[Scan::default()]), bytes);
        assert!(PageCache::read(&cache.to_bytes(&[page], &[None], &[scan()]), 7).is_empty());
    }
}
