//! Which pages need the theme's `markup.css`: the styles of highlighted
//! code, formulas, footnotes and task lists (and, decided by the views, of
//! reference lists). Few pages of a knowledge site
//! have any of them, so they are kept out of `style.css`, which every page
//! loads, and linked only from pages whose HTML has one.

/// The markers the renderer writes for what `markup.css` styles.
const MARKERS: [&str; 4] = ["<pre class=\"hl\">", "<math", "<section class=\"footnotes\"", "class=\"task\""];

/// Whether rendered Markdown holds code, a formula, footnotes or a task list.
pub fn needs_markup_css(html: &str) -> bool {
    MARKERS.iter().any(|m| html.contains(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_does_not_need_it_and_each_kind_of_markup_does() {
        let html = |s: &str| super::super::render(s, false, &|_| None).0;
        assert!(!needs_markup_css(&html("Tekst med `kode` og [link](https://x.dk).\n\n## Afsnit\n")));
        for source in ["```rust\nfn x() {}\n```\n", "$x^2$", "Se[^a].\n\n[^a]: Note.\n", "- [ ] Opgave\n"] {
            assert!(needs_markup_css(&html(source)), "{source}");
        }
    }
}
