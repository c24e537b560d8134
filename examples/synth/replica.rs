//! The course replicated: copies of the repository's `content/` until a site
//! of about N pages, for benchmarks that measure pages like the course's.
//!
//! Copy 0 is the course as it is; copy `k` (from 1) has every file renamed
//! `<stem>-c<k>.md`, so every id gets the suffix `-c<k>`, and every reference
//! to a page — in front-matter fields (found at the places the course's own
//! load reports them) and in `[[id]]`, `[[id|text]]` and `[[id#anchor]]`
//! links anywhere in the file — is rewritten to the page of the same copy,
//! so every copy has its own actor chapters (the hub), as a site of many
//! courses would. The front page exists once, and only copy 0's literature
//! pages name their bibliography entry (`cite:`). The result passes
//! `ledestjerne check`.
//!
//! With a Hugo folder, the same files are written as a Hugo site: `title` at
//! the top, the rest of the front matter under `params:` (printed by the
//! minimal layouts, so a search index of Hugo's output sees comparable text)
//! and the wiki links as Markdown links to the pages' URLs.

use super::sitegen::{prepare_hugo, prepare_ours, write_file};
use ledestjerne::content::Page;
use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

/// What to replicate.
pub struct Options {
    /// About how many pages the site should have (whole copies of the course).
    pub pages: usize,
    /// Folder of the site.
    pub out: PathBuf,
    /// Also write the pages as a Hugo site into this folder.
    pub hugo: Option<PathBuf>,
    /// The repository root, whose course is copied.
    pub repo_root: PathBuf,
}

/// What a page of the course is to the copies: its URL and the file it comes from.
struct Target {
    /// URL folder of its kind (`cases/`), empty for top-level pages.
    folder: String,
    title: String,
}

/// Writes the replicated course; returns the number of pages.
pub fn generate(options: &Options) -> io::Result<usize> {
    let pages = course_pages(&options.repo_root)?;
    let targets: HashMap<String, Target> = pages.iter().map(|p| (p.id.clone(), target(p))).collect();
    let copies = ((options.pages + pages.len() / 2) / pages.len()).max(1);
    prepare_ours(&options.out, &options.repo_root)?;
    if let Some(hugo) = &options.hugo {
        prepare_hugo(hugo)?;
        write_file(&hugo.join("layouts/_default/single.html"), HUGO_SINGLE)?;
    }
    let mut written = 0;
    for copy in 0..copies {
        let suffix = if copy == 0 { String::new() } else { format!("-c{copy}") };
        for page in pages.iter().filter(|p| copy == 0 || !p.url.is_empty()) {
            let mut source = std::fs::read_to_string(options.repo_root.join(&page.path))?;
            if copy > 0 {
                source = without_cite(&source);
            }
            let marked = rewrite_refs(&source, page);
            let rel = renamed(&page.path, &suffix);
            write_file(&options.out.join(&rel), &rewrite_links(&marked, &suffix, &targets, false))?;
            if let Some(hugo) = &options.hugo {
                write_file(&hugo.join(hugo_path(page, &suffix)), &hugo_page(page, &marked, &suffix, &targets))?;
            }
            written += 1;
        }
    }
    Ok(written)
}

/// `source` without its `cite:` line: one page is about each bibliography
/// entry, so only copy 0 names its entry (the copies' citations link there).
fn without_cite(source: &str) -> String {
    source.split_inclusive('\n').filter(|line| !line.starts_with("cite:")).collect()
}

/// The course's pages, loaded as a build loads them.
fn course_pages(root: &Path) -> io::Result<Vec<Page>> {
    let config = ledestjerne::config::load(root).map_err(|d| io::Error::other(format!("{d:?}")))?;
    let (pages, diagnostics) = ledestjerne::content::load(root, &config);
    if diagnostics.has_errors() {
        return Err(io::Error::other("the course has errors: run `ledestjerne check` first"));
    }
    Ok(pages)
}

fn target(page: &Page) -> Target {
    let folder = page.url.trim_end_matches('/').rsplit_once('/').map(|(f, _)| format!("{f}/")).unwrap_or_default();
    Target { folder, title: page.title.clone() }
}

/// `content/cases/x.md` → `content/cases/x-c3.md`.
fn renamed(path: &str, suffix: &str) -> String {
    match path.strip_suffix(".md") {
        Some(stem) => format!("{stem}{suffix}.md"),
        None => path.to_string(),
    }
}

/// The source with a placeholder after every front-matter reference: on
/// each line the load reported references on, every word that is one of
/// their ids (the reported columns of a flow list are the list's).
fn rewrite_refs(source: &str, page: &Page) -> String {
    let mut on_line: HashMap<usize, Vec<String>> = HashMap::new();
    for value in page.fields.values() {
        value.for_each_ref(&mut |r| on_line.entry(r.location.line).or_default().push(r.id.clone()));
    }
    let lines = source.split('\n').enumerate().map(|(i, line)| match on_line.get(&(i + 1)) {
        Some(ids) => mark_words(line, ids),
        None => line.to_string(),
    });
    lines.collect::<Vec<_>>().join("\n")
}

/// `line` with [`REF_MARK`] after every word that is one of `ids`.
fn mark_words(line: &str, ids: &[String]) -> String {
    let is_word = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    let mut out = String::with_capacity(line.len() + 8);
    let mut word = String::new();
    for c in line.chars().chain(std::iter::once('\n')) {
        if is_word(c) {
            word.push(c);
            continue;
        }
        out.push_str(&word);
        if ids.contains(&word) {
            out.push_str(REF_MARK);
        }
        word.clear();
        out.push(c);
    }
    out.pop();
    out
}

/// Hugo's page layout: the title, every front-matter parameter as text, the body.
const HUGO_SINGLE: &str = r#"{{ define "main" }}<h1>{{ .Title }}</h1>
{{ range $name, $value := .Params }}<div>{{ $value }}</div>
{{ end }}{{ .Content }}
{{ end }}
"#;

/// Marks the end of a front-matter reference until the suffix is known.
const REF_MARK: &str = "\u{1}";

/// Every wiki link (and marked reference) pointed at the page of the same
/// copy; for Hugo, wiki links become Markdown links to the pages' URLs.
fn rewrite_links(text: &str, suffix: &str, targets: &HashMap<String, Target>, hugo: bool) -> String {
    let text = text.replace(REF_MARK, suffix);
    let mut out = String::with_capacity(text.len() + 256);
    let mut rest = text.as_str();
    while let Some(start) = rest.find("[[") {
        let Some(len) = rest[start..].find("]]") else { break };
        out.push_str(&rest[..start]);
        let inner = &rest[start + 2..start + len];
        let (target, label) = inner.split_once('|').map_or((inner, None), |(t, l)| (t, Some(l)));
        let (id, anchor) = target.split_once('#').map_or((target, None), |(i, a)| (i, Some(a)));
        match (targets.get(id), hugo) {
            (Some(t), true) => {
                let anchor = anchor.map(|a| format!("#{a}")).unwrap_or_default();
                out.push_str(&format!("[{}](/{}{id}{suffix}/{anchor})", label.unwrap_or(&t.title), t.folder));
            }
            (Some(_), false) => {
                let anchor = anchor.map(|a| format!("#{a}")).unwrap_or_default();
                let label = label.map(|l| format!("|{l}")).unwrap_or_default();
                out.push_str(&format!("[[{id}{suffix}{anchor}{label}]]"));
            }
            (None, _) => out.push_str(&rest[start..start + len + 2]),
        }
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

/// Where the Hugo twin of a page goes: the front page is the home `_index.md`.
fn hugo_path(page: &Page, suffix: &str) -> String {
    if page.url.is_empty() {
        return "content/_index.md".into();
    }
    renamed(&page.path, suffix)
}

/// The page as Hugo reads it: `title` on top, the other fields under `params:`.
fn hugo_page(page: &Page, marked: &str, suffix: &str, targets: &HashMap<String, Target>) -> String {
    let body_start = marked.strip_prefix("---\n").and_then(|rest| rest.find("\n---\n").map(|end| (rest, end)));
    let Some((rest, end)) = body_start else { return rewrite_links(marked, suffix, targets, true) };
    let front = rewrite_links(&rest[..end], suffix, targets, false);
    let params: String = front.lines().map(|l| format!("  {l}\n")).collect();
    let body = rewrite_links(&rest[end + 5..], suffix, targets, true);
    let title = serde_json::to_string(&page.title).unwrap_or_default();
    format!("---\ntitle: {title}\nparams:\n{params}---\n{body}")
}
