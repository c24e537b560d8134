//! Writing the built site to disk, atomically and only where it is safe.
//!
//! The site is written into a temporary folder beside the output folder and
//! swapped in once every file is written — in one step where the system can
//! (`renameat2` with `RENAME_EXCHANGE` on Linux), else with two renames — so
//! a failed or killed build leaves the previous site as it was. A marker file identifies
//! folders the generator wrote and lists the files it wrote; any other
//! non-empty folder is refused, as are the site root, its ancestors and the
//! site's own source folders. Files someone else put into the output folder
//! stop the build unless it is forced, and are then kept; a `.git` is kept
//! always ([`manifest`]); temporary folders of killed builds are
//! recognised by a lock file inside them ([`leftovers`]).

mod leftovers;
mod manifest;
pub mod reuse;

pub use manifest::{Kept, strays, strays_among, unlisted};

use crate::files::OutputFile;
use leftovers::{Lock, STAGING, sibling};
use std::collections::HashSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// Marker file written into every output folder.
pub const MARKER: &str = ".ledestjerne-output";

/// Why an output folder was refused or could not be written.
#[derive(Debug)]
pub enum OutputError {
    /// The folder is not one the generator may write.
    Refused {
        /// The folder.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// Writing failed.
    Io(io::Error),
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutputError::Refused { path, reason } => write!(f, "refusing to write the site to `{}`: {reason}", path.display()),
            OutputError::Io(e) => write!(f, "cannot write the site: {e}"),
        }
    }
}

impl From<io::Error> for OutputError {
    fn from(e: io::Error) -> Self {
        OutputError::Io(e)
    }
}

/// Makes `path` absolute and removes `.` and `..` without touching the disk.
pub fn absolute(path: &Path) -> io::Result<PathBuf> {
    let joined = if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir()?.join(path) };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    Ok(out)
}

/// `path` made absolute with every symbolic link in it resolved, as far as
/// it exists: an output folder reached through a link is the link's target.
pub fn real(path: &Path) -> io::Result<PathBuf> {
    resolve(&absolute(path)?, 0)
}

fn resolve(path: &Path, depth: usize) -> io::Result<PathBuf> {
    if let Ok(real) = fs::canonicalize(path) {
        return Ok(real);
    }
    // A link to a folder that does not exist yet: the folder will be made there.
    if let (Ok(target), Some(parent), true) = (fs::read_link(path), path.parent(), depth < 40) {
        return resolve(&absolute(&parent.join(target))?, depth + 1);
    }
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => Ok(resolve(parent, depth)?.join(name)),
        _ => Ok(path.to_path_buf()),
    }
}

/// Checks that `output` may be written for the site at `root`; returns the
/// folder to write, with links resolved.
pub fn check_output(root: &Path, output: &Path) -> Result<PathBuf, OutputError> {
    let root = real(root)?;
    let out = real(output)?;
    let refuse = |reason: &str| Err(OutputError::Refused { path: out.clone(), reason: reason.to_string() });
    if out.parent().is_none() {
        return refuse("it is the file-system root");
    }
    if std::env::var_os("HOME").and_then(|h| real(Path::new(&h)).ok()).is_some_and(|h| h == out) {
        return refuse("it is the home folder");
    }
    if root.starts_with(&out) {
        return refuse("it is the site folder or one of its parents");
    }
    for source in ["content", "themes", "templates", "static", "i18n"] {
        if out.starts_with(root.join(source)) {
            return refuse(&format!("it is inside the site's `{source}/` folder"));
        }
    }
    if is_mount_point(&out) {
        return refuse(
            "it is a mount point, and a build replaces the output folder as a whole; build into a folder inside it (`--output <it>/site`) and publish that, or mount its parent instead",
        );
    }
    if out.is_file() {
        return refuse("it is a file");
    }
    if out.is_dir() && !out.join(MARKER).is_file() && fs::read_dir(&out)?.next().is_some() {
        return refuse(&format!(
            "the folder is not empty and was not written by ledestjerne (no `{MARKER}` file); empty it or choose another --output"
        ));
    }
    Ok(out)
}

/// A new site being written beside the output folder, file by file, as the
/// build produces them; [`Staging::finish`] swaps it in, and dropping it
/// unfinished removes it, leaving the old site as it was.
///
/// Writes may come from many threads. The first failure is kept, later
/// files are skipped, and `finish` reports it.
pub struct Staging {
    out: PathBuf,
    tmp: PathBuf,
    lock: Option<Lock>,
    kept: Kept,
    seen: Mutex<HashSet<String>>,
    failed: Mutex<Option<OutputError>>,
    finished: bool,
    /// Whether unchanged files are linked from the output folder ([`reuse`]).
    reuse: bool,
    /// Whether the staging folder started as the spare tree, with files in it.
    spare: bool,
    /// Files that are the output folder's, not linked yet ([`reuse`]).
    pending: Mutex<reuse::Pending>,
    /// What the output folder held besides the last build's files when the
    /// build began, if known ([`unlisted`]); else it is read again at the end.
    unlisted: Option<Vec<String>>,
}

impl Staging {
    /// Cleans up after killed builds and creates the temporary folder.
    pub fn begin(out: &Path) -> Result<Staging, OutputError> {
        Self::begin_with(out, false)
    }

    /// As [`Staging::begin`]; with `reuse`, unchanged files are linked from
    /// the output folder, and the staging folder starts from the spare tree
    /// of the build before ([`reuse`]).
    fn begin_with(out: &Path, reuse: bool) -> Result<Staging, OutputError> {
        let kept = leftovers::clean(out)?;
        let tmp = sibling(out, "tmp");
        let spare = reuse::take_spare(out, &tmp, reuse)?;
        if !spare {
            fs::create_dir_all(&tmp)?;
        }
        let lock = Some(Lock::take(&tmp)?);
        Ok(Staging {
            out: out.to_path_buf(),
            tmp,
            lock,
            kept,
            seen: Mutex::default(),
            failed: Mutex::default(),
            finished: false,
            reuse,
            spare,
            pending: Mutex::new(reuse::Pending::new(reuse)),
            unlisted: None,
        })
    }

    /// Tells the staging what [`unlisted`] found in the output folder just
    /// before the build began, so that it need not read the folder again.
    pub fn knowing_unlisted(mut self, unlisted: Vec<String>) -> Staging {
        self.unlisted = Some(unlisted);
        self
    }

    /// Writes one file of the new site.
    pub fn write(&self, file: &OutputFile) {
        if self.failed.lock().unwrap_or_else(PoisonError::into_inner).is_some() {
            return;
        }
        if let Err(e) = self.write_one(file) {
            self.failed.lock().unwrap_or_else(PoisonError::into_inner).get_or_insert(e);
        }
    }

    /// How many files were written.
    pub fn count(&self) -> usize {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    fn write_one(&self, file: &OutputFile) -> Result<(), OutputError> {
        self.claim(&file.path)?;
        if self.reuse && self.unchanged(&file.path, &file.bytes) {
            return self.same(&file.path);
        }
        self.diverge()?;
        let path = safe_join(&self.tmp, &file.path)
            .ok_or_else(|| OutputError::Refused { path: self.tmp.join(&file.path), reason: "the path leaves the output folder".into() })?;
        if self.spare {
            reuse::make_room(&self.tmp, &path)?;
        } else if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let mut f = io::BufWriter::new(fs::File::create(&path)?);
        f.write_all(&file.bytes)?;
        f.flush()?;
        Ok(())
    }

    /// Notes that the new site has a file at `path`; refuses a second one.
    fn claim(&self, path: &str) -> Result<(), OutputError> {
        if !self.seen.lock().unwrap_or_else(PoisonError::into_inner).insert(path.to_string()) {
            // Written in parallel, one of the two would win at random and the
            // other page would be lost without a word.
            return Err(OutputError::Refused {
                path: self.out.clone(),
                reason: format!(
                    "two files of the site have the path `{}`: a top-level page is called like a generated page (`soeg`, `print`, a kind's folder), or a static file has a page's path; rename one",
                    path
                ),
            });
        }
        Ok(())
    }

    /// Puts the new site in place of the old, keeping the files of the old
    /// output the generator did not write; or reports the first failed write.
    pub fn finish(mut self) -> Result<Kept, OutputError> {
        if let Some(e) = self.failed.lock().unwrap_or_else(PoisonError::into_inner).take() {
            return Err(e);
        }
        if self.unchanged_site() {
            return self.keep_output();
        }
        self.diverge()?;
        if self.spare {
            self.prune()?;
        }
        manifest::write(&self.tmp, &self.seen.lock().unwrap_or_else(PoisonError::into_inner))?;
        let old = self.swap()?;
        self.finished = true;
        if let Some(old) = old {
            let kept = match &self.unlisted {
                Some(unlisted) => manifest::carry_listed(&old, &self.out, unlisted)?,
                None => manifest::carry_over(&old, &self.out, &manifest::read(&old))?,
            };
            self.kept.extend(kept);
            if self.reuse {
                reuse::keep_as_spare(&old, &self.out)?;
            } else {
                fs::remove_dir_all(&old)?;
            }
        }
        Ok(std::mem::take(&mut self.kept))
    }

    /// Puts the new site in place; returns the folder that now holds the old one.
    fn swap(&mut self) -> io::Result<Option<PathBuf>> {
        let (tmp, out) = (&self.tmp, &self.out);
        if !out.exists() {
            if let Some(parent) = out.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::rename(tmp, out)?;
            fs::remove_file(out.join(STAGING))?;
            return Ok(None);
        }
        // The old site is locked too, so that a kill from here on leaves it
        // as a leftover the next build recognises.
        let _old_lock = Lock::take(out)?;
        if cfg!(windows) {
            // Windows cannot rename a folder that holds an open file.
            self.lock = None;
            drop(_old_lock);
        }
        let old = if exchange(tmp, out)? {
            tmp.clone()
        } else {
            let old = sibling(out, "old");
            fs::rename(out, &old)?;
            fs::rename(tmp, out)?;
            old
        };
        fs::remove_file(out.join(STAGING))?;
        Ok(Some(old))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Whether `dir` is a folder on another file system than its parent's.
#[cfg(unix)]
fn is_mount_point(dir: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let dev = |p: &Path| fs::metadata(p).ok().filter(|m| m.is_dir()).map(|m| m.dev());
    match (dev(dir), dir.parent().and_then(dev)) {
        (Some(a), Some(b)) => a != b,
        _ => false,
    }
}

#[cfg(not(unix))]
fn is_mount_point(_: &Path) -> bool {
    false
}

/// `dir/rel` when `rel` is a plain relative path that stays inside `dir`.
pub fn safe_join(dir: &Path, rel: &str) -> Option<PathBuf> {
    let rel_path = Path::new(rel);
    let plain = rel_path.components().all(|c| matches!(c, Component::Normal(_))) && !rel.contains('\\');
    plain.then(|| dir.join(rel_path))
}

/// Swaps the folders `a` and `b` in one step, so that `b` is never missing;
/// `false` where the file system or the system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(Errno::INVAL | Errno::NOSYS | Errno::NOTSUP) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `files` through a staging folder, the way a build does.
    fn write_site(out: &Path, files: &[OutputFile]) -> Result<(), OutputError> {
        let staging = Staging::begin(out)?;
        files.iter().for_each(|file| staging.write(file));
        staging.finish().map(drop)
    }

    #[test]
    fn dangerous_outputs_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        fs::create_dir_all(root.join("content")).unwrap();
        for bad in [root.clone(), dir.path().to_path_buf(), root.join("content"), root.join("content/x"), PathBuf::from("/")] {
            assert!(check_output(&root, &bad).is_err(), "{}", bad.display());
        }
        let foreign = dir.path().join("foreign");
        fs::create_dir_all(&foreign).unwrap();
        fs::write(foreign.join("keep.txt"), "x").unwrap();
        assert!(check_output(&root, &foreign).is_err());
        assert!(check_output(&root, &root.join("public")).is_ok());
    }

    #[test]
    fn two_files_with_one_path_are_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let files = [OutputFile::text("soeg/index.html", "side".into()), OutputFile::text("soeg/index.html", "søgning".into())];
        let err = write_site(&out, &files).unwrap_err().to_string();
        assert!(err.contains("`soeg/index.html`"), "{err}");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_mount_point_is_refused_with_what_to_do() {
        let err = check_output(Path::new("/nonexistent-site"), Path::new("/proc")).unwrap_err().to_string();
        assert!(err.contains("it is a mount point") && err.contains("--output <it>/site"), "{err}");
    }

    #[test]
    fn paths_cannot_escape() {
        let d = Path::new("/tmp/out");
        assert!(safe_join(d, "a/b.html").is_some());
        assert!(safe_join(d, "../x").is_none());
        assert!(safe_join(d, "/etc/passwd").is_none());
        assert!(safe_join(d, "a\\..\\x").is_none());
    }

    #[test]
    fn writing_replaces_the_old_site_whole() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[OutputFile::text("a.html", "1".into())]).unwrap();
        write_site(&out, &[OutputFile::text("b.html", "2".into())]).unwrap();
        assert!(!out.join("a.html").exists());
        assert_eq!(fs::read_to_string(out.join("b.html")).unwrap(), "2");
        assert!(out.join(MARKER).is_file());
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().filter_map(Result::ok).filter(|e| e.file_name() != "public").collect();
        assert!(leftovers.is_empty());
    }
}
