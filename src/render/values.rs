//! Field values as templates see them: typed [`ValueView`]s, enum labels,
//! the values of facets, and a figure's data drawn as a chart.

use super::charts::{self, Datum};
use super::views::{ChartView, ValueView};
use crate::config::{EnumValue, FieldType, Kind, Role};
use crate::content::{FieldValue, Page};
use crate::html::escape;
use crate::slug::slugify;

/// The allowed values of an enum field, or of a list of enums.
pub fn enum_values(ty: &FieldType) -> Vec<EnumValue> {
    match ty {
        FieldType::Enum(values) => values.clone(),
        FieldType::List { of, .. } => enum_values(of),
        _ => Vec::new(),
    }
}

/// The values of a facet field `name` of type `ty` on `pages`, as listing
/// pages are made for them: an enum's declared values, or the distinct
/// strings the pages have (told apart by slug, labelled as first written).
pub fn facet_values<'p>(ty: &FieldType, name: &str, pages: impl Iterator<Item = &'p Page>) -> Vec<EnumValue> {
    let declared = enum_values(ty);
    if !declared.is_empty() {
        return declared;
    }
    let mut found: Vec<EnumValue> = Vec::new();
    for page in pages {
        for text in facet_strings(page.fields.get(name)) {
            let value = slugify(text);
            if !value.is_empty() && !found.iter().any(|v| v.value == value) {
                found.push(EnumValue { value, label: text.to_string() });
            }
        }
    }
    found.sort_by_cached_key(|v| super::order::natural_key(&v.label));
    found
}

/// The free strings of a facet value: a string, or a list of them.
fn facet_strings(value: Option<&FieldValue>) -> Vec<&str> {
    match value {
        Some(FieldValue::Str(s)) => vec![s.as_str()],
        Some(FieldValue::List(items)) => {
            items.iter().filter_map(|i| if let FieldValue::Str(s) = i { Some(s.as_str()) } else { None }).collect()
        }
        _ => Vec::new(),
    }
}

/// The labels of the facet values in `value`: enum labels, or the strings as written.
pub fn enum_labels(ty: &FieldType, value: Option<&FieldValue>) -> Vec<String> {
    let values = enum_values(ty);
    let label = |v: &str| values.iter().find(|e| e.value == v).map_or_else(|| v.to_string(), |e| e.label.clone());
    let mut labels: Vec<String> = match value {
        Some(FieldValue::Enum(v)) => vec![label(v)],
        Some(FieldValue::List(items)) => {
            items.iter().filter_map(|i| if let FieldValue::Enum(v) = i { Some(label(v)) } else { None }).collect()
        }
        _ => Vec::new(),
    };
    labels.extend(facet_strings(value).into_iter().map(str::to_string));
    labels
}

/// Whether `value` is, or contains, the facet value `wanted`: an enum
/// value, or a string whose slug it is.
pub fn has_enum(value: Option<&FieldValue>, wanted: &str) -> bool {
    match value {
        Some(FieldValue::Enum(v)) => v == wanted,
        Some(FieldValue::List(items)) => {
            items.iter().any(|i| matches!(i, FieldValue::Enum(v) if v == wanted))
                || facet_strings(value).into_iter().any(|s| slugify(s) == wanted)
        }
        Some(FieldValue::Str(s)) => slugify(s) == wanted,
        _ => false,
    }
}

/// A field value as text for the search index: HTML kept, links reduced to their titles.
pub fn plain_html(value: &ValueView) -> String {
    match value {
        ValueView::Text { text } => format!("<p>{}</p>", escape(text)),
        ValueView::Html { html } => html.clone(),
        ValueView::Link { link, .. } => format!("<p>{}</p>", escape(&link.title)),
        ValueView::Enum { label, .. } => format!("<p>{}</p>", escape(label)),
        ValueView::Url { .. } => String::new(),
        ValueView::List { items } => items.iter().map(plain_html).collect(),
        ValueView::Object { fields } => fields.values().map(plain_html).collect(),
    }
}

/// The chart of a page whose kind gives a field the [`Role::Chart`], when
/// the page has data, its numbers written with `numbers`.
pub fn chart(page: &Page, kind: &Kind, numbers: charts::Numbers) -> Option<ChartView> {
    let Some(FieldValue::List(items)) = page.value(kind, Role::Chart) else { return None };
    let data: Vec<Datum> = items.iter().filter_map(datum).collect();
    let series: Vec<String> = match page.value(kind, Role::ChartSeries) {
        Some(FieldValue::List(s)) => s.iter().map(FieldValue::plain).collect(),
        _ => Vec::new(),
    };
    let unit = page.value(kind, Role::ChartUnit).map(FieldValue::plain).unwrap_or_default();
    let svg = charts::bar_chart(&page.title, &unit, &series, &data, numbers);
    let mut header = vec![String::new()];
    header.extend(if series.is_empty() { vec![unit.clone()] } else { series.clone() });
    let rows = data.iter().map(|d| std::iter::once(d.label.clone()).chain(d.values.iter().map(|v| numbers.format(*v))).collect()).collect();
    Some(ChartView { svg, rows, header })
}

/// One item of chart data: an object with `label` and `value` or `values`.
fn datum(item: &FieldValue) -> Option<Datum> {
    let FieldValue::Object(map) = item else { return None };
    let label = map.get("label")?.plain();
    let values = match (map.get("value"), map.get("values")) {
        (Some(FieldValue::Number(n)), _) => vec![*n],
        (_, Some(FieldValue::List(vs))) => vs.iter().filter_map(|v| if let FieldValue::Number(n) = v { Some(*n) } else { None }).collect(),
        _ => Vec::new(),
    };
    Some(Datum { label, values })
}
