//! Taxomet: every method's request validated (the seed's example requests and a table of
//! broken ones), URLs, the secret password, and replies.

use courier_rules::taxomet::{parse_reply, Call, Password, ReplyError, Request, Tariff};

fn req(json: &str) -> Request {
    Request::from_json(json).expect("request parses")
}

fn params(r: &Request) -> Vec<(String, &'static str)> {
    r.validate()
        .into_iter()
        .map(|e| (e.field, e.code))
        .collect()
}

fn borrowed<'a>(v: &'a [(String, &'static str)]) -> Vec<(&'a str, &'static str)> {
    v.iter().map(|(f, c)| (f.as_str(), *c)).collect()
}

const CRED: &str = r#""operator_login":"my-api","operator_password":"s3cr3t-pw""#;

#[test]
fn seed_examples_are_valid() {
    for text in [
        include_str!("../../data/samples/carriers/taxomet_seed_add_order.json"),
        include_str!("../../data/samples/carriers/taxomet_seed_send_sms.json"),
    ] {
        let r = req(text);
        assert!(r.validate().is_empty(), "{:?}", r.validate());
    }
    let seed_calls = [
        format!(r#"{{"method":"cancel_order",{CRED},"id":10}}"#),
        format!(r#"{{"method":"get_order",{CRED},"id":10}}"#),
        format!(r#"{{"method":"set_driver",{CRED},"id":10,"driver_id":3}}"#),
        format!(r#"{{"method":"remove_driver",{CRED},"id":10}}"#),
        format!(r#"{{"method":"send_voice_code",{CRED},"phone":"79670001122","code":"12345"}}"#),
        format!(
            r#"{{"method":"add_driver_rating",{CRED},"driver_id":2,"points":100,"lifetime_hours":1000,"comment":"Тестовый рейтинг через API"}}"#
        ),
        format!(
            r#"{{"method":"add_driver_rating",{CRED},"driver_id":2,"points":-50,"lifetime_hours":1,"comment":"штраф"}}"#
        ),
    ];
    for text in &seed_calls {
        let r = req(text);
        assert!(r.validate().is_empty(), "{text}: {:?}", r.validate());
    }
}

#[test]
fn invalid_add_order_reports_everything() {
    let r = req(include_str!(
        "../../data/samples/carriers/taxomet_invalid_add_order.json"
    ));
    assert_eq!(
        borrowed(&params(&r)),
        vec![
            ("unit_id", "positive"),
            ("tarif_id", "tariff"),
            ("phone", "plus"),
            ("to[]", "required"),
            ("fix_price", "negative"),
            ("order_time", "unix_time"),
            ("print_receipt", "zero_or_one"),
        ]
    );
    let shown = format!("{r:?} {}", serde_json::to_string(&r).unwrap());
    assert!(!shown.contains("hunter2"), "{shown}");
}

#[test]
fn rules_table() {
    let order = |extra: &str| {
        format!(
            r#"{{"method":"add_order",{CRED},"unit_id":1,"tarif_id":-1,"phone":"+70001112233","to":["A"]{extra}}}"#
        )
    };
    let cases: Vec<(String, Vec<(&str, &str)>)> = vec![
        (order(""), vec![]),
        (order(r#","fix_price":0"#), vec![]),
        (order(r#","fix_price":"199.50""#), vec![]),
        (
            order(r#","order_time":1700000000,"print_receipt":1"#),
            vec![],
        ),
        (order(r#","print_receipt":0"#), vec![]),
        (
            order(r#","order_time":0"#),
            vec![("order_time", "unix_time")],
        ),
        (
            order(r#","car_option":[0]"#),
            vec![("car_option[]", "positive")],
        ),
        (
            order(r#","to":["A",""]"#).replace(r#""to":["A"],"#, ""),
            vec![("to[]", "blank_address")],
        ),
        (
            order("").replace("+70001112233", "+7000abc2233"),
            vec![("phone", "phone_format")],
        ),
        (
            order("").replace(r#""tarif_id":-1"#, r#""tarif_id":0"#),
            vec![("tarif_id", "tariff")],
        ),
        (
            format!(
                r#"{{"method":"send_sms",{CRED},"from":"TaxiServiceXY","phone":"79670001122","msg":"x"}}"#
            ),
            vec![("from", "sender")],
        ),
        (
            format!(
                r#"{{"method":"send_sms",{CRED},"from":"Такси","phone":"79670001122","msg":"x"}}"#
            ),
            vec![("from", "sender")],
        ),
        (
            format!(
                r#"{{"method":"send_sms",{CRED},"from":"TaxiService","phone":"+79670001122","msg":" "}}"#
            ),
            vec![("phone", "eleven_digits"), ("msg", "required")],
        ),
        (
            format!(r#"{{"method":"send_voice_code",{CRED},"phone":"7967000112","code":"12a45"}}"#),
            vec![("phone", "eleven_digits"), ("code", "digits_only")],
        ),
        (
            format!(r#"{{"method":"send_voice_code",{CRED},"phone":"79670001122","code":""}}"#),
            vec![("code", "digits_only")],
        ),
        (
            format!(
                r#"{{"method":"add_driver_rating",{CRED},"driver_id":2,"points":5,"lifetime_hours":0,"comment":"x"}}"#
            ),
            vec![("lifetime_hours", "positive")],
        ),
        (
            format!(
                r#"{{"method":"add_driver_rating",{CRED},"driver_id":2,"points":5,"lifetime_hours":1,"comment":" "}}"#
            ),
            vec![("comment", "required")],
        ),
        (
            format!(
                r#"{{"method":"add_driver_rating",{CRED},"driver_id":2,"points":5,"lifetime_hours":-1}}"#
            ),
            vec![("lifetime_hours", "positive"), ("comment", "required")],
        ),
        (
            format!(r#"{{"method":"set_driver",{CRED},"id":10,"driver_id":0,"boarding_time":0}}"#),
            vec![("driver_id", "positive"), ("boarding_time", "positive")],
        ),
        (
            format!(r#"{{"method":"cancel_order",{CRED},"id":-3}}"#),
            vec![("id", "positive")],
        ),
        (
            r#"{"method":"get_order","operator_login":" ","operator_password":"","id":1}"#
                .to_string(),
            vec![
                ("operator_login", "required"),
                ("operator_password", "required"),
            ],
        ),
    ];
    for (text, want) in cases {
        assert_eq!(borrowed(&params(&req(&text))), want, "{text}");
    }
}

#[test]
fn non_integer_points_do_not_parse() {
    assert!(Request::from_json(&format!(
        r#"{{"method":"add_driver_rating",{CRED},"driver_id":2,"points":1.5,"lifetime_hours":3}}"#
    ))
    .is_err());
    assert!(Request::from_json(&format!(r#"{{"method":"fly",{CRED}}}"#)).is_err());
}

#[test]
fn tariff_and_urls() {
    let r = req(include_str!(
        "../../data/samples/carriers/taxomet_seed_add_order.json"
    ));
    assert_eq!(r.tariff(), Some(Tariff::Id(1)));
    assert_eq!(
        r.redacted_url("https://test.taxomet.ru/"),
        "https://test.taxomet.ru/api/v1/add_order?operator_login=my-api&operator_password=***&unit_id=1&tarif_id=1&phone=%2B70001112233&to[]=%D0%A1%D0%BE%D1%87%D0%B8%2C%20%D0%A2%D0%B8%D0%BC%D0%B8%D1%80%D1%8F%D0%B7%D0%B5%D0%B2%D0%B0%20%D1%83%D0%BB.%2C%204&to[]=%D0%A1%D0%BE%D1%87%D0%B8%2C%20%D0%9F%D0%B0%D1%80%D0%BA%D0%BE%D0%B2%D0%B0%D1%8F%20%D1%83%D0%BB.%2C%2042&car_option[]=1&fix_price=200&extern_id=1234"
    );
    let auto = req(&format!(
        r#"{{"method":"add_order",{CRED},"unit_id":1,"tarif_id":-1,"phone":"+70001112233","to":["A"]}}"#
    ));
    assert_eq!(auto.tariff(), Some(Tariff::Auto));
    assert!(auto
        .url("https://x")
        .contains("operator_password=s3cr3t-pw"));
    assert!(!auto.redacted_url("https://x").contains("s3cr3t"));
    assert!(matches!(auto.call, Call::AddOrder { .. }));
}

#[test]
fn password_never_printed() {
    let p = Password::new("s3cr3t-pw");
    assert_eq!(format!("{p:?}"), "***");
    assert_eq!(format!("{p}"), "***");
    assert_eq!(serde_json::to_string(&p).unwrap(), "\"***\"");
    assert_eq!(p.expose(), "s3cr3t-pw");
    let r = req(&format!(r#"{{"method":"get_order",{CRED},"id":0}}"#));
    let all = format!("{r:?} {:?}", r.validate());
    assert!(!all.contains("s3cr3t"), "{all}");
}

#[test]
fn replies() {
    let ok = parse_reply(r#"{"result":"1", "error":"", "order_id":"2342"}"#).unwrap();
    assert_eq!(ok.order_id.as_deref(), Some("2342"));
    let ok = parse_reply(r#"{"result":1, "error":""}"#).unwrap();
    assert_eq!(ok.order_id, None);
    let got = parse_reply(
        r#"{"result":"1", "error":"", "order_id":"2342", "status":"4", "call_from":"+70000000000", "driver_id":"120"}"#,
    )
    .unwrap();
    assert_eq!(got.extra["status"], "4");
    assert_eq!(got.extra.len(), 3);
    match parse_reply(r#"{"result":"0", "error":"Неверный пароль", "order_id":"0"}"#)
    {
        Err(ReplyError::Refused { result, error }) => {
            assert_eq!(result, "0");
            assert_eq!(error, "Неверный пароль");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        parse_reply(r#"{"error":""}"#),
        Err(ReplyError::Missing("result"))
    );
    assert_eq!(
        parse_reply(r#"{"result":"1"}"#),
        Err(ReplyError::Missing("error"))
    );
    assert!(matches!(
        parse_reply("<html>"),
        Err(ReplyError::Malformed(_))
    ));
}

/// Seed 004: "result, error, order_id всегда присутствуют в ответе". Our validation
/// answer has the same three keys always; a missing or mistyped parameter is a refusal
/// naming it (`result` "0"), not a parse failure.
#[test]
fn validation_answer_has_result_error_and_order_id_always() {
    use courier_rules::taxomet::Validation;
    let answer = |text: &str| {
        Validation::of_json(text)
            .expect("a JSON object")
            .answer_json()
    };
    let keys = |v: &serde_json::Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    // The seed examples: accepted, error empty, order_id "0" (nothing created) or the
    // order the request is about.
    let ok = answer(include_str!(
        "../../data/samples/carriers/taxomet_seed_add_order.json"
    ));
    assert_eq!(
        (
            ok["result"].as_str(),
            ok["error"].as_str(),
            ok["order_id"].as_str()
        ),
        (Some("1"), Some(""), Some("0"))
    );
    assert_eq!(
        keys(&ok),
        ["error", "errors", "method", "order_id", "result"]
    );
    let ok = answer(&format!(r#"{{"method":"cancel_order",{CRED},"id":2342}}"#));
    assert_eq!(
        (ok["result"].as_str(), ok["order_id"].as_str()),
        (Some("1"), Some("2342"))
    );
    let ok = answer(include_str!(
        "../../data/samples/carriers/taxomet_seed_send_sms.json"
    ));
    assert_eq!(
        (ok["result"].as_str(), ok["order_id"].as_str()),
        (Some("1"), Some("0"))
    );
    // Missing required parameters, one answer each, named; order_id "0" on error.
    let cases: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            format!(
                r#"{{"method":"add_order",{CRED},"tarif_id":-1,"phone":"+70001112233","to":["A"]}}"#
            ),
            vec![("unit_id", "required")],
        ),
        (
            format!(
                r#"{{"method":"add_order",{CRED},"unit_id":1,"tarif_id":-1,"phone":"+70001112233"}}"#
            ),
            vec![("to[]", "required")],
        ),
        (
            format!(r#"{{"method":"add_order",{CRED}}}"#),
            vec![
                ("unit_id", "required"),
                ("tarif_id", "required"),
                ("phone", "required"),
                ("to[]", "required"),
            ],
        ),
        (
            format!(r#"{{"method":"cancel_order",{CRED},"id":null}}"#),
            vec![("id", "required")],
        ),
        (
            format!(r#"{{"method":"set_driver",{CRED},"id":1}}"#),
            vec![("driver_id", "required")],
        ),
        (
            format!(r#"{{"method":"send_sms",{CRED},"from":"taxomet","phone":"79670001122"}}"#),
            vec![("msg", "required")],
        ),
        (
            format!(r#"{{"method":"send_voice_code",{CRED},"code":"1234"}}"#),
            vec![("phone", "required")],
        ),
        (
            format!(
                r#"{{"method":"add_driver_rating",{CRED},"driver_id":2,"points":100,"lifetime_hours":1000}}"#
            ),
            vec![("comment", "required")],
        ),
        (
            r#"{"method":"get_order","id":1}"#.to_string(),
            vec![
                ("operator_login", "required"),
                ("operator_password", "required"),
            ],
        ),
        (
            format!(r#"{{{CRED},"id":1}}"#),
            vec![("method", "required")],
        ),
        (
            format!(r#"{{"method":"fly",{CRED}}}"#),
            vec![("method", "unknown_method")],
        ),
        // Wrong JSON types are refusals too, naming the parameter.
        (
            format!(
                r#"{{"method":"add_driver_rating",{CRED},"driver_id":2,"points":1.5,"lifetime_hours":3,"comment":"x"}}"#
            ),
            vec![("points", "integer")],
        ),
        (
            format!(
                r#"{{"method":"add_order",{CRED},"unit_id":"1","tarif_id":-1,"phone":"+70001112233","to":"A"}}"#
            ),
            vec![("unit_id", "integer"), ("to[]", "text_list")],
        ),
        (
            format!(
                r#"{{"method":"add_order",{CRED},"unit_id":1,"tarif_id":-1,"phone":"+70001112233","to":["A"],"car_option[]":["1"],"fix_price":"abc"}}"#
            ),
            vec![("car_option[]", "integer_list"), ("fix_price", "number")],
        ),
        // Presence first, then the rules: both reported when types are right.
        (
            format!(
                r#"{{"method":"add_order",{CRED},"unit_id":0,"tarif_id":-1,"phone":"70001112233","to":["A"]}}"#
            ),
            vec![("unit_id", "positive"), ("phone", "plus")],
        ),
    ];
    for (text, want) in cases {
        let a = answer(&text);
        assert_eq!(a["result"], "0", "{text}");
        assert_eq!(a["order_id"], "0", "{text}");
        let got: Vec<(&str, &str)> = a["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["param"].as_str().unwrap(), e["code"].as_str().unwrap()))
            .collect();
        assert_eq!(got, want, "{text}");
        let error = a["error"].as_str().unwrap();
        assert!(error.starts_with(&format!("{}: ", want[0].0)), "{error}");
        assert!(
            !a.to_string().contains("s3cr3t-pw"),
            "the password never appears"
        );
    }
    // Not a JSON object: malformed input (the CLI's exit 2), not an answer.
    assert!(Validation::of_json("not json").is_err());
    assert!(Validation::of_json("[1, 2]").is_err());
}
