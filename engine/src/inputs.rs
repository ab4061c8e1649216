//! Parsing of `courier pack`'s input files: goods (CSV or JSON) and carton catalogues
//! (CSV). The functions take the text already read and the name to show in messages, so
//! they do no I/O and can be fuzzed; every problem names the file, the line and the
//! column.
//!
//! Lines are the lines a text editor shows: the CSV header is line 1, the first data
//! row line 2 (issue 14: messages used to count data rows from 0). A JSON item is named
//! by its index in the list (`item 0`) and serde_json adds the line and column.

use crate::packing::Item;
use courier_rules::catalogue::{Carton, CartonRecord};

/// A problem with an input file; the message names the file, the line and the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// Nothing but white space.
    #[error("{file}: empty file, no goods")]
    Empty {
        /// The file as messages name it.
        file: String,
    },
    /// JSON goods that do not read: syntax, an unknown or repeated key, a wrong type
    /// (the message names the item and key, serde_json the line and column).
    #[error("{file}: {message}")]
    Json {
        /// The file as messages name it.
        file: String,
        /// serde_json's message.
        message: String,
    },
    /// The CSV header does not read.
    #[error("{file}: header: {message}")]
    Header {
        /// The file as messages name it.
        file: String,
        /// The CSV reader's message.
        message: String,
    },
    /// A column named twice in the header (the reader would silently take the first).
    #[error("{file}: header: column `{column}` appears twice (columns {first} and {second})")]
    DuplicateColumn {
        /// The file as messages name it.
        file: String,
        /// The repeated header.
        column: String,
        /// 1-based position of the first copy.
        first: usize,
        /// 1-based position of the second copy.
        second: usize,
    },
    /// A required goods column is missing.
    #[error("{file}: missing column `{column}` (header must have length_mm,width_mm,height_mm,weight_g,qty)")]
    MissingColumn {
        /// The file as messages name it.
        file: String,
        /// The missing header.
        column: &'static str,
    },
    /// A CSV record that does not read (a wrong number of fields, bad quoting).
    #[error("{file}: line {line}: {message}")]
    Record {
        /// The file as messages name it.
        file: String,
        /// The line the record starts on (header = line 1).
        line: u64,
        /// The CSV reader's message.
        message: String,
    },
    /// A field that is not a valid value for its column.
    #[error("{file}: line {line}, column {column}: {problem}")]
    Value {
        /// The file as messages name it.
        file: String,
        /// The line of the record (header = line 1).
        line: u64,
        /// The column's header.
        column: &'static str,
        /// What is wrong.
        problem: String,
    },
    /// A header and no goods.
    #[error("{file}: no goods rows")]
    NoRows {
        /// The file as messages name it.
        file: String,
    },
    /// Every problem of a carton catalogue, one a line, each naming the file, the line
    /// and the column.
    #[error("{}", problems.join("\n"))]
    Catalogue {
        /// The problems, in file order.
        problems: Vec<String>,
    },
}

impl InputError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            InputError::Empty { .. } => "empty_file",
            InputError::Json { .. } => "json",
            InputError::Header { .. } => "csv_header",
            InputError::DuplicateColumn { .. } => "duplicate_column",
            InputError::MissingColumn { .. } => "missing_column",
            InputError::Record { .. } => "csv_record",
            InputError::Value { .. } => "bad_value",
            InputError::NoRows { .. } => "no_rows",
            InputError::Catalogue { .. } => "bad_catalogue",
        }
    }
}

/// The line a record starts on, as an editor shows it (header = line 1), from the byte
/// offset the CSV reader gives (its own line count skips blank lines). Counts forward
/// from the previous record, so a whole file costs one pass.
struct LineCounter<'a> {
    text: &'a [u8],
    byte: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            text: text.as_bytes(),
            byte: 0,
            line: 1,
        }
    }

    /// The line of a record at `position`; `row` (0-based data row) when there is none.
    fn line(&mut self, position: Option<&csv::Position>, row: usize) -> u64 {
        let Some(p) = position else {
            return row as u64 + 2;
        };
        let mut at = usize::try_from(p.byte())
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        // The reader's position is where it started reading, before the blank lines it
        // skips; a record itself never starts with a line break.
        while matches!(self.text.get(at), Some(b'\n' | b'\r')) {
            at += 1;
        }
        if at < self.byte {
            self.byte = 0;
            self.line = 1;
        }
        self.line += self.text[self.byte..at]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        self.byte = at;
        self.line
    }
}

/// Parses goods from CSV or JSON, chosen by the first non-blank character (`[` or `{`
/// for JSON), after a UTF-8 byte-order mark if there is one. `name` prefixes every
/// message. Messages name the line an editor shows (the CSV header is line 1); the
/// items are returned in file order, and their 0-based index is the `line` of every
/// placement the packing answers.
///
/// In JSON an unknown key (`uprigth`), a repeated key or a value of the wrong type is an
/// error naming the item, the key and the line; in CSV a repeated column is.
///
/// ```
/// use courier_engine::inputs::goods_from_text;
/// let items = goods_from_text("length_mm,width_mm,height_mm,weight_g,qty\n300,200,30,500,2\n", "basket.csv").unwrap();
/// assert_eq!((items[0].length_mm(), items[0].qty()), (300, 2));
/// let err = goods_from_text("length_mm,width_mm,height_mm,weight_g,qty\n300,0,30,500,2\n", "basket.csv").unwrap_err();
/// assert_eq!(err.to_string(), "basket.csv: line 2, column width_mm: must be greater than 0");
/// assert_eq!(err.code(), "bad_value");
/// let err = goods_from_text(r#"[{"length_mm": 1, "width_mm": 1, "height_mm": 1, "weight_g": 1, "qty": 1, "uprigth": true}]"#, "b.json").unwrap_err();
/// assert!(err.to_string().starts_with("b.json: item 0: unknown key `uprigth`"), "{err}");
/// ```
pub fn goods_from_text(text: &str, name: &str) -> Result<Vec<Item>, InputError> {
    let text = courier_rules::encoding::strip_bom(text);
    match text.trim_start().chars().next() {
        Some('[') | Some('{') => goods_from_json(text, name),
        Some(_) => goods_from_csv(text, name),
        None => Err(InputError::Empty {
            file: name.to_string(),
        }),
    }
}

fn goods_from_json(text: &str, name: &str) -> Result<Vec<Item>, InputError> {
    let GoodsDoc(items) = serde_json::from_str(text).map_err(|e| InputError::Json {
        file: name.to_string(),
        message: e.to_string(),
    })?;
    Ok(items)
}

/// A JSON goods file: a list of items, or `{"items": [...]}`. Read by hand rather than
/// derived, so that every problem names the item and the key: serde's derive through
/// `serde_json::Value` let the last of two equal keys win and ignored unknown keys.
struct GoodsDoc(Vec<Item>);

/// The keys of a JSON goods item.
const ITEM_KEYS: [&str; 6] = [
    "length_mm",
    "width_mm",
    "height_mm",
    "weight_g",
    "qty",
    "upright",
];

impl<'de> serde::Deserialize<'de> for GoodsDoc {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Doc;
        impl<'de> serde::de::Visitor<'de> for Doc {
            type Value = GoodsDoc;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a goods list: [{...}, ...] or {\"items\": [{...}, ...]}")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<GoodsDoc, A::Error> {
                Items.visit_seq(seq).map(GoodsDoc)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<GoodsDoc, A::Error> {
                use serde::de::Error;
                let mut items = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key != "items" {
                        return Err(A::Error::custom(format!(
                            "unknown key `{key}` (a goods object has only `items`)"
                        )));
                    }
                    if items.is_some() {
                        return Err(A::Error::custom("duplicate key `items`"));
                    }
                    items = Some(map.next_value_seed(Items)?);
                }
                items
                    .map(GoodsDoc)
                    .ok_or_else(|| A::Error::custom("missing key `items`"))
            }
        }
        d.deserialize_any(Doc)
    }
}

/// The list of items, each read with its index.
#[derive(Clone, Copy)]
struct Items;

impl<'de> serde::de::DeserializeSeed<'de> for Items {
    type Value = Vec<Item>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Vec<Item>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Items {
    type Value = Vec<Item>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of goods items")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Item>, A::Error> {
        let mut out = Vec::new();
        while let Some(item) = seq.next_element_seed(ItemAt(out.len()))? {
            out.push(item);
        }
        Ok(out)
    }
}

/// Item number `.0` of the list.
struct ItemAt(usize);

impl<'de> serde::de::DeserializeSeed<'de> for ItemAt {
    type Value = Item;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Item, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for ItemAt {
    type Value = Item;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(
            f,
            "item {}: an object with {}",
            self.0,
            ITEM_KEYS.join(", ")
        )
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Item, A::Error> {
        use serde::de::Error;
        let row = self.0;
        let mut values: [Option<serde_json::Value>; 6] = Default::default();
        while let Some(key) = map.next_key::<String>()? {
            let Some(k) = ITEM_KEYS.iter().position(|x| *x == key) else {
                return Err(A::Error::custom(format!(
                    "item {row}: unknown key `{key}` (expected {})",
                    ITEM_KEYS.join(", ")
                )));
            };
            if values[k].is_some() {
                return Err(A::Error::custom(format!(
                    "item {row}: duplicate key `{key}`"
                )));
            }
            values[k] = Some(map.next_value()?);
        }
        let number = |k: usize| -> Result<u64, A::Error> {
            let key = ITEM_KEYS[k];
            match &values[k] {
                None => Err(A::Error::custom(format!("item {row}: missing key `{key}`"))),
                Some(v) => v.as_u64().ok_or_else(|| {
                    A::Error::custom(format!(
                        "item {row}, key {key}: expected a whole non-negative number, got {v}"
                    ))
                }),
            }
        };
        let small = |k: usize| -> Result<u32, A::Error> {
            let v = number(k)?;
            u32::try_from(v).map_err(|_| {
                A::Error::custom(format!(
                    "item {row}, key {}: {v} is too large",
                    ITEM_KEYS[k]
                ))
            })
        };
        let upright = match &values[5] {
            None => false,
            Some(serde_json::Value::Bool(b)) => *b,
            Some(v) => {
                return Err(A::Error::custom(format!(
                    "item {row}, key upright: expected true or false, got {v}"
                )))
            }
        };
        Ok(Item::new(small(0)?, small(1)?, small(2)?, number(3)?, small(4)?).with_upright(upright))
    }
}

/// A CSV reader over `text` (fields trimmed) and its header, which must read and name
/// no column twice.
fn csv_with_headers<'t>(
    text: &'t str,
    name: &str,
) -> Result<(csv::Reader<&'t [u8]>, csv::StringRecord), InputError> {
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| InputError::Header {
            file: name.to_string(),
            message: e.to_string(),
        })?
        .clone();
    no_duplicate_columns(&headers, name)?;
    Ok((rdr, headers))
}

/// `{name}: header: column `x` appears twice` when a CSV header repeats a column: the
/// reader would take the first copy and silently drop the other.
fn no_duplicate_columns(headers: &csv::StringRecord, name: &str) -> Result<(), InputError> {
    for (i, h) in headers.iter().enumerate() {
        if let Some(j) = headers.iter().skip(i + 1).position(|x| x == h) {
            return Err(InputError::DuplicateColumn {
                file: name.to_string(),
                column: h.to_string(),
                first: i + 1,
                second: i + j + 2,
            });
        }
    }
    Ok(())
}

const REQUIRED: [&str; 5] = ["length_mm", "width_mm", "height_mm", "weight_g", "qty"];

fn goods_from_csv(text: &str, name: &str) -> Result<Vec<Item>, InputError> {
    let (mut rdr, headers) = csv_with_headers(text, name)?;
    let col = |h: &str| headers.iter().position(|x| x == h);
    let mut idx = [0usize; 5];
    for (i, h) in REQUIRED.iter().enumerate() {
        idx[i] = col(h).ok_or_else(|| InputError::MissingColumn {
            file: name.to_string(),
            column: h,
        })?;
    }
    let upright_col = col("upright");
    let mut lines = LineCounter::new(text);
    let mut items = Vec::new();
    for (row, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| InputError::Record {
            file: name.to_string(),
            line: lines.line(e.position(), row),
            message: e.to_string(),
        })?;
        let line = lines.line(rec.position(), row);
        let bad = |column: &'static str, problem: String| InputError::Value {
            file: name.to_string(),
            line,
            column,
            problem,
        };
        let field = |c: usize, h: &'static str, zero_ok: bool| -> Result<u64, InputError> {
            let raw = rec.get(c).unwrap_or("");
            let v: u64 = raw
                .parse()
                .map_err(|_| bad(h, format!("`{raw}` is not a whole non-negative number")))?;
            if v == 0 && !zero_ok {
                return Err(bad(h, "must be greater than 0".into()));
            }
            Ok(v)
        };
        let small = |c: usize, h: &'static str| -> Result<u32, InputError> {
            let v = field(c, h, false)?;
            u32::try_from(v).map_err(|_| bad(h, format!("{v} is too large")))
        };
        let upright = match upright_col.map(|c| rec.get(c).unwrap_or("").to_ascii_lowercase()) {
            None => false,
            Some(s) => match s.as_str() {
                "" | "false" | "0" | "no" => false,
                "true" | "1" | "yes" => true,
                other => return Err(bad("upright", format!("`{other}` is not true/false"))),
            },
        };
        // Arguments are evaluated in order: the first bad column is the one named.
        let item = Item::new(
            small(idx[0], REQUIRED[0])?,
            small(idx[1], REQUIRED[1])?,
            small(idx[2], REQUIRED[2])?,
            field(idx[3], REQUIRED[3], true)?,
            small(idx[4], REQUIRED[4])?,
        );
        items.push(item.with_upright(upright));
    }
    if items.is_empty() {
        return Err(InputError::NoRows {
            file: name.to_string(),
        });
    }
    Ok(items)
}

/// Parses a carton catalogue CSV (header as in `data/boxes.csv`), validating every
/// record; all problems are reported at once, one per line. A repeated column or
/// carton reference is an error; a leading UTF-8 byte-order mark is ignored.
///
/// ```
/// use courier_engine::inputs::cartons_from_csv;
/// let csv = "reference,inner_length_mm,inner_width_mm,inner_height_mm,outer_length_mm,outer_width_mm,outer_height_mm,empty_weight_g,max_weight_g,price\n\
///            S,200,150,100,210,160,110,80,5000,12.50\n";
/// let cartons = cartons_from_csv(csv, "boxes.csv").unwrap();
/// assert_eq!(cartons[0].reference(), "S");
/// ```
pub fn cartons_from_csv(text: &str, name: &str) -> Result<Vec<Carton>, InputError> {
    let text = courier_rules::encoding::strip_bom(text);
    let (mut rdr, headers) = csv_with_headers(text, name)?;
    // Rows as written: every problem of every row is found before any carton is built.
    let mut records: Vec<CartonRecord> = Vec::new();
    let mut counter = LineCounter::new(text);
    // The line of each carton, for a repeated reference.
    let mut lines: Vec<u64> = Vec::new();
    let mut problems = Vec::new();
    for (row, rec) in rdr.records().enumerate() {
        let (line, parsed) = match rec {
            Ok(rec) => (
                counter.line(rec.position(), row),
                rec.deserialize::<CartonRecord>(Some(&headers)),
            ),
            Err(e) => (counter.line(e.position(), row), Err(e)),
        };
        match parsed {
            Ok(c) => {
                problems.extend(c.validate(&format!("{name}: line {line}")));
                // The answer names the carton by reference: two cartons with one name
                // would make it ambiguous.
                if let Some(first) = records.iter().position(|x| x.reference == c.reference) {
                    problems.push(format!(
                        "{name}: line {line}, column reference: `{}` repeats line {}",
                        c.reference, lines[first]
                    ));
                }
                records.push(c);
                lines.push(line);
            }
            Err(e) => problems.push(csv_problem(&e, &headers, name, line)),
        }
    }
    if records.is_empty() && problems.is_empty() {
        problems.push(format!("{name}: no cartons"));
    }
    if !problems.is_empty() {
        return Err(InputError::Catalogue { problems });
    }
    records
        .into_iter()
        .zip(lines)
        .map(|(c, line)| Carton::try_from(c).map_err(|e| format!("{name}: line {line}: {e}")))
        .collect::<Result<_, _>>()
        .map_err(|p| InputError::Catalogue { problems: vec![p] })
}

/// A CSV record error naming the column by its header (`column price: invalid float
/// literal`), not by its index ("field 9").
fn csv_problem(e: &csv::Error, headers: &csv::StringRecord, name: &str, line: u64) -> String {
    if let csv::ErrorKind::Deserialize { err, .. } = e.kind() {
        if let Some(column) = err.field().and_then(|i| headers.get(i as usize)) {
            return format!("{name}: line {line}, column {column}: {}", err.kind());
        }
    }
    format!("{name}: line {line}: {e}")
}
