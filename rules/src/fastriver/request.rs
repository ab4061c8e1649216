//! The delivery request (`POST/PATCH delivery_requests`) and its validation.
//!
//! [`validate_request`] applies every rule of the seed's validation table at once and
//! returns the problems as Fastriver returns them: `validation_errors`, a map from the
//! field to the list of its messages (Russian, as Fastriver's own). Messages name the
//! field but never echo personal data in full (see [`crate::mask`]).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use serde::{Deserialize, Serialize};

use super::config::{CityConfig, PartnerConfig};
use super::documents::check_documents;
use super::inn::{self, InnError};
use crate::field::{is_email, is_https_url, FieldError};
use crate::mask;

/// The attributes of a delivery request, as in `{"data":{"attributes":{…}}}`.
///
/// Every field is optional here because Fastriver accepts a request "even with an empty
/// body" and reports what is missing; [`validate_request`] says which are required.
/// `Debug` masks the personal data.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DeliveryRequest {
    /// Client's phone, `+7` and 10 digits; required.
    #[serde(default)]
    pub mobile_phone: Option<String>,
    /// Further client phones, each `+7` and 10 digits; absent or empty: none.
    #[serde(default)]
    pub additional_phones: Option<Vec<String>>,
    /// Client's first name, Russian letters and hyphens only; required.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Client's last name, Russian letters and hyphens only; required.
    #[serde(default)]
    pub last_name: Option<String>,
    /// Client's patronymic, Russian letters and hyphens only; optional.
    #[serde(default)]
    pub patronymic: Option<String>,
    /// Client's e-mail; optional, checked when present.
    #[serde(default)]
    pub email: Option<String>,
    /// Company or sole-trader name (delivery to a legal entity); required with `inn` or for a
    /// legal-entity product.
    #[serde(default)]
    pub company_name: Option<String>,
    /// INN of the company or sole trader: 10 digits (legal entity) or 12 (sole trader, person) with
    /// valid check digits; required for a legal-entity product.
    #[serde(default)]
    pub inn: Option<String>,
    /// `DD.MM.YYYY` (the seed's format) or `YYYY-MM-DD`.
    #[serde(default)]
    pub birthday: Option<String>,
    /// Client documents (identity, for verification): carried as JSON so that a wrong
    /// type is a field error, not malformed input; [`validate_request`] checks them
    /// (see [`super::documents`]).
    #[serde(default)]
    pub documents: Option<serde_json::Value>,
    /// City code (`moscow`) or name (`Москва`).
    #[serde(default)]
    pub delivery_city: Option<String>,
    /// Delivery address as free text; required when the partner coordinates deliveries itself.
    #[serde(default)]
    pub address: Option<String>,
    /// `DD.MM.YYYY` (the seed's format) or `YYYY-MM-DD`.
    #[serde(default)]
    pub date: Option<String>,
    /// Id of the wanted time slot in the delivery city (`GET time_intervals`); required, or
    /// `time_interval_name`, when the partner coordinates deliveries itself. Wins over the name
    /// when both are given.
    #[serde(default)]
    pub time_interval_id: Option<i64>,
    /// Name of the time slot (`"10:00-12:00"`), used only without `time_interval_id`.
    #[serde(default)]
    pub time_interval_name: Option<String>,
    /// Delivery at an exact time (ask the Fastriver manager whether it is available); optional,
    /// not checked.
    #[serde(default)]
    pub precise: Option<bool>,
    /// Comment of the client or partner for the courier (door code, how to find the client,
    /// documents to collect).
    #[serde(default)]
    pub notes: Option<String>,
    /// Product code (`credit_card_visa`); required and must be enabled for the partner.
    #[serde(default)]
    pub product: Option<String>,
    /// URL Fastriver posts the callbacks to; must be `https://`.
    #[serde(default)]
    pub callback_url: Option<String>,
    /// The partner's own number of the request, for reconciliation; required only in strict mode
    /// (`PartnerConfig::require_external_id`).
    #[serde(default)]
    pub external_id: Option<String>,
    /// A test request (the seed's testing mode); optional, not checked.
    #[serde(default)]
    pub demo: Option<bool>,
    /// How the client was acquired (e.g. `telegram`); free text, not checked.
    #[serde(default)]
    pub marketing_channel: Option<String>,
    /// The agent's id in the partner's system, for partners that deliver entirely in their own
    /// software.
    #[serde(default)]
    pub external_agent_id: Option<String>,
}

impl std::fmt::Debug for DeliveryRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use mask::Masked;
        let phones: Option<Vec<String>> = self
            .additional_phones
            .as_ref()
            .map(|v| v.iter().map(|p| mask::phone(p)).collect());
        f.debug_struct("DeliveryRequest")
            .field(
                "mobile_phone",
                &Masked(self.mobile_phone.as_deref(), mask::phone),
            )
            .field("additional_phones", &phones)
            .field(
                "first_name",
                &Masked(self.first_name.as_deref(), mask::name),
            )
            .field("last_name", &Masked(self.last_name.as_deref(), mask::name))
            .field(
                "patronymic",
                &Masked(self.patronymic.as_deref(), mask::name),
            )
            .field("email", &Masked(self.email.as_deref(), mask::email))
            .field("company_name", &self.company_name)
            .field("inn", &self.inn)
            .field("birthday", &self.birthday.as_ref().map(|_| "**.**.****"))
            .field("delivery_city", &self.delivery_city)
            .field("address", &self.address.as_ref().map(|_| "***"))
            .field("date", &self.date)
            .field("time_interval_id", &self.time_interval_id)
            .field("time_interval_name", &self.time_interval_name)
            .field("product", &self.product)
            .field("callback_url", &self.callback_url)
            .field("external_id", &self.external_id)
            .finish_non_exhaustive()
    }
}

/// The JSON:API envelope of a request body.
#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    data: Option<EnvelopeData>,
}

/// `data` of the envelope: an object only (a derived `Deserialize` would also take an
/// array, and a JSON:API list of requests must not pass for one empty request).
struct EnvelopeData {
    attributes: DeliveryRequest,
}

impl<'de> Deserialize<'de> for EnvelopeData {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = EnvelopeData;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object with `attributes`")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<EnvelopeData, A::Error> {
                let mut attributes = None;
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    if key == "attributes" {
                        attributes = Some(map.next_value::<DeliveryRequest>()?);
                    } else {
                        map.next_value::<serde::de::IgnoredAny>()?;
                    }
                }
                Ok(EnvelopeData {
                    attributes: attributes.unwrap_or_default(),
                })
            }
        }
        d.deserialize_map(Visitor)
    }
}

impl DeliveryRequest {
    /// Parses a request body: the JSON:API envelope `{"data":{"attributes":{…}}}` the API
    /// takes, or the bare attributes object.
    ///
    /// ```
    /// use courier_rules::fastriver::DeliveryRequest;
    /// let a = DeliveryRequest::from_json(r#"{"data":{"attributes":{"product":"p"}}}"#).unwrap();
    /// let b = DeliveryRequest::from_json(r#"{"product":"p"}"#).unwrap();
    /// assert_eq!(a, b);
    /// ```
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        // Typed, without an intermediate `Value`: the envelope pass skips every other
        // key; without `data`, the text is the attributes themselves.
        crate::payload::expect_object(text)?;
        match serde_json::from_str::<Envelope>(text)?.data {
            Some(data) => Ok(data.attributes),
            None => serde_json::from_str(text),
        }
    }

    /// Applies a `PATCH`: "only the fields to update may be sent", so every field the
    /// patch carries replaces this request's; absent fields are kept. Validate the
    /// result with [`validate_request`] (a patch that makes a validated request invalid
    /// is answered 422).
    ///
    /// ```
    /// use courier_rules::fastriver::DeliveryRequest;
    /// let mut r = DeliveryRequest::from_json(r#"{"product":"p","date":"20.08.2020"}"#).unwrap();
    /// r.apply_patch(&DeliveryRequest::from_json(r#"{"date":"21.08.2020"}"#).unwrap());
    /// assert_eq!((r.product.as_deref(), r.date.as_deref()), (Some("p"), Some("21.08.2020")));
    /// ```
    pub fn apply_patch(&mut self, patch: &DeliveryRequest) {
        macro_rules! take {
            ($($f:ident),+) => { $( if patch.$f.is_some() { self.$f = patch.$f.clone(); } )+ };
        }
        take!(
            mobile_phone,
            additional_phones,
            first_name,
            last_name,
            patronymic,
            email,
            company_name,
            inn,
            birthday,
            documents,
            delivery_city,
            address,
            date,
            time_interval_id,
            time_interval_name,
            precise,
            notes,
            product,
            callback_url,
            external_id,
            demo,
            marketing_channel,
            external_agent_id
        );
    }

    /// Whether the patch changes where or when the delivery happens (address, city,
    /// date, slot) — such changes are allowed only until the day before the delivery
    /// (see [`address_or_date_change_allowed`]).
    pub fn moves_delivery(&self) -> bool {
        self.address.is_some()
            || self.delivery_city.is_some()
            || self.date.is_some()
            || self.time_interval_id.is_some()
            || self.time_interval_name.is_some()
    }
}

/// "Данные об адресе и/или дате доставки можно менять за день до её проведения": the
/// address or date of a delivery planned for `delivery_date` may be changed while the
/// city's local date `today` is before it.
///
/// ```
/// use chrono::NaiveDate;
/// use courier_rules::fastriver::request::address_or_date_change_allowed;
/// let d = |day| NaiveDate::from_ymd_opt(2020, 8, day).unwrap();
/// assert!(address_or_date_change_allowed(d(20), d(19)));
/// assert!(!address_or_date_change_allowed(d(20), d(20)));
/// ```
pub fn address_or_date_change_allowed(delivery_date: NaiveDate, today: NaiveDate) -> bool {
    today < delivery_date
}

/// Every problem found, in the order the fields are checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationErrors {
    /// The problems, each a field, a stable code and a Russian message.
    pub errors: Vec<FieldError>,
}

impl ValidationErrors {
    /// Whether the request passed: no problem found.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// Whether `field` has an error with `code`.
    pub fn has(&self, field: &str, code: &str) -> bool {
        self.errors
            .iter()
            .any(|e| e.field == field && e.code == code)
    }

    /// Fastriver's shape: field → list of messages, fields in alphabetical order.
    pub fn to_fastriver(&self) -> BTreeMap<&str, Vec<&str>> {
        let mut map: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for e in &self.errors {
            map.entry(e.field.as_str())
                .or_default()
                .push(e.message.as_str());
        }
        map
    }

    fn push(&mut self, field: &'static str, code: &'static str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, code, message));
    }

    /// A problem with a field named by a path (`documents[2].series`).
    pub(crate) fn push_at(&mut self, field: String, code: &'static str, message: &str) {
        self.errors.push(FieldError::new(field, code, message));
    }
}

impl Serialize for ValidationErrors {
    /// `{"validation_errors": {field: [message, …]}}`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("validation_errors", &self.to_fastriver())?;
        m.end()
    }
}

const REQUIRED: &str = "обязательно для заполнения";

/// Validates a request against the partner's configuration at instant `now`.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use courier_rules::fastriver::{validate_request, DeliveryRequest, PartnerConfig};
/// let cfg = PartnerConfig::from_toml_str(r#"
///     [products.credit_card_visa]
///     [cities.kazan]
///     name = "Казань"
///     time_zone = "Europe/Moscow"
///     same_day_cutoff = "15:00"
/// "#).unwrap();
/// let req = DeliveryRequest::from_json(r#"{"mobile_phone":"+7926123456",
///     "first_name":"Anna","last_name":"Синий","delivery_city":"kazan",
///     "product":"credit_card_visa","external_id":"R1"}"#).unwrap();
/// let errors = validate_request(&req, &cfg, Utc.with_ymd_and_hms(2025, 1, 1, 9, 0, 0).unwrap());
/// let shape = serde_json::to_string(&errors).unwrap();
/// assert_eq!(shape, r#"{"validation_errors":{"first_name":["допустимы только русские буквы и дефис"],"mobile_phone":["должен быть в формате +7 и 10 цифр"]}}"#);
/// ```
pub fn validate_request(
    req: &DeliveryRequest,
    cfg: &PartnerConfig,
    now: DateTime<Utc>,
) -> ValidationErrors {
    let mut errs = ValidationErrors::default();

    check_name(&mut errs, "last_name", req.last_name.as_deref(), true);
    check_name(&mut errs, "first_name", req.first_name.as_deref(), true);
    check_name(&mut errs, "patronymic", req.patronymic.as_deref(), false);

    match present(req.mobile_phone.as_deref()) {
        None => errs.push("mobile_phone", "required", REQUIRED),
        Some(p) if !is_mobile_phone(p) => errs.push(
            "mobile_phone",
            "phone_format",
            "должен быть в формате +7 и 10 цифр",
        ),
        Some(_) => {}
    }
    if let Some(phones) = &req.additional_phones {
        for (i, p) in phones.iter().enumerate() {
            if !is_mobile_phone(p) {
                errs.push(
                    "additional_phones",
                    "phone_format",
                    format!(
                        "телефон №{} ({}) должен быть в формате +7 и 10 цифр",
                        i + 1,
                        mask::phone(p)
                    ),
                );
            }
        }
    }

    if let Some(e) = present(req.email.as_deref()) {
        if !is_email(e) {
            errs.push("email", "email_format", "неверный формат email");
        }
    }

    let city = match present(req.delivery_city.as_deref()) {
        None => {
            errs.push("delivery_city", "required", REQUIRED);
            None
        }
        Some(c) => {
            let found = cfg.city(c);
            if found.is_none() {
                errs.push(
                    "delivery_city",
                    "city_not_enabled",
                    "город не включён для партнёра",
                );
            }
            found
        }
    };
    let zone = city.map_or(cfg.default_time_zone, |c| c.time_zone);
    // chrono panics converting an instant at the very ends of its range to a zone ahead
    // of or behind UTC; clamp to two days inside it (years ±262 000, never a real input).
    let safe_now = now.clamp(
        DateTime::<Utc>::MIN_UTC + chrono::Duration::days(2),
        DateTime::<Utc>::MAX_UTC - chrono::Duration::days(2),
    );
    let local_now = safe_now.with_timezone(&zone);
    let today = local_now.date_naive();

    if let Some(b) = present(req.birthday.as_deref()) {
        match parse_date(b) {
            None => errs.push("birthday", "date_format", DATE_FORMAT),
            Some(d) if d >= today => {
                errs.push("birthday", "not_in_past", "должна быть дата в прошлом")
            }
            Some(_) => {}
        }
    }

    if let Some(documents) = &req.documents {
        check_documents(&mut errs, documents, today);
    }

    let product = match present(req.product.as_deref()) {
        None => {
            errs.push("product", "required", REQUIRED);
            None
        }
        Some(p) => {
            let found = cfg.product(p);
            if found.is_none() {
                errs.push(
                    "product",
                    "product_not_enabled",
                    "продукт не включён для партнёра",
                );
            }
            found
        }
    };

    if cfg.partner_coordinates && present(req.address.as_deref()).is_none() {
        errs.push("address", "required", REQUIRED);
    }

    match present(req.date.as_deref()) {
        None if cfg.partner_coordinates => errs.push("date", "required", REQUIRED),
        None => {}
        Some(d) => match parse_date(d) {
            None => errs.push("date", "date_format", DATE_FORMAT),
            Some(d) if d < today => errs.push("date", "in_past", "дата доставки в прошлом"),
            Some(d) if d == today => {
                if let Some(c) = city {
                    let minute = local_now.hour() * 60 + local_now.minute();
                    if minute >= u32::from(c.same_day_cutoff) {
                        errs.push("date", "same_day_cutoff", cutoff_message(c));
                    }
                }
            }
            Some(_) => {}
        },
    }

    check_slot(&mut errs, req, cfg, city);

    if let Some(url) = present(req.callback_url.as_deref()) {
        if !is_https_url(url) {
            errs.push("callback_url", "not_https", "должен начинаться с https://");
        }
    }

    let legal_entity = product.is_some_and(|p| p.legal_entity);
    let inn = present(req.inn.as_deref());
    let company = present(req.company_name.as_deref());
    if company.is_none() && (legal_entity || inn.is_some()) {
        errs.push("company_name", "required", REQUIRED);
    }
    match inn {
        None if legal_entity => errs.push("inn", "required", REQUIRED),
        None => {}
        Some(i) => match inn::check(i) {
            Ok(_) => {}
            Err(InnError::Format) => errs.push(
                "inn",
                "inn_format",
                "должен содержать 10 цифр (юр. лицо) или 12 цифр (ИП, физ. лицо)",
            ),
            Err(InnError::CheckDigit) => {
                errs.push("inn", "inn_checksum", "неверное контрольное число")
            }
        },
    }

    if cfg.require_external_id && present(req.external_id.as_deref()).is_none() {
        errs.push("external_id", "required", REQUIRED);
    }
    errs
}

const DATE_FORMAT: &str = "неверный формат даты, ожидается ДД.ММ.ГГГГ";

fn cutoff_message(c: &CityConfig) -> String {
    format!(
        "день-в-день доставки в городе {} принимаются до {:02}:{:02} местного времени",
        c.name,
        c.same_day_cutoff / 60,
        c.same_day_cutoff % 60
    )
}

fn check_slot(
    errs: &mut ValidationErrors,
    req: &DeliveryRequest,
    cfg: &PartnerConfig,
    city: Option<&CityConfig>,
) {
    let name = present(req.time_interval_name.as_deref());
    match (req.time_interval_id, name) {
        (None, None) => {
            if cfg.partner_coordinates {
                errs.push("time_interval_id", "required", REQUIRED);
            }
        }
        // The id wins; the name is "used instead of time_interval_id" only without it.
        (Some(id), _) => {
            if let Some(c) = city {
                if !c.slots.iter().any(|s| s.id == id) {
                    errs.push(
                        "time_interval_id",
                        "slot_unknown",
                        format!("интервал {id} недоступен в городе {}", c.name),
                    );
                }
            }
        }
        (None, Some(n)) => {
            if let Some(c) = city {
                if !c.slots.iter().any(|s| s.matches_name(n)) {
                    errs.push(
                        "time_interval_name",
                        "slot_unknown",
                        format!("интервал {n} недоступен в городе {}", c.name),
                    );
                }
            }
        }
    }
}

/// `Some(trimmed)` when the field is present and not blank.
fn present(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|s| !s.is_empty())
}

fn check_name(errs: &mut ValidationErrors, field: &'static str, v: Option<&str>, required: bool) {
    match present(v) {
        None if required => errs.push(field, "required", REQUIRED),
        None => {}
        Some(n) if !is_russian_name(n) => errs.push(
            field,
            "name_format",
            "допустимы только русские буквы и дефис",
        ),
        Some(_) => {}
    }
}

/// Russian (Cyrillic) letters and hyphens, starting and ending with a letter, no double
/// hyphen: `Римский-Корсаков`, not `-Анна` or `Anna`.
///
/// ```
/// use courier_rules::fastriver::request::is_russian_name;
/// assert!(is_russian_name("Римский-Корсаков"));
/// assert!(is_russian_name("Ёлкин"));
/// assert!(!is_russian_name("Anna"));
/// assert!(!is_russian_name("Анна Мария"));
/// assert!(!is_russian_name("Анна-"));
/// ```
pub fn is_russian_name(s: &str) -> bool {
    let mut prev_hyphen = true; // no leading hyphen
    let mut any = false;
    for c in s.chars() {
        if c == '-' {
            if prev_hyphen {
                return false;
            }
            prev_hyphen = true;
        } else if matches!(c, 'А'..='я' | 'Ё' | 'ё') {
            prev_hyphen = false;
            any = true;
        } else {
            return false;
        }
    }
    any && !prev_hyphen
}

/// `+7` followed by exactly 10 digits.
///
/// ```
/// use courier_rules::fastriver::request::is_mobile_phone;
/// assert!(is_mobile_phone("+79261234567"));
/// assert!(!is_mobile_phone("89261234567"));
/// assert!(!is_mobile_phone("+7 926 123-45-67"));
/// ```
pub fn is_mobile_phone(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 12 && b.starts_with(b"+7") && b[2..].iter().all(u8::is_ascii_digit)
}

/// A date as `DD.MM.YYYY` (the seed's request format) or `YYYY-MM-DD` (its callbacks').
///
/// ```
/// use courier_rules::fastriver::request::parse_date;
/// use chrono::NaiveDate;
/// let d = NaiveDate::from_ymd_opt(2020, 8, 20);
/// assert_eq!(parse_date("20.08.2020"), d);
/// assert_eq!(parse_date("2020-08-20"), d);
/// assert_eq!(parse_date("31.02.2020"), None);
/// ```
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(r)?;
        if part.iter().all(u8::is_ascii_digit) {
            Some(part.iter().fold(0u32, |a, d| a * 10 + u32::from(d - b'0')))
        } else {
            None
        }
    };
    if b.len() != 10 {
        return None;
    }
    let (y, m, d) = if b[2] == b'.' && b[5] == b'.' {
        (num(6..10)?, num(3..5)?, num(0..2)?)
    } else if b[4] == b'-' && b[7] == b'-' {
        (num(0..4)?, num(5..7)?, num(8..10)?)
    } else {
        return None;
    };
    NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)
}
