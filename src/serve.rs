//! `ledestjerne serve`: a development server that rebuilds the site on every change.
//!
//! The server builds the site in memory and answers requests from a [`Site`]
//! snapshot: the built files by path, plus the diagnostics of the latest
//! build when it failed. A [`SiteWatcher`] reports changes; each one is
//! built off the async threads — an edit of existing pages incrementally,
//! rendering only the pages it can change (see [`Session`]), anything else
//! from scratch — and the snapshot is swapped. Reload events name the pages
//! that changed, so other open pages stay as they are. The
//! search index takes many times longer than the pages, so it is rebuilt
//! afterwards in the background and swapped in on its own: a saved page is
//! on screen in the time the pages take. A failed rebuild keeps the last
//! good files and only replaces the errors, so a typo never takes the site
//! down.
//!
//! Live reload lives in the server, not in the built files: HTML responses
//! get two script tags before `</body>` (see [`live_snippet`]). One carries
//! the current errors as JSON; the other loads [`LIVE_JS`], which listens on
//! [`EVENTS_PATH`] (server-sent events) and reloads the page after a
//! rebuild, or shows the errors in an overlay.
//!
//! Request paths are resolved by two pure functions, [`resolve`] and
//! [`lookup`], which refuse anything that is not a plain path inside the site.

use crate::diagnostics::Diagnostics;
use crate::files::{self, OutputFile};
use crate::pipeline::{self, Options, Rendered, Session};
use crate::search;
use crate::watch::{Change, Debounce, SiteWatcher, WatchSet};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::collections::{BTreeSet, HashMap};
use std::convert::Infallible;
use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::net::TcpListener;
use tokio::sync::{Notify, broadcast};
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::{Stream, StreamExt};

/// Where pages listen for rebuilds (server-sent events).
pub const EVENTS_PATH: &str = "/__ledestjerne/events";
/// Where the live-reload script is served.
pub const SCRIPT_PATH: &str = "/__ledestjerne/live.js";
/// How many ports are tried, from the requested one up, before giving up.
const PORT_TRIES: u16 = 50;
/// Pause between publishing new pages and indexing them for search.
const INDEX_DELAY: Duration = Duration::from_millis(200);

/// What to serve, and where.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site folder (holding `site.yaml`).
    pub root: PathBuf,
    /// Address to bind (`127.0.0.1` unless the user asks otherwise).
    pub bind: String,
    /// First port to try.
    pub port: u16,
    /// The `build` output folder; the watcher ignores it.
    pub output: PathBuf,
}

/// Why the server could not start.
#[derive(Debug)]
pub enum ServeError {
    /// The site folder does not exist or cannot be read.
    Root(PathBuf, io::Error),
    /// Binding failed for a reason other than a busy port.
    Bind(String, io::Error),
    /// Every port tried was busy.
    NoFreePort {
        /// The address.
        bind: String,
        /// First port tried.
        first: u16,
        /// Last port tried.
        last: u16,
    },
    /// The async runtime or the listener failed.
    Io(io::Error),
}

impl fmt::Display for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServeError::Root(path, e) => {
                write!(f, "cannot open the site folder `{}`: {e}", path.display())
            }
            ServeError::Bind(addr, e) => write!(f, "cannot listen on {addr}: {e}"),
            ServeError::NoFreePort { bind, first, last } => {
                write!(f, "ports {first} to {last} on {bind} are all in use; choose another with --port")
            }
            ServeError::Io(e) => write!(f, "the server failed: {e}"),
        }
    }
}

/// Builds the site, serves it and rebuilds on changes until Ctrl-C.
pub fn run(options: &ServeOptions) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(ServeError::Io)?;
    let result = runtime.block_on(serve(options));
    // Do not wait for a build still running in the background.
    runtime.shutdown_background();
    result
}

async fn serve(options: &ServeOptions) -> Result<(), ServeError> {
    let root = std::fs::canonicalize(&options.root).map_err(|e| ServeError::Root(options.root.clone(), e))?;
    let listener = listen(&options.bind, options.port).await?;
    let addr = browsable(listener.local_addr().map_err(ServeError::Io)?);
    let build_options = Options { root: root.clone(), base_url: Some(format!("http://{addr}/")) };
    let state = AppState::new();
    // Watch before the first build, so edits made while it runs are not lost.
    let watcher = start_watcher(root, absolute(&options.output));
    let (builder, outcome) = rebuild(&state, Builder::new(&build_options), Change::Config).await;
    report_first_build(&outcome);
    println!("serving http://{addr}/");
    tokio::spawn(index_on_request(state.clone(), build_options.clone()));
    if let Some(watcher) = watcher {
        tokio::spawn(rebuild_on_change(watcher, state.clone(), builder));
    }
    let server = axum::serve(listener, router(state));
    tokio::select! {
        result = server.into_future() => result.map_err(ServeError::Io),
        _ = tokio::signal::ctrl_c() => Ok(()),
    }
}

/// Binds the first free port from `port` up and says so when it is not `port`.
async fn listen(bind: &str, port: u16) -> Result<TcpListener, ServeError> {
    let listener = bind_first_free(bind, port).await?;
    let local = listener.local_addr().map_err(ServeError::Io)?;
    if local.port() != port && port != 0 {
        eprintln!("port {port} is in use; using {} instead", local.port());
    }
    if !local.ip().is_loopback() {
        eprintln!("warning: the server is reachable from other machines on {}; it is meant for development only", local.ip());
    }
    Ok(listener)
}

/// `path` as the watcher reports it: absolute, symbolic links resolved
/// where the path exists.
fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).or_else(|_| crate::output::absolute(path)).unwrap_or_else(|_| path.to_path_buf())
}

fn start_watcher(root: PathBuf, output: PathBuf) -> Option<SiteWatcher> {
    match SiteWatcher::start(WatchSet::new(root, output), Debounce::default()) {
        Ok(watcher) => Some(watcher),
        Err(e) => {
            eprintln!("warning: cannot watch the site for changes ({e}); restart the server to see edits");
            None
        }
    }
}

/// Binds `host` on the first port from `first` up that is not in use.
async fn bind_first_free(host: &str, first: u16) -> Result<TcpListener, ServeError> {
    let last = first.saturating_add(PORT_TRIES - 1);
    for port in first..=last {
        match TcpListener::bind((host, port)).await {
            Ok(listener) => return Ok(listener),
            Err(e) if e.kind() == io::ErrorKind::AddrInUse => continue,
            Err(e) => return Err(ServeError::Bind(format!("{host}:{port}"), e)),
        }
    }
    Err(ServeError::NoFreePort { bind: host.to_string(), first, last })
}

/// The address to put in URLs: a wildcard bind is browsed on loopback.
fn browsable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => SocketAddr::new(Ipv4Addr::LOCALHOST.into(), addr.port()),
        IpAddr::V6(ip) if ip.is_unspecified() => SocketAddr::new(Ipv6Addr::LOCALHOST.into(), addr.port()),
        _ => addr,
    }
}

// ---------- the site snapshot and its rebuilds ----------

/// Files by site-relative path.
type Files = Arc<HashMap<String, Bytes>>;

/// What the server serves: the last good build and the latest build's errors.
#[derive(Debug, Clone, Default)]
pub struct Site {
    /// Changes with every rebuild, good or bad; pages compare it to reload.
    pub version: String,
    /// The pages and other files of the last good build.
    pub files: Files,
    /// The search index (see [`search::is_index_file`]), built after the pages.
    pub search: Files,
    /// Whether any build has succeeded yet.
    pub built: bool,
    /// Diagnostics of the latest build when it failed, as JSON safe to
    /// embed in a `<script>` element; `[]` when it succeeded.
    pub errors: String,
}

impl Site {
    /// The file at `key`, from the pages or the search index.
    pub fn get(&self, key: &str) -> Option<&Bytes> {
        self.files.get(key).or_else(|| self.search.get(key))
    }
}

/// A message to the open pages.
#[derive(Debug, Clone)]
enum LiveEvent {
    /// A new good build is in place; `changed` lists the URL paths of the
    /// pages that changed (`None`: reload every page).
    Reload { version: String, changed: Option<Vec<String>> },
    /// The latest build failed; `errors` is the JSON of its diagnostics.
    Errors { version: String, errors: String },
}

impl LiveEvent {
    fn to_sse(&self) -> Event {
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
struct AppState {
    site: Arc<RwLock<Arc<Site>>>,
    events: broadcast::Sender<LiveEvent>,
    /// Asks the indexer for a new search index; requests made while it
    /// works collapse into one.
    index_wanted: Arc<Notify>,
    /// Distinguishes this server from an earlier one on the same port.
    instance: String,
    generation: Arc<AtomicU64>,
}

impl AppState {
    fn new() -> Self {
        let started = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis());
        Self {
            site: Arc::default(),
            events: broadcast::channel(16).0,
            index_wanted: Arc::default(),
            instance: format!("{started:x}"),
            generation: Arc::default(),
        }
    }

    fn site(&self) -> Arc<Site> {
        self.site.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    fn next_version(&self) -> String {
        let n = self.generation.fetch_add(1, Ordering::Relaxed) + 1;
        format!("{}-{n}", self.instance)
    }

    /// Replaces the snapshot with `change(old)`, under one lock, so the
    /// rebuild loop and the indexer never undo each other's work.
    fn update(&self, change: impl FnOnce(&Site) -> Site) -> Arc<Site> {
        let mut site = self.site.write().unwrap_or_else(PoisonError::into_inner);
        *site = Arc::new(change(&site));
        site.clone()
    }

    /// Puts a good build in place, then tells the pages which of them to reload.
    ///
    /// A full build replaces all files; an incremental one replaces those it
    /// rendered and keeps the rest.
    fn publish_files(&self, files: Vec<OutputFile>, full: bool) {
        let mut changed = Vec::new();
        let site = self.update(|old| {
            let mut map = if full { HashMap::with_capacity(files.len()) } else { (*old.files).clone() };
            for file in files {
                if old.files.get(&file.path).is_none_or(|b| b[..] != file.bytes[..]) {
                    changed.push(file.path.clone());
                }
                map.insert(file.path, Bytes::from(file.bytes));
            }
            Site { version: self.next_version(), files: Arc::new(map), search: old.search.clone(), built: true, errors: "[]".into() }
        });
        // No receivers just means no page is open.
        let _ = self.events.send(LiveEvent::Reload { version: site.version.clone(), changed: changed_pages(&changed) });
        self.index_wanted.notify_one();
    }

    /// Keeps the last good files, records the errors and shows them on the pages.
    fn publish_errors(&self, diagnostics: &Diagnostics) {
        let errors = script_json(&diagnostics.clone().sorted());
        let site = self.update(|old| Site { version: self.next_version(), errors: errors.clone(), ..old.clone() });
        let _ = self.events.send(LiveEvent::Errors { version: site.version.clone(), errors });
    }

    /// Swaps in a new search index; pages need no reload for it.
    fn publish_search(&self, files: Vec<OutputFile>) {
        let search: Files = Arc::new(to_map(files));
        self.update(|old| Site { search, ..old.clone() });
    }
}

/// The most pages a reload event names; past it, every page reloads.
const MAX_CHANGED_PAGES: usize = 1000;

/// URL paths (`/cases/x/`) of the changed HTML files at `paths`; `None`
/// when anything else changed (a stylesheet, a script) or too many did,
/// so every page must reload.
pub fn changed_pages(paths: &[String]) -> Option<Vec<String>> {
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

/// The outcome of one build, for the terminal.
enum Outcome {
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
struct Builder {
    /// Options of the pages-only build.
    options: Options,
    session: Option<Session>,
    pending: BTreeSet<PathBuf>,
}

impl Builder {
    fn new(options: &Options) -> Self {
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
async fn rebuild(state: &AppState, mut builder: Builder, change: Change) -> (Builder, Outcome) {
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
async fn index_on_request(state: AppState, options: Options) {
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
pub fn index_report(took: Duration, stats: search::IndexStats) -> String {
    let total = stats.indexed + stats.reused;
    let which = if stats.reused == 0 {
        String::new()
    } else {
        format!(" ({} of {total} search bundle{} indexed again)", stats.indexed, plural(total))
    };
    format!("search index updated in {} ms{which}", took.as_millis())
}

fn report_first_build(outcome: &Outcome) {
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

async fn rebuild_on_change(mut watcher: SiteWatcher, state: AppState, mut builder: Builder) {
    while let Some(change) = watcher.next_change().await {
        let (next, outcome) = rebuild(&state, builder, change.clone()).await;
        builder = next;
        report_rebuild(&outcome, &change);
    }
}

// ---------- HTTP ----------

fn router(state: AppState) -> Router {
    Router::new()
        .route(EVENTS_PATH, get(events))
        .route(SCRIPT_PATH, get(live_script))
        .fallback_service(get(serve_site).with_state(state.clone()))
        .with_state(state)
}

async fn events(State(state): State<AppState>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    // Subscribe before reading the version, so no rebuild falls in between.
    let updates = BroadcastStream::new(state.events.subscribe()).map(|message| {
        Ok(match message {
            Ok(event) => event.to_sse(),
            // The page missed events: reloading shows the current state.
            Err(_) => Event::default().event("reload").data(r#"{"version":"lagged","changed":null}"#),
        })
    });
    let hello = Event::default().event("hello").data(state.site().version.clone());
    Sse::new(tokio_stream::once(Ok(hello)).chain(updates)).keep_alive(KeepAlive::default())
}

async fn live_script() -> Response {
    respond(StatusCode::OK, "text/javascript; charset=utf-8", Bytes::from_static(LIVE_JS.as_bytes()))
}

async fn serve_site(State(state): State<AppState>, uri: Uri) -> Response {
    let site = state.site();
    let Ok(path) = resolve(uri.path()) else {
        return respond(StatusCode::BAD_REQUEST, "text/plain; charset=utf-8", Bytes::from_static(b"bad request path\n"));
    };
    match lookup(&path, |key| site.get(key).is_some()) {
        Lookup::File(key) => {
            let bytes = site.get(&key).cloned().unwrap_or_default();
            page(&site, StatusCode::OK, &key, bytes)
        }
        Lookup::AddSlash => add_slash(&uri),
        Lookup::NotFound => not_found(&site),
    }
}

/// Redirects `/cases/x?q` to `/cases/x/?q`. Temporary, because browsers
/// keep permanent redirects and the folder may become a file later.
fn add_slash(uri: &Uri) -> Response {
    let location = match uri.query() {
        Some(query) => format!("{}/?{query}", uri.path()),
        None => format!("{}/", uri.path()),
    };
    let mut response = StatusCode::TEMPORARY_REDIRECT.into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// The site's `404.html`, or, before any build succeeded, an error page.
fn not_found(site: &Site) -> Response {
    if !site.built {
        return page(site, StatusCode::SERVICE_UNAVAILABLE, "index.html", Bytes::from_static(NOT_BUILT_HTML.as_bytes()));
    }
    let body = site.files.get("404.html").cloned().unwrap_or_else(|| Bytes::from_static(NOT_FOUND_HTML.as_bytes()));
    page(site, StatusCode::NOT_FOUND, "404.html", body)
}

/// A response for the file `key`; HTML gets the live-reload snippet.
fn page(site: &Site, status: StatusCode, key: &str, bytes: Bytes) -> Response {
    let content_type = content_type(key);
    let body = if content_type.starts_with("text/html") { Bytes::from(inject(&bytes, &live_snippet(site))) } else { bytes };
    respond(status, content_type, body)
}

fn respond(status: StatusCode, content_type: &'static str, body: Bytes) -> Response {
    let headers = [
        (header::CONTENT_TYPE, content_type),
        // Every response may be stale after the next save.
        (header::CACHE_CONTROL, "no-cache"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ];
    (status, headers, body).into_response()
}

// ---------- pure parts: paths, types, injection ----------

/// A request path that is safe to look up: plain segments, no escapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestPath {
    /// Decoded segments joined with `/` (`cases/x`); empty for the root.
    pub key: String,
    /// Whether the request ended with `/` (a folder).
    pub dir: bool,
}

/// A request path that could reach outside the site, or is not a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadPath;

/// Decodes and checks the path of a request URI (`/cases/x/`).
///
/// Each segment is percent-decoded on its own, so `%2f` cannot make a new
/// separator; a segment that decodes to `.`, `..`, or contains `/`, `\`,
/// or a control character is refused, as is any raw backslash and any empty
/// segment (`//x` would also make a protocol-relative redirect).
pub fn resolve(raw: &str) -> Result<RequestPath, BadPath> {
    let rest = raw.strip_prefix('/').ok_or(BadPath)?;
    if raw.contains('\\') {
        return Err(BadPath);
    }
    let (body, dir) = match rest.strip_suffix('/') {
        Some(body) => (body, true),
        None => (rest, rest.is_empty()),
    };
    if body.is_empty() {
        // `/` is the root; `//` is an empty segment.
        return if rest.is_empty() { Ok(RequestPath { key: String::new(), dir }) } else { Err(BadPath) };
    }
    let segments = body.split('/').map(segment).collect::<Result<Vec<_>, _>>()?;
    Ok(RequestPath { key: segments.join("/"), dir })
}

fn segment(raw: &str) -> Result<String, BadPath> {
    let decoded = percent_decode(raw).ok_or(BadPath)?;
    let plain =
        !decoded.is_empty() && decoded != "." && decoded != ".." && !decoded.chars().any(|c| c == '/' || c == '\\' || c.is_control());
    if plain { Ok(decoded) } else { Err(BadPath) }
}

/// `%`-decodes `raw` into UTF-8 text; `None` for bad escapes or bad UTF-8.
pub fn percent_decode(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = raw.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// What a request path names in the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// This file.
    File(String),
    /// A folder asked for without its `/`: redirect to add it.
    AddSlash,
    /// Nothing.
    NotFound,
}

/// Finds `path` in a site whose files `exists` knows: folders serve their
/// `index.html`, and a folder asked for without `/` is redirected.
pub fn lookup(path: &RequestPath, exists: impl Fn(&str) -> bool) -> Lookup {
    let index = if path.key.is_empty() { "index.html".to_string() } else { format!("{}/index.html", path.key) };
    if path.dir {
        return if exists(&index) { Lookup::File(index) } else { Lookup::NotFound };
    }
    if exists(&path.key) {
        Lookup::File(path.key.clone())
    } else if exists(&index) {
        Lookup::AddSlash
    } else {
        Lookup::NotFound
    }
}

/// The `Content-Type` of a site file, by extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "wasm" => "application/wasm",
        "pdf" => "application/pdf",
        // Pagefind's index chunks (`.pf_meta`, `.pf_index`, `.pf_fragment`,
        // `.pagefind`) are compressed binary data.
        _ => "application/octet-stream",
    }
}

/// `html` with `snippet` inserted before its last `</body>` (or at the end).
pub fn inject(html: &[u8], snippet: &str) -> Vec<u8> {
    let at = html.windows(7).rposition(|w| w.eq_ignore_ascii_case(b"</body>")).unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + snippet.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(snippet.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The tags injected into every served page.
pub fn live_snippet(site: &Site) -> String {
    format!(
        "<script type=\"application/json\" id=\"ledestjerne-errors\">{}</script>\n<script src=\"{SCRIPT_PATH}\" data-version=\"{}\"></script>\n",
        site.errors, site.version
    )
}

/// JSON for a `<script>` element: `<`, `>`, `&`, U+2028 and U+2029 are
/// escaped, so no text in it can close the element or break the parser.
pub fn script_json(value: &impl serde::Serialize) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "[]".into());
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

const NOT_BUILT_HTML: &str = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>The site has errors</title></head>\n<body><h1>The site could not be built</h1><p>Fix the errors listed in the terminal; this page reloads when the site builds.</p></body></html>\n";

const NOT_FOUND_HTML: &str = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head>\n<body><h1>Not found</h1></body></html>\n";

/// The live-reload script. Diagnostic text only ever goes through
/// `textContent`, so a message can never become markup.
pub const LIVE_JS: &str = r##"// Live reload for `ledestjerne serve`.
(() => {
  "use strict";
  const script = document.currentScript;
  let version = script ? script.dataset.version : "";
  const ID = "ledestjerne-overlay";

  function el(tag, css, text) {
    const e = document.createElement(tag);
    e.style.cssText = css;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function hide() {
    const old = document.getElementById(ID);
    if (old) old.remove();
  }

  function item(d) {
    const li = el("li", "margin:0;padding:.75em 0;border-top:1px solid #ddd;list-style:none;");
    li.append(el("code", "display:block;font:14px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:#333;", `${d.path}:${d.line}:${d.col}`));
    li.append(el("div", "margin:.25em 0;font-weight:600;color:" + (d.severity === "error" ? "#a00018" : "#7a4d00") + ";", `${d.severity}: ${d.message}`));
    if (d.help) li.append(el("div", "color:#222;", `help: ${d.help}`));
    return li;
  }

  function show(list) {
    hide();
    if (!Array.isArray(list) || list.length === 0) return;
    const errors = list.filter((d) => d.severity === "error").length;
    const box = el("div", "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:5vh 4vw;background:rgba(15,15,15,.72);font:16px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;text-align:left;");
    box.id = ID;
    box.setAttribute("role", "alertdialog");
    box.setAttribute("aria-labelledby", ID + "-title");
    const panel = el("div", "box-sizing:border-box;max-width:60em;margin:0 auto;padding:1.25em 1.5em;background:#fff;color:#111;border-top:6px solid #a00018;border-radius:6px;box-shadow:0 12px 40px rgba(0,0,0,.45);");
    const close = el("button", "float:right;margin:0 0 .5em 1em;padding:.3em .8em;font:inherit;cursor:pointer;", "Hide");
    close.type = "button";
    close.addEventListener("click", hide);
    const title = el("h2", "margin:0 0 .25em;font-size:1.3em;color:#a00018;", `The site could not be rebuilt: ${errors} error${errors === 1 ? "" : "s"}`);
    title.id = ID + "-title";
    const note = el("p", "margin:0 0 .75em;color:#333;", "You are seeing the last version that built. Fix the problems below; the page reloads by itself.");
    const ul = el("ul", "margin:0;padding:0;");
    for (const d of list) ul.append(item(d));
    panel.append(close, title, note, ul);
    box.append(panel);
    (document.body || document.documentElement).append(box);
  }

  const initial = document.getElementById("ledestjerne-errors");
  if (initial) {
    try { show(JSON.parse(initial.textContent)); } catch (e) { console.warn("ledestjerne: bad error data", e); }
  }
  if (!("EventSource" in window)) return;
  const source = new EventSource("/__ledestjerne/events");
  // On (re)connecting the server says which build it serves; a page from
  // another build, or from a restarted server, is out of date.
  source.addEventListener("hello", (e) => { if (e.data !== version) location.reload(); });
  // A reload event names the pages that changed; other pages only take
  // the new version (and drop an error overlay that no longer applies).
  source.addEventListener("reload", (e) => {
    const data = JSON.parse(e.data);
    if (data.version === version) return;
    const here = location.pathname.replace(/index\.html$/, "");
    if (data.changed === null || data.changed.includes(decodeURI(here))) location.reload();
    else { version = data.version; hide(); }
  });
  source.addEventListener("errors", (e) => {
    const data = JSON.parse(e.data);
    version = data.version;
    show(data.diagnostics);
  });
})();
"##;

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

    fn ok(key: &str, dir: bool) -> Result<RequestPath, BadPath> {
        Ok(RequestPath { key: key.into(), dir })
    }

    #[test]
    fn plain_paths_resolve() {
        assert_eq!(resolve("/"), ok("", true));
        assert_eq!(resolve("/cases/x/"), ok("cases/x", true));
        assert_eq!(resolve("/cases/x"), ok("cases/x", false));
        assert_eq!(resolve("/style.css"), ok("style.css", false));
        assert_eq!(resolve("/personer/s%C3%B8ren/"), ok("personer/søren", true));
        assert_eq!(resolve("/a%20b.html"), ok("a b.html", false));
    }

    #[test]
    fn escapes_are_refused() {
        for bad in [
            "/../site.yaml",
            "/%2e%2e/site.yaml",
            "/%2E%2E/site.yaml",
            "/..%2fsite.yaml",
            "/..%2Fsite.yaml",
            "/a/..\\..\\site.yaml",
            "/a/%5c..%5csite.yaml",
            "/a/./b",
            "/a/%2e/b",
            "//etc/passwd",
            "/a//b",
            "/%00",
            "/%zz",
            "/%c3",
            "relative",
            "",
        ] {
            assert_eq!(resolve(bad), Err(BadPath), "{bad}");
        }
    }

    #[test]
    fn folders_serve_index_and_get_a_slash() {
        let files = ["index.html", "cases/x/index.html", "style.css"];
        let exists = |k: &str| files.contains(&k);
        let find = |raw: &str| lookup(&resolve(raw).unwrap(), exists);
        assert_eq!(find("/"), Lookup::File("index.html".into()));
        assert_eq!(find("/cases/x/"), Lookup::File("cases/x/index.html".into()));
        assert_eq!(find("/cases/x"), Lookup::AddSlash);
        assert_eq!(find("/style.css"), Lookup::File("style.css".into()));
        assert_eq!(find("/style.css/"), Lookup::NotFound);
        assert_eq!(find("/cases/y"), Lookup::NotFound);
        assert_eq!(find("/cases/"), Lookup::NotFound);
    }

    #[test]
    fn content_types_by_extension() {
        assert_eq!(content_type("cases/x/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("search.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("favicon.svg"), "image/svg+xml");
        assert_eq!(content_type("sitemap.xml"), "application/xml; charset=utf-8");
        assert_eq!(content_type("data.json"), "application/json");
        assert_eq!(content_type("a.PNG"), "image/png");
        assert_eq!(content_type("a.jpg"), "image/jpeg");
        assert_eq!(content_type("fonts/x.woff2"), "font/woff2");
        assert_eq!(content_type("pagefind/wasm.unknown.pagefind"), "application/octet-stream");
        assert_eq!(content_type("pagefind/pagefind-entry.json"), "application/json");
        assert_eq!(content_type("pagefind/index/en_1.pf_index"), "application/octet-stream");
        assert_eq!(content_type("pagefind/fragment/en_1.pf_fragment"), "application/octet-stream");
        assert_eq!(content_type("pagefind/pagefind.en_1.pf_meta"), "application/octet-stream");
        assert_eq!(content_type("x.wasm"), "application/wasm");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
    }

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

    #[test]
    fn injection_goes_before_the_last_body_end() {
        let html = b"<html><body><p>a</p><!-- </body> --></BODY></html>";
        let out = String::from_utf8(inject(html, "<x>")).unwrap();
        assert_eq!(out, "<html><body><p>a</p><!-- </body> --><x></BODY></html>");
        let out = String::from_utf8(inject(b"<p>no body end", "<x>")).unwrap();
        assert_eq!(out, "<p>no body end<x>");
    }

    #[test]
    fn script_json_cannot_close_the_script() {
        let text = vec!["</script><b>&</b>\u{2028}\u{2029}".to_string()];
        let json = script_json(&text);
        assert_eq!(json, r#"["\u003c/script\u003e\u003cb\u003e\u0026\u003c/b\u003e\u2028\u2029"]"#);
        let back: Vec<String> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, text);
    }

    #[test]
    fn the_snippet_carries_errors_and_version() {
        let site = Site { version: "v-3".into(), errors: "[]".into(), ..Site::default() };
        let snippet = live_snippet(&site);
        assert!(snippet.contains(r#"<script type="application/json" id="ledestjerne-errors">[]</script>"#));
        assert!(snippet.contains(r#"<script src="/__ledestjerne/live.js" data-version="v-3"></script>"#));
    }

    #[test]
    fn the_script_never_puts_text_in_html() {
        assert!(!LIVE_JS.contains("innerHTML"));
        assert!(!LIVE_JS.contains("insertAdjacentHTML"));
        assert!(LIVE_JS.contains(EVENTS_PATH));
    }
}
