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
        let css = run.html("style.css");
        let dark = css.find("prefers-color-scheme:dark){:root{--hl-").expect("dark colours for code");
        assert!(css[..dark].contains(":root{--hl-comment:"), "light colours for code come first");
        assert!(css.contains(".hl-keyword,.hl-tag{color:var(--hl-keyword)}"));
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
