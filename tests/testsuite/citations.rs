//! Citations and the bibliography: `[@key]` in Markdown formatted by the
//! site's CSL style in the site's language, the reference list of a page,
//! the page about a work (`cite: key`), the bibliography page, and the
//! errors an editor gets for unknown keys and broken bibliography files.

use crate::support::{REPO, Run, SiteTest, assert_says, run_binary};
use insta::assert_snapshot;
use std::path::Path;

const BIB: &str = r#"@book{bason2017,
  author = {Bason, Christian},
  title = {Leading Public Design},
  year = {2017},
  publisher = {Policy Press},
}

@book{soerensen2011,
  author = {Sørensen, Eva and Torfing, Jacob},
  title = {Samarbejdsdrevet innovation},
  year = {2011},
  publisher = {DJØF},
}

@book{hansen2012,
  editor = {Hansen, Anne and Holm, Bo},
  title = {Offentlig innovation},
  year = {2012},
  publisher = {DJØF},
}

@misc{talk,
  author = {Torfing, Jacob},
  title = {A talk <script>alert(1)</script>},
  url = {javascript:alert(1)},
}
"#;

/// The test site in `language`, with the bibliography above and, when
/// `style` is set, that CSL style; the page `borgere` cites three works.
fn site(language: &str, style: Option<&str>) -> SiteTest {
    let base = SiteTest::new();
    let yaml = std::fs::read_to_string(base.root().join("site.yaml")).expect("site.yaml");
    let style = style.map(|s| format!("\n  style: {s}")).unwrap_or_default();
    let yaml = yaml.replace("language: da", &format!("language: {language}"));
    let body = "Som [@soerensen2011, s. 21] og Bason [-@bason2017] viser [@bason2017; @soerensen2011].\n\nSe også [@hansen2012].\n\nKode: `[@bason2017]`, post: navn@coi.dk.\n";
    base.file("site.yaml", format!("{yaml}\nbibliography:\n  files: [kilder/litteratur.bib]{style}\n"))
        .file("kilder/litteratur.bib", BIB)
        .page("", "borgere", "title: Borgere", body)
}

fn between<'h>(html: &'h str, start: &str, end: &str) -> &'h str {
    let from = html.find(start).unwrap_or_else(|| panic!("{start:?} in:\n{html}"));
    let to = html[from..].find(end).map_or(html.len(), |i| from + i);
    &html[from..to]
}

#[test]
fn a_danish_page_cites_in_apa_with_danish_terms_and_lists_its_references() {
    let main = site("da", None).build().ok().main_html("borgere/");
    assert_says(&main, r##"(<a href="#ref-soerensen2011">Sørensen &amp; Torfing, 2011, s. 21</a>)"##);
    assert_says(&main, r##"Bason <span class="citation">(<a href="#ref-bason2017">2017</a>)</span>"##);
    assert_says(&main, r##"(<a href="#ref-bason2017">Bason, 2017</a>; <a href="#ref-soerensen2011">Sørensen &amp; Torfing, 2011</a>)"##);
    assert_says(&main, "<code>[@bason2017]</code>");
    assert_says(&main, "navn@coi.dk");
    let references = between(&main, "<section class=\"references\"", "</section>");
    assert_says(references, "<h2 id=\"references-h\">Referencer</h2>");
    assert_says(references, r#"<li id="ref-bason2017">Bason, C. (2017). <i>Leading Public Design</i>. Policy Press.</li>"#);
    assert_says(references, "Sørensen, E., &amp; Torfing, J. (2011). <i>Samarbejdsdrevet innovation</i>. DJØF.");
    assert_says(references, "Hansen, A., &amp; Holm, B. (red.). (2012). <i>Offentlig innovation</i>. DJØF.");
    assert!(references.find("ref-bason2017") < references.find("ref-soerensen2011"), "by author: {references}");
    assert!(!references.contains("ref-talk"), "only the works the page cites: {references}");
}

#[test]
fn on_the_print_page_citations_link_to_the_references_of_their_page() {
    let print = site("da", None).build().ok().main_html("print/");
    assert_says(&print, r##"(<a href="#p-borgere-ref-soerensen2011">Sørensen &amp; Torfing, 2011, s. 21</a>)"##);
    assert_says(&print, r#"<li id="p-borgere-ref-soerensen2011">Sørensen, E., &amp; Torfing, J. (2011)."#);
}

#[test]
fn an_english_site_gets_english_terms_and_another_style_when_asked() {
    let main = site("en", None).build().ok().main_html("borgere/");
    assert_says(&main, ">Sørensen &amp; Torfing, 2011, p. 21</a>");
    assert_says(&main, "Hansen, A., &amp; Holm, B. (Eds.). (2012). <i>Offentlig innovation</i>. DJØF.");
    assert_says(&main, "<h2 id=\"references-h\">References</h2>");
    let chicago = site("en", Some("chicago-author-date")).build().ok().main_html("borgere/");
    assert_says(&chicago, ">Sørensen and Torfing 2011, 21</a>");
    let danish = site("da", Some("chicago-author-date")).build().ok().main_html("borgere/");
    assert_says(&danish, ">Sørensen og Torfing 2011, 21</a>");
}

#[test]
fn the_bibliography_page_lists_every_entry_and_nothing_from_a_file_is_markup() {
    let run = site("da", None).build().ok();
    let page = run.main_html("litteraturliste/");
    assert_says(&page, "<h1>Litteraturliste</h1>");
    for key in ["bason2017", "soerensen2011", "talk"] {
        assert_says(&page, &format!("<li id=\"ref-{key}\">"));
    }
    assert_says(&page, "A talk &lt;script&gt;alert(1)&lt;/script&gt;");
    assert!(!page.contains("<script") && !page.contains("href=\"javascript:"), "{page}");
    assert_says(&run.html(""), r#"<a href="/litteraturliste/">Litteraturliste</a>"#);
    let english = site("en", None).build().ok();
    assert_says(&english.main_html("bibliography/"), "<h1>Bibliography</h1>");
}

#[test]
fn a_page_about_a_work_shows_its_reference_and_citations_link_to_it() {
    let run = site("da", None).page("", "bason", "title: Om Basons bog\ncite: bason2017", "Et resumé.\n").build().ok();
    let about = run.main_html("bason/");
    assert_says(&about, r#"<p class="reference-full">Bason, C. (2017). <i>Leading Public Design</i>. Policy Press.</p>"#);
    let main = run.main_html("borgere/");
    assert_says(&main, r#"(<a href="/bason/">2017</a>)"#);
    assert_says(
        &main,
        r#"<li id="ref-bason2017">Bason, C. (2017). <i>Leading Public Design</i>. Policy Press. <a class="reference-page" href="/bason/">Om Basons bog</a></li>"#,
    );
    assert_says(&run.main_html("litteraturliste/"), r#"<a class="reference-page" href="/bason/">Om Basons bog</a>"#);
    assert_says(&about, r#"<a href="/borgere/">Borgere</a>"#);
}

#[test]
fn an_unknown_key_is_an_error_at_its_place_with_a_suggestion() {
    let site = site("da", None)
        .page("", "om", "title: Om\nsummary: Se [@bason2071].", "Tekst.\n\nIfølge [@soerensen2011; @soerensen2012, s. 4].\n")
        .page("", "bog", "title: Bog\ncite: bason", "");
    let run = site.build().failed();
    assert_snapshot!(run.stderr);
}

#[test]
fn a_citation_without_a_bibliography_says_how_to_declare_one() {
    let run = SiteTest::new().page("", "om", "title: Om", "Se [@bason2017].\n").build().failed();
    assert_says(&run.stderr, "error: content/om.md:4:4: `@bason2017` is a citation, but the site has no bibliography");
}

#[test]
fn broken_bibliography_files_are_errors_at_their_place() {
    let broken = site("da", None).file("kilder/litteratur.bib", "@book{a, title = {A}}\n\n@book{b,\n  title = {Uden slut\n");
    assert_snapshot!("a_bib_file_that_does_not_parse", broken.build().failed().stderr);
    let yaml = std::fs::read_to_string(broken.root().join("site.yaml")).expect("site.yaml");
    let two = broken
        .file("site.yaml", yaml.replace("[kilder/litteratur.bib]", "[kilder/a.bib, kilder/b.yaml, kilder/mangler.bib]"))
        .file("kilder/a.bib", "@book{bason2017, title = {A}}\n")
        .file("kilder/b.yaml", "soerensen2011:\n  type: book\n  title: B\nbason2017:\n  type: book\n  title: C\n");
    let run: Run = two.build().failed();
    assert_snapshot!("missing_files_and_duplicate_keys", run.stderr);
}

#[test]
fn the_course_cites_its_literature_in_apa_with_danish_terms() {
    let out = tempfile::tempdir().expect("temporary folder");
    let run = run_binary(Path::new(REPO), &["build", "--no-search", "--output", out.path().to_str().expect("UTF-8")]).ok();
    let page = run.main_html("begreber/borgerinddragelse/");
    let to_work = |slug: &str| format!("<a href=\"/litteratur/{slug}/\">Tortzen, u.å.</a>");
    assert_says(
        &page,
        &format!("({}; {})", to_work("tortzen-naerdemokrati-og-borgerinddragelse"), to_work("tortzen-borgerinddragelse-er-kommunikation")),
    );
    let references = between(&page, "<section class=\"references\"", "</section>");
    assert_says(references, "Tortzen, A. (u.å.). <i>Borgerinddragelse er kommunikation</i>.");
    assert_says(references, "Tortzen, A. (u.å.). <i>Nærdemokrati og borgerinddragelse</i>.");
    let bibliography = run.main_html("litteraturliste/");
    assert_eq!(
        bibliography.matches("<li id=\"ref-").count(),
        10,
        "the seven readings, the book, the handbook and the talk:\n{bibliography}"
    );
    assert_says(&run.main_html("litteratur/haandbogen/"), "class=\"reference-full\">Center for Offentlig Innovation. (u.å.).");
}
