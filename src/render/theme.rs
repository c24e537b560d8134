//! Loading a theme: Tera templates, static files and UI strings.
//!
//! Templates come from `themes/<name>/templates/`; a file of the same name in
//! the site's own `templates/` overrides the theme's. UI strings come from
//! `themes/<name>/i18n/<lang>.yaml`, so the theme speaks the site's language.

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tera::Tera;

/// A loaded theme.
pub struct Theme {
    /// Compiled templates.
    pub tera: Tera,
    /// Static files: output path → file on disk (site `static/` overrides the theme's).
    pub static_files: BTreeMap<String, PathBuf>,
    /// UI strings.
    pub ui: BTreeMap<String, String>,
}

impl Theme {
    /// Whether a template called `name` exists.
    pub fn has(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }
}

/// Loads the theme named in `config` for the site at `root`.
pub fn load(root: &Path, config: &Config) -> Result<Theme, Diagnostics> {
    let theme_dir = root.join("themes").join(&config.theme);
    let rel_theme = format!("themes/{}", config.theme);
    let mut diagnostics = Diagnostics::new();
    if !theme_dir.is_dir() {
        diagnostics.push(
            Diagnostic::error(
                Location::new(crate::config::CONFIG_FILE, 1, 1),
                format!("the theme `{}` does not exist: no folder `{rel_theme}/`", config.theme),
            )
            .with_help("set `theme:` in site.yaml to a folder under themes/"),
        );
        return Err(diagnostics);
    }
    let mut templates: BTreeMap<String, (String, String)> = BTreeMap::new();
    collect(&theme_dir.join("templates"), &format!("{rel_theme}/templates"), &mut templates, &mut diagnostics);
    collect(&root.join("templates"), "templates", &mut templates, &mut diagnostics);
    let mut tera = Tera::new();
    tera.autoescape_on([".html", ".xml"]);
    if let Err(e) = tera.add_raw_templates(templates.iter().map(|(name, (_, text))| (name.as_str(), text.as_str()))) {
        diagnostics.push(template_error(&e, &templates));
    }
    let ui = load_ui(&theme_dir, &rel_theme, &config.language, &mut diagnostics);
    let mut static_files = BTreeMap::new();
    collect_static(&theme_dir.join("static"), &theme_dir.join("static"), &mut static_files);
    collect_static(&root.join("static"), &root.join("static"), &mut static_files);
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    Ok(Theme { tera, static_files, ui })
}

fn collect(dir: &Path, rel: &str, out: &mut BTreeMap<String, (String, String)>, diagnostics: &mut Diagnostics) {
    if !dir.is_dir() {
        return;
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name().into_iter().filter_map(Result::ok) {
        if !entry.file_type().is_file() {
            continue;
        }
        let name = crate::content::discover::relative(dir, entry.path());
        let path = format!("{rel}/{name}");
        match std::fs::read_to_string(entry.path()) {
            Ok(text) => {
                out.insert(name, (path, text));
            }
            Err(e) => diagnostics.push(Diagnostic::error(Location::new(path, 1, 1), format!("cannot read template: {e}"))),
        }
    }
}

/// A Tera error, placed in the template file it names where possible.
pub fn template_error(e: &tera::Error, templates: &BTreeMap<String, (String, String)>) -> Diagnostic {
    let text = format!("{e}");
    let (path, line) = templates
        .iter()
        .find(|(name, _)| text.contains(name.as_str()))
        .map_or(("templates".to_string(), 1), |(_, (path, _))| (path.clone(), line_in(&text)));
    Diagnostic::error(Location::new(path, line, 1), format!("template error: {}", text.lines().next().unwrap_or_default()))
        .with_help(text.lines().skip(1).collect::<Vec<_>>().join(" ").trim().to_string())
}

fn line_in(text: &str) -> usize {
    text.split(|c: char| !c.is_ascii_alphanumeric() && c != ':')
        .find_map(|w| w.strip_prefix("line:").or_else(|| w.strip_prefix("line")).and_then(|n| n.parse().ok()))
        .unwrap_or(1)
}

fn load_ui(theme_dir: &Path, rel_theme: &str, lang: &str, diagnostics: &mut Diagnostics) -> BTreeMap<String, String> {
    let path = theme_dir.join("i18n").join(format!("{lang}.yaml"));
    let rel = format!("{rel_theme}/i18n/{lang}.yaml");
    let Ok(text) = std::fs::read_to_string(&path) else {
        diagnostics.push(
            Diagnostic::error(Location::new(rel, 1, 1), format!("the theme has no UI strings for language `{lang}`"))
                .with_help("add the translation file, or change `language:` in site.yaml"),
        );
        return BTreeMap::new();
    };
    match crate::yaml::parse(&text, crate::yaml::Limits::CONFIG).and_then(|v| {
        serde_norway::from_value(v).map_err(|e| crate::yaml::YamlError {
            line: 1,
            col: 1,
            message: e.to_string(),
            help: "write `key: text` lines".into(),
        })
    }) {
        Ok(ui) => ui,
        Err(e) => {
            diagnostics.push(Diagnostic::error(Location::new(rel, e.line, e.col), e.message).with_help(e.help));
            BTreeMap::new()
        }
    }
}

fn collect_static(base: &Path, dir: &Path, out: &mut BTreeMap<String, PathBuf>) {
    if !dir.is_dir() {
        return;
    }
    for entry in walkdir::WalkDir::new(dir).into_iter().filter_map(Result::ok) {
        if entry.file_type().is_file() {
            out.insert(crate::content::discover::relative(base, entry.path()), entry.path().to_path_buf());
        }
    }
}
