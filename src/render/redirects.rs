//! Redirect pages at the old addresses of renamed pages.
//!
//! A page's `aliases:` name the addresses it had before (an old id, or a
//! path from the site's root). At each, a small page sends the reader on:
//! a `<meta http-equiv="refresh">` for browsers, a canonical link for search
//! engines, and a plain link for everything else. The paths are known before
//! rendering, so [`super::plan`] finds an alias that would overwrite a page.

use super::view::ViewBuilder;
use crate::content::PageIdx;
use crate::files::{OutputFile, Sink};
use crate::html::escape;

/// Writes the redirect page of every alias of every page into `sink`.
pub fn write(views: &ViewBuilder<'_>, sink: Sink<'_>) {
    let pages = views.pages();
    for i in PageIdx::all(pages.len()) {
        let page = &pages[i];
        if page.aliases.is_empty() {
            continue;
        }
        let target = views.absolute_url(i).unwrap_or_else(|| views.link(i).url);
        let html = redirect_page(&views.config().language, &page.title, &target, &views.ui("moved", "This page has moved to"));
        for alias in &page.aliases {
            sink(OutputFile::text(format!("{}index.html", alias.url), html.clone()));
        }
    }
}

/// The page that sends a reader on to `target`, the page titled `title`.
fn redirect_page(lang: &str, title: &str, target: &str, moved: &str) -> String {
    let (lang, title, target, moved) = (escape(lang), escape(title), escape(target), escape(moved));
    format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n\
         <link rel=\"canonical\" href=\"{target}\">\n<meta name=\"robots\" content=\"noindex\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={target}\">\n</head>\n\
         <body>\n<p>{moved} <a href=\"{target}\">{title}</a></p>\n</body>\n</html>\n"
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_redirect_names_its_target_three_ways() {
        let html = super::redirect_page("da", "Borgere & co", "https://x.dk/a/", "Siden er flyttet til");
        assert!(html.contains(r#"<meta http-equiv="refresh" content="0; url=https://x.dk/a/">"#));
        assert!(html.contains(r#"<link rel="canonical" href="https://x.dk/a/">"#));
        assert!(html.contains(r#"<a href="https://x.dk/a/">Borgere &amp; co</a>"#));
    }
}
