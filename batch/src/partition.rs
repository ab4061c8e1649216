//! `--partition K/P`: which rows a partitioned run processes.
//!
//! Reconciliation is independent per `order_id`, so P machines can each take the orders
//! whose hash falls in their share and `courier reconcile merge` joins the outputs. The
//! hash is FNV-1a 64 of the order id's UTF-8 bytes (trimmed), modulo P: documented,
//! stable across machines, releases and languages, unlike std's seeded hasher. A row
//! whose order id cannot be read at all (a reject) belongs to partition 0.

use courier_engine::pricing::Fnv64;

use crate::error::BatchError;

/// Partition `index` of `count` (`0 <= index < count`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partition {
    index: u32,
    count: u32,
}

impl Partition {
    /// The whole input.
    pub const ALL: Partition = Partition { index: 0, count: 1 };

    /// Partition `index` of `count`.
    pub fn new(index: u32, count: u32) -> Result<Partition, BatchError> {
        if count == 0 || index >= count {
            return Err(BatchError::Option(format!(
                "partition {index}/{count}: need 0 <= K < P"
            )));
        }
        Ok(Partition { index, count })
    }

    /// Parses `K/P`.
    pub fn parse(text: &str) -> Result<Partition, BatchError> {
        let bad = || BatchError::Option(format!("--partition {text:?}: expected K/P, e.g. 0/4"));
        let (k, p) = text.split_once('/').ok_or_else(bad)?;
        let k = k.trim().parse().map_err(|_| bad())?;
        let p = p.trim().parse().map_err(|_| bad())?;
        Partition::new(k, p)
    }

    pub fn index(self) -> u32 {
        self.index
    }
    pub fn count(self) -> u32 {
        self.count
    }

    /// The documented hash of an order id (FNV-1a 64 of its trimmed UTF-8 bytes).
    pub fn hash(order_id: &str) -> u64 {
        let mut h = Fnv64::default();
        h.update(order_id.trim().as_bytes());
        h.finish()
    }

    /// The partition an order id belongs to.
    pub fn of(order_id: &str, count: u32) -> u32 {
        (Partition::hash(order_id) % u64::from(count.max(1))) as u32
    }

    /// The bucket (of `buckets`) a row of this partition goes to in a large run: the
    /// hash's quotient by the partition count, so buckets split a partition evenly.
    /// An unreadable order id goes to bucket 0, as it goes to partition 0.
    pub fn bucket_of(self, order_id: Option<&str>, buckets: u32) -> u32 {
        match order_id {
            Some(id) if !id.trim().is_empty() => {
                let h = Partition::hash(id) / u64::from(self.count);
                (h % u64::from(buckets.max(1))) as u32
            }
            _ => 0,
        }
    }

    /// Whether this partition takes the order (`None`: unreadable order id → partition 0).
    pub fn takes(self, order_id: Option<&str>) -> bool {
        if self.count == 1 {
            return true;
        }
        match order_id {
            Some(id) if !id.trim().is_empty() => Partition::of(id, self.count) == self.index,
            _ => self.index == 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_the_documented_fnv1a() {
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c.
        assert_eq!(
            Partition::of("a", u32::MAX),
            (0xaf63_dc4c_8601_ec8c_u64 % u64::from(u32::MAX)) as u32
        );
        assert!(Partition::parse("3/2").is_err());
        assert!(Partition::parse("x").is_err());
        assert_eq!(
            Partition::parse("1/3").unwrap(),
            Partition::new(1, 3).unwrap()
        );
    }
}
