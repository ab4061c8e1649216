//! What `courier tariffs allocate` writes into `--out DIR`: `allocation.csv` (per group,
//! the parcels sent with each carrier method; a group no candidate can carry with its
//! reasons), `candidates.csv` (every group's cost or refusal under every candidate),
//! `rejects.csv` and `summary.json` (the costs, the binding constraints and their
//! shadow prices, or the diagnosis of an infeasible file).
//!
//! Everything is computed from the sorted [`Allocation`] alone, so the bytes do not
//! depend on the thread count. Money is exact decimals of the currency; the shadow
//! prices, the only floats (they come from the solver), are rounded half away from
//! zero to a hundredth of the minor unit.

use std::collections::BTreeMap;
use std::path::Path;

use rust_decimal::prelude::FromPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use super::{describe, Allocation, Outcome, Solved};
use crate::compare_output::{close, csv_out, write_rejects};
use crate::error::BatchError;
use crate::money::Money;
use crate::table::FileCount;

/// A tariff of the allocation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TariffRef {
    pub carrier: String,
    pub id: String,
    pub file: String,
}

/// The current allocation: each parcel with its own carrier method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CurrentSummary {
    /// Cost of the parcels their own method can carry.
    pub cost: Decimal,
    pub carried: u64,
    /// Parcels their own carrier method cannot carry (refused or not in the tariffs).
    pub not_carried: u64,
    /// Every parcel carried and no constraint broken.
    pub feasible: bool,
    /// The constraints it breaks.
    pub violations: Vec<String>,
}

/// A row of the programme (a volume bound of one month, or the locker share).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowSummary {
    pub id: String,
    pub month: String,
    /// `at_least` or `at_most`, in parcels.
    pub sense: &'static str,
    pub bound: u64,
    /// Parcels in its scope in the optimal allocation.
    pub level: u64,
    pub binding: bool,
    /// Per parcel of loosening: what the LP relaxation saves (currency units).
    pub shadow_price: Option<Decimal>,
}

/// An exclusion rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExclusionSummary {
    pub id: String,
    /// Parcels for which it forbids at least one carrier method.
    pub parcels_affected: u64,
    /// What lifting it would save (LP relaxation, currency units).
    pub value_of_lifting: Option<Decimal>,
    pub binding: bool,
}

/// Parcels sent per month, carrier and method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Split {
    pub month: String,
    pub carrier: String,
    pub method: String,
    pub current_parcels: u64,
    pub parcels: u64,
    pub cost: Decimal,
}

/// Why the constraints cannot all be met.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InfeasibleSummary {
    pub message: String,
    /// Each of these, removed alone, makes the file feasible.
    pub relaxing_one_suffices: Vec<String>,
    /// A smallest conflict: together infeasible, feasible without any one of them.
    pub conflicting_set: Vec<String>,
    /// A group (number in allocation.csv / candidates.csv) the exclusions leave no
    /// carrier method for.
    pub stranded_group: Option<usize>,
}

/// `summary.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AllocateSummary {
    /// `optimal` or `infeasible`.
    pub status: &'static str,
    pub currency: String,
    pub tariffs: Vec<TariffRef>,
    pub rows_read: u64,
    pub rows_rejected: u64,
    pub parcels: u64,
    pub groups: usize,
    /// Candidates (carrier methods) and the programme's variables.
    pub candidates: usize,
    pub variables: usize,
    /// Whether branch and bound was needed (the LP relaxation was fractional).
    pub branched: Option<bool>,
    /// Parcels (and groups) no candidate can carry, and the refusal codes (a parcel
    /// counts once under each code any candidate gave).
    pub carried_by_none: u64,
    pub groups_carried_by_none: usize,
    pub refusals: BTreeMap<String, u64>,
    pub optimal_cost: Option<Decimal>,
    pub current: CurrentSummary,
    /// `current.cost - optimal_cost`, when the current allocation carries every parcel
    /// the optimum carries.
    pub saving_vs_current: Option<Decimal>,
    /// Every carriable parcel at its cheapest candidate, constraints ignored.
    pub lower_bound: Decimal,
    /// `optimal_cost - lower_bound`: what the constraints cost.
    pub above_lower_bound: Option<Decimal>,
    pub constraints: Vec<RowSummary>,
    pub exclusions: Vec<ExclusionSummary>,
    pub split: Vec<Split>,
    pub infeasible: Option<InfeasibleSummary>,
    pub files: Vec<FileCount>,
}

fn money(m: Money, dp: u32) -> Decimal {
    m.to_decimal(dp)
}

fn money_i128(m: i128, dp: u32) -> Decimal {
    Decimal::from_i128_with_scale(m, dp)
}

fn per_parcel(minor: f64, dp: u32) -> Option<Decimal> {
    let d = Decimal::from_f64(minor)? / Decimal::from(10u64.pow(dp));
    Some(
        d.round_dp_with_strategy(dp + 2, RoundingStrategy::MidpointAwayFromZero)
            .normalize(),
    )
}

/// The summary of an allocation.
pub fn summarize(a: &Allocation) -> AllocateSummary {
    let dp = a.dp;
    let inst = &a.instance;
    let mut refusals: BTreeMap<String, u64> = BTreeMap::new();
    let mut carried_by_none = 0;
    let mut groups_carried_by_none = 0;
    for g in a.groups.iter().filter(|g| !g.carriable()) {
        carried_by_none += g.parcels;
        groups_carried_by_none += 1;
        let mut codes: Vec<&str> = g
            .outcomes
            .iter()
            .filter_map(|o| match o {
                Outcome::Refused { codes } => Some(codes.split("; ")),
                Outcome::Priced { .. } => None,
            })
            .flatten()
            .collect();
        codes.sort_unstable();
        codes.dedup();
        for c in codes {
            *refusals.entry(c.to_string()).or_default() += g.parcels;
        }
    }
    let own = |gi: usize| {
        let g = &a.groups[gi];
        a.candidates
            .iter()
            .position(|c| c.carrier == g.carrier && c.method == g.method)
    };
    let mut split: BTreeMap<(String, String, String), (u64, u64, i128)> = BTreeMap::new();
    for (mg, &gi) in inst.groups.iter().zip(&a.model_group) {
        if let Some(ci) = own(gi) {
            let c = &a.candidates[ci];
            split
                .entry((
                    a.groups[gi].month.clone(),
                    c.carrier_name.clone(),
                    c.method.clone(),
                ))
                .or_default()
                .0 += mg.parcels;
        }
    }
    let (status, optimal_cost, branched, constraints, exclusions, infeasible) = match &a.solved {
        Solved::Optimal(o) => {
            for ((mg, &gi), sent) in inst.groups.iter().zip(&a.model_group).zip(&o.sent) {
                for (ch, n) in mg.choices.iter().zip(sent).filter(|(_, n)| **n > 0) {
                    let c = &a.candidates[ch.candidate];
                    let e = split
                        .entry((
                            a.groups[gi].month.clone(),
                            c.carrier_name.clone(),
                            c.method.clone(),
                        ))
                        .or_default();
                    e.1 += n;
                    e.2 += i128::from(ch.cost) * i128::from(*n);
                }
            }
            let rows = inst
                .rows
                .iter()
                .zip(&o.rows)
                .map(|(r, res)| RowSummary {
                    id: r.id.clone(),
                    month: inst.months[r.month].clone(),
                    sense: match r.sense {
                        super::model::Sense::AtLeast => "at_least",
                        super::model::Sense::AtMost => "at_most",
                    },
                    bound: r.bound,
                    level: res.level,
                    binding: res.binding,
                    shadow_price: res.shadow_price.and_then(|v| per_parcel(v, dp)),
                })
                .collect();
            let excl = inst
                .exclusions
                .iter()
                .zip(&o.exclusions)
                .map(|(id, e)| ExclusionSummary {
                    id: id.clone(),
                    parcels_affected: e.parcels_affected,
                    value_of_lifting: e.value_of_lifting.and_then(|v| per_parcel(v, dp)),
                    binding: e.value_of_lifting.is_some_and(|v| v > 0.0),
                })
                .collect();
            (
                "optimal",
                Some(money_i128(o.cost, dp)),
                Some(o.branched),
                rows,
                excl,
                None,
            )
        }
        Solved::Infeasible(d) => {
            let names = |v: &[super::model::ConstraintRef]| -> Vec<String> {
                v.iter().map(|c| describe(inst, *c)).collect()
            };
            let conflicting_set = names(&d.irreducible);
            (
                "infeasible",
                None,
                None,
                Vec::new(),
                Vec::new(),
                Some(InfeasibleSummary {
                    message: format!(
                        "no allocation meets every constraint; these conflict: {}",
                        conflicting_set.join(", ")
                    ),
                    relaxing_one_suffices: names(&d.alone),
                    conflicting_set,
                    stranded_group: d.stranded_group.map(|i| a.model_group[i] + 1),
                }),
            )
        }
    };
    let comparable = a.current.not_carried == carried_by_none;
    let current_cost = money(a.current.cost, dp);
    AllocateSummary {
        status,
        currency: a.currency.clone(),
        tariffs: a
            .tariffs
            .iter()
            .map(|(carrier, id, file)| TariffRef {
                carrier: carrier.clone(),
                id: id.clone(),
                file: file.clone(),
            })
            .collect(),
        rows_read: a.rows_read,
        rows_rejected: a.rejects.len() as u64,
        parcels: a.groups.iter().map(|g| g.parcels).sum(),
        groups: a.groups.len(),
        candidates: a.candidates.len(),
        variables: inst.groups.iter().map(|g| g.choices.len()).sum(),
        branched,
        carried_by_none,
        groups_carried_by_none,
        refusals,
        optimal_cost,
        current: CurrentSummary {
            cost: current_cost,
            carried: a.current.carried,
            not_carried: a.current.not_carried,
            feasible: a.current.feasible(),
            violations: a.current.violations.clone(),
        },
        saving_vs_current: optimal_cost
            .filter(|_| comparable)
            .map(|o| current_cost - o),
        lower_bound: money(a.lower_bound, dp),
        above_lower_bound: optimal_cost.map(|o| o - money(a.lower_bound, dp)),
        constraints,
        exclusions,
        split: split
            .into_iter()
            .map(
                |((month, carrier, method), (current_parcels, parcels, cost))| Split {
                    month,
                    carrier,
                    method,
                    current_parcels,
                    parcels,
                    cost: money_i128(cost, dp),
                },
            )
            .collect(),
        infeasible,
        files: a.files.clone(),
    }
}

/// Writes the outputs into `dir` (created if missing) and returns the summary. An
/// infeasible allocation writes everything but `allocation.csv` (an older one is
/// removed, so no stale allocation survives).
pub fn write_allocation(dir: &Path, a: &Allocation) -> Result<AllocateSummary, BatchError> {
    std::fs::create_dir_all(dir).map_err(|e| BatchError::io(dir, e))?;
    let dp = a.dp;
    let summary = summarize(a);
    let reason_of = |gi: usize| -> String {
        let g = &a.groups[gi];
        a.candidates
            .iter()
            .zip(&g.reasons)
            .map(|(c, r)| format!("{}.{}: {r}", c.carrier_name, c.method))
            .collect::<Vec<_>>()
            .join(" | ")
    };

    // allocation.csv
    let path = dir.join("allocation.csv");
    match &a.solved {
        Solved::Optimal(o) => {
            let mut w = csv_out(
                &path,
                &[
                    "group",
                    "month",
                    "current_carrier",
                    "current_method",
                    "group_parcels",
                    "weight_min_g",
                    "weight_max_g",
                    "example_order",
                    "carrier",
                    "method",
                    "parcels",
                    "unit_cost",
                    "cost",
                    "current_unit_cost",
                    "reason",
                ],
            )?;
            let mut model_of = vec![None; a.groups.len()];
            for (mi, &gi) in a.model_group.iter().enumerate() {
                model_of[gi] = Some(mi);
            }
            for (gi, g) in a.groups.iter().enumerate() {
                let own = a
                    .candidates
                    .iter()
                    .position(|c| c.carrier == g.carrier && c.method == g.method)
                    .and_then(|ci| g.outcomes[ci].cost())
                    .map_or(String::new(), |m| m.display(dp));
                let head = [
                    (gi + 1).to_string(),
                    g.month.clone(),
                    a.carrier_name(g.carrier).to_string(),
                    g.method.clone(),
                    g.parcels.to_string(),
                    g.weight_min_g.to_string(),
                    g.weight_max_g.to_string(),
                    g.example_order.clone(),
                ];
                match model_of[gi] {
                    Some(mi) => {
                        let (mg, sent) = (&a.instance.groups[mi], &o.sent[mi]);
                        for (ch, n) in mg.choices.iter().zip(sent.iter()).filter(|(_, n)| **n > 0) {
                            let c = &a.candidates[ch.candidate];
                            let unit = Money::from_minor(ch.cost);
                            let mut rec: Vec<String> = head.to_vec();
                            rec.extend([
                                c.carrier_name.clone(),
                                c.method.clone(),
                                n.to_string(),
                                unit.display(dp),
                                money_i128(i128::from(ch.cost) * i128::from(*n), dp).to_string(),
                                own.clone(),
                                String::new(),
                            ]);
                            w.write_record(&rec).map_err(|e| BatchError::io(&path, e))?;
                        }
                    }
                    None => {
                        let mut rec: Vec<String> = head.to_vec();
                        rec.extend([
                            String::new(),
                            String::new(),
                            "0".into(),
                            String::new(),
                            String::new(),
                            own.clone(),
                            format!("carried by no candidate: {}", reason_of(gi)),
                        ]);
                        w.write_record(&rec).map_err(|e| BatchError::io(&path, e))?;
                    }
                }
            }
            close(&path, w)?;
        }
        Solved::Infeasible(_) => {
            if path.exists() {
                std::fs::remove_file(&path).map_err(|e| BatchError::io(&path, e))?;
            }
        }
    }

    // candidates.csv
    let path = dir.join("candidates.csv");
    let mut w = csv_out(
        &path,
        &[
            "group",
            "carrier",
            "method",
            "status",
            "unit_cost",
            "detail",
        ],
    )?;
    for (gi, g) in a.groups.iter().enumerate() {
        for ((c, o), reason) in a.candidates.iter().zip(&g.outcomes).zip(&g.reasons) {
            let (status, cost, detail) = match o {
                Outcome::Priced { cost, excluded_by } if excluded_by.is_empty() => {
                    ("priced", cost.display(dp), String::new())
                }
                Outcome::Priced { cost, excluded_by } => (
                    "excluded",
                    cost.display(dp),
                    excluded_by
                        .iter()
                        .map(|&r| a.instance.exclusions[r].clone())
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                Outcome::Refused { .. } => ("refused", String::new(), reason.clone()),
            };
            w.write_record([
                (gi + 1).to_string(),
                c.carrier_name.clone(),
                c.method.clone(),
                status.to_string(),
                cost,
                detail,
            ])
            .map_err(|e| BatchError::io(&path, e))?;
        }
    }
    close(&path, w)?;

    // rejects.csv
    write_rejects(&dir.join("rejects.csv"), &a.rejects)?;

    // summary.json
    let path = dir.join("summary.json");
    let text = serde_json::to_string_pretty(&summary).map_err(|e| BatchError::io(&path, e))?;
    std::fs::write(&path, format!("{text}\n")).map_err(|e| BatchError::io(&path, e))?;
    Ok(summary)
}
