//! Rebuilds: the pages on every change, the search index in the background.
//!
//! A [`SiteWatcher`] reports changes; each one is built off the async
//! threads by the [`Builder`] — an edit of existing pages incrementally,
//! rendering only the pages it can change (see [`Session`]), anything else
//! from scratch — and the snapshot is swapped. The search index takes many
//! times longer than the pages, so [`index_on_request`] rebuilds it
//! afterwards and swaps it in on its own: a saved page is on screen in the
//! time the pages take.

use super::state::AppState;
use crate::diagnostics::Diagnostics;
use crate::files::{self, OutputFile};
use crate::pipeline::{self, Options, Rendered, Session};
use crate::search;
use crate::watch::{Change, SiteWatcher};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Pause between publishing new pages and indexing them for search.
const INDEX_DELAY: Duration = Duration::from_millis(200);

/// The outcome of one build, for the terminal.
pub(crate) enum Outcome {
    Built { pages: usize, rendered: usize, millis: u128 },
    Failed { errors: usize },
    Crashed,
}

/// Builds the pages, from scratch or by updating the last good build.
///
/// Content edits go to the kept [`Session`]; anything else, or an edit the
/// session cannot take in (a page added or removed), builds from scratch.
/// Files of a failed update stay pending and are read again with the next
/// change, so the errors of a file still broken are never lost.
pub(crate) struct Builder {
    /// Options of the pages-only build.
    options: Options,
    session: Option<Session>,
    pending: BTreeSet<PathBuf>,
}

impl Builder {
    /// A builder with no build yet, for the pages of `options`' site.
    pub(crate) fn new(options: &Options) -> Self {
        // The session builds neither the search index nor the print page
        // (every page rendered again): those follow in the background.
        Builder { options: options.clone(), session: None, pending: BTreeSet::new() }
    }

    /// Builds for `change`; says whether it was a full build.
    fn build(&mut self, change: &Change) -> Result<(Rendered, bool), Diagnostics> {
        if let (Change::Content(paths), Some(session)) = (change, self.session.as_mut()) {
            self.pending.extend(paths.iter().cloned());
            let paths: Vec<PathBuf> = self.pending.iter().cloned().collect();
            match session.update(&paths) {
                Ok(Some(rendered)) => {
                    self.pending.clear();
                    return Ok((rendered, false));
                }
                Ok(None) => {}
                Err(diagnostics) => return Err(diagnostics),
            }
        }
        self.pending.clear();
        self.session = None;
        let (session, rendered) = Session::start(&self.options)?;
        self.session = Some(session);
        Ok((rendered, true))
    }

    fn pages(&self) -> usize {
        self.session.as_ref().map_or(0, Session::page_count)
    }
}

/// Builds the pages (without the search index, which takes far longer) and
/// publishes the result; the indexer follows up with the index.
pub(crate) async fn rebuild(state: &AppState, mut builder: Builder, change: Change) -> (Builder, Outcome) {
    let start = Instant::now();
    let options = builder.options.clone();
    let result = tokio::task::spawn_blocking(move || {
        let result = builder.build(&change);
        (builder, result)
    })
    .await;
    match result {
        Ok((builder, Ok((rendered, full)))) => {
            eprint!("{}", rendered.warnings);
            let count = rendered.pages;
            state.publish_files(rendered.files, full);
            let outcome = Outcome::Built { pages: builder.pages(), rendered: count, millis: start.elapsed().as_millis() };
            (builder, outcome)
        }
        Ok((builder, Err(diagnostics))) => {
            eprint!("{diagnostics}");
            state.publish_errors(&diagnostics);
            (builder, Outcome::Failed { errors: diagnostics.error_count() })
        }
        Err(e) => {
            eprintln!("error: the build stopped unexpectedly: {e}");
            (Builder::new(&options), Outcome::Crashed)
        }
    }
}

/// Rebuilds the search index whenever new pages are published.
///
/// The index comes from a full build, run after a short pause so a burst of
/// saves costs one index and the reloading pages are served first. Until it
/// is done the previous index is served. The search bundles are kept from
/// one build to the next, so a save indexes only the bundle of each page
/// whose search document changed.
pub(crate) async fn index_on_request(state: AppState, options: Options) {
    // One thread, so a save is rendered on the other cores while a large site is indexed.
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).thread_name(|_| "search-index".into()).build().map(Arc::new);
    let cache = Arc::new(search::BundleCache::default());
    loop {
        state.index_wanted.notified().await;
        tokio::time::sleep(INDEX_DELAY).await;
        let start = Instant::now();
        let (options, cache) = (options.clone(), cache.clone());
        let pool = pool.as_ref().ok().cloned();
        let task = move || match pool {
            Some(pool) => pool.install(|| index_and_print(&options, &cache)),
            None => index_and_print(&options, &cache),
        };
        match tokio::task::spawn_blocking(task).await {
            Ok(Ok((files, stats))) => {
                state.publish_search(files);
                eprintln!("{}", index_report(start.elapsed(), stats));
            }
            // The pages' build reports the site's own errors.
            Ok(Err(diagnostics)) => {
                eprint!("warning: the search index was not updated:\n{diagnostics}")
            }
            Err(e) => eprintln!("warning: the search index was not updated: {e}"),
        }
    }
}

/// The search index and the print page: the pages are served from the
/// incremental rebuilds already.
fn index_and_print(options: &Options, cache: &search::BundleCache) -> Result<(Vec<OutputFile>, search::IndexStats), Diagnostics> {
    let (files, report) = files::collect(|sink| pipeline::index_and_print(options, cache, sink));
    Ok((files, report?.search.unwrap_or_default()))
}

/// The line `serve` prints when a new search index is served.
fn index_report(took: Duration, stats: search::IndexStats) -> String {
    let total = stats.indexed + stats.reused;
    let which = if stats.reused == 0 {
        String::new()
    } else {
        format!(" ({} of {total} search bundle{} indexed again)", stats.indexed, plural(total))
    };
    format!("search index updated in {} ms{which}", took.as_millis())
}

/// Reports the build made on starting the server.
pub(crate) fn report_first_build(outcome: &Outcome) {
    match outcome {
        Outcome::Built { pages, millis, .. } => eprintln!("built {pages} pages in {millis} ms"),
        Outcome::Failed { errors } => {
            eprintln!("error: the site has {errors} error{}; serving an error page until they are fixed", plural(*errors))
        }
        Outcome::Crashed => eprintln!("error: serving an error page until the build works"),
    }
}

fn report_rebuild(outcome: &Outcome, change: &Change) {
    match outcome {
        Outcome::Built { millis, rendered, pages } => {
            eprintln!("rebuilt in {millis} ms ({change}): {rendered} of {pages} pages rendered")
        }
        Outcome::Failed { errors } => {
            eprintln!("error: rebuild failed with {errors} error{} ({change}); still serving the last good site", plural(*errors))
        }
        Outcome::Crashed => eprintln!("error: still serving the last good site"),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Rebuilds for every change the watcher reports, until it stops.
pub(crate) async fn rebuild_on_change(mut watcher: SiteWatcher, state: AppState, mut builder: Builder) {
    while let Some(change) = watcher.next_change().await {
        let (next, outcome) = rebuild(&state, builder, change.clone()).await;
        builder = next;
        report_rebuild(&outcome, &change);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_report_says_how_many_bundles_were_indexed_again() {
        let took = Duration::from_millis(1234);
        let all = search::IndexStats { indexed: 20, reused: 0 };
        assert_eq!(index_report(took, all), "search index updated in 1234 ms");
        let one = search::IndexStats { indexed: 1, reused: 19 };
        assert_eq!(index_report(took, one), "search index updated in 1234 ms (1 of 20 search bundles indexed again)");
    }
}
