//! YAML parsing with limits, for `site.yaml` and page front matter.
//!
//! Front matter is written by people and sometimes pasted from elsewhere, so
//! parsing is capped three ways before anything else looks at the data: the
//! text size, the nesting depth, and the number of values after alias
//! expansion (a "billion laughs" document of a few lines expands to billions
//! of nodes). `serde_norway`, a maintained fork of `serde_yaml`, does the
//! parsing and brings its own recursion and repetition limits as a second line.

use crate::diagnostics::{Diagnostic, Location};
use serde_norway::Value;

/// Limits applied to one YAML document.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest accepted text, in bytes.
    pub max_bytes: usize,
    /// Deepest accepted nesting of lists and mappings.
    pub max_depth: usize,
    /// Most values (after alias expansion) in one document.
    pub max_nodes: usize,
}

impl Limits {
    /// Limits for one page's front matter.
    pub const FRONT_MATTER: Limits = Limits { max_bytes: 256 * 1024, max_depth: 16, max_nodes: 20_000 };
    /// Limits for `site.yaml`.
    pub const CONFIG: Limits = Limits { max_bytes: 1024 * 1024, max_depth: 24, max_nodes: 100_000 };
}

/// Where the parsed text sits in its file, so that problems carry the file's line numbers.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    /// Path of the file, relative to the site root.
    pub path: &'a str,
    /// 1-based file line of the text's first line.
    pub first_line: usize,
}

impl Origin<'_> {
    /// The file location of 1-based `line:col` of the parsed text.
    pub fn at(&self, line: usize, col: usize) -> Location {
        Location::new(self.path, line + self.first_line - 1, col)
    }
}

/// A problem at 1-based `line:col` of the parsed text.
fn problem(origin: Origin<'_>, line: usize, col: usize, message: impl Into<String>, help: impl Into<String>) -> Diagnostic {
    Diagnostic::error(origin.at(line, col), message).with_help(help)
}

/// Parses `text` as one YAML document within `limits`.
pub fn parse(text: &str, limits: Limits, origin: Origin<'_>) -> Result<Value, Diagnostic> {
    if text.len() > limits.max_bytes {
        return Err(problem(
            origin,
            1,
            1,
            format!("YAML is {} bytes, more than the limit of {} bytes", text.len(), limits.max_bytes),
            "keep long text in the Markdown body, not in the front matter",
        ));
    }
    if let Some((line, col)) = first_tab_indent(text) {
        return Err(problem(
            origin,
            line,
            col,
            "YAML indentation uses a tab",
            "indent with spaces; YAML does not allow tabs for indentation",
        ));
    }
    if let Some((line, col)) = first_merge_key(text) {
        return Err(problem(
            origin,
            line,
            col,
            "YAML merge keys (`<<`) are not supported",
            "write the keys out in full; to share values between pages, give them a page of their own and refer to it",
        ));
    }
    let value: Value = serde_norway::from_str(text).map_err(|e| from_serde(&e, text, origin))?;
    check_shape(&value, limits, origin)?;
    Ok(value)
}

fn from_serde(e: &serde_norway::Error, text: &str, origin: Origin<'_>) -> Diagnostic {
    let (mut line, mut col) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
    let raw = e.to_string();
    // "… while scanning a quoted scalar at line 1 column 8": the place where the
    // unfinished construct starts is where the editor must look, not where the
    // parser gave up (often the end of the front matter).
    if let Some((_, context)) = raw.split_once(" while scanning ")
        && let Some((l, c)) = line_column_in(context)
    {
        (line, col) = (l, c);
    }
    let mut message = raw.split(" at line ").next().unwrap_or(&raw).to_string();
    if raw.contains("while scanning a quoted scalar") {
        message = "a quoted value is never closed (quoted scalar)".into();
    }
    if let Some(number) = too_big_integer(&raw) {
        message = format!("the number `{number}` is too large");
    }
    let (line, col) = line_feed_position(text, line, col);
    problem(origin, line, col, format!("invalid YAML: {message}"), help_for(&message))
}

/// The parser counts a carriage return without a line feed as a line break;
/// diagnostics count line feeds only (as `file:line` and the other checks do),
/// so a stray CR would move every later YAML error down a line, even past the
/// end of the file. Converts a parser position to a line-feed position.
pub fn line_feed_position(text: &str, line: usize, col: usize) -> (usize, usize) {
    if !text.contains('\r') {
        return (line, col);
    }
    let mut start = 0;
    let mut bytes = text.bytes().enumerate().peekable();
    for _ in 1..line {
        let Some(end) = bytes.find_map(|(i, b)| matches!(b, b'\r' | b'\n').then_some((i, b))) else {
            return crate::diagnostics::line_col(text, text.len());
        };
        start = match end {
            (i, b'\r') if bytes.next_if(|&(_, b)| b == b'\n').is_some() => i + 2,
            (i, _) => i + 1,
        };
    }
    let offset = text[start..].char_indices().nth(col.saturating_sub(1)).map_or(text.len(), |(i, _)| start + i);
    crate::diagnostics::line_col(text, offset)
}

/// The first `line N column M` in `text`.
fn line_column_in(text: &str) -> Option<(usize, usize)> {
    let rest = &text[text.find("line ")? + 5..];
    let (line, rest) = rest.split_once(" column ")?;
    let col: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((line.trim().parse().ok()?, col.parse().ok()?))
}

/// The integer of a parser error about a number no integer type holds.
fn too_big_integer(raw: &str) -> Option<&str> {
    let rest = raw.split_once("integer `")?.1;
    let (number, after) = rest.split_once('`')?;
    (after.contains("as u128") || after.contains("as i128")).then_some(number)
}

/// Line and column of the first merge key (`<<:`), which YAML 1.2 does not have.
fn first_merge_key(text: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let rest = line.trim_start_matches([' ', '-']);
        let after = rest.strip_prefix("<<")?;
        after.trim_start().starts_with(':').then(|| (i + 1, line.len() - rest.len() + 1))
    })
}

fn help_for(message: &str) -> String {
    if message.contains("is too large") {
        "numbers may be at most 10^15; write it in a bigger unit, or in quotes if it is a code rather than a number".into()
    } else if message.contains("recursion limit") || message.contains("repetition limit") {
        "remove the deeply nested or repeated aliases (`&name` / `*name`)".into()
    } else if message.contains("quoted scalar") || message.contains("end of stream") {
        "close the quote, or escape quotes inside the text".into()
    } else if message.contains("mapping values are not allowed") {
        "put text that contains `: ` in quotes".into()
    } else if message.contains("did not find expected") {
        "check the indentation: items of one list or mapping must line up".into()
    } else {
        "check the YAML syntax at this place: indentation, quotes and colons".into()
    }
}

fn first_tab_indent(text: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let indent: String = line.chars().take_while(|c| c.is_whitespace()).collect();
        indent.find('\t').map(|col| (i + 1, indent[..col].chars().count() + 1))
    })
}

fn check_shape(value: &Value, limits: Limits, origin: Origin<'_>) -> Result<(), Diagnostic> {
    let mut nodes = 0usize;
    let depth = measure(value, 1, &mut nodes, limits.max_nodes);
    if nodes > limits.max_nodes {
        return Err(problem(
            origin,
            1,
            1,
            format!("YAML expands to more than {} values", limits.max_nodes),
            "aliases (`*name`) that repeat anchors can multiply a small document; write the values out",
        ));
    }
    if depth > limits.max_depth {
        return Err(problem(
            origin,
            1,
            1,
            format!("YAML is nested {depth} levels deep, more than the limit of {}", limits.max_depth),
            "flatten the structure",
        ));
    }
    Ok(())
}

fn measure(value: &Value, depth: usize, nodes: &mut usize, max_nodes: usize) -> usize {
    *nodes += 1;
    if *nodes > max_nodes {
        return depth;
    }
    match value {
        Value::Sequence(items) => items.iter().map(|v| measure(v, depth + 1, nodes, max_nodes)).max().unwrap_or(depth),
        Value::Mapping(map) => map.values().map(|v| measure(v, depth + 1, nodes, max_nodes)).max().unwrap_or(depth),
        Value::Tagged(tagged) => measure(&tagged.value, depth, nodes, max_nodes),
        _ => depth,
    }
}

/// The 1-based line of every top-level `key:` in `text` (the first, if a key
/// repeats): for all keys in one pass, so a front
/// matter of 20,000 keys is not scanned 20,000 times.
pub fn key_lines(text: &str) -> std::collections::HashMap<&str, usize> {
    let mut lines = std::collections::HashMap::new();
    for (i, line) in text.lines().enumerate() {
        if let Some((key, _)) = line.split_once(':')
            && !key.starts_with(' ')
        {
            lines.entry(key.trim_end_matches(' ')).or_insert(i + 1);
        }
    }
    lines
}

/// Where `needle` first occurs in `text` at or after 1-based `from_line`.
pub fn locate_after(text: &str, from_line: usize, needle: &str) -> Option<(usize, usize)> {
    text.lines()
        .enumerate()
        .skip(from_line.saturating_sub(1))
        .find_map(|(i, line)| line.find(needle).map(|b| (i + 1, line[..b].chars().count() + 1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGIN: Origin<'static> = Origin { path: "x.yaml", first_line: 1 };

    #[test]
    fn billion_laughs_is_refused() {
        let mut doc = String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        let mut prev = 'a';
        for name in 'b'..='i' {
            doc.push_str(&format!("{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
            prev = name;
        }
        let err = parse(&doc, Limits::FRONT_MATTER, ORIGIN).unwrap_err();
        assert!(err.message.contains("limit") || err.message.contains("more than"), "{err:?}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let doc = format!("a: {}1{}", "[".repeat(40), "]".repeat(40));
        let err = parse(&doc, Limits::FRONT_MATTER, ORIGIN).unwrap_err();
        assert!(err.message.contains("nested") || err.message.contains("recursion"), "{err:?}");
    }

    #[test]
    fn tab_indentation_is_located() {
        let err = parse("title: x\nlist:\n\t- a\n", Limits::FRONT_MATTER, ORIGIN).unwrap_err();
        assert_eq!((err.location.line, err.location.col), (3, 1));
    }

    #[test]
    fn unclosed_quote_has_a_line() {
        let err = parse("title: \"open\nsummary: x\n", Limits::FRONT_MATTER, ORIGIN).unwrap_err();
        assert!(err.message.starts_with("invalid YAML"));
        assert!(err.location.line >= 1);
    }

    #[test]
    fn unclosed_quote_points_at_the_quote() {
        let err = parse("title: \"Skat i balance\nsummary: x\n", Limits::FRONT_MATTER, ORIGIN).unwrap_err();
        assert_eq!((err.location.line, err.location.col), (1, 8), "{err:?}");
        assert!(err.help.as_deref().unwrap_or_default().contains("close the quote"), "{err:?}");
    }

    #[test]
    fn a_lone_carriage_return_does_not_move_errors_down() {
        let err = parse("a: 1\rb: 2\r\nc: \"open\n", Limits::FRONT_MATTER, ORIGIN).unwrap_err();
        assert_eq!((err.location.line, err.location.col), (2, 4), "{err:?}");
        assert_eq!(line_feed_position("a\rb\r\nc\nd", 4, 1), (3, 1));
        assert_eq!(line_feed_position("a\rb\r\nc\nd", 2, 1), (1, 3));
    }

    #[test]
    fn keys_are_located() {
        let text = "title: x\nactors:\n  - borgere\n";
        let all = key_lines("title: x\nactors :\n  - borgere\ntitle: y\n");
        assert_eq!((all.get("title"), all.get("actors"), all.len()), (Some(&1), Some(&2), 2));
        assert_eq!(locate_after(text, 2, "borgere"), Some((3, 5)));
    }
}
