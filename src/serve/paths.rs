//! Request paths: from the path of a request to a file of the site.
//!
//! Two pure functions decide what a request may reach: [`resolve`] decodes
//! and checks the path, refusing anything that is not a plain path inside
//! the site, and [`lookup`] finds the file it names. [`content_type`] says
//! how a file is served.

/// A request path that is safe to look up: plain segments, no escapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RequestPath {
    /// Decoded segments joined with `/` (`cases/x`); empty for the root.
    key: String,
    /// Whether the request ended with `/` (a folder).
    dir: bool,
}

/// A request path that could reach outside the site, or is not a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BadPath;

/// Decodes and checks the path of a request URI (`/cases/x/`).
///
/// Each segment is percent-decoded on its own, so `%2f` cannot make a new
/// separator; a segment that decodes to `.`, `..`, or contains `/`, `\`,
/// or a control character is refused, as is any raw backslash and any empty
/// segment (`//x` would also make a protocol-relative redirect).
pub(crate) fn resolve(raw: &str) -> Result<RequestPath, BadPath> {
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
fn percent_decode(raw: &str) -> Option<String> {
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
pub(crate) enum Lookup {
    /// This file.
    File(String),
    /// A folder asked for without its `/`: redirect to add it.
    AddSlash,
    /// Nothing.
    NotFound,
}

/// Finds `path` in a site whose files `exists` knows: folders serve their
/// `index.html`, and a folder asked for without `/` is redirected.
pub(crate) fn lookup(path: &RequestPath, exists: impl Fn(&str) -> bool) -> Lookup {
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
pub(crate) fn content_type(path: &str) -> &'static str {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
