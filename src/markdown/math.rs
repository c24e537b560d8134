//! TeX between dollar signs as MathML, written at build time.
//!
//! `$…$` is a formula in the line, `$$…$$` one on its own; pulldown-cmark
//! finds them (`Options::ENABLE_MATH`) and `math-core` turns their TeX into
//! MathML Core, which browsers draw without a script or a web font. A formula
//! that cannot be read is an error at its place when the site is checked
//! ([`check`], through `markdown::scan`); the page still renders, with the
//! TeX as written in a `<code>`, so `serve` shows what is wrong.

use crate::html::escape;
use math_core::{LatexToMathML, MathCoreConfig, MathDisplay};
use pulldown_cmark::Event;
use std::sync::LazyLock;

/// The converter, made on the first formula.
static CONVERTER: LazyLock<LatexToMathML> = LazyLock::new(|| LatexToMathML::new(MathCoreConfig::default()).unwrap_or_default());

/// A formula that cannot be read: where in its TeX, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TexError {
    /// Byte offset in the TeX (after the opening dollar signs).
    pub offset: usize,
    /// What is wrong, in math-core's words.
    pub message: String,
}

/// The MathML of `tex`, shown in the line (`$…$`) or on its own (`$$…$$`).
pub fn to_mathml(tex: &str, block: bool) -> Result<String, TexError> {
    let display = if block { MathDisplay::Block } else { MathDisplay::Inline };
    CONVERTER
        .convert_with_local_counter(tex, display)
        .map_err(|e| TexError { offset: e.0.start.min(tex.len()), message: e.error_message() })
}

/// The problem in a math event, with its offset from the event's start
/// (past the one or two dollar signs), or `None` for any other event.
pub fn check(event: &Event<'_>) -> Option<TexError> {
    let (tex, dollars) = match event {
        Event::InlineMath(tex) => (tex, 1),
        Event::DisplayMath(tex) => (tex, 2),
        _ => return None,
    };
    to_mathml(tex, dollars == 2).err().map(|e| TexError { offset: e.offset + dollars, ..e })
}

/// Replaces every formula with its MathML (or its TeX as code, when it cannot be read).
pub fn formulas(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    if !events.iter().any(|e| matches!(e, Event::InlineMath(_) | Event::DisplayMath(_))) {
        return events;
    }
    events
        .into_iter()
        .map(|event| match event {
            Event::InlineMath(tex) => Event::InlineHtml(html(&tex, false).into()),
            Event::DisplayMath(tex) => Event::InlineHtml(html(&tex, true).into()),
            other => other,
        })
        .collect()
}

fn html(tex: &str, block: bool) -> String {
    to_mathml(tex, block).unwrap_or_else(|_| {
        let dollars = if block { "$$" } else { "$" };
        format!("<code class=\"math-error\">{dollars}{}{dollars}</code>", escape(tex))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thin_spaces_and_fractions_become_mathml() {
        let inline = to_mathml(r"a\,b", false).unwrap();
        assert!(inline.starts_with("<math>") && inline.contains("<mi>a</mi>") && inline.contains("<mi>b</mi>"), "{inline}");
        assert!(!inline.contains(','), "{inline}");
        let block = to_mathml(r"\frac{1}{2}", true).unwrap();
        assert!(block.starts_with("<math display=\"block\">") && block.contains("<mfrac>"), "{block}");
    }

    #[test]
    fn a_missing_argument_is_an_error_past_the_dollar() {
        let error = check(&Event::InlineMath(r"x^".into())).unwrap();
        assert_eq!(error.offset, 3, "after `$x^`: {error:?}");
        assert!(!error.message.is_empty());
        assert_eq!(check(&Event::Text("x".into())), None);
    }
}
