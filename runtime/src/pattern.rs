//! `pattern`s of the form `^X+$` (one character class, repeated, anchored at
//! both ends), decided without a regex engine.
//!
//! JSON Schema patterns are ECMA-262 regular expressions (compiled here with
//! the `u` flag, as `check::Pattern` does). Without the `m` flag `^` and `$`
//! match only at the ends of the input, so such a pattern matches exactly
//! when every code point is in the class and their number is within the
//! quantifier's bounds. Only a small, unambiguous subset of the syntax is
//! accepted; anything else (and any doubt) gives `None`, for `regress`.

pub mod ecma;

/// A code point set: ranges, possibly complemented.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Class {
    ranges: Vec<(char, char)>,
    negated: bool,
}

impl Class {
    fn contains(&self, c: char) -> bool {
        self.ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != self.negated
    }
}

/// `^X{min,max}$` with `X` a character class.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassRun {
    class: Class,
    min: usize,
    /// `None`: unbounded.
    max: Option<usize>,
}

impl ClassRun {
    /// The pattern, if it has this form; `None` for `regress` to handle.
    pub fn parse(source: &str) -> Option<ClassRun> {
        let body = source.strip_prefix('^')?.strip_suffix('$')?;
        let mut chars = body.chars().peekable();
        let class = match chars.next()? {
            '[' => bracket(&mut chars)?,
            '\\' => {
                let c = chars.next()?;
                Class {
                    ranges: class_escape(c)?.to_vec(),
                    negated: c.is_ascii_uppercase(),
                }
            }
            c if c.is_ascii_alphanumeric() => Class {
                ranges: vec![(c, c)],
                negated: false,
            },
            _ => return None,
        };
        let rest: String = chars.collect();
        let (min, max) = quantifier(&rest)?;
        Some(ClassRun { class, min, max })
    }

    /// Whether `value` matches, as `regress::Regex::find(value).is_some()`.
    pub fn is_match(&self, value: &str) -> bool {
        let mut count = 0usize;
        for c in value.chars() {
            if !self.class.contains(c) {
                return false;
            }
            count += 1;
        }
        count >= self.min && self.max.is_none_or(|max| count <= max)
    }
}

const DIGITS: &[(char, char)] = &[('0', '9')];
/// `\w` with `u` and without `i`: ASCII only.
const WORD: &[(char, char)] = &[('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];

/// `\d`, `\w`, `\D`, `\W` (the upper-case ones complement; the caller sees
/// which). `\s` is left out: its Unicode set is long and easy to get wrong.
fn class_escape(c: char) -> Option<&'static [(char, char)]> {
    match c {
        'd' | 'D' => Some(DIGITS),
        'w' | 'W' => Some(WORD),
        _ => None,
    }
}

/// A character written inside a class: a plain one, or an escape that
/// stands for itself (those `u` mode allows: syntax characters, `/`, `-`)
/// or a control character.
fn class_char(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<Atom> {
    Some(match chars.next()? {
        '\\' => match chars.next()? {
            c @ ('d' | 'w') => Atom::Set(class_escape(c)?),
            'n' => Atom::Char('\n'),
            't' => Atom::Char('\t'),
            'r' => Atom::Char('\r'),
            'f' => Atom::Char('\u{c}'),
            'v' => Atom::Char('\u{b}'),
            c if "^$\\.*+?()[]{}|/-".contains(c) => Atom::Char(c),
            _ => return None,
        },
        // `[` inside a class is a literal, but reads like a mistake: left to regress.
        '[' | ']' => return None,
        c => Atom::Char(c),
    })
}

enum Atom {
    Char(char),
    Set(&'static [(char, char)]),
}

/// After `[`: the class up to and including `]`.
fn bracket(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<Class> {
    let negated = chars.next_if_eq(&'^').is_some();
    let mut ranges = Vec::new();
    let mut first = true;
    loop {
        match chars.peek()? {
            ']' if !ranges.is_empty() => {
                chars.next();
                return Some(Class { ranges, negated });
            }
            // A `-` is a literal only first or last; elsewhere it makes a range.
            '-' => {
                chars.next();
                if !(first || chars.peek() == Some(&']')) {
                    return None;
                }
                ranges.push(('-', '-'));
            }
            _ => match class_char(chars)? {
                Atom::Set(set) => ranges.extend_from_slice(set),
                Atom::Char(lo) => {
                    if chars.next_if_eq(&'-').is_some() {
                        if chars.peek() == Some(&']') {
                            // `[a-]`: `a` and `-`.
                            ranges.push((lo, lo));
                            ranges.push(('-', '-'));
                            continue;
                        }
                        let Atom::Char(hi) = class_char(chars)? else {
                            return None;
                        };
                        // Out of order is a syntax error.
                        if hi < lo {
                            return None;
                        }
                        ranges.push((lo, hi));
                    } else {
                        ranges.push((lo, lo));
                    }
                }
            },
        }
        first = false;
    }
}

/// The bounds of a greedy quantifier (or none: exactly one).
fn quantifier(text: &str) -> Option<(usize, Option<usize>)> {
    let number = |s: &str| {
        (!s.is_empty() && s.len() <= 6 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<usize>().ok())
            .flatten()
    };
    Some(match text {
        "" => (1, Some(1)),
        "+" => (1, None),
        "*" => (0, None),
        "?" => (0, Some(1)),
        _ => {
            let inner = text.strip_prefix('{')?.strip_suffix('}')?;
            match inner.split_once(',') {
                None => {
                    let n = number(inner)?;
                    (n, Some(n))
                }
                Some((lo, "")) => (number(lo)?, None),
                Some((lo, hi)) => {
                    let (lo, hi) = (number(lo)?, number(hi)?);
                    if lo > hi {
                        return None;
                    }
                    (lo, Some(hi))
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `check::Pattern` answers for `value`.
    fn regress_match(source: &str, value: &str) -> bool {
        let re = regress::Regex::with_flags(source, "u").expect("the pattern compiles");
        re.find(value).is_some()
    }

    const ACCEPTED: &[&str] = &[
        "^[0-9]+$",
        "^[0-9]*$",
        "^[0-9]?$",
        "^[0-9]$",
        "^[0-9]{3}$",
        "^[0-9]{2,}$",
        "^[0-9]{2,4}$",
        "^[a-zA-Z0-9_-]+$",
        "^[-a-z]+$",
        "^[a-z-]+$",
        "^[^0-9]+$",
        "^[\\d.]+$",
        "^[\\w\\-]{1,3}$",
        "^[A-F\\d]+$",
        "^[\\]\\[]+$",
        "^[\\d-]+$",
        "^[a-z0-9-]+$",
        "^[é-ü]+$",
        "^[\\n\\t ]*$",
        "^\\d+$",
        "^\\D+$",
        "^\\w*$",
        "^\\W{2}$",
        "^a+$",
        "^[🐲a]+$",
        "^[.]+$",
        "^[$^]+$",
    ];

    const REFUSED: &[&str] = &[
        "[0-9]+",
        "^[0-9]+",
        "[0-9]+$",
        "^[0-9]+?$",
        "^[0-9]++$",
        "^[0-9]+\\$",
        "^[0-9][a-z]+$",
        "^\\s+$",
        "^.+$",
        "^[]$",
        "^[^]$",
        "^[a-b-c]$",
        "^[--/]$",
        "^[\\d-z]+$",
        "^[z-a]+$",
        "^[[]+$",
        "^[a]{3,2}$",
        "^[a]{,2}$",
        "^[a]{ 2}$",
        "^(a)+$",
        "^a|b$",
        "^\\p{L}+$",
        "^[\\q]+$",
        "^[\\D]+$",
        "^$",
        "^",
    ];

    /// Strings over the characters the patterns above are about.
    fn values() -> Vec<String> {
        let alphabet = [
            "", "0", "5", "9", "a", "z", "A", "F", "Z", "_", "-", ".", "]", "[", "$", "^", " ",
            "\n", "\t", "é", "ü", "ñ", "🐲", "\u{2028}", "٣", "x",
        ];
        let mut out = Vec::new();
        for a in alphabet {
            for b in alphabet {
                out.push(format!("{a}{b}"));
                for c in ["", "0", "a", "-", "é"] {
                    out.push(format!("{a}{b}{c}{c}"));
                }
            }
        }
        out
    }

    #[test]
    fn agrees_with_regress_on_the_patterns_it_accepts() {
        let values = values();
        for source in ACCEPTED {
            let run = ClassRun::parse(source).unwrap_or_else(|| panic!("{source} is accepted"));
            for value in &values {
                assert_eq!(
                    run.is_match(value),
                    regress_match(source, value),
                    "{source} on {value:?}"
                );
            }
        }
    }

    #[test]
    fn leaves_everything_else_to_regress() {
        for source in REFUSED {
            assert_eq!(ClassRun::parse(source), None, "{source}");
        }
    }
}
