//! `GetTrackNumbers`: the incremental track-number feed.
//!
//! Each call returns the track numbers bound to orders since `DateOfLastGetting` and the
//! instant the data is current to, to pass as `DateOfLastGetting` next time (Aplix asks
//! for at most one call an hour). An order may get a second track number later; the first
//! then comes with `Activity` false. [`TrackBook`] merges the increments into the current
//! track number per order:
//!
//! - an active number becomes the order's current one; a current number it replaces is
//!   superseded even if its `Activity: false` has not arrived yet;
//! - an inactive number is superseded for good: a replay of an old increment never
//!   brings it back;
//! - the same increment merged twice changes nothing (idempotent); inside an increment
//!   deactivations apply before activations, so their relative order does not matter,
//!   and of two active numbers for one order the later line wins;
//! - the watermark only moves forward.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::parse_datetime;

/// One line of the feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackNumber {
    /// `OrderID`: the order the number is bound to (the PushOrder `ID`).
    #[serde(rename = "OrderID")]
    pub order_id: String,
    /// `Number`: the track number.
    #[serde(rename = "Number")]
    pub number: String,
    /// `Activity`: `true` while the number is current; `false` once a later number replaced it.
    #[serde(rename = "Activity")]
    pub activity: bool,
}

/// One call's answer: the lines and the instant they are current to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackIncrement {
    /// The return value, `NewDateOfLastGetting`.
    #[serde(rename = "NewDateOfLastGetting")]
    pub new_date_of_last_getting: String,
    /// `TrackNumbers`: the lines bound since `DateOfLastGetting`; empty when absent.
    #[serde(rename = "TrackNumbers", default)]
    pub track_numbers: Vec<TrackNumber>,
}

/// The track numbers of one order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OrderTracks {
    /// The order's track number now; `None` when every number it had was superseded.
    pub current: Option<String>,
    /// Numbers the order had before and that must never become current again.
    pub superseded: BTreeSet<String>,
}

/// What a merge changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MergeReport {
    /// Orders whose current number changed: (order, old, new).
    pub changed: Vec<(String, Option<String>, Option<String>)>,
    /// Lines that changed nothing (already known).
    pub unchanged: usize,
    /// Active lines naming a number already superseded (stale replays), ignored.
    pub ignored_stale: usize,
}

/// Why an increment cannot be merged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TrackError {
    /// `NewDateOfLastGetting` is not a date and time (the text).
    #[error("NewDateOfLastGetting {0:?} is not a date and time")]
    Watermark(String),
    /// A track line without order id or number (its index).
    #[error("TrackNumbers[{0}]: empty OrderID or Number")]
    EmptyLine(usize),
}

impl TrackError {
    /// A stable machine-readable code (snake_case): what a caller matches on; messages
    /// may be reworded, codes are not.
    pub fn code(&self) -> &'static str {
        match self {
            TrackError::Watermark { .. } => "bad_watermark",
            TrackError::EmptyLine { .. } => "empty_line",
        }
    }
}

/// The current track number of every order, and the watermark.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TrackBook {
    /// Every order seen in the feed, by `OrderID`.
    pub orders: BTreeMap<String, OrderTracks>,
    /// The `DateOfLastGetting` to use next.
    pub date_of_last_getting: Option<NaiveDateTime>,
}

/// Aplix asks for at most one `GetTrackNumbers` call an hour.
pub const MIN_POLL_INTERVAL: Duration = Duration::hours(1);

impl TrackBook {
    /// An empty book: no orders and no watermark yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The current track number of an order.
    pub fn current(&self, order_id: &str) -> Option<&str> {
        self.orders.get(order_id)?.current.as_deref()
    }

    /// Whether the next call may be made at `now`, given the last call at `last_call`.
    pub fn may_poll(last_call: Option<NaiveDateTime>, now: NaiveDateTime) -> bool {
        last_call.is_none_or(|t| now - t >= MIN_POLL_INTERVAL)
    }

    /// Merges one increment; on error nothing is changed.
    ///
    /// ```
    /// use courier_rules::aplix::{TrackBook, TrackIncrement, TrackNumber};
    /// let line = |o: &str, n: &str, a: bool| TrackNumber { order_id: o.into(), number: n.into(), activity: a };
    /// let mut book = TrackBook::new();
    /// let first = TrackIncrement { new_date_of_last_getting: "2013-08-01T10:00:00".into(), track_numbers: vec![line("A", "T1", true)] };
    /// let second = TrackIncrement { new_date_of_last_getting: "2013-08-01T11:00:00".into(), track_numbers: vec![line("A", "T2", true), line("A", "T1", false)] };
    /// book.merge(&first).unwrap();
    /// book.merge(&second).unwrap();
    /// book.merge(&first).unwrap(); // a replay does not resurrect T1
    /// assert_eq!(book.current("A"), Some("T2"));
    /// assert_eq!(book.date_of_last_getting.unwrap().to_string(), "2013-08-01 11:00:00");
    /// ```
    pub fn merge(&mut self, inc: &TrackIncrement) -> Result<MergeReport, TrackError> {
        let watermark = parse_datetime(&inc.new_date_of_last_getting)
            .ok_or_else(|| TrackError::Watermark(inc.new_date_of_last_getting.clone()))?;
        if let Some(i) = inc
            .track_numbers
            .iter()
            .position(|t| t.order_id.trim().is_empty() || t.number.trim().is_empty())
        {
            return Err(TrackError::EmptyLine(i));
        }
        let mut report = MergeReport::default();
        let mut before: BTreeMap<&str, Option<String>> = BTreeMap::new();
        // Deactivations first, so the result does not depend on the lines' order.
        let (inactive, active): (Vec<&TrackNumber>, Vec<&TrackNumber>) =
            inc.track_numbers.iter().partition(|t| !t.activity);
        for t in inactive.into_iter().chain(active) {
            let entry = self.orders.entry(t.order_id.clone()).or_default();
            before
                .entry(t.order_id.as_str())
                .or_insert_with(|| entry.current.clone());
            if !t.activity {
                let new = entry.superseded.insert(t.number.clone());
                let was_current = entry.current.as_deref() == Some(t.number.as_str());
                if was_current {
                    entry.current = None;
                }
                if !new && !was_current {
                    report.unchanged += 1;
                }
            } else if entry.superseded.contains(&t.number) {
                report.ignored_stale += 1;
            } else if entry.current.as_deref() == Some(t.number.as_str()) {
                report.unchanged += 1;
            } else {
                if let Some(old) = entry.current.take() {
                    entry.superseded.insert(old);
                }
                entry.current = Some(t.number.clone());
            }
        }
        for (order, old) in before {
            let new = self.orders.get(order).and_then(|o| o.current.clone());
            if new != old {
                report.changed.push((order.to_string(), old, new));
            }
        }
        if self.date_of_last_getting.is_none_or(|w| watermark > w) {
            self.date_of_last_getting = Some(watermark);
        }
        Ok(report)
    }
}
