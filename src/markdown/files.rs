//! Files a page's Markdown points at: pictures and documents beside the
//! page (`foto.jpg`, `../filer/notat.pdf`) or from the site's root
//! (`/img/logo.svg`).
//!
//! [`scan`](super::scan) records each with its place, so the build can
//! check that the file exists, and every image, so it can check that the
//! image has alt text; the renderer writes them with the site's path and
//! gives pictures their size and `loading="lazy"`.

use super::Scan;
use pulldown_cmark::{Event, LinkType, Tag, TagEnd};

/// A link or image to a file of the site.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileRef {
    /// The path as written, without `?query` or `#fragment`, percent-decoded.
    pub path: String,
    /// Byte offset of the link or image in the source.
    pub offset: usize,
    /// Whether it is an image (`![alt](path)`).
    pub image: bool,
}

/// An image and whether it has alt text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImageRef {
    /// Byte offset of the image in the source.
    pub offset: usize,
    /// The address as written.
    pub dest: String,
    /// Whether the brackets hold any text.
    pub has_alt: bool,
}

/// An image as the renderer writes it: with its size when it is known, and
/// loaded only when it is scrolled near (`loading="lazy"`).
#[derive(Debug, Clone, Default)]
pub struct ImageTag {
    /// The address to write.
    pub src: String,
    /// The title, when the Markdown gives one.
    pub title: String,
    /// Width and height in pixels.
    pub size: Option<(u32, u32)>,
    /// The alt text.
    pub alt: String,
    /// Images inside the alt text still open (their text joins the alt text).
    pub depth: usize,
}

impl ImageTag {
    /// Adds what `event`, inside the image's brackets, gives its alt text.
    pub fn collect_alt(&mut self, event: &Event<'_>) {
        match event {
            Event::Text(text) | Event::Code(text) => self.alt.push_str(text),
            Event::SoftBreak | Event::HardBreak => self.alt.push(' '),
            Event::Start(Tag::Image { .. }) => self.depth += 1,
            Event::End(TagEnd::Image) => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
    }

    /// The `<img>` element.
    pub fn html(&self) -> String {
        let mut html = format!("<img src=\"{}\" alt=\"{}\"", crate::html::escape(&self.src), crate::html::escape(&self.alt));
        if !self.title.is_empty() {
            html.push_str(&format!(" title=\"{}\"", crate::html::escape(&self.title)));
        }
        if let Some((width, height)) = self.size {
            html.push_str(&format!(" width=\"{width}\" height=\"{height}\""));
        }
        html.push_str(" loading=\"lazy\">");
        html
    }
}

/// The path of a site file that `dest` points at: an address without a
/// scheme that is not only a `#fragment`, not a Markdown file (those are
/// links to pages) and not `//host/…`. Percent-escapes are decoded.
pub fn local_path(dest: &str) -> Option<String> {
    let dest = dest.trim();
    if dest.starts_with("//") || dest.contains(':') && scheme_like(dest) {
        return None;
    }
    let end = dest.find(['?', '#']).unwrap_or(dest.len());
    let path = &dest[..end];
    if path.is_empty() || path.ends_with(".md") {
        return None;
    }
    Some(percent_decoded(path))
}

fn scheme_like(dest: &str) -> bool {
    let colon = dest.find(':').unwrap_or(0);
    !dest[..colon].contains('/') && !dest[..colon].contains(['?', '#'])
}

fn percent_decoded(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| path.to_string())
}

/// `path` (as written in the Markdown file at `source`, a path from the
/// site's root such as `content/cases/x.md`) as a path in the output: from
/// the site's root when it starts with `/`, else from the Markdown file's
/// folder under `content/`. `None` when it climbs out of `content/`.
pub fn site_path(source: &str, path: &str) -> Option<String> {
    if let Some(rooted) = path.strip_prefix('/') {
        return Some(rooted.to_string());
    }
    let mut segments: Vec<&str> = source.split('/').skip(1).collect();
    segments.pop();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                segments.pop()?;
            }
            part => segments.push(part),
        }
    }
    let mut joined = segments.join("/");
    if path.ends_with('/') && !joined.is_empty() {
        joined.push('/');
    }
    Some(joined)
}

/// What one event adds to the files and images of a scan.
pub(super) fn scan_event(event: &Event<'_>, offset: usize, in_image: &mut bool, out: &mut Scan) {
    match event {
        Event::Start(Tag::Link { link_type, dest_url, .. }) if !matches!(link_type, LinkType::WikiLink { .. }) => {
            if let Some(path) = local_path(dest_url).filter(|_| super::scheme_of(dest_url).is_none()) {
                out.files.push(FileRef { path, offset, image: false });
            }
        }
        Event::Start(Tag::Image { link_type, dest_url, .. }) if !matches!(link_type, LinkType::WikiLink { .. }) => {
            if let Some(path) = local_path(dest_url).filter(|_| super::scheme_of(dest_url).is_none()) {
                out.files.push(FileRef { path, offset, image: true });
            }
            out.images.push(ImageRef { offset, dest: dest_url.to_string(), has_alt: false });
            *in_image = true;
        }
        Event::Text(text) | Event::Code(text) if *in_image && !text.trim().is_empty() => {
            if let Some(image) = out.images.last_mut() {
                image.has_alt = true;
            }
        }
        Event::End(TagEnd::Image) => *in_image = false,
        _ => {}
    }
}

/// `path` with the characters an address cannot hold as they are escaped.
pub fn url_encoded(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            ' ' | '"' | '<' | '>' | '%' | '#' | '?' | '\'' | '`' => out.push_str(&format!("%{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_paths_are_those_without_a_scheme() {
        assert_eq!(local_path("foto.jpg"), Some("foto.jpg".into()));
        assert_eq!(local_path("../filer/min%20fil.pdf#side=2"), Some("../filer/min fil.pdf".into()));
        assert_eq!(local_path("/img/logo.svg"), Some("/img/logo.svg".into()));
        for other in ["https://x.org/a.png", "mailto:a@b.dk", "#top", "//cdn/x.js", "../cases/x.md", "x.md#a", ""] {
            assert_eq!(local_path(other), None, "{other}");
        }
    }

    #[test]
    fn paths_are_taken_from_the_markdown_files_folder() {
        assert_eq!(site_path("content/cases/x.md", "foto.jpg").as_deref(), Some("cases/foto.jpg"));
        assert_eq!(site_path("content/cases/x/index.md", "foto.jpg").as_deref(), Some("cases/x/foto.jpg"));
        assert_eq!(site_path("content/cases/x.md", "../filer/a.pdf").as_deref(), Some("filer/a.pdf"));
        assert_eq!(site_path("content/index.md", "cases/form/eksempel/").as_deref(), Some("cases/form/eksempel/"));
        assert_eq!(site_path("content/cases/x.md", "/img/a.png").as_deref(), Some("img/a.png"));
        assert_eq!(site_path("content/x.md", "../../etc/passwd"), None);
    }
}
