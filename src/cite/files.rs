//! Reading the bibliography files `site.yaml` names: BibLaTeX/BibTeX
//! (`.bib`) and Hayagriva YAML (`.yaml`, `.yml`), each parsed by Hayagriva.
//! A file that cannot be read or parsed, or a key that two entries share,
//! is an error at its place; the entries of every file that did parse are
//! kept, so the rest of the site is still checked.

use crate::config::CONFIG_FILE;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use hayagriva::Library;
use std::collections::HashMap;
use std::path::Path;

/// The entries of every file, in file order, and the file each key comes from.
pub fn read_all(root: &Path, files: &[String], config_text: &str) -> (Library, Diagnostics) {
    let mut library = Library::new();
    let mut first: HashMap<String, Location> = HashMap::new();
    let mut diagnostics = Diagnostics::new();
    for file in files {
        let Some((text, entries)) = read_one(root, file, config_text, &mut diagnostics) else { continue };
        for entry in entries.iter() {
            let at = key_location(file, &text, entry.key());
            if let Some(earlier) = first.get(entry.key()) {
                diagnostics.push(
                    Diagnostic::error(at, format!("the bibliography key `{}` is also used at {earlier}", entry.key()))
                        .with_help("give one of the two entries another key: a citation must name exactly one entry"),
                );
                continue;
            }
            first.insert(entry.key().to_string(), at);
            library.push(entry);
        }
    }
    (library, diagnostics)
}

/// The text and entries of one file, or `None` with its problems reported.
fn read_one(root: &Path, file: &str, config_text: &str, diagnostics: &mut Diagnostics) -> Option<(String, Library)> {
    let named_at = || {
        let (line, col) = crate::yaml::locate_after(config_text, 1, file).unwrap_or((1, 1));
        Location::new(CONFIG_FILE, line, col)
    };
    let format = Format::of(file).or_else(|| {
        let help = "name a BibLaTeX/BibTeX file (`.bib`) or a Hayagriva file (`.yaml`, `.yml`)";
        diagnostics.push(Diagnostic::error(named_at(), format!("`{file}` is not a bibliography file")).with_help(help));
        None
    })?;
    let text = match crate::tree::Site::new(root).read_to_string(&root.join(file)) {
        Ok(text) => text,
        Err(crate::tree::ReadError::Outside(d)) => {
            diagnostics.push(*d);
            return None;
        }
        Err(crate::tree::ReadError::Io(e)) => {
            let help = "create the file, or correct its path (relative to the site folder) under `bibliography: files:`";
            diagnostics.push(Diagnostic::error(named_at(), format!("cannot read the bibliography `{file}`: {e}")).with_help(help));
            return None;
        }
    };
    match format.parse(file, &text) {
        Ok(library) => Some((text, library)),
        Err(errors) => {
            diagnostics.extend(errors);
            None
        }
    }
}

/// The two kinds of bibliography file.
#[derive(Debug, Clone, Copy)]
enum Format {
    BibLaTeX,
    Hayagriva,
}

impl Format {
    fn of(file: &str) -> Option<Format> {
        let ext = Path::new(file).extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "bib" => Some(Format::BibLaTeX),
            "yaml" | "yml" => Some(Format::Hayagriva),
            _ => None,
        }
    }

    /// The entries of `text`, or its errors at their places.
    fn parse(self, file: &str, text: &str) -> Result<Library, Vec<Diagnostic>> {
        match self {
            Format::BibLaTeX => {
                hayagriva::io::from_biblatex_str(text).map_err(|errors| errors.iter().map(|e| biblatex_error(file, text, e)).collect())
            }
            Format::Hayagriva => hayagriva::io::from_yaml_str(text).map_err(|e| {
                let (line, col) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
                let message = e.to_string();
                let message = message.split(" at line ").next().unwrap_or(&message).to_string();
                let help = "check the entry against the Hayagriva format: https://github.com/typst/hayagriva/blob/main/docs/file-format.md";
                vec![Diagnostic::error(Location::new(file, line, col), message).with_help(help)]
            }),
        }
    }
}

fn biblatex_error(file: &str, text: &str, error: &hayagriva::io::BibLaTeXError) -> Diagnostic {
    let (offset, message) = match error {
        hayagriva::io::BibLaTeXError::Parse(e) => (e.span.start, e.kind.to_string()),
        hayagriva::io::BibLaTeXError::Type(e) => (e.span.start, e.kind.to_string()),
    };
    Diagnostic::error(Location::at_offset(file, text, offset, 1), format!("cannot read the bibliography: {message}"))
        .with_help("an entry is written `@book{key, author = {Last, First}, title = {…}, year = {2017}}`")
}

/// Where the entry `key` is written, found by its key after `{` (BibLaTeX) or before `:` (YAML).
fn key_location(file: &str, text: &str, key: &str) -> Location {
    let offset = text
        .match_indices(key)
        .find(|(i, _)| {
            let before = text[..*i].trim_end().chars().last();
            let line_start = matches!(text[..*i].chars().last(), None | Some('\n'));
            let after = text[i + key.len()..].trim_start().chars().next();
            before == Some('{') || (line_start && after == Some(':'))
        })
        .map_or(0, |(i, _)| i);
    Location::at_offset(file, text, offset, 1)
}
