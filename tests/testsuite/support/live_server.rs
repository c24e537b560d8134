//! Helpers for the `serve` and watch-mode tests: the real `ledestjerne serve`
//! on a small site in a temporary folder, plain-TCP requests (sent byte for
//! byte, so paths reach the server exactly as written), the live-reload
//! event stream, and counting the rebuilds in the server's log.
//!
//! # Sharing the user's inotify instances
//!
//! A user may hold only so many inotify instances at once
//! (`fs.inotify.max_user_instances`), and one test uses them all up on
//! purpose (`watch_limit`). The tests run in parallel threads of one
//! process, so every other watcher started meanwhile would be refused one.
//! [`INOTIFY`] orders them: every [`Server`] holds a shared claim on it for
//! as long as it runs, taken where the server is started, so no test can
//! forget it; a test's own watcher ([`Server::watch`]) borrows a running
//! server and so its claim. The test that uses the instances up holds the
//! exclusive claim ([`ExclusiveInotify`]) until its own server has started
//! watching.

use super::{BIN, REPO, copy_dir};
use notify::{RecommendedWatcher, RecursiveMode, Watcher as _};
use std::cell::RefCell;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::marker::PhantomData;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex, PoisonError, mpsc};
use std::time::{Duration, Instant};

/// Longest wait for a page or a log line: the machines that run the tests
/// may be slow and busy.
pub const WAIT: Duration = Duration::from_secs(60);

/// The `site.yaml` of [`Site::new`], shared with the live-reload browser test.
pub const SITE_YAML: &str = include_str!("live_site.yaml");

/// The note every site starts with.
pub const FIRST_NOTE: &str = "content/noter/foerste.md";

/// A note page's Markdown.
pub fn note(title: &str, body: &str) -> String {
    format!("---\ntitle: \"{title}\"\n---\n{body}\n")
}

/// A small site in a temporary folder, with the repository's default theme.
pub struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    /// A front page and two notes.
    pub fn new() -> Self {
        Site::with_config(SITE_YAML)
    }

    /// A front page and two notes, with `site_yaml` as the configuration.
    pub fn with_config(site_yaml: &str) -> Self {
        let site = Site { dir: tempfile::tempdir().expect("temp dir") };
        copy_dir(&Path::new(REPO).join("themes/default"), &site.root().join("themes/default"));
        site.write("site.yaml", site_yaml);
        site.write("content/index.md", "---\ntitle: \"Forside\"\n---\nVelkommen til testsitet.\n");
        site.write(FIRST_NOTE, &note("Første note", "Gammel tekst om æbler."));
        site.write("content/noter/anden.md", &note("Anden note", "Mere tekst."));
        site
    }

    /// The site folder, as the server sees it (symbolic links resolved).
    pub fn root(&self) -> PathBuf {
        fs::canonicalize(self.dir.path()).expect("site folder")
    }

    /// `root/rel`.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// Writes `text` to `rel`, creating folders as needed.
    pub fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().expect("parent")).expect("create folder");
        fs::write(path, text).expect("write file");
    }
}

/// A free port on loopback (free when this returns, at least).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// Polls `check` until it holds or `WAIT` passes.
pub fn wait_until(what: &str, log: impl Fn() -> String, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < WAIT, "timed out waiting for {what}; server log:\n{}", log());
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// This process's claims on the user's inotify instances (see the module
/// documentation): shared by the servers, exclusive while a test uses the
/// instances up.
///
/// Unlike `std::sync::RwLock`, which on Linux makes new readers wait while a
/// writer waits, a shared claim waits only while the exclusive claim is
/// held, so a test may run two servers at once without waiting for itself.
static INOTIFY: Claims = Claims { state: Mutex::new(ClaimState { shared: 0, exclusive: false }), changed: Condvar::new() };

/// Claims on a resource: any number shared, or one exclusive.
struct Claims {
    state: Mutex<ClaimState>,
    /// Signalled whenever a claim is let go of.
    changed: Condvar,
}

struct ClaimState {
    /// How many shared claims are held.
    shared: usize,
    /// Whether the exclusive claim is held.
    exclusive: bool,
}

impl Claims {
    /// Waits until the claim can be had, and takes it.
    fn claim(&self, exclusive: bool) -> InotifyClaim {
        // The lock is never held across a panic, but a poisoned state is still right.
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let mut state =
            self.changed.wait_while(state, |s| s.exclusive || (exclusive && s.shared > 0)).unwrap_or_else(PoisonError::into_inner);
        if exclusive {
            state.exclusive = true;
        } else {
            state.shared += 1;
        }
        InotifyClaim { exclusive }
    }

    /// Applies `change` to the state and wakes those waiting for a claim.
    fn update(&self, change: impl FnOnce(&mut ClaimState)) {
        change(&mut self.state.lock().unwrap_or_else(PoisonError::into_inner));
        self.changed.notify_all();
    }
}

/// A claim on [`INOTIFY`], held by a [`Server`]; let go of when dropped,
/// also when the test fails.
struct InotifyClaim {
    exclusive: bool,
}

impl InotifyClaim {
    /// A shared claim; waits while a test holds the exclusive one.
    fn shared() -> InotifyClaim {
        INOTIFY.claim(false)
    }

    /// Makes an exclusive claim shared, in one step.
    fn share(&mut self) {
        if self.exclusive {
            self.exclusive = false;
            INOTIFY.update(|s| {
                s.exclusive = false;
                s.shared += 1;
            });
        }
    }
}

impl Drop for InotifyClaim {
    fn drop(&mut self) {
        let exclusive = self.exclusive;
        INOTIFY.update(|s| if exclusive { s.exclusive = false } else { s.shared -= 1 });
    }
}

/// The exclusive claim on the user's inotify instances: while it is held,
/// no server started by another test runs, and none starts.
pub struct ExclusiveInotify(InotifyClaim);

impl ExclusiveInotify {
    /// Waits until the servers of other tests have stopped, and takes the claim.
    pub fn wait() -> ExclusiveInotify {
        ExclusiveInotify(INOTIFY.claim(true))
    }
}

/// The server process; killed when the test ends, however it ends.
pub struct Server {
    child: Child,
    /// The port it serves on.
    pub port: u16,
    log: Arc<Mutex<String>>,
    /// Marker pages written so far by [`Server::settle`].
    settled: usize,
    /// Let go of after the process is gone (fields drop after [`Drop::drop`]).
    inotify: InotifyClaim,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `serve` on `root` and waits until it serves.
    pub fn start(root: &Path, port: u16) -> Server {
        Server::spawn(root, port, InotifyClaim::shared())
    }

    /// Starts `serve` on `root` while the test holds the exclusive claim on
    /// inotify, and waits until it serves; the server keeps the claim until
    /// [`Server::share_inotify`].
    pub fn start_exclusive(root: &Path, port: u16, claim: ExclusiveInotify) -> Server {
        Server::spawn(root, port, claim.0)
    }

    /// Trades the exclusive claim on inotify for a shared one, so other
    /// tests may start servers again.
    pub fn share_inotify(&mut self) {
        self.inotify.share();
    }

    /// A watcher of the test's own on the folder `dir` (not its
    /// subfolders). It borrows the server, whose claim on inotify covers it.
    pub fn watch(&self, dir: &Path) -> Watching<'_> {
        let (sender, events) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(sender).expect("a watcher for the test");
        watcher.watch(dir, RecursiveMode::NonRecursive).unwrap_or_else(|e| panic!("watch {}: {e}", dir.display()));
        Watching { events, _watcher: watcher, _server: PhantomData }
    }

    fn spawn(root: &Path, port: u16, claim: InotifyClaim) -> Server {
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
        let mut server = Server { child, port: 0, log: log.clone(), settled: 0, inotify: claim };
        collect_lines(stdout, log.clone(), Some(ports));
        collect_lines(stderr, log, None);
        server.port = port_found.recv_timeout(WAIT).unwrap_or_else(|_| panic!("the server did not start; log:\n{}", server.log()));
        server
    }

    /// Everything the server printed so far.
    pub fn log(&self) -> String {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// How many rebuilds, good or failed, the log reports (the first build
    /// at startup is not one).
    pub fn rebuilds(&self) -> usize {
        self.log().lines().filter(|l| l.starts_with("rebuilt in ") || l.contains("rebuild failed")).count()
    }

    /// Whether the process is still running.
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// `GET path`.
    pub fn get(&self, path: &str) -> Response {
        get(self.port, path)
    }

    /// Polls `path` until its body contains `text`.
    pub fn wait_for_page(&self, path: &str, text: &str) -> Response {
        self.wait_for(path, &format!("`{text}`"), |r| r.status == 200 && r.body.contains(text))
    }

    /// Polls `path` until it answers `status`.
    pub fn wait_for_status(&self, path: &str, status: u16) -> Response {
        self.wait_for(path, &format!("status {status}"), |r| r.status == status)
    }

    fn wait_for(&self, path: &str, what: &str, done: impl Fn(&Response) -> bool) -> Response {
        let last = RefCell::new(None);
        wait_until(
            &format!("{what} on {path}"),
            || format!("{}\nlast response: {:?}", self.log(), last.borrow()),
            || {
                let response = self.get(path);
                let found = done(&response);
                last.replace(Some(response));
                found
            },
        );
        last.into_inner().expect("a response")
    }

    /// Polls the log until it contains `text`.
    pub fn wait_for_log(&self, text: &str) {
        wait_until(&format!("`{text}` in the log"), || self.log(), || self.log().contains(text));
    }

    /// Waits until every change made so far has been rebuilt, and returns
    /// how many rebuilds there were before that.
    ///
    /// The watcher handles events in order, so once a page written now is
    /// served, every earlier change has been seen; its own rebuild (which
    /// may include late events of earlier changes) is not counted.
    pub fn settle(&mut self, site: &Site) -> usize {
        self.settled += 1;
        let text = format!("Markør nummer {}", self.settled);
        site.write("content/noter/markoer.md", &note("Markør", &text));
        self.wait_for_page("/noter/markoer/", &text);
        self.rebuilds() - 1
    }
}

/// A test's own watcher on a folder, while a [`Server`] runs.
pub struct Watching<'a> {
    /// What the watcher reports.
    pub events: mpsc::Receiver<notify::Result<notify::Event>>,
    _watcher: RecommendedWatcher,
    _server: PhantomData<&'a Server>,
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

/// An HTTP response.
#[derive(Debug)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The headers, in order.
    pub headers: Vec<(String, String)>,
    /// The body, as text.
    pub body: String,
}

impl Response {
    /// The value of header `name` (any case), or `""`.
    pub fn header(&self, name: &str) -> &str {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map_or("", |(_, v)| v.as_str())
    }

    /// The build version the page was served from (`data-version`), as
    /// its sequence number.
    pub fn version(&self) -> u64 {
        let start = self.body.find("data-version=\"").expect("live-reload script") + "data-version=\"".len();
        let end = start + self.body[start..].find('"').expect("end of version");
        sequence_number(&self.body[start..end])
    }
}

/// The sequence number of a build version (`<instance>-<n>`).
pub fn sequence_number(version: &str) -> u64 {
    version.rsplit_once('-').and_then(|(_, n)| n.parse().ok()).unwrap_or_else(|| panic!("bad version `{version}`"))
}

/// `GET path` over plain TCP.
pub fn get(port: u16, path: &str) -> Response {
    get_as(port, path, &format!("127.0.0.1:{port}"))
}

/// `GET path` over plain TCP, with `host` in the `Host` header.
pub fn get_as(port: u16, path: &str, host: &str) -> Response {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_read_timeout(Some(WAIT)).expect("timeout");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").expect("send");
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
pub struct Events {
    received: mpsc::Receiver<String>,
    text: String,
    /// Where the next search starts: events are awaited in order.
    cursor: usize,
}

impl Events {
    /// Opens the event stream and waits for its greeting.
    pub fn connect(server: &Server) -> Events {
        let port = server.port;
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
        let mut events = Events { received, text: String::new(), cursor: 0 };
        events.wait_for("event: hello", || server.log());
        events
    }

    /// Waits for `needle` after the previous match; returns the text from
    /// the previous match up to the end of the stream so far.
    pub fn wait_for(&mut self, needle: &str, log: impl Fn() -> String) -> String {
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

    /// Waits for the next reload and returns the sequence number of the
    /// build it announces.
    pub fn next_reload(&mut self, log: impl Fn() -> String) -> u64 {
        self.wait_for("event: reload\ndata: ", &log);
        let rest = self.wait_for("\n", &log);
        let data = rest.split('\n').next().expect("a data line");
        // `{"version":"<instance>-<n>","changed":[…]}`
        let event: serde_json::Value = serde_json::from_str(data.trim()).unwrap_or_else(|e| panic!("bad reload event `{data}`: {e}"));
        sequence_number(event["version"].as_str().unwrap_or_else(|| panic!("no version in `{data}`")))
    }
}
