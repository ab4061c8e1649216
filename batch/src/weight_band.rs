//! Weight bands of the tariff comparison: the rows an analyst reads costs by.
//!
//! A band is a range of the parcel's registered gross weight, not of a tariff's
//! chargeable weight, so a parcel sits in the same band under every tariff and the bands
//! compare like with like. Bands are given by their upper bounds in grams (inclusive);
//! the last band holds everything heavier than the last bound.

/// Checked, strictly increasing upper bounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeightBands {
    upper_g: Vec<u64>,
}

impl WeightBands {
    /// The default bounds: 0.5, 1, 2, 5, 10, 20 and 30 kg.
    pub const DEFAULT_G: [u64; 7] = [500, 1_000, 2_000, 5_000, 10_000, 20_000, 30_000];

    /// Bands from upper bounds in grams: at least one, each above zero, strictly
    /// increasing.
    pub fn new(upper_g: Vec<u64>) -> Result<WeightBands, String> {
        if upper_g.is_empty() {
            return Err("weight bands: give at least one upper bound in grams".into());
        }
        if upper_g[0] == 0 {
            return Err("weight bands: an upper bound must be above 0 g".into());
        }
        if let Some(w) = upper_g.windows(2).find(|w| w[0] >= w[1]) {
            return Err(format!(
                "weight bands: upper bounds must increase ({} g is followed by {} g)",
                w[0], w[1]
            ));
        }
        Ok(WeightBands { upper_g })
    }

    /// The upper bounds, in grams.
    pub fn upper_g(&self) -> &[u64] {
        &self.upper_g
    }

    /// How many bands (one more than bounds).
    pub fn len(&self) -> usize {
        self.upper_g.len() + 1
    }

    /// Never true.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The band of a weight.
    pub fn band(&self, weight_g: u64) -> usize {
        self.upper_g.partition_point(|u| *u < weight_g)
    }

    /// `0-500 g`, `501-1000 g`, …, `over 30000 g`.
    pub fn label(&self, band: usize) -> String {
        match (
            band.checked_sub(1).map(|i| self.upper_g[i]),
            self.upper_g.get(band),
        ) {
            (None, Some(hi)) => format!("0-{hi} g"),
            (Some(lo), Some(hi)) => format!("{}-{hi} g", lo + 1),
            (Some(lo), None) => format!("over {lo} g"),
            (None, None) => String::new(),
        }
    }
}

impl Default for WeightBands {
    fn default() -> WeightBands {
        WeightBands {
            upper_g: WeightBands::DEFAULT_G.to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_and_labels() {
        let b = WeightBands::default();
        assert_eq!(b.band(0), 0);
        assert_eq!(b.band(500), 0);
        assert_eq!(b.band(501), 1);
        assert_eq!(b.band(30_000), 6);
        assert_eq!(b.band(30_001), 7);
        assert_eq!(b.label(0), "0-500 g");
        assert_eq!(b.label(1), "501-1000 g");
        assert_eq!(b.label(7), "over 30000 g");
        assert!(WeightBands::new(vec![]).is_err());
        assert!(WeightBands::new(vec![0]).is_err());
        assert!(WeightBands::new(vec![10, 10]).is_err());
    }
}
