//! What the property tests share.

/// Cases per property: `KAFKA_WIRE_PROPTEST_CASES`, or `default`. A value
/// that is not a positive number is refused: zero cases would pass without
/// testing anything, and a typo would silently run the default.
pub(crate) fn proptest_cases(default: u32) -> u32 {
    match std::env::var("KAFKA_WIRE_PROPTEST_CASES") {
        Err(_) => default,
        Ok(text) => match text.trim().parse::<u32>() {
            Ok(0) => panic!("KAFKA_WIRE_PROPTEST_CASES=0 would run no case: give at least 1"),
            Ok(n) => n,
            Err(_) => panic!("KAFKA_WIRE_PROPTEST_CASES={text:?} is not a number of cases"),
        },
    }
}
