//! Helpers shared by the tests. `SiteTest`: a small site in a temporary
//! folder, built by the real binary.
//!
//! A test writes the pages it is about, runs `build` or `check` the way an
//! editor would, and asserts on what the editor sees: the exit status, the
//! messages on stderr (with the temporary folder shown as `[ROOT]`, so they can
//! be snapshot-tested) and the HTML of the output. The `serve` and watch-mode
//! tests run the server through [`live_server`].

pub mod live_server;

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::rc::Rc;

/// The repository root: the bundled course site and the default theme live here.
pub const REPO: &str = env!("CARGO_MANIFEST_DIR");
/// The `ledestjerne` binary the tests run.
pub const BIN: &str = env!("CARGO_BIN_EXE_ledestjerne");

/// A schema with one kind of each shape the generator knows: top-level pages,
/// actors (the hub kind), cases (references, a list of references, an enum
/// facet, an integer, a string, a `source` object) and people.
const SITE_YAML: &str = r##"title: "Testkursus"
description: "Et lille site til tests."
base_url: "/"
language: da
theme: default
hub: actor

sources:
  kilde.txt: "Kildeteksten"

types:
  source:
    type: object
    fields:
      file: { type: source_file, required: true }
      section: { type: string, required: true }

kinds:
  page:
    folder: ""
    fields:
      title: { type: string, required: true }
      summary: { type: text }

  actor:
    folder: aktoerer
    label: Aktør
    plural: Aktører
    sort: title
    fields:
      title: { type: string, required: true }
      chapter: { type: string, required: true, label: Kapitel }
      color: { type: color }
      summary: { type: text }

  case:
    folder: cases
    label: Case
    plural: Cases
    sort: title
    fields:
      title: { type: string, required: true }
      summary: { type: text }
      actors: { type: list, of: { type: ref, kind: actor }, required: true, min: 1, label: Aktører }
      sector:
        type: enum
        required: true
        label: Sektor
        facet: true
        values: { kommune: Kommune, region: Region, stat: Stat }
      year: { type: integer, label: År }
      chapter: { type: string, label: Kapitel }
      contact: { type: ref, kind: person, label: Kontakt }
      source: { type: source }

  person:
    folder: personer
    label: Person
    plural: Personer
    title_field: name
    sort: name
    fields:
      name: { type: string, required: true }
      role: { type: string, label: Rolle }
"##;

/// A site in a temporary folder.
pub struct SiteTest {
    /// Shared with every [`Run`], so the output outlives the builder.
    dir: Rc<tempfile::TempDir>,
}

impl SiteTest {
    /// A site with the test schema, the default theme, the course's own
    /// templates and UI strings (for its kinds of the same names) and a front page.
    pub fn new() -> Self {
        let site = SiteTest { dir: Rc::new(tempfile::tempdir().expect("temporary folder")) };
        for folder in ["themes/default", "templates", "i18n"] {
            copy_dir(&Path::new(REPO).join(folder), &site.root().join(folder));
        }
        site.file("site.yaml", SITE_YAML).page("", "index", "title: Forside", "Velkommen.\n")
    }

    /// The site folder.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `text` to `path` (relative to the site folder), creating folders.
    pub fn file(self, path: &str, text: impl AsRef<[u8]>) -> Self {
        let full = self.root().join(path);
        std::fs::create_dir_all(full.parent().expect("a file has a folder")).expect("create folder");
        std::fs::write(&full, text).expect("write file");
        self
    }

    /// Writes `content/<folder>/<id>.md` with `front_matter` between `---` lines,
    /// so front-matter line 1 is line 2 of the file.
    pub fn page(self, folder: &str, id: &str, front_matter: &str, body: &str) -> Self {
        let path = if folder.is_empty() { format!("content/{id}.md") } else { format!("content/{folder}/{id}.md") };
        let text = format!("---\n{}\n---\n{body}", front_matter.trim_end());
        self.file(&path, text)
    }

    /// Deletes a file of the site.
    pub fn remove(self, path: &str) -> Self {
        std::fs::remove_file(self.root().join(path)).expect("remove file");
        self
    }

    /// `ledestjerne build` into `public/`.
    pub fn build(&self) -> Run {
        self.build_with(&[])
    }

    /// `ledestjerne build` with more arguments (`--base-url`, `--output`, …).
    pub fn build_with(&self, args: &[&str]) -> Run {
        let mut all = vec!["build"];
        all.extend_from_slice(args);
        self.run(&all)
    }

    /// Runs the binary on this site with `args` after `--root`.
    pub fn run(&self, args: &[&str]) -> Run {
        Run { _site: Some(Rc::clone(&self.dir)), ..run_binary(self.root(), args) }
    }
}

/// Runs `ledestjerne --root <root> <args>`.
pub fn run_binary(root: &Path, args: &[&str]) -> Run {
    let output = Command::new(BIN).arg("--root").arg(root).args(args).output().expect("run ledestjerne");
    let out = output_dir(root, args);
    let stderr = String::from_utf8_lossy(&output.stderr).replace(&root.display().to_string(), "[ROOT]");
    Run { code: output.status.code(), stdout: String::from_utf8_lossy(&output.stdout).into_owned(), stderr, out, _site: None }
}

fn output_dir(root: &Path, args: &[&str]) -> PathBuf {
    let given = args.windows(2).find(|w| w[0] == "--output" || w[0] == "-o").map_or("public", |w| w[1]);
    root.join(given)
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    /// Exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error, with the site folder replaced by `[ROOT]`.
    pub stderr: String,
    /// The output folder of a build.
    pub out: PathBuf,
    /// Keeps a [`SiteTest`]'s folder alive while its output is read.
    _site: Option<Rc<tempfile::TempDir>>,
}

impl Run {
    /// Panics with stderr unless the run exited with 0.
    #[track_caller]
    pub fn ok(self) -> Self {
        assert_eq!(self.code, Some(0), "expected success, stderr:\n{}", self.stderr);
        self
    }

    /// Panics unless the run exited with 1 (problems in the site).
    #[track_caller]
    pub fn failed(self) -> Self {
        assert_eq!(self.code, Some(1), "expected exit code 1, stderr:\n{}", self.stderr);
        self
    }

    /// The output HTML of the page at `url_path` (`cases/x/` → `cases/x/index.html`).
    #[track_caller]
    pub fn html(&self, url_path: &str) -> String {
        absolute_links(&self.raw_html(url_path), &file_for_url(url_path))
    }

    /// The output HTML of the page at `url_path` as written, with its links
    /// relative to the page.
    #[track_caller]
    pub fn raw_html(&self, url_path: &str) -> String {
        let path = self.out.join(file_for_url(url_path));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    /// The `<main …>…</main>` element of the page at `url_path`.
    #[track_caller]
    pub fn main_html(&self, url_path: &str) -> String {
        let html = self.html(url_path);
        let start = html.find("<main").expect("page has <main>");
        let end = html.find("</main>").expect("page has </main>") + "</main>".len();
        html[start..end].to_string()
    }
}

/// Asserts that `stderr` holds `needle`, showing all of it when it does not.
#[track_caller]
pub fn assert_says(stderr: &str, needle: &str) {
    assert!(stderr.contains(needle), "expected {needle:?} in:\n{stderr}");
}

/// `html`, the file at `file` in the output, with every relative `href`,
/// `src` and `action` resolved as a browser would with the site at `/`:
/// `../y/` in `cases/x/index.html` becomes `/cases/y/`. Tests then assert on
/// where a link takes the reader.
pub fn absolute_links(html: &str, file: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some((at, attr)) = [" href=\"", " src=\"", " action=\""].iter().filter_map(|a| rest.find(a).map(|i| (i, *a))).min() {
        let start = at + attr.len();
        out.push_str(&rest[..start]);
        let end = rest[start..].find('"').map_or(rest.len(), |e| start + e);
        out.push_str(&resolve_url(file, &rest[start..end]).unwrap_or_else(|| rest[start..end].to_string()));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// `url` in the output file `file`, as a path from the site's root
/// (`/cases/y/#a`); `None` for an address that is not relative.
pub fn resolve_url(file: &str, url: &str) -> Option<String> {
    if url.is_empty()
        || url.starts_with('#')
        || url.starts_with('/')
        || url.contains(':') && !url.starts_with("./") && !url.starts_with("../")
    {
        return None;
    }
    let split = url.find(['?', '#']).unwrap_or(url.len());
    let (path, tail) = url.split_at(split);
    let mut segments: Vec<&str> = file.split('/').collect();
    segments.pop();
    for part in path.split('/') {
        match part {
            "." => {}
            ".." => {
                segments.pop()?;
            }
            part => segments.push(part),
        }
    }
    Some(format!("/{}{tail}", segments.join("/")))
}

/// The file a site-relative URL path is served from: `""` → `index.html`, `x/` → `x/index.html`.
pub fn file_for_url(url_path: &str) -> String {
    let path = url_path.trim_start_matches('/');
    if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path.to_string() }
}

/// A fingerprint of every file under `dir`: relative path → (length, hash of the bytes).
pub fn fingerprint(dir: &Path) -> BTreeMap<String, (usize, u64)> {
    files_under(dir)
        .into_iter()
        .map(|(rel, path)| {
            let bytes = std::fs::read(&path).expect("read output file");
            let mut hasher = DefaultHasher::new();
            bytes.hash(&mut hasher);
            (rel, (bytes.len(), hasher.finish()))
        })
        .collect()
}

/// Every file under `dir`, by `/`-separated relative path.
pub fn files_under(dir: &Path) -> BTreeMap<String, PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk folder"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("under dir");
            let rel = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            (rel, e.path().to_path_buf())
        })
        .collect()
}

/// Copies the folder `from` to `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    for (rel, path) in files_under(from) {
        let target = to.join(rel);
        std::fs::create_dir_all(target.parent().expect("a file has a folder")).expect("create folder");
        std::fs::copy(&path, &target).expect("copy theme file");
    }
}

/// A small deterministic PRNG (xorshift64*), so a failing input can be replayed.
pub struct Rng(pub u64);

impl Rng {
    /// The next number.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// An index into a list of `len` items.
    pub fn index(&mut self, len: usize) -> usize {
        usize::try_from(self.below(len as u64)).unwrap_or(0)
    }

    /// An item of `list`.
    pub fn pick<'a, T>(&mut self, list: &'a [T]) -> &'a T {
        &list[self.index(list.len())]
    }
}
