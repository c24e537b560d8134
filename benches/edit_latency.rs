//! How long an editor waits: from saving a page to `serve` answering with the new HTML.
//!
//! ```text
//! cargo bench --bench edit_latency                               # the bundled course
//! LEDESTJERNE_BENCH_PAGES=10000 cargo bench --bench edit_latency  # a synthetic site
//! LEDESTJERNE_BENCH_ROUNDS=40 cargo bench --bench edit_latency    # more saves (default 20)
//! ```
//!
//! The site (the course, or a synthetic site generated like
//! `cargo run --example synth`) is copied to a temporary folder and served
//! by the real `ledestjerne serve`. Once the first search index is built, a
//! case is saved again and again with a new sentence in its body; each time
//! the clock runs from just before the write until a `GET` of the case's
//! URL returns HTML with the sentence. Saves are a second apart, like an
//! editor's, and the search index that each save sets off is rebuilt in the
//! background meanwhile, as in real use.

#[path = "../examples/synth/sitegen.rs"]
mod sitegen;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use std::{env, fs, thread};

const REPO: &str = env!("CARGO_MANIFEST_DIR");
const BIN: &str = env!("CARGO_BIN_EXE_ledestjerne");

fn main() {
    let pages: usize = env::var("LEDESTJERNE_BENCH_PAGES").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
    let rounds: usize = env::var("LEDESTJERNE_BENCH_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().to_path_buf();
    let case = if pages == 0 { copy_course(&root) } else { synthetic(&root, pages) };
    let what = if pages == 0 { "the course".to_string() } else { format!("{pages} synthetic pages") };
    eprintln!("edit latency on {what}; editing {}", case.display());
    let mut server = Server::start(&root);
    server.wait_for_log("search index updated", Duration::from_secs(1800));
    let url = page_url(&case);
    let original = fs::read_to_string(root.join(&case)).expect("read the case");
    let mut times = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let token = format!("maalepunkt{round}x{}", std::process::id());
        let start = Instant::now();
        fs::write(root.join(&case), format!("{original}\n\nNy sætning med {token}.\n")).expect("save the case");
        wait_for(server.port, &url, &token, &server);
        times.push(start.elapsed());
        thread::sleep(Duration::from_secs(1));
    }
    report(&mut times, &server.log());
}

/// Copies the bundled course; returns the case to edit.
fn copy_course(root: &Path) -> PathBuf {
    let repo = Path::new(REPO);
    fs::copy(repo.join("site.yaml"), root.join("site.yaml")).expect("copy site.yaml");
    for folder in ["content", "themes", "templates", "i18n"] {
        copy_dir(&repo.join(folder), &root.join(folder));
    }
    first_case(root)
}

/// Generates a synthetic site; returns the case to edit.
fn synthetic(root: &Path, pages: usize) -> PathBuf {
    let options = sitegen::Options { pages, seed: 1, out: root.to_path_buf(), hugo: None, repo_root: PathBuf::from(REPO) };
    sitegen::generate(&options).expect("generate the site");
    first_case(root)
}

fn first_case(root: &Path) -> PathBuf {
    let mut cases: Vec<PathBuf> = fs::read_dir(root.join("content/cases")).expect("cases").map(|e| e.expect("entry").path()).collect();
    cases.sort();
    cases[cases.len() / 2].strip_prefix(root).expect("under root").to_path_buf()
}

fn page_url(case: &Path) -> String {
    format!("/cases/{}/", case.file_stem().expect("stem").to_string_lossy())
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create folder");
    for entry in fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("entry");
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        } else {
            fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
        }
    }
}

/// `ledestjerne serve` with its output collected.
struct Server {
    child: Child,
    port: u16,
    log: mpsc::Receiver<String>,
    lines: Vec<String>,
}

impl Server {
    fn start(root: &Path) -> Server {
        let mut child = Command::new(BIN)
            .args(["--root".as_ref(), root.as_os_str(), "serve".as_ref(), "--port".as_ref(), "18111".as_ref()])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start ledestjerne serve");
        let (send, log) = mpsc::channel();
        for stream in
            [Box::new(child.stdout.take().expect("stdout")) as Box<dyn Read + Send>, Box::new(child.stderr.take().expect("stderr"))]
        {
            let send = send.clone();
            thread::spawn(move || BufReader::new(stream).lines().map_while(Result::ok).for_each(|l| drop(send.send(l))));
        }
        let mut server = Server { child, port: 0, log, lines: Vec::new() };
        let line = server.wait_for_log("serving http://", Duration::from_secs(1800));
        let port = line.rsplit(':').next().and_then(|p| p.trim_end_matches('/').parse().ok()).expect("port in the serving line");
        server.port = port;
        server
    }

    fn wait_for_log(&mut self, needle: &str, limit: Duration) -> String {
        let start = Instant::now();
        loop {
            if let Some(line) = self.lines.iter().find(|l| l.contains(needle)) {
                return line.clone();
            }
            let left = limit.checked_sub(start.elapsed()).unwrap_or_else(|| panic!("no `{needle}` in the log:\n{}", self.lines.join("\n")));
            match self.log.recv_timeout(left) {
                Ok(line) => self.lines.push(line),
                Err(_) => panic!("no `{needle}` in the log:\n{}", self.lines.join("\n")),
            }
        }
    }

    fn log(&mut self) -> Vec<String> {
        self.lines.extend(self.log.try_iter());
        self.lines.clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_for(port: u16, url: &str, token: &str, server: &Server) {
    let start = Instant::now();
    while !get(port, url).contains(token) {
        assert!(start.elapsed() < Duration::from_secs(120), "the edit never showed on {url} (port {})", server.port);
        thread::sleep(Duration::from_millis(2));
    }
}

fn get(port: u16, path: &str) -> String {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else { return String::new() };
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return String::new();
    }
    let mut body = Vec::new();
    let _ = stream.read_to_end(&mut body);
    String::from_utf8_lossy(&body).into_owned()
}

fn report(times: &mut [Duration], log: &[String]) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = ms(times[times.len() / 2]);
    let p90 = ms(times[(times.len() * 9 / 10).min(times.len() - 1)]);
    println!(
        "save → new HTML served: median {median:.0} ms, min {:.0} ms, p90 {p90:.0} ms, max {:.0} ms ({} saves)",
        ms(times[0]),
        ms(times[times.len() - 1]),
        times.len()
    );
    let rebuilds: Vec<&String> = log.iter().filter(|l| l.starts_with("rebuilt in")).collect();
    if let Some(last) = rebuilds.last() {
        println!("last rebuild as the server reported it: {last}");
    }
}
