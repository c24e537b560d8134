//! Editorial rules of the bundled course (issue 19): reader text does not
//! speak of how the sources were extracted, paraphrases are not shown as
//! quotes, people appear without private matters, the actor colours can be
//! told apart (also by colour-blind readers), and the prose is written in our
//! own words rather than copied from the source material.

use crate::support::REPO;
use serde_norway::Value;
use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Words about the making of the site, not about its subject: readers need
/// to hear what the handbook shows, not what a text extraction lost.
const PRODUCTION_WORDS: [&str; 9] =
    ["kildeudtræk", "ocr", "kilde 000", "kilde 002", "udtrækket", "tekstudtræk", "ikke bevaret i", ".txt", "seed"];

/// Wordings the review asked to replace, and the spelling the course settled on (`idéer`, `fx`).
const RETIRED_WORDINGS: [&str; 7] = [
    "kun eneste partner",
    "kun den eneste partner",
    "det meste private bidrag",
    "single-type",
    "uoverstigelige at indfri",
    "f.eks.",
    "»erfaringen siger« ovenfor",
];

/// Private matters: where someone lives, and events of their private life.
const PRIVATE_MATTERS: [&str; 9] = [
    "s gård",
    "sin gård",
    "bopæl",
    "privatadresse",
    "hjemmeadresse",
    "mistede sit job",
    "mistede sit arbejde",
    "selv mistede",
    "blev ledig",
];

/// Shared runs of this many words count as copied.
const RUN_WORDS: usize = 12;
/// At most this many runs may be shared with the sources: names and titles
/// of roles or figures carry over, and a few of them are long.
const MAX_SHARED_RUNS: usize = 6;

/// Front-matter fields that hold prose (the rest is data: names, labels, figures, sources).
const PROSE_FIELDS: [&str; 8] = ["summary", "before", "now", "note", "insights", "advice", "questions", "text"];

struct Page {
    rel: String,
    front_matter: Value,
    body: String,
}

fn pages() -> Vec<Page> {
    let content = Path::new(REPO).join("content");
    crate::support::files_under(&content)
        .into_iter()
        .filter(|(rel, _)| rel.ends_with(".md"))
        .map(|(rel, path)| {
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
            let rest = text.strip_prefix("---\n").unwrap_or_else(|| panic!("{rel}: no front matter"));
            let (fm, body) = rest.split_once("\n---\n").unwrap_or_else(|| panic!("{rel}: front matter not closed"));
            let front_matter = serde_norway::from_str(fm).unwrap_or_else(|e| panic!("{rel}: {e}"));
            Page { rel: format!("content/{rel}"), front_matter, body: body.to_string() }
        })
        .collect()
}

/// Every string of `value` with the name of the field it sits under, leaving out the `source` field.
fn strings<'a>(value: &'a Value, field: &'a str, out: &mut Vec<(&'a str, &'a str)>) {
    match value {
        Value::String(s) => out.push((field, s)),
        Value::Sequence(items) => items.iter().for_each(|v| strings(v, field, out)),
        Value::Mapping(map) => {
            for (k, v) in map {
                let key = k.as_str().unwrap_or("");
                if key != "source" {
                    strings(v, if key.is_empty() { field } else { key }, out);
                }
            }
        }
        _ => {}
    }
}

/// What readers read of a page: its body and every front-matter string but the source line.
fn reader_text(page: &Page) -> String {
    let mut out = Vec::new();
    strings(&page.front_matter, "", &mut out);
    let mut text: String = out.into_iter().map(|(_, s)| s).collect::<Vec<_>>().join("\n");
    text.push('\n');
    text.push_str(&page.body);
    text.to_lowercase()
}

fn hits(pages: &[Page], phrases: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for page in pages {
        let text = reader_text(page);
        for phrase in phrases {
            let hit =
                if phrase.chars().all(char::is_alphanumeric) { words(&text).any(|w| w.starts_with(phrase)) } else { text.contains(phrase) };
            if hit {
                found.push(format!("{}: »{phrase}«", page.rel));
            }
        }
    }
    found
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty())
}

#[test]
fn reader_text_does_not_speak_of_how_the_sources_were_extracted() {
    let found = hits(&pages(), &PRODUCTION_WORDS);
    assert!(found.is_empty(), "say what readers need, and put provenance in the source line:\n{}", found.join("\n"));
}

#[test]
fn retired_wordings_stay_retired() {
    let mut found = hits(&pages(), &RETIRED_WORDINGS);
    for page in pages() {
        let text = reader_text(&page);
        if words(&text).any(|w| w == "ideer" || w == "ideerne") {
            found.push(format!("{}: »ideer« (the course writes »idéer«)", page.rel));
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn people_appear_without_private_matters() {
    let found = hits(&pages(), &PRIVATE_MATTERS);
    assert!(found.is_empty(), "people appear with name, role and organisation only:\n{}", found.join("\n"));
}

#[test]
fn every_case_says_whether_it_is_a_handbook_case_or_an_example() {
    let pages = pages();
    let cases: Vec<&Page> = pages.iter().filter(|p| p.rel.starts_with("content/cases/")).collect();
    let form = |p: &Page| p.front_matter.get("form").and_then(Value::as_str).map(str::to_string);
    let missing: Vec<&str> = cases.iter().filter(|p| form(p).is_none()).map(|p| p.rel.as_str()).collect();
    assert!(missing.is_empty(), "cases without `form`: {missing:?}");
    let handbook = cases.iter().filter(|p| form(p).as_deref() == Some("haandbogscase")).count();
    assert_eq!(handbook, 18, "the handbook has 18 cases in its before/now form");
}

// ---------- quotes ----------

#[test]
fn quotes_are_the_speakers_words_or_marked_as_paraphrase() {
    let seeds = seed_texts("quotes are in the speakers' own words");
    let mut problems = Vec::new();
    for page in pages().iter().filter(|p| p.rel.starts_with("content/aktoerer/")) {
        let Some(quotes) = page.front_matter.get("quotes").and_then(Value::as_sequence) else { continue };
        for quote in quotes {
            if quote.get("paraphrase").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            let text = normalise(quote.get("text").and_then(Value::as_str).unwrap_or(""));
            match &seeds {
                Some(seeds) if seeds.iter().any(|(_, s)| normalise(s).contains(&text)) => {}
                Some(_) => problems.push(format!("{}: a quote not found word for word in the sources: {text:.60}…", page.rel)),
                None => {
                    problems.push(format!("{}: a quote that cannot be checked without the sources; mark it `paraphrase: true`", page.rel))
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn normalise(text: &str) -> String {
    words(&text.to_lowercase()).collect::<Vec<_>>().join(" ")
}

// ---------- actor colours ----------

#[test]
fn actor_colours_can_be_told_apart_also_with_colour_blindness() {
    let colours: BTreeMap<String, [f64; 3]> = pages()
        .iter()
        .filter(|p| p.rel.starts_with("content/aktoerer/"))
        .map(|p| (p.rel.clone(), rgb(p.front_matter["color"].as_str().expect("an actor has a colour"))))
        .collect();
    assert_eq!(colours.len(), 8, "eight actor chapters");
    let borgere = colours["content/aktoerer/borgere.md"];
    assert!(borgere[0] > 0.45 && borgere[1] < 0.1 && borgere[2] < 0.1, "the handbook's colour for citizens is pillar-box red");
    let mut close = Vec::new();
    for (vision, matrix) in VISIONS {
        let seen: Vec<(&String, [f64; 3])> = colours.iter().map(|(rel, c)| (rel, lab(simulate(&matrix, *c)))).collect();
        for (i, (a, la)) in seen.iter().enumerate() {
            for (b, lb) in &seen[i + 1..] {
                let distance = la.iter().zip(lb).map(|(x, y)| (x - y).powi(2)).sum::<f64>().sqrt();
                if distance < MIN_COLOUR_DISTANCE {
                    close.push(format!("{vision}: {a} and {b} are {distance:.1} apart"));
                }
            }
        }
    }
    assert!(close.is_empty(), "actor colours too alike (CIE76 ΔE below {MIN_COLOUR_DISTANCE}):\n{}", close.join("\n"));
}

/// Smallest CIE76 colour difference between two actor colours, in every kind of vision.
const MIN_COLOUR_DISTANCE: f64 = 12.0;

/// Normal vision and the three dichromacies (Machado, Oliveira & Fernandes 2009, severity 1), on linear RGB.
const VISIONS: [(&str, [[f64; 3]; 3]); 4] = [
    ("normal vision", [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]),
    ("protanopia", [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]),
    ("deuteranopia", [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]),
    ("tritanopia", [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]]),
];

/// `#rrggbb` as linear RGB.
fn rgb(hex: &str) -> [f64; 3] {
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).expect("a hex colour")) / 255.0;
        if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
    };
    [channel(1), channel(3), channel(5)]
}

fn simulate(m: &[[f64; 3]; 3], c: [f64; 3]) -> [f64; 3] {
    std::array::from_fn(|i| (m[i][0] * c[0] + m[i][1] * c[1] + m[i][2] * c[2]).clamp(0.0, 1.0))
}

/// Linear RGB to CIE L*a*b* (D65).
fn lab([r, g, b]: [f64; 3]) -> [f64; 3] {
    let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    let f = |t: f64| if t > 0.008856 { t.cbrt() } else { 7.787 * t + 16.0 / 116.0 };
    [116.0 * f(y) - 16.0, 500.0 * (f(x) - f(y)), 200.0 * (f(y) - f(z))]
}

// ---------- own words ----------

#[test]
fn prose_is_written_in_our_own_words() {
    let Some(seeds) = seed_texts("the prose shares no long runs of words with the sources") else { return };
    let mut grams = HashSet::new();
    for (_, text) in &seeds {
        let w: Vec<String> = seed_words(text);
        grams.extend(w.windows(RUN_WORDS).map(|g| g.join(" ")));
    }
    let mut shared = Vec::new();
    for page in pages() {
        let w: Vec<String> = words(&prose(&page).to_lowercase()).map(str::to_string).collect();
        let mut i = 0;
        while i + RUN_WORDS <= w.len() {
            if !grams.contains(&w[i..i + RUN_WORDS].join(" ")) {
                i += 1;
                continue;
            }
            let mut end = i + RUN_WORDS;
            while end < w.len() && grams.contains(&w[end + 1 - RUN_WORDS..=end].join(" ")) {
                end += 1;
            }
            shared.push(format!("{}: {} words: »{}«", page.rel, end - i, w[i..end].join(" ")));
            i = end;
        }
    }
    assert!(
        shared.len() <= MAX_SHARED_RUNS,
        "{} runs of {RUN_WORDS}+ words copied from the sources (at most {MAX_SHARED_RUNS}); rewrite them:\n{}",
        shared.len(),
        shared.join("\n")
    );
}

/// The prose of a page: its body without tables, and its prose fields; wiki links become their text.
fn prose(page: &Page) -> String {
    let mut fields = Vec::new();
    strings(&page.front_matter, "", &mut fields);
    let mut text: String = page.body.lines().filter(|l| !l.trim_start().starts_with('|')).collect::<Vec<_>>().join("\n");
    for (field, s) in fields {
        if PROSE_FIELDS.contains(&field) {
            text.push('\n');
            text.push_str(s);
        }
    }
    wikilink_text(&text)
}

/// `[[id|text]]` becomes `text`; `[[id]]` becomes nothing.
fn wikilink_text(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("[[") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find("]]") else { break };
        let inner = &rest[start + 2..start + end];
        out.push(' ');
        out.push_str(inner.split_once('|').map_or("", |(_, t)| t));
        out.push(' ');
        rest = &rest[start + end + 2..];
    }
    out.push_str(rest);
    out
}

/// The words of a seed; a word split by a hyphen at a line break is joined again.
fn seed_words(text: &str) -> Vec<String> {
    let joined = text.replace("-\n", "").to_lowercase();
    words(&joined).map(str::to_string).collect()
}

/// The source material, from `../shared/seeds` beside the repository, when it is there.
/// When it is not, says on the terminal which check was not made.
fn seed_texts(check: &str) -> Option<Vec<(PathBuf, String)>> {
    let dir = Path::new(REPO).join("..").join("shared").join("seeds");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        let _ = writeln!(std::io::stderr(), "NOT CHECKED: {check}: the source material is not at {}", dir.display());
        return None;
    };
    let mut seeds: Vec<(PathBuf, String)> = entries
        .map(|e| e.expect("read the seeds folder").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p, text)
        })
        .collect();
    seeds.sort();
    assert!(!seeds.is_empty(), "{} holds no source texts", dir.display());
    Some(seeds)
}
