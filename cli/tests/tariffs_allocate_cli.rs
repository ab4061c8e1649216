//! `courier tariffs allocate` end to end: the shipped sample constraints over the sample
//! registry, an infeasible file exiting 1 with the constraints at fault, and a bad key
//! exiting 2 with its line.

mod common;
use common::courier;

fn args<'a>(constraints: &'a str, out: &'a str, format: &'a str) -> Vec<&'a str> {
    vec![
        "tariffs",
        "allocate",
        "--parcels",
        "data/sample/registry.csv",
        "--tariff",
        "data/tariffs/aplix.toml",
        "--constraints",
        constraints,
        "--out",
        out,
        "--format",
        format,
    ]
}

#[test]
fn allocates_the_sample_registry_under_the_sample_constraints() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let out = courier(
        &args(
            "data/allocate/constraints.toml",
            out_dir.to_str().unwrap(),
            "json",
        ),
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["status"], "optimal");
    assert!(j["constraints"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["binding"] == true));
    for f in [
        "allocation.csv",
        "candidates.csv",
        "rejects.csv",
        "summary.json",
    ] {
        assert!(out_dir.join(f).exists(), "{f}");
    }
    let table = courier(
        &args(
            "data/allocate/constraints.toml",
            out_dir.to_str().unwrap(),
            "table",
        ),
        None,
    );
    assert!(table.status.success());
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.contains("saving vs current"), "{text}");
    assert!(text.contains("shadow price"), "{text}");
}

#[test]
fn infeasible_constraints_exit_1_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("c.toml");
    std::fs::write(
        &c,
        "[carrier.aplix.method.ems]\nmin_parcels_per_month = 1000000\n",
    )
    .unwrap();
    let out_dir = dir.path().join("out");
    let out = courier(
        &args(c.to_str().unwrap(), out_dir.to_str().unwrap(), "table"),
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("carrier.aplix.method.ems.min_parcels_per_month"),
        "{err}"
    );
    let j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("summary.json")).unwrap())
            .unwrap();
    assert_eq!(j["status"], "infeasible");
}

#[test]
fn an_unknown_key_exits_2_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("c.toml");
    std::fs::write(&c, "# capacity\n[carrier.aplix]\nmax_parcels = 10\n").unwrap();
    let out = courier(
        &args(
            c.to_str().unwrap(),
            dir.path().join("o").to_str().unwrap(),
            "json",
        ),
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 3") && err.contains("max_parcels"),
        "{err}"
    );
}
