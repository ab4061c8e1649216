//! Structured extreme tariffs (issue 16): the text fuzzer of `tariff_quote` almost never
//! writes a 29-digit price in the right key, so this target lets `arbitrary` choose the
//! *values* — ordinary amounts, the bound `MAX_MONEY`, just over it, `Decimal::MAX`,
//! 10⁻²⁸, negatives, any mantissa and scale — of the money and percentage keys of the
//! sample Aplix and InPost tariffs, and the request's declared value, COD, weekend, seal
//! and date.
//!
//! Asserted: `CompiledTariff::from_toml_str` (what `courier tariff check` runs) accepts or
//! refuses with every problem naming a key and a line; an accepted tariff quotes the
//! requests (options add up, `details` add up, deterministic) and, when the request's
//! amounts are within the range, never refuses as `unpriceable`; a refused tariff,
//! compiled anyway without validation (which refuses only a limit or box it cannot
//! represent, e.g. a negative box price), quotes and prices ShipX without panicking.
#![no_main]

use arbitrary::Arbitrary;
use courier_engine::pricing::{
    CompiledTariff, QuoteRequest, ShipxCalculationRequest, ShipxOutcome,
};
use courier_fuzz::QUICK;
use courier_rules::tariff::{Tariff, MAX_MONEY};
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;

const APLIX: &str = include_str!("../../data/tariffs/aplix.toml");
const INPOST: &str = include_str!("../../data/tariffs/inpost.toml");
const MOSCOW: &str = include_str!("../../data/samples/quote/moscow_basket.json");
const SHIPX: &str = include_str!("../../data/samples/quote/shipx_calculate.json");

/// Keys of the Aplix sample a value may replace (first occurrence of each line).
const APLIX_KEYS: [&str; 16] = [
    "fuel_percent = \"7.5\"",
    "notification = \"15.00\"",
    "weekend = \"300.00\"",
    "label = \"12.00\"",
    "sturdy = \"150.00\"",
    "handling_per_unit = \"7.50\"",
    "filler_per_litre = \"1.80\"",
    "fixed = \"190\"",
    "up_to = \"20000\"",
    "minimum = \"10.00\"",
    "value_step = \"1\"",
    "per_step = \"40.00\"",
    "base = \"350.00\"",
    "max_declared_value = \"100000\"",
    "rate_percent = \"4\"",
    "price = \"25.00\"",
];

/// Keys of the InPost sample.
const INPOST_KEYS: [&str; 6] = [
    "A = \"12.99\"",
    "weekend = \"4.99\"",
    "notification = \"0.00\"",
    "fuel_percent = \"5\"",
    "minimum = \"3.50\"",
    "fixed = \"0\"",
];

/// A decimal chosen to reach the edges of the representable range.
#[derive(Debug, Arbitrary)]
enum Amount {
    Cents(u32),
    AtBound,
    JustOver,
    Max,
    Tiny,
    Negative(u16),
    /// Any 96-bit mantissa at any scale 0–28.
    Raw {
        mantissa: u128,
        scale: u8,
        negative: bool,
    },
}

impl Amount {
    fn decimal(&self) -> Decimal {
        match self {
            Amount::Cents(c) => Decimal::new(i64::from(*c), 2),
            Amount::AtBound => MAX_MONEY,
            Amount::JustOver => MAX_MONEY + Decimal::new(1, 2),
            Amount::Max => Decimal::MAX,
            Amount::Tiny => Decimal::new(1, 28),
            Amount::Negative(c) => -Decimal::new(i64::from(*c), 2),
            Amount::Raw {
                mantissa,
                scale,
                negative,
            } => {
                let m = (mantissa & ((1u128 << 96) - 1)) as i128;
                let d = Decimal::try_from_i128_with_scale(m, u32::from(*scale % 29))
                    .unwrap_or(Decimal::MAX);
                if *negative {
                    -d
                } else {
                    d
                }
            }
        }
    }
}

#[derive(Debug, Arbitrary)]
struct Input {
    aplix: [Option<Amount>; 16],
    inpost: [Option<Amount>; 6],
    declared: Amount,
    cod_amount: Option<Amount>,
    cod: bool,
    weekend: bool,
    seal: u8,
    dated: bool,
    shipx_insurance: Option<Amount>,
}

fn with_values(text: &str, keys: &[&str], values: &[Option<Amount>]) -> String {
    let mut text = text.to_string();
    for (k, v) in keys.iter().zip(values) {
        let Some(v) = v else { continue };
        let (name, _) = k.split_once(" = ").unwrap_or((k, ""));
        text = text.replacen(k, &format!("{name} = \"{}\"", v.decimal()), 1);
    }
    text
}

fn within(d: Decimal) -> bool {
    !d.is_sign_negative() && d <= MAX_MONEY
}

fuzz_target!(|input: Input| {
    let mut req: QuoteRequest = serde_json::from_str(MOSCOW).expect("sample request");
    req.declared_value = input.declared.decimal();
    req.cash_on_delivery = input.cod;
    req.cod_amount = input
        .cod_amount
        .as_ref()
        .map(Amount::decimal)
        .filter(|_| input.cod);
    req.weekend_delivery = input.weekend;
    req.type_of_seal = (1 + input.seal % 3).try_into().expect("1..=3");
    if !input.dated {
        req.date = None;
    }
    let ordinary = within(req.declared_value) && req.cod_amount.is_none_or(within);

    let aplix = with_values(APLIX, &APLIX_KEYS, &input.aplix);
    match CompiledTariff::from_toml_str(&aplix) {
        Ok(t) => {
            if let Ok(q) = t.quote_with(&req, &QUICK) {
                for o in &q.options {
                    assert_eq!(o.cost, o.postal_rate + o.insurance + o.preparing_cost);
                    let lines = t.details(&q, o.type_id).expect("offered");
                    let sum: Decimal = lines.iter().map(|l| l.cost).sum();
                    assert_eq!(sum, o.preparing_cost, "{}: details", o.code);
                }
                if ordinary {
                    for r in &q.refused {
                        assert!(
                            r.reasons.iter().all(|x| x.code() != "unpriceable"),
                            "an accepted tariff left {} unpriceable: {}",
                            r.code,
                            r.comment
                        );
                    }
                }
                assert_eq!(t.quote_with(&req, &QUICK).ok(), Some(q), "deterministic");
            }
        }
        Err(e) => {
            for p in &e.problems {
                assert!(p.line.is_some() || p.key == "method", "no line: {p}");
                assert!(!p.key.is_empty() && !p.message.is_empty());
            }
            let raw = toml::from_str::<Tariff>(&aplix).ok();
            if let Some(t) = raw.and_then(|raw| CompiledTariff::compile(&raw, 0).ok()) {
                if let Ok(q) = t.quote_with(&req, &QUICK) {
                    for o in &q.options {
                        assert_eq!(o.cost, o.postal_rate + o.insurance + o.preparing_cost);
                    }
                }
            }
        }
    }

    let inpost = with_values(INPOST, &INPOST_KEYS, &input.inpost);
    let mut shipx: ShipxCalculationRequest = serde_json::from_str(SHIPX).expect("sample");
    if let (Some(a), Some(ins)) = (
        &input.shipx_insurance,
        shipx.shipments[0].insurance.as_mut(),
    ) {
        ins.amount = a.decimal();
    }
    let checked = CompiledTariff::from_toml_str(&inpost);
    let t = match &checked {
        Ok(t) => t.clone(),
        Err(_) => match toml::from_str::<Tariff>(&inpost).map(|raw| CompiledTariff::compile(&raw, 0)) {
            Ok(Ok(t)) => t,
            _ => return,
        },
    };
    let out = t.shipx_calculate(&shipx);
    assert_eq!(out.len(), shipx.shipments.len());
    for o in &out {
        if let ShipxOutcome::Priced(c) = o {
            assert_eq!(
                c.total_charge_amount,
                c.calculated_charge_amount
                    + c.end_of_week_collection_charge_amount.unwrap_or_default()
            );
        }
    }
});
