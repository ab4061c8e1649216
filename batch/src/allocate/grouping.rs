//! Grouping the parcels of a registry so that millions of parcels become a few thousand
//! variables: parcels that cost the same under every candidate and that every
//! constraint treats alike are interchangeable in the programme.
//!
//! Two exact steps. (1) Parcels with the same tariff-relevant attributes — current
//! carrier and method, handover date (month and VAT date), postal index, region,
//! declared value, COD amount, seal, sturdy packaging, weekend add-on, gross weight,
//! sides, units and goods volume: everything [`expect::price`] and the VAT read — are
//! counted once (in parallel; the keys are then sorted, so the order does not depend on
//! the thread count) and each such key is priced once under every candidate.
//! (2) Keys with the same month, the same current carrier method and the same outcome
//! under every candidate (the cost, the exclusion rules that forbid it, or the refusal
//! codes) are merged into one [`Group`]: nothing the programme or the report reads
//! differs inside a group. Groups are in key order.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use courier_engine::pricing::CompiledTariff;
use foldhash::fast::FixedState;
use rayon::prelude::*;

use super::constraints::Constraints;
use crate::expect;
use crate::method_map::MethodMap;
use crate::money::Money;
use crate::records::RegistryParcel;
use crate::tariffs::TariffBook;

/// A carrier method parcels may be allocated to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Carrier index in the tariff book.
    pub carrier: u16,
    pub carrier_name: String,
    pub method: String,
    /// The method's index in its tariff.
    pub method_index: usize,
    /// Counts as a locker delivery for the locker share.
    pub locker: bool,
}

/// A group's outcome under one candidate.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// The cost of one parcel (the engine's cost plus VAT added on top, as in
    /// `tariffs compare`), and the exclusion rules (indices) that forbid it here.
    Priced {
        cost: Money,
        excluded_by: Vec<usize>,
    },
    /// The candidate cannot carry these parcels: the refusal codes, `; `-joined.
    Refused { codes: String },
}

impl Outcome {
    /// The cost, when priced.
    pub fn cost(&self) -> Option<Money> {
        match self {
            Outcome::Priced { cost, .. } => Some(*cost),
            Outcome::Refused { .. } => None,
        }
    }
}

/// Interchangeable parcels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// `YYYY-MM` of the handover date.
    pub month: String,
    /// The current carrier (index) and method: what the parcels were sent with.
    pub carrier: u16,
    pub method: String,
    pub parcels: u64,
    pub weight_min_g: u64,
    pub weight_max_g: u64,
    /// The order id of the group's first parcel in input order (the registry as read is
    /// sorted by carrier and order id, so its smallest order id): an example to look up.
    pub example_order: String,
    /// Per candidate, in candidate order.
    pub outcomes: Vec<Outcome>,
    /// Per candidate: the engine's sentence for a refusal (of the group's first key in
    /// key order), empty when priced.
    pub reasons: Vec<String>,
}

impl Group {
    /// Whether some candidate can carry the parcels (exclusions aside).
    pub fn carriable(&self) -> bool {
        self.outcomes.iter().any(|o| o.cost().is_some())
    }
}

/// Everything the price of a parcel depends on, with its current carrier and method.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct PriceKey<'a> {
    carrier: u16,
    method: &'a str,
    date: NaiveDate,
    postal_index: &'a str,
    region: &'a str,
    declared: i64,
    cod: i64,
    seal: u8,
    sturdy: bool,
    weekend: bool,
    weight_g: u64,
    sides_mm: courier_engine::Sides,
    units: u32,
    goods_volume_mm3: Option<u64>,
}

impl<'a> PriceKey<'a> {
    fn of(p: &'a RegistryParcel) -> PriceKey<'a> {
        PriceKey {
            carrier: p.carrier,
            method: p.method(),
            date: p.handover_date,
            postal_index: p.postal_index(),
            region: p.region(),
            declared: p.declared_value.minor(),
            cod: p.cod_amount.minor(),
            seal: u8::from(p.seal),
            sturdy: p.sturdy,
            weekend: p.weekend,
            weight_g: p.weight_g,
            sides_mm: p.sides_mm,
            units: p.units,
            goods_volume_mm3: p.goods_volume_mm3,
        }
    }
}

/// The counting maps' hasher: foldhash with a fixed seed (as `parcel_index.rs`), fast
/// on these keys and the same work on every run. The keys are our own parcels, not an
/// attacker's, and the maps' order never reaches an output: partial counts merge by sum
/// and minimum (order-free), and the distinct keys are then sorted by their total
/// order (`Ord` over every field, as `Eq` is), so the thread count and the hash order
/// change nothing.
type Counts<'a> = HashMap<PriceKey<'a>, Count, FixedState>;

/// Identical parcels: how many, and the first of them in input order (its index).
#[derive(Debug, Clone, Copy)]
struct Count {
    parcels: u64,
    first: usize,
}

/// Two partial counts as one (the larger map absorbs the smaller).
fn merge_counts<'a>(a: Counts<'a>, b: Counts<'a>) -> Counts<'a> {
    let (mut big, small) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    for (k, v) in small {
        big.entry(k)
            .and_modify(|c| {
                c.parcels += v.parcels;
                c.first = c.first.min(v.first);
            })
            .or_insert(v);
    }
    big
}

/// Step (1): distinct price keys with their counts, in key order.
fn count_keys(parcels: &[RegistryParcel]) -> Vec<(PriceKey<'_>, Count)> {
    let counts = parcels
        .par_iter()
        .enumerate()
        .fold(Counts::default, |mut m, (i, p)| {
            m.entry(PriceKey::of(p))
                .and_modify(|c| {
                    c.parcels += 1;
                    c.first = c.first.min(i);
                })
                .or_insert(Count {
                    parcels: 1,
                    first: i,
                });
            m
        })
        .reduce(Counts::default, merge_counts);
    let mut keys: Vec<(PriceKey, Count)> = counts.into_iter().collect();
    keys.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    keys
}

/// The cost of one parcel under one candidate: the engine's cost plus the VAT added on
/// top (none for a tariff whose prices include VAT, or with no rate on the date).
fn price_one(
    tariff: &CompiledTariff,
    method: usize,
    parcel: &RegistryParcel,
) -> Result<Money, (String, String)> {
    let dp = tariff.minor_units();
    let price = expect::price(tariff, method, parcel, dp, parcel.weekend).map_err(|r| {
        let codes: Vec<&str> = r.iter().map(|r| r.code()).collect();
        (codes.join("; "), expect::explain(&r))
    })?;
    let unpriceable = |m: String| ("unpriceable".to_string(), m);
    let amounts = expect::amounts_of(&price, dp).map_err(unpriceable)?;
    let vat_added = match tariff.vat_on(price.cost, parcel.handover_date) {
        Some(v) if !v.included => Money::from_decimal_exact(v.amount, dp).ok_or_else(|| {
            unpriceable(format!("unpriceable: the VAT {} is out of range", v.amount))
        })?,
        _ => Money::ZERO,
    };
    Ok(amounts[7].plus(vat_added))
}

/// Every method of every tariff, in carrier then tariff order.
pub fn candidates(book: &TariffBook, constraints: &Constraints) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (ci, name) in book.carriers().enumerate() {
        let carrier = u16::try_from(ci).unwrap_or(u16::MAX);
        for (mi, code) in book.tariff(carrier).method_codes().enumerate() {
            out.push(Candidate {
                carrier,
                carrier_name: name.to_string(),
                method: code.to_string(),
                method_index: mi,
                locker: constraints
                    .locker()
                    .is_some_and(|l| l.is_locker(name, code)),
            });
        }
    }
    out
}

/// The outcome of a parcel (of carrier `from`) under a candidate, with the refusal
/// sentence.
fn outcome(
    book: &TariffBook,
    map: &MethodMap,
    constraints: &Constraints,
    c: &Candidate,
    p: &RegistryParcel,
) -> (Outcome, String) {
    let from = book.carrier_name(p.carrier);
    if from != c.carrier_name {
        let mapped = map.method_for(from, &c.carrier_name, p.method());
        if mapped != p.method() && mapped != c.method {
            return (
                Outcome::Refused {
                    codes: "method_map".into(),
                },
                format!(
                    "method_map: the method map stands {}'s {mapped:?} in for {from}'s {:?}",
                    c.carrier_name,
                    p.method()
                ),
            );
        }
    }
    match price_one(book.tariff(c.carrier), c.method_index, p) {
        Ok(cost) => {
            let excluded_by = constraints
                .exclusions()
                .iter()
                .enumerate()
                .filter(|(_, e)| {
                    e.forbids(&c.carrier_name, &c.method, p.postal_index(), p.region())
                })
                .map(|(i, _)| i)
                .collect();
            (Outcome::Priced { cost, excluded_by }, String::new())
        }
        Err((codes, reason)) => (Outcome::Refused { codes }, reason),
    }
}

/// Steps (1) and (2): the groups of `parcels`, in key order.
pub fn group(
    parcels: &[RegistryParcel],
    book: &TariffBook,
    map: &MethodMap,
    constraints: &Constraints,
    candidates: &[Candidate],
) -> Vec<Group> {
    let keys = count_keys(parcels);
    let priced: Vec<(Vec<Outcome>, Vec<String>)> = keys
        .par_iter()
        .map(|(_, count)| {
            let p = &parcels[count.first];
            candidates
                .iter()
                .map(|c| outcome(book, map, constraints, c, p))
                .unzip()
        })
        .collect();
    type MergeKey<'a> = (String, u16, &'a str, Vec<Outcome>);
    // With each group, the index of its first parcel in input order.
    let mut groups: BTreeMap<MergeKey<'_>, (Group, usize)> = BTreeMap::new();
    for ((key, count), (outcomes, reasons)) in keys.into_iter().zip(priced) {
        let p = &parcels[count.first];
        let month = key.date.format("%Y-%m").to_string();
        let merge_key = (month.clone(), key.carrier, key.method, outcomes.clone());
        let (g, first) = groups.entry(merge_key).or_insert_with(|| {
            (
                Group {
                    month,
                    carrier: key.carrier,
                    method: key.method.to_string(),
                    parcels: 0,
                    weight_min_g: key.weight_g,
                    weight_max_g: key.weight_g,
                    example_order: p.order_id().to_string(),
                    outcomes,
                    reasons,
                },
                count.first,
            )
        });
        if count.first < *first {
            *first = count.first;
            g.example_order = p.order_id().to_string();
        }
        g.parcels += count.parcels;
        g.weight_min_g = g.weight_min_g.min(key.weight_g);
        g.weight_max_g = g.weight_max_g.max(key.weight_g);
    }
    groups.into_values().map(|(g, _)| g).collect()
}
