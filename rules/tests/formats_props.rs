//! Property tests of the two format rules that are data: Kazakh mobile operator codes
//! (Tastamat's SMS phone) and postal index formats (tariff `[address]`).

use courier_rules::postal::PostalIndexFormat;
use courier_rules::tastamat::MobilePrefixes;
use proptest::prelude::*;

proptest! {
    #[test]
    fn a_number_is_mobile_exactly_when_its_code_is_listed(code in 0u32..1000, rest in 0u32..10_000_000, trunk in prop::sample::select(vec!["+7", "7", "8"])) {
        let p = MobilePrefixes::shipped();
        let listed = p.codes().any(|c| c == format!("{code:03}"));
        let number = format!("{trunk}{code:03}{rest:07}");
        prop_assert_eq!(p.is_mobile(&number), listed, "{}", number);
        // Spaces and brackets never change the answer; a missing or extra digit refuses.
        let spaced = format!("{trunk} ({code:03}) {} {}", &format!("{rest:07}")[..3], &format!("{rest:07}")[3..]);
        prop_assert_eq!(p.is_mobile(&spaced), listed, "{}", spaced);
        prop_assert!(!p.is_mobile(&number[..number.len() - 1]));
        let longer = format!("{number}0");
        prop_assert!(!p.is_mobile(&longer));
    }

    #[test]
    fn six_digit_format_matches_exactly_six_ascii_digits(s in "[0-9A-Za-z!-]{0,8}") {
        let f = PostalIndexFormat::new("NNNNNN").unwrap();
        let expected = s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit());
        prop_assert_eq!(f.matches(&s), expected, "{}", s);
    }

    #[test]
    fn polish_format_needs_the_dash_in_third_place(a in 0u32..100, b in 0u32..1000, sep in prop::sample::select(vec!['-', ' ', '_', '–'])) {
        let f = PostalIndexFormat::new("NN-NNN").unwrap();
        let code = format!("{a:02}{sep}{b:03}");
        prop_assert_eq!(f.matches(&code), sep == '-', "{}", code);
    }
}
