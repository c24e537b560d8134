//! `ledestjerne serve` when the user's inotify instances are used up: the
//! server says which sysctl to raise and watches by polling instead.
//!
//! The test uses up the limit from its own process, so every other program
//! of the same user that starts a watcher meanwhile is refused one too. That
//! is why it first waits for the servers of the other tests to stop and
//! keeps new ones from starting ([`ExclusiveInotify`]), and holds the
//! instances only until its server has started its watcher.

use crate::support::live_server::{ExclusiveInotify, FIRST_NOTE, Server, Site, free_port, note};
use notify::{Config, INotifyWatcher, Watcher as _};
use std::fs;
use std::time::Duration;

/// How often the server scans the sources when polling.
const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// Linux's "too many open files", what creating one instance too many returns.
const EMFILE: i32 = 24;
/// The most instances the test creates before it gives up.
const MAX_INSTANCES: usize = 10_000;

fn max_user_instances() -> usize {
    let text = fs::read_to_string("/proc/sys/fs/inotify/max_user_instances").expect("read fs.inotify.max_user_instances");
    text.trim().parse().expect("a number in fs.inotify.max_user_instances")
}

/// Creates inotify instances until the kernel refuses one, and returns them.
fn hold_every_inotify_instance() -> Vec<INotifyWatcher> {
    let limit = max_user_instances();
    assert!(
        limit <= MAX_INSTANCES,
        "fs.inotify.max_user_instances is {limit}; this test uses the limit up and gives up above {MAX_INSTANCES}"
    );
    let mut held = Vec::new();
    loop {
        match INotifyWatcher::new(|_| {}, Config::default()) {
            Ok(watcher) => held.push(watcher),
            Err(e) => {
                let code = match &e.kind {
                    notify::ErrorKind::Io(io) => io.raw_os_error(),
                    _ => None,
                };
                assert_eq!(code, Some(EMFILE), "creating inotify instance {} failed unexpectedly: {e}", held.len() + 1);
                assert_below_fd_limit();
                return held;
            }
        }
        assert!(held.len() <= limit, "created {} inotify instances, more than the limit of {limit}", held.len());
    }
}

/// `EMFILE` also means the process has used up its own file descriptors;
/// then the server, another process, would not be refused.
fn assert_below_fd_limit() {
    let open = fs::read_dir("/proc/self/fd").expect("list /proc/self/fd").count();
    let limits = fs::read_to_string("/proc/self/limits").expect("read /proc/self/limits");
    let soft = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|n| n.parse::<usize>().ok())
        .expect("the open files limit");
    assert!(
        open + 16 < soft,
        "the test ran out of file descriptors ({open} of {soft}) before the inotify instance limit; raise `ulimit -n`"
    );
}

#[test]
fn used_up_inotify_instances_mean_a_warning_and_polling() {
    let site = Site::new();
    let alone = ExclusiveInotify::wait();
    let held = hold_every_inotify_instance();
    let mut server = Server::start_exclusive(&site.root(), free_port(), alone);
    // The watcher started before the server said it serves: give the instances back.
    drop(held);
    server.share_inotify();
    server.wait_for_log("fs.inotify.max_user_instances");
    let log = server.log();
    assert!(log.contains("polling every 500 ms"), "{log}");
    assert!(log.contains("sudo sysctl fs.inotify.max_user_instances="), "{log}");
    assert_eq!(log.matches("inotify limit").count(), 1, "one warning:\n{log}");

    site.write(FIRST_NOTE, &note("Første note", "Set ved afstemning."));
    server.wait_for_page("/noter/foerste/", "Set ved afstemning");
    // Polling compares modification times in whole seconds: a second save
    // within the same second (made certain here by giving it the first
    // save's time) must be seen all the same.
    let first_saved = fs::metadata(site.path(FIRST_NOTE)).and_then(|m| m.modified()).expect("modification time");
    site.write(FIRST_NOTE, &note("Første note", "Gemt igen i samme sekund."));
    let file = fs::File::options().write(true).open(site.path(FIRST_NOTE)).expect("open the note");
    file.set_modified(first_saved).expect("set the modification time");
    drop(file);
    server.wait_for_page("/noter/foerste/", "Gemt igen i samme sekund");
    site.write("content/noter/ny.md", &note("Ny note", "Oprettet."));
    server.wait_for_page("/noter/ny/", "Oprettet");

    // A deleted `content/` is one failed rebuild, not one per scan, and
    // pages written into it when it is back are seen.
    fs::remove_dir_all(site.path("content")).expect("rm -rf content");
    server.wait_for_log("the site has no `content/` folder");
    std::thread::sleep(3 * POLL_INTERVAL);
    let failed = server.log().matches("rebuild failed").count();
    assert_eq!(failed, 1, "{}", server.log());
    site.write("content/index.md", "---\ntitle: \"Forside\"\n---\nTilbage igen.\n");
    site.write("content/noter/igen.md", &note("Igen", "Skrevet i den nye mappe."));
    server.wait_for_page("/noter/igen/", "Skrevet i den nye mappe.");
    site.write("content/noter/igen.md", &note("Igen", "Og rettet bagefter."));
    server.wait_for_page("/noter/igen/", "Og rettet bagefter.");
    server.wait_for_status("/noter/foerste/", 404);
    let log = server.log();
    assert_eq!(log.matches("inotify limit").count(), 1, "still one warning:\n{log}");
    assert!(!log.contains("warning: file watcher"), "no watcher errors:\n{log}");
}
