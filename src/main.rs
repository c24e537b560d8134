//! The `ledestjerne` command: parse arguments, run, map problems to exit codes.

mod cli;

use clap::Parser;
use cli::{Cli, Command, Format};
use ledestjerne::diagnostics::Diagnostics;
use ledestjerne::pipeline::{self, Options};
use ledestjerne::{init, output, scaffold, serve};
use std::process::ExitCode;
use std::time::Instant;

/// mimalloc instead of the system allocator: the build and the search index
/// allocate many small strings from both cores at once, where glibc's malloc
/// spent about a quarter of the build's time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => run_build(&cli.root, &args),
        Command::Check(args) => run_check(&cli.root, args.format),
        Command::Serve(args) => run_serve(&cli.root, &args),
        Command::New(args) => run_new(&cli.root, &args),
        Command::Init(args) => run_init(args.dir.as_deref().unwrap_or(&cli.root), &args),
        Command::Theme(cli::ThemeCommand::Eject(args)) => run_eject(&cli.root, &args),
    }
}

fn print_diagnostics(diagnostics: &Diagnostics) {
    eprint!("{diagnostics}");
}

fn fail(diagnostics: &Diagnostics, what: &str) -> ExitCode {
    print_diagnostics(diagnostics);
    let n = diagnostics.error_count();
    eprintln!("error: {what} failed with {n} error{}", if n == 1 { "" } else { "s" });
    ExitCode::FAILURE
}

fn run_build(root: &std::path::Path, args: &cli::BuildArgs) -> ExitCode {
    let start = Instant::now();
    ledestjerne::timing::phase("start");
    let output = if args.output.is_absolute() { args.output.clone() } else { root.join(&args.output) };
    let out = match output::check_output(root, &output) {
        Ok(out) => out,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let unlisted = match refuse_strays(&out, args.force) {
        Ok(unlisted) => unlisted,
        Err(code) => return code,
    };
    ledestjerne::timing::phase("look for files the last build did not write");
    if let Some(Err((message, help))) = args.base_url.as_deref().map(ledestjerne::config::check_base_url) {
        eprintln!("error: --base-url: {message}\n  help: {help}");
        return ExitCode::FAILURE;
    }
    let options = Options { root: root.to_path_buf(), base_url: args.base_url.clone(), drafts: args.drafts, portable: args.portable };
    let record = if args.no_reuse { None } else { output::reuse::read_record(&out) };
    let begun = if record.is_some() { output::Staging::begin_reusing(&out) } else { output::Staging::begin(&out) };
    let staging = match begun {
        Ok(staging) => staging.knowing_unlisted(unlisted),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let keep = |files: &[(String, u64)]| staging.keep(files);
    // The page cache is read unless asked not to reuse, and written either way.
    let pages = Some(if args.no_reuse { Vec::new() } else { output::reuse::read_page_cache(&out).unwrap_or_default() });
    let previous = pipeline::Previous { record, pages, keep: &keep };
    let sink = |file| staging.write(&file);
    let built = pipeline::build_reusing(&options, &previous, !args.no_search, &sink);
    let report = match built {
        Ok(report) => report,
        // Dropping the staging removes the half-written site; the old one stays.
        Err(diagnostics) => return fail(&diagnostics, "build"),
    };
    print_diagnostics(&report.warnings);
    let files = staging.count();
    match staging.finish() {
        Ok(kept) => print_kept(&kept, &out),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    }
    ledestjerne::timing::phase("put the new output in place");
    if let Some(Err(e)) = report.page_cache.as_deref().map(|bytes| output::reuse::write_page_cache(&out, bytes)) {
        eprintln!("warning: cannot keep the page cache beside `{}` for the next build: {e}", out.display());
    }
    ledestjerne::timing::phase("keep the page cache");
    eprintln!("built {} pages ({files} files) into {} in {} ms", report.pages, out.display(), start.elapsed().as_millis());
    print_reused(&report);
    ExitCode::SUCCESS
}

/// Stops the build when the output folder holds files the last build did
/// not write, unless `force`: a rebuild would otherwise publish or lose them
/// without anyone deciding. Returns what the folder holds besides the last
/// build's files (a `.git`, or the strays of a forced build).
fn refuse_strays(out: &std::path::Path, force: bool) -> Result<Vec<String>, ExitCode> {
    let unlisted = match output::unlisted(out) {
        Ok(unlisted) => unlisted,
        Err(e) => {
            eprintln!("error: cannot read the output folder `{}`: {e}", out.display());
            return Err(ExitCode::FAILURE);
        }
    };
    let strays = output::strays_among(&unlisted);
    if force || strays.is_empty() {
        return Ok(unlisted);
    }
    let mut names: Vec<String> = strays.iter().take(10).map(|p| format!("`{p}`")).collect();
    if strays.len() > 10 {
        names.push(format!("and {} more", strays.len() - 10));
    }
    eprintln!("error: the output folder `{}` holds files ledestjerne did not write: {}", out.display(), names.join(", "));
    eprintln!(
        "  help: move them into the site's `static/` folder to publish them with the site, delete them, or build with `--force` to keep them where they are (a `.git` is always kept)"
    );
    Err(ExitCode::FAILURE)
}

/// Says what the build took from the previous output instead of making it again.
fn print_reused(report: &pipeline::Report) {
    let bundles = report.search.filter(|s| s.reused > 0);
    if report.reused == 0 && bundles.is_none() {
        return;
    }
    let mut what = format!("{} of {} pages", report.reused, report.pages);
    if let Some(s) = bundles {
        what.push_str(&format!(" and {} of {} search bundles", s.reused, s.reused + s.indexed));
    }
    eprintln!("reused {what} from the previous build (--no-reuse renders everything)");
}

/// Says which files of the output folder the build did not write, and
/// which of those it could not keep.
fn print_kept(kept: &output::Kept, out: &std::path::Path) {
    for path in &kept.replaced {
        eprintln!(
            "warning: `{}` was not written by ledestjerne and is replaced by the site's own file of that path",
            out.join(path).display()
        );
        eprintln!("  help: move it into the site's `static/` folder to publish it, or rename it");
    }
    if !kept.moved.is_empty() {
        let mut names: Vec<String> = kept.moved.iter().take(5).map(|p| format!("`{p}`")).collect();
        if kept.moved.len() > 5 {
            names.push(format!("and {} more", kept.moved.len() - 5));
        }
        eprintln!("kept {} in the output folder: not written by ledestjerne", names.join(", "));
    }
}

fn run_check(root: &std::path::Path, format: Format) -> ExitCode {
    let result = pipeline::check(&Options { root: root.to_path_buf(), base_url: None, drafts: false, ..Options::default() });
    let (diagnostics, ok) = match &result {
        Ok(warnings) => (warnings, true),
        Err(errors) => (errors, false),
    };
    if format == Format::Json {
        let list = diagnostics.clone().sorted();
        println!("{}", serde_json::to_string_pretty(&list).unwrap_or_else(|_| "[]".into()));
        return if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE };
    }
    if ok {
        print_diagnostics(diagnostics);
        eprintln!("ok: no errors");
        ExitCode::SUCCESS
    } else {
        fail(diagnostics, "check")
    }
}

fn run_serve(root: &std::path::Path, args: &cli::ServeArgs) -> ExitCode {
    let output = if args.output.is_absolute() { args.output.clone() } else { root.join(&args.output) };
    let options = serve::ServeOptions { root: root.to_path_buf(), bind: args.bind.clone(), port: args.port, output };
    match serve::run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The exit code of a command that writes files: `done` says what was
/// written, or the error is printed.
fn written<T, E: std::fmt::Display>(result: Result<T, E>, done: impl FnOnce(T)) -> ExitCode {
    match result {
        Ok(value) => {
            done(value);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn run_new(root: &std::path::Path, args: &cli::NewArgs) -> ExitCode {
    written(scaffold::create(root, &args.kind, &args.title), |page| {
        println!("{}", page.path);
        if page.has_required {
            eprintln!("fill in the fields marked `{}`, then write the page below the front matter", page.required_mark);
        }
    })
}

fn run_init(dir: &std::path::Path, args: &cli::InitArgs) -> ExitCode {
    written(init::site(dir, &args.language, args.force), |files| {
        for file in &files {
            println!("{}", dir.join(file).display());
        }
        let root = dir.display();
        eprintln!("created a site in {root}\n  next: `ledestjerne serve --root {root}` shows it at http://127.0.0.1:1111/ as you edit");
    })
}

fn run_eject(root: &std::path::Path, args: &cli::EjectArgs) -> ExitCode {
    written(init::eject_theme(root, &args.name, args.force), |folder| {
        eprintln!("wrote the built-in theme to {}", folder.display());
        if args.name != ledestjerne::render::embedded::NAME {
            eprintln!("  next: set `theme: {}` in site.yaml to build with it", args.name);
        }
    })
}
