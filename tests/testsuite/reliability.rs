//! Reliability and security: what an editor sees when the input is surprising,
//! unsafe, huge or hostile, and what a build that is killed halfway leaves
//! behind. Each test asserts on what a user sees: the exit code, the message
//! on stderr (with its file) and the output folder.

#[path = "../../fuzz/src/lib.rs"]
mod fuzz_checks;

use crate::support::{self, REPO, Rng, SiteTest, assert_says, files_under, fingerprint};
use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

// ---------- fixtures ----------

fn case(title: &str) -> String {
    format!("title: {title}\nactors: [borgere]\nsector: stat")
}

/// An actor and a person, nothing referring to them yet.
fn site() -> SiteTest {
    let actor = "title: Borgere\nchapter: \"1\"";
    SiteTest::new().page("aktoerer", "borgere", actor, "## Nøgletal\n\nTekst.\n").page("personer", "anna", "name: Anna Holm", "")
}

/// Builds a site that must fail and returns its stderr.
#[track_caller]
fn build_error(site: &SiteTest) -> String {
    site.build().failed().stderr
}

/// Runs `ledestjerne --root <root> <args>`, killing it and failing the test
/// after `limit` (a hang must fail, not block the test run).
fn run_within(root: &Path, args: &[&str], limit: Duration) -> (Option<i32>, String, Duration) {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ledestjerne"))
        .arg("--root")
        .arg(root)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start ledestjerne");
    let stderr = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`ledestjerne {}` did not finish within {limit:?}", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = start.elapsed();
    let stderr = reader.join().expect("read stderr").replace(&root.display().to_string(), "[ROOT]");
    (status.code(), stderr, elapsed)
}

// ---------- YAML 1.1 surprises ----------

#[test]
fn yaml_words_and_dates_that_yaml_1_1_would_change_stay_text() {
    let run = site()
        .page("cases", "a", &case("no"), "")
        .page("cases", "b", &case("on"), "")
        .page("cases", "c", &format!("{}\nchapter: 2016-05-01", case("2016-05-01")), "")
        .build()
        .ok();
    assert!(run.main_html("cases/a/").contains("<h1>no</h1>"));
    assert!(run.main_html("cases/b/").contains("<h1>on</h1>"));
    let c = run.main_html("cases/c/");
    assert!(c.contains("<h1>2016-05-01</h1>") && c.contains("2016-05-01</dd>"), "{c}");
}

#[test]
fn yaml_values_read_as_numbers_or_booleans_say_what_to_write() {
    let site = site()
        .page("cases", "a", &format!("{}\nyear: 1e3", case("A")), "")
        .page("cases", "b", &format!("{}\nchapter: 5.10", case("B")), "")
        .page("cases", "c", &case("True"), "")
        .page("cases", "d", &case("0x1F"), "")
        .page("cases", "e", &format!("{}\nyear: 012", case("E")), "");
    let stderr = build_error(&site);
    for expected in [
        "error: content/cases/a.md:5:7: field `year`: expected a whole number, found the number `1000.0`\n  help: write a whole number without decimals or exponent, e.g. 2016",
        "error: content/cases/b.md:5:10: field `chapter`: expected a string, found the number `5.1`\n  help: put the value in quotes: \"5.10\"",
        "error: content/cases/c.md:2:8: field `title`: expected a string, found `true` (true/false)\n  help: YAML reads `True` as true/false: put the value in quotes: \"True\"",
        "error: content/cases/d.md:2:8: field `title`: expected a string, found the number `31`\n  help: put the value in quotes: \"0x1F\"",
        "error: content/cases/e.md:5:7: field `year`: expected a whole number, found the text `012`\n  help: write the number without leading zeros: 12",
    ] {
        assert_says(&stderr, expected);
    }
}

#[test]
fn a_stray_carriage_return_does_not_move_a_yaml_error_down() {
    let site = site().file("content/cases/x.md", "---\ntitle: X\r\ractors: [borgere]\nsector: \"stat\n---\n");
    assert_says(&build_error(&site), "error: content/cases/x.md:3:9: invalid YAML: a quoted value is never closed");
}

// ---------- ids, names and URLs ----------

#[test]
fn ids_that_are_paths_or_not_slugs_are_refused_and_nothing_is_written() {
    let site = site()
        .page("cases", "a", &format!("{}\nid: ../../x", case("A")), "")
        .page("cases", "b", &format!("{}\nid: /etc/x", case("B")), "")
        .page("cases", "c", &format!("{}\nid: Foo Bar", case("C")), "")
        .page("cases", "Foo Bar", &case("D"), "");
    let before = fingerprint(site.root());
    let stderr = build_error(&site);
    assert_says(&stderr, "error: content/cases/a.md:5:1: `id: ../../x` is not a slug");
    assert_says(&stderr, "error: content/cases/b.md:5:1: `id: /etc/x` is not a slug");
    assert_says(&stderr, "error: content/cases/c.md:5:1: `id: Foo Bar` is not a slug");
    assert_says(
        &stderr,
        "error: content/cases/Foo Bar.md:1:1: page id `Foo Bar` is not a slug\n  help: rename the file or set `id:` to a slug such as `foo-bar`",
    );
    assert_eq!(fingerprint(site.root()), before, "the failed build wrote into the site");
    let parent = site.root().parent().expect("a temporary folder has a parent");
    assert!(!parent.join("x").exists() && !Path::new("/etc/x").exists());
}

#[test]
fn one_name_in_two_unicode_normalisations_names_both_files() {
    let (nfc, nfd) = ("caf\u{e9}", "cafe\u{301}");
    let stderr = build_error(&site().page("cases", nfc, &case("A"), "").page("cases", nfd, &case("B"), ""));
    assert_says(&stderr, &format!("`content/cases/{nfd}.md` and `content/cases/{nfc}.md` differ only in case or Unicode normalisation"));
}

#[test]
fn a_page_beside_a_folder_page_of_the_same_name_names_both() {
    let site =
        site().page("cases", "foo", &case("Foo"), "").file("content/cases/foo/index.md", format!("---\n{}\n---\n", case("Foo igen")));
    assert_says(&build_error(&site), "id `foo` is used by `content/cases/foo/index.md` and `content/cases/foo.md`");
}

#[test]
fn two_files_given_one_id_name_both() {
    let site = site().page("cases", "a", &format!("{}\nid: b", case("A")), "").page("cases", "b", &case("B"), "");
    assert_says(&build_error(&site), "error: content/cases/b.md:1:1: id `b` is used by `content/cases/a.md` and `content/cases/b.md`");
}

#[test]
fn a_top_level_page_cannot_take_the_url_of_a_listing_or_the_search_page() {
    let site = site().page("cases", "a", &case("A"), "");
    let before = fingerprint(&site.build().ok().out);
    let listing = site.page("", "cases", "title: Om cases", "");
    assert_says(
        &build_error(&listing),
        "error: content/cases.md:1:1: `content/cases.md` would be written to `cases/index.html`, where the list of Cases goes",
    );
    let search = listing.remove("content/cases.md").page("", "soeg", "title: Søg selv", "");
    let run = search.build().failed();
    assert_says(
        &run.stderr,
        "error: content/soeg.md:1:1: `content/soeg.md` would be written to `soeg/index.html`, where the search page goes",
    );
    assert_eq!(fingerprint(&run.out), before, "the refused build changed the output");
}

// ---------- files that cannot be read ----------

#[test]
fn a_50_megabyte_file_is_refused_by_size_and_other_problems_are_still_reported() {
    let site = site().page("cases", "a", &case("A"), "Se [[ingen]].\n");
    let huge = std::fs::File::create(site.root().join("content/cases/huge.md")).expect("create");
    huge.set_len(50 * 1024 * 1024).expect("a sparse 50 MB file");
    let (code, stderr, elapsed) = run_within(site.root(), &["build"], Duration::from_secs(20));
    assert_eq!(code, Some(1), "{stderr}");
    assert_says(&stderr, "error: content/cases/huge.md:1:1: the file is 52428800 bytes, more than the limit of 8388608 bytes");
    assert_says(&stderr, "error: content/cases/a.md:6:4: broken link: no page with id `ingen`");
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_loop_is_an_error_and_the_build_finishes() {
    let site = site().page("cases", "a", &case("A"), "");
    std::os::unix::fs::symlink("..", site.root().join("content/cases/loop")).expect("symlink");
    let (code, stderr, _) = run_within(site.root(), &["build"], Duration::from_secs(20));
    assert_eq!(code, Some(1), "{stderr}");
    assert_says(&stderr, "error: content/cases/loop:1:1: symbolic link loop");
    assert_says(&stderr, "build failed with 1 error");
}

#[cfg(unix)]
#[test]
fn a_dangling_link_and_a_fifo_named_like_pages_are_errors_not_a_hang() {
    let site = site().page("cases", "a", &case("A"), "");
    std::os::unix::fs::symlink("/nonexistent", site.root().join("content/cases/x.md")).expect("symlink");
    let fifo = site.root().join("content/cases/y.md");
    assert!(Command::new("mkfifo").arg(&fifo).status().expect("mkfifo").success());
    let (code, stderr, _) = run_within(site.root(), &["build"], Duration::from_secs(20));
    assert_eq!(code, Some(1), "{stderr}");
    assert_says(&stderr, "error: content/cases/x.md:1:1: symbolic link to `/nonexistent`, which does not exist");
    assert_says(&stderr, "error: content/cases/y.md:1:1: not a regular file (a pipe, socket or device)");
    assert_says(&stderr, "build failed with 2 errors");
}

// ---------- templates and themes ----------

#[test]
fn a_template_that_fails_to_render_names_it_and_leaves_the_output() {
    let site = site().page("cases", "a", &case("A"), "").page("cases", "b", &case("B"), "");
    let before = fingerprint(&site.build().ok().out);
    let site = site.file("templates/case.html", "{% extends \"base.html\" %}{% block main %}\n  {{ page.nope.x }}{% endblock %}");
    let run = site.build().failed();
    // Once, at the template's line, with the pages that hit it counted.
    assert_says(&run.stderr, "error: templates/case.html:2:11: template error: Field `nope` is not defined");
    assert_says(&run.stderr, "it stopped the rendering of `content/cases/a.md` and 1 other");
    assert_eq!(run.stderr.matches("template error").count(), 1, "{}", run.stderr);
    assert_says(&run.stderr, "build failed with 1 error");
    assert_eq!(fingerprint(&run.out), before);
    let site =
        site.file("templates/case.html", "{% extends \"base.html\" %}{% block main %}{{ page.link.title | nofilter }}{% endblock %}");
    let run = site.build().failed();
    assert_says(&run.stderr, "error: templates/case.html:1:63: template error: Unknown filter `nofilter`");
    let site = site.file("templates/case.html", "{% if %}");
    let run = site.build().failed();
    assert_says(&run.stderr, "error: templates/case.html:1:7: template error");
    assert_eq!(fingerprint(&run.out), before);
}

#[test]
fn a_missing_theme_is_an_error() {
    let yaml = std::fs::read_to_string(SiteTest::new().root().join("site.yaml")).expect("site.yaml");
    let site = site().file("site.yaml", yaml.replace("theme: default", "theme: nope"));
    let error = build_error(&site);
    assert_says(&error, "error: site.yaml:5:1: the theme `nope` does not exist: it is not built in and there is no folder `themes/nope/`");
    assert_says(&error, "help: the themes are: default; `ledestjerne theme eject nope` writes a copy");
}

// ---------- pathological Markdown ----------

/// Builds one case whose body is `body`; returns the exit code and stderr.
/// Fails when the build takes 10 s or more (and kills it at 30 s).
fn build_body(body: &str) -> (Option<i32>, String) {
    let site = site().page("cases", "x", &case("X"), body);
    let (code, stderr, elapsed) = run_within(site.root(), &["build"], Duration::from_secs(30));
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
    (code, stderr)
}

#[test]
fn unclosed_link_destinations_finish_quickly() {
    let (code, stderr) = build_body(&"[a](<b".repeat(50_000));
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn many_link_reference_definitions_finish_quickly() {
    let body: String = (0..20_000).map(|i| format!("[r{i}]: https://example.org/{i}\n")).collect();
    let (code, stderr) = build_body(&format!("{body}\nSe [r19999].\n"));
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn many_comment_openers_finish_quickly_with_one_error() {
    let (code, stderr) = build_body(&"<!--".repeat(50_000));
    assert_eq!(code, Some(1));
    assert_says(&stderr, "error: content/cases/x.md:6:1: raw HTML is not allowed in content");
    assert_says(&stderr, "build failed with 1 error");
}

#[test]
fn deeply_nested_quotes_and_brackets_finish_quickly() {
    let (code, stderr) = build_body(&format!("{} x\n\n{}x\n", ">".repeat(50_000), "[".repeat(50_000)));
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn fifty_thousand_problems_in_one_file_print_as_a_hundred_and_a_count() {
    let (code, stderr) = build_body(&"a <b> [c](javascript:x) [[ingen]]\n".repeat(50_000 / 3));
    assert_eq!(code, Some(1));
    let errors = stderr.lines().filter(|l| l.starts_with("error: content/cases/x.md:")).count();
    assert_eq!(errors, 101, "{}", &stderr[..stderr.len().min(2000)]);
    assert_says(&stderr, "… and 49898 more problems in `content/cases/x.md`");
}

#[test]
fn a_front_matter_of_twenty_thousand_lines_finishes_quickly() {
    let keys: String = (0..19_000).map(|i| format!("k{i}: 1\n")).collect();
    let refs: String = (0..19_000).map(|i| format!("  - nope{i}\n")).collect();
    let keys = format!("{}\n{keys}", case("K"));
    let refs = format!("title: R\nsector: stat\nactors:\n{refs}");
    let site = site().page("cases", "keys", &keys, "").page("cases", "refs", &refs, "");
    let (code, stderr, elapsed) = run_within(site.root(), &["check"], Duration::from_secs(60));
    assert_eq!(code, Some(1));
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
    assert_says(&stderr, "error: content/cases/keys.md:5:1: unknown field `k0` for a case");
    assert_says(&stderr, "… and 18900 more problems in `content/cases/keys.md`");
    assert_says(&stderr, "error: content/cases/refs.md:5:5: no page with id `nope0`");
    assert_says(&stderr, "error: content/cases/refs.md:104:5: no page with id `nope99`");
    assert_says(&stderr, "… and 18900 more problems in `content/cases/refs.md`");
}

// ---------- hostile content ----------

const SCRIPT: &str = "<script>alert(1)</script>";
const BREAKOUT: &str = "\"><img src=x onerror=alert(1)>";
const END_TAG: &str = "</script><script>alert(2)</script>";
const LINE_SEPARATOR: &str = "før\u{2028}efter";

/// The bundled course's schema, whose kinds have person roles and
/// organisations, result labels and values, and URLs.
fn course_schema_site() -> SiteTest {
    let schema = std::fs::read_to_string(Path::new(REPO).join("site.yaml")).expect("the course's site.yaml");
    let bibliography = std::fs::read_to_string(Path::new(REPO).join("content/litteratur.bib")).expect("the course's bibliography");
    SiteTest::new().file("site.yaml", schema).file("content/litteratur.bib", bibliography)
}

fn quoted(text: &str) -> String {
    serde_json::to_string(text).expect("quote")
}

#[test]
fn hostile_text_in_every_kind_of_field_stays_text() {
    let hostile = [SCRIPT, BREAKOUT, END_TAG, LINE_SEPARATOR];
    let [a, b, c, d] = hostile.map(quoted);
    let source = "source:\n  file: 000_28d7f2d0a8711731.txt\n  section: \"1\"";
    let case = [
        format!("title: {b}\nsummary: Kort.\nactors: [borgere]\ninnovation_types: [service]\nsector: stat"),
        format!("organisations: [{a}, {c}, {d}]\nchapter: {c}\npeople: [p, q]"),
        format!("results:\n  - label: {a}\n    value: {b}\n  - label: {c}\n    value: {d}\n{source}"),
    ]
    .join("\n");
    let run = course_schema_site()
        .page("aktoerer", "borgere", &format!("title: {a}\nchapter: {b}\ncolor: \"#1b6e5a\"\nsummary: Borgere.\n{source}"), "")
        .page("personer", "p", &format!("name: {a}\nrole: {b}\norganisation: {c}"), "")
        .page("personer", "q", &format!("name: {d}\nrole: {c}\norganisation: {a}"), "")
        .page("cases", "x", &case, "")
        .page("begreber", "y", &format!("title: {c}\nsynonyms: [{a}, {b}]"), "")
        .build()
        .ok();
    let mut pages = 0;
    for (rel, path) in files_under(&run.out).iter().filter(|(rel, _)| rel.ends_with(".html")) {
        let html = std::fs::read_to_string(path).expect("read page");
        // The theme's search script; the 404 page also has the one that finds the site's root.
        let scripts = if rel == "404.html" { 2 } else { 1 };
        let result = std::panic::catch_unwind(|| fuzz_checks::check_html(&html, scripts));
        assert!(result.is_ok(), "hostile text became markup in {rel}");
        pages += 1;
    }
    assert!(pages > 10, "only {pages} pages checked");
    let case = run.html("cases/x/");
    assert!(case.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && case.contains("&lt;img src=x onerror=alert(1)&gt;"), "{case}");
    assert!(run.html("personer/q/").contains(LINE_SEPARATOR));
}

#[test]
fn the_html_check_catches_live_markup() {
    for live in ["<p onclick=\"x\">", "<a href=\" jav&#x61;script:x\">", "<iframe src=\"x\">", "<script>x</script>"] {
        assert!(std::panic::catch_unwind(|| fuzz_checks::check_html(live, 0)).is_err(), "{live} passed");
    }
    fuzz_checks::check_html("<p class=\"a\">&lt;script&gt; onclick=x</p>", 0);
}

#[test]
fn script_data_and_vbscript_links_are_errors_in_bodies_and_url_fields() {
    let body = "[a](javascript:alert(1))\n\n[b](data:text/html,<script>x</script>)\n\n[c](VBScript:msgbox(1))\n";
    let site = course_schema_site().page("vaerktoejer", "v", "title: V\nurl: javascript:alert(1)", body);
    let stderr = build_error(&site);
    assert_says(&stderr, "error: content/vaerktoejer/v.md:3:6: field `url`: `javascript:alert(1)` is not an http(s) URL");
    assert_says(&stderr, "error: content/vaerktoejer/v.md:5:1: links with the scheme `javascript:` are not allowed");
    assert_says(&stderr, "error: content/vaerktoejer/v.md:7:1: links with the scheme `data:` are not allowed");
    assert_says(&stderr, "error: content/vaerktoejer/v.md:9:1: links with the scheme `vbscript:` are not allowed");
}

#[test]
fn heading_attributes_cannot_smuggle_event_handlers() {
    let site = site().page("cases", "x", &case("X"), "## Hej {#hej onmouseover=alert(1)}\n");
    assert_says(&build_error(&site), "error: content/cases/x.md:6:1: heading attributes other than `{#id}` and `{.class}` are not allowed");
}

// ---------- where the output may go ----------

#[test]
fn the_home_folder_is_refused_even_when_it_looks_like_an_old_output() {
    let site = site();
    let home = tempfile::tempdir().expect("temporary home");
    std::fs::write(home.path().join(".ledestjerne-output"), "").expect("marker");
    std::fs::write(home.path().join("breve.txt"), "mine").expect("a file of the user's");
    let before = fingerprint(home.path());
    let output = Command::new(env!("CARGO_BIN_EXE_ledestjerne"))
        .env("HOME", home.path())
        .arg("--root")
        .arg(site.root())
        .args(["build", "--output"])
        .arg(home.path())
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("error: refusing to write the site to") && stderr.contains("it is the home folder"), "{stderr}");
    assert_eq!(fingerprint(home.path()), before);
    if let Some(real_home) = std::env::var_os("HOME") {
        let run = site.build_with(&["--output", Path::new(&real_home).to_str().expect("UTF-8 home")]).failed();
        assert!(run.stderr.starts_with("error: refusing to write the site to"), "{}", run.stderr);
    }
}

#[test]
fn an_ancestor_of_the_site_is_refused_even_when_it_looks_like_an_old_output() {
    let outer = tempfile::tempdir().expect("temporary folder");
    let root = outer.path().join("projekter/kursus");
    for (rel, path) in files_under(site().root()) {
        let target = root.join(rel);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("folder");
        std::fs::copy(path, target).expect("copy");
    }
    std::fs::write(outer.path().join("projekter/.ledestjerne-output"), "").expect("marker");
    let before = fingerprint(outer.path());
    let ancestor = outer.path().join("projekter");
    let run = support::run_binary(&root, &["build", "--output", ancestor.to_str().expect("UTF-8")]).failed();
    assert!(run.stderr.contains("it is the site folder or one of its parents"), "{}", run.stderr);
    assert_eq!(fingerprint(outer.path()), before);
}

// ---------- crash safety ----------

/// A site of `n` small cases, big enough that writing it takes a while.
fn big_site(n: usize) -> SiteTest {
    (0..n)
        .fold(site(), |site, i| site.page("cases", &format!("c{i}"), &case(&format!("Case {i}")), &format!("Tekst {i} om [[borgere]].\n")))
}

/// Leftover temporary folders of builds into `out`.
fn leftovers(out: &Path) -> Vec<String> {
    let name = out.file_name().expect("name").to_string_lossy().into_owned();
    std::fs::read_dir(out.parent().expect("parent"))
        .expect("read parent")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        // The spare tree (the previous site kept for the next build to start
        // from) and the page cache are no leftovers.
        .filter(|f| f.starts_with(&format!(".{name}.")) && *f != format!(".{name}.spare") && *f != format!(".{name}.pages"))
        .collect()
}

/// Starts a build of `root` into `out`.
fn spawn_build(root: &Path, out: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_ledestjerne"))
        .arg("--root")
        .arg(root)
        .arg("build")
        .arg("--output")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start a build")
}

/// Waits until the build has created a `.<out>.tmp-*` folder (the write has
/// begun) or, with `finished`, has written the marker file into it (the swap
/// is next), or until the build ends.
fn wait_for_write(child: &mut Child, out: &Path, finished: bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let parent = out.parent().expect("parent");
    while Instant::now() < deadline && child.try_wait().expect("poll").is_none() {
        let tmp = leftovers(out).into_iter().find(|f| f.contains(".tmp-"));
        if tmp.is_some_and(|tmp| !finished || parent.join(tmp).join(".ledestjerne-output").exists()) {
            return;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn a_killed_build_leaves_the_old_site_or_the_new_one_never_a_mix() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("site");
    support::run_binary(Path::new(REPO), &["build", "--output", out.to_str().expect("UTF-8")]).ok();
    let old = fingerprint(&out);
    let big = big_site(1_000);
    let mut random = Rng(0x5eed);
    let mut states = Vec::new();
    // Kills at random points of the first 500 ms (reading and rendering),
    // while the files are written, and around the swap.
    // Each round builds the site the output does not hold, so every kill
    // interrupts a change.
    for round in 0..6 {
        let holds_old = states.last().is_none_or(|s| *s == old);
        let mut child = spawn_build(if holds_old { big.root() } else { Path::new(REPO) }, &out);
        match round % 3 {
            0 => std::thread::sleep(Duration::from_millis(random.below(500))),
            1 => {
                wait_for_write(&mut child, &out, false);
                std::thread::sleep(Duration::from_millis(random.below(100)));
            }
            _ => {
                wait_for_write(&mut child, &out, true);
                std::thread::sleep(Duration::from_micros(random.below(3_000)));
            }
        }
        child.kill().expect("SIGKILL");
        child.wait().expect("reap");
        // On Linux the swap is one exchange of folders: the output is never missing.
        assert!(out.exists() || !cfg!(target_os = "linux"), "after kill {round} the output folder is missing");
        let mut state = if out.exists() { fingerprint(&out) } else { restored_by_next_build(&out) };
        // A kill right after the swap may leave the build's lock file in the
        // new site; the next build removes it with the rest of the old site.
        state.remove(".ledestjerne-staging");
        states.push(state);
    }
    // The build that is not killed gives the new site to compare with, and cleans up.
    let run = support::run_binary(big.root(), &["build", "--output", out.to_str().expect("UTF-8")]).ok();
    let new = fingerprint(&run.out);
    assert_ne!(old, new);
    assert!(leftovers(&out).is_empty(), "leftovers after a successful build: {:?}", leftovers(&out));
    let seen: Vec<&str> = states
        .iter()
        .enumerate()
        .map(|(round, state)| match state {
            s if *s == old => "old",
            s if *s == new => "new",
            s => panic!("after kill {round} the output is neither the old nor the new site ({} files)", s.len()),
        })
        .collect();
    eprintln!("the output after each kill: {seen:?}");
}

/// Where the swap takes two renames and a kill fell between them, the output folder is
/// missing and the old site waits in `.<out>.old-*`; the next build puts it back.
fn restored_by_next_build(out: &Path) -> std::collections::BTreeMap<String, (usize, u64)> {
    let old = leftovers(out).into_iter().find(|f| f.contains(".old-")).expect("the output vanished without an .old- folder");
    fingerprint(&out.parent().expect("parent").join(old))
}

// ---------- random inputs ----------

/// Fragments that mean something to the front-matter splitter, YAML or Markdown.
const TOKENS: [&str; 29] = [
    "---\n",
    "\n",
    "\r",
    ": ",
    "- ",
    "[[",
    "]]",
    "](",
    "<",
    ">",
    "&",
    "#",
    "{#",
    "}",
    "*",
    "`",
    "\t",
    "'",
    "\"",
    "|",
    "&a ",
    "*a",
    "!",
    "![[",
    "javascript:",
    "\u{2028}",
    "é",
    "\r\n",
    "\u{feff}",
];

/// One random edit of `text`: flip a byte, insert a token, delete or repeat a
/// range, or splice in part of `other`.
fn mutate(random: &mut Rng, text: &[u8], other: &[u8]) -> Vec<u8> {
    let mut out = text.to_vec();
    let at = random.index(out.len() + 1);
    match random.below(5) {
        0 if !out.is_empty() => {
            let i = at.min(out.len() - 1);
            out[i] ^= 1 << random.below(8);
        }
        1 => {
            let token = TOKENS[random.index(TOKENS.len())].as_bytes();
            out.splice(at..at, token.iter().copied());
        }
        2 => {
            let end = (at + random.index(64)).min(out.len());
            out.drain(at..end);
        }
        3 => {
            let end = (at + random.index(64)).min(out.len());
            let piece = out[at..end].repeat(1 + random.index(20));
            out.splice(at..at, piece);
        }
        _ => {
            let from = random.index(other.len() + 1);
            let end = (from + random.index(200)).min(other.len());
            out.splice(at..at, other[from..end].iter().copied());
        }
    }
    out
}

#[test]
fn thousands_of_mutated_content_files_break_no_promise() {
    let mut seeds: Vec<Vec<u8>> = files_under(&Path::new(REPO).join("content"))
        .into_iter()
        .filter(|(rel, _)| rel.ends_with(".md"))
        .map(|(_, path)| std::fs::read(path).expect("read content"))
        .collect();
    seeds.sort();
    let mut random = Rng(0x1ede_5717_e12e);
    let start = Instant::now();
    let mut inputs = 0;
    for round in 0..3_000 {
        let seed = &seeds[random.index(seeds.len())];
        let other = &seeds[random.index(seeds.len())];
        let mut input = seed.clone();
        for _ in 0..1 + random.below(4) {
            input = mutate(&mut random, &input, other);
        }
        input.insert(0, u8::try_from(random.below(256)).unwrap_or(0));
        let run = |check: fn(&[u8])| {
            if std::panic::catch_unwind(|| check(&input)).is_err() {
                let replay = std::env::temp_dir().join(format!("ledestjerne-random-{round}.md"));
                let _ = std::fs::File::create(&replay).and_then(|mut f| f.write_all(&input));
                panic!("round {round} broke a promise; the input is in {}", replay.display());
            }
        };
        run(fuzz_checks::front_matter);
        run(|data| fuzz_checks::markdown(&data[1..]));
        if round % 10 == 0 {
            run(fuzz_checks::page_pipeline);
        }
        inputs += 1;
    }
    eprintln!("{inputs} random inputs in {:?}", start.elapsed());
}

#[test]
fn thousands_of_mutated_site_yaml_files_break_no_promise() {
    let seeds: Vec<Vec<u8>> = ["site.yaml", "examples/knowledge-base/site.yaml", "fuzz/corpus/site_yaml/lone-carriage-returns"]
        .iter()
        .map(|rel| std::fs::read(Path::new(REPO).join(rel)).expect("read a site.yaml"))
        .collect();
    let mut random = Rng(0x5173_7a41);
    for round in 0..2_000 {
        let mut input = seeds[random.index(seeds.len())].clone();
        let other = &seeds[random.index(seeds.len())];
        for _ in 0..1 + random.below(4) {
            input = mutate(&mut random, &input, other);
        }
        if std::panic::catch_unwind(|| fuzz_checks::site_yaml(&input)).is_err() {
            let replay = std::env::temp_dir().join(format!("ledestjerne-random-site-{round}.yaml"));
            let _ = std::fs::File::create(&replay).and_then(|mut f| f.write_all(&input));
            panic!("round {round} broke a promise; the input is in {}", replay.display());
        }
    }
}

// ---------- settings that would put script or foreign files into the site ----------

#[test]
fn a_script_url_as_base_url_is_refused_on_the_command_line_and_in_site_yaml() {
    let site = site();
    let before = fingerprint(&site.build().ok().out);
    let run = site.build_with(&["--base-url", "javascript:alert(document.domain)//x"]).failed();
    assert_says(&run.stderr, "error: --base-url: `javascript:alert(document.domain)//x` is not a base URL");
    assert_eq!(fingerprint(&run.out), before, "the last good output is kept");
    let yaml = std::fs::read_to_string(site.root().join("site.yaml")).expect("site.yaml");
    let site = site.file("site.yaml", yaml.replace("base_url: \"/\"", "base_url: \"data:text/html,x\""));
    let run = site.run(&["check"]).failed();
    assert_says(&run.stderr, "is not a base URL ledestjerne can link with");
    assert_says(&run.stderr, "error: site.yaml:");
}

#[test]
fn a_language_or_theme_that_is_a_path_is_refused() {
    let yaml = std::fs::read_to_string(site().root().join("site.yaml")).expect("site.yaml");
    let site = site().file("site.yaml", yaml.replace("language: da", "language: \"../../../tmp/x\""));
    let run = site.run(&["check"]).failed();
    assert_says(&run.stderr, "`language: ../../../tmp/x` is not a plain name");
    let site = site.file("site.yaml", yaml.replace("theme: default", "theme: /etc"));
    let run = site.run(&["check"]).failed();
    assert_says(&run.stderr, "`theme: /etc` is not a plain name");
}

#[test]
fn dotfiles_in_static_are_not_published_but_the_ones_hosts_read_are() {
    let site = site()
        .file("static/.env", "SECRET=1")
        .file("static/.git/config", "[remote]")
        .file("static/img/.DS_Store", "x")
        .file("static/.well-known/security.txt", "Contact: x")
        .file("static/.nojekyll", "");
    let run = site.build().ok();
    for gone in [".env", ".git/config", "img/.DS_Store"] {
        assert!(!run.out.join(gone).exists(), "{gone} was published");
    }
    for kept in [".well-known/security.txt", ".nojekyll"] {
        assert!(run.out.join(kept).exists(), "{kept} is missing");
    }
    assert_says(&run.stderr, "warning: static/.env:1:1: `static/.env` is not published");
    assert_says(&run.stderr, "warning: static/.git:1:1:");
}
