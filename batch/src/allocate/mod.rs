//! `courier tariffs allocate`: the cheapest split of a registry's parcels between the
//! carrier methods of several tariffs, under the volume commitments, capacities,
//! destination exclusions and locker share an analyst writes (docs/tariffs-allocate.md).
//!
//! The registry is read with the reconciliation's reader and row parser (as in
//! `tariffs compare`), parcels are grouped ([`grouping`]) and priced once per group and
//! candidate through [`crate::expect::price`], the programme is built and solved
//! ([`model`]) and the result is written ([`report`]). A group no candidate can carry
//! is kept, with its reasons, outside the programme; nothing is dropped.
//!
//! Modules: [`constraints`] (the analyst's file), [`grouping`], [`model`] (the MILP and
//! its diagnosis), [`report`] (what is written).

pub mod constraints;
pub mod grouping;
pub mod model;
pub mod report;

use std::path::PathBuf;

use courier_engine::pricing::CompiledTariff;
use rayon::prelude::*;

use crate::error::BatchError;
use crate::method_map::MethodMap;
use crate::money::Money;
use crate::partition::Partition;
use crate::profile::FormatProfile;
use crate::reconcile::{read_input, unique_parcels, ParcelOrder};
use crate::records::{self, RegistryParcel};
use crate::reject::{InputKind, Reject};
use crate::source;
use crate::table::FileCount;
use crate::tariffs::TariffBook;

pub use constraints::Constraints;
pub use grouping::{Candidate, Group, Outcome};
pub use report::{write_allocation, AllocateSummary};

/// Why an allocation could not be computed (an infeasible programme is not an error:
/// it is an [`Allocation`] with a [`model::Diagnosis`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AllocateError {
    /// Reading the registry or a tariff, or writing an output, failed.
    #[error(transparent)]
    Batch(#[from] BatchError),
    /// The constraints file is invalid (the message names the line and the key).
    #[error("{path}: {message}")]
    Constraints { path: PathBuf, message: String },
    /// The solver failed for another reason than infeasibility.
    #[error("solver: {0}")]
    Solver(String),
}

impl AllocateError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            AllocateError::Batch(e) => e.code(),
            AllocateError::Constraints { .. } => "constraints",
            AllocateError::Solver(_) => "solver",
        }
    }
}

/// What to allocate.
#[derive(Debug, Clone)]
pub struct AllocateOptions {
    /// The registry: a CSV or Parquet file, or a folder of them.
    pub parcels: PathBuf,
    /// The tariff files, one per carrier.
    pub tariffs: Vec<PathBuf>,
    pub constraints: PathBuf,
    /// `--method-map`: the only method of another carrier a parcel may move to.
    pub method_map: Option<PathBuf>,
}

/// The tariffs, the method map and the constraints of an allocation, checked.
#[derive(Debug, Clone)]
pub struct Setup {
    pub book: TariffBook,
    pub map: MethodMap,
    pub constraints: Constraints,
    pub currency: String,
    pub dp: u32,
    /// `(carrier, tariff id, file)`, in carrier order.
    pub tariffs: Vec<(String, String, String)>,
}

impl Setup {
    /// Loads the tariffs (one per carrier, one currency), the method map and the
    /// constraints file.
    pub fn load(opts: &AllocateOptions) -> Result<Setup, AllocateError> {
        let loaded = crate::compare::load_tariffs(&opts.tariffs, "an allocation")?;
        let (currency, dp) = (
            loaded[0].0.currency().to_string(),
            loaded[0].0.minor_units(),
        );
        // One tariff per carrier: the constraints are per carrier.
        let book = TariffBook::from_tariffs(loaded).map_err(BatchError::Option)?;
        let tariffs = book.describe();
        let refs: Vec<&CompiledTariff> = (0..book.len()).map(|i| book.tariff(i as u16)).collect();
        let map = match &opts.method_map {
            Some(p) => {
                let named: Vec<(&CompiledTariff, &str)> = refs
                    .iter()
                    .zip(&tariffs)
                    .map(|(t, (_, _, f))| (*t, f.as_str()))
                    .collect();
                MethodMap::load(p, &named)?
            }
            None => MethodMap::default(),
        };
        let constraints = Constraints::load(&opts.constraints, &refs)?;
        Ok(Setup {
            book,
            map,
            constraints,
            currency,
            dp,
            tariffs,
        })
    }
}

/// The current allocation: each parcel with its own carrier and method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Current {
    /// Parcels its own carrier method can carry, and their cost.
    pub carried: u64,
    pub cost: Money,
    /// Parcels their own carrier method cannot carry (refused, or not in the tariffs).
    pub not_carried: u64,
    /// Names of the constraints it breaks (rows and exclusion rules).
    pub violations: Vec<String>,
}

impl Current {
    /// Every parcel carried and no constraint broken.
    pub fn feasible(&self) -> bool {
        self.not_carried == 0 && self.violations.is_empty()
    }
}

/// The result of the programme.
#[derive(Debug, Clone, PartialEq)]
pub enum Solved {
    Optimal(model::Optimum),
    Infeasible(model::Diagnosis),
}

/// Everything an allocation produces before it is written.
#[derive(Debug, Clone)]
pub struct Allocation {
    pub currency: String,
    pub dp: u32,
    pub tariffs: Vec<(String, String, String)>,
    pub candidates: Vec<Candidate>,
    /// Every group, in key order (carriable or not).
    pub groups: Vec<Group>,
    /// The programme; its groups are the carriable [`Allocation::groups`], in order
    /// (`model_group[i]` is the index in `groups` of the model's group `i`).
    pub instance: model::Instance,
    pub model_group: Vec<usize>,
    pub solved: Solved,
    pub current: Current,
    /// Every carriable parcel at its cheapest candidate, constraints ignored.
    pub lower_bound: Money,
    /// Registry rows that could not be read, sorted by `(file, line)`.
    pub rejects: Vec<Reject>,
    pub files: Vec<FileCount>,
    pub rows_read: u64,
}

impl Allocation {
    /// The name of a carrier index.
    pub fn carrier_name(&self, carrier: u16) -> &str {
        self.tariffs
            .get(usize::from(carrier))
            .map_or("", |(c, _, _)| c.as_str())
    }
}

/// Reads the registry and solves the allocation (nothing is written; see
/// [`write_allocation`]).
pub fn allocate(opts: &AllocateOptions) -> Result<Allocation, AllocateError> {
    let setup = Setup::load(opts)?;
    let files = source::discover(&opts.parcels)?;
    let read = read_input(
        InputKind::Registry,
        files,
        records::REGISTRY,
        &FormatProfile::canonical(),
        &setup.book,
        Partition::ALL,
        0,
        records::parse_registry,
    )?;
    let mut rejects = read.rejects;
    let parcels = unique_parcels(
        read.rows,
        &read.files_read,
        &setup.book,
        &mut rejects,
        ParcelOrder::CarrierFirst,
    );
    rejects.sort_by(|a, b| (&a.file, a.line, &a.reason).cmp(&(&b.file, b.line, &b.reason)));
    let rows_read = read.files.iter().map(|f| f.rows).sum();
    let mut a = allocate_parcels(&parcels, &setup)?;
    a.files = read.files;
    FileCount::count_rejected(&mut a.files, &rejects);
    a.rejects = rejects;
    a.rows_read = rows_read;
    Ok(a)
}

/// Allocates parcels already read (the benchmark's and the tests' entry point).
pub fn allocate_parcels(
    parcels: &[RegistryParcel],
    setup: &Setup,
) -> Result<Allocation, AllocateError> {
    let candidates = grouping::candidates(&setup.book, &setup.constraints);
    let groups = grouping::group(
        parcels,
        &setup.book,
        &setup.map,
        &setup.constraints,
        &candidates,
    );
    let (instance, model_group) = build(&setup.book, &setup.constraints, &candidates, &groups);
    let solved = match model::solve(&instance).map_err(AllocateError::Solver)? {
        model::Outcome::Optimal(o) => Solved::Optimal(o),
        model::Outcome::Infeasible(d) => Solved::Infeasible(d),
    };
    let current = current(&instance, &model_group, &groups, &candidates);
    let lower_bound = groups
        .par_iter()
        .filter_map(|g| {
            let min = g.outcomes.iter().filter_map(Outcome::cost).min()?;
            Some(min.minor() * g.parcels as i64)
        })
        .sum::<i64>();
    Ok(Allocation {
        currency: setup.currency.clone(),
        dp: setup.dp,
        tariffs: setup.tariffs.clone(),
        candidates,
        groups,
        instance,
        model_group,
        solved,
        current,
        lower_bound: Money::from_minor(lower_bound),
        rejects: Vec::new(),
        files: Vec::new(),
        rows_read: parcels.len() as u64,
    })
}

/// The programme of the carriable groups, with the rows of the constraints file: per
/// month present, per carrier and per carrier method, the minimum and the maximum, then
/// the locker share.
fn build(
    book: &TariffBook,
    constraints: &Constraints,
    candidates: &[Candidate],
    groups: &[Group],
) -> (model::Instance, Vec<usize>) {
    let mut months: Vec<String> = groups
        .iter()
        .filter(|g| g.carriable())
        .map(|g| g.month.clone())
        .collect();
    months.sort();
    months.dedup();
    let mut inst = model::Instance {
        candidates: candidates
            .iter()
            .map(|c| model::Candidate {
                carrier: usize::from(c.carrier),
                locker: c.locker,
            })
            .collect(),
        exclusions: constraints
            .exclusions()
            .iter()
            .map(|e| e.id.clone())
            .collect(),
        ..model::Instance::default()
    };
    let mut model_group = Vec::new();
    for (gi, g) in groups.iter().enumerate() {
        if !g.carriable() {
            continue;
        }
        // `months` was built from these very groups: every carriable group's month is in it.
        let month = months
            .binary_search(&g.month)
            .expect("months lists every carriable group's month");
        let choices = g
            .outcomes
            .iter()
            .enumerate()
            .filter_map(|(ci, o)| match o {
                Outcome::Priced { cost, excluded_by } => Some(model::Choice {
                    candidate: ci,
                    cost: cost.minor(),
                    excluded_by: excluded_by.clone(),
                }),
                Outcome::Refused { .. } => None,
            })
            .collect();
        inst.groups.push(model::ModelGroup {
            month,
            parcels: g.parcels,
            choices,
        });
        model_group.push(gi);
    }
    let bounds =
        |id: &str, scope: model::Scope, v: &constraints::Volume, rows: &mut Vec<model::Row>| {
            for (mi, month) in months.iter().enumerate() {
                for (name, sense, bound) in [
                    (
                        "min_parcels_per_month",
                        model::Sense::AtLeast,
                        v.min_per_month,
                    ),
                    (
                        "max_parcels_per_month",
                        model::Sense::AtMost,
                        v.max_per_month,
                    ),
                ] {
                    if let Some(bound) = bound {
                        rows.push(model::Row {
                            id: format!("{id}.{name} {month}"),
                            month: mi,
                            scope,
                            sense,
                            bound,
                        });
                    }
                }
            }
        };
    let mut rows = Vec::new();
    for (carrier, limits) in constraints.carriers() {
        let Some(k) = book.carrier(carrier) else {
            continue;
        };
        bounds(
            &format!("carrier.{carrier}"),
            model::Scope::Carrier(usize::from(k)),
            &limits.all_methods,
            &mut rows,
        );
        for (method, v) in &limits.methods {
            if let Some(ci) = candidates
                .iter()
                .position(|c| c.carrier == k && c.method == *method)
            {
                bounds(
                    &format!("carrier.{carrier}.method.{method}"),
                    model::Scope::Candidate(ci),
                    v,
                    &mut rows,
                );
            }
        }
    }
    if let Some(l) = constraints.locker() {
        for (mi, month) in months.iter().enumerate() {
            let carried: u64 = inst
                .groups
                .iter()
                .filter(|g| g.month == mi)
                .map(|g| g.parcels)
                .sum();
            rows.push(model::Row {
                id: format!("locker.min_share_percent {month}"),
                month: mi,
                scope: model::Scope::Locker,
                sense: model::Sense::AtLeast,
                bound: l.required(carried),
            });
        }
    }
    inst.months = months;
    inst.rows = rows;
    (inst, model_group)
}

/// The current allocation's cost and the constraints it breaks.
fn current(
    inst: &model::Instance,
    model_group: &[usize],
    groups: &[Group],
    candidates: &[Candidate],
) -> Current {
    let mut cur = Current {
        carried: 0,
        cost: Money::ZERO,
        not_carried: 0,
        violations: Vec::new(),
    };
    let own = |g: &Group| {
        candidates
            .iter()
            .position(|c| c.carrier == g.carrier && c.method == g.method)
    };
    for g in groups.iter().filter(|g| !g.carriable()) {
        cur.not_carried += g.parcels;
    }
    let mut sent = Vec::with_capacity(inst.groups.len());
    for (mg, &gi) in inst.groups.iter().zip(model_group) {
        let g = &groups[gi];
        let mine = own(g);
        let row: Vec<u64> = mg
            .choices
            .iter()
            .map(|c| {
                if Some(c.candidate) == mine {
                    mg.parcels
                } else {
                    0
                }
            })
            .collect();
        match mine.and_then(|ci| g.outcomes[ci].cost()) {
            Some(cost) => {
                cur.carried += g.parcels;
                cur.cost = cur
                    .cost
                    .plus(Money::from_minor(cost.minor() * g.parcels as i64));
            }
            None => cur.not_carried += g.parcels,
        }
        sent.push(row);
    }
    cur.violations = model::row_violations(inst, &sent)
        .into_iter()
        .map(|c| describe(inst, c))
        .collect();
    cur
}

/// The name of a constraint, as the reports show it.
pub fn describe(inst: &model::Instance, c: model::ConstraintRef) -> String {
    match c {
        model::ConstraintRef::Row(i) => inst.rows[i].id.clone(),
        model::ConstraintRef::Exclusion(i) => format!("exclude {}", inst.exclusions[i]),
    }
}
