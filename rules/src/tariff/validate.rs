//! The semantic checks of a tariff file: every problem is collected, none stops the rest.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use toml::Spanned;

use super::error::{line_of, Collector, Problem, TariffError};
use super::schema::*;

fn negative(d: Decimal) -> bool {
    d.is_sign_negative() && !d.is_zero()
}

/// The largest amount of money a tariff may hold: 10¹² (a trillion roubles, złoty, …).
///
/// Why this bound: `rust_decimal` holds about 7.9 × 10²⁸. With every price, minimum,
/// maximum and band bound at most 10¹², every percentage at most [`MAX_PERCENT`] and
/// `value_step` at least one minor unit, each component the engine computes from the
/// tariff alone (a fee, a premium, a surcharge, a packaging line, their sums, VAT) stays
/// many orders of magnitude inside the representable range. What can still overflow is a
/// component driven by an absurd parcel (a weight of 10¹⁹ g on a method without a weight
/// limit, a box of 4 × 10⁹ mm sides); the engine checks every operation and refuses such a
/// parcel as `unpriceable`, never panics. See `docs/pricing.md` ("Representable range").
pub const MAX_MONEY: Decimal = Decimal::from_parts(0xD4A5_1000, 0xE8, 0, false, 0);

/// The largest fuel surcharge, in percent (ten times the rate). VAT, insurance and
/// cash-on-delivery rates are percentages of a whole and stay within 0–100.
pub const MAX_PERCENT: Decimal = Decimal::from_parts(1000, 0, 0, false, 0);

/// The most digits of a minor unit a currency may have (`tariff.minor_units`).
pub const MAX_MINOR_UNITS: u32 = 4;

/// Reports `v` (a money amount at `key`) when it is negative or above [`MAX_MONEY`].
fn check_money(
    c: &mut Collector<'_>,
    span: &Option<std::ops::Range<usize>>,
    key: String,
    v: Decimal,
) {
    if negative(v) {
        c.at(span.clone(), key, "must not be negative");
    } else if v > MAX_MONEY {
        c.at(span.clone(), key, above_max_money());
    }
}

fn above_max_money() -> String {
    format!("must be at most {MAX_MONEY} (the largest amount courier prices)")
}

impl Tariff {
    /// Parses and validates a tariff. Every semantic problem is reported, each with its
    /// line and key; a syntax or type error is reported alone.
    ///
    /// A leading UTF-8 byte-order mark is ignored (`courier_rules::encoding`).
    pub fn from_toml_str(text: &str) -> Result<Tariff, TariffError> {
        let text = crate::encoding::strip_bom(text);
        let tariff: Tariff = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start));
            TariffError {
                problems: vec![Problem {
                    line,
                    key: "toml".into(),
                    message: e.message().trim().to_string(),
                }],
            }
        })?;
        let problems = tariff.validate(text);
        if problems.is_empty() {
            Ok(tariff)
        } else {
            Err(TariffError { problems })
        }
    }

    /// Every semantic problem; `text` is the source the spans point into.
    pub fn validate(&self, text: &str) -> Vec<Problem> {
        let mut c = Collector {
            text,
            problems: Vec::new(),
        };
        self.validate_header(&mut c);
        let zones = self.validate_zonings(&mut c);
        let minor_units = self.tariff.get_ref().minor_units.min(MAX_MINOR_UNITS);
        let mut type_ids = BTreeSet::new();
        let mut codes = BTreeSet::new();
        for (i, m) in self.methods.iter().enumerate() {
            let span = Some(m.span());
            let m = m.get_ref();
            let at = format!("method[{i}] ({})", m.code);
            if !type_ids.insert(m.type_id) {
                c.at(
                    span.clone(),
                    format!("{at}.type_id"),
                    format!("duplicate type_id {}", m.type_id),
                );
            }
            if m.code.trim().is_empty() {
                c.at(span.clone(), format!("{at}.code"), "must not be empty");
            } else if !codes.insert(m.code.clone()) {
                c.at(span.clone(), format!("{at}.code"), "duplicate method code");
            }
            if m.name.trim().is_empty() {
                c.at(span.clone(), format!("{at}.name"), "must not be empty");
            }
            validate_method(&mut c, m, span, &at, &zones, minor_units);
        }
        if self.methods.is_empty() {
            c.at(None, "method".into(), "at least one [[method]] is required");
        }
        if let Some(p) = &self.packaging {
            validate_packaging(&mut c, p);
        }
        c.problems.sort_by_key(|p| p.line.unwrap_or(0));
        c.problems
    }

    fn validate_header(&self, c: &mut Collector<'_>) {
        let span = Some(self.tariff.span());
        let h = self.tariff.get_ref();
        for (k, v) in [("id", &h.id), ("carrier", &h.carrier), ("name", &h.name)] {
            if v.trim().is_empty() {
                c.at(span.clone(), format!("tariff.{k}"), "must not be empty");
            }
        }
        if h.currency.len() != 3 || !h.currency.bytes().all(|b| b.is_ascii_uppercase()) {
            c.at(
                span.clone(),
                "tariff.currency".into(),
                format!(
                    "{:?} is not an ISO 4217 code (three upper-case letters)",
                    h.currency
                ),
            );
        }
        if h.minor_units > MAX_MINOR_UNITS {
            c.at(span, "tariff.minor_units".into(), "must be between 0 and 4");
        }
        let mut dates = BTreeSet::new();
        for (i, v) in self.vat.iter().enumerate() {
            let r = v.get_ref();
            if negative(r.rate_percent) || r.rate_percent > Decimal::ONE_HUNDRED {
                c.at(
                    Some(v.span()),
                    format!("vat[{i}].rate_percent"),
                    "must be between 0 and 100",
                );
            }
            if !dates.insert(r.effective_from) {
                c.at(
                    Some(v.span()),
                    format!("vat[{i}].effective_from"),
                    "duplicate effective date",
                );
            }
        }
    }

    /// Validates zonings; returns zoning id → set of zone names.
    fn validate_zonings(&self, c: &mut Collector<'_>) -> BTreeMap<String, BTreeSet<String>> {
        let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (i, z) in self.zoning.iter().enumerate() {
            let span = Some(z.span());
            let z = z.get_ref();
            let at = format!("zoning[{i}] ({})", z.id);
            if z.id.trim().is_empty() {
                c.at(span.clone(), format!("{at}.id"), "must not be empty");
            }
            if out.contains_key(&z.id) {
                c.at(span.clone(), format!("{at}.id"), "duplicate zoning id");
            }
            let mut names = BTreeSet::new();
            if let Some(d) = &z.default_zone {
                if d.trim().is_empty() {
                    c.at(
                        span.clone(),
                        format!("{at}.default_zone"),
                        "must not be empty",
                    );
                }
                names.insert(d.clone());
            }
            if z.rules.is_empty() && z.default_zone.is_none() {
                c.at(
                    span.clone(),
                    format!("{at}.rule"),
                    "a zoning needs rules or a default_zone",
                );
            }
            for (j, r) in z.rules.iter().enumerate() {
                let rat = format!("{at}.rule[{j}]");
                if r.zone.trim().is_empty() {
                    c.at(span.clone(), format!("{rat}.zone"), "must not be empty");
                }
                names.insert(r.zone.clone());
                if r.prefix.is_empty() && r.range.is_empty() && r.region.is_empty() {
                    c.at(
                        span.clone(),
                        rat.clone(),
                        "needs at least one prefix, range or region",
                    );
                }
                for (k, p) in r.prefix.iter().enumerate() {
                    if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                        c.at(
                            span.clone(),
                            format!("{rat}.prefix[{k}]"),
                            format!("{p:?} must be digits"),
                        );
                    }
                }
                for (k, [lo, hi]) in r.range.iter().enumerate() {
                    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
                    if !digits(lo) || !digits(hi) || lo.len() != hi.len() {
                        c.at(
                            span.clone(),
                            format!("{rat}.range[{k}]"),
                            "bounds must be digit strings of the same length",
                        );
                    } else if lo > hi {
                        c.at(
                            span.clone(),
                            format!("{rat}.range[{k}]"),
                            format!("{lo} is above {hi}"),
                        );
                    }
                }
                for (k, reg) in r.region.iter().enumerate() {
                    if reg.trim().is_empty() {
                        c.at(
                            span.clone(),
                            format!("{rat}.region[{k}]"),
                            "must not be empty",
                        );
                    }
                }
            }
            check_shadowing(c, &span, &at, &z.rules);
            out.insert(z.id.clone(), names);
        }
        out
    }
}

/// Rules are tried in file order and the first match wins, so an entry (prefix, range,
/// region) that an earlier rule of **another zone** matches entirely is never reached:
/// adding prefix `"6"` to Moscow's rule silently priced Kamchatka (`"684"`, further down)
/// as Moscow (issue 16). Each such entry is a problem naming the rule that shadows it.
/// Partial overlaps stay allowed: a specific rule before a broad one is the intended
/// way to carve out an exception. Redundancy within one zone changes no price and is
/// not reported.
fn check_shadowing(
    c: &mut Collector<'_>,
    span: &Option<std::ops::Range<usize>>,
    at: &str,
    rules: &[ZoneRule],
) {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    for (j, r) in rules.iter().enumerate() {
        let earlier = || {
            rules
                .iter()
                .enumerate()
                .take(j)
                .filter(|(_, e)| e.zone != r.zone)
        };
        let report = |c: &mut Collector<'_>, key: String, what: String, i: usize, by: String| {
            c.at(
                span.clone(),
                key,
                format!(
                    "{what} is never reached: rule[{i}] (zone {:?}) {by} matches it first; \
                     put the more specific rule first",
                    rules[i].zone
                ),
            );
        };
        for (k, p) in r.prefix.iter().enumerate().filter(|(_, p)| digits(p)) {
            let hit = earlier().find_map(|(i, e)| {
                e.prefix
                    .iter()
                    .find(|q| digits(q) && p.starts_with(q.as_str()))
                    .map(|q| (i, format!("prefix {q:?}")))
            });
            if let Some((i, by)) = hit {
                report(
                    c,
                    format!("{at}.rule[{j}].prefix[{k}]"),
                    format!("prefix {p:?}"),
                    i,
                    by,
                );
            }
        }
        for (k, [lo, hi]) in r.range.iter().enumerate() {
            if !digits(lo) || !digits(hi) || lo.len() != hi.len() || lo > hi {
                continue;
            }
            let hit = earlier().find_map(|(i, e)| {
                let by_prefix = e
                    .prefix
                    .iter()
                    .find(|q| digits(q) && lo.starts_with(q.as_str()) && hi.starts_with(q.as_str()))
                    .map(|q| format!("prefix {q:?}"));
                let by_range = || {
                    e.range
                        .iter()
                        .find(|[a, b]| a.len() == lo.len() && a <= lo && hi <= b)
                        .map(|[a, b]| format!("range [{a:?}, {b:?}]"))
                };
                by_prefix.or_else(by_range).map(|by| (i, by))
            });
            if let Some((i, by)) = hit {
                report(
                    c,
                    format!("{at}.rule[{j}].range[{k}]"),
                    format!("range [{lo:?}, {hi:?}]"),
                    i,
                    by,
                );
            }
        }
        for (k, g) in r.region.iter().enumerate() {
            let norm = |s: &str| s.trim().to_lowercase();
            let g = norm(g);
            if g.is_empty() {
                continue;
            }
            let hit = earlier().find_map(|(i, e)| {
                e.region
                    .iter()
                    .find(|x| norm(x) == g)
                    .map(|x| (i, format!("region {x:?}")))
            });
            if let Some((i, by)) = hit {
                report(
                    c,
                    format!("{at}.rule[{j}].region[{k}]"),
                    format!("region {:?}", r.region[k]),
                    i,
                    by,
                );
            }
        }
    }
}

/// Checks one `[[method]]`: its shape, rates, insurance, cash on delivery, surcharges and
/// points, each problem collected with `at` (`method[2] (ems)`) as its key prefix.
fn validate_method(
    c: &mut Collector<'_>,
    m: &Method,
    span: Option<std::ops::Range<usize>>,
    at: &str,
    zones: &BTreeMap<String, BTreeSet<String>>,
    minor_units: u32,
) {
    let zone_names = check_method_shape(c, m, &span, at, zones);
    check_rates(c, m, at, zone_names);
    check_insurance(c, m, at, minor_units);
    check_cod(c, m, at);
    check_surcharges(c, m, &span, at);
    check_points(c, m, &span, at);
}

/// Limits, zoning, pricing mode and volumetric divisor; returns the zones of the method's zoning, if that zoning exists.
fn check_method_shape<'z>(
    c: &mut Collector<'_>,
    m: &Method,
    span: &Option<std::ops::Range<usize>>,
    at: &str,
    zones: &'z BTreeMap<String, BTreeSet<String>>,
) -> Option<&'z BTreeSet<String>> {
    for p in m.limits.validate(&format!("{at}.limits")) {
        let (key, msg) = p.split_once(": ").unwrap_or((p.as_str(), "invalid"));
        c.at(span.clone(), key.to_string(), msg.to_string());
    }
    let zone_names = zones.get(&m.zoning);
    if zone_names.is_none() {
        c.at(
            span.clone(),
            format!("{at}.zoning"),
            format!("no [[zoning]] with id {:?}", m.zoning),
        );
    }
    match m.pricing {
        Pricing::Weight => {
            if m.base_weight_g.is_none_or(|w| w == 0) {
                c.at(
                    span.clone(),
                    format!("{at}.base_weight_g"),
                    "weight pricing needs base_weight_g > 0",
                );
            }
            if m.step_g.is_none_or(|w| w == 0) {
                c.at(
                    span.clone(),
                    format!("{at}.step_g"),
                    "weight pricing needs step_g > 0",
                );
            }
        }
        Pricing::Cell => {
            if m.limits.cells.is_empty() {
                c.at(
                    span.clone(),
                    format!("{at}.limits.cell"),
                    "cell pricing needs at least one [[method.limits.cell]]",
                );
            }
        }
    }
    if m.volumetric_divisor == Some(0) {
        c.at(
            span.clone(),
            format!("{at}.volumetric_divisor"),
            "must be greater than 0",
        );
    }
    if m.rate.is_empty() {
        c.at(
            span.clone(),
            format!("{at}.rate"),
            "at least one [[method.rate]] is required",
        );
    }
    zone_names
}

/// Each `[[method.rate]]`: a zone of the zoning, once, with sane prices and days.
fn check_rates(c: &mut Collector<'_>, m: &Method, at: &str, zone_names: Option<&BTreeSet<String>>) {
    let mut seen = BTreeSet::new();
    for (j, r) in m.rate.iter().enumerate() {
        let rspan = Some(r.span());
        let r = r.get_ref();
        let rat = format!("{at}.rate[{j}]");
        if let Some(names) = zone_names {
            if !names.contains(&r.zone) {
                c.at(
                    rspan.clone(),
                    format!("{rat}.zone"),
                    format!("zone {:?} is not defined in zoning {:?}", r.zone, m.zoning),
                );
            }
        }
        if !seen.insert(r.zone.clone()) {
            c.at(
                rspan.clone(),
                format!("{rat}.zone"),
                "duplicate rate for this zone",
            );
        }
        if r.days_min > r.days_max {
            c.at(
                rspan.clone(),
                format!("{rat}.days_min"),
                format!("{} is above days_max {}", r.days_min, r.days_max),
            );
        }
        match m.pricing {
            Pricing::Weight => {
                for (k, v) in [("base", r.base), ("per_step", r.per_step)] {
                    match v {
                        None => c.at(
                            rspan.clone(),
                            format!("{rat}.{k}"),
                            "required with weight pricing",
                        ),
                        Some(d) => check_money(c, &rspan, format!("{rat}.{k}"), d),
                    }
                }
                if !r.cell_prices.is_empty() {
                    c.at(
                        rspan.clone(),
                        format!("{rat}.cell_prices"),
                        "only used with pricing = \"cell\"",
                    );
                }
            }
            Pricing::Cell => {
                for cell in &m.limits.cells {
                    match r.cell_prices.get(&cell.name) {
                        None => c.at(
                            rspan.clone(),
                            format!("{rat}.cell_prices"),
                            format!("no price for cell {:?}", cell.name),
                        ),
                        Some(d) => {
                            check_money(c, &rspan, format!("{rat}.cell_prices.{}", cell.name), *d)
                        }
                    }
                }
                for name in r.cell_prices.keys() {
                    if !m.limits.cells.iter().any(|cell| &cell.name == name) {
                        c.at(
                            rspan.clone(),
                            format!("{rat}.cell_prices.{name}"),
                            "no such cell in limits",
                        );
                    }
                }
                if r.base.is_some() || r.per_step.is_some() {
                    c.at(
                        rspan.clone(),
                        rat.clone(),
                        "base/per_step are only used with weight pricing",
                    );
                }
            }
        }
    }
}

/// The insurance rule: rates, tiers and bounds.
fn check_insurance(c: &mut Collector<'_>, m: &Method, at: &str, minor_units: u32) {
    if let Some(ins) = &m.insurance {
        let ispan = Some(ins.span());
        let ins = ins.get_ref();
        let iat = format!("{at}.insurance");
        match (ins.rate_percent, ins.tier.is_empty()) {
            (Some(_), false) => c.at(
                ispan.clone(),
                iat.clone(),
                "give rate_percent or tiers, not both",
            ),
            (None, true) => c.at(ispan.clone(), iat.clone(), "needs rate_percent or [[tier]]"),
            _ => {}
        }
        if ins
            .rate_percent
            .is_some_and(|r| negative(r) || r > Decimal::ONE_HUNDRED)
        {
            c.at(
                ispan.clone(),
                format!("{iat}.rate_percent"),
                "must be between 0 and 100",
            );
        }
        // A step below the minor unit is meaningless (the premium is rounded to it) and,
        // tiny enough, overflows the division `value / step`.
        let minor_unit = Decimal::new(1, minor_units);
        if let Some(s) = ins.value_step {
            if s <= Decimal::ZERO {
                c.at(
                    ispan.clone(),
                    format!("{iat}.value_step"),
                    "must be greater than 0",
                );
            } else if s < minor_unit {
                c.at(
                    ispan.clone(),
                    format!("{iat}.value_step"),
                    format!("must be at least one minor unit ({minor_unit})"),
                );
            } else if s > MAX_MONEY {
                c.at(
                    ispan.clone(),
                    format!("{iat}.value_step"),
                    above_max_money(),
                );
            }
        }
        check_money(c, &ispan, format!("{iat}.minimum"), ins.minimum);
        if ins.max_declared_value <= Decimal::ZERO {
            c.at(
                ispan.clone(),
                format!("{iat}.max_declared_value"),
                "must be greater than 0",
            );
        } else if ins.max_declared_value > MAX_MONEY {
            c.at(
                ispan.clone(),
                format!("{iat}.max_declared_value"),
                above_max_money(),
            );
        }
        check_bands(
            c,
            ispan.clone(),
            &format!("{iat}.tier"),
            ins.tier.iter().map(|t| (t.up_to, [t.price])),
        );
        for (k, pair) in ins.tier.windows(2).enumerate() {
            if let [a, b] = pair {
                if b.price < a.price {
                    c.at(
                        ispan.clone(),
                        format!("{iat}.tier[{}].price", k + 1),
                        "must not be below the previous tier's price (premiums never drop as value grows)",
                    );
                }
            }
        }
        if let Some(last) = ins.tier.last() {
            if last.up_to < ins.max_declared_value {
                c.at(
                    ispan,
                    format!("{iat}.tier"),
                    format!(
                        "the last tier ends at {} below max_declared_value {}",
                        last.up_to, ins.max_declared_value
                    ),
                );
            }
        }
    }
}

/// The cash-on-delivery fee: rates and bands.
fn check_cod(c: &mut Collector<'_>, m: &Method, at: &str) {
    if let Some(cod) = &m.cod {
        let cspan = Some(cod.span());
        let cod = cod.get_ref();
        let cat = format!("{at}.cod");
        check_money(c, &cspan, format!("{cat}.minimum"), cod.minimum);
        if cod.max_amount <= Decimal::ZERO {
            c.at(
                cspan.clone(),
                format!("{cat}.max_amount"),
                "must be greater than 0",
            );
        } else if cod.max_amount > MAX_MONEY {
            c.at(
                cspan.clone(),
                format!("{cat}.max_amount"),
                above_max_money(),
            );
        }
        if cod.band.is_empty() {
            c.at(
                cspan.clone(),
                format!("{cat}.band"),
                "at least one [[band]] is required",
            );
        }
        check_bands(
            c,
            cspan.clone(),
            &format!("{cat}.band"),
            cod.band.iter().map(|b| (b.up_to, [b.fixed])),
        );
        for (k, b) in cod.band.iter().enumerate() {
            if negative(b.rate_percent) || b.rate_percent > Decimal::ONE_HUNDRED {
                c.at(
                    cspan.clone(),
                    format!("{cat}.band[{k}].rate_percent"),
                    "must be between 0 and 100",
                );
            }
        }
        // Each band is increasing in the amount; the fee must not drop where one band
        // hands over to the next, so the fee never decreases as the amount grows.
        // Checked: out-of-range bands are reported above, and must not panic here.
        let fee_at = |fixed: Decimal, up_to: Decimal, percent: Decimal| {
            up_to
                .checked_mul(percent)
                .map(|x| x / Decimal::ONE_HUNDRED)
                .and_then(|x| x.checked_add(fixed))
        };
        for (k, pair) in cod.band.windows(2).enumerate() {
            if let [a, b] = pair {
                let end_of_a = fee_at(a.fixed, a.up_to, a.rate_percent);
                let b_rate_part = fee_at(Decimal::ZERO, a.up_to, b.rate_percent);
                let start_of_b = b_rate_part.and_then(|x| x.checked_add(b.fixed));
                let needed = end_of_a
                    .zip(b_rate_part)
                    .and_then(|(e, r)| e.checked_sub(r));
                let (Some(end_of_a), Some(start_of_b), Some(needed)) =
                    (end_of_a, start_of_b, needed)
                else {
                    continue;
                };
                if start_of_b < end_of_a {
                    c.at(
                        cspan.clone(),
                        format!("{cat}.band[{}]", k + 1),
                        format!(
                            "the fee would drop from {} to {} just above {}: make fixed at least {}",
                            end_of_a.normalize(),
                            start_of_b.normalize(),
                            a.up_to,
                            needed.normalize()
                        ),
                    );
                }
            }
        }
        if let Some(last) = cod.band.last() {
            if last.up_to < cod.max_amount {
                c.at(
                    cspan,
                    format!("{cat}.band"),
                    format!(
                        "the last band ends at {} below max_amount {}",
                        last.up_to, cod.max_amount
                    ),
                );
            }
        }
    }
}

/// Surcharges: none negative.
fn check_surcharges(
    c: &mut Collector<'_>,
    m: &Method,
    span: &Option<std::ops::Range<usize>>,
    at: &str,
) {
    let s = &m.surcharges;
    if let Some(f) = s.fuel_percent {
        if negative(f) || f > MAX_PERCENT {
            c.at(
                span.clone(),
                format!("{at}.surcharges.fuel_percent"),
                format!("must be between 0 and {MAX_PERCENT}"),
            );
        }
    }
    for (k, v) in [("notification", s.notification), ("weekend", s.weekend)] {
        if let Some(v) = v {
            check_money(c, span, format!("{at}.surcharges.{k}"), v);
        }
    }
}

/// Pick-up points: present when required, each with digits-only indexes served.
fn check_points(
    c: &mut Collector<'_>,
    m: &Method,
    span: &Option<std::ops::Range<usize>>,
    at: &str,
) {
    if m.requires_point && m.point.is_empty() {
        c.at(
            span.clone(),
            format!("{at}.point"),
            "requires_point needs at least one [[method.point]]",
        );
    }
    for (j, p) in m.point.iter().enumerate() {
        let pspan = Some(p.span());
        let p = p.get_ref();
        let pat = format!("{at}.point[{j}] ({})", p.code);
        for (k, v) in [
            ("code", &p.code),
            ("address", &p.address),
            ("hours", &p.hours),
        ] {
            if v.trim().is_empty() {
                c.at(pspan.clone(), format!("{pat}.{k}"), "must not be empty");
            }
        }
        if p.serves.is_empty() {
            c.at(
                pspan.clone(),
                format!("{pat}.serves"),
                "needs at least one postal index prefix",
            );
        }
        for (k, s) in p.serves.iter().enumerate() {
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                c.at(
                    pspan.clone(),
                    format!("{pat}.serves[{k}]"),
                    format!("{s:?} must be digits"),
                );
            }
        }
    }
}

/// Bands must be in strictly increasing `up_to` order with non-negative prices.
fn check_bands<const N: usize>(
    c: &mut Collector<'_>,
    span: Option<std::ops::Range<usize>>,
    at: &str,
    bands: impl Iterator<Item = (Decimal, [Decimal; N])>,
) {
    let mut prev: Option<Decimal> = None;
    for (k, (up_to, prices)) in bands.enumerate() {
        if up_to <= Decimal::ZERO {
            c.at(
                span.clone(),
                format!("{at}[{k}].up_to"),
                "must be greater than 0",
            );
        } else if up_to > MAX_MONEY {
            c.at(span.clone(), format!("{at}[{k}].up_to"), above_max_money());
        }
        if prev.is_some_and(|p| up_to <= p) {
            c.at(
                span.clone(),
                format!("{at}[{k}].up_to"),
                "must be above the previous up_to",
            );
        }
        if prices.iter().any(|p| negative(*p)) {
            c.at(
                span.clone(),
                format!("{at}[{k}]"),
                "prices must not be negative",
            );
        } else if prices.iter().any(|p| *p > MAX_MONEY) {
            c.at(
                span.clone(),
                format!("{at}[{k}]"),
                format!("prices {}", above_max_money()),
            );
        }
        prev = Some(up_to);
    }
}

fn validate_packaging(c: &mut Collector<'_>, p: &Spanned<Packaging>) {
    let span = Some(p.span());
    let p = p.get_ref();
    for (k, v) in [
        ("bubble_wrap_per_m2", p.bubble_wrap_per_m2),
        ("filler_per_litre", p.filler_per_litre),
        ("sturdy", p.sturdy),
        ("label", p.label),
        ("handling_per_unit", p.handling_per_unit),
    ] {
        check_money(c, &span, format!("packaging.{k}"), v);
    }
    if p.boxes.is_empty() {
        c.at(
            span.clone(),
            "packaging.box".into(),
            "at least one [[packaging.box]] is required",
        );
    }
    let mut refs = BTreeSet::new();
    for (i, b) in p.boxes.iter().enumerate() {
        let at = format!("packaging.box[{i}] ({})", b.reference);
        for problem in b.validate(&at) {
            let (key, msg) = problem
                .split_once(": ")
                .unwrap_or((problem.as_str(), "invalid"));
            c.at(span.clone(), key.to_string(), msg.to_string());
        }
        if b.price.is_some_and(|v| v > MAX_MONEY) {
            c.at(span.clone(), format!("{at}.price"), above_max_money());
        }
        if !refs.insert(b.reference.clone()) {
            c.at(
                span.clone(),
                format!("{at}.reference"),
                "duplicate box reference",
            );
        }
    }
}
