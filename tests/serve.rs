//! `ledestjerne serve` end to end: the real binary serving a small site in a
//! temporary folder, edited the way an editor would while pages listen for
//! rebuilds on the events stream.
//!
//! Requests go over plain TCP so that paths reach the server exactly as
//! written (an HTTP client library would normalise `/../` away).

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_ledestjerne");
const REPO: &str = env!("CARGO_MANIFEST_DIR");
/// Generous: tests run a debug build, several at once, on two cores.
const WAIT: Duration = Duration::from_secs(60);
/// In `site.yaml` only; no response may ever contain it.
const SECRET: &str = "SECRET-7f3a9c-not-for-the-web";

fn site_yaml() -> String {
    format!(
        r#"# {SECRET}
title: "Testsite"
description: "Et lille site til serve-tests."
base_url: "/"
language: da
theme: default

kinds:
  page:
    folder: ""
    fields:
      title: {{ type: string, required: true }}
      summary: {{ type: text }}
  note:
    folder: noter
    label: Note
    plural: Noter
    sort: title
    fields:
      title: {{ type: string, required: true }}
      tags: {{ type: list, of: {{ type: string }} }}
"#
    )
}

const FIRST_NOTE: &str = "content/noter/foerste.md";

fn note(title: &str, extra_field: &str, body: &str) -> String {
    format!("---\ntitle: \"{title}\"\n{extra_field}---\n{body}\n")
}

/// A small site in a temporary folder, with the repository's default theme.
struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    fn new() -> Self {
        let site = Site { dir: tempfile::tempdir().expect("temp dir") };
        copy_dir(&Path::new(REPO).join("themes/default"), &site.root().join("themes/default"));
        site.write("site.yaml", &site_yaml());
        site.write("content/index.md", "---\ntitle: \"Forside\"\n---\nVelkommen til testsitet.\n");
        site.write(FIRST_NOTE, &note("Første note", "", "Gammel tekst om æbler."));
        site.write("content/noter/anden.md", &note("Anden note", "", "Mere tekst."));
        site
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.root().join(rel);
        fs::create_dir_all(path.parent().expect("parent")).expect("create folder");
        fs::write(path, text).expect("write file");
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create folder");
    for entry in fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// A free port on loopback (free when this returns, at least).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// Polls `check` until it holds or `WAIT` passes.
fn wait_until(what: &str, log: impl Fn() -> String, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < WAIT, "timed out waiting for {what}; server log:\n{}", log());
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The server process; killed when the test ends, however it ends.
struct Server {
    child: Child,
    port: u16,
    log: Arc<Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(root: &Path, port: u16) -> Server {
        let mut child = Command::new(BIN)
            .args(["--root".as_ref(), root.as_os_str()])
            .args(["serve", "--port", &port.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start ledestjerne serve");
        let log = Arc::new(Mutex::new(String::new()));
        let (ports, port_found) = mpsc::channel();
        let stdout = child.stdout.take().expect("stdout");
        let stderr = child.stderr.take().expect("stderr");
        let mut server = Server { child, port: 0, log: log.clone() };
        collect_lines(stdout, log.clone(), Some(ports));
        collect_lines(stderr, log, None);
        server.port = port_found.recv_timeout(WAIT).unwrap_or_else(|_| panic!("the server did not start; log:\n{}", server.log()));
        server
    }

    fn log(&self) -> String {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    fn get(&self, path: &str) -> Response {
        get(self.port, path)
    }

    fn wait_for_page(&self, path: &str, text: &str) -> Response {
        let mut last = None;
        wait_until(
            &format!("`{text}` on {path}"),
            || self.log(),
            || {
                let response = self.get(path);
                let found = response.body.contains(text);
                last = Some(response);
                found
            },
        );
        last.expect("a response")
    }
}

/// Appends the lines of `stream` to `log`; reports the port of the `serving` line.
fn collect_lines(stream: impl Read + Send + 'static, log: Arc<Mutex<String>>, ports: Option<mpsc::Sender<u16>>) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if let (Some(ports), Some(rest)) = (&ports, line.strip_prefix("serving http://127.0.0.1:")) {
                let _ = ports.send(rest.trim_end_matches('/').parse().expect("port number"));
            }
            if let Ok(mut log) = log.lock() {
                log.push_str(&line);
                log.push('\n');
            }
        }
    });
}

#[derive(Debug)]
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> &str {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map_or("", |(_, v)| v.as_str())
    }
}

/// `GET path` sent byte for byte as given.
fn get(port: u16, path: &str) -> Response {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_read_timeout(Some(WAIT)).expect("timeout");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n").expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read response");
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> Response {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("end of headers");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).expect("status");
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_string(), v.trim().to_string())).collect();
    let mut body = raw[split + 4..].to_vec();
    if headers.iter().any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked")) {
        body = dechunk(&body);
    }
    Response { status, headers, body: String::from_utf8_lossy(&body).into_owned() }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&data[..end]).trim(), 16).unwrap_or(0);
        if size == 0 || data.len() < end + 2 + size {
            break;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[(end + 4 + size).min(data.len())..];
    }
    out
}

/// A page's view of the server: the live-reload event stream.
struct Events {
    received: mpsc::Receiver<String>,
    text: String,
    /// Where the next search starts: events are awaited in order.
    cursor: usize,
}

impl Events {
    fn connect(port: u16) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        write!(stream, "GET /__ledestjerne/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n").expect("send");
        let (sender, received) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 || sender.send(String::from_utf8_lossy(&buf[..n]).into_owned()).is_err() {
                    break;
                }
            }
        });
        Events { received, text: String::new(), cursor: 0 }
    }

    /// Waits for `needle` after the previous match; returns the text up to the end of the stream so far.
    fn wait_for(&mut self, needle: &str, log: impl Fn() -> String) -> String {
        let start = Instant::now();
        loop {
            if let Some(at) = self.text[self.cursor..].find(needle) {
                let from = self.cursor;
                self.cursor += at + needle.len();
                return self.text[from..].to_string();
            }
            let left = WAIT.checked_sub(start.elapsed()).unwrap_or_default();
            match self.received.recv_timeout(left.min(Duration::from_millis(200))) {
                Ok(chunk) => self.text.push_str(&chunk),
                Err(mpsc::RecvTimeoutError::Timeout) if !left.is_zero() => {}
                Err(_) => panic!("no `{needle}` on the events stream; got:\n{}\nserver log:\n{}", self.text, log()),
            }
        }
    }
}

#[test]
fn serves_pages_folders_files_and_404() {
    let site = Site::new();
    let server = Server::start(site.root(), free_port());

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
    let site = Site::new();
    let server = Server::start(site.root(), free_port());
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
    let site = Site::new();
    let server = Server::start(site.root(), free_port());
    let log = || server.log();
    let mut events = Events::connect(server.port);
    events.wait_for("event: hello", log);

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
    let site = Site::new();
    site.write(FIRST_NOTE, &note("Første note", "farve: rød\n", "Tekst med fejl."));
    let server = Server::start(site.root(), free_port());

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
    let site = Site::new();
    assert!(fs::read_to_string(site.root().join("site.yaml")).expect("site.yaml").contains(SECRET));
    let server = Server::start(site.root(), free_port());
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
    let site = Site::new();
    let busy = TcpListener::bind("127.0.0.1:0").expect("bind");
    let taken = busy.local_addr().expect("addr").port();
    let server = Server::start(site.root(), taken);
    assert!(server.port > taken, "port {} was taken, server chose {}", taken, server.port);
    assert!(server.log().contains(&format!("port {taken} is in use")), "{}", server.log());
    assert_eq!(server.get("/").status, 200);
    drop(busy);
}

#[test]
fn a_burst_of_writes_is_one_or_two_rebuilds() {
    let site = Site::new();
    let server = Server::start(site.root(), free_port());
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
    let site = Site::new();
    let server = Server::start(site.root(), free_port());
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
