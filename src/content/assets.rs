//! The files beside the pages: every file under `content/` that is not
//! Markdown (a picture next to `cases/x.md`, a PDF in a page bundle
//! `cases/x/index.md`). Each is published at its path under `content/`
//! (`content/cases/foto.jpg` → `cases/foto.jpg`), so Markdown can point at
//! it relative to the Markdown file, as editors and Git hosts preview it.
//! Hidden files and folders (`.DS_Store`, `.git/`) are left out.

use super::CONTENT_DIR;
use super::discover::is_markdown;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The files beside the pages of the site at `root`: output path → file.
/// Links out of the site are left out here; discovering the pages reports them.
pub fn find(root: &Path) -> BTreeMap<String, PathBuf> {
    let content = root.join(CONTENT_DIR);
    let mut assets = BTreeMap::new();
    let _reported_by_discover = crate::tree::Site::new(root).walk(&content, |entry| {
        let hidden = entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.');
        if hidden {
            return false;
        }
        if let (true, Ok(rel)) = (entry.file_type().is_file() && !is_markdown(entry.path()), entry.path().strip_prefix(&content)) {
            let rel: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            assets.insert(rel.join("/"), entry.path().to_path_buf());
        }
        true
    });
    assets
}

#[cfg(test)]
mod tests {
    #[test]
    fn files_beside_pages_but_not_markdown_or_hidden_ones() {
        let dir = tempfile::tempdir().unwrap();
        for path in [
            "content/cases/x.md",
            "content/cases/foto.jpg",
            "content/cases/y/index.md",
            "content/cases/y/a.pdf",
            "content/.DS_Store",
            "content/.git/HEAD",
            "content/logo.svg",
        ] {
            let file = dir.path().join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, "x").unwrap();
        }
        let found: Vec<String> = super::find(dir.path()).into_keys().collect();
        assert_eq!(found, ["cases/foto.jpg", "cases/y/a.pdf", "logo.svg"]);
    }
}
