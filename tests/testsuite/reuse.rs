//! A build into its previous output reuses what did not change, and gives
//! the same files, byte for byte, as a build from scratch.
//!
//! The course is copied (with search bundles of 50 pages, so that some
//! bundles change and others do not), built, then edited the way editors
//! do — body text, titles, summaries, actor lists, links, headings, broken
//! links — and a page is added and removed again. After each edit the site
//! is built into the same output folder and, with `--no-reuse`, into an
//! empty one, and every file of the two is compared.

use crate::incremental::{Course, edit};
use crate::support::{Rng, files_under, run_binary};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// Every file under `dir` with its bytes.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files_under(dir).into_iter().map(|(rel, path)| (rel, fs::read(path).expect("read output file"))).collect()
}

fn assert_same(reused: &Path, scratch: &Path, what: &str) {
    let (reused, scratch) = (contents(reused), contents(scratch));
    let missing: Vec<&String> = scratch.keys().filter(|k| !reused.contains_key(*k)).collect();
    let extra: Vec<&String> = reused.keys().filter(|k| !scratch.contains_key(*k)).collect();
    assert!(missing.is_empty() && extra.is_empty(), "after {what}: missing {missing:?}, extra {extra:?}");
    let stale: Vec<&String> = scratch.iter().filter(|(k, v)| reused.get(*k) != Some(v)).map(|(k, _)| k).collect();
    assert!(
        stale.is_empty(),
        "after {what}: {} files differ from a build from scratch, e.g. {:?}",
        stale.len(),
        &stale[..stale.len().min(8)]
    );
}

/// Builds into `public/` reusing it, and into `scratch` from nothing;
/// returns the reusing build's messages, or `None` when both refused.
fn build_both(course: &Course, scratch: &Path, what: &str) -> Option<String> {
    let reused = run_binary(course.root(), &["build"]);
    let _ = fs::remove_dir_all(scratch);
    let fresh = run_binary(course.root(), &["build", "--no-reuse", "-o", &scratch.display().to_string()]);
    match (reused.code == Some(0), fresh.code == Some(0)) {
        (true, true) => {
            assert_same(&course.root().join("public"), scratch, what);
            Some(reused.stderr)
        }
        (false, false) => None,
        _ => panic!(
            "after {what}: reusing build {:?}, build from scratch {:?}\n{}\n{}",
            reused.code, fresh.code, reused.stderr, fresh.stderr
        ),
    }
}

/// The course with search bundles of 50 pages.
fn course() -> Course {
    let course = Course::copy();
    let config = course.read("site.yaml");
    course.write("site.yaml", &format!("{config}\nsearch:\n  shard_pages: 50\n"));
    course
}

/// The course built into its own `public/` and, from scratch, into a
/// `site` folder of the returned temporary folder.
fn built_course() -> (Course, tempfile::TempDir, std::path::PathBuf) {
    let course = course();
    let dir = tempfile::tempdir().expect("temp dir");
    let scratch = dir.path().join("site");
    build_both(&course, &scratch, "the first build").expect("the course builds");
    (course, dir, scratch)
}

#[test]
fn an_unchanged_site_and_a_body_edit_reuse_every_other_page() {
    let (course, _dir, scratch) = built_course();
    let pages = course.files.len();
    let again = build_both(&course, &scratch, "building again").expect("builds again");
    assert!(again.contains(&format!("reused {pages} of {pages} pages and 5 of 5 search bundles")), "{again}");
    let case = course.files.iter().find(|f| f.starts_with("content/cases/")).expect("a case");
    course.write(case, &format!("{}\n\nEn helt ny sætning om borgerinddragelse.\n", course.read(case)));
    let edited = build_both(&course, &scratch, "a new sentence").expect("builds after the edit");
    assert!(edited.contains(&format!("reused {} of {pages} pages and 4 of 5 search bundles", pages - 1)), "{edited}");
}

#[test]
fn random_edits_additions_and_removals_give_the_files_of_a_build_from_scratch() {
    let (course, _dir, scratch) = built_course();
    let added = "content/begreber/helt-nyt-begreb.md";
    let mut rng = Rng(0x2e05_e0f0_0b1d_7a11);
    let (mut applied, mut refused) = (0, 0);
    for n in 0..12 {
        let mut originals = Vec::new();
        let what = match n {
            4 => {
                let text =
                    "---\ntitle: \"Helt nyt begreb\"\nsummary: \"Et nyt begreb om [[samskabelse]].\"\n---\nSe [[borgere]] og [[fonde]].\n";
                course.write(added, text);
                "a new page".to_string()
            }
            9 => {
                fs::remove_file(course.root().join(added)).expect("remove the new page");
                "removing the new page".to_string()
            }
            _ => {
                let file = rng.pick(&course.files).clone();
                let text = course.read(&file);
                let Some((new_text, name)) = edit(&text, rng.index(9), n, &course, &mut rng) else { continue };
                course.write(&file, &new_text);
                originals.push((file.clone(), text));
                format!("{name} in {file}")
            }
        };
        if build_both(&course, &scratch, &what).is_some() {
            applied += 1;
            continue;
        }
        assert!(!originals.is_empty(), "{what} was refused");
        refused += 1;
        for (file, text) in &originals {
            course.write(file, text);
        }
        build_both(&course, &scratch, &format!("undoing {what}")).expect("the undone edit builds");
    }
    assert!(applied >= 6, "{applied} edits applied, {refused} refused");
}

/// The pages as the last build read them are kept beside the output
/// (`.public.pages`): a build that changes nothing leaves that file alone,
/// a change to `site.yaml` checks every page again, and a damaged cache is
/// read past.
#[test]
fn the_page_cache_never_hides_a_change_or_a_problem() {
    let site = crate::support::SiteTest::new().page("personer", "anna", "name: Anna Holm", "Anna.\n");
    let cache = site.root().join(".public.pages");
    site.build().ok();
    let first = fs::read(&cache).expect("the build leaves a page cache");
    site.build().ok();
    assert_eq!(fs::read(&cache).unwrap(), first, "nothing changed, so the cache is the same");

    // The page did not change, but the schema now wants a role it does not have.
    let yaml = fs::read_to_string(site.root().join("site.yaml")).unwrap();
    let stricter = yaml.replace("role: { type: string, label: Rolle }", "role: { type: string, label: Rolle, required: true }");
    assert_ne!(yaml, stricter);
    fs::write(site.root().join("site.yaml"), &stricter).unwrap();
    let failed = site.build().failed();
    assert!(failed.stderr.contains("content/personer/anna.md:"), "{}", failed.stderr);
    assert!(failed.stderr.contains("role"), "{}", failed.stderr);
    fs::write(site.root().join("site.yaml"), &yaml).unwrap();

    // A damaged cache is read past; an edited page shows its edit.
    fs::write(&cache, b"ledestjerne pages 1\n\x01\x02").unwrap();
    fs::write(site.root().join("content/personer/anna.md"), "---\nname: Anna Holm-Berg\n---\nAnna.\n").unwrap();
    site.build().ok();
    let html = fs::read_to_string(site.root().join("public/personer/anna/index.html")).unwrap();
    assert!(html.contains("Anna Holm-Berg"), "{html}");
    assert!(fs::read(&cache).unwrap().len() > 100, "the cache is written again");

    // A problem in a body stops every build until it is fixed; a failed build leaves the cache as it was.
    fs::write(site.root().join("content/personer/anna.md"), "---\nname: Anna\n---\n[klik](javascript:alert(1))\n").unwrap();
    let before = fs::read(&cache).unwrap();
    for _ in 0..2 {
        let failed = site.build().failed();
        assert!(failed.stderr.contains("content/personer/anna.md:4:1") && failed.stderr.contains("javascript"), "{}", failed.stderr);
    }
    assert_eq!(fs::read(&cache).unwrap(), before);
}
