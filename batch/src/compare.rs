//! `courier tariffs compare`: what the parcels of a registry would have cost under each
//! of several tariffs, and where the difference comes from.
//!
//! The registry is read with the reconciliation's reader and row parser
//! ([`crate::reconcile::read_input`], [`records::parse_registry`]) and every parcel is
//! priced through the reconciliation's one pricing call ([`expect::price`]), so a
//! parcel costs here what the nightly job would expect on its invoice. A parcel a tariff
//! cannot carry keeps its row, with the engine's reasons, and is counted per reason;
//! nothing is dropped. Parcels are priced in parallel and sorted by order id (then
//! carrier), so the outputs are the same bytes at any thread count. Money is whole
//! minor units ([`Money`]); all compared tariffs share one currency.
//!
//! Decisions (docs/tariffs-compare.md): the weight band is the registered gross weight's
//! ([`WeightBands`]); the month and the VAT date are the handover date's; the zone is the
//! one the engine priced in, per tariff; the weekend add-on is priced whenever it was
//! bought; a total is the engine's cost plus the VAT added to it (none for a tariff whose
//! prices include VAT).

use std::collections::BTreeMap;
use std::path::PathBuf;

use courier_engine::pricing::CompiledTariff;
use rayon::prelude::*;

use crate::error::BatchError;
use crate::expect;
use crate::method_map::MethodMap;
use crate::money::Money;
use crate::partition::Partition;
use crate::profile::FormatProfile;
use crate::reconcile::{read_input, unique_parcels};
use crate::records::{self, RegistryParcel};
use crate::reject::{InputKind, Reject};
use crate::source;
use crate::table::FileCount;
use crate::tariffs::TariffBook;
use crate::weight_band::WeightBands;

/// What to compare.
#[derive(Debug, Clone)]
pub struct CompareOptions {
    /// The registry: a CSV or Parquet file, or a folder of them.
    pub parcels: PathBuf,
    /// The tariff files, in the order given; the first is the baseline differences are
    /// taken against.
    pub tariffs: Vec<PathBuf>,
    /// `--method-map`: which method of another carrier stands in for a parcel's.
    pub method_map: Option<PathBuf>,
    pub weight_bands: WeightBands,
}

impl CompareOptions {
    /// Options with the default weight bands and no method map.
    pub fn new(parcels: PathBuf, tariffs: Vec<PathBuf>) -> CompareOptions {
        CompareOptions {
            parcels,
            tariffs,
            method_map: None,
            weight_bands: WeightBands::default(),
        }
    }
}

/// The cost components the difference is decomposed by, in output order.
pub const COMPONENTS: [&str; 6] = [
    "postal_rate",
    "insurance",
    "cod_fee",
    "preparing",
    "surcharges",
    "vat",
];

/// A priced parcel under one tariff: the engine's components in minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Breakdown {
    /// [`COMPONENTS`]: the base postal rate, insurance, the COD fee, packaging and
    /// marking, surcharges (fuel, notification, weekend) and the VAT added on top.
    pub parts: [Money; 6],
    /// The sum of `parts`.
    pub total: Money,
    /// VAT contained in the prices of a tariff that includes it (not in `parts`).
    pub vat_contained: Money,
    /// No VAT rate is configured for the handover date (counted in the summary).
    pub no_vat_rate: bool,
}

/// Why a tariff cannot carry a parcel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// The engine's refusal codes (or `method_not_in_tariff`, `unpriceable`).
    pub codes: Vec<&'static str>,
    /// `code: sentence; …`.
    pub reason: String,
}

/// One parcel under one tariff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cost {
    /// The method code asked of the tariff (after the method map).
    pub method: Box<str>,
    /// The zone the engine priced in ("" when refused).
    pub zone: Box<str>,
    pub result: Result<Breakdown, Refused>,
}

/// One registry parcel under every compared tariff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComparedParcel {
    pub order_id: Box<str>,
    pub carrier: Box<str>,
    pub method: Box<str>,
    pub weight_g: u64,
    pub band: usize,
    /// `YYYY-MM` of the handover date.
    pub month: Box<str>,
    /// One per compared tariff, in the order given.
    pub costs: Vec<Cost>,
    /// Index of the one cheapest tariff; `None` on a tie or when no tariff carries it.
    pub cheapest: Cheapest,
}

/// Which tariff carries a parcel most cheaply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cheapest {
    /// The only tariff with the lowest total.
    Tariff(usize),
    /// Several tariffs share the lowest total.
    Tie,
    /// No tariff can carry the parcel.
    None,
}

/// A compared tariff, as the outputs name it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TariffInfo {
    pub id: String,
    pub carrier: String,
    pub name: String,
    pub file: String,
    pub prices_include_vat: bool,
}

/// Everything a comparison produces before it is written.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub tariffs: Vec<TariffInfo>,
    pub currency: String,
    /// Minor digits of the currency.
    pub dp: u32,
    pub bands: WeightBands,
    /// Sorted by `(order_id, carrier)`.
    pub parcels: Vec<ComparedParcel>,
    /// Registry rows that could not be read, sorted by `(file, line)`.
    pub rejects: Vec<Reject>,
    pub files: Vec<FileCount>,
    pub method_map: Option<String>,
}

/// Reads and compiles the tariff files, in order, with the file each came from: at
/// least one, all in one currency and number of minor digits (`job` names what needs
/// that in the message: "a comparison", "an allocation"), and no two with one id (the
/// outputs name tariffs by id). Shared by `tariffs compare` and `tariffs allocate`.
pub(crate) fn load_tariffs(
    paths: &[PathBuf],
    job: &str,
) -> Result<Vec<(CompiledTariff, String)>, BatchError> {
    if paths.is_empty() {
        return Err(BatchError::Option(
            "give at least one tariff file (--tariff FILE)".into(),
        ));
    }
    let mut out: Vec<(CompiledTariff, String)> = Vec::new();
    for p in paths {
        let text = std::fs::read_to_string(p).map_err(|e| BatchError::io(p, e))?;
        let t = CompiledTariff::from_toml_str(&text).map_err(|e| BatchError::Tariff {
            path: p.clone(),
            message: e.to_string(),
        })?;
        let bad = |message: String| BatchError::Tariff {
            path: p.clone(),
            message,
        };
        if let Some((first, file)) = out.first() {
            if t.currency() != first.currency() || t.minor_units() != first.minor_units() {
                return Err(bad(format!(
                    "tariff {} is in {} ({} minor digits), {} of {file} in {} ({}): {job} is in one currency",
                    t.id(),
                    t.currency(),
                    t.minor_units(),
                    first.id(),
                    first.currency(),
                    first.minor_units()
                )));
            }
        }
        if let Some((_, file)) = out.iter().find(|(o, _)| o.id() == t.id()) {
            return Err(bad(format!(
                "tariff id {:?} is also the id of {file}: the outputs name tariffs by id",
                t.id()
            )));
        }
        out.push((t, p.display().to_string()));
    }
    Ok(out)
}

/// The tariff's breakdown of an engine price.
fn breakdown(
    tariff: &CompiledTariff,
    price: &courier_engine::pricing::MethodPrice,
    parcel: &RegistryParcel,
    dp: u32,
) -> Result<Breakdown, String> {
    let a = expect::amounts_of(price, dp)?;
    let exact = |d: rust_decimal::Decimal| {
        Money::from_decimal_exact(d, dp)
            .ok_or_else(|| format!("unpriceable: the amount {d} is out of range"))
    };
    let (vat_added, vat_contained, no_vat_rate) =
        match tariff.vat_on(price.cost, parcel.handover_date) {
            Some(v) if v.included => (Money::ZERO, exact(v.amount)?, false),
            Some(v) => (exact(v.amount)?, Money::ZERO, false),
            None => (Money::ZERO, Money::ZERO, true),
        };
    let parts = [
        a[0],
        a[1],
        a[2],
        a[3],
        a[4].plus(a[5]).plus(a[6]),
        vat_added,
    ];
    let total = parts.iter().fold(Money::ZERO, |s, m| s.plus(*m));
    if total != a[7].plus(vat_added) {
        return Err(format!(
            "unpriceable: the components add up to {} and the engine's cost plus VAT is {}",
            total.display(dp),
            a[7].plus(vat_added).display(dp)
        ));
    }
    Ok(Breakdown {
        parts,
        total,
        vat_contained,
        no_vat_rate,
    })
}

fn cost_of(
    tariff: &CompiledTariff,
    map: &MethodMap,
    carrier: &str,
    parcel: &RegistryParcel,
    dp: u32,
) -> Cost {
    let code = map.method_for(carrier, tariff.carrier(), &parcel.method);
    let refused = |codes: Vec<&'static str>, reason: String| Cost {
        method: code.into(),
        zone: "".into(),
        result: Err(Refused { codes, reason }),
    };
    let Some(method) = tariff.method_by_code(code) else {
        return refused(
            vec!["method_not_in_tariff"],
            expect::method_not_in_tariff(code, tariff),
        );
    };
    match expect::price(tariff, method, parcel, dp, parcel.weekend) {
        Ok(p) => match breakdown(tariff, &p, parcel, dp) {
            Ok(b) => Cost {
                method: code.into(),
                zone: tariff.zone_name(&p).unwrap_or("").into(),
                result: Ok(b),
            },
            Err(reason) => refused(vec!["unpriceable"], reason),
        },
        Err(refusals) => refused(
            refusals.iter().map(|r| r.code()).collect(),
            expect::explain(&refusals),
        ),
    }
}

fn cheapest(costs: &[Cost]) -> Cheapest {
    let mut best: Option<(Money, usize)> = None;
    let mut tie = false;
    for (i, c) in costs.iter().enumerate() {
        if let Ok(b) = &c.result {
            match best {
                Some((m, _)) if b.total > m => {}
                Some((m, _)) if b.total == m => tie = true,
                _ => {
                    best = Some((b.total, i));
                    tie = false;
                }
            }
        }
    }
    match best {
        None => Cheapest::None,
        Some(_) if tie => Cheapest::Tie,
        Some((_, i)) => Cheapest::Tariff(i),
    }
}

/// Reads the registry and prices every parcel under every tariff (nothing is written;
/// see [`crate::compare_output::write_comparison`]).
pub fn compare(opts: &CompareOptions) -> Result<Comparison, BatchError> {
    let loaded = load_tariffs(&opts.tariffs, "a comparison")?;
    let refs: Vec<(&CompiledTariff, &str)> = loaded.iter().map(|(t, f)| (t, f.as_str())).collect();
    let map = match &opts.method_map {
        Some(p) => MethodMap::load(p, &refs)?,
        None => MethodMap::default(),
    };
    // The registry's carriers and currency are checked against the first compared
    // tariff of each carrier: a row of a carrier no tariff is for is a reject.
    let mut per_carrier: Vec<(CompiledTariff, String)> = Vec::new();
    for (t, f) in &loaded {
        if !per_carrier.iter().any(|(o, _)| o.carrier() == t.carrier()) {
            per_carrier.push((t.clone(), f.clone()));
        }
    }
    let book = TariffBook::from_tariffs(per_carrier).map_err(BatchError::Option)?;
    let (currency, dp) = (
        loaded[0].0.currency().to_string(),
        loaded[0].0.minor_units(),
    );

    let files = source::discover(&opts.parcels)?;
    let read = read_input(
        InputKind::Registry,
        files,
        records::REGISTRY,
        &FormatProfile::canonical(),
        &book,
        Partition::ALL,
        0,
        records::parse_registry,
    )?;
    let mut rejects = read.rejects;
    let mut parcels = unique_parcels(read.rows, &read.files_read, &book, &mut rejects);
    parcels.par_sort_unstable_by(|a, b| {
        (&a.order_id, a.carrier, a.at).cmp(&(&b.order_id, b.carrier, b.at))
    });
    rejects.sort_by(|a, b| (&a.file, a.line, &a.reason).cmp(&(&b.file, b.line, &b.reason)));

    let bands = &opts.weight_bands;
    let compared: Vec<ComparedParcel> = parcels
        .par_iter()
        .map(|p| {
            let carrier = book.carrier_name(p.carrier);
            let costs: Vec<Cost> = loaded
                .iter()
                .map(|(t, _)| cost_of(t, &map, carrier, p, dp))
                .collect();
            ComparedParcel {
                order_id: p.order_id.clone(),
                carrier: carrier.into(),
                method: p.method.clone(),
                weight_g: p.weight_g,
                band: bands.band(p.weight_g),
                month: p.handover_date.format("%Y-%m").to_string().into(),
                cheapest: cheapest(&costs),
                costs,
            }
        })
        .collect();

    Ok(Comparison {
        tariffs: loaded
            .iter()
            .map(|(t, f)| TariffInfo {
                id: t.id().to_string(),
                carrier: t.carrier().to_string(),
                name: t.name().to_string(),
                file: f.clone(),
                prices_include_vat: t.prices_include_vat(),
            })
            .collect(),
        currency,
        dp,
        bands: bands.clone(),
        parcels: compared,
        rejects,
        files: read.files,
        method_map: opts.method_map.as_ref().map(|p| p.display().to_string()),
    })
}

/// Sums of one tariff's priced parcels, per component.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sums {
    pub parcels: u64,
    pub parts: [Money; 6],
    pub total: Money,
}

impl Sums {
    /// Adds a priced parcel.
    pub fn add(&mut self, b: &Breakdown) {
        self.parcels += 1;
        for (s, p) in self.parts.iter_mut().zip(b.parts) {
            *s = s.plus(p);
        }
        self.total = self.total.plus(b.total);
    }
}

/// A row of `aggregates.csv`: `(tariff, carrier, method, zone, weight band, month)`.
pub type AggregateKey = (usize, Box<str>, Box<str>, Box<str>, usize, Box<str>);

/// What the summary, the aggregates and the report read, gathered in one pass over the
/// sorted parcels (integer sums: the same at any thread count).
#[derive(Debug, Clone, Default)]
pub struct Totals {
    /// Per tariff: every priced parcel.
    pub priced: Vec<Sums>,
    pub refused: Vec<u64>,
    /// Per tariff: refusals by code (a parcel counts under each of its codes).
    pub refusals: Vec<BTreeMap<&'static str, u64>>,
    pub vat_contained: Vec<Money>,
    pub no_vat_rate: Vec<u64>,
    /// Per tariff after the first: (the first's sums, this one's) over the parcels both
    /// carry.
    pub common: Vec<(Sums, Sums)>,
    /// Per tariff: cheapest for how many parcels.
    pub cheapest: Vec<u64>,
    pub ties: u64,
    pub carried_by_none: u64,
    /// Per tariff, per weight band.
    pub by_band: Vec<Vec<Sums>>,
    /// `(tariff, carrier, method, zone, band, month)` → (parcels, priced sums).
    pub aggregates: BTreeMap<AggregateKey, (u64, Sums)>,
}

impl Totals {
    /// Gathers the totals of a comparison.
    pub fn of(c: &Comparison) -> Totals {
        let n = c.tariffs.len();
        let mut t = Totals {
            priced: vec![Sums::default(); n],
            refused: vec![0; n],
            refusals: vec![BTreeMap::new(); n],
            vat_contained: vec![Money::ZERO; n],
            no_vat_rate: vec![0; n],
            common: vec![(Sums::default(), Sums::default()); n.saturating_sub(1)],
            cheapest: vec![0; n],
            by_band: vec![vec![Sums::default(); c.bands.len()]; n],
            ..Totals::default()
        };
        for p in &c.parcels {
            match p.cheapest {
                Cheapest::Tariff(i) => t.cheapest[i] += 1,
                Cheapest::Tie => t.ties += 1,
                Cheapest::None => t.carried_by_none += 1,
            }
            for (i, cost) in p.costs.iter().enumerate() {
                let key = (
                    i,
                    p.carrier.clone(),
                    p.method.clone(),
                    cost.zone.clone(),
                    p.band,
                    p.month.clone(),
                );
                let agg = t.aggregates.entry(key).or_default();
                agg.0 += 1;
                match &cost.result {
                    Ok(b) => {
                        t.priced[i].add(b);
                        t.by_band[i][p.band].add(b);
                        agg.1.add(b);
                        t.vat_contained[i] = t.vat_contained[i].plus(b.vat_contained);
                        t.no_vat_rate[i] += u64::from(b.no_vat_rate);
                        if i > 0 {
                            if let Ok(base) = &p.costs[0].result {
                                t.common[i - 1].0.add(base);
                                t.common[i - 1].1.add(b);
                            }
                        }
                    }
                    Err(r) => {
                        t.refused[i] += 1;
                        for code in &r.codes {
                            *t.refusals[i].entry(code).or_default() += 1;
                        }
                    }
                }
            }
        }
        t
    }
}
