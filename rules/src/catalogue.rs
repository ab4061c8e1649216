//! Box (carton) catalogues, as data.
//!
//! A carton has inner dimensions (what the goods must fit), outer dimensions (what the
//! carrier measures), an empty weight, a maximum gross weight and a price. The engine
//! picks the cheapest carton that holds a packing of the goods.
//!
//! Catalogues are CSV files a person can edit (`data/boxes.csv`) with the header
//! `reference,inner_length_mm,inner_width_mm,inner_height_mm,outer_length_mm,outer_width_mm,outer_height_mm,empty_weight_g,max_weight_g,price`;
//! tariffs may embed the same records in TOML. Parsing CSV is the caller's job (this
//! crate does no I/O and has no CSV dependency).
//!
//! Two types, so that a file's problems are all reported and a carton is never wrong:
//! a [`CartonRecord`] is a row as written, which [`CartonRecord::validate`] checks
//! (every problem of a catalogue at once, each named by the caller's `at`); a
//! [`Carton`] is built only from a record that passes ([`Carton::try_from`]), so the
//! engine never re-checks a zero side, an inner box larger than the outer one or a
//! maximum weight below the empty carton.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::sides::{Sides, SidesError};

/// A carton as written in a catalogue row or a tariff's `[[packaging.box]]`: any values,
/// checked by [`CartonRecord::validate`] and turned into a [`Carton`] by
/// [`Carton::try_from`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CartonRecord {
    /// The catalogue's reference, reported back as `box`.
    pub reference: String,
    /// Inner length (the goods space), in mm.
    pub inner_length_mm: u32,
    /// Inner width, in mm.
    pub inner_width_mm: u32,
    /// Inner height, in mm.
    pub inner_height_mm: u32,
    /// Outer length (what the carrier measures), in mm.
    pub outer_length_mm: u32,
    /// Outer width, in mm.
    pub outer_width_mm: u32,
    /// Outer height, in mm.
    pub outer_height_mm: u32,
    /// Weight of the empty carton.
    pub empty_weight_g: u64,
    /// Maximum gross weight (goods plus carton).
    pub max_weight_g: u64,
    /// Price of the carton; absent means unknown, and the carton then ranks by inner
    /// volume after every priced carton of equal price (see [`Carton::cost_key`]).
    #[serde(default)]
    pub price: Option<Decimal>,
}

/// Why a [`CartonRecord`] is not a [`Carton`]. The message is the one a catalogue's
/// problem list shows after the record's name (`row 3: price must not be negative`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CartonError {
    /// The reference is empty or blank.
    #[error("reference must not be empty")]
    EmptyReference,
    /// A side is zero.
    #[error("{field} must be greater than 0")]
    ZeroSide {
        /// The field, e.g. `inner_width_mm`.
        field: &'static str,
    },
    /// The inner box, sorted, is larger than the outer one on some side.
    #[error("inner dimensions {inner:?} do not fit inside outer dimensions {outer:?}")]
    InnerExceedsOuter {
        /// Inner sides, longest first.
        inner: [u32; 3],
        /// Outer sides, longest first.
        outer: [u32; 3],
    },
    /// The maximum gross weight does not exceed the empty carton's weight.
    #[error("max_weight_g ({max_weight_g}) must exceed empty_weight_g ({empty_weight_g})")]
    MaxWeightNotAboveEmpty {
        /// The maximum gross weight given.
        max_weight_g: u64,
        /// The empty weight given.
        empty_weight_g: u64,
    },
    /// The price is negative.
    #[error("price must not be negative")]
    NegativePrice,
}

impl CartonError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            CartonError::EmptyReference => "empty_reference",
            CartonError::ZeroSide { .. } => "zero_side",
            CartonError::InnerExceedsOuter { .. } => "inner_exceeds_outer",
            CartonError::MaxWeightNotAboveEmpty { .. } => "max_weight_not_above_empty",
            CartonError::NegativePrice => "negative_price",
        }
    }
}

impl CartonRecord {
    /// Every problem with this record, in a fixed order (reference, sides, fit, weights,
    /// price): one pass over a file reports them all.
    pub fn problems(&self) -> Vec<CartonError> {
        let mut p = Vec::new();
        if self.reference.trim().is_empty() {
            p.push(CartonError::EmptyReference);
        }
        for (field, v) in [
            ("inner_length_mm", self.inner_length_mm),
            ("inner_width_mm", self.inner_width_mm),
            ("inner_height_mm", self.inner_height_mm),
            ("outer_length_mm", self.outer_length_mm),
            ("outer_width_mm", self.outer_width_mm),
            ("outer_height_mm", self.outer_height_mm),
        ] {
            if v == 0 {
                p.push(CartonError::ZeroSide { field });
            }
        }
        // The record may have a zero side (reported above), so the comparison is over the
        // raw values sorted, not over `Sides`: every problem is reported at once.
        let inner = crate::limits::sort_desc(self.inner_mm());
        let outer = crate::limits::sort_desc(self.outer_mm());
        if inner.iter().zip(outer.iter()).any(|(a, b)| a > b) {
            p.push(CartonError::InnerExceedsOuter { inner, outer });
        }
        if self.max_weight_g <= self.empty_weight_g {
            p.push(CartonError::MaxWeightNotAboveEmpty {
                max_weight_g: self.max_weight_g,
                empty_weight_g: self.empty_weight_g,
            });
        }
        if self.price.is_some_and(|price| price.is_sign_negative()) {
            p.push(CartonError::NegativePrice);
        }
        p
    }

    /// Every problem with this record, each prefixed by `at`, which names it (e.g.
    /// `"row 3"`: `row 3: inner_width_mm must be greater than 0`).
    pub fn validate(&self, at: &str) -> Vec<String> {
        self.problems()
            .iter()
            .map(|e| format!("{at}: {e}"))
            .collect()
    }

    fn inner_mm(&self) -> [u32; 3] {
        [
            self.inner_length_mm,
            self.inner_width_mm,
            self.inner_height_mm,
        ]
    }

    fn outer_mm(&self) -> [u32; 3] {
        [
            self.outer_length_mm,
            self.outer_width_mm,
            self.outer_height_mm,
        ]
    }
}

/// One carton type, valid by construction: a non-blank reference, no zero side, the
/// inner box within the outer one, a maximum gross weight above the empty weight, no
/// negative price — what [`CartonRecord::validate`] checks.
///
/// Built by [`Carton::try_from`] a [`CartonRecord`]; deserialises through the same check
/// and serialises as the record.
///
/// ```
/// use courier_rules::catalogue::{Carton, CartonRecord};
/// let record = CartonRecord {
///     reference: "S".into(), inner_length_mm: 200, inner_width_mm: 150, inner_height_mm: 100,
///     outer_length_mm: 206, outer_width_mm: 156, outer_height_mm: 106,
///     empty_weight_g: 90, max_weight_g: 5000, price: None,
/// };
/// let s = Carton::try_from(record.clone()).unwrap();
/// assert_eq!(s.inner_sorted().to_array(), [200, 150, 100]);
/// let flat = CartonRecord { inner_height_mm: 0, ..record };
/// assert_eq!(Carton::try_from(flat).unwrap_err().code(), "zero_side");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CartonRecord", into = "CartonRecord")]
pub struct Carton {
    reference: String,
    /// Inner length, width, height as listed (the frame placements are given in).
    inner_mm: [u32; 3],
    /// Outer length, width, height as listed.
    outer_mm: [u32; 3],
    /// `inner_mm` as [`Sides`]: sorted, none zero.
    inner: Sides,
    /// `outer_mm` as [`Sides`]; each side at least that of `inner` of the same rank.
    outer: Sides,
    empty_weight_g: u64,
    /// Above `empty_weight_g`.
    max_weight_g: u64,
    /// Not negative.
    price: Option<Decimal>,
}

impl TryFrom<CartonRecord> for Carton {
    type Error = CartonError;

    /// The carton of a record, or the record's first problem (in the order of
    /// [`CartonRecord::problems`]).
    fn try_from(r: CartonRecord) -> Result<Carton, CartonError> {
        if let Some(e) = r.problems().into_iter().next() {
            return Err(e);
        }
        Ok(Carton {
            inner: Sides::from_array(r.inner_mm()).map_err(|e| zero_side(e, false))?,
            outer: Sides::from_array(r.outer_mm()).map_err(|e| zero_side(e, true))?,
            inner_mm: r.inner_mm(),
            outer_mm: r.outer_mm(),
            reference: r.reference,
            empty_weight_g: r.empty_weight_g,
            max_weight_g: r.max_weight_g,
            price: r.price,
        })
    }
}

/// The field of a zero side (which [`CartonRecord::problems`] has already reported).
fn zero_side(e: SidesError, outer: bool) -> CartonError {
    let field = match (e, outer) {
        (SidesError::ZeroLength, false) => "inner_length_mm",
        (SidesError::ZeroWidth, false) => "inner_width_mm",
        (SidesError::ZeroHeight, false) => "inner_height_mm",
        (SidesError::ZeroLength, true) => "outer_length_mm",
        (SidesError::ZeroWidth, true) => "outer_width_mm",
        (SidesError::ZeroHeight, true) => "outer_height_mm",
    };
    CartonError::ZeroSide { field }
}

impl From<Carton> for CartonRecord {
    fn from(c: Carton) -> CartonRecord {
        let [inner_length_mm, inner_width_mm, inner_height_mm] = c.inner_mm;
        let [outer_length_mm, outer_width_mm, outer_height_mm] = c.outer_mm;
        CartonRecord {
            reference: c.reference,
            inner_length_mm,
            inner_width_mm,
            inner_height_mm,
            outer_length_mm,
            outer_width_mm,
            outer_height_mm,
            empty_weight_g: c.empty_weight_g,
            max_weight_g: c.max_weight_g,
            price: c.price,
        }
    }
}

impl Carton {
    /// The catalogue's reference, reported back as `box`.
    pub fn reference(&self) -> &str {
        &self.reference
    }

    /// Inner length, width and height as listed (the frame of the placements: with
    /// upright goods the listed height stays vertical).
    pub fn inner_mm(&self) -> [u32; 3] {
        self.inner_mm
    }

    /// Outer length, width and height as listed.
    pub fn outer_mm(&self) -> [u32; 3] {
        self.outer_mm
    }

    /// Inner length as listed, in mm.
    pub fn inner_length_mm(&self) -> u32 {
        self.inner_mm[0]
    }

    /// Inner width as listed, in mm.
    pub fn inner_width_mm(&self) -> u32 {
        self.inner_mm[1]
    }

    /// Inner height as listed, in mm (the vertical side for upright goods).
    pub fn inner_height_mm(&self) -> u32 {
        self.inner_mm[2]
    }

    /// Weight of the empty carton, in grams.
    pub fn empty_weight_g(&self) -> u64 {
        self.empty_weight_g
    }

    /// Maximum gross weight (goods plus carton), in grams; above the empty weight.
    pub fn max_weight_g(&self) -> u64 {
        self.max_weight_g
    }

    /// The weight of goods the carton takes: maximum gross weight less the empty carton
    /// (positive, by construction).
    pub fn payload_g(&self) -> u64 {
        self.max_weight_g - self.empty_weight_g
    }

    /// Price of the carton; `None` when unknown (see [`Carton::cost_key`]).
    pub fn price(&self) -> Option<Decimal> {
        self.price
    }

    /// Inner sides sorted longest first (what goods are checked against).
    pub fn inner_sorted(&self) -> Sides {
        self.inner
    }

    /// Outer sides sorted longest first (what a carrier measures).
    pub fn outer_sorted(&self) -> Sides {
        self.outer
    }

    /// Inner volume in mm³.
    pub fn inner_volume_mm3(&self) -> u64 {
        self.inner.volume_mm3()
    }

    /// The order in which cartons are tried: cheaper first; at equal (or unknown) price,
    /// smaller inner volume, then smaller outer volume, then reference. Total and
    /// deterministic, so the same catalogue always yields the same choice.
    pub fn cost_key(&self) -> (Decimal, u64, u64, &str) {
        (
            self.price.unwrap_or(Decimal::ZERO),
            self.inner_volume_mm3(),
            self.outer.volume_mm3(),
            self.reference.as_str(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> CartonRecord {
        CartonRecord {
            reference: "M".into(),
            inner_length_mm: 200,
            inner_width_mm: 300,
            inner_height_mm: 150,
            outer_length_mm: 206,
            outer_width_mm: 306,
            outer_height_mm: 156,
            empty_weight_g: 150,
            max_weight_g: 10_000,
            price: Some(Decimal::new(2600, 2)),
        }
    }

    #[test]
    fn a_valid_record_is_a_carton_with_sorted_sides() {
        let c = Carton::try_from(record()).unwrap();
        assert_eq!(c.inner_mm(), [200, 300, 150]);
        assert_eq!(c.inner_sorted().to_array(), [300, 200, 150]);
        assert_eq!(c.outer_sorted().to_array(), [306, 206, 156]);
        assert_eq!(c.payload_g(), 9_850);
        assert_eq!(c.inner_volume_mm3(), 9_000_000);
        assert_eq!(CartonRecord::from(c), record());
    }

    #[test]
    fn every_problem_is_reported_and_the_first_refuses_the_carton() {
        let bad = CartonRecord {
            reference: " ".into(),
            inner_length_mm: 0,
            outer_width_mm: 100,
            max_weight_g: 150,
            price: Some(Decimal::new(-1, 0)),
            ..record()
        };
        assert_eq!(
            bad.validate("row 2"),
            [
                "row 2: reference must not be empty",
                "row 2: inner_length_mm must be greater than 0",
                "row 2: inner dimensions [300, 150, 0] do not fit inside outer dimensions [206, 156, 100]",
                "row 2: max_weight_g (150) must exceed empty_weight_g (150)",
                "row 2: price must not be negative",
            ]
        );
        let codes: Vec<&str> = bad.problems().iter().map(CartonError::code).collect();
        assert_eq!(
            codes,
            [
                "empty_reference",
                "zero_side",
                "inner_exceeds_outer",
                "max_weight_not_above_empty",
                "negative_price"
            ]
        );
        assert_eq!(Carton::try_from(bad), Err(CartonError::EmptyReference));
        let flat = CartonRecord {
            outer_height_mm: 0,
            inner_height_mm: 0,
            ..record()
        };
        assert_eq!(
            Carton::try_from(flat),
            Err(CartonError::ZeroSide {
                field: "inner_height_mm"
            })
        );
    }

    #[test]
    fn serde_goes_through_the_check() {
        let c = Carton::try_from(record()).unwrap();
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(json, serde_json::to_string(&record()).unwrap());
        assert_eq!(serde_json::from_str::<Carton>(&json).unwrap(), c);
        let zero = json.replace("\"inner_width_mm\":300", "\"inner_width_mm\":0");
        let e = serde_json::from_str::<Carton>(&zero).unwrap_err();
        assert!(
            e.to_string()
                .contains("inner_width_mm must be greater than 0"),
            "{e}"
        );
    }
}
