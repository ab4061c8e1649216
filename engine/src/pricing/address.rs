//! The recipient address, checked once before any method is priced.
//!
//! Zones are looked up by postal-index prefix or range, so a malformed index such as
//! `"12A!"` would otherwise be priced as Moscow (it starts with `12`), and an index no
//! zone knows would come back only as one `zone_not_served` refusal per method. The
//! tariff's `[address]` table (`courier_rules::postal::AddressRules`: the country and its
//! index format, data beside the zonings) decides what a well-formed index is; an address
//! that no zoning of the tariff resolves is refused as a whole. Both are answered as an
//! [`AddressError`] naming the request's field.

use courier_rules::postal::AddressRules;

use super::compile::CompiledTariff;

/// An address the tariff cannot take, found before pricing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AddressError {
    /// The index does not have the country's format.
    #[error("{field}: {value:?} is not a postal index of {country}: expected {expected}")]
    IndexFormat {
        /// The field the index came from (`address.index`, `receiver.address.post_code`).
        field: String,
        /// The index as given.
        value: String,
        /// The country of the tariff's address rules.
        country: String,
        /// The expected format, as the rules write it (`NNNNNN`).
        expected: String,
    },
    /// Neither the index nor the region is in any zone of the tariff.
    #[error("{field}: postal index {value:?} (region {region:?}) is in no zone of tariff {tariff}: no method serves it")]
    NotServed {
        /// The field the index came from.
        field: String,
        /// The index as given.
        value: String,
        /// The region as given (zones may match on it instead).
        region: String,
        /// The tariff's id.
        tariff: String,
    },
}

impl AddressError {
    /// A stable code for scripts.
    pub fn code(&self) -> &'static str {
        match self {
            AddressError::IndexFormat { .. } => "index_format",
            AddressError::NotServed { .. } => "address_not_served",
        }
    }

    /// The request field at fault, e.g. `address.index`.
    pub fn field(&self) -> &str {
        match self {
            AddressError::IndexFormat { field, .. } | AddressError::NotServed { field, .. } => {
                field
            }
        }
    }
}

impl CompiledTariff {
    /// The tariff's destination country and postal index format, if it has an
    /// `[address]` table.
    pub fn address_rules(&self) -> Option<&AddressRules> {
        self.address.as_ref()
    }

    /// Checks an address before pricing: a non-empty `index` must have the tariff's
    /// format, and the index or the region must fall in at least one zone of the tariff.
    /// `field` names the index in the caller's request (`address.index`,
    /// `Address.Index`, `receiver.address.post_code`).
    ///
    /// ```
    /// use courier_engine::pricing::CompiledTariff;
    /// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../data/tariffs/aplix.toml")).unwrap();
    /// let t = CompiledTariff::from_toml_str(&text).unwrap();
    /// assert!(t.check_address("address.index", "101000", "").is_ok());
    /// let e = t.check_address("address.index", "12A!", "").unwrap_err();
    /// assert_eq!((e.code(), e.field()), ("index_format", "address.index"));
    /// ```
    pub fn check_address(
        &self,
        field: &str,
        index: &str,
        region: &str,
    ) -> Result<(), AddressError> {
        self.check_index_format(field, index)?;
        self.check_served(field, index, region)
    }

    /// The format half of [`Self::check_address`]: an empty index passes (the region
    /// may still zone the address).
    pub(crate) fn check_index_format(&self, field: &str, index: &str) -> Result<(), AddressError> {
        let index = index.trim();
        match &self.address {
            Some(rules) if !index.is_empty() && !rules.postal_index_format.matches(index) => {
                Err(AddressError::IndexFormat {
                    field: field.to_string(),
                    value: index.to_string(),
                    country: rules.country.clone(),
                    expected: rules.postal_index_format.describe(),
                })
            }
            _ => Ok(()),
        }
    }

    /// The zoning half of [`Self::check_address`]: some zoning of the tariff resolves
    /// the index (as the zonings write it) or the region.
    pub(crate) fn check_served(
        &self,
        field: &str,
        index: &str,
        region: &str,
    ) -> Result<(), AddressError> {
        let (index, region) = (index.trim(), region.trim());
        if self
            .zonings
            .iter()
            .all(|z| z.resolve(index, region).is_none())
        {
            return Err(AddressError::NotServed {
                field: field.to_string(),
                value: index.to_string(),
                region: region.to_string(),
                tariff: self.id.clone(),
            });
        }
        Ok(())
    }
}
