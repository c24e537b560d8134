//! Incremental rebuilds give the same site as a full build.
//!
//! The course site is copied to a temporary folder and edited at random, the
//! way editors do: titles, summaries, actor lists, sectors, chart values,
//! body links and headings, broken links, and edits undone. After every edit
//! the kept [`Session`] is updated, and every file it serves is compared
//! byte for byte with a build from scratch of the same files. An edit the
//! full build refuses must be refused by the update too, and the update that
//! undoes it must bring back the same site.

use ledestjerne::pipeline::{Options, Session};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::support::{REPO, Rng, copy_dir};

/// The course site in a temporary folder, with its content files.
pub struct Course {
    dir: tempfile::TempDir,
    /// Content files, relative to the root.
    pub files: Vec<String>,
    /// Page ids (file stems).
    ids: Vec<String>,
    actors: Vec<String>,
}

impl Course {
    pub fn copy() -> Course {
        let dir = tempfile::tempdir().expect("temp dir");
        let repo = Path::new(REPO);
        fs::copy(repo.join("site.yaml"), dir.path().join("site.yaml")).expect("site.yaml");
        for folder in ["content", "themes", "templates", "i18n"] {
            copy_dir(&repo.join(folder), &dir.path().join(folder));
        }
        let mut files = Vec::new();
        collect_md(dir.path(), &dir.path().join("content"), &mut files);
        files.sort();
        let stem = |f: &String| Path::new(f).file_stem().expect("stem").to_string_lossy().into_owned();
        let ids = files.iter().map(stem).collect();
        let actors = files.iter().filter(|f| f.starts_with("content/aktoerer/")).map(stem).collect();
        Course { dir, files, ids, actors }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    fn options(&self) -> Options {
        Options { root: self.root().to_path_buf(), base_url: None, drafts: false, ..Options::default() }
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.root().join(rel)).expect("read page")
    }

    pub fn write(&self, rel: &str, text: &str) {
        fs::write(self.root().join(rel), text).expect("write page");
    }
}

fn collect_md(root: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in fs::read_dir(dir).expect("read folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            collect_md(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path.strip_prefix(root).expect("under root").to_string_lossy().replace('\\', "/"));
        }
    }
}

/// One editor's edit of a page's text; `None` when it does not apply to this page.
pub fn edit(text: &str, op: usize, n: usize, course: &Course, rng: &mut Rng) -> Option<(String, &'static str)> {
    let (front, body) = split(text)?;
    let other = rng.pick(&course.ids).clone();
    let replace_line = |prefix: &str, line: String| -> Option<String> {
        let mut found = false;
        let lines: Vec<String> = front
            .lines()
            .map(|l| {
                if !found && l.starts_with(prefix) {
                    found = true;
                    line.clone()
                } else {
                    l.to_string()
                }
            })
            .collect();
        found.then(|| format!("---\n{}\n---\n{body}", lines.join("\n")))
    };
    match op {
        0 => {
            let key = if front.lines().any(|l| l.starts_with("name: ")) { "name: " } else { "title: " };
            Some((replace_line(key, format!("{key}\"Ændret titel {n}\""))?, "title"))
        }
        1 => {
            let summary = format!("summary: \"Nyt resumé {n} om [[{other}]].\"");
            let replaced = replace_summary(front, body, &summary)?;
            Some((replaced, "summary"))
        }
        2 => {
            let count = 1 + rng.index(3);
            let mut picked: Vec<&String> = (0..count).map(|_| rng.pick(&course.actors)).collect();
            picked.sort();
            picked.dedup();
            let list = picked.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
            Some((replace_line("actors: ", format!("actors: [{list}]"))?, "actors"))
        }
        3 => {
            let sector = rng.pick(&["stat", "region", "kommune"]);
            Some((replace_line("sector: ", format!("sector: {sector}"))?, "sector"))
        }
        4 => {
            let at = text.find("value: ")? + "value: ".len();
            let end = at + text[at..].find([',', ' ', '}'])?;
            text[at..end].parse::<f64>().ok()?;
            Some((format!("{}{}{}", &text[..at], 10 + n, &text[end..]), "chart value"))
        }
        5 => Some((format!("{text}\n\nSe også [[{other}]].\n"), "body link")),
        6 => Some((format!("{text}\n\n## Ny overskrift {n}\n\nTekst under overskriften.\n"), "heading")),
        7 => Some((format!("{text}\n\nSe [[findes-ikke-{n}]].\n"), "broken link")),
        8 => Some((format!("{text}\n\n![Et billede](mangler-{n}.png) og ![](/favicon.svg)\n"), "missing picture and no alt text")),
        _ => Some((format!("{text}\n\nMere tekst {n}.\n"), "body text")),
    }
}

fn split(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix("---\n")?;
    let end = rest.find("\n---\n")?;
    Some((&rest[..end], &rest[end + 5..]))
}

/// The front matter with its `summary` (one line or an indented block) replaced.
fn replace_summary(front: &str, body: &str, summary: &str) -> Option<String> {
    let mut out = Vec::new();
    let mut lines = front.lines().peekable();
    let mut found = false;
    while let Some(line) = lines.next() {
        if line.starts_with("summary:") {
            found = true;
            out.push(summary.to_string());
            while lines.peek().is_some_and(|l| l.starts_with(' ')) {
                lines.next();
            }
        } else {
            out.push(line.to_string());
        }
    }
    found.then(|| format!("---\n{}\n---\n{body}", out.join("\n")))
}

type Files = BTreeMap<String, Vec<u8>>;

/// The same files built from scratch: a new session renders everything.
fn full_build(course: &Course) -> Result<Files, String> {
    Session::start(&course.options()).map(|(_, r)| r.files.into_iter().map(|f| (f.path, f.bytes)).collect()).map_err(|d| d.to_string())
}

fn assert_same(served: &Files, full: &Files, what: &str) {
    let missing: Vec<&String> = full.keys().filter(|k| !served.contains_key(*k)).collect();
    let extra: Vec<&String> = served.keys().filter(|k| !full.contains_key(*k)).collect();
    assert!(missing.is_empty() && extra.is_empty(), "after {what}: missing {missing:?}, extra {extra:?}");
    let stale: Vec<&String> = full.iter().filter(|(k, v)| served.get(*k) != Some(v)).map(|(k, _)| k).collect();
    assert!(stale.is_empty(), "after {what}: {} stale files, e.g. {:?}", stale.len(), &stale[..stale.len().min(8)]);
}

/// Applies an update to the served files; panics when the session wants a full build.
fn update(session: &mut Session, served: &mut Files, paths: &[String]) -> Result<usize, String> {
    let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    match session.update(&paths) {
        Ok(Some(rendered)) => {
            served.extend(rendered.files.into_iter().map(|f| (f.path, f.bytes)));
            Ok(rendered.pages)
        }
        Ok(None) => panic!("an edit of existing pages was answered with a full build: {paths:?}"),
        Err(d) => Err(d.to_string()),
    }
}

#[test]
fn random_edits_give_the_same_site_as_a_full_build() {
    let course = Course::copy();
    let (mut session, rendered) = Session::start(&course.options()).expect("the course builds");
    let mut served: Files = rendered.files.into_iter().map(|f| (f.path, f.bytes)).collect();
    assert_same(&served, &full_build(&course).expect("full build"), "the first build");
    let mut rng = Rng(0x5eed_1e0e_57e1_a4e5);
    let (mut applied, mut refused, mut rendered_pages) = (0, 0, 0);
    for n in 0..60 {
        let batch = 1 + usize::from(rng.index(5) == 0);
        let mut edited = Vec::new();
        let mut originals = Vec::new();
        let mut what = Vec::new();
        while edited.len() < batch {
            let file = rng.pick(&course.files).clone();
            let text = course.read(&file);
            let op = rng.index(10);
            let Some((new_text, name)) = edit(&text, op, n, &course, &mut rng) else { continue };
            if edited.contains(&file) {
                continue;
            }
            course.write(&file, &new_text);
            what.push(format!("{name} in {file}"));
            originals.push((file.clone(), text));
            edited.push(file);
        }
        let what = what.join(", ");
        match (update(&mut session, &mut served, &edited), full_build(&course)) {
            (Ok(pages), Ok(full)) => {
                assert_same(&served, &full, &what);
                // Titles of hubs and links between hubs show on every page (navigation, hub map).
                let site_wide = what.contains("title") || what.contains("actors");
                assert!(pages < course.files.len() / 2 || site_wide, "{what} rendered {pages} pages");
                applied += 1;
                rendered_pages += pages;
            }
            (Err(_), Err(_)) => {
                refused += 1;
                for (file, text) in &originals {
                    course.write(file, text);
                }
                update(&mut session, &mut served, &edited).unwrap_or_else(|e| panic!("undoing {what} failed:\n{e}"));
                assert_same(&served, &full_build(&course).expect("full build"), &format!("undoing {what}"));
            }
            (Ok(_), Err(e)) => panic!("the update took {what}, which a full build refuses:\n{e}"),
            (Err(e), Ok(_)) => panic!("the update refused {what}, which a full build takes:\n{e}"),
        }
    }
    assert!(applied >= 30 && refused >= 3, "{applied} edits applied, {refused} refused");
    eprintln!("{applied} edits applied ({rendered_pages} pages rendered in all), {refused} refused and undone");
}

#[test]
fn adding_or_removing_a_page_asks_for_a_full_build() {
    let course = Course::copy();
    let (mut session, _) = Session::start(&course.options()).expect("the course builds");
    let new_page = "content/begreber/ny-side.md";
    course.write(new_page, "---\ntitle: \"Ny side\"\nsummary: \"Kort.\"\n---\nTekst.\n");
    assert!(matches!(session.update(&[PathBuf::from(new_page)]), Ok(None)), "a new page");
    let gone = course.files.iter().find(|f| f.starts_with("content/personer/")).expect("a person");
    fs::remove_file(course.root().join(gone)).expect("remove");
    assert!(matches!(session.update(&[PathBuf::from(gone)]), Ok(None)), "a removed page");
}

#[test]
fn a_heading_and_a_link_to_it_added_together_are_one_good_update() {
    let course = Course::copy();
    let (mut session, rendered) = Session::start(&course.options()).expect("the course builds");
    let mut served: Files = rendered.files.into_iter().map(|f| (f.path, f.bytes)).collect();
    let (a, b) = ("content/aktoerer/borgere.md", "content/aktoerer/fonde.md");
    course.write(a, &format!("{}\n\nSe [[fonde#helt-ny-overskrift]].\n", course.read(a)));
    course.write(b, &format!("{}\n\n## Helt ny overskrift\n\nTekst.\n", course.read(b)));
    // The link comes first in the batch: it must be checked with the heading in place.
    update(&mut session, &mut served, &[a.to_string(), b.to_string()]).expect("both edits together are good");
    assert_same(&served, &full_build(&course).expect("full build"), "the heading and the link");
    // Removing the heading alone breaks the link: refused, naming the linking page.
    course.write(b, &course.read(b).replace("## Helt ny overskrift", "Ikke længere en overskrift"));
    let error = update(&mut session, &mut served, &[b.to_string()]).expect_err("the link to the heading breaks");
    assert!(error.contains("content/aktoerer/borgere.md"), "{error}");
}
