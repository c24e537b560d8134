//! The served snapshot and how new builds are published into it.
//!
//! The server answers requests from a [`Snapshot`]: the built files by
//! path, plus the diagnostics of the latest build when it failed.
//! [`AppState`] holds the current snapshot; the rebuild loop and the
//! indexer swap in new ones and tell the open pages ([`LiveEvent`]).

use super::http::script_json;
use crate::diagnostics::Diagnostics;
use crate::files::OutputFile;
use axum::body::Bytes;
use axum::response::sse::Event;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::sync::{Notify, broadcast};

/// Files by site-relative path.
type Files = Arc<HashMap<String, Bytes>>;

/// What the server serves: the last good build and the latest build's errors.
#[derive(Debug, Clone, Default)]
pub(crate) struct Snapshot {
    /// Changes with every rebuild, good or bad; pages compare it to reload.
    pub(crate) version: String,
    /// The pages and other files of the last good build.
    pub(crate) files: Files,
    /// The search index (see [`crate::search::is_index_file`]), built after the pages.
    pub(crate) search: Files,
    /// Whether any build has succeeded yet.
    pub(crate) built: bool,
    /// Diagnostics of the latest build when it failed, as JSON safe to
    /// embed in a `<script>` element; `[]` when it succeeded.
    pub(crate) errors: String,
}

impl Snapshot {
    /// The file at `key`, from the pages or the search index.
    pub(crate) fn get(&self, key: &str) -> Option<&Bytes> {
        self.files.get(key).or_else(|| self.search.get(key))
    }
}

/// A message to the open pages.
#[derive(Debug, Clone)]
pub(crate) enum LiveEvent {
    /// A new good build is in place; `changed` lists the URL paths of the
    /// pages that changed (`None`: reload every page).
    Reload { version: String, changed: Option<Vec<String>> },
    /// The latest build failed; `errors` is the JSON of its diagnostics.
    Errors { version: String, errors: String },
}

impl LiveEvent {
    /// The event as the events stream sends it.
    pub(crate) fn to_sse(&self) -> Event {
        match self {
            LiveEvent::Reload { version, changed } => {
                let data = serde_json::json!({ "version": version, "changed": changed });
                Event::default().event("reload").data(data.to_string())
            }
            LiveEvent::Errors { version, errors } => {
                let data = format!("{{\"version\":\"{version}\",\"diagnostics\":{errors}}}");
                Event::default().event("errors").data(data)
            }
        }
    }
}

/// State shared by the request handlers, the rebuild loop and the indexer.
#[derive(Clone)]
pub(crate) struct AppState {
    /// The snapshot being served.
    current: Arc<RwLock<Arc<Snapshot>>>,
    /// Messages to the open pages.
    pub(crate) events: broadcast::Sender<LiveEvent>,
    /// Asks the indexer for a new search index; requests made while it
    /// works collapse into one.
    pub(crate) index_wanted: Arc<Notify>,
    /// Distinguishes this server from an earlier one on the same port.
    instance: String,
    generation: Arc<AtomicU64>,
}

impl AppState {
    pub(crate) fn new() -> Self {
        let started = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis());
        Self {
            current: Arc::default(),
            events: broadcast::channel(16).0,
            index_wanted: Arc::default(),
            instance: format!("{started:x}"),
            generation: Arc::default(),
        }
    }

    /// The snapshot being served.
    pub(crate) fn snapshot(&self) -> Arc<Snapshot> {
        self.current.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    fn next_version(&self) -> String {
        let n = self.generation.fetch_add(1, Ordering::Relaxed) + 1;
        format!("{}-{n}", self.instance)
    }

    /// Replaces the snapshot with `change(old)`, under one lock, so the
    /// rebuild loop and the indexer never undo each other's work.
    fn update(&self, change: impl FnOnce(&Snapshot) -> Snapshot) -> Arc<Snapshot> {
        let mut current = self.current.write().unwrap_or_else(PoisonError::into_inner);
        *current = Arc::new(change(&current));
        current.clone()
    }

    /// Puts a good build in place, then tells the pages which of them to reload.
    ///
    /// A full build replaces all files; an incremental one replaces those it
    /// rendered and keeps the rest.
    pub(crate) fn publish_files(&self, files: Vec<OutputFile>, full: bool) {
        let mut changed = Vec::new();
        let snapshot = self.update(|old| {
            let mut map = if full { HashMap::with_capacity(files.len()) } else { (*old.files).clone() };
            for file in files {
                if old.files.get(&file.path).is_none_or(|b| b[..] != file.bytes[..]) {
                    changed.push(file.path.clone());
                }
                map.insert(file.path, Bytes::from(file.bytes));
            }
            Snapshot { version: self.next_version(), files: Arc::new(map), search: old.search.clone(), built: true, errors: "[]".into() }
        });
        // No receivers just means no page is open.
        let _ = self.events.send(LiveEvent::Reload { version: snapshot.version.clone(), changed: changed_pages(&changed) });
        self.index_wanted.notify_one();
    }

    /// Keeps the last good files, records the errors and shows them on the pages.
    pub(crate) fn publish_errors(&self, diagnostics: &Diagnostics) {
        let errors = script_json(&diagnostics.clone().sorted());
        let snapshot = self.update(|old| Snapshot { version: self.next_version(), errors: errors.clone(), ..old.clone() });
        let _ = self.events.send(LiveEvent::Errors { version: snapshot.version.clone(), errors });
    }

    /// Swaps in a new search index; pages need no reload for it.
    pub(crate) fn publish_search(&self, files: Vec<OutputFile>) {
        let search: Files = Arc::new(to_map(files));
        self.update(|old| Snapshot { search, ..old.clone() });
    }
}

/// The most pages a reload event names; past it, every page reloads.
const MAX_CHANGED_PAGES: usize = 1000;

/// URL paths (`/cases/x/`) of the changed HTML files at `paths`; `None`
/// when anything else changed (a stylesheet, a script) or too many did,
/// so every page must reload.
fn changed_pages(paths: &[String]) -> Option<Vec<String>> {
    if paths.len() > MAX_CHANGED_PAGES {
        return None;
    }
    paths
        .iter()
        .map(|p| {
            let page = p.strip_suffix("index.html").or_else(|| p.strip_suffix(".html").filter(|_| p == "404.html"))?;
            Some(format!("/{page}"))
        })
        .collect()
}

fn to_map(files: Vec<OutputFile>) -> HashMap<String, Bytes> {
    files.into_iter().map(|f| (f.path, Bytes::from(f.bytes))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reload_events_name_changed_pages_or_ask_all_to_reload() {
        let paths = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(changed_pages(&paths(&["cases/a/index.html", "index.html"])), Some(vec!["/cases/a/".into(), "/".into()]));
        assert_eq!(changed_pages(&paths(&["404.html"])), Some(vec!["/404".into()]));
        assert_eq!(changed_pages(&paths(&["cases/a/index.html", "style.css"])), None, "a stylesheet shows on every page");
        assert_eq!(changed_pages(&paths(&["search.js"])), None);
        let many: Vec<String> = (0..=MAX_CHANGED_PAGES).map(|i| format!("p/{i}/index.html")).collect();
        assert_eq!(changed_pages(&many), None);
        assert_eq!(changed_pages(&[]), Some(vec![]));
    }
}
