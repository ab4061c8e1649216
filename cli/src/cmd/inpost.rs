//! `courier inpost`: the weekend delivery add-on (seed 003) — ordering window,
//! eligibility, refunds, and the search and point filters.
//!
//! JSON shapes are stable for scripts (see `docs/inpost.md`); instants are RFC 3339 UTC.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, Datelike, SecondsFormat, Utc};
use courier_engine::rules::inpost::eligibility::{
    apiv2_error_xml, shipx_error_body, weekend_points,
};
use courier_engine::rules::inpost::refund::{Dispatch, Placement};
use courier_engine::rules::inpost::shipx::{Points, ShipxShipment};
use courier_engine::rules::inpost::{
    check, EndOfWeekCollectionFilter, ParcelHistory, Preset, RefundPolicy, TargetPoint, WeekTime,
    WeekendShipment, Window,
};
use serde::Serialize;
use serde_json::{json, Value};

use crate::output::{print_json, print_table, read_input, shown, CliError, Format};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PresetArg {
    /// Thursday 20:00 to Saturday 13:00, holidays not considered (seed 003).
    Seed,
    /// Thursday 20:00 to Friday 18:00, closed on Polish public holidays.
    Current,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Body {
    /// The ShipX error body `{status, error, message, details}` (JSON; `null` if accepted).
    Shipx,
    /// The apiv2 `createdeliverypacks` XML answer for the pack.
    Apiv2,
}

/// Which window to use.
#[derive(clap::Args, Debug)]
pub struct WindowArgs {
    /// Window preset.
    #[arg(long, value_enum, default_value = "seed", conflicts_with = "config")]
    preset: PresetArg,
    /// A custom window TOML file (fields: name, zone, opens, closes, exclude_public_holidays).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Exclude Polish public holidays from the window (whatever the preset says).
    #[arg(long)]
    holidays: bool,
}

impl WindowArgs {
    fn load(&self) -> Result<Window, CliError> {
        let window = match &self.config {
            Some(path) => Window::from_toml_str(&read_input(path)?)
                .map_err(|e| CliError(format!("{}: {e}", shown(path))))?,
            None => match self.preset {
                PresetArg::Seed => Preset::Seed.window()?,
                PresetArg::Current => Preset::Current.window()?,
            },
        };
        Ok(if self.holidays {
            window.with_public_holidays(true)
        } else {
            window
        })
    }
}

#[derive(clap::Subcommand)]
pub enum Command {
    /// Whether the add-on can be ordered at an instant, and the current or next opening.
    Window {
        /// The instant (RFC 3339, e.g. 2026-11-26T19:00:00Z); default: now.
        #[arg(long, value_parser = instant)]
        at: Option<DateTime<Utc>>,
        #[command(flatten)]
        window: WindowArgs,
    },
    /// The refusals InPost would give a shipment asking for the add-on.
    Check {
        /// Shipment JSON file (`-` for standard input): the project's check input, or a
        /// ShipX shipment body (`service`, `custom_attributes.target_point`,
        /// `end_of_week_collection`, …) with --points.
        file: PathBuf,
        /// Points list for a ShipX body: ShipX's `GET /v1/points` answer (or an array of
        /// pages, or of `{name, type, location_247}`); the target point is looked up here.
        #[arg(long, value_name = "FILE")]
        points: Option<PathBuf>,
        /// When a ShipX body is ordered (RFC 3339; default: now). The project's input
        /// carries its own `ordered_at`.
        #[arg(long, value_parser = instant)]
        at: Option<DateTime<Utc>>,
        #[command(flatten)]
        window: WindowArgs,
        /// Print the carrier's error body instead of the refusal list.
        #[arg(long, value_enum)]
        body: Option<Body>,
        /// Pack id for the apiv2 body.
        #[arg(long, default_value = "1")]
        pack_id: String,
    },
    /// Whether the add-on's fee is owed, refunded or left off the invoice for a parcel.
    Refund {
        /// Parcel history JSON file (`-` for standard input).
        file: PathBuf,
        /// Latest dispatch that counts, in the service week (default: saturday 13:00).
        #[arg(long, value_name = "WEEKDAY HH:MM", conflicts_with = "policy")]
        dispatch_deadline: Option<String>,
        /// A refund policy TOML file (fields: zone, dispatch_deadline).
        #[arg(long, value_name = "FILE")]
        policy: Option<PathBuf>,
    },
    /// Filter a JSON list of shipments by `end_of_week_collection` (absent: keep all).
    Search {
        /// JSON array of shipment objects (`-` for standard input).
        file: PathBuf,
        /// `true` or `false`; leave out to keep every shipment.
        #[arg(long, value_name = "true|false")]
        end_of_week_collection: Option<String>,
    },
    /// Keep the points that take weekend deliveries (24/7 parcel lockers).
    Points {
        /// JSON array of points `{name, type, location_247}` (`-` for standard input).
        file: PathBuf,
    },
}

pub fn run(c: Command, format: Format) -> Result<ExitCode, CliError> {
    match c {
        Command::Window { at, window } => run_window(at.unwrap_or_else(Utc::now), &window, format),
        Command::Check {
            file,
            points,
            at,
            window,
            body,
            pack_id,
        } => run_check(
            &file,
            points.as_deref(),
            at,
            &window,
            body,
            &pack_id,
            format,
        ),
        Command::Refund {
            file,
            dispatch_deadline,
            policy,
        } => run_refund(
            &file,
            dispatch_deadline.as_deref(),
            policy.as_deref(),
            format,
        ),
        Command::Search {
            file,
            end_of_week_collection,
        } => run_search(&file, end_of_week_collection.as_deref(), format),
        Command::Points { file } => run_points(&file, format),
    }?;
    Ok(ExitCode::SUCCESS)
}

/// An `--at` instant: RFC 3339, years 0001–9999 as every date of the workspace
/// (`docs/input.md`); a five-digit or negative year is refused, not written back.
fn instant(text: &str) -> Result<DateTime<Utc>, String> {
    let at = DateTime::parse_from_rfc3339(text.trim())
        .map_err(|e| format!("{text:?} is not an RFC 3339 instant ({e})"))?
        .with_timezone(&Utc);
    if !(1..=9999).contains(&at.year()) {
        return Err(format!("{text:?}: years 0001 to 9999 only"));
    }
    Ok(at)
}

fn utc(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn local(window: &Window, at: DateTime<Utc>) -> String {
    at.with_timezone(&window.zone())
        .format("%a %Y-%m-%d %H:%M %Z")
        .to_string()
}

#[derive(Serialize)]
struct WindowOut {
    inside: bool,
    opens_at: Option<String>,
    closes_at: Option<String>,
    window: String,
    zone: String,
}

fn run_window(at: DateTime<Utc>, args: &WindowArgs, format: Format) -> Result<(), CliError> {
    let window = args.load()?;
    let inside = window.is_open(at);
    let opening = window.schedule(at);
    if opening.is_some_and(|o| o.closes_at.year() > 9999) {
        return Err(CliError(format!(
            "the window's next opening after {} ends past the year 9999",
            utc(at)
        )));
    }
    let out = WindowOut {
        inside,
        opens_at: opening.map(|o| utc(o.opens_at)),
        closes_at: opening.map(|o| utc(o.closes_at)),
        window: format!(
            "{} to {}{}",
            window.opens(),
            window.closes(),
            if window.excludes_public_holidays() {
                ", not on public holidays"
            } else {
                ""
            }
        ),
        zone: window.zone().name().to_string(),
    };
    match format {
        Format::Json => print_json(&out),
        Format::Table => {
            let (from, to) = match opening {
                Some(o) => (
                    format!("{} ({})", utc(o.opens_at), local(&window, o.opens_at)),
                    format!("{} ({})", utc(o.closes_at), local(&window, o.closes_at)),
                ),
                None => ("none within two years".into(), "-".into()),
            };
            print_table(
                &["at", "inside", "available from", "to"],
                &[vec![utc(at), inside.to_string(), from, to]],
            )
        }
    }
}

fn parse_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, CliError> {
    let text = read_input(path)?;
    crate::output::parse_json(&text, path)
}

#[derive(Serialize)]
struct RefusalOut {
    shipx: &'static str,
    apiv2: Option<&'static str>,
    message: &'static str,
}

#[derive(Serialize)]
struct CheckOut {
    refusals: Vec<RefusalOut>,
}

/// The shipment to check: the project's input, or the seed's ShipX body joined with the
/// points list (`courier_engine::rules::inpost::shipx`).
fn read_shipment(
    path: &Path,
    points: Option<&Path>,
    at: Option<DateTime<Utc>>,
) -> Result<WeekendShipment, CliError> {
    let text = read_input(path)?;
    let value: Value =
        serde_json::from_str(&text).map_err(|e| CliError(format!("{}: {e}", shown(path))))?;
    // A ShipX body names its point in `custom_attributes`; with --points, a body without
    // our `target_point` object is read as ShipX too (its point is then missing).
    let shipx = ShipxShipment::is_shipx_shape(&value)
        || (points.is_some() && !value.get("target_point").is_some_and(Value::is_object));
    // Parsed again from the text, not from the value: an error then names the field's
    // path and the line (`target_point.type: unknown variant …`).
    if !shipx {
        return crate::output::parse_json(&text, path);
    }
    let body: ShipxShipment = crate::output::parse_json(&text, path)?;
    let points_path = points.ok_or_else(|| {
        CliError(format!(
            "{}: a ShipX shipment names its target point only: give --points FILE (ShipX points list)",
            shown(path)
        ))
    })?;
    let points = Points::from_json(&read_input(points_path)?)
        .map_err(|e| CliError(format!("{}: {e}", shown(points_path))))?;
    body.to_shipment(&points, at.unwrap_or_else(Utc::now))
        .map_err(|e| CliError(format!("{}: {e}", shown(path))))
}

fn run_check(
    path: &Path,
    points: Option<&Path>,
    at: Option<DateTime<Utc>>,
    args: &WindowArgs,
    body: Option<Body>,
    pack_id: &str,
    format: Format,
) -> Result<(), CliError> {
    let window = args.load()?;
    let shipment = read_shipment(path, points, at)?;
    let refusals = check(&window, &shipment);
    match body {
        Some(Body::Shipx) => return print_json(&shipx_error_body(refusals)),
        Some(Body::Apiv2) => {
            print!("{}", apiv2_error_xml(pack_id, refusals));
            return Ok(());
        }
        None => {}
    }
    let list: Vec<RefusalOut> = refusals
        .iter()
        .map(|r| RefusalOut {
            shipx: r.shipx_key(),
            apiv2: r.apiv2_key(),
            message: r.message_pl(),
        })
        .collect();
    match format {
        Format::Json => print_json(&CheckOut { refusals: list }),
        Format::Table => {
            if refusals.is_empty() {
                println!("accepted: no refusal");
                return Ok(());
            }
            let rows: Vec<Vec<String>> = refusals
                .iter()
                .map(|r| {
                    vec![
                        r.shipx_key().to_string(),
                        r.apiv2_key().unwrap_or("-").to_string(),
                        r.message_pl().to_string(),
                    ]
                })
                .collect();
            print_table(&["shipx", "apiv2", "message"], &rows)
        }
    }
}

#[derive(Serialize)]
struct RefundOut {
    fee_owed: bool,
    reason: String,
    outcome: &'static str,
    client_type: courier_engine::rules::inpost::ClientType,
    service_week: String,
    dispatch_deadline: String,
    dispatched_in_time: bool,
    placed_at_weekend: bool,
}

fn run_refund(
    path: &Path,
    deadline: Option<&str>,
    policy_file: Option<&Path>,
    format: Format,
) -> Result<(), CliError> {
    let mut policy = match policy_file {
        Some(p) => RefundPolicy::from_toml_str(&read_input(p)?)
            .map_err(|e| CliError(format!("{}: {e}", shown(p))))?,
        None => RefundPolicy::default(),
    };
    if let Some(text) = deadline {
        policy.dispatch_deadline =
            WeekTime::parse(text).map_err(|e| CliError(format!("--dispatch-deadline: {e}")))?;
    }
    let history: ParcelHistory = parse_json(path)?;
    let d = policy
        .try_decide(&history)
        .map_err(|e| CliError(format!("{}: {e}", shown(path))))?;
    let out = RefundOut {
        fee_owed: d.fee_owed,
        reason: d.reason(),
        outcome: d.outcome.code(),
        client_type: d.client_type,
        service_week: d.service_week().to_string(),
        dispatch_deadline: utc(d.dispatch_deadline()),
        dispatched_in_time: matches!(d.dispatch, Dispatch::InTime { .. }),
        placed_at_weekend: matches!(
            d.placement,
            Placement::Saturday { .. } | Placement::Sunday { .. }
        ),
    };
    match format {
        Format::Json => print_json(&out),
        Format::Table => print_table(
            &["fee owed", "outcome", "reason"],
            &[vec![
                out.fee_owed.to_string(),
                out.outcome.to_string(),
                out.reason,
            ]],
        ),
    }
}

fn run_search(path: &Path, flag: Option<&str>, format: Format) -> Result<(), CliError> {
    let filter = match flag {
        None => EndOfWeekCollectionFilter::Any,
        // The flag as typed, not the query parameter's underscores (issue 16).
        Some(v) => EndOfWeekCollectionFilter::parse(v).map_err(|_| {
            CliError(format!(
                "--end-of-week-collection: expected `true` or `false`, got `{v}`"
            ))
        })?,
    };
    let items: Vec<Value> = parse_json(path)?;
    let mut flags = Vec::with_capacity(items.len());
    for (row, item) in items.iter().enumerate() {
        let Value::Object(obj) = item else {
            return Err(CliError(format!(
                "{}: row {row}: a shipment must be a JSON object",
                shown(path)
            )));
        };
        let flag = match obj.get("end_of_week_collection") {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(other) => {
                return Err(CliError(format!(
                    "{}: row {row}, field `end_of_week_collection`: expected true or false, got {other}",
                    shown(path)
                )))
            }
        };
        flags.push(flag);
    }
    let kept: Vec<&Value> = items
        .iter()
        .zip(&flags)
        .filter(|(_, f)| filter.matches(*f))
        .map(|(item, _)| item)
        .collect();
    match format {
        Format::Json => print_json(&json!({"count": kept.len(), "shipments": kept})),
        Format::Table => {
            let rows: Vec<Vec<String>> = kept
                .iter()
                .map(|s| {
                    let field = |k: &str| s.get(k).map_or("-".to_string(), |v| v.to_string());
                    vec![
                        field("id"),
                        field("service"),
                        field("end_of_week_collection"),
                    ]
                })
                .collect();
            print_table(&["id", "service", "end_of_week_collection"], &rows)
        }
    }
}

/// The points: the project's list (`[{name, type, location_247}]`, in its order) or, as
/// `inpost check --points` takes it, ShipX's `GET /v1/points` answer (by name).
fn run_points(path: &Path, format: Format) -> Result<(), CliError> {
    let text = read_input(path)?;
    let points: Vec<TargetPoint> = match crate::output::parse_json(&text, path) {
        Ok(points) => points,
        Err(ours) => match Points::from_json(&text) {
            Ok(shipx) => shipx.iter().cloned().collect(),
            Err(e) => {
                return Err(CliError(format!(
                    "{ours}; read as a ShipX points list: {}: {e}",
                    shown(path)
                )))
            }
        },
    };
    let kept: Vec<&TargetPoint> = weekend_points(&points).collect();
    match format {
        Format::Json => print_json(&json!({"count": kept.len(), "points": kept})),
        Format::Table => {
            let rows: Vec<Vec<String>> = kept
                .iter()
                .map(|p| {
                    vec![
                        p.name.clone(),
                        "parcel_locker".into(),
                        p.location_247.to_string(),
                    ]
                })
                .collect();
            print_table(&["name", "type", "location_247"], &rows)
        }
    }
}
