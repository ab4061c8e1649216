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
/// for JSON), after a UTF-8 byte-order mark if there is one. `name` prefixes every
/// message. Rows are numbered from 0, the first row after the CSV header (the `line` of
/// every placement).
///
/// In JSON an unknown key (`uprigth`), a repeated key or a value of the wrong type is an
/// error naming the item, the key and the line; in CSV a repeated column is.
///
/// ```
/// use courier_engine::inputs::goods_from_text;
/// let items = goods_from_text("length_mm,width_mm,height_mm,weight_g,qty\n300,200,30,500,2\n", "basket.csv").unwrap();
/// assert_eq!((items[0].length_mm, items[0].qty), (300, 2));
/// let err = goods_from_text("length_mm,width_mm,height_mm,weight_g,qty\n300,0,30,500,2\n", "basket.csv").unwrap_err();
/// assert_eq!(err.to_string(), "basket.csv: row 0, column width_mm: must be greater than 0");
/// let err = goods_from_text(r#"[{"length_mm": 1, "width_mm": 1, "height_mm": 1, "weight_g": 1, "qty": 1, "uprigth": true}]"#, "b.json").unwrap_err();
/// assert!(err.to_string().starts_with("b.json: item 0: unknown key `uprigth`"), "{err}");
/// ```
pub fn goods_from_text(text: &str, name: &str) -> Result<Vec<Item>, InputError> {
    let text = courier_rules::encoding::strip_bom(text);
    match text.trim_start().chars().next() {
        Some('[') | Some('{') => goods_from_json(text, name),
        Some(_) => goods_from_csv(text, name),
        None => Err(InputError(format!("{name}: empty file, no goods"))),
    }
}

fn goods_from_json(text: &str, name: &str) -> Result<Vec<Item>, InputError> {
    let GoodsDoc(items) =
        serde_json::from_str(text).map_err(|e| InputError(format!("{name}: {e}")))?;
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
        Ok(Item {
            length_mm: small(0)?,
            width_mm: small(1)?,
            height_mm: small(2)?,
            weight_g: number(3)?,
            qty: small(4)?,
            upright,
        })
    }
}

/// `{name}: header: column `x` appears twice` when a CSV header repeats a column: the
/// reader would take the first copy and silently drop the other.
fn no_duplicate_columns(headers: &csv::StringRecord, name: &str) -> Result<(), InputError> {
    for (i, h) in headers.iter().enumerate() {
        if let Some(j) = headers.iter().skip(i + 1).position(|x| x == h) {
            return Err(InputError(format!(
                "{name}: header: column `{h}` appears twice (columns {} and {})",
                i + 1,
                i + j + 2
            )));
        }
    }
    Ok(())
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
    no_duplicate_columns(&headers, name)?;
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
/// record; all problems are reported at once, one per line. A repeated column or
/// carton reference is an error; a leading UTF-8 byte-order mark is ignored.
///
/// ```
/// use courier_engine::inputs::cartons_from_csv;
/// let csv = "reference,inner_length_mm,inner_width_mm,inner_height_mm,outer_length_mm,outer_width_mm,outer_height_mm,empty_weight_g,max_weight_g,price\n\
///            S,200,150,100,210,160,110,80,5000,12.50\n";
/// let cartons = cartons_from_csv(csv, "boxes.csv").unwrap();
/// assert_eq!(cartons[0].reference, "S");
/// ```
pub fn cartons_from_csv(text: &str, name: &str) -> Result<Vec<Carton>, InputError> {
    let text = courier_rules::encoding::strip_bom(text);
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| InputError(format!("{name}: header: {e}")))?
        .clone();
    no_duplicate_columns(&headers, name)?;
    let mut cartons: Vec<Carton> = Vec::new();
    let mut problems = Vec::new();
    for (row, rec) in rdr.deserialize::<Carton>().enumerate() {
        match rec {
            Ok(c) => {
                problems.extend(c.validate(&format!("{name}: row {row}")));
                // The answer names the carton by reference: two cartons with one name
                // would make it ambiguous.
                if let Some(first) = cartons.iter().position(|x| x.reference == c.reference) {
                    problems.push(format!(
                        "{name}: row {row}, column reference: `{}` repeats row {first}",
                        c.reference
                    ));
                }
                cartons.push(c);
            }
            Err(e) => problems.push(csv_problem(&e, &headers, name, row)),
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

/// A CSV record error naming the column by its header (`column price: invalid float
/// literal`), not by its index ("field 9").
fn csv_problem(e: &csv::Error, headers: &csv::StringRecord, name: &str, row: usize) -> String {
    if let csv::ErrorKind::Deserialize { err, .. } = e.kind() {
        if let Some(column) = err.field().and_then(|i| headers.get(i as usize)) {
            return format!("{name}: row {row}, column {column}: {}", err.kind());
        }
    }
    format!("{name}: row {row}: {e}")
}
