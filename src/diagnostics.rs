//! Diagnostics: what went wrong, where (`file:line:col`), and how to fix it.
//!
//! Every stage of the build reports problems by pushing a [`Diagnostic`] into a
//! [`Diagnostics`] collector instead of stopping at the first one, so an editor
//! sees every mistake in one run. The printer renders them the way compilers
//! do: `error: content/cases/x.md:12:5: message` followed by a `help:` line.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A place in a source file. Lines and columns are 1-based; column counts characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Location {
    /// Path relative to the site root, with `/` separators.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
}

impl Location {
    /// A location at `line:col` of `path`.
    pub fn new(path: impl Into<String>, line: usize, col: usize) -> Self {
        Self { path: path.into(), line, col }
    }

    /// The location of byte `offset` in `text`, where `text` starts at `first_line` of `path`.
    pub fn at_offset(path: &str, text: &str, offset: usize, first_line: usize) -> Self {
        let (line, col) = line_col(text, offset);
        Self::new(path, line + first_line - 1, col)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path, self.line, self.col)
    }
}

/// 1-based line and character column of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// How serious a diagnostic is: errors fail the build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The build fails.
    Error,
    /// Reported, but the build goes on.
    Warning,
}

/// One problem found in the site.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Diagnostic {
    /// Where the problem is.
    #[serde(flatten)]
    pub location: Location,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at `location`.
    pub fn error(location: Location, message: impl Into<String>) -> Self {
        Self { location, severity: Severity::Error, message: message.into(), help: None }
    }

    /// A warning at `location`.
    pub fn warning(location: Location, message: impl Into<String>) -> Self {
        Self { location, severity: Severity::Warning, message: message.into(), help: None }
    }

    /// The same diagnostic with a `help:` line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{level}: {}: {}", self.location, self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// A collector of diagnostics from every stage of a build.
#[derive(Debug, Default, Clone, Serialize)]
#[serde(transparent)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Adds all diagnostics of `other`.
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    /// True when at least one diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.severity == Severity::Error).count()
    }

    /// True when there is nothing to report.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The diagnostics, sorted by file, line and column, without duplicates.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.0.sort();
        self.0.dedup();
        self.0
    }

    /// Iterates over the diagnostics in the order they were reported.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Diagnostics(vec![diagnostic])
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in self.clone().sorted() {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

/// Most diagnostics one stage reports for one file; the rest are counted in one line.
pub const MAX_DIAGNOSTICS_PER_FILE: usize = 100;

/// One file's diagnostics, capped at [`MAX_DIAGNOSTICS_PER_FILE`]: a body of
/// 50,000 copies of one mistake gives 100 messages and "… and 49,900 more",
/// not 50,000 lines, and the capped ones cost no line numbers or suggestions.
#[derive(Debug)]
pub struct FileDiagnostics {
    path: String,
    kept: Vec<Diagnostic>,
    more: usize,
}

impl FileDiagnostics {
    /// An empty collector for the file at `path`.
    pub fn new(path: &str) -> Self {
        Self { path: path.to_string(), kept: Vec::new(), more: 0 }
    }

    /// Adds the diagnostic `make` builds, or only counts it once the cap is reached.
    pub fn push_with(&mut self, make: impl FnOnce() -> Diagnostic) {
        if self.kept.len() < MAX_DIAGNOSTICS_PER_FILE {
            self.kept.push(make());
        } else {
            self.more += 1;
        }
    }

    /// The kept diagnostics and, past the cap, one error that counts the rest.
    pub fn finish(self) -> Diagnostics {
        let mut all = Diagnostics::new();
        if self.more > 0 {
            // Placed at the last kept location so it prints last for the file.
            let last = self.kept.iter().map(|d| d.location.clone()).max().unwrap_or_else(|| Location::new(&self.path, 1, 1));
            all.push(
                Diagnostic::error(last, format!("… and {} more problems in `{}`", self.more, self.path))
                    .with_help("fix the ones above first: many problems in one file are often one mistake repeated"),
            );
        }
        all.extend(self.kept);
        all
    }
}

impl From<(&str, Diagnostics)> for FileDiagnostics {
    fn from((path, diagnostics): (&str, Diagnostics)) -> Self {
        let mut capped = FileDiagnostics::new(path);
        for d in diagnostics {
            capped.push_with(|| d);
        }
        capped
    }
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a typo.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (edit_distance(word, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_get_suggestions() {
        assert_eq!(closest("titel", &["title", "summary"]), Some("title"));
        assert_eq!(closest("actros", &["actors", "sector"]), Some("actors"));
        assert_eq!(closest("zzzzzz", &["title"]), None);
    }

    #[test]
    fn diagnostics_past_the_cap_are_counted_in_one_line_printed_last() {
        let mut capped = FileDiagnostics::new("content/x.md");
        for line in 1..=MAX_DIAGNOSTICS_PER_FILE + 250 {
            capped.push_with(|| Diagnostic::error(Location::new("content/x.md", line, 1), "raw HTML is not allowed in content"));
        }
        let printed = capped.finish().to_string();
        let lines: Vec<&str> = printed.lines().collect();
        assert_eq!(lines.len(), MAX_DIAGNOSTICS_PER_FILE + 2, "{printed}");
        assert_eq!(lines[MAX_DIAGNOSTICS_PER_FILE], "error: content/x.md:100:1: … and 250 more problems in `content/x.md`");
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "æøå\nfør [[x]]";
        let offset = text.find("[[").unwrap();
        assert_eq!(line_col(text, offset), (2, 5));
    }

    #[test]
    fn display_has_path_line_col_and_help() {
        let d = Diagnostic::error(Location::new("content/a.md", 3, 7), "unknown field `titel`").with_help("did you mean `title`?");
        assert_eq!(d.to_string(), "error: content/a.md:3:7: unknown field `titel`\n  help: did you mean `title`?");
    }
}
