//! Shared helpers for the benchmarks and the reference report: locating the third-party
//! reference data beside the checkout, and reading its formats.
//!
//! The data lives in `../shared/reference/` relative to the repository root (or wherever
//! `COURIER_REFERENCE` points). It is never copied into the repository; everything that
//! uses it says clearly that it was skipped when it is absent.

pub mod milp;

use std::collections::BTreeMap;
use std::path::PathBuf;

use courier_engine::packing::{ContainerItem, Item};
use courier_engine::rules::catalogue::{Carton, CartonRecord};

/// The reference directory, if present.
pub fn reference_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("COURIER_REFERENCE") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference"),
    };
    dir.is_dir().then_some(dir)
}

/// Prints the standard "skipped" notice and returns `None` when the data is absent.
pub fn reference_or_skip(what: &str) -> Option<PathBuf> {
    let d = reference_dir();
    if d.is_none() {
        eprintln!("SKIPPED {what}: reference data not found (expected ../shared/reference beside the checkout, or set COURIER_REFERENCE)");
    }
    d
}

/// BoxPacker's 4 cartons (`boxpacker/boxes.csv`: reference, outer W L D, empty weight,
/// inner W L D, max weight; no header).
pub fn boxpacker_cartons(text: &str) -> Result<Vec<Carton>, String> {
    let mut out = Vec::new();
    for (row, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        if f.len() != 9 {
            return Err(format!(
                "boxes.csv row {row}: expected 9 fields, got {}",
                f.len()
            ));
        }
        let n = |i: usize| {
            f[i].parse::<u32>()
                .map_err(|_| format!("boxes.csv row {row}, field {i}: `{}`", f[i]))
        };
        let record = CartonRecord {
            reference: f[0].to_string(),
            outer_width_mm: n(1)?,
            outer_length_mm: n(2)?,
            outer_height_mm: n(3)?,
            empty_weight_g: u64::from(n(4)?),
            inner_width_mm: n(5)?,
            inner_length_mm: n(6)?,
            inner_height_mm: n(7)?,
            max_weight_g: u64::from(n(8)?),
            price: None,
        };
        out.push(Carton::try_from(record).map_err(|e| format!("boxes.csv row {row}: {e}"))?);
    }
    Ok(out)
}

/// BoxPacker's orders (`boxpacker/items.csv`: orderId, qty, sku, width, length, depth,
/// weight; no header), grouped by order id in id order.
pub fn boxpacker_orders(text: &str) -> Result<BTreeMap<String, Vec<Item>>, String> {
    let mut out: BTreeMap<String, Vec<Item>> = BTreeMap::new();
    for (row, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        if f.len() != 7 {
            return Err(format!(
                "items.csv row {row}: expected 7 fields, got {}",
                f.len()
            ));
        }
        let n = |i: usize| {
            f[i].parse::<u32>()
                .map_err(|_| format!("items.csv row {row}, field {i}: `{}`", f[i]))
        };
        let item = Item::new(n(3)?, n(4)?, n(5)?, u64::from(n(6)?), n(1)?);
        out.entry(f[0].to_string()).or_default().push(item);
    }
    Ok(out)
}

/// One OR-Library container-loading problem (thpack / Bischoff–Ratcliff format).
#[derive(Debug, Clone)]
pub struct ThpackProblem {
    pub number: u32,
    pub container: [u32; 3],
    pub items: Vec<ContainerItem>,
}

/// Parses a thpack file: `P`, then per problem `k seed`, `L W H`, `n`, and `n` lines of
/// `t l fl w fw h fh q` (flag 1: that edge may stand vertical).
pub fn thpack(text: &str) -> Result<Vec<ThpackProblem>, String> {
    let mut it = text
        .split_whitespace()
        .map(|t| t.parse::<u32>().map_err(|_| format!("not a number: `{t}`")));
    let mut next = |what: &str| {
        it.next()
            .unwrap_or_else(|| Err(format!("file ends before {what}")))
    };
    let p = next("problem count")?;
    let mut out = Vec::new();
    for _ in 0..p {
        let number = next("problem number")?;
        let _seed = next("seed")?;
        let container = [next("L")?, next("W")?, next("H")?];
        let n = next("type count")?;
        let mut items = Vec::new();
        for _ in 0..n {
            let _t = next("type")?;
            let (l, fl, w, fw, h, fh, q) = (
                next("l")?,
                next("fl")?,
                next("w")?,
                next("fw")?,
                next("h")?,
                next("fh")?,
                next("q")?,
            );
            items.push(ContainerItem {
                dims: [l, w, h],
                may_be_vertical: [fl == 1, fw == 1, fh == 1],
                qty: q,
            });
        }
        out.push(ThpackProblem {
            number,
            container,
            items,
        });
    }
    Ok(out)
}

/// A mixed basket of `n` units, deterministic, for benchmarks (realistic e-commerce sizes).
pub fn mixed_basket(n: u32) -> Vec<Item> {
    let shapes = [
        (210, 148, 32, 420),
        (120, 90, 100, 350),
        (160, 80, 60, 250),
        (150, 100, 40, 180),
        (90, 90, 110, 520),
        (300, 200, 20, 300),
        (250, 180, 90, 700),
        (60, 60, 200, 400),
    ];
    let mut items = Vec::new();
    let mut left = n;
    let mut i = 0;
    while left > 0 {
        let (l, w, h, g) = shapes[i % shapes.len()];
        let q = (1 + (i as u32 % 3)).min(left);
        items.push(Item::new(l, w, h, g, q));
        left -= q;
        i += 1;
    }
    items
}
