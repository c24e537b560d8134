//! Values an editor can write that no reader could be shown: numbers YAML
//! reads as infinity or that no float holds exactly, days that do not exist,
//! required text that is only white space, invisible NUL characters, YAML
//! features the generator does not have. Each is an error at its place.

use crate::support::SiteTest;

/// A site whose one case has `front_matter` below its required fields.
fn case_with(extra: &str) -> SiteTest {
    let actor = "title: Borgere\nchapter: \"1\"";
    let case = format!("title: A\nactors: [borgere]\nsector: stat\n{extra}");
    SiteTest::new().page("aktoerer", "borgere", actor, "").page("cases", "a", &case, "Tekst.\n")
}

#[track_caller]
fn check_says(site: &SiteTest, needle: &str) {
    let run = site.run(&["check"]).failed();
    assert!(run.stderr.contains(needle), "expected {needle:?} in:\n{}", run.stderr);
}

#[test]
fn infinity_not_a_number_and_huge_numbers_are_errors() {
    let schema = std::fs::read_to_string(case_with("").root().join("site.yaml")).expect("site.yaml");
    let with_number = schema
        .replace("      year: { type: integer, label: År }", "      year: { type: integer, label: År }\n      share: { type: number }");
    for (value, message) in [
        (".inf", "content/cases/a.md:5:8: field `share`: `inf` is not a number a reader can be shown"),
        ("-.inf", "field `share`: `-inf` is not a number"),
        (".nan", "field `share`: `NaN` is not a number"),
        ("1e300", "field `share`: `1e300` is too large"),
    ] {
        check_says(&case_with(&format!("share: {value}")).file("site.yaml", &with_number), message);
    }
    check_says(
        &case_with("year: 99999999999999999999999"),
        "content/cases/a.md:5:7: invalid YAML: the number `99999999999999999999999` is too large",
    );
    check_says(&case_with("year: 18446744073709551615"), "field `year`: `18446744073709551615` is too large");
}

#[test]
fn days_that_do_not_exist_are_errors() {
    let schema = std::fs::read_to_string(case_with("").root().join("site.yaml")).expect("site.yaml");
    let with_date = schema
        .replace("      year: { type: integer, label: År }", "      year: { type: integer, label: År }\n      published: { type: date }");
    check_says(
        &case_with("published: 2026-02-30").file("site.yaml", &with_date),
        "`2026-02-30` is not a date: month 2 of 2026 has 28 days",
    );
    check_says(&case_with("published: 2025-02-29").file("site.yaml", &with_date), "`2025-02-29` is not a date");
    case_with("published: 2024-02-29").file("site.yaml", &with_date).run(&["check"]).ok();
}

#[test]
fn required_text_that_is_empty_or_blank_is_an_error() {
    for blank in ["\"\"", "\"   \""] {
        let site = SiteTest::new().page("personer", "anna", &format!("name: {blank}"), "");
        check_says(&site, "content/personer/anna.md:2:7: required field `name` is empty");
    }
}

#[test]
fn a_nul_character_is_an_error_at_its_place() {
    let site = case_with("").file("content/cases/b.md", "---\ntitle: \"B\0\"\nactors: [borgere]\nsector: stat\n---\nTekst\0.\n");
    check_says(&site, "content/cases/b.md:2:10: the file holds a NUL character (U+0000)");
}

#[test]
fn a_yaml_merge_key_says_it_is_not_supported() {
    check_says(&case_with("<<: { year: 2016 }"), "content/cases/a.md:5:1: YAML merge keys (`<<`) are not supported");
}

#[test]
fn markdown_files_in_capitals_or_with_the_long_extension_are_pages() {
    let site = case_with("")
        .file("content/om.MD", "---\ntitle: Om\n---\nOm os.\n")
        .file("content/kontakt.markdown", "---\ntitle: Kontakt\n---\nSkriv.\n");
    let run = site.build().ok();
    assert!(run.html("om/").contains("Om os."));
    assert!(run.html("kontakt/").contains("Skriv."));
}

#[test]
fn a_body_too_costly_to_parse_is_refused_at_once_with_what_to_do() {
    let table = format!("|{}|\n", ["x"; 50].join("|")).repeat(80_000);
    let lines = "x\n".repeat(4_000_000);
    let bombs = "*a* ".repeat(2_000_000);
    for (body, message) in [
        (table, "table cells (`|`), more than the limit of 100000"),
        (lines, "the text has 4000000 lines, more than the limit of 100000"),
        (bombs, "Markdown markup characters"),
    ] {
        let site = case_with("").page("cases", "big", "title: Stor\nactors: [borgere]\nsector: stat", &body);
        let start = std::time::Instant::now();
        let run = site.run(&["check"]).failed();
        assert!(run.stderr.contains("error: content/cases/big.md:6:1: the text has"), "{}", run.stderr);
        assert!(run.stderr.contains(message) && run.stderr.contains("help: split it into several pages"), "{}", run.stderr);
        assert!(start.elapsed() < std::time::Duration::from_secs(5), "took {:?}", start.elapsed());
    }
}

#[test]
fn a_stray_carriage_return_in_site_yaml_does_not_move_its_error_down() {
    let site = SiteTest::new().file("site.yaml", "title: T\r\r\r\r\r\rnope: 1\nkinds: {}\n");
    let run = site.run(&["check"]).failed();
    assert!(run.stderr.contains("error: site.yaml:1:"), "the file has 2 lines: {}", run.stderr);
}

#[test]
fn a_site_yaml_without_title_and_kinds_names_both_at_once() {
    let site = SiteTest::new().file("site.yaml", "description: Et site\n");
    let run = site.run(&["check"]).failed();
    assert!(run.stderr.contains("the site has no title") && run.stderr.contains("the site declares no kinds of pages"), "{}", run.stderr);
    assert!(run.stderr.contains("check failed with 2 errors"), "{}", run.stderr);
}
