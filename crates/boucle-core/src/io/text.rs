//! Text folded for matching names and terms, and stable slugs.

/// Lower case, accents folded to ASCII, every run of non-alphanumeric characters turned into one
/// space, trimmed: `"Palettes  EUROPE"` → `"palettes europe"`, `"Métaux"` → `"metaux"`.
pub fn normalize(s: &str) -> String {
    let folded = deunicode::deunicode(s).to_lowercase();
    folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A stable slug: [`normalize`]d words joined by `-`, at most 60 characters.
pub fn slug(s: &str) -> String {
    let mut out = normalize(s).replace(' ', "-");
    if out.len() > 60 {
        out.truncate(60);
        while out.ends_with('-') {
            out.pop();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_case_and_punctuation() {
        assert_eq!(normalize("  Métaux / FERRAILLES "), "metaux ferrailles");
        assert_eq!(
            normalize("Bitschwiller-lès-Thann"),
            "bitschwiller les thann"
        );
        assert_eq!(
            slug("Société Générale d'Œuvres"),
            "societe-generale-d-oeuvres"
        );
        assert_eq!(slug(&"a".repeat(70)).len(), 60);
    }
}
