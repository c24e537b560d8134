//! Checking front matter against a kind's declared fields.
//!
//! Every key must be declared (a misspelt key is an error with a suggestion),
//! every required field present, every value of its declared type. Values are
//! converted to typed [`FieldValue`]s as they are checked; references are
//! recorded with their location and resolved later, once all pages are known.

use super::frontmatter::Split;
use super::{FieldValue, Reference, Text};
use crate::config::{ALIASES_KEY, CITE_KEY, Config, DRAFT_KEY, EnumValue, FieldDef, FieldType, ID_KEY, Kind, enum_list};
use crate::diagnostics::{Diagnostic, Diagnostics, Location, closest};
use crate::yaml::{self, Limits};
use serde_norway::Value;
use std::collections::{BTreeMap, HashMap};

/// Validated front matter.
#[derive(Debug, Default)]
pub struct Validated {
    /// The `id` override, if set.
    pub id: Option<String>,
    /// Typed values by field name.
    pub values: BTreeMap<String, FieldValue>,
    /// Whether `draft: true` is set.
    pub draft: bool,
    /// The `aliases` as written, with where each is written.
    pub aliases: Vec<(String, Location)>,
    /// The `cite` key, with where it is written.
    pub cite: Option<(String, Location)>,
}

/// Validates the front matter of `split` against `kind`; `None` when it cannot be read at all.
pub fn validate(path: &str, split: &Split<'_>, kind: &Kind, config: &Config, diagnostics: &mut Diagnostics) -> Option<Validated> {
    let line_starts = std::iter::once(0).chain(split.yaml.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let ctx = Ctx { path, yaml: &split.yaml, line_starts, first_line: split.yaml_line, config };
    let origin = yaml::Origin { path, first_line: split.yaml_line };
    let value = match yaml::parse(&split.yaml, Limits::FRONT_MATTER, origin) {
        Ok(value) => value,
        Err(d) => {
            diagnostics.push(d);
            return None;
        }
    };
    let map = match value {
        Value::Mapping(map) => map,
        Value::Null => Default::default(),
        _ => {
            diagnostics.push(
                Diagnostic::error(ctx.at(1, 1), "front matter must be a mapping of `field: value` lines")
                    .with_help("write one `field: value` per line between the `---` lines"),
            );
            return None;
        }
    };
    let key_lines = yaml::key_lines(&split.yaml);
    let mut out = Validated::default();
    for (key, value) in &map {
        let Some(key) = key.as_str() else {
            diagnostics
                .push(Diagnostic::error(ctx.at(1, 1), "a front-matter key is not text").with_help("keys are field names such as `title`"));
            continue;
        };
        let (line, col) = key_lines.get(key).map_or((1, 1), |&line| (line, 1));
        if key == ID_KEY {
            out.id = ctx.id(value, line, diagnostics);
            continue;
        }
        if key == CITE_KEY {
            out.cite = ctx.cite(value, line, diagnostics);
            continue;
        }
        if key == DRAFT_KEY || key == ALIASES_KEY {
            ctx.built_in(key, value, line, &mut out, diagnostics);
            continue;
        }
        let Some(def) = kind.field(key) else {
            diagnostics.push(unknown_field(&ctx, key, kind, line, col));
            continue;
        };
        if value.is_null() {
            continue;
        }
        if let Some(v) = ctx.convert(&def.ty, value, &def.name, line, diagnostics) {
            out.values.insert(def.name.clone(), v);
        }
    }
    check_required(&ctx, kind, &map, &key_lines, diagnostics);
    Some(out)
}

/// Required fields that are missing, or blank.
fn check_required(
    ctx: &Ctx<'_>,
    kind: &Kind,
    map: &serde_norway::Mapping,
    key_lines: &HashMap<&str, usize>,
    diagnostics: &mut Diagnostics,
) {
    for def in kind.fields.iter().filter(|d| d.required && map.get(d.name.as_str()).is_none_or(Value::is_null)) {
        let (line, col) = key_lines.get(def.name.as_str()).map_or((0, 1), |&line| (line, 1));
        let location = if line == 0 { Location::new(ctx.path, 1, 1) } else { ctx.at(line, col) };
        diagnostics.push(
            Diagnostic::error(location, format!("missing required field `{}` for a {}", def.name, kind.label.to_lowercase()))
                .with_help(format!("add `{}: …` ({}) to the front matter", def.name, def.ty.describe())),
        );
    }
    for def in kind.fields.iter().filter(|d| d.required && map.get(d.name.as_str()).is_some_and(blank)) {
        let line = key_lines.get(def.name.as_str()).copied().unwrap_or(1);
        diagnostics.push(
            Diagnostic::error(ctx.at(line, ctx.value_col(line)), format!("required field `{}` is empty", def.name)).with_help(format!(
                "write {} here: a {} needs one",
                def.ty.describe(),
                kind.label.to_lowercase()
            )),
        );
    }
}

/// A text of nothing but white space, which a required field may not be.
fn blank(value: &Value) -> bool {
    value.as_str().is_some_and(|s| s.trim().is_empty())
}

fn unknown_field(ctx: &Ctx<'_>, key: &str, kind: &Kind, line: usize, col: usize) -> Diagnostic {
    let names: Vec<&str> = kind.fields.iter().map(|f| f.name.as_str()).collect();
    let help = match closest(key, &names) {
        Some(best) => format!("did you mean `{best}`? The fields of a {} are: {}", kind.name, names.join(", ")),
        None => format!("the fields of a {} are: {}", kind.name, names.join(", ")),
    };
    Diagnostic::error(ctx.at(line, col), format!("unknown field `{key}` for a {}", kind.label.to_lowercase())).with_help(help)
}

struct Ctx<'a> {
    path: &'a str,
    yaml: &'a str,
    /// Byte offset of each YAML line, so finding a line does not rescan the text.
    line_starts: Vec<usize>,
    first_line: usize,
    config: &'a Config,
}

impl Ctx<'_> {
    /// File location of `line:col` of the YAML text.
    fn at(&self, line: usize, col: usize) -> Location {
        Location::new(self.path, line + self.first_line - 1, col)
    }

    /// Location of `needle` at or after YAML line `line`, or of the line itself.
    fn find(&self, line: usize, needle: &str) -> Location {
        // YAML may have read something else than what is written (`0x1F` is
        // 31, `.NaN` is NaN): then point at the value on the key's line.
        let (l, c) = self.locate_after(line, needle).unwrap_or_else(|| (line, self.value_col(line)));
        self.at(l, c)
    }

    /// The text of 1-based YAML `line`.
    fn line_text(&self, line: usize) -> &str {
        let start = self.line_starts.get(line.saturating_sub(1)).copied().unwrap_or(self.yaml.len());
        self.yaml[start..].lines().next().unwrap_or_default()
    }

    /// [`yaml::locate_after`], starting at the line instead of the top of the text.
    fn locate_after(&self, from_line: usize, needle: &str) -> Option<(usize, usize)> {
        let from_line = from_line.max(1);
        let start = *self.line_starts.get(from_line - 1)?;
        yaml::locate_after(&self.yaml[start..], 1, needle).map(|(l, c)| (l + from_line - 1, c))
    }

    /// The column where the value of 1-based YAML `line` starts: after `key: ` or `- `, else 1.
    fn value_col(&self, line: usize) -> usize {
        let text = self.line_text(line);
        let after = text.find(": ").map(|i| i + 2).or_else(|| text.find("- ").filter(|&i| text[..i].trim().is_empty()).map(|i| i + 2));
        after.map_or(1, |start| {
            let value = text[start..].trim_start();
            text[..text.len() - value.len()].chars().count() + 1
        })
    }

    /// Whether the value at 1-based YAML `line`, character column `col` is in quotes.
    fn quoted(&self, line: usize, col: usize) -> bool {
        let text = self.line_text(line);
        col >= 2 && text.chars().nth(col - 2).is_some_and(|c| c == '"' || c == '\'')
    }

    /// The token written at 1-based YAML `line`, character column `col`.
    fn raw_token(&self, line: usize, col: usize) -> String {
        let text = self.line_text(line);
        text.chars().skip(col.saturating_sub(1)).take_while(|c| !c.is_whitespace() && !matches!(c, ',' | ']' | '}' | '#')).collect()
    }

    fn id(&self, value: &Value, line: usize, diagnostics: &mut Diagnostics) -> Option<String> {
        match value.as_str() {
            Some(id) if crate::slug::is_slug(id) => Some(id.to_string()),
            other => {
                let shown = other.unwrap_or("(not text)");
                diagnostics.push(
                    Diagnostic::error(self.at(line, 1), format!("`id: {shown}` is not a slug"))
                        .with_help("an id is lowercase letters, digits and dashes, e.g. `skat-i-balance`"),
                );
                None
            }
        }
    }

    /// The `cite: key` of a page about a bibliography entry, with its place;
    /// whether the key exists is checked with the bibliography.
    fn cite(&self, value: &Value, line: usize, diagnostics: &mut Diagnostics) -> Option<(String, Location)> {
        let FieldValue::Str(key) = self.convert(&FieldType::String, value, CITE_KEY, line, diagnostics)? else { return None };
        let location = self.find(line, &key);
        Some((key, location))
    }

    /// Reads the built-in field `key` (`draft` or `aliases`) into `out`.
    fn built_in(&self, key: &str, value: &Value, line: usize, out: &mut Validated, diagnostics: &mut Diagnostics) {
        if key == DRAFT_KEY {
            out.draft = matches!(self.convert(&FieldType::Bool, value, key, line, diagnostics), Some(FieldValue::Bool(true)));
            return;
        }
        let ty = FieldType::List { of: Box::new(FieldType::String), min: 0, max: None };
        let Some(FieldValue::List(items)) = self.convert(&ty, value, key, line, diagnostics) else { return };
        let mut cursor = line;
        for item in items {
            let written = item.plain();
            let location = self.find(cursor, &written);
            cursor = location.line + 1 - self.first_line;
            out.aliases.push((written, location));
        }
    }

    fn convert(&self, ty: &FieldType, value: &Value, field: &str, line: usize, diagnostics: &mut Diagnostics) -> Option<FieldValue> {
        let value = match value {
            Value::Tagged(tagged) => &tagged.value,
            v => v,
        };
        let result = match ty {
            FieldType::List { of, min, max } => return self.list(of, *min, *max, value, field, line, diagnostics),
            FieldType::Object(fields) => return self.object(fields, value, field, line, diagnostics),
            FieldType::Text => self.text(value, line),
            _ => self.scalar(ty, value, line),
        };
        match result {
            Ok(v) => Some(v),
            Err((message, mut help)) => {
                let location = self.find(line, &scalar_text(value));
                let (yaml_line, col) = (location.line + 1 - self.first_line, location.col);
                // Quote what the editor wrote (`5.10`, `True`), not what YAML read (`5.1`, `true`).
                let raw = self.raw_token(yaml_line, col);
                match (ty, value) {
                    (FieldType::String | FieldType::Text, Value::Number(_)) => help = format!("put the value in quotes: \"{raw}\""),
                    (FieldType::String | FieldType::Text, Value::Bool(_)) => {
                        help = format!("YAML reads `{raw}` as true/false: put the value in quotes: \"{raw}\"")
                    }
                    (FieldType::Integer | FieldType::Number, Value::String(s)) if !self.quoted(yaml_line, col) => {
                        help = unquoted_number_help(s)
                    }
                    _ => {}
                }
                diagnostics.push(Diagnostic::error(location, format!("field `{field}`: {message}")).with_help(help));
                None
            }
        }
    }

    fn text(&self, value: &Value, line: usize) -> Result<FieldValue, (String, String)> {
        let source = value.as_str().ok_or_else(|| mismatch(&FieldType::Text, value))?;
        let key_line = self.line_text(line);
        let block = key_line.trim_end().ends_with(['|', '>']) || key_line.trim_end().ends_with("|-");
        let file_line = line + self.first_line - 1 + usize::from(block);
        Ok(FieldValue::Text(Text { source: source.to_string(), line: file_line }))
    }

    fn scalar(&self, ty: &FieldType, value: &Value, line: usize) -> Result<FieldValue, (String, String)> {
        match (ty, value) {
            (FieldType::String, Value::String(s)) => Ok(FieldValue::Str(s.clone())),
            (FieldType::Number, Value::Number(n)) => number(n.as_f64().unwrap_or(f64::NAN)).map(FieldValue::Number),
            (FieldType::Integer, Value::Number(n)) if n.is_i64() => integer(n.as_i64().unwrap_or_default()).map(FieldValue::Integer),
            (FieldType::Integer, Value::Number(n)) if n.is_u64() => Err(too_big(&n.to_string())),
            (FieldType::Bool, Value::Bool(b)) => Ok(FieldValue::Bool(*b)),
            (FieldType::Date, Value::String(s)) => date(s).map(|()| FieldValue::Date(s.clone())),
            (FieldType::Url, Value::String(s)) => url(s).map(|()| FieldValue::Url(s.clone())),
            (FieldType::Color, Value::String(s)) => color(s).map(|()| FieldValue::Color(s.clone())),
            (FieldType::SourceFile, Value::String(s)) => self.source_file(s),
            (FieldType::Enum(values), Value::String(s)) => enum_value(values, s).map(|()| FieldValue::Enum(s.clone())),
            (FieldType::Ref { kind, or_name, .. }, Value::String(s)) => Ok(reference(s, kind, *or_name, self.find(line, s))),
            _ => Err(mismatch(ty, value)),
        }
    }

    fn source_file(&self, s: &str) -> Result<FieldValue, (String, String)> {
        if self.config.sources.contains_key(s) {
            return Ok(FieldValue::SourceFile(s.to_string()));
        }
        let known: Vec<&str> = self.config.sources.keys().map(String::as_str).collect();
        Err((format!("`{s}` is not a source listed in site.yaml"), format!("use one of: {}", known.join(", "))))
    }

    #[allow(clippy::too_many_arguments, reason = "the list's bounds travel with its element type")]
    fn list(
        &self,
        of: &FieldType,
        min: usize,
        max: Option<usize>,
        value: &Value,
        field: &str,
        line: usize,
        diagnostics: &mut Diagnostics,
    ) -> Option<FieldValue> {
        let items: Vec<Value> = match value {
            Value::Sequence(items) => items.clone(),
            // A single value where a list is expected is taken as a list of one.
            single => vec![single.clone()],
        };
        if items.len() < min || max.is_some_and(|m| items.len() > m) {
            let want = match max {
                Some(m) => format!("{min} to {m}"),
                None => format!("at least {min}"),
            };
            diagnostics.push(
                Diagnostic::error(self.at(line, 1), format!("field `{field}` has {} values, needs {want}", items.len()))
                    .with_help(format!("give a list of {}", of.describe())),
            );
            return None;
        }
        // Each item is looked for from the line of the one before, so a list
        // of 20,000 items is located in one pass over the text.
        let mut cursor = line;
        let mut converted = Vec::with_capacity(items.len());
        for item in &items {
            if !matches!(item, Value::Sequence(_) | Value::Mapping(_) | Value::Tagged(_)) {
                cursor = self.locate_after(cursor, &scalar_text(item)).map_or(cursor, |(l, _)| l);
            }
            converted.extend(self.convert(of, item, field, cursor, diagnostics));
        }
        (converted.len() == items.len()).then_some(FieldValue::List(converted))
    }

    fn object(&self, fields: &[FieldDef], value: &Value, field: &str, line: usize, diagnostics: &mut Diagnostics) -> Option<FieldValue> {
        let Value::Mapping(map) = value else {
            let (message, help) = mismatch(&FieldType::Object(fields.to_vec()), value);
            diagnostics.push(Diagnostic::error(self.at(line, 1), format!("field `{field}`: {message}")).with_help(help));
            return None;
        };
        let mut out = BTreeMap::new();
        let mut ok = true;
        for (key, v) in map {
            let key = key.as_str().unwrap_or_default();
            let Some(def) = fields.iter().find(|d| d.name == key) else {
                let names: Vec<&str> = fields.iter().map(|d| d.name.as_str()).collect();
                let hint = closest(key, &names).map_or(String::new(), |b| format!("did you mean `{b}`? "));
                diagnostics.push(
                    Diagnostic::error(self.find(line, &format!("{key}:")), format!("field `{field}` has unknown key `{key}`"))
                        .with_help(format!("{hint}allowed keys: {}", names.join(", "))),
                );
                ok = false;
                continue;
            };
            let inner_line = self.locate_after(line, &format!("{key}:")).map_or(line, |(l, _)| l);
            match self.convert(&def.ty, v, &format!("{field}.{key}"), inner_line, diagnostics) {
                Some(v) => {
                    out.insert(key.to_string(), v);
                }
                None => ok = false,
            }
        }
        for def in fields.iter().filter(|d| d.required && map.get(d.name.as_str()).is_some_and(blank)) {
            diagnostics.push(
                Diagnostic::error(self.at(line, 1), format!("field `{field}`: required `{}` is empty", def.name))
                    .with_help(format!("write {}", def.ty.describe())),
            );
            ok = false;
        }
        for def in fields.iter().filter(|d| d.required && !out.contains_key(&d.name)) {
            if map.get(def.name.as_str()).is_none() {
                diagnostics.push(
                    Diagnostic::error(self.at(line, 1), format!("field `{field}` is missing `{}`", def.name)).with_help(format!(
                        "add `{}: …` ({})",
                        def.name,
                        def.ty.describe()
                    )),
                );
                ok = false;
            }
        }
        ok.then_some(FieldValue::Object(out))
    }
}

fn reference(s: &str, kind: &Option<String>, or_name: bool, location: Location) -> FieldValue {
    if or_name && !crate::slug::is_slug(s) {
        return FieldValue::Name(s.to_string());
    }
    FieldValue::Ref(Reference { id: s.to_string(), kind: kind.clone(), location })
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.lines().next().unwrap_or_default().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

fn found(value: &Value) -> String {
    match value {
        Value::Null => "nothing".into(),
        Value::Bool(b) => format!("`{b}` (true/false)"),
        Value::Number(n) => format!("the number `{n}`"),
        Value::String(s) => format!("the text `{s}`"),
        Value::Sequence(_) => "a list".into(),
        Value::Mapping(_) => "a mapping".into(),
        Value::Tagged(_) => "a tagged value".into(),
    }
}

fn mismatch(ty: &FieldType, value: &Value) -> (String, String) {
    let message = format!("expected {}, found {}", ty.describe(), found(value));
    let help = match (ty, value) {
        (FieldType::String | FieldType::Text, Value::Number(n)) => format!("put the value in quotes: \"{n}\""),
        (FieldType::String | FieldType::Text, Value::Bool(_)) => {
            "YAML reads true and false as a yes/no value: put the value in quotes".into()
        }
        (FieldType::Integer, Value::Number(_)) => "write a whole number without decimals or exponent, e.g. 2016".into(),
        (FieldType::Integer | FieldType::Number, Value::String(_)) => "write the number with digits and without quotes, e.g. 2016".into(),
        (FieldType::Object(_), _) => format!("write {}", ty.describe()),
        _ => format!("write {}", ty.describe()),
    };
    (message, help)
}

/// Help for an unquoted value YAML read as text where a number belongs (`012`, `1_000`, `yes`).
fn unquoted_number_help(s: &str) -> String {
    let digits = s.trim_start_matches(['+', '-']);
    if digits.len() > 1 && digits.starts_with('0') && digits.chars().all(|c| c.is_ascii_digit()) {
        let sign = &s[..s.len() - digits.len()];
        let trimmed = digits.trim_start_matches('0');
        format!("write the number without leading zeros: {sign}{}", if trimmed.is_empty() { "0" } else { trimmed })
    } else {
        "write the number with digits only, e.g. 2016".into()
    }
}

/// The largest number a field may hold: every whole number up to it is
/// exact in a float, so charts and listings show what was written.
const MAX_NUMBER: f64 = 1e15;

fn number(n: f64) -> Result<f64, (String, String)> {
    if n.is_nan() || n.is_infinite() {
        let help = "write a number with digits, e.g. 12.5; `.inf` and `.nan` are YAML's words for infinity and not-a-number";
        return Err((format!("`{n}` is not a number a reader can be shown"), help.into()));
    }
    if n.abs() > MAX_NUMBER {
        return Err(too_big(&format!("{n:e}")));
    }
    Ok(n)
}

fn integer(n: i64) -> Result<i64, (String, String)> {
    if n.unsigned_abs() > MAX_NUMBER as u64 { Err(too_big(&n.to_string())) } else { Ok(n) }
}

fn too_big(n: &str) -> (String, String) {
    (
        format!("`{n}` is too large: numbers may be at most 1000000000000000 (10^15) either side of zero"),
        "write it in a bigger unit (thousands, millions) and say so in the field's label or the text".into(),
    )
}

fn date(s: &str) -> Result<(), (String, String)> {
    let parts: Vec<&str> = s.split('-').collect();
    let digits = parts.len() == 3 && parts[0].len() == 4 && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    let number = |i: usize| parts.get(i).and_then(|p| p.parse::<u32>().ok()).unwrap_or(0);
    let (year, month, day) = (number(0), number(1), number(2));
    if !digits || !(1..=12).contains(&month) {
        return Err((format!("`{s}` is not a date"), "write the date as YYYY-MM-DD, e.g. 2016-05-01".into()));
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if !(1..=days).contains(&day) {
        return Err((format!("`{s}` is not a date: month {month} of {year} has {days} days"), "check the day and the month".into()));
    }
    Ok(())
}

fn url(s: &str) -> Result<(), (String, String)> {
    let ok = (s.starts_with("https://") || s.starts_with("http://")) && !s.contains(char::is_whitespace) && s.len() > 8;
    if ok { Ok(()) } else { Err((format!("`{s}` is not an http(s) URL"), "write a full address starting with https://".into())) }
}

fn color(s: &str) -> Result<(), (String, String)> {
    let hex = s.strip_prefix('#').unwrap_or("");
    let ok = matches!(hex.len(), 3 | 6) && hex.chars().all(|c| c.is_ascii_hexdigit());
    if ok { Ok(()) } else { Err((format!("`{s}` is not a colour"), "write a colour as #rrggbb, e.g. \"#1b6e5a\" (in quotes)".into())) }
}

fn enum_value(values: &[EnumValue], s: &str) -> Result<(), (String, String)> {
    if values.iter().any(|v| v.value == s) {
        return Ok(());
    }
    let names: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
    let hint = closest(s, &names).map_or(String::new(), |b| format!("did you mean `{b}`? "));
    Err((format!("`{s}` is not an allowed value"), format!("{hint}allowed: {}", enum_list(values))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors_of(yaml: &str) -> Vec<Diagnostic> {
        let schema =
            "title: T\nkinds:\n  page:\n    folder: \"\"\n    fields:\n      title: { type: string }\n      year: { type: integer }\n";
        let config = crate::config::parse(schema).expect("schema");
        let split = Split { yaml: yaml.into(), yaml_line: 2, body: "".into(), body_line: 4 };
        let mut diagnostics = Diagnostics::new();
        validate("x.md", &split, &config.kinds[0], &config, &mut diagnostics);
        diagnostics.sorted()
    }

    #[test]
    fn a_value_yaml_reads_differently_is_quoted_as_written() {
        for (written, col) in [("0x1F", 8), (".NaN", 8), ("True", 8), ("1e3", 8)] {
            let errors = errors_of(&format!("title: {written}\n"));
            assert_eq!((errors[0].location.line, errors[0].location.col), (2, col), "{written}");
            let help = errors[0].help.as_deref().unwrap_or_default();
            assert!(help.ends_with(&format!("put the value in quotes: \"{written}\"")), "{written}: {help}");
        }
    }

    #[test]
    fn an_unquoted_non_number_is_not_told_to_drop_quotes() {
        let help = |yaml: &str| errors_of(yaml)[0].help.clone().unwrap_or_default();
        assert_eq!(help("year: 012\n"), "write the number without leading zeros: 12");
        assert_eq!(help("year: yes\n"), "write the number with digits only, e.g. 2016");
        assert_eq!(help("year: \"2016\"\n"), "write the number with digits and without quotes, e.g. 2016");
    }

    #[test]
    fn numbers_readers_cannot_be_shown_are_refused() {
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e300, -2e15] {
            assert!(number(bad).is_err(), "{bad}");
        }
        assert!(number(1e15).is_ok() && number(-0.5).is_ok());
        assert!(integer(1_000_000_000_000_001).is_err() && integer(2016).is_ok());
    }

    #[test]
    fn dates_urls_and_colours() {
        assert!(date("2016-05-01").is_ok());
        assert!(date("2016-13-01").is_err());
        assert!(date("2024-02-29").is_ok() && date("2000-02-29").is_ok());
        for bad in ["2026-02-30", "2025-02-29", "1900-02-29", "2026-04-31", "2026-01-00"] {
            assert!(date(bad).is_err(), "{bad}");
        }
        assert!(url("https://coi.dk").is_ok());
        assert!(url("javascript:alert(1)").is_err());
        assert!(color("#1b6e5a").is_ok());
        assert!(color("red").is_err());
    }
}
