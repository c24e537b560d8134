//! The files of a site and of its output folder as surprising things: links
//! that leave the site, names the output or another system cannot hold, and
//! files that someone else put into the output folder. Each test asserts on
//! what the user sees: the exit code, the message and the files.

use crate::support::{SiteTest, assert_says};

fn site() -> SiteTest {
    let actor = "title: Borgere\nchapter: \"1\"";
    SiteTest::new().page("aktoerer", "borgere", actor, "Tekst.\n")
}

#[cfg(unix)]
mod links {
    use super::*;
    use std::os::unix::fs::symlink;

    /// A folder outside the site with a secret in it.
    fn elsewhere() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temporary folder");
        std::fs::write(dir.path().join("id_rsa"), "PRIVATE KEY").expect("write");
        std::fs::write(dir.path().join("x.md"), "---\ntitle: Hemmelig\n---\nPRIVATE KEY\n").expect("write");
        dir
    }

    #[test]
    fn a_static_folder_that_links_out_of_the_site_is_an_error_naming_it() {
        let outside = elsewhere();
        let site = site();
        symlink(outside.path(), site.root().join("static")).expect("symlink");
        for command in [&["build"][..], &["check"]] {
            let run = site.run(command).failed();
            assert_says(&run.stderr, "error: static:1:1: `static` is a symbolic link to");
            assert_says(&run.stderr, "outside the site folder");
        }
        assert!(!site.root().join("public").exists());
    }

    #[test]
    fn links_out_of_the_site_in_content_static_and_templates_are_errors() {
        let outside = elsewhere();
        let site = site().file("static/style-own.css", "x").file("templates/.keep", "");
        symlink(outside.path().join("x.md"), site.root().join("content/hemmelig.md")).expect("symlink");
        symlink(outside.path().join("id_rsa"), site.root().join("static/key.txt")).expect("symlink");
        symlink(outside.path().join("id_rsa"), site.root().join("templates/page.html")).expect("symlink");
        let run = site.build().failed();
        for link in ["content/hemmelig.md", "static/key.txt", "templates/page.html"] {
            assert_says(&run.stderr, &format!("error: {link}:1:1: `{link}` is a symbolic link to"));
        }
    }

    #[test]
    fn links_that_stay_inside_the_site_are_followed() {
        let site = site().file("shared/logo.svg", "<svg/>").file("drafts/om.md", "---\ntitle: Om\n---\nOm os.\n");
        std::fs::create_dir_all(site.root().join("static")).expect("static");
        symlink(site.root().join("shared"), site.root().join("static/img")).expect("symlink");
        symlink(site.root().join("drafts/om.md"), site.root().join("content/om.md")).expect("symlink");
        let run = site.build().ok();
        assert_eq!(std::fs::read_to_string(run.out.join("img/logo.svg")).expect("linked static file"), "<svg/>");
        assert!(run.html("om/").contains("Om os."));
    }

    #[test]
    fn a_language_file_that_links_out_is_an_error() {
        let outside = elsewhere();
        let site = site();
        let da = site.root().join("themes/default/i18n/da.yaml");
        std::fs::copy(&da, outside.path().join("da.yaml")).expect("copy");
        std::fs::remove_file(&da).expect("remove");
        symlink(outside.path().join("da.yaml"), &da).expect("symlink");
        let run = site.run(&["check"]).failed();
        assert_says(&run.stderr, "error: themes/default/i18n/da.yaml:1:1: `themes/default/i18n/da.yaml` is a symbolic link to");
    }
}

mod output_folder {
    use super::*;

    #[test]
    fn a_git_checkout_in_the_output_survives_every_build() {
        let site = site();
        let out = site.build().ok().out;
        std::fs::create_dir_all(out.join(".git/refs")).expect(".git");
        std::fs::write(out.join(".git/HEAD"), "ref: refs/heads/gh-pages\n").expect("HEAD");
        site.build().ok();
        let site = site.file("content/nyhed.md", "---\ntitle: Nyhed\n---\nNyt.\n");
        site.build().ok();
        assert_eq!(std::fs::read_to_string(out.join(".git/HEAD")).expect("kept"), "ref: refs/heads/gh-pages\n");
        assert!(out.join(".git/refs").is_dir());
    }

    #[test]
    fn a_stray_file_stops_the_build_and_the_old_output_stays() {
        let site = site();
        let out = site.build().ok().out;
        let before = std::fs::read(out.join("index.html")).expect("index");
        std::fs::write(out.join("CNAME"), "kursus.example.org\n").expect("CNAME");
        std::fs::write(out.join("aktoerer/handout.pdf"), "%PDF").expect("pdf");
        let site = site.file("content/nyhed.md", "---\ntitle: Nyhed\n---\nNyt.\n");
        let run = site.build().failed();
        assert_says(&run.stderr, "holds files ledestjerne did not write: `CNAME`, `aktoerer/handout.pdf`");
        assert_says(&run.stderr, "move them into the site's `static/` folder");
        assert_eq!(std::fs::read(out.join("index.html")).expect("index"), before, "the old output was changed");
        assert!(!out.join("nyhed/index.html").exists(), "the refused build wrote pages");
        assert!(out.join("CNAME").is_file() && out.join("aktoerer/handout.pdf").is_file());
    }

    #[test]
    fn a_forced_build_keeps_the_stray_files() {
        let site = site();
        let out = site.build().ok().out;
        std::fs::write(out.join("CNAME"), "kursus.example.org\n").expect("CNAME");
        std::fs::write(out.join("aktoerer/handout.pdf"), "%PDF").expect("pdf");
        let run = site.build_with(&["--force"]).ok();
        assert_eq!(std::fs::read_to_string(out.join("CNAME")).expect("kept"), "kursus.example.org\n");
        assert!(out.join("aktoerer/handout.pdf").is_file());
        assert_says(&run.stderr, "kept `CNAME`, `aktoerer/handout.pdf` in the output folder");
        // A file the site itself now publishes at that path wins, with a warning.
        let site = site.file("static/CNAME", "ny.example.org\n");
        let run = site.build_with(&["--force"]).ok();
        assert_eq!(std::fs::read_to_string(out.join("CNAME")).expect("site's file"), "ny.example.org\n");
        assert_says(&run.stderr, "CNAME` was not written by ledestjerne and is replaced by the site's own file");
        // Now the site writes CNAME itself; only the PDF is still in the way.
        let run = site.build().failed();
        assert_says(&run.stderr, "did not write: `aktoerer/handout.pdf`\n");
    }

    #[test]
    fn folders_that_only_look_like_temporary_ones_are_left_alone() {
        let site = site();
        for name in [".public.tmp-backup", ".public.old-mine", ".public.tmp-1"] {
            std::fs::create_dir_all(site.root().join(name)).expect("folder");
            std::fs::write(site.root().join(name).join("mine.txt"), "mine").expect("file");
        }
        site.build().ok();
        for name in [".public.tmp-backup", ".public.old-mine", ".public.tmp-1"] {
            assert!(site.root().join(name).join("mine.txt").is_file(), "{name} was deleted");
        }
    }

    #[cfg(unix)]
    #[test]
    fn an_output_reached_through_a_link_is_checked_by_where_it_leads() {
        let site = site();
        let elsewhere = tempfile::tempdir().expect("temporary folder");
        let link = elsewhere.path().join("into-content");
        std::os::unix::fs::symlink(site.root().join("content"), &link).expect("symlink");
        let run = site.build_with(&["--output", link.join("public").to_str().expect("UTF-8")]).failed();
        assert_says(&run.stderr, "it is inside the site's `content/` folder");
        assert!(!site.root().join("content/public").exists());
    }

    #[cfg(unix)]
    #[test]
    fn an_output_that_is_a_link_is_written_through() {
        let site = site();
        let target = tempfile::tempdir().expect("temporary folder");
        let real = target.path().join("www");
        std::os::unix::fs::symlink(&real, site.root().join("public")).expect("symlink");
        for _ in 0..2 {
            site.build().ok();
            assert!(site.root().join("public").symlink_metadata().expect("link").file_type().is_symlink());
            assert!(real.join("index.html").is_file(), "the link's target holds the site");
        }
    }
}

mod paths {
    use super::*;

    /// `check` and `build` fail alike, with `message` in both.
    #[track_caller]
    fn both_refuse(site: &SiteTest, message: &str) {
        let check = site.run(&["check"]).failed();
        assert_says(&check.stderr, message);
        let build = site.build().failed();
        assert_says(&build.stderr, message);
        assert!(!build.out.exists(), "nothing is written");
    }

    #[test]
    fn a_page_at_a_generated_path_fails_check_as_it_fails_build() {
        both_refuse(
            &site().page("", "soeg", "title: Søg", ""),
            "error: content/soeg.md:1:1: `content/soeg.md` would be written to `soeg/index.html`, where the search page goes",
        );
        both_refuse(&site().page("", "print", "title: Print", ""), "would be written to `print/index.html`, where the print page goes");
        both_refuse(&site().page("", "pagefind", "title: P", ""), "but `pagefind/` is where the search index goes");
    }

    #[test]
    fn a_static_file_at_a_generated_path_fails_check() {
        both_refuse(
            &site().file("static/404.html", "<h1>væk</h1>"),
            "error: static/404.html:1:1: `static/404.html` would be written to `404.html`, where the 404 page goes",
        );
        let yaml = std::fs::read_to_string(site().root().join("site.yaml")).expect("site.yaml");
        let full = yaml.replace("base_url: \"/\"", "base_url: \"https://example.org/\"");
        both_refuse(
            &site().file("site.yaml", &full).file("static/sitemap.xml", "<urlset/>"),
            "`static/sitemap.xml` would be written to `sitemap.xml`, where the sitemap goes",
        );
        both_refuse(&site().file("static/pagefind/pagefind.js", "x"), "`pagefind/` is where the search index goes");
        both_refuse(&site().file("static/pagefind-2/x.js", "x"), "`pagefind-2/` is where the search index goes");
    }

    #[test]
    fn names_windows_or_macos_cannot_hold_are_errors() {
        both_refuse(
            &site().page("", "con", "title: Con", ""),
            "error: content/con.md:1:1: `content/con.md` would be written to `con/index.html`, but `con` is a device name on Windows",
        );
        both_refuse(
            &site().file("static/aux.txt", "x"),
            "`static/aux.txt` would be written to `aux.txt`, but `aux.txt` is a device name on Windows",
        );
        both_refuse(&site().file("static/img/Logo.png", "a").file("static/img/logo.png", "b"), "which differ only in case");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn static_names_that_are_not_utf8_are_errors_not_merged() {
        use std::os::unix::ffi::OsStrExt;
        let site = site();
        std::fs::create_dir_all(site.root().join("static")).expect("static");
        for name in [&b"caf\xe9.txt"[..], b"caf\xe8.txt"] {
            std::fs::write(site.root().join("static").join(std::ffi::OsStr::from_bytes(name)), name).expect("write");
        }
        let run = site.run(&["check"]).failed();
        assert_eq!(run.stderr.matches("is not valid UTF-8").count(), 2, "{}", run.stderr);
    }
}

mod crawlers {
    use super::*;

    #[test]
    fn the_sitemap_has_full_addresses_or_is_left_out_with_a_warning() {
        let site = site();
        let run = site.build().ok();
        assert!(!run.out.join("sitemap.xml").exists(), "a sitemap of paths would be invalid");
        assert_says(&run.stderr, "warning: site.yaml:1:1: `base_url` is not a full address, so the site has no sitemap.xml");
        assert_eq!(std::fs::read_to_string(run.out.join("robots.txt")).expect("robots.txt"), "User-agent: *\nAllow: /\n");
        let run = site.build_with(&["--base-url", "https://kursus.example.org/coi/"]).ok();
        let sitemap = std::fs::read_to_string(run.out.join("sitemap.xml")).expect("sitemap.xml");
        assert!(sitemap.contains("<loc>https://kursus.example.org/coi/aktoerer/borgere/</loc>"), "{sitemap}");
        assert!(!sitemap.contains("<loc>/"), "{sitemap}");
        let robots = std::fs::read_to_string(run.out.join("robots.txt")).expect("robots.txt");
        assert!(robots.ends_with("Sitemap: https://kursus.example.org/coi/sitemap.xml\n"), "{robots}");
    }

    #[test]
    fn the_sites_own_robots_txt_wins() {
        let run = site().file("static/robots.txt", "User-agent: *\nDisallow: /\n").build().ok();
        assert_eq!(std::fs::read_to_string(run.out.join("robots.txt")).expect("robots.txt"), "User-agent: *\nDisallow: /\n");
    }
}

mod files_beside_pages {
    use super::*;

    const CASE: &str = "title: X\nactors: [borgere]\nsector: stat";

    /// The first bytes of a PNG picture `width` × `height` pixels: enough for its size to be read.
    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
        bytes.extend(width.to_be_bytes());
        bytes.extend(height.to_be_bytes());
        bytes.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
        bytes
    }

    #[test]
    fn a_picture_beside_a_case_is_published_with_its_size() {
        let body = "Intro.\n\n![Borgere ved mødet](foto.png \"Mødet\")\n";
        let site = site().file("content/cases/foto.png", png(120, 80)).page("cases", "x", CASE, body);
        let run = site.build_with(&["--base-url", "https://example.org/kursus/"]).ok();
        assert_eq!(std::fs::read(run.out.join("cases/foto.png")).expect("published"), png(120, 80));
        let html = run.raw_html("cases/x/");
        assert!(
            html.contains(r#"<img src="../foto.png" alt="Borgere ved mødet" title="Mødet" width="120" height="80" loading="lazy">"#),
            "{html}"
        );
    }

    #[test]
    fn a_rebuild_that_reuses_the_output_sees_a_new_picture_size() {
        let body = "![Borgere ved mødet](foto.png)\n";
        let site = site().file("content/cases/foto.png", png(120, 80)).page("cases", "x", CASE, body);
        site.build().ok();
        let site = site.file("content/cases/foto.png", png(640, 480));
        let run = site.build().ok();
        assert!(run.raw_html("cases/x/").contains(r#"width="640" height="480""#), "{}", run.raw_html("cases/x/"));
    }

    #[test]
    fn a_page_bundle_links_the_files_in_its_folder() {
        let site = site().file("content/cases/y/notat.pdf", "%PDF").file(
            "content/cases/y/index.md",
            "---\ntitle: Y\nactors: [borgere]\nsector: stat\n---\n[Notat](notat.pdf) og [Program](../../filer/program%20dag%201.pdf)\n",
        );
        let site = site.file("content/filer/program dag 1.pdf", "%PDF");
        let run = site.build().ok();
        assert!(run.out.join("cases/y/notat.pdf").is_file() && run.out.join("filer/program dag 1.pdf").is_file());
        let html = run.raw_html("cases/y/");
        assert!(
            html.contains(r#"<a href="notat.pdf">Notat</a>"#)
                && html.contains(r#"<a href="../../filer/program%20dag%201.pdf">Program</a>"#),
            "{html}"
        );
    }

    #[test]
    fn addresses_from_the_sites_root_are_checked_and_relative() {
        let body = "![Logo](/img/logo.svg) [Program](/filer/program.pdf) [Ude](https://example.org/x) [Cases](/cases/)\n";
        let site = site().file("static/img/logo.svg", "<svg/>").file("static/filer/program.pdf", "%PDF").page("", "om", "title: Om", body);
        let run = site.build_with(&["--base-url", "https://example.org/kursus/"]).ok();
        let html = run.raw_html("om/");
        assert!(html.contains(r#"src="../img/logo.svg""#) && html.contains(r#"href="../filer/program.pdf""#), "{html}");
        assert!(html.contains(r#"href="https://example.org/x""#) && html.contains(r#"href="../cases/""#), "{html}");
    }

    #[test]
    fn a_missing_file_and_an_image_without_alt_text_fail_at_their_place() {
        let body = "Tekst.\n\nSe ![](foto.png) og ![Kort](mangler.png).\n\n[Notat](/filer/notat.pdf)\n";
        let site = site().file("content/cases/foto.png", png(10, 10)).page("cases", "x", CASE, body);
        let run = site.build().failed();
        assert_says(&run.stderr, "error: content/cases/x.md:8:4: the image `foto.png` has no alt text");
        assert_says(
            &run.stderr,
            "error: content/cases/x.md:8:21: the image `mangler.png` does not exist: the site has no file `cases/mangler.png`",
        );
        assert_says(&run.stderr, "help: put it beside the Markdown file, at `content/cases/mangler.png`");
        assert_says(&run.stderr, "error: content/cases/x.md:10:1: the file `/filer/notat.pdf` does not exist");
        assert_says(&run.stderr, "build failed with 3 errors");
        let check = site.run(&["check"]).failed();
        assert_says(&check.stderr, "content/cases/x.md:8:21: the image `mangler.png` does not exist");
    }

    #[test]
    fn a_file_beside_the_pages_and_a_static_file_at_one_path_clash() {
        let site = site().file("content/img/a.svg", "<svg/>").file("static/img/a.svg", "<svg/>");
        let run = site.build().failed();
        assert_says(
            &run.stderr,
            "error: content/img/a.svg:1:1: `content/img/a.svg` and `static/img/a.svg` would both be published at `img/a.svg`",
        );
    }
}
