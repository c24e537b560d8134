//! Markdown: pulldown-cmark events → HTML, headings and outgoing links.
//!
//! Two passes over a body, both pure functions of the text:
//! [`scan`] finds headings (with Danish anchor slugs), outgoing links with
//! their byte offsets, and content that is not allowed (raw HTML, `javascript:`
//! and other unsafe link schemes); [`render`] writes HTML, resolving each
//! internal link through a caller-supplied resolver once all pages are known.

pub mod cite;
pub mod cost;
pub mod files;
pub mod footnotes;
mod headings;
pub mod highlight;
pub mod labels;
pub mod math;
pub mod stylesheet;

use headings::headings;
use labels::Labels;
use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

/// URL schemes a link may use; anything else (`javascript:`, `data:`, `vbscript:`) is refused.
pub const ALLOWED_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// The parser options used for every body and text field.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_WIKILINKS
        | Options::ENABLE_MATH
        | Options::ENABLE_TASKLISTS
}

/// A heading of a page.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// Plain text of the heading.
    pub text: String,
    /// Anchor id, unique within the page.
    pub id: String,
}

/// Where a link points.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum LinkTarget {
    /// `[[id]]` or `[[id#anchor]]`.
    Page {
        /// Target page id.
        id: String,
        /// Heading anchor on the target.
        anchor: Option<String>,
    },
    /// A relative link to a Markdown file, `../cases/x.md#anchor`.
    File {
        /// The path as written, without the anchor.
        path: String,
        /// Heading anchor on the target.
        anchor: Option<String>,
    },
    /// `#anchor` on the same page.
    Anchor(String),
    /// `![[id]]`: the page's chart embedded in this one.
    Embed(String),
    /// Anything else that is allowed: an external or site-relative URL.
    Other(String),
    /// `[@key]`, `[@a; @b, s. 4]`: a citation of bibliography entries ([`cite`]).
    Cite(cite::Citation),
}

/// One outgoing link and the byte offset where it is written.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OutLink {
    /// The target.
    pub target: LinkTarget,
    /// Byte offset of the link in the source.
    pub offset: usize,
}

/// Something in the Markdown that is not allowed, and where it is written.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    /// Byte offset in the source.
    pub offset: usize,
    /// What it is.
    pub misuse: Misuse,
}

/// The kinds of content a page may not contain.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Misuse {
    /// A link or image with a scheme other than [`ALLOWED_SCHEMES`] (`javascript:`).
    Scheme(String),
    /// Raw HTML while `markdown.allow_raw_html` is off.
    RawHtml,
    /// A heading with `{name=value}` attributes (raw HTML by another name).
    HeadingAttributes,
    /// A body over one of the caps of [`cost`].
    TooCostly(cost::Cost),
    /// A `$…$` or `$$…$$` formula whose TeX cannot be read.
    Tex(String),
}

impl Misuse {
    /// What is wrong and how to fix it, in words; made only when reported.
    pub fn describe(&self) -> (String, String) {
        match self {
            Misuse::Scheme(scheme) => (
                format!("links with the scheme `{scheme}:` are not allowed"),
                format!("use an address starting with {}", ALLOWED_SCHEMES.map(|s| format!("{s}:")).join(" or ")),
            ),
            Misuse::RawHtml => (
                "raw HTML is not allowed in content".into(),
                "use Markdown instead (e.g. **fed**, [link](url)), or set `markdown.allow_raw_html: true` in site.yaml".into(),
            ),
            Misuse::HeadingAttributes => (
                "heading attributes other than `{#id}` and `{.class}` are not allowed".into(),
                "remove the `name=value` part of the heading's `{…}`: attributes such as `onclick=` are raw HTML".into(),
            ),
            Misuse::TooCostly(cost) => cost.describe(),
            Misuse::Tex(message) => (
                format!("this formula cannot be read as TeX: {message}"),
                "fix the TeX between the dollar signs, or write a dollar sign that is not math as `\\$`".into(),
            ),
        }
    }
}

/// What [`scan`] finds in a body.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Scan {
    /// Headings in order.
    pub headings: Vec<Heading>,
    /// Outgoing links in order.
    pub links: Vec<OutLink>,
    /// Disallowed content.
    pub problems: Vec<Problem>,
    /// Links and images to files of the site (pictures, documents).
    pub files: Vec<files::FileRef>,
    /// Every image, with whether it has alt text.
    pub images: Vec<files::ImageRef>,
}

/// Scans `source` for headings, links and disallowed content. A body over
/// one of the caps of [`cost`] is refused with one problem, without being
/// parsed (or parsed only up to the cap).
pub fn scan(source: &str, allow_raw_html: bool) -> Scan {
    if let Some(cost) = cost::precheck(source) {
        return Scan { problems: vec![Problem { offset: 0, misuse: Misuse::TooCostly(cost) }], ..Scan::default() };
    }
    let mut out = Scan::default();
    let mut heading_events = Vec::new();
    let mut in_heading = false;
    let mut in_image = false;
    for (count, (event, range)) in Parser::new_ext(source, options()).into_offset_iter().enumerate() {
        if count == cost::MAX_ELEMENTS {
            out.problems.push(Problem { offset: range.start, misuse: Misuse::TooCostly(cost::Cost::Elements) });
            break;
        }
        in_heading |= matches!(event, Event::Start(Tag::Heading { .. }));
        scan_event(&event, range.start, allow_raw_html, &mut out);
        files::scan_event(&event, range.start, &mut in_image, &mut out);
        if in_heading {
            in_heading = !matches!(event, Event::End(TagEnd::Heading(_)));
            heading_events.push(event);
        }
    }
    out.headings = headings(heading_events.iter());
    out.links.extend(cite::scan(source));
    out
}

/// What one event adds to a scan: a link, an embed, or a problem.
fn scan_event(event: &Event<'_>, offset: usize, allow_raw_html: bool, out: &mut Scan) {
    match event {
        Event::Start(Tag::Link { link_type, dest_url, .. }) => match classify(dest_url, *link_type) {
            Ok(target) => out.links.push(OutLink { target, offset }),
            Err(misuse) => out.problems.push(Problem { offset, misuse }),
        },
        Event::Start(Tag::Image { link_type: LinkType::WikiLink { .. }, dest_url, .. }) => {
            out.links.push(OutLink { target: LinkTarget::Embed(dest_url.trim().to_string()), offset });
        }
        Event::Start(Tag::Image { dest_url, .. }) => {
            if let Err(misuse) = check_scheme(dest_url) {
                out.problems.push(Problem { offset, misuse });
            }
        }
        Event::Html(_) | Event::InlineHtml(_) if !allow_raw_html => out.problems.push(Problem { offset, misuse: Misuse::RawHtml }),
        Event::Start(Tag::Heading { attrs, .. }) if !allow_raw_html && !attrs.is_empty() => {
            out.problems.push(Problem { offset, misuse: Misuse::HeadingAttributes })
        }
        Event::InlineMath(_) | Event::DisplayMath(_) => {
            if let Some(error) = math::check(event) {
                out.problems.push(Problem { offset: offset + error.offset, misuse: Misuse::Tex(error.message) });
            }
        }
        _ => {}
    }
}

/// Classifies a link destination, or says why it is not allowed.
pub fn classify(dest: &str, link_type: LinkType) -> Result<LinkTarget, Misuse> {
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(a.to_string())),
        None => (dest, None),
    };
    if matches!(link_type, LinkType::WikiLink { .. }) {
        return Ok(LinkTarget::Page { id: path.trim().to_string(), anchor });
    }
    check_scheme(dest)?;
    if path.is_empty() {
        return Ok(anchor.map_or(LinkTarget::Other(String::new()), LinkTarget::Anchor));
    }
    if scheme_of(dest).is_none() && path.ends_with(".md") {
        return Ok(LinkTarget::File { path: path.to_string(), anchor });
    }
    Ok(LinkTarget::Other(dest.to_string()))
}

fn scheme_of(dest: &str) -> Option<String> {
    // Browsers ignore ASCII whitespace and control characters inside a scheme
    // (`java\tscript:`), so they are dropped before it is compared.
    let cleaned: String = dest.chars().filter(|c| !c.is_ascii_whitespace() && !c.is_control()).collect();
    let colon = cleaned.find(':')?;
    let scheme = &cleaned[..colon];
    let looks_like_scheme = !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    (looks_like_scheme && !cleaned[..colon].contains('/')).then(|| scheme.to_ascii_lowercase())
}

fn check_scheme(dest: &str) -> Result<(), Misuse> {
    match scheme_of(dest) {
        Some(scheme) if !ALLOWED_SCHEMES.contains(&scheme.as_str()) => Err(Misuse::Scheme(scheme)),
        _ => Ok(()),
    }
}

/// Replaces `![[id]]` embeds with the resolver's HTML. An embed alone in its
/// paragraph replaces the paragraph (a `<figure>` may not sit inside `<p>`).
fn embed_blocks<'e>(events: Vec<Event<'e>>, resolve: &dyn Fn(&LinkTarget) -> Option<Resolved>) -> Vec<Event<'e>> {
    let mut out: Vec<Event<'e>> = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        let Event::Start(Tag::Image { link_type: LinkType::WikiLink { .. }, dest_url, .. }) = &events[i] else {
            out.push(events[i].clone());
            i += 1;
            continue;
        };
        let end = events[i..].iter().position(|e| matches!(e, Event::End(TagEnd::Image))).map_or(events.len(), |p| i + p);
        let id = dest_url.trim().to_string();
        let html = resolve(&LinkTarget::Embed(id.clone())).and_then(|r| r.embed);
        let alone =
            matches!(out.last(), Some(Event::Start(Tag::Paragraph))) && matches!(events.get(end + 1), Some(Event::End(TagEnd::Paragraph)));
        match html {
            Some(html) if alone => {
                out.pop();
                out.push(Event::Html(html.into()));
                i = end + 2;
            }
            Some(html) => {
                out.push(Event::InlineHtml(html.into()));
                i = end + 1;
            }
            None => {
                out.extend([Event::Start(Tag::Emphasis), Event::Text(id.into()), Event::End(TagEnd::Emphasis)]);
                i = end + 1;
            }
        }
    }
    out
}

/// A resolved internal link: URL and the target's title.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Resolved {
    /// URL to write in `href`.
    pub url: String,
    /// Title of the target page (link text for `[[id]]`).
    pub title: String,
    /// For [`LinkTarget::Embed`]: the HTML to put in place of the embed.
    pub embed: Option<String>,
    /// For a picture of the site's own: its width and height in pixels.
    pub size: Option<(u32, u32)>,
}

/// Renders `source` to HTML with English [`Labels`]. `resolve` maps internal links to URLs; unresolved ones become plain text.
pub fn render(source: &str, allow_raw_html: bool, resolve: &dyn Fn(&LinkTarget) -> Option<Resolved>) -> (String, Vec<Heading>) {
    render_as(source, allow_raw_html, &Labels::default(), resolve, None)
}

/// Renders `source` to HTML, naming footnotes, heading links and task boxes with `labels`.
pub fn render_labelled(source: &str, allow_raw_html: bool, labels: &Labels, resolve: Resolver<'_>) -> (String, Vec<Heading>) {
    render_as(source, allow_raw_html, labels, resolve, None)
}

/// Renders `source` as one section of a page that holds many: headings one
/// level down (`##` becomes `<h3>`), and every id and `#anchor` link of the
/// page given `prefix`, so that two pages' `#noegletal` stay apart. Code
/// and text are left as written.
pub fn render_section(source: &str, allow_raw_html: bool, labels: &Labels, resolve: Resolver<'_>, prefix: &str) -> String {
    render_as(source, allow_raw_html, labels, resolve, Some(prefix)).0
}

fn render_as(source: &str, allow_raw_html: bool, labels: &Labels, resolve: Resolver<'_>, section: Option<&str>) -> (String, Vec<Heading>) {
    let parsed = Parser::new_ext(source, options());
    // Raw HTML from content becomes text before embeds add the only HTML that is let through.
    let escaped: Vec<Event<'_>> = if allow_raw_html {
        parsed.collect()
    } else {
        parsed
            .map(|e| match e {
                Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
                e => e,
            })
            .collect()
    };
    let events = footnotes::footnotes(cite::replace(embed_blocks(escaped, resolve), resolve), labels);
    let heads = headings(events.iter());
    let mut rewriter = Rewriter {
        resolve,
        allow_raw_html,
        heads: &heads,
        heading_index: 0,
        open_heading: None,
        labels,
        skip_wiki_text: false,
        open_links: Vec::new(),
        open_images: Vec::new(),
        image: None,
        section,
    };
    let mut out = Vec::with_capacity(events.len());
    for event in events {
        rewriter.rewrite(event, &mut out);
    }
    let out = math::formulas(highlight::code_blocks(out));
    let mut html = String::with_capacity(source.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    (html, heads)
}

/// Maps an internal link to its URL, title and embed, if it resolves.
pub type Resolver<'r> = &'r dyn Fn(&LinkTarget) -> Option<Resolved>;

/// The second pass of [`render`]: heading ids, resolved links, and unsafe
/// or unresolved links and images turned into emphasis.
struct Rewriter<'r> {
    resolve: Resolver<'r>,
    allow_raw_html: bool,
    heads: &'r [Heading],
    heading_index: usize,
    /// The id (with the section's prefix) and text of the heading being written.
    open_heading: Option<(String, String)>,
    labels: &'r Labels,
    /// Inside a plain `[[id]]`, whose text is replaced by the target's title.
    skip_wiki_text: bool,
    /// For each open link: true when it was resolved, false when an `<em>` stands in for it.
    open_links: Vec<bool>,
    /// For each open image: true when it is kept, false when an `<em>` stands in for it.
    open_images: Vec<bool>,
    /// The image being written, whose alt text is being collected.
    image: Option<files::ImageTag>,
    /// The id prefix when the page is rendered as a section of a bigger one.
    section: Option<&'r str>,
}

impl<'e> Rewriter<'_> {
    fn rewrite(&mut self, event: Event<'e>, out: &mut Vec<Event<'e>>) {
        if let Some(image) = self.image.as_mut().filter(|i| i.depth > 0 || !matches!(event, Event::End(TagEnd::Image))) {
            image.collect_alt(&event);
            return;
        }
        match event {
            Event::Start(Tag::Heading { level, classes, mut attrs, .. }) => {
                let head = self.heads.get(self.heading_index);
                let id = head.map(|h| CowStr::from(h.id.clone()));
                self.heading_index += 1;
                // `## Title {onmouseover=…}` would otherwise write the attribute as is.
                if !self.allow_raw_html {
                    attrs.clear();
                }
                let (level, id) = match self.section {
                    Some(prefix) => (one_down(level), id.map(|id| format!("{prefix}{id}").into())),
                    None => (level, id),
                };
                self.open_heading = id.as_ref().zip(head).map(|(id, h)| (id.to_string(), h.text.clone()));
                out.push(Event::Start(Tag::Heading { level, id, classes, attrs }));
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some((id, text)) = self.open_heading.take() {
                    out.push(Event::InlineHtml(self.labels.heading_link(&id, &text).into()));
                }
                out.push(Event::End(TagEnd::Heading(if self.section.is_some() { one_down(level) } else { level })));
            }
            Event::TaskListMarker(done) => out.push(Event::InlineHtml(self.labels.task_box(done).into())),
            Event::Html(html) if self.section.is_some() => out.push(Event::Html(self.section_html(&html).into())),
            Event::InlineHtml(html) if self.section.is_some() => out.push(Event::InlineHtml(self.section_html(&html).into())),
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => self.link(link_type, &dest_url, title, id, out),
            Event::End(TagEnd::Link) => {
                self.skip_wiki_text = false;
                let resolved = self.open_links.pop().unwrap_or(true);
                out.push(Event::End(if resolved { TagEnd::Link } else { TagEnd::Emphasis }));
            }
            Event::Text(_) | Event::Code(_) if self.skip_wiki_text => {}
            Event::Start(Tag::Image { dest_url, .. }) if check_scheme(&dest_url).is_err() => {
                self.open_images.push(false);
                out.push(Event::Start(Tag::Emphasis));
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                self.open_images.push(true);
                let own = (self.resolve)(&LinkTarget::Other(dest_url.to_string()));
                let size = own.as_ref().and_then(|r| r.size);
                let src = own.map_or_else(|| dest_url.to_string(), |r| r.url);
                let _ = (link_type, id);
                self.image = Some(files::ImageTag { src, title: title.to_string(), size, ..files::ImageTag::default() });
            }
            Event::End(TagEnd::Image) => {
                let ok = self.open_images.pop().unwrap_or(true);
                match self.image.take() {
                    Some(image) if ok => out.push(Event::InlineHtml(image.html().into())),
                    _ => out.push(Event::End(if ok { TagEnd::Image } else { TagEnd::Emphasis })),
                }
            }
            other => out.push(other),
        }
    }

    /// The start of a link: resolved to its URL (a plain `[[id]]` also gets
    /// the target's title as text), or emphasis when it does not resolve.
    fn link(&mut self, link_type: LinkType, dest_url: &str, title: CowStr<'e>, id: CowStr<'e>, out: &mut Vec<Event<'e>>) {
        let target = classify(dest_url, link_type).ok();
        let resolved = target.as_ref().and_then(|t| match t {
            // An address of the site's own (`/img/x.png`) may get the site's path from the resolver.
            LinkTarget::Other(url) => {
                (self.resolve)(t).or_else(|| Some(Resolved { url: url.clone(), title: String::new(), embed: None, size: None }))
            }
            t => (self.resolve)(t),
        });
        let Some(r) = resolved else {
            self.open_links.push(false);
            out.push(Event::Start(Tag::Emphasis));
            return;
        };
        self.open_links.push(true);
        let url = match (self.section, r.url.strip_prefix('#')) {
            (Some(prefix), Some(anchor)) => format!("#{prefix}{anchor}"),
            _ => r.url,
        };
        out.push(Event::Start(Tag::Link { link_type, dest_url: url.into(), title, id }));
        if matches!(link_type, LinkType::WikiLink { has_pothole: false }) {
            out.push(Event::Text(r.title.into()));
            self.skip_wiki_text = true;
        }
    }
}

impl Rewriter<'_> {
    /// HTML the generator made (an embedded chart), its ids and anchors given the section's prefix.
    fn section_html(&self, html: &str) -> String {
        let prefix = self.section.unwrap_or_default();
        html.replace(" id=\"", &format!(" id=\"{prefix}")).replace("href=\"#", &format!("href=\"#{prefix}"))
    }
}

/// The heading level below `level` (`<h6>` stays).
fn one_down(level: HeadingLevel) -> HeadingLevel {
    HeadingLevel::try_from(level as usize + 1).unwrap_or(HeadingLevel::H6)
}

#[cfg(test)]
mod tests;
