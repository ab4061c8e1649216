//! The allocation as a mixed-integer programme (`good_lp` with the pure-Rust `microlp`
//! solver), its shadow prices and, when it has no solution, the constraints at fault.
//!
//! Variables: `x[g][o]`, the parcels of group `g` sent with option `o` (a priced
//! carrier method of that group), integers in `0..=parcels(g)`. Every group's parcels
//! are all sent (`Σ_o x[g][o] = parcels(g)`); each [`Row`] bounds the parcels of one
//! month sent by a carrier, by one carrier method, or with a locker method; an
//! exclusion rule removes options. The objective is the total cost in minor units.
//!
//! **Exact, and integer.** The LP relaxation is solved first; when its optimum is
//! integral (the usual case: without the locker rows the matrix is an interval matrix,
//! totally unimodular), it is the integer optimum, since no integer point can beat the
//! relaxation. Otherwise the same model is solved again with integer variables (branch
//! and bound). Either way the point is rounded to whole parcels and every constraint is
//! checked again in integer arithmetic, and the cost is summed in whole minor units:
//! the reported cost is never the solver's float.
//!
//! **Shadow prices.** `microlp` through `good_lp` exposes no dual values
//! (`SolutionWithDual` is not implemented for it), so the shadow price of a binding
//! row is measured: the LP relaxation is solved again with that bound loosened by one
//! parcel and the fall of its optimum is reported (minor units per parcel). For an
//! exclusion rule the value reported is the fall of the relaxation's optimum when the
//! rule is lifted altogether.
//!
//! **Infeasible.** When no allocation meets the constraints, the rows and rules are
//! relaxed one at a time, in their stable order: every one whose removal alone makes
//! the programme feasible is named, and a deletion filter over the same order gives one
//! irreducible infeasible set (every member needed for the conflict). The groups'
//! "every parcel is sent" equalities are never relaxed: a parcel no option can carry is
//! not in the model (it is reported apart).

use good_lp::solvers::ResolutionError;
use good_lp::{microlp, variable, Expression, ProblemVariables, Solution, SolverModel, Variable};

/// Tolerance on the solver's floats: a value this close to an integer is that integer.
const EPS: f64 = 1e-6;

/// A carrier method the parcels may be sent with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Index of the carrier (the carrier rows' scope).
    pub carrier: usize,
    /// Whether it counts as a locker delivery.
    pub locker: bool,
}

/// One way of sending the parcels of a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// Index into [`Instance::candidates`].
    pub candidate: usize,
    /// Cost of one parcel, minor units.
    pub cost: i64,
    /// Indices of the exclusion rules that forbid it here (empty: allowed).
    pub excluded_by: Vec<usize>,
}

/// Identical parcels: interchangeable in the programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelGroup {
    /// Index into [`Instance::months`].
    pub month: usize,
    pub parcels: u64,
    /// The priced options, by candidate index (each candidate at most once).
    pub choices: Vec<Choice>,
}

/// What a row bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every method of the carrier.
    Carrier(usize),
    /// One carrier method.
    Candidate(usize),
    /// Every locker candidate.
    Locker,
}

/// The direction of a bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sense {
    AtLeast,
    AtMost,
}

/// A bound on the parcels of one month in one scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Stable name, as the reports show it.
    pub id: String,
    pub month: usize,
    pub scope: Scope,
    pub sense: Sense,
    pub bound: u64,
}

/// A whole programme.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Instance {
    pub candidates: Vec<Candidate>,
    pub months: Vec<String>,
    pub groups: Vec<ModelGroup>,
    pub rows: Vec<Row>,
    /// Exclusion rule names, by index.
    pub exclusions: Vec<String>,
}

/// A constraint that can be relaxed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ConstraintRef {
    Row(usize),
    Exclusion(usize),
}

/// A row in the optimal allocation.
#[derive(Debug, Clone, PartialEq)]
pub struct RowResult {
    /// Parcels in its scope.
    pub level: u64,
    /// At its bound.
    pub binding: bool,
    /// For a binding row: the LP relaxation's saving (minor units) when the bound is
    /// loosened by one parcel; `None` when not binding, or when an `AtLeast` bound is 0.
    pub shadow_price: Option<f64>,
}

/// An exclusion rule in the optimal allocation.
#[derive(Debug, Clone, PartialEq)]
pub struct ExclusionResult {
    /// Parcels of groups for which it removes at least one option.
    pub parcels_affected: u64,
    /// The LP relaxation's saving (minor units) when the rule is lifted; `None` when it
    /// removes nothing.
    pub value_of_lifting: Option<f64>,
}

/// An optimal allocation.
#[derive(Debug, Clone, PartialEq)]
pub struct Optimum {
    /// Per group, per choice (same order as [`ModelGroup::choices`]): parcels sent.
    pub sent: Vec<Vec<u64>>,
    /// Exact total, minor units.
    pub cost: i128,
    /// The LP relaxation's optimum (minor units).
    pub relaxation: f64,
    /// Whether branch and bound was needed (the relaxation was fractional).
    pub branched: bool,
    pub rows: Vec<RowResult>,
    pub exclusions: Vec<ExclusionResult>,
}

/// Why no allocation exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    /// Each of these, removed alone, makes the programme feasible.
    pub alone: Vec<ConstraintRef>,
    /// One irreducible infeasible set: together infeasible, feasible without any one.
    pub irreducible: Vec<ConstraintRef>,
    /// A group that no allowed option is left for, with every rule active (its index).
    pub stranded_group: Option<usize>,
}

/// The result of [`solve`].
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Optimal(Optimum),
    Infeasible(Diagnosis),
}

/// Which constraints are in force, and one bound override.
#[derive(Debug, Clone)]
struct Active {
    rows: Vec<bool>,
    exclusions: Vec<bool>,
    /// `(row, bound)`: solve with this bound instead.
    bound: Option<(usize, u64)>,
}

impl Active {
    fn all(inst: &Instance) -> Active {
        Active {
            rows: vec![true; inst.rows.len()],
            exclusions: vec![true; inst.exclusions.len()],
            bound: None,
        }
    }
    fn allowed(&self, c: &Choice) -> bool {
        c.excluded_by.iter().all(|&r| !self.exclusions[r])
    }
    fn with(&self, c: ConstraintRef, on: bool) -> Active {
        let mut a = self.clone();
        match c {
            ConstraintRef::Row(i) => a.rows[i] = on,
            ConstraintRef::Exclusion(i) => a.exclusions[i] = on,
        }
        a
    }
}

fn in_scope(inst: &Instance, row: &Row, candidate: usize) -> bool {
    let c = &inst.candidates[candidate];
    match row.scope {
        Scope::Carrier(k) => c.carrier == k,
        Scope::Candidate(k) => candidate == k,
        Scope::Locker => c.locker,
    }
}

/// The solver's values, per group per choice.
type Values = Vec<Vec<f64>>;

/// Whole parcels per group per choice, the relaxation's optimum, whether it branched.
type Point = (Vec<Vec<u64>>, f64, bool);

/// A relaxation or integer solve: `Ok(None)` when infeasible; values per group per
/// choice (0 for a choice not allowed).
fn solve_once(
    inst: &Instance,
    active: &Active,
    integer: bool,
) -> Result<Option<(Values, f64)>, String> {
    let mut vars = ProblemVariables::new();
    let mut x: Vec<Vec<Option<Variable>>> = Vec::with_capacity(inst.groups.len());
    let mut objective = Expression::from(0.0);
    for g in &inst.groups {
        let mut row = Vec::with_capacity(g.choices.len());
        let mut any = false;
        for c in &g.choices {
            if active.allowed(c) {
                let def = variable().min(0.0).max(g.parcels as f64);
                let v = vars.add(if integer { def.integer() } else { def });
                objective += v * (c.cost as f64);
                row.push(Some(v));
                any = true;
            } else {
                row.push(None);
            }
        }
        if !any && g.parcels > 0 {
            return Ok(None);
        }
        x.push(row);
    }
    let mut model = vars.minimise(objective.clone()).using(microlp);
    for (g, row) in inst.groups.iter().zip(&x) {
        let sum: Expression = row.iter().flatten().copied().sum();
        model.add_constraint(sum.eq(g.parcels as f64));
    }
    for (i, r) in inst.rows.iter().enumerate() {
        if !active.rows[i] {
            continue;
        }
        let bound = match active.bound {
            Some((j, b)) if j == i => b,
            _ => r.bound,
        } as f64;
        let mut sum = Expression::from(0.0);
        for (g, row) in inst.groups.iter().zip(&x) {
            if g.month != r.month {
                continue;
            }
            for (c, v) in g.choices.iter().zip(row) {
                if let Some(v) = v {
                    if in_scope(inst, r, c.candidate) {
                        sum += *v;
                    }
                }
            }
        }
        model.add_constraint(match r.sense {
            Sense::AtLeast => sum.geq(bound),
            Sense::AtMost => sum.leq(bound),
        });
    }
    match model.solve() {
        Ok(s) => {
            let values = x
                .iter()
                .map(|row| row.iter().map(|v| v.map_or(0.0, |v| s.value(v))).collect())
                .collect();
            Ok(Some((values, s.eval(&objective))))
        }
        Err(ResolutionError::Infeasible) => Ok(None),
        Err(e) => Err(format!("the solver failed: {e}")),
    }
}

fn integral(values: &[Vec<f64>]) -> bool {
    values
        .iter()
        .flatten()
        .all(|v| (v - v.round()).abs() <= EPS)
}

/// Parcels per row under an allocation.
fn levels(inst: &Instance, sent: &[Vec<u64>]) -> Vec<u64> {
    inst.rows
        .iter()
        .map(|r| {
            inst.groups
                .iter()
                .zip(sent)
                .filter(|(g, _)| g.month == r.month)
                .flat_map(|(g, s)| g.choices.iter().zip(s))
                .filter(|(c, _)| in_scope(inst, r, c.candidate))
                .map(|(_, n)| *n)
                .sum()
        })
        .collect()
}

/// The constraints an integer allocation breaks, checked exactly; `Err` when it does
/// not send every parcel of every group exactly once.
pub fn violations(inst: &Instance, sent: &[Vec<u64>]) -> Result<Vec<ConstraintRef>, String> {
    for (gi, (g, s)) in inst.groups.iter().zip(sent).enumerate() {
        if s.len() != g.choices.len() || s.iter().sum::<u64>() != g.parcels {
            return Err(format!(
                "group {gi}: {} of {} parcels sent",
                s.iter().sum::<u64>(),
                g.parcels
            ));
        }
    }
    Ok(row_violations(inst, sent))
}

/// The rows and exclusion rules an allocation breaks (parcels not sent at all are not
/// checked here), in [`ConstraintRef`] order.
pub fn row_violations(inst: &Instance, sent: &[Vec<u64>]) -> Vec<ConstraintRef> {
    let mut out = Vec::new();
    for (g, s) in inst.groups.iter().zip(sent) {
        for (c, n) in g.choices.iter().zip(s) {
            for &r in &c.excluded_by {
                if *n > 0 && !out.contains(&ConstraintRef::Exclusion(r)) {
                    out.push(ConstraintRef::Exclusion(r));
                }
            }
        }
    }
    for (i, (r, level)) in inst.rows.iter().zip(levels(inst, sent)).enumerate() {
        let ok = match r.sense {
            Sense::AtLeast => level >= r.bound,
            Sense::AtMost => level <= r.bound,
        };
        if !ok {
            out.push(ConstraintRef::Row(i));
        }
    }
    out.sort();
    out
}

/// The exact cost of an allocation, minor units.
pub fn cost_of(inst: &Instance, sent: &[Vec<u64>]) -> i128 {
    inst.groups
        .iter()
        .zip(sent)
        .flat_map(|(g, s)| g.choices.iter().zip(s))
        .map(|(c, n)| i128::from(c.cost) * i128::from(*n))
        .sum()
}

/// The optimum with `active`: relaxation first, branch and bound when it is fractional.
/// `Ok(None)`: infeasible.
fn optimum(inst: &Instance, active: &Active) -> Result<Option<Point>, String> {
    let Some((values, relaxation)) = solve_once(inst, active, false)? else {
        return Ok(None);
    };
    if integral(&values) {
        let sent = whole(&values);
        if holds(inst, active, &sent) {
            return Ok(Some((sent, relaxation, false)));
        }
        // Float noise pushed a rounded point off a bound: let branch and bound decide.
    }
    let Some((values, _)) = solve_once(inst, active, true)? else {
        return Ok(None);
    };
    let sent = whole(&values);
    if !holds(inst, active, &sent) {
        return Err("the solver's point, rounded to whole parcels, breaks a constraint".into());
    }
    Ok(Some((sent, relaxation, true)))
}

fn whole(values: &[Vec<f64>]) -> Vec<Vec<u64>> {
    values
        .iter()
        .map(|row| row.iter().map(|v| v.round().max(0.0) as u64).collect())
        .collect()
}

/// Whether a whole-parcel point meets every constraint in force, exactly.
fn holds(inst: &Instance, active: &Active, sent: &[Vec<u64>]) -> bool {
    let groups_ok = inst.groups.iter().zip(sent).all(|(g, s)| {
        s.iter().sum::<u64>() == g.parcels
            && g.choices
                .iter()
                .zip(s)
                .all(|(c, n)| *n == 0 || active.allowed(c))
    });
    groups_ok
        && inst
            .rows
            .iter()
            .zip(levels(inst, sent))
            .enumerate()
            .filter(|(i, _)| active.rows[*i])
            .all(|(i, (r, level))| {
                let bound = match active.bound {
                    Some((j, b)) if j == i => b,
                    _ => r.bound,
                };
                match r.sense {
                    Sense::AtLeast => level >= bound,
                    Sense::AtMost => level <= bound,
                }
            })
}

fn feasible(inst: &Instance, active: &Active) -> Result<bool, String> {
    Ok(optimum(inst, active)?.is_some())
}

/// Solves the programme: the optimum with its binding rows and their shadow prices, or
/// the constraints at fault.
pub fn solve(inst: &Instance) -> Result<Outcome, String> {
    let all = Active::all(inst);
    let Some((sent, relaxation, branched)) = optimum(inst, &all)? else {
        return diagnose(inst, &all).map(Outcome::Infeasible);
    };
    let broken = violations(inst, &sent)?;
    if !broken.is_empty() {
        return Err(format!(
            "the solver's point, rounded to whole parcels, breaks {broken:?}"
        ));
    }
    let cost = cost_of(inst, &sent);
    let mut rows = Vec::with_capacity(inst.rows.len());
    for (i, (r, level)) in inst.rows.iter().zip(levels(inst, &sent)).enumerate() {
        let binding = level == r.bound;
        let loosened = match r.sense {
            Sense::AtMost => Some(r.bound + 1),
            Sense::AtLeast => r.bound.checked_sub(1),
        };
        let shadow_price = match (binding, loosened) {
            (true, Some(b)) => {
                let a = Active {
                    bound: Some((i, b)),
                    ..all.clone()
                };
                solve_once(inst, &a, false)?.map(|(_, obj)| clean(relaxation - obj))
            }
            _ => None,
        };
        rows.push(RowResult {
            level,
            binding,
            shadow_price,
        });
    }
    let mut exclusions = Vec::with_capacity(inst.exclusions.len());
    for e in 0..inst.exclusions.len() {
        let parcels_affected = inst
            .groups
            .iter()
            .filter(|g| g.choices.iter().any(|c| c.excluded_by.contains(&e)))
            .map(|g| g.parcels)
            .sum();
        let value_of_lifting = if parcels_affected == 0 {
            None
        } else {
            let a = all.with(ConstraintRef::Exclusion(e), false);
            solve_once(inst, &a, false)?.map(|(_, obj)| clean(relaxation - obj))
        };
        exclusions.push(ExclusionResult {
            parcels_affected,
            value_of_lifting,
        });
    }
    Ok(Outcome::Optimal(Optimum {
        sent,
        cost,
        relaxation,
        branched,
        rows,
        exclusions,
    }))
}

/// A difference of two solver optima: float noise below [`EPS`] is zero.
fn clean(v: f64) -> f64 {
    if v.abs() <= EPS * 1e3 {
        0.0
    } else {
        v
    }
}

fn diagnose(inst: &Instance, all: &Active) -> Result<Diagnosis, String> {
    let order: Vec<ConstraintRef> = (0..inst.rows.len())
        .map(ConstraintRef::Row)
        .chain((0..inst.exclusions.len()).map(ConstraintRef::Exclusion))
        .collect();
    let stranded_group = inst
        .groups
        .iter()
        .position(|g| g.parcels > 0 && !g.choices.iter().any(|c| all.allowed(c)));
    let mut alone = Vec::new();
    for &c in &order {
        if feasible(inst, &all.with(c, false))? {
            alone.push(c);
        }
    }
    // Deletion filter: drop every constraint the conflict survives without.
    let mut kept = all.clone();
    for &c in &order {
        let without = kept.with(c, false);
        if !feasible(inst, &without)? {
            kept = without;
        }
    }
    let irreducible = order
        .iter()
        .copied()
        .filter(|c| match c {
            ConstraintRef::Row(i) => kept.rows[*i],
            ConstraintRef::Exclusion(i) => kept.exclusions[*i],
        })
        .collect();
    Ok(Diagnosis {
        alone,
        irreducible,
        stranded_group,
    })
}
