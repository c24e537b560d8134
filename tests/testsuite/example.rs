//! The English example site in `examples/knowledge-base/` (a glossary,
//! articles, authors and topics as hubs) builds without warnings, and shows
//! what its schema declares in English: the generator is tested on a site
//! that is not the course.

use crate::support::{REPO, run_binary};
use std::path::Path;

fn build() -> (crate::support::Run, tempfile::TempDir) {
    let out = tempfile::tempdir().expect("temporary folder");
    let root = Path::new(REPO).join("examples/knowledge-base");
    let public = out.path().join("public");
    let run = run_binary(&root, &["build", "--output", public.to_str().expect("a UTF-8 path")]).ok();
    (run, out)
}

#[test]
fn the_english_example_builds_without_warnings() {
    let (run, _out) = build();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let front = run.html("");
    assert!(front.contains("<html lang=\"en\">") && front.contains("action=\"/search/\""), "{front}");
    assert!(front.contains("<nav class=\"wrap nav-actors\" aria-label=\"Topics\">"), "the hubs are headed with their kind's plural");
    assert!(front.contains("<h2 id=\"actors-h\">Topics</h2>"), "{front}");
    assert!(front.contains("<h2 id=\"map-h\">How the topics connect</h2>"), "{front}");
    assert!(front.contains("<title>Map of the topics and how they connect</title>"), "{front}");
    assert!(run.out.join("search/index.html").is_file() && !run.out.join("soeg").exists());
    let feed = run.html("articles/atom.xml");
    assert!(feed.contains("<link rel=\"self\" type=\"application/atom+xml\" href=\"https://example.org/articles/atom.xml\"/>"), "{feed}");
}

#[test]
fn the_example_shows_related_topics_tags_and_newest_articles_first() {
    let (run, _out) = build();
    let topic = run.html("topics/building/");
    assert!(topic.contains("<h2 id=\"related-h\">Related topics</h2>"), "{topic}");
    let articles = run.html("articles/");
    let order: Vec<usize> = ["Typed front matter", "Search without a server", "What is a static site?"]
        .iter()
        .map(|t| articles.find(&format!(">{t}</a>")).unwrap_or_else(|| panic!("{t} listed")))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "newest first: {order:?}");
    let hosting = run.html("articles/tags/hosting/");
    assert!(hosting.contains("What is a static site?") && !hosting.contains("Typed front matter"), "{hosting}");
    let term = run.html("glossary/build/");
    assert!(term.contains("Mentioned in") && term.contains("href=\"/articles/search-without-a-server/\""), "{term}");
}
