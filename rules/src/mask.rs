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

/// Masks phone-like runs (10 or more digits, with `+`, spaces, dashes, brackets) and
/// e-mail addresses in a free text — a log line, a parser's error message — where the
/// fields are not known: the second line of defence behind masking each known field.
///
/// ```
/// use courier_rules::mask;
/// assert_eq!(
///     mask::line("call +7 701 123 45 67 or mail ivan.petrov@example.kz, 200 in 35us"),
///     "call +7************67 or mail iv*******ov@example.kz, 200 in 35us"
/// );
/// ```
pub fn line(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < chars.len() {
        if let Some(end) = email_at(&chars, i) {
            let s: String = chars[i..end].iter().collect();
            out.push_str(&email(&s));
            i = end;
        } else if let Some(end) = phone_at(&chars, i) {
            let s: String = chars[i..end].iter().collect();
            out.push_str(&phone(&s));
            i = end;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

fn is_local(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-')
}

/// An e-mail starting at `i` (at a word start): `local@domain.tld`.
fn email_at(chars: &[char], i: usize) -> Option<usize> {
    if !is_local(chars[i]) || (i > 0 && is_local(chars[i - 1])) {
        return None;
    }
    let mut j = i;
    while j < chars.len() && is_local(chars[j]) {
        j += 1;
    }
    if j == i || chars.get(j) != Some(&'@') {
        return None;
    }
    let mut k = j + 1;
    while k < chars.len() && (chars[k].is_alphanumeric() || matches!(chars[k], '.' | '-')) {
        k += 1;
    }
    while k > j + 1 && chars[k - 1] == '.' {
        k -= 1;
    }
    chars[j + 1..k].contains(&'.').then_some(k)
}

/// A phone-like run starting at `i` (not inside a longer word).
fn phone_at(chars: &[char], i: usize) -> Option<usize> {
    let c = chars[i];
    if !(c.is_ascii_digit() || c == '+') || (i > 0 && chars[i - 1].is_alphanumeric()) {
        return None;
    }
    let mut j = i;
    let mut digits = 0;
    let mut end = i;
    while j < chars.len() {
        let c = chars[j];
        if c.is_ascii_digit() {
            digits += 1;
            end = j + 1;
        } else if !(matches!(c, ' ' | '-' | '(' | ')') || (c == '+' && j == i)) {
            break;
        }
        j += 1;
    }
    let followed_by_word = chars.get(end).is_some_and(|c| c.is_alphanumeric());
    (digits >= 10 && !followed_by_word).then_some(end)
}

/// A parser's error `message` with the value it refused left out: serde writes it
/// after `invalid type: ` or `invalid value: ` (``integer `501234567` ``, `string
/// "Anna Nowak"`), and a nine-digit phone or a name is not something [`line`] can
/// recognise. The kind of value and what was expected stay.
///
/// ```
/// use courier_rules::mask;
/// assert_eq!(
///     mask::without_refused_value("invalid type: integer `501234567`, expected a string at line 1 column 21"),
///     "invalid type: integer (not shown), expected a string at line 1 column 21"
/// );
/// ```
pub fn without_refused_value(message: &str) -> String {
    let mut out = message.to_string();
    for prefix in ["invalid type: ", "invalid value: "] {
        let Some(at) = out.find(prefix) else { continue };
        let value_at = at + prefix.len();
        let Some(end) = out[value_at..].find(", expected").map(|e| value_at + e) else {
            continue;
        };
        let kind = out[value_at..end].split(' ').next().unwrap_or("");
        out.replace_range(value_at..end, &format!("{kind} (not shown)"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::line as mask_line;

    #[test]
    fn times_ids_and_latencies_are_left_alone() {
        let line = "2026-12-01T21:00:00.123456Z INFO request path=/parcels/P-1001/history status=200 latency_us=1234";
        assert_eq!(mask_line(line), line);
    }

    #[test]
    fn phones_in_any_spelling_are_masked() {
        for phone in ["+77011234567", "87011234567", "+7 (701) 123-45-67"] {
            let masked = mask_line(&format!("phone={phone} ok"));
            assert!(!masked.contains("1234"), "{masked}");
            assert!(masked.ends_with("67 ok"), "{masked}");
        }
    }

    #[test]
    fn refused_values_are_left_out_of_parser_messages() {
        for (message, want) in [
            (
                "invalid type: string \"Anna Nowak\", expected u32 at line 2 column 9",
                "invalid type: string (not shown), expected u32 at line 2 column 9",
            ),
            (
                "phone: invalid value: integer `501234567`, expected a string",
                "phone: invalid value: integer (not shown), expected a string",
            ),
            ("missing field `phone`", "missing field `phone`"),
            ("invalid type: map", "invalid type: map"),
        ] {
            assert_eq!(super::without_refused_value(message), want);
        }
    }
}
