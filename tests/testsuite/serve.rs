//! `ledestjerne serve` end to end: the real binary serving a small site in a
//! temporary folder, edited the way an editor would while pages listen for
//! rebuilds on the events stream.
//!
//! Requests go over plain TCP so that paths reach the server exactly as
//! written (an HTTP client library would normalise `/../` away).

use crate::support::REPO;
use crate::support::live_server::{Events, FIRST_NOTE, SITE_YAML, Server, Site, free_port, get, get_as, wait_until};
use std::fs;
use std::net::TcpListener;
use std::path::Path;
use std::time::Duration;

/// In `site.yaml` only; no response may ever contain it.
const SECRET: &str = "SECRET-7f3a9c-not-for-the-web";

/// The test site, with a secret in its `site.yaml`.
fn site() -> Site {
    Site::with_config(&format!("# {SECRET}\n{SITE_YAML}"))
}

/// A note page's Markdown, with `extra_field` lines in its front matter.
fn note(title: &str, extra_field: &str, body: &str) -> String {
    format!("---\ntitle: \"{title}\"\n{extra_field}---\n{body}\n")
}

/// A page on another site whose name resolves to 127.0.0.1 (DNS rebinding)
/// gets nothing: not the pages, not the script, not the error stream.
#[test]
fn requests_for_other_host_names_are_refused() {
    let site = site();
    let server = Server::start(&site.root(), free_port());
    server.wait_for_page("/noter/foerste/", "Første note");
    let port = server.port;
    for path in ["/noter/foerste/", "/__ledestjerne/live.js", "/__ledestjerne/events", "/site.yaml"] {
        let refused = get_as(port, path, &format!("attacker.example:{port}"));
        assert_eq!(refused.status, 403, "{path}: {refused:?}");
        assert!(!refused.body.contains("Første note") && !refused.body.contains(SECRET), "{path}: {}", refused.body);
    }
    for host in [format!("localhost:{port}"), format!("[::1]:{port}"), format!("127.0.0.1:{port}")] {
        assert_eq!(get_as(port, "/noter/foerste/", &host).status, 200, "{host}");
    }
}

#[test]
fn serves_pages_folders_files_and_404() {
    let site = site();
    let server = Server::start(&site.root(), free_port());

    let page = server.get("/noter/foerste/");
    assert_eq!(page.status, 200, "{page:?}");
    assert!(page.header("content-type").starts_with("text/html"), "{page:?}");
    assert!(page.body.contains("Første note") && page.body.contains("Gammel tekst om æbler"), "{}", page.body);
    assert!(page.body.contains(r#"<script src="/__ledestjerne/live.js""#), "live reload is injected");

    let front = server.get("/");
    assert_eq!(front.status, 200);
    assert!(front.body.contains("Velkommen til testsitet"));

    let redirect = server.get("/noter/foerste?x=1");
    assert_eq!(redirect.status, 307, "{redirect:?}");
    assert_eq!(redirect.header("location"), "/noter/foerste/?x=1");

    let missing = server.get("/findes/ikke/");
    assert_eq!(missing.status, 404);
    assert!(missing.header("content-type").starts_with("text/html"));
    let not_found_page = fs::read_to_string(Path::new(REPO).join("themes/default/templates/404.html")).expect("404 template");
    assert!(not_found_page.contains("not_found_title"), "the theme's 404 page is what is served");
    assert!(missing.body.contains("ledestjerne-errors"), "the 404 page also gets live reload");

    let sitemap = server.get("/sitemap.xml");
    assert_eq!(sitemap.status, 200);
    assert!(sitemap.header("content-type").starts_with("application/xml"));
    assert!(!sitemap.body.contains("ledestjerne-errors"), "only HTML is changed");

    let script = server.get("/__ledestjerne/live.js");
    assert_eq!(script.status, 200);
    assert!(script.header("content-type").starts_with("text/javascript"));
    assert!(script.body.contains("EventSource"));
}

#[test]
fn the_search_index_follows_the_pages() {
    let site = site();
    let server = Server::start(&site.root(), free_port());
    let mut script = None;
    wait_until(
        "the search index",
        || server.log(),
        || {
            let response = server.get("/pagefind/pagefind.js");
            let ready = response.status == 200;
            script = Some(response);
            ready
        },
    );
    let script = script.expect("a response");
    assert!(script.header("content-type").starts_with("text/javascript"), "{script:?}");
    let entry = server.get("/pagefind/pagefind-entry.json");
    assert_eq!(entry.status, 200);
    assert_eq!(entry.header("content-type"), "application/json");
}

#[test]
fn edits_rebuild_reload_show_errors_and_recover() {
    let site = site();
    let server = Server::start(&site.root(), free_port());
    let log = || server.log();
    let mut events = Events::connect(&server);

    // An edit: the page changes and open pages are told to reload.
    site.write(FIRST_NOTE, &note("Første note", "", "Ny tekst om pærer."));
    server.wait_for_page("/noter/foerste/", "Ny tekst om pærer");
    events.wait_for("event: reload", log);
    assert!(server.log().contains("rebuilt in "), "{}", server.log());

    // A mistake: the last good page stays, the errors go to the pages.
    site.write(FIRST_NOTE, &note("Første note", "farve: rød\n", "Tekst med fejl."));
    let stream = events.wait_for("event: errors", log);
    let errors = events.wait_for(FIRST_NOTE, log);
    assert!(!stream.contains("event: reload"), "no reload for a failed build: {stream}");
    assert!(errors.contains("farve"), "{errors}");
    let page = server.get("/noter/foerste/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Ny tekst om pærer") && !page.body.contains("Tekst med fejl"), "{}", page.body);
    let data = errors_json(&page.body);
    assert!(data.contains(FIRST_NOTE) && data.contains("farve"), "{data}");
    assert!(server.log().contains("farve"), "the terminal shows the diagnostics:\n{}", server.log());

    // Fixed: new content, a reload, no errors left.
    site.write(FIRST_NOTE, &note("Første note", "", "Rettet tekst."));
    let page = server.wait_for_page("/noter/foerste/", "Rettet tekst");
    events.wait_for("event: reload", log);
    assert_eq!(errors_json(&page.body), "[]");
}

/// The contents of the page's `<script id="ledestjerne-errors">`.
fn errors_json(html: &str) -> String {
    let open = r#"<script type="application/json" id="ledestjerne-errors">"#;
    let start = html.find(open).map(|i| i + open.len()).expect("errors script");
    let len = html[start..].find("</script>").expect("end of errors script");
    html[start..start + len].to_string()
}

#[test]
fn a_site_broken_at_startup_is_served_as_errors_until_fixed() {
    let site = site();
    site.write(FIRST_NOTE, &note("Første note", "farve: rød\n", "Tekst med fejl."));
    let server = Server::start(&site.root(), free_port());

    let page = server.get("/noter/foerste/");
    assert_eq!(page.status, 503, "{page:?}");
    assert!(errors_json(&page.body).contains(FIRST_NOTE), "{}", page.body);
    assert!(page.body.contains("/__ledestjerne/live.js"));

    site.write(FIRST_NOTE, &note("Første note", "", "Nu virker det."));
    let page = server.wait_for_page("/noter/foerste/", "Nu virker det");
    assert_eq!(page.status, 200);
    assert_eq!(errors_json(&page.body), "[]");
}

#[test]
fn paths_never_leave_the_site() {
    let site = site();
    assert!(fs::read_to_string(site.root().join("site.yaml")).expect("site.yaml").contains(SECRET));
    let server = Server::start(&site.root(), free_port());
    for path in [
        "/../site.yaml",
        "/%2e%2e/site.yaml",
        "/%2E%2E/site.yaml",
        "/..%2fsite.yaml",
        "/noter/..%2f..%2fsite.yaml",
        "/a/..\\..\\site.yaml",
        "/a/%5c..%5c..%5csite.yaml",
        "/noter/../../site.yaml",
        "/site.yaml",
        "//site.yaml",
        "/%2fsite.yaml",
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    ] {
        let response = get(server.port, path);
        assert!(matches!(response.status, 400 | 404), "{path}: {}", response.status);
        assert!(!response.body.contains(SECRET), "{path} leaked site.yaml");
        assert!(!response.body.contains("root:x:"), "{path} leaked /etc/passwd");
    }
}

#[test]
fn a_busy_port_moves_the_server_to_the_next_one() {
    let site = site();
    let busy = TcpListener::bind("127.0.0.1:0").expect("bind");
    let taken = busy.local_addr().expect("addr").port();
    let server = Server::start(&site.root(), taken);
    assert!(server.port > taken, "port {} was taken, server chose {}", taken, server.port);
    assert!(server.log().contains(&format!("port {taken} is in use")), "{}", server.log());
    assert_eq!(server.get("/").status, 200);
    drop(busy);
}

#[test]
fn a_burst_of_writes_is_one_or_two_rebuilds() {
    let site = site();
    let server = Server::start(&site.root(), free_port());
    // Like a `git checkout`: many files rewritten in a moment.
    for i in 0..60 {
        site.write(&format!("content/noter/ny-{i:02}.md"), &note(&format!("Ny note {i:02}"), "", "Tekst."));
    }
    site.write(FIRST_NOTE, &note("Første note", "", "Efter checkout."));
    server.wait_for_page("/noter/ny-59/", "Ny note 59");
    server.wait_for_page("/noter/foerste/", "Efter checkout");
    // Late events would show up as more rebuilds within this time.
    std::thread::sleep(Duration::from_millis(1500));
    let rebuilds = server.log().matches("rebuilt in ").count();
    assert!((1..=2).contains(&rebuilds), "{rebuilds} rebuilds:\n{}", server.log());
}

#[test]
fn editor_temp_files_do_not_rebuild() {
    let site = site();
    let server = Server::start(&site.root(), free_port());
    site.write("content/noter/.foerste.md.swp", "swap");
    site.write("content/noter/4913", "");
    site.write("content/noter/foerste.md~", "backup");
    site.write("public/index.html", "not a source");
    // A real change after them, so the test knows the watcher has seen everything.
    site.write("content/noter/anden.md", &note("Anden note", "", "Ændret."));
    server.wait_for_page("/noter/anden/", "Ændret");
    std::thread::sleep(Duration::from_millis(500));
    let rebuilds = server.log().matches("rebuilt in ").count();
    assert_eq!(rebuilds, 1, "{}", server.log());
    assert!(server.log().contains("(content/noter/anden.md)"), "{}", server.log());
}

/// Sends `request` as raw bytes; returns whatever came back (maybe nothing).
fn send_raw(port: u16, request: &[u8]) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    // The server may close the connection before reading everything: that is a fine answer.
    let _ = stream.write_all(request);
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

#[test]
fn huge_and_malformed_requests_leave_the_server_up() {
    let site = site();
    let server = Server::start(&site.root(), free_port());
    let long_path = format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(1 << 20));
    let many_headers = format!("GET / HTTP/1.1\r\nHost: x\r\n{}\r\n", "X-Fyld: 1\r\n".repeat(20_000));
    let huge_header = format!("GET / HTTP/1.1\r\nHost: x\r\nX-Stor: {}\r\n\r\n", "b".repeat(1 << 20));
    let requests: Vec<Vec<u8>> = vec![
        long_path.into_bytes(),
        many_headers.into_bytes(),
        huge_header.into_bytes(),
        b"GARBAGE\r\n\r\n".to_vec(),
        b"\x00\xff\xfe\xfd not http at all\r\n\r\n".to_vec(),
        b"GET /%ff%fe%zz HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
        b"GET /noter/foerste/ HTTP/9.9\r\nHost: x\r\n\r\n".to_vec(),
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\nabc".to_vec(),
        b"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".to_vec(),
    ];
    for request in &requests {
        let answer = send_raw(server.port, request);
        assert!(!answer.contains(SECRET), "a malformed request leaked site.yaml");
        assert!(!answer.starts_with("HTTP/1.1 200") || request.starts_with(b"GET / "), "{}", &answer[..answer.len().min(200)]);
        // After each one, ordinary requests are still answered.
        let page = server.get("/noter/foerste/");
        assert_eq!(page.status, 200, "after {:?}", String::from_utf8_lossy(&request[..request.len().min(60)]));
    }
    // Many connections at once that never send anything do not block others.
    let idle: Vec<std::net::TcpStream> =
        (0..200).map(|_| std::net::TcpStream::connect(("127.0.0.1", server.port)).expect("connect")).collect();
    assert_eq!(server.get("/noter/foerste/").status, 200, "idle connections block the server");
    drop(idle);
    assert!(server.log().contains("serving http://"), "{}", server.log());
}

/// `serve` shows drafts, marked as such, and a page may link to one there:
/// the link breaks only in `build`, which leaves drafts out.
#[test]
fn serve_shows_drafts_with_a_marker() {
    let site = site();
    site.write("content/noter/kladde.md", &note("Halvfærdig note", "draft: true\n", "Ikke klar."));
    site.write("content/noter/anden.md", &note("Anden note", "", "Se [[kladde]]."));
    let server = Server::start(&site.root(), free_port());
    let draft = server.wait_for_page("/noter/kladde/", "Halvfærdig note");
    assert!(draft.body.contains(r#"<p class="draft-marker">Kladde</p>"#), "{}", draft.body);
    let listing = server.get("/noter/");
    assert!(listing.body.contains(r#"Halvfærdig note</a> <span class="draft-marker">Kladde</span>"#), "{}", listing.body);
    assert!(!server.get("/noter/foerste/").body.contains("draft-marker"));
}
