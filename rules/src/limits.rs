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

use crate::sides::{Sides, SidesError};

/// A locker cell (or any fixed compartment) a parcel must fit into, e.g. InPost's
/// templates A 80×380×640, B 190×380×640 and C 410×380×640 mm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cell {
    /// Name of the cell size, e.g. `"A"` or `"small"`.
    pub name: String,
    /// Inner sides of the cell in millimetres, in any order.
    pub length_mm: u32,
    /// Second inner side of the cell, in mm.
    pub width_mm: u32,
    /// Third inner side of the cell, in mm.
    pub height_mm: u32,
    /// Maximum gross weight the cell takes, in grams, if any.
    #[serde(default)]
    pub max_weight_g: Option<u64>,
}

impl Cell {
    /// The cell's inner sides, sorted longest first. An error names a zero side: a
    /// cell read from a file is checked by [`MethodLimits::validate`], but the fields
    /// are public and a cell built by hand is not.
    pub fn sorted_sides(&self) -> Result<Sides, SidesError> {
        Sides::new(self.length_mm, self.width_mm, self.height_mm)
    }
}

/// Limits of one delivery method. Every limit is optional; an absent limit never refuses.
///
/// When `cells` is not empty the parcel must also fit (with rotation) into at least one
/// of the cells, within that cell's weight limit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MethodLimits {
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
    pub cells: Vec<Cell>,
}

/// A named delivery method with its limits.
///
/// Read through `DeliveryMethodFile`, not `#[serde(flatten)]`: serde ignores
/// `deny_unknown_fields` under `flatten`, so a misspelt limit (`max_wieght_g`) silently
/// vanished (issue 16). Written flat, as in `data/methods.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "DeliveryMethodFile")]
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
    cell: Vec<Cell>,
}

impl From<DeliveryMethodFile> for DeliveryMethod {
    fn from(m: DeliveryMethodFile) -> Self {
        DeliveryMethod {
            id: m.id,
            name: m.name,
            limits: MethodLimits {
                max_weight_g: m.max_weight_g,
                max_side_mm: m.max_side_mm,
                max_sum_of_sides_mm: m.max_sum_of_sides_mm,
                max_length_plus_girth_mm: m.max_length_plus_girth_mm,
                cells: m.cell,
            },
        }
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
    /// let limits = MethodLimits { max_length_plus_girth_mm: Some(3000), ..Default::default() };
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
                cells: self.cells.iter().map(|c| c.name.clone()).collect(),
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

    /// Validates the limits themselves: no zero limit, no zero-sized cell.
    pub fn validate(&self, at: &str) -> Vec<String> {
        let mut problems = Vec::new();
        let zero = |name: &str, v: Option<u64>, problems: &mut Vec<String>| {
            if v == Some(0) {
                problems.push(format!("{at}.{name}: must be greater than 0"));
            }
        };
        zero("max_weight_g", self.max_weight_g, &mut problems);
        zero(
            "max_side_mm",
            self.max_side_mm.map(u64::from),
            &mut problems,
        );
        zero(
            "max_sum_of_sides_mm",
            self.max_sum_of_sides_mm.map(u64::from),
            &mut problems,
        );
        zero(
            "max_length_plus_girth_mm",
            self.max_length_plus_girth_mm.map(u64::from),
            &mut problems,
        );
        for (i, c) in self.cells.iter().enumerate() {
            if c.length_mm == 0 || c.width_mm == 0 || c.height_mm == 0 {
                problems.push(format!(
                    "{at}.cell[{i}] ({}): every side must be greater than 0",
                    c.name
                ));
            }
            if c.max_weight_g == Some(0) {
                problems.push(format!(
                    "{at}.cell[{i}] ({}): max_weight_g must be greater than 0",
                    c.name
                ));
            }
        }
        problems
    }
}

/// Whether a rigid box of these sides and weight fits the cell (rotation allowed). A cell
/// with a zero side takes nothing (no box of non-zero sides fits it).
pub fn cell_takes(cell: &Cell, sides: Sides, weight_g: u64) -> bool {
    cell.sorted_sides().is_ok_and(|c| sides.fits_within(&c))
        && cell.max_weight_g.is_none_or(|m| weight_g <= m)
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
/// assert_eq!(cat.methods[1].limits.cells[0].name, "A");
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
        let cat: MethodCatalogue =
            toml::from_str(text).map_err(|e| DataError::Toml(e.to_string()))?;
        let mut problems = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for (i, m) in cat.methods.iter().enumerate() {
            let at = format!("method[{i}] ({})", m.id);
            if m.id.trim().is_empty() {
                problems.push(format!("method[{i}].id: must not be empty"));
            }
            if !seen.insert(m.id.clone()) {
                problems.push(format!("{at}.id: duplicate method id"));
            }
            problems.extend(m.limits.validate(&at));
        }
        if cat.methods.is_empty() {
            problems.push("method: at least one [[method]] is required".into());
        }
        if problems.is_empty() {
            Ok(cat)
        } else {
            Err(DataError::Invalid(problems))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(name: &str, l: u32, w: u32, h: u32) -> Cell {
        Cell {
            name: name.into(),
            length_mm: l,
            width_mm: w,
            height_mm: h,
            max_weight_g: Some(25_000),
        }
    }

    fn sides(l: u32, w: u32, h: u32) -> Sides {
        Sides::new(l, w, h).unwrap()
    }

    #[test]
    fn a_cell_takes_a_box_in_any_rotation_within_its_weight() {
        let a = cell("A", 80, 380, 640);
        assert_eq!(a.sorted_sides(), Ok(sides(640, 380, 80)));
        assert!(cell_takes(&a, sides(600, 80, 300), 1_000));
        assert!(!cell_takes(&a, sides(600, 81, 300), 1_000));
        assert!(!cell_takes(&a, sides(600, 80, 300), 25_001));
    }

    #[test]
    fn a_cell_with_a_zero_side_takes_nothing() {
        let flat = cell("flat", 640, 0, 380);
        assert_eq!(flat.sorted_sides(), Err(SidesError::ZeroWidth));
        assert!(!cell_takes(&flat, sides(1, 1, 1), 0));
        let limits = MethodLimits {
            cells: vec![flat],
            ..Default::default()
        };
        assert_eq!(
            limits.check_box(sides(1, 1, 1), 0),
            vec![Exceeded::Cells {
                cells: vec!["flat".into()]
            }]
        );
    }

    #[test]
    fn every_limit_is_measured_on_the_sorted_sides() {
        let limits = MethodLimits {
            max_weight_g: Some(1_000),
            max_side_mm: Some(1_000),
            max_sum_of_sides_mm: Some(2_000),
            max_length_plus_girth_mm: Some(3_000),
            cells: Vec::new(),
        };
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
