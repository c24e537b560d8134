//! What a knowledge site needs beyond pages: drafts, redirects at old
//! addresses, feeds and sharing tags. Each test builds a small site and
//! asserts on what a reader or an editor sees.

use crate::support::{SiteTest, assert_says};

fn actor() -> &'static str {
    "title: Borgere\nchapter: \"5.4\""
}

fn case(title: &str, extra: &str) -> String {
    format!("title: {title}\nsummary: Kort om {title}.\nactors: [borgere]\nsector: kommune\n{extra}")
}

/// An actor, a published case and a draft case that refers to the actor.
fn site_with_draft() -> SiteTest {
    SiteTest::new()
        .page("aktoerer", "borgere", actor(), "Tekst.\n")
        .page("cases", "offentlig", &case("Offentlig case", ""), "Om casen.\n")
        .page("cases", "hemmelig", &case("Hemmelig case", "draft: true"), "Endnu ikke klar.\n")
}

mod drafts {
    use super::*;

    #[test]
    fn a_draft_is_left_out_of_the_page_listings_backlinks_sitemap_print_and_search() {
        let run = site_with_draft().build_with(&["--base-url", "https://kursus.example.org/"]).ok();
        assert!(!run.out.join("cases/hemmelig/index.html").exists());
        assert!(run.out.join("cases/offentlig/index.html").exists());
        assert!(!run.html("cases/").contains("Hemmelig case"));
        assert!(!run.html("cases/sektor/kommune/").contains("Hemmelig case"));
        assert!(!run.main_html("aktoerer/borgere/").contains("Hemmelig case"));
        assert!(!run.html("sitemap.xml").contains("hemmelig"));
        assert!(!run.html("print/").contains("Hemmelig case"));
        let index = crate::support::files_under(&run.out.join("pagefind"));
        assert!(index.keys().any(|k| k.ends_with(".pf_fragment")), "the search index has fragments");
        assert!(run.stderr.contains("built 3 pages"), "{}", run.stderr);
    }

    #[test]
    fn build_with_drafts_shows_them_marked_as_drafts() {
        let run = site_with_draft().build_with(&["--drafts"]).ok();
        let page = run.main_html("cases/hemmelig/");
        assert!(page.contains(r#"<p class="draft-marker">Kladde</p>"#), "{page}");
        assert!(run.html("cases/").contains(r#"Hemmelig case</a> <span class="draft-marker">Kladde</span>"#));
        assert!(!run.main_html("cases/offentlig/").contains("draft-marker"));
        assert!(run.main_html("aktoerer/borgere/").contains("Hemmelig case"));
    }

    #[test]
    fn a_published_page_that_links_to_a_draft_is_an_error_with_its_place_in_build_and_check() {
        let site = site_with_draft().page("cases", "peger", &case("Peger", ""), "Se [[hemmelig]] for mere.\n");
        for command in [&["build"][..], &["check"]] {
            let run = site.run(command).failed();
            assert_says(
                &run.stderr,
                "error: content/cases/peger.md:7:4: `hemmelig` is a draft: `build` leaves it out, so this link would break",
            );
            assert_says(&run.stderr, "help: publish it (remove `draft: true` from content/cases/hemmelig.md)");
        }
        site.build_with(&["--drafts"]).ok();
    }

    #[test]
    fn a_reference_field_to_a_draft_is_an_error_too_but_a_draft_may_refer_to_a_draft() {
        let site = site_with_draft()
            .page("personer", "anna", "name: Anna\ndraft: true", "")
            .page("cases", "kontakt", &case("Kontakt", "contact: anna"), "")
            .page("cases", "kladde-kontakt", &case("Kladde med kontakt", "contact: anna\ndraft: true"), "");
        let run = site.build().failed();
        assert_says(&run.stderr, "error: content/cases/kontakt.md:6:10: `anna` is a draft");
        assert!(!run.stderr.contains("kladde-kontakt.md"), "{}", run.stderr);
    }

    #[test]
    fn draft_must_be_true_or_false() {
        let site = SiteTest::new().page("aktoerer", "borgere", &format!("{}\ndraft: ja", actor()), "");
        let run = site.build().failed();
        assert_says(&run.stderr, "error: content/aktoerer/borgere.md:4:8: field `draft`");
    }
}

mod aliases {
    use super::*;

    #[test]
    fn each_alias_is_a_redirect_page_to_the_page() {
        let site = SiteTest::new().page("aktoerer", "borgere", &format!("{}\naliases: [borger, /gammel/sti/]", actor()), "");
        let run = site.build_with(&["--base-url", "https://kursus.example.org/ki/"]).ok();
        for old in ["aktoerer/borger/", "gammel/sti/"] {
            let html = run.html(old);
            let to = "https://kursus.example.org/ki/aktoerer/borgere/";
            assert!(html.contains(&format!(r#"<meta http-equiv="refresh" content="0; url={to}">"#)), "{html}");
            assert!(html.contains(&format!(r#"<link rel="canonical" href="{to}">"#)), "{html}");
            assert!(html.contains(&format!(r#"Siden er flyttet til <a href="{to}">Borgere</a>"#)), "{html}");
        }
        assert!(!run.html("sitemap.xml").contains("borger/"));
    }

    #[test]
    fn an_alias_at_the_address_of_a_page_or_a_generated_page_is_an_error_in_check() {
        let site = SiteTest::new().page("aktoerer", "borgere", &format!("{}\naliases:\n  - virksomheder\n  - /cases/", actor()), "").page(
            "aktoerer",
            "virksomheder",
            "title: Virksomheder\nchapter: \"5.3\"",
            "",
        );
        let run = site.run(&["check"]).failed();
        assert_says(
            &run.stderr,
            "error: content/aktoerer/borgere.md:5:5: `content/aktoerer/virksomheder.md` and the redirect of `aktoerer/virksomheder/`",
        );
        assert_says(
            &run.stderr,
            "error: content/aktoerer/borgere.md:6:5: the redirect of `cases/` (an alias of `content/aktoerer/borgere.md`) would be written to `cases/index.html`, where the list of Cases goes",
        );
    }

    #[test]
    fn an_alias_that_is_not_an_address_is_an_error() {
        let site = SiteTest::new().page("aktoerer", "borgere", &format!("{}\naliases: [Gamle Borgere]", actor()), "");
        let run = site.build().failed();
        assert_says(&run.stderr, "error: content/aktoerer/borgere.md:4:11: alias `Gamle Borgere` is neither an id nor a path of slugs");
    }
}

#[test]
fn a_kind_may_not_declare_a_built_in_field() {
    let site_yaml =
        "title: T\nkinds:\n  page:\n    folder: \"\"\n    fields:\n      title: { type: string }\n      draft: { type: bool }\n";
    let run = SiteTest::new().file("site.yaml", site_yaml).run(&["check"]).failed();
    assert_says(&run.stderr, "error: site.yaml:7:7: kind `page` declares the field `draft`, which every page has built in");
}

/// A site with a kind of dated news and undated notes.
fn news_site() -> SiteTest {
    let site_yaml = r#"title: "Nyt & noter"
description: "Et site med nyheder."
base_url: "/"
language: da
kinds:
  page:
    folder: ""
    fields:
      title: { type: string, required: true }
  news:
    folder: nyt
    plural: Nyheder
    sort: -published
    fields:
      title: { type: string, required: true }
      summary: { type: text }
      published: { type: date }
      image: { type: string }
  note:
    folder: noter
    fields:
      title: { type: string, required: true }
"#;
    SiteTest::new()
        .file("site.yaml", site_yaml)
        .page(
            "nyt",
            "foraar",
            "title: Forår <i>nu</i>\nsummary: Det er forår & sol.\npublished: 2019-03-20\nimage: /billeder/sol.jpg",
            "Tekst.\n",
        )
        .page("nyt", "vinter", "title: Vinter\npublished: 2018-12-21", "Tekst.\n")
        .page("nyt", "udateret", "title: Udateret", "Tekst.\n")
        .page("noter", "note", "title: En note", "Tekst.\n")
}

mod feeds {
    use super::*;

    const BASE: &str = "https://eksempel.dk/site/";

    #[test]
    fn the_sitemap_gives_a_page_with_a_date_its_lastmod() {
        let run = news_site().build_with(&["--base-url", BASE]).ok();
        let sitemap = run.raw_html("sitemap.xml");
        assert!(sitemap.contains("<url><loc>https://eksempel.dk/site/nyt/vinter/</loc><lastmod>2018-12-21</lastmod></url>"), "{sitemap}");
        assert!(sitemap.contains("<url><loc>https://eksempel.dk/site/nyt/udateret/</loc></url>"), "{sitemap}");
        assert!(sitemap.contains("<url><loc>https://eksempel.dk/site/nyt/</loc></url>"), "{sitemap}");
        let robots = run.raw_html("robots.txt");
        assert!(robots.contains("Sitemap: https://eksempel.dk/site/sitemap.xml"), "{robots}");
        assert_eq!(std::fs::read(run.out.join(".nojekyll")).expect(".nojekyll"), b"");
    }

    #[test]
    fn a_kind_with_a_date_field_and_the_site_get_atom_feeds_with_absolute_links() {
        let run = news_site().build_with(&["--base-url", BASE]).ok();
        let feed = run.html("nyt/atom.xml");
        assert!(
            feed.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"da\">")
        );
        assert!(feed.contains("<title>Nyt &amp; noter: Nyheder</title>"), "{feed}");
        assert!(feed.contains(r#"<link rel="self" type="application/atom+xml" href="https://eksempel.dk/site/nyt/atom.xml"/>"#));
        assert!(feed.contains("<updated>2019-03-20T00:00:00Z</updated>"));
        let spring = feed.find("<id>https://eksempel.dk/site/nyt/foraar/</id>").expect("the newest entry");
        let winter = feed.find("<id>https://eksempel.dk/site/nyt/vinter/</id>").expect("the older entry");
        assert!(spring < winter, "newest first");
        assert!(feed.contains("<title>Forår &lt;i&gt;nu&lt;/i&gt;</title>"));
        assert!(feed.contains("<summary>Det er forår &amp; sol.</summary>"));
        assert!(!feed.contains("udateret"), "a page without a date is no entry");
        assert_eq!(feed.matches("<entry>").count(), feed.matches("</entry>").count());
        let site_feed = run.html("atom.xml");
        assert!(site_feed.contains("<id>https://eksempel.dk/site/</id>") && site_feed.contains("nyt/vinter/"));
        assert!(!run.out.join("noter/atom.xml").exists(), "a kind without a date field has no feed");
    }

    #[test]
    fn the_feeds_are_linked_from_head_and_the_site_feed_from_the_footer() {
        let run = news_site().build_with(&["--base-url", BASE]).ok();
        let site_link =
            r#"<link rel="alternate" type="application/atom+xml" title="Nyt &amp; noter" href="https://eksempel.dk/site/atom.xml">"#;
        let news_link = r#"<link rel="alternate" type="application/atom+xml" title="Nyt &amp; noter: Nyheder" href="https://eksempel.dk/site/nyt/atom.xml">"#;
        for page in ["nyt/vinter/", "nyt/"] {
            let html = run.html(page);
            assert!(html.contains(site_link) && html.contains(news_link), "{html}");
        }
        let note = run.html("noter/note/");
        assert!(note.contains(site_link) && !note.contains(news_link));
        assert!(note.contains(r#" · <a href="/atom.xml">Nyhedsfeed</a></p>"#));
    }

    #[test]
    fn without_an_absolute_base_url_there_is_no_feed_and_one_warning_says_how_to_get_one() {
        let run = news_site().build().ok();
        assert!(!run.out.join("atom.xml").exists() && !run.out.join("nyt/atom.xml").exists());
        assert_eq!(run.stderr.matches("warning:").count(), 1, "{}", run.stderr);
        assert_says(
            &run.stderr,
            "warning: site.yaml:1:1: `base_url` is not a full address, so the site has no sitemap.xml, no Atom feeds for `news`",
        );
        assert_says(
            &run.stderr,
            "help: set `base_url: https://example.org/path/` in site.yaml, or build with `--base-url https://…/`, to get them",
        );
        assert!(!run.html("nyt/vinter/").contains("application/atom+xml"));
    }

    #[test]
    fn a_page_at_the_address_of_a_feed_is_an_error_in_check() {
        let site_yaml = std::fs::read_to_string(news_site().root().join("site.yaml")).expect("site.yaml");
        let site = news_site()
            .file("site.yaml", site_yaml.replace("base_url: \"/\"", &format!("base_url: \"{BASE}\"")))
            .file("static/nyt/atom.xml", "<feed/>");
        let run = site.run(&["check"]).failed();
        assert_says(&run.stderr, "`static/nyt/atom.xml` would be written to `nyt/atom.xml`, where an Atom feed goes");
    }
}

mod sharing {
    use super::*;

    #[test]
    fn pages_have_canonical_opengraph_and_twitter_tags_with_an_absolute_base_url() {
        let run = news_site().build_with(&["--base-url", "https://eksempel.dk/site/"]).ok();
        let html = run.html("nyt/foraar/");
        for tag in [
            r#"<link rel="canonical" href="https://eksempel.dk/site/nyt/foraar/">"#,
            r#"<meta property="og:type" content="article">"#,
            r#"<meta property="og:site_name" content="Nyt &amp; noter">"#,
            r#"<meta property="og:title" content="Forår &lt;i&gt;nu&lt;/i&gt;">"#,
            r#"<meta property="og:url" content="https://eksempel.dk/site/nyt/foraar/">"#,
            r#"<meta property="og:description" content="Det er forår &amp; sol.">"#,
            r#"<meta property="og:image" content="https://eksempel.dk/site/billeder/sol.jpg">"#,
            r#"<meta name="twitter:card" content="summary_large_image">"#,
            r#"<meta name="twitter:image" content="https://eksempel.dk/site/billeder/sol.jpg">"#,
        ] {
            assert!(html.contains(tag), "missing {tag} in:\n{html}");
        }
        let listing = run.html("nyt/");
        assert!(
            listing.contains(r#"<meta property="og:title" content="Nyheder">"#)
                && listing.contains(r#"<meta name="twitter:card" content="summary">"#)
        );
        assert!(run.html("").contains(r#"<meta property="og:type" content="website">"#));
    }

    #[test]
    fn without_an_absolute_base_url_pages_have_no_sharing_tags() {
        let run = news_site().build().ok();
        let html = run.html("nyt/foraar/");
        assert!(!html.contains("og:") && !html.contains("twitter:") && !html.contains("rel=\"canonical\""), "{html}");
    }
}

mod hub_print {
    use super::*;

    fn site() -> SiteTest {
        SiteTest::new()
            .page("aktoerer", "borgere", actor(), "## Om borgerne\n\nTekst om borgere.\n")
            .page("aktoerer", "fonde", "title: Fonde\nchapter: \"5.7\"", "Tekst om fonde.\n")
            .page("cases", "b-case", &case("B-case", ""), "Om B.\n")
            .page("cases", "a-case", &case("A-case", ""), "Om A, som [[fonde]] ikke har med at gøre.\n")
            .page("cases", "fonde-case", "title: Fondecase\nactors: [fonde]\nsector: stat", "Om fonde.\n")
    }

    #[test]
    fn each_hub_has_a_print_page_with_its_pages_in_listing_order_and_a_contents_list() {
        let run = site().build().ok();
        let print = run.main_html("aktoerer/borgere/print/");
        assert!(print.contains("<h1>Borgere</h1>"), "{print}");
        let order: Vec<usize> =
            [r##"<a href="#p-borgere">Borgere</a>"##, r##"<a href="#p-a-case">A-case</a>"##, r##"<a href="#p-b-case">B-case</a>"##]
                .iter()
                .map(|entry| print.find(entry).unwrap_or_else(|| panic!("{entry} in the contents of:\n{print}")))
                .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "the hub first, then its pages in listing order");
        for id in ["borgere", "a-case", "b-case"] {
            assert!(print.contains(&format!(r#"<article class="print-page" id="p-{id}">"#)), "{id}");
        }
        assert!(!print.contains("Fondecase"), "a case of another hub is not in it");
        assert!(run.main_html("aktoerer/fonde/print/").contains("Fondecase"));
        assert!(!run.main_html("aktoerer/fonde/print/").contains("A-case"), "a link in the text does not make a page the hub's");
        assert!(run.html("aktoerer/borgere/print/").contains("<title>Borgere – Printudgave – Testkursus</title>"));
    }

    #[test]
    fn the_hub_page_links_to_its_print_page_and_other_pages_do_not() {
        let run = site().build().ok();
        assert!(run.main_html("aktoerer/borgere/").contains(r#"<p class="print-link"><a href="/aktoerer/borgere/print/">"#));
        assert!(!run.main_html("cases/a-case/").contains("print-link"));
    }
}
