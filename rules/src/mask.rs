//! Masking of personal data (phones, e-mails, names) before it reaches a message or a log.
//!
//! Every carrier's rules use these (Fastriver, Aplix, Tastamat, Taxomet).
//! Fastriver itself returns the addressee obfuscated (`+79260****90`, `zi*****ba@sezam.sin`,
//! `З.`); we follow the same habit so that an error report or a debug print can be shared
//! without leaking who the customer is. The masks keep just enough to tell two values apart.

/// Masks a phone number: keeps the first two and the last two characters.
///
/// ```
/// use courier_rules::mask::phone;
/// assert_eq!(phone("+79261234567"), "+7********67");
/// assert_eq!(phone("123"), "***");
/// ```
pub fn phone(value: &str) -> String {
    keep_ends(value, 2, 2)
}

/// Masks an e-mail: keeps two characters at each end of the local part and the domain.
///
/// ```
/// use courier_rules::mask::email;
/// assert_eq!(email("ziliboba@sezam.sin"), "zi****ba@sezam.sin");
/// assert_eq!(email("not-an-email"), "no********il");
/// ```
pub fn email(value: &str) -> String {
    match value.rsplit_once('@') {
        Some((local, domain)) => format!("{}@{}", keep_ends(local, 2, 2), domain),
        None => keep_ends(value, 2, 2),
    }
}

/// Masks a personal name to its initial, as Fastriver does (`Зилибоба` → `З.`).
///
/// ```
/// use courier_rules::mask::name;
/// assert_eq!(name("Зилибоба"), "З.");
/// assert_eq!(name(""), "");
/// ```
pub fn name(value: &str) -> String {
    match value.chars().next() {
        Some(c) => format!("{c}."),
        None => String::new(),
    }
}

/// Keeps `head` leading and `tail` trailing characters and stars the rest; values too
/// short to keep anything meaningful are starred entirely.
fn keep_ends(value: &str, head: usize, tail: usize) -> String {
    let count = value.chars().count();
    if count <= head + tail + 1 {
        return "*".repeat(count);
    }
    value
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i < head || i >= count - tail {
                c
            } else {
                '*'
            }
        })
        .collect()
}

/// A value whose `Debug` prints masked, for structures that hold personal data.
pub(crate) struct Masked<'a>(pub Option<&'a str>, pub fn(&str) -> String);

impl std::fmt::Debug for Masked<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(v) => write!(f, "Some({:?})", (self.1)(v)),
            None => f.write_str("None"),
        }
    }
}
