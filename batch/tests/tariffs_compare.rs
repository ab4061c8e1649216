//! `courier tariffs compare`: totals checked by hand on a small registry under two small
//! tariffs, a parcel no tariff can carry, the same bytes at 1 and 4 threads (and priced
//! whole or a window at a time), a Parquet
//! registry giving the bytes of its CSV, and a method map naming an unknown method.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{col, read_csv, root};
use courier_batch::{compare, compare_into, write_comparison, CompareOptions};

/// InPost-like, prices net of VAT (23 %): 10.00 up to 1 kg, 2.00 per further kg, fuel
/// 10 % of the rate, COD 2 % with a 3.00 minimum, at most 10 kg.
const TARIFF_A: &str = r#"
[tariff]
id = "a-2026"
carrier = "inpost"
name = "A"
currency = "PLN"
minor_units = 2
prices_include_vat = false

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

[method.cod]
minimum = "3.00"
max_amount = "1000"

[[method.cod.band]]
up_to = "1000"
fixed = "0"
rate_percent = "2"

[method.surcharges]
fuel_percent = "10"
"#;

/// Another carrier, net of VAT (23 %): 12.00 up to 2 kg, 1.00 per further kg, no COD,
/// no surcharge, at most 5 kg.
const TARIFF_B: &str = r#"
[tariff]
id = "b-2026"
carrier = "dpd"
name = "B"
currency = "PLN"
minor_units = 2
prices_include_vat = false

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

/// Out of order on purpose; ORD-4 is too heavy for both tariffs; line 6 is of a carrier
/// no compared tariff is for.
const REGISTRY: &[&str] = &[
    "R1,2026-11-01,2026-11-02,ORD-2,inpost,locker,00001,,0.00,100.00,PLN,1,false,false,prepaid,3500,300,200,100,",
    "R1,2026-10-14,2026-10-15,ORD-1,inpost,locker,00001,,0.00,0.00,PLN,1,false,false,prepaid,800,300,200,100,",
    "R1,2026-11-02,2026-11-03,ORD-3,inpost,locker,00001,,0.00,0.00,PLN,1,false,false,prepaid,4500,300,200,100,",
    "R1,2026-11-02,2026-11-03,ORD-4,inpost,locker,00001,,0.00,0.00,PLN,1,false,false,prepaid,12000,300,200,100,",
    "R1,2026-11-02,2026-11-03,ORD-5,ups,locker,00001,,0.00,0.00,PLN,1,false,false,prepaid,1000,300,200,100,",
];

struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new() -> Case {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::write(dir.path().join("a.toml"), TARIFF_A).expect("write");
        fs::write(dir.path().join("b.toml"), TARIFF_B).expect("write");
        let mut reg = String::from(HEADER);
        for r in REGISTRY {
            reg.push('\n');
            reg.push_str(r);
        }
        reg.push('\n');
        fs::write(dir.path().join("registry.csv"), reg).expect("write");
        fs::write(
            dir.path().join("map.toml"),
            "# inpost's locker is dpd's parcel\n[inpost.dpd]\nlocker = \"parcel\"\n",
        )
        .expect("write");
        Case { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn options(&self, map: Option<&str>) -> CompareOptions {
        let mut o = CompareOptions::new(
            self.path("registry.csv"),
            vec![self.path("a.toml"), self.path("b.toml")],
        );
        o.method_map = map.map(|m| self.path(m));
        o
    }
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(path).expect("read")).expect("json")
}

#[test]
fn totals_by_hand() {
    let case = Case::new();
    let out = case.path("out");
    let c = compare(&case.options(Some("map.toml"))).expect("compare");
    let s = write_comparison(&out, &c).expect("write");
    assert_eq!(s.parcels, 4);
    assert_eq!(s.rows_rejected, 1);

    let (h, rows) = read_csv(&out.join("parcels.csv"));
    let get = |r: &Vec<String>, name: &str| r[col(&h, name)].clone();
    let ids: Vec<String> = rows.iter().map(|r| get(r, "order_id")).collect();
    assert_eq!(
        ids,
        ["ORD-1", "ORD-2", "ORD-3", "ORD-4"],
        "sorted by order id"
    );
    // ORD-1, 800 g: A 10.00 + fuel 1.00 = 11.00, VAT 2.53 → 13.53; B 12.00 + VAT 2.76.
    // ORD-2, 3500 g, COD 100: A 10 + 3 × 2 = 16.00, fuel 1.60, COD max(2.00, 3.00)
    //   = 3.00 → 20.60, VAT 4.738 → 4.74 → 25.34; B offers no COD.
    // ORD-3, 4500 g: A 18.00 + 1.80 = 19.80, VAT 4.554 → 4.55 → 24.35; B 12 + 3 × 1
    //   = 15.00 + 3.45 = 18.45.
    // ORD-4, 12 kg: neither.
    let want = [
        ("13.53", "14.76", "a-2026", "501-1000 g", "2026-10"),
        ("25.34", "", "a-2026", "2001-5000 g", "2026-11"),
        ("24.35", "18.45", "b-2026", "2001-5000 g", "2026-11"),
        ("", "", "none", "10001-20000 g", "2026-11"),
    ];
    for (r, (a, b, cheapest, band, month)) in rows.iter().zip(want) {
        assert_eq!(get(r, "a-2026_total"), a, "{r:?}");
        assert_eq!(get(r, "b-2026_total"), b, "{r:?}");
        assert_eq!(get(r, "cheapest"), cheapest, "{r:?}");
        assert_eq!(get(r, "weight_band"), band, "{r:?}");
        assert_eq!(get(r, "month"), month, "{r:?}");
        assert_eq!(get(r, "b-2026_method"), "parcel", "mapped: {r:?}");
    }
    assert_eq!(get(&rows[0], "a-2026_zone"), "PL");
    assert!(get(&rows[1], "b-2026_reason").starts_with("cod_not_offered: "));
    // The parcel no tariff can carry is there, with the engine's reason under each.
    assert!(get(&rows[3], "a-2026_reason").starts_with("limit_exceeded: "));
    assert!(get(&rows[3], "b-2026_reason").starts_with("limit_exceeded: "));

    let sj = json(&out.join("summary.json"));
    let a = &sj["tariffs"][0];
    assert_eq!(a["id"], "a-2026");
    assert_eq!(a["priced"], 3);
    assert_eq!(a["refused"], 1);
    assert_eq!(a["total"], "63.22");
    assert_eq!(a["components"]["postal_rate"], "44.00");
    assert_eq!(a["components"]["cod_fee"], "3.00");
    assert_eq!(a["components"]["surcharges"], "4.40");
    assert_eq!(a["components"]["vat"], "11.82");
    assert_eq!(a["refusals"]["limit_exceeded"], 1);
    assert_eq!(a["cheapest"], 2);
    let b = &sj["tariffs"][1];
    assert_eq!(b["total"], "33.21");
    assert_eq!(b["refusals"]["cod_not_offered"], 1);
    assert_eq!(b["cheapest"], 1);
    assert_eq!(sj["carried_by_none"], 1);
    assert_eq!(sj["cheapest_tied"], 0);
    // B against A over ORD-1 and ORD-3: 33.21 - 37.88.
    let d = &sj["differences"][0];
    assert_eq!(d["parcels"], 2);
    assert_eq!(d["against_total"], "37.88");
    assert_eq!(d["difference"], "-4.67");
    assert_eq!(d["components"]["postal_rate"], "-1.00");
    assert_eq!(d["components"]["surcharges"], "-2.80");
    assert_eq!(d["components"]["vat"], "-0.87");
    assert_eq!(d["components"]["cod_fee"], "0.00");

    let (h, rows) = read_csv(&out.join("aggregates.csv"));
    let agg = rows
        .iter()
        .find(|r| {
            r[col(&h, "tariff")] == "a-2026"
                && r[col(&h, "weight_band")] == "2001-5000 g"
                && r[col(&h, "month")] == "2026-11"
        })
        .expect("aggregate row");
    assert_eq!(agg[col(&h, "parcels")], "2");
    assert_eq!(agg[col(&h, "total")], "49.69");

    let (h, rows) = read_csv(&out.join("differences.csv"));
    let total = rows
        .iter()
        .find(|r| r[col(&h, "component")] == "total")
        .expect("total row");
    assert_eq!(total[col(&h, "difference")], "-4.67");

    let (h, rows) = read_csv(&out.join("rejects.csv"));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][col(&h, "line")], "6");
    assert!(rows[0][col(&h, "reason")].contains("field carrier"));

    let html = fs::read_to_string(out.join("report.html")).expect("report");
    assert!(html.contains("<svg") && html.contains("Cost by weight band"));
    // By the baseline's zone: both carried parcels are in zone PL, 37.88 → 33.21.
    assert!(html.contains("Difference to the baseline by zone"));
    assert!(
        html.contains("<td>PL</td><td class=\"n\">2</td><td class=\"n\">37.88</td><td class=\"n\">33.21</td><td class=\"n\">-4.67</td>"),
        "zone row missing"
    );
    assert!(!html.contains("http://") && !html.contains("https://"));
    assert!(out.join("parcels.parquet").exists());
}

#[test]
fn without_a_map_another_carrier_lacks_the_method() {
    let case = Case::new();
    let c = compare(&case.options(None)).expect("compare");
    for p in &c.parcels {
        let r = p.costs[1].result.as_ref().expect_err("b has no locker");
        assert_eq!(r.codes, ["method_not_in_tariff"]);
        assert!(r.reason.contains("\"locker\""), "{}", r.reason);
    }
}

#[test]
fn unknown_method_in_the_map_is_an_error_naming_line_and_field() {
    let case = Case::new();
    fs::write(
        case.path("bad.toml"),
        "[inpost.dpd]\nlocker = \"parcel\"\nlocker_xl = \"nope\"\n",
    )
    .expect("write");
    let err = compare(&case.options(Some("bad.toml"))).expect_err("unknown method");
    let msg = err.to_string();
    assert_eq!(err.code(), "method_map");
    assert!(msg.contains("bad.toml"), "{msg}");
    assert!(msg.contains("line 3"), "{msg}");
    assert!(msg.contains("inpost.dpd.locker_xl"), "{msg}");

    fs::write(case.path("bad2.toml"), "[inpost.dpd]\nlocker = \"nope\"\n").expect("write");
    let msg = compare(&case.options(Some("bad2.toml")))
        .expect_err("unknown target")
        .to_string();
    assert!(
        msg.contains("line 2") && msg.contains("\"nope\"") && msg.contains("b-2026"),
        "{msg}"
    );

    fs::write(case.path("bad3.toml"), "[inpost.fedex]\nlocker = \"x\"\n").expect("write");
    let msg = compare(&case.options(Some("bad3.toml")))
        .expect_err("unknown carrier")
        .to_string();
    assert!(msg.contains("fedex"), "{msg}");
}

/// At one thread, compared whole then written; at more, compared and written a few
/// parcels at a time (`compare_into`, as the command runs): the bytes must not differ.
fn run_with_threads(threads: usize, opts: &CompareOptions, out: &Path) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool");
    pool.install(|| {
        if threads == 1 {
            let c = compare(opts).expect("compare");
            write_comparison(out, &c).expect("write");
        } else {
            let mut o = opts.clone();
            o.window = 97;
            compare_into(&o, out).expect("compare into");
        }
    });
}

#[test]
fn same_bytes_at_one_and_four_threads_whole_or_a_window_at_a_time() {
    let data = common::dataset(3000, 11);
    // The InPost sample contract, a cheaper InPost price list and another carrier
    // standing in for the locker (one currency: the Aplix parcels are rejected rows).
    let inpost = fs::read_to_string(root().join("data/tariffs/inpost.toml")).expect("inpost");
    let cheaper = inpost
        .replace("inpost-sample-2026", "inpost-cheaper-2027")
        .replace("\"12.99\"", "\"11.99\"");
    let new = data.path().join("inpost-2027.toml");
    fs::write(&new, cheaper).expect("write");
    let b = data.path().join("b.toml");
    fs::write(&b, TARIFF_B).expect("write");
    let map = data.path().join("map.toml");
    fs::write(&map, "[inpost.dpd]\ninpost_locker_standard = \"parcel\"\n").expect("write");
    let mut opts = CompareOptions::new(
        data.path().join("registry.csv"),
        vec![root().join("data/tariffs/inpost.toml"), new, b],
    );
    opts.method_map = Some(map);
    let one = data.path().join("one");
    let four = data.path().join("four");
    run_with_threads(1, &opts, &one);
    run_with_threads(4, &opts, &four);
    for f in [
        "parcels.csv",
        "parcels.parquet",
        "aggregates.csv",
        "differences.csv",
        "rejects.csv",
        "summary.json",
        "report.html",
    ] {
        let a = fs::read(one.join(f)).expect("one");
        let b = fs::read(four.join(f)).expect("four");
        assert!(a == b, "{f} differs between 1 and 4 threads");
    }
    // Every registry row is a parcel or a reject, and no parcel is dropped.
    let sj = json(&one.join("summary.json"));
    let rows: u64 = sj["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f["rows"].as_u64().expect("rows"))
        .sum();
    assert_eq!(sj["rows_read"].as_u64(), Some(rows));
    assert!(
        sj["parcels"].as_u64().unwrap() > 100,
        "enough InPost parcels"
    );
    assert!(sj["differences"][0]["difference"]
        .as_str()
        .unwrap()
        .starts_with('-'));
    for t in sj["tariffs"].as_array().expect("tariffs") {
        assert_eq!(
            t["priced"].as_u64().unwrap() + t["refused"].as_u64().unwrap(),
            sj["parcels"].as_u64().unwrap()
        );
    }
}

#[test]
fn a_parquet_registry_compares_as_its_csv() {
    use polars::prelude::{Column, DataFrame, ParquetWriter};
    let case = Case::new();
    let header: Vec<&str> = HEADER.split(',').collect();
    let mut cols: Vec<Vec<String>> = vec![Vec::new(); header.len()];
    for r in REGISTRY {
        for (c, v) in cols.iter_mut().zip(r.split(',')) {
            c.push(v.to_string());
        }
    }
    let columns = header
        .iter()
        .zip(&cols)
        .map(|(n, v)| Column::new((*n).into(), v.clone()))
        .collect();
    let mut df = DataFrame::new(REGISTRY.len(), columns).expect("frame");
    let folder = case.path("parquet");
    fs::create_dir_all(&folder).expect("mkdir");
    let f = fs::File::create(folder.join("registry.parquet")).expect("create");
    ParquetWriter::new(f).finish(&mut df).expect("parquet");

    let csv_out = case.path("from-csv");
    let pq_out = case.path("from-parquet");
    let c = compare(&case.options(Some("map.toml"))).expect("csv");
    write_comparison(&csv_out, &c).expect("write");
    let mut opts = case.options(Some("map.toml"));
    opts.parcels = folder;
    let p = compare(&opts).expect("parquet");
    let s = write_comparison(&pq_out, &p).expect("write");
    assert_eq!(s.parcels, 4);
    assert_eq!(s.rows_rejected, 1);
    for f in ["parcels.csv", "aggregates.csv", "differences.csv"] {
        assert_eq!(
            fs::read(csv_out.join(f)).expect("csv"),
            fs::read(pq_out.join(f)).expect("parquet"),
            "{f}"
        );
    }
}
