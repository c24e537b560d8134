//! HTTP: the router, its handlers and what the server adds to the pages.
//!
//! Live reload lives in the server, not in the built files: HTML responses
//! get two script tags before `</body>` (see [`live_snippet`]). One carries
//! the current errors as JSON; the other loads [`LIVE_JS`], which listens on
//! [`EVENTS_PATH`] (server-sent events) and reloads the page after a
//! rebuild, or shows the errors in an overlay.

use super::paths::{Lookup, content_type, lookup, resolve};
use super::state::{AppState, Snapshot};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::convert::Infallible;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::{Stream, StreamExt};

/// Where pages listen for rebuilds (server-sent events).
const EVENTS_PATH: &str = "/__ledestjerne/events";
/// Where the live-reload script is served.
const SCRIPT_PATH: &str = "/__ledestjerne/live.js";

/// The server's routes: the events stream, the live-reload script and the
/// site, each only for requests whose `Host` names this machine.
pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route(EVENTS_PATH, get(events))
        .route(SCRIPT_PATH, get(live_script))
        .fallback_service(get(serve_site).with_state(state.clone()))
        .with_state(state)
        .layer(axum::middleware::from_fn(refuse_other_hosts))
}

/// Refuses requests whose `Host` is a name other than `localhost`: a page
/// on another site could otherwise point its own name at 127.0.0.1 (DNS
/// rebinding) and read the dev site and its error stream. Vite and
/// webpack-dev-server refuse them the same way.
async fn refuse_other_hosts(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let host = request.headers().get(header::HOST).map(|h| h.to_str().unwrap_or("?"));
    if host.is_none_or(host_allowed) {
        return next.run(request).await;
    }
    let text = "this development server answers only to localhost and IP addresses, not to other host names\n";
    respond(StatusCode::FORBIDDEN, "text/plain; charset=utf-8", Bytes::from_static(text.as_bytes()))
}

/// Whether a `Host` header names this machine in a way no other site can:
/// `localhost` (and `*.localhost`) or an IP address, with or without a port.
pub(crate) fn host_allowed(host: &str) -> bool {
    if let Some(rest) = host.strip_prefix('[') {
        let Some((ip, after)) = rest.split_once(']') else { return false };
        let port_ok = after.is_empty() || after.strip_prefix(':').is_some_and(is_port);
        return port_ok && ip.parse::<std::net::Ipv6Addr>().is_ok();
    }
    let name = match host.rsplit_once(':') {
        Some((name, port)) if is_port(port) => name,
        Some(_) => return false,
        None => host,
    };
    let name = name.to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost") || name.parse::<std::net::Ipv4Addr>().is_ok()
}

/// Whether `text` is a port number.
fn is_port(text: &str) -> bool {
    !text.is_empty() && text.len() <= 5 && text.bytes().all(|b| b.is_ascii_digit())
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
    let hello = Event::default().event("hello").data(state.snapshot().version.clone());
    Sse::new(tokio_stream::once(Ok(hello)).chain(updates)).keep_alive(KeepAlive::default())
}

async fn live_script() -> Response {
    respond(StatusCode::OK, "text/javascript; charset=utf-8", Bytes::from_static(LIVE_JS.as_bytes()))
}

async fn serve_site(State(state): State<AppState>, uri: Uri) -> Response {
    let snapshot = state.snapshot();
    let Ok(path) = resolve(uri.path()) else {
        return respond(StatusCode::BAD_REQUEST, "text/plain; charset=utf-8", Bytes::from_static(b"bad request path\n"));
    };
    match lookup(&path, |key| snapshot.get(key).is_some()) {
        Lookup::File(key) => {
            let bytes = snapshot.get(&key).cloned().unwrap_or_default();
            page(&snapshot, StatusCode::OK, &key, bytes)
        }
        Lookup::AddSlash => add_slash(&uri),
        Lookup::NotFound => not_found(&snapshot),
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
fn not_found(snapshot: &Snapshot) -> Response {
    if !snapshot.built {
        return page(snapshot, StatusCode::SERVICE_UNAVAILABLE, "index.html", Bytes::from_static(NOT_BUILT_HTML.as_bytes()));
    }
    let body = snapshot.files.get("404.html").cloned().unwrap_or_else(|| Bytes::from_static(NOT_FOUND_HTML.as_bytes()));
    page(snapshot, StatusCode::NOT_FOUND, "404.html", body)
}

/// A response for the file `key`; HTML gets the live-reload snippet.
fn page(snapshot: &Snapshot, status: StatusCode, key: &str, bytes: Bytes) -> Response {
    let content_type = content_type(key);
    let body = if content_type.starts_with("text/html") { Bytes::from(inject(&bytes, &live_snippet(snapshot))) } else { bytes };
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

/// `html` with `snippet` inserted before its last `</body>` (or at the end).
fn inject(html: &[u8], snippet: &str) -> Vec<u8> {
    let at = html.windows(7).rposition(|w| w.eq_ignore_ascii_case(b"</body>")).unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + snippet.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(snippet.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The tags injected into every served page.
fn live_snippet(snapshot: &Snapshot) -> String {
    format!(
        "<script type=\"application/json\" id=\"ledestjerne-errors\">{}</script>\n<script src=\"{SCRIPT_PATH}\" data-version=\"{}\"></script>\n",
        snapshot.errors, snapshot.version
    )
}

/// JSON for a `<script>` element: `<`, `>`, `&`, U+2028 and U+2029 are
/// escaped, so no text in it can close the element or break the parser.
pub(crate) fn script_json(value: &impl serde::Serialize) -> String {
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
const LIVE_JS: &str = include_str!("live.js");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_names_and_addresses_are_answered() {
        for ok in
            ["localhost", "localhost:1111", "LOCALHOST:1111", "site.localhost:80", "127.0.0.1:1111", "192.168.1.5", "[::1]:1111", "[::1]"]
        {
            assert!(host_allowed(ok), "{ok}");
        }
        for bad in [
            "attacker.example",
            "attacker.example:1111",
            "localhost.attacker.example",
            "127.0.0.1.nip.io:1111",
            "[::1",
            "[evil]:1",
            "localhost:x",
            "",
        ] {
            assert!(!host_allowed(bad), "{bad}");
        }
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
        let snapshot = Snapshot { version: "v-3".into(), errors: "[]".into(), ..Snapshot::default() };
        let snippet = live_snippet(&snapshot);
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
