//! What `site.yaml` declares, seen in the built site: listing order
//! (`sort: field` and `sort: -field`), facets, and the reference of every key
//! in `docs/site-yaml.md`.

use crate::support::SiteTest;

/// Notes with a date and tags; `{sort}` is the notes' `sort:`.
const NOTES_YAML: &str = r#"title: "Notes"
language: en
kinds:
  page:
    folder: ""
    fields:
      title: { type: string, required: true }
  note:
    folder: notes
    label: Note
    plural: Notes
    sort: {sort}
    fields:
      title: { type: string, required: true }
      date: { type: date }
      tags: { type: list, of: { type: string }, label: Tags, facet: true }
      score: { type: number, label: Score }
"#;

fn notes(sort: &str) -> SiteTest {
    SiteTest::new()
        .file("site.yaml", NOTES_YAML.replace("{sort}", sort))
        .page("notes", "old", "title: Old\ndate: 2023-05-01\ntags: [rust, web]\nscore: 1234.5", "")
        .page("notes", "new", "title: New\ndate: 2025-02-01\ntags: [rust]", "")
        .page("notes", "middle", "title: Middle\ndate: 2024-12-24\ntags: [Static sites]", "")
        .page("notes", "undated", "title: Undated", "")
}

/// The titles of the cards of a listing, in order.
fn card_titles(html: &str) -> Vec<String> {
    html.split("<li class=\"card\"").skip(1).filter_map(|card| Some(card.split("\">").nth(1)?.split("</a>").next()?.to_string())).collect()
}

#[test]
fn sort_by_a_field_lists_the_smallest_first_and_minus_the_largest() {
    let run = notes("date").build().ok();
    assert_eq!(card_titles(&run.html("notes/")), ["Old", "Middle", "New", "Undated"]);
    let run = notes("-date").build().ok();
    assert_eq!(card_titles(&run.html("notes/")), ["New", "Middle", "Old", "Undated"], "newest first, undated last");
    let page = run.html("notes/middle/");
    assert!(page.contains("rel=\"prev\" href=\"/notes/new/\"") && page.contains("rel=\"next\" href=\"/notes/old/\""), "{page}");
}

#[test]
fn an_unknown_sort_field_is_an_error_at_its_place_with_the_fields() {
    let run = notes("dtae").run(&["check"]).failed();
    assert!(run.stderr.contains("error: site.yaml:12:11: kind `note`: `sort: dtae` names no field of a note"), "{}", run.stderr);
    assert!(run.stderr.contains("help: did you mean `date`? sort by one of title, date, score (`-field`"), "{}", run.stderr);
}

#[test]
fn a_facet_of_free_strings_makes_a_listing_per_value() {
    let run = notes("-date").build().ok();
    assert_eq!(card_titles(&run.html("notes/tags/rust/")), ["New", "Old"]);
    assert_eq!(card_titles(&run.html("notes/tags/static-sites/")), ["Middle"]);
    let page = run.html("notes/old/");
    assert!(page.contains("<a class=\"tag\" href=\"/notes/tags/web/\">web</a>"), "{page}");
    let listing = run.html("notes/");
    assert!(listing.contains("href=\"/notes/tags/static-sites/\">Static sites <span class=\"count\">(1)</span>"), "{listing}");
}

#[test]
fn a_facet_on_a_field_without_values_to_list_by_is_an_error() {
    let yaml = NOTES_YAML.replace("{sort}", "title").replace("date: { type: date }", "date: { type: date, facet: true }");
    let run = SiteTest::new().file("site.yaml", yaml).run(&["check"]).failed();
    assert!(run.stderr.contains("error: site.yaml:15:7: field `note.date`: `facet: true` needs values to list pages by"), "{}", run.stderr);
    assert!(run.stderr.contains("`type: list, of: { type: string }` for free tags"), "{}", run.stderr);
}

#[test]
fn numbers_are_written_the_way_of_the_site_language() {
    let run = notes("title").build().ok();
    assert!(run.html("notes/old/").contains("<dd>1,234.5</dd>"), "{}", run.html("notes/old/"));
    let danish = NOTES_YAML.replace("{sort}", "title").replace("language: en", "language: da");
    let run = notes("title").file("site.yaml", danish).build().ok();
    assert!(run.html("notes/old/").contains("<dd>1.234,5</dd>"), "{}", run.html("notes/old/"));
}
