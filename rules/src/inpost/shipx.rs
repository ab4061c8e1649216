//! The seed's own ShipX shipment (`POST /v1/organizations/:id/shipments`) as input to the
//! add-on check, with the target point's attributes looked up in a points list.
//!
//! A ShipX shipment names its target point only by name
//! (`custom_attributes.target_point: "KRA010"`); whether it is a parcel locker or a POP
//! and whether it is open 24/7 are the point's attributes in ShipX's points API
//! (`GET /v1/points`: `type`, `location_247`). [`ShipxShipment::to_shipment`] joins the
//! two into the [`WeekendShipment`] that [`super::check`] decides on. Other ShipX fields
//! (receiver, parcels, insurance, cod, …) are accepted and ignored here.
//!
//! Decisions (docs/inpost.md):
//! * the order instant is not in the body (ShipX stamps its creation): the caller passes
//!   it (`courier inpost check --at`, default now);
//! * an **Allegro** shipment is one whose `custom_attributes` carry an
//!   `allegro_transaction_id` or `allegro_user_id` (how ShipX marks Allegro shipments);
//! * `service` is required, as ShipX requires it;
//! * a point of several types (`["parcel_locker", "pop"]`) counts as a POP unless
//!   `parcel_locker` is its only type (the seed: only `type=parcel_locker_only` machines
//!   take weekend deliveries).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use super::eligibility::{PointType, TargetPoint, WeekendShipment};

/// `custom_attributes` of a ShipX shipment, as far as the add-on is concerned.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct CustomAttributes {
    /// Name of the target point (`KRA010`); required for a locker shipment and must be in the
    /// points list.
    #[serde(default)]
    pub target_point: Option<String>,
    /// Present (not null, not blank) on Allegro shipments; any JSON type, only presence is read.
    #[serde(default)]
    pub allegro_transaction_id: Option<Value>,
    /// Present (not null, not blank) on Allegro shipments; any JSON type, only presence is read.
    #[serde(default)]
    pub allegro_user_id: Option<Value>,
}

/// A ShipX shipment body (the seed's example), the fields the add-on check reads.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ShipxShipment {
    /// ShipX service, e.g. `inpost_locker_standard`; required.
    #[serde(default)]
    pub service: Option<String>,
    /// The custom attributes; `None` reads as all absent.
    #[serde(default)]
    pub custom_attributes: Option<CustomAttributes>,
    /// Optional, default false (seed 003: "atrybut nie jest wymagany").
    #[serde(default)]
    pub end_of_week_collection: bool,
}

/// A ShipX shipment that cannot be checked, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ShipxInputError {
    /// No `service` in the body.
    #[error("service: required (e.g. \"inpost_locker_standard\")")]
    NoService,
    /// A locker shipment without `custom_attributes.target_point`.
    #[error("custom_attributes.target_point: required for a locker shipment")]
    NoTargetPoint,
    /// The target point is not in the points list (its name).
    #[error("custom_attributes.target_point: point {0:?} is not in the points list")]
    UnknownPoint(String),
}

impl ShipxInputError {
    /// A stable code for scripts.
    pub fn code(&self) -> &'static str {
        match self {
            ShipxInputError::NoService => "required",
            ShipxInputError::NoTargetPoint => "required",
            ShipxInputError::UnknownPoint(_) => "unknown_point",
        }
    }

    /// The ShipX field at fault.
    pub fn field(&self) -> &'static str {
        match self {
            ShipxInputError::NoService => "service",
            _ => "custom_attributes.target_point",
        }
    }
}

/// A points list that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PointsError {
    /// Not JSON, or not one of the accepted shapes (serde_json's message).
    #[error("points: {0}")]
    Json(String),
    /// A point with a missing or wrong field.
    #[error("points: items[{index}].{field}: {message}")]
    Item {
        /// The point's position in the list.
        index: usize,
        /// The field.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A point name listed twice.
    #[error("points: {0:?} is listed twice")]
    Duplicate(String),
}

impl PointsError {
    /// A stable machine-readable code (snake_case): what a caller matches on; messages
    /// may be reworded, codes are not.
    pub fn code(&self) -> &'static str {
        match self {
            PointsError::Json { .. } => "points_syntax",
            PointsError::Item { .. } => "bad_item",
            PointsError::Duplicate { .. } => "duplicate_point",
        }
    }
}

/// Target points by name, from ShipX's points API answer (`{"items": [{"name", "type":
/// ["parcel_locker"], "location_247"}, …]}`, one page or several pages' items in an
/// array of pages) or a plain array of `{"name", "type", "location_247"}` (the shape
/// `courier inpost points` reads, `type` a string).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Points {
    by_name: BTreeMap<String, TargetPoint>,
}

impl Points {
    /// Reads a points list.
    ///
    /// ```
    /// use courier_rules::inpost::shipx::Points;
    /// let p = Points::from_json(r#"{"items": [{"name": "KRA010", "type": ["parcel_locker"], "location_247": true}]}"#).unwrap();
    /// assert!(p.get("KRA010").unwrap().takes_weekend_delivery());
    /// ```
    pub fn from_json(text: &str) -> Result<Points, PointsError> {
        let v: Value = serde_json::from_str(text).map_err(|e| PointsError::Json(e.to_string()))?;
        let items: Vec<&Value> = match &v {
            Value::Object(o) => match o.get("items") {
                Some(Value::Array(a)) => a.iter().collect(),
                _ => {
                    return Err(PointsError::Json(
                        "an object needs an \"items\" array".into(),
                    ))
                }
            },
            Value::Array(a) => a
                .iter()
                .flat_map(|x| match x.get("items") {
                    Some(Value::Array(items)) => items.iter().collect::<Vec<_>>(),
                    _ => vec![x],
                })
                .collect(),
            _ => {
                return Err(PointsError::Json(
                    "expected a points page {\"items\": […]} or an array".into(),
                ))
            }
        };
        let mut by_name = BTreeMap::new();
        for (index, item) in items.into_iter().enumerate() {
            let p = point_of(index, item)?;
            if by_name.contains_key(&p.name) {
                return Err(PointsError::Duplicate(p.name));
            }
            by_name.insert(p.name.clone(), p);
        }
        Ok(Points { by_name })
    }

    /// The point named `name`, if listed.
    pub fn get(&self, name: &str) -> Option<&TargetPoint> {
        self.by_name.get(name)
    }

    /// Every point listed, by name.
    pub fn iter(&self) -> impl Iterator<Item = &TargetPoint> {
        self.by_name.values()
    }

    /// Number of points listed.
    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    /// Whether no point is listed.
    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }
}

fn point_of(index: usize, item: &Value) -> Result<TargetPoint, PointsError> {
    let bad = |field: &'static str, message: &str| PointsError::Item {
        index,
        field,
        message: message.into(),
    };
    let name = item
        .get("name")
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| bad("name", "a non-empty string"))?;
    let type_of = |s: &str| match s {
        "parcel_locker" | "parcel_locker_only" => Some(PointType::ParcelLocker),
        "pop" | "parcel_locker_superpop" => Some(PointType::Pop),
        _ => None,
    };
    let point_type = match item.get("type") {
        Some(Value::String(s)) => type_of(s),
        Some(Value::Array(a)) => {
            let types: Option<Vec<PointType>> =
                a.iter().map(|t| t.as_str().and_then(type_of)).collect();
            match types.as_deref() {
                Some([]) | None => None,
                Some(ts) if ts.iter().all(|t| *t == PointType::ParcelLocker) => {
                    Some(PointType::ParcelLocker)
                }
                Some(_) => Some(PointType::Pop),
            }
        }
        _ => None,
    }
    .ok_or_else(|| bad("type", "\"parcel_locker\" or \"pop\" (or a list of them)"))?;
    let location_247 = item
        .get("location_247")
        .and_then(Value::as_bool)
        .ok_or_else(|| bad("location_247", "true or false"))?;
    Ok(TargetPoint {
        name: name.to_string(),
        point_type,
        location_247,
    })
}

impl ShipxShipment {
    /// Reads a ShipX shipment body.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The shipment the add-on check decides on, ordered at `ordered_at`, with the
    /// target point's attributes from `points`.
    ///
    /// ```
    /// use courier_rules::inpost::shipx::{Points, ShipxShipment};
    /// use courier_rules::inpost::{check, Preset};
    /// let points = Points::from_json(r#"[{"name": "KRA010", "type": "parcel_locker", "location_247": true}]"#).unwrap();
    /// let s = ShipxShipment::from_json(r#"{"service": "inpost_locker_standard",
    ///     "custom_attributes": {"target_point": "KRA010"}, "end_of_week_collection": true}"#).unwrap();
    /// let shipment = s.to_shipment(&points, "2026-11-26T19:00:00Z".parse().unwrap()).unwrap(); // Thu 20:00 Warsaw
    /// assert!(check(&Preset::Seed.window().unwrap(), &shipment).is_empty());
    /// ```
    pub fn to_shipment(
        &self,
        points: &Points,
        ordered_at: DateTime<Utc>,
    ) -> Result<WeekendShipment, ShipxInputError> {
        let service = self
            .service
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or(ShipxInputError::NoService)?;
        let attrs = self.custom_attributes.clone().unwrap_or_default();
        let name = attrs
            .target_point
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or(ShipxInputError::NoTargetPoint)?;
        let target_point = points
            .get(name)
            .cloned()
            .ok_or_else(|| ShipxInputError::UnknownPoint(name.to_string()))?;
        let present = |v: &Option<Value>| {
            v.as_ref().is_some_and(|v| match v {
                Value::Null => false,
                Value::String(s) => !s.trim().is_empty(),
                _ => true,
            })
        };
        Ok(WeekendShipment {
            service: service.to_string(),
            allegro: present(&attrs.allegro_transaction_id) || present(&attrs.allegro_user_id),
            end_of_week_collection: self.end_of_week_collection,
            ordered_at,
            target_point,
        })
    }

    /// Whether a JSON value is a ShipX shipment body rather than the project's own check
    /// input: it carries ShipX's `custom_attributes` (where the target point is named)
    /// and no `target_point` object of ours.
    pub fn is_shipx_shape(v: &Value) -> bool {
        v.get("custom_attributes").is_some() && !v.get("target_point").is_some_and(Value::is_object)
    }
}
