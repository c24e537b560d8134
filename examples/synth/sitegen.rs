//! Synthetic sites for benchmarks: a course-like site of any size, deterministic for a seed.
//!
//! A site has every kind declared in the repository's `site.yaml`, in
//! proportions like the course's: 8 actor chapters, many cases, people,
//! concepts, literature, tools, figures with data, expert advice, handbook
//! chapters and a front page. Bodies are Danish-like text (a fixed vocabulary
//! of real Danish words, compounds and numbers) of 300–1,500 words with `##`
//! headings, 5–20 `[[id]]` links to existing pages, some of them to heading
//! anchors that exist, and front-matter references that validate against the
//! schema.
//!
//! The same pages can also be written as a Hugo site, with the wiki links
//! rewritten as ordinary Markdown links, so both generators build the same
//! Markdown. Generation is two passes: the first decides every page's id,
//! title and headings (so links can point at anchors that exist); the second
//! writes front matter and bodies.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// What to generate.
pub struct Options {
    /// Number of pages, front page included (at least [`MIN_PAGES`]).
    pub pages: usize,
    /// Seed of the pseudo-random choices; the same seed gives the same site.
    pub seed: u64,
    /// Folder of the site (gets `site.yaml`, `themes/`, `templates/`, `i18n/` and `content/`).
    pub out: PathBuf,
    /// Also write the pages as a Hugo site into this folder.
    pub hugo: Option<PathBuf>,
    /// Repository root to copy `site.yaml`, `themes/`, `templates/` and `i18n/` from.
    pub repo_root: PathBuf,
}

/// Smallest site with room for every kind's minimum count.
pub const MIN_PAGES: usize = 120;

/// Writes the site (and the Hugo twin) described by `options`; returns the number of pages.
pub fn generate(options: &Options) -> io::Result<usize> {
    if options.pages < MIN_PAGES {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("--pages must be at least {MIN_PAGES}")));
    }
    let mut rng = Rng::new(options.seed);
    let plan = Plan::new(options.pages, &mut rng);
    prepare_ours(&options.out, &options.repo_root)?;
    if let Some(hugo) = &options.hugo {
        prepare_hugo(hugo)?;
    }
    for (i, meta) in plan.pages.iter().enumerate() {
        let mut rng = Rng::new(options.seed ^ (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let page = plan.write_page(i, &mut rng);
        write_file(&options.out.join("content").join(meta.kind.folder()).join(format!("{}.md", meta.id)), &page.ours())?;
        if let Some(hugo) = &options.hugo {
            write_file(&hugo.join("content").join(meta.hugo_path()), &page.hugo())?;
        }
    }
    Ok(plan.pages.len())
}

// ---------------------------------------------------------------------------
// Pseudo-random numbers

/// splitmix64: tiny, fast and good enough to pick words.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// A number in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// An index in `0..n` skewed towards small ones, like word frequencies.
    fn skewed(&mut self, n: usize) -> usize {
        let u = self.unit();
        ((u * u * u) * n as f64) as usize
    }
}

// ---------------------------------------------------------------------------
// Vocabulary

const FUNCTION_WORDS: &[&str] = &[
    "og", "i", "at", "det", "en", "den", "til", "er", "som", "på", "de", "med", "for", "af", "ikke", "der", "var", "har", "om", "vi", "et",
    "men", "hvor", "fra", "også", "når", "kan", "skal", "vil", "blev", "bliver", "mellem", "efter", "både", "sammen", "mere", "ofte",
    "især", "måske", "derfor", "således", "hvordan", "hvis", "alle", "andre", "nye", "flere", "får", "gør", "går", "står", "først",
    "siden", "her", "nu", "allerede", "også", "netop", "selv", "hele",
];

const NOUNS: &[&str] = &[
    "borger",
    "kommune",
    "region",
    "forening",
    "virksomhed",
    "fond",
    "institution",
    "medarbejder",
    "leder",
    "samarbejde",
    "innovation",
    "løsning",
    "opgave",
    "velfærd",
    "sundhed",
    "skole",
    "hospital",
    "plejehjem",
    "bibliotek",
    "frivillig",
    "netværk",
    "projekt",
    "erfaring",
    "viden",
    "forskning",
    "metode",
    "værktøj",
    "proces",
    "ressource",
    "økonomi",
    "kvalitet",
    "effekt",
    "resultat",
    "udvikling",
    "forandring",
    "tillid",
    "ansvar",
    "fællesskab",
    "hverdag",
    "børnehave",
    "ældre",
    "sygeplejerske",
    "læge",
    "pårørende",
    "patient",
    "elev",
    "lærer",
    "forælder",
    "nabolag",
    "byrum",
    "trafik",
    "klima",
    "energi",
    "affald",
    "vand",
    "bolig",
    "arbejdsplads",
    "uddannelse",
    "beskæftigelse",
    "indsats",
    "tilbud",
    "service",
    "produkt",
    "kommunikation",
    "ledelse",
    "strategi",
    "styring",
    "budget",
    "afdeling",
    "forvaltning",
    "byråd",
    "minister",
    "styrelse",
    "politik",
    "lovgivning",
    "rammer",
    "praksis",
    "kultur",
    "mod",
    "risiko",
    "eksperiment",
    "prototype",
    "test",
    "spredning",
    "værdi",
    "gevinst",
    "måling",
    "evaluering",
    "undersøgelse",
    "spørgeskema",
    "interview",
    "workshop",
    "møde",
    "dialog",
    "idé",
    "behov",
    "ønske",
    "udfordring",
    "problem",
    "barriere",
    "mulighed",
    "fremtid",
    "fortid",
    "støtte",
    "bevilling",
    "ansøgning",
    "partnerskab",
    "aftale",
    "kontrakt",
    "indkøb",
    "teknologi",
    "app",
    "platform",
    "data",
    "sensor",
    "robot",
    "kunstig",
    "intelligens",
    "mødested",
    "køkken",
    "måltid",
    "idræt",
    "sundhedshus",
    "genoptræning",
    "rehabilitering",
    "forebyggelse",
    "ensomhed",
    "trivsel",
    "sprog",
    "integration",
];

const ADJECTIVES: &[&str] = &[
    "ny",
    "offentlig",
    "privat",
    "frivillig",
    "lokal",
    "national",
    "international",
    "digital",
    "social",
    "økonomisk",
    "faglig",
    "stærk",
    "svær",
    "enkel",
    "vigtig",
    "konkret",
    "fælles",
    "bæredygtig",
    "grøn",
    "tværgående",
    "målrettet",
    "åben",
    "lukket",
    "forskellig",
    "særlig",
    "tydelig",
    "langsigtet",
    "kortvarig",
    "stor",
    "lille",
    "hurtig",
    "langsom",
    "god",
    "bedre",
    "bedste",
    "første",
    "sidste",
    "nærmere",
    "mindre",
    "større",
    "værdifuld",
    "udbredt",
];

const VERBS: &[&str] = &[
    "udvikler",
    "skaber",
    "samarbejder",
    "deltager",
    "bidrager",
    "viser",
    "peger",
    "handler",
    "kræver",
    "giver",
    "løser",
    "prøver",
    "lærer",
    "justerer",
    "inddrager",
    "spreder",
    "måler",
    "vurderer",
    "styrker",
    "sikrer",
    "ændrer",
    "forbedrer",
    "understøtter",
    "fører",
    "beskriver",
    "fortæller",
    "oplever",
    "mødes",
    "arbejder",
    "betyder",
    "afprøver",
    "tilpasser",
    "organiserer",
    "finansierer",
    "evaluerer",
    "formidler",
    "præsenterer",
    "undersøger",
];

const HEADING_WORDS: &[&str] = &[
    "Baggrund",
    "Før og nu",
    "Resultater",
    "Erfaringer",
    "Sådan kom vi i gang",
    "Samarbejdet",
    "Udfordringer",
    "Det lærte vi",
    "Gode råd",
    "Næste skridt",
    "Økonomi",
    "Målgruppen",
    "Metode",
    "Perspektiver",
    "Spredning",
    "Ledelse",
    "Borgernes rolle",
    "Frivilliges bidrag",
    "Virksomhedernes rolle",
    "Forskningens bidrag",
    "Værdi for borgerne",
    "Værdi for medarbejderne",
    "Kvalitet og effektivitet",
    "Risici",
    "Tidsplan",
    "Evaluering",
    "Nøgletal",
    "Hvad siger forskningen?",
    "Hvem er med?",
    "Hvorfor virker det?",
    "Fremtiden",
    "Opsummering",
    "Inspiration",
    "Kritik",
    "Begrebets oprindelse",
];

const FIRST_NAMES: &[&str] = &[
    "Søren", "Jørgen", "Åse", "Mette", "Lærke", "Bjørn", "Signe", "Anders", "Karen", "Mads", "Sofie", "Niels", "Ida", "Jens", "Birgitte",
    "Frederik", "Ulla", "Rasmus", "Trine", "Henrik", "Bodil", "Mikkel", "Helle", "Kasper", "Pernille", "Thøger", "Gunnar", "Astrid",
    "Øjvind", "Ærtemis",
];

const LAST_NAMES: &[&str] = &[
    "Sørensen",
    "Møller",
    "Højgaard",
    "Nielsen",
    "Jensen",
    "Hansen",
    "Pedersen",
    "Kjær",
    "Lindholm",
    "Bæk",
    "Skovgård",
    "Østergaard",
    "Dahl",
    "Holm",
    "Lund",
    "Frøslev",
    "Brønnum",
    "Vestergård",
    "Kragh",
    "Thomsen",
    "Åkerstrøm",
    "Mølgaard",
    "Lærkesen",
    "Nørgaard",
    "Bech",
];

const ORGANISATIONS: &[&str] = &[
    "Aarhus Kommune",
    "Københavns Kommune",
    "Region Nordjylland",
    "Region Sjælland",
    "Odense Universitetshospital",
    "Roskilde Universitet",
    "Aalborg Universitet",
    "Røde Kors",
    "Ældre Sagen",
    "Danmarks Statistik",
    "Center for Offentlig Innovation",
    "VIVE",
    "Nordsjællands Hospital",
    "Brønderslev Kommune",
    "Hjørring Kommune",
    "Færøernes Landsstyre",
    "Velux Fonden",
    "Nordea-fonden",
    "Kriminalforsorgen",
    "Skattestyrelsen",
];

const ACTORS: &[(&str, &str, &str)] = &[
    ("borgere", "Borgere", "#2d6a1f"),
    ("fonde", "Fonde", "#7a3b8f"),
    ("frivillige-foreninger", "Frivillige foreninger", "#b85c00"),
    ("offentlige-eksternt", "Andre offentlige arbejdspladser", "#1f5a8a"),
    ("offentlige-internt", "Egne medarbejdere og ledere", "#5a6b1f"),
    ("udlandet", "Udlandet", "#8a1f3b"),
    ("vidensinstitutioner", "Vidensinstitutioner", "#1f7a6b"),
    ("virksomheder", "Virksomheder", "#6b4a1f"),
];

const SOURCES: &[&str] = &[
    "000_28d7f2d0a8711731.txt",
    "001_c4166fba47313989.txt",
    "002_2dc56661f657125f.txt",
    "003_31073eb3e047b95c.txt",
    "004_34b0b15eef50b5be.txt",
];
const INNOVATION_TYPES: &[&str] = &["service", "organisatorisk/proces", "kommunikation", "produkt"];
const SECTORS: &[&str] = &["kommune", "region", "stat", "andet"];

// ---------------------------------------------------------------------------
// Kinds and the plan of the site

/// The kinds of `site.yaml`, with their folders.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Page,
    Chapter,
    Actor,
    Case,
    Expert,
    Literature,
    Person,
    Concept,
    Tool,
    Figure,
}

impl Kind {
    fn folder(self) -> &'static str {
        match self {
            Kind::Page => "",
            Kind::Chapter => "haandbogen",
            Kind::Actor => "aktoerer",
            Kind::Case => "cases",
            Kind::Expert => "eksperter",
            Kind::Literature => "litteratur",
            Kind::Person => "personer",
            Kind::Concept => "begreber",
            Kind::Tool => "vaerktoejer",
            Kind::Figure => "figurer",
        }
    }

    /// How many pages of each kind a site of `n` pages has; cases take the rest.
    fn counts(n: usize) -> Vec<(Kind, usize)> {
        let share = |percent: usize, min: usize| (n * percent / 100).max(min);
        let mut counts = vec![
            (Kind::Page, 1),
            (Kind::Actor, ACTORS.len()),
            (Kind::Chapter, (n / 200).max(5)),
            (Kind::Expert, share(2, 8)),
            (Kind::Literature, share(4, 7)),
            (Kind::Tool, share(5, 10)),
            (Kind::Figure, share(8, 10)),
            (Kind::Concept, share(12, 15)),
            (Kind::Person, share(25, 25)),
        ];
        let taken: usize = counts.iter().map(|(_, c)| c).sum();
        counts.push((Kind::Case, n - taken));
        counts
    }
}

/// What the first pass decides about a page.
struct Meta {
    kind: Kind,
    id: String,
    title: String,
    words: usize,
    headings: Vec<String>,
}

impl Meta {
    fn hugo_url(&self) -> String {
        match (self.kind.folder(), self.id.as_str()) {
            ("", "index") => "/".to_string(),
            ("", id) => format!("/{id}/"),
            (folder, id) => format!("/{folder}/{id}/"),
        }
    }

    fn hugo_path(&self) -> PathBuf {
        match (self.kind.folder(), self.id.as_str()) {
            ("", "index") => PathBuf::from("_index.md"),
            (folder, id) => Path::new(folder).join(format!("{id}.md")),
        }
    }
}

struct Plan {
    pages: Vec<Meta>,
    /// Page indices by kind.
    by_kind: Vec<(Kind, Vec<usize>)>,
}

impl Plan {
    fn new(n: usize, rng: &mut Rng) -> Plan {
        let mut pages = Vec::with_capacity(n);
        let mut by_kind = Vec::new();
        for (kind, count) in Kind::counts(n) {
            let mut indices = Vec::with_capacity(count);
            for k in 0..count {
                indices.push(pages.len());
                let (id, title) = name_page(kind, k, pages.len(), rng);
                let words = body_words(rng);
                let headings = headings(words, rng);
                pages.push(Meta { kind, id, title, words, headings });
            }
            by_kind.push((kind, indices));
        }
        Plan { pages, by_kind }
    }

    fn of_kind(&self, kind: Kind) -> &[usize] {
        self.by_kind.iter().find(|(k, _)| *k == kind).map_or(&[], |(_, v)| v.as_slice())
    }

    fn ids(&self, kind: Kind, min: usize, max: usize, rng: &mut Rng) -> Vec<String> {
        let pool = self.of_kind(kind);
        let n = rng.range(min, max).min(pool.len());
        let mut out: Vec<String> = Vec::with_capacity(n);
        while out.len() < n {
            let id = &self.pages[*rng.pick(pool)].id;
            if !out.contains(id) {
                out.push(id.clone());
            }
        }
        out
    }

    fn id(&self, kind: Kind, rng: &mut Rng) -> String {
        self.pages[*rng.pick(self.of_kind(kind))].id.clone()
    }

    /// A link target for page `from`: hubs and concepts more often, like the course.
    fn link_target(&self, from: usize, rng: &mut Rng) -> usize {
        loop {
            let roll = rng.unit();
            let target = if roll < 0.1 {
                *rng.pick(self.of_kind(Kind::Actor))
            } else if roll < 0.3 {
                *rng.pick(self.of_kind(Kind::Concept))
            } else {
                1 + rng.below(self.pages.len() - 1)
            };
            if target != from {
                return target;
            }
        }
    }

    /// The page at index `i`, written out.
    fn write_page(&self, i: usize, rng: &mut Rng) -> Page {
        let meta = &self.pages[i];
        let fields = self.fields(i, rng);
        let mut body = body(meta, rng);
        let links = rng.range(5, 20);
        for _ in 0..links {
            let target = self.link_target(i, rng);
            let t = &self.pages[target];
            let anchor = (rng.chance(0.15) && !t.headings.is_empty()).then(|| rng.pick(&t.headings).clone());
            let (s, w) = body.word_slot(rng);
            let word = std::mem::take(&mut body.sentences[s][w]);
            let text = rng.chance(0.5).then_some(word);
            body.sentences[s][w] = Token::link(t, anchor, text);
        }
        Page { kind: meta.kind, title: meta.title.clone(), fields, body }
    }

    fn fields(&self, i: usize, rng: &mut Rng) -> Vec<(&'static str, Y)> {
        let meta = &self.pages[i];
        let mut f: Vec<(&'static str, Y)> = Vec::new();
        let title_key = if meta.kind == Kind::Person { "name" } else { "title" };
        f.push((title_key, Y::Str(meta.title.clone())));
        match meta.kind {
            Kind::Page => f.push(("summary", Y::Text(paragraph(rng, 2, 3)))),
            Kind::Chapter => {
                let n = self.of_kind(Kind::Chapter).iter().position(|&p| p == i).unwrap_or(0) + 1;
                f.push(("chapter", Y::Str(n.to_string())));
                f.push(("summary", Y::Text(paragraph(rng, 2, 4))));
                f.push(("order", Y::Int(n as i64)));
                f.push(("source", source(rng)));
            }
            Kind::Actor => {
                let n = self.of_kind(Kind::Actor).iter().position(|&p| p == i).unwrap_or(0);
                f.push(("chapter", Y::Str(format!("5.{}", n + 1))));
                f.push(("color", Y::Str(ACTORS[n].2.to_string())));
                f.push(("summary", Y::Text(paragraph(rng, 2, 4))));
                f.push(("order", Y::Int(n as i64 + 1)));
                f.push(("insights", Y::List((0..rng.range(3, 6)).map(|_| Y::Str(sentence(rng))).collect())));
                let quotes = (0..rng.range(1, 2))
                    .map(|_| Y::Map(vec![("text", Y::Text(paragraph(rng, 2, 4))), ("person", Y::Plain(self.id(Kind::Person, rng)))]))
                    .collect();
                f.push(("quotes", Y::List(quotes)));
                f.push(("source", source(rng)));
            }
            Kind::Case => {
                f.push(("summary", Y::Text(paragraph(rng, 2, 4))));
                f.push(("actors", Y::Ids(self.ids(Kind::Actor, 1, 3, rng))));
                f.push(("innovation_types", Y::Ids(pick_distinct(INNOVATION_TYPES, rng.range(1, 3), rng))));
                f.push(("sector", Y::Plain(rng.pick(SECTORS).to_string())));
                let orgs = pick_distinct(ORGANISATIONS, rng.range(1, 3), rng);
                f.push(("organisations", Y::List(orgs.into_iter().map(Y::Str).collect())));
                f.push(("chapter", Y::Str(format!("5.{}", rng.range(1, 8)))));
                f.push(("before", Y::Text(paragraph(rng, 2, 4))));
                f.push(("now", Y::Text(paragraph(rng, 2, 4))));
                let results = (0..rng.range(1, 3))
                    .map(|_| Y::Map(vec![("label", Y::Str(title(rng, 3, 6))), ("value", Y::Str(format!("{} procent", rng.range(5, 95))))]))
                    .collect();
                f.push(("results", Y::List(results)));
                f.push(("people", Y::Ids(self.ids(Kind::Person, 0, 4, rng))));
                f.push(("tools", Y::Ids(self.ids(Kind::Tool, 0, 2, rng))));
                f.push(("source", source(rng)));
            }
            Kind::Expert => {
                f.push(("experts", Y::Ids(self.ids(Kind::Person, 1, 2, rng))));
                f.push(("actor", Y::Plain(self.id(Kind::Actor, rng))));
                f.push(("summary", Y::Text(paragraph(rng, 2, 4))));
                f.push(("advice", Y::List((0..rng.range(3, 5)).map(|_| Y::Str(sentence(rng))).collect())));
                f.push(("source", source(rng)));
            }
            Kind::Literature => {
                let mut authors: Vec<Y> = self.ids(Kind::Person, 1, 2, rng).into_iter().map(Y::Plain).collect();
                if rng.chance(0.3) {
                    authors.push(Y::Str(person_name(rng)));
                }
                f.push(("authors", Y::List(authors)));
                f.push(("year", Y::Int(rng.range(1990, 2024) as i64)));
                f.push(("reading", Y::Int(self.of_kind(Kind::Literature).iter().position(|&p| p == i).unwrap_or(0) as i64 + 1)));
                f.push(("publication", Y::Str(title(rng, 2, 4))));
                f.push(("summary", Y::Text(paragraph(rng, 2, 5))));
                f.push(("questions", Y::List((0..rng.range(2, 4)).map(|_| Y::Str(question(rng))).collect())));
                f.push(("source", source(rng)));
            }
            Kind::Person => {
                f.push(("role", Y::Str(capitalise(NOUNS[rng.below(NOUNS.len())]))));
                f.push(("organisation", Y::Str(rng.pick(ORGANISATIONS).to_string())));
                if rng.chance(0.5) {
                    f.push(("source", source(rng)));
                }
            }
            Kind::Concept => {
                f.push(("synonyms", Y::List((0..rng.range(0, 2)).map(|_| Y::Str(title(rng, 1, 2))).collect())));
                f.push(("summary", Y::Text(paragraph(rng, 1, 3))));
                let related = (0..rng.range(0, 4)).map(|_| self.pages[self.link_target(i, rng)].id.clone()).collect::<HashSet<_>>();
                let mut related: Vec<String> = related.into_iter().collect();
                related.sort();
                f.push(("related", Y::Ids(related)));
            }
            Kind::Tool => {
                f.push(("summary", Y::Text(paragraph(rng, 1, 3))));
                f.push(("actors", Y::Ids(self.ids(Kind::Actor, 1, 2, rng))));
                f.push(("url", Y::Str(format!("https://example.dk/vaerktoej/{}", meta.id))));
            }
            Kind::Figure => {
                let n = self.of_kind(Kind::Figure).iter().position(|&p| p == i).unwrap_or(0);
                f.push(("number", Y::Str(format!("{}.{}", n / 10 + 1, n % 10 + 1))));
                f.push(("unit", Y::Str("%".into())));
                let series = rng.chance(0.25);
                if series {
                    f.push(("series", Y::List(vec![Y::Str("2015-2016".into()), Y::Str("2017-2018".into())])));
                }
                let data = (0..rng.range(3, 6))
                    .map(|_| {
                        let label = ("label", Y::Str(title(rng, 1, 3)));
                        if series {
                            Y::Map(vec![label, ("values", Y::Nums(vec![rng.range(1, 99) as f64, rng.range(1, 99) as f64]))])
                        } else {
                            Y::Map(vec![label, ("value", Y::Num(rng.range(1, 99) as f64))])
                        }
                    })
                    .collect();
                f.push(("data", Y::List(data)));
                f.push(("note", Y::Text(paragraph(rng, 1, 3))));
                f.push(("actors", Y::Ids(self.ids(Kind::Actor, 1, 2, rng))));
                f.push(("source", source(rng)));
            }
        }
        f.retain(|(_, v)| !matches!(v, Y::Ids(ids) if ids.is_empty()) && !matches!(v, Y::List(items) if items.is_empty()));
        f
    }
}

fn name_page(kind: Kind, k: usize, global: usize, rng: &mut Rng) -> (String, String) {
    match kind {
        Kind::Page => ("index".to_string(), "Samarbejdsdrevet innovation".to_string()),
        Kind::Actor => (ACTORS[k].0.to_string(), ACTORS[k].1.to_string()),
        _ => {
            let title = match kind {
                Kind::Person => person_name(rng),
                Kind::Chapter => format!("Kapitel {}: {}", k + 1, title(rng, 3, 6)),
                Kind::Figure => format!("{} ud af 10 {}", rng.range(1, 9), title(rng, 3, 6).to_lowercase()),
                _ => title(rng, 2, 7),
            };
            let slug: Vec<&str> = title.split_whitespace().take(5).collect();
            (format!("{}-{global}", ledestjerne::slug::slugify(&slug.join(" "))), title)
        }
    }
}

/// Body length in words: 300–1,500, shorter pages more common.
fn body_words(rng: &mut Rng) -> usize {
    let a = rng.range(300, 1500);
    let b = rng.range(300, 1500);
    a.min(b)
}

/// Distinct headings for a body of `words` words: one per 250 words or so.
fn headings(words: usize, rng: &mut Rng) -> Vec<String> {
    let n = (words / 250).max(1);
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let h = if rng.chance(0.6) { rng.pick(HEADING_WORDS).to_string() } else { title(rng, 2, 4) };
        if seen.insert(ledestjerne::slug::slugify(&h)) {
            out.push(h);
        }
    }
    out
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

fn pick_distinct(items: &[&str], n: usize, rng: &mut Rng) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(n);
    while out.len() < n.min(items.len()) {
        let item = rng.pick(items).to_string();
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

fn person_name(rng: &mut Rng) -> String {
    format!("{} {}", rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES))
}

/// One word of running text: mostly common words, some compounds and numbers.
fn word(rng: &mut Rng) -> String {
    let roll = rng.unit();
    if roll < 0.35 {
        FUNCTION_WORDS[rng.skewed(FUNCTION_WORDS.len())].to_string()
    } else if roll < 0.62 {
        let noun = NOUNS[rng.skewed(NOUNS.len())];
        match (rng.chance(0.3), noun.ends_with('e')) {
            (true, true) => format!("{noun}n"),
            (true, false) => format!("{noun}en"),
            _ => noun.to_string(),
        }
    } else if roll < 0.74 {
        ADJECTIVES[rng.skewed(ADJECTIVES.len())].to_string()
    } else if roll < 0.86 {
        VERBS[rng.skewed(VERBS.len())].to_string()
    } else if roll < 0.97 {
        // Danish writes compounds as one word: borger + inddragelse.
        format!("{}{}", rng.pick(NOUNS), rng.pick(NOUNS))
    } else {
        rng.range(2, 2024).to_string()
    }
}

fn title(rng: &mut Rng, min: usize, max: usize) -> String {
    let words: Vec<&str> = (0..rng.range(min, max))
        .map(|_| match rng.below(4) {
            0 => *rng.pick(ADJECTIVES),
            1 => *rng.pick(VERBS),
            2 => FUNCTION_WORDS[rng.skewed(FUNCTION_WORDS.len())],
            _ => *rng.pick(NOUNS),
        })
        .collect();
    capitalise(&words.join(" "))
}

fn sentence_words(rng: &mut Rng) -> Vec<String> {
    (0..rng.range(6, 18)).map(|_| word(rng)).collect()
}

fn sentence(rng: &mut Rng) -> String {
    let words = sentence_words(rng);
    format!("{}.", capitalise(&words.join(" ")))
}

fn question(rng: &mut Rng) -> String {
    let words = sentence_words(rng);
    format!("Hvordan {}?", words.join(" "))
}

fn paragraph(rng: &mut Rng, min: usize, max: usize) -> String {
    (0..rng.range(min, max)).map(|_| sentence(rng)).collect::<Vec<_>>().join(" ")
}

fn source(rng: &mut Rng) -> Y {
    Y::Map(vec![
        ("file", Y::Plain(rng.pick(SOURCES).to_string())),
        ("section", Y::Str(format!("Kap. {}.{}", rng.range(1, 6), rng.range(1, 9)))),
    ])
}

// ---------------------------------------------------------------------------
// Bodies

/// A word of a body, or a link that stands in for one.
enum Token {
    Word(String),
    Link {
        id: String,
        title: String,
        hugo_url: String,
        /// The heading's text: the anchor is its slug (ours) or Hugo's id for it.
        heading: Option<String>,
        text: Option<String>,
    },
}

impl Default for Token {
    fn default() -> Self {
        Token::Word(String::new())
    }
}

impl Token {
    fn link(target: &Meta, heading: Option<String>, text: Option<Token>) -> Token {
        let text = match text {
            Some(Token::Word(w)) if !w.is_empty() && w.chars().all(char::is_alphanumeric) => Some(w),
            _ => None,
        };
        Token::Link { id: target.id.clone(), title: target.title.clone(), hugo_url: target.hugo_url(), heading, text }
    }

    fn write(&self, out: &mut String, hugo: bool) {
        match self {
            Token::Word(w) => out.push_str(w),
            Token::Link { title, hugo_url, heading, text, .. } if hugo => {
                let anchor = heading.as_deref().map(hugo_anchor).map(|a| format!("#{a}")).unwrap_or_default();
                let _ = write!(out, "[{}]({hugo_url}{anchor})", text.as_deref().unwrap_or(title));
            }
            Token::Link { id, heading, text, .. } => {
                out.push_str("[[");
                out.push_str(id);
                if let Some(h) = heading {
                    out.push('#');
                    out.push_str(&ledestjerne::slug::slugify(h));
                }
                if let Some(t) = text {
                    out.push('|');
                    out.push_str(t);
                }
                out.push_str("]]");
            }
        }
    }
}

/// Hugo's default heading id: lower case, spaces to dashes, punctuation dropped, Danish letters kept.
fn hugo_anchor(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// What a body is made of, in order.
enum Block {
    Heading(String),
    /// A paragraph: sentence indices into [`Body::sentences`].
    Paragraph(Vec<usize>),
    /// A bullet list, one sentence per item.
    List(Vec<usize>),
}

struct Body {
    blocks: Vec<Block>,
    /// Words of every sentence.
    sentences: Vec<Vec<Token>>,
}

impl Body {
    /// A random word position (sentence, word) to put a link in, not already a link.
    fn word_slot(&self, rng: &mut Rng) -> (usize, usize) {
        loop {
            let s = rng.below(self.sentences.len());
            let w = rng.below(self.sentences[s].len());
            if matches!(self.sentences[s][w], Token::Word(_)) {
                return (s, w);
            }
        }
    }

    fn write(&self, out: &mut String, hugo: bool) {
        let sentence = |out: &mut String, s: usize| {
            for (k, token) in self.sentences[s].iter().enumerate() {
                if k > 0 {
                    out.push(' ');
                }
                token.write(out, hugo);
            }
            out.push('.');
        };
        for block in &self.blocks {
            match block {
                Block::Heading(h) => {
                    let _ = write!(out, "## {h}\n\n");
                }
                Block::Paragraph(sentences) => {
                    for (k, &s) in sentences.iter().enumerate() {
                        if k > 0 {
                            out.push(' ');
                        }
                        sentence(out, s);
                    }
                    out.push_str("\n\n");
                }
                Block::List(items) => {
                    for &s in items {
                        out.push_str("- ");
                        sentence(out, s);
                        out.push('\n');
                    }
                    out.push('\n');
                }
            }
        }
    }
}

/// The text of a page's body: an introduction, then one section per heading.
fn body(meta: &Meta, rng: &mut Rng) -> Body {
    let mut body = Body { blocks: Vec::new(), sentences: Vec::new() };
    let sections = meta.headings.len() + 1;
    let per_section = meta.words / sections;
    for section in 0..sections {
        if section > 0 {
            body.blocks.push(Block::Heading(meta.headings[section - 1].clone()));
        }
        let mut words = 0;
        while words < per_section {
            let list = rng.chance(0.1);
            let n = if list { rng.range(3, 5) } else { rng.range(3, 7) };
            let mut indices = Vec::with_capacity(n);
            for _ in 0..n {
                let mut s: Vec<Token> = sentence_words(rng).into_iter().map(Token::Word).collect();
                if let Some(Token::Word(first)) = s.first_mut() {
                    *first = capitalise(first);
                }
                words += s.len();
                indices.push(body.sentences.len());
                body.sentences.push(s);
            }
            body.blocks.push(if list { Block::List(indices) } else { Block::Paragraph(indices) });
        }
    }
    body
}

// ---------------------------------------------------------------------------
// Front matter

/// A front-matter value, written as YAML.
enum Y {
    /// A double-quoted string.
    Str(String),
    /// A plain scalar (ids, enum values, file names).
    Plain(String),
    /// A `|` block of Markdown.
    Text(String),
    Int(i64),
    Num(f64),
    /// A flow list of plain scalars: `[a, b]`.
    Ids(Vec<String>),
    /// A flow list of numbers.
    Nums(Vec<f64>),
    List(Vec<Y>),
    Map(Vec<(&'static str, Y)>),
}

fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

impl Y {
    /// The value as a one-line scalar, when it is one.
    fn inline(&self) -> Option<String> {
        match self {
            Y::Str(s) => Some(quoted(s)),
            Y::Plain(s) => Some(if s.contains('/') { quoted(s) } else { s.clone() }),
            Y::Int(n) => Some(n.to_string()),
            Y::Num(n) => Some(n.to_string()),
            Y::Ids(ids) => Some(format!(
                "[{}]",
                ids.iter().map(|s| if s.contains('/') { quoted(s) } else { s.clone() }).collect::<Vec<_>>().join(", ")
            )),
            Y::Nums(ns) => Some(format!("[{}]", ns.iter().map(f64::to_string).collect::<Vec<_>>().join(", "))),
            Y::Text(_) | Y::List(_) | Y::Map(_) => None,
        }
    }
}

fn write_entry(out: &mut String, indent: usize, key: &str, value: &Y) {
    let pad = " ".repeat(indent);
    if let Some(inline) = value.inline() {
        let _ = writeln!(out, "{pad}{key}: {inline}");
        return;
    }
    match value {
        Y::Text(text) => {
            let _ = writeln!(out, "{pad}{key}: |");
            for line in text.lines() {
                let _ = writeln!(out, "{pad}  {line}");
            }
        }
        Y::List(items) => {
            let _ = writeln!(out, "{pad}{key}:");
            for item in items {
                write_item(out, indent + 2, item);
            }
        }
        Y::Map(entries) => {
            let _ = writeln!(out, "{pad}{key}:");
            for (k, v) in entries {
                write_entry(out, indent + 2, k, v);
            }
        }
        _ => unreachable!("scalars are written inline"),
    }
}

fn write_item(out: &mut String, indent: usize, item: &Y) {
    let pad = " ".repeat(indent);
    match item {
        Y::Map(entries) => {
            // The first key goes on the dash line: `- text: …`, the rest line up under it.
            let mut inner = String::new();
            for (k, v) in entries {
                write_entry(&mut inner, indent + 2, k, v);
            }
            out.push_str(&pad);
            out.push_str("- ");
            out.push_str(&inner[indent + 2..]);
        }
        Y::Text(text) => {
            let _ = writeln!(out, "{pad}- |");
            for line in text.lines() {
                let _ = writeln!(out, "{pad}  {line}");
            }
        }
        other => {
            let _ = writeln!(out, "{pad}- {}", other.inline().unwrap_or_default());
        }
    }
}

/// A page ready to be written in either flavour.
struct Page {
    kind: Kind,
    title: String,
    fields: Vec<(&'static str, Y)>,
    body: Body,
}

impl Page {
    fn ours(&self) -> String {
        let mut out = String::from("---\n");
        for (key, value) in &self.fields {
            write_entry(&mut out, 0, key, value);
        }
        out.push_str("---\n");
        self.body.write(&mut out, false);
        out
    }

    /// Hugo's flavour: `title` on top, every other field under `params` (so
    /// `url` and `aliases` do not turn into Hugo's own settings), links as
    /// ordinary Markdown links.
    fn hugo(&self) -> String {
        let mut out = String::from("---\n");
        let _ = writeln!(out, "title: {}", quoted(&self.title));
        let params: Vec<&(&str, Y)> =
            self.fields.iter().filter(|(k, _)| *k != "title" && !(self.kind == Kind::Person && *k == "name")).collect();
        if !params.is_empty() {
            out.push_str("params:\n");
            for (key, value) in params {
                write_entry(&mut out, 2, key, value);
            }
        }
        out.push_str("---\n");
        self.body.write(&mut out, true);
        out
    }
}

// ---------------------------------------------------------------------------
// Files

pub(crate) fn write_file(path: &Path, text: &str) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, text)
}

fn copy_dir(from: &Path, to: &Path) -> io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

/// Removes a folder this generator writes, so a smaller site leaves no stale pages.
fn clear(dir: &Path) -> io::Result<()> {
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

pub(crate) fn prepare_ours(out: &Path, repo_root: &Path) -> io::Result<()> {
    fs::create_dir_all(out)?;
    fs::copy(repo_root.join("site.yaml"), out.join("site.yaml"))?;
    // The theme, and the course's own templates and UI strings over it.
    for folder in ["themes", "templates", "i18n"] {
        clear(&out.join(folder))?;
        copy_dir(&repo_root.join(folder), &out.join(folder))?;
    }
    clear(&out.join("content"))?;
    // The bibliography `site.yaml` names: the synthetic pages cite nothing, but it is read and checked.
    let bibliography = repo_root.join("content/litteratur.bib");
    if bibliography.is_file() {
        fs::create_dir_all(out.join("content"))?;
        fs::copy(bibliography, out.join("content/litteratur.bib"))?;
    }
    Ok(())
}

const HUGO_CONFIG: &str = r#"baseURL = "https://example.org/"
languageCode = "da"
title = "Samarbejdsdrevet innovation"
disableKinds = ["taxonomy", "term"]
"#;

const HUGO_BASEOF: &str = r#"<!doctype html>
<html lang="da">
<head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main>{{ block "main" . }}{{ end }}</main></body>
</html>
"#;

const HUGO_SINGLE: &str = r#"{{ define "main" }}<h1>{{ .Title }}</h1>
{{ .Content }}
{{ end }}
"#;

const HUGO_LIST: &str = r#"{{ define "main" }}<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
{{ end }}
"#;

pub(crate) fn prepare_hugo(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    write_file(&dir.join("hugo.toml"), HUGO_CONFIG)?;
    write_file(&dir.join("layouts/_default/baseof.html"), HUGO_BASEOF)?;
    write_file(&dir.join("layouts/_default/single.html"), HUGO_SINGLE)?;
    write_file(&dir.join("layouts/_default/list.html"), HUGO_LIST)?;
    clear(&dir.join("content"))
}
