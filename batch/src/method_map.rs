//! The method map of a tariff comparison: which method of another carrier's tariff
//! stands in for the method a parcel was sent with.
//!
//! Data an analyst writes and changes, never code: one table per pair of carriers,
//! `[<from carrier>.<to carrier>]`, with `<from method> = "<to method>"` lines. A parcel
//! priced under a tariff of carrier `to` uses the mapped method when its carrier and
//! method have an entry, and its own method code otherwise. Every entry is checked
//! against the compared tariffs before anything is priced, so a typo is an error naming
//! the line and the field, not a column of refusals.
//!
//! ```toml
//! [inpost.aplix]
//! inpost_locker_standard = "pickup_point"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use courier_engine::pricing::CompiledTariff;

use crate::error::BatchError;

/// A checked method map (empty: every parcel keeps its method code).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MethodMap {
    /// from carrier → to carrier → from method → to method.
    map: BTreeMap<String, BTreeMap<String, BTreeMap<String, String>>>,
}

type Raw = BTreeMap<String, BTreeMap<String, BTreeMap<String, toml::Spanned<String>>>>;

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).map_or(0, |t| t.matches('\n').count()) + 1
}

fn methods(t: &CompiledTariff) -> String {
    t.method_codes().collect::<Vec<_>>().join(", ")
}

impl MethodMap {
    /// Reads and checks `path` against the compared tariffs (`(tariff, file)`).
    pub fn load(path: &Path, tariffs: &[(&CompiledTariff, &str)]) -> Result<MethodMap, BatchError> {
        let text = std::fs::read_to_string(path).map_err(|e| BatchError::io(path, e))?;
        MethodMap::parse(path, &text, tariffs)
    }

    /// Parses and checks the text of a map file called `path`.
    pub fn parse(
        path: &Path,
        text: &str,
        tariffs: &[(&CompiledTariff, &str)],
    ) -> Result<MethodMap, BatchError> {
        let bad = |message: String| BatchError::MethodMap {
            path: PathBuf::from(path),
            message,
        };
        let raw: Raw = toml::from_str(text).map_err(|e| {
            bad(format!(
                "{} (expected tables [<from carrier>.<to carrier>] of <from method> = \"<to method>\")",
                e.to_string().trim_end()
            ))
        })?;
        let carriers = || {
            let mut c: Vec<&str> = tariffs.iter().map(|(t, _)| t.carrier()).collect();
            c.sort_unstable();
            c.dedup();
            c.join(", ")
        };
        let mut map: BTreeMap<String, BTreeMap<String, BTreeMap<String, String>>> = BTreeMap::new();
        for (from, tos) in raw {
            let sources: Vec<_> = tariffs
                .iter()
                .filter(|(t, _)| t.carrier() == from)
                .collect();
            for (to, entries) in tos {
                let targets: Vec<_> = tariffs.iter().filter(|(t, _)| t.carrier() == to).collect();
                let first_line = entries
                    .values()
                    .map(|v| line_of(text, v.span().start))
                    .min()
                    .unwrap_or(1);
                if targets.is_empty() {
                    return Err(bad(format!(
                        "line {first_line}: table [{from}.{to}]: no compared tariff is of carrier {to:?} (compared carriers: {})",
                        carriers()
                    )));
                }
                let mut out = BTreeMap::new();
                for (m, v) in entries {
                    let line = line_of(text, v.span().start);
                    let field = format!("{from}.{to}.{m}");
                    if !sources.is_empty()
                        && !sources.iter().any(|(t, _)| t.method_by_code(&m).is_some())
                    {
                        let (t, file) = sources[0];
                        return Err(bad(format!(
                            "line {line}: field {field}: {m:?} is not a method of carrier {from} (tariff {} in {file} has: {})",
                            t.id(),
                            methods(t)
                        )));
                    }
                    let to_method = v.into_inner();
                    for (t, file) in &targets {
                        if t.method_by_code(&to_method).is_none() {
                            return Err(bad(format!(
                                "line {line}: field {field}: {to_method:?} is not a method of tariff {} ({file}; its methods: {})",
                                t.id(),
                                methods(t)
                            )));
                        }
                    }
                    out.insert(m, to_method);
                }
                map.entry(from.clone()).or_default().insert(to, out);
            }
        }
        Ok(MethodMap { map })
    }

    /// The method of a `to_carrier` tariff that stands in for `method` of `from_carrier`:
    /// the mapped one, or `method` itself when the map has no entry for it.
    pub fn method_for<'a>(
        &'a self,
        from_carrier: &str,
        to_carrier: &str,
        method: &'a str,
    ) -> &'a str {
        self.map
            .get(from_carrier)
            .and_then(|t| t.get(to_carrier))
            .and_then(|m| m.get(method))
            .map_or(method, String::as_str)
    }

    /// Whether the map has no entry.
    pub fn is_empty(&self) -> bool {
        self.map
            .values()
            .all(|t| t.values().all(BTreeMap::is_empty))
    }
}
