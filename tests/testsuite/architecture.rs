//! The shape of `src/`: one-way layers, short functions, files of a size a
//! reader can hold. The rules are those of `docs/architecture.md`; a change
//! that breaks one fails here with the place to look.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The layers of the library, lowest first: a module may use its own layer
/// and those below it, never one above.
const LAYERS: &[&[&str]] = &[
    &["diagnostics", "files", "html", "slug", "timing", "tree"],
    &["yaml"],
    &["config"],
    &["content", "markdown"],
    &["graph"],
    &["cite"],
    &["render"],
    &["search"],
    &["output"],
    &["pipeline", "scaffold", "init"],
    &["watch"],
    &["serve"],
];

/// The longest a function may be, in lines, and a file.
const MAX_FUNCTION_LINES: usize = 60;
const MAX_FILE_LINES: usize = 600;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `src/` with its text, by path relative to `src/`.
fn sources() -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(src()) {
        let entry = entry.expect("src/ is readable");
        if entry.path().extension().is_some_and(|e| e == "rs") {
            let rel = entry.path().strip_prefix(src()).expect("under src").to_string_lossy().replace('\\', "/");
            out.insert(rel, std::fs::read_to_string(entry.path()).expect("a source file"));
        }
    }
    out
}

/// The top-level module a file under `src/` belongs to (`render/view.rs` → `render`).
fn module_of(rel: &str) -> &str {
    rel.split('/').next().unwrap_or(rel).trim_end_matches(".rs")
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// The top-level modules named as `crate::name` in `text`, outside comments.
fn crate_uses(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or_default();
        for (at, _) in code.match_indices("crate::") {
            let name: String = code[at + 7..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            out.push((n + 1, name));
        }
        // `use crate::{a, b::c}` names several.
        if let Some(group) = code.split("crate::{").nth(1) {
            for part in group.split(',') {
                let name: String = part.trim().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                out.push((n + 1, name));
            }
        }
    }
    out.retain(|(_, name)| !name.is_empty());
    out
}

#[test]
fn no_module_uses_a_later_layer() {
    let mut wrong = Vec::new();
    for (rel, text) in sources() {
        let module = module_of(&rel);
        if matches!(module, "main" | "cli" | "lib") {
            continue;
        }
        let own = layer_of(module).unwrap_or_else(|| panic!("src/{rel}: module `{module}` is in no layer; add it to LAYERS"));
        for (line, used) in crate_uses(&text) {
            let Some(theirs) = layer_of(&used) else { continue };
            if used != module && theirs > own {
                wrong.push(format!("src/{rel}:{line}: `{module}` uses `{used}`, a later layer"));
            }
        }
    }
    assert!(wrong.is_empty(), "imports against the layers:\n{}", wrong.join("\n"));
}

/// Every `fn` and how many lines it spans, by the closing brace at its own indentation.
fn function_lengths(text: &str) -> Vec<(usize, String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let is_fn = ["fn ", "pub fn ", "pub(crate) fn ", "pub(super) fn ", "async fn ", "pub async fn ", "const fn ", "pub const fn "]
            .iter()
            .any(|p| trimmed.starts_with(p));
        if !is_fn || trimmed.ends_with(';') {
            continue;
        }
        let close = " ".repeat(indent) + "}";
        let end = lines[i..].iter().position(|l| *l == close || (l.starts_with(&close) && l.trim_start() == "}"));
        let name: String =
            trimmed.split("fn ").nth(1).unwrap_or_default().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        if let Some(len) = end {
            out.push((i + 1, name, len + 1));
        }
    }
    out
}

#[test]
fn functions_and_files_are_short() {
    let mut long = Vec::new();
    for (rel, text) in sources() {
        let lines = text.lines().count();
        if lines > MAX_FILE_LINES {
            long.push(format!("src/{rel}: {lines} lines (at most {MAX_FILE_LINES})"));
        }
        for (line, name, len) in function_lengths(&text) {
            if len > MAX_FUNCTION_LINES {
                long.push(format!("src/{rel}:{line}: fn {name} is {len} lines (at most {MAX_FUNCTION_LINES})"));
            }
        }
    }
    assert!(long.is_empty(), "split these into smaller parts:\n{}", long.join("\n"));
}

#[test]
fn the_checks_see_what_they_check() {
    let uses = crate_uses("use crate::config::Config; // crate::serve\nuse crate::{graph::Graph, render};\n");
    let names: Vec<&str> = uses.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(names, ["config", "graph", "render"]);
    let text = "fn a() {\n    x();\n}\n\n    pub fn b(&self) -> u8 {\n        1\n    }\n";
    let lengths: Vec<(String, usize)> = function_lengths(text).into_iter().map(|(_, n, l)| (n, l)).collect();
    assert_eq!(lengths, [("a".to_string(), 3), ("b".to_string(), 3)]);
    assert_eq!(module_of("render/view.rs"), "render");
    assert!(sources().len() > 20, "the sources are found");
}
