//! Delivery-method limits on a parcel, as data.
//!
//! A carrier's delivery method accepts a parcel when its weight and its outer dimensions
//! are within the method's limits. Limits are data, not code: an analyst edits them in a
//! TOML file (see `data/methods.toml`) and [`MethodCatalogue::from_toml_str`] loads and
//! validates them.
//!
//! Lengths are whole millimetres, weights whole grams. The *length* of a parcel is its
//! longest side; *girth* is `2 × (width + height)` over the two other sides. A parcel's
//! sides are checked as [`Sides`] (sorted longest first, none zero), so no check can
//! compare them in the order they happened to be listed.

use serde::{Deserialize, Serialize};

use crate::sides::Sides;

mod cell;

pub use cell::{Cell, CellError, CellRecord};

/// Limits of one delivery method as written (`[method.limits]` of a tariff, the limit
/// keys of a `[[method]]` in a method catalogue): any values, checked by
/// [`MethodLimitsRecord::validate`] and turned into [`MethodLimits`] by
/// [`MethodLimits::try_from`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MethodLimitsRecord {
    /// Maximum gross weight (goods plus packaging), in grams.
    #[serde(default)]
    pub max_weight_g: Option<u64>,
    /// Longest side.
    #[serde(default)]
    pub max_side_mm: Option<u32>,
    /// Sum of the three sides.
    #[serde(default)]
    pub max_sum_of_sides_mm: Option<u32>,
    /// Length (longest side) plus girth `2 × (width + height)`.
    #[serde(default)]
    pub max_length_plus_girth_mm: Option<u32>,
    /// Cells the parcel must fit; empty means no cell constraint.
    #[serde(default, rename = "cell")]
    pub cells: Vec<CellRecord>,
}

/// Why a [`MethodLimitsRecord`] is not [`MethodLimits`]. The message follows the
/// method's name in a catalogue's problem list (`method[0] (post).max_side_mm: must be
/// greater than 0`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LimitsError {
    /// A limit is zero: it would refuse every parcel.
    #[error("{limit}: must be greater than 0")]
    ZeroLimit {
        /// The limit's key, e.g. `max_side_mm`.
        limit: &'static str,
    },
    /// A cell is not valid.
    #[error("cell[{index}] ({name}): {source}")]
    Cell {
        /// The cell's position in the list.
        index: usize,
        /// The cell's name.
        name: String,
        /// What is wrong with it.
        source: CellError,
    },
}

impl LimitsError {
    /// A stable machine-readable code (a cell's problem has the cell's code).
    pub fn code(&self) -> &'static str {
        match self {
            LimitsError::ZeroLimit { .. } => "zero_limit",
            LimitsError::Cell { source, .. } => source.code(),
        }
    }
}

impl MethodLimitsRecord {
    /// Every problem with the limits, in key order then cell by cell: no zero limit, no
    /// zero-sized cell, no cell with a zero weight limit.
    pub fn problems(&self) -> Vec<LimitsError> {
        let mut problems = Vec::new();
        for (limit, v) in [
            ("max_weight_g", self.max_weight_g),
            ("max_side_mm", self.max_side_mm.map(u64::from)),
            (
                "max_sum_of_sides_mm",
                self.max_sum_of_sides_mm.map(u64::from),
            ),
            (
                "max_length_plus_girth_mm",
                self.max_length_plus_girth_mm.map(u64::from),
            ),
        ] {
            if v == Some(0) {
                problems.push(LimitsError::ZeroLimit { limit });
            }
        }
        for (index, c) in self.cells.iter().enumerate() {
            problems.extend(c.problems().into_iter().map(|source| LimitsError::Cell {
                index,
                name: c.name.clone(),
                source,
            }));
        }
        problems
    }

    /// Every problem with the limits, each prefixed by `at` and a dot (`at` names the
    /// method: `method[0] (post).max_side_mm: must be greater than 0`).
    pub fn validate(&self, at: &str) -> Vec<String> {
        self.problems()
            .iter()
            .map(|e| format!("{at}.{e}"))
            .collect()
    }
}

/// Limits of one delivery method. Every limit is optional; an absent limit never refuses.
/// Valid by construction: no zero limit, every cell a valid [`Cell`]
/// ([`MethodLimits::try_from`] a [`MethodLimitsRecord`]; deserialises through the same
/// check, serialises as the record).
///
/// When `cells` is not empty the parcel must also fit (with rotation) into at least one
/// of the cells, within that cell's weight limit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "MethodLimitsRecord", into = "MethodLimitsRecord")]
pub struct MethodLimits {
    max_weight_g: Option<u64>,
    max_side_mm: Option<u32>,
    max_sum_of_sides_mm: Option<u32>,
    max_length_plus_girth_mm: Option<u32>,
    cells: Vec<Cell>,
}

impl TryFrom<MethodLimitsRecord> for MethodLimits {
    type Error = LimitsError;

    /// The limits of a record, or the record's first problem.
    fn try_from(r: MethodLimitsRecord) -> Result<MethodLimits, LimitsError> {
        if let Some(e) = r.problems().into_iter().next() {
            return Err(e);
        }
        let cells = r
            .cells
            .into_iter()
            .enumerate()
            .map(|(index, c)| {
                let name = c.name.clone();
                Cell::try_from(c).map_err(|source| LimitsError::Cell {
                    index,
                    name,
                    source,
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(MethodLimits {
            max_weight_g: r.max_weight_g,
            max_side_mm: r.max_side_mm,
            max_sum_of_sides_mm: r.max_sum_of_sides_mm,
            max_length_plus_girth_mm: r.max_length_plus_girth_mm,
            cells,
        })
    }
}

impl From<MethodLimits> for MethodLimitsRecord {
    fn from(m: MethodLimits) -> MethodLimitsRecord {
        MethodLimitsRecord {
            max_weight_g: m.max_weight_g,
            max_side_mm: m.max_side_mm,
            max_sum_of_sides_mm: m.max_sum_of_sides_mm,
            max_length_plus_girth_mm: m.max_length_plus_girth_mm,
            cells: m.cells.into_iter().map(CellRecord::from).collect(),
        }
    }
}

/// A named delivery method with its limits.
///
/// Read through `DeliveryMethodFile`, not `#[serde(flatten)]`: serde ignores
/// `deny_unknown_fields` under `flatten`, so a misspelt limit (`max_wieght_g`) silently
/// vanished (issue 16). Written flat, as in `data/methods.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "DeliveryMethodFile")]
pub struct DeliveryMethod {
    /// Stable identifier, e.g. `"russian_post_parcel"`.
    pub id: String,
    /// Human name shown in comments and tables.
    pub name: String,
    /// The method's limits, written flat beside `id` and `name` in the file.
    #[serde(flatten)]
    pub limits: MethodLimits,
}

/// A `[[method]]` of a method catalogue as written: the limits beside `id` and `name`,
/// every other key an error naming it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeliveryMethodFile {
    id: String,
    name: String,
    #[serde(default)]
    max_weight_g: Option<u64>,
    #[serde(default)]
    max_side_mm: Option<u32>,
    #[serde(default)]
    max_sum_of_sides_mm: Option<u32>,
    #[serde(default)]
    max_length_plus_girth_mm: Option<u32>,
    #[serde(default)]
    cell: Vec<CellRecord>,
}

impl DeliveryMethodFile {
    /// The limit keys, as a record.
    fn limits(&self) -> MethodLimitsRecord {
        MethodLimitsRecord {
            max_weight_g: self.max_weight_g,
            max_side_mm: self.max_side_mm,
            max_sum_of_sides_mm: self.max_sum_of_sides_mm,
            max_length_plus_girth_mm: self.max_length_plus_girth_mm,
            cells: self.cell.clone(),
        }
    }
}

impl TryFrom<DeliveryMethodFile> for DeliveryMethod {
    type Error = LimitsError;

    fn try_from(m: DeliveryMethodFile) -> Result<Self, LimitsError> {
        Ok(DeliveryMethod {
            limits: MethodLimits::try_from(m.limits())?,
            id: m.id,
            name: m.name,
        })
    }
}

/// Which limit a parcel exceeded, and by how much.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "limit", rename_all = "snake_case")]
pub enum Exceeded {
    /// The gross weight is over the maximum.
    Weight {
        /// Gross weight of the parcel, in grams.
        value_g: u64,
        /// The method's maximum, in grams.
        max_g: u64,
    },
    /// The longest side is over the maximum.
    Side {
        /// Longest outer side of the parcel, in mm.
        value_mm: u32,
        /// The method's maximum side, in mm.
        max_mm: u32,
    },
    /// The sum of the three outer sides is over the maximum.
    SumOfSides {
        /// Sum of the parcel's three outer sides, in mm.
        value_mm: u32,
        /// The method's maximum sum, in mm.
        max_mm: u32,
    },
    /// Length (longest side) plus girth `2 × (width + height)` is over the maximum.
    LengthPlusGirth {
        /// Length plus girth of the parcel, in mm.
        value_mm: u32,
        /// The method's maximum length plus girth, in mm.
        max_mm: u32,
    },
    /// The parcel fits none of the cells.
    Cells {
        /// Names of the cells tried, in catalogue order.
        cells: Vec<String>,
    },
}

impl Exceeded {
    /// One-line English description, used in CheckDimensions comments.
    pub fn describe(&self) -> String {
        match self {
            Exceeded::Weight { value_g, max_g } => {
                format!(
                    "weight {value_g} g exceeds {max_g} g by {} g",
                    value_g - max_g
                )
            }
            Exceeded::Side { value_mm, max_mm } => format!(
                "longest side {value_mm} mm exceeds {max_mm} mm by {} mm",
                value_mm - max_mm
            ),
            Exceeded::SumOfSides { value_mm, max_mm } => format!(
                "sum of sides {value_mm} mm exceeds {max_mm} mm by {} mm",
                value_mm - max_mm
            ),
            Exceeded::LengthPlusGirth { value_mm, max_mm } => format!(
                "length + girth {value_mm} mm exceeds {max_mm} mm by {} mm",
                value_mm - max_mm
            ),
            Exceeded::Cells { cells } => {
                format!("does not fit any cell ({})", cells.join(", "))
            }
        }
    }
}

impl MethodLimits {
    /// Checks a parcel of the given outer sides and gross weight against the limits that
    /// do not need a packing: weight, side, sum of sides, length + girth, and whether the
    /// *parcel as a rigid box* fits a cell. Returns every limit exceeded.
    ///
    /// ```
    /// use courier_rules::limits::{MethodLimits, Exceeded};
    /// use courier_rules::Sides;
    /// use courier_rules::limits::MethodLimitsRecord;
    /// let limits = MethodLimitsRecord { max_length_plus_girth_mm: Some(3000), ..Default::default() };
    /// let limits = MethodLimits::try_from(limits).unwrap();
    /// // 1400 + 2 × (500 + 400) = 3200 mm
    /// let over = limits.check_box(Sides::new(400, 1400, 500).unwrap(), 1000);
    /// assert_eq!(over, vec![Exceeded::LengthPlusGirth { value_mm: 3200, max_mm: 3000 }]);
    /// ```
    pub fn check_box(&self, sides: Sides, weight_g: u64) -> Vec<Exceeded> {
        let mut out = Vec::new();
        if let Some(max) = self.max_weight_g {
            if weight_g > max {
                out.push(Exceeded::Weight {
                    value_g: weight_g,
                    max_g: max,
                });
            }
        }
        if let Some(max) = self.max_side_mm {
            if sides.longest() > max {
                out.push(Exceeded::Side {
                    value_mm: sides.longest(),
                    max_mm: max,
                });
            }
        }
        if let Some(max) = self.max_sum_of_sides_mm {
            let v = sides.sum_mm();
            if v > max {
                out.push(Exceeded::SumOfSides {
                    value_mm: v,
                    max_mm: max,
                });
            }
        }
        if let Some(max) = self.max_length_plus_girth_mm {
            let v = sides.length_plus_girth_mm();
            if v > max {
                out.push(Exceeded::LengthPlusGirth {
                    value_mm: v,
                    max_mm: max,
                });
            }
        }
        if !self.cells.is_empty() && !self.cells.iter().any(|c| cell_takes(c, sides, weight_g)) {
            out.push(Exceeded::Cells {
                cells: self.cells.iter().map(|c| c.name().to_string()).collect(),
            });
        }
        out
    }

    /// Checks every limit except the cells. Used by packers that test cells themselves
    /// (goods may pack into a cell in a shape other than a given bounding box).
    pub fn check_box_without_cells(&self, sides: Sides, weight_g: u64) -> Vec<Exceeded> {
        let without = MethodLimits {
            cells: Vec::new(),
            ..self.clone()
        };
        without.check_box(sides, weight_g)
    }

    /// Whether the limits on the sides (not weight, not cells) admit a box of these sides.
    pub fn admits_sides(&self, sides: Sides) -> bool {
        self.max_side_mm.is_none_or(|m| sides.longest() <= m)
            && self.max_sum_of_sides_mm.is_none_or(|m| sides.sum_mm() <= m)
            && self
                .max_length_plus_girth_mm
                .is_none_or(|m| sides.length_plus_girth_mm() <= m)
    }

    /// Maximum gross weight (goods plus packaging), in grams.
    pub fn max_weight_g(&self) -> Option<u64> {
        self.max_weight_g
    }

    /// Longest side, in mm.
    pub fn max_side_mm(&self) -> Option<u32> {
        self.max_side_mm
    }

    /// Sum of the three sides, in mm.
    pub fn max_sum_of_sides_mm(&self) -> Option<u32> {
        self.max_sum_of_sides_mm
    }

    /// Length (longest side) plus girth `2 × (width + height)`, in mm.
    pub fn max_length_plus_girth_mm(&self) -> Option<u32> {
        self.max_length_plus_girth_mm
    }

    /// Cells the parcel must fit; empty means no cell constraint.
    pub fn cells(&self) -> &[Cell] {
        &self.cells
    }
}

/// Whether a rigid box of these sides and weight fits the cell (rotation allowed).
pub fn cell_takes(cell: &Cell, sides: Sides, weight_g: u64) -> bool {
    sides.fits_within(&cell.sorted_sides()) && cell.max_weight_g().is_none_or(|m| weight_g <= m)
}

/// Sorts three values longest first. For a packer's working triples (a footprint with a
/// zero third side, a bounding box being built), which may hold a zero; the sides of a
/// box are [`Sides`], sorted by construction.
pub fn sort_desc(mut s: [u32; 3]) -> [u32; 3] {
    s.sort_unstable_by(|a, b| b.cmp(a));
    s
}

/// A list of delivery methods, loaded from TOML:
///
/// ```
/// use courier_rules::limits::MethodCatalogue;
/// let cat = MethodCatalogue::from_toml_str(r#"
/// [[method]]
/// id = "post"
/// name = "Post parcel"
/// max_weight_g = 20000
/// max_length_plus_girth_mm = 3000
///
/// [[method]]
/// id = "locker"
/// name = "Locker"
/// [[method.cell]]
/// name = "A"
/// length_mm = 640
/// width_mm = 380
/// height_mm = 80
/// max_weight_g = 25000
/// "#).unwrap();
/// assert_eq!(cat.methods.len(), 2);
/// assert_eq!(cat.methods[1].limits.cells()[0].name(), "A");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MethodCatalogue {
    /// The `[[method]]` tables in file order.
    #[serde(rename = "method", default)]
    pub methods: Vec<DeliveryMethod>,
}

/// A method catalogue that cannot be used; names the key and, where known, the line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DataError {
    /// Not TOML, or an unknown or misspelt key (toml's message, with the line).
    #[error("{0}")]
    Toml(String),
    /// Every problem with the methods' values, one a line, each naming its key.
    #[error("{}", .0.join("\n"))]
    Invalid(Vec<String>),
}

impl DataError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            DataError::Toml(_) => "methods_syntax",
            DataError::Invalid(_) => "invalid_limits",
        }
    }
}

impl MethodCatalogue {
    /// Parses and validates a method catalogue; every problem is reported at once.
    /// A misspelt or unknown key is an error naming it and its line; a leading UTF-8
    /// byte-order mark is ignored.
    pub fn from_toml_str(text: &str) -> Result<Self, DataError> {
        let text = crate::encoding::strip_bom(text);
        // Read as written, so that every problem is found before any method is built.
        let file: MethodCatalogueFile =
            toml::from_str(text).map_err(|e| DataError::Toml(e.to_string()))?;
        let mut problems = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for (i, m) in file.methods.iter().enumerate() {
            let at = format!("method[{i}] ({})", m.id);
            if m.id.trim().is_empty() {
                problems.push(format!("method[{i}].id: must not be empty"));
            }
            if !seen.insert(m.id.clone()) {
                problems.push(format!("{at}.id: duplicate method id"));
            }
            problems.extend(m.limits().validate(&at));
        }
        if file.methods.is_empty() {
            problems.push("method: at least one [[method]] is required".into());
        }
        if !problems.is_empty() {
            return Err(DataError::Invalid(problems));
        }
        let methods = file
            .methods
            .into_iter()
            .enumerate()
            .map(|(i, m)| {
                let at = format!("method[{i}] ({})", m.id);
                DeliveryMethod::try_from(m).map_err(|e| format!("{at}.{e}"))
            })
            .collect::<Result<_, _>>()
            .map_err(|p| DataError::Invalid(vec![p]))?;
        Ok(MethodCatalogue { methods })
    }
}

/// A method catalogue as written (the shape of [`MethodCatalogue`], each method a
/// `DeliveryMethodFile`), read before any method is checked.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MethodCatalogueFile {
    #[serde(rename = "method", default)]
    methods: Vec<DeliveryMethodFile>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell_record(name: &str, l: u32, w: u32, h: u32) -> CellRecord {
        CellRecord {
            name: name.into(),
            length_mm: l,
            width_mm: w,
            height_mm: h,
            max_weight_g: Some(25_000),
        }
    }

    fn cell(name: &str, l: u32, w: u32, h: u32) -> Cell {
        Cell::try_from(cell_record(name, l, w, h)).unwrap()
    }

    fn sides(l: u32, w: u32, h: u32) -> Sides {
        Sides::new(l, w, h).unwrap()
    }

    #[test]
    fn a_cell_takes_a_box_in_any_rotation_within_its_weight() {
        let a = cell("A", 80, 380, 640);
        assert_eq!(a.sorted_sides(), sides(640, 380, 80));
        assert_eq!(a.dims_mm(), [80, 380, 640]);
        assert!(cell_takes(&a, sides(600, 80, 300), 1_000));
        assert!(!cell_takes(&a, sides(600, 81, 300), 1_000));
        assert!(!cell_takes(&a, sides(600, 80, 300), 25_001));
    }

    #[test]
    fn a_cell_with_a_zero_side_or_weight_is_refused() {
        // Such a cell took nothing when it could be built by hand; now it cannot be built.
        let flat = cell_record("flat", 640, 0, 380);
        assert_eq!(Cell::try_from(flat.clone()), Err(CellError::ZeroSide));
        let light = CellRecord {
            max_weight_g: Some(0),
            ..cell_record("light", 1, 1, 1)
        };
        assert_eq!(
            Cell::try_from(light.clone()).unwrap_err().code(),
            "zero_cell_max_weight"
        );
        let limits = MethodLimitsRecord {
            max_side_mm: Some(0),
            cells: vec![flat, light],
            ..Default::default()
        };
        assert_eq!(
            limits.validate("m"),
            [
                "m.max_side_mm: must be greater than 0",
                "m.cell[0] (flat): every side must be greater than 0",
                "m.cell[1] (light): max_weight_g must be greater than 0",
            ]
        );
        let first = MethodLimits::try_from(limits).unwrap_err();
        assert_eq!(
            first,
            LimitsError::ZeroLimit {
                limit: "max_side_mm"
            }
        );
        assert_eq!(first.code(), "zero_limit");
    }

    #[test]
    fn limits_serialise_as_written() {
        let record = MethodLimitsRecord {
            max_weight_g: Some(25_000),
            cells: vec![cell_record("A", 80, 380, 640)],
            ..Default::default()
        };
        let limits = MethodLimits::try_from(record.clone()).unwrap();
        assert_eq!(MethodLimitsRecord::from(limits.clone()), record);
        let json = serde_json::to_string(&limits).unwrap();
        assert_eq!(json, serde_json::to_string(&record).unwrap());
        assert_eq!(serde_json::from_str::<MethodLimits>(&json).unwrap(), limits);
    }

    #[test]
    fn every_limit_is_measured_on_the_sorted_sides() {
        let limits = MethodLimits::try_from(MethodLimitsRecord {
            max_weight_g: Some(1_000),
            max_side_mm: Some(1_000),
            max_sum_of_sides_mm: Some(2_000),
            max_length_plus_girth_mm: Some(3_000),
            cells: Vec::new(),
        })
        .unwrap();
        let s = sides(500, 1_400, 400);
        assert_eq!(
            limits.check_box(s, 1_001),
            vec![
                Exceeded::Weight {
                    value_g: 1_001,
                    max_g: 1_000
                },
                Exceeded::Side {
                    value_mm: 1_400,
                    max_mm: 1_000
                },
                Exceeded::SumOfSides {
                    value_mm: 2_300,
                    max_mm: 2_000
                },
                Exceeded::LengthPlusGirth {
                    value_mm: 3_200,
                    max_mm: 3_000
                },
            ]
        );
        assert!(!limits.admits_sides(s));
        assert!(limits.admits_sides(sides(1_000, 500, 400)));
        // Saturating, never wrapping to a small value.
        let huge = sides(u32::MAX, u32::MAX, 1);
        assert_eq!(
            limits.check_box_without_cells(huge, 0)[1],
            Exceeded::SumOfSides {
                value_mm: u32::MAX,
                max_mm: 2_000
            }
        );
    }
}
