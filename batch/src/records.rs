//! The four inputs as typed rows, and their row parsers.
//!
//! A parser returns the row or a [`Reject`] naming the field and why; it never
//! defaults a value. Checks here are about the row alone (a number is a number, a
//! carrier has a tariff, a currency is the tariff's); whether a parcel can be carried is
//! the engine's question, asked later.

use chrono::{DateTime, NaiveDate, Utc};
use courier_engine::pricing::Seal;
use courier_engine::Sides;
use courier_rules::inpost::refund::{ClientType, DispatchKind};
use rust_decimal::Decimal;

use crate::fields;
use crate::money::Money;
use crate::partition::Partition;
use crate::profile::{FormatProfile, WeightUnit};
use crate::reject::{InputKind, Reject};
use crate::source::{Layout, Record};
use crate::tariffs::TariffBook;

/// Where a row came from: the index of its file in the run's input list and its line.
/// Orders every "first" (first registry row of an order, first copy of a line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RowRef {
    pub file: u32,
    pub line: u64,
}

/// The amounts of an invoice line, in column order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Component {
    PostalRate,
    Insurance,
    CodFee,
    Preparing,
    Fuel,
    Notification,
    WeekendFee,
    Total,
}

impl Component {
    /// Every component, `Total` last.
    pub const ALL: [Component; 8] = [
        Component::PostalRate,
        Component::Insurance,
        Component::CodFee,
        Component::Preparing,
        Component::Fuel,
        Component::Notification,
        Component::WeekendFee,
        Component::Total,
    ];

    /// The column name.
    pub fn name(self) -> &'static str {
        match self {
            Component::PostalRate => "postal_rate",
            Component::Insurance => "insurance",
            Component::CodFee => "cod_fee",
            Component::Preparing => "preparing",
            Component::Fuel => "fuel",
            Component::Notification => "notification",
            Component::WeekendFee => "weekend_fee",
            Component::Total => "total",
        }
    }

    /// By column name.
    pub fn from_name(name: &str) -> Option<Component> {
        Component::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// One amount per [`Component`], `Total` last.
pub type Amounts = [Money; 8];

/// A row's texts end to end in one allocation: a registry parcel's order id, method,
/// postal index and region ([`ParcelTexts`]), an invoice line's five identifiers
/// ([`LineTexts`]).
///
/// A comparison holds every parcel of the registry at once (ten million at the
/// benchmark), a reconciliation's bucket two million parcels and their lines, and on
/// this machine every gigabyte of memory first touched costs one to three CPU-seconds
/// (BENCHMARKS.md, "The output floor; rounding in one division, smaller rows"). A boxed
/// string per text was 16 bytes and an allocation each (four per parcel, five per
/// line); this is 16 bytes, 8 per text, and one allocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Texts<const N: usize> {
    text: Box<str>,
    /// Where each text ends in `text` (it starts where the one before ends).
    ends: [usize; N],
}

/// A registry parcel's order id, method, postal index and region.
pub type ParcelTexts = Texts<4>;

/// An invoice line's invoice id, line id, order id, track number and method.
pub type LineTexts = Texts<5>;

impl<const N: usize> Texts<N> {
    /// `parts`, in the order the accessors of the row that holds them read them.
    pub fn new(parts: [&str; N]) -> Texts<N> {
        let mut text = String::with_capacity(parts.iter().map(|p| p.len()).sum());
        let mut ends = [0; N];
        for (end, part) in ends.iter_mut().zip(parts) {
            text.push_str(part);
            *end = text.len();
        }
        Texts {
            text: text.into_boxed_str(),
            ends,
        }
    }

    /// Text `i` ("" past the last).
    fn part(&self, i: usize) -> &str {
        let from = match i {
            0 => 0,
            _ => self.ends.get(i - 1).copied().unwrap_or(self.text.len()),
        };
        let to = self.ends.get(i).copied().unwrap_or(from);
        // The ends were taken at the boundaries of whole `&str`s pushed in order, so
        // they rise and fall on character boundaries: `get` never misses.
        self.text.get(from..to).unwrap_or_default()
    }
}

/// A registry row: one parcel we handed to a carrier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryParcel {
    /// The order id, method, postal index and region ([`RegistryParcel::order_id`] and
    /// the other accessors).
    pub texts: ParcelTexts,
    pub carrier: u16,
    /// The day the parcel was handed to the carrier (the tariff comparison's month and
    /// VAT date).
    pub handover_date: NaiveDate,
    pub declared_value: Money,
    /// Zero: no cash on delivery.
    pub cod_amount: Money,
    pub seal: Seal,
    pub sturdy: bool,
    /// The InPost weekend add-on was bought.
    pub weekend: bool,
    pub client_type: ClientType,
    pub weight_g: u64,
    /// Outer sides, longest first (a zero side is a reject, `field length_mm is zero`).
    pub sides_mm: Sides,
    /// Units of goods (optional column `units`, default 1): the handling line.
    pub units: u32,
    /// Volume of the goods (optional column `goods_volume_mm3`; default the parcel's
    /// volume, which leaves no empty space to fill).
    pub goods_volume_mm3: Option<u64>,
    /// When the add-on was bought (required when `weekend`).
    pub bought_at: Option<DateTime<Utc>>,
    pub at: RowRef,
}

impl RegistryParcel {
    pub fn order_id(&self) -> &str {
        self.texts.part(0)
    }

    /// The tariff method's `code`, as registered.
    pub fn method(&self) -> &str {
        self.texts.part(1)
    }

    pub fn postal_index(&self) -> &str {
        self.texts.part(2)
    }

    /// Trimmed; may be empty.
    pub fn region(&self) -> &str {
        self.texts.part(3)
    }
}

/// An invoice line: what a carrier billed for one parcel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceLine {
    /// The invoice id, line id, order id, track number and method
    /// ([`InvoiceLine::invoice_id`] and the other accessors).
    pub texts: LineTexts,
    pub invoice_date: NaiveDate,
    pub carrier: u16,
    pub billed_weight_g: u64,
    pub billed: Amounts,
    pub at: RowRef,
}

impl InvoiceLine {
    pub fn invoice_id(&self) -> &str {
        self.texts.part(0)
    }

    pub fn line_id(&self) -> &str {
        self.texts.part(1)
    }

    pub fn order_id(&self) -> &str {
        self.texts.part(2)
    }

    /// May be empty.
    pub fn track_number(&self) -> &str {
        self.texts.part(3)
    }

    /// The tariff method's `code` billed.
    pub fn method(&self) -> &str {
        self.texts.part(4)
    }
}

/// What a tracking event says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TrackingKind {
    CourierPickup,
    BranchDropoff,
    LockerDropoff,
    PlacedInTarget,
    Delivered,
    Returned,
}

impl TrackingKind {
    fn parse(v: &str) -> Option<TrackingKind> {
        Some(match v.trim() {
            "courier_pickup" => TrackingKind::CourierPickup,
            "branch_dropoff" => TrackingKind::BranchDropoff,
            "locker_dropoff" => TrackingKind::LockerDropoff,
            "placed_in_target" => TrackingKind::PlacedInTarget,
            "delivered" => TrackingKind::Delivered,
            "returned" => TrackingKind::Returned,
            _ => return None,
        })
    }

    /// The ways of dispatch the InPost rule accepts, in the rules crate's terms.
    pub fn dispatch(self) -> Option<DispatchKind> {
        match self {
            TrackingKind::CourierPickup => Some(DispatchKind::CourierPickup),
            TrackingKind::BranchDropoff => Some(DispatchKind::Branch),
            TrackingKind::LockerDropoff => Some(DispatchKind::SendingLocker),
            _ => None,
        }
    }
}

/// A tracking event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackingEvent {
    pub order_id: Box<str>,
    pub kind: TrackingKind,
    pub at: DateTime<Utc>,
}

/// A refund or credit received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundReceived {
    pub refund_id: Box<str>,
    pub carrier: u16,
    pub order_id: Box<str>,
    pub component: Component,
    pub amount: Money,
    pub at: RowRef,
}

/// Columns of each input.
pub const REGISTRY: Layout = Layout {
    optional: &["units", "goods_volume_mm3"],
    all: &[
        "registry_id",
        "registry_date",
        "handover_date",
        "order_id",
        "carrier",
        "method",
        "postal_index",
        "region",
        "declared_value",
        "cod_amount",
        "currency",
        "seal",
        "sturdy",
        "weekend",
        "client_type",
        "weight_g",
        "length_mm",
        "width_mm",
        "height_mm",
        "bought_at",
        "units",
        "goods_volume_mm3",
    ],
};

/// Invoice columns (canonical names; a format profile maps a carrier's own).
pub const INVOICES: Layout = Layout {
    optional: &[],
    all: &[
        "invoice_id",
        "invoice_date",
        "line_id",
        "carrier",
        "order_id",
        "track_number",
        "method",
        "billed_weight_g",
        "postal_rate",
        "insurance",
        "cod_fee",
        "preparing",
        "fuel",
        "notification",
        "weekend_fee",
        "total",
        "currency",
    ],
};

/// Tracking columns.
pub const TRACKING: Layout = Layout {
    optional: &[],
    all: &["order_id", "track_number", "event", "at"],
};

/// Refund columns.
pub const REFUNDS: Layout = Layout {
    optional: &[],
    all: &[
        "refund_id",
        "carrier",
        "order_id",
        "component",
        "amount",
        "currency",
        "received_at",
    ],
};

/// What a row parser needs besides the row.
pub struct RowContext<'a> {
    pub book: &'a TariffBook,
    pub profile: &'a FormatProfile,
    pub partition: Partition,
    pub file_name: &'a str,
    pub file_index: u32,
    pub input: InputKind,
}

/// A row parser's answer.
pub enum Parsed<T> {
    Row(T),
    Reject(Reject),
    /// Another partition's row.
    Skip,
}

struct RowReader<'a, 'r> {
    rec: &'r Record<'r>,
    cx: &'a RowContext<'a>,
    line: u64,
}

impl<'r> RowReader<'_, 'r> {
    fn reject(&self, reason: String, amount: Option<(String, Decimal)>) -> Reject {
        Reject {
            file: self.cx.file_name.to_string(),
            line: self.line,
            input: self.cx.input,
            reason,
            amount,
        }
    }

    /// The raw text of a column ("" when an optional column is absent).
    fn text(&self, name: &str) -> Result<&'r str, String> {
        match self.rec.get(name) {
            Ok(v) => Ok(v.unwrap_or("")),
            Err(e) => Err(format!("field {name} {e}")),
        }
    }

    fn field<T>(
        &self,
        name: &str,
        parse: impl FnOnce(&'r str) -> Result<T, String>,
    ) -> Result<T, String> {
        let v = self.text(name)?;
        parse(v).map_err(|e| format!("field {name} {e}"))
    }

    fn carrier(&self) -> Result<u16, String> {
        let name = self.field("carrier", fields::ident)?;
        self.cx.book.carrier(name).ok_or_else(|| {
            format!(
                "field carrier {} is not a carrier with a tariff (known: {})",
                fields::shown(name),
                self.cx.book.carriers().collect::<Vec<_>>().join(", ")
            )
        })
    }

    fn currency_of(&self, carrier: u16) -> Result<(), String> {
        let cur = self.field("currency", fields::currency)?;
        let want = self.cx.book.tariff(carrier).currency();
        if cur != want {
            return Err(format!(
                "field currency {cur} differs from the {} tariff's {want}",
                self.cx.book.carrier_name(carrier)
            ));
        }
        Ok(())
    }

    /// The row's order id when it can be read, for partitioning rejects.
    fn order_id_opt(&self) -> Option<&'r str> {
        self.rec.get("order_id").ok().flatten().map(str::trim)
    }
}

fn start<'a, 'r, T>(
    rec: &'r Record<'r>,
    line: u64,
    cx: &'a RowContext<'a>,
) -> Result<RowReader<'a, 'r>, Parsed<T>> {
    let r = RowReader { rec, cx, line };
    if !cx.partition.takes(r.order_id_opt()) {
        return Err(Parsed::Skip);
    }
    Ok(r)
}

/// Reads a registry row.
pub fn parse_registry(rec: &Record<'_>, line: u64, cx: &RowContext<'_>) -> Parsed<RegistryParcel> {
    let r = match start(rec, line, cx) {
        Ok(r) => r,
        Err(p) => return p,
    };
    match registry_row(&r) {
        Ok(p) => Parsed::Row(p),
        Err(reason) => Parsed::Reject(r.reject(reason, None)),
    }
}

fn registry_row(r: &RowReader<'_, '_>) -> Result<RegistryParcel, String> {
    r.rec.check_width()?;
    let p = r.cx.profile;
    r.field("registry_id", fields::ident)?;
    r.field("registry_date", |v| fields::date(v, &p.date_format))?;
    let handover_date = r.field("handover_date", |v| fields::date(v, &p.date_format))?;
    let order_id = r.field("order_id", fields::ident)?;
    let carrier = r.carrier()?;
    let method = r.field("method", fields::ident)?;
    let postal_index = r.field("postal_index", fields::ident)?;
    let region = r.text("region")?.trim();
    r.currency_of(carrier)?;
    let dp = r.cx.book.dp(carrier);
    let declared_value = r.field("declared_value", |v| fields::amount(v, dp, p))?;
    let cod_amount = r.field("cod_amount", |v| fields::amount(v, dp, p))?;
    let seal = r.field("seal", |v| {
        let n = fields::small_uint(v)?;
        u8::try_from(n)
            .ok()
            .and_then(|n| Seal::try_from(n).ok())
            .ok_or_else(|| format!("{n} is not 1 (none), 2 (bubble wrap) or 3 (filler)"))
    })?;
    let sturdy = r.field("sturdy", fields::boolean)?;
    let weekend = r.field("weekend", fields::boolean)?;
    let client_type = r.field("client_type", |v| match v.trim() {
        "prepaid" => Ok(ClientType::Prepaid),
        "postpaid" => Ok(ClientType::Postpaid),
        other => Err(format!(
            "{} is not prepaid or postpaid",
            fields::shown(other)
        )),
    })?;
    let weight_g = r.field("weight_g", |v| fields::weight_g(v, p, WeightUnit::G))?;
    // Each side is read (and a zero one refused, naming it) in column order first, so a
    // row's first bad side is the one reported; `Sides` then names a zero side alike.
    let sides_mm = Sides::new(
        r.field("length_mm", fields::side_mm)?,
        r.field("width_mm", fields::side_mm)?,
        r.field("height_mm", fields::side_mm)?,
    )
    .map_err(|e| format!("field {e}"))?;
    let bought_text = r.text("bought_at")?;
    let bought_at = if bought_text.trim().is_empty() {
        if weekend {
            return Err("field bought_at is empty, and the weekend add-on was bought".into());
        }
        None
    } else {
        Some(r.field("bought_at", fields::instant)?)
    };
    let units = match r.text("units")?.trim() {
        "" => 1,
        _ => r.field("units", fields::units)?,
    };
    let goods_volume_mm3 = match r.text("goods_volume_mm3")?.trim() {
        "" => None,
        t => Some(t.parse::<u64>().map_err(|_| {
            format!(
                "field goods_volume_mm3 {} is not a whole number",
                fields::shown(t)
            )
        })?),
    };
    Ok(RegistryParcel {
        texts: Texts::new([order_id, method, postal_index, region]),
        carrier,
        handover_date,
        declared_value,
        cod_amount,
        seal,
        sturdy,
        weekend,
        client_type,
        weight_g,
        sides_mm,
        units,
        goods_volume_mm3,
        bought_at,
        at: RowRef {
            file: r.cx.file_index,
            line: r.line,
        },
    })
}

/// The `(currency, amount)` of a rejected row as far as it reads, for the identity.
/// The currency only when it is a currency code: any other text (10 MB of it, say)
/// would be copied into `rejects.csv`, the summary and the report, and become a
/// currency of its own in the identity; it reads as no currency (empty) instead.
fn raw_total(r: &RowReader<'_, '_>, amount_col: &str) -> Option<(String, Decimal)> {
    let total = r.rec.get(amount_col).ok().flatten()?;
    let d = fields::decimal_loose(total, r.cx.profile)?;
    let cur = r.rec.get("currency").ok().flatten().unwrap_or("");
    Some((fields::currency(cur).unwrap_or("").to_string(), d))
}

/// Reads an invoice line.
pub fn parse_invoice(rec: &Record<'_>, line: u64, cx: &RowContext<'_>) -> Parsed<InvoiceLine> {
    let r = match start(rec, line, cx) {
        Ok(r) => r,
        Err(p) => return p,
    };
    match invoice_row(&r) {
        Ok(l) => Parsed::Row(l),
        Err(reason) => Parsed::Reject(r.reject(reason, raw_total(&r, "total"))),
    }
}

/// An amount column of an invoice: may carry the line's currency code as a prefix or
/// suffix (`12,99 PLN`), which must be the line's currency; an empty component (not the
/// total) means nothing billed for it.
fn invoice_amount(
    r: &RowReader<'_, '_>,
    c: Component,
    currency: &str,
    dp: u32,
) -> Result<Money, String> {
    let raw = r.text(c.name())?;
    let mut v = raw.trim();
    for (i, w) in [v.get(..3), v.get(v.len().saturating_sub(3)..)]
        .into_iter()
        .enumerate()
    {
        if let Some(code) = w.filter(|w| w.len() == 3 && w.bytes().all(|b| b.is_ascii_uppercase()))
        {
            // Three capitals and nothing else (`NAN`, `INF`) are not an amount in
            // another currency: the amount's own parse says what is wrong with them.
            if code != currency && v.len() == 3 {
                break;
            }
            if code != currency {
                return Err(format!(
                    "field {} is in {code}, the line's currency is {currency}: mixed currencies on one line",
                    c.name()
                ));
            }
            v = if i == 0 {
                v[3..].trim()
            } else {
                v[..v.len() - 3].trim()
            };
            break;
        }
    }
    if v.is_empty() && c != Component::Total {
        return Ok(Money::ZERO);
    }
    fields::amount(v, dp, r.cx.profile).map_err(|e| format!("field {} {e}", c.name()))
}

fn invoice_row(r: &RowReader<'_, '_>) -> Result<InvoiceLine, String> {
    r.rec.check_width()?;
    let p = r.cx.profile;
    let invoice_id = r.field("invoice_id", fields::ident)?;
    let invoice_date = r.field("invoice_date", |v| fields::date(v, &p.date_format))?;
    let line_id = r.field("line_id", fields::ident)?;
    let carrier = r.carrier()?;
    let order_id = r.field("order_id", fields::ident)?;
    let track_number = r.field("track_number", fields::optional_ident)?;
    let method = r.field("method", fields::ident)?;
    let tariff = r.cx.book.tariff(carrier);
    if tariff.method_by_code(method).is_none() {
        return Err(format!(
            "field method {} is not a method of the {} tariff",
            fields::shown(method),
            tariff.carrier()
        ));
    }
    let billed_weight_g = r.field("billed_weight_g", |v| fields::weight_g(v, p, p.weight_unit))?;
    r.currency_of(carrier)?;
    let currency = tariff.currency();
    let dp = tariff.minor_units();
    let mut billed = [Money::ZERO; 8];
    for (i, c) in Component::ALL.into_iter().enumerate() {
        billed[i] = invoice_amount(r, c, currency, dp)?;
    }
    Ok(InvoiceLine {
        texts: Texts::new([invoice_id, line_id, order_id, track_number, method]),
        invoice_date,
        carrier,
        billed_weight_g,
        billed,
        at: RowRef {
            file: r.cx.file_index,
            line: r.line,
        },
    })
}

/// Reads a tracking event.
pub fn parse_tracking(rec: &Record<'_>, line: u64, cx: &RowContext<'_>) -> Parsed<TrackingEvent> {
    let r = match start(rec, line, cx) {
        Ok(r) => r,
        Err(p) => return p,
    };
    let row = (|| {
        r.rec.check_width()?;
        let order_id = r.field("order_id", fields::ident)?;
        r.text("track_number")?;
        let kind = r.field("event", |v| {
            TrackingKind::parse(v).ok_or_else(|| {
                format!(
                    "{} is not one of courier_pickup, branch_dropoff, locker_dropoff, placed_in_target, delivered, returned",
                    fields::shown(v.trim())
                )
            })
        })?;
        let at = r.field("at", fields::instant)?;
        Ok::<_, String>(TrackingEvent {
            order_id: order_id.into(),
            kind,
            at,
        })
    })();
    match row {
        Ok(e) => Parsed::Row(e),
        Err(reason) => Parsed::Reject(r.reject(reason, None)),
    }
}

/// Reads a refund row.
pub fn parse_refund(rec: &Record<'_>, line: u64, cx: &RowContext<'_>) -> Parsed<RefundReceived> {
    let r = match start(rec, line, cx) {
        Ok(r) => r,
        Err(p) => return p,
    };
    let row = (|| {
        r.rec.check_width()?;
        let refund_id = r.field("refund_id", fields::ident)?;
        let carrier = r.carrier()?;
        let order_id = r.field("order_id", fields::ident)?;
        let component = r.field("component", |v| {
            Component::from_name(v.trim())
                .filter(|c| *c != Component::Total)
                .ok_or_else(|| {
                    format!(
                        "{} is not an amount column of the invoice",
                        fields::shown(v.trim())
                    )
                })
        })?;
        r.currency_of(carrier)?;
        let dp = r.cx.book.dp(carrier);
        let amount = r.field("amount", |v| fields::amount(v, dp, r.cx.profile))?;
        r.field("received_at", fields::instant)?;
        Ok::<_, String>(RefundReceived {
            refund_id: refund_id.into(),
            carrier,
            order_id: order_id.into(),
            component,
            amount,
            at: RowRef {
                file: r.cx.file_index,
                line: r.line,
            },
        })
    })();
    match row {
        Ok(e) => Parsed::Row(e),
        Err(reason) => Parsed::Reject(r.reject(reason, raw_total(&r, "amount"))),
    }
}

#[cfg(test)]
mod tests {
    use super::Texts;
    use proptest::prelude::*;

    fn parts<const N: usize>(t: &Texts<N>) -> [&str; N] {
        std::array::from_fn(|i| t.part(i))
    }

    #[test]
    fn each_text_comes_back_as_given() {
        let t = Texts::new(["ORD-1", "courier", "125009", "Камчатский край"]);
        assert_eq!(parts(&t), ["ORD-1", "courier", "125009", "Камчатский край"]);
        assert_eq!(t.part(4), "", "past the last");
        let empty = Texts::new(["", "", "", "", ""]);
        assert_eq!(parts(&empty), ["", "", "", "", ""]);
    }

    proptest! {
        #[test]
        fn any_four_texts_come_back_as_given(a in ".{0,12}", b in ".{0,12}", c in ".{0,12}", d in ".{0,12}") {
            let t = Texts::new([a.as_str(), &b, &c, &d]);
            prop_assert_eq!(parts(&t), [a.as_str(), b.as_str(), c.as_str(), d.as_str()]);
        }
    }
}
