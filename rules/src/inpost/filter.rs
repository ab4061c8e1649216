//! The shipment search filter `end_of_week_collection` (ShipX shipment search, seed 003
//! § 3.2): `true` keeps only shipments with the weekend add-on, `false` only those
//! without it, and an absent parameter keeps everything.
//!
//! The filter is a small Copy value with a predicate, so the batch mode can reuse it
//! over any shipment type that implements [`HasEndOfWeekCollection`].

use super::eligibility::WeekendShipment;

/// Anything that may carry the add-on. A shipment without the attribute has it `false`
/// (the attribute is optional and defaults to false).
pub trait HasEndOfWeekCollection {
    /// Whether the shipment carries the weekend add-on (`end_of_week_collection`); `false` when the
    /// attribute is absent.
    fn end_of_week_collection(&self) -> bool;
}

impl HasEndOfWeekCollection for WeekendShipment {
    fn end_of_week_collection(&self) -> bool {
        self.end_of_week_collection
    }
}

impl HasEndOfWeekCollection for bool {
    fn end_of_week_collection(&self) -> bool {
        *self
    }
}

impl HasEndOfWeekCollection for Option<bool> {
    fn end_of_week_collection(&self) -> bool {
        self.unwrap_or(false)
    }
}

/// `end_of_week_collection=true|false`, or absent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum EndOfWeekCollectionFilter {
    /// Parameter absent: every shipment.
    #[default]
    Any,
    /// Only shipments whose add-on flag equals the value.
    Only(bool),
}

impl EndOfWeekCollectionFilter {
    /// From an optional query value.
    pub fn from_option(value: Option<bool>) -> Self {
        value.map_or(Self::Any, Self::Only)
    }

    /// Parses a query-string value (`true` or `false`); other values are an error that
    /// names the parameter.
    ///
    /// ```
    /// use courier_rules::inpost::EndOfWeekCollectionFilter as F;
    /// assert_eq!(F::parse("true"), Ok(F::Only(true)));
    /// assert!(F::parse("yes").is_err());
    /// ```
    pub fn parse(value: &str) -> Result<Self, FilterError> {
        match value {
            "true" => Ok(Self::Only(true)),
            "false" => Ok(Self::Only(false)),
            other => Err(FilterError::NotABoolean(other.to_string())),
        }
    }

    /// Whether the shipment passes the filter.
    #[inline]
    pub fn matches<S: HasEndOfWeekCollection + ?Sized>(self, shipment: &S) -> bool {
        match self {
            Self::Any => true,
            Self::Only(v) => shipment.end_of_week_collection() == v,
        }
    }

    /// The matching shipments of a list, in their original order.
    ///
    /// ```
    /// use courier_rules::inpost::EndOfWeekCollectionFilter as F;
    /// let flags = [Some(true), None, Some(false)];
    /// assert_eq!(F::Only(false).apply(&flags).count(), 2); // absent counts as false
    /// assert_eq!(F::Any.apply(&flags).count(), 3);
    /// ```
    pub fn apply<'a, S: HasEndOfWeekCollection>(
        self,
        shipments: &'a [S],
    ) -> impl Iterator<Item = &'a S> + 'a {
        shipments.iter().filter(move |s| self.matches(*s))
    }
}

/// A filter value that is neither `true` nor `false`; the message names the parameter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FilterError {
    /// The value given.
    #[error("end_of_week_collection: expected `true` or `false`, got `{0}`")]
    NotABoolean(String),
}

impl FilterError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            FilterError::NotABoolean(_) => "not_a_boolean",
        }
    }
}
