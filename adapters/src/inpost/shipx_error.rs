//! ShipX errors: `{status, error, message, details}` with `details` nested per field,
//! flattened into [`FieldIssue`]s whose `field` is the dotted path into the request.
//!
//! ShipX nests `details` as objects keyed by field, arrays of objects (one per list
//! element, or one wrapper), and arrays of strings (the error names of a leaf):
//! `{"custom_attributes": [{"target_point": ["invalid_target_point_for_end_of_week_collection"]}]}`
//! becomes `custom_attributes.target_point: invalid_target_point_for_end_of_week_collection`.
//! An array with several objects is indexed (`parcels[1].template`); with one it is not
//! (ShipX wraps single objects in an array). An empty body is an error all the same.

use serde_json::Value;

use crate::error::{Error, FieldIssue};
use crate::transport::{Response, Transport};

/// The typed error of a non-2xx ShipX answer.
pub(crate) fn shipx_error(transport: &Transport, operation: &str, resp: &Response) -> Error {
    if resp.status == 401 || resp.status == 403 {
        return Error::Unauthorized {
            operation: operation.to_string(),
            status: resp.status,
        };
    }
    let body = resp.body.trim();
    let parsed: Option<serde_json::Map<String, Value>> = serde_json::from_str(body).ok();
    let Some(map) = parsed.filter(|m| m.contains_key("error") || m.contains_key("message")) else {
        return Error::Http {
            operation: operation.to_string(),
            status: resp.status,
            body_excerpt: transport.excerpt(body),
        };
    };
    let text = |k: &str| match map.get(k) {
        Some(Value::String(s)) => transport.redact(s),
        Some(Value::Null) | None => String::new(),
        Some(other) => transport.redact(&other.to_string()),
    };
    let mut issues = Vec::new();
    if let Some(details) = map.get("details") {
        flatten(details, String::new(), &mut issues);
    }
    for i in &mut issues {
        i.field = transport.redact(&i.field);
        i.code = transport.redact(&i.code);
        i.message = transport.redact(&i.message);
    }
    Error::Rejected {
        operation: operation.to_string(),
        carrier: "inpost",
        status: resp.status,
        error: text("error"),
        message: text("message"),
        issues,
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn flatten(v: &Value, path: String, out: &mut Vec<FieldIssue>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                flatten(v, join(&path, k), out);
            }
        }
        Value::Array(items) => {
            let objects = items.iter().filter(|i| i.is_object()).count();
            for (n, item) in items.iter().enumerate() {
                match item {
                    Value::Object(_) if objects > 1 => flatten(item, format!("{path}[{n}]"), out),
                    Value::Object(_) | Value::Array(_) => flatten(item, path.clone(), out),
                    leaf => push_leaf(leaf, &path, out),
                }
            }
        }
        leaf => push_leaf(leaf, &path, out),
    }
}

fn push_leaf(v: &Value, path: &str, out: &mut Vec<FieldIssue>) {
    let code = match v {
        Value::String(s) => s.clone(),
        Value::Null => return,
        other => other.to_string(),
    };
    let field = if path.is_empty() { "(request)" } else { path };
    out.push(FieldIssue::new(field, code.clone(), code));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn paths(v: Value) -> Vec<(String, String)> {
        let mut out = Vec::new();
        flatten(&v, String::new(), &mut out);
        out.into_iter().map(|i| (i.field, i.code)).collect()
    }

    #[test]
    fn nested_details_keep_their_paths() {
        let got = paths(json!({
            "custom_attributes": [{"target_point": ["invalid_target_point_for_end_of_week_collection"]}],
            "receiver": {"phone": ["invalid", "too_short"]},
            "parcels": [{"template": ["invalid"]}, {"dimensions": {"length": ["required"]}}]
        }));
        assert_eq!(
            got,
            [
                (
                    "custom_attributes.target_point".to_string(),
                    "invalid_target_point_for_end_of_week_collection".to_string()
                ),
                ("parcels[0].template".into(), "invalid".into()),
                ("parcels[1].dimensions.length".into(), "required".into()),
                ("receiver.phone".into(), "invalid".into()),
                ("receiver.phone".into(), "too_short".into()),
            ]
        );
    }
}
