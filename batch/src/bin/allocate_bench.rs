//! The allocation benchmark of issue 12 (BENCHMARKS.md, "Tariff analysis"): N parcels
//! in memory (default 10,000,000) with 1,000 distinct price-relevant attribute sets,
//! allocated across 5 carrier methods (the Aplix sample tariff's four and one method of
//! a second, synthetic carrier, both RUB) under volume, capacity, exclusion and locker
//! constraints. Times, separately and end to end: grouping and pricing
//! (`grouping::group`), building and solving the programme with its shadow prices
//! (`model::solve`), and the summary. The registry's CSV reading is not included (that
//! is the reconciliation reader's cost, measured in its own section); generating the
//! parcels is not timed.
//!
//! Usage: `allocate_bench [PARCELS] [REPEATS]` (prints one line per repeat and the
//! median). A binary of the batch crate rather than an example so that a release build
//! beside the CLI's, `cargo build --release -p courier-cli -p courier-batch --bin
//! allocate_bench`, reuses the CLI's compiled polars (an example pulls in the
//! dev-dependencies, whose features differ and recompile polars).

use std::path::Path;
use std::time::Instant;

use chrono::NaiveDate;
use courier_batch::allocate::{self, grouping, model, AllocateOptions, Setup};
use courier_batch::records::{ParcelTexts, RegistryParcel, RowRef};
use courier_batch::Money;
use courier_engine::pricing::Seal;
use courier_rules::inpost::refund::ClientType;

/// A second RUB carrier with one pick-up method (Moscow, St Petersburg).
const RIVAL: &str = r#"
[tariff]
id = "rival-2026"
carrier = "rival"
name = "Rival"
currency = "RUB"
minor_units = 2
prices_include_vat = true

[[vat]]
rate_percent = "22"
effective_from = "2026-01-01"

[[zoning]]
id = "city"

[[zoning.rule]]
zone = "MSK"
prefix = ["10", "11", "12"]

[[zoning.rule]]
zone = "SPB"
prefix = ["19"]

[[method]]
type_id = 1
code = "locker"
name = "Rival locker"
description = "locker"
additional_info = ""
zoning = "city"
pricing = "weight"
base_weight_g = 1000
step_g = 1000
preparing = false

[method.limits]
max_weight_g = 15000

[[method.rate]]
zone = "MSK"
base = "205.00"
per_step = "28.00"
days_min = 1
days_max = 3

[[method.rate]]
zone = "SPB"
base = "230.00"
per_step = "30.00"
days_min = 1
days_max = 3

[method.insurance]
rate_percent = "0.5"
minimum = "5.00"
max_declared_value = "100000"
"#;

/// Bounds as shares of the parcels: Aplix at least 40 %, its courier at most 15 %, the
/// rival at most 25 %, lockers at least 35 %.
fn constraints(n: usize) -> String {
    format!(
        r#"
[carrier.aplix]
min_parcels_per_month = {}
[carrier.aplix.method.courier]
max_parcels_per_month = {}
[carrier.rival]
max_parcels_per_month = {}

[[exclude]]
id = "no-courier-spb"
carrier = "aplix"
methods = ["courier"]
postal_prefixes = ["19"]

[locker]
methods = ["aplix.pickup_point", "rival.locker"]
min_share_percent = "35"
"#,
        n * 40 / 100,
        n * 15 / 100,
        n * 25 / 100
    )
}

fn parcels(n: usize) -> Vec<RegistryParcel> {
    // 1,000 attribute sets: 10 weights × 50 declared values × 2 destinations.
    let indexes = ["101000", "191186"];
    let methods = ["russian_post_parcel", "ems", "courier", "pickup_point"];
    let date = NaiveDate::from_ymd_opt(2026, 11, 2).expect("date");
    (0..n)
        .map(|i| {
            let k = i % 1000;
            let (w, v, d) = (k % 10, (k / 10) % 50, k / 500);
            RegistryParcel {
                texts: ParcelTexts::new([&format!("ORD-{i:09}"), methods[i % 4], indexes[d], ""]),
                carrier: 0,
                handover_date: date,
                declared_value: Money::from_minor(100_000 + 13_700 * v as i64),
                cod_amount: Money::ZERO,
                seal: Seal::try_from(1u8).expect("seal"),
                sturdy: false,
                weekend: false,
                client_type: ClientType::Prepaid,
                weight_g: 400 + 1_100 * w as u64,
                sides_mm: courier_engine::Sides::new(300, 200, 100).expect("sides"),
                units: 1,
                goods_volume_mm3: None,
                bought_at: None,
                at: RowRef {
                    file: 0,
                    line: i as u64 + 2,
                },
            }
        })
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args
        .get(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000_000);
    let repeats: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(3);
    let dir = tempfile_dir();
    std::fs::write(dir.join("rival.toml"), RIVAL).expect("write");
    std::fs::write(dir.join("constraints.toml"), constraints(n)).expect("write");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let opts = AllocateOptions {
        parcels: dir.join("unused.csv"),
        tariffs: vec![root.join("data/tariffs/aplix.toml"), dir.join("rival.toml")],
        constraints: dir.join("constraints.toml"),
        method_map: None,
    };
    let setup = Setup::load(&opts).expect("setup");
    let t = Instant::now();
    let ps = parcels(n);
    eprintln!("generated {n} parcels in {:.2?} (not timed)", t.elapsed());
    let mut totals = Vec::new();
    for r in 0..repeats {
        let t0 = Instant::now();
        let candidates = grouping::candidates(&setup.book, &setup.constraints);
        let groups = grouping::group(
            &ps,
            &setup.book,
            &setup.map,
            &setup.constraints,
            &candidates,
        );
        let t_group = t0.elapsed();
        let t1 = Instant::now();
        let a = allocate::allocate_parcels(&ps, &setup).expect("allocate");
        let t_all = t1.elapsed();
        let t2 = Instant::now();
        let solved = model::solve(&a.instance).expect("solve");
        let t_solve = t2.elapsed();
        let s = allocate::report::summarize(&a);
        let vars: usize = a.instance.groups.iter().map(|g| g.choices.len()).sum();
        println!(
            "repeat {r}: {n} parcels, {} groups ({} in the programme, {} variables, {} rows, {} candidates); group+price {:.3} s; solve alone {:.3} s; end to end (group, price, build, solve, shadow prices, current, bound) {:.3} s; status {}, optimal {:?}, branched {:?}",
            groups.len(),
            a.instance.groups.len(),
            vars,
            a.instance.rows.len(),
            candidates.len(),
            t_group.as_secs_f64(),
            t_solve.as_secs_f64(),
            t_all.as_secs_f64(),
            s.status,
            s.optimal_cost,
            s.branched,
        );
        if let model::Outcome::Infeasible(d) = solved {
            eprintln!("infeasible: {d:?}");
        }
        totals.push(t_all.as_secs_f64());
    }
    totals.sort_by(|a, b| a.total_cmp(b));
    println!("median end to end: {:.3} s", totals[totals.len() / 2]);
    let _ = std::fs::remove_dir_all(&dir);
}

fn tempfile_dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("allocate-bench-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}
