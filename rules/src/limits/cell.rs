//! Locker cells: a cell as written ([`CellRecord`]) and a cell that holds its invariants
//! ([`Cell`]), as [`crate::catalogue`] does for cartons.

use serde::{Deserialize, Serialize};

use crate::sides::Sides;

/// A `[[method.cell]]` (or `[[method.limits.cell]]`) as written: any values, checked by
/// [`CellRecord::problems`] (through [`super::MethodLimitsRecord::validate`]) and turned
/// into a [`Cell`] by [`Cell::try_from`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CellRecord {
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

/// Why a [`CellRecord`] is not a [`Cell`]; the message follows the cell's name in a
/// catalogue's problem list (`method[0] (locker).cell[1] (B): …`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CellError {
    /// A side is zero: no box fits such a cell.
    #[error("every side must be greater than 0")]
    ZeroSide,
    /// The maximum weight is zero: no parcel weighs nothing.
    #[error("max_weight_g must be greater than 0")]
    ZeroMaxWeight,
}

impl CellError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            CellError::ZeroSide => "zero_cell_side",
            CellError::ZeroMaxWeight => "zero_cell_max_weight",
        }
    }
}

impl CellRecord {
    /// Every problem with this cell (sides, then weight), so a file reports them all.
    pub fn problems(&self) -> Vec<CellError> {
        let mut p = Vec::new();
        if Sides::from_array(self.dims_mm()).is_err() {
            p.push(CellError::ZeroSide);
        }
        if self.max_weight_g == Some(0) {
            p.push(CellError::ZeroMaxWeight);
        }
        p
    }

    fn dims_mm(&self) -> [u32; 3] {
        [self.length_mm, self.width_mm, self.height_mm]
    }
}

/// A locker cell (or any fixed compartment) a parcel must fit into, e.g. InPost's
/// templates A 80×380×640, B 190×380×640 and C 410×380×640 mm. Valid by construction:
/// no zero side, no zero weight limit ([`Cell::try_from`] a [`CellRecord`]; deserialises
/// through the same check, serialises as the record).
///
/// ```
/// use courier_rules::limits::{Cell, CellRecord};
/// let a = CellRecord { name: "A".into(), length_mm: 80, width_mm: 380, height_mm: 640, max_weight_g: None };
/// assert_eq!(Cell::try_from(a.clone()).unwrap().sorted_sides().to_array(), [640, 380, 80]);
/// let flat = CellRecord { width_mm: 0, ..a };
/// assert_eq!(Cell::try_from(flat).unwrap_err().code(), "zero_cell_side");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CellRecord", into = "CellRecord")]
pub struct Cell {
    name: String,
    /// Length, width, height as listed (the frame a packing into the cell uses).
    dims_mm: [u32; 3],
    /// `dims_mm` sorted, none zero.
    sides: Sides,
    /// `None` or above zero.
    max_weight_g: Option<u64>,
}

impl TryFrom<CellRecord> for Cell {
    type Error = CellError;

    /// The cell of a record, or the record's first problem.
    fn try_from(r: CellRecord) -> Result<Cell, CellError> {
        if let Some(e) = r.problems().into_iter().next() {
            return Err(e);
        }
        Ok(Cell {
            sides: Sides::from_array(r.dims_mm()).map_err(|_| CellError::ZeroSide)?,
            dims_mm: r.dims_mm(),
            name: r.name,
            max_weight_g: r.max_weight_g,
        })
    }
}

impl From<Cell> for CellRecord {
    fn from(c: Cell) -> CellRecord {
        let [length_mm, width_mm, height_mm] = c.dims_mm;
        CellRecord {
            name: c.name,
            length_mm,
            width_mm,
            height_mm,
            max_weight_g: c.max_weight_g,
        }
    }
}

impl Cell {
    /// Name of the cell size, e.g. `"A"`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Length, width and height as listed.
    pub fn dims_mm(&self) -> [u32; 3] {
        self.dims_mm
    }

    /// The cell's inner sides, sorted longest first.
    pub fn sorted_sides(&self) -> Sides {
        self.sides
    }

    /// Maximum gross weight the cell takes, in grams, if any (never zero).
    pub fn max_weight_g(&self) -> Option<u64> {
        self.max_weight_g
    }
}
