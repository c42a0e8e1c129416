//! Pattern planning (`pattern::ecma::plan`) on arbitrary sources: it never
//! panics, and where it picks the automaton, the automaton answers what
//! `regress` (ECMA-262) answers. The input is `pattern NUL value`; values are
//! kept short so that regress, the oracle, answers in time.
#![no_main]

use eventbind_runtime::pattern::ecma::{plan, Plan};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (source, value) = text.split_once('\0').unwrap_or((text, ""));
    if let Ok(Plan::Linear(translated)) = plan(source) {
        let automaton = regex::Regex::new(&translated).expect("plan checked it compiles");
        if value.chars().count() <= 12 {
            let ecma = regress::Regex::with_flags(source, "u").expect("plan checked it compiles");
            assert_eq!(
                automaton.is_match(value),
                ecma.find(value).is_some(),
                "{source:?} as {translated:?} on {value:?}"
            );
        }
    }
});
