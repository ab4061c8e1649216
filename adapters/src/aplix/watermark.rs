//! The `GetTrackNumbers` watermark, persisted in a file the caller names.
//!
//! It holds the `DateOfLastGetting` to send next (the last successful answer's
//! `NewDateOfLastGetting`) and the instant of the last call, which the hourly guard
//! (`courier-rules`' `TrackBook::may_poll`) reads. The file is written whole to a
//! temporary file beside it and renamed over it, so a crash leaves the old or the new
//! watermark, never half of one.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Error;

/// What the file holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Watermark {
    /// The `DateOfLastGetting` to send next (Aplix's own `DateTime`, Moscow time).
    pub date_of_last_getting: Option<String>,
    /// When `GetTrackNumbers` was last called (successfully or not).
    pub last_call_at: Option<DateTime<Utc>>,
}

fn io(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Io {
        path: path.display().to_string(),
        detail: e.to_string(),
    }
}

impl Watermark {
    /// Reads the file; a missing file is an empty watermark (first run).
    pub fn load(path: &Path) -> Result<Watermark, Error> {
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| io(path, e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Watermark::default()),
            Err(e) => Err(io(path, e)),
        }
    }

    /// Writes the file atomically (temporary file, then rename).
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        let text = serde_json::to_string_pretty(self).map_err(|e| io(path, e))?;
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".tmp");
        let tmp = std::path::PathBuf::from(tmp);
        std::fs::write(&tmp, text + "\n").map_err(|e| io(&tmp, e))?;
        std::fs::rename(&tmp, path).map_err(|e| io(path, e))
    }
}
