//! Loading the parcels the details service serves, from CSV or JSON, validated row by
//! row with the rules crate ([`ParcelDetails::validate`]).
//!
//! CSV: a header row with `parcel_id`, `barcode`, `locker_index`, `recipient_address`,
//! `phone`, `cost`, `cell_size` (all but `parcel_id` may be empty). JSON: an array of
//! objects with the same fields. A reject names the line (CSV) or the element (JSON,
//! 1-based), the field and the rule's code.

use chrono::{DateTime, Utc};
use courier_rules::tastamat::{CellSize, ParcelDetails};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::store::NewParcel;

/// One row that was not loaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reject {
    /// The CSV line, or the JSON array element (1-based).
    pub line: u64,
    pub field: String,
    pub code: String,
    pub message: String,
}

/// The rows read from a file.
#[derive(Debug, Default)]
pub struct Parsed {
    pub parcels: Vec<NewParcel>,
    pub rejects: Vec<Reject>,
}

/// The `field` of a reject that is about the whole file (not JSON, a CSV header that
/// cannot be read): no row of it was read.
const WHOLE_FILE: [&str; 2] = ["(file)", "(header)"];

impl Parsed {
    /// Why no row of the file could be read at all, if that is so: bad input as a
    /// whole, not a load with rejects.
    pub fn unreadable(&self) -> Option<&Reject> {
        self.rejects
            .iter()
            .find(|r| WHOLE_FILE.contains(&r.field.as_str()))
    }
}

/// A cost as written: text keeps its exact digits (CSV always, JSON strings); a JSON
/// number is read as written by serde_json (give money as a string to keep `1500.00`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Amount {
    Text(String),
    Number(serde_json::Number),
}

/// A row as read. No `Debug`: it holds the phone and the address unmasked.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Row {
    parcel_id: Option<String>,
    #[serde(default)]
    barcode: Option<String>,
    #[serde(default)]
    locker_index: Option<String>,
    #[serde(default)]
    recipient_address: Option<String>,
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    cost: Option<Amount>,
    #[serde(default)]
    cell_size: Option<String>,
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// A reject; its message is masked ([`crate::logging::mask_line`]) because the parser's
/// own text quotes the value it refused, and a refused value may be a phone or an
/// e-mail (`invalid type: integer 77011234567, expected a string`).
fn reject(line: u64, field: &str, code: &str, message: impl Into<String>) -> Reject {
    Reject {
        line,
        field: field.into(),
        code: code.into(),
        message: crate::logging::mask_line(&courier_rules::mask::without_refused_value(
            &message.into(),
        )),
    }
}

impl Row {
    fn into_parcel(self, line: u64, at: DateTime<Utc>) -> Result<NewParcel, Vec<Reject>> {
        let mut rejects = Vec::new();
        let text = match self.cost {
            None => None,
            Some(Amount::Text(s)) => non_empty(Some(s)),
            Some(Amount::Number(n)) => Some(n.to_string()),
        };
        let cost = match text {
            None => None,
            Some(t) => match t.parse::<Decimal>() {
                Ok(d) => Some(d),
                Err(_) => {
                    rejects.push(reject(
                        line,
                        "cost",
                        "cost_format",
                        "a decimal amount in tenge",
                    ));
                    None
                }
            },
        };
        let cell_size = match non_empty(self.cell_size).as_deref() {
            None => None,
            Some("S") => Some(CellSize::S),
            Some("M") => Some(CellSize::M),
            Some("L") => Some(CellSize::L),
            Some(_) => {
                rejects.push(reject(line, "cell_size", "cell_size", "one of S, M, L"));
                None
            }
        };
        let details = ParcelDetails {
            parcel_id: non_empty(self.parcel_id),
            locker_index: non_empty(self.locker_index),
            recipient_address: non_empty(self.recipient_address),
            phone: non_empty(self.phone),
            cost,
            cell_size,
        };
        // A field refused above is absent from the details: the rule would call it
        // missing as well, a second reject for the same value.
        let refused: Vec<String> = rejects.iter().map(|r| r.field.clone()).collect();
        rejects.extend(
            details
                .validate()
                .into_iter()
                .filter(|e| !refused.contains(&e.field))
                .map(|e| reject(line, &e.field, e.code, e.message)),
        );
        if !rejects.is_empty() {
            return Err(rejects);
        }
        let parcel_id = details.parcel_id.clone().unwrap_or_default();
        Ok(NewParcel {
            initial_state: crate::tastamat::initial_state(&parcel_id, at),
            details: serde_json::to_string(&details).expect("details serialise"),
            parcel_id,
            barcode: non_empty(self.barcode),
        })
    }
}

fn push(out: &mut Parsed, row: Row, line: u64, at: DateTime<Utc>) {
    match row.into_parcel(line, at) {
        Ok(p) => {
            if out.parcels.iter().any(|q| q.parcel_id == p.parcel_id) {
                out.rejects.push(reject(
                    line,
                    "parcel_id",
                    "duplicate",
                    "the file lists this parcel twice",
                ));
            } else {
                out.parcels.push(p);
            }
        }
        Err(r) => out.rejects.extend(r),
    }
}

/// Reads CSV text; `at` is the registration instant of new parcels.
pub fn parse_csv(text: &str, at: DateTime<Utc>) -> Parsed {
    let mut out = Parsed::default();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            out.rejects
                .push(reject(1, WHOLE_FILE[1], "csv", e.to_string()));
            return out;
        }
    };
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                out.rejects
                    .push(reject(line, "(row)", "csv", e.to_string()));
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        // Every CSV field is text (so `1500.00` keeps its digits); empty means absent.
        let object: serde_json::Map<String, serde_json::Value> = headers
            .iter()
            .zip(record.iter())
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.to_string())))
            .collect();
        match serde_json::from_value::<Row>(serde_json::Value::Object(object)) {
            Ok(row) => push(&mut out, row, line, at),
            Err(e) => out
                .rejects
                .push(reject(line, "(row)", "csv", e.to_string())),
        }
    }
    out
}

/// Reads a JSON array of parcels; element N (1-based) is "line" N of a reject.
pub fn parse_json(text: &str, at: DateTime<Utc>) -> Parsed {
    let mut out = Parsed::default();
    let values: Vec<serde_json::Value> = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let line = e.line() as u64;
            out.rejects.push(reject(
                line,
                WHOLE_FILE[0],
                "json",
                format!("not a JSON array of parcels: {e}"),
            ));
            return out;
        }
    };
    for (i, v) in values.into_iter().enumerate() {
        let n = i as u64 + 1;
        match serde_json::from_value::<Row>(v) {
            Ok(row) => push(&mut out, row, n, at),
            Err(e) => out
                .rejects
                .push(reject(n, "(record)", "json", e.to_string())),
        }
    }
    out
}

/// Reads `text` as JSON when it starts with `[`, as CSV otherwise.
pub fn parse(text: &str, at: DateTime<Utc>) -> Parsed {
    if text.trim_start().starts_with('[') {
        parse_json(text, at)
    } else {
        parse_csv(text, at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-01T08:00:00Z")
            .unwrap()
            .to_utc()
    }

    #[test]
    fn csv_rows_are_validated_one_by_one_with_their_line() {
        let text = "parcel_id,barcode,locker_index,recipient_address,phone,cost,cell_size\n\
                    P1,B1,050000,,+77011234567,1500.00,M\n\
                    P2,,05000,,+77011234567,1500.005,X\n\
                    P3,,,,+77011234567,0,\n";
        let parsed = parse(text, at());
        assert_eq!(parsed.parcels.len(), 1);
        assert_eq!(parsed.parcels[0].barcode.as_deref(), Some("B1"));
        let codes: Vec<(u64, &str, &str)> = parsed
            .rejects
            .iter()
            .map(|r| (r.line, r.field.as_str(), r.code.as_str()))
            .collect();
        assert_eq!(
            codes,
            [
                (3, "cell_size", "cell_size"),
                (3, "locker_index", "index_format"),
                (3, "cost", "precision"),
                (4, "locker_index", "required"),
            ]
        );
    }

    #[test]
    fn json_elements_are_numbered_and_duplicates_refused() {
        let text = r#"[{"parcel_id":"P1","recipient_address":"Almaty, Abay 1","phone":"87011234567","cost":0},
                       {"parcel_id":"P1","locker_index":"050000","phone":"87011234567","cost":"10"},
                       {"parcel_id":"P9","phone":"+79261234567","cost":"10","locker_index":"050000"}]"#;
        let parsed = parse(text, at());
        assert_eq!(parsed.parcels.len(), 1);
        assert_eq!(parsed.rejects[0].line, 2);
        assert_eq!(parsed.rejects[0].code, "duplicate");
        assert_eq!(
            (parsed.rejects[1].line, parsed.rejects[1].code.as_str()),
            (3, "phone_format")
        );
        assert!(
            !parsed.rejects[1].message.contains("1234"),
            "the phone is masked"
        );
    }

    /// A cost that is there but not a number is one reject, not also "cost required".
    #[test]
    fn a_bad_cost_is_rejected_once() {
        for cost in ["NaN", "99999999999999999999999999999"] {
            let text =
                format!("parcel_id,locker_index,phone,cost\nP1,050000,+77011234567,{cost}\n");
            let parsed = parse(&text, at());
            let codes: Vec<(&str, &str)> = parsed
                .rejects
                .iter()
                .map(|r| (r.field.as_str(), r.code.as_str()))
                .collect();
            assert_eq!(codes, [("cost", "cost_format")], "{cost}");
        }
    }

    /// The parser's own message quotes the value it refused: a phone written as a
    /// number, an e-mail where a number belongs, in JSON and in CSV.
    #[test]
    fn a_value_quoted_by_the_parser_is_masked() {
        let json = r#"[{"parcel_id":"P1","phone":77011234567,"cost":"10","locker_index":"050000"},
                       {"parcel_id":"P2","phone":"+77011234567","cost":"anna@example.com","locker_index":"050000"}]"#;
        let csv =
            "parcel_id,phone,cost,locker_index,extra\nP3,+77011234567,10,050000,anna@example.com\n";
        for text in [json, csv] {
            let parsed = parse(text, at());
            assert!(!parsed.rejects.is_empty(), "{text}");
            for r in &parsed.rejects {
                assert!(!r.message.contains("1234567"), "{}", r.message);
                assert!(!r.message.contains("anna@"), "{}", r.message);
            }
        }
    }
}
