//! What our readers accept of a file's encoding beyond plain UTF-8.
//!
//! Decision (issue 16): a UTF-8 byte-order mark (`EF BB BF`) at the very start of a CSV,
//! JSON or TOML file is accepted and ignored, in every reader alike. Excel and several
//! Windows editors write one when they save "UTF-8"; refusing it ("expected value at line
//! 1") or misreading it (a JSON file with a BOM taken for CSV) helps no one. A BOM anywhere
//! else is an ordinary character. Other encodings (UTF-16, cp1251) stay refused by the
//! callers that read bytes: they are not UTF-8.

/// The UTF-8 byte-order mark as a character.
pub const BOM: char = '\u{FEFF}';

/// `text` without a leading byte-order mark.
///
/// ```
/// use courier_rules::encoding::strip_bom;
/// assert_eq!(strip_bom("\u{FEFF}[1]"), "[1]");
/// assert_eq!(strip_bom("a\u{FEFF}"), "a\u{FEFF}");
/// ```
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix(BOM).unwrap_or(text)
}

/// `text` without a leading byte-order mark, for a reader that owns what it read (the
/// text is moved, not copied, when there is no mark).
///
/// ```
/// use courier_rules::encoding::without_bom;
/// assert_eq!(without_bom("\u{FEFF}a = 1".to_string()), "a = 1");
/// assert_eq!(without_bom("a = 1".to_string()), "a = 1");
/// ```
pub fn without_bom(text: String) -> String {
    match text.strip_prefix(BOM) {
        Some(rest) => rest.to_string(),
        None => text,
    }
}
