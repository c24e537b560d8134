//! Code blocks highlighted at build time.
//!
//! A fenced block whose info string names a language syntect knows
//! (` ```rust `, ` ```python `, ` ```html `) becomes `<pre class="hl">` with a
//! `<span>` around each token worth a colour. syntect gives every token a
//! stack of scope names (`string.quoted.double.rust`); the innermost one that
//! starts like one of [`KINDS`] picks one of eight short classes
//! (`hl-keyword`, `hl-string`, `hl-comment`, …), which the theme's style sheet
//! colours for light and dark mode. Eight classes keep the HTML small: one
//! class per scope name made ten times the bytes of the code. No script runs
//! in the browser. A block without a language, or with one syntect does not
//! know, is left to the default rendering: plain, escaped code.

use crate::html::escape;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag, TagEnd};
use std::sync::LazyLock;
use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

/// The grammars, read on the first code block that names a language, so a
/// site without code does not pay for them.
static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

/// Scope-name prefixes and the class each gives, the more specific first;
/// `None` keeps a token plain (operators would otherwise read as keywords).
const KINDS: [(&str, Option<&str>); 17] = [
    ("comment", Some("hl-comment")),
    ("string", Some("hl-string")),
    ("constant.character.escape", Some("hl-constant")),
    ("constant", Some("hl-constant")),
    ("keyword.operator", None),
    ("keyword", Some("hl-keyword")),
    ("storage.type", Some("hl-keyword")),
    ("storage.modifier", Some("hl-keyword")),
    ("entity.name.function", Some("hl-function")),
    ("support.function", Some("hl-function")),
    ("variable.function", Some("hl-function")),
    ("entity.name.tag", Some("hl-tag")),
    ("entity.other.attribute-name", Some("hl-attr")),
    ("entity.name", Some("hl-type")),
    ("support.type", Some("hl-type")),
    ("support.class", Some("hl-type")),
    ("markup.heading", Some("hl-keyword")),
];

/// [`KINDS`] parsed once.
static SELECTORS: LazyLock<Vec<(Scope, Option<&'static str>)>> =
    LazyLock::new(|| KINDS.iter().filter_map(|&(name, class)| Some((Scope::new(name).ok()?, class))).collect());

/// Replaces each fenced code block in a known language with its highlighted HTML.
pub fn code_blocks(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    if !events.iter().any(|e| matches!(e, Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))))) {
        return events;
    }
    let mut out = Vec::with_capacity(events.len());
    let mut events = events.into_iter();
    while let Some(event) = events.next() {
        let Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) = event else {
            out.push(event);
            continue;
        };
        let mut code = String::new();
        for inner in events.by_ref() {
            match inner {
                Event::Text(text) => code.push_str(&text),
                _ => break,
            }
        }
        match highlight(&info, &code) {
            Some(html) => out.push(Event::Html(html.into())),
            None => out.extend([
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))),
                Event::Text(CowStr::from(code)),
                Event::End(TagEnd::CodeBlock),
            ]),
        }
    }
    out
}

/// The language of a fence's info string: its first word (` ```rust,ignore ` → `rust`).
fn language(info: &str) -> &str {
    info.split(|c: char| c.is_whitespace() || c == ',' || c == '{').next().unwrap_or_default()
}

/// `code` highlighted as the language `info` names, or `None` when it names none syntect knows.
pub fn highlight(info: &str, code: &str) -> Option<String> {
    let lang = language(info);
    if lang.is_empty() {
        return None;
    }
    let syntax = find(lang)?;
    let mut out = Spans::default();
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    for line in LinesWithEndings::from(code) {
        let mut from = 0;
        for (at, op) in state.parse_line(line, &SYNTAXES).ok()? {
            out.push(&line[from..at], class(&stack));
            from = at;
            stack.apply(&op).ok()?;
        }
        out.push(&line[from..], class(&stack));
    }
    Some(format!("<pre class=\"hl\"><code class=\"language-{}\">{}</code></pre>\n", escape(lang), out.finish()))
}

/// The class of a token: that of the innermost scope that has one.
fn class(stack: &ScopeStack) -> Option<&'static str> {
    let selectors = &*SELECTORS;
    stack
        .as_slice()
        .iter()
        .rev()
        .find_map(|&scope| selectors.iter().find(|(prefix, _)| prefix.is_prefix_of(scope)).map(|&(_, class)| class))?
}

/// Highlighted HTML being written: neighbouring tokens of one class share a span.
#[derive(Default)]
struct Spans {
    html: String,
    open: Option<&'static str>,
}

impl Spans {
    fn push(&mut self, text: &str, class: Option<&'static str>) {
        if text.is_empty() {
            return;
        }
        if class != self.open {
            if self.open.is_some() {
                self.html.push_str("</span>");
            }
            if let Some(class) = class {
                self.html.push_str(&format!("<span class=\"{class}\">"));
            }
            self.open = class;
        }
        self.html.push_str(&escape(text));
    }

    fn finish(mut self) -> String {
        if self.open.is_some() {
            self.html.push_str("</span>");
        }
        self.html
    }
}

/// The grammar for a language token, by name or file extension, ignoring case.
fn find(lang: &str) -> Option<&'static SyntaxReference> {
    SYNTAXES.find_syntax_by_token(lang).or_else(|| SYNTAXES.find_syntax_by_token(&lang.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_languages_get_token_classes() {
        let html = highlight("rust", "fn main() { let x = \"hej\"; }\n").unwrap();
        assert!(html.starts_with("<pre class=\"hl\"><code class=\"language-rust\">"), "{html}");
        assert!(html.contains("<span class=\"hl-keyword\">fn</span>"), "{html}");
        assert!(html.contains("<span class=\"hl-string\">&quot;hej&quot;</span>"), "{html}");
        assert!(html.contains("hl-string"), "{html}");
    }

    #[test]
    fn unknown_or_missing_languages_are_not_highlighted() {
        assert_eq!(highlight("klingon", "x"), None);
        assert_eq!(highlight("", "x"), None);
    }

    #[test]
    fn code_is_escaped() {
        let html = highlight("html", "<script>alert(\"x\")</script>\n").unwrap();
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("&lt;"), "{html}");
    }

    #[test]
    fn the_first_word_of_the_info_string_is_the_language() {
        assert_eq!(language("rust,ignore"), "rust");
        assert_eq!(language("python {.wide}"), "python");
        assert!(highlight("Python", "x = 1\n").is_some());
    }
}
