//! Pricing a prepared parcel with one method or all of them: the hot path.
//!
//! Input is the parcel as the carrier sees it ([`Parcel`](super::Parcel): outer sides, gross weight,
//! goods volume, carton) plus what the shipment asks for ([`Consignment`]) and where it
//! goes ([`Destination`], resolved once). Output is a compact [`MethodPrice`] (no strings,
//! no allocation) or the reasons the method refuses.

use rust_decimal::Decimal;

use courier_rules::limits::cell_takes;

use super::compile::{CMethod, CPremium, CPricing, CompiledTariff};
use super::consignment::{Consignment, Destination, Zones};
use super::money::{ceil_to_step, checked_sum, round_money};
use super::refusal::MethodRefusal;

/// The price of one method for one shipment. Every amount is rounded to the minor unit;
/// `postal_rate = rate + fuel + notification + weekend + cod_fee` and
/// `cost = postal_rate + insurance + preparing` (absent components count as zero).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MethodPrice {
    /// Index of the method in the tariff.
    pub method: usize,
    /// Zone id within the method's zoning (an index into its zone names).
    pub zone: u16,
    /// Weight the rate was looked up with: max(gross, volumetric).
    pub chargeable_weight_g: u64,
    /// Volumetric weight, when the method uses it.
    pub volumetric_weight_g: Option<u64>,
    /// Further weight steps charged beyond the base weight.
    pub steps: u64,
    /// Cell that set the price (cell pricing), index into the method's cells.
    pub cell: Option<usize>,
    /// The weight-rate price for the zone and chargeable weight.
    pub rate: Decimal,
    /// Fuel surcharge, when the method has one.
    pub fuel: Option<Decimal>,
    /// Notification fee, when the method charges one.
    pub notification: Option<Decimal>,
    /// Weekend delivery fee, when asked for.
    pub weekend: Option<Decimal>,
    /// Cash-on-delivery fee, when asked for.
    pub cod_fee: Option<Decimal>,
    /// `rate + fuel + notification + weekend + cod_fee`.
    pub postal_rate: Decimal,
    /// Insurance of the declared value, when the method insures.
    pub insurance: Option<Decimal>,
    /// Packaging and marking total (`GetDetailsOfCost` lines), zero when the method has none.
    pub preparing: Decimal,
    /// `postal_rate + insurance + preparing`.
    pub cost: Decimal,
    /// Shortest delivery time for the zone, in days.
    pub days_min: u32,
    /// Longest delivery time for the zone, in days.
    pub days_max: u32,
    /// Pick-up point or post office serving the address, index into the method's points.
    pub point: Option<usize>,
}

impl CompiledTariff {
    /// Resolves an address against every zoning of the tariff (once per request).
    pub fn destination<'a>(&self, postal_index: &'a str, region: &'a str) -> Destination<'a> {
        let region = region.trim();
        Destination {
            zones: Zones::Every(
                self.zonings
                    .iter()
                    .map(|z| z.resolve(postal_index, region))
                    .collect(),
            ),
            index: postal_index.trim(),
            region,
        }
    }

    /// Resolves an address against the zoning of method `method` only: for pricing one
    /// method ([`CompiledTariff::price_method`]), which a batch run does tens of millions
    /// of times, without resolving the zonings the method does not use. It prices any
    /// method exactly as [`CompiledTariff::destination`] does (another method's zoning is
    /// resolved when asked; a method index out of range resolves nothing up front).
    pub fn destination_for<'a>(
        &self,
        method: usize,
        postal_index: &'a str,
        region: &'a str,
    ) -> Destination<'a> {
        let region = region.trim();
        let zones = match self.methods.get(method) {
            Some(m) => Zones::One {
                zoning: m.zoning,
                zone: self
                    .zonings
                    .get(m.zoning)
                    .and_then(|z| z.resolve(postal_index, region)),
            },
            // No zoning is `usize::MAX`: every zoning is resolved when asked.
            None => Zones::One {
                zoning: usize::MAX,
                zone: None,
            },
        };
        Destination {
            zones,
            index: postal_index.trim(),
            region,
        }
    }

    /// The zone of `dest` in zoning `zoning`.
    fn zone_in(&self, dest: &Destination<'_>, zoning: usize) -> Option<u16> {
        match &dest.zones {
            Zones::Every(zones) => zones.get(zoning).copied().flatten(),
            Zones::One { zoning: z, zone } if *z == zoning => *zone,
            Zones::One { .. } => self
                .zonings
                .get(zoning)
                .and_then(|z| z.resolve(dest.index, dest.region)),
        }
    }

    /// The name of the zone a price was looked up in (its method's zoning), as the
    /// tariff file writes it.
    pub fn zone_name(&self, price: &MethodPrice) -> Option<&str> {
        let m = self.methods.get(price.method)?;
        let z = self.zonings.get(m.zoning)?;
        z.zone_names
            .get(usize::from(price.zone))
            .map(String::as_str)
    }

    /// Prices every method, in tariff order, into `out` (cleared first). `preparing` is
    /// the packaging and marking total (see [`CompiledTariff::preparing_lines`]), added to
    /// the methods that charge it. Allocates only for refusals.
    pub fn price_all(
        &self,
        s: &Consignment,
        dest: &Destination<'_>,
        preparing: Decimal,
        out: &mut Vec<Result<MethodPrice, Vec<MethodRefusal>>>,
    ) {
        out.clear();
        for i in 0..self.methods.len() {
            out.push(self.price_method(i, s, dest, preparing));
        }
    }

    /// Prices one method (by index). Returns every reason it refuses, in a fixed order:
    /// limits, zone, pick-up point, cash on delivery, declared value, weekend.
    pub fn price_method(
        &self,
        method: usize,
        s: &Consignment,
        dest: &Destination<'_>,
        preparing: Decimal,
    ) -> Result<MethodPrice, Vec<MethodRefusal>> {
        let Some(m) = self.methods.get(method) else {
            return Err(vec![MethodRefusal::ZoneNotServed {
                postal_index: dest.index.to_string(),
            }]);
        };
        let dp = self.dp;
        let p = &s.parcel;
        let mut refusals = Vec::new();
        // The first component that overflowed exact arithmetic, reported after the
        // other refusals (which are the more useful answer when there are any).
        let mut overflow: Option<&'static str> = None;

        let exceeded = m.limits.check_box(p.outer_sorted_mm, p.gross_weight_g);
        if !exceeded.is_empty() {
            refusals.push(MethodRefusal::LimitExceeded { exceeded });
        }
        let zone = self.zone_in(dest, m.zoning);
        let rate = zone.and_then(|z| m.rates.get(usize::from(z))?.as_ref());
        if rate.is_none() {
            refusals.push(MethodRefusal::ZoneNotServed {
                postal_index: dest.index.to_string(),
            });
        }
        let point = find_point(m, dest.index);
        if m.requires_point && point.is_none() {
            refusals.push(MethodRefusal::NoPickupPoint {
                postal_index: dest.index.to_string(),
            });
        }
        let mut cod_fee = None;
        if let Some(amount) = s.cod_amount {
            match &m.cod {
                None => refusals.push(MethodRefusal::CodNotOffered),
                Some(c) if amount > c.max_amount => {
                    refusals.push(MethodRefusal::CodAmountTooHigh {
                        amount,
                        max: c.max_amount,
                    })
                }
                Some(c) => {
                    let band = c.bands.iter().find(|b| amount <= b.0);
                    let fee = band.map_or(Some(Decimal::ZERO), |(_, fixed, frac)| {
                        amount.checked_mul(*frac)?.checked_add(*fixed)
                    });
                    match fee {
                        Some(fee) => cod_fee = Some(round_money(fee.max(c.minimum), dp)),
                        None => {
                            overflow.get_or_insert("cod_fee");
                        }
                    }
                }
            }
        }
        let mut insurance = None;
        if s.declared_value > Decimal::ZERO {
            if let Some(ins) = &m.insurance {
                let v = s.declared_value;
                if v > ins.max_declared_value {
                    refusals.push(MethodRefusal::DeclaredValueTooHigh {
                        value: v,
                        max: ins.max_declared_value,
                    });
                } else {
                    let premium = match &ins.premium {
                        CPremium::Rate {
                            fraction,
                            value_step,
                        } => value_step
                            .map_or(Some(v), |st| ceil_to_step(v, st))
                            .and_then(|x| x.checked_mul(*fraction)),
                        CPremium::Tiers(tiers) => Some(
                            tiers
                                .iter()
                                .find(|(up_to, _)| v <= *up_to)
                                .map_or(Decimal::ZERO, |(_, price)| *price),
                        ),
                    };
                    match premium {
                        Some(premium) => {
                            insurance = Some(round_money(premium.max(ins.minimum), dp));
                        }
                        None => {
                            overflow.get_or_insert("insurance");
                        }
                    }
                }
            }
        }
        let weekend = if s.weekend {
            match m.weekend {
                None => {
                    refusals.push(MethodRefusal::WeekendNotOffered);
                    None
                }
                Some(w) => Some(round_money(w, dp)),
            }
        } else {
            None
        };
        let Some(rate) = rate else {
            return Err(refusals);
        };
        if !refusals.is_empty() {
            return Err(refusals);
        }
        if let Some(component) = overflow {
            return Err(vec![MethodRefusal::Unpriceable {
                component,
                chargeable_weight_g: None,
            }]);
        }

        let [l, w, h] = p.outer_sorted_mm.to_array();
        let volumetric = m.volumetric_divisor.map(|div| {
            let vol = u128::from(l) * u128::from(w) * u128::from(h);
            let g = vol.div_ceil(u128::from(div));
            u64::try_from(g).unwrap_or(u64::MAX)
        });
        let chargeable = volumetric.map_or(p.gross_weight_g, |v| v.max(p.gross_weight_g));
        let unpriceable = |component| {
            vec![MethodRefusal::Unpriceable {
                component,
                chargeable_weight_g: Some(chargeable),
            }]
        };
        let (base, steps, cell) = match m.pricing {
            CPricing::Weight { base_g, step_g } => {
                let steps = chargeable.saturating_sub(base_g).div_ceil(step_g);
                // Only an absurd weight with no max_weight_g limit can overflow.
                let Some(price) = rate
                    .per_step
                    .checked_mul(Decimal::from(steps))
                    .and_then(|x| x.checked_add(rate.base))
                else {
                    return Err(unpriceable("rate"));
                };
                (price, steps, None)
            }
            CPricing::Cell => {
                let cell = m
                    .limits
                    .cells()
                    .iter()
                    .position(|c| cell_takes(c, p.outer_sorted_mm, p.gross_weight_g));
                let price = cell
                    .and_then(|c| rate.cell_prices.get(c).copied())
                    .unwrap_or_default();
                (price, 0, cell)
            }
        };
        let base = round_money(base, dp);
        let fuel = match m.fuel {
            None => None,
            Some(f) => match base.checked_mul(f) {
                Some(x) => Some(round_money(x, dp)),
                None => return Err(unpriceable("fuel")),
            },
        };
        let notification = m.notification.map(|n| round_money(n, dp));
        let zero = Decimal::ZERO;
        let Some(postal_rate) = checked_sum([
            base,
            fuel.unwrap_or(zero),
            notification.unwrap_or(zero),
            weekend.unwrap_or(zero),
            cod_fee.unwrap_or(zero),
        ]) else {
            return Err(unpriceable("postal_rate"));
        };
        let preparing = if m.preparing {
            round_money(preparing, dp)
        } else {
            round_money(zero, dp)
        };
        let Some(cost) = checked_sum([postal_rate, insurance.unwrap_or(zero), preparing]) else {
            return Err(unpriceable("cost"));
        };
        Ok(MethodPrice {
            method,
            zone: zone.unwrap_or(0),
            chargeable_weight_g: chargeable,
            volumetric_weight_g: volumetric,
            steps,
            cell,
            rate: base,
            fuel,
            notification,
            weekend,
            cod_fee,
            postal_rate,
            insurance,
            preparing,
            cost,
            days_min: rate.days_min,
            days_max: rate.days_max,
            point,
        })
    }
}

/// The point serving an index: the longest matching `serves` prefix; ties go to the
/// earlier point in the file.
fn find_point(m: &CMethod, index: &str) -> Option<usize> {
    if index.is_empty() {
        return None;
    }
    let mut best: Option<(usize, usize)> = None;
    for (i, p) in m.points.iter().enumerate() {
        for s in &p.serves {
            if index.starts_with(s.as_str()) && best.is_none_or(|(_, len)| s.len() > len) {
                best = Some((i, s.len()));
            }
        }
    }
    best.map(|(i, _)| i)
}
