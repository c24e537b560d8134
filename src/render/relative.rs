//! Links written relative to the page that holds them.
//!
//! Templates and Markdown write internal addresses from the site's root
//! (`/kursus/cases/x/`, with the base path). Before a page is handed on,
//! [`Relinker::page`] rewrites every such address in a URL attribute
//! (`href`, `src`, `action`, `poster`, `srcset`, and the URL of a
//! `<meta http-equiv="refresh">`) relative to the page's own folder
//! (`../x/`), so one output works at `/`, at `/kursus/` and at `/a/b/c/`,
//! on any host, and from a folder.
//!
//! A portable build ([`Links::Portable`]) also points links to folders at
//! their `index.html`, which `file://` does not add by itself. Addresses that
//! must be absolute — the sitemap, feeds, canonical and sharing tags — are
//! written from an absolute `base_url` and are not touched here.

/// How internal links are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Links {
    /// Relative to the page: `../x/`.
    #[default]
    Relative,
    /// Relative, with `index.html` spelled out: `../x/index.html`, for
    /// reading the site from a folder or a zip.
    Portable,
}

/// The attributes whose value is one URL.
const URL_ATTRIBUTES: &[&str] = &["href", "src", "action", "poster", "data-src"];

/// Rewrites the internal addresses of pages.
#[derive(Debug, Clone)]
pub struct Relinker {
    base: String,
    links: Links,
}

impl Relinker {
    /// A relinker for a site whose root is at the path `base` (`/`, `/kursus/`).
    pub fn new(base: &str, links: Links) -> Self {
        Relinker { base: base.to_string(), links }
    }

    /// `html`, the file at `path` in the output (`cases/x/index.html`), with
    /// its internal addresses relative to the file's folder.
    pub fn page(&self, path: &str, html: &str) -> String {
        let from = path.rsplit_once('/').map_or("", |(dir, _)| dir);
        let from: Vec<&str> = from.split('/').filter(|s| !s.is_empty()).collect();
        self.rewrite(html, |target, out| self.relative(&from, target, out))
    }

    /// `html` with its internal addresses made absolute from `root`
    /// (`https://x.org/kursus/` or `/kursus/`): for the 404 page, which a
    /// host shows at any address.
    pub fn absolute(&self, html: &str, root: &str) -> String {
        self.rewrite(html, |target, out| {
            out.push_str(root);
            out.push_str(target);
        })
    }

    /// `html` with its internal addresses taken from the site's root
    /// without a leading slash (`cases/x/`, `./` for the root), for a page
    /// that sets its own `<base>`.
    pub fn from_root(&self, html: &str) -> String {
        self.rewrite(html, |target, out| out.push_str(if target.is_empty() { "./" } else { target }))
    }

    /// Applies `map` to the part after the base path of every internal
    /// address in a URL attribute of `html`; `map` appends the new address.
    fn rewrite(&self, html: &str, map: impl Fn(&str, &mut String)) -> String {
        let mut out = String::with_capacity(html.len() + html.len() / 16);
        let mut rest = html;
        while let Some(at) = value_start(rest) {
            let (before, after) = rest.split_at(at);
            out.push_str(before);
            let quote = if before.ends_with('"') { b'"' } else { b'\'' };
            let end = memchr::memchr(quote, after.as_bytes()).unwrap_or(after.len());
            let value = &after[..end];
            match attribute_name(before) {
                Some(name) if URL_ATTRIBUTES.contains(&name) => self.map_url(value, &map, &mut out),
                Some("srcset") => self.map_srcset(value, &map, &mut out),
                Some("content") => self.map_refresh(value, &map, &mut out),
                _ => out.push_str(value),
            }
            rest = &after[end..];
        }
        out.push_str(rest);
        out
    }

    fn map_url(&self, value: &str, map: &impl Fn(&str, &mut String), out: &mut String) {
        match value.strip_prefix(self.base.as_str()) {
            Some(target) if !value.starts_with("//") => map(target, out),
            _ => out.push_str(value),
        }
    }

    fn map_srcset(&self, value: &str, map: &impl Fn(&str, &mut String), out: &mut String) {
        for (n, candidate) in value.split(',').enumerate() {
            if n > 0 {
                out.push_str(", ");
            }
            let candidate = candidate.trim();
            let (url, size) = candidate.split_once(' ').unwrap_or((candidate, ""));
            self.map_url(url, map, out);
            if !size.is_empty() {
                out.push(' ');
                out.push_str(size);
            }
        }
    }

    /// The URL of `<meta http-equiv="refresh" content="0; url=/x/">`.
    fn map_refresh(&self, value: &str, map: &impl Fn(&str, &mut String), out: &mut String) {
        match value.split_once("url=") {
            Some((delay, url)) if delay.trim_end().trim_end_matches(';').trim().parse::<u32>().is_ok() => {
                out.push_str(delay);
                out.push_str("url=");
                self.map_url(url, map, out);
            }
            _ => out.push_str(value),
        }
    }

    /// Appends `target` (a path from the site's root, with any `?query` or
    /// `#fragment`) relative to the folder `from`.
    fn relative(&self, from: &[&str], target: &str, out: &mut String) {
        let split = target.find(['?', '#']).unwrap_or(target.len());
        let (path, tail) = target.split_at(split);
        // The folder part of the target, and the file name ("" for a folder).
        let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
        let mut folders = dir.split('/').filter(|s| !s.is_empty()).peekable();
        let mut common = 0;
        while common < from.len() && folders.peek() == Some(&from[common]) {
            folders.next();
            common += 1;
        }
        let start = out.len();
        for _ in common..from.len() {
            out.push_str("../");
        }
        for folder in folders {
            out.push_str(folder);
            out.push('/');
        }
        out.push_str(if file.is_empty() && self.links == Links::Portable { "index.html" } else { file });
        if out.len() == start {
            out.push_str("./");
        }
        out.push_str(tail);
    }
}

/// `html` (a page whose links are written from the site's root, see
/// [`Relinker::from_root`]) with a script at the top of its `<head>` that
/// sets the page's `<base>` to the site's root, found in the page's own
/// address: the part before the first segment in `top_level` (the site's
/// top-level folders), or else the address's folder; links to a place in
/// the page itself (`#main`) are then pointed at the page's own address.
/// For the 404 page of a site whose address is not known when it is built.
pub fn find_root(html: &str, top_level: &[String]) -> String {
    let names = serde_json::to_string(top_level).unwrap_or_else(|_| "[]".into()).replace('<', "\\u003c");
    let script = format!(
        "<script>(function(){{var n={names},p=location.pathname.split(\"/\"),i=1;\
         for(;i<p.length-1;i++){{if(n.indexOf(decodeURIComponent(p[i]))>=0)break}}\
         if(i>=p.length-1){{i=p.length-1;if(p[i]===\"\"&&i>1)i--}}\
         var b=document.createElement(\"base\");b.href=p.slice(0,i).join(\"/\")+\"/\";document.head.appendChild(b);\
         document.addEventListener(\"DOMContentLoaded\",function(){{document.querySelectorAll('a[href^=\"#\"]').forEach(function(a){{\
         a.href=location.href.split(\"#\")[0]+a.getAttribute(\"href\")}})}})}})()</script>"
    );
    let at = html.find("<meta charset").and_then(|i| html[i..].find('>').map(|j| i + j + 1)).or_else(|| html.find("<head>").map(|i| i + 6));
    match at {
        Some(at) => format!("{}{script}{}", &html[..at], &html[at..]),
        None => html.to_string(),
    }
}

/// Where the first quoted attribute value of `html` starts: just after `="` or `='`.
fn value_start(html: &str) -> Option<usize> {
    let bytes = html.as_bytes();
    memchr::memchr_iter(b'=', bytes).find(|&at| matches!(bytes.get(at + 1), Some(b'"' | b'\''))).map(|at| at + 2)
}

/// The name of the attribute whose value starts after `before` (which ends
/// in `="` or `='`), when `before` ends inside a tag.
fn attribute_name(before: &str) -> Option<&str> {
    let head = &before[..before.len() - 2];
    let start = head.rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == ':')).map_or(0, |i| i + 1);
    let name = &head[start..];
    let preceded_by_space = head[..start].ends_with(|c: char| c.is_ascii_whitespace());
    (!name.is_empty() && preceded_by_space).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(base: &str, links: Links, path: &str, html: &str) -> String {
        Relinker::new(base, links).page(path, html)
    }

    #[test]
    fn links_become_relative_to_the_page() {
        let html =
            r#"<a href="/cases/y/">y</a> <a href="/cases/x/#s">self</a> <link rel="stylesheet" href="/style.css"> <a href="/">home</a>"#;
        assert_eq!(
            page("/", Links::Relative, "cases/x/index.html", html),
            r#"<a href="../y/">y</a> <a href="./#s">self</a> <link rel="stylesheet" href="../../style.css"> <a href="../../">home</a>"#
        );
        assert_eq!(
            page("/", Links::Relative, "index.html", r#"<a href="/">h</a><img src="/img/a.png" alt="">"#),
            r#"<a href="./">h</a><img src="img/a.png" alt="">"#
        );
    }

    #[test]
    fn only_addresses_under_the_base_path_change() {
        let html = r##"<a href="/kursus/a/">a</a> <a href="/other/">o</a> <a href="https://x.org/kursus/">x</a> <a href="//cdn/x">c</a> <a href="#top">t</a>"##;
        assert_eq!(
            page("/kursus/", Links::Relative, "b/index.html", html),
            r##"<a href="../a/">a</a> <a href="/other/">o</a> <a href="https://x.org/kursus/">x</a> <a href="//cdn/x">c</a> <a href="#top">t</a>"##
        );
    }

    #[test]
    fn text_and_other_attributes_are_left_alone() {
        let html = r#"<p title="/a/">x="/b/" <code>href=&quot;/c/&quot;</code></p><input value="/d/"><form action="/soeg/">"#;
        assert_eq!(
            page("/", Links::Relative, "a/index.html", html),
            r#"<p title="/a/">x="/b/" <code>href=&quot;/c/&quot;</code></p><input value="/d/"><form action="../soeg/">"#
        );
    }

    #[test]
    fn portable_links_name_the_index_file() {
        let html = r#"<a href="/cases/y/#a">y</a> <a href="/">h</a> <a href="/x.pdf">p</a> <form action="/soeg/">"#;
        assert_eq!(
            page("/", Links::Portable, "cases/x/index.html", html),
            r#"<a href="../y/index.html#a">y</a> <a href="../../index.html">h</a> <a href="../../x.pdf">p</a> <form action="../../soeg/index.html">"#
        );
    }

    #[test]
    fn srcset_refresh_and_single_quotes() {
        let html = "<img srcset=\"/a-1.jpg 1x, /a-2.jpg 2x\" src='/a.jpg'><meta http-equiv=\"refresh\" content=\"0; url=/new/\">";
        assert_eq!(
            page("/", Links::Relative, "old/index.html", html),
            "<img srcset=\"../a-1.jpg 1x, ../a-2.jpg 2x\" src='../a.jpg'><meta http-equiv=\"refresh\" content=\"0; url=../new/\">"
        );
    }

    #[test]
    fn absolute_and_from_root_for_the_404_page() {
        let r = Relinker::new("/kursus/", Links::Relative);
        let html = r#"<a href="/kursus/">h</a><link href="/kursus/style.css">"#;
        assert_eq!(
            r.absolute(html, "https://x.org/kursus/"),
            r#"<a href="https://x.org/kursus/">h</a><link href="https://x.org/kursus/style.css">"#
        );
        assert_eq!(r.from_root(html), r#"<a href="./">h</a><link href="style.css">"#);
    }
}
