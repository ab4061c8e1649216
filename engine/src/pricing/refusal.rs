//! Why a method cannot take a parcel ([`MethodRefusal`]): the reasons a quote lists for
//! each refused method, machine-readable, with a sentence for people.

use rust_decimal::Decimal;
use serde::Serialize;

use courier_rules::limits::Exceeded;

/// Why a method cannot take the parcel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum MethodRefusal {
    /// The parcel exceeds the method's limits.
    LimitExceeded {
        /// Each limit exceeded, with the value measured and the maximum.
        exceeded: Vec<Exceeded>,
    },
    /// The address is in no zone this method serves.
    ZoneNotServed {
        /// The postal index looked up.
        postal_index: String,
    },
    /// The method needs a pick-up point and none serves the address.
    NoPickupPoint {
        /// The postal index looked up.
        postal_index: String,
    },
    /// Cash on delivery was asked for and the method does not offer it.
    CodNotOffered,
    /// Cash on delivery above the method's maximum amount.
    CodAmountTooHigh {
        /// The amount to collect.
        amount: Decimal,
        /// The method's maximum.
        max: Decimal,
    },
    /// A declared value above the method's maximum insured value.
    DeclaredValueTooHigh {
        /// The declared value.
        value: Decimal,
        /// The method's maximum.
        max: Decimal,
    },
    /// Weekend delivery was asked for and the method does not offer it.
    WeekendNotOffered,
    /// The goods fit no box of the catalogue.
    NoCarton,
    /// A component of the price would overflow exact decimal arithmetic: an absurd
    /// weight on a method without a weight limit, or amounts beyond the range
    /// `tariff check` accepts (`courier_rules::tariff::MAX_MONEY`). Never a panic.
    Unpriceable {
        /// The component that overflowed: `rate`, `fuel`, `cod_fee`, `insurance`,
        /// `postal_rate`, `preparing_cost`, `cost`, `vat` or (ShipX)
        /// `calculated_charge_amount`.
        component: &'static str,
        /// The weight the rate was looked up with, once known.
        #[serde(skip_serializing_if = "Option::is_none")]
        chargeable_weight_g: Option<u64>,
    },
}

impl MethodRefusal {
    /// Short machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            MethodRefusal::LimitExceeded { .. } => "limit_exceeded",
            MethodRefusal::ZoneNotServed { .. } => "zone_not_served",
            MethodRefusal::NoPickupPoint { .. } => "no_pickup_point",
            MethodRefusal::CodNotOffered => "cod_not_offered",
            MethodRefusal::CodAmountTooHigh { .. } => "cod_amount_too_high",
            MethodRefusal::DeclaredValueTooHigh { .. } => "declared_value_too_high",
            MethodRefusal::WeekendNotOffered => "weekend_not_offered",
            MethodRefusal::NoCarton => "no_carton",
            MethodRefusal::Unpriceable { .. } => "unpriceable",
        }
    }

    /// One English sentence.
    pub fn describe(&self) -> String {
        match self {
            MethodRefusal::LimitExceeded { exceeded } => exceeded
                .iter()
                .map(|e| e.describe())
                .collect::<Vec<_>>()
                .join("; "),
            MethodRefusal::ZoneNotServed { postal_index } => {
                format!("address (index {postal_index:?}) is in no zone this method serves")
            }
            MethodRefusal::NoPickupPoint { postal_index } => {
                format!("no pick-up point serves index {postal_index:?}")
            }
            MethodRefusal::CodNotOffered => "cash on delivery is not offered".into(),
            MethodRefusal::CodAmountTooHigh { amount, max } => {
                format!("cash-on-delivery amount {amount} exceeds the maximum {max}")
            }
            MethodRefusal::DeclaredValueTooHigh { value, max } => {
                format!("declared value {value} exceeds the maximum {max}")
            }
            MethodRefusal::WeekendNotOffered => "weekend delivery is not offered".into(),
            MethodRefusal::NoCarton => "the goods fit no box of the catalogue".into(),
            MethodRefusal::Unpriceable {
                component,
                chargeable_weight_g: Some(g),
            } => format!(
                "{g} g cannot be priced with this method (the {component} is beyond exact arithmetic)"
            ),
            MethodRefusal::Unpriceable {
                component,
                chargeable_weight_g: None,
            } => format!(
                "this method cannot price the parcel (the {component} is beyond exact arithmetic)"
            ),
        }
    }
}
