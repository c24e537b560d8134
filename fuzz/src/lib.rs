//! The properties the fuzz targets check, one function per target.
//!
//! Each function takes arbitrary bytes and panics when the generator breaks a
//! promise: a panic inside the generator, a diagnostic that points outside
//! its file, a page that passed validation but cannot be rendered, or output
//! HTML with markup the content did not ask for (a script, an event-handler
//! attribute, a `javascript:` link). `tests/testsuite/reliability.rs`
//! includes this file as a module and runs the same checks on a few thousand
//! mutated content files, so the default `cargo test` exercises them on
//! stable Rust too.

use ledestjerne::config::{self, Config, KindIdx};
use ledestjerne::content::discover::SourceFile;
use ledestjerne::content::{self, Page};
use ledestjerne::diagnostics::{Diagnostics, Severity};
use ledestjerne::files;
use ledestjerne::graph::Graph;
use ledestjerne::markdown::{self, LinkTarget, Resolved};
use ledestjerne::pipeline::{self, Site};
use ledestjerne::render::{Order, theme};
use ledestjerne::slug;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// A schema with one kind of each shape: top-level pages, actors (the hub),
/// cases (references, an enum facet, numbers, a `source` object, a list of
/// objects, a URL) and people.
pub const SITE_YAML: &str = r##"title: "Fuzz"
base_url: "/"
language: da
theme: default
hub: actor
sources:
  kilde.txt: "Kilden"
types:
  source:
    type: object
    fields:
      file: { type: source_file, required: true }
      section: { type: string, required: true }
  result:
    type: object
    fields:
      label: { type: string, required: true }
      value: { type: string, required: true }
kinds:
  page:
    folder: ""
    fields:
      title: { type: string, required: true }
      summary: { type: text }
  actor:
    folder: aktoerer
    label: Aktør
    plural: Aktører
    fields:
      title: { type: string, required: true }
      chapter: { type: string, required: true }
      color: { type: color }
      summary: { type: text }
      insights: { type: list, of: { type: text } }
  case:
    folder: cases
    label: Case
    plural: Cases
    fields:
      title: { type: string, required: true }
      summary: { type: text }
      actors: { type: list, of: { type: ref, kind: actor }, min: 1 }
      sector: { type: enum, facet: true, values: { kommune: Kommune, stat: Stat } }
      year: { type: integer }
      share: { type: number }
      done: { type: bool }
      date: { type: date }
      url: { type: url }
      results: { type: list, of: { type: result } }
      contact: { type: ref, kind: person }
      authors: { type: list, of: { type: ref, kind: person, or_name: true } }
      source: { type: source }
  person:
    folder: personer
    label: Person
    plural: Personer
    title_field: name
    fields:
      name: { type: string, required: true }
      role: { type: string }
"##;

/// Pages every pipeline run has besides the fuzzed one, so references and links can resolve.
const FIXED_PAGES: [(&str, &str); 3] = [
    ("content/index.md", "---\ntitle: Forside\n---\nVelkommen.\n"),
    ("content/aktoerer/borgere.md", "---\ntitle: Borgere\nchapter: \"1\"\n---\n## Nøgletal\n\nTekst.\n"),
    ("content/personer/anna.md", "---\nname: Anna\nrole: Konsulent\n---\n"),
];

/// The parsed [`SITE_YAML`].
pub fn config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(|| config::parse(SITE_YAML).expect("the fuzz schema is valid"))
}

/// Front matter and validation: the first byte picks the kind, the rest is the file.
pub fn front_matter(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else { return };
    let config = config();
    let kind = usize::from(first) % config.kinds.len();
    let text = String::from_utf8_lossy(rest);
    let file = source_file(config, kind, "x");
    let mut diagnostics = Diagnostics::new();
    let page = content::parse_page(&file, &text, config, &mut diagnostics);
    check_locations(&diagnostics, &text, "x.md");
    if let Some(page) = page {
        check_page(&page, &text);
    }
}

/// Markdown scanning and rendering, with every internal link resolving.
pub fn markdown(data: &[u8]) {
    let Ok(source) = std::str::from_utf8(data) else { return };
    for allow_raw_html in [false, true] {
        let scan = markdown::scan(source, allow_raw_html);
        for offset in scan.links.iter().map(|l| l.offset).chain(scan.problems.iter().map(|p| p.offset)) {
            assert!(offset <= source.len() && source.is_char_boundary(offset), "offset {offset} outside the text");
        }
        if allow_raw_html {
            assert!(scan.problems.iter().all(|p| p.misuse != markdown::Misuse::RawHtml), "raw HTML reported although allowed");
        }
    }
    let resolve = |target: &LinkTarget| match target {
        LinkTarget::Page { id, anchor } | LinkTarget::File { path: id, anchor } => Some(Resolved {
            url: format!("/x/{id}/{}", anchor.as_ref().map(|a| format!("#{a}")).unwrap_or_default()),
            title: format!("Titel <{id}>"),
            embed: None,
            size: None,
        }),
        LinkTarget::Anchor(a) => Some(Resolved { url: format!("#{a}"), title: String::new(), embed: None, size: None }),
        LinkTarget::Embed(id) if id.len() % 2 == 0 => {
            Some(Resolved { url: String::new(), title: String::new(), embed: Some("<figure class=\"chart\"></figure>".into()), size: None })
        }
        LinkTarget::Embed(_) | LinkTarget::Other(_) | LinkTarget::Cite(_) => None,
    };
    let (html, headings) = markdown::render(source, false, &resolve);
    check_markdown_html(&html);
    let mut ids: Vec<&str> = headings.iter().map(|h| h.id.as_str()).collect();
    ids.sort_unstable();
    let before = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), before, "two headings share an anchor id: {headings:?}");
}

/// One fuzzed page among fixed pages: validate, resolve and, when that found
/// no errors, render the whole site. A page that passes validation must render.
pub fn page_pipeline(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else { return };
    let config = config();
    let kinds = config.kinds.len();
    let kind = usize::from(first) % kinds;
    let text = String::from_utf8_lossy(rest);
    let mut diagnostics = Diagnostics::new();
    let mut pages: Vec<Page> = FIXED_PAGES
        .iter()
        .filter_map(|(path, text)| {
            let file = source_file_at(config, path);
            content::parse_page(&file, text, config, &mut diagnostics)
        })
        .collect();
    assert!(diagnostics.is_empty(), "the fixed pages are valid: {diagnostics}");
    let file = source_file(config, kind, "fuzz");
    if let Some(page) = content::parse_page(&file, &text, config, &mut diagnostics) {
        check_page(&page, &text);
        pages.push(page);
    }
    diagnostics.extend(content::discover::check_collisions(&pages));
    let (graph, graph_diagnostics) = Graph::build(&pages, config);
    check_locations(&graph_diagnostics, &text, "x.md");
    diagnostics.extend(graph_diagnostics);
    let mut theme = THEME
        .get_or_init(|| Mutex::new(theme::load(&theme_root(), config).unwrap_or_else(|d| panic!("the default theme does not load: {d}")).0))
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    diagnostics.extend(ledestjerne::render::plan::check(&theme_root(), config, &pages, &theme));
    if diagnostics.has_errors() {
        return;
    }
    let site = Site { config: config.clone(), pages, graph, bibliography: Default::default() };
    let order = Order::new(&site.config, &site.pages);
    let (files, failures) = files::collect(|sink| {
        pipeline::with_writer(&site, &mut theme, &order, |writer, _| {
            let mut failures = pipeline::write_pages(writer, sink);
            failures.extend(writer.site_files(sink));
            failures.extend(writer.print(sink));
            failures
        })
    });
    assert!(failures.is_empty(), "a valid page failed to render: {failures:?}");
    let mut paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    paths.sort_unstable();
    let before = paths.len();
    paths.dedup();
    assert_eq!(paths.len(), before, "two output files share a path");
    for file in files.iter().filter(|f| f.path.ends_with(".html")) {
        let html = std::str::from_utf8(&file.bytes).expect("HTML is UTF-8");
        check_html(html, THEME_SCRIPTS);
    }
}

static THEME: OnceLock<Mutex<theme::Theme>> = OnceLock::new();

/// `<script>` elements the default theme puts on every page (`search.js`).
const THEME_SCRIPTS: usize = 1;

/// The folder holding `themes/default`: the repository root.
/// A `site.yaml`: parsing and validating it (`config::parse`) never panics;
/// every error points at a line of the file; a configuration that is
/// accepted has kinds with plain folders, a known hub, and a base URL the
/// generator can link with.
pub fn site_yaml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match config::parse(text) {
        Err(diagnostics) => check_locations(&diagnostics, text, config::CONFIG_FILE),
        Ok(config) => {
            for kind in &config.kinds {
                assert!(kind.folder.is_empty() || kind.folder.split('/').all(slug::is_slug), "kind folder `{}`", kind.folder);
            }
            assert!(config.hub.is_none_or(|h| h.0 < config.kinds.len()), "hub out of range");
            assert!(config::check_base_url(&config.base_url).is_ok(), "base URL `{}` accepted", config.base_url);
            for name in [&config.language, &config.theme] {
                assert!(!name.contains(['/', '\\', '.']), "`{name}` is a path");
            }
        }
    }
}

fn theme_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    [here, here.parent().unwrap_or(here)]
        .into_iter()
        .find(|d| d.join("themes/default").is_dir())
        .expect("themes/default next to the crate")
        .to_path_buf()
}

fn source_file(config: &Config, kind: usize, stem: &str) -> SourceFile {
    let folder = &config.kinds[kind].folder;
    let rel_path = if folder.is_empty() { format!("content/{stem}.md") } else { format!("content/{folder}/{stem}.md") };
    SourceFile { abs_path: PathBuf::from(&rel_path), rel_path, stem: stem.to_string(), kind: KindIdx(kind) }
}

fn source_file_at(config: &Config, rel_path: &str) -> SourceFile {
    let parts: Vec<&str> = rel_path.split('/').collect();
    let folder = if parts.len() == 3 { parts[1] } else { "" };
    let kind = config.kinds.iter().position(|k| k.folder == folder).expect("a kind for the folder");
    let stem = parts[parts.len() - 1].trim_end_matches(".md");
    SourceFile { abs_path: PathBuf::from(rel_path), rel_path: rel_path.to_string(), stem: stem.to_string(), kind: KindIdx(kind) }
}

/// Diagnostics about the fuzzed file point at a line of it (or one past its end).
/// Every error about the file whose path ends with `file` points at one of its lines.
fn check_locations(diagnostics: &Diagnostics, text: &str, file: &str) {
    let lines = text.lines().count() + 1;
    for d in diagnostics.iter().filter(|d| d.severity == Severity::Error && d.location.path.ends_with(file)) {
        assert!(d.location.line >= 1 && d.location.line <= lines, "{d} is outside the file's {lines} lines");
        assert!(d.location.col >= 1, "{d} has column 0");
    }
}

fn check_page(page: &Page, text: &str) {
    assert!(slug::is_slug(&page.id), "page id `{}` is not a slug", page.id);
    assert!(page.url.split('/').all(|s| s.is_empty() || slug::is_slug(s)), "page URL `{}`", page.url);
    assert!(page.body_line >= 2 && page.body_line <= text.lines().count() + 2, "body line {}", page.body_line);
}

/// Tags pulldown-cmark writes for Markdown (and the chart figure the fuzz resolver embeds).
const MARKDOWN_TAGS: &[&str] = &[
    "a",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "input",
    "li",
    "ol",
    "p",
    "pre",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Tags that load or run something, or change where the page's links go.
const ACTIVE_TAGS: &[&str] = &["applet", "base", "embed", "frame", "frameset", "iframe", "object", "style", "template"];

/// Checks rendered Markdown: only the renderer's own tags, and everything [`check_html`] checks.
fn check_markdown_html(html: &str) {
    for tag in tags(html) {
        let name = tag_name(tag);
        assert!(MARKDOWN_TAGS.contains(&name.as_str()), "unexpected tag {tag}");
    }
    check_html(html, 0);
}

/// Checks that `html` has exactly `scripts` `<script>` elements (the theme's
/// own), no tag that loads or runs something, no event-handler attribute and
/// no link with a scheme other than http, https and mailto.
pub fn check_html(html: &str, scripts: usize) {
    let mut script_tags = 0;
    for tag in tags(html) {
        let name = tag_name(tag);
        assert!(!ACTIVE_TAGS.contains(&name.as_str()), "unexpected tag {tag}");
        if name == "script" && !tag.starts_with("</") {
            script_tags += 1;
        }
        let body = tag.trim_start_matches('<').trim_end_matches('>').trim_end_matches('/');
        for (attr, value) in attributes(body) {
            let attr = attr.to_ascii_lowercase();
            assert!(!attr.starts_with("on"), "event-handler attribute in {tag}");
            if matches!(attr.as_str(), "href" | "src" | "action" | "formaction" | "xlink:href") {
                let decoded: String = decode_entities(&value)
                    .chars()
                    .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                for scheme in ["javascript:", "vbscript:", "data:"] {
                    assert!(!decoded.starts_with(scheme), "{scheme} link in {tag}");
                }
            }
        }
    }
    assert_eq!(script_tags, scripts, "unexpected <script> elements in\n{html}");
}

/// The lowercase element name of a tag, without the `/` of an end tag.
fn tag_name(tag: &str) -> String {
    let body = tag.trim_start_matches('<').trim_start_matches('/');
    body.split(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/').next().unwrap_or_default().to_ascii_lowercase()
}

/// Every `<…>` of `html`; text is escaped, so each `<` starts a tag.
fn tags(html: &str) -> impl Iterator<Item = &str> {
    html.match_indices('<').map(move |(i, _)| {
        let end = html[i..].find('>').map_or(html.len(), |e| i + e + 1);
        &html[i..end]
    })
}

/// `name="value"` pairs of a tag body (values are always double-quoted in our output).
fn attributes(body: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = body.split_once(|c: char| c.is_ascii_whitespace()).map_or("", |(_, r)| r);
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return out;
        }
        let name_end = rest.find(|c: char| c == '=' || c.is_ascii_whitespace()).unwrap_or(rest.len());
        let name = rest[..name_end].to_string();
        rest = &rest[name_end..];
        if let Some(after) = rest.strip_prefix("=\"") {
            let end = after.find('"').unwrap_or(after.len());
            out.push((name, after[..end].to_string()));
            rest = after.get(end + 1..).unwrap_or("");
        } else if let Some(after) = rest.strip_prefix('=') {
            let end = after.find(|c: char| c.is_ascii_whitespace()).unwrap_or(after.len());
            out.push((name, after[..end].to_string()));
            rest = &after[end..];
        } else {
            out.push((name, String::new()));
        }
    }
}

/// Decodes the character references a browser would decode in an attribute.
fn decode_entities(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|&e| e <= 12);
        let decoded = end.and_then(|e| {
            let entity = &rest[1..e];
            let code = match entity {
                "amp" => Some('&' as u32),
                "quot" => Some('"' as u32),
                "lt" => Some('<' as u32),
                "gt" => Some('>' as u32),
                "colon" => Some(':' as u32),
                _ => entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                    .map_or_else(|| entity.strip_prefix('#').and_then(|n| n.parse().ok()), |h| u32::from_str_radix(h, 16).ok()),
            };
            code.and_then(char::from_u32).map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}
