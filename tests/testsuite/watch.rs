//! Watch mode under stress: the real `ledestjerne serve` on a small site in
//! a temporary folder, changed the way tools and editors change files
//! (bursts, `git checkout`, vim's saves, a replaced `content/` folder, a
//! rename during a rebuild, `build` writing its output), each test ending
//! with the final site served.
//!
//! Rebuilds are counted with [`Server::settle`]: a page written last is
//! rebuilt after every earlier change, so once it is served the count of
//! earlier rebuilds is final, without sleeping for late events.

use crate::support::live_server::{self, Events, FIRST_NOTE, Server, Site, free_port, note};
use notify::event::{AccessKind, EventKind};
use std::fs;
use std::io::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

#[test]
fn a_burst_of_1000_writes_is_a_few_rebuilds_of_the_final_site() {
    let site = Site::new();
    let mut server = Server::start(&site.root(), free_port());
    // 1,000 writes: 20 pages, each rewritten 50 times, as fast as possible.
    let start = Instant::now();
    for round in 0..50 {
        for page in 0..20 {
            site.write(&format!("content/noter/side-{page:02}.md"), &note(&format!("Side {page:02}"), &format!("Udgave {round}.")));
        }
    }
    let writing = start.elapsed();
    for page in 0..20 {
        server.wait_for_page(&format!("/noter/side-{page:02}/"), "Udgave 49.");
    }
    // A batch ends at the latest 500 ms after its first event, and the
    // events that come while its rebuild runs wait in the queue and make up
    // the next batch. So the burst is at most one rebuild per 500 ms of
    // writing, plus one for the events queued during the last rebuild.
    // Writing takes well under a second; 4 leaves room for a busy machine
    // pausing the writer between batches.
    let rebuilds = server.settle(&site);
    assert!((1..=4).contains(&rebuilds), "{rebuilds} rebuilds for 1,000 writes in {writing:?}:\n{}", server.log());
}

/// Runs `git` in `dir`, failing the test when it fails.
fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git").arg("-C").arg(dir).args(args).output().expect("run git");
    assert!(output.status.success(), "git {args:?} failed:\n{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn a_git_checkout_of_300_pages_is_a_few_rebuilds_not_hundreds() {
    let site = Site::new();
    let root = site.root();
    git(&root, &["init", "-q", "-b", "hoved"]);
    git(&root, &["config", "user.name", "Test"]);
    git(&root, &["config", "user.email", "test@example.com"]);
    let write_pages = |branch: &str| {
        for i in 0..300 {
            site.write(&format!("content/noter/side-{i:03}.md"), &note(&format!("Side {i:03}"), &format!("Fra grenen {branch}.")));
        }
    };
    write_pages("hoved");
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-q", "-m", "hoved"]);
    git(&root, &["checkout", "-q", "-b", "anden"]);
    write_pages("anden");
    git(&root, &["commit", "-q", "-a", "-m", "anden"]);
    git(&root, &["checkout", "-q", "hoved"]);

    let mut server = Server::start(&root, free_port());
    server.wait_for_page("/noter/side-000/", "Fra grenen hoved.");
    git(&root, &["checkout", "-q", "anden"]);
    for i in [0, 150, 299] {
        server.wait_for_page(&format!("/noter/side-{i:03}/"), "Fra grenen anden.");
    }
    let rebuilds = server.settle(&site);
    // One or two on an idle machine; a third when git's writes straddle the
    // quiet period on a busy one. Without coalescing it would be hundreds.
    assert!((1..=3).contains(&rebuilds), "{rebuilds} rebuilds for one checkout:\n{}", server.log());
    for i in 0..300 {
        let page = server.get(&format!("/noter/side-{i:03}/"));
        assert!(page.body.contains("Fra grenen anden."), "side-{i:03} is stale");
    }
}

/// Saves `rel` the way vim does with `backupcopy=no` (the default on Unix
/// for a file with one link): probe the folder with `4913`, move the file
/// to a backup `name~`, write a new file, delete the backup.
fn vim_save(site: &Site, rel: &str, text: &str) {
    let path = site.path(rel);
    let dir = path.parent().expect("folder");
    let name = path.file_name().and_then(|n| n.to_str()).expect("file name");
    let probe = dir.join("4913");
    fs::File::create_new(&probe).expect("create the probe");
    fs::remove_file(&probe).expect("delete the probe");
    let backup = dir.join(format!("{name}~"));
    fs::rename(&path, &backup).expect("move to the backup");
    let mut file = fs::File::create_new(&path).expect("create the new file");
    file.write_all(text.as_bytes()).expect("write");
    file.sync_all().expect("fsync");
    drop(file);
    fs::remove_file(&backup).expect("delete the backup");
}

/// Saves `rel` the way many other editors do: write a temp file beside it
/// and rename it over the original.
fn rename_over_save(site: &Site, rel: &str, text: &str) {
    let path = site.path(rel);
    let temp = path.with_extension("md.tmp");
    fs::write(&temp, text).expect("write the temp file");
    fs::rename(&temp, &path).expect("rename over the original");
}

/// Waits for the next reload and checks that the page already shows at
/// least the build the reload announces: reloads follow the new output.
fn assert_reload_follows_output(events: &mut Events, server: &Server, path: &str) {
    let announced = events.next_reload(|| server.log());
    let page = server.get(path);
    assert_eq!(page.status, 200, "{page:?}");
    assert!(page.version() >= announced, "reload for build {announced} sent while build {} was served", page.version());
}

#[test]
fn two_vim_saves_in_a_row_are_both_seen_and_reloads_follow_the_output() {
    let site = Site::new();
    let server = Server::start(&site.root(), free_port());
    let mut events = Events::connect(&server);
    let swap = site.path("content/noter/.foerste.md.swp");
    fs::write(&swap, "vim swap").expect("write the swap file");

    vim_save(&site, FIRST_NOTE, &note("Første note", "Første gemning."));
    assert_reload_follows_output(&mut events, &server, "/noter/foerste/");
    server.wait_for_page("/noter/foerste/", "Første gemning.");
    vim_save(&site, FIRST_NOTE, &note("Første note", "Anden gemning."));
    assert_reload_follows_output(&mut events, &server, "/noter/foerste/");
    server.wait_for_page("/noter/foerste/", "Anden gemning.");
    rename_over_save(&site, FIRST_NOTE, &note("Første note", "Tredje gemning."));
    server.wait_for_page("/noter/foerste/", "Tredje gemning.");

    fs::remove_file(&swap).expect("delete the swap file");
    let page = server.get("/noter/foerste/");
    assert!(page.body.contains("Tredje gemning.") && !page.body.contains("Anden gemning."), "{}", page.body);
    assert!(!server.log().contains("rebuild failed"), "no save was seen half done:\n{}", server.log());
}

/// Writes a fresh `content/` into `dir`: a front page and one note.
fn write_content(dir: &Path, front: &str, note_name: &str, note_text: &str) {
    fs::create_dir_all(dir.join("noter")).expect("create content/noter");
    fs::write(dir.join("index.md"), format!("---\ntitle: \"Forside\"\n---\n{front}\n")).expect("write index.md");
    fs::write(dir.join(format!("noter/{note_name}.md")), note("Ny note", note_text)).expect("write the note");
}

#[test]
fn a_deleted_and_recreated_content_folder_is_watched_again() {
    let site = Site::new();
    let mut server = Server::start(&site.root(), free_port());
    let content = site.path("content");

    // Gone: the build fails, the last good site stays, the server lives on.
    fs::remove_dir_all(&content).expect("rm -rf content");
    server.wait_for_log("the site has no `content/` folder");
    let page = server.get("/noter/foerste/");
    assert_eq!(page.status, 200, "the last good site is served");
    assert!(page.body.contains("Gammel tekst om æbler") && page.body.contains("no `content/` folder"), "{}", page.body);
    assert!(server.running(), "{}", server.log());

    // Back, with other pages: served, and edits inside are seen.
    write_content(&content, "Ny forside.", "ny", "Første udgave.");
    server.wait_for_page("/noter/ny/", "Første udgave.");
    server.wait_for_page("/", "Ny forside.");
    server.wait_for_status("/noter/foerste/", 404);
    site.write("content/noter/ny.md", &note("Ny note", "Redigeret i den nye mappe."));
    server.wait_for_page("/noter/ny/", "Redigeret i den nye mappe.");

    // Replaced in one step by renaming a prepared folder over it.
    let prepared = site.path("content-ny");
    write_content(&prepared, "Tredje forside.", "tredje", "Flyttet ind.");
    fs::rename(&content, site.path("content-gammel")).expect("move content away");
    fs::rename(&prepared, &content).expect("move the new content in");
    server.wait_for_page("/noter/tredje/", "Flyttet ind.");
    server.wait_for_status("/noter/ny/", 404);
    site.write("content/noter/tredje.md", &note("Ny note", "Redigeret efter flytningen."));
    server.wait_for_page("/noter/tredje/", "Redigeret efter flytningen.");
    site.write("content/noter/fjerde.md", &note("Fjerde note", "En ny fil i den flyttede mappe."));
    server.wait_for_page("/noter/fjerde/", "En ny fil i den flyttede mappe.");
    assert!(server.running(), "{}", server.log());
}

#[test]
fn a_page_renamed_during_a_rebuild_ends_up_at_its_new_address() {
    let site = Site::new();
    let server = Server::start(&site.root(), free_port());
    // Let the first search index build, which also reads the pages, finish.
    server.wait_for_log("search index updated");

    // Learn when a build opens the page, to rename it right then.
    let page = site.path("content/noter/anden.md");
    let watching = server.watch(&site.path("content/noter"));

    for i in 0..200 {
        site.write(&format!("content/noter/ny-{i:03}.md"), &note(&format!("Ny note {i:03}"), "Tekst."));
    }
    let deadline = Instant::now() + live_server::WAIT;
    loop {
        let left = deadline.checked_duration_since(Instant::now()).expect("no build read anden.md");
        match watching.events.recv_timeout(left) {
            Ok(Ok(event)) if matches!(event.kind, EventKind::Access(AccessKind::Open(_))) && event.paths.contains(&page) => break,
            Ok(_) => {}
            Err(e) => panic!("no build read anden.md ({e}); log:\n{}", server.log()),
        }
    }
    fs::rename(&page, site.path("content/noter/omdoebt.md")).expect("rename during the build");
    drop(watching);

    server.wait_for_page("/noter/omdoebt/", "Anden note");
    server.wait_for_status("/noter/anden/", 404);
    server.wait_for_page("/noter/ny-199/", "Ny note 199");
    let front = server.get("/noter/");
    assert!(front.body.contains("\"omdoebt/\"") && !front.body.contains("\"anden/\""), "the list links the new address");
}

#[test]
fn running_build_into_the_output_folder_does_not_rebuild() {
    let site = Site::new();
    let mut server = Server::start(&site.root(), free_port());
    // `build` writes a temp folder beside `public/` and swaps it in by renaming.
    for _ in 0..2 {
        let output = Command::new(env!("CARGO_BIN_EXE_ledestjerne"))
            .args(["--root".as_ref(), site.root().as_os_str()])
            .arg("build")
            .output()
            .expect("run ledestjerne build");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    }
    assert!(site.path("public/index.html").is_file());
    let rebuilds = server.settle(&site);
    assert_eq!(rebuilds, 0, "{}", server.log());
}
