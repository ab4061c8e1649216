//! INN (ИНН, Russian taxpayer number) check digits.
//!
//! A company's INN has 10 digits, the last a check digit; an individual's (and an
//! individual entrepreneur's, ИП) has 12, the last two check digits. Each check digit is
//! a weighted sum of the digits before it, modulo 11, then modulo 10.

/// Weights of the 10-digit INN's check digit.
const W10: [u32; 9] = [2, 4, 10, 3, 5, 9, 4, 6, 8];
/// Weights of the 12-digit INN's first check digit (11th digit).
const W11: [u32; 10] = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
/// Weights of the 12-digit INN's second check digit (12th digit).
const W12: [u32; 11] = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

/// Why an INN is not valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InnError {
    /// Not 10 or 12 ASCII digits.
    Format,
    /// The right length but a check digit does not match.
    CheckDigit,
}

impl InnError {
    /// A stable machine-readable code (snake_case): what a caller matches on; messages
    /// may be reworded, codes are not.
    pub fn code(&self) -> &'static str {
        match self {
            InnError::Format => "inn_format",
            InnError::CheckDigit => "inn_checksum",
        }
    }
}

/// What kind of taxpayer an INN belongs to, known from its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InnKind {
    /// 10 digits: a legal entity.
    Company,
    /// 12 digits: an individual or an individual entrepreneur.
    Individual,
}

/// Checks an INN's length and check digits.
///
/// ```
/// use courier_rules::fastriver::inn::{check, InnError, InnKind};
/// assert_eq!(check("7707083893"), Ok(InnKind::Company)); // Sberbank
/// assert_eq!(check("7707083894"), Err(InnError::CheckDigit));
/// assert_eq!(check("500100732259"), Ok(InnKind::Individual));
/// assert_eq!(check("77070838"), Err(InnError::Format));
/// ```
pub fn check(inn: &str) -> Result<InnKind, InnError> {
    let b = inn.as_bytes();
    if !b.iter().all(u8::is_ascii_digit) {
        return Err(InnError::Format);
    }
    let mut d = [0u32; 12];
    for (slot, byte) in d.iter_mut().zip(b) {
        *slot = u32::from(byte - b'0');
    }
    match b.len() {
        10 => {
            if check_digit(&d[..9], &W10) == d[9] {
                Ok(InnKind::Company)
            } else {
                Err(InnError::CheckDigit)
            }
        }
        12 => {
            if check_digit(&d[..10], &W11) == d[10] && check_digit(&d[..11], &W12) == d[11] {
                Ok(InnKind::Individual)
            } else {
                Err(InnError::CheckDigit)
            }
        }
        _ => Err(InnError::Format),
    }
}

fn check_digit(digits: &[u32], weights: &[u32]) -> u32 {
    digits.iter().zip(weights).map(|(d, w)| d * w).sum::<u32>() % 11 % 10
}

/// Completes 9 digits into a valid 10-digit INN, or 10 digits into a valid 12-digit one
/// (for tests and sample data). Returns `None` for any other input.
///
/// ```
/// use courier_rules::fastriver::inn::{check, complete};
/// let inn = complete("770708389").unwrap();
/// assert_eq!(inn, "7707083893");
/// assert!(check(&complete("5001007322").unwrap()).is_ok());
/// ```
pub fn complete(prefix: &str) -> Option<String> {
    if !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut d: Vec<u32> = prefix.bytes().map(|b| u32::from(b - b'0')).collect();
    match d.len() {
        9 => d.push(check_digit(&d, &W10)),
        10 => {
            let c11 = check_digit(&d, &W11);
            d.push(c11);
            let c12 = check_digit(&d, &W12);
            d.push(c12);
        }
        _ => return None,
    }
    Some(d.iter().filter_map(|x| char::from_digit(*x, 10)).collect())
}
