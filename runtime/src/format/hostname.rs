//! `hostname` (RFC 1123, with IDNA2008 A-labels) and `idn-hostname`
//! (RFC 5890-5893). UTS 46 processing (the `idna` crate, strict) maps and
//! checks most of IDNA; what it leaves to the application is checked here:
//! that an A-label decodes to a valid U-label, and RFC 5892's contextual
//! rules and exceptions, with Unicode properties from ICU4X.

use icu_properties::props::{
    CanonicalCombiningClass, GeneralCategory, GeneralCategoryGroup, JoiningType, Script,
};
use icu_properties::CodePointMapData;

/// RFC 1123 host name, ASCII only; `xn--` labels must be valid A-labels.
pub fn is_hostname(value: &str) -> bool {
    value.is_ascii()
        && !value.is_empty()
        && value.len() <= 253
        && value.split('.').all(|label| {
            let lower = label.to_ascii_lowercase();
            is_ldh_label(&lower) && (!has_hyphens_at_3_4(&lower) || is_a_label(&lower))
        })
}

/// Internationalised host name: every label a valid U-label or A-label.
pub fn is_idn_hostname(value: &str) -> bool {
    let Ok(ascii) = idna::domain_to_ascii_strict(value) else {
        return false;
    };
    // UTS 46 maps the ideographic full stops to `.`; so does the check.
    let unicode_labels = value.split(['.', '\u{3002}', '\u{ff0e}', '\u{ff61}']);
    is_hostname(&ascii)
        && unicode_labels.clone().count() == ascii.split('.').count()
        && unicode_labels.filter(|l| !l.is_ascii()).all(is_u_label)
}

/// Letters, digits and inner hyphens, 1 to 63 of them.
fn is_ldh_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// `--` in the third and fourth positions is reserved (RFC 5891 4.2.3.1).
fn has_hyphens_at_3_4(label: &str) -> bool {
    label.get(2..4) == Some("--")
}

/// An `xn--` label that decodes to a U-label and encodes back to itself.
fn is_a_label(label: &str) -> bool {
    let Some(encoded) = label.strip_prefix("xn--") else {
        return false;
    };
    let Some(decoded) = idna::punycode::decode_to_string(encoded) else {
        return false;
    };
    let canonical = idna::punycode::encode_str(&decoded).is_some_and(|e| e == encoded);
    canonical
        && !decoded.is_ascii()
        && is_u_label(&decoded)
        && idna::domain_to_ascii_strict(&decoded).is_ok_and(|a| a == label)
}

/// RFC 5891 and 5892's rules on a U-label's code points.
fn is_u_label(label: &str) -> bool {
    let chars: Vec<char> = label.chars().collect();
    let Some(first) = chars.first() else {
        return false;
    };
    let marks = GeneralCategoryGroup::Mark;
    let category = CodePointMapData::<GeneralCategory>::new();
    !has_hyphens_at_3_4(label)
        && !label.starts_with('-')
        && !label.ends_with('-')
        && !marks.contains(category.get(*first))
        && chars.iter().all(|c| is_protocol_valid(*c))
        && (0..chars.len()).all(|i| context_holds(&chars, i))
        && arabic_digits_not_mixed(&chars)
}

/// RFC 5892's derivation, in its main rule: letters, digits and marks
/// (`LetterDigits`), the hyphen, the PVALID exceptions and the code points
/// with a contextual rule; never the DISALLOWED exceptions.
fn is_protocol_valid(c: char) -> bool {
    use GeneralCategory::*;
    let disallowed = matches!(
        c,
        '\u{0640}' | '\u{07fa}' | '\u{302e}' | '\u{302f}' | '\u{3031}'..='\u{3035}' | '\u{303b}'
    );
    let exception = matches!(
        c,
        '\u{00df}' | '\u{03c2}' | '\u{06fd}' | '\u{06fe}' | '\u{0f0b}' | '\u{3007}'
    );
    let contextual = matches!(
        c,
        '\u{00b7}' | '\u{0375}' | '\u{05f3}' | '\u{05f4}' | '\u{30fb}' | '\u{200c}' | '\u{200d}'
    ) || ('\u{0660}'..='\u{0669}').contains(&c)
        || ('\u{06f0}'..='\u{06f9}').contains(&c);
    let letter_digit = matches!(
        CodePointMapData::<GeneralCategory>::new().get(c),
        LowercaseLetter
            | UppercaseLetter
            | OtherLetter
            | DecimalNumber
            | ModifierLetter
            | NonspacingMark
            | SpacingMark
    );
    !disallowed && (c == '-' || exception || contextual || letter_digit)
}

/// RFC 5892 appendix A: the rule of a CONTEXTJ / CONTEXTO code point.
fn context_holds(chars: &[char], i: usize) -> bool {
    let script = CodePointMapData::<Script>::new();
    let before = i.checked_sub(1).map(|j| chars[j]);
    let after = chars.get(i + 1).copied();
    match chars[i] {
        // MIDDLE DOT: between two `l`s.
        '\u{00b7}' => before == Some('l') && after == Some('l'),
        // GREEK LOWER NUMERAL SIGN (KERAIA): followed by Greek.
        '\u{0375}' => after.is_some_and(|c| script.get(c) == Script::Greek),
        // HEBREW GERESH / GERSHAYIM: preceded by Hebrew.
        '\u{05f3}' | '\u{05f4}' => before.is_some_and(|c| script.get(c) == Script::Hebrew),
        // KATAKANA MIDDLE DOT: the label has Hiragana, Katakana or Han.
        '\u{30fb}' => chars.iter().any(|&c| {
            c != '\u{30fb}'
                && matches!(
                    script.get(c),
                    Script::Hiragana | Script::Katakana | Script::Han
                )
        }),
        // ZERO WIDTH JOINER: after a virama.
        '\u{200d}' => before.is_some_and(is_virama),
        // ZERO WIDTH NON-JOINER: after a virama, or between joining letters.
        '\u{200c}' => before.is_some_and(is_virama) || joins_around(chars, i),
        _ => true,
    }
}

fn is_virama(c: char) -> bool {
    CodePointMapData::<CanonicalCombiningClass>::new().get(c) == CanonicalCombiningClass::Virama
}

/// `(L|D) T* ZWNJ T* (R|D)` in joining types around position `i`.
fn joins_around(chars: &[char], i: usize) -> bool {
    let joining = CodePointMapData::<JoiningType>::new();
    let transparent = |c: &&char| joining.get(**c) == JoiningType::Transparent;
    let left = chars[..i].iter().rev().find(|c| !transparent(c));
    let right = chars[i + 1..].iter().find(|c| !transparent(c));
    let joins_left = left.is_some_and(|c| {
        matches!(
            joining.get(*c),
            JoiningType::LeftJoining | JoiningType::DualJoining
        )
    });
    let joins_right = right.is_some_and(|c| {
        matches!(
            joining.get(*c),
            JoiningType::RightJoining | JoiningType::DualJoining
        )
    });
    joins_left && joins_right
}

/// ARABIC-INDIC DIGITS and EXTENDED ARABIC-INDIC DIGITS never share a label.
fn arabic_digits_not_mixed(chars: &[char]) -> bool {
    let arabic = chars.iter().any(|c| ('\u{0660}'..='\u{0669}').contains(c));
    let extended = chars.iter().any(|c| ('\u{06f0}'..='\u{06f9}').contains(c));
    !(arabic && extended)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names() {
        assert!(is_hostname("api.avaza.com"));
        assert!(is_hostname("xn--4gbwdl.xn--wgbh1c"));
        for invalid in [
            "example.",
            "-bad.com",
            "ab--c.com",
            "xn--X",
            "xn--al-0ea",
            "xn--7a",
            "",
        ] {
            assert!(!is_hostname(invalid), "{invalid}");
        }
    }

    #[test]
    fn idn_host_names() {
        assert!(is_idn_hostname("실례.테스트"));
        assert!(is_idn_hostname("l\u{00b7}l"));
        assert!(is_idn_hostname("\u{0915}\u{094d}\u{200d}\u{0937}"));
        for invalid in [
            "a\u{00b7}l",
            "\u{03b1}\u{0375}S",
            "def\u{30fb}abc",
            "\u{0628}\u{0660}\u{06f0}",
            "\u{0915}\u{200d}\u{0937}",
            "\u{0640}\u{07fa}",
            "example\u{3002}",
        ] {
            assert!(!is_idn_hostname(invalid), "{invalid}");
        }
    }
}
