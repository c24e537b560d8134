//! Charts drawn at build time as inline SVG: bar charts for figures (the
//! map of hub pages is in [`super::hub_map`]).
//!
//! No chart library runs in the browser. Every bar carries its number as
//! text and grouped bars carry their series name, so a chart reads without
//! colour; the caller also renders the data as a table for screen readers.

use crate::html::escape;
use std::fmt::Write;

/// One bar group: a label and one value per series.
#[derive(Debug, Clone, PartialEq)]
pub struct Datum {
    /// Category label.
    pub label: String,
    /// One value per series (a single value for simple charts).
    pub values: Vec<f64>,
}

/// How numbers are written: the mark between groups of thousands and the
/// decimal mark, from the UI strings `number_thousands` and `number_decimal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Numbers {
    /// Between groups of three digits (`.` in Danish, `,` in English).
    pub thousands: char,
    /// Before the decimals (`,` in Danish, `.` in English).
    pub decimal: char,
}

impl Numbers {
    /// `1,234.5`, for a language whose UI strings name no marks.
    pub const ENGLISH: Numbers = Numbers { thousands: ',', decimal: '.' };

    /// The marks given as UI strings (their first characters), English for one missing.
    pub fn from_marks(thousands: Option<&str>, decimal: Option<&str>) -> Numbers {
        let mark = |text: Option<&str>, default: char| text.and_then(|t| t.chars().next()).unwrap_or(default);
        Numbers { thousands: mark(thousands, Numbers::ENGLISH.thousands), decimal: mark(decimal, Numbers::ENGLISH.decimal) }
    }

    /// `value` rounded to one decimal, with these marks: `1.234,5` in Danish.
    pub fn format(self, value: f64) -> String {
        let rounded = (value * 10.0).round() / 10.0;
        let negative = rounded < 0.0;
        let abs = rounded.abs();
        let whole = abs.trunc() as u64;
        let tenth = ((abs - abs.trunc()) * 10.0).round() as u64;
        let digits = whole.to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(self.thousands);
            }
            grouped.push(c);
        }
        let sign = if negative { "-" } else { "" };
        if tenth == 0 { format!("{sign}{grouped}") } else { format!("{sign}{grouped}{}{tenth}", self.decimal) }
    }
}

const WIDTH: f64 = 640.0;
const LABEL_H: f64 = 18.0;
const BAR_H: f64 = 20.0;
const GAP: f64 = 12.0;
/// Fills for series, told apart also by the series name written on each bar.
const FILLS: [&str; 4] = ["var(--chart-1, #1b5e7a)", "var(--chart-2, #b5542a)", "var(--chart-3, #4b6b2a)", "var(--chart-4, #6a4c93)"];

/// A horizontal bar chart. `series` names the values of grouped data (empty for simple data).
pub fn bar_chart(title: &str, unit: &str, series: &[String], data: &[Datum], numbers: Numbers) -> String {
    let max = data.iter().flat_map(|d| d.values.iter().copied()).fold(0.0_f64, f64::max).max(f64::EPSILON);
    let bars_per_group = data.iter().map(|d| d.values.len()).max().unwrap_or(1).max(1);
    let group_h = LABEL_H + bars_per_group as f64 * (BAR_H + 4.0) + GAP;
    let height = data.len() as f64 * group_h + 8.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        escape(title)
    );
    for (g, datum) in data.iter().enumerate() {
        let y0 = g as f64 * group_h + 4.0;
        let _ = write!(svg, r#"<text class="chart-label" x="0" y="{:.1}">{}</text>"#, y0 + 13.0, escape(&datum.label));
        for (s, value) in datum.values.iter().enumerate() {
            let y = y0 + LABEL_H + s as f64 * (BAR_H + 4.0);
            let w = (value / max * (WIDTH - 170.0)).max(1.0);
            let fill = FILLS[s % FILLS.len()];
            let name = series.get(s).map(|n| format!("{}: ", escape(n))).unwrap_or_default();
            let _ = write!(svg, r#"<rect x="0" y="{y:.1}" width="{w:.1}" height="{BAR_H}" rx="2" style="fill:{fill}"/>"#);
            let _ = write!(
                svg,
                r#"<text class="chart-value" x="{:.1}" y="{:.1}">{name}{}{}</text>"#,
                w + 6.0,
                y + 15.0,
                numbers.format(*value),
                escape(unit_suffix(unit).as_str())
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

fn unit_suffix(unit: &str) -> String {
    match unit {
        "" => String::new(),
        "%" => " %".into(),
        u => format!(" {u}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DANISH: Numbers = Numbers { thousands: '.', decimal: ',' };

    #[test]
    fn numbers_are_written_with_the_language_marks() {
        assert_eq!(DANISH.format(1234.5), "1.234,5");
        assert_eq!(DANISH.format(41.0), "41");
        assert_eq!(DANISH.format(2362.0), "2.362");
        assert_eq!(Numbers::ENGLISH.format(1234.5), "1,234.5");
        assert_eq!(Numbers::from_marks(Some("."), Some(",")), DANISH);
        assert_eq!(Numbers::from_marks(None, Some("")), Numbers::ENGLISH);
    }

    #[test]
    fn bars_carry_their_numbers_and_escaped_labels() {
        let data = [Datum { label: "<b>Borgere</b>".into(), values: vec![41.0] }];
        let svg = bar_chart("Figur", "%", &[], &data, DANISH);
        assert!(svg.contains("41 %"));
        assert!(svg.contains("&lt;b&gt;Borgere"));
        assert!(!svg.contains("<b>"));
    }

    #[test]
    fn grouped_bars_name_their_series() {
        let data = [Datum { label: "Kommune".into(), values: vec![10.0, 20.0] }];
        let svg = bar_chart("F", "%", &["Danmark".into(), "Norge".into()], &data, DANISH);
        assert!(svg.contains("Danmark: 10 %") && svg.contains("Norge: 20 %"));
    }
}
