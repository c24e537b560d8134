//! The pages of the last build, kept so that a build parses again only the
//! files that changed. A page whose file has the same bytes (and kind) as
//! when it was cached, under the same configuration and generator (the
//! caller's `stamp`), is taken as it was instead of parsing and checking its
//! front matter again; its body is taken from the file as read. Only pages
//! that loaded without any diagnostic are cached, so every warning is
//! reported on every build.

use super::discover::SourceFile;
use super::{Page, frontmatter};
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

/// What one file contributes to the next cache: nothing, or its hash and
/// its encoded page (`None`: the one in this cache).
pub type Cached = Option<(u128, Option<Vec<u8>>)>;

impl PageCache {
    /// The cache in `bytes` if it was made under `stamp`; else an empty one.
    pub fn read(bytes: &[u8], stamp: u128) -> PageCache {
        let empty = PageCache { stamp, entries: HashMap::new() };
        let Some(mut rest) = bytes.strip_prefix(MAGIC) else { return empty };
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

    /// An empty cache for pages loaded under `stamp`.
    pub fn new(stamp: u128) -> PageCache {
        PageCache { stamp, entries: HashMap::new() }
    }

    /// The page of `file`, whose bytes are `text`, if it is cached; with
    /// what the next cache keeps of it.
    pub fn take(&self, file: &SourceFile, text: &str) -> (Option<Page>, u128) {
        let hash = hash(file, text);
        let page = self.entries.get(&file.rel_path).filter(|(h, _)| *h == hash).and_then(|(_, bytes)| decode(bytes, file, text));
        (page, hash)
    }

    /// `page`, loaded from a file with `hash`, as the next cache keeps it.
    pub fn encode(&self, hash: u128, page: &Page) -> Cached {
        if self.entries.get(&page.path).is_some_and(|(h, _)| *h == hash) {
            return Some((hash, None));
        }
        Some((hash, Some(postcard::to_stdvec(page).ok()?)))
    }

    /// The cache of the pages `cached` (path and what [`PageCache::encode`]
    /// made), as bytes: [`MAGIC`], the stamp, then for each page its path,
    /// hash and encoded page, each string of bytes after its length.
    pub fn to_bytes(&self, cached: Vec<(String, Cached)>) -> Vec<u8> {
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&self.stamp.to_le_bytes());
        for (path, (hash, page)) in cached.into_iter().filter_map(|(path, c)| Some((path, c?))) {
            let Some(page) = page.as_deref().or_else(|| self.entries.get(&path).map(|(_, old)| old.as_slice())) else { continue };
            put_bytes(&mut bytes, path.as_bytes());
            bytes.extend_from_slice(&hash.to_le_bytes());
            put_bytes(&mut bytes, page);
        }
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

/// The cached page `bytes`, with its body from `text`.
fn decode(bytes: &[u8], file: &SourceFile, text: &str) -> Option<Page> {
    let mut page: Page = postcard::from_bytes(bytes).ok()?;
    page.body = frontmatter::split(&file.rel_path, text).ok()?.body.into_owned();
    Some(page)
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

    /// A cache holding the page of `content/cases/x.md` with `text`, as bytes.
    fn cached(text: &str, stamp: u128) -> Vec<u8> {
        let cache = PageCache::new(stamp);
        let rel = "content/cases/x.md";
        let (_, hash) = cache.take(&file(rel), text);
        cache.to_bytes(vec![(rel.to_string(), cache.encode(hash, &page(rel, "Skat")))])
    }

    const TEXT: &str = "---\ntitle: Skat\n---\nBrødtekst.\r\nMere.\n";

    #[test]
    fn a_file_with_the_same_bytes_gives_its_page_with_the_body_as_read() {
        let cache = PageCache::read(&cached(TEXT, 7), 7);
        assert_eq!(cache.len(), 1);
        let (page, _) = cache.take(&file("content/cases/x.md"), TEXT);
        let page = page.expect("taken from the cache");
        assert_eq!((page.title.as_str(), page.body.as_str(), page.body_line), ("Skat", "Brødtekst.\nMere.\n", 4));
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
        assert!(PageCache::read(b"something else", 7).is_empty());
    }

    #[test]
    fn pages_taken_from_the_cache_are_not_encoded_again() {
        let bytes = cached(TEXT, 7);
        let cache = PageCache::read(&bytes, 7);
        let (page, hash) = cache.take(&file("content/cases/x.md"), TEXT);
        let entry = cache.encode(hash, &page.unwrap());
        assert_eq!(entry, Some((hash, None)));
        assert_eq!(cache.to_bytes(vec![("content/cases/x.md".into(), entry)]), bytes);
    }
}
