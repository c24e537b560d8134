//! Loading a theme: Tera templates, static files and UI strings.
//!
//! Templates come from `themes/<name>/templates/`; a file of the same name in
//! the site's own `templates/` overrides the theme's. UI strings come from
//! `themes/<name>/i18n/<lang>.yaml`, so the theme speaks the site's language;
//! the site's own `i18n/<lang>.yaml` overrides single strings. The theme
//! `default` is built into the binary ([`super::embedded`]) and needs no
//! folder: a site's `themes/default/` overrides it file by file.
//! Template errors are placed in the template file that has them, at its
//! line: once for a syntax error, and once for a rendering error however
//! many pages hit it (see [`TemplateFailure::report`]).

use super::embedded;
use super::view::Ui;
use super::views::{LinkView, PrintPartView, PrintView, SiteView};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::tree::{ReadError, Site};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tera::Tera;

/// A loaded theme.
pub struct Theme {
    /// Compiled templates.
    pub templates: Templates,
    /// Static files by output path (site `static/` overrides the theme's).
    pub static_files: BTreeMap<String, StaticFile>,
    /// UI strings.
    pub ui: Ui,
}

/// Where a static file's bytes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaticFile {
    /// A file on disk.
    Disk(PathBuf),
    /// A file of the built-in theme.
    Builtin(&'static [u8]),
}

/// The compiled templates, and the file each came from.
pub struct Templates {
    tera: Tera,
    /// Template name → site-relative path of its file.
    files: BTreeMap<String, String>,
}

/// One failed rendering of a template, kept until all are in so that an
/// error many pages hit is reported once.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TemplateFailure {
    /// Where in the template the error is.
    pub location: Location,
    /// What Tera said.
    pub message: String,
    /// The page (or output file) being rendered.
    pub page: String,
}

impl Templates {
    /// Whether a template called `name` exists.
    pub fn has(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// Sets the site-wide template values (`site`), shared by every render.
    pub fn set_site(&mut self, site: &SiteView) {
        self.tera.global_context().insert("site", site);
    }

    /// Renders `template` with `value` as `key`; `page` names what is being rendered.
    pub fn render(&self, template: &str, key: &'static str, value: &impl Serialize, page: &str) -> Result<String, TemplateFailure> {
        let mut ctx = tera::Context::new();
        ctx.insert(key, value);
        self.render_context(template, &ctx, page)
    }

    /// Renders `template` with no values but `site`.
    pub fn render_plain(&self, template: &str, page: &str) -> Result<String, TemplateFailure> {
        self.render_context(template, &tera::Context::new(), page)
    }

    /// Renders one print page: a part of the whole site's, or a hub's.
    pub fn render_print(&self, print: &PrintContext<'_>, path: &str) -> Result<String, TemplateFailure> {
        let mut ctx = tera::Context::new();
        ctx.insert("pages", print.pages);
        ctx.insert("parts", print.parts);
        ctx.insert("hub", &print.hub);
        self.render_context("print.html", &ctx, path)
    }

    fn render_context(&self, template: &str, ctx: &tera::Context, page: &str) -> Result<String, TemplateFailure> {
        self.tera.render(template, ctx).map_err(|e| failure(&e, &self.files, template, page))
    }
}

/// What `print.html` gets besides `site`.
pub struct PrintContext<'a> {
    /// The pages, in order.
    pub pages: &'a [&'a PrintView],
    /// The parts of the whole site's print page (empty for a hub's).
    pub parts: &'a [PrintPartView],
    /// The hub whose print page this is; `None` for the whole site's.
    pub hub: Option<LinkView>,
}

/// A Tera error as a failure placed in the template file it points into,
/// or at `template` when it points nowhere.
fn failure(e: &tera::Error, files: &BTreeMap<String, String>, template: &str, page: &str) -> TemplateFailure {
    let (name, line, col, message) = place(e).unwrap_or_else(|| (template.to_string(), 1, 1, chain(e)));
    let path = files.get(&name).cloned().unwrap_or(name);
    TemplateFailure { location: Location::new(path, line, col), message, page: page.to_string() }
}

/// The template, line, column and message of a Tera error that points into a template.
fn place(e: &tera::Error) -> Option<(String, usize, usize, String)> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = current {
        if let Some(tera_error) = err.downcast_ref::<tera::Error>()
            && let tera::ErrorKind::RenderingError(report) | tera::ErrorKind::SyntaxError(report) = tera_error.kind()
            && !report.filename().is_empty()
        {
            let span = report.span();
            return Some((report.filename().to_string(), span.start_line, span.start_col + 1, report.message().to_string()));
        }
        current = err.source();
    }
    report_place(&chain(e))
}

/// The place in a Tera report printed as text: `error: message` and ` --> name:line:col`.
fn report_place(text: &str) -> Option<(String, usize, usize, String)> {
    let arrow = text.lines().find_map(|l| l.trim_start().strip_prefix("--> "))?;
    let mut parts = arrow.rsplitn(3, ':');
    let col = parts.next()?.trim().parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    let name = parts.next()?.to_string();
    let first = text.lines().next().unwrap_or_default();
    let message = first.rsplit("error: ").next().unwrap_or(first).to_string();
    Some((name, line, col, message))
}

/// A Tera error and its sources, in one line.
fn chain(e: &tera::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(": ")
}

impl TemplateFailure {
    /// One error per place and message, counting the pages that hit it.
    pub fn report(mut failures: Vec<TemplateFailure>) -> Diagnostics {
        failures.sort();
        let mut diagnostics = Diagnostics::new();
        for group in failures.chunk_by(|a, b| a.location == b.location && a.message == b.message) {
            let first = &group[0];
            let others = match group.len() - 1 {
                0 => String::new(),
                1 => " and 1 other".to_string(),
                n => format!(" and {n} others"),
            };
            let help = format!("it stopped the rendering of `{}`{others}; fix the template, or the page data it trips over", first.page);
            diagnostics.push(Diagnostic::error(first.location.clone(), format!("template error: {}", first.message)).with_help(help));
        }
        diagnostics
    }
}

/// Where a theme is read from: its folder in the site, over the built-in
/// theme when it is the one called `default`.
struct Source<'a> {
    root: &'a Path,
    /// The site folder, for reading under its link rule.
    site: Site,
    /// `themes/<name>` in the site, when it exists.
    dir: Option<PathBuf>,
    /// `themes/<name>`, for messages.
    rel: String,
    /// Whether the built-in theme is the lowest layer.
    builtin: bool,
}

/// How built-in theme files are named in messages: they are in no folder of the site.
const BUILTIN_PREFIX: &str = "(built in) themes/default";

/// Loads the theme named in `config` for the site at `root`, with its warnings.
///
/// Each file is taken from the first of these that has it: the site's own
/// `templates/`, `static/` or `i18n/`; the site's `themes/<name>/`; and for
/// the theme `default`, the built-in copy ([`super::embedded`]).
pub fn load(root: &Path, config: &Config) -> Result<(Theme, Diagnostics), Diagnostics> {
    let dir = root.join("themes").join(&config.theme);
    let source = Source {
        root,
        site: Site::new(root),
        dir: dir.is_dir().then_some(dir),
        rel: format!("themes/{}", config.theme),
        builtin: config.theme == embedded::NAME,
    };
    if source.dir.is_none() && !source.builtin {
        return Err(Diagnostics::from(missing_theme(root, &config.theme)));
    }
    let mut diagnostics = Diagnostics::new();
    let mut sources: BTreeMap<String, (String, String)> = BTreeMap::new();
    if source.builtin {
        for (name, bytes) in embedded::files("templates") {
            let text = String::from_utf8_lossy(bytes).into_owned();
            sources.insert(name.clone(), (format!("{BUILTIN_PREFIX}/templates/{name}"), text));
        }
    }
    if let Some(dir) = &source.dir {
        collect(&source.site, &dir.join("templates"), &format!("{}/templates", source.rel), &mut sources, &mut diagnostics);
    }
    collect(&source.site, &root.join("templates"), "templates", &mut sources, &mut diagnostics);
    let templates = compile(&sources, &mut diagnostics);
    let ui = load_ui(&source, &config.language, &mut diagnostics);
    let static_files = source.static_files(&mut diagnostics);
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    Ok((Theme { templates, static_files, ui }, diagnostics))
}

impl Source<'_> {
    /// The theme's static files, then the site's over them.
    fn static_files(&self, diagnostics: &mut Diagnostics) -> BTreeMap<String, StaticFile> {
        let mut static_files = BTreeMap::new();
        if self.builtin {
            static_files.extend(embedded::files("static").into_iter().map(|(rel, bytes)| (rel, StaticFile::Builtin(bytes))));
        }
        if let Some(dir) = &self.dir {
            collect_static(&self.site, self.root, &dir.join("static"), &mut static_files, diagnostics);
        }
        collect_static(&self.site, self.root, &self.root.join("static"), &mut static_files, diagnostics);
        static_files
    }

    /// The texts of `i18n/<lang>.yaml` in each layer that has one, lowest
    /// first, with the path each is shown as.
    fn ui_texts(&self, lang: &str, diagnostics: &mut Diagnostics) -> Vec<(String, String)> {
        let file = format!("{lang}.yaml");
        let mut texts = Vec::new();
        if let Some(text) = self.builtin.then(|| embedded::ui(lang)).flatten() {
            texts.push((format!("{BUILTIN_PREFIX}/i18n/{file}"), text.to_string()));
        }
        let theme = self.dir.as_ref().map(|dir| (dir.join("i18n"), format!("{}/i18n", self.rel)));
        for (dir, rel) in theme.into_iter().chain([(self.root.join("i18n"), "i18n".to_string())]) {
            let rel = format!("{rel}/{file}");
            match self.site.read_to_string(&dir.join(&file)) {
                Ok(text) => texts.push((rel, text)),
                Err(ReadError::Outside(d)) => diagnostics.push(*d),
                Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(ReadError::Io(e)) => {
                    diagnostics.push(Diagnostic::error(Location::new(rel, 1, 1), format!("cannot read UI strings: {e}")))
                }
            }
        }
        texts
    }

    /// The languages any layer has UI strings for.
    fn languages(&self) -> Vec<String> {
        let mut langs = if self.builtin { embedded::languages() } else { Vec::new() };
        for dir in self.dir.iter().map(|d| d.join("i18n")).chain([self.root.join("i18n")]) {
            let names = std::fs::read_dir(dir).into_iter().flatten().flatten().map(|e| e.file_name().to_string_lossy().into_owned());
            langs.extend(names.filter_map(|n| n.strip_suffix(".yaml").map(str::to_string)));
        }
        langs.sort();
        langs.dedup();
        langs
    }
}

/// The error for a theme that is neither in the site nor built in.
fn missing_theme(root: &Path, name: &str) -> Diagnostic {
    let mut known: Vec<String> = vec![embedded::NAME.to_string()];
    if let Ok(entries) = std::fs::read_dir(root.join("themes")) {
        known.extend(entries.flatten().filter(|e| e.path().is_dir()).map(|e| e.file_name().to_string_lossy().into_owned()));
    }
    known.sort();
    known.dedup();
    let names: Vec<&str> = known.iter().map(String::as_str).collect();
    let hint = crate::diagnostics::closest(name, &names).map_or(String::new(), |b| format!("did you mean `{b}`? "));
    Diagnostic::error(
        config_place(root, "theme:"),
        format!("the theme `{name}` does not exist: it is not built in and there is no folder `themes/{name}/`"),
    )
    .with_help(format!(
        "{hint}the themes are: {}; `ledestjerne theme eject {name}` writes a copy of the built-in theme to `themes/{name}/`",
        known.join(", ")
    ))
}

/// The UI strings of `lang`: each layer's `i18n/<lang>.yaml` over the
/// one below, and English underneath for any string a translation lacks
/// (with a warning naming them).
fn load_ui(source: &Source, lang: &str, diagnostics: &mut Diagnostics) -> Ui {
    let texts = source.ui_texts(lang, diagnostics);
    if texts.is_empty() {
        diagnostics.push(unknown_language(source, lang));
        return Ui::new();
    }
    let mut ui = Ui::new();
    if lang != "en" {
        for (rel, text) in source.ui_texts("en", diagnostics) {
            ui.extend(parse_ui(&text, &rel, diagnostics));
        }
    }
    let english: Vec<String> = ui.keys().cloned().collect();
    let mut translated = std::collections::BTreeSet::new();
    for (rel, text) in &texts {
        let strings = parse_ui(text, rel, diagnostics);
        translated.extend(strings.keys().cloned());
        ui.extend(strings);
    }
    let missing: Vec<String> = english.into_iter().filter(|k| !translated.contains(k)).collect();
    if !missing.is_empty() {
        let (rel, _) = &texts[texts.len() - 1];
        let message = format!("{} UI strings have no `{lang}` translation and are shown in English: {}", missing.len(), missing.join(", "));
        diagnostics.push(Diagnostic::warning(Location::new(rel, 1, 1), message).with_help("add them to this file as `key: text` lines"));
    }
    ui
}

/// One translation file's strings.
fn parse_ui(text: &str, rel: &str, diagnostics: &mut Diagnostics) -> Ui {
    let origin = crate::yaml::Origin { path: rel, first_line: 1 };
    let parsed = crate::yaml::parse(text, crate::yaml::Limits::CONFIG, origin).and_then(|v| {
        serde_norway::from_value(v)
            .map_err(|e| Diagnostic::error(Location::new(rel, 1, 1), e.to_string()).with_help("write `key: text` lines"))
    });
    parsed.unwrap_or_else(|d| {
        diagnostics.push(d);
        Ui::new()
    })
}

/// The error for a language no layer has UI strings for, at `language:` in `site.yaml`.
fn unknown_language(source: &Source, lang: &str) -> Diagnostic {
    let known = source.languages();
    let help = format!(
        "the languages are: {}; to add `{lang}`, copy `i18n/en.yaml` of the theme (`ledestjerne theme eject` writes it out) to `i18n/{lang}.yaml` in the site and translate its strings",
        known.join(", ")
    );
    Diagnostic::error(config_place(source.root, "language:"), format!("the theme has no UI strings for language `{lang}`")).with_help(help)
}

/// The place of `key` in the site's `site.yaml`: theme errors that come from a setting point at it.
fn config_place(root: &Path, key: &str) -> Location {
    let text = std::fs::read_to_string(root.join(crate::config::CONFIG_FILE)).unwrap_or_default();
    let (line, col) = crate::yaml::locate_after(&text, 1, key).unwrap_or((1, 1));
    Location::new(crate::config::CONFIG_FILE, line, col)
}

/// Compiles the templates (name → path and text); a syntax error is placed at its file and line.
fn compile(sources: &BTreeMap<String, (String, String)>, diagnostics: &mut Diagnostics) -> Templates {
    let mut tera = Tera::new();
    tera.autoescape_on([".html", ".xml"]);
    let files: BTreeMap<String, String> = sources.iter().map(|(name, (path, _))| (name.clone(), path.clone())).collect();
    let templates = sources.iter().map(|(name, (_, text))| (name.as_str(), text.as_str()));
    if let Err(e) = tera.add_raw_templates(templates) {
        let mut failure = failure(&e, &files, "", "");
        if failure.location.path.is_empty() {
            failure.location = Location::new("templates", 1, 1);
        }
        let d = Diagnostic::error(failure.location, format!("template error: {}", failure.message));
        diagnostics.push(d.with_help("fix the template's syntax at this place"));
    }
    Templates { tera, files }
}

fn collect(site: &Site, dir: &Path, rel: &str, out: &mut BTreeMap<String, (String, String)>, diagnostics: &mut Diagnostics) {
    let problems = site.walk(dir, |entry| {
        if entry.file_type().is_file() {
            let name = crate::tree::relative(dir, entry.path());
            let path = format!("{rel}/{name}");
            match std::fs::read_to_string(entry.path()) {
                Ok(text) => {
                    out.insert(name, (path, text));
                }
                Err(e) => diagnostics.push(Diagnostic::error(Location::new(path, 1, 1), format!("cannot read template: {e}"))),
            }
        }
        true
    });
    diagnostics.extend(problems);
}

fn collect_static(site: &Site, root: &Path, dir: &Path, out: &mut BTreeMap<String, StaticFile>, diagnostics: &mut Diagnostics) {
    let problems = site.walk(dir, |entry| {
        let rel = crate::tree::relative(dir, entry.path());
        if entry.file_name().to_str().is_none() {
            diagnostics.push(not_utf8(&crate::tree::relative(root, entry.path()), entry.file_name()));
            return false;
        }
        if !rel.is_empty() && !publishable(&rel) {
            diagnostics.push(hidden_file_warning(&crate::tree::relative(root, entry.path())));
            return false;
        }
        if entry.file_type().is_file() {
            out.insert(rel, StaticFile::Disk(entry.path().to_path_buf()));
        }
        true
    });
    diagnostics.extend(problems);
}

fn not_utf8(path: &str, name: &std::ffi::OsStr) -> Diagnostic {
    Diagnostic::error(Location::new(path, 1, 1), format!("the name {name:?} is not valid UTF-8")).with_help(
        "rename the file: web addresses are UTF-8, so it could not be published under its own name (`\\x..` are the bytes that are not)",
    )
}

/// Whether a static file or folder (`/`-separated, relative to `static/`)
/// may be published. Names starting with a dot are often secrets (`.env`,
/// `.git/config`); only those hosts read are published: `.well-known/`,
/// `.nojekyll` and `.htaccess`.
pub fn publishable(rel: &str) -> bool {
    const ALLOWED: [&str; 3] = [".well-known", ".nojekyll", ".htaccess"];
    let mut parts = rel.split('/');
    let first = parts.next().unwrap_or_default();
    let first_ok = !first.starts_with('.') || ALLOWED.contains(&first);
    first_ok && parts.all(|p| !p.starts_with('.') || p == ".htaccess")
}

fn hidden_file_warning(path: &str) -> Diagnostic {
    Diagnostic::warning(Location::new(path, 1, 1), format!("`{path}` is not published: names starting with a dot are often secrets"))
        .with_help("only `.well-known/`, `.nojekyll` and `.htaccess` are published; move the file elsewhere if it should not be in the site folder")
}

#[cfg(test)]
mod tests {
    #[test]
    fn dotfiles_are_published_only_from_the_allow_list() {
        for ok in ["style.css", "img/logo.png", ".well-known/security.txt", ".nojekyll", ".htaccess", "sub/.htaccess"] {
            assert!(super::publishable(ok), "{ok}");
        }
        for bad in [".env", ".git", ".git/config", "img/.DS_Store", "sub/.env", ".well-known/.secret"] {
            assert!(!super::publishable(bad), "{bad}");
        }
    }

    #[test]
    fn a_report_printed_as_text_is_placed() {
        let text = "error: Unknown filter `nofilter`\n --> case.html:1:63\n  |\n1 | {{ x | nofilter }}\n";
        let place = super::report_place(text).unwrap();
        assert_eq!(place, ("case.html".to_string(), 1, 63, "Unknown filter `nofilter`".to_string()));
    }
}
