//! The map of hubs on the front page and the hub listing: only each hub's
//! strongest ties, each with its number, labels in full, and the same ties
//! as a list of links; the hubs in the header behind one disclosure, or,
//! when there are more than a menu holds, reached from their listing.

use crate::support::SiteTest;

const LONG: &str = "Aktør D med et meget langt navn der skal brydes";

/// Four actors and cases shared so that every pair is tied, with six
/// different strengths: A–B 6, C–D 5, A–C 4, B–D 3, A–D 2, B–C 1.
fn site() -> SiteTest {
    let mut site = SiteTest::new();
    for (id, title) in [("a", "Aktør A"), ("b", "Aktør B"), ("c", "Aktør C"), ("d", LONG)] {
        site = site.page("aktoerer", id, &format!("title: {title}\nchapter: \"1\""), "");
    }
    let mut n = 0;
    for (pair, shared) in [("a, b", 6), ("c, d", 5), ("a, c", 4), ("b, d", 3), ("a, d", 2), ("b, c", 1)] {
        for _ in 0..shared {
            n += 1;
            site = site.page("cases", &format!("case-{n}"), &format!("title: Case {n}\nactors: [{pair}]\nsector: kommune"), "");
        }
    }
    site
}

#[test]
fn the_map_draws_only_each_hubs_two_strongest_ties_with_their_numbers() {
    let run = site().build().ok();
    let front = run.html("");
    for kept in ["Aktør A – Aktør B: 6", &format!("Aktør C – {LONG}: 5"), "Aktør A – Aktør C: 4", &format!("Aktør B – {LONG}: 3")]
    {
        assert!(front.contains(&format!("<title>{kept}</title>")), "{kept} is drawn: {front}");
    }
    assert!(!front.contains(&format!("<title>Aktør A – {LONG}: 2</title>")), "A and D each have two stronger ties");
    assert!(!front.contains("<title>Aktør B – Aktør C: 1</title>"), "B and C each have two stronger ties");
    assert!(front.contains(r#"text-anchor="middle">6</text>"#), "the tie carries its number");
    let ties = r#"<li><a href="/aktoerer/a/">Aktør A</a> – <a href="/aktoerer/b/">Aktør B</a>: 6 fælles sider</li>"#;
    assert!(front.contains(ties), "the ties are listed as text: {front}");
    assert!(run.html("aktoerer/").contains(ties), "the hub listing shows the map and its list too");
}

#[test]
fn a_long_hub_title_is_written_in_full_over_several_lines() {
    let front = site().build().ok().html("");
    assert!(front.contains(">Aktør D med et meget</tspan>") && front.contains(">langt navn der skal</tspan>"), "{front}");
    assert!(front.contains(">brydes</tspan></text>"), "{front}");
}

#[test]
fn the_hubs_in_the_header_sit_behind_one_disclosure_that_names_the_current_one() {
    let run = site().build().ok();
    let page = run.html("aktoerer/b/");
    assert!(page.contains(r#"<details><summary>Aktører<span class="nav-current"> · Aktør B</span></summary>"#), "{page}");
    assert!(page.contains(r#"aria-current="page">Aktør B</a></li>"#), "{page}");
    assert!(run.html("").contains("<details><summary>Aktører</summary>"), "no current hub on the front page");
}

#[test]
fn more_hubs_than_a_menu_holds_are_reached_from_their_listing_instead() {
    let mut site = SiteTest::new();
    for n in 1..=25 {
        site = site.page("aktoerer", &format!("aktoer-{n}"), &format!("title: Aktør {n}\nchapter: \"{n}\""), "");
    }
    let run = site.build().ok();
    let page = run.html("aktoerer/aktoer-3/");
    assert!(!page.contains("nav-actors"), "no menu of 25 hubs on every page: {page}");
    assert!(page.contains(r#"<a href="/aktoerer/" aria-current="true">Aktører</a>"#), "the listing is linked from the sections: {page}");
    let listing = run.html("aktoerer/");
    assert!((1..=25).all(|n| listing.contains(&format!(">Aktør {n}</a>"))), "the listing links every hub: {listing}");
    // At the limit, the menu is still there.
    let at_limit = (1..=24)
        .fold(SiteTest::new(), |site, n| site.page("aktoerer", &format!("aktoer-{n}"), &format!("title: Aktør {n}\nchapter: \"{n}\""), ""));
    assert!(at_limit.build().ok().html("aktoerer/aktoer-3/").contains("nav-actors"));
}
