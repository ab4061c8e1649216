//! The configuration samples in `data/adapters/` load, and build clients.

use std::path::Path;

use courier_adapters::aplix::{AplixClient, AplixClientConfig};
use courier_adapters::config::{load_toml, secret_from};
use courier_adapters::fastriver::{FastriverClient, FastriverConfig};
use courier_adapters::inpost::{ShipXClient, ShipXConfig};
use courier_adapters::taxomet::{TaxometClient, TaxometConfig};
use courier_adapters::Secret;
use courier_rules::aplix::AplixConfig;

fn data(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../data")
        .join(name)
}

#[test]
fn every_sample_configuration_builds_its_client() {
    let env = |_: &str| Some("from-the-environment".to_string());
    let a: AplixClientConfig = load_toml(&data("adapters/aplix.toml")).unwrap();
    assert_eq!(a.operations.check_dimensions, "CheckDimenshions");
    let rules =
        AplixConfig::from_toml_str(&std::fs::read_to_string(data("carriers/aplix.toml")).unwrap())
            .unwrap();
    AplixClient::new(a.clone(), secret_from(&a.password_env, env).unwrap(), rules).unwrap();

    let i: ShipXConfig = load_toml(&data("adapters/inpost.toml")).unwrap();
    let window = i.load_window(&data("adapters")).unwrap();
    ShipXClient::new(&i, secret_from(&i.token_env, env).unwrap(), window).unwrap();
    let mut current = i.clone();
    current.window = "../inpost/current.toml".into();
    assert!(current
        .load_window(&data("adapters"))
        .unwrap()
        .excludes_public_holidays());

    let v2: courier_adapters::inpost::apiv2::Apiv2Config =
        load_toml(&data("adapters/inpost_apiv2.toml")).unwrap();
    let window = i.load_window(&data("adapters")).unwrap();
    courier_adapters::inpost::apiv2::Apiv2Client::new(
        &v2,
        secret_from(&v2.password_env, env).unwrap(),
        window,
    )
    .unwrap();

    let f: FastriverConfig = load_toml(&data("adapters/fastriver.toml")).unwrap();
    FastriverClient::new(&f, secret_from(&f.password_env, env).unwrap()).unwrap();

    let t: TaxometConfig = load_toml(&data("adapters/taxomet.toml")).unwrap();
    TaxometClient::new(&t, Secret::new("x")).unwrap();
}

#[test]
fn a_bad_configuration_names_the_file_and_the_field() {
    let dir = std::env::temp_dir().join(format!("courier-adapters-cfg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("taxomet.toml");
    std::fs::write(&file, "operator_login = \"x\"\npassword_env = \"P\"\npasword = \"oops\"\n[transport]\nbase_url = \"https://t\"\n").unwrap();
    let e = load_toml::<TaxometConfig>(&file).unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("taxomet.toml") && text.contains("pasword"),
        "{text}"
    );
    assert_eq!(e.code(), "config");
    std::fs::remove_dir_all(&dir).unwrap();
}
