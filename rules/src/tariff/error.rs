//! The problems a tariff file can have, each with its line and key, and the collector
//! that gathers every one of them before the file is refused.

use serde::Serialize;

/// One problem in a tariff file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// 1-based line, where known.
    pub line: Option<usize>,
    /// Key path, e.g. `method[2] (ems).rate[1].per_step`.
    pub key: String,
    /// What is wrong, for people.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}: {}: {}", self.key, self.message),
            None => write!(f, "{}: {}", self.key, self.message),
        }
    }
}

/// Every problem found in a tariff file, in file order: not one error but the list, so
/// an analyst fixes the whole file in one pass.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct TariffError {
    /// The problems, in file order, each with its line and key.
    pub problems: Vec<Problem>,
}

impl TariffError {
    /// A stable machine-readable code for the whole refusal (each [`Problem`] names its
    /// key and line).
    pub fn code(&self) -> &'static str {
        "invalid_tariff"
    }
}

impl std::fmt::Display for TariffError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

/// 1-based line of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()
        .get(..end)
        .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count())
        + 1
}

pub(crate) struct Collector<'a> {
    pub(crate) text: &'a str,
    pub(crate) problems: Vec<Problem>,
}

impl Collector<'_> {
    pub(crate) fn at(
        &mut self,
        span: Option<std::ops::Range<usize>>,
        key: String,
        message: impl Into<String>,
    ) {
        let line = span.map(|s| line_of(self.text, s.start));
        self.problems.push(Problem {
            line,
            key,
            message: message.into(),
        });
    }
}
