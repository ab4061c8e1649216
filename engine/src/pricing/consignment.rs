//! What is priced: the parcel as the carrier sees it ([`Parcel`]), what the shipment
//! asks for beside it ([`Consignment`]) and where it goes ([`Destination`]) — the inputs
//! of [`CompiledTariff::price_method`](super::CompiledTariff::price_method) (issue 14:
//! they lived in `evaluate.rs`, which is named after what it does with them).

use courier_rules::Sides;
use rust_decimal::Decimal;

/// The parcel as the carrier sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parcel {
    /// Outer sides, longest first: what every limit and the volumetric weight measure.
    pub outer_sorted_mm: Sides,
    /// Goods plus packaging.
    pub gross_weight_g: u64,
    /// Volume of the goods themselves (for the filler line).
    pub goods_volume_mm3: u64,
    /// Units of goods (for the handling line).
    pub units: u64,
    /// Index of the box in the tariff's catalogue, when the goods were boxed.
    pub carton: Option<usize>,
}

/// What the shipment asks for, beside the parcel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Consignment {
    /// The prepared parcel (outer size, gross weight, volume, units, carton).
    pub parcel: Parcel,
    /// Declared value (insured amount); zero means not insured.
    pub declared_value: Decimal,
    /// Amount to collect on delivery; `None`: no cash on delivery.
    pub cod_amount: Option<Decimal>,
    /// Weekend delivery add-on (InPost `end_of_week_collection`).
    pub weekend: bool,
}

/// An address resolved against the zonings of a tariff, once per request. It borrows
/// the address rather than copying it: a batch run resolves tens of millions of
/// addresses, and the copy was an allocation and a free per quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination<'a> {
    pub(super) zones: Zones,
    /// Postal index, trimmed (for pick-up points, and a zoning not resolved up front).
    pub(super) index: &'a str,
    /// Region, trimmed (for a zoning not resolved up front).
    pub(super) region: &'a str,
}

/// The zones a [`Destination`] resolved up front.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Zones {
    /// Zone id per zoning (same order as the tariff's zonings):
    /// [`super::CompiledTariff::destination`], for pricing every method.
    Every(Vec<Option<u16>>),
    /// The zone in one zoning: [`super::CompiledTariff::destination_for`], for pricing
    /// one method. Any other zoning is resolved when asked, so a destination made for
    /// one method prices another correctly, only more slowly.
    One { zoning: usize, zone: Option<u16> },
}
