//! `ledestjerne init` and `ledestjerne theme eject`: files written from the
//! binary into a folder.
//!
//! A *starter* is a small site that builds at once: a `site.yaml` with three
//! kinds (pages, articles with a date, tags and an author reference, and
//! authors), a front page and two sample pages that show wikilinks, a
//! reference and the backlink it makes. The starters live in `starters/<lang>/`
//! in the repository and are compiled into the binary, one per language the
//! built-in theme speaks. Neither command writes into a folder that has files
//! unless told to (`--force`), and then it overwrites only its own files.

use crate::render::embedded;
use include_dir::{Dir, include_dir};
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// The starter sites, one folder per language.
static STARTERS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/starters");

/// Why nothing was written.
#[derive(Debug)]
pub enum InitError {
    /// The folder has files already, and `--force` was not given.
    NotEmpty {
        /// The folder.
        dir: PathBuf,
        /// Some of what is in it.
        entries: Vec<String>,
        /// The command that would write anyway.
        force: String,
    },
    /// No starter speaks this language.
    UnknownLanguage {
        /// The language asked for.
        language: String,
        /// The languages there are.
        known: Vec<String>,
    },
    /// Writing failed.
    Io(PathBuf, io::Error),
}

impl fmt::Display for InitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InitError::NotEmpty { dir, entries, force } => write!(
                f,
                "error: `{}` is not empty (it has {}); nothing was written\n  help: choose a new or empty folder, or run `{force}` to write into it anyway (files of the same name are overwritten)",
                dir.display(),
                entries.join(", ")
            ),
            InitError::UnknownLanguage { language, known } => write!(
                f,
                "error: there is no starter site in the language `{language}`\n  help: the languages are: {}; a site in another language starts from one of them, with `language:` in site.yaml and its own `i18n/<lang>.yaml`",
                known.join(", ")
            ),
            InitError::Io(path, e) => write!(f, "error: cannot write `{}`: {e}", path.display()),
        }
    }
}

/// The languages there are starter sites in.
pub fn languages() -> Vec<String> {
    let mut langs: Vec<String> = STARTERS.dirs().map(|d| d.path().to_string_lossy().into_owned()).collect();
    langs.sort();
    langs
}

/// Writes the starter site in `language` into `dir`; returns the files written, relative to `dir`.
pub fn site(dir: &Path, language: &str, force: bool) -> Result<Vec<String>, InitError> {
    let Some(starter) = STARTERS.get_dir(language) else {
        return Err(InitError::UnknownLanguage { language: language.to_string(), known: languages() });
    };
    let force_command = format!("ledestjerne init {} --language {language} --force", dir.display());
    refuse_unless_empty(dir, force, force_command)?;
    let mut files = Vec::new();
    collect(starter, &mut files);
    let prefix = format!("{language}/");
    let files: Vec<(String, &[u8])> =
        files.into_iter().map(|(path, bytes)| (path.strip_prefix(&prefix).unwrap_or(&path).to_string(), bytes)).collect();
    write_all(dir, &files)
}

/// Writes the built-in theme into `themes/<name>/` of the site at `root`; returns that folder.
pub fn eject_theme(root: &Path, name: &str, force: bool) -> Result<PathBuf, InitError> {
    let dir = root.join("themes").join(name);
    refuse_unless_empty(&dir, force, format!("ledestjerne --root {} theme eject {name} --force", root.display()))?;
    write_all(&dir, &embedded::all_files())?;
    Ok(dir)
}

/// Every file under `dir`, by its path in the starters, sorted.
fn collect(dir: &Dir<'static>, out: &mut Vec<(String, &'static [u8])>) {
    for file in dir.files() {
        out.push((file.path().to_string_lossy().replace('\\', "/"), file.contents()));
    }
    for sub in dir.dirs() {
        collect(sub, out);
    }
    out.sort();
}

/// An error when `dir` has anything in it but a `.git` folder, unless `force`.
fn refuse_unless_empty(dir: &Path, force: bool, force_command: String) -> Result<(), InitError> {
    if force {
        return Ok(());
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(InitError::Io(dir.to_path_buf(), e)),
    };
    let mut names: Vec<String> = entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| n != ".git").collect();
    if names.is_empty() {
        return Ok(());
    }
    names.sort();
    let more = names.len().saturating_sub(3);
    names.truncate(3);
    if more > 0 {
        names.push(format!("{more} more"));
    }
    Err(InitError::NotEmpty { dir: dir.to_path_buf(), entries: names, force: force_command })
}

/// Writes each file (path relative to `dir`), creating folders; returns the paths.
fn write_all(dir: &Path, files: &[(String, &[u8])]) -> Result<Vec<String>, InitError> {
    for (rel, bytes) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| InitError::Io(parent.to_path_buf(), e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| InitError::Io(path.clone(), e))?;
    }
    Ok(files.iter().map(|(rel, _)| rel.clone()).collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn there_is_a_starter_in_every_language_of_the_built_in_theme() {
        assert_eq!(super::languages(), crate::render::embedded::languages());
    }

    #[test]
    fn a_folder_with_files_is_refused_and_an_empty_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        assert!(super::refuse_unless_empty(&dir.path().join("new"), false, String::new()).is_ok());
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        assert!(super::refuse_unless_empty(dir.path(), false, String::new()).is_ok());
        std::fs::write(dir.path().join("notes.txt"), "x").unwrap();
        let err = super::refuse_unless_empty(dir.path(), false, "ledestjerne init x --force".into()).unwrap_err().to_string();
        assert!(err.contains("is not empty (it has notes.txt)") && err.contains("--force"), "{err}");
        assert!(super::refuse_unless_empty(dir.path(), true, String::new()).is_ok());
    }
}
