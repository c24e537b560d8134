//! Heading anchors: the plain text of each heading and an id unique on its
//! page (a Danish slug, `-1`, `-2` … for repeats, or the `{#id}` written).

use super::Heading;
use crate::slug::slugify;
use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};
use std::collections::{HashMap, HashSet};

/// Headings of an event stream, with unique anchor ids.
pub(super) fn headings<'a>(events: impl Iterator<Item = &'a Event<'a>>) -> Vec<Heading> {
    let mut out = Vec::new();
    let mut current: Option<(u8, Option<String>, String)> = None;
    let mut used = Anchors::default();
    for event in events {
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                current = Some((level_number(*level), id.as_ref().map(|s| s.to_string()), String::new()))
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, text)) = &mut current {
                    text.push_str(t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, explicit, text)) = current.take() {
                    let base = explicit.unwrap_or_else(|| slugify(&text));
                    let id = used.unique(if base.is_empty() { "afsnit".into() } else { base });
                    out.push(Heading { level, text: text.trim().to_string(), id });
                }
            }
            _ => {}
        }
    }
    out
}

/// Anchor ids handed out on one page.
#[derive(Default)]
struct Anchors {
    taken: HashSet<String>,
    /// The next suffix to try per base, so 10,000 equal headings stay linear.
    next: HashMap<String, usize>,
}

impl Anchors {
    /// `base`, or `base-1`, `base-2`, … — the first one no earlier heading has,
    /// also when a heading is literally called `x-1` (or has `{#x-1}`).
    fn unique(&mut self, base: String) -> String {
        if self.taken.insert(base.clone()) {
            return base;
        }
        let n = self.next.entry(base.clone()).or_insert(1);
        loop {
            let id = format!("{base}-{n}");
            *n += 1;
            if self.taken.insert(id.clone()) {
                return id;
            }
        }
    }
}

fn level_number(level: HeadingLevel) -> u8 {
    level as u8
}
