//! Tests of the Markdown passes.

use super::*;

fn resolver(t: &LinkTarget) -> Option<Resolved> {
    match t {
        LinkTarget::Page { id, anchor } if id == "borgere" => Some(Resolved {
            url: format!("/aktoerer/borgere/{}", anchor.as_ref().map(|a| format!("#{a}")).unwrap_or_default()),
            title: "Borgere".into(),
            embed: None,
            size: None,
        }),
        LinkTarget::Embed(id) if id == "figur-1" => Some(Resolved {
            url: "/figurer/figur-1/".into(),
            title: "Figur".into(),
            embed: Some("<figure class=\"embed\"><svg></svg></figure>".into()),
            size: None,
        }),
        _ => None,
    }
}

#[test]
fn headings_get_danish_unique_ids() {
    let s = scan("## Før og nu\n\n## Før og nu\n\n### Æbler {#eget}\n", false);
    let ids: Vec<_> = s.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["foer-og-nu", "foer-og-nu-1", "eget"]);
}

#[test]
fn wikilinks_are_found_with_offsets() {
    let src = "Se [[borgere]] og [[fonde|fondene]] samt [[borgere#noegletal]].";
    let s = scan(src, false);
    assert_eq!(s.links.len(), 3);
    assert_eq!(s.links[0].offset, src.find("[[").unwrap());
    assert_eq!(s.links[2].target, LinkTarget::Page { id: "borgere".into(), anchor: Some("noegletal".into()) });
}

#[test]
fn plain_wikilink_takes_the_target_title() {
    let (html, _) = render("Se [[borgere]] og [[borgere|dem]].", false, &resolver);
    assert_eq!(html, "<p>Se <a href=\"/aktoerer/borgere/\">Borgere</a> og <a href=\"/aktoerer/borgere/\">dem</a>.</p>\n");
}

#[test]
fn unresolved_link_is_not_a_link() {
    let (html, _) = render("Se [[ukendt]].", false, &resolver);
    assert_eq!(html, "<p>Se <em>ukendt</em>.</p>\n");
}

#[test]
fn unsafe_schemes_are_problems_and_never_links() {
    for src in [
        "[x](javascript:alert(1))",
        "[x](jav&#x61;script:alert(1))",
        "[x](<java\tscript:x>)",
        "![i](data:image/svg+xml,x)",
        "[x](VBScript:x)",
    ] {
        assert_eq!(scan(src, false).problems.len(), 1, "{src}");
        let (html, _) = render(src, false, &resolver);
        assert!(!html.contains("href") && !html.contains("src="), "{src} → {html}");
    }
}

#[test]
fn heading_ids_stay_unique_when_a_heading_is_called_like_a_suffixed_one() {
    let s = scan("## x\n\n## x\n\n## x 1\n\n## y {#x-2}\n\n## x\n", false);
    let ids: Vec<_> = s.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["x", "x-1", "x-1-1", "x-2", "x-3"]);
}

#[test]
fn heading_attributes_are_problems_and_never_written() {
    let src = "## Hej {#hej .stor onmouseover=alert(1) style=x}\n";
    assert_eq!(scan(src, false).problems.len(), 1);
    let (html, _) = render(src, false, &resolver);
    let link = r##"<a class="heading-link" href="#hej" aria-label="Link to this section: Hej" data-pagefind-ignore>#</a>"##;
    assert_eq!(html, format!("<h2 id=\"hej\" class=\"stor\">Hej{link}</h2>\n"));
    assert!(scan("## Hej {#hej .stor}\n", false).problems.is_empty());
}

#[test]
fn raw_html_is_escaped_unless_allowed() {
    let src = "<script>alert(1)</script>\n\nHej <img src=x onerror=alert(1)>";
    assert_eq!(scan(src, false).problems.len(), 2);
    let (html, _) = render(src, false, &resolver);
    assert!(!html.contains("<script") && !html.contains("<img"), "{html}");
    assert!(scan(src, true).problems.is_empty());
}

#[test]
fn embeds_replace_their_paragraph() {
    let (html, _) = render("Før\n\n![[figur-1]]\n\nEfter ![[ukendt]]", false, &resolver);
    assert_eq!(html, "<p>Før</p>\n<figure class=\"embed\"><svg></svg></figure>\n<p>Efter <em>ukendt</em></p>\n");
    let s = scan("![[figur-1]]", false);
    assert_eq!(s.links[0].target, LinkTarget::Embed("figur-1".into()));
}

#[test]
fn raw_html_that_looks_like_an_embed_is_still_escaped() {
    let (html, _) = render("<figure class=\"embed\"><script>x</script>", false, &resolver);
    assert!(!html.contains("<script"), "{html}");
}

#[test]
fn md_file_links_are_classified() {
    let s = scan("[a](../cases/x.md#foer) [b](https://coi.dk) [c](#top)", false);
    assert_eq!(s.links[0].target, LinkTarget::File { path: "../cases/x.md".into(), anchor: Some("foer".into()) });
    assert_eq!(s.links[1].target, LinkTarget::Other("https://coi.dk".into()));
    assert_eq!(s.links[2].target, LinkTarget::Anchor("top".into()));
}

#[test]
fn a_section_shifts_headings_and_prefixes_anchors_but_not_code() {
    let source = "## Nøgletal\n\nSe [tallene](#noegletal).\n\n```html\n<a href=\"#top\" id=\"main\"><h2>x</h2></a>\n```\n";
    let anchors = |t: &LinkTarget| match t {
        LinkTarget::Anchor(a) => Some(Resolved { url: format!("#{a}"), title: String::new(), embed: None, size: None }),
        t => resolver(t),
    };
    let html = render_section(source, false, &Labels::default(), &anchors, "p-a-");
    assert!(html.contains(r##"<h3 id="p-a-noegletal">Nøgletal<a class="heading-link" href="#p-a-noegletal""##), "{html}");
    assert!(html.contains("href=\"#p-a-noegletal\""), "{html}");
    assert!(html.contains("&quot;#top&quot;") && html.contains("&quot;main&quot;"), "code is as written: {html}");
    assert!(!html.contains("p-a-top") && !html.contains("p-a-main"), "code is as written: {html}");
}
