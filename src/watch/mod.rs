//! Watching the site's sources: file-system events → what must be rebuilt.
//!
//! A *change* is the answer to "what does this burst of file-system events
//! mean for the site?". It is computed in three steps, all pure and all in
//! `events`:
//!
//! 1. `worth_reporting` drops events that cannot change anything (the
//!    build's own reads show up as `open` events; without the filter every
//!    rebuild would trigger the next one).
//! 2. `collect_batch` debounces: it gathers events until the file system
//!    has been quiet for a moment (a shorter one after a file was saved,
//!    see `Debounce`), or a maximum wait has passed, so an editor's save
//!    or a `git checkout` of hundreds of files becomes one batch.
//! 3. `classify` maps the batch's paths to a `Change`, ignoring editor
//!    temp and swap files, the output folder and `target/`.
//!
//! This module ties the steps to a `notify` watcher (`SiteWatcher`) on
//! `content/`, `themes/`, `templates/`, `static/` and `site.yaml`. A source
//! folder that is created, or deleted and created again, is watched anew (a
//! kernel watch ends with its folder; a polling watch outlives it), and the
//! batch that makes it watched anew becomes a full rebuild, since whatever
//! was written into it before the new watch started went unseen.
//!
//! # When the kernel's watch limits are exhausted
//!
//! On Linux a user has a limited number of inotify instances
//! (`fs.inotify.max_user_instances`, one per running watcher: editors,
//! language servers, other dev servers) and of watched folders
//! (`fs.inotify.max_user_watches`). When starting the watcher or adding a
//! watch fails because one of them is used up, or the watcher later reports
//! it, the watcher prints one warning naming the sysctl to raise and falls
//! back to scanning the sources every `POLL_INTERVAL` with `notify`'s
//! `PollWatcher`, feeding the same batches (see `limits`). Polling compares
//! modification times in whole seconds, so two saves within one second
//! would look like one; the sources are therefore also compared by
//! content, except `static/`, whose files may be large and are compared by
//! time only.

mod events;
mod limits;

pub(crate) use events::{Change, Debounce, WatchSet};

use events::{collect_batch, worth_reporting};
use limits::{Limit, POLL_INTERVAL, exhausted_limit, polling_warning};
use notify::{Event, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher as _};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

/// Folders of the site root whose contents are sources, watched recursively.
const SOURCE_DIRS: [&str; 5] = ["content", "themes", "templates", "static", "i18n"];

type EventSender = UnboundedSender<notify::Result<Event>>;

/// The handler given to a `notify` watcher: sends on what is worth reporting.
fn forward_to(sender: EventSender) -> impl Fn(notify::Result<Event>) + Send + 'static {
    move |event| {
        if worth_reporting(&event) {
            // The receiver is gone only when the server is shutting down.
            let _ = sender.send(event);
        }
    }
}

/// The `notify` watcher behind a [`SiteWatcher`].
enum Backend {
    /// The kernel reports changes (inotify on Linux).
    Native(RecommendedWatcher),
    /// The sources are scanned every [`POLL_INTERVAL`]: text sources
    /// compared by content as well as time, `static/` by time only.
    Polling {
        /// `site.yaml`, `content/`, `templates/` and `themes/`.
        by_content: PollWatcher,
        /// `static/`.
        by_time: PollWatcher,
    },
}

impl Backend {
    /// The kernel's watcher, watching `root` without recursion.
    fn native_on(root: &Path, sender: &EventSender) -> notify::Result<Backend> {
        let watcher = RecommendedWatcher::new(forward_to(sender.clone()), notify::Config::default())?;
        let mut backend = Backend::Native(watcher);
        backend.watch(root, RecursiveMode::NonRecursive, false)?;
        Ok(backend)
    }

    /// After a warning about `limit`: the polling watcher, watching `root`
    /// without recursion.
    fn polling_on(root: &Path, sender: &EventSender, limit: Limit) -> notify::Result<Backend> {
        eprintln!("{}", polling_warning(limit));
        let config = notify::Config::default().with_poll_interval(POLL_INTERVAL);
        let by_content = PollWatcher::new(forward_to(sender.clone()), config.with_compare_contents(true))?;
        let by_time = PollWatcher::new(forward_to(sender.clone()), config.with_compare_contents(false))?;
        let mut backend = Backend::Polling { by_content, by_time };
        backend.watch(root, RecursiveMode::NonRecursive, false)?;
        Ok(backend)
    }

    fn is_native(&self) -> bool {
        matches!(self, Backend::Native(_))
    }

    /// Watches `path`; `assets` says it holds files that may be large.
    fn watch(&mut self, path: &Path, mode: RecursiveMode, assets: bool) -> notify::Result<()> {
        match self {
            Backend::Native(watcher) => watcher.watch(path, mode),
            Backend::Polling { by_time, .. } if assets => by_time.watch(path, mode),
            Backend::Polling { by_content, .. } => by_content.watch(path, mode),
        }
    }
}

/// A running watcher on a site's sources.
pub(crate) struct SiteWatcher {
    backend: Backend,
    /// Kept to start the polling watcher when falling back to it.
    sender: EventSender,
    events: UnboundedReceiver<notify::Result<Event>>,
    set: WatchSet,
    debounce: Debounce,
    watched: BTreeSet<PathBuf>,
}

impl SiteWatcher {
    /// Starts watching the sources under `set.root`, by polling when an
    /// inotify limit is used up (see the module documentation).
    ///
    /// The root itself is watched without recursion, for `site.yaml` (editors
    /// replace it by renaming, which a watch on the file alone would lose)
    /// and for source folders created or replaced later.
    pub(crate) fn start(set: WatchSet, debounce: Debounce) -> notify::Result<Self> {
        let (sender, events) = unbounded_channel();
        let backend = match Backend::native_on(&set.root, &sender) {
            Ok(backend) => backend,
            Err(error) => {
                let limit = exhausted_limit(&error).ok_or(error)?;
                Backend::polling_on(&set.root, &sender, limit)?
            }
        };
        let mut site_watcher = Self { backend, sender, events, set, debounce, watched: BTreeSet::new() };
        site_watcher.watch_source_dirs(&[]);
        Ok(site_watcher)
    }

    /// Waits for the next batch of events that changes the site.
    ///
    /// A batch that made a source folder be watched anew is a full rebuild:
    /// files written into the folder before its watch began went unseen.
    pub(crate) async fn next_change(&mut self) -> Option<Change> {
        loop {
            let batch = collect_batch(&mut self.events, self.debounce).await?;
            if let Some(limit) = batch.limit {
                self.fall_back_to_polling(limit);
            }
            let rewatched = self.watch_source_dirs(&batch.paths);
            let change = batch.change(&self.set);
            if rewatched {
                return Some(change.merge(Change::Config));
            }
            if change != Change::None {
                return Some(change);
            }
        }
    }

    /// Replaces the kernel's watcher with polling, once; afterwards every
    /// source folder is watched again. Keeps the kernel's watcher, with a
    /// warning, when polling cannot start.
    fn fall_back_to_polling(&mut self, limit: Limit) {
        if !self.backend.is_native() {
            return;
        }
        match Backend::polling_on(&self.set.root, &self.sender, limit) {
            Ok(backend) => {
                self.backend = backend;
                self.watched.clear();
            }
            Err(e) => eprintln!("warning: cannot watch by polling either ({e}); some edits may go unseen"),
        }
    }

    /// Watches source folders not watched yet, and again those that were
    /// replaced (`touched` names them), since a kernel watch ends with its
    /// folder. (A polling watch outlives its folder: each scan starts anew
    /// from the path.) Says whether any folder was watched anew.
    fn watch_source_dirs(&mut self, touched: &[PathBuf]) -> bool {
        let was_native = self.backend.is_native();
        let mut rewatched = self.watch_each_source_dir(touched);
        if was_native && !self.backend.is_native() {
            // Fell back to polling part way: the folders before are unwatched.
            rewatched |= self.watch_each_source_dir(&[]);
        }
        rewatched
    }

    fn watch_each_source_dir(&mut self, touched: &[PathBuf]) -> bool {
        let mut rewatched = false;
        for name in SOURCE_DIRS {
            let dir = self.set.root.join(name);
            let replaced = self.backend.is_native() && touched.contains(&dir);
            if (replaced || !self.watched.contains(&dir)) && dir.is_dir() {
                rewatched |= self.watch_dir(dir, name == "static");
            }
        }
        rewatched
    }

    /// Watches one source folder, or falls back to polling when the
    /// kernel's limit is used up. Says whether the folder is now watched.
    fn watch_dir(&mut self, dir: PathBuf, assets: bool) -> bool {
        match self.backend.watch(&dir, RecursiveMode::Recursive, assets) {
            Ok(()) => self.watched.insert(dir),
            Err(e) => {
                match exhausted_limit(&e) {
                    Some(limit) => self.fall_back_to_polling(limit),
                    None => eprintln!("warning: cannot watch `{}`: {e}", dir.display()),
                }
                false
            }
        }
    }
}
