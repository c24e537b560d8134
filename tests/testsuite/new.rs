//! `ledestjerne new`: the page it writes, its refusals, and that a page of
//! every kind of the bundled course passes `check` once its required fields
//! are filled in.

use crate::support::{BIN, REPO, copy_dir};
use ledestjerne::config::{self, Config};
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn run(root: &Path, args: &[&str]) -> Output {
    Command::new(BIN).args(["--root".as_ref(), root.as_os_str()]).args(args).output().expect("run ledestjerne")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The bundled schema and theme with a single front page.
fn minimal_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::copy(Path::new(REPO).join("site.yaml"), dir.path().join("site.yaml")).expect("copy site.yaml");
    for folder in ["themes", "templates", "i18n"] {
        copy_dir(&Path::new(REPO).join(folder), &dir.path().join(folder));
    }
    fs::create_dir_all(dir.path().join("content")).expect("content folder");
    fs::copy(Path::new(REPO).join("content/litteratur.bib"), dir.path().join("content/litteratur.bib")).expect("copy the bibliography");
    fs::write(dir.path().join("content/index.md"), "---\ntitle: \"Forside\"\n---\nVelkommen.\n").expect("front page");
    dir
}

/// The whole bundled course, so references have pages to point to.
fn course_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::copy(Path::new(REPO).join("site.yaml"), dir.path().join("site.yaml")).expect("copy site.yaml");
    for folder in ["themes", "content"] {
        copy_dir(&Path::new(REPO).join(folder), &dir.path().join(folder));
    }
    dir
}

fn assert_check_passes(root: &Path) {
    let check = run(root, &["check"]);
    assert!(check.status.success(), "check failed:\n{}", stderr(&check));
}

#[test]
fn a_new_person_is_written_with_its_fields_and_passes_check() {
    let site = minimal_site();
    let new = run(site.path(), &["new", "person", "Søren Ærø Ågård"]);
    assert!(new.status.success(), "{}", stderr(&new));
    let rel = "content/personer/soeren-aeroe-aagaard.md";
    assert_eq!(stdout(&new).trim(), rel);

    let text = fs::read_to_string(site.path().join(rel)).expect("the new page");
    assert!(text.starts_with("---\nname: \"Søren Ærø Ågård\"\n"), "{text}");
    assert!(text.contains("\n# role:  # valgfri: a string\n"), "{text}");
    assert!(text.contains("\n# source:  # valgfri: a mapping with file, section\n"), "{text}");
    assert!(text.contains("\n#   file:  # påkrævet: a source file name\n"), "{text}");
    assert!(text.ends_with("---\n\n"), "an empty body: {text:?}");

    // A person's only required field is its title field, `name`: filled in already.
    let config = config::load(site.path()).expect("site.yaml");
    assert_eq!(fill_required(&text, &config, site.path()), text);
    assert_check_passes(site.path());
}

#[test]
fn a_page_of_every_kind_passes_check_once_its_required_fields_are_filled() {
    let site = course_site();
    let config = config::load(site.path()).expect("site.yaml");
    for kind in &config.kinds {
        let new = run(site.path(), &["new", &kind.name, &format!("Ny testside {}", kind.name)]);
        assert!(new.status.success(), "{}: {}", kind.name, stderr(&new));
        let path = site.path().join(stdout(&new).trim());
        let text = fs::read_to_string(&path).expect("the new page");
        let required = kind.fields.iter().filter(|f| f.required && f.name != kind.title_field).count();
        assert!(text.matches("# påkrævet: ").count() >= required, "{}: {text}", kind.name);
        fs::write(&path, fill_required(&text, &config, site.path())).expect("fill in");
    }
    assert_check_passes(site.path());
}

#[test]
fn an_unfilled_required_field_fails_check_at_its_line() {
    let site = course_site();
    let new = run(site.path(), &["new", "case", "Ny case"]);
    assert!(new.status.success(), "{}", stderr(&new));
    let check = run(site.path(), &["check"]);
    assert!(!check.status.success());
    assert!(stderr(&check).contains("content/cases/ny-case.md:"), "{}", stderr(&check));
}

#[test]
fn an_existing_file_is_never_overwritten() {
    let site = minimal_site();
    assert!(run(site.path(), &["new", "person", "Ada Lovelace"]).status.success());
    let path = site.path().join("content/personer/ada-lovelace.md");
    fs::write(&path, "hand-written").expect("edit");
    let again = run(site.path(), &["new", "person", "Ada Lovelace"]);
    assert!(!again.status.success());
    assert!(stderr(&again).contains("`content/personer/ada-lovelace.md` already exists"), "{}", stderr(&again));
    assert_eq!(fs::read_to_string(&path).expect("read"), "hand-written");
}

#[test]
fn an_id_used_by_another_page_is_refused() {
    let site = minimal_site();
    let again = run(site.path(), &["new", "concept", "Index"]);
    assert!(!again.status.success());
    assert!(stderr(&again).contains("the id `index` is already used by `content/index.md`"), "{}", stderr(&again));
    assert!(!site.path().join("content/begreber/index.md").exists());
}

#[test]
fn an_unknown_kind_lists_the_kinds() {
    let site = minimal_site();
    let new = run(site.path(), &["new", "kase", "Noget"]);
    assert!(!new.status.success());
    let err = stderr(&new);
    assert!(err.contains("there is no kind `kase`"), "{err}");
    assert!(err.contains("page, chapter, actor, case"), "{err}");
    assert!(!site.path().join("content").join("noget.md").exists());
}

#[test]
fn a_title_without_letters_is_refused() {
    let site = minimal_site();
    let new = run(site.path(), &["new", "person", "–?!"]);
    assert!(!new.status.success());
    assert!(stderr(&new).contains("no letters or digits"), "{}", stderr(&new));
}

/// Fills every `key:  # påkrævet: <type>` line with a value of that type, the
/// way an editor would; mappings are left to their own (filled) lines.
fn fill_required(text: &str, config: &Config, root: &Path) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let filled = line.split_once(":  # påkrævet: ").and_then(|(key, ty)| {
            let value = sample_value(ty, config, root)?;
            (!key.trim_start().starts_with('#')).then(|| format!("{key}: {value}"))
        });
        out.push_str(filled.as_deref().unwrap_or(line));
        out.push('\n');
    }
    out
}

fn sample_value(ty: &str, config: &Config, root: &Path) -> Option<String> {
    if let Some(item) = ty.strip_prefix("a list of ") {
        return sample_value(item, config, root).map(|v| format!("[{v}]"));
    }
    let first_quoted = || ty.split('`').nth(1).map(str::to_string);
    Some(match ty {
        "a string" | "Markdown text" => "\"Udfyldt\"".into(),
        "a whole number" => "1".into(),
        "a number" => "1.5".into(),
        "true or false" => "true".into(),
        "a date (YYYY-MM-DD)" => "2024-01-31".into(),
        "a URL (https://…)" => "\"https://example.org/\"".into(),
        "a colour (#rrggbb)" => "\"#336699\"".into(),
        "a source file name" => config.sources.keys().next()?.clone(),
        _ if ty.starts_with("one of ") => format!("\"{}\"", first_quoted()?),
        _ if ty.starts_with("the id of a `") => some_page_of(&first_quoted()?, config, root)?,
        _ if ty.starts_with("the id of a page") => some_page_of("page", config, root)?,
        _ => return None,
    })
}

/// The id of an existing page of kind `kind`.
fn some_page_of(kind: &str, config: &Config, root: &Path) -> Option<String> {
    let folder = &config.kinds.iter().find(|k| k.name == kind)?.folder;
    let mut names: Vec<String> = fs::read_dir(root.join("content").join(folder))
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.strip_suffix(".md").map(str::to_string))
        .filter(|stem| !stem.starts_with("ny-testside"))
        .collect();
    names.sort();
    names.into_iter().next()
}
