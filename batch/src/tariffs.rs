//! The contracts the job prices with: one compiled tariff per carrier, from a folder of
//! the pricing engine's TOML files (`data/tariffs` by default).

use std::path::Path;

use courier_engine::pricing::CompiledTariff;

use crate::error::BatchError;

/// The tariffs of a run, by carrier, in carrier-name order (a carrier's index is stable
/// for a given folder, and rows carry it instead of the name).
#[derive(Debug, Clone)]
pub struct TariffBook {
    tariffs: Vec<CompiledTariff>,
    /// Files, as read, in the same order (for the summary).
    files: Vec<String>,
}

impl TariffBook {
    /// Every `*.toml` file of `dir` (not recursive), each validated and compiled by the
    /// engine. Two tariffs for one carrier are an error: a parcel must have one contract.
    pub fn load(dir: &Path) -> Result<TariffBook, BatchError> {
        let entries = std::fs::read_dir(dir).map_err(|e| BatchError::io(dir, e))?;
        let mut paths = Vec::new();
        for e in entries {
            let p = e.map_err(|e| BatchError::io(dir, e))?.path();
            if p.extension().is_some_and(|x| x == "toml") {
                paths.push(p);
            }
        }
        paths.sort();
        let mut loaded = Vec::new();
        for p in &paths {
            let text = std::fs::read_to_string(p).map_err(|e| BatchError::io(p, e))?;
            let t = CompiledTariff::from_toml_str(&text).map_err(|e| BatchError::Tariff {
                path: p.clone(),
                message: e.to_string(),
            })?;
            loaded.push((t, p.display().to_string()));
        }
        TariffBook::from_tariffs(loaded).map_err(|message| BatchError::Tariff {
            path: dir.to_path_buf(),
            message,
        })
    }

    /// From compiled tariffs and the names of their files.
    pub fn from_tariffs(mut loaded: Vec<(CompiledTariff, String)>) -> Result<TariffBook, String> {
        if loaded.is_empty() {
            return Err("no tariff (*.toml) found".into());
        }
        loaded.sort_by(|a, b| a.0.carrier().cmp(b.0.carrier()));
        for w in loaded.windows(2) {
            if w[0].0.carrier() == w[1].0.carrier() {
                return Err(format!(
                    "two tariffs for carrier {:?}: {} and {}",
                    w[0].0.carrier(),
                    w[0].1,
                    w[1].1
                ));
            }
        }
        let (tariffs, files) = loaded.into_iter().unzip();
        Ok(TariffBook { tariffs, files })
    }

    /// The carrier's index, by name.
    pub fn carrier(&self, name: &str) -> Option<u16> {
        self.tariffs
            .iter()
            .position(|t| t.carrier() == name)
            .and_then(|i| u16::try_from(i).ok())
    }

    /// The tariff of a carrier index.
    pub fn tariff(&self, carrier: u16) -> &CompiledTariff {
        &self.tariffs[usize::from(carrier)]
    }

    /// The carrier's name.
    pub fn carrier_name(&self, carrier: u16) -> &str {
        self.tariff(carrier).carrier()
    }

    /// Minor digits of the carrier's currency.
    pub fn dp(&self, carrier: u16) -> u32 {
        self.tariff(carrier).minor_units()
    }

    /// Carrier names, in index order.
    pub fn carriers(&self) -> impl Iterator<Item = &str> {
        self.tariffs.iter().map(|t| t.carrier())
    }

    /// Number of carriers.
    pub fn len(&self) -> usize {
        self.tariffs.len()
    }

    /// Never true for a loaded book.
    pub fn is_empty(&self) -> bool {
        self.tariffs.is_empty()
    }

    /// `(carrier, tariff id, file)`, for the summary.
    pub fn describe(&self) -> Vec<(String, String, String)> {
        self.tariffs
            .iter()
            .zip(&self.files)
            .map(|(t, f)| (t.carrier().to_string(), t.id().to_string(), f.clone()))
            .collect()
    }
}
