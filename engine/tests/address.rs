//! The recipient address is checked before any method is priced: the postal index must
//! have the format of the tariff's country (`[address]`, beside the zonings), and the
//! address must fall in some zone of the tariff. Edges: lengths one short and one long,
//! a letter, a trailing sign, the Polish dash, whitespace, an empty index with a region.

use courier_engine::pricing::{
    AddressError, CompiledTariff, QuoteError, QuoteRequest, ShipxCalculationRequest, ShipxOutcome,
};
use courier_rules::postal::PostalIndexFormat;
use courier_rules::tariff::Tariff;

fn aplix() -> CompiledTariff {
    CompiledTariff::from_toml_str(include_str!("../../data/tariffs/aplix.toml")).unwrap()
}

fn inpost() -> CompiledTariff {
    CompiledTariff::from_toml_str(include_str!("../../data/tariffs/inpost.toml")).unwrap()
}

fn quote(index: &str, region: &str) -> Result<courier_engine::pricing::Quote, QuoteError> {
    let req: QuoteRequest = serde_json::from_value(serde_json::json!({
        "declared_value": "0",
        "goods": [{"length_mm": 200, "width_mm": 150, "height_mm": 100, "weight_g": 700, "qty": 1}],
        "address": {"index": index, "region": region},
        "type_of_seal": 1
    }))
    .unwrap();
    aplix().quote(&req)
}

#[test]
fn shipped_tariffs_name_their_country_and_format() {
    let a = aplix();
    let r = a.address_rules().expect("aplix has [address]");
    assert_eq!(
        (r.country.as_str(), r.postal_index_format.pattern()),
        ("RU", "NNNNNN")
    );
    let i = inpost();
    let r = i.address_rules().expect("inpost has [address]");
    assert_eq!(
        (r.country.as_str(), r.postal_index_format.pattern()),
        ("PL", "NN-NNN")
    );
}

#[test]
fn malformed_russian_index_is_an_address_error_not_moscow() {
    // The example: "12A!" starts with the Moscow prefix 12.
    for bad in [
        "12A!",
        "12345",
        "1234567",
        "10100O",
        "101 000",
        "-10100",
        "101000.",
        "１０１０００",
    ] {
        match quote(bad, "") {
            Err(QuoteError::Address(e)) => {
                assert_eq!(e.code(), "index_format", "{bad}");
                assert_eq!(e.field(), "address.index", "{bad}");
                let msg = e.to_string();
                assert!(
                    msg.starts_with("address.index:")
                        && msg.contains("RU")
                        && msg.contains("six digits"),
                    "{msg}"
                );
            }
            other => panic!("{bad:?}: expected an address error, got {other:?}"),
        }
    }
    // Well-formed, surrounding whitespace ignored.
    for good in ["101000", " 101000 ", "684005"] {
        let q = quote(good, "").unwrap_or_else(|e| panic!("{good:?}: {e}"));
        assert!(!q.options.is_empty(), "{good:?}");
    }
}

#[test]
fn index_no_zone_knows_is_one_address_error() {
    // Six digits, but no zoning of the tariff has it (Russian indexes start at 10xxxx).
    for unknown in ["000000", "099999", "700000", "999999"] {
        match quote(unknown, "") {
            Err(QuoteError::Address(e @ AddressError::NotServed { .. })) => {
                assert_eq!(
                    (e.code(), e.field()),
                    ("address_not_served", "address.index")
                );
                assert!(e.to_string().contains(unknown), "{e}");
            }
            other => panic!("{unknown:?}: {other:?}"),
        }
    }
    // The region may still zone the address (Kamchatka by region, no index).
    let q = quote("", "Камчатский край").expect("zoned by region");
    assert!(q.options.iter().any(|o| o.code == "russian_post_parcel"));
    // Neither index nor region.
    let e = quote("", "").unwrap_err();
    assert!(
        matches!(e, QuoteError::Address(AddressError::NotServed { .. })),
        "{e}"
    );
    // Served by some method only: per-method refusals as before (courier is Moscow and
    // St Petersburg only).
    let q = quote("420111", "").unwrap();
    assert!(q.refused.iter().any(|r| r.code == "courier"));
    assert!(q.options.iter().any(|o| o.code == "russian_post_parcel"));
}

#[test]
fn shipx_post_code_is_checked_in_the_polish_format() {
    let t = inpost();
    let run = |post_code: Option<&str>| {
        let mut shipment = serde_json::json!({"id": "S1", "parcels": [{"template": "small"}]});
        if let Some(pc) = post_code {
            shipment["receiver"] = serde_json::json!({"address": {"post_code": pc}});
        }
        let req: ShipxCalculationRequest =
            serde_json::from_value(serde_json::json!({"shipments": [shipment]})).unwrap();
        t.shipx_calculate(&req).remove(0)
    };
    for good in [None, Some("00-950"), Some("31-154")] {
        assert!(matches!(run(good), ShipxOutcome::Priced(_)), "{good:?}");
    }
    for bad in ["00950", "00-9500", "0-0950", "00_950", "AB-CDE", "12A!"] {
        match run(Some(bad)) {
            ShipxOutcome::Refused(e) => {
                assert_eq!(e.status, 400);
                assert_eq!(e.error, "invalid_post_code", "{bad}");
                assert_eq!(e.details, ["receiver.address.post_code"]);
                assert!(
                    e.message.contains("NN-NNN") && e.message.contains("PL"),
                    "{}",
                    e.message
                );
            }
            other => panic!("{bad:?}: {other:?}"),
        }
    }
}

#[test]
fn formats_are_data_and_checked_at_load() {
    let ok = |p: &str| PostalIndexFormat::new(p).is_ok();
    assert!(ok("NNNNNN") && ok("NN-NNN") && ok("N"));
    assert!(!ok("") && !ok("---") && !ok("NN NNN") && !ok("NNNNNNNNNNNNNNNNN"));
    let kz = PostalIndexFormat::new("NNNNNN").unwrap();
    assert!(kz.matches("050000") && !kz.matches("05000") && !kz.matches("0500000"));
    // A tariff with a bad [address] table is refused with the line and the key.
    let base = include_str!("../../data/tariffs/aplix.toml");
    for (bad, what) in [
        (
            "postal_index_format = \"NNNNNN\"",
            "postal_index_format = \"XX\"",
        ),
        ("country = \"RU\"", "country = \"ru\""),
        ("country = \"RU\"", "country = \"RUS\""),
    ] {
        let text = base.replacen(bad, what, 1);
        assert_ne!(text, base);
        let e = Tariff::from_toml_str(&text).unwrap_err().to_string();
        assert!(e.contains("line "), "{what}: {e}");
    }
    let text = base.replacen("[address]\n", "[address]\nregion_format = \"x\"\n", 1);
    assert!(Tariff::from_toml_str(&text).is_err(), "unknown key refused");
    // A tariff without [address] does not check formats (only zoning).
    let text = base.replacen(
        "[address]\ncountry = \"RU\"\npostal_index_format = \"NNNNNN\"\n",
        "",
        1,
    );
    assert_ne!(text, base);
    let t = CompiledTariff::from_toml_str(&text).unwrap();
    assert!(t.address_rules().is_none());
    assert!(t.check_address("address.index", "12A!", "").is_ok());
}
