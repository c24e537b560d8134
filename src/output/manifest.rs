//! Which files of an output folder the generator wrote, and keeping the
//! others.
//!
//! The marker file of an output folder lists every file the build wrote.
//! Anything else in the folder was put there by someone else. A `.git` (the
//! checkout of a `gh-pages` branch) is always moved into the new site; any
//! other such file ([`strays`]) stops the build unless it is forced, and a
//! forced build moves them into the new site instead of deleting them.
//! Where the new site has a file of the same path, the site's file wins and
//! the build says which file it did not keep.

use super::MARKER;
use super::leftovers::STAGING;
use rayon::prelude::*;
use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::Path;

/// The first lines of the marker file; the written files follow, one per line.
const HEADER: &str = "This folder was written by ledestjerne. The files listed below are replaced on every build;\nany other file in this folder is kept.\n\n";

/// The files a build wrote, as the marker of its output lists them.
#[derive(Debug, Default)]
pub struct Manifest {
    files: HashSet<String>,
    folders: HashSet<String>,
    /// A marker from before the list was kept: every file counts as written.
    all: bool,
}

impl Manifest {
    fn new(files: impl IntoIterator<Item = String>) -> Self {
        let files: HashSet<String> = files.into_iter().collect();
        let mut folders = HashSet::new();
        for file in &files {
            let mut path = file.as_str();
            while let Some((parent, _)) = path.rsplit_once('/') {
                if !folders.insert(parent.to_string()) {
                    break;
                }
                path = parent;
            }
        }
        Self { files, folders, all: false }
    }

    fn written(&self, rel: &str) -> bool {
        self.all || self.files.contains(rel)
    }

    fn holds_written(&self, rel: &str) -> bool {
        self.all || self.folders.contains(rel)
    }

    /// The files the build wrote, when the marker lists them.
    pub(super) fn listed(&self) -> Option<&HashSet<String>> {
        (!self.all).then_some(&self.files)
    }

    /// Whether the build wrote exactly `files`.
    pub(super) fn lists_exactly(&self, files: &HashSet<String>) -> bool {
        !self.all && self.files == *files
    }
}

/// Writes the marker of the output folder `dir`, listing `files`.
pub fn write(dir: &Path, files: &HashSet<String>) -> io::Result<()> {
    let mut sorted: Vec<&str> = files.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    let mut text = String::with_capacity(HEADER.len() + sorted.iter().map(|f| f.len() + 1).sum::<usize>());
    text.push_str(HEADER);
    for file in sorted {
        text.push_str(file);
        text.push('\n');
    }
    fs::write(dir.join(MARKER), text)
}

/// The manifest in the marker of `dir`; without a marker, nothing counts as written.
pub fn read(dir: &Path) -> Manifest {
    let Ok(text) = fs::read_to_string(dir.join(MARKER)) else { return Manifest::default() };
    match text.split_once("\n\n") {
        Some((_, list)) => Manifest::new(list.lines().filter(|l| !l.is_empty()).map(str::to_string)),
        None => Manifest { all: true, ..Manifest::default() },
    }
}

/// A version-control folder or file (`.git` is a file in a worktree) that
/// every build keeps without asking.
pub const KEPT_ALWAYS: &[&str] = &[".git"];

/// The files and folders of the output folder `dir` that its last build did
/// not write, but for the ones kept always; sorted.
pub fn strays(dir: &Path) -> io::Result<Vec<String>> {
    Ok(strays_among(&unlisted(dir)?))
}

/// The entries of `unlisted` (see [`unlisted`]) that are not kept always.
pub fn strays_among(unlisted: &[String]) -> Vec<String> {
    unlisted.iter().filter(|rel| !KEPT_ALWAYS.contains(&rel.as_str())).cloned().collect()
}

/// The files and folders of the output folder `dir` that its last build did
/// not write, a `.git` among them; sorted. A folder none of whose files the
/// build wrote is one entry. Nothing for a folder without a marker: it is
/// empty or not there (see [`super::check_output`]).
pub fn unlisted(dir: &Path) -> io::Result<Vec<String>> {
    if !dir.join(MARKER).is_file() {
        return Ok(Vec::new());
    }
    unlisted_by(dir, &read(dir))
}

/// The entries of `dir` that `manifest` does not list, sorted.
fn unlisted_by(dir: &Path, manifest: &Manifest) -> io::Result<Vec<String>> {
    let mut found = unlisted_in(dir, "", manifest)?;
    found.sort();
    Ok(found)
}

/// The unlisted entries of the folder `prefix` of `dir`, its subfolders
/// read in parallel (reading folders is most of the time of a rebuild that
/// changes little).
fn unlisted_in(dir: &Path, prefix: &str, manifest: &Manifest) -> io::Result<Vec<String>> {
    let entries = fs::read_dir(dir.join(prefix))?.collect::<io::Result<Vec<fs::DirEntry>>>()?;
    let found = entries.par_iter().map(|entry| -> io::Result<Vec<String>> {
        let name = entry.file_name();
        let rel = format!("{prefix}{}", name.to_string_lossy());
        if prefix.is_empty() && (name == MARKER || name == STAGING) {
            return Ok(Vec::new());
        }
        if entry.file_type()?.is_dir() && manifest.holds_written(&rel) {
            unlisted_in(dir, &format!("{rel}/"), manifest)
        } else if manifest.written(&rel) {
            Ok(Vec::new())
        } else {
            Ok(vec![rel])
        }
    });
    Ok(found.collect::<io::Result<Vec<Vec<String>>>>()?.concat())
}

/// What a build did with files it did not write.
#[derive(Debug, Default)]
pub struct Kept {
    /// Moved into the new site.
    pub moved: Vec<String>,
    /// Not kept: the new site has a file of the same path.
    pub replaced: Vec<String>,
}

impl Kept {
    /// Adds what another move kept.
    pub fn extend(&mut self, other: Kept) {
        self.moved.extend(other.moved);
        self.replaced.extend(other.replaced);
    }
}

/// Moves the files of the old site `old` that `manifest` does not list into
/// the new site `new`.
pub fn carry_over(old: &Path, new: &Path, manifest: &Manifest) -> io::Result<Kept> {
    carry_listed(old, new, &unlisted_by(old, manifest)?)
}

/// Moves the entries `unlisted` (as [`unlisted`] found them in the output
/// folder before the build) of the old site `old` into the new site `new`.
pub fn carry_listed(old: &Path, new: &Path, unlisted: &[String]) -> io::Result<Kept> {
    let mut kept = Kept::default();
    for rel in unlisted {
        let (Some(from), Some(target)) = (super::safe_join(old, rel), super::safe_join(new, rel)) else { continue };
        if fs::symlink_metadata(&from).is_err() {
            continue;
        }
        if target.symlink_metadata().is_ok() {
            kept.replaced.push(rel.clone());
        } else {
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::rename(from, target)?;
            kept.moved.push(rel.clone());
        }
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_the_build_did_not_write_move_to_the_new_site() {
        let dir = tempfile::tempdir().unwrap();
        let (old, new) = (dir.path().join("old"), dir.path().join("new"));
        for (path, text) in [
            ("index.html", "old"),
            ("cases/a/index.html", "old"),
            ("CNAME", "x.org"),
            (".git/HEAD", "ref"),
            ("cases/mine.pdf", "pdf"),
            ("robots.txt", "mine"),
        ] {
            let file = old.join(path);
            fs::create_dir_all(file.parent().unwrap()).unwrap();
            fs::write(file, text).unwrap();
        }
        write(&old, &["index.html".to_string(), "cases/a/index.html".to_string()].into()).unwrap();
        fs::create_dir_all(&new).unwrap();
        fs::write(new.join("robots.txt"), "site's own").unwrap();
        let kept = carry_over(&old, &new, &read(&old)).unwrap();
        let mut moved = kept.moved.clone();
        moved.sort();
        assert_eq!(moved, [".git", "CNAME", "cases/mine.pdf"]);
        assert_eq!(kept.replaced, ["robots.txt"]);
        assert_eq!(fs::read_to_string(new.join(".git/HEAD")).unwrap(), "ref");
        assert_eq!(fs::read_to_string(new.join("robots.txt")).unwrap(), "site's own");
        assert!(!new.join("index.html").exists());
    }

    #[test]
    fn strays_are_the_unwritten_files_but_git() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        for path in ["index.html", "cases/a/index.html", "CNAME", ".git/HEAD", "cases/mine.pdf", "notes/x.txt"] {
            fs::create_dir_all(out.join(path).parent().unwrap()).unwrap();
            fs::write(out.join(path), "x").unwrap();
        }
        assert!(strays(out).unwrap().is_empty(), "a folder without a marker is not ours to judge");
        write(out, &["index.html".to_string(), "cases/a/index.html".to_string()].into()).unwrap();
        assert_eq!(strays(out).unwrap(), ["CNAME", "cases/mine.pdf", "notes"]);
    }
}
