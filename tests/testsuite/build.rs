//! The generator as an editor meets it: a small site goes in, and what comes
//! out is either a cross-linked site or a list of problems with places.

use crate::support::{self, REPO, Run, SiteTest, files_under, fingerprint};
use insta::assert_snapshot;
use std::path::Path;
use std::time::{Duration, Instant};

// ---------- fixtures ----------

fn case(title: &str, actors: &[&str], sector: &str) -> String {
    format!("title: {title}\nactors: [{}]\nsector: {sector}", actors.join(", "))
}

/// Two actors and a person, nothing referring to them yet.
fn site() -> SiteTest {
    SiteTest::new()
        .page("aktoerer", "borgere", "title: Borgere\nchapter: \"1\"\ncolor: \"#1b6e5a\"", "## Nøgletal\n\nBorgere er med.\n")
        .page("aktoerer", "fonde", "title: Fonde\nchapter: \"2\"", "Fonde betaler.\n")
        .page("personer", "anna", "name: Anna Holm\nrole: Konsulent", "")
}

/// The site with one case at `content/cases/x.md`.
fn site_with_case(front_matter: &str, body: &str) -> SiteTest {
    site().page("cases", "x", front_matter, body)
}

/// Builds a site that must fail and returns its stderr.
#[track_caller]
fn build_error(site: SiteTest) -> String {
    site.build().failed().stderr
}

// ---------- a valid site ----------

fn course() -> Run {
    site()
        .page("cases", "skat", &case("Skat i balance", &["borgere", "fonde"], "stat"), "Se [[borgere#noegletal]].\n")
        .page("cases", "toilet", &format!("{}\ncontact: anna", case("Fremtidens skoletoilet", &["borgere"], "kommune")), "")
        .page("cases", "lys", &case("Lys i byen", &["fonde"], "kommune"), "")
        .build()
        .ok()
}

#[test]
fn a_case_links_to_its_actors_and_contact() {
    let run = course();
    let main = run.main_html("cases/toilet/");
    assert!(main.contains(r#"<a href="/aktoerer/borgere/">Borgere</a>"#), "{main}");
    assert!(main.contains(r#"<a href="/personer/anna/">Anna Holm</a>"#), "{main}");
    let skat = run.main_html("cases/skat/");
    assert!(skat.contains(r##"<a href="/aktoerer/borgere/#noegletal">Borgere</a>"##), "{skat}");
}

#[test]
fn an_actor_lists_the_cases_that_refer_to_it_as_backlinks() {
    let run = course();
    let main = run.main_html("aktoerer/borgere/");
    let backlinks = section(&main, r#"<section class="backlinks""#);
    assert!(backlinks.contains(r#"href="/cases/skat/""#), "{backlinks}");
    assert!(backlinks.contains(r#"href="/cases/toilet/""#), "{backlinks}");
    assert!(!backlinks.contains(r#"href="/cases/lys/""#), "{backlinks}");
    let anna = run.main_html("personer/anna/");
    assert!(section(&anna, r#"<section class="backlinks""#).contains(r#"href="/cases/toilet/""#), "{anna}");
}

#[test]
fn two_actors_of_one_case_are_related() {
    let run = course();
    let borgere = section(&run.main_html("aktoerer/borgere/"), r#"<section class="related""#);
    assert!(borgere.contains(r#"<a href="/aktoerer/fonde/">Fonde</a> <span class="count">1 fælles</span>"#), "{borgere}");
    assert!(borgere.contains(r#"<a href="/cases/skat/">Skat i balance</a>"#), "{borgere}");
    let fonde = section(&run.main_html("aktoerer/fonde/"), r#"<section class="related""#);
    assert!(fonde.contains(r#"<a href="/aktoerer/borgere/">Borgere</a>"#), "{fonde}");
}

#[test]
fn listings_exist_per_kind_and_per_facet_value() {
    let run = course();
    let all = run.main_html("cases/");
    for id in ["skat", "toilet", "lys"] {
        assert!(all.contains(&format!(r#"href="/cases/{id}/""#)), "{id} missing from {all}");
    }
    let kommune = run.main_html("cases/sektor/kommune/");
    assert!(kommune.contains(r#"href="/cases/toilet/""#) && kommune.contains(r#"href="/cases/lys/""#), "{kommune}");
    assert!(!kommune.contains(r#"href="/cases/skat/""#), "{kommune}");
    let stat = run.main_html("cases/sektor/stat/");
    assert!(stat.contains(r#"href="/cases/skat/""#) && !stat.contains(r#"href="/cases/lys/""#), "{stat}");
    assert!(run.main_html("aktoerer/").contains(r#"href="/aktoerer/fonde/""#));
    assert!(run.main_html("personer/").contains(r#"href="/personer/anna/""#));
}

#[test]
fn a_case_page_main_element() {
    assert_snapshot!(course().main_html("cases/toilet/"));
}

/// The element that starts with `open`, up to its `</section>`.
fn section(html: &str, open: &str) -> String {
    let start = html.find(open).unwrap_or_else(|| panic!("no {open} in {html}"));
    let end = html[start..].find("</section>").map_or(html.len(), |e| start + e);
    html[start..end].to_string()
}

// ---------- one diagnostic per mistake ----------

#[test]
fn misspelt_field_suggests_the_right_name() {
    let stderr = build_error(site_with_case("actors: [borgere]\nsector: stat\ntitel: Skat i balance", ""));
    assert!(stderr.contains("error: content/cases/x.md:4:1: unknown field `titel`"), "{stderr}");
    assert!(stderr.contains("help: did you mean `title`?"), "{stderr}");
    assert_snapshot!(stderr);
}

#[test]
fn missing_required_field() {
    let stderr = build_error(site_with_case("title: X\nactors: [borgere]", ""));
    assert!(stderr.contains("content/cases/x.md:1:1: missing required field `sector`"), "{stderr}");
    assert_snapshot!(stderr);
}

#[test]
fn text_where_a_whole_number_belongs() {
    let stderr = build_error(site_with_case(&format!("{}\nyear: \"nineteen\"", case("X", &["borgere"], "stat")), ""));
    assert!(stderr.contains("content/cases/x.md:5:"), "{stderr}");
    assert_snapshot!(stderr);
}

#[test]
fn unquoted_number_where_text_belongs() {
    let stderr = build_error(site_with_case(&format!("{}\nchapter: 5.10", case("X", &["borgere"], "stat")), ""));
    assert!(stderr.contains("content/cases/x.md:5:10: field `chapter`: expected a string"), "{stderr}");
    assert_snapshot!(stderr);
}

#[test]
fn the_help_for_an_unquoted_number_keeps_its_digits() {
    let stderr = build_error(site_with_case(&format!("{}\nchapter: 5.10", case("X", &["borgere"], "stat")), ""));
    assert!(stderr.contains("put the value in quotes: \"5.10\""), "{stderr}");
}

#[test]
fn enum_value_not_allowed() {
    let stderr = build_error(site_with_case(&case("X", &["borgere"], "kommunen"), ""));
    assert!(stderr.contains("content/cases/x.md:4:"), "{stderr}");
    assert!(stderr.contains("did you mean `kommune`?"), "{stderr}");
    assert_snapshot!(stderr);
}

#[test]
fn reference_to_a_missing_page() {
    let stderr = build_error(site_with_case(&case("X", &["borger"], "stat"), ""));
    assert!(stderr.contains("content/cases/x.md:3:"), "{stderr}");
    assert_snapshot!(stderr);
}

#[test]
fn reference_to_a_page_of_the_wrong_kind() {
    let stderr = build_error(site_with_case(&case("X", &["anna"], "stat"), ""));
    assert_snapshot!(stderr);
}

#[test]
fn broken_wikilink() {
    let stderr = build_error(site_with_case(&case("X", &["borgere"], "stat"), "Første linje.\n\nSe [[borgerne]].\n"));
    assert!(stderr.contains("content/cases/x.md:8:4: broken link"), "{stderr}");
    assert_snapshot!(stderr);
}

#[test]
fn broken_wikilink_anchor() {
    let stderr = build_error(site_with_case(&case("X", &["borgere"], "stat"), "Se [[borgere#tal]].\n"));
    assert_snapshot!(stderr);
}

#[test]
fn broken_relative_markdown_link() {
    let stderr = build_error(site_with_case(&case("X", &["borgere"], "stat"), "Se [fonde](../aktoerer/fond.md).\n"));
    assert_snapshot!(stderr);
}

#[test]
fn raw_html_in_markdown() {
    let stderr = build_error(site_with_case(&case("X", &["borgere"], "stat"), "Tekst\n\n<div class=\"boks\">x</div>\n"));
    assert!(stderr.contains("content/cases/x.md:8:1: raw HTML"), "{stderr}");
    assert_snapshot!(stderr);
}

#[test]
fn javascript_link() {
    let stderr = build_error(site_with_case(&case("X", &["borgere"], "stat"), "[Klik](javascript:alert(1))\n"));
    assert_snapshot!(stderr);
}

#[test]
fn yaml_indented_with_a_tab() {
    let stderr = build_error(site_with_case("title: X\nactors:\n\t- borgere\nsector: stat", ""));
    assert!(stderr.contains("content/cases/x.md:4:1: YAML indentation uses a tab"), "{stderr}");
    assert_snapshot!(stderr);
}

#[test]
fn yaml_with_an_unclosed_quote() {
    let stderr = build_error(site_with_case("title: \"Skat i balance\nactors: [borgere]\nsector: stat", ""));
    assert_snapshot!(stderr);
}

#[test]
fn an_unclosed_quote_is_reported_where_the_quote_opens() {
    let stderr = build_error(site_with_case("title: \"Skat i balance\nactors: [borgere]\nsector: stat", ""));
    assert!(stderr.contains("content/cases/x.md:2:8:"), "{stderr}");
    assert!(stderr.contains("close the quote"), "{stderr}");
}

#[test]
fn front_matter_not_closed() {
    let stderr = build_error(site().file("content/cases/x.md", "---\ntitle: X\nactors: [borgere]\nsector: stat\n\nTekst\n"));
    assert_snapshot!(stderr);
}

#[test]
fn no_front_matter() {
    let stderr = build_error(site().file("content/cases/x.md", "# Skat i balance\n\nTekst\n"));
    assert_snapshot!(stderr);
}

#[test]
fn empty_file() {
    let stderr = build_error(site().file("content/cases/x.md", ""));
    assert_snapshot!(stderr);
}

#[test]
fn one_id_in_two_folders() {
    let stderr = build_error(site().page("aktoerer", "anna", "title: Anna\nchapter: \"3\"", ""));
    assert_snapshot!(stderr);
}

#[test]
fn file_names_that_differ_only_in_case() {
    let stderr = build_error(site().page("", "om", "title: Om", "").page("", "Om", "title: Om igen", ""));
    assert!(stderr.contains("`content/Om.md` and `content/om.md`"), "{stderr}");
    assert_snapshot!(stderr);
}

#[test]
fn invalid_utf8() {
    let stderr = build_error(site().file("content/cases/x.md", b"---\ntitle: X\nactors: [borgere]\nsector: stat\n---\nK\xf8benhavn\n"));
    assert!(stderr.contains("content/cases/x.md:6:2: the file is not valid UTF-8"), "{stderr}");
    assert_snapshot!(stderr);
}

#[test]
fn byte_order_mark_and_crlf_build_fine() {
    let text = "\u{feff}---\r\ntitle: Skat\r\nactors: [borgere]\r\nsector: stat\r\n---\r\nSe [[fonde]].\r\n";
    let run = site().file("content/cases/x.md", text).build().ok();
    let main = run.main_html("cases/x/");
    assert!(main.contains("<h1>Skat</h1>") && main.contains(r#"<a href="/aktoerer/fonde/">Fonde</a>"#), "{main}");
}

#[test]
fn billion_laughs_is_refused_quickly() {
    let mut front_matter = String::from(
        "title: X\nactors: [borgere]\nsector: stat\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (name, prev) in ('b'..='i').zip('a'..) {
        let refs = vec![format!("*{prev}"); 9].join(",");
        front_matter.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    let start = Instant::now();
    let stderr = build_error(site_with_case(&front_matter, ""));
    assert!(start.elapsed() < Duration::from_secs(10), "took {:?}", start.elapsed());
    assert!(stderr.contains("content/cases/x.md:"), "{stderr}");
    assert_snapshot!(stderr);
}

#[test]
fn file_in_a_folder_of_no_kind() {
    let stderr = build_error(site().page("ukendt", "x", "title: X", ""));
    assert!(stderr.contains("error: content/ukendt/x.md:1:1:"), "{stderr}");
    assert_snapshot!(stderr);
}

#[test]
fn all_problems_are_reported_in_one_run() {
    let stderr = build_error(
        site()
            .page("cases", "a", &case("A", &["borgere"], "stat").replace("title", "titel"), "")
            .page("cases", "b", &case("B", &["borgere"], "stat"), "Se [[ingen]].\n")
            .page("personer", "c", "name: C\nrole: [1, 2]", ""),
    );
    for place in ["content/cases/a.md:2:1", "content/cases/b.md:6:4", "content/personer/c.md:3:"] {
        assert!(stderr.contains(place), "{place} missing from {stderr}");
    }
    assert_snapshot!(stderr);
}

// ---------- what the build writes ----------

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = site_with_case(&case("X", &["borgere"], "stat"), "");
    let first = site.build().ok();
    let before = fingerprint(&first.out);
    let site = site.page("cases", "x", &case("X", &["borgere"], "stat"), "Se [[ingen]].\n");
    let second = site.build().failed();
    assert_eq!(fingerprint(&second.out), before);
}

#[test]
fn dangerous_output_folders_are_refused() {
    let site = site().file("andet/behold.txt", "mit eget");
    let root = site.root().to_path_buf();
    let before = fingerprint(&root);
    for output in [".", "..", "content", "content/ud", "/", "andet"] {
        let run = site.build_with(&["--output", output]).failed();
        assert!(run.stderr.starts_with("error: refusing to write the site to"), "--output {output}: {}", run.stderr);
        assert_eq!(fingerprint(&root), before, "--output {output} wrote something");
    }
    assert_snapshot!(site.build_with(&["--output", "andet"]).stderr);
}

#[test]
fn a_build_may_replace_its_own_output() {
    let site = site_with_case(&case("X", &["borgere"], "stat"), "");
    site.build_with(&["--output", "ud"]).ok();
    let site = site.page("cases", "y", &case("Y", &["fonde"], "kommune"), "");
    let run = site.build_with(&["--output", "ud"]).ok();
    assert!(run.html("cases/y/").contains("<h1>Y</h1>"));
    assert!(run.out.join(".ledestjerne-output").is_file());
}

#[test]
fn no_search_builds_every_page_without_the_index() {
    let site = site_with_case(&case("X", &["borgere"], "stat"), "");
    let full = fingerprint(&site.build_with(&["--output", "fuld"]).ok().out);
    let run = site.build_with(&["--output", "hurtig", "--no-search"]).ok();
    let quick = fingerprint(&run.out);
    assert!(run.html("cases/x/").contains("<h1>X</h1>"));
    assert!(!quick.keys().any(|p| p.starts_with("pagefind/")), "{:?}", quick.keys());
    let without_index: Vec<&String> = full.keys().filter(|p| !p.starts_with("pagefind/")).collect();
    assert_eq!(quick.keys().collect::<Vec<_>>(), without_index, "the same files but the index");
}

#[test]
fn same_input_gives_byte_identical_output() {
    let site = site_with_case(&case("X", &["borgere", "fonde"], "stat"), "## Før\n\nTekst om [[borgere]].\n");
    let one = fingerprint(&site.build_with(&["--output", "en"]).ok().out);
    let two = fingerprint(&site.build_with(&["--output", "to"]).ok().out);
    assert!(one.keys().any(|p| p.starts_with("pagefind/")), "no search index in {:?}", one.keys());
    assert_eq!(one, two);
}

// ---------- served under a sub-path ----------

const BASE_URL: &str = "https://example.org/kursus/";
const SUB_PATH: &str = "/kursus/";

#[test]
fn under_a_sub_path_every_internal_link_of_a_small_site_resolves() {
    let run = site_with_case(&case("X", &["borgere", "fonde"], "stat"), "Se [[borgere#noegletal]] og [[anna]].\n")
        .build_with(&["--base-url", BASE_URL])
        .ok();
    assert_links_resolve(&run.out);
}

#[test]
fn under_a_sub_path_every_internal_link_of_the_bundled_course_resolves() {
    let out = tempfile::tempdir().expect("temporary folder");
    let output = out.path().join("site");
    let args = ["build", "--output", output.to_str().expect("utf-8 path"), "--base-url", BASE_URL];
    let run = support::run_binary(Path::new(REPO), &args).ok();
    assert_links_resolve(&run.out);
}

/// Every internal `href`/`src` in every HTML file is relative and names a
/// file of the output, and its `#fragment` an `id` there; full addresses
/// (canonical and sharing tags, the 404 page) start with the base URL.
fn assert_links_resolve(out: &Path) {
    let files = files_under(out);
    let mut broken = Vec::new();
    let mut checked = 0;
    for (rel, path) in files.iter().filter(|(rel, _)| rel.ends_with(".html")) {
        let html = std::fs::read_to_string(path).expect("read html");
        for url in urls(&html) {
            let target = match url.strip_prefix(BASE_URL) {
                Some(path) => Some(format!("/{path}")),
                // The 404 page, shown at any address, links from the host's root.
                None if rel == "404.html" && url.starts_with(SUB_PATH) => Some(url.to_string()),
                None if url.starts_with('/') => {
                    broken.push(format!("{rel}: {url}: a link from the root, not relative"));
                    continue;
                }
                None => support::resolve_url(rel, url),
            };
            let Some(target) = target else { continue };
            checked += 1;
            if let Err(why) = resolve(out, &target) {
                broken.push(format!("{rel}: {url}: {why}"));
            }
        }
    }
    broken.sort();
    broken.dedup();
    assert!(checked > 0, "no internal links found in {}", out.display());
    assert!(broken.is_empty(), "{} broken links:\n{}", broken.len(), broken.join("\n"));
}

fn urls(html: &str) -> Vec<&str> {
    let mut urls = Vec::new();
    for attr in [" href=\"", " src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            urls.push(&rest[..end]);
        }
    }
    urls
}

fn resolve(out: &Path, url: &str) -> Result<(), String> {
    let path = url.strip_prefix(SUB_PATH).or_else(|| url.strip_prefix('/')).unwrap_or(url);
    let (path, fragment) = path.split_once('#').map_or((path, None), |(p, f)| (p, Some(f)));
    let path = path.split('?').next().unwrap_or(path);
    let file = out.join(support::file_for_url(path));
    if !file.is_file() {
        return Err(format!("no file {}", file.display()));
    }
    match fragment {
        Some(id) if !id.is_empty() => {
            let html = std::fs::read_to_string(&file).map_err(|e| e.to_string())?;
            html.contains(&format!("id=\"{id}\"")).then_some(()).ok_or_else(|| format!("no id=\"{id}\" in the page"))
        }
        _ => Ok(()),
    }
}

// ---------- hostile content ----------

const HOSTILE: [&str; 5] = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "[x](jav&#x61;script:alert(1))",
    "![x](data:text/html,x)",
];

#[test]
fn hostile_markdown_in_the_body_fails_the_build() {
    let body = HOSTILE.join("\n\n");
    let stderr = build_error(site_with_case(&case("X", &["borgere"], "stat"), &body));
    assert!(stderr.contains("failed with 5 errors"), "{stderr}");
    assert_snapshot!(stderr);
}

#[test]
fn hostile_markdown_in_a_summary_fails_the_build() {
    let summary = format!("summary: '{}'", HOSTILE[0]);
    let stderr = build_error(site_with_case(&format!("{}\n{summary}", case("X", &["borgere"], "stat")), ""));
    assert!(stderr.contains("content/cases/x.md:5:1: raw HTML"), "{stderr}");
}

#[test]
fn hostile_titles_are_shown_as_text() {
    let mut site = site();
    for (i, hostile) in HOSTILE.iter().enumerate() {
        let title = serde_json::to_string(hostile).expect("quote");
        site = site.page("cases", &format!("x{i}"), &case(&title, &["borgere"], "stat"), "");
        site = site.page("personer", &format!("p{i}"), &format!("name: {title}\nrole: {title}"), "");
    }
    let run = site.build().ok();
    let urls = [
        "cases/x0/",
        "cases/x2/",
        "cases/x4/",
        "personer/p1/",
        "personer/p3/",
        "cases/",
        "cases/sektor/stat/",
        "aktoerer/borgere/",
        "personer/",
    ];
    for url in urls {
        let html = run.html(url);
        for tag in tags(&html) {
            let hostile = tag.starts_with("<script>") || tag.contains("onerror") || tag.contains("=\"jav") || tag.contains("=\"data:");
            assert!(!hostile, "a hostile title became markup in {url}: {tag}");
        }
    }
    assert!(run.main_html("cases/x0/").contains("<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>"));
}

/// Every tag of `html`, `<` to `>`: escaped text has no `<`, so this is the markup.
fn tags(html: &str) -> impl Iterator<Item = &str> {
    html.match_indices('<').map(|(i, _)| &html[i..html[i..].find('>').map_or(html.len(), |e| i + e + 1)])
}

#[test]
fn a_title_with_a_script_end_tag_and_a_line_separator_stays_text() {
    let title = "Slut </script> her\u{2028}og der";
    let run = site_with_case(&case(&format!("\"{title}\""), &["borgere"], "stat"), "").build().ok();
    for url in ["cases/x/", "aktoerer/borgere/", "cases/"] {
        let html = run.html(url);
        assert_eq!(html.matches("</script>").count(), html.matches("<script").count(), "{url}:\n{html}");
    }
    assert!(run.main_html("cases/x/").contains("<h1>Slut &lt;/script&gt; her\u{2028}og der</h1>"));
}

// ---------- check ----------

#[test]
fn check_as_json_lists_problems_with_places() {
    let run = site_with_case(&case("X", &["borger"], "stat"), "Se [[ingen]].\n").run(&["check", "--format", "json"]).failed();
    let list: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    assert_eq!(list.len(), 2, "{}", run.stdout);
    assert_eq!(list[0]["path"], "content/cases/x.md");
    assert_eq!((list[0]["line"].as_u64(), list[0]["col"].as_u64()), (Some(3), Some(10)));
    assert!(list[0]["message"].as_str().is_some_and(|m| m.contains("`borger`")), "{}", run.stdout);
    assert_eq!(list[1]["line"], 6);
    assert_snapshot!(run.stdout);
}

#[test]
fn check_as_json_prints_no_error_for_a_good_site() {
    let run = site_with_case(&case("X", &["borgere"], "stat"), "").run(&["check", "--format", "json"]).ok();
    let list: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    // The one warning: a base URL that is a path leaves out the sitemap and the sharing tags.
    assert!(list.iter().all(|d| d["severity"] == "warning"), "{}", run.stdout);
    assert_eq!(list.len(), 1, "{}", run.stdout);
}

#[test]
fn a_large_site_prints_in_linked_parts() {
    // 250 people plus the front page: two parts of the print page.
    let mut site = SiteTest::new();
    for i in 0..250 {
        site = site.page("personer", &format!("person-{i:04}"), &format!("name: Person {i:04}"), "Tekst.\n");
    }
    let run = site.build_with(&["--no-search"]).ok();
    let first = run.main_html("print/");
    let second = run.main_html("print/2/");
    assert!(first.contains("Person 0000") && !first.contains("Person 0249"), "the first part holds the first pages");
    assert!(second.contains("Person 0249") && !second.contains("Person 0000"), "the second part holds the rest");
    assert!(first.contains(r#"<a href="/print/2/">Del 2</a>"#), "{first}");
    assert!(second.contains(r#"<a href="/print/">Del 1</a>"#) && second.contains(r#"aria-current="page">Del 2<"#));
    assert!(!run.out.join("print/3").exists());
    // A small site prints on one page, without links to parts.
    let small = SiteTest::new().page("personer", "en", "name: En", "Tekst.\n").build_with(&["--no-search"]).ok();
    assert!(!small.main_html("print/").contains("print-parts"));
}

// ---------- search index built beside the pages ----------

/// The build renders the pages a search bundle at a time and indexes each
/// bundle as soon as its pages are rendered. The index must be the one
/// built from every page's document at once, file for file.
#[test]
fn the_index_built_beside_the_pages_is_the_index_of_all_pages() {
    use ledestjerne::content::PageIdx;
    use ledestjerne::files::{self, OutputFile};
    use ledestjerne::pipeline::{self, Loaded, Options};
    use ledestjerne::render::Order;
    use ledestjerne::search::{self, BundleCache};
    let dir = tempfile::tempdir().expect("temp dir");
    let repo = Path::new(REPO);
    let yaml = std::fs::read_to_string(repo.join("site.yaml")).expect("site.yaml");
    std::fs::write(dir.path().join("site.yaml"), format!("{yaml}\nsearch:\n  shard_pages: 60\n")).expect("write site.yaml");
    for folder in ["content", "themes", "templates", "i18n"] {
        support::copy_dir(&repo.join(folder), &dir.path().join(folder));
    }

    // Every index file, by path (the builds sort their files by path).
    let index_of = |files: &[OutputFile]| -> Vec<(String, Vec<u8>)> {
        files.iter().filter(|f| search::is_index_file(&f.path)).map(|f| (f.path.clone(), f.bytes.clone())).collect()
    };
    let options = Options { root: dir.path().to_path_buf(), base_url: None, drafts: false, ..Options::default() };
    let (built, report) = files::collect(|sink| pipeline::build(&options, sink));
    report.expect("the course builds");
    let beside = index_of(&built);
    assert!(beside.iter().any(|(p, _)| p.starts_with("pagefind-3/")), "the course is split into bundles of 60 pages");

    let (without_pages, report) = files::collect(|sink| pipeline::index_and_print(&options, &BundleCache::default(), sink));
    report.expect("the course builds without its pages");
    assert!(index_of(&without_pages) == beside, "the same index without rendering the pages");
    let Loaded { site, mut theme, .. } = pipeline::load(&options).expect("the course loads");
    let case = site.pages.iter().find(|p| p.url.starts_with("cases/")).expect("a case");
    let case_file = format!("{}index.html", case.url);
    assert!(built.iter().any(|f| f.path == case_file), "{case_file} in the full build");
    assert!(!without_pages.iter().any(|f| f.path == case_file), "{case_file} rendered without pages");

    let order = Order::new(&site.config, &site.pages);
    let all: Vec<PageIdx> = PageIdx::all(site.pages.len()).collect();
    let (docs, failures) = pipeline::with_writer(&site, &mut theme, &order, |writer, _| {
        writer.pages(&all, &files::discard, &|i, view| search::document::of_page(writer.views(), i, &view))
    });
    assert!(failures.is_empty(), "{failures:?}");
    let at_once = index_of(&search::index(&docs, &site.config.language, 60).expect("index"));
    assert_eq!(beside.len(), at_once.len(), "the same index files");
    for ((path, bytes), (other_path, other_bytes)) in beside.iter().zip(&at_once) {
        assert_eq!(path, other_path);
        assert!(bytes == other_bytes, "{path} differs");
    }
}

// ---------- field roles: any schema, not just the course's ----------

/// A schema of its own: no hub, and the fields the generator shows in
/// special places are called something else and declare their role.
const ROLES_YAML: &str = r##"title: "Reading group"
theme: default
sources:
  notes.txt: "Meeting notes"
kinds:
  page:
    folder: ""
    fields:
      title: { type: string, required: true }
  paper:
    folder: papers
    label: Paper
    plural: Papers
    fields:
      name: { type: string, required: true }
      abstract: { type: text, role: summary }
      hue: { type: color, role: color }
      origin:
        type: object
        role: source
        fields:
          file: { type: source_file, required: true }
          section: { type: string }
    title_field: name
  plot:
    folder: plots
    label: Plot
    plural: Plots
    fields:
      title: { type: string, required: true }
      points:
        type: list
        role: chart
        of: { type: object, fields: { label: { type: string, required: true }, value: { type: number } } }
"##;

#[test]
fn fields_shown_in_special_places_may_have_any_name_when_they_declare_their_role() {
    let site = SiteTest::new()
        .file("site.yaml", ROLES_YAML)
        .page(
            "papers",
            "attention",
            "name: Attention\nabstract: \"Weights that *attend*.\"\nhue: \"#aa3377\"\norigin: { file: notes.txt, section: \"week 2\" }",
            "See ![[loss]].\n",
        )
        .page("plots", "loss", "title: Loss\npoints:\n  - { label: epoch 1, value: 2.5 }\n  - { label: epoch 2, value: 1.25 }", "")
        .page("", "index", "title: Home", "[[attention]]\n");
    let run = site.build().ok();
    let paper = run.main_html("papers/attention/");
    assert!(paper.contains("Weights that <em>attend</em>."), "the summary is shown: {paper}");
    let whole = run.html("papers/attention/");
    assert!(whole.contains("Meeting notes, week 2"), "the source is shown: {whole}");
    assert!(paper.contains("<svg") && paper.contains("epoch 2"), "the embedded plot is drawn: {paper}");
    assert!(!paper.contains(">abstract<") && !paper.contains(">origin<"), "summary and source are not listed again as fields");
    let list = run.main_html("papers/");
    assert!(list.contains("Weights that attend.") && list.contains("#aa3377"), "the card shows summary and colour: {list}");
}

#[test]
fn a_role_that_does_not_exist_or_does_not_fit_is_an_error_at_its_line() {
    let site = SiteTest::new().file("site.yaml", ROLES_YAML.replace("role: summary", "role: sumary"));
    let stderr = site.build().failed().stderr;
    assert!(stderr.contains("error: site.yaml:16:31: kind `paper`: field `abstract` has unknown role `sumary`"), "{stderr}");
    assert!(stderr.contains("did you mean `summary`?"), "{stderr}");
    let site =
        SiteTest::new().file("site.yaml", ROLES_YAML.replace("hue: { type: color, role: color }", "hue: { type: string, role: color }"));
    let stderr = site.build().failed().stderr;
    assert!(stderr.contains("field `hue` cannot have role `color`: its type is a string"), "{stderr}");
}

// ---------- where the time goes ----------

/// Runs `build` on `root` with `LEDESTJERNE_TIMINGS` set to `timings`, if any; returns stderr.
fn build_stderr(root: &Path, timings: Option<&str>) -> String {
    let mut command = std::process::Command::new(support::BIN);
    command.arg("--root").arg(root).args(["build", "--no-search"]).env_remove("LEDESTJERNE_TIMINGS");
    if let Some(value) = timings {
        command.env("LEDESTJERNE_TIMINGS", value);
    }
    let output = command.output().expect("run ledestjerne");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn timings_name_each_phase_of_a_build_when_asked_for() {
    let site = site_with_case(&case("Skat i balance", &["borgere"], "stat"), "Tekst.\n");
    let quiet = build_stderr(site.root(), None);
    assert!(!quiet.contains("timing:"), "{quiet}");
    let timed = build_stderr(site.root(), Some("1"));
    let phases: Vec<&str> = timed.lines().filter_map(|l| l.strip_prefix("timing:")).collect();
    for phase in ["read and check the pages", "link the pages", "pages", "put the new output in place"] {
        assert!(phases.iter().any(|l| l.ends_with(&format!("  {phase}"))), "no phase `{phase}` in:\n{timed}");
    }
    // Each line: the time since the start, then since the phase before, in milliseconds.
    let totals: Vec<f64> = phases.iter().map(|l| l.split_whitespace().next().unwrap().parse().unwrap()).collect();
    assert!(totals.windows(2).all(|w| w[0] <= w[1]), "{timed}");
}
