//! The client's identity documents of a delivery request (`documents`), and their checks.
//!
//! The seed marks `documents` "TBD" but gives its shape: an array of objects, the only type
//! so far the Russian internal passport (`rf_passport`), with `series`, `number`,
//! `issued_at`, `valid_to` ("if applicable"), `issuer`, `issuer_departner` (sic: the
//! department code) and `registration_address`. Until issue 16 the array was carried
//! unchecked: any JSON type, any item, a NUL byte in an address. Decisions (written down
//! in `docs/carriers.md`):
//!
//! * `documents` is optional (`null` or absent: nothing to check; `[]` is valid); anything
//!   but an array, and any item but an object, is a field error;
//! * `type`, `series`, `number`, `issued_at` are required in each item — a passport
//!   without them verifies nothing; `valid_to`, `issuer`, `issuer_departner`,
//!   `registration_address` are optional and checked when present;
//! * `series` is 4 digits, `number` 6 digits, `issuer_departner` `NNN-NNN` (the passport's
//!   formats, no spaces); dates as the request's other dates (`DD.MM.YYYY` or
//!   `YYYY-MM-DD`), `issued_at` not after today, `valid_to` not before `issued_at` nor
//!   before today (an expired document verifies nothing);
//! * every text field is a JSON string, not blank, without control characters;
//! * keys the seed does not name are ignored, as the request's own unknown attributes
//!   are (Fastriver takes a request "even with an empty body" and reports only what its
//!   rules name; a misspelt required key still shows as `required`).
//!
//! Each problem is a [`crate::field::FieldError`] with the item's path
//! (`documents[2].registration_address`); messages never echo the value (passport data is
//! personal data).

use chrono::NaiveDate;
use serde_json::Value;

use super::request::{parse_date, ValidationErrors};

/// The document types Fastriver takes (the seed: "пока только Пасспорт РФ").
pub const DOCUMENT_TYPES: &[&str] = &["rf_passport"];

const REQUIRED: &str = "обязательно для заполнения";

/// Checks `documents` (as carried in the request) against the rules above; `today` is the
/// city's local date.
pub(crate) fn check_documents(errs: &mut ValidationErrors, documents: &Value, today: NaiveDate) {
    let items = match documents {
        Value::Null => return,
        Value::Array(items) => items,
        _ => {
            errs.push_at(
                "documents".to_string(),
                "invalid_type",
                "должен быть массивом документов",
            );
            return;
        }
    };
    for (i, item) in items.iter().enumerate() {
        let Value::Object(doc) = item else {
            errs.push_at(
                format!("documents[{i}]"),
                "invalid_type",
                "документ должен быть объектом",
            );
            continue;
        };
        let kind = text(errs, doc, i, "type", true);
        let series = text(errs, doc, i, "series", true);
        let number = text(errs, doc, i, "number", true);
        let issued = text(errs, doc, i, "issued_at", true);
        let valid_to = text(errs, doc, i, "valid_to", false);
        let _issuer = text(errs, doc, i, "issuer", false);
        let department = text(errs, doc, i, "issuer_departner", false);
        let _address = text(errs, doc, i, "registration_address", false);

        let at = |key: &str| format!("documents[{i}].{key}");
        if let Some(k) = kind {
            if !DOCUMENT_TYPES.contains(&k) {
                errs.push_at(
                    at("type"),
                    "document_type_unknown",
                    "неизвестный тип документа (принимается только rf_passport)",
                );
            }
        }
        if let Some(s) = series {
            if !digits(s, 4) {
                errs.push_at(at("series"), "series_format", "серия паспорта: 4 цифры");
            }
        }
        if let Some(n) = number {
            if !digits(n, 6) {
                errs.push_at(at("number"), "number_format", "номер паспорта: 6 цифр");
            }
        }
        if let Some(d) = department {
            let b = d.as_bytes();
            let ok = b.len() == 7
                && b[3] == b'-'
                && b[..3].iter().chain(&b[4..]).all(u8::is_ascii_digit);
            if !ok {
                errs.push_at(
                    at("issuer_departner"),
                    "department_code_format",
                    "код подразделения в формате 000-000",
                );
            }
        }
        let issued_on = issued.and_then(|d| {
            let parsed = parse_date(d);
            match parsed {
                None => errs.push_at(at("issued_at"), "date_format", DATE_FORMAT),
                Some(d) if d > today => {
                    errs.push_at(at("issued_at"), "in_future", "дата выдачи в будущем")
                }
                Some(_) => {}
            }
            parsed
        });
        if let Some(v) = valid_to {
            match parse_date(v) {
                None => errs.push_at(at("valid_to"), "date_format", DATE_FORMAT),
                Some(v) if issued_on.is_some_and(|i| v < i) => errs.push_at(
                    at("valid_to"),
                    "before_issued_at",
                    "срок действия раньше даты выдачи",
                ),
                Some(v) if v < today => {
                    errs.push_at(at("valid_to"), "expired", "срок действия документа истёк")
                }
                Some(_) => {}
            }
        }
    }
}

const DATE_FORMAT: &str = "неверный формат даты, ожидается ДД.ММ.ГГГГ";

/// The text field `key` of document `i`: a non-blank string without control characters,
/// else a field error (or nothing, when an optional field is absent).
fn text<'a>(
    errs: &mut ValidationErrors,
    doc: &'a serde_json::Map<String, Value>,
    i: usize,
    key: &str,
    required: bool,
) -> Option<&'a str> {
    let at = || format!("documents[{i}].{key}");
    match doc.get(key) {
        None | Some(Value::Null) => {
            if required {
                errs.push_at(at(), "required", REQUIRED);
            }
            None
        }
        Some(Value::String(s)) if s.trim().is_empty() => {
            if required {
                errs.push_at(at(), "required", REQUIRED);
            } else {
                errs.push_at(at(), "blank", "не может быть пустым");
            }
            None
        }
        Some(Value::String(s)) if s.chars().any(char::is_control) => {
            errs.push_at(at(), "control_character", "содержит управляющие символы");
            None
        }
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => {
            errs.push_at(at(), "invalid_type", "должно быть строкой");
            None
        }
    }
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}
