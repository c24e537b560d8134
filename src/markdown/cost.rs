//! What one body may cost to parse and render.
//!
//! A content file may be 8 MiB, and some 8 MiB files are far costlier than
//! others: 4 million one-character lines, or a table of 4 million cells,
//! become tens of millions of parser nodes and events, gigabytes of memory
//! and seconds of time. These caps are far above any page an editor writes
//! (a book of 300 pages has some 15,000 lines) and keep every body within a
//! bounded cost; a body over one is refused with the place and what to do.

/// Most lines a body may have.
pub const MAX_LINES: usize = 100_000;
/// Most table-cell separators (`|`) a body may have.
pub const MAX_CELLS: usize = 100_000;
/// Most markup characters (`*`, `_`, `[`, `` ` ``, `<`, `>`, `&`, `-`, `.` …) a
/// body may have: each can become a node of the parser's tree, which holds
/// the whole body at once.
pub const MAX_MARKUP: usize = 200_000;
/// Most Markdown elements (parser events) a body may have.
pub const MAX_ELEMENTS: usize = 1_000_000;

/// Which cap a body is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Cost {
    /// More than [`MAX_LINES`] lines.
    Lines(usize),
    /// More than [`MAX_CELLS`] `|`.
    Cells(usize),
    /// More than [`MAX_MARKUP`] markup characters.
    Markup(usize),
    /// More than [`MAX_ELEMENTS`] elements.
    Elements,
}

impl Cost {
    /// What is wrong and how to fix it.
    pub fn describe(self) -> (String, String) {
        let message = match self {
            Cost::Lines(n) => format!("the text has {n} lines, more than the limit of {MAX_LINES}"),
            Cost::Cells(n) => format!("the text has {n} table cells (`|`), more than the limit of {MAX_CELLS}"),
            Cost::Markup(n) => {
                format!(
                    "the text has {n} Markdown markup characters (`*`, `_`, `[`, `` ` ``, `<`, `>`, `-` …), more than the limit of {MAX_MARKUP}"
                )
            }
            Cost::Elements => format!("the text has more than {MAX_ELEMENTS} Markdown elements (paragraphs, links, emphasis, cells …)"),
        };
        (message, "split it into several pages, or move a data table into a file of its own under static/ and link to it".into())
    }
}

/// The cap `source` is over before it is parsed, if any: counting bytes
/// costs nothing, where parsing would already build the costly tree.
pub fn precheck(source: &str) -> Option<Cost> {
    let (mut lines, mut cells, mut markup) = (0, 0, 0);
    for b in source.bytes() {
        match b {
            b'\n' => lines += 1,
            b'|' => cells += 1,
            b'*' | b'_' | b'~' | b'\\' | b'&' | b'<' | b'>' | b'!' | b'[' | b']' | b'`' | b'\'' | b'"' | b'-' | b'+' | b'.' | b')' => {
                markup += 1
            }
            _ => {}
        }
    }
    if lines > MAX_LINES {
        Some(Cost::Lines(lines))
    } else if cells > MAX_CELLS {
        Some(Cost::Cells(cells))
    } else {
        (markup > MAX_MARKUP).then_some(Cost::Markup(markup))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_text_is_far_below_every_cap() {
        let page =
            "## Om casen\n\nBorgerne *og* kommunen [[borgere|mødtes]] – se `tabel`.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n".repeat(2000);
        assert_eq!(precheck(&page), None);
    }

    #[test]
    fn costly_bodies_are_caught_before_parsing() {
        assert_eq!(precheck(&"x\n".repeat(MAX_LINES + 1)), Some(Cost::Lines(MAX_LINES + 1)));
        assert_eq!(precheck(&"|".repeat(MAX_CELLS + 1)), Some(Cost::Cells(MAX_CELLS + 1)));
        assert_eq!(precheck(&"*a* ".repeat(MAX_MARKUP)), Some(Cost::Markup(2 * MAX_MARKUP)));
    }
}
