//! Shared helpers of the batch tests: a generated dataset and a run over it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use courier_batch::gen::generate;
use courier_batch::tariffs::TariffBook;
use courier_batch::{reconcile, write_outputs, Options};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn book() -> TariffBook {
    TariffBook::load(&root().join("data/tariffs")).expect("sample tariffs")
}

pub fn options(dir: &Path) -> Options {
    let mut o = Options::new(
        dir.join("registry.csv"),
        dir.join("invoices.csv"),
        dir.join("tracking.csv"),
        dir.join("refunds.csv"),
    );
    o.tariffs = root().join("data/tariffs");
    o
}

pub fn dataset(n: u64, seed: u64) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    generate(n, seed, &book(), dir.path()).expect("generate");
    dir
}

/// Runs and writes into `out`.
pub fn run(opts: &Options, out: &Path) {
    let t = reconcile(opts, &|_| {}).expect("reconcile");
    write_outputs(out, &t).expect("write");
}

pub fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).expect("csv");
    let h = r
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    let rows = r
        .records()
        .map(|x| x.expect("record").iter().map(str::to_string).collect())
        .collect();
    (h, rows)
}

pub fn col(h: &[String], name: &str) -> usize {
    h.iter()
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

pub const OUTPUTS: [&str; 8] = [
    "lines.csv",
    "lines.parquet",
    "parcels.csv",
    "refunds.csv",
    "rejects.csv",
    "summary.json",
    "report.html",
    "partition.json",
];

pub fn assert_same_outputs(a: &Path, b: &Path) {
    for f in OUTPUTS {
        let x = std::fs::read(a.join(f)).expect("read a");
        let y = std::fs::read(b.join(f)).expect("read b");
        assert!(
            x == y,
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}
