//! Splitting a Markdown file into YAML front matter and body.
//!
//! Front matter opens with a line `---` as the very first line and closes with
//! the next line `---`. A UTF-8 byte-order mark and CRLF line endings are
//! accepted (editors on Windows write both); line numbers stay those of the file.

use crate::diagnostics::{Diagnostic, Location};

/// A file split into front matter and body.
#[derive(Debug, Clone, PartialEq)]
pub struct Split<'a> {
    /// The YAML between the fences (CRLF normalised to LF).
    pub yaml: String,
    /// 1-based file line of the first YAML line.
    pub yaml_line: usize,
    /// The Markdown body after the closing fence.
    pub body: std::borrow::Cow<'a, str>,
    /// 1-based file line of the first body line.
    pub body_line: usize,
}

/// A problem at 1-based `line` of the file at `path`.
fn problem(path: &str, line: usize, message: &str, help: &str) -> Diagnostic {
    Diagnostic::error(Location::new(path, line, 1), message).with_help(help)
}

/// Splits `text` into front matter and body.
pub fn split<'a>(path: &str, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        let help = "start the file with front matter between two `---` lines, e.g. `---\\ntitle: …\\n---`";
        return Err(problem(path, 1, "the file is empty", help));
    }
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or_default();
    if first.trim_end() != "---" {
        let help = "the first line must be `---`, followed by YAML fields and a closing `---` line";
        return Err(problem(path, 1, "the file has no front matter", help));
    }
    let mut offset = first.len();
    let mut yaml = String::new();
    for (i, line) in lines.enumerate() {
        offset += line.len();
        if line.trim_end() == "---" {
            let body = &text[offset..];
            let body = if body.contains('\r') { body.replace("\r\n", "\n").into() } else { body.into() };
            return Ok(Split { yaml, yaml_line: 2, body, body_line: i + 3 });
        }
        yaml.push_str(line.strip_suffix("\r\n").map_or(line, |l| l).trim_end_matches('\n'));
        yaml.push('\n');
    }
    Err(problem(path, 1, "the front matter is not closed", "add a line `---` after the last front-matter field"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body_with_lines() {
        let s = split("a.md", "---\ntitle: x\n---\nHej\n").unwrap();
        assert_eq!(s.yaml, "title: x\n");
        assert_eq!(s.body, "Hej\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn bom_and_crlf_work() {
        let s = split("a.md", "\u{feff}---\r\ntitle: x\r\n---\r\nHej\r\n").unwrap();
        assert_eq!(s.yaml, "title: x\n");
        assert_eq!(s.body, "Hej\n");
    }

    #[test]
    fn missing_and_unclosed_front_matter_are_errors() {
        assert!(split("a.md", "Hej").unwrap_err().message.contains("no front matter"));
        assert!(split("a.md", "---\ntitle: x\n").unwrap_err().message.contains("not closed"));
        assert!(split("a.md", "").unwrap_err().message.contains("empty"));
    }
}
