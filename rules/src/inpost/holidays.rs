//! Polish public holidays (dni ustawowo wolne od pracy), movable feasts included.
//!
//! InPost's later public terms exclude public holidays from the weekend add-on's ordering
//! window, so the window can optionally consult this calendar. The list follows the
//! Polish statute on public holidays (ustawa o dniach wolnych od pracy):
//!
//! * fixed: 1 January, 6 January (Epiphany, since 2011), 1 May, 3 May, 15 August,
//!   1 November, 11 November, 24 December (Christmas Eve, since 2025), 25 and 26 December;
//! * movable, computed from Easter Sunday (Gregorian computus): Easter Sunday, Easter
//!   Monday (+1 day), Pentecost Sunday (+49 days), Corpus Christi (+60 days).
//!
//! Everything is arithmetic on dates; nothing is looked up, so the answer is the same on
//! every machine and for any year chrono supports.

use chrono::{Datelike, NaiveDate};

/// Which public holiday a date is, for reports and tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PublicHoliday {
    /// 1 January (Nowy Rok).
    NewYear,
    /// 6 January (Święto Trzech Króli), a holiday since 2011.
    Epiphany,
    /// Easter Sunday (Wielkanoc), from the Gregorian computus.
    EasterSunday,
    /// Easter Monday, Easter + 1 day.
    EasterMonday,
    /// 1 May (Święto Pracy).
    LabourDay,
    /// 3 May (Święto Konstytucji 3 Maja).
    ConstitutionDay,
    /// Pentecost Sunday (Zielone Świątki), Easter + 49 days.
    PentecostSunday,
    /// Corpus Christi (Boże Ciało), Easter + 60 days.
    CorpusChristi,
    /// 15 August (Wniebowzięcie Najświętszej Maryi Panny).
    Assumption,
    /// 1 November (Wszystkich Świętych).
    AllSaints,
    /// 11 November (Narodowe Święto Niepodległości).
    IndependenceDay,
    /// 24 December (Wigilia Bożego Narodzenia), a holiday since 2025.
    ChristmasEve,
    /// 25 December (Boże Narodzenie, first day).
    ChristmasDay,
    /// 26 December (Boże Narodzenie, second day).
    SecondDayOfChristmas,
}

impl PublicHoliday {
    /// The holiday's Polish name, as it appears in the statute.
    pub fn name_pl(self) -> &'static str {
        match self {
            PublicHoliday::NewYear => "Nowy Rok",
            PublicHoliday::Epiphany => "Święto Trzech Króli",
            PublicHoliday::EasterSunday => "Wielkanoc",
            PublicHoliday::EasterMonday => "Poniedziałek Wielkanocny",
            PublicHoliday::LabourDay => "Święto Pracy",
            PublicHoliday::ConstitutionDay => "Święto Konstytucji 3 Maja",
            PublicHoliday::PentecostSunday => "Zielone Świątki",
            PublicHoliday::CorpusChristi => "Boże Ciało",
            PublicHoliday::Assumption => "Wniebowzięcie Najświętszej Maryi Panny",
            PublicHoliday::AllSaints => "Wszystkich Świętych",
            PublicHoliday::IndependenceDay => "Narodowe Święto Niepodległości",
            PublicHoliday::ChristmasEve => "Wigilia Bożego Narodzenia",
            PublicHoliday::ChristmasDay => "Boże Narodzenie (pierwszy dzień)",
            PublicHoliday::SecondDayOfChristmas => "Boże Narodzenie (drugi dzień)",
        }
    }
}

/// Easter Sunday of a Gregorian year (anonymous Gregorian algorithm, Meeus/Jones/Butcher).
///
/// Returns `None` only for years chrono cannot represent.
///
/// ```
/// use chrono::NaiveDate;
/// use courier_rules::inpost::holidays::easter_sunday;
/// assert_eq!(easter_sunday(2026), NaiveDate::from_ymd_opt(2026, 4, 5));
/// assert_eq!(easter_sunday(2027), NaiveDate::from_ymd_opt(2027, 3, 28));
/// ```
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let month = (h + l - 7 * m + 114).div_euclid(31);
    let day = (h + l - 7 * m + 114).rem_euclid(31) + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// The Polish public holiday falling on `date`, if any.
///
/// ```
/// use chrono::NaiveDate;
/// use courier_rules::inpost::holidays::{public_holiday, PublicHoliday};
/// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// assert_eq!(public_holiday(d(2026, 6, 4)), Some(PublicHoliday::CorpusChristi));
/// assert_eq!(public_holiday(d(2024, 12, 24)), None); // a holiday only from 2025
/// assert_eq!(public_holiday(d(2025, 12, 24)), Some(PublicHoliday::ChristmasEve));
/// ```
pub fn public_holiday(date: NaiveDate) -> Option<PublicHoliday> {
    let year = date.year();
    let fixed = match (date.month(), date.day()) {
        (1, 1) => Some(PublicHoliday::NewYear),
        (1, 6) if year >= 2011 => Some(PublicHoliday::Epiphany),
        (5, 1) => Some(PublicHoliday::LabourDay),
        (5, 3) => Some(PublicHoliday::ConstitutionDay),
        (8, 15) => Some(PublicHoliday::Assumption),
        (11, 1) => Some(PublicHoliday::AllSaints),
        (11, 11) => Some(PublicHoliday::IndependenceDay),
        (12, 24) if year >= 2025 => Some(PublicHoliday::ChristmasEve),
        (12, 25) => Some(PublicHoliday::ChristmasDay),
        (12, 26) => Some(PublicHoliday::SecondDayOfChristmas),
        _ => None,
    };
    if fixed.is_some() {
        return fixed;
    }
    // Movable feasts fall between 22 March (earliest Easter) and 24 June (latest Corpus
    // Christi); skip the computus outside that span, which keeps the hot path cheap.
    if !(3..=6).contains(&date.month()) {
        return None;
    }
    let easter = easter_sunday(year)?;
    match (date - easter).num_days() {
        0 => Some(PublicHoliday::EasterSunday),
        1 => Some(PublicHoliday::EasterMonday),
        49 => Some(PublicHoliday::PentecostSunday),
        60 => Some(PublicHoliday::CorpusChristi),
        _ => None,
    }
}

/// Whether `date` is a Polish public holiday.
pub fn is_public_holiday(date: NaiveDate) -> bool {
    public_holiday(date).is_some()
}

/// Every public holiday of a year, in date order.
pub fn public_holidays(year: i32) -> Vec<(NaiveDate, PublicHoliday)> {
    let Some(start) = NaiveDate::from_ymd_opt(year, 1, 1) else {
        return Vec::new();
    };
    start
        .iter_days()
        .take_while(|d| d.year() == year)
        .filter_map(|d| public_holiday(d).map(|h| (d, h)))
        .collect()
}
