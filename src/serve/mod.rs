//! `ledestjerne serve`: a development server that rebuilds the site on every change.
//!
//! This module owns the server's entry point: [`run`] takes the
//! [`ServeOptions`], binds the first free port from the one asked for,
//! starts watching the sources, builds the site in memory and serves it
//! until Ctrl-C; a [`ServeError`] says why it could not start. A failed
//! rebuild keeps the last good files and only replaces the errors, so a
//! typo never takes the site down.
//!
//! The parts, in the order a change travels through them:
//!
//! - `rebuild`: the `Builder`, which builds each change the site watcher
//!   reports off the async threads — an edit of existing pages
//!   incrementally, rendering only the pages it can change (see
//!   [`Session`](crate::pipeline::Session)), anything else from
//!   scratch — and the indexer, which rebuilds the search index afterwards
//!   in the background, so a saved page is on screen in the time the pages
//!   take.
//! - `state`: the served `Snapshot` (the files of the last good build and
//!   the errors of the latest one), how builds are published into it, and
//!   the reload events that name the pages that changed, so other open
//!   pages stay as they are.
//! - `http`: the router and its handlers; HTML responses get the
//!   live-reload snippet, which loads `live.js`, the script that listens
//!   for rebuilds and reloads the page or shows the errors in an overlay.
//! - `paths`: the pure functions that resolve a request path to a file of
//!   the site, refusing anything that is not a plain path inside it.

mod http;
mod paths;
mod rebuild;
mod state;

use crate::pipeline::Options;
use crate::watch::{Change, Debounce, SiteWatcher, WatchSet};
use http::router;
use rebuild::{Builder, index_on_request, rebuild, rebuild_on_change, report_first_build};
use state::AppState;
use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use tokio::net::TcpListener;

/// How many ports are tried, from the requested one up, before giving up.
const PORT_TRIES: u16 = 50;

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
    let build_options = Options { root: root.clone(), base_url: Some(format!("http://{addr}/")), drafts: true, ..Options::default() };
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
