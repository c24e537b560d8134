//! Citations in Markdown: `[@key]`, `[@key, s. 45]`, `[@a; @b]` and
//! `[-@key]` (the year without the author, for "Bason (2017) writes …").
//!
//! A citation is found in the text of a body — never in code, in a link's
//! text or in an image's description — once the parser has run, so that
//! `` `[@key]` `` stays code and an e-mail address (`navn@coi.dk`) stays
//! text: only a bracket that holds nothing but `@key` items is a citation.
//! [`scan`] finds them with their byte offsets (for errors); [`replace`] puts
//! the resolver's HTML in their place when a page is rendered. What a key
//! means and how a citation is formatted belong to the bibliography, not here.

use super::{LinkTarget, OutLink, Resolver};
use pulldown_cmark::{CowStr, Event, Parser, Tag, TagEnd};

/// One cited entry of a citation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct CiteItem {
    /// The entry's key in the bibliography.
    pub key: String,
    /// Where in the work, as written after the comma (`s. 45`).
    pub locator: Option<String>,
    /// `[-@key]`: the year (and locator) without the author.
    pub suppress_author: bool,
}

/// A bracketed citation of one or more entries.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Citation {
    /// The cited entries in the order written.
    pub items: Vec<CiteItem>,
    /// The citation as written, brackets included: shown when it cannot be resolved.
    pub written: String,
}

/// The citations of `source` as links, each with the byte offset of its `[`.
pub fn scan(source: &str) -> Vec<OutLink> {
    if !source.contains('@') {
        return Vec::new();
    }
    let mut out = Vec::new();
    for_each_run(Parser::new_ext(source, super::options()).into_offset_iter(), &mut |run: &[Piece<'_>]| {
        let text: String = run.iter().map(|(t, _)| t.as_ref()).collect();
        for (at, citation) in find(&text) {
            out.push(OutLink { target: LinkTarget::Cite(citation), offset: source_offset(run, at) });
        }
    });
    out
}

/// `events` with every citation in their text replaced by the HTML `resolve`
/// gives for [`LinkTarget::Cite`]; a citation it does not resolve stays as written.
pub fn replace<'e>(events: Vec<Event<'e>>, resolve: Resolver<'_>) -> Vec<Event<'e>> {
    if !events.iter().any(|e| matches!(e, Event::Text(t) if t.contains('@'))) {
        return events;
    }
    let mut out = Vec::with_capacity(events.len());
    let mut run: Vec<CowStr<'e>> = Vec::new();
    let mut depth = 0usize;
    for event in events {
        match event {
            Event::Text(text) if depth == 0 => run.push(text),
            other => {
                flush(&mut run, resolve, &mut out);
                depth = nesting(&other, depth);
                out.push(other);
            }
        }
    }
    flush(&mut run, resolve, &mut out);
    out
}

/// Link, image and code block depth after `event`: no citation inside any.
fn nesting(event: &Event<'_>, depth: usize) -> usize {
    match event {
        Event::Start(Tag::Link { .. } | Tag::Image { .. } | Tag::CodeBlock(_)) => depth + 1,
        Event::End(TagEnd::Link | TagEnd::Image | TagEnd::CodeBlock) => depth.saturating_sub(1),
        _ => depth,
    }
}

/// One run of adjacent text events as text, HTML for its citations, text.
fn flush<'e>(run: &mut Vec<CowStr<'e>>, resolve: Resolver<'_>, out: &mut Vec<Event<'e>>) {
    if run.is_empty() {
        return;
    }
    let text: String = run.iter().map(|t| t.as_ref()).collect();
    let found = find(&text);
    if found.is_empty() {
        out.extend(run.drain(..).map(Event::Text));
        return;
    }
    run.clear();
    let mut done = 0;
    for (at, citation) in found {
        if at > done {
            out.push(Event::Text(text[done..at].to_string().into()));
        }
        done = at + citation.written.len();
        match resolve(&LinkTarget::Cite(citation.clone())).and_then(|r| r.embed) {
            Some(html) => out.push(Event::InlineHtml(html.into())),
            None => out.push(Event::Text(citation.written.into())),
        }
    }
    if done < text.len() {
        out.push(Event::Text(text[done..].to_string().into()));
    }
}

/// A text event's text and the byte offset it starts at in the source.
type Piece<'e> = (CowStr<'e>, usize);

/// Calls `f` with every run of adjacent text events (outside links and
/// images and code blocks), each text with the byte offset it starts at in the source.
fn for_each_run<'e>(events: impl Iterator<Item = (Event<'e>, std::ops::Range<usize>)>, f: &mut dyn FnMut(&[Piece<'e>])) {
    let mut run = Vec::new();
    let mut depth = 0usize;
    for (event, range) in events {
        match event {
            Event::Text(text) if depth == 0 => run.push((text, range.start)),
            other => {
                if !run.is_empty() {
                    f(&run);
                    run.clear();
                }
                depth = nesting(&other, depth);
            }
        }
    }
    if !run.is_empty() {
        f(&run);
    }
}

/// The source offset of byte `at` of a run's joined text: exact when the
/// text event holding it is written as is, else the event's own start.
fn source_offset(run: &[Piece<'_>], at: usize) -> usize {
    let mut start = 0;
    for (text, offset) in run {
        if at < start + text.len() {
            return offset + (at - start);
        }
        start += text.len();
    }
    run.last().map_or(0, |(_, offset)| *offset)
}

/// Every citation in `text`, with its byte offset.
pub fn find(text: &str) -> Vec<(usize, Citation)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find('[').map(|i| from + i) {
        let Some(close) = text[open..].find(']').map(|i| open + i) else { break };
        // `[see [@key]]`: a second `[` before the `]` starts the candidate again.
        let inner = &text[open + 1..close];
        match inner.rfind('[') {
            Some(nested) => from = open + 1 + nested,
            None => {
                if let Some(items) = parse_items(inner) {
                    out.push((open, Citation { items, written: text[open..=close].to_string() }));
                }
                from = close + 1;
            }
        }
    }
    out
}

/// `@a, s. 4; -@b` as items, or `None` when any part is not a citation item.
fn parse_items(inner: &str) -> Option<Vec<CiteItem>> {
    inner.split(';').map(|part| parse_item(part.trim())).collect()
}

fn parse_item(part: &str) -> Option<CiteItem> {
    let (suppress_author, rest) = match part.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, part),
    };
    let rest = rest.strip_prefix('@')?;
    let (key, locator) = match rest.split_once(',') {
        Some((key, locator)) => (key.trim(), Some(locator.trim()).filter(|l| !l.is_empty()).map(str::to_string)),
        None => (rest.trim(), None),
    };
    valid_key(key).then(|| CiteItem { key: key.to_string(), locator, suppress_author })
}

/// Keys as BibTeX and Hayagriva write them: letters, digits and `_`, with
/// `-:./` inside (`soerensen2011`, `coi:haandbog`, `bason-2017`).
fn valid_key(key: &str) -> bool {
    let inner = |c: char| c.is_alphanumeric() || "_-:./".contains(c);
    key.chars().next().is_some_and(|c| c.is_alphanumeric() || c == '_')
        && key.chars().last().is_some_and(|c| c.is_alphanumeric() || c == '_')
        && key.chars().all(inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<Vec<(String, Option<String>, bool)>> {
        find(text).into_iter().map(|(_, c)| c.items.into_iter().map(|i| (i.key, i.locator, i.suppress_author)).collect()).collect()
    }

    #[test]
    fn the_forms_of_a_citation_are_found() {
        let found = keys("Som [@bason2017, s. 45] og [-@soerensen2011] viser [@a; @b-2, kap. 2].");
        assert_eq!(found.len(), 3);
        assert_eq!(found[0], [("bason2017".into(), Some("s. 45".into()), false)]);
        assert_eq!(found[1], [("soerensen2011".into(), None, true)]);
        assert_eq!(found[2], [("a".into(), None, false), ("b-2".into(), Some("kap. 2".into()), false)]);
    }

    #[test]
    fn addresses_links_and_other_brackets_are_not_citations() {
        assert!(keys("Skriv til navn@coi.dk eller @bason2017 [se s. 4] [@] [@a b] [x@y]").is_empty());
        let s = scan("`[@kode]`\n\n```\n[@blok]\n```\n\n[[@side]] [tekst [@inde]](https://x.dk) ![alt [@b]](x.png)");
        assert!(s.is_empty(), "{s:?}");
    }

    #[test]
    fn scan_gives_the_offset_of_the_bracket() {
        let source = "Før *kursiv* og [@bason2017, s. 45].\n\nAndet [-@torfing].";
        let offsets: Vec<usize> = scan(source).iter().map(|l| l.offset).collect();
        assert_eq!(offsets, [source.find("[@").unwrap(), source.find("[-@").unwrap()]);
    }

    #[test]
    fn replace_puts_html_in_place_and_leaves_unresolved_citations_as_written() {
        let resolve = |t: &LinkTarget| match t {
            LinkTarget::Cite(c) if c.items[0].key == "kendt" => Some(super::super::Resolved {
                url: String::new(),
                title: String::new(),
                embed: Some("<cite>(K, 2011)</cite>".into()),
                size: None,
            }),
            _ => None,
        };
        let (html, _) = super::super::render("A [@kendt] b [@ukendt] c `[@kendt]`", false, &resolve);
        assert_eq!(html, "<p>A <cite>(K, 2011)</cite> b [@ukendt] c <code>[@kendt]</code></p>\n");
    }
}
