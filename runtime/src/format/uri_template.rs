//! `uri-template`: the syntax of RFC 6570 (section 2), up to level 4.

/// Whether `value` is a URI Template.
pub fn is_valid(value: &str) -> bool {
    let mut rest = value;
    while let Some(c) = rest.chars().next() {
        rest = match c {
            '{' => match rest.find('}') {
                Some(end) if expression(&rest[1..end]) => &rest[end + 1..],
                _ => return false,
            },
            '%' => match pct_encoded(rest) {
                Some(after) => after,
                None => return false,
            },
            c if is_literal(c) => &rest[c.len_utf8()..],
            _ => return false,
        };
    }
    true
}

/// Any character but controls, space, `"`, `%`, `<`, `>`, `\`, `^`, `` ` ``, `{`, `|`, `}`.
/// (RFC 6570's ABNF also leaves out `'`; the JSON Schema test suite, and
/// common practice, accept it in literals.)
fn is_literal(c: char) -> bool {
    !c.is_control()
        && !matches!(
            c,
            ' ' | '"' | '%' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}'
        )
}

/// `%` and two hex digits; returns what follows.
fn pct_encoded(s: &str) -> Option<&str> {
    let hex = s.get(1..3)?;
    hex.bytes().all(|b| b.is_ascii_hexdigit()).then(|| &s[3..])
}

/// The inside of `{...}`: an optional operator, then `varspec *("," varspec)`.
fn expression(inner: &str) -> bool {
    let list = match inner.chars().next() {
        Some('+' | '#' | '.' | '/' | ';' | '?' | '&' | '=' | ',' | '!' | '@' | '|') => &inner[1..],
        Some(_) => inner,
        None => return false,
    };
    list.split(',').all(varspec)
}

/// `varname [":" max-length / "*"]`.
fn varspec(spec: &str) -> bool {
    let (name, modifier) = match spec.find([':', '*']) {
        Some(at) => (&spec[..at], Some(&spec[at..])),
        None => (spec, None),
    };
    let modifier_ok = match modifier {
        None | Some("*") => true,
        Some(prefix) => {
            let digits = &prefix[1..];
            (1..=4).contains(&digits.len())
                && !digits.starts_with('0')
                && digits.bytes().all(|b| b.is_ascii_digit())
        }
    };
    modifier_ok && varname(name)
}

/// `varchar *(["."] varchar)`, where varchar is a letter, digit, `_` or `%XX`.
fn varname(name: &str) -> bool {
    if name.is_empty() || name.starts_with('.') || name.ends_with('.') || name.contains("..") {
        return false;
    }
    let mut rest = name;
    while let Some(c) = rest.chars().next() {
        rest = match c {
            '%' => match pct_encoded(rest) {
                Some(after) => after,
                None => return false,
            },
            c if c.is_ascii_alphanumeric() || c == '_' || c == '.' => &rest[1..],
            _ => return false,
        };
    }
    true
}

#[cfg(test)]
mod tests {
    use super::is_valid;

    #[test]
    fn templates() {
        for valid in [
            "http://example.com/dictionary/{term:1}/{term}",
            "{/list*}{?keys*}",
            "http://example.com/search{?q,lang}",
            "x{var.name}",
            "plain",
        ] {
            assert!(is_valid(valid), "{valid}");
        }
        for invalid in [
            "http://example.com/dictionary/{term:1}/{term",
            "{}",
            "{var:0}",
            "{var:10000}",
            "a b",
            "{va r}",
            "%zz",
        ] {
            assert!(!is_valid(invalid), "{invalid}");
        }
    }
}
