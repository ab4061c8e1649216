//! Packaging and marking (Aplix `PreparingCost` and its `GetDetailsOfCost` lines).
//!
//! Lines, in this order: the box; bubble wrap (seal type 2) by the box's inner surface in
//! m²; filler (seal type 3) by the litres of the box's inner volume the goods leave
//! empty; sturdy packaging; label and marking; handling per unit of goods. Each line's
//! cost is `price × quantity` rounded half-up to the minor unit; `PreparingCost` is the
//! sum of the line costs, so the lines always add up to it exactly.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::compile::CompiledTariff;
use super::consignment::Parcel;
use super::money::round_money;
use super::refusal::MethodRefusal;

/// Aplix `TypeOfSeal`: 1 none, 2 bubble wrap, 3 filler.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum Seal {
    /// 1: no sealing (the default: Aplix charges nothing extra).
    #[default]
    None,
    /// 2: bubble wrap, priced per square metre of the box's surface.
    BubbleWrap,
    /// 3: filler, priced per litre of the box's empty volume.
    Filler,
}

impl TryFrom<u8> for Seal {
    type Error = SealError;
    fn try_from(v: u8) -> Result<Seal, SealError> {
        match v {
            1 => Ok(Seal::None),
            2 => Ok(Seal::BubbleWrap),
            3 => Ok(Seal::Filler),
            _ => Err(SealError::Unknown(v)),
        }
    }
}

/// A `type_of_seal` that is not 1, 2 or 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SealError {
    /// The number given.
    #[error("type_of_seal must be 1 (none), 2 (bubble wrap) or 3 (filler), got {0}")]
    Unknown(u8),
}

impl SealError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            SealError::Unknown(_) => "type_of_seal",
        }
    }
}

impl From<Seal> for u8 {
    fn from(s: Seal) -> u8 {
        match s {
            Seal::None => 1,
            Seal::BubbleWrap => 2,
            Seal::Filler => 3,
        }
    }
}

/// One `GetDetailsOfCost` line: `cost = round(price × qty)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CostLine {
    /// Machine-readable kind: `box`, `bubble_wrap`, `filler`, `sturdy`, `label`, `handling`.
    pub kind: &'static str,
    /// What the line is for, for a person (`box M-300x200x150`).
    pub description: String,
    /// Unit price.
    pub price: Decimal,
    /// Quantity (units, m², litres), exact.
    pub qty: Decimal,
    /// `price × qty`, rounded to the minor unit.
    pub cost: Decimal,
}

#[derive(Debug, Clone, Copy)]
struct Part {
    kind: &'static str,
    price: Decimal,
    qty: Decimal,
    cost: Decimal,
}

/// What a packaging line or total that overflows exact arithmetic is refused with.
fn unpriceable() -> MethodRefusal {
    MethodRefusal::Unpriceable {
        component: "preparing_cost",
        chargeable_weight_g: None,
    }
}

impl CompiledTariff {
    /// The lines and their total, `Err` when a line's `price × qty` or the total
    /// overflows exact arithmetic (an absurd box or number of units at a price far
    /// beyond what `tariff check` accepts). The total is summed once, here: the lines
    /// must have one, and [`CompiledTariff::preparing_total`] asks for nothing else.
    fn preparing_parts(
        &self,
        p: &Parcel,
        seal: Seal,
        sturdy: bool,
    ) -> Result<([Option<Part>; 6], Decimal), MethodRefusal> {
        let mut out = [None; 6];
        let Some(pk) = &self.packaging else {
            return Ok((out, checked_total(&out, self.dp)?));
        };
        let dp = self.dp;
        let part = |kind, price: Decimal, qty: Decimal| {
            let rounded = round_money(price, dp);
            // One of a thing (a box, a label, one unit) costs its rounded price: the
            // same value, without a second product and rounding per parcel (most lines
            // of most parcels).
            let cost = if qty == Decimal::ONE {
                rounded
            } else {
                round_money(price.checked_mul(qty).ok_or_else(unpriceable)?, dp)
            };
            Ok(Some(Part {
                kind,
                price: rounded,
                qty,
                cost,
            }))
        };
        let carton = p.carton.and_then(|i| pk.boxes.get(i));
        let inner = match carton {
            Some(c) => c.inner_sorted(),
            None => p.outer_sorted_mm,
        };
        if let Some(c) = carton {
            out[0] = part("box", c.price().unwrap_or_default(), Decimal::ONE)?;
        }
        let [l, w, h] = inner.to_array().map(i128::from);
        match seal {
            Seal::None => {}
            Seal::BubbleWrap => {
                let area_mm2 = 2 * (l * w + l * h + w * h);
                let m2 = Decimal::from_i128_with_scale(area_mm2, 6).normalize();
                out[1] = part("bubble_wrap", pk.bubble_wrap_per_m2, m2)?;
            }
            Seal::Filler => {
                let empty = (l * w * h - i128::from(p.goods_volume_mm3)).max(0);
                let litres = Decimal::try_from_i128_with_scale(empty, 6)
                    .unwrap_or_default()
                    .normalize();
                out[2] = part("filler", pk.filler_per_litre, litres)?;
            }
        }
        if sturdy {
            out[3] = part("sturdy", pk.sturdy, Decimal::ONE)?;
        }
        out[4] = part("label", pk.label, Decimal::ONE)?;
        out[5] = part("handling", pk.handling_per_unit, Decimal::from(p.units))?;
        // The total must be representable too, so that every line list has a total.
        let total = checked_total(&out, dp)?;
        Ok((out, total))
    }

    /// `PreparingCost`: the sum of the rounded lines, without building them. `Err`
    /// (`unpriceable`) when a line or the sum overflows exact arithmetic.
    pub fn preparing_total(
        &self,
        p: &Parcel,
        seal: Seal,
        sturdy: bool,
    ) -> Result<Decimal, MethodRefusal> {
        Ok(self.preparing_parts(p, seal, sturdy)?.1)
    }

    /// The `GetDetailsOfCost` lines. Empty when the tariff has no packaging prices; `Err`
    /// exactly when [`CompiledTariff::preparing_total`] is.
    pub fn preparing_lines(
        &self,
        p: &Parcel,
        seal: Seal,
        sturdy: bool,
    ) -> Result<Vec<CostLine>, MethodRefusal> {
        let carton = self
            .packaging
            .as_ref()
            .and_then(|pk| pk.boxes.get(p.carton?));
        Ok(self
            .preparing_parts(p, seal, sturdy)?
            .0
            .into_iter()
            .flatten()
            .map(|part| {
                let description = match part.kind {
                    "box" => match carton {
                        Some(c) => {
                            let [a, b, d] = c.inner_sorted().to_array();
                            format!("box {} ({a}×{b}×{d} mm inside)", c.reference())
                        }
                        None => "box".to_string(),
                    },
                    "bubble_wrap" => "bubble wrap, m² of the box's inner surface".into(),
                    "filler" => "filler, litres of empty space in the box".into(),
                    "sturdy" => "sturdy packaging".into(),
                    "label" => "label and marking".into(),
                    _ => "handling, per unit of goods".into(),
                };
                CostLine {
                    kind: part.kind,
                    description,
                    price: part.price,
                    qty: part.qty,
                    cost: part.cost,
                }
            })
            .collect())
    }
}

/// The sum of the lines' costs, at the currency's scale `dp` even when there is none.
fn checked_total(parts: &[Option<Part>; 6], dp: u32) -> Result<Decimal, MethodRefusal> {
    parts
        .iter()
        .flatten()
        .try_fold(round_money(Decimal::ZERO, dp), |acc, p| {
            acc.checked_add(p.cost)
        })
        .ok_or_else(unpriceable)
}
