//! Parsing of `courier pack`'s input files: goods (CSV or JSON) and carton catalogues
//! (CSV). The functions take the text already read and the name to show in messages, so
//! they do no I/O and can be fuzzed; every problem names the file, the row and the column.

use crate::packing::Item;
use courier_rules::catalogue::Carton;

/// A problem with an input file; the message names the file, row and field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InputError(pub String);

/// Parses goods from CSV or JSON, chosen by the first non-blank character (`[` or `{`
/// for JSON). `name` prefixes every message. Rows are numbered from 0, the first row
/// after the CSV header (the `line` of every placement).
///
/// ```
/// use courier_engine::inputs::goods_from_text;
/// let items = goods_from_text("length_mm,width_mm,height_mm,weight_g,qty\n300,200,30,500,2\n", "basket.csv").unwrap();
/// assert_eq!((items[0].length_mm, items[0].qty), (300, 2));
/// let err = goods_from_text("length_mm,width_mm,height_mm,weight_g,qty\n300,0,30,500,2\n", "basket.csv").unwrap_err();
/// assert_eq!(err.to_string(), "basket.csv: row 0, column width_mm: must be greater than 0");
/// ```
pub fn goods_from_text(text: &str, name: &str) -> Result<Vec<Item>, InputError> {
    match text.trim_start().chars().next() {
        Some('[') | Some('{') => goods_from_json(text, name),
        Some(_) => goods_from_csv(text, name),
        None => Err(InputError(format!("{name}: empty file, no goods"))),
    }
}

fn goods_from_json(text: &str, name: &str) -> Result<Vec<Item>, InputError> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Doc {
        List(Vec<serde_json::Value>),
        Wrapped { items: Vec<serde_json::Value> },
    }
    let doc: Doc = serde_json::from_str(text)
        .map_err(|e| InputError(format!("{name}: not a goods list: {e}")))?;
    let values = match doc {
        Doc::List(v) | Doc::Wrapped { items: v } => v,
    };
    values
        .into_iter()
        .enumerate()
        .map(|(row, v)| {
            serde_json::from_value::<Item>(v)
                .map_err(|e| InputError(format!("{name}: item {row}: {e}")))
        })
        .collect()
}

const REQUIRED: [&str; 5] = ["length_mm", "width_mm", "height_mm", "weight_g", "qty"];

fn goods_from_csv(text: &str, name: &str) -> Result<Vec<Item>, InputError> {
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| InputError(format!("{name}: header: {e}")))?
        .clone();
    let col = |h: &str| headers.iter().position(|x| x == h);
    let mut idx = [0usize; 5];
    for (i, h) in REQUIRED.iter().enumerate() {
        idx[i] = col(h).ok_or_else(|| {
            InputError(format!(
                "{name}: missing column `{h}` (header must have {})",
                REQUIRED.join(",")
            ))
        })?;
    }
    let upright_col = col("upright");
    let mut items = Vec::new();
    for (row, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| InputError(format!("{name}: row {row}: {e}")))?;
        let field = |c: usize, h: &str, zero_ok: bool| -> Result<u64, InputError> {
            let raw = rec.get(c).unwrap_or("");
            let v: u64 = raw.parse().map_err(|_| {
                InputError(format!(
                    "{name}: row {row}, column {h}: `{raw}` is not a whole non-negative number"
                ))
            })?;
            if v == 0 && !zero_ok {
                return Err(InputError(format!(
                    "{name}: row {row}, column {h}: must be greater than 0"
                )));
            }
            Ok(v)
        };
        let small = |c: usize, h: &str| -> Result<u32, InputError> {
            let v = field(c, h, false)?;
            u32::try_from(v)
                .map_err(|_| InputError(format!("{name}: row {row}, column {h}: {v} is too large")))
        };
        let upright = match upright_col.map(|c| rec.get(c).unwrap_or("").to_ascii_lowercase()) {
            None => false,
            Some(s) => match s.as_str() {
                "" | "false" | "0" | "no" => false,
                "true" | "1" | "yes" => true,
                other => {
                    return Err(InputError(format!(
                        "{name}: row {row}, column upright: `{other}` is not true/false"
                    )))
                }
            },
        };
        items.push(Item {
            length_mm: small(idx[0], REQUIRED[0])?,
            width_mm: small(idx[1], REQUIRED[1])?,
            height_mm: small(idx[2], REQUIRED[2])?,
            weight_g: field(idx[3], REQUIRED[3], true)?,
            qty: small(idx[4], REQUIRED[4])?,
            upright,
        });
    }
    if items.is_empty() {
        return Err(InputError(format!("{name}: no goods rows")));
    }
    Ok(items)
}

/// Parses a carton catalogue CSV (header as in `data/boxes.csv`), validating every
/// record; all problems are reported at once, one per line.
///
/// ```
/// use courier_engine::inputs::cartons_from_csv;
/// let csv = "reference,inner_length_mm,inner_width_mm,inner_height_mm,outer_length_mm,outer_width_mm,outer_height_mm,empty_weight_g,max_weight_g,price\n\
///            S,200,150,100,210,160,110,80,5000,12.50\n";
/// let cartons = cartons_from_csv(csv, "boxes.csv").unwrap();
/// assert_eq!(cartons[0].reference, "S");
/// ```
pub fn cartons_from_csv(text: &str, name: &str) -> Result<Vec<Carton>, InputError> {
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut cartons = Vec::new();
    let mut problems = Vec::new();
    for (row, rec) in rdr.deserialize::<Carton>().enumerate() {
        match rec {
            Ok(c) => {
                problems.extend(c.validate(&format!("{name}: row {row}")));
                cartons.push(c);
            }
            Err(e) => problems.push(format!("{name}: row {row}: {e}")),
        }
    }
    if cartons.is_empty() && problems.is_empty() {
        problems.push(format!("{name}: no cartons"));
    }
    if problems.is_empty() {
        Ok(cartons)
    } else {
        Err(InputError(problems.join("\n")))
    }
}
