//! `ledestjerne new`: a new page of a kind, its front matter a form to fill in.
//!
//! The page goes to `content/<folder>/<slug>.md`, the slug made from the
//! title the Danish way ([`crate::slug::slugify`]). Its front matter lists
//! every field of the kind in declaration order ([`front_matter`]): the
//! title filled in, each required field left empty with a comment
//! `# required: <type>` (`påkrævet` on a Danish site), each optional field
//! commented out. Fields of
//! mappings, and of one example item of a list of mappings, are listed the
//! same way, indented. An existing file is never overwritten.

use crate::config::{self, Config, FieldDef, FieldType, Kind};
use crate::content::CONTENT_DIR;
use crate::diagnostics::Diagnostics;
use crate::slug::slugify;
use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Why a page could not be created.
#[derive(Debug)]
pub enum NewError {
    /// `site.yaml` is missing or invalid.
    Config(Diagnostics),
    /// No kind has this name.
    UnknownKind {
        /// The name asked for.
        kind: String,
        /// The kinds in `site.yaml`.
        known: Vec<String>,
    },
    /// The title has no letters or digits to make a file name from.
    EmptySlug(String),
    /// The file exists already.
    Exists(String),
    /// Another page has the id the new page would get.
    IdTaken {
        /// The id.
        id: String,
        /// The page that has it.
        path: String,
    },
    /// Writing failed.
    Io(String, io::Error),
    /// The content folder could not be read through, so the id could not be checked.
    Walk(String, walkdir::Error),
}

impl fmt::Display for NewError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NewError::Config(diagnostics) => write!(f, "{diagnostics}error: cannot read the kinds from site.yaml"),
            NewError::UnknownKind { kind, known } => {
                write!(f, "error: there is no kind `{kind}` in site.yaml\n  help: the kinds are: {}", known.join(", "))
            }
            NewError::EmptySlug(title) => write!(
                f,
                "error: the title `{title}` has no letters or digits to make a file name from\n  help: give a title with words in it"
            ),
            NewError::Exists(path) => {
                write!(f, "error: `{path}` already exists; it was left as it is\n  help: edit that file, or choose another title")
            }
            NewError::IdTaken { id, path } => {
                write!(f, "error: the id `{id}` is already used by `{path}`\n  help: ids are unique across the site; choose another title")
            }
            NewError::Io(path, e) => write!(f, "error: cannot write `{path}`: {e}"),
            NewError::Walk(path, e) => write!(
                f,
                "error: cannot read `{path}` to check that the new page's id is free: {e}\n  help: check that the folder is readable"
            ),
        }
    }
}

/// A page that was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPage {
    /// Path relative to the site root (`content/personer/ada-lovelace.md`).
    pub path: String,
    /// Whether the page has required fields still to fill in.
    pub has_required: bool,
    /// The word that marks them, in the site's language.
    pub required_mark: &'static str,
}

/// Writes a new page of kind `kind_name` titled `title` into the site at `root`.
pub fn create(root: &Path, kind_name: &str, title: &str) -> Result<NewPage, NewError> {
    let config = config::load(root).map_err(NewError::Config)?;
    let kind = find_kind(&config, kind_name)?;
    let slug = slugify(title);
    if slug.is_empty() {
        return Err(NewError::EmptySlug(title.to_string()));
    }
    let rel = page_path(kind, &slug);
    let abs = root.join(&rel);
    if abs.exists() {
        return Err(NewError::Exists(rel));
    }
    if let Some(path) = page_with_id(&root.join(CONTENT_DIR), &slug).map_err(|e| walk_error(root, e))? {
        let path = crate::tree::relative(root, &path);
        return Err(NewError::IdTaken { id: slug, path });
    }
    write_new(&abs, &front_matter(kind, title, Marks::of(&config.language))).map_err(|e| match e.kind() {
        io::ErrorKind::AlreadyExists => NewError::Exists(rel.clone()),
        _ => NewError::Io(rel.clone(), e),
    })?;
    let has_required = kind.fields.iter().any(|f| f.required && f.name != kind.title_field);
    Ok(NewPage { path: rel, has_required, required_mark: Marks::of(&config.language).required })
}

fn find_kind<'a>(config: &'a Config, name: &str) -> Result<&'a Kind, NewError> {
    config
        .kinds
        .iter()
        .find(|k| k.name == name)
        .ok_or_else(|| NewError::UnknownKind { kind: name.to_string(), known: config.kinds.iter().map(|k| k.name.clone()).collect() })
}

/// `content/<folder>/<slug>.md`, or `content/<slug>.md` for a kind without a folder.
pub fn page_path(kind: &Kind, slug: &str) -> String {
    if kind.folder.is_empty() { format!("{CONTENT_DIR}/{slug}.md") } else { format!("{CONTENT_DIR}/{}/{slug}.md", kind.folder) }
}

fn walk_error(root: &Path, e: walkdir::Error) -> NewError {
    let path = e.path().map_or_else(|| CONTENT_DIR.to_string(), |p| crate::tree::relative(root, p));
    NewError::Walk(path, e)
}

/// A Markdown file under `content` whose page id (by file name) is `id`.
fn page_with_id(content: &Path, id: &str) -> Result<Option<PathBuf>, walkdir::Error> {
    if !content.exists() {
        return Ok(None);
    }
    for entry in walkdir::WalkDir::new(content) {
        let entry = entry?;
        if page_id(&entry).is_some_and(|page_id| page_id == id) {
            return Ok(Some(entry.path().to_path_buf()));
        }
    }
    Ok(None)
}

/// The id of the page a walked entry is, if it is a Markdown file.
fn page_id(entry: &walkdir::DirEntry) -> Option<&str> {
    let path = entry.path();
    if path.extension().is_none_or(|e| e != "md") {
        return None;
    }
    let stem = path.file_stem()?.to_str()?;
    // `content/<folder>/<id>/index.md`, as discovery names pages.
    let in_own_folder = stem == "index" && entry.depth() >= 3;
    if in_own_folder { path.parent()?.file_name()?.to_str() } else { Some(stem) }
}

/// Writes `text` to a new file; fails if the file exists, even if it appeared just now.
fn write_new(path: &Path, text: &str) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let mut file = fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(text.as_bytes())?;
    file.flush()
}

/// The words that mark a field of a new page as required or optional, in the site's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Marks {
    /// For a required field.
    pub required: &'static str,
    /// For an optional field.
    pub optional: &'static str,
}

impl Marks {
    /// The marks for a site in `language`: Danish for `da`, English otherwise.
    pub fn of(language: &str) -> Marks {
        if language == "da" {
            Marks { required: "påkrævet", optional: "valgfri" }
        } else {
            Marks { required: "required", optional: "optional" }
        }
    }

    /// Appends the lines of one field. `lead` goes before the key (indentation,
    /// and `# ` inside a commented-out field); `commented` says whether an
    /// enclosing field is commented out already.
    fn push_field(self, out: &mut String, def: &FieldDef, lead: &str, commented: bool) {
        let comment_here = !commented && !def.required;
        let lead = if comment_here { format!("{lead}# ") } else { lead.to_string() };
        let commented = commented || comment_here;
        let status = if def.required { self.required } else { self.optional };
        out.push_str(&format!("{lead}{}:  # {status}: {}\n", def.name, def.ty.describe()));
        match &def.ty {
            FieldType::Object(fields) => {
                for field in fields {
                    self.push_field(out, field, &format!("{lead}  "), commented);
                }
            }
            FieldType::List { of, .. } => {
                if let FieldType::Object(fields) = of.as_ref() {
                    self.push_example_item(out, fields, &lead, commented);
                }
            }
            _ => {}
        }
    }

    /// One example item of a list of mappings, required fields first so the
    /// item's `- ` stands on a line that is not commented out.
    fn push_example_item(self, out: &mut String, fields: &[FieldDef], lead: &str, commented: bool) {
        let mut ordered: Vec<&FieldDef> = fields.iter().collect();
        ordered.sort_by_key(|f| !f.required);
        let mut item = String::new();
        for field in ordered {
            self.push_field(&mut item, field, "", commented);
        }
        for (i, line) in item.lines().enumerate() {
            let bullet = if i == 0 { "- " } else { "  " };
            out.push_str(&format!("{lead}  {bullet}{line}\n"));
        }
    }
}

/// The text of a new page of `kind` titled `title`: front matter, each field
/// marked with `marks`, and an empty body.
pub fn front_matter(kind: &Kind, title: &str, marks: Marks) -> String {
    let mut out = String::from("---\n");
    for def in &kind.fields {
        if def.name == kind.title_field {
            out.push_str(&format!("{}: {}\n", def.name, yaml_string(title)));
        } else {
            marks.push_field(&mut out, def, "", false);
        }
    }
    out.push_str("---\n\n");
    out
}

/// `text` as a double-quoted YAML scalar (JSON strings are valid YAML).
fn yaml_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("\"{}\"", text.replace(['"', '\\'], "")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITE: &str = "title: T
types:
  source:
    type: object
    fields:
      file: { type: string, required: true }
      section: { type: string }
kinds:
  person:
    folder: personer
    title_field: name
    fields:
      name: { type: string, required: true }
      role: { type: string }
      source: { type: source }
  figure:
    folder: figurer
    fields:
      title: { type: string, required: true }
      sector: { type: enum, required: true, values: [kommune, stat] }
      data:
        type: list
        required: true
        of:
          type: object
          fields:
            value: { type: number }
            label: { type: string, required: true }
      source: { type: source, required: true }
";

    fn kind(name: &str) -> Kind {
        let config = config::parse(SITE).unwrap();
        config.kinds.into_iter().find(|k| k.name == name).unwrap()
    }

    #[test]
    fn optional_fields_are_commented_out() {
        let text = front_matter(&kind("person"), "Søren \"Ø\" Ærø", Marks::of("da"));
        assert_eq!(
            text,
            "---
name: \"Søren \\\"Ø\\\" Ærø\"
# role:  # valgfri: a string
# source:  # valgfri: a mapping with file, section
#   file:  # påkrævet: a string
#   section:  # valgfri: a string
---

"
        );
    }

    #[test]
    fn required_fields_are_marked_and_nested_fields_listed() {
        let text = front_matter(&kind("figure"), "Figur 1", Marks::of("da"));
        assert_eq!(
            text,
            "---
title: \"Figur 1\"
sector:  # påkrævet: one of `kommune`, `stat`
data:  # påkrævet: a list of a mapping with value, label
  - label:  # påkrævet: a string
    # value:  # valgfri: a number
source:  # påkrævet: a mapping with file, section
  file:  # påkrævet: a string
  # section:  # valgfri: a string
---

"
        );
    }

    #[test]
    fn paths_use_the_kind_folder() {
        assert_eq!(page_path(&kind("person"), "ada"), "content/personer/ada.md");
        let mut top = kind("person");
        top.folder.clear();
        assert_eq!(page_path(&top, "om"), "content/om.md");
    }

    #[test]
    fn ids_are_found_by_file_name_or_folder() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        fs::create_dir_all(content.join("cases/big")).unwrap();
        fs::write(content.join("cases/small.md"), "").unwrap();
        fs::write(content.join("cases/big/index.md"), "").unwrap();
        assert!(page_with_id(&content, "small").expect("the content folder is readable").is_some());
        assert!(page_with_id(&content, "big").expect("the content folder is readable").is_some());
        assert!(page_with_id(&content, "index").expect("the content folder is readable").is_none());
        assert!(page_with_id(&content, "other").expect("the content folder is readable").is_none());
    }
}
