//! The bundled course (`site.yaml` and `content/` at the repository root):
//! it builds, it has the pages the course needs, and it keeps its promises
//! about actors, people, sources and personal data.

use crate::support::{self, REPO, run_binary};
use serde_norway::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Kinds whose pages must cite where they come from, by folder.
const SOURCED_FOLDERS: [&str; 6] = ["aktoerer", "cases", "eksperter", "litteratur", "figurer", "haandbogen"];

// ---------- reading the course ----------

/// One Markdown file of the course.
struct ContentFile {
    /// Path relative to the repository, `content/cases/x.md`.
    rel: String,
    /// Folder under `content/` (`""` for top-level pages).
    folder: String,
    /// File stem.
    stem: String,
    /// The whole text.
    text: String,
    /// The parsed front matter.
    front_matter: Value,
}

impl ContentFile {
    fn id(&self) -> String {
        self.front_matter.get("id").and_then(Value::as_str).map_or_else(|| self.stem.clone(), str::to_string)
    }

    fn field(&self, name: &str) -> Option<&Value> {
        self.front_matter.get(name)
    }
}

fn content_dir() -> PathBuf {
    Path::new(REPO).join("content")
}

fn markdown_files() -> Vec<ContentFile> {
    support::files_under(&content_dir())
        .into_iter()
        .filter(|(rel, _)| rel.ends_with(".md"))
        .map(|(rel, path)| {
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
            let front_matter = serde_norway::from_str(front_matter_of(&text).unwrap_or_else(|| panic!("{rel}: no front matter")))
                .unwrap_or_else(|e| panic!("{rel}: {e}"));
            let folder = rel.split_once('/').map_or("", |(folder, _)| folder).to_string();
            let stem = Path::new(&rel).file_stem().expect("file name").to_string_lossy().into_owned();
            ContentFile { rel: format!("content/{rel}"), folder, stem, text, front_matter }
        })
        .collect()
}

fn front_matter_of(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("---\n")?;
    let end = rest.find("\n---\n")?;
    Some(&rest[..end])
}

fn in_folder<'a>(files: &'a [ContentFile], folder: &'a str) -> impl Iterator<Item = &'a ContentFile> {
    files.iter().filter(move |f| f.folder == folder)
}

// ---------- it builds ----------

#[test]
fn the_course_passes_check() {
    run_binary(Path::new(REPO), &["check"]).ok();
}

#[test]
fn the_course_builds_byte_identically_twice() {
    let out = tempfile::tempdir().expect("temporary folder");
    let build = |name: &str| {
        let output = out.path().join(name);
        run_binary(Path::new(REPO), &["build", "--output", output.to_str().expect("utf-8 path")]).ok()
    };
    let (one, two) = (build("en"), build("to"));
    assert!(one.html("").contains("Samarbejdsdrevet innovation"));
    assert!(one.html("cases/skat-i-balance/").contains("Skat i balance"));
    let borgere = one.html("aktoerer/borgere/");
    let quotes = &borgere[borgere.find("class=\"quotes\"").expect("the quotes section")..];
    assert!(quotes.contains("Gengivet i egne ord efter"), "a paraphrase says so");
    assert!(!quotes.contains("<blockquote>"), "a paraphrase is not shown as a quotation");
    let first = support::fingerprint(&one.out);
    assert!(first.keys().any(|p| p.starts_with("pagefind/")), "no search index");
    assert_eq!(first, support::fingerprint(&two.out));
}

// ---------- what the course contains ----------

#[test]
fn each_kind_has_the_pages_the_course_needs() {
    let files = markdown_files();
    for (folder, at_least) in [("aktoerer", 8), ("cases", 20), ("eksperter", 8), ("litteratur", 10)] {
        let n = in_folder(&files, folder).count();
        assert!(n >= at_least, "content/{folder}/ has {n} pages, the course needs at least {at_least}");
    }
}

#[test]
fn every_case_lists_an_actor() {
    let files = markdown_files();
    for case in in_folder(&files, "cases") {
        let actors = case.field("actors").and_then(Value::as_sequence).map_or(0, Vec::len);
        assert!(actors >= 1, "{} lists no actor", case.rel);
    }
}

#[test]
fn no_person_is_orphaned() {
    let files = markdown_files();
    let mut orphans = Vec::new();
    for person in in_folder(&files, "personer") {
        let id = person.id();
        let referenced = files.iter().filter(|f| f.rel != person.rel).any(|f| mentions(f, &id));
        if !referenced {
            orphans.push(person.rel.clone());
        }
    }
    assert!(orphans.is_empty(), "no other page refers to these people:\n{}", orphans.join("\n"));
}

/// Whether `file` refers to the page `id`: as a front-matter value, a `[[id…]]` link or a link to `id.md`.
fn mentions(file: &ContentFile, id: &str) -> bool {
    let mut strings = Vec::new();
    collect_strings(&file.front_matter, &mut strings);
    strings.contains(&id)
        || ["]]", "|", "#"].iter().any(|end| file.text.contains(&format!("[[{id}{end}")))
        || file.text.contains(&format!("/{id}.md"))
}

fn collect_strings<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::String(s) => out.push(s),
        Value::Sequence(items) => items.iter().for_each(|v| collect_strings(v, out)),
        Value::Mapping(map) => map.values().for_each(|v| collect_strings(v, out)),
        Value::Tagged(tagged) => collect_strings(&tagged.value, out),
        _ => {}
    }
}

#[test]
fn sourced_pages_name_a_seed_file_and_a_section() {
    let site: Value =
        serde_norway::from_str(&std::fs::read_to_string(Path::new(REPO).join("site.yaml")).expect("site.yaml")).expect("site.yaml is YAML");
    let seeds: Vec<&str> = site["sources"].as_mapping().expect("sources").keys().filter_map(Value::as_str).collect();
    assert_eq!(seeds.len(), 5, "the course has five seed files: {seeds:?}");
    let files = markdown_files();
    let mut problems = Vec::new();
    for file in files.iter().filter(|f| SOURCED_FOLDERS.contains(&f.folder.as_str())) {
        let source = file.field("source");
        let seed = source.and_then(|s| s.get("file")).and_then(Value::as_str);
        let section = source.and_then(|s| s.get("section")).and_then(Value::as_str).map(str::trim);
        if !seed.is_some_and(|s| seeds.contains(&s)) {
            problems.push(format!("{}: source.file {seed:?} is not a seed file", file.rel));
        }
        if section.is_none_or(str::is_empty) {
            problems.push(format!("{}: source.section is missing or empty", file.rel));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---------- no personal contact details ----------

#[test]
fn no_content_file_holds_a_phone_number_or_an_email_address() {
    let mut found = BTreeMap::new();
    for (rel, path) in support::files_under(&content_dir()) {
        let text = String::from_utf8_lossy(&std::fs::read(&path).expect("read content file")).into_owned();
        let hits: Vec<String> = email_addresses(&text).into_iter().map(str::to_string).chain(phone_numbers(&text)).collect();
        if !hits.is_empty() {
            found.insert(rel, hits);
        }
    }
    assert!(found.is_empty(), "contact details in content/: {found:#?}");
}

/// Words shaped like `name@host.tld`.
fn email_addresses(text: &str) -> Vec<&str> {
    text.split(|c: char| c.is_whitespace() || "<>()[]{}\"'`,;:»«".contains(c))
        .map(|w| w.trim_end_matches('.'))
        .filter(|w| {
            let Some((local, domain)) = w.split_once('@') else {
                return false;
            };
            let tld = domain.rsplit_once('.').filter(|(host, _)| !host.is_empty()).map(|(_, tld)| tld);
            !local.is_empty() && tld.is_some_and(|t| t.len() >= 2 && t.chars().all(|c| c.is_ascii_alphabetic()))
        })
        .collect()
}

/// Danish phone numbers: eight digits written `12 34 56 78`, `1234 5678` or
/// `12345678`, optionally after `+45`. Digits glued to others by `.` or `,`
/// (`2.362`, `1,7`) are figures, digits glued to letters are names, and two years side by side are not a number.
fn phone_numbers(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let digit_at = |i: usize| chars.get(i).is_some_and(char::is_ascii_digit);
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !digit_at(i) {
            i += 1;
            continue;
        }
        let glued_before = i >= 1 && glued(chars[i - 1]) || i >= 2 && ".,".contains(chars[i - 1]) && digit_at(i - 2);
        let plus = i >= 1 && chars[i - 1] == '+';
        let start = i;
        let mut groups = vec![String::new()];
        while i < chars.len() {
            if digit_at(i) {
                groups.last_mut().expect("a group").push(chars[i]);
            } else if chars[i] == ' ' && digit_at(i + 1) {
                groups.push(String::new());
            } else {
                break;
            }
            i += 1;
        }
        let glued_after = chars.get(i).is_some_and(|&c| glued(c)) || chars.get(i).is_some_and(|c| ".,".contains(*c)) && digit_at(i + 1);
        if glued_before || glued_after {
            continue;
        }
        if plus && groups[0].starts_with("45") {
            groups[0].drain(..2);
            groups.retain(|g| !g.is_empty());
        }
        if looks_like_phone(&groups) {
            found.push(chars[start..i].iter().collect());
        }
    }
    found
}

/// Characters that make digits part of a word or a name (`c4166fba47313989`, `id_12345678`).
fn glued(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn looks_like_phone(groups: &[String]) -> bool {
    let year = |g: &str| matches!(g.parse::<u32>(), Ok(1900..=2099));
    (0..groups.len()).any(|s| {
        let lens: Vec<usize> = groups[s..].iter().map(String::len).collect();
        lens.starts_with(&[2, 2, 2, 2])
            || lens.starts_with(&[8])
            || (lens.starts_with(&[4, 4]) && !(year(&groups[s]) && year(&groups[s + 1])))
    })
}

#[test]
fn the_contact_detectors_find_contacts_and_leave_figures_alone() {
    for text in ["ring 12 34 56 78", "tlf. 12345678.", "+45 12 34 56 78", "+4512345678", "telefon: 2345 6789"] {
        assert_eq!(phone_numbers(text).len(), 1, "{text}");
    }
    for text in [
        "i 2015-2016",
        "2.362 borgere",
        "45 %",
        "80 % i 2015",
        "1 000 000 kr.",
        "1,7 mia. kr.",
        "950.000",
        "2013 2014",
        "kapitel 5.10",
        "12 34 56",
        "001_c4166fba47313989.txt",
    ] {
        assert_eq!(phone_numbers(text), Vec::<String>::new(), "{text}");
    }
    for text in ["skriv til anna@coi.dk.", "<a.b@kommune.dk>", "[mail](mailto:x@y.dk)"] {
        assert_eq!(email_addresses(text).len(), 1, "{text}");
    }
    for text in ["følg @borgerne", "a@b", "5@2.5", "x@.dk"] {
        assert_eq!(email_addresses(text), Vec::<&str>::new(), "{text}");
    }
}
