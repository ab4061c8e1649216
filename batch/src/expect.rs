//! What a registry parcel should cost by contract, and whether the weekend fee is owed:
//! both asked of the engine and the rules crate, never computed here.

use courier_engine::pricing::{CompiledTariff, Consignment, MethodPrice, MethodRefusal, Parcel};
use courier_rules::inpost::refund::{
    ClientType, DispatchEvent, Outcome, ParcelHistory, RefundDecision, RefundPolicy,
};

use crate::money::Money;
use crate::records::{Amounts, RegistryParcel, TrackingEvent, TrackingKind};
use crate::tariffs::TariffBook;

/// The contract's answer for one parcel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// Expected amounts per component (`Total` last), or why the tariff cannot price it.
    pub amounts: Result<Amounts, String>,
    /// Whether a weekend fee on the invoice is owed (`false` also when not bought).
    pub weekend_fee_owed: bool,
    /// The weekend fee refund that is due (prepaid, InPost rule), zero otherwise.
    pub refund_due: Money,
    /// The InPost rule's decision, for parcels with the add-on.
    pub weekend: Option<RefundDecision>,
}

/// The engine's amounts in minor units. The engine rounds every amount to the minor
/// unit, so only an amount beyond `i64` minor units can fail: the parcel is then
/// unpriced, never priced at zero.
pub fn amounts_of(p: &MethodPrice, dp: u32) -> Result<Amounts, String> {
    let one = |d: rust_decimal::Decimal| {
        Money::from_decimal_exact(d, dp)
            .ok_or_else(|| format!("unpriceable: the amount {d} is out of range"))
    };
    let opt = |d: Option<rust_decimal::Decimal>| d.map_or(Ok(Money::ZERO), one);
    Ok([
        one(p.rate)?,
        opt(p.insurance)?,
        opt(p.cod_fee)?,
        one(p.preparing)?,
        opt(p.fuel)?,
        opt(p.notification)?,
        opt(p.weekend)?,
        one(p.cost)?,
    ])
}

/// Why a parcel's method cannot be priced by a tariff that has no such method.
pub fn method_not_in_tariff(method: &str, tariff: &CompiledTariff) -> String {
    format!(
        "method_not_in_tariff: method {method:?} is not in the {} tariff",
        tariff.carrier()
    )
}

/// The engine's refusals as one line: `code: sentence; code: sentence`.
pub fn explain(refusals: &[MethodRefusal]) -> String {
    refusals
        .iter()
        .map(|r| format!("{}: {}", r.code(), r.describe()))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Asks the engine for the price of a registry parcel with method `method` of `tariff`
/// (the parcel as registered; `weekend`: whether the add-on is charged). The parcel's
/// money is in minor units of `dp` digits. The one pricing call of the crate: the
/// reconciliation and the tariff comparison both price through it.
pub fn price(
    tariff: &CompiledTariff,
    method: usize,
    parcel: &RegistryParcel,
    dp: u32,
    weekend: bool,
) -> Result<MethodPrice, Vec<MethodRefusal>> {
    // Sides of a registry row are at most MAX_SIDE_MM: the volume never saturates.
    let volume = parcel.sides_mm.volume_mm3();
    let p = Parcel {
        outer_sorted_mm: parcel.sides_mm,
        gross_weight_g: parcel.weight_g,
        goods_volume_mm3: parcel.goods_volume_mm3.unwrap_or(volume),
        units: u64::from(parcel.units),
        carton: None,
    };
    let shipment = Consignment {
        parcel: p,
        declared_value: parcel.declared_value.to_decimal(dp),
        cod_amount: (parcel.cod_amount > Money::ZERO).then(|| parcel.cod_amount.to_decimal(dp)),
        weekend,
    };
    let dest = tariff.destination_for(method, parcel.postal_index(), parcel.region());
    let preparing = tariff
        .preparing_total(&p, parcel.seal, parcel.sturdy)
        .map_err(|r| vec![r])?;
    tariff.price_method(method, &shipment, &dest, preparing)
}

/// Prices one parcel. `events` are the parcel's tracking events (any order).
///
/// The weekend add-on: the rules crate decides from the purchase and the tracking. A
/// prepaid client paid the fee, so it is expected on the invoice and refunded when the
/// rule says so; a postpaid fee is expected only when the rule says it is owed.
pub fn expected(
    book: &TariffBook,
    policy: &RefundPolicy,
    parcel: &RegistryParcel,
    events: &[TrackingEvent],
) -> Expected {
    let tariff = book.tariff(parcel.carrier);
    let dp = tariff.minor_units();
    let decision = match (parcel.weekend, parcel.bought_at) {
        (true, Some(bought_at)) => {
            let history = ParcelHistory {
                client_type: parcel.client_type,
                bought_at,
                dispatched: events
                    .iter()
                    .filter_map(|e| {
                        e.kind
                            .dispatch()
                            .map(|kind| DispatchEvent { kind, at: e.at })
                    })
                    .collect(),
                placed_in_target_at: events
                    .iter()
                    .filter(|e| e.kind == TrackingKind::PlacedInTarget)
                    .map(|e| e.at)
                    .min(),
            };
            Some(policy.decide(&history))
        }
        _ => None,
    };
    let charged = match decision {
        Some(d) => parcel.client_type == ClientType::Prepaid || d.fee_owed,
        None => false,
    };
    let Some(method) = tariff.method_by_code(parcel.method()) else {
        return Expected {
            amounts: Err(method_not_in_tariff(parcel.method(), tariff)),
            weekend_fee_owed: charged,
            refund_due: Money::ZERO,
            weekend: decision,
        };
    };
    let amounts = match price(tariff, method, parcel, dp, charged) {
        Ok(price) => amounts_of(&price, dp),
        Err(refusals) => Err(explain(&refusals)),
    };
    let refund_due = match (&amounts, decision) {
        (Ok(a), Some(d)) if d.outcome == Outcome::PrepaidRefundDue => a[6],
        _ => Money::ZERO,
    };
    Expected {
        amounts,
        weekend_fee_owed: charged,
        refund_due,
        weekend: decision,
    }
}
