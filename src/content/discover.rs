//! Finding the content files and the kind of each.
//!
//! A Markdown file's kind is the kind whose `folder` is the file's first folder
//! under `content/` (files directly in `content/` belong to the kind with an
//! empty folder). `cases/foo/index.md` is the page `foo`. Anything that would
//! make two files one page — the same id twice, names that differ only in
//! case or Unicode normalisation — is reported naming both files.

use super::{CONTENT_DIR, Page};
use crate::config::{Config, KindIdx};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::tree::relative;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use unicode_normalization::UnicodeNormalization;

/// Largest content file accepted, in bytes.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// A Markdown file found under `content/`.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Absolute (or root-joined) path on disk.
    pub abs_path: PathBuf,
    /// Path relative to the site root, `/`-separated.
    pub rel_path: String,
    /// The id the file gives its page unless front matter overrides it.
    pub stem: String,
    /// Index of its kind in [`Config::kinds`].
    pub kind: KindIdx,
}

/// Walks `root/content` and returns its Markdown files with their kinds.
pub fn discover(root: &Path, config: &Config) -> (Vec<SourceFile>, Diagnostics) {
    let mut diagnostics = Diagnostics::new();
    let mut files = Vec::new();
    let content = root.join(CONTENT_DIR);
    if !content.is_dir() {
        diagnostics.push(
            Diagnostic::error(Location::new(CONTENT_DIR, 1, 1), "the site has no `content/` folder")
                .with_help("create `content/` in the site folder and put the Markdown pages there"),
        );
        return (files, diagnostics);
    }
    let site = crate::tree::Site::new(root);
    let problems = site.walk(&content, |entry| {
        let kind = entry.file_type();
        if kind.is_file() {
            files.extend(classify(root, entry.path(), config, &mut diagnostics));
        } else if !kind.is_dir() && is_markdown(entry.path()) {
            // A FIFO, socket or device named `x.md` would block or fail on read:
            // say so instead of leaving the page out without a word.
            diagnostics.push(
                Diagnostic::error(Location::new(relative(root, entry.path()), 1, 1), "not a regular file (a pipe, socket or device)")
                    .with_help("replace it with an ordinary Markdown file, or remove it"),
            );
        }
        true
    });
    diagnostics.extend(problems);
    diagnostics.extend(check_file_names(&files));
    (files, diagnostics)
}

/// The source file at `rel_path` (relative to `root`), if it is a Markdown
/// file in the folder of a kind: what [`discover`] would make of it.
/// A file that is a link out of the site is none.
pub fn source_file(root: &Path, rel_path: &str, config: &Config) -> Option<SourceFile> {
    let path = root.join(rel_path);
    if crate::tree::Site::new(root).outside(&path).is_some() {
        return None;
    }
    classify(root, &path, config, &mut Diagnostics::new())
}

/// Whether `path` names a Markdown file: `.md` or `.markdown`, in any case.
pub fn is_markdown(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

fn classify(root: &Path, path: &Path, config: &Config, diagnostics: &mut Diagnostics) -> Option<SourceFile> {
    if !is_markdown(path) {
        return None;
    }
    let rel_path = relative(root, path);
    let parts: Vec<&str> = rel_path.split('/').skip(1).collect();
    let (folder, rest) = match parts.as_slice() {
        [file] => ("", vec![*file]),
        [folder, rest @ ..] => (*folder, rest.to_vec()),
        [] => return None,
    };
    let Some(kind) = config.kinds.iter().position(|k| k.folder == folder).map(KindIdx) else {
        let known: Vec<_> = config.kinds.iter().filter(|k| !k.folder.is_empty()).map(|k| format!("{}/", k.folder)).collect();
        diagnostics.push(
            Diagnostic::error(Location::new(&rel_path, 1, 1), format!("`{folder}/` is not the folder of any kind in site.yaml"))
                .with_help(format!("move the file into one of {}, or declare a kind with `folder: {folder}`", known.join(", "))),
        );
        return None;
    };
    let stem = stem_of(&rest);
    Some(SourceFile { abs_path: path.to_path_buf(), rel_path, stem, kind })
}

fn stem_of(rest: &[&str]) -> String {
    let file = rest.last().copied().unwrap_or_default();
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    if stem == "index" && rest.len() >= 2 { rest[rest.len() - 2].to_string() } else { stem.to_string() }
}

/// Reads a content file as UTF-8 text, within the size limit.
pub fn read_text(file: &SourceFile) -> Result<String, Diagnostic> {
    let at = |line, col| Location::new(&file.rel_path, line, col);
    let meta = std::fs::metadata(&file.abs_path)
        .map_err(|e| Diagnostic::error(at(1, 1), format!("cannot read the file: {e}")).with_help("check the file's permissions"))?;
    if !meta.is_file() {
        return Err(Diagnostic::error(at(1, 1), "not a regular file (a pipe, socket or device)")
            .with_help("replace it with an ordinary Markdown file, or remove it"));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(Diagnostic::error(
            at(1, 1),
            format!("the file is {} bytes, more than the limit of {MAX_FILE_BYTES} bytes", meta.len()),
        )
        .with_help("split the page into several pages, or move data out of it"));
    }
    let bytes = std::fs::read(&file.abs_path)
        .map_err(|e| Diagnostic::error(at(1, 1), format!("cannot read the file: {e}")).with_help("check the file's permissions"))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
        let (line, col) = crate::diagnostics::line_col(&text, valid);
        Diagnostic::error(at(line, col), "the file is not valid UTF-8").with_help("save the file as UTF-8 (not Latin-1 or Windows-1252)")
    })?;
    if let Some(nul) = text.find('\0') {
        let (line, col) = crate::diagnostics::line_col(&text, nul);
        return Err(Diagnostic::error(at(line, col), "the file holds a NUL character (U+0000)").with_help(
            "delete it: it is invisible in most editors, usually pasted from a PDF or a binary file, and is not allowed in web pages",
        ));
    }
    Ok(text)
}

fn fold(name: &str) -> String {
    name.nfc().collect::<String>().to_lowercase()
}

/// Files whose paths differ only in case or Unicode normalisation.
fn check_file_names(files: &[SourceFile]) -> Diagnostics {
    let mut seen: BTreeMap<String, &SourceFile> = BTreeMap::new();
    let mut diagnostics = Diagnostics::new();
    for file in files {
        if let Some(other) = seen.insert(fold(&file.rel_path), file) {
            diagnostics.push(
                Diagnostic::error(
                    Location::new(&file.rel_path, 1, 1),
                    format!("`{}` and `{}` differ only in case or Unicode normalisation", other.rel_path, file.rel_path),
                )
                .with_help("rename one of them: they would be one page on case-insensitive file systems and web hosts"),
            );
        }
    }
    diagnostics
}

/// Pages with the same id or URL. (Pages at the path of a generated file
/// are found with every other output path, by `render::plan`.)
pub fn check_collisions(pages: &[Page]) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    let mut ids: BTreeMap<&str, &Page> = BTreeMap::new();
    let mut urls: BTreeMap<String, &Page> = BTreeMap::new();
    for page in pages {
        if let Some(other) = ids.insert(&page.id, page) {
            diagnostics.push(
                Diagnostic::error(
                    Location::new(&page.path, 1, 1),
                    format!("id `{}` is used by `{}` and `{}`", page.id, other.path, page.path),
                )
                .with_help("ids are unique across the whole site: rename one file or set a different `id:`"),
            );
        } else if let Some(other) = urls.insert(fold(&page.url), page) {
            diagnostics.push(
                Diagnostic::error(
                    Location::new(&page.path, 1, 1),
                    format!("`{}` and `{}` would both be written to `/{}`", other.path, page.path, page.url),
                )
                .with_help("rename one of the files"),
            );
        }
    }
    diagnostics
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_md_takes_its_folder_name() {
        assert_eq!(stem_of(&["foo", "index.md"]), "foo");
        assert_eq!(stem_of(&["foo.md"]), "foo");
        assert_eq!(stem_of(&["index.md"]), "index");
        assert_eq!(stem_of(&["foo.MD"]), "foo");
        assert_eq!(stem_of(&["foo", "index.markdown"]), "foo");
    }

    fn config() -> Config {
        crate::config::parse("title: T\nkinds:\n  page:\n    folder: \"\"\n    fields: { title: { type: string } }\n  case:\n    folder: cases\n    plural: Cases\n    fields: { title: { type: string } }\n").expect("schema")
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_named_like_a_page_is_reported_not_read() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content/cases")).unwrap();
        let fifo = dir.path().join("content/cases/y.md");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let (files, diagnostics) = discover(dir.path(), &config());
        assert!(files.is_empty());
        let messages: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
        assert_eq!(messages.len(), 1);
        assert!(messages[0].starts_with("error: content/cases/y.md:1:1: not a regular file"), "{messages:?}");
        let file = SourceFile { abs_path: fifo, rel_path: "content/cases/y.md".into(), stem: "y".into(), kind: KindIdx(1) };
        assert!(read_text(&file).unwrap_err().message.starts_with("not a regular file"));
    }

    #[test]
    fn names_fold_case_and_normalisation() {
        assert_eq!(fold("About.md"), fold("about.md"));
        assert_eq!(fold("cafe\u{301}.md"), fold("caf\u{e9}.md"));
    }
}
