//! The impls of a string enum: its wire values, `FromStr`, and a
//! `Deserialize` that reads a JSON string only.
//!
//! Written in prettyplease's layout (the same text it gives them; checked in
//! the tests below); a value too long for its line sends the impl to
//! prettyplease instead.

use super::code::{lit_str, Item};

/// prettyplease's margin (see `print.rs`).
const MARGIN: usize = 89;

/// The impls of enum `name`, whose `(variant, wire)` pairs are `values`.
pub fn impls(name: &str, values: &[(String, String)]) -> Vec<Item> {
    let wires: Vec<String> = values.iter().map(|(_, wire)| lit_str(wire)).collect();
    vec![
        inherent(name, &wires),
        from_str(name, values, &wires),
        laid_out(format!(
            "/// Read from a JSON string only (serde's derive would also take `{{\"value\": null}}`).
impl<'de> Deserialize<'de> for {name} {{
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {{
        eventbind_runtime::__private::wire::string_enum(deserializer)
    }}
}}
"
        )),
    ]
}

fn inherent(name: &str, wires: &[String]) -> Item {
    const HEAD: &str = "    pub const VALUES: &'static [&'static str] = &[";
    let flat = format!("{HEAD}{}];", wires.join(", "));
    let values = if flat.len() <= MARGIN {
        flat + "\n"
    } else {
        let mut text = format!("{HEAD}\n");
        for wire in wires {
            text.push_str("        ");
            text.push_str(wire);
            text.push_str(",\n");
        }
        text.push_str("    ];\n");
        text
    };
    laid_out(format!(
        "impl {name} {{
    /// Every value, as written on the wire.
{values}    /// The value as it is written on the wire.
    pub fn as_str(&self) -> &'static str {{
        Self::VALUES[*self as usize]
    }}
}}
"
    ))
}

fn from_str(name: &str, values: &[(String, String)], wires: &[String]) -> Item {
    let mut arms = String::new();
    for ((variant, _), wire) in values.iter().zip(wires) {
        arms.push_str(&format!("            {wire} => Ok(Self::{variant}),\n"));
    }
    laid_out(format!(
        "impl std::str::FromStr for {name} {{
    type Err = eventbind_runtime::UnknownValue;
    fn from_str(wire: &str) -> Result<Self, Self::Err> {{
        match wire {{
{arms}            _ => Err(eventbind_runtime::UnknownValue::new(wire, Self::VALUES)),
        }}
    }}
}}
"
    ))
}

/// The text as it is, where every line fits the margin (then prettyplease
/// breaks nothing in it); else for prettyplease to lay out.
fn laid_out(text: String) -> Item {
    if text.lines().all(|line| line.len() <= MARGIN) {
        Item::text(text)
    } else {
        Item::unformatted(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::rust::code::Body;
    use crate::emit::rust::print::prettyplease_item;

    #[test]
    fn the_impls_are_laid_out_as_prettyplease_lays_them_out() {
        for n in 0..90 {
            let long = "x".repeat(n);
            let name = format!("N{}", "n".repeat(n));
            let values: Vec<(String, String)> =
                [("A", "a"), (name.as_str(), long.as_str()), ("Q", "q\"uote")]
                    .iter()
                    .take(if n == 0 { 1 } else { 3 })
                    .map(|(v, w)| (v.to_string(), w.to_string()))
                    .collect();
            for item in impls(&name, &values) {
                let (Body::Text(text) | Body::Unformatted(text)) = &item.body else {
                    unreachable!()
                };
                let laid_out = prettyplease_item(text).unwrap();
                if let Body::Text(text) = &item.body {
                    assert_eq!(*text, laid_out);
                }
            }
        }
    }
}
