//! Footnotes: numbered in the order they are first referred to, gathered
//! at the end of the page, each with a back-link (↩) to every place that
//! refers to it.
//!
//! A reference `[^kilde]` becomes `<sup><a id="fnref-1" href="#fn-1">1</a></sup>`;
//! the definition `[^kilde]: …` moves into `<section class="footnotes">` as
//! `<li id="fn-1">…</li>`. A second reference to the same note gets the id
//! `fnref-1-2` and its own back-link. Definitions nothing refers to follow
//! the referred ones, numbered on, without back-links. The ids are written
//! as HTML events before the rewriter runs, so a section of the print page
//! gets them with its prefix like every other id.

use super::labels::Labels;
use crate::html::escape;
use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

/// One footnote: its label, its content, and how often it is referred to.
struct Note<'e> {
    label: CowStr<'e>,
    events: Vec<Event<'e>>,
    references: usize,
}

/// Moves footnote definitions to the end and numbers the references.
pub fn footnotes<'e>(events: Vec<Event<'e>>, labels: &Labels) -> Vec<Event<'e>> {
    if !events.iter().any(|e| matches!(e, Event::FootnoteReference(_) | Event::Start(Tag::FootnoteDefinition(_)))) {
        return events;
    }
    let (body, mut notes) = split(events);
    let mut out = Vec::with_capacity(body.len() + notes.len() * 4);
    for event in body {
        match event {
            Event::FootnoteReference(label) => out.push(reference(&label, &mut notes, labels)),
            event => out.push(event),
        }
    }
    // Referred-to notes first, in the order of their first reference (`reference` moved them there).
    out.push(Event::Html(format!("<section class=\"footnotes\" aria-label=\"{}\">\n<ol>\n", escape(&labels.footnotes)).into()));
    for (i, note) in notes.into_iter().enumerate() {
        out.extend(item(i + 1, note, labels));
    }
    out.push(Event::Html("</ol>\n</section>\n".into()));
    out
}

/// The body without the definitions, and the definitions in the order written.
fn split(events: Vec<Event<'_>>) -> (Vec<Event<'_>>, Vec<Note<'_>>) {
    let mut body = Vec::with_capacity(events.len());
    let mut notes: Vec<Note<'_>> = Vec::new();
    let mut open = false;
    for event in events {
        match event {
            Event::Start(Tag::FootnoteDefinition(label)) => {
                notes.push(Note { label, events: Vec::new(), references: 0 });
                open = true;
            }
            Event::End(TagEnd::FootnoteDefinition) => open = false,
            event if open => notes.last_mut().into_iter().for_each(|n| n.events.push(event.clone())),
            event => body.push(event),
        }
    }
    (body, notes)
}

/// The link of a reference to `label`: the note's number, and an id to come back to.
fn reference<'e>(label: &str, notes: &mut Vec<Note<'e>>, labels: &Labels) -> Event<'e> {
    let Some(at) = notes.iter().position(|n| n.label.as_ref() == label) else {
        return Event::Text(format!("[^{label}]").into());
    };
    // Notes referred to so far sit at the front, in order: a first reference moves its note next in line.
    let referred = notes.iter().filter(|n| n.references > 0).count();
    let number = if notes[at].references == 0 {
        let note = notes.remove(at);
        notes.insert(referred, note);
        referred + 1
    } else {
        at + 1
    };
    let note = &mut notes[number - 1];
    note.references += 1;
    Event::InlineHtml(
        format!(
            "<sup class=\"fn-ref\"><a id=\"{}\" href=\"#fn-{number}\" aria-label=\"{} {number}\">{number}</a></sup>",
            reference_id(number, note.references),
            escape(&labels.footnote)
        )
        .into(),
    )
}

/// The id of the `nth` reference to note `number`: `fnref-1`, then `fnref-1-2`, …
fn reference_id(number: usize, nth: usize) -> String {
    if nth == 1 { format!("fnref-{number}") } else { format!("fnref-{number}-{nth}") }
}

/// One note in the list, its back-links inside its last paragraph.
fn item<'e>(number: usize, note: Note<'e>, labels: &Labels) -> Vec<Event<'e>> {
    let back: String = (1..=note.references)
        .map(|nth| {
            let id = reference_id(number, nth);
            let name = if note.references == 1 { format!("{number}") } else { format!("{number}.{nth}") };
            format!(" <a class=\"fn-back\" href=\"#{id}\" aria-label=\"{} {name}\" data-pagefind-ignore>↩</a>", escape(&labels.back))
        })
        .collect();
    let mut events = note.events;
    let at = match events.last() {
        Some(Event::End(TagEnd::Paragraph)) => events.len() - 1,
        _ => events.len(),
    };
    events.insert(at, Event::InlineHtml(back.into()));
    let mut out = vec![Event::Html(format!("<li id=\"fn-{number}\">").into())];
    out.extend(events);
    out.push(Event::Html("</li>\n".into()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::Parser;

    fn html(source: &str) -> String {
        let events = footnotes(Parser::new_ext(source, super::super::options()).collect(), &Labels::default());
        let mut out = String::new();
        pulldown_cmark::html::push_html(&mut out, events.into_iter());
        out
    }

    #[test]
    fn notes_are_numbered_by_first_reference_and_gathered_at_the_end() {
        let out = html("B[^b] og A[^a] og B igen[^b].\n\n[^a]: Om A.\n\n[^b]: Om B.\n\nSlut.\n");
        let b = r##"<sup class="fn-ref"><a id="fnref-1" href="#fn-1" aria-label="Footnote 1">1</a></sup>"##;
        assert!(out.starts_with(&format!("<p>B{b} og A")), "{out}");
        assert!(out.contains(r##"<a id="fnref-1-2" href="#fn-1""##), "{out}");
        let end = out.find("<section class=\"footnotes\"").unwrap();
        assert!(out[..end].contains("<p>Slut.</p>"), "the notes come after the text: {out}");
        let first = out.find("<li id=\"fn-1\">\n<p>Om B.").unwrap();
        assert!(first < out.find("<li id=\"fn-2\">\n<p>Om A.").unwrap(), "{out}");
        assert!(out.contains(r##"<a class="fn-back" href="#fnref-1" aria-label="Back to reference 1.1" data-pagefind-ignore>↩</a> <a class="fn-back" href="#fnref-1-2""##), "{out}");
        assert!(
            out.contains(r##"Om A. <a class="fn-back" href="#fnref-2" aria-label="Back to reference 2" data-pagefind-ignore>↩</a></p>"##),
            "{out}"
        );
    }

    #[test]
    fn a_page_without_notes_is_unchanged() {
        assert_eq!(html("Tekst.\n"), "<p>Tekst.</p>\n");
    }
}
