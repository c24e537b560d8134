//! The words Markdown's HTML needs for readers who cannot see it: the name
//! of the footnotes, of a back-link, of a heading's `#` link and of a task's
//! box. They come from the site's UI strings (`ViewBuilder` fills them in),
//! so a Danish site says "Tilbage til henvisning 1" where an English one says
//! "Back to reference 1".

use crate::html::escape;

/// The UI words of [`super::render`]'s HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels {
    /// Name of the footnotes at the end of a page (`Footnotes`).
    pub footnotes: String,
    /// Name of a footnote reference, before its number (`Footnote`).
    pub footnote: String,
    /// Name of a back-link from a footnote, before the reference's number (`Back to reference`).
    pub back: String,
    /// Name of a heading's `#` link, before the heading's text (`Link to this section`).
    pub heading_link: String,
    /// Name of a ticked task's box (`Done`).
    pub task_done: String,
    /// Name of an open task's box (`To do`).
    pub task_open: String,
}

impl Default for Labels {
    fn default() -> Self {
        Labels {
            footnotes: "Footnotes".into(),
            footnote: "Footnote".into(),
            back: "Back to reference".into(),
            heading_link: "Link to this section".into(),
            task_done: "Done".into(),
            task_open: "To do".into(),
        }
    }
}

impl Labels {
    /// The visible `#` after a heading's text, a link to the heading itself.
    pub fn heading_link(&self, id: &str, text: &str) -> String {
        format!(
            "<a class=\"heading-link\" href=\"#{}\" aria-label=\"{}: {}\" data-pagefind-ignore>#</a>",
            escape(id),
            escape(&self.heading_link),
            escape(text)
        )
    }

    /// The box of a task list item: ticked or not, never editable.
    pub fn task_box(&self, done: bool) -> String {
        let (checked, name) = if done { (" checked", &self.task_done) } else { ("", &self.task_open) };
        format!("<input type=\"checkbox\" class=\"task\" disabled{checked} aria-label=\"{}\"> ", escape(name))
    }
}
impl Labels {
    /// The words from the site's UI strings (`word(key)`), English where one is missing.
    pub fn from_words(word: impl Fn(&str) -> Option<String>) -> Labels {
        let english = Labels::default();
        let word = |key: &str, fallback: String| word(key).unwrap_or(fallback);
        Labels {
            footnotes: word("footnotes", english.footnotes),
            footnote: word("footnote", english.footnote),
            back: word("footnote_back", english.back),
            heading_link: word("heading_link", english.heading_link),
            task_done: word("task_done", english.task_done),
            task_open: word("task_open", english.task_open),
        }
    }
}
