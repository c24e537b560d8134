//! Markdown beyond paragraphs and links, as a reader gets it: code
//! highlighted at build time, TeX as MathML, footnotes with back-links,
//! task lists, a link on every heading and the contents box.

use crate::support::SiteTest;

/// A site with one top-level page `/side/` whose body is `body`.
fn page(body: &str) -> SiteTest {
    SiteTest::new().page("", "side", "title: Side", body)
}

mod code {
    use super::*;

    #[test]
    fn a_block_in_a_known_language_is_highlighted_into_token_classes_the_theme_colours_in_light_and_dark() {
        let run = page("```python\ndef hej(navn):\n    # en hilsen\n    return \"Hej \" + navn\n```\n").build().ok();
        let main = run.main_html("side/");
        assert!(main.contains(r#"<pre class="hl"><code class="language-python">"#), "{main}");
        assert!(main.contains(r#"<span class="hl-keyword">def</span>"#), "{main}");
        assert!(main.contains(r#"<span class="hl-function">hej</span>"#), "{main}");
        assert!(main.contains(r#"<span class="hl-comment"># en hilsen"#), "{main}");
        assert!(main.contains(r#"<span class="hl-string">&quot;Hej &quot;</span>"#), "{main}");
        let css = run.html("markup.css");
        assert!(css.contains(".hl-keyword,.hl-tag{color:light-dark(#9a2f1f,#ff9f8a)}"), "a colour for light and one for dark mode");
        assert!(run.html("side/").contains(r#"<link rel="stylesheet" href="/markup.css">"#), "the page with code links the styles of code");
        assert!(!run.html("").contains("markup.css"), "a page without code does not");
    }

    #[test]
    fn a_block_in_an_unknown_language_or_none_is_plain_escaped_code_without_an_error() {
        let run = page("```klingon\n<b>Qapla'</b>\n```\n\n```\nx < y\n```\n").build().ok();
        let main = run.main_html("side/");
        assert!(main.contains("<pre><code class=\"language-klingon\">&lt;b&gt;Qapla'&lt;/b&gt;\n</code></pre>"), "{main}");
        assert!(main.contains("<pre><code>x &lt; y\n</code></pre>"), "{main}");
        assert!(!run.stderr.contains("side.md"), "{}", run.stderr);
    }
}

mod math {
    use super::*;

    #[test]
    fn tex_between_dollars_becomes_mathml_and_thin_spaces_are_not_mangled() {
        let run = page("Arealet er $\\pi r^2$ og $a\\,b$.\n\n$$\n\\frac{1}{2}\n$$\n").build().ok();
        let main = run.main_html("side/");
        assert!(main.contains("<math><mi>π</mi><msup><mi>r</mi><mn>2</mn></msup></math>"), "{main}");
        assert!(main.contains("<math><mi>a</mi>"), "{main}");
        assert!(!main.contains("a,b") && !main.contains('$'), "{main}");
        assert!(main.contains("<math display=\"block\"><mfrac><mn>1</mn><mn>2</mn></mfrac></math>"), "{main}");
    }

    #[test]
    fn tex_that_cannot_be_read_is_an_error_at_its_place() {
        let run = page("Første linje.\n\nFormlen $\\fraq{1}{2}$ er forkert.\n").build().failed();
        crate::support::assert_says(
            &run.stderr,
            "error: content/side.md:6:10: this formula cannot be read as TeX: Unknown command \"\\fraq\"",
        );
        crate::support::assert_says(&run.stderr, "help: fix the TeX between the dollar signs");
    }

    #[test]
    fn a_dollar_sign_that_is_not_math_is_written_as_is() {
        let run = page("Det koster 5 $ og \\$10.\n").build().ok();
        assert!(run.main_html("side/").contains("<p>Det koster 5 $ og $10.</p>"), "{}", run.main_html("side/"));
    }
}

mod details {
    use super::*;

    #[test]
    fn footnotes_are_gathered_at_the_end_with_back_links_named_in_the_site_language() {
        let body = "Påstand[^kilde] og en til[^kilde].\n\n[^kilde]: Håndbogen, kapitel 5.\n\n## Næste afsnit\n\nMere tekst.\n";
        let main = page(body).build().ok().main_html("side/");
        let reference = r##"<sup class="fn-ref"><a id="fnref-1" href="#fn-1" aria-label="Fodnote 1">1</a></sup>"##;
        assert!(main.contains(&format!("<p>Påstand{reference} og en til")), "{main}");
        assert!(main.contains(r##"<a id="fnref-1-2" href="#fn-1" aria-label="Fodnote 1">1</a>"##), "{main}");
        let notes = main.find(r#"<section class="footnotes" aria-label="Fodnoter">"#).expect("the notes");
        assert!(notes > main.find("Mere tekst.").unwrap(), "the notes come after the text: {main}");
        assert!(main[notes..].contains("<li id=\"fn-1\">\n<p>Håndbogen, kapitel 5. <a class=\"fn-back\" href=\"#fnref-1\" aria-label=\"Tilbage til henvisning 1.1\""), "{main}");
        assert!(
            main[notes..]
                .contains(r##"<a class="fn-back" href="#fnref-1-2" aria-label="Tilbage til henvisning 1.2" data-pagefind-ignore>↩</a>"##),
            "{main}"
        );
    }

    #[test]
    fn the_print_page_gives_footnote_ids_the_page_prefix() {
        let body = "Påstand[^a].\n\n[^a]: Kilde.\n";
        let run = SiteTest::new().page("aktoerer", "borgere", "title: Borgere\nchapter: \"1\"", body).build().ok();
        let print = run.html("print/");
        assert!(print.contains(r##"<a id="p-borgere-fnref-1" href="#p-borgere-fn-1""##), "{print}");
        assert!(print.contains(r##"<li id="p-borgere-fn-1">"##) && print.contains(r##"href="#p-borgere-fnref-1""##), "{print}");
    }

    #[test]
    fn task_lists_are_disabled_checkboxes_with_names() {
        let main = page("- [x] Læs kapitel 5\n- [ ] Skriv refleksion\n").build().ok().main_html("side/");
        assert!(
            main.contains(r#"<li><input type="checkbox" class="task" disabled checked aria-label="Færdig"> Læs kapitel 5</li>"#),
            "{main}"
        );
        assert!(
            main.contains(r#"<li><input type="checkbox" class="task" disabled aria-label="Ikke færdig"> Skriv refleksion</li>"#),
            "{main}"
        );
    }

    #[test]
    fn every_heading_has_a_visible_hash_link_to_itself_named_in_the_site_language() {
        let main = page("## Før og nu\n\nTekst.\n").build().ok().main_html("side/");
        let link =
            r##"<a class="heading-link" href="#foer-og-nu" aria-label="Link til dette afsnit: Før og nu" data-pagefind-ignore>#</a>"##;
        assert!(main.contains(&format!("<h2 id=\"foer-og-nu\">Før og nu{link}</h2>")), "{main}");
    }

    #[test]
    fn the_contents_box_appears_from_the_number_of_headings_site_yaml_sets() {
        let body = "## Et\n\nx\n\n## To\n\ny\n";
        let site = page(body);
        assert!(!site.build().ok().main_html("side/").contains("class=\"toc\""), "two headings are under the default of three");
        let yaml = std::fs::read_to_string(site.root().join("site.yaml")).unwrap();
        let site = site.file("site.yaml", yaml.replace("theme: default\n", "theme: default\nmarkdown:\n  toc_min_headings: 2\n"));
        let main = site.build().ok().main_html("side/");
        assert!(main.contains(r##"<nav class="toc" aria-labelledby="toc-h">"##) && main.contains(r##"<a href="#to">To</a>"##), "{main}");
    }
}
