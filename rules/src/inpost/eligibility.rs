//! Whether InPost will accept the weekend add-on on a shipment, and its refusals in both
//! API dialects.
//!
//! The seed lists the refusals and their keys; they are checked in this order and every
//! applicable one is returned (not only the first):
//!
//! | refusal | ShipX `error` | apiv2 `key` |
//! |---|---|---|
//! | ordered outside the window | `invalid_end_of_week_collection` | `invalidEndOfWeekCollection` |
//! | target is a POP, not a parcel locker | `invalid_target_point_for_end_of_week_collection` | `invalidBoxMachineNameForEndOfWeekCollection` |
//! | parcel locker not open 24/7 | `invalid_target_point_247_for_end_of_week_collection` | — (apiv2 has no such check) |
//! | Allegro shipment | `invalid_allegro_for_end_of_week_collection` | `invalidAllegroForEndOfWeekCollection` |
//!
//! The add-on exists only for the service `inpost_locker_standard`. The seed gives no key
//! for asking it on another service; this crate refuses it *before* the others with the
//! project's own ShipX key `invalid_service_for_end_of_week_collection` (no apiv2 key:
//! apiv2 only knows locker parcels). A shipment that does not ask for the add-on (the
//! attribute is optional and defaults to false) is never refused.
//!
//! [`check`] returns a [`Refusals`] bitset and does not allocate; messages and error
//! bodies are built only when rendering ([`shipx_error_body`], [`apiv2_error_xml`]).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::window::Window;

/// The only service offering the add-on.
pub const ADD_ON_SERVICE: &str = "inpost_locker_standard";

/// Kind of pick-up point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PointType {
    /// A parcel locker (paczkomat); ShipX `type=parcel_locker_only`.
    ParcelLocker,
    /// A parcel service point (Punkt Obsługi Przesyłek), e.g. a shop counter.
    Pop,
}

/// The target point of a shipment, as ShipX's points API describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetPoint {
    /// Point name, e.g. `KRA010`.
    pub name: String,
    /// Locker or service point; ShipX's `type`.
    #[serde(rename = "type")]
    pub point_type: PointType,
    /// Open 24 hours a day, 7 days a week.
    pub location_247: bool,
}

impl TargetPoint {
    /// Whether the point can receive weekend deliveries: a parcel locker open 24/7 (what
    /// ShipX's `type=parcel_locker_only` plus `location_247 = true` return).
    #[inline]
    pub fn takes_weekend_delivery(&self) -> bool {
        self.point_type == PointType::ParcelLocker && self.location_247
    }
}

/// Keeps the points that take weekend deliveries, in their original order.
///
/// ```
/// use courier_rules::inpost::{PointType, TargetPoint};
/// use courier_rules::inpost::eligibility::weekend_points;
/// let p = |name: &str, point_type, location_247| TargetPoint { name: name.into(), point_type, location_247 };
/// let points = [p("KRA010", PointType::ParcelLocker, true), p("KRA01N", PointType::Pop, true),
///               p("KRA020", PointType::ParcelLocker, false)];
/// let names: Vec<_> = weekend_points(&points).map(|p| p.name.as_str()).collect();
/// assert_eq!(names, ["KRA010"]);
/// ```
pub fn weekend_points(points: &[TargetPoint]) -> impl Iterator<Item = &TargetPoint> {
    points.iter().filter(|p| p.takes_weekend_delivery())
}

/// A shipment as far as the add-on is concerned (the project's own check input: an
/// unknown or misspelt key is an error, issue 16 — `end_of_week_colection` used to be
/// ignored and the add-on taken as not asked for, so no refusal at all).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeekendShipment {
    /// ShipX service, e.g. `inpost_locker_standard`.
    pub service: String,
    /// An Allegro shipment.
    #[serde(default)]
    pub allegro: bool,
    /// The add-on is asked for (optional, default false).
    #[serde(default)]
    pub end_of_week_collection: bool,
    /// When the shipment is ordered (created).
    pub ordered_at: DateTime<Utc>,
    /// The point the shipment goes to.
    pub target_point: TargetPoint,
}

/// One reason InPost refuses the add-on. The declaration order is the reporting order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WeekendRefusal {
    /// The add-on is asked for on a service other than `inpost_locker_standard`.
    ServiceWithoutAddOn = 0,
    /// Ordered outside the weekly window.
    OutsideWindow = 1,
    /// The target is a POP, not a parcel locker.
    PopTarget = 2,
    /// The target locker is not open 24/7.
    NotOpen247 = 3,
    /// An Allegro shipment.
    Allegro = 4,
}

impl WeekendRefusal {
    /// All refusals in reporting order.
    pub const ALL: [WeekendRefusal; 5] = [
        WeekendRefusal::ServiceWithoutAddOn,
        WeekendRefusal::OutsideWindow,
        WeekendRefusal::PopTarget,
        WeekendRefusal::NotOpen247,
        WeekendRefusal::Allegro,
    ];

    /// ShipX `error` name.
    pub fn shipx_key(self) -> &'static str {
        match self {
            WeekendRefusal::ServiceWithoutAddOn => "invalid_service_for_end_of_week_collection",
            WeekendRefusal::OutsideWindow => "invalid_end_of_week_collection",
            WeekendRefusal::PopTarget => "invalid_target_point_for_end_of_week_collection",
            WeekendRefusal::NotOpen247 => "invalid_target_point_247_for_end_of_week_collection",
            WeekendRefusal::Allegro => "invalid_allegro_for_end_of_week_collection",
        }
    }

    /// apiv2 error `key`, where apiv2 has the check.
    pub fn apiv2_key(self) -> Option<&'static str> {
        match self {
            WeekendRefusal::ServiceWithoutAddOn | WeekendRefusal::NotOpen247 => None,
            WeekendRefusal::OutsideWindow => Some("invalidEndOfWeekCollection"),
            WeekendRefusal::PopTarget => Some("invalidBoxMachineNameForEndOfWeekCollection"),
            WeekendRefusal::Allegro => Some("invalidAllegroForEndOfWeekCollection"),
        }
    }

    /// Polish message: the seed's apiv2 text where the seed gives one, otherwise the
    /// project's in the same style.
    pub fn message_pl(self) -> &'static str {
        match self {
            WeekendRefusal::ServiceWithoutAddOn => {
                "Usługa Dostawy Weekendowej jest dostępna tylko dla usługi inpost_locker_standard."
            }
            WeekendRefusal::OutsideWindow => {
                "Wybrana usługa dodatkowa jest poza określonym przedziałem czasowym. Przedziały czasowe w których można skorzystać z usługi opisane są w regulaminie."
            }
            WeekendRefusal::PopTarget => "Wybrany punkt odbioru nie może być Punktem Obsługi Przesyłek.",
            WeekendRefusal::NotOpen247 => {
                "Wybrany paczkomat nie jest dostępny 24/7. Dostawy Weekendowe obsługują tylko paczkomaty dostępne całą dobę."
            }
            WeekendRefusal::Allegro => "Usługa Dostawy Weekendowej nie jest dostępna dla przesyłek Allegro.",
        }
    }

    /// English message, for ShipX bodies and logs.
    pub fn message_en(self) -> &'static str {
        match self {
            WeekendRefusal::ServiceWithoutAddOn => {
                "Weekend delivery is available only for the service inpost_locker_standard."
            }
            WeekendRefusal::OutsideWindow => {
                "Weekend delivery was chosen outside the time window in which it can be ordered (see the terms of service)."
            }
            WeekendRefusal::PopTarget => "The target point of a weekend delivery cannot be a parcel service point (POP).",
            WeekendRefusal::NotOpen247 => "The target parcel locker of a weekend delivery must be open 24/7.",
            WeekendRefusal::Allegro => "Weekend delivery is not available for Allegro shipments.",
        }
    }

    /// The ShipX request field the refusal is reported under (`details` path).
    pub fn shipx_field(self) -> &'static [&'static str] {
        match self {
            WeekendRefusal::ServiceWithoutAddOn => &["service"],
            WeekendRefusal::OutsideWindow | WeekendRefusal::Allegro => &["end_of_week_collection"],
            WeekendRefusal::PopTarget | WeekendRefusal::NotOpen247 => {
                &["custom_attributes", "target_point"]
            }
        }
    }
}

/// A set of refusals, iterated in reporting order. Copy, no allocation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Refusals(u8);

impl Refusals {
    /// The empty set: no refusal.
    pub const NONE: Refusals = Refusals(0);

    /// Adds `r` (adding it twice changes nothing).
    #[inline]
    pub fn insert(&mut self, r: WeekendRefusal) {
        self.0 |= 1 << (r as u8);
    }
    /// Whether `r` is in the set.
    #[inline]
    pub fn contains(self, r: WeekendRefusal) -> bool {
        self.0 & (1 << (r as u8)) != 0
    }
    /// No refusal: InPost accepts the shipment as asked.
    #[inline]
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// Number of refusals in the set.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }
    /// The raw bits (bit `n` is the refusal with discriminant `n`).
    pub fn bits(self) -> u8 {
        self.0
    }
    /// The refusals in reporting order.
    pub fn iter(self) -> impl Iterator<Item = WeekendRefusal> {
        WeekendRefusal::ALL
            .into_iter()
            .filter(move |r| self.contains(*r))
    }
    /// The first refusal, which gives a ShipX body its `error`.
    pub fn first(self) -> Option<WeekendRefusal> {
        self.iter().next()
    }
}

impl FromIterator<WeekendRefusal> for Refusals {
    fn from_iter<I: IntoIterator<Item = WeekendRefusal>>(iter: I) -> Self {
        let mut set = Refusals::NONE;
        for r in iter {
            set.insert(r);
        }
        set
    }
}

/// Every refusal InPost would give the shipment under `window`; empty when accepted or
/// when the add-on is not asked for.
///
/// ```
/// use courier_rules::inpost::{check, Preset, PointType, WeekendRefusal, WeekendShipment, TargetPoint};
/// let window = Preset::Seed.window().unwrap();
/// let shipment = WeekendShipment {
///     service: "inpost_locker_standard".into(),
///     allegro: true,
///     end_of_week_collection: true,
///     ordered_at: "2026-11-24T10:00:00Z".parse().unwrap(), // a Tuesday
///     target_point: TargetPoint { name: "KRA010".into(), point_type: PointType::ParcelLocker, location_247: true },
/// };
/// let refusals: Vec<_> = check(&window, &shipment).iter().collect();
/// assert_eq!(refusals, [WeekendRefusal::OutsideWindow, WeekendRefusal::Allegro]);
/// ```
#[inline]
pub fn check(window: &Window, shipment: &WeekendShipment) -> Refusals {
    if !shipment.end_of_week_collection {
        return Refusals::NONE;
    }
    let mut out = Refusals::NONE;
    if shipment.service != ADD_ON_SERVICE {
        out.insert(WeekendRefusal::ServiceWithoutAddOn);
    }
    if !window.is_open(shipment.ordered_at) {
        out.insert(WeekendRefusal::OutsideWindow);
    }
    if shipment.target_point.point_type == PointType::Pop {
        out.insert(WeekendRefusal::PopTarget);
    }
    if !shipment.target_point.location_247 {
        out.insert(WeekendRefusal::NotOpen247);
    }
    if shipment.allegro {
        out.insert(WeekendRefusal::Allegro);
    }
    out
}

/// The ShipX error body for a refused shipment, in ShipX's format `{status, error,
/// message, details}`: `status` 400, `error` the first refusal's name (the seed calls it
/// the exception's name), `message` its English text, and `details` nested per request
/// field, each field listing its refusals' names in reporting order. `None` when there
/// is nothing to refuse.
///
/// ```
/// use courier_rules::inpost::eligibility::{shipx_error_body, WeekendRefusal, Refusals};
/// let body = shipx_error_body([WeekendRefusal::PopTarget, WeekendRefusal::Allegro].into_iter().collect()).unwrap();
/// assert_eq!(body.error, "invalid_target_point_for_end_of_week_collection");
/// assert_eq!(body.details["custom_attributes"]["target_point"][0],
///            "invalid_target_point_for_end_of_week_collection");
/// assert_eq!(body.details["end_of_week_collection"][0], "invalid_allegro_for_end_of_week_collection");
/// ```
pub fn shipx_error_body(refusals: Refusals) -> Option<ShipxError> {
    let first = refusals.first()?;
    let mut details = Map::new();
    for r in refusals.iter() {
        insert_detail(&mut details, r.shipx_field(), r.shipx_key());
    }
    Some(ShipxError {
        status: 400,
        error: first.shipx_key(),
        message: first.message_en(),
        details,
    })
}

/// ShipX's error body, fields in ShipX's order. `details` maps request fields (nested
/// for nested fields) to lists of error names; its keys are sorted, so output is stable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShipxError {
    /// HTTP status: always 400 for a refused add-on.
    pub status: u16,
    /// ShipX error name of the first refusal (in reporting order).
    pub error: &'static str,
    /// English message of the first refusal.
    pub message: &'static str,
    /// Request field (nested objects for nested fields) → the names of its refusals.
    pub details: Map<String, Value>,
}

fn insert_detail(map: &mut Map<String, Value>, path: &[&str], key: &str) {
    match path {
        [] => {}
        [leaf] => {
            let entry = map
                .entry(leaf.to_string())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(list) = entry {
                list.push(Value::String(key.to_string()));
            }
        }
        [head, rest @ ..] => {
            let entry = map
                .entry(head.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(inner) = entry {
                insert_detail(inner, rest, key);
            }
        }
    }
}

/// The apiv2 (`createdeliverypacks`) answer for one refused pack, in the seed's XML: one
/// `<error key="…">` per refusal that apiv2 knows, with the seed's Polish text. Refusals
/// apiv2 has no key for (24/7, service) are left out, as apiv2 does not check them.
///
/// ```
/// use courier_rules::inpost::eligibility::{apiv2_error_xml, WeekendRefusal};
/// let xml = apiv2_error_xml("pack-1", [WeekendRefusal::Allegro].into_iter().collect());
/// assert!(xml.contains(r#"<error key="invalidAllegroForEndOfWeekCollection">"#));
/// ```
pub fn apiv2_error_xml(pack_id: &str, refusals: Refusals) -> String {
    let mut xml = String::from("<paczkomaty>\n<pack>\n<id>");
    xml.push_str(&xml_escape(pack_id));
    xml.push_str("</id>\n");
    for r in refusals.iter() {
        if let Some(key) = r.apiv2_key() {
            xml.push_str("<error key=\"");
            xml.push_str(key);
            xml.push_str("\">");
            xml.push_str(&xml_escape(r.message_pl()));
            xml.push_str("</error>\n");
        }
    }
    xml.push_str("</pack>\n</paczkomaty>\n");
    xml
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}
