//! `courier tariffs allocate`: a small registry under two small tariffs with the optimum,
//! the savings and the shadow prices worked out by hand; an infeasible file naming the
//! constraints at fault; a parcel no tariff can carry listed with its reason; the same
//! bytes at 1 and 4 threads; constraints-file errors naming the line and the key; and a
//! property test of the programme against brute force on small random instances.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{col, read_csv};
use courier_batch::allocate::model::{
    self, Candidate, Choice, ConstraintRef, Instance, ModelGroup, Outcome, Row, Scope, Sense,
};
use courier_batch::{allocate, write_allocation, AllocateOptions};
use proptest::prelude::*;

/// Prices include VAT (nothing added): locker 10.00 up to 1 kg + 2.00 per further kg
/// (at most 10 kg); courier 15.00 up to 1 kg + 1.00 per further kg (at most 20 kg).
const INPOST: &str = r#"
[tariff]
id = "inpost-test"
carrier = "inpost"
name = "A"
currency = "PLN"
minor_units = 2
prices_include_vat = true

[[vat]]
rate_percent = "23"
effective_from = "2011-01-01"

[[zoning]]
id = "pl"
default_zone = "PL"

[[method]]
type_id = 1
code = "locker"
name = "Locker"
description = "locker"
additional_info = ""
zoning = "pl"
pricing = "weight"
base_weight_g = 1000
step_g = 1000
preparing = false

[method.limits]
max_weight_g = 10000

[[method.rate]]
zone = "PL"
base = "10.00"
per_step = "2.00"
days_min = 1
days_max = 2

[[method]]
type_id = 2
code = "courier"
name = "Courier"
description = "courier"
additional_info = ""
zoning = "pl"
pricing = "weight"
base_weight_g = 1000
step_g = 1000
preparing = false

[method.limits]
max_weight_g = 20000

[[method.rate]]
zone = "PL"
base = "15.00"
per_step = "1.00"
days_min = 1
days_max = 2
"#;

/// 12.00 up to 2 kg + 1.00 per further kg, at most 5 kg; prices include VAT.
const DPD: &str = r#"
[tariff]
id = "dpd-test"
carrier = "dpd"
name = "B"
currency = "PLN"
minor_units = 2
prices_include_vat = true

[[vat]]
rate_percent = "23"
effective_from = "2011-01-01"

[[zoning]]
id = "pl"
default_zone = "PL"

[[method]]
type_id = 7
code = "parcel"
name = "Parcel"
description = "parcel"
additional_info = ""
zoning = "pl"
pricing = "weight"
base_weight_g = 2000
step_g = 1000
preparing = false

[method.limits]
max_weight_g = 5000

[[method.rate]]
zone = "PL"
base = "12.00"
per_step = "1.00"
days_min = 1
days_max = 3
"#;

const HEADER: &str = "registry_id,registry_date,handover_date,order_id,carrier,method,postal_index,region,declared_value,cod_amount,currency,seal,sturdy,weekend,client_type,weight_g,length_mm,width_mm,height_mm,bought_at";

/// Unit costs (dpd.parcel / inpost.locker / inpost.courier):
/// A: 3 × 800 g, sent by locker: 12 / 10 / 15.
/// B: 1 × 1800 g to 99-xxx, by locker: 12 / 12 / 16 (dpd is excluded there below).
/// C: 2 × 3500 g, by courier: 14 / 16 / 18.
/// D: 1 × 12 kg, by courier: — / — / 26.
/// E: 1 × 25 kg, by locker: carried by none (every method's weight limit).
const REGISTRY: &[&str] = &[
    "R1,2026-11-01,2026-11-02,ORD-A1,inpost,locker,00-001,,0.00,0.00,PLN,1,false,false,prepaid,800,300,200,100,",
    "R1,2026-11-01,2026-11-02,ORD-A2,inpost,locker,00-001,,0.00,0.00,PLN,1,false,false,prepaid,800,300,200,100,",
    "R1,2026-11-01,2026-11-02,ORD-A3,inpost,locker,00-001,,0.00,0.00,PLN,1,false,false,prepaid,800,300,200,100,",
    "R1,2026-11-01,2026-11-02,ORD-B1,inpost,locker,99-001,,0.00,0.00,PLN,1,false,false,prepaid,1800,300,200,100,",
    "R1,2026-11-01,2026-11-02,ORD-C1,inpost,courier,00-001,,0.00,0.00,PLN,1,false,false,prepaid,3500,300,200,100,",
    "R1,2026-11-01,2026-11-02,ORD-C2,inpost,courier,00-001,,0.00,0.00,PLN,1,false,false,prepaid,3500,300,200,100,",
    "R1,2026-11-01,2026-11-02,ORD-D1,inpost,courier,00-001,,0.00,0.00,PLN,1,false,false,prepaid,12000,300,200,100,",
    "R1,2026-11-01,2026-11-02,ORD-E1,inpost,locker,00-001,,0.00,0.00,PLN,1,false,false,prepaid,25000,300,200,100,",
];

fn constraints(locker_share: &str) -> String {
    format!(
        r#"# test constraints
[carrier.dpd]
min_parcels_per_month = 3

[carrier.inpost.method.courier]
max_parcels_per_month = 1

[[exclude]]
id = "no-dpd-99"
carrier = "dpd"
postal_prefixes = ["99"]

[locker]
methods = ["inpost.locker"]
min_share_percent = "{locker_share}"
"#
    )
}

struct Case {
    _dir: tempfile::TempDir,
    opts: AllocateOptions,
    out: PathBuf,
}

fn case(locker_share: &str) -> Case {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    fs::write(p.join("inpost.toml"), INPOST).unwrap();
    fs::write(p.join("dpd.toml"), DPD).unwrap();
    fs::write(
        p.join("registry.csv"),
        format!("{HEADER}\n{}\n", REGISTRY.join("\n")),
    )
    .unwrap();
    fs::write(p.join("constraints.toml"), constraints(locker_share)).unwrap();
    let opts = AllocateOptions {
        parcels: p.join("registry.csv"),
        tariffs: vec![p.join("inpost.toml"), p.join("dpd.toml")],
        constraints: p.join("constraints.toml"),
        method_map: None,
    };
    let out = p.join("out");
    Case {
        _dir: dir,
        opts,
        out,
    }
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

fn s(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn dec(v: &serde_json::Value) -> rust_decimal::Decimal {
    s(v).parse().unwrap()
}

#[test]
fn optimum_savings_and_shadow_prices_by_hand() {
    let c = case("40");
    let a = allocate(&c.opts).unwrap();
    let summary = write_allocation(&c.out, &a).unwrap();
    assert_eq!(summary.status, "optimal");
    let j = json(&c.out.join("summary.json"));
    let d = |k: &str| dec(&j[k]);
    // dpd needs 3: both C parcels (14, their cheapest) and one A (12 instead of 10);
    // lockers need ceil(40 % of 7) = 3: two A and B. 2×10 + 12 + 12 + 2×14 + 26 = 98.
    assert_eq!(d("optimal_cost"), "98".parse().unwrap());
    // Current: 3×10 + 12 + 2×18 + 26 = 104, E not carried by its own method.
    assert_eq!(dec(&j["current"]["cost"]), "104".parse().unwrap());
    assert_eq!(j["current"]["not_carried"], 1);
    assert_eq!(j["current"]["feasible"], false);
    let violations: Vec<String> = j["current"]["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(s)
        .collect();
    assert_eq!(
        violations,
        [
            "carrier.dpd.min_parcels_per_month 2026-11",
            "carrier.inpost.method.courier.max_parcels_per_month 2026-11"
        ]
    );
    assert_eq!(d("saving_vs_current"), "6".parse().unwrap());
    // Constraints ignored: 3×10 + 12 + 2×14 + 26 = 96.
    assert_eq!(d("lower_bound"), "96".parse().unwrap());
    assert_eq!(d("above_lower_bound"), "2".parse().unwrap());
    assert_eq!(j["carried_by_none"], 1);
    assert_eq!(j["parcels"], 8);
    assert_eq!(j["groups"], 5);

    let rows = j["constraints"].as_array().unwrap();
    let row = |id: &str| {
        rows.iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("no row {id}: {rows:?}"))
    };
    let dpd = row("carrier.dpd.min_parcels_per_month 2026-11");
    assert_eq!(
        (dpd["level"].as_u64(), dpd["binding"].as_bool()),
        (Some(3), Some(true))
    );
    // One parcel less of commitment: the A parcel goes back to the locker, 2.00 saved.
    assert_eq!(dec(&dpd["shadow_price"]), "2".parse().unwrap());
    let courier = row("carrier.inpost.method.courier.max_parcels_per_month 2026-11");
    assert_eq!(courier["level"], 1);
    assert_eq!(courier["binding"], true);
    assert_eq!(dec(&courier["shadow_price"]), rust_decimal::Decimal::ZERO);
    let locker = row("locker.min_share_percent 2026-11");
    assert_eq!(
        (locker["bound"].as_u64(), locker["level"].as_u64()),
        (Some(3), Some(3))
    );
    assert_eq!(dec(&locker["shadow_price"]), rust_decimal::Decimal::ZERO);
    // Lifting the exclusion: B (12 either way) counts for dpd, A all to lockers: 2.00.
    let e = &j["exclusions"][0];
    assert_eq!(e["id"], "no-dpd-99");
    assert_eq!(e["parcels_affected"], 1);
    assert_eq!(dec(&e["value_of_lifting"]), "2".parse().unwrap());
    assert_eq!(e["binding"], true);

    // allocation.csv: per group, parcels per carrier method; E with its reasons.
    let (h, rows) = read_csv(&c.out.join("allocation.csv"));
    let (gc, oc, cc, mc, pc, costc, rc) = (
        col(&h, "group"),
        col(&h, "example_order"),
        col(&h, "carrier"),
        col(&h, "method"),
        col(&h, "parcels"),
        col(&h, "cost"),
        col(&h, "reason"),
    );
    let mut got: Vec<(String, String, String, String, String)> = rows
        .iter()
        .map(|r| {
            (
                r[oc].clone(),
                r[cc].clone(),
                r[mc].clone(),
                r[pc].clone(),
                r[costc].clone(),
            )
        })
        .collect();
    got.sort();
    let want: Vec<(String, String, String, String, String)> = [
        ("ORD-A1", "dpd", "parcel", "1", "12.00"),
        ("ORD-A1", "inpost", "locker", "2", "20.00"),
        ("ORD-B1", "inpost", "locker", "1", "12.00"),
        ("ORD-C1", "dpd", "parcel", "2", "28.00"),
        ("ORD-D1", "inpost", "courier", "1", "26.00"),
        ("ORD-E1", "", "", "0", ""),
    ]
    .iter()
    .map(|(a, b, c, d, e)| {
        (
            a.to_string(),
            b.to_string(),
            c.to_string(),
            d.to_string(),
            e.to_string(),
        )
    })
    .collect();
    assert_eq!(got, want);
    let e_row = rows.iter().find(|r| r[oc] == "ORD-E1").unwrap();
    assert!(
        e_row[rc].contains("carried by no candidate"),
        "{}",
        e_row[rc]
    );
    assert!(e_row[rc].contains("inpost.locker:"), "{}", e_row[rc]);
    assert!(e_row[rc].contains("dpd.parcel:"), "{}", e_row[rc]);
    assert!(!e_row[gc].is_empty());
    // candidates.csv: every group under every candidate.
    let (_, cand) = read_csv(&c.out.join("candidates.csv"));
    assert_eq!(cand.len(), 5 * 3);
    assert!(cand
        .iter()
        .any(|r| r[3] == "excluded" && r[5] == "no-dpd-99"));
}

#[test]
fn infeasible_names_the_constraints_at_fault() {
    // Lockers need ceil(50 % of 7) = 4 but A, B and C (6 parcels; B not by dpd) must
    // also give dpd 3: 3 + 4 > 6. Either the commitment or the share is at fault; the
    // courier cap and the exclusion are not (the conflict survives without them).
    let c = case("50");
    fs::create_dir_all(&c.out).unwrap();
    fs::write(c.out.join("allocation.csv"), "stale").unwrap();
    let a = allocate(&c.opts).unwrap();
    let summary = write_allocation(&c.out, &a).unwrap();
    assert_eq!(summary.status, "infeasible");
    assert!(
        !c.out.join("allocation.csv").exists(),
        "a stale allocation survived"
    );
    let j = json(&c.out.join("summary.json"));
    let list = |k: &str| -> Vec<String> {
        j["infeasible"][k]
            .as_array()
            .unwrap()
            .iter()
            .map(s)
            .collect()
    };
    let want = [
        "carrier.dpd.min_parcels_per_month 2026-11",
        "locker.min_share_percent 2026-11",
    ];
    assert_eq!(list("relaxing_one_suffices"), want);
    assert_eq!(list("conflicting_set"), want);
    assert!(j["optimal_cost"].is_null());
    assert!(s(&j["infeasible"]["message"]).contains("locker.min_share_percent"));
}

#[test]
fn an_exclusion_that_strands_a_group_is_named() {
    let c = case("0");
    let text = constraints("0").replace(
        "[locker]",
        "[[exclude]]\nid = \"no-courier-anywhere\"\ncarrier = \"inpost\"\nmethods = [\"courier\"]\npostal_prefixes = [\"0\", \"9\"]\n\n[locker]",
    );
    fs::write(&c.opts.constraints, text).unwrap();
    let a = allocate(&c.opts).unwrap();
    let summary = write_allocation(&c.out, &a).unwrap();
    let inf = summary.infeasible.expect("infeasible");
    // D (12 kg) can only go by courier.
    assert_eq!(inf.relaxing_one_suffices, ["exclude no-courier-anywhere"]);
    assert_eq!(inf.conflicting_set, ["exclude no-courier-anywhere"]);
    assert!(inf.stranded_group.is_some());
}

fn run_with_threads(threads: usize, opts: &AllocateOptions, out: &Path) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        let a = allocate(opts).unwrap();
        write_allocation(out, &a).unwrap();
    });
}

#[test]
fn same_bytes_at_one_and_four_threads() {
    let c = case("40");
    // Many more rows, in several files, so the parallel grouping really splits.
    let dir = c.opts.parcels.parent().unwrap().join("many");
    fs::create_dir_all(&dir).unwrap();
    for f in 0..3 {
        let mut text = format!("{HEADER}\n");
        for i in 0..400 {
            let r = REGISTRY[(i * 7 + f) % REGISTRY.len()];
            let w = [800, 1800, 3500, 4200, 12000][(i + f) % 5];
            let row = r
                .replacen(",ORD-", &format!(",ORD-{f}-{i}-"), 1)
                .replace(",800,300", &format!(",{w},300"));
            text.push_str(&row);
            text.push('\n');
        }
        fs::write(dir.join(format!("r{f}.csv")), text).unwrap();
    }
    let mut opts = c.opts.clone();
    opts.parcels = dir;
    let text = constraints("30")
        .replace(
            "min_parcels_per_month = 3\n",
            "min_parcels_per_month = 300\n",
        )
        .replace(
            "max_parcels_per_month = 1\n",
            "max_parcels_per_month = 400\n",
        );
    fs::write(&opts.constraints, text).unwrap();
    let (one, four) = (c.out.join("one"), c.out.join("four"));
    run_with_threads(1, &opts, &one);
    run_with_threads(4, &opts, &four);
    for f in [
        "allocation.csv",
        "candidates.csv",
        "rejects.csv",
        "summary.json",
    ] {
        let (a, b) = (
            fs::read(one.join(f)).unwrap(),
            fs::read(four.join(f)).unwrap(),
        );
        assert!(a == b, "{f} differs between 1 and 4 threads");
    }
    assert_eq!(json(&one.join("summary.json"))["status"], "optimal");
}

fn constraints_error(text: &str) -> String {
    let c = case("40");
    fs::write(&c.opts.constraints, text).unwrap();
    allocate(&c.opts).unwrap_err().to_string()
}

#[test]
fn an_unknown_key_is_an_error_with_key_and_line() {
    let e =
        constraints_error("[carrier.dpd]\nmin_parcels_per_month = 3\nmax_parcel_per_month = 9\n");
    assert!(e.contains("line 3"), "{e}");
    assert!(e.contains("max_parcel_per_month"), "{e}");
    let e =
        constraints_error("[carrier.dpd]\nmin_parcels_per_month = 3\n\n[lockers]\nmethods = []\n");
    assert!(e.contains("line 4"), "{e}");
    assert!(e.contains("lockers"), "{e}");
}

#[test]
fn a_bad_value_names_the_key() {
    let e = constraints_error("[carrier.dpd]\nmax_parcels_per_month = -5\n");
    assert!(e.contains("line 2"), "{e}");
    assert!(e.contains("carrier.dpd.max_parcels_per_month"), "{e}");
    let e = constraints_error("[carrier.dpd]\nmax_parcels_per_month = \"many\"\n");
    assert!(e.contains("line 2"), "{e}");
    assert!(e.contains("carrier.dpd.max_parcels_per_month"), "{e}");
    let e =
        constraints_error("[locker]\nmethods = [\"inpost.locker\"]\nmin_share_percent = \"120\"\n");
    assert!(
        e.contains("line 3") && e.contains("locker.min_share_percent"),
        "{e}"
    );
    let e = constraints_error("[carrier.ups]\nmax_parcels_per_month = 5\n");
    assert!(e.contains("line 1") && e.contains("carrier.ups"), "{e}");
    let e = constraints_error("[[exclude]]\nid = \"x\"\ncarrier = \"dpd\"\nmethods = [\"pallet\"]\npostal_prefixes = [\"1\"]\n");
    assert!(
        e.contains("line 4") && e.contains("exclude[0].methods"),
        "{e}"
    );
    let e =
        constraints_error("[carrier.dpd]\nmin_parcels_per_month = 9\nmax_parcels_per_month = 5\n");
    assert!(
        e.contains("line 3") && e.contains("carrier.dpd.max_parcels_per_month"),
        "{e}"
    );
}

#[test]
fn a_method_map_confines_a_move_to_the_mapped_method() {
    let c = case("0");
    let dir = c.opts.parcels.parent().unwrap();
    let mut reg = fs::read_to_string(&c.opts.parcels).unwrap();
    reg.push_str("R1,2026-11-01,2026-11-02,ORD-F1,dpd,parcel,00-001,,0.00,0.00,PLN,1,false,false,prepaid,800,300,200,100,\n");
    fs::write(&c.opts.parcels, reg).unwrap();
    // A dpd parcel may move to inpost's courier only, not to its locker.
    fs::write(dir.join("map.toml"), "[dpd.inpost]\nparcel = \"courier\"\n").unwrap();
    let mut opts = c.opts.clone();
    opts.method_map = Some(dir.join("map.toml"));
    let a = allocate(&opts).unwrap();
    write_allocation(&c.out, &a).unwrap();
    let (h, alloc) = read_csv(&c.out.join("allocation.csv"));
    let group = alloc
        .iter()
        .find(|r| r[col(&h, "example_order")] == "ORD-F1")
        .map(|r| r[col(&h, "group")].clone())
        .unwrap();
    let (_, cand) = read_csv(&c.out.join("candidates.csv"));
    let of: Vec<(&str, &str, &str)> = cand
        .iter()
        .filter(|r| r[0] == group)
        .map(|r| (r[2].as_str(), r[3].as_str(), r[5].as_str()))
        .collect();
    assert_eq!(of.len(), 3, "{of:?}");
    assert_eq!((of[0].0, of[0].1), ("parcel", "priced"));
    assert_eq!((of[1].0, of[1].1), ("locker", "refused"));
    assert!(of[1].2.starts_with("method_map"), "{of:?}");
    assert_eq!((of[2].0, of[2].1), ("courier", "priced"));
    // An inpost locker parcel (no map entry for inpost) keeps every candidate.
    assert_eq!(
        cand.iter()
            .filter(|r| r[5].starts_with("method_map"))
            .count(),
        1
    );
}

// ---------------------------------------------------------------- the programme alone

fn choice(candidate: usize, cost: i64) -> Choice {
    Choice {
        candidate,
        cost,
        excluded_by: vec![],
    }
}

#[test]
fn a_fractional_relaxation_is_branched_to_the_integer_optimum() {
    // Candidates: 0 carrier 0, 1 carrier 0 locker, 2 carrier 1, 3 carrier 1 locker.
    // G1 (3): c0 0, c1 0, c3 1. G2 (3): c1 4, c2 15. G3 (3): c0 17, c3 18.
    // Lockers ≤ 4, carrier 1 ≥ 2. Unconstrained: 0 + 3×4 + 3×17 = 63 with 3 lockers
    // and nothing on carrier 1. Moving x (G1, G3 → c3, +1 each) and z (G2 → c2, +11):
    // x + z ≥ 2 and x − z ≤ 1, so z ≥ 1/2: the relaxation takes z = 1/2, x = 3/2
    // (63 + 7 = 70); in whole parcels z = 1, x = 1: 63 + 12 = 75.
    let candidates = vec![
        Candidate {
            carrier: 0,
            locker: false,
        },
        Candidate {
            carrier: 0,
            locker: true,
        },
        Candidate {
            carrier: 1,
            locker: false,
        },
        Candidate {
            carrier: 1,
            locker: true,
        },
    ];
    let inst = Instance {
        candidates,
        months: vec!["2026-11".into()],
        groups: vec![
            ModelGroup {
                month: 0,
                parcels: 3,
                choices: vec![choice(0, 0), choice(1, 0), choice(3, 1)],
            },
            ModelGroup {
                month: 0,
                parcels: 3,
                choices: vec![choice(1, 4), choice(2, 15)],
            },
            ModelGroup {
                month: 0,
                parcels: 3,
                choices: vec![choice(0, 17), choice(3, 18)],
            },
        ],
        rows: vec![
            Row {
                id: "lockers".into(),
                month: 0,
                scope: Scope::Locker,
                sense: Sense::AtMost,
                bound: 4,
            },
            Row {
                id: "carrier 1".into(),
                month: 0,
                scope: Scope::Carrier(1),
                sense: Sense::AtLeast,
                bound: 2,
            },
        ],
        exclusions: vec![],
    };
    let Outcome::Optimal(o) = model::solve(&inst).unwrap() else {
        panic!("feasible")
    };
    assert!(o.branched);
    assert!((o.relaxation - 70.0).abs() < 1e-6, "{}", o.relaxation);
    assert_eq!(o.cost, 75);
    assert_eq!(o.sent[1], [2, 1]);
    assert_eq!(brute_force(&inst), Some(75));
}

/// Every integer allocation of a small instance: the cheapest feasible one, by brute
/// force.
fn brute_force(inst: &Instance) -> Option<i128> {
    fn compositions(n: u64, k: usize) -> Vec<Vec<u64>> {
        if k == 0 {
            return if n == 0 { vec![vec![]] } else { vec![] };
        }
        let mut out = Vec::new();
        for first in 0..=n {
            for mut rest in compositions(n - first, k - 1) {
                rest.insert(0, first);
                out.push(rest);
            }
        }
        out
    }
    let per_group: Vec<Vec<Vec<u64>>> = inst
        .groups
        .iter()
        .map(|g| compositions(g.parcels, g.choices.len()))
        .collect();
    let mut best: Option<i128> = None;
    let mut idx = vec![0usize; per_group.len()];
    loop {
        let sent: Vec<Vec<u64>> = idx
            .iter()
            .zip(&per_group)
            .map(|(&i, p)| p[i].clone())
            .collect();
        if model::violations(inst, &sent).unwrap().is_empty() {
            let c = model::cost_of(inst, &sent);
            best = Some(best.map_or(c, |b| b.min(c)));
        }
        let mut k = 0;
        loop {
            if k == idx.len() {
                return best;
            }
            idx[k] += 1;
            if idx[k] < per_group[k].len() {
                break;
            }
            idx[k] = 0;
            k += 1;
        }
    }
}

fn instance() -> impl Strategy<Value = (Instance, Vec<usize>)> {
    let group = (
        0usize..2,
        1u64..4,
        prop::collection::vec((0i64..30, any::<bool>()), 3),
    );
    (
        prop::collection::vec(group, 1..4),
        prop::collection::vec((0usize..4, 0usize..2, any::<bool>(), 0u64..6), 0..4),
        prop::collection::vec(0usize..3, 3),
    )
        .prop_map(|(groups, rows, current)| {
            // Candidates 0, 1 of carrier 0 (1 a locker), 2 of carrier 1.
            let candidates = vec![
                Candidate {
                    carrier: 0,
                    locker: false,
                },
                Candidate {
                    carrier: 0,
                    locker: true,
                },
                Candidate {
                    carrier: 1,
                    locker: false,
                },
            ];
            let groups: Vec<ModelGroup> = groups
                .into_iter()
                .map(|(month, parcels, costs)| ModelGroup {
                    month,
                    parcels,
                    choices: costs
                        .iter()
                        .enumerate()
                        .map(|(c, (cost, excluded))| Choice {
                            candidate: c,
                            cost: *cost,
                            excluded_by: if *excluded && c == 2 { vec![0] } else { vec![] },
                        })
                        .collect(),
                })
                .collect();
            let rows = rows
                .into_iter()
                .enumerate()
                .map(|(i, (scope, month, at_most, bound))| Row {
                    id: format!("row{i}"),
                    month,
                    scope: match scope {
                        0 => Scope::Carrier(0),
                        1 => Scope::Carrier(1),
                        2 => Scope::Candidate(0),
                        _ => Scope::Locker,
                    },
                    sense: if at_most {
                        Sense::AtMost
                    } else {
                        Sense::AtLeast
                    },
                    bound,
                })
                .collect();
            let current = (0..groups.len()).map(|g| current[g % 3]).collect();
            (
                Instance {
                    candidates,
                    months: vec!["m0".into(), "m1".into()],
                    groups,
                    rows,
                    exclusions: vec!["rule0".into()],
                },
                current,
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn the_programme_is_exact(case in instance()) {
        let (inst, current) = case;
        let lower: i128 = inst
            .groups
            .iter()
            .map(|g| i128::from(g.choices.iter().map(|c| c.cost).min().unwrap()) * i128::from(g.parcels))
            .sum();
        let cur: Vec<Vec<u64>> = inst
            .groups
            .iter()
            .zip(&current)
            .map(|(g, &c)| (0..g.choices.len()).map(|i| if i == c { g.parcels } else { 0 }).collect())
            .collect();
        let cur_feasible = model::violations(&inst, &cur).unwrap().is_empty();
        let best = brute_force(&inst);
        match model::solve(&inst).unwrap() {
            Outcome::Optimal(o) => {
                prop_assert!(model::violations(&inst, &o.sent).unwrap().is_empty());
                prop_assert_eq!(model::cost_of(&inst, &o.sent), o.cost);
                prop_assert_eq!(Some(o.cost), best);
                prop_assert!(o.cost >= lower);
                if cur_feasible {
                    prop_assert!(o.cost <= model::cost_of(&inst, &cur));
                }
                for r in &o.rows {
                    if let Some(p) = r.shadow_price {
                        prop_assert!(p >= -1e-6, "negative shadow price {}", p);
                    }
                }
            }
            Outcome::Infeasible(d) => {
                prop_assert_eq!(best, None);
                prop_assert!(!cur_feasible);
                prop_assert!(!d.irreducible.is_empty());
                // Every member of the conflicting set is needed; each "alone" one suffices.
                for c in &d.alone {
                    prop_assert!(relaxed_feasible(&inst, &[*c]));
                }
                prop_assert!(!relaxed_feasible(&inst, &complement(&inst, &d.irreducible)));
                for c in &d.irreducible {
                    let mut without = complement(&inst, &d.irreducible);
                    without.push(*c);
                    prop_assert!(relaxed_feasible(&inst, &without));
                }
            }
        }
    }
}

/// Every constraint not in `keep`.
fn complement(inst: &Instance, keep: &[ConstraintRef]) -> Vec<ConstraintRef> {
    (0..inst.rows.len())
        .map(ConstraintRef::Row)
        .chain((0..inst.exclusions.len()).map(ConstraintRef::Exclusion))
        .filter(|c| !keep.contains(c))
        .collect()
}

/// Whether the instance without the constraints `drop` has an integer allocation
/// (brute force).
fn relaxed_feasible(inst: &Instance, drop: &[ConstraintRef]) -> bool {
    let mut i = inst.clone();
    let mut rows = Vec::new();
    for (k, r) in inst.rows.iter().enumerate() {
        if !drop.contains(&ConstraintRef::Row(k)) {
            rows.push(r.clone());
        }
    }
    i.rows = rows;
    for g in &mut i.groups {
        for c in &mut g.choices {
            c.excluded_by
                .retain(|e| !drop.contains(&ConstraintRef::Exclusion(*e)));
        }
    }
    brute_force(&i).is_some()
}
