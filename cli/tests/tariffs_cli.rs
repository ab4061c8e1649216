//! `courier tariffs compare` end to end: a run over the sample registry, and bad input
//! exiting 2 with the file, line and field.

mod common;
use common::courier;

#[test]
fn compares_the_sample_registry() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let cheaper = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../data/tariffs/inpost.toml"
    ))
    .unwrap()
    .replace("inpost-sample-2026", "inpost-cheaper")
    .replace("\"12.99\"", "\"11.99\"");
    let new = dir.path().join("cheaper.toml");
    std::fs::write(&new, cheaper).unwrap();
    let out = courier(
        &[
            "tariffs",
            "compare",
            "--parcels",
            "data/sample/registry.csv",
            "--tariff",
            "data/tariffs/inpost.toml",
            "--tariff",
            new.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
            "--format",
            "json",
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["tariffs"][1]["id"], "inpost-cheaper");
    assert_eq!(v["differences"][0]["against"], "inpost-sample-2026");
    for f in [
        "parcels.csv",
        "parcels.parquet",
        "aggregates.csv",
        "summary.json",
        "report.html",
    ] {
        assert!(out_dir.join(f).exists(), "{f}");
    }
}

#[test]
fn bad_input_exits_2_naming_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let map = dir.path().join("map.toml");
    std::fs::write(&map, "# map\n[inpost.inpost]\nnot_a_method = \"x\"\n").unwrap();
    let out = courier(
        &[
            "tariffs",
            "compare",
            "--parcels",
            "data/sample/registry.csv",
            "--tariff",
            "data/tariffs/inpost.toml",
            "--method-map",
            map.to_str().unwrap(),
            "--out",
            dir.path().join("out").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("map.toml"), "{err}");
    assert!(err.contains("line 3"), "{err}");
    assert!(err.contains("field inpost.inpost.not_a_method"), "{err}");

    let out = courier(
        &[
            "tariffs",
            "compare",
            "--parcels",
            "data/sample/registry.csv",
            "--tariff",
            "data/tariffs/inpost.toml",
            "--tariff",
            "data/tariffs/aplix.toml",
            "--out",
            dir.path().join("out").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("aplix.toml") && err.contains("one currency"),
        "{err}"
    );
}
