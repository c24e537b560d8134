//! The pure part of watching: what a burst of file-system events means for
//! the site.
//!
//! [`worth_reporting`] drops the reports that cannot change anything;
//! [`collect_batch`] gathers the rest into a [`Batch`] until [`Debounce`]
//! says the burst is over; [`classify`] maps the batch's paths to a
//! [`Change`], ignoring editor temp and swap files ([`is_temp_file`]), the
//! output folder, `target/` and `.git/`. Nothing here touches the file
//! system, so all of it is tested with made-up events.

use super::limits::{Limit, exhausted_limit};
use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
use notify::{Event, EventKind};
use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::Instant;

/// What a batch of file-system events means for the site.
///
/// A batch is one change: [`Change::merge`] combines the changes of its
/// events into the smallest change that covers them all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Change {
    /// Nothing the site is built from changed.
    None,
    /// Markdown pages changed: these paths, relative to the site root, sorted.
    Content(Vec<PathBuf>),
    /// Only static files changed: they must be copied again.
    Static,
    /// Templates or UI strings changed: every page must be rendered again.
    Templates,
    /// `site.yaml` changed, or the watcher lost track: build from scratch.
    Config,
}

impl Change {
    /// The smallest change that covers both `self` and `other`.
    ///
    /// Content and static files changing together need both pages and static
    /// files, which only a full render ([`Change::Templates`]) does.
    pub(crate) fn merge(self, other: Change) -> Change {
        use Change::*;
        match (self, other) {
            (None, c) | (c, None) => c,
            (Config, _) | (_, Config) => Config,
            (Templates, _) | (_, Templates) => Templates,
            (Static, Static) => Static,
            (Content(mut a), Content(b)) => {
                a.extend(b);
                a.sort();
                a.dedup();
                Content(a)
            }
            (Static, Content(_)) | (Content(_), Static) => Templates,
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::None => write!(f, "no change"),
            Change::Content(paths) => match paths.as_slice() {
                [one] => write!(f, "{}", one.display()),
                many => write!(f, "{} content files", many.len()),
            },
            Change::Static => write!(f, "static files"),
            Change::Templates => write!(f, "templates"),
            Change::Config => write!(f, "site.yaml"),
        }
    }
}

/// Where the sources are, and which folders inside the root to ignore.
#[derive(Debug, Clone)]
pub(crate) struct WatchSet {
    /// The site root, absolute, as the watcher reports paths under it.
    pub(crate) root: PathBuf,
    /// Folders whose events never count (the output folder, `target/`).
    ignored: Vec<PathBuf>,
}

impl WatchSet {
    /// Watches `root`, ignoring `output` (where `build` writes) and `root/target`.
    pub(crate) fn new(root: PathBuf, output: PathBuf) -> Self {
        let target = root.join("target");
        Self { root, ignored: vec![output, target] }
    }
}

/// Maps the paths of a batch of file-system events to what must be rebuilt.
fn classify(paths: &[PathBuf], set: &WatchSet) -> Change {
    paths.iter().map(|path| classify_path(path, set)).fold(Change::None, Change::merge)
}

fn classify_path(path: &Path, set: &WatchSet) -> Change {
    if set.ignored.iter().any(|dir| path.starts_with(dir)) {
        return Change::None;
    }
    let Ok(rel) = path.strip_prefix(&set.root) else {
        return Change::None;
    };
    let names: Option<Vec<&str>> = rel
        .components()
        .map(|c| match c {
            Component::Normal(name) => name.to_str(),
            _ => None,
        })
        .collect();
    let Some(names) = names else {
        return Change::None;
    };
    if names.contains(&".git") || names.last().is_some_and(|n| is_temp_file(n)) {
        return Change::None;
    }
    match names.as_slice() {
        ["site.yaml"] => Change::Config,
        ["content", ..] => Change::Content(vec![rel.to_path_buf()]),
        ["templates", ..] | ["i18n", ..] => Change::Templates,
        ["static", ..] => Change::Static,
        ["themes", _theme, "static", ..] => Change::Static,
        ["themes", ..] => Change::Templates,
        _ => Change::None,
    }
}

/// Whether a file name is an editor's temp, swap, lock or backup file.
///
/// Editors that save safely write a temp file and rename it over the real
/// one; the rename is reported for the real path, so the temp file itself
/// can be ignored. Vim probes a folder's writability with a file named
/// `4913` (then `5036`, … in steps of 123), hence all-digit names.
fn is_temp_file(name: &str) -> bool {
    const SUFFIXES: [&str; 11] = ["~", ".swp", ".swo", ".swn", ".swx", ".swpx", ".tmp", ".temp", ".kate-swp", ".crswap", "___"];
    const PREFIXES: [&str; 3] = [".#", ".goutputstream-", ".~lock."];
    SUFFIXES.iter().any(|s| name.ends_with(s))
        || PREFIXES.iter().any(|p| name.starts_with(p))
        || (name.len() > 1 && name.starts_with('#') && name.ends_with('#'))
        || (!name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()))
        || name.contains(".tmp.")
        || name == ".DS_Store"
}

/// Whether an event can change a source: reads (`open`, `close` after
/// reading) cannot, and the build itself causes many of them.
fn is_relevant(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// Whether an event is the last step of saving a file: the file closed
/// after writing, or renamed into place (editors that save safely).
fn ends_a_save(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Access(AccessKind::Close(AccessMode::Write)) | EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both))
    )
}

/// Whether `event` finishes saving a source file: [`ends_a_save`], and the
/// file (the rename's target) is not an editor's temp or backup file. Vim
/// closes its probe `4913` and moves the original to `name~` *before*
/// writing the new file; ending the batch there would build the site
/// without the page.
fn finishes_a_save(event: &Event) -> bool {
    let temp = event.paths.last().and_then(|path| path.file_name()).and_then(|name| name.to_str()).is_some_and(is_temp_file);
    ends_a_save(&event.kind) && !temp
}

/// How long to wait for a burst of events to end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Debounce {
    /// A batch ends when no event came for this long…
    quiet: Duration,
    /// …or this long, when the latest event finished saving a file
    /// ([`finishes_a_save`]): the other steps of a save come before it, so
    /// only a burst of several saves is still to be waited for.
    settled: Duration,
    /// …or when this long has passed since its first event, so a stream of
    /// changes that never pauses still gets rebuilt.
    max_wait: Duration,
}

impl Default for Debounce {
    fn default() -> Self {
        Self { quiet: Duration::from_millis(50), settled: Duration::from_millis(15), max_wait: Duration::from_millis(500) }
    }
}

impl Debounce {
    /// When a batch ends whose first event came at `first` and latest at
    /// `last`; `saved` tells whether that latest event finished a save.
    fn deadline(&self, first: Instant, last: Instant, saved: bool) -> Instant {
        let quiet = if saved { self.settled } else { self.quiet };
        (last + quiet).min(first + self.max_wait)
    }
}

/// The paths of one debounced burst of events.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Batch {
    /// Every path an event named, in arrival order.
    pub(crate) paths: Vec<PathBuf>,
    /// The watcher dropped events (queue overflow, errors): rebuild everything.
    rescan: bool,
    /// The watcher reported that a kernel limit is used up (see [`exhausted_limit`]).
    pub(crate) limit: Option<Limit>,
}

impl Batch {
    /// Adds an event; says whether it finished saving a file.
    fn add(&mut self, event: notify::Result<Event>) -> bool {
        match event {
            Ok(event) => {
                self.rescan |= event.need_rescan();
                let saved = finishes_a_save(&event);
                self.paths.extend(event.paths);
                saved
            }
            Err(error) => {
                let limit = exhausted_limit(&error);
                if limit.is_none() {
                    // A used-up limit gets its own warning, on falling back to polling.
                    eprintln!("warning: file watcher: {error}");
                }
                self.rescan = true;
                self.limit = self.limit.or(limit);
                self.paths.extend(error.paths);
                false
            }
        }
    }

    /// What the batch means for the site.
    pub(crate) fn change(&self, set: &WatchSet) -> Change {
        let change = classify(&self.paths, set);
        if self.rescan { change.merge(Change::Config) } else { change }
    }
}

/// Waits for the next event, then gathers events until `debounce` says the
/// burst is over. `None` when the sender is gone and nothing is pending.
pub(crate) async fn collect_batch(events: &mut UnboundedReceiver<notify::Result<Event>>, debounce: Debounce) -> Option<Batch> {
    let mut batch = Batch::default();
    let mut saved = batch.add(events.recv().await?);
    let first = Instant::now();
    let mut last = first;
    loop {
        let deadline = debounce.deadline(first, last, saved);
        match tokio::time::timeout_at(deadline, events.recv()).await {
            Ok(Some(event)) => {
                saved = batch.add(event);
                last = Instant::now();
            }
            Ok(None) | Err(_) => return Some(batch),
        }
    }
}

/// Whether a watcher's report can matter to the site: reads cannot (see
/// [`is_relevant`]), and neither can a path that vanished while it was
/// being watched or scanned: its removal is reported by its folder's watch.
/// The polling watcher reports a missing watched folder on every scan, so
/// without this a deleted `content/` would mean a rebuild every scan.
pub(crate) fn worth_reporting(event: &notify::Result<Event>) -> bool {
    match event {
        Ok(event) => is_relevant(&event.kind),
        Err(error) => !vanished(error),
    }
}

fn vanished(error: &notify::Error) -> bool {
    match &error.kind {
        notify::ErrorKind::PathNotFound => true,
        notify::ErrorKind::Io(io) => io.kind() == std::io::ErrorKind::NotFound,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::CreateKind;
    use tokio::sync::mpsc::unbounded_channel;

    fn set() -> WatchSet {
        WatchSet::new(PathBuf::from("/site"), PathBuf::from("/site/public"))
    }

    fn paths(list: &[&str]) -> Vec<PathBuf> {
        list.iter().map(PathBuf::from).collect()
    }

    #[test]
    fn a_saved_page_is_a_content_change() {
        let change = classify(&paths(&["/site/content/cases/x.md"]), &set());
        assert_eq!(change, Change::Content(paths(&["content/cases/x.md"])));
    }

    #[test]
    fn temp_and_swap_files_are_ignored() {
        let batch = paths(&[
            "/site/content/cases/.x.md.swp",
            "/site/content/cases/.x.md.swx",
            "/site/content/cases/4913",
            "/site/content/cases/x.md~",
            "/site/content/cases/.#x.md",
            "/site/content/cases/#x.md#",
            "/site/templates/.base.html.swp",
            "/site/site.yaml~",
        ]);
        assert_eq!(classify(&batch, &set()), Change::None);
    }

    #[test]
    fn save_via_temp_file_and_rename_counts_the_real_file_once() {
        // What vim (backupcopy=no) reports: a probe file, the original moved
        // to a backup, the new file written, the backup removed.
        let batch = paths(&[
            "/site/content/cases/4913",
            "/site/content/cases/x.md",
            "/site/content/cases/x.md~",
            "/site/content/cases/x.md",
            "/site/content/cases/x.md",
            "/site/content/cases/x.md~",
        ]);
        assert_eq!(classify(&batch, &set()), Change::Content(paths(&["content/cases/x.md"])));
    }

    #[test]
    fn output_folder_target_and_git_are_ignored() {
        let batch = paths(&[
            "/site/public/index.html",
            "/site/public",
            "/site/target/debug/x",
            "/site/.git/index",
            "/site/themes/default/.git/HEAD",
            "/elsewhere/content/x.md",
            "/site/README.md",
        ]);
        assert_eq!(classify(&batch, &set()), Change::None);
    }

    #[test]
    fn an_output_folder_inside_a_source_folder_is_still_ignored() {
        let set = WatchSet::new(PathBuf::from("/site"), PathBuf::from("/site/static/out"));
        assert_eq!(classify(&paths(&["/site/static/out/a.html"]), &set), Change::None);
    }

    #[test]
    fn templates_themes_static_and_config_are_told_apart() {
        let one = |p: &str| classify(&paths(&[p]), &set());
        assert_eq!(one("/site/templates/case.html"), Change::Templates);
        assert_eq!(one("/site/themes/default/templates/base.html"), Change::Templates);
        assert_eq!(one("/site/themes/default/i18n/da.yaml"), Change::Templates);
        assert_eq!(one("/site/i18n/en.yaml"), Change::Templates);
        assert_eq!(one("/site/themes/default/static/style.css"), Change::Static);
        assert_eq!(one("/site/static/logo.svg"), Change::Static);
        assert_eq!(one("/site/site.yaml"), Change::Config);
        assert_eq!(one("/site/content/site.yaml"), Change::Content(paths(&["content/site.yaml"])));
    }

    #[test]
    fn a_template_change_covers_content_changes() {
        let batch = paths(&["/site/content/a.md", "/site/themes/default/templates/case.html"]);
        assert_eq!(classify(&batch, &set()), Change::Templates);
        let batch = paths(&["/site/content/a.md", "/site/static/x.css"]);
        assert_eq!(classify(&batch, &set()), Change::Templates);
        let batch = paths(&["/site/templates/a.html", "/site/site.yaml", "/site/content/a.md"]);
        assert_eq!(classify(&batch, &set()), Change::Config);
    }

    #[test]
    fn many_content_files_are_one_change() {
        // A `git checkout` rewriting hundreds of pages, each reported several times.
        let batch: Vec<PathBuf> = (0..300)
            .flat_map(|i| {
                let path = PathBuf::from(format!("/site/content/cases/c{i:03}.md"));
                [path.clone(), path]
            })
            .collect();
        let Change::Content(changed) = classify(&batch, &set()) else { panic!("expected a content change") };
        assert_eq!(changed.len(), 300);
        assert_eq!(changed[0], PathBuf::from("content/cases/c000.md"));
    }

    #[test]
    fn reads_are_not_relevant() {
        assert!(!is_relevant(&EventKind::Access(AccessKind::Open(AccessMode::Any))));
        assert!(!is_relevant(&EventKind::Access(AccessKind::Close(AccessMode::Read))));
        assert!(is_relevant(&EventKind::Access(AccessKind::Close(AccessMode::Write))));
        assert!(is_relevant(&EventKind::Create(CreateKind::File)));
        assert!(is_relevant(&EventKind::Modify(ModifyKind::Name(RenameMode::Both))));
    }

    #[test]
    fn deadline_waits_for_quiet_but_not_forever() {
        let d = Debounce::default();
        let ms = Duration::from_millis;
        let t0 = Instant::now();
        assert_eq!(d.deadline(t0, t0, false), t0 + ms(50));
        assert_eq!(d.deadline(t0, t0, true), t0 + ms(15));
        let later = t0 + ms(300);
        assert_eq!(d.deadline(t0, later, false), later + ms(50));
        let much_later = t0 + ms(480);
        assert_eq!(d.deadline(t0, much_later, false), t0 + ms(500));
    }

    #[test]
    fn closing_or_renaming_a_written_file_ends_a_save() {
        assert!(ends_a_save(&EventKind::Access(AccessKind::Close(AccessMode::Write))));
        assert!(ends_a_save(&EventKind::Modify(ModifyKind::Name(RenameMode::To))));
        assert!(ends_a_save(&EventKind::Modify(ModifyKind::Name(RenameMode::Both))));
        assert!(!ends_a_save(&EventKind::Modify(ModifyKind::Name(RenameMode::From))));
        assert!(!ends_a_save(&EventKind::Modify(ModifyKind::Any)));
        assert!(!ends_a_save(&EventKind::Create(CreateKind::File)));
    }

    fn event(path: &str) -> notify::Result<Event> {
        Ok(Event::new(EventKind::Modify(ModifyKind::Any)).add_path(PathBuf::from(path)))
    }

    // Paused tokio time: the timeouts below advance instantly, no real sleeping.
    #[tokio::test(start_paused = true)]
    async fn a_burst_of_events_is_one_batch() {
        let (sender, mut events) = unbounded_channel();
        tokio::spawn(async move {
            for i in 0..300 {
                sender.send(event(&format!("/site/content/c{i}.md"))).ok();
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            tokio::time::sleep(Duration::from_secs(5)).await;
            sender.send(event("/site/content/late.md")).ok();
        });
        let debounce = Debounce::default();
        let first = collect_batch(&mut events, debounce).await.unwrap();
        assert_eq!(first.paths.len(), 300);
        let second = collect_batch(&mut events, debounce).await.unwrap();
        assert_eq!(second.paths, paths(&["/site/content/late.md"]));
        assert!(collect_batch(&mut events, debounce).await.is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn a_stream_that_never_pauses_is_cut_at_the_max_wait() {
        let (sender, mut events) = unbounded_channel();
        tokio::spawn(async move {
            for i in 0..100 {
                sender.send(event(&format!("/site/content/c{i}.md"))).ok();
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        });
        let debounce = Debounce::default();
        let mut sizes = Vec::new();
        while let Some(batch) = collect_batch(&mut events, debounce).await {
            sizes.push(batch.paths.len());
        }
        // 2 s of events every 20 ms, cut at most every 500 ms (26 events).
        assert_eq!(sizes.iter().sum::<usize>(), 100);
        assert!(sizes.len() >= 4 && sizes.iter().all(|&n| n <= 26), "{sizes:?}");
    }

    fn closed(path: &str) -> notify::Result<Event> {
        let kind = EventKind::Access(AccessKind::Close(AccessMode::Write));
        Ok(Event::new(kind).add_path(PathBuf::from(path)))
    }

    /// Batch sizes for two events 30 ms apart, the first of kind `first`.
    async fn batches_30_ms_apart(first: notify::Result<Event>) -> Vec<usize> {
        let (sender, mut events) = unbounded_channel();
        tokio::spawn(async move {
            sender.send(first).ok();
            tokio::time::sleep(Duration::from_millis(30)).await;
            sender.send(event("/site/content/b.md")).ok();
        });
        let mut sizes = Vec::new();
        while let Some(batch) = collect_batch(&mut events, Debounce::default()).await {
            sizes.push(batch.paths.len());
        }
        sizes
    }

    #[tokio::test(start_paused = true)]
    async fn a_finished_save_is_not_kept_waiting() {
        assert_eq!(batches_30_ms_apart(event("/site/content/a.md")).await, [2]);
        assert_eq!(batches_30_ms_apart(closed("/site/content/a.md")).await, [1, 1]);
    }

    #[test]
    fn lost_events_mean_a_full_rebuild() {
        let batch = Batch { paths: Vec::new(), rescan: true, limit: None };
        assert_eq!(batch.change(&set()), Change::Config);
    }

    fn io_error(code: i32) -> notify::Error {
        notify::Error::io(std::io::Error::from_raw_os_error(code))
    }

    #[test]
    fn a_limit_reported_while_watching_is_kept_in_the_batch() {
        let mut batch = Batch::default();
        batch.add(Err(notify::Error::new(notify::ErrorKind::MaxFilesWatch)));
        batch.add(Err(notify::Error::generic("other")));
        assert_eq!(batch.limit, Some(Limit::Watches));
        assert_eq!(batch.change(&set()), Change::Config);
    }

    #[test]
    fn vanished_paths_and_reads_are_not_worth_reporting() {
        let missing = notify::Error::io(std::io::Error::from(std::io::ErrorKind::NotFound)).add_path("/site/content".into());
        assert!(!worth_reporting(&Err(missing)));
        assert!(!worth_reporting(&Err(notify::Error::path_not_found())));
        assert!(!worth_reporting(&Ok(Event::new(EventKind::Access(AccessKind::Open(AccessMode::Any))))));
        assert!(worth_reporting(&Err(io_error(28))));
        assert!(worth_reporting(&Err(notify::Error::generic("queue overflow"))));
        assert!(worth_reporting(&event("/site/content/a.md")));
    }

    fn renamed(from: &str, to: &str) -> notify::Result<Event> {
        let kind = EventKind::Modify(ModifyKind::Name(RenameMode::Both));
        Ok(Event::new(kind).add_path(PathBuf::from(from)).add_path(PathBuf::from(to)))
    }

    #[test]
    fn writing_a_temp_or_backup_file_does_not_finish_a_save() {
        let finishes = |event: notify::Result<Event>| finishes_a_save(&event.expect("an event"));
        assert!(!finishes(closed("/site/content/4913")));
        assert!(!finishes(closed("/site/content/.x.md.swp")));
        assert!(!finishes(renamed("/site/content/x.md", "/site/content/x.md~")));
        assert!(finishes(renamed("/site/content/x.md.tmp", "/site/content/x.md")));
        assert!(finishes(closed("/site/content/x.md")));
    }

    // What vim (backupcopy=no) reports for one save, with a pause, as a
    // busy machine may make, between moving the original away and writing
    // the new file: still one batch, never one without the page.
    #[tokio::test(start_paused = true)]
    async fn a_vim_save_with_a_pause_is_one_batch() {
        let (sender, mut events) = unbounded_channel();
        tokio::spawn(async move {
            sender.send(closed("/site/content/4913")).ok();
            sender.send(event("/site/content/4913")).ok();
            sender.send(renamed("/site/content/x.md", "/site/content/x.md~")).ok();
            tokio::time::sleep(Duration::from_millis(30)).await;
            sender.send(closed("/site/content/x.md")).ok();
            sender.send(event("/site/content/x.md~")).ok();
        });
        let mut sizes = Vec::new();
        while let Some(batch) = collect_batch(&mut events, Debounce::default()).await {
            sizes.push(batch.paths.len());
        }
        assert_eq!(sizes, [6]);
    }
}
