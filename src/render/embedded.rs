//! The default theme, compiled into the binary.
//!
//! `themes/default/` in the repository is the source; `include_dir!` copies
//! it into the program, so an installed `ledestjerne` builds a site that has
//! no theme folder of its own. [`super::theme`] reads it as the lowest layer
//! of the theme called `default`: a site's own `themes/default/`,
//! `templates/`, `static/` and `i18n/` override it file by file, and
//! `ledestjerne theme eject` writes it out for customising.

use include_dir::{Dir, include_dir};

/// The name of the theme that is built in.
pub const NAME: &str = "default";

/// The default theme's files, as in `themes/default/`.
static DEFAULT: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Every file of the built-in theme under `folder` (`templates`, `static`),
/// as its path relative to that folder and its bytes, sorted by path.
pub fn files(folder: &str) -> Vec<(String, &'static [u8])> {
    let mut out = Vec::new();
    if let Some(dir) = DEFAULT.get_dir(folder) {
        walk(dir, &mut out);
    }
    let prefix = format!("{folder}/");
    let mut out: Vec<(String, &'static [u8])> =
        out.into_iter().map(|(path, bytes)| (path.strip_prefix(&prefix).unwrap_or(&path).to_string(), bytes)).collect();
    out.sort();
    out
}

/// Every file of the built-in theme, by path relative to the theme folder.
pub fn all_files() -> Vec<(String, &'static [u8])> {
    let mut out = Vec::new();
    walk(&DEFAULT, &mut out);
    out.sort();
    out
}

fn walk(dir: &Dir<'static>, out: &mut Vec<(String, &'static [u8])>) {
    for file in dir.files() {
        out.push((file.path().to_string_lossy().replace('\\', "/"), file.contents()));
    }
    for sub in dir.dirs() {
        walk(sub, out);
    }
}

/// The built-in UI strings of `lang` (the text of `i18n/<lang>.yaml`).
pub fn ui(lang: &str) -> Option<&'static str> {
    DEFAULT.get_file(format!("i18n/{lang}.yaml")).and_then(|f| f.contents_utf8())
}

/// The languages the built-in theme has UI strings for, sorted.
pub fn languages() -> Vec<String> {
    files("i18n").into_iter().filter_map(|(name, _)| name.strip_suffix(".yaml").map(str::to_string)).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_built_in_theme_has_templates_static_files_and_two_languages() {
        let templates: Vec<String> = super::files("templates").into_iter().map(|(n, _)| n).collect();
        assert!(templates.contains(&"base.html".to_string()) && templates.contains(&"partials/card.html".to_string()), "{templates:?}");
        assert!(super::files("static").iter().any(|(n, _)| n == "style.css"));
        assert_eq!(super::languages(), ["da", "en"]);
        assert!(super::ui("en").is_some_and(|t| t.contains("search:")));
    }
}
