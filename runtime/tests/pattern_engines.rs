//! `pattern::ecma::plan`: every pattern the automaton takes means there what
//! it means in ECMA-262 (checked against `regress` on many values), patterns
//! that need backtracking get a length bound, and the ones whose cost cannot
//! be bounded are refused. Then the same through `check::Pattern`.

use eventbind_runtime::__private::check::Pattern;
use eventbind_runtime::pattern::ecma::{plan, Plan, BACKTRACK_BUDGET};

/// Patterns the automaton must take, covering each translation rule.
const LINEAR: &[&str] = &[
    "^(a+)+$",
    "^(a|aa)*$",
    "a",
    "^\\d+$",
    "^\\D$",
    "\\w",
    "^\\W+$",
    "^\\s$",
    "^\\S+$",
    "^.$",
    "^.*$",
    "^a.c$",
    "^[^a-c]+$",
    "^[\\d\\s]+$",
    "^[\\D]$",
    "^[\\W\\d]$",
    "^[\\b]$",
    "^[a\\-z]+$",
    "^[-a]$",
    "^[a-]$",
    "^[[]$",
    "^[&&]+$",
    "^[--a]$",
    "^[~~]$",
    "^[]$",
    "^[^]$",
    "\\bab\\b",
    "^\\/\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\^\\$\\\\$",
    "^\\x41\\u0042\\u{43}\\cJ\\0$",
    "^\\p{L}+$",
    "^\\p{Lu}$",
    "^\\P{Letter}$",
    "^\\p{gc=Nd}$",
    "^\\p{General_Category=Decimal_Number}+$",
    "^\\p{Script=Greek}$",
    "^\\p{sc=Latn}+$",
    "^[\\p{L}\\d]+$",
    "^(?:ab|cd){2,3}$",
    "^(?<name>a)b$",
    "^a{2}$",
    "^a{2,}$",
    "^a{0,1}b??c*?d+?$",
    "^$",
    "",
    "a|",
    "#\\n \\t",
    "^é+ü?$",
    "^🐲$",
    "^[🐲-🐴]$",
    "\\u2028",
    "^\\v\\f$",
];

/// Patterns that need backtracking and whose cost is polynomial.
const BACKTRACKING: &[&str] = &[
    "^(a)\\1$",
    "^(?<x>[ab])\\k<x>$",
    "^(?=.*\\d)(?=.*[a-z]).{3,}$",
    "a(?!b)",
    "(?<=a)b",
    "(?<!a)b",
    "^(\\w+)\\s\\1$",
];

/// Values over the characters the patterns are about.
fn values() -> Vec<String> {
    let alphabet = [
        "", "a", "b", "c", "d", "z", "A", "Z", "0", "7", "_", "-", " ", "\t", "\n", "\r", "\u{b}",
        "\u{c}", "\u{8}", "\u{a0}", "\u{85}", "\u{2028}", "\u{feff}", "\u{3000}", "٣", "é", "ü",
        "α", "Ω", "🐲", "🐳", "&", "~", "[", "/", ".", "#", "\0", "ab", "aa", "cd",
    ];
    let mut out = Vec::new();
    for a in alphabet {
        for b in alphabet {
            out.push(format!("{a}{b}"));
            for c in ["a", " "] {
                out.push(format!("{a}{b}{c}"));
                out.push(format!("{c}{a}{b}{c}{a}"));
            }
        }
    }
    // Long enough to tell `^(a+)+$` apart, short enough for regress to answer.
    out.push("a".repeat(12) + "!");
    out.push("/.*+?()[]{}|^$\\".to_string());
    out.push("AB C\n\0".to_string());
    out
}

fn regress(source: &str) -> regress::Regex {
    regress::Regex::with_flags(source, "u").expect("the pattern compiles")
}

#[test]
fn the_automaton_means_what_ecma_262_means() {
    let values = values();
    for source in LINEAR {
        let Ok(Plan::Linear(translated)) = plan(source) else {
            panic!(
                "{source:?} should run in the automaton, planned {:?}",
                plan(source)
            );
        };
        let automaton = regex::Regex::new(&translated).expect("the translation compiles");
        let ecma = regress(source);
        for value in &values {
            assert_eq!(
                automaton.is_match(value),
                ecma.find(value).is_some(),
                "{source:?} (as {translated:?}) on {value:?}"
            );
        }
    }
}

#[test]
fn backreferences_and_lookaround_backtrack_on_bounded_values() {
    let values = values();
    for source in BACKTRACKING {
        let Ok(Plan::Backtracking { max_chars }) = plan(source) else {
            panic!("{source:?} should backtrack, planned {:?}", plan(source));
        };
        assert!(max_chars >= 100, "{source:?}: {max_chars}");
        let checked = Pattern::backtracking(source, max_chars);
        let ecma = regress(source);
        for value in &values {
            assert_eq!(
                checked.is_match(value),
                Ok(ecma.find(value).is_some()),
                "{source:?} on {value:?}"
            );
        }
        let long = "a".repeat(max_chars + 1);
        let error = checked.is_match(&long).expect_err("too long to match");
        assert!(error.contains("longer than"), "{error}");
        assert!(checked.is_match(&"a".repeat(max_chars)).is_ok());
    }
}

#[test]
fn the_length_bound_keeps_the_polynomial_within_the_budget() {
    // One backreference and one quantifier: degree 3 (with the start position).
    let Ok(Plan::Backtracking { max_chars }) = plan("^(a*)\\1$") else {
        panic!("backtracks")
    };
    let n = max_chars as u64;
    assert!(n.pow(3) <= BACKTRACK_BUDGET && (n + 1).pow(3) > BACKTRACK_BUDGET);
}

#[test]
fn exponential_backtracking_and_invalid_patterns_are_refused() {
    for source in ["^(a+)+\\1$", "^(a|a)*(?=b)", "^(?:(a)\\1*)+$", "(?=(a+)+$)"] {
        let error = plan(source).expect_err(source);
        assert!(error.contains("exponentially"), "{source}: {error}");
    }
    for source in [
        "(",
        "[a",
        "a**",
        "\\",
        "(?<n>a)(?<n>b)",
        "\\p{Nope}",
        "a{2,1}",
    ] {
        let error = plan(source).expect_err(source);
        assert!(error.contains("does not compile"), "{source}: {error}");
    }
    let deep = "(".repeat(10_000) + &")".repeat(10_000);
    assert!(plan(&deep).expect_err("deep").contains("deeper"));
}

#[test]
fn patterns_chosen_at_first_use_agree_with_the_planned_ones() {
    static LAZY: Pattern = Pattern::new("^(a+)+$");
    let Ok(Plan::Linear(translated)) = plan("^(a+)+$") else {
        panic!("linear")
    };
    let planned = Pattern::linear("^(a+)+$", Box::leak(translated.into_boxed_str()));
    for value in ["a".repeat(27) + "!", "aaa".to_string(), String::new()] {
        assert_eq!(LAZY.is_match(&value), planned.is_match(&value), "{value}");
    }
    assert_eq!(LAZY.is_match(&("a".repeat(5000) + "!")), Ok(false));
    static BAD: Pattern = Pattern::new("(");
    assert!(BAD.is_match("x").unwrap_err().contains("cannot be used"));
}
