//! Danish-aware slugs for URLs, ids and heading anchors.
//!
//! A slug is lowercase ASCII letters, digits and single dashes. Danish letters
//! are transliterated the Danish way (æ→ae, ø→oe, å→aa) rather than stripped,
//! so `Brønderslev` becomes `broenderslev`, not `brnderslev`.

/// Transliterates Danish and common Latin letters to ASCII, keeping case.
pub fn transliterate(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            'æ' => out.push_str("ae"),
            'Æ' => out.push_str("Ae"),
            'ø' => out.push_str("oe"),
            'Ø' => out.push_str("Oe"),
            'å' => out.push_str("aa"),
            'Å' => out.push_str("Aa"),
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'Ä' => out.push_str("Ae"),
            'Ö' => out.push_str("Oe"),
            'Ü' => out.push_str("Ue"),
            'ß' => out.push_str("ss"),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'É' | 'È' => out.push('E'),
            'á' | 'à' | 'â' => out.push('a'),
            'í' | 'ì' | 'î' | 'ï' => out.push('i'),
            'ó' | 'ò' | 'ô' => out.push('o'),
            'ú' | 'ù' | 'û' => out.push('u'),
            'ñ' => out.push('n'),
            'ç' => out.push('c'),
            _ => out.push(c),
        }
    }
    out
}

/// The slug of `text`: `"Skat i balance – før og nu"` → `"skat-i-balance-foer-og-nu"`.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in transliterate(text).chars() {
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
    }
    out
}

/// True when `text` is already a slug (what ids and URL segments must be).
pub fn is_slug(text: &str) -> bool {
    !text.is_empty() && slugify(text) == text
}

/// Why a file or folder name cannot be published from every system, if it
/// cannot: Windows reserves device names (`con`, `aux`, `nul`, `com1` …,
/// with any extension) and some characters, and drops a trailing dot or space.
pub fn unportable(name: &str) -> Option<&'static str> {
    const DEVICES: [&str; 4] = ["con", "prn", "aux", "nul"];
    let stem = name.split('.').next().unwrap_or_default().to_ascii_lowercase();
    let numbered = |prefix: &str| stem.strip_prefix(prefix).is_some_and(|n| n.len() == 1 && n.as_bytes()[0].is_ascii_digit());
    if DEVICES.contains(&stem.as_str()) || numbered("com") || numbered("lpt") {
        Some("is a device name on Windows")
    } else if name.chars().any(|c| c.is_control() || "<>:\"\\|?*".contains(c)) {
        Some("holds a character Windows does not allow in file names (`< > : \" \\ | ? *` or a control character)")
    } else if name.ends_with('.') || name.ends_with(' ') {
        Some("ends with a dot or a space, which Windows drops")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn danish_letters_are_transliterated() {
        assert_eq!(slugify("Brønderslev Kommune"), "broenderslev-kommune");
        assert_eq!(slugify("Ældre på Ærø"), "aeldre-paa-aeroe");
        assert_eq!(slugify("Værktøjer"), "vaerktoejer");
    }

    #[test]
    fn punctuation_collapses_to_single_dashes() {
        assert_eq!(slugify("  Før / Nu – 5.4!  "), "foer-nu-5-4");
        assert_eq!(slugify("organisatorisk/proces"), "organisatorisk-proces");
    }

    #[test]
    fn slugs_are_recognised() {
        assert!(is_slug("skat-i-balance"));
        assert!(!is_slug("../x"));
        assert!(!is_slug("Skat"));
        assert!(!is_slug(""));
    }

    #[test]
    fn names_windows_cannot_hold_are_found() {
        for bad in ["con", "CON", "aux.md", "nul.txt", "com1", "lpt9.html", "a:b", "x?", "trailing.", "trailing "] {
            assert!(unportable(bad).is_some(), "{bad}");
        }
        for ok in ["console", "com", "com10", "auxiliary.md", "index.html", "café.png"] {
            assert!(unportable(ok).is_none(), "{ok}");
        }
    }
}
