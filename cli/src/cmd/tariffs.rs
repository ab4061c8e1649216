//! `courier tariffs compare` and `courier tariffs allocate`: arguments and rendering;
//! the work is `courier_batch::compare`'s (docs/tariffs-compare.md) and
//! `courier_batch::allocate`'s (docs/tariffs-allocate.md).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use courier_batch::weight_band::WeightBands;
use courier_batch::{
    allocate, compare_into, write_allocation, AllocateOptions, AllocateSummary, CompareOptions,
    CompareSummary,
};

use crate::output::{print_json, print_table, CliError, Format};

/// `courier tariffs …`.
#[derive(Subcommand)]
pub enum Command {
    /// Re-price every parcel of a registry under each tariff: per-parcel costs,
    /// aggregates, the difference by cost component, a summary and an HTML report.
    Compare(CompareArgs),
    /// The cheapest split of the registry's parcels between the tariffs' carrier methods
    /// under the volume commitments, capacities, exclusions and locker share of a
    /// constraints file (a MILP): allocation per group, savings, binding constraints.
    Allocate(AllocateArgs),
}

/// `courier tariffs allocate`.
#[derive(clap::Args)]
pub struct AllocateArgs {
    /// The registry: a CSV or Parquet file, or a folder of them.
    #[arg(long)]
    parcels: PathBuf,
    /// A tariff file (the pricing engine's TOML); repeat for each carrier (one tariff
    /// per carrier, one currency).
    #[arg(long = "tariff", required = true)]
    tariffs: Vec<PathBuf>,
    /// The constraints (TOML): `[carrier.<c>]` and `[carrier.<c>.method.<m>]` volume
    /// bounds per month, `[[exclude]]` rules, `[locker]` share.
    #[arg(long)]
    constraints: PathBuf,
    /// The only method of another carrier a parcel may move to (TOML:
    /// `[<from carrier>.<to carrier>]` with `<from method> = "<to method>"`).
    #[arg(long)]
    method_map: Option<PathBuf>,
    /// Output folder.
    #[arg(long)]
    out: PathBuf,
}

/// `courier tariffs compare`.
#[derive(clap::Args)]
pub struct CompareArgs {
    /// The registry: a CSV or Parquet file, or a folder of them (the reconciliation's
    /// registry format).
    #[arg(long)]
    parcels: PathBuf,
    /// A tariff file (the pricing engine's TOML); repeat for each tariff. The first is
    /// the baseline the differences are taken against.
    #[arg(long = "tariff", required = true)]
    tariffs: Vec<PathBuf>,
    /// Which method of another carrier stands in for a parcel's method (TOML:
    /// `[<from carrier>.<to carrier>]` with `<from method> = "<to method>"`).
    #[arg(long)]
    method_map: Option<PathBuf>,
    /// Upper bounds of the weight bands in grams, comma-separated (default
    /// 500,1000,2000,5000,10000,20000,30000).
    #[arg(long, value_delimiter = ',')]
    weight_bands: Option<Vec<u64>>,
    /// Output folder.
    #[arg(long)]
    out: PathBuf,
}

/// Runs `courier tariffs …`.
pub fn run(c: Command, format: Format) -> Result<ExitCode, CliError> {
    match c {
        Command::Compare(a) => {
            let mut opts = CompareOptions::new(a.parcels, a.tariffs);
            opts.method_map = a.method_map;
            if let Some(b) = a.weight_bands {
                opts.weight_bands = WeightBands::new(b).map_err(CliError)?;
            }
            let summary = compare_into(&opts, &a.out)?;
            render(&summary, format)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Allocate(a) => {
            let opts = AllocateOptions {
                parcels: a.parcels,
                tariffs: a.tariffs,
                constraints: a.constraints,
                method_map: a.method_map,
            };
            let allocation = allocate(&opts)?;
            let summary = write_allocation(&a.out, &allocation)?;
            render_allocation(&summary, format)?;
            match &summary.infeasible {
                None => Ok(ExitCode::SUCCESS),
                Some(i) => {
                    eprintln!(
                        "error: {} (diagnosis in {})",
                        i.message,
                        a.out.join("summary.json").display()
                    );
                    Ok(ExitCode::from(1))
                }
            }
        }
    }
}

fn opt<T: std::fmt::Display>(v: &Option<T>) -> String {
    v.as_ref().map_or("-".into(), |v| v.to_string())
}

fn render_allocation(s: &AllocateSummary, format: Format) -> Result<(), CliError> {
    match format {
        Format::Json => print_json(s),
        Format::Table => {
            let cur = &s.current;
            let rows = vec![
                vec!["optimal".into(), opt(&s.optimal_cost)],
                vec![
                    format!(
                        "current ({}feasible{})",
                        if cur.feasible { "" } else { "not " },
                        if cur.not_carried > 0 {
                            format!(", {} parcels its method cannot carry", cur.not_carried)
                        } else {
                            String::new()
                        }
                    ),
                    cur.cost.to_string(),
                ],
                vec!["saving vs current".into(), opt(&s.saving_vs_current)],
                vec![
                    "lower bound (constraints ignored)".into(),
                    s.lower_bound.to_string(),
                ],
                vec!["above the lower bound".into(), opt(&s.above_lower_bound)],
            ];
            print_table(&["cost", s.currency.as_str()], &rows)?;
            if !s.split.is_empty() {
                // An infeasible file has no allocation: only the current split is shown.
                let solved = s.infeasible.is_none();
                let rows: Vec<Vec<String>> = s
                    .split
                    .iter()
                    .map(|p| {
                        let mut row = vec![
                            p.month.clone(),
                            p.carrier.clone(),
                            p.method.clone(),
                            p.current_parcels.to_string(),
                        ];
                        if solved {
                            row.extend([p.parcels.to_string(), p.cost.to_string()]);
                        }
                        row
                    })
                    .collect();
                let header: &[&str] = if solved {
                    &["month", "carrier", "method", "current", "allocated", "cost"]
                } else {
                    &["month", "carrier", "method", "current"]
                };
                println!();
                print_table(header, &rows)?;
            }
            let rows: Vec<Vec<String>> = s
                .constraints
                .iter()
                .map(|c| {
                    vec![
                        c.id.clone(),
                        c.bound.to_string(),
                        c.level.to_string(),
                        if c.binding { "yes" } else { "no" }.into(),
                        opt(&c.shadow_price),
                    ]
                })
                .chain(s.exclusions.iter().map(|e| {
                    vec![
                        format!("exclude {}", e.id),
                        "-".into(),
                        format!("{} parcels affected", e.parcels_affected),
                        if e.binding { "yes" } else { "no" }.into(),
                        opt(&e.value_of_lifting),
                    ]
                }))
                .collect();
            if !rows.is_empty() {
                println!();
                print_table(
                    &["constraint", "bound", "level", "binding", "shadow price"],
                    &rows,
                )?;
            }
            if let Some(i) = &s.infeasible {
                println!("\n{}", i.message);
                println!(
                    "relaxing one suffices: {}",
                    if i.relaxing_one_suffices.is_empty() {
                        "none (several must be relaxed together)".to_string()
                    } else {
                        i.relaxing_one_suffices.join(", ")
                    }
                );
                if let Some(g) = i.stranded_group {
                    println!("group {g} has no allowed carrier method left (candidates.csv)");
                }
            }
            println!(
                "\n{} parcels in {} groups, {} rows rejected (rejects.csv); {} carried by no candidate ({} groups, {})",
                s.parcels,
                s.groups,
                s.rows_rejected,
                s.carried_by_none,
                s.groups_carried_by_none,
                if s.infeasible.is_none() {
                    "allocation.csv"
                } else {
                    "candidates.csv"
                }
            );
            Ok(())
        }
    }
}

fn render(s: &CompareSummary, format: Format) -> Result<(), CliError> {
    match format {
        Format::Json => print_json(s),
        Format::Table => {
            let rows: Vec<Vec<String>> = s
                .tariffs
                .iter()
                .map(|t| {
                    vec![
                        t.tariff.id.clone(),
                        t.tariff.carrier.clone(),
                        t.priced.to_string(),
                        t.refused.to_string(),
                        format!("{} {}", t.total, s.currency),
                        t.cheapest.to_string(),
                    ]
                })
                .collect();
            print_table(
                &[
                    "tariff",
                    "carrier",
                    "priced",
                    "refused",
                    "total",
                    "cheapest for",
                ],
                &rows,
            )?;
            if !s.differences.is_empty() {
                let rows: Vec<Vec<String>> = s
                    .differences
                    .iter()
                    .map(|d| {
                        let c = &d.components;
                        vec![
                            d.tariff.clone(),
                            d.against.clone(),
                            d.parcels.to_string(),
                            d.difference.to_string(),
                            c.postal_rate.to_string(),
                            c.insurance.to_string(),
                            c.cod_fee.to_string(),
                            c.preparing.to_string(),
                            c.surcharges.to_string(),
                            c.vat.to_string(),
                        ]
                    })
                    .collect();
                println!();
                print_table(
                    &[
                        "tariff",
                        "against",
                        "common parcels",
                        "difference",
                        "postal_rate",
                        "insurance",
                        "cod_fee",
                        "preparing",
                        "surcharges",
                        "vat",
                    ],
                    &rows,
                )?;
            }
            println!(
                "\n{} parcels, {} rows rejected (rejects.csv); {} carried by no tariff, {} tied",
                s.parcels, s.rows_rejected, s.carried_by_none, s.cheapest_tied
            );
            Ok(())
        }
    }
}
