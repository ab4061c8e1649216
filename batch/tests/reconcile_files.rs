//! Hand-written small files: each reject kind, the classes on a tiny dataset, the format
//! profile and the identities.

mod common;

use std::path::Path;

use common::*;
use courier_batch::{reconcile, write_outputs, BatchError, FormatProfile};

const REG_HEADER: &str = "registry_id,registry_date,handover_date,order_id,carrier,method,postal_index,region,declared_value,cod_amount,currency,seal,sturdy,weekend,client_type,weight_g,length_mm,width_mm,height_mm,bought_at";
const INV_HEADER: &str = "invoice_id,invoice_date,line_id,carrier,order_id,track_number,method,billed_weight_g,postal_rate,insurance,cod_fee,preparing,fuel,notification,weekend_fee,total,currency";

/// A registry row that parses and prices (InPost locker, 300 × 200 × 50 mm, 1 kg).
const OK_ROW: &str = "R1,2026-11-02,2026-11-03,A1,inpost,inpost_locker_standard,00-950,,0.00,0.00,PLN,1,false,false,prepaid,1000,300,200,50,";

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

fn tiny(dir: &Path, registry: &str, invoices: &str, tracking: &str, refunds: &str) {
    write(dir, "registry.csv", &format!("{REG_HEADER}\n{registry}"));
    write(dir, "invoices.csv", &format!("{INV_HEADER}\n{invoices}"));
    write(
        dir,
        "tracking.csv",
        &format!("order_id,track_number,event,at\n{tracking}"),
    );
    write(
        dir,
        "refunds.csv",
        &format!("refund_id,carrier,order_id,component,amount,currency,received_at\n{refunds}"),
    );
}

/// Line `id` of invoice I1 billing parcel A1 (InPost locker) 12.99 PLN in all, with
/// `postal_rate` as given.
fn invoice_line(id: &str, postal_rate: &str) -> String {
    format!("I1,2026-11-20,{id},inpost,A1,T,inpost_locker_standard,1000,{postal_rate},0,0,0,0,0,0,12.99,PLN")
}

fn rejects(out: &Path) -> Vec<(String, String, String)> {
    let (h, rows) = read_csv(&out.join("rejects.csv"));
    rows.iter()
        .map(|r| {
            (
                Path::new(&r[col(&h, "file")])
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .to_string(),
                r[col(&h, "line")].clone(),
                r[col(&h, "reason")].clone(),
            )
        })
        .collect()
}

#[test]
fn each_reject_kind_names_file_line_and_field() {
    let d = tempfile::tempdir().unwrap();
    let ok = OK_ROW;
    tiny(
        d.path(),
        &[
            ok.to_string(),
            ok.replace("A1,", "A2,").replace(",1000,", ",-5,"), // line 3: negative weight
            ok.replace("A1,", "A3,").replace("2026-11-02", "2026-13-02"), // line 4: bad date
            ok.replace("A1,", "A4,").replace("inpost,", "nosuch,"), // line 5: unknown carrier
            "R1,2026-11-02,2026-11-03,A5,inpost".to_string(),   // line 6: short row
            ok.replace("A1,", "A6,").replace(",300,", ",\u{0}x,"), // line 7: bad size
            ok.to_string(),                                     // line 8: same order again
        ]
        .join("\n"),
        &format!("I1,2026-11-20,1,inpost,A1,T,inpost_locker_standard,1000,NaN,0,0,0,0,0,0,12.99,PLN\n\
         I1,2026-11-20,2,inpost,A1,T,inpost_locker_standard,1000,12.99 EUR,0,0,0,0,0,0,12.99,PLN\n\
         I1,2026-11-20,3,inpost,A1,T,no_such,1000,12.99,0,0,0,0,0,0,12.99,PLN\n\
         I1,2026-11-20,4,inpost,A1,T,inpost_locker_standard,1000,1000000000,0,0,0,0,0,0,12.99,PLN\n\
         I1,2026-11-20,5,inpost,A1,T,inpost_locker_standard,1000,12.99,0,0,0,0,0,0,12.99,RUB\n\
         I1,2026-11-20,6,inpost,A1,{blob},inpost_locker_standard,1000,12.99,0,0,0,0,0,0,12.99,PLN\n",
            blob = "T".repeat(10 << 20) // line 7: a 10 MB track number
        ),
        "A1,T,teleported,2026-11-05T10:00:00Z\n",
        "F1,inpost,A1,weekend_fee,abc,PLN,2026-11-20T10:00:00Z\n",
    );
    let out = tempfile::tempdir().unwrap();
    run(&options(d.path()), out.path());
    let r = rejects(out.path());
    let find = |file: &str, line: &str| {
        r.iter()
            .find(|x| x.0 == file && x.1 == line)
            .unwrap_or_else(|| panic!("no reject at {file}:{line}: {r:#?}"))
            .2
            .clone()
    };
    assert!(find("registry.csv", "3").contains("field weight_g"));
    assert!(find("registry.csv", "4").contains("field registry_date"));
    assert!(find("registry.csv", "5").contains("field carrier"));
    assert!(find("registry.csv", "6").contains("fields"));
    assert!(find("registry.csv", "7").contains("field length_mm"));
    assert!(find("registry.csv", "8").contains("already in the registry at"));
    assert!(find("invoices.csv", "2").contains("field postal_rate"));
    assert!(find("invoices.csv", "3").contains("mixed currencies"));
    assert!(find("invoices.csv", "4").contains("field method"));
    assert!(find("invoices.csv", "5").contains("out of range"));
    assert!(find("invoices.csv", "6").contains("field currency"));
    assert!(find("invoices.csv", "7").contains("field track_number"));
    assert!(find("tracking.csv", "2").contains("field event"));
    assert!(find("refunds.csv", "2").contains("field amount"));
    assert_eq!(r.len(), 14, "{r:#?}");
    // The rejected invoice lines' totals are on the reject side of the identity.
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("summary.json")).unwrap())
            .unwrap();
    for i in s["identity"].as_array().unwrap() {
        assert_eq!(i["holds"], true, "{i}");
    }
}

#[test]
fn a_whole_file_problem_stops_the_run_with_its_name() {
    let d = tempfile::tempdir().unwrap();
    tiny(d.path(), "", "", "", "");
    write(d.path(), "invoices.csv", "invoice_id,invoice_id\n");
    let e = reconcile(&options(d.path()), &|_| {}).unwrap_err();
    assert!(matches!(e, BatchError::File { .. }), "{e}");
    assert!(
        e.to_string().contains("invoices.csv") && e.to_string().contains("twice"),
        "{e}"
    );
    write(d.path(), "invoices.csv", "invoice_id\n");
    let e = reconcile(&options(d.path()), &|_| {}).unwrap_err();
    assert!(e.to_string().contains("no column"), "{e}");
    write(d.path(), "invoices.csv", &format!("{INV_HEADER}\n"));
    write(d.path(), "registry.csv", "\u{feff}registry_id\u{ff}\n");
    let e = reconcile(&options(d.path()), &|_| {}).unwrap_err();
    assert_eq!(e.code(), "file", "{e}");
}

#[test]
fn invalid_utf8_in_a_row_is_a_reject_not_a_failure() {
    let d = tempfile::tempdir().unwrap();
    tiny(d.path(), "", "", "", "");
    let mut bytes = format!("{INV_HEADER}\n").into_bytes();
    bytes.extend_from_slice(
        b"I1,2026-11-20,1,inpost,\xff\xfe,T,inpost_locker_standard,1000,1,0,0,0,0,0,0,1,PLN\n",
    );
    std::fs::write(d.path().join("invoices.csv"), bytes).unwrap();
    let out = tempfile::tempdir().unwrap();
    run(&options(d.path()), out.path());
    let r = rejects(out.path());
    assert_eq!(r.len(), 1);
    assert!(r[0].2.contains("UTF-8"), "{r:?}");
}

/// InPost's Polish export, through the shipped profile, classifies as the canonical file.
#[test]
fn the_inpost_profile_reads_the_polish_export() {
    let data = dataset(400, 21);
    let canonical = tempfile::tempdir().unwrap();
    let mut opts = options(data.path());
    // Only InPost lines: the export is one carrier's.
    let (h, rows) = read_csv(&data.path().join("invoices.csv"));
    let inpost: Vec<&Vec<String>> = rows
        .iter()
        .filter(|r| r[col(&h, "carrier")] == "inpost" && !r[0].starts_with("INV-X"))
        .collect();
    let mut canon = h.join(",") + "\n";
    let mut polish = String::from("Numer faktury;Data faktury;Pozycja;Numer referencyjny;Numer przesyłki;Usługa;Waga [kg];Opłata podstawowa;Ubezpieczenie;Pobranie;Przygotowanie;Dopłata paliwowa;Powiadomienie;Paczka w Weekend;Razem netto;Waluta\n");
    for r in &inpost {
        canon.push_str(&r.join(","));
        canon.push('\n');
        let date = chrono::NaiveDate::parse_from_str(&r[1], "%Y-%m-%d")
            .unwrap()
            .format("%d.%m.%Y")
            .to_string();
        let kg = format!(
            "{},{:03}",
            r[7].parse::<u64>().unwrap() / 1000,
            r[7].parse::<u64>().unwrap() % 1000
        );
        let mut cells = vec![
            r[0].clone(),
            date,
            r[2].clone(),
            r[4].clone(),
            r[5].clone(),
            r[6].clone(),
            kg,
        ];
        cells.extend(r[8..16].iter().map(|a| a.replace('.', ",")));
        cells.push(r[16].clone());
        polish.push_str(&cells.join(";"));
        polish.push('\n');
    }
    assert!(inpost.len() > 50);
    let inv = tempfile::tempdir().unwrap();
    std::fs::write(inv.path().join("canonical.csv"), canon).unwrap();
    std::fs::write(inv.path().join("polish.csv"), polish).unwrap();
    opts.invoices = inv.path().join("canonical.csv");
    run(&opts, canonical.path());
    let profiled = tempfile::tempdir().unwrap();
    opts.invoices = inv.path().join("polish.csv");
    opts.invoice_format = Some(root().join("data/formats/inpost-invoice-pl.toml"));
    let t = reconcile(&opts, &|_| {}).unwrap();
    write_outputs(profiled.path(), &t).unwrap();
    for f in ["lines.csv", "parcels.csv", "refunds.csv"] {
        let a = std::fs::read(canonical.path().join(f)).unwrap();
        let b = std::fs::read(profiled.path().join(f)).unwrap();
        assert!(a == b, "{f} differs through the profile");
    }
    // In buckets each profiled row is parsed alone from where it starts in the file, in
    // its own dialect (semicolons, decimal commas): the same bytes as the run in memory.
    let bucketed = tempfile::tempdir().unwrap();
    opts.buckets = Some(3);
    courier_batch::run(&opts, bucketed.path(), &|_| {}).expect("bucketed run");
    for f in ["lines.csv", "parcels.csv", "refunds.csv", "rejects.csv"] {
        let a = std::fs::read(profiled.path().join(f)).unwrap();
        let b = std::fs::read(bucketed.path().join(f)).unwrap();
        assert!(a == b, "{f} differs between buckets and one run");
    }
    assert!(FormatProfile::load(&root().join("data/formats/inpost-invoice-pl.toml")).is_ok());
}

#[test]
fn a_zero_side_is_a_reject_naming_the_field() {
    let d = tempfile::tempdir().unwrap();
    let ok = OK_ROW;
    tiny(
        d.path(),
        &[
            ok.to_string(),
            ok.replace("A1,", "A2,")
                .replace(",300,200,50,", ",300,0,50,"), // line 3
            ok.replace("A1,", "A3,")
                .replace(",300,200,50,", ",0,200,0,"), // line 4
        ]
        .join("\n"),
        "",
        "",
        "",
    );
    let out = tempfile::tempdir().unwrap();
    run(&options(d.path()), out.path());
    let r = rejects(out.path());
    let reason = |line: &str| {
        r.iter()
            .find(|x| x.0 == "registry.csv" && x.1 == line)
            .unwrap_or_else(|| panic!("no reject at registry.csv:{line}: {r:#?}"))
            .2
            .clone()
    };
    assert!(reason("3").contains("field width_mm is zero"), "{r:#?}");
    assert!(reason("4").contains("field length_mm is zero"), "{r:#?}");
    assert_eq!(r.len(), 2, "{r:#?}");
}

#[test]
fn a_line_read_three_times_is_rejected_twice_naming_the_first_copy() {
    let d = tempfile::tempdir().unwrap();
    let line = |id: &str| invoice_line(id, "0");
    // Lines 2, 4 and 5 are one line read three times; line 3 is another line.
    let invoices = [line("1"), line("2"), line("1"), line("1")].join("\n");
    tiny(d.path(), OK_ROW, &invoices, "", "");
    let out = tempfile::tempdir().unwrap();
    run(&options(d.path()), out.path());
    let repeats: Vec<_> = rejects(out.path())
        .into_iter()
        .filter(|(_, _, reason)| reason.contains("already read"))
        .collect();
    assert_eq!(repeats.len(), 2, "{repeats:?}");
    for ((file, line, reason), want) in repeats.iter().zip(["4", "5"]) {
        assert_eq!((file.as_str(), line.as_str()), ("invoices.csv", want));
        assert!(reason.contains("invoices.csv:2"), "{reason}");
    }
    let (h, rows) = read_csv(&out.path().join("lines.csv"));
    let ids: Vec<&str> = rows
        .iter()
        .map(|r| r[col(&h, "line_id")].as_str())
        .collect();
    assert_eq!(ids, ["1", "2"], "each line once in lines.csv");
}

/// A review found the summary's per-file `rejected` counting only rows rejected at
/// their parse: a folder holding a copy of the invoices showed the copy with nothing
/// rejected, though every one of its rows is in `rejects.csv` as already read. Each
/// file's count is now the number of its rows in `rejects.csv`.
#[test]
fn each_files_rejected_count_includes_its_repeats() {
    let d = tempfile::tempdir().unwrap();
    let line = |id: &str| invoice_line(id, "0");
    tiny(d.path(), OK_ROW, "", "", "");
    let folder = d.path().join("invoices");
    std::fs::create_dir(&folder).unwrap();
    let text = format!("{INV_HEADER}\n{}\n{}\n", line("1"), line("2"));
    write(&folder, "a.csv", &text);
    write(&folder, "b_copy.csv", &text);
    let mut opts = options(d.path());
    opts.invoices = folder;
    let out = tempfile::tempdir().unwrap();
    run(&opts, out.path());
    let rejected = rejects(out.path());
    assert_eq!(rejected.len(), 2, "{rejected:?}");
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("summary.json")).unwrap())
            .unwrap();
    let counts: Vec<(String, u64, u64)> = s["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["input"] == "invoices")
        .map(|f| {
            let file = Path::new(f["file"].as_str().unwrap());
            (
                file.file_name().unwrap().to_string_lossy().to_string(),
                f["rows"].as_u64().unwrap(),
                f["rejected"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        counts,
        [
            ("a.csv".to_string(), 2, 0),
            ("b_copy.csv".to_string(), 2, 2)
        ]
    );
}

/// A rejected row's currency is copied into the outputs only when it is a currency
/// code: 10 MB of text in the field is a reject with no currency, not 10 MB in
/// `rejects.csv`, the summary and the report.
#[test]
fn a_huge_currency_on_a_rejected_row_stays_out_of_the_outputs() {
    let d = tempfile::tempdir().unwrap();
    let huge = "X".repeat(10 << 20);
    let invoice = format!(
        "I1,2026-11-20,1,inpost,A1,T,inpost_locker_standard,1000,0,0,0,0,0,0,0,12.99,{huge}"
    );
    tiny(d.path(), OK_ROW, &invoice, "", "");
    let out = tempfile::tempdir().unwrap();
    run(&options(d.path()), out.path());
    for f in ["rejects.csv", "summary.json", "report.html", "lines.csv"] {
        let len = std::fs::metadata(out.path().join(f)).unwrap().len();
        assert!(len < 1 << 20, "{f} is {len} bytes");
    }
    let r = rejects(out.path());
    assert_eq!(r.len(), 1, "{r:?}");
    assert!(r[0].2.contains("field currency"), "{r:?}");
}

/// `NAN` and `INF` are three capitals, but not an amount in another currency: the
/// reject says the field is not a number, not "mixed currencies".
#[test]
fn nan_and_inf_in_capitals_are_not_read_as_currencies() {
    let d = tempfile::tempdir().unwrap();
    let invoices = [
        invoice_line("1", "NAN"),
        invoice_line("2", "INF"),
        invoice_line("3", "12.99 EUR"),
    ]
    .join("\n");
    tiny(d.path(), OK_ROW, &invoices, "", "");
    let out = tempfile::tempdir().unwrap();
    run(&options(d.path()), out.path());
    let r = rejects(out.path());
    assert_eq!(r.len(), 3, "{r:?}");
    for (_, line, reason) in &r[..2] {
        assert!(reason.contains("field postal_rate"), "{line}: {reason}");
        assert!(!reason.contains("mixed currencies"), "{line}: {reason}");
    }
    assert!(r[2].2.contains("mixed currencies"), "{r:?}");
}

/// `units`, when given, is 1 to 10,000: a 0 is refused rather than taken for the
/// default, and four billion units would price a parcel beyond any invoice.
#[test]
fn units_zero_or_huge_is_a_reject() {
    let d = tempfile::tempdir().unwrap();
    let header = format!("{REG_HEADER},units");
    let rows = [
        format!("{OK_ROW},0"),
        format!("{},4294967295", OK_ROW.replace("A1,", "A2,")),
        format!("{},3", OK_ROW.replace("A1,", "A3,")),
        format!("{},", OK_ROW.replace("A1,", "A4,")),
    ];
    tiny(d.path(), "", "", "", "");
    write(
        d.path(),
        "registry.csv",
        &format!("{header}\n{}\n", rows.join("\n")),
    );
    let out = tempfile::tempdir().unwrap();
    run(&options(d.path()), out.path());
    let r = rejects(out.path());
    let lines: Vec<&str> = r.iter().map(|x| x.1.as_str()).collect();
    assert_eq!(lines, ["2", "3"], "{r:?}");
    assert!(r.iter().all(|x| x.2.contains("field units")), "{r:?}");
}
