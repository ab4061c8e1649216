//! Exact mode: the engine's exhaustive normal-pattern search against a MILP (good_lp +
//! microlp) on the same question — the minimal bounding box, proven — for 2 to 6 units:
//! (a) guillotine cuts of a 300 × 200 × 150 box (known optimum), (b) the first `n` units
//! of `data/basket.csv`. Also one infeasible feasibility question each way: the last
//! candidate box ranked below the optimum (volume and per-axis checks pass, so it must be
//! refuted by search). Results: `docs/milp-comparison.md`, `BENCHMARKS.md`.
//!
//! The MILP is capped at `MILP_LIMIT` of wall clock; a case that does not finish is
//! printed as such and not timed by criterion. Before timing, every case prints one line
//! (`PROBE …`) with both answers, whether each is proven and the MILP's statistics.

use std::hint::black_box;
use std::time::{Duration, Instant};

use courier_benches::milp::{
    basket_csv, first_units, fits_milp_within, guillotine, key_of, last_candidate_below,
    min_box_milp_within, verify_min_box, MilpAnswer,
};
use courier_engine::packing::{fits_in, pack, verify, Item, PackOptions};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

/// Wall-clock cap of one MILP route (whole min-box search, or one feasibility question).
const MILP_LIMIT: Duration = Duration::from_secs(5);

/// The engine with exact mode on for `n` units and a node budget large enough to prove
/// every case that the search can prove within a few hundred milliseconds.
fn exact(n: u64) -> PackOptions {
    PackOptions {
        exact_max_units: n,
        exact_work_budget: 50_000_000,
        ..PackOptions::default()
    }
}

fn cases() -> Vec<(String, u64, Vec<Item>)> {
    let csv = basket_csv().expect("data/basket.csv");
    let mut out = Vec::new();
    for n in 2..=6u32 {
        out.push((
            "guillotine".to_string(),
            u64::from(n),
            guillotine([300, 200, 150], n as usize, 7),
        ));
        out.push((
            "basket".to_string(),
            u64::from(n),
            first_units(&csv, n).expect("basket units"),
        ));
    }
    out
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("exact_vs_milp");
    for (family, n, items) in cases() {
        let opts = exact(n);
        let t = Instant::now();
        let e = pack(&items, &opts).expect("valid goods");
        let engine_once = t.elapsed();
        assert_eq!(verify(&items, &e), Ok(()));
        let t = Instant::now();
        let m = min_box_milp_within(&items, Some(MILP_LIMIT)).expect("MILP route");
        let milp_once = t.elapsed();
        assert_eq!(verify_min_box(&items, &m), Ok(()));
        let engine_sides = [e.length_mm, e.width_mm, e.height_mm];
        if e.optimal && m.stats.proven {
            assert_eq!(key_of(m.dims), key_of(engine_sides), "{family} {n}");
        }
        eprintln!(
            "PROBE {family} n={n}: engine {:?} vol {} proven {} in {engine_once:?} | MILP {:?} vol {} proven {} in {milp_once:?} ({} candidates, {} MILPs, {} infeasible, largest {} binaries / {} constraints)",
            engine_sides,
            e.volume_mm3,
            e.optimal,
            m.sides_mm(),
            key_of(m.dims).0,
            m.stats.proven,
            m.stats.candidates,
            m.stats.milp_calls,
            m.stats.infeasible,
            m.stats.largest.binaries,
            m.stats.largest.constraints,
        );

        g.bench_with_input(
            BenchmarkId::new(format!("{family}/engine_min_box"), n),
            &items,
            |b, items| b.iter(|| pack(black_box(items), &opts)),
        );
        if m.stats.proven {
            g.bench_with_input(
                BenchmarkId::new(format!("{family}/milp_min_box"), n),
                &items,
                |b, items| b.iter(|| min_box_milp_within(black_box(items), Some(MILP_LIMIT))),
            );
        } else {
            eprintln!(
                "DNF {family}/milp_min_box/{n}: no proof within {MILP_LIMIT:?} ({} of {} candidates refuted)",
                m.stats.infeasible, m.stats.candidates
            );
        }

        // One infeasible question: the candidate just below the optimum (or below the
        // best box found, when neither side proved it).
        let Some(below) = last_candidate_below(&items, engine_sides).expect("candidates") else {
            eprintln!("NOTE {family} n={n}: no candidate box ranks below the optimum; every smaller box fails the volume or per-axis check");
            continue;
        };
        let t = Instant::now();
        let engine_fit = fits_in(&items, below, &opts).expect("valid goods");
        let engine_q = t.elapsed();
        let t = Instant::now();
        let (answer, size) = fits_milp_within(&items, below, Some(MILP_LIMIT)).expect("MILP");
        let milp_q = t.elapsed();
        eprintln!(
            "PROBE {family} n={n} infeasible question {below:?}: engine fits_in {} in {engine_q:?} | MILP {answer:?} in {milp_q:?} ({} binaries)",
            if engine_fit.is_some() { "FITS (!)" } else { "none" },
            size.binaries
        );
        g.bench_with_input(
            BenchmarkId::new(format!("{family}/engine_fits_in_below"), n),
            &items,
            |b, items| b.iter(|| fits_in(black_box(items), below, &opts)),
        );
        if answer == MilpAnswer::DoesNotFit {
            g.bench_with_input(
                BenchmarkId::new(format!("{family}/milp_feasibility_below"), n),
                &items,
                |b, items| b.iter(|| fits_milp_within(black_box(items), below, Some(MILP_LIMIT))),
            );
        } else {
            eprintln!("DNF {family}/milp_feasibility_below/{n}: {answer:?} within {MILP_LIMIT:?}");
        }
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = bench
}
criterion_main!(benches);
