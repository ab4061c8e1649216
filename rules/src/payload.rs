//! What every carrier payload reader checks before the carrier's own shape.
//!
//! A carrier payload (a Fastriver request, an Aplix order or registry, a Tastamat
//! payload, a Taxomet request) is one JSON object. serde's derived readers also take a
//! JSON array for a struct (its elements as the fields, in order), so a payload wrapped
//! in an array (`[{…}]`) used to come out as an empty payload with a page of bogus
//! `required` errors (issue 16). Every reader calls [`expect_object`] first and answers
//! "expected a JSON object" instead.

/// `Ok` when `text` is (or starts like) a JSON object; otherwise the JSON error, or
/// "expected a JSON object, found an array" (a string, a number, …).
///
/// Cheap: it looks at the first character past white space, and parses only text that
/// is not an object, to say what it is.
///
/// ```
/// use courier_rules::payload::expect_object;
/// assert!(expect_object(" {\"ID\": 1}").is_ok());
/// let e = expect_object("[{\"ID\": 1}]").unwrap_err();
/// assert_eq!(e.to_string(), "expected a JSON object, found an array");
/// assert!(expect_object("[{").unwrap_err().to_string().contains("EOF"));
/// ```
pub fn expect_object(text: &str) -> Result<(), serde_json::Error> {
    use serde::de::Error;
    use serde_json::Value;
    if text
        .trim_start_matches([' ', '\t', '\n', '\r'])
        .starts_with('{')
    {
        return Ok(());
    }
    let found = match serde_json::from_str::<Value>(text)? {
        Value::Array(_) => "an array",
        Value::String(_) => "a string",
        Value::Number(_) => "a number",
        Value::Bool(_) => "a boolean",
        Value::Null => "null",
        Value::Object(_) => return Ok(()),
    };
    Err(serde_json::Error::custom(format!(
        "expected a JSON object, found {found}"
    )))
}
