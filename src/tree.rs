//! Reading the site's own folders, and only them.
//!
//! Every file the generator reads — content, static files, templates, UI
//! strings, `site.yaml` — is read through this module, under one rule: a
//! symbolic link is followed when its target lies inside the site folder,
//! and is otherwise an error that names the link. So `static → /etc/ssh` or
//! a `content/x.md` linking to a file elsewhere cannot publish what the site
//! does not hold, while links that only rearrange the site's own files work.

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use std::path::{Path, PathBuf};

/// `root`-relative, `/`-separated form of `path`.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// The site folder as the rule compares it: with every link resolved.
pub struct Site {
    root: PathBuf,
    real: Option<PathBuf>,
}

impl Site {
    /// The site at `root`.
    pub fn new(root: &Path) -> Self {
        Self { root: root.to_path_buf(), real: std::fs::canonicalize(root).ok() }
    }

    /// An error when `path` (in the site) resolves to a place outside it.
    /// A path that does not resolve (missing, dangling) is left to the read
    /// that follows, which says so in its own words.
    pub fn outside(&self, path: &Path) -> Option<Diagnostic> {
        let real = self.real.as_ref()?;
        let target = std::fs::canonicalize(path).ok()?;
        if target.starts_with(real) {
            return None;
        }
        let rel = relative(&self.root, path);
        let message = format!("`{rel}` is a symbolic link to `{}`, outside the site folder", target.display());
        Some(Diagnostic::error(Location::new(rel, 1, 1), message).with_help(
            "copy the files into the site folder, or point the link at a place inside it: links that leave the site are never followed",
        ))
    }

    /// Walks `dir`, sorted by name, following symbolic links that stay in the
    /// site. Every file and folder goes to `visit` (the folder `dir` itself
    /// too); for a folder, `visit` returns whether to go into it. Links that
    /// leave the site, loops and unreadable entries become diagnostics.
    pub fn walk(&self, dir: &Path, mut visit: impl FnMut(&walkdir::DirEntry) -> bool) -> Diagnostics {
        let mut diagnostics = Diagnostics::new();
        if !dir.exists() {
            return diagnostics;
        }
        let mut walk = walkdir::WalkDir::new(dir).follow_links(true).sort_by_file_name().into_iter();
        while let Some(entry) = walk.next() {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    diagnostics.push(self.walk_error(&e));
                    continue;
                }
            };
            let checked = entry.depth() == 0 || entry.path_is_symlink();
            if let Some(d) = checked.then(|| self.outside(entry.path())).flatten() {
                diagnostics.push(d);
                if entry.file_type().is_dir() {
                    walk.skip_current_dir();
                }
                continue;
            }
            if !visit(&entry) && entry.file_type().is_dir() {
                walk.skip_current_dir();
            }
        }
        diagnostics
    }

    /// A walk error, placed at the path it names.
    fn walk_error(&self, e: &walkdir::Error) -> Diagnostic {
        let path = e.path().map_or_else(String::new, |p| relative(&self.root, p));
        if e.loop_ancestor().is_some() {
            Diagnostic::error(Location::new(path, 1, 1), "symbolic link loop")
                .with_help("remove the link that points back to one of its own parent folders")
        } else if let Some(target) = e.path().filter(|p| !p.exists()).and_then(|p| std::fs::read_link(p).ok()) {
            Diagnostic::error(Location::new(path, 1, 1), format!("symbolic link to `{}`, which does not exist", target.display()))
                .with_help("remove the link, or point it at an existing file")
        } else {
            Diagnostic::error(Location::new(path, 1, 1), format!("cannot read: {e}"))
                .with_help("check that the file or folder exists and is readable")
        }
    }

    /// Reads the text file at `path` in the site, under the link rule.
    pub fn read_to_string(&self, path: &Path) -> Result<String, ReadError> {
        if let Some(d) = self.outside(path) {
            return Err(ReadError::Outside(Box::new(d)));
        }
        std::fs::read_to_string(path).map_err(ReadError::Io)
    }
}

/// Why a file of the site could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// It is a link to a place outside the site.
    Outside(Box<Diagnostic>),
    /// Reading failed.
    Io(std::io::Error),
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn links_inside_the_site_are_followed_and_links_out_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let (site, elsewhere) = (dir.path().join("site"), dir.path().join("elsewhere"));
        for d in [site.join("static/own"), elsewhere.clone()] {
            std::fs::create_dir_all(d).unwrap();
        }
        std::fs::write(site.join("static/own/a.css"), "a").unwrap();
        std::fs::write(elsewhere.join("secret"), "s").unwrap();
        symlink(site.join("static/own"), site.join("static/alias")).unwrap();
        symlink(&elsewhere, site.join("static/out")).unwrap();
        symlink(elsewhere.join("secret"), site.join("static/secret.txt")).unwrap();
        let mut seen = Vec::new();
        let problems = Site::new(&site).walk(&site.join("static"), |e| {
            if e.file_type().is_file() {
                seen.push(relative(&site, e.path()));
            }
            true
        });
        assert_eq!(seen, ["static/alias/a.css", "static/own/a.css"]);
        let places: Vec<_> = problems.iter().map(|d| d.location.path.clone()).collect();
        assert_eq!(places, ["static/out", "static/secret.txt"]);
    }

    #[test]
    fn a_folder_that_is_itself_a_link_out_is_not_walked() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(&site).unwrap();
        std::fs::write(dir.path().join("key"), "k").unwrap();
        symlink(dir.path(), site.join("static")).unwrap();
        let mut visited = 0;
        let problems = Site::new(&site).walk(&site.join("static"), |_| {
            visited += 1;
            true
        });
        assert_eq!((visited, problems.iter().count()), (0, 1));
    }
}
