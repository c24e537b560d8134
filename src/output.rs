//! Writing the built site to disk, atomically and only where it is safe.
//!
//! The site is written into a temporary folder beside the output folder and
//! swapped in once every file is written — in one step where the system can
//! (`renameat2` with `RENAME_EXCHANGE` on Linux), else with two renames — so
//! a failed or killed build leaves the previous site as it was. A marker file identifies
//! folders the generator wrote; any other non-empty folder is refused, as are
//! the site root, its ancestors and the site's own source folders.

use crate::files::OutputFile;
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

/// Checks that `output` may be written for the site at `root`.
pub fn check_output(root: &Path, output: &Path) -> Result<PathBuf, OutputError> {
    let root = absolute(root)?;
    let out = absolute(output)?;
    let refuse = |reason: &str| Err(OutputError::Refused { path: out.clone(), reason: reason.to_string() });
    if out.parent().is_none() {
        return refuse("it is the file-system root");
    }
    if std::env::var_os("HOME").is_some_and(|h| Path::new(&h) == out) {
        return refuse("it is the home folder");
    }
    if root.starts_with(&out) {
        return refuse("it is the site folder or one of its parents");
    }
    for source in ["content", "themes", "templates", "static"] {
        if out.starts_with(root.join(source)) {
            return refuse(&format!("it is inside the site's `{source}/` folder"));
        }
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

fn sibling(out: &Path, tag: &str) -> PathBuf {
    let name = out.file_name().map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    out.with_file_name(format!(".{name}.{tag}-{}", std::process::id()))
}

/// Removes temporary folders left by builds that were killed, restoring the
/// previous site if a kill fell between the two renames of a swap. Folders of
/// a build that is still running are left alone.
pub fn clean_leftovers(out: &Path) -> io::Result<()> {
    let (Some(parent), Some(name)) = (out.parent(), out.file_name()) else { return Ok(()) };
    let entries = match fs::read_dir(parent) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        entries => entries?,
    };
    let name = name.to_string_lossy();
    let mut olds = Vec::new();
    for entry in entries {
        let entry = entry?;
        let file = entry.file_name().to_string_lossy().into_owned();
        if owner_is_running(&file) {
            continue;
        }
        if file.starts_with(&format!(".{name}.tmp-")) {
            fs::remove_dir_all(entry.path())?;
        } else if file.starts_with(&format!(".{name}.old-")) {
            olds.push(entry.path());
        }
    }
    for old in olds {
        if !out.exists() && old.join(MARKER).is_file() {
            fs::rename(&old, out)?;
        } else {
            fs::remove_dir_all(&old)?;
        }
    }
    Ok(())
}

/// Whether the build that named a leftover folder (`.public.tmp-<pid>`) is
/// still running: its process id names a live process other than this one.
/// Removing a running build's folder while it writes would make it swap in a
/// half-written site. Only Linux is asked (`/proc`); elsewhere every leftover
/// counts as abandoned.
fn owner_is_running(file_name: &str) -> bool {
    let Some(pid) = file_name.rsplit('-').next().and_then(|p| p.parse::<u32>().ok()) else { return false };
    cfg!(target_os = "linux") && pid != std::process::id() && Path::new("/proc").join(pid.to_string()).exists()
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
    seen: Mutex<HashSet<String>>,
    failed: Mutex<Option<OutputError>>,
    finished: bool,
}

impl Staging {
    /// Cleans up after killed builds and creates the temporary folder.
    pub fn begin(out: &Path) -> Result<Staging, OutputError> {
        clean_leftovers(out)?;
        let tmp = sibling(out, "tmp");
        fs::create_dir_all(&tmp)?;
        Ok(Staging { out: out.to_path_buf(), tmp, seen: Mutex::default(), failed: Mutex::default(), finished: false })
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
        if !self.seen.lock().unwrap_or_else(PoisonError::into_inner).insert(file.path.clone()) {
            // Written in parallel, one of the two would win at random and the
            // other page would be lost without a word.
            return Err(OutputError::Refused {
                path: self.out.clone(),
                reason: format!(
                    "two files of the site have the path `{}`: a top-level page is called like a generated page (`soeg`, `print`, a kind's folder), or a static file has a page's path; rename one",
                    file.path
                ),
            });
        }
        let path = safe_join(&self.tmp, &file.path)
            .ok_or_else(|| OutputError::Refused { path: self.tmp.join(&file.path), reason: "the path leaves the output folder".into() })?;
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let mut f = io::BufWriter::new(fs::File::create(&path)?);
        f.write_all(&file.bytes)?;
        f.flush()?;
        Ok(())
    }

    /// Puts the new site in place of the old, or reports the first failed write.
    pub fn finish(mut self) -> Result<(), OutputError> {
        if let Some(e) = self.failed.lock().unwrap_or_else(PoisonError::into_inner).take() {
            return Err(e);
        }
        fs::write(self.tmp.join(MARKER), "This folder was written by ledestjerne and is replaced on every build.\n")?;
        swap(&self.tmp, &self.out)?;
        self.finished = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

/// `dir/rel` when `rel` is a plain relative path that stays inside `dir`.
pub fn safe_join(dir: &Path, rel: &str) -> Option<PathBuf> {
    let rel_path = Path::new(rel);
    let plain = rel_path.components().all(|c| matches!(c, Component::Normal(_))) && !rel.contains('\\');
    plain.then(|| dir.join(rel_path))
}

fn swap(tmp: &Path, out: &Path) -> io::Result<()> {
    if out.exists() && exchange(tmp, out)? {
        // `tmp` now holds the old site; a kill here leaves a leftover to clean, never a gap.
        return fs::remove_dir_all(tmp);
    }
    if out.exists() {
        let old = sibling(out, "old");
        fs::rename(out, &old)?;
        fs::rename(tmp, out)?;
        fs::remove_dir_all(&old)?;
    } else {
        if let Some(parent) = out.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::rename(tmp, out)?;
    }
    Ok(())
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
        staging.finish()
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
    fn leftovers_of_a_running_build_are_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let mut running = std::process::Command::new("sleep").arg("30").spawn().unwrap();
        let theirs = dir.path().join(format!(".public.tmp-{}", running.id()));
        let abandoned = dir.path().join(".public.tmp-4194305");
        for folder in [&theirs, &abandoned] {
            fs::create_dir_all(folder).unwrap();
        }
        clean_leftovers(&out).unwrap();
        assert!(theirs.is_dir() && !abandoned.exists());
        running.kill().unwrap();
        running.wait().unwrap();
        clean_leftovers(&out).unwrap();
        assert!(!theirs.exists());
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
