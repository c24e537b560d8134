//! Fingerprints: 128-bit hashes of everything a part of the output is made
//! from, so that a build can tell which parts the previous build already
//! made ([`super::reuse`]).
//!
//! * The **site-wide** fingerprint covers what every file can show: the
//!   generator itself (its version and the executable's size and time), the
//!   options, `site.yaml`, the site's templates, themes and UI strings, and
//!   the templates' site-wide values (navigation, hub map).
//! * A **card** covers what other pages show of a page: its id, title, URL,
//!   kind, fields (summary, tags, colour, chart, …), draft mark and the
//!   titles of the pages it links to (a summary shows them).
//! * A **page**'s fingerprint covers its whole file, the cards of the pages
//!   it links to and that link to it (with how, and in backlink order), of
//!   its related hubs and their shared pages, of its previous and next page,
//!   and, for kinds that embed referenced pages, the cards of what those
//!   pages link to.
//!
//! Listings, print parts and search bundles are fingerprinted from the cards
//! or page fingerprints of their pages. Where in doubt a fingerprint covers
//! more than is needed: a file rendered again needlessly costs a little time,
//! a file left out would be wrong.

use super::{Options, Site};
use crate::content::{FieldValue, Page, PageIdx};
use crate::graph::Via;
use crate::render::Order;
use crate::render::theme::StaticFile;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Debug};
use std::path::Path;
use xxhash_rust::xxh3::Xxh3;

/// A 128-bit hash of the inputs of one part of the output.
pub type Fingerprint = u128;

/// Hashes values into a [`Fingerprint`]; every value is length-prefixed, so
/// `("ab", "c")` and `("a", "bc")` differ.
/// XXH3 (128 bits) rather than a keyed hash: nothing here is secret, and
/// every build hashes all of the site's text.
struct Fp(Xxh3);

impl Fp {
    fn new(tag: &str) -> Fp {
        let mut fp = Fp(Xxh3::new());
        fp.str(tag);
        fp
    }

    fn bytes(&mut self, bytes: &[u8]) {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
    }

    fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }

    fn num(&mut self, n: u128) {
        self.0.update(&n.to_le_bytes());
    }

    /// The value's `Debug` text, hashed as it is written, without building it.
    fn debug(&mut self, value: &impl Debug) {
        use fmt::Write as _;
        let _ = write!(self, "{value:?}");
        self.0.update(&[0xff]);
    }

    /// A front-matter value, walked: cheaper than its `Debug` text.
    fn field(&mut self, value: &FieldValue) {
        match value {
            FieldValue::Str(s) => self.tagged(0, s),
            FieldValue::Text(text) => {
                self.tagged(1, &text.source);
                self.num(text.line as u128);
            }
            FieldValue::Number(n) => self.num((2 << 64) | u128::from(n.to_bits())),
            FieldValue::Integer(n) => self.num((3 << 64) | u128::from(*n as u64)),
            FieldValue::Bool(b) => self.num((4 << 64) | u128::from(*b)),
            FieldValue::Date(s) => self.tagged(5, s),
            FieldValue::Url(s) => self.tagged(6, s),
            FieldValue::Color(s) => self.tagged(7, s),
            FieldValue::SourceFile(s) => self.tagged(8, s),
            FieldValue::Enum(s) => self.tagged(9, s),
            FieldValue::Ref(r) => {
                self.tagged(10, &r.id);
                self.str(r.kind.as_deref().unwrap_or("\u{0}"));
                self.str(&r.location.path);
                self.num(((r.location.line as u128) << 64) | r.location.col as u128);
            }
            FieldValue::Name(s) => self.tagged(11, s),
            FieldValue::List(items) => {
                self.num((12 << 64) | items.len() as u128);
                items.iter().for_each(|item| self.field(item));
            }
            FieldValue::Object(fields) => self.fields(13, fields),
        }
    }

    /// A mapping of front-matter values, by name.
    fn fields(&mut self, tag: u128, fields: &BTreeMap<String, FieldValue>) {
        self.num((tag << 64) | fields.len() as u128);
        for (name, value) in fields {
            self.str(name);
            self.field(value);
        }
    }

    fn tagged(&mut self, tag: u8, s: &str) {
        self.0.update(&[tag]);
        self.str(s);
    }

    fn finish(&self) -> Fingerprint {
        self.0.digest128()
    }
}

impl fmt::Write for Fp {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

/// The site-wide fingerprint: the generator, `options`, the site's
/// configuration, templates, themes and UI strings, and the templates'
/// site-wide values as JSON.
pub fn site_wide(options: &Options, site_json: &str, files: &BTreeMap<String, StaticFile>) -> Fingerprint {
    let mut fp = Fp::new("site");
    generator_and_options(&mut fp, options);
    for folder in ["templates", "themes", "i18n"] {
        hash_folder(&mut fp, &options.root.join(folder));
    }
    // Pages show pictures' sizes and cite bibliography files, and link files
    // beside them: any change to a file that is not a page renders everything.
    stamp_files(&mut fp, files);
    fp.str(site_json);
    fp.finish()
}

/// What loading the pages depends on besides their files: the generator,
/// `options` and `site.yaml` (see [`crate::content::cache`]).
pub fn load_stamp(options: &Options) -> Fingerprint {
    let mut fp = Fp::new("load");
    generator_and_options(&mut fp, options);
    fp.finish()
}

/// The generator (its version, and the executable's size and time: a newly
/// built generator may work differently under the same version), `options`
/// and `site.yaml`.
fn generator_and_options(fp: &mut Fp, options: &Options) {
    fp.str(env!("CARGO_PKG_VERSION"));
    if let Some(meta) = std::env::current_exe().ok().and_then(|exe| std::fs::metadata(exe).ok()) {
        fp.num(u128::from(meta.len()));
        fp.debug(&meta.modified().ok());
    }
    fp.debug(&(&options.base_url, options.drafts, options.portable));
    fp.bytes(&std::fs::read(options.root.join(crate::config::CONFIG_FILE)).unwrap_or_default());
}

/// Every file under `dir`, by path, in a fixed order.
fn hash_folder(fp: &mut Fp, dir: &Path) {
    let files = walkdir::WalkDir::new(dir).sort_by_file_name().into_iter().filter_map(Result::ok);
    for entry in files.filter(|e| e.file_type().is_file()) {
        fp.debug(&entry.path());
        fp.bytes(&std::fs::read(entry.path()).unwrap_or_default());
    }
}

/// The path, size and modification time of every static file and file
/// beside the pages on disk (the build's own list of them, not another walk):
/// cheap for large pictures, and changed by every save.
fn stamp_files(fp: &mut Fp, files: &BTreeMap<String, StaticFile>) {
    for (rel, file) in files {
        if let StaticFile::Disk(path) = file {
            fp.str(rel);
            let meta = std::fs::metadata(path).ok();
            fp.debug(&meta.as_ref().map(|m| (m.len(), m.modified().ok())));
        }
    }
}

/// What the page fingerprints are made of, worked out once for the site.
pub struct Pages {
    /// What other pages show of each page.
    pub cards: Vec<Fingerprint>,
    /// Each page's fingerprint.
    pub pages: Vec<Fingerprint>,
}

impl Pages {
    /// The cards and fingerprints of every page of `site`, in listing `order`.
    pub fn new(site: &Site, order: &Order, site_wide: Fingerprint) -> Pages {
        let count = site.pages.len();
        let cards: Vec<Fingerprint> = (0..count).into_par_iter().map(|i| card(site, PageIdx(i))).collect();
        let pages = (0..count).into_par_iter().map(|i| page(site, order, &cards, site_wide, PageIdx(i))).collect();
        Pages { cards, pages }
    }

    /// One fingerprint of `tag` and `parts`, in order.
    pub fn combine(tag: &str, site_wide: Fingerprint, parts: impl IntoIterator<Item = Fingerprint>) -> Fingerprint {
        let mut fp = Fp::new(tag);
        fp.num(site_wide);
        parts.into_iter().for_each(|p| fp.num(p));
        fp.finish()
    }
}

/// What other pages show of page `i`.
fn card(site: &Site, i: PageIdx) -> Fingerprint {
    let page = &site.pages[i];
    let mut fp = Fp::new("card");
    fp.str(&page.id);
    fp.str(&page.title);
    fp.str(&page.url);
    fp.num(page.kind.0 as u128);
    fp.num(u128::from(page.draft));
    fp.fields(14, &page.fields);
    for edge in &site.graph.outgoing[i] {
        fp.str(&site.pages[edge.page].title);
    }
    fp.finish()
}

/// Page `i`'s fingerprint: see the module's documentation.
fn page(site: &Site, order: &Order, cards: &[Fingerprint], site_wide: Fingerprint, i: PageIdx) -> Fingerprint {
    let Site { config, pages, graph, .. } = site;
    let page = &pages[i];
    let mut fp = Fp::new("page");
    fp.num(site_wide);
    own(&mut fp, page);
    let embeds = config.kinds[page.kind].embeds();
    for edge in &graph.outgoing[i] {
        via(&mut fp, &edge.via, cards[edge.page.0]);
        if embeds {
            graph.outgoing[edge.page].iter().for_each(|e| fp.num(cards[e.page.0]));
        }
    }
    fp.str("incoming");
    for edge in &graph.incoming[i] {
        via(&mut fp, &edge.via, cards[edge.page.0]);
    }
    // Backlinks are grouped by kind and shown in listing order.
    let mut by_kind: BTreeMap<usize, BTreeSet<(usize, usize)>> = BTreeMap::new();
    for edge in &graph.incoming[i] {
        by_kind.entry(pages[edge.page].kind.0).or_default().insert((order.rank(edge.page), edge.page.0));
    }
    for (kind, list) in by_kind {
        fp.num(kind as u128);
        list.into_iter().for_each(|(_, p)| fp.num(cards[p]));
    }
    fp.str("related");
    for relation in &graph.related[i] {
        fp.num(cards[relation.hub.0]);
        fp.num(relation.shared.len() as u128);
        relation.shared.iter().for_each(|p| fp.num(cards[p.0]));
    }
    let (prev, next) = order.neighbours(i, page.kind);
    for neighbour in [prev, next] {
        fp.num(neighbour.map_or(0, |p| cards[p.0]));
    }
    fp.finish()
}

/// Everything of the page's own file.
fn own(fp: &mut Fp, page: &Page) {
    fp.str(&page.id);
    fp.str(&page.path);
    fp.str(&page.title);
    fp.str(&page.url);
    fp.num(page.kind.0 as u128);
    fp.str(&page.body);
    fp.num(page.body_line as u128);
    fp.num(u128::from(page.draft));
    fp.num(page.aliases.len() as u128);
    page.aliases.iter().for_each(|alias| fp.str(&alias.url));
    fp.fields(14, &page.fields);
}

fn via(fp: &mut Fp, via: &Via, card: Fingerprint) {
    match via {
        Via::Field(name) => fp.str(name),
        Via::Link => fp.str(""),
    }
    fp.num(card);
}
