//! `courier pack`: the smallest parcel for a basket, per-method limits, carton choice.
//!
//! Goods come from CSV (header `length_mm,width_mm,height_mm,weight_g,qty`, optional
//! `sku` and `upright`) or JSON (an array of items, or `{"items": [...]}`), chosen by the
//! file's first non-blank character. Rows are numbered from 0 (the first row after the
//! header), as the `line` of every placement; the engine's errors name the same index
//! as `goods[i]` (docs/input.md), and so does the `--split` table's contents column. The parsing lives in the library
//! (`courier_engine::inputs`) so the fuzz harness runs the same code.
//!
//! Aplix's own CheckDimensions request (`{"DimensionsList": [{"Length", "Width",
//! "Height", "Weight", "Qty"}]}`, metres and kilograms, seed 002) is read too, rounded up
//! to mm and g; `--aplix` answers in the seed's shape (`Result`, `Length`, `Width`,
//! `Height`, `Weight`, `Comment`) against `--methods` (default: the built-in
//! `data/methods.toml`), whichever shape the goods came in.
//!
//! `--boxes FILE --split` prints a shipment instead: the goods split across as few
//! cartons as possible, then the cheapest (`cartons`, `cartons_count`,
//! `cartons_lower_bound`, `total_price`); a unit that no carton takes is an error naming
//! its line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use courier_engine::aplix::{self, check_items, CheckDimensionsRequest};
use courier_engine::inputs::{cartons_from_csv, goods_from_text};
use courier_engine::packing::{
    check_parcel, split_into_cartons, CartonChoice, CartonSplit, Item, MethodVerdict, PackOptions,
    Packing, ParcelCheck,
};
use courier_engine::rules::catalogue::Carton;
use courier_engine::rules::limits::MethodCatalogue;
use serde::Serialize;

use crate::output::{print_json, print_table, read_input, shown, CliError, Format};

#[derive(clap::Args)]
pub struct Args {
    /// Goods file (CSV or JSON); `-` reads standard input.
    pub goods: PathBuf,
    /// Delivery-method limits (TOML, see data/methods.toml): adds a verdict per method.
    #[arg(long)]
    pub methods: Option<PathBuf>,
    /// Carton catalogue (CSV, see data/boxes.csv): adds the cheapest carton that holds the goods.
    #[arg(long)]
    pub boxes: Option<PathBuf>,
    /// With --boxes: split the goods across as few cartons as possible (then the
    /// cheapest), and print the shipment instead of the single parcel.
    #[arg(long, requires = "boxes", conflicts_with = "methods")]
    pub split: bool,
    /// Effort limit in milliseconds (converted to a deterministic work budget, so the
    /// answer does not depend on the machine's speed).
    #[arg(long)]
    pub budget_ms: Option<u64>,
    /// Answer in Aplix's CheckDimensions shape (Result, Length, Width, Height in metres,
    /// Weight in kilograms, Comment), against --methods or the built-in methods.
    #[arg(long, conflicts_with_all = ["boxes", "split"])]
    pub aplix: bool,
}

/// The delivery methods built into the binary (the text of `data/methods.toml`).
const METHODS_SAMPLE: &str = include_str!("../../../data/methods.toml");

#[derive(Serialize)]
struct Output {
    #[serde(flatten)]
    packing: Packing,
    #[serde(skip_serializing_if = "Option::is_none")]
    methods: Option<Vec<MethodVerdict>>,
    /// The chosen carton's reference; `null` when no carton of the catalogue holds the goods.
    #[serde(rename = "box", skip_serializing_if = "Option::is_none")]
    box_ref: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    carton: Option<Option<CartonChoice>>,
}

pub fn run(args: Args, format: Format) -> Result<ExitCode, CliError> {
    let items = read_goods(&args.goods)?;
    let opts = args
        .budget_ms
        .map(PackOptions::with_budget_ms)
        .unwrap_or_default();
    if args.aplix {
        let methods = match &args.methods {
            Some(path) => {
                let text = read_input(path)?;
                MethodCatalogue::from_toml_str(&text)
                    .map_err(|e| CliError(format!("{}: {e}", path.display())))?
            }
            None => MethodCatalogue::from_toml_str(METHODS_SAMPLE)
                .map_err(|e| CliError(format!("built-in methods: {e}")))?,
        };
        let answer = check_items(&items, &methods.methods, &opts)
            .map_err(|e| CliError(format!("{}: {e}", args.goods.display())))?;
        match format {
            Format::Json => print_json(&answer)?,
            Format::Table => print_table(
                &["Result", "Length", "Width", "Height", "Weight", "Comment"],
                &[vec![
                    answer.result.to_string(),
                    answer.length.to_string(),
                    answer.width.to_string(),
                    answer.height.to_string(),
                    answer.weight.to_string(),
                    answer.comment.clone(),
                ]],
            )?,
        }
        return Ok(ExitCode::SUCCESS);
    }
    if args.split {
        return run_split(&args, &items, &opts, format);
    }
    let methods = match &args.methods {
        Some(path) => {
            let text = read_input(path)?;
            let cat = MethodCatalogue::from_toml_str(&text)
                .map_err(|e| CliError(format!("{}: {e}", shown(path))))?;
            Some(cat.methods)
        }
        None => None,
    };
    let cartons = match &args.boxes {
        Some(path) => Some(read_cartons(path)?),
        None => None,
    };
    let ParcelCheck {
        packing,
        methods,
        carton,
    } = check_parcel(&items, methods.as_deref(), cartons.as_deref(), &opts)
        .map_err(|e| CliError(format!("{}: {e}", shown(&args.goods))))?;
    let out = Output {
        packing,
        methods,
        box_ref: carton
            .as_ref()
            .map(|c| c.as_ref().map(|c| c.reference.clone())),
        carton,
    };
    match format {
        Format::Json => print_json(&out)?,
        Format::Table => print_human(&out)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// `--split`: the shipment, or an error naming the line of a unit no carton takes.
fn run_split(
    args: &Args,
    items: &[Item],
    opts: &PackOptions,
    format: Format,
) -> Result<ExitCode, CliError> {
    let path = args
        .boxes
        .as_ref()
        .ok_or_else(|| CliError("--split needs --boxes FILE".into()))?;
    let cartons = read_cartons(path)?;
    let shipment = split_into_cartons(items, &cartons, opts)
        .map_err(|e| CliError(format!("{}: {e}", shown(&args.goods))))?;
    match format {
        Format::Json => print_json(&shipment)?,
        Format::Table => print_shipment(&shipment)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn print_shipment(s: &CartonSplit) -> Result<(), CliError> {
    let rows: Vec<Vec<String>> = s
        .cartons
        .iter()
        .enumerate()
        .map(|(i, c)| {
            // Units per goods line, in line order, named as the engine's errors name a
            // line (docs/input.md): "goods[0] × 2, goods[3] × 1".
            let mut per_line: std::collections::BTreeMap<usize, u32> = Default::default();
            for p in &c.placements {
                *per_line.entry(p.line).or_default() += 1;
            }
            let lines = per_line
                .iter()
                .map(|(l, n)| format!("goods[{l}] × {n}"))
                .collect::<Vec<_>>()
                .join(", ");
            vec![
                (i + 1).to_string(),
                c.reference.clone(),
                c.units.to_string(),
                format!("{} g", c.weight_g),
                c.price.map_or_else(|| "—".into(), |p| p.to_string()),
                lines,
            ]
        })
        .collect();
    print_table(&["#", "box", "units", "gross", "price", "contents"], &rows)?;
    println!();
    let summary = vec![
        vec![
            "cartons".into(),
            format!(
                "{} (lower bound {}{})",
                s.cartons_count,
                s.cartons_lower_bound,
                if s.fewest_proven {
                    ", proven fewest"
                } else {
                    ""
                }
            ),
        ],
        vec!["units".into(), s.units.to_string()],
        vec!["goods weight".into(), format!("{} g", s.goods_weight_g)],
        vec![
            "total price".into(),
            s.total_price.map_or_else(
                || "unknown (some carton has no price)".into(),
                |p| p.to_string(),
            ),
        ],
    ];
    print_table(&["", ""], &summary)
}

fn print_human(out: &Output) -> Result<(), CliError> {
    let p = &out.packing;
    let mut rows = vec![
        vec![
            "parcel".into(),
            format!("{} × {} × {} mm", p.length_mm, p.width_mm, p.height_mm),
        ],
        vec!["weight".into(), format!("{} g", p.weight_g)],
        vec!["volume".into(), format!("{} mm³", p.volume_mm3)],
        vec![
            "lower bound".into(),
            format!(
                "{} mm³ (gap {:.1} %)",
                p.lower_bound_mm3,
                gap_percent(p.volume_mm3, p.lower_bound_mm3)
            ),
        ],
        vec![
            "optimal".into(),
            if p.optimal {
                "proven".into()
            } else {
                "not proven (heuristic)".into()
            },
        ],
        vec!["units".into(), p.placements.len().to_string()],
    ];
    if let Some(c) = &out.carton {
        rows.push(vec![
            "box".into(),
            match c {
                Some(c) => format!("{} (gross {} g)", c.reference, c.gross_weight_g),
                None => "none of the catalogue holds the goods".into(),
            },
        ]);
    }
    print_table(&["", ""], &rows)?;
    if let Some(ms) = &out.methods {
        println!();
        let rows: Vec<Vec<String>> = ms
            .iter()
            .map(|m| {
                vec![
                    m.method_id.clone(),
                    if m.within {
                        "within".into()
                    } else {
                        "exceeded".into()
                    },
                    m.exceeded
                        .iter()
                        .map(|e| e.describe())
                        .collect::<Vec<_>>()
                        .join("; "),
                ]
            })
            .collect();
        print_table(&["method", "verdict", "limits exceeded"], &rows)?;
    }
    Ok(())
}

fn gap_percent(v: u64, lb: u64) -> f64 {
    if lb == 0 {
        0.0
    } else {
        (v as f64 - lb as f64) * 100.0 / lb as f64
    }
}

/// Reads goods from CSV or JSON, naming the row and column of any problem
/// (parsing in [`courier_engine::inputs::goods_from_text`]).
pub fn read_goods(path: &Path) -> Result<Vec<Item>, CliError> {
    let text = read_input(path)?;
    if let Some(req) = aplix_request(&text) {
        let req = req.map_err(|e| CliError(format!("{}: {e}", shown(path))))?;
        return aplix::items(&req).map_err(|e| CliError(format!("{}: {e}", shown(path))));
    }
    Ok(goods_from_text(&text, &shown(path))?)
}

/// Aplix's CheckDimensions request, when the text is one (a JSON object with
/// `DimensionsList` or `Dimensions`).
fn aplix_request(text: &str) -> Option<Result<CheckDimensionsRequest, serde_json::Error>> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    let o = v.as_object()?;
    (o.contains_key("DimensionsList") || o.contains_key("Dimensions"))
        .then(|| serde_json::from_value(v))
}

/// Reads a carton catalogue CSV, validating every record
/// (parsing in [`courier_engine::inputs::cartons_from_csv`]).
pub fn read_cartons(path: &Path) -> Result<Vec<Carton>, CliError> {
    let text = read_input(path)?;
    Ok(cartons_from_csv(&text, &shown(path))?)
}
