//! `courier tariffs compare`: what the parcels of a registry would have cost under each
//! of several tariffs, and where the difference comes from.
//!
//! The registry is read with the reconciliation's row reader and parser, each file on
//! every core ([`source::map_rows`], [`records::parse_registry`]), and every parcel is
//! priced through the reconciliation's one pricing call ([`expect::price`]), so a
//! parcel costs here what the nightly job would expect on its invoice. A parcel a tariff
//! cannot carry keeps its row, with the engine's reasons, and is counted per reason;
//! nothing is dropped. Parcels are sorted by order id (then carrier) and priced in
//! parallel a window of consecutive parcels at a time, each window written before the
//! next is priced ([`compare_windows`]), so the outputs are the same bytes at any
//! thread count and memory holds one window of results. Money is whole
//! minor units ([`Money`]); all compared tariffs share one currency.
//!
//! Decisions (docs/tariffs-compare.md): the weight band is the registered gross weight's
//! ([`WeightBands`]); the month and the VAT date are the handover date's; the zone is the
//! one the engine priced in, per tariff; the weekend add-on is priced whenever it was
//! bought; a total is the engine's cost plus the VAT added to it (none for a tariff whose
//! prices include VAT).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};

use chrono::{Datelike, NaiveDate};
use foldhash::fast::FixedState;

use courier_engine::pricing::CompiledTariff;
use rayon::prelude::*;

use crate::error::BatchError;
use crate::expect;
use crate::method_map::MethodMap;
use crate::money::Money;
use crate::partition::Partition;
use crate::profile::FormatProfile;
use crate::reconcile::{read_input, unique_order, ParcelOrder};
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
    /// Parcels priced per window ([`compare_windows`]; default [`PRICE_WINDOW`], 0
    /// counts as 1): memory, never the outputs, depends on it.
    pub window: usize,
}

impl CompareOptions {
    /// Options with the default weight bands and no method map.
    pub fn new(parcels: PathBuf, tariffs: Vec<PathBuf>) -> CompareOptions {
        CompareOptions {
            parcels,
            tariffs,
            method_map: None,
            weight_bands: WeightBands::default(),
            window: PRICE_WINDOW,
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

/// Text that repeats across parcels (carriers, methods, method codes, months, zones),
/// held once: a parcel holds [`NameId`]s into it, so 10 M parcels hold no copies of
/// their carrier's name or their month, and freeing them frees no strings but the
/// order id.
#[derive(Debug, Clone, Default)]
pub struct Names {
    list: Vec<Box<str>>,
    index: HashMap<Box<str>, NameId>,
}

/// An index into a comparison's [`Names`] (only `Names` makes one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NameId(u32);

impl Names {
    /// The id of `text`, added when new (ids follow the order texts were first added).
    fn id(&mut self, text: &str) -> NameId {
        if let Some(&id) = self.index.get(text) {
            return id;
        }
        // More than 4 billion distinct texts cannot come from a registry of u32 lines'
        // worth of kinds; saturating keeps this total without a panic path.
        let id = NameId(u32::try_from(self.list.len()).unwrap_or(u32::MAX));
        self.list.push(text.into());
        self.index.insert(text.into(), id);
        id
    }

    /// The text of `id` ("" for an id of another table).
    pub fn get(&self, id: NameId) -> &str {
        self.list.get(id.0 as usize).map_or("", |s| s)
    }
}

/// Where a tariff priced a parcel: the method's index in the tariff and the zone's in
/// its zoning (the engine's [`courier_engine::pricing::MethodPrice`] ids), named through
/// [`Comparison::zone`]. Two words instead of a string per parcel and tariff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ZoneKey {
    method: u32,
    zone: u16,
}

impl ZoneKey {
    /// A refused parcel's: no zone ("").
    pub const NONE: ZoneKey = ZoneKey {
        method: u32::MAX,
        zone: u16::MAX,
    };
}

/// One parcel under one tariff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cost {
    /// The method code asked of the tariff (after the method map).
    pub method: NameId,
    /// The zone the engine priced in ([`ZoneKey::NONE`] when refused).
    pub zone: ZoneKey,
    pub result: Result<Breakdown, Refused>,
}

/// One registry parcel under every compared tariff. Repeating texts are [`NameId`]s
/// into [`Comparison::names`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComparedParcel {
    pub order_id: Box<str>,
    pub carrier: NameId,
    pub method: NameId,
    pub weight_g: u64,
    pub band: usize,
    /// `YYYY-MM` of the handover date.
    pub month: NameId,
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
    /// The texts the parcels' [`NameId`]s name.
    pub names: Names,
    /// Per tariff: the zone names of its [`ZoneKey`]s.
    pub zones: Vec<BTreeMap<ZoneKey, NameId>>,
    /// Sorted by `(order_id, carrier)`; empty in the comparison [`compare_windows`]
    /// returns (its parcels went a window at a time to its caller).
    pub parcels: Vec<ComparedParcel>,
    /// Registry rows that could not be read, sorted by `(file, line)`.
    pub rejects: Vec<Reject>,
    pub files: Vec<FileCount>,
    pub method_map: Option<String>,
}

impl Comparison {
    /// The text of a [`NameId`].
    pub fn name(&self, id: NameId) -> &str {
        self.names.get(id)
    }

    /// The zone tariff `tariff` priced a parcel in ("" when refused).
    pub fn zone(&self, tariff: usize, key: ZoneKey) -> &str {
        self.zones
            .get(tariff)
            .and_then(|z| z.get(&key))
            .map_or("", |id| self.names.get(*id))
    }
}

/// Parcels beyond which a comparison is freed on a thread of its own: 10 M parcels
/// take a second to free, and the command is done with them once written.
const FREE_APART: usize = 100_000;

impl Drop for Comparison {
    fn drop(&mut self) {
        if self.parcels.len() > FREE_APART {
            let parcels = std::mem::take(&mut self.parcels);
            // Cut short if the process ends first: nothing is left to do with them.
            std::thread::spawn(move || drop(parcels));
        }
    }
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

/// What a kind of parcel (one carrier's method) asks of one tariff, worked out once
/// per kind rather than per parcel: the method code after the method map, and the
/// method's index in the tariff or why the tariff has none.
struct Ask {
    code: NameId,
    method: Result<usize, Refused>,
}

/// A registry kind of parcel and what it asks of each tariff, in tariff order.
struct Kind {
    carrier: NameId,
    method: NameId,
    asks: Vec<Ask>,
}

/// The parcel priced under one tariff, and the name of the zone it was priced in (the
/// caller names the [`ZoneKey`] once).
fn cost_of<'t>(
    tariff: &'t CompiledTariff,
    ask: &Ask,
    parcel: &RegistryParcel,
    dp: u32,
) -> (Cost, Option<&'t str>) {
    let refused = |r: Refused| Cost {
        method: ask.code,
        zone: ZoneKey::NONE,
        result: Err(r),
    };
    let method = match &ask.method {
        Ok(m) => *m,
        Err(r) => return (refused(r.clone()), None),
    };
    match expect::price(tariff, method, parcel, dp, parcel.weekend) {
        Ok(p) => match (breakdown(tariff, &p, parcel, dp), u32::try_from(p.method)) {
            (Ok(b), Ok(m)) => (
                Cost {
                    method: ask.code,
                    zone: ZoneKey {
                        method: m,
                        zone: p.zone,
                    },
                    result: Ok(b),
                },
                Some(tariff.zone_name(&p).unwrap_or("")),
            ),
            (Err(reason), _) => (
                refused(Refused {
                    codes: vec!["unpriceable"],
                    reason,
                }),
                None,
            ),
            (_, Err(_)) => (
                refused(Refused {
                    codes: vec!["unpriceable"],
                    reason: format!("unpriceable: method index {} is out of range", p.method),
                }),
                None,
            ),
        },
        Err(refusals) => (
            refused(Refused {
                codes: refusals.iter().map(|r| r.code()).collect(),
                reason: expect::explain(&refusals),
            }),
            None,
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
/// see [`crate::compare_output::write_comparison`], and
/// [`crate::compare_output::compare_into`] for a registry too large to hold priced).
pub fn compare(opts: &CompareOptions) -> Result<Comparison, BatchError> {
    let mut all = Vec::new();
    let mut c = compare_windows(opts, &mut |_, window| {
        all.extend(window);
        Ok(())
    })?;
    c.parcels = all;
    Ok(c)
}

/// Sorted parcels priced per window of [`compare_windows`]: a window's results are
/// written and freed before the next is priced, so 10 M parcels are never all held
/// priced at once (BENCHMARKS.md, "Comparing a window at a time").
pub const PRICE_WINDOW: usize = 1 << 17;

/// What [`compare_windows`] calls for each window of priced parcels.
pub type EachWindow<'a> =
    dyn FnMut(&Comparison, Vec<ComparedParcel>) -> Result<(), BatchError> + 'a;

/// [`compare`] a window of parcels at a time: reads and sorts the registry, then prices
/// it in windows of consecutive parcels in output order, and calls `each(c, window)`
/// for each — `c` names every zone the window's parcels were priced in — and returns
/// the comparison without its parcels (each window's went to `each`).
pub fn compare_windows(
    opts: &CompareOptions,
    each: &mut EachWindow<'_>,
) -> Result<Comparison, BatchError> {
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
    // The parcels stay in read order; `order` lists the ones kept, sorted.
    let order = unique_order(
        &read.rows,
        &read.files_read,
        &book,
        &mut rejects,
        ParcelOrder::OrderFirst,
    );
    rejects.sort_by(|a, b| (&a.file, a.line, &a.reason).cmp(&(&b.file, b.line, &b.reason)));

    let bands = &opts.weight_bands;
    // The kinds of parcel (carrier, method) and the months there are, sorted: their
    // names are added in that order, so every id is the same at any thread count.
    let (kind_set, month_set) = order
        .par_chunks(CHUNK)
        .map(|ch| {
            let mut kinds: BTreeSet<(u16, &str)> = BTreeSet::new();
            let mut months: BTreeSet<(i32, u32)> = BTreeSet::new();
            for p in ch.iter().map(|&i| &read.rows[i]) {
                kinds.insert((p.carrier, p.method()));
                months.insert((p.handover_date.year(), p.handover_date.month()));
            }
            (kinds, months)
        })
        .reduce(
            || (BTreeSet::new(), BTreeSet::new()),
            |mut a, b| {
                a.0.extend(b.0);
                a.1.extend(b.1);
                a
            },
        );
    let kind_keys: Vec<(u16, Box<str>)> =
        kind_set.into_iter().map(|(c, m)| (c, m.into())).collect();
    let month_keys: Vec<(i32, u32)> = month_set.into_iter().collect();
    let mut names = Names::default();
    let mut kinds: Vec<Kind> = Vec::with_capacity(kind_keys.len());
    for (c, m) in &kind_keys {
        let carrier = book.carrier_name(*c);
        let mut asks = Vec::with_capacity(loaded.len());
        for (t, _) in &loaded {
            let code = map.method_for(carrier, t.carrier(), m);
            asks.push(Ask {
                code: names.id(code),
                method: t.method_by_code(code).ok_or_else(|| Refused {
                    codes: vec!["method_not_in_tariff"],
                    reason: expect::method_not_in_tariff(code, t),
                }),
            });
        }
        kinds.push(Kind {
            carrier: names.id(carrier),
            method: names.id(m),
            asks,
        });
    }
    let months: Vec<NameId> = month_keys
        .iter()
        .map(|&(y, m)| {
            let text = NaiveDate::from_ymd_opt(y, m, 1)
                .map(|d| d.format("%Y-%m").to_string())
                .unwrap_or_default();
            names.id(&text)
        })
        .collect();

    let mut c = Comparison {
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
        names,
        zones: vec![BTreeMap::new(); loaded.len()],
        parcels: Vec::new(),
        files: {
            let mut files = read.files;
            FileCount::count_rejected(&mut files, &rejects);
            files
        },
        rejects,
        method_map: opts.method_map.as_ref().map(|p| p.display().to_string()),
    };
    let lost = |what: &str| BatchError::Identity(format!("a parcel's {what} was not gathered"));
    // The parcels are consumed a window at a time: each one's order id moves into its
    // result and the rest is freed on the pricing threads.
    // Each parcel is taken out of its slot when its window comes (an `Option` of a
    // parcel is a parcel's size, so the vector is converted in place).
    let mut slots: Vec<Option<RegistryParcel>> = read.rows.into_iter().map(Some).collect();
    for ids in order.chunks(opts.window.max(1)) {
        let window: Vec<RegistryParcel> = ids
            .iter()
            .map(|&i| slots.get_mut(i).and_then(Option::take))
            .collect::<Option<_>>()
            .ok_or_else(|| lost("row"))?;
        // Each pricing thread names a zone the first time it sees it that the windows
        // before did not; the names are the tariff's, so which thread names one first
        // does not matter, and they are added in key order.
        let zone_names: Mutex<BTreeMap<(usize, ZoneKey), Box<str>>> = Mutex::new(BTreeMap::new());
        let known = &c.zones;
        let compared: Result<Vec<ComparedParcel>, BatchError> = window
            .into_par_iter()
            .map_init(FastSet::<(usize, ZoneKey)>::default, |seen, p| {
                let kind = kind_keys
                    .binary_search_by(|(c, m)| (*c, &**m).cmp(&(p.carrier, p.method())))
                    .map(|k| &kinds[k])
                    .map_err(|_| lost("kind"))?;
                let month = month_keys
                    .binary_search(&(p.handover_date.year(), p.handover_date.month()))
                    .map(|k| months[k])
                    .map_err(|_| lost("month"))?;
                let mut costs = Vec::with_capacity(loaded.len());
                for (i, ((t, _), ask)) in loaded.iter().zip(&kind.asks).enumerate() {
                    let (cost, zone) = cost_of(t, ask, &p, dp);
                    if let Some(zone) = zone {
                        if !known[i].contains_key(&cost.zone) && seen.insert((i, cost.zone)) {
                            zone_names
                                .lock()
                                .unwrap_or_else(PoisonError::into_inner)
                                .entry((i, cost.zone))
                                .or_insert_with(|| zone.into());
                        }
                    }
                    costs.push(cost);
                }
                Ok(ComparedParcel {
                    order_id: p.order_id().into(),
                    carrier: kind.carrier,
                    method: kind.method,
                    weight_g: p.weight_g,
                    band: bands.band(p.weight_g),
                    month,
                    cheapest: cheapest(&costs),
                    costs,
                })
            })
            .collect();
        let compared = compared?;
        let zone_names = zone_names
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        for ((i, key), name) in zone_names {
            let id = c.names.id(&name);
            c.zones[i].insert(key, id);
        }
        each(&c, compared)?;
    }
    Ok(c)
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

    /// Adds the sums of other parcels.
    pub fn merge(&mut self, o: &Sums) {
        self.parcels += o.parcels;
        for (s, p) in self.parts.iter_mut().zip(o.parts) {
            *s = s.plus(p);
        }
        self.total = self.total.plus(o.total);
    }
}

/// A row of `aggregates.csv`: `(tariff, carrier, method, zone, weight band, month)`.
pub type AggregateKey = (usize, Box<str>, Box<str>, Box<str>, usize, Box<str>);

/// An [`AggregateKey`] in ids, as the parcels hold them.
type IdKey = (usize, NameId, NameId, ZoneKey, usize, NameId);

/// `(parcels, baseline total, tariff total)` in minor units.
pub type ZoneSums = (u64, i128, i128);

/// Parcels per chunk of the parallel passes: the totals are gathered per chunk and the
/// chunks' added in chunk order, so no sum depends on the thread count.
const CHUNK: usize = 1 << 14;

/// What the summary, the aggregates and the report read, gathered over the sorted
/// parcels (integer sums: the same at any thread count).
#[derive(Debug, Clone, Default)]
pub struct Totals {
    /// Parcels compared.
    pub parcels: u64,
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
    /// Per tariff after the first, per zone the baseline priced in (by name): the
    /// parcels both carry and the two totals.
    pub by_baseline_zone: Vec<BTreeMap<Box<str>, ZoneSums>>,
}

/// The maps and sets of the pricing loop, hashed with foldhash (fixed seed): they are
/// touched once per parcel and tariff — 30 M times in a 10 M comparison under three
/// tariffs — where SipHash was about 2.5 % of the run's samples. Their iteration order
/// never reaches an output: sums are added in any order and the keys sorted at the end.
type FastMap<K, V> = HashMap<K, V, FixedState>;
type FastSet<K> = HashSet<K, FixedState>;

/// One chunk's totals, keyed by ids (turned into names once, at the end).
struct Partial {
    t: Totals,
    aggregates: FastMap<IdKey, (u64, Sums)>,
    by_baseline_zone: Vec<FastMap<ZoneKey, ZoneSums>>,
}

impl Partial {
    fn new(n: usize, bands: usize) -> Partial {
        Partial {
            t: Totals {
                priced: vec![Sums::default(); n],
                refused: vec![0; n],
                refusals: vec![BTreeMap::new(); n],
                vat_contained: vec![Money::ZERO; n],
                no_vat_rate: vec![0; n],
                common: vec![(Sums::default(), Sums::default()); n.saturating_sub(1)],
                cheapest: vec![0; n],
                by_band: vec![vec![Sums::default(); bands]; n],
                ..Totals::default()
            },
            aggregates: FastMap::default(),
            by_baseline_zone: vec![FastMap::default(); n.saturating_sub(1)],
        }
    }

    fn add(&mut self, p: &ComparedParcel) {
        let t = &mut self.t;
        match p.cheapest {
            Cheapest::Tariff(i) => t.cheapest[i] += 1,
            Cheapest::Tie => t.ties += 1,
            Cheapest::None => t.carried_by_none += 1,
        }
        let base = p.costs.first();
        for (i, cost) in p.costs.iter().enumerate() {
            let key = (i, p.carrier, p.method, cost.zone, p.band, p.month);
            let agg = self.aggregates.entry(key).or_default();
            agg.0 += 1;
            match &cost.result {
                Ok(b) => {
                    t.priced[i].add(b);
                    t.by_band[i][p.band].add(b);
                    agg.1.add(b);
                    t.vat_contained[i] = t.vat_contained[i].plus(b.vat_contained);
                    t.no_vat_rate[i] += u64::from(b.no_vat_rate);
                    if i > 0 {
                        if let Some((base_zone, Ok(base))) = base.map(|c| (c.zone, &c.result)) {
                            t.common[i - 1].0.add(base);
                            t.common[i - 1].1.add(b);
                            let z = self.by_baseline_zone[i - 1].entry(base_zone).or_default();
                            z.0 += 1;
                            z.1 += i128::from(base.total.minor());
                            z.2 += i128::from(b.total.minor());
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

    /// Adds the totals of the chunk after this one's.
    fn merge(&mut self, o: Partial) {
        let (t, u) = (&mut self.t, o.t);
        for (a, b) in t.priced.iter_mut().zip(&u.priced) {
            a.merge(b);
        }
        for (a, b) in t.refused.iter_mut().zip(&u.refused) {
            *a += b;
        }
        for (a, b) in t.refusals.iter_mut().zip(u.refusals) {
            for (code, n) in b {
                *a.entry(code).or_default() += n;
            }
        }
        for (a, b) in t.vat_contained.iter_mut().zip(&u.vat_contained) {
            *a = a.plus(*b);
        }
        for (a, b) in t.no_vat_rate.iter_mut().zip(&u.no_vat_rate) {
            *a += b;
        }
        for (a, b) in t.common.iter_mut().zip(&u.common) {
            a.0.merge(&b.0);
            a.1.merge(&b.1);
        }
        for (a, b) in t.cheapest.iter_mut().zip(&u.cheapest) {
            *a += b;
        }
        t.ties += u.ties;
        t.carried_by_none += u.carried_by_none;
        for (a, b) in t.by_band.iter_mut().zip(&u.by_band) {
            for (x, y) in a.iter_mut().zip(b) {
                x.merge(y);
            }
        }
        for (k, (n, s)) in o.aggregates {
            let e = self.aggregates.entry(k).or_default();
            e.0 += n;
            e.1.merge(&s);
        }
        for (a, b) in self.by_baseline_zone.iter_mut().zip(o.by_baseline_zone) {
            for (k, (n, x, y)) in b {
                let e = a.entry(k).or_default();
                e.0 += n;
                e.1 += x;
                e.2 += y;
            }
        }
    }
}

impl Totals {
    /// Gathers the totals of a comparison's parcels.
    pub fn of(c: &Comparison) -> Totals {
        let mut b = TotalsBuilder::new(c);
        b.add(&c.parcels);
        b.finish(c)
    }
}

/// [`Totals`] gathered a window of parcels at a time, in output order.
pub struct TotalsBuilder {
    all: Partial,
    parcels: u64,
    /// Tariffs and weight bands: each chunk's [`Partial`] is this wide.
    tariffs: usize,
    bands: usize,
}

impl TotalsBuilder {
    /// No parcels yet, for the tariffs and weight bands of `c`.
    pub fn new(c: &Comparison) -> TotalsBuilder {
        let (tariffs, bands) = (c.tariffs.len(), c.bands.len());
        TotalsBuilder {
            all: Partial::new(tariffs, bands),
            parcels: 0,
            tariffs,
            bands,
        }
    }

    /// Adds the next parcels: per chunk in parallel, the chunks then added in order.
    pub fn add(&mut self, parcels: &[ComparedParcel]) {
        let (n, bands) = (self.tariffs, self.bands);
        let partials: Vec<Partial> = parcels
            .par_chunks(CHUNK)
            .map(|ch| {
                let mut part = Partial::new(n, bands);
                for p in ch {
                    part.add(p);
                }
                part
            })
            .collect();
        for part in partials {
            self.all.merge(part);
        }
        self.parcels += parcels.len() as u64;
    }

    /// The totals, their ids named through `c`.
    pub fn finish(self, c: &Comparison) -> Totals {
        let all = self.all;
        let mut t = all.t;
        t.parcels = self.parcels;
        // Ids to names, in id order (two ids could name one zone: their sums add).
        let mut keys: Vec<(IdKey, (u64, Sums))> = all.aggregates.into_iter().collect();
        keys.sort_unstable_by_key(|(k, _)| *k);
        for ((i, carrier, method, zone, band, month), (count, sums)) in keys {
            let key = (
                i,
                c.name(carrier).into(),
                c.name(method).into(),
                c.zone(i, zone).into(),
                band,
                c.name(month).into(),
            );
            let e = t.aggregates.entry(key).or_default();
            e.0 += count;
            e.1.merge(&sums);
        }
        t.by_baseline_zone = all
            .by_baseline_zone
            .into_iter()
            .map(|zones| {
                let mut keys: Vec<(ZoneKey, ZoneSums)> = zones.into_iter().collect();
                keys.sort_unstable_by_key(|(k, _)| *k);
                let mut out: BTreeMap<Box<str>, ZoneSums> = BTreeMap::new();
                for (zone, (count, b, x)) in keys {
                    let e = out.entry(c.zone(0, zone).into()).or_default();
                    e.0 += count;
                    e.1 += b;
                    e.2 += x;
                }
                out
            })
            .collect();
        t
    }
}
