//! The files of a built site as the stages hand them on.
//!
//! Every stage that produces output — the page writer, the search index, the
//! static files — hands each [`OutputFile`] to a [`Sink`] as soon as it is
//! made, so a large site is never held in memory whole. The caller decides
//! what a sink does: `build` writes into a staging folder, `serve` keeps the
//! files in memory, `check` drops them. This module sits below the stages so
//! that none of them imports from the one that writes the site.

use std::sync::{Mutex, PoisonError};

/// One file of the built site.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputFile {
    /// Path relative to the output folder, `/`-separated.
    pub path: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

impl OutputFile {
    /// A file with text contents.
    pub fn text(path: impl Into<String>, text: String) -> Self {
        Self { path: path.into(), bytes: text.into_bytes() }
    }
}

/// Where a stage hands its files, from any thread.
pub type Sink<'a> = &'a (dyn Fn(OutputFile) + Sync);

/// Runs `produce` with a sink that keeps every file it is handed; returns
/// the files, sorted by path, and what `produce` returned.
pub fn collect<R>(produce: impl FnOnce(Sink<'_>) -> R) -> (Vec<OutputFile>, R) {
    let files = Mutex::new(Vec::new());
    let result = produce(&|file| files.lock().unwrap_or_else(PoisonError::into_inner).push(file));
    let mut files = files.into_inner().unwrap_or_else(PoisonError::into_inner);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    (files, result)
}

/// A sink that drops every file: for `check`, which renders to find errors.
pub fn discard(_: OutputFile) {}
