//! Box (carton) catalogues, as data.
//!
//! A carton has inner dimensions (what the goods must fit), outer dimensions (what the
//! carrier measures), an empty weight, a maximum gross weight and a price. The engine
//! picks the cheapest carton that holds a packing of the goods.
//!
//! Catalogues are CSV files a person can edit (`data/boxes.csv`) with the header
//! `reference,inner_length_mm,inner_width_mm,inner_height_mm,outer_length_mm,outer_width_mm,outer_height_mm,empty_weight_g,max_weight_g,price`;
//! tariffs may embed the same records in TOML. Parsing CSV is the caller's job (this
//! crate does no I/O and has no CSV dependency); [`Carton::validate`] checks a record.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::sides::{Sides, SidesError};

/// One carton type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Carton {
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

impl Carton {
    /// Inner sides sorted longest first (what goods are checked against). An error names
    /// a zero side: a record read from a catalogue is checked by [`Carton::validate`],
    /// but the fields are public and a carton built by hand is not.
    pub fn inner_sorted(&self) -> Result<Sides, SidesError> {
        Sides::new(
            self.inner_length_mm,
            self.inner_width_mm,
            self.inner_height_mm,
        )
    }

    /// Outer sides sorted longest first (what a carrier measures); an error names a zero
    /// side, as [`Carton::inner_sorted`].
    pub fn outer_sorted(&self) -> Result<Sides, SidesError> {
        Sides::new(
            self.outer_length_mm,
            self.outer_width_mm,
            self.outer_height_mm,
        )
    }

    /// Inner volume in mm³.
    pub fn inner_volume_mm3(&self) -> u64 {
        u64::from(self.inner_length_mm)
            * u64::from(self.inner_width_mm)
            * u64::from(self.inner_height_mm)
    }

    /// The order in which cartons are tried: cheaper first; at equal (or unknown) price,
    /// smaller inner volume, then smaller outer volume, then reference. Total and
    /// deterministic, so the same catalogue always yields the same choice.
    pub fn cost_key(&self) -> (Decimal, u64, u64, &str) {
        let outer = u64::from(self.outer_length_mm)
            * u64::from(self.outer_width_mm)
            * u64::from(self.outer_height_mm);
        (
            self.price.unwrap_or(Decimal::ZERO),
            self.inner_volume_mm3(),
            outer,
            self.reference.as_str(),
        )
    }

    /// Every problem with this record; `at` names it (e.g. `"row 3"`).
    pub fn validate(&self, at: &str) -> Vec<String> {
        let mut p = Vec::new();
        if self.reference.trim().is_empty() {
            p.push(format!("{at}: reference must not be empty"));
        }
        for (name, v) in [
            ("inner_length_mm", self.inner_length_mm),
            ("inner_width_mm", self.inner_width_mm),
            ("inner_height_mm", self.inner_height_mm),
            ("outer_length_mm", self.outer_length_mm),
            ("outer_width_mm", self.outer_width_mm),
            ("outer_height_mm", self.outer_height_mm),
        ] {
            if v == 0 {
                p.push(format!("{at}: {name} must be greater than 0"));
            }
        }
        // The record may have a zero side (reported above), so the comparison is over the
        // raw values sorted, not over `Sides`: every problem is reported at once.
        let sorted = |l, w, h| crate::limits::sort_desc([l, w, h]);
        let i = sorted(
            self.inner_length_mm,
            self.inner_width_mm,
            self.inner_height_mm,
        );
        let o = sorted(
            self.outer_length_mm,
            self.outer_width_mm,
            self.outer_height_mm,
        );
        if i.iter().zip(o.iter()).any(|(a, b)| a > b) {
            p.push(format!(
                "{at}: inner dimensions {i:?} do not fit inside outer dimensions {o:?}"
            ));
        }
        if self.max_weight_g <= self.empty_weight_g {
            p.push(format!(
                "{at}: max_weight_g ({}) must exceed empty_weight_g ({})",
                self.max_weight_g, self.empty_weight_g
            ));
        }
        if let Some(price) = self.price {
            if price.is_sign_negative() {
                p.push(format!("{at}: price must not be negative"));
            }
        }
        p
    }
}
