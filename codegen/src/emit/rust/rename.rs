//! How an enum's variants are renamed to their wire values: one
//! `#[serde(rename_all = "...")]` when the values follow one of serde's case
//! rules from the variant names (`add` from `Add`, `SALES_OR_TRANSACTIONS`
//! from `SalesOrTransactions`), a `rename` only on the variants that do not.
//! A hand-written enum would say it once; a `rename` on each of a large
//! enum's variants was also most of what the emitter wrote for it.

/// One of serde's rules, as `serde_derive` applies it to a variant name.
type Rule = (&'static str, fn(&str) -> String);

/// serde's rules for variants, in the order they are preferred on a tie.
const RULES: &[Rule] = &[
    ("lowercase", |v| v.to_ascii_lowercase()),
    ("UPPERCASE", |v| v.to_ascii_uppercase()),
    ("camelCase", camel),
    ("snake_case", snake),
    ("SCREAMING_SNAKE_CASE", |v| snake(v).to_ascii_uppercase()),
    ("kebab-case", |v| snake(v).replace('_', "-")),
    ("SCREAMING-KEBAB-CASE", |v| {
        snake(v).to_ascii_uppercase().replace('_', "-")
    }),
];

/// The renaming of an enum's variants.
pub struct Renames {
    /// The container's `rename_all` rule, if one is used.
    pub rule: Option<&'static str>,
    /// Per variant, the `rename` it still needs.
    pub each: Vec<Option<String>>,
}

/// The renames that give each `(variant, wire)` pair its wire value, with as
/// few attributes as serde allows.
pub fn renames(pairs: &[(String, String)]) -> Renames {
    let spelled = |apply: &dyn Fn(&str) -> String| -> Vec<Option<String>> {
        let rename =
            |(variant, wire): &(String, String)| (apply(variant) != *wire).then(|| wire.clone());
        pairs.iter().map(rename).collect()
    };
    let as_is = spelled(&|v: &str| v.to_string());
    let needed = |each: &[Option<String>]| each.iter().filter(|r| r.is_some()).count();
    let best = RULES
        .iter()
        .map(|(name, apply)| (*name, spelled(apply)))
        .min_by_key(|(_, each)| needed(each));
    match best {
        // A rule pays for its attribute only by saving more than one rename.
        Some((rule, each)) if needed(&each) + 1 < needed(&as_is) => Renames {
            rule: Some(rule),
            each,
        },
        _ => Renames {
            rule: None,
            each: as_is,
        },
    }
}

fn camel(variant: &str) -> String {
    let mut chars = variant.chars();
    match chars.next() {
        Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

fn snake(variant: &str) -> String {
    let mut out = String::with_capacity(variant.len() + 4);
    for (at, ch) in variant.char_indices() {
        if at > 0 && ch.is_uppercase() {
            out.push('_');
        }
        out.push(ch.to_ascii_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::renames;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(v, w)| (v.to_string(), w.to_string()))
            .collect()
    }

    #[test]
    fn one_rule_for_values_that_follow_it_and_renames_for_the_rest() {
        let screaming = renames(&pairs(&[
            ("SalesOrTransactions", "SALES_OR_TRANSACTIONS"),
            ("SalesOnly", "SALES_ONLY"),
            ("Either", "EITHER"),
            ("ValidationSucceeded", "VALIDATION.SUCCEEDED"),
        ]));
        assert_eq!(screaming.rule, Some("SCREAMING_SNAKE_CASE"));
        assert_eq!(
            screaming.each,
            [None, None, None, Some("VALIDATION.SUCCEEDED".to_string())]
        );
        let lower = renames(&pairs(&[
            ("Add", "add"),
            ("Update", "update"),
            ("V0", "v0"),
        ]));
        assert_eq!(lower.rule, Some("lowercase"));
        assert!(lower.each.iter().all(Option::is_none));
    }

    #[test]
    fn no_rule_where_it_saves_nothing() {
        let as_is = renames(&pairs(&[("Add", "Add"), ("Update", "Update")]));
        assert_eq!((as_is.rule, as_is.each), (None, vec![None, None]));
        let one = renames(&pairs(&[("Add", "add"), ("Update", "Update")]));
        assert_eq!(one.rule, None);
        assert_eq!(one.each, [Some("add".to_string()), None]);
    }
}
