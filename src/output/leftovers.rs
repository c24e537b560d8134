//! Temporary folders of builds, and what the next build does with those a
//! killed build left behind.
//!
//! A build writes into `.public.tmp-<pid>` beside the output folder, and
//! while it runs it holds a lock on the file [`STAGING`] inside it (and, for
//! the swap, inside the old site too). A folder is a leftover of ours only
//! when it has that file and nobody holds its lock: its name alone proves
//! nothing (`.public.tmp-backup` may be the user's), nor does a process id
//! (the number may have been given to another process since).

use super::manifest::{self, Kept};
use super::{MARKER, OutputError};
use std::fs::{self, File, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

/// The lock file of a build in progress.
pub const STAGING: &str = ".ledestjerne-staging";

/// A held lock on a folder's [`STAGING`] file; released when dropped (or
/// when the process dies, however it dies).
pub struct Lock(#[allow(dead_code)] File);

impl Lock {
    /// Creates `dir/STAGING` and locks it.
    pub fn take(dir: &Path) -> io::Result<Lock> {
        let file = File::options().create(true).truncate(false).write(true).open(dir.join(STAGING))?;
        file.lock()?;
        Ok(Lock(file))
    }
}

/// The temporary folder `.<name>.<tag>-<pid>` beside `out`.
pub fn sibling(out: &Path, tag: &str) -> PathBuf {
    beside(out, &format!("{tag}-{}", std::process::id()))
}

/// The file or folder `.<name>.<what>` beside the output folder `out`.
pub fn beside(out: &Path, what: &str) -> PathBuf {
    let name = out.file_name().map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    out.with_file_name(format!(".{name}.{what}"))
}

/// Whether `dir` is a temporary folder of a build that is no longer running.
fn abandoned(dir: &Path) -> io::Result<bool> {
    let file = match File::options().write(true).open(dir.join(STAGING)) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        file => file?,
    };
    match file.try_lock() {
        Ok(()) => Ok(true),
        Err(TryLockError::WouldBlock) => Ok(false),
        Err(TryLockError::Error(e)) => Err(e),
    }
}

/// The leftovers of killed builds into `out`, each with whether it holds a
/// complete site (a swap was under way).
fn find(out: &Path) -> io::Result<Vec<(PathBuf, bool)>> {
    let (Some(parent), Some(name)) = (out.parent(), out.file_name()) else { return Ok(Vec::new()) };
    let entries = match fs::read_dir(parent) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        entries => entries?,
    };
    let name = name.to_string_lossy();
    let (tmp, old) = (format!(".{name}.tmp-"), format!(".{name}.old-"));
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry?;
        let file = entry.file_name().to_string_lossy().into_owned();
        let ours = file.starts_with(&tmp) || file.starts_with(&old);
        if ours && entry.file_type()?.is_dir() && abandoned(&entry.path())? {
            found.push((entry.path(), file.starts_with(&old)));
        }
    }
    Ok(found)
}

/// Cleans up after killed builds: restores the previous site if a kill fell
/// between the two renames of a swap, moves the files someone else had put
/// into the old site over to the current one, and removes the rest.
pub fn clean(out: &Path) -> Result<Kept, OutputError> {
    let mut kept = Kept::default();
    for (dir, was_output) in find(out)? {
        if was_output && !out.exists() && dir.join(MARKER).is_file() {
            fs::rename(&dir, out)?;
            fs::remove_file(out.join(STAGING))?;
            continue;
        }
        if out.is_dir() {
            kept.extend(manifest::carry_over(&dir, out, &manifest::read(&dir))?);
        }
        fs::remove_dir_all(&dir)?;
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(parent: &Path, name: &str, staging: bool) -> PathBuf {
        let dir = parent.join(name);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("page.html"), "x").unwrap();
        if staging {
            fs::write(dir.join(STAGING), "").unwrap();
        }
        dir
    }

    #[test]
    fn only_unlocked_folders_with_the_lock_file_are_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let running = folder(dir.path(), ".public.tmp-77", true);
        let _held = Lock::take(&running).unwrap();
        let abandoned_by_pid_1 = folder(dir.path(), ".public.tmp-1", true);
        let users = [folder(dir.path(), ".public.tmp-backup", false), folder(dir.path(), ".public.old-mine", false)];
        clean(&out).unwrap();
        assert!(running.is_dir(), "a running build's folder is left alone");
        assert!(!abandoned_by_pid_1.exists(), "an abandoned folder is removed whatever its number");
        assert!(users.iter().all(|d| d.join("page.html").is_file()), "folders that only look like ours are kept");
    }
}
