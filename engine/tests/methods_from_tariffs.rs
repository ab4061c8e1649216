//! One source of limits (issue 14): `data/methods.toml`, which the README's `courier pack
//! --methods` uses, holds exactly the limits of the tariff methods it names; a service
//! with a tariff takes them from `CompiledTariff::delivery_methods()`. The two used to
//! disagree (sum of sides 3000 vs the tariff's 1400, courier 15 kg vs 30 kg).

use courier_engine::pricing::CompiledTariff;
use courier_engine::rules::limits::MethodCatalogue;

#[test]
fn the_method_file_has_the_tariffs_limits() {
    let aplix = CompiledTariff::from_toml_str(include_str!("../../data/tariffs/aplix.toml"))
        .expect("aplix tariff");
    let inpost = CompiledTariff::from_toml_str(include_str!("../../data/tariffs/inpost.toml"))
        .expect("inpost tariff");
    let file = MethodCatalogue::from_toml_str(include_str!("../../data/methods.toml"))
        .expect("methods.toml");
    let in_tariffs: Vec<_> = aplix
        .delivery_methods()
        .into_iter()
        .chain(inpost.delivery_methods())
        .collect();
    // The file's ids and the tariffs' codes (the file keeps its own short id for InPost).
    let code_of = |id: &str| match id {
        "inpost_locker" => "inpost_locker_standard".to_string(),
        other => other.to_string(),
    };
    assert_eq!(file.methods.len(), 4);
    for m in &file.methods {
        let t = in_tariffs
            .iter()
            .find(|t| t.id == code_of(&m.id))
            .unwrap_or_else(|| panic!("{}: no tariff method", m.id));
        assert_eq!(
            m.limits, t.limits,
            "{}: limits differ from the tariff's",
            m.id
        );
    }
    // Every tariff method has its limits, in tariff order.
    let codes: Vec<&str> = aplix.method_codes().collect();
    let ids: Vec<String> = aplix.delivery_methods().into_iter().map(|m| m.id).collect();
    assert_eq!(ids, codes);
}
