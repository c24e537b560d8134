//! Reusing the previous output: files whose bytes did not change are not
//! written again but hard-linked from the output folder into the staging
//! folder (rsync's `--link-dest`), so a rebuild pays for the files that
//! changed and not for the ones that did not; the swap stays atomic.
//!
//! Creating and deleting folders and files costs more than anything else on
//! some disks (on ext4 mounted with `discard`, every freed block is trimmed
//! as it is freed). So the old site is not deleted after the swap: it is
//! kept beside the output as the spare tree `.<name>.spare`, and the next
//! build starts its staging folder from it. Its folders are there already,
//! and most of its files are links to the same files as the output's, so
//! the build only replaces what changed and removes what the new site no
//! longer has ([`Staging::prune`]). A file in the staging folder is never
//! written in place: it may be a link to a file of the published site.
//!
//! Files the same as the output folder's are only noted at first
//! ([`Pending`]): while the build finds nothing new, the output folder needs
//! no change at all, and a build that changed nothing leaves it as it was.
//!
//! The build leaves a record ([`RECORD`]) in the output folder saying what
//! each part of the site was made from; the next build reads it, decides
//! which parts it need not render again, and takes their files with
//! [`Staging::keep`]. A file the build renders again anyway is compared
//! with the old one and linked when the bytes are the same.

use super::leftovers::{STAGING, beside};
use super::{MARKER, OutputError, Staging, safe_join};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::PoisonError;

/// The record of the last build in the output folder: what each part of the
/// site was made from and which files it wrote.
pub const RECORD: &str = ".ledestjerne-reuse";

/// The record the build that wrote `out` left, if `out` is an output folder of ours.
pub fn read_record(out: &Path) -> Option<String> {
    if !out.join(super::MARKER).is_file() {
        return None;
    }
    fs::read_to_string(out.join(RECORD)).ok()
}

/// The page cache beside the output folder `out` (`.public.pages`), which a
/// build leaves for the next ([`crate::content::cache`]), if there is one.
pub fn read_page_cache(out: &Path) -> Option<Vec<u8>> {
    fs::read(beside(out, "pages")).ok()
}

/// Leaves `bytes` as the page cache beside the output folder `out`. It is
/// written over the old cache in place rather than replacing it: on a disk
/// that trims blocks as they are freed, deleting 10 MB costs more than
/// writing them. A cache written only in part fails its checksum, and the
/// next build reads past it ([`crate::content::cache`]).
pub fn write_page_cache(out: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write as _;
    let mut file = fs::OpenOptions::new().write(true).create(true).truncate(false).open(beside(out, "pages"))?;
    file.write_all(bytes)?;
    file.set_len(bytes.len() as u64)
}

/// Files of the new site that are the output folder's, not linked into the
/// staging folder yet: until the first file that differs, the new site may
/// be the old one.
#[derive(Debug, Default)]
pub(super) struct Pending {
    files: Vec<String>,
    /// A file differs: files are linked as they come.
    diverged: bool,
}

impl Pending {
    /// Noting files first when `reuse`, else linking them as they come.
    pub(super) fn new(reuse: bool) -> Pending {
        Pending { files: Vec::new(), diverged: !reuse }
    }
}

/// The spare tree of the output folder `out`: its previous site.
fn spare_of(out: &Path) -> PathBuf {
    beside(out, "spare")
}

/// Moves the spare tree of `out` to `tmp` when a build `reuse`s it; removes
/// a spare tree no build will use. Whether `tmp` now holds it.
pub(super) fn take_spare(out: &Path, tmp: &Path, reuse: bool) -> io::Result<bool> {
    let spare = spare_of(out);
    if !fs::symlink_metadata(&spare).is_ok_and(|m| m.is_dir()) {
        return Ok(false);
    }
    if reuse && fs::rename(&spare, tmp).is_ok() {
        return Ok(true);
    }
    fs::remove_dir_all(&spare)?;
    Ok(false)
}

/// Keeps the old site `old`, swapped out of `out`, as the spare tree.
pub(super) fn keep_as_spare(old: &Path, out: &Path) -> io::Result<()> {
    let spare = spare_of(out);
    if spare.exists() {
        fs::remove_dir_all(&spare)?;
    }
    let _ = fs::remove_file(old.join(STAGING));
    fs::rename(old, spare)
}

/// Makes room for a new file at `path` under `root`: removes what is there,
/// and any file where one of its folders must be; creates the folders.
pub(super) fn make_room(root: &Path, path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => fs::remove_dir_all(path)?,
        Ok(_) => fs::remove_file(path)?,
        Err(_) => {}
    }
    let Some(parent) = path.parent() else { return Ok(()) };
    if fs::create_dir_all(parent).is_ok() {
        return Ok(());
    }
    let mut dir = root.to_path_buf();
    for part in parent.strip_prefix(root).unwrap_or(parent).components() {
        dir.push(part);
        if fs::symlink_metadata(&dir).is_ok_and(|m| !m.is_dir()) {
            fs::remove_file(&dir)?;
        }
    }
    fs::create_dir_all(parent)
}

/// Whether `a` and `b` are the same file (two links to it).
#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::symlink_metadata(a), fs::symlink_metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &Path, _: &Path) -> bool {
    false
}

impl Staging {
    /// Begins a build that reuses the site in the output folder `out`: see
    /// the module's documentation.
    pub fn begin_reusing(out: &Path) -> Result<Staging, OutputError> {
        Self::begin_with(out, true)
    }

    /// Takes the output folder's file `rel` into the new site: noted while
    /// nothing differs, else linked.
    pub(super) fn same(&self, rel: &str) -> Result<(), OutputError> {
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        if !pending.diverged {
            pending.files.push(rel.to_string());
            return Ok(());
        }
        drop(pending);
        self.link(rel)
    }

    /// The new site differs from the old: links the files noted so far.
    pub(super) fn diverge(&self) -> Result<(), OutputError> {
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        if pending.diverged {
            return Ok(());
        }
        pending.diverged = true;
        std::mem::take(&mut pending.files).iter().try_for_each(|rel| self.link(rel))
    }

    /// Whether every file of the new site is the output folder's, and the
    /// output folder has no other file of the last build.
    pub(super) fn unchanged_site(&self) -> bool {
        let pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        !pending.diverged && super::manifest::read(&self.out).lists_exactly(&self.seen.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Leaves the output folder as it is (it is the new site already) and
    /// puts the staging folder back as the spare tree.
    pub(super) fn keep_output(mut self) -> Result<super::Kept, OutputError> {
        self.finished = true;
        self.lock = None;
        let foreign = match self.unlisted.take() {
            Some(unlisted) => unlisted,
            None => super::manifest::unlisted(&self.out)?,
        };
        self.kept.moved.extend(foreign);
        if self.spare {
            keep_as_spare(&self.tmp, &self.out)?;
        } else {
            fs::remove_dir_all(&self.tmp)?;
        }
        Ok(std::mem::take(&mut self.kept))
    }

    /// Removes the files of the spare tree the new site does not have, and
    /// the folders left empty: those its marker lists, or, without a list,
    /// every file found there.
    pub(super) fn prune(&self) -> Result<(), OutputError> {
        let seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        let spare = super::manifest::read(&self.tmp);
        let Some(listed) = spare.listed() else { return self.prune_walking(&seen) };
        for rel in listed.iter().filter(|rel| !seen.contains(*rel)) {
            // A file of the spare tree may have made room for a folder of the new site.
            let Some(path) = safe_join(&self.tmp, rel).filter(|p| fs::symlink_metadata(p).is_ok_and(|m| !m.is_dir())) else {
                continue;
            };
            fs::remove_file(&path)?;
            // Fails, as it should, at the first folder that still holds files.
            let mut dir = path.parent();
            while let Some(d) = dir.filter(|d| *d != self.tmp && fs::remove_dir(d).is_ok()) {
                dir = d.parent();
            }
        }
        fs::remove_file(self.tmp.join(MARKER)).or_else(|e| if e.kind() == io::ErrorKind::NotFound { Ok(()) } else { Err(e) })?;
        Ok(())
    }

    fn prune_walking(&self, seen: &std::collections::HashSet<String>) -> Result<(), OutputError> {
        for entry in walkdir::WalkDir::new(&self.tmp).min_depth(1).contents_first(true) {
            let entry = entry.map_err(io::Error::from)?;
            let rel = entry.path().strip_prefix(&self.tmp).unwrap_or(entry.path());
            let rel = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            if entry.file_type().is_dir() {
                // Fails, as it should, while the folder holds files.
                let _ = fs::remove_dir(entry.path());
            } else if rel != STAGING && (rel == MARKER || !seen.contains(&rel)) {
                fs::remove_file(entry.path())?;
            }
        }
        Ok(())
    }

    /// Takes `files` (path and size) unchanged from the output folder into
    /// the new site; `false`, taking none, when one of them is missing or
    /// has another size (someone changed it).
    pub fn keep(&self, files: &[(String, u64)]) -> bool {
        let unchanged = |(rel, size): &(String, u64)| {
            let meta = safe_join(&self.out, rel).and_then(|p| fs::symlink_metadata(p).ok());
            meta.is_some_and(|m| m.is_file() && m.len() == *size)
        };
        if !files.iter().all(unchanged) {
            return false;
        }
        for (rel, _) in files {
            if let Err(e) = self.claim(rel).and_then(|()| self.same(rel)) {
                self.failed.lock().unwrap_or_else(PoisonError::into_inner).get_or_insert(e);
            }
        }
        true
    }

    /// Whether the output folder holds `rel` with exactly `bytes`.
    pub(super) fn unchanged(&self, rel: &str, bytes: &[u8]) -> bool {
        let Some(old) = safe_join(&self.out, rel) else { return false };
        match fs::symlink_metadata(&old) {
            Ok(meta) if meta.is_file() && meta.len() == bytes.len() as u64 => fs::read(&old).is_ok_and(|b| b == bytes),
            _ => false,
        }
    }

    /// Links `rel` of the output folder into the staging folder (copies it
    /// where the file system has no hard links).
    pub(super) fn link(&self, rel: &str) -> Result<(), OutputError> {
        let (Some(old), Some(new)) = (safe_join(&self.out, rel), safe_join(&self.tmp, rel)) else {
            return Err(OutputError::Refused { path: self.tmp.join(rel), reason: "the path leaves the output folder".into() });
        };
        if self.spare {
            if same_file(&old, &new) {
                return Ok(());
            }
            make_room(&self.tmp, &new)?;
        } else if let Some(parent) = new.parent() {
            fs::create_dir_all(parent)?;
        }
        match fs::hard_link(&old, &new) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e.into()),
            Err(_) => fs::copy(&old, &new).map(drop).map_err(OutputError::from),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::OutputFile;
    use std::collections::BTreeMap;

    /// Every file under `dir` but the marker, with its text.
    fn site(dir: &Path) -> BTreeMap<String, String> {
        let files = walkdir::WalkDir::new(dir).into_iter().filter_map(Result::ok).filter(|e| e.file_type().is_file());
        let text = |e: &walkdir::DirEntry| fs::read_to_string(e.path()).unwrap();
        let rel = |e: &walkdir::DirEntry| e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
        files.map(|e| (rel(&e), text(&e))).filter(|(rel, _)| rel != MARKER).collect()
    }

    /// Writes `files` reusing the output `out`, checking that the published
    /// site does not change before the swap.
    fn rebuild(out: &Path, files: &[(&str, &str)]) {
        let before = site(out);
        let staging = Staging::begin_reusing(out).unwrap();
        files.iter().for_each(|(path, text)| staging.write(&OutputFile::text(*path, text.to_string())));
        assert_eq!(site(out), before, "the published site changed before the swap");
        staging.finish().unwrap();
        let expected: BTreeMap<String, String> = files.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect();
        assert_eq!(site(out), expected);
    }

    #[test]
    fn rebuilds_from_the_spare_tree_give_exactly_the_new_site() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let staging = Staging::begin(&out).unwrap();
        for (path, text) in [("a.html", "1"), ("b/index.html", "2"), ("c", "3"), ("d/e/f.html", "4")] {
            staging.write(&OutputFile::text(path, text.into()));
        }
        staging.finish().unwrap();
        // A file changed, a file became a folder, a folder went away.
        rebuild(&out, &[("a.html", "1"), ("b/index.html", "22"), ("c/index.html", "5")]);
        assert!(spare_of(&out).is_dir(), "the old site is kept as the spare tree");
        // From the spare tree: back again, and a folder became a file.
        rebuild(&out, &[("a.html", "1"), ("b/index.html", "2"), ("c", "3"), ("d", "4")]);
        rebuild(&out, &[("a.html", "1"), ("b/index.html", "2"), ("c", "3"), ("d", "4")]);
    }

    #[cfg(unix)]
    #[test]
    fn a_rebuild_that_changes_nothing_leaves_the_output_as_it_is() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let staging = Staging::begin(&out).unwrap();
        staging.write(&OutputFile::text("a/index.html", "side".into()));
        staging.finish().unwrap();
        let inode = |p: &Path| fs::metadata(p).unwrap().ino();
        let (folder, file) = (inode(&out), inode(&out.join("a/index.html")));
        rebuild(&out, &[("a/index.html", "side")]);
        assert_eq!((inode(&out), inode(&out.join("a/index.html"))), (folder, file));
    }
}
