//! The path of every file a build will write, known before anything is
//! rendered, with what puts it there.
//!
//! `build`, `check` and `serve` all check the plan, so a clash that would
//! lose a file — a page or a static file at the path of a generated page, two
//! static files one case-insensitive file system would merge, a name Windows
//! cannot hold — is found by `check` too, and named by its source file.

use super::Theme;
use super::theme::StaticFile;
use super::view::{facet_path, hub_print_path, print_path, search_path};
use super::write::PRINT_PART_PAGES;
use crate::config::{CONFIG_FILE, Config};
use crate::content::{Alias, Page, PageIdx};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::markdown::Scan;
use crate::markdown::files::{self, FileRef};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// The folder the search index is written into; a large index adds
/// `pagefind-1/`, `pagefind-2/` … beside it.
pub const SEARCH_INDEX_DIR: &str = "pagefind";

/// The empty file that tells GitHub Pages to publish the folder as it is
/// (without Jekyll, which would leave out files whose names start with `_`).
pub const NOJEKYLL: &str = ".nojekyll";

/// The search index of a portable build, loaded by a `<script>`.
pub const PORTABLE_INDEX: &str = "search-index.js";

/// Whether `path` is in one of the search index's folders.
pub fn in_search_index(path: &str) -> bool {
    let Some((dir, _)) = path.split_once('/') else { return false };
    let Some(rest) = dir.strip_prefix(SEARCH_INDEX_DIR) else { return false };
    rest.is_empty() || rest.strip_prefix('-').is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The file that tells crawlers what to index; the site's own `static/robots.txt` replaces the generated one.
pub const ROBOTS: &str = "robots.txt";

/// The generated `robots.txt`: everything may be indexed, and where the
/// sitemap is when the base URL is a full address.
pub fn robots_txt(config: &Config) -> String {
    let mut text = String::from("User-agent: *\nAllow: /\n");
    if config.base_url.contains("://") {
        text.push_str(&format!("\nSitemap: {}sitemap.xml\n", config.base_url));
    }
    text
}

/// What puts a file at a path, and where to point an editor.
#[derive(Debug, Clone)]
struct Origin {
    /// How the message names it.
    what: String,
    /// Where the diagnostic goes.
    at: Location,
    /// Whether it is the redirect of a page's alias.
    alias: bool,
}

impl Origin {
    fn generated(what: impl Into<String>) -> Self {
        Origin { what: what.into(), at: Location::new(CONFIG_FILE, 1, 1), alias: false }
    }

    fn file(path: &str) -> Self {
        Origin { what: format!("`{path}`"), at: Location::new(path, 1, 1), alias: false }
    }

    fn alias(page: &Page, alias: &Alias) -> Self {
        Origin { what: format!("the redirect of `{}` (an alias of `{}`)", alias.url, page.path), at: alias.location.clone(), alias: true }
    }
}

/// Checks the paths the site's files will take.
pub fn check(root: &Path, config: &Config, pages: &[Page], theme: &Theme) -> Diagnostics {
    let planned = planned(root, config, pages, theme);
    let mut diagnostics = Diagnostics::new();
    let mut exact: BTreeMap<String, Origin> = BTreeMap::new();
    let mut folded: BTreeMap<String, (String, Origin)> = BTreeMap::new();
    for (path, origin) in planned {
        if let Some(problem) = reserved(&path) {
            diagnostics.push(unportable(&path, &origin, &problem));
        } else if let Some(first) = exact.get(&path) {
            diagnostics.push(clash(&path, first, &origin));
        } else if let Some((other, first)) = folded.get(&path.to_lowercase()) {
            diagnostics.push(case_clash(other, first, &path, &origin));
        } else {
            folded.insert(path.to_lowercase(), (path.clone(), origin.clone()));
            exact.insert(path, origin);
        }
    }
    diagnostics
}

/// Every file the build will write, with what puts it there.
fn planned(root: &Path, config: &Config, pages: &[Page], theme: &Theme) -> Vec<(String, Origin)> {
    let mut planned: Vec<(String, Origin)> = generated(config, pages, theme);
    for page in pages {
        planned.push((format!("{}index.html", page.url), Origin::file(&page.path)));
    }
    for (rel, source) in &theme.static_files {
        let origin = match source {
            StaticFile::Disk(path) => Origin::file(&crate::tree::relative(root, path)),
            StaticFile::Builtin(_) => Origin::generated(format!("the built-in theme's `{rel}`")),
        };
        planned.push((rel.clone(), origin));
    }
    for page in pages {
        planned.extend(page.aliases.iter().map(|a| (format!("{}index.html", a.url), Origin::alias(page, a))));
    }
    planned
}

/// Checks the files that pages' Markdown points at (`![…](foto.jpg)`,
/// `[…](/filer/a.pdf)`): each must be a file the build writes — a file
/// beside the pages, a static file, a page or a listing — and every image
/// must have alt text. Each problem is placed at its link. Only the pages
/// at `which` are checked.
pub fn check_references(root: &Path, config: &Config, pages: &[Page], scans: &[Scan], theme: &Theme, which: &[PageIdx]) -> Diagnostics {
    let known: HashSet<String> = planned(root, config, pages, theme).into_iter().map(|(path, _)| path).collect();
    let exists =
        |path: &str| known.contains(path) || known.contains(&format!("{}/index.html", path.trim_end_matches('/'))) || path.is_empty();
    let mut diagnostics = Diagnostics::new();
    for &i in which {
        let (page, scan) = (&pages[i.0], &scans[i.0]);
        let at = |offset| Location::at_offset(&page.path, &page.body, offset, page.body_line);
        for file in &scan.files {
            match files::site_path(&page.path, &file.path) {
                Some(path) if exists(&path) => {}
                found => diagnostics.push(missing(page, file, found.as_deref(), at(file.offset))),
            }
        }
        for image in scan.images.iter().filter(|i| !i.has_alt) {
            diagnostics.push(Diagnostic::error(at(image.offset), format!("the image `{}` has no alt text", image.dest)).with_help(
                "describe the picture between the brackets, `![Borgere ved mødet](foto.jpg)`: readers who cannot see it get that text",
            ));
        }
    }
    diagnostics
}

/// The error for a link or image whose file the build does not write.
fn missing(page: &Page, file: &FileRef, path: Option<&str>, at: Location) -> Diagnostic {
    let what = if file.image { "image" } else { "file" };
    let Some(path) = path else {
        return Diagnostic::error(at, format!("the {what} `{}` is outside the site's `content/` folder", file.path))
            .with_help("put the file beside the Markdown file, or in `static/` and write its path from the site's root (`/img/foto.jpg`)");
    };
    let folder = page.path.rsplit_once('/').map_or("content", |(f, _)| f);
    let help = if file.path.starts_with('/') {
        format!("put it at `static/{path}` (or `content/{path}`), or correct the path")
    } else {
        format!(
            "put it beside the Markdown file, at `{folder}/{}`, or correct the path (it is read from the Markdown file's folder)",
            file.path
        )
    };
    Diagnostic::error(at, format!("the {what} `{}` does not exist: the site has no file `{path}`", file.path)).with_help(help)
}

/// The files the generator makes itself: listings, facet pages, the special
/// pages, the print page's parts, the sitemap.
fn generated(config: &Config, pages: &[Page], theme: &Theme) -> Vec<(String, Origin)> {
    let mut files = Vec::new();
    for kind in config.kinds.iter().filter(|k| !k.folder.is_empty()) {
        files.push((format!("{}index.html", kind.section_path()), Origin::generated(format!("the list of {}", kind.plural))));
        for def in kind.fields.iter().filter(|d| d.facet) {
            for value in super::values::enum_values(&def.ty) {
                let what = format!("the list of {} with {} {}", kind.plural, def.label, value.label);
                files.push((format!("{}index.html", facet_path(kind, def, &value.value)), Origin::generated(what)));
            }
        }
    }
    let templates = &theme.templates;
    if templates.has("404.html") {
        files.push(("404.html".into(), Origin::generated("the 404 page")));
    }
    if templates.has("search.html") {
        files.push((format!("{}index.html", search_path(&theme.ui)), Origin::generated("the search page")));
    }
    if !config.bibliography.files.is_empty() {
        files.push((format!("{}index.html", super::cite::bibliography_path(&theme.ui)), Origin::generated("the bibliography page")));
    }
    if templates.has("print.html") {
        for k in 0..pages.len().div_ceil(PRINT_PART_PAGES).max(1) {
            files.push((format!("{}index.html", print_path(&theme.ui, k)), Origin::generated("the print page")));
        }
        for page in pages.iter().filter(|p| Some(p.kind) == config.hub) {
            let what = format!("the print page of `{}`", page.id);
            files.push((format!("{}index.html", hub_print_path(&theme.ui, &page.url)), Origin::generated(what)));
        }
    }
    if config.base_url.contains("://") {
        files.push(("sitemap.xml".into(), Origin::generated("the sitemap")));
    }
    files.extend(super::feeds::planned(config, pages).into_iter().map(|f| (f.path, Origin::generated("an Atom feed"))));
    if config.portable {
        files.push((PORTABLE_INDEX.into(), Origin::generated("the portable search index")));
        files.extend(super::embedded::files("portable").into_iter().map(|(path, _)| (path, Origin::generated("the portable search"))));
    }
    if !theme.static_files.contains_key(NOJEKYLL) {
        files.push((NOJEKYLL.into(), Origin::generated(".nojekyll")));
    }
    if !theme.static_files.contains_key(ROBOTS) {
        files.push((ROBOTS.into(), Origin::generated("robots.txt")));
    }
    files
}

/// Why no site file may take `path`: the search index's folder, or a name
/// Windows cannot hold.
fn reserved(path: &str) -> Option<String> {
    if in_search_index(path) {
        let dir = path.split('/').next().unwrap_or_default();
        return Some(format!("`{dir}/` is where the search index goes"));
    }
    path.split('/').find_map(|segment| crate::slug::unportable(segment).map(|why| format!("`{segment}` {why}")))
}

fn unportable(path: &str, origin: &Origin, problem: &str) -> Diagnostic {
    Diagnostic::error(origin.at.clone(), format!("{} would be written to `{path}`, but {problem}", origin.what))
        .with_help("rename the file (or set a different `id:`): the site must be publishable from any system and host")
}

fn clash(path: &str, first: &Origin, second: &Origin) -> Diagnostic {
    let (generated, file) = if first.at.path == CONFIG_FILE { (first, second) } else { (second, first) };
    let message = if generated.at.path == CONFIG_FILE && file.at.path != CONFIG_FILE {
        format!("{} would be written to `{path}`, where {} goes", file.what, generated.what)
    } else {
        format!("{} and {} would both be written to `{path}`", first.what, second.what)
    };
    let help = if first.alias || second.alias {
        "remove or change the alias: an old address may not be the address of another file"
    } else {
        "rename one of them (a page: rename the file or set a different `id:`); otherwise one would be lost"
    };
    Diagnostic::error(second.at.clone(), message).with_help(help)
}

fn case_clash(first_path: &str, first: &Origin, path: &str, origin: &Origin) -> Diagnostic {
    Diagnostic::error(
        origin.at.clone(),
        format!("{} would be written to `{path}` and {} to `{first_path}`, which differ only in case", origin.what, first.what),
    )
    .with_help("rename one of them: case-insensitive file systems and hosts (Windows, macOS) would keep only one")
}
