//! `ledestjerne init` and the built-in theme, as a new user meets them: the
//! binary run in an empty folder outside the repository, with no theme folder
//! anywhere near (issue 15).

use crate::support::live_server::{Server, free_port};
use crate::support::{BIN, REPO, files_under};
use std::path::Path;
use std::process::{Command, Output};

/// Runs the binary in `dir` with `args`.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN).current_dir(dir).args(args).output().expect("run ledestjerne")
}

#[track_caller]
fn ok(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "expected success, stderr:\n{stderr}");
    stderr
}

/// An empty folder that is not inside the repository.
fn outside() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    assert!(!dir.path().starts_with(REPO), "the temporary folder is outside the repository");
    dir
}

/// The UI strings of the built-in theme's Danish that English says otherwise.
fn danish_only_strings() -> Vec<String> {
    let strings = |lang: &str| -> std::collections::BTreeMap<String, String> {
        let text = std::fs::read_to_string(Path::new(REPO).join(format!("themes/default/i18n/{lang}.yaml"))).expect("i18n file");
        serde_norway::from_str(&text).expect("UI strings")
    };
    let (da, en) = (strings("da"), strings("en"));
    da.into_iter().filter(|(k, v)| en.get(k) != Some(v) && v.chars().count() > 3).map(|(_, v)| v).collect()
}

#[test]
fn init_then_build_and_serve_work_in_an_empty_folder_outside_the_repository() {
    let dir = outside();
    ok(&run_in(dir.path(), &["init", "site"]));
    let site = dir.path().join("site");
    assert!(!site.join("themes").exists(), "the starter uses the built-in theme");
    ok(&run_in(dir.path(), &["build", "--root", "site"]));
    let public = site.join("public");
    let front = std::fs::read_to_string(public.join("index.html")).expect("front page");
    assert!(front.contains("<html lang=\"en\">"), "{front}");
    assert!(public.join("search/index.html").is_file() && public.join("style.css").is_file());
    assert!(!public.join("soeg").exists());
    assert!(!front.contains("nav-actors") && !front.contains("actors-h"), "no hub sections without `hub:`");
    for file in files_under(&public).into_iter().filter(|(rel, _)| rel.ends_with(".html")) {
        let html = std::fs::read_to_string(&file.1).expect("page");
        for danish in danish_only_strings() {
            assert!(!html.contains(&danish), "{}: Danish UI string `{danish}`", file.0);
        }
    }
    let author = std::fs::read_to_string(public.join("authors/your-name/index.html")).expect("author page");
    assert!(author.contains("Mentioned in") && author.contains("href=\"../../articles/hello-world/\""), "the reference is a backlink");
    let server = Server::start(&site, free_port());
    server.wait_for_page("/articles/hello-world/", "Hello, world");
}

#[test]
fn init_in_danish_builds_a_danish_site() {
    let dir = outside();
    ok(&run_in(dir.path(), &["init", "site", "--language", "da"]));
    ok(&run_in(dir.path(), &["build", "--root", "site"]));
    let public = dir.path().join("site/public");
    let front = std::fs::read_to_string(public.join("index.html")).expect("front page");
    assert!(front.contains("<html lang=\"da\">") && front.contains("Spring til indhold"), "{front}");
    assert!(public.join("soeg/index.html").is_file());
}

#[test]
fn init_refuses_a_folder_with_files_unless_forced() {
    let dir = outside();
    std::fs::write(dir.path().join("notes.txt"), "mine").expect("write");
    let refused = run_in(dir.path(), &["init"]);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("is not empty (it has notes.txt); nothing was written") && stderr.contains("--force"), "{stderr}");
    assert!(!dir.path().join("site.yaml").exists());
    ok(&run_in(dir.path(), &["init", "--force"]));
    assert_eq!(std::fs::read_to_string(dir.path().join("notes.txt")).expect("kept"), "mine");
    ok(&run_in(dir.path(), &["check"]));
}

#[test]
fn an_unknown_language_is_refused_with_the_languages_there_are() {
    let dir = outside();
    let refused = run_in(dir.path(), &["init", "--language", "fr"]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("no starter site in the language `fr`") && stderr.contains("da, en"), "{stderr}");
    ok(&run_in(dir.path(), &["init"]));
    let yaml = std::fs::read_to_string(dir.path().join("site.yaml")).expect("site.yaml");
    std::fs::write(dir.path().join("site.yaml"), yaml.replace("language: en", "language: fr")).expect("write");
    let stderr = String::from_utf8_lossy(&run_in(dir.path(), &["check"]).stderr).into_owned();
    assert!(stderr.contains("error: site.yaml:6:1: the theme has no UI strings for language `fr`"), "{stderr}");
    assert!(stderr.contains("the languages are: da, en; to add `fr`"), "{stderr}");
}

#[test]
fn a_site_overrides_single_ui_strings_and_theme_files() {
    let dir = outside();
    ok(&run_in(dir.path(), &["init"]));
    std::fs::create_dir_all(dir.path().join("i18n")).expect("folder");
    std::fs::write(dir.path().join("i18n/en.yaml"), "search: \"Find\"\nsearch_path: \"find\"\n").expect("write");
    std::fs::create_dir_all(dir.path().join("static")).expect("folder");
    std::fs::write(dir.path().join("static/style.css"), "body { color: red }").expect("write");
    ok(&run_in(dir.path(), &["build"]));
    let public = dir.path().join("public");
    let front = std::fs::read_to_string(public.join("index.html")).expect("front page");
    assert!(front.contains(">Find</button>") && front.contains("action=\"find/\""), "{front}");
    assert!(front.contains("Skip to content"), "the other strings stay");
    assert!(public.join("find/index.html").is_file());
    assert_eq!(std::fs::read_to_string(public.join("style.css")).expect("css"), "body { color: red }");
}

#[test]
fn theme_eject_writes_the_built_in_theme_to_customise() {
    let dir = outside();
    ok(&run_in(dir.path(), &["init"]));
    let stderr = ok(&run_in(dir.path(), &["theme", "eject", "mine"]));
    assert!(stderr.contains("set `theme: mine` in site.yaml"), "{stderr}");
    let theme = dir.path().join("themes/mine");
    let ejected = files_under(&theme);
    let source = files_under(&Path::new(REPO).join("themes/default"));
    assert_eq!(ejected.keys().collect::<Vec<_>>(), source.keys().collect::<Vec<_>>());
    let refused = run_in(dir.path(), &["theme", "eject", "mine"]);
    assert_eq!(refused.status.code(), Some(1));
    std::fs::write(theme.join("templates/404.html"), "{% extends \"base.html\" %}{% block main %}<h1>Lost</h1>{% endblock main %}")
        .expect("write");
    let yaml = std::fs::read_to_string(dir.path().join("site.yaml")).expect("site.yaml");
    std::fs::write(dir.path().join("site.yaml"), yaml.replace("language: en", "language: en\ntheme: mine")).expect("write");
    ok(&run_in(dir.path(), &["build"]));
    let not_found = std::fs::read_to_string(dir.path().join("public/404.html")).expect("404");
    assert!(not_found.contains("<h1>Lost</h1>"), "{not_found}");
}

#[test]
fn version_is_printed() {
    let output = run_in(Path::new(REPO), &["--version"]);
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), format!("ledestjerne {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn new_marks_fields_in_the_site_language() {
    let dir = outside();
    ok(&run_in(dir.path(), &["init"]));
    let stderr = ok(&run_in(dir.path(), &["new", "article", "Second thoughts"]));
    assert!(stderr.contains("fill in the fields marked `required`"), "{stderr}");
    let text = std::fs::read_to_string(dir.path().join("content/articles/second-thoughts.md")).expect("new page");
    assert!(text.contains("date:  # required: a date (YYYY-MM-DD)") && text.contains("# summary:  # optional: Markdown text"), "{text}");
}
