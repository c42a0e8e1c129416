//! Constraints compared: bounds, lengths, counts, patterns, allowed values
//! and the keywords kept as embedded JSON Schema. A tighter one is breaking,
//! a looser one compatible.

use super::change::{Class, Edit};
use super::types::assorted;
use super::view::View;
use super::walk::{At, Walker};
use eventbind_codegen::model::json_number;
use serde_json::Value;

/// Which way a bound constrains.
#[derive(Clone, Copy, PartialEq)]
enum Side {
    Lower,
    Upper,
}

/// Strings that a new pattern may refuse, tried beside generated ones.
const PATTERN_PROBES: &[&str] = &[
    "", "a", "A", "0", "a1", "A-1", "abc", "ABC", "123", "a b", "é", "a.b", "a_b", "-1",
];

impl Walker<'_> {
    /// Compares every constraint on the value at `at`.
    pub fn constraints(&mut self, o: &View, n: &View, at: &At) {
        let (a, b) = (&o.constraints, &n.constraints);
        let as_f = |v: Option<u64>| v.map(|v| v as f64);
        let text = |len: f64| Value::String("a".repeat(len.max(0.0) as usize));
        self.bound(
            "minLength",
            Side::Lower,
            as_f(a.min_length),
            as_f(b.min_length),
            at,
            |_, new| Edit::Values {
                values: vec![text(new - 1.0)],
                generate: false,
            },
        );
        self.bound(
            "maxLength",
            Side::Upper,
            as_f(a.max_length),
            as_f(b.max_length),
            at,
            |_, new| Edit::Values {
                values: vec![text(new + 1.0)],
                generate: false,
            },
        );
        let near = |values: &[f64]| Edit::Values {
            values: values.iter().map(|v| json_number(*v)).collect(),
            generate: false,
        };
        self.bound(
            "minimum",
            Side::Lower,
            a.minimum,
            b.minimum,
            at,
            |_, new| near(&[new - 1.0, new - 0.5]),
        );
        self.bound(
            "maximum",
            Side::Upper,
            a.maximum,
            b.maximum,
            at,
            |_, new| near(&[new + 1.0, new + 0.5]),
        );
        self.bound(
            "exclusiveMinimum",
            Side::Lower,
            a.exclusive_minimum,
            b.exclusive_minimum,
            at,
            |_, new| near(&[new, new - 1.0]),
        );
        self.bound(
            "exclusiveMaximum",
            Side::Upper,
            a.exclusive_maximum,
            b.exclusive_maximum,
            at,
            |_, new| near(&[new, new + 1.0]),
        );
        self.bound(
            "minItems",
            Side::Lower,
            as_f(a.min_items),
            as_f(b.min_items),
            at,
            |_, new| Edit::Array {
                len: (new - 1.0).max(0.0) as usize,
                duplicate: false,
            },
        );
        self.bound(
            "maxItems",
            Side::Upper,
            as_f(a.max_items),
            as_f(b.max_items),
            at,
            |_, new| Edit::Array {
                len: new as usize + 1,
                duplicate: false,
            },
        );
        self.bound(
            "minProperties",
            Side::Lower,
            as_f(a.min_properties),
            as_f(b.min_properties),
            at,
            |_, new| Edit::Members {
                len: (new - 1.0).max(0.0) as usize,
            },
        );
        self.bound(
            "maxProperties",
            Side::Upper,
            as_f(a.max_properties),
            as_f(b.max_properties),
            at,
            |_, new| Edit::Members {
                len: new as usize + 1,
            },
        );
        self.multiple_of(a.multiple_of, b.multiple_of, at);
        match (a.unique_items, b.unique_items) {
            (false, true) => self.report(
                Class::Breaking,
                "unique-items-added",
                "items must now be unique".into(),
                at,
                Some(Edit::Array {
                    len: 2,
                    duplicate: true,
                }),
            ),
            (true, false) => self.report(
                Class::Compatible,
                "unique-items-dropped",
                "items need no longer be unique".into(),
                at,
                None,
            ),
            _ => {}
        }
        self.pattern(a.pattern.as_deref(), b.pattern.as_deref(), at);
        self.allowed(a.allowed.as_deref(), b.allowed.as_deref(), at);
        match (&a.fallback, &b.fallback) {
            (x, y) if x == y => {}
            (_, None) => self.report(
                Class::Compatible,
                "constraint-dropped",
                "embedded JSON Schema keywords dropped".into(),
                at,
                None,
            ),
            (_, Some(schema)) => self.report(
                Class::Breaking,
                "constraint-changed",
                format!("keywords checked as embedded JSON Schema changed to {schema}"),
                at,
                Some(Edit::Values {
                    values: assorted(),
                    generate: true,
                }),
            ),
        }
    }

    /// One bound: tighter is breaking (with `edit` to prove it, given the
    /// old and new values), looser compatible.
    fn bound(
        &mut self,
        keyword: &str,
        side: Side,
        old: Option<f64>,
        new: Option<f64>,
        at: &At,
        edit: impl Fn(Option<f64>, f64) -> Edit,
    ) {
        let show = |v: Option<f64>| v.map_or("none".to_string(), |v| json_number(v).to_string());
        let tighter = match (old, new) {
            (None, Some(_)) => true,
            (Some(x), Some(y)) => (side == Side::Lower && y > x) || (side == Side::Upper && y < x),
            _ => false,
        };
        if old == new {
            return;
        }
        let description = format!("{keyword} {} -> {}", show(old), show(new));
        match (tighter, new) {
            (true, Some(value)) => self.report(
                Class::Breaking,
                "bound-tightened",
                description,
                at,
                Some(edit(old, value)),
            ),
            _ => self.report(Class::Compatible, "bound-widened", description, at, None),
        }
    }

    fn multiple_of(&mut self, old: Option<f64>, new: Option<f64>, at: &At) {
        if old == new {
            return;
        }
        let show = |v: Option<f64>| v.map_or("none".to_string(), |v| json_number(v).to_string());
        let description = format!("multipleOf {} -> {}", show(old), show(new));
        // Every multiple of the new step is a multiple of the old one: looser.
        let looser = match (old, new) {
            (_, None) => true,
            (Some(x), Some(y)) => (x / y).fract() == 0.0,
            (None, Some(_)) => false,
        };
        if looser {
            self.report(Class::Compatible, "bound-widened", description, at, None);
            return;
        }
        let step = old.unwrap_or(1.0);
        let values = (1..=7).map(|k| json_number(step * k as f64)).collect();
        self.report(
            Class::Breaking,
            "bound-tightened",
            description,
            at,
            Some(Edit::Values {
                values,
                generate: false,
            }),
        );
    }

    fn pattern(&mut self, old: Option<&str>, new: Option<&str>, at: &At) {
        let values: Vec<Value> = PATTERN_PROBES.iter().map(|s| Value::from(*s)).collect();
        match (old, new) {
            (a, b) if a == b => {}
            (_, None) => self.report(
                Class::Compatible,
                "pattern-dropped",
                format!("pattern {} dropped", old.unwrap_or_default()),
                at,
                None,
            ),
            (None, Some(b)) => self.report(
                Class::Breaking,
                "pattern-added",
                format!("pattern {b} added"),
                at,
                Some(Edit::Values {
                    values,
                    generate: true,
                }),
            ),
            (Some(a), Some(b)) => self.report(
                Class::Breaking,
                "pattern-changed",
                format!("pattern {a} -> {b}"),
                at,
                Some(Edit::Values {
                    values,
                    generate: true,
                }),
            ),
        }
    }

    /// `enum` / `const`: removed values are breaking, one change each.
    fn allowed(&mut self, old: Option<&[Value]>, new: Option<&[Value]>, at: &At) {
        match (old, new) {
            (None, None) => {}
            (Some(_), None) => self.report(
                Class::Compatible,
                "enum-dropped",
                "any value of the type is now allowed".into(),
                at,
                None,
            ),
            (None, Some(list)) => {
                let mut values = assorted();
                values.extend(PATTERN_PROBES.iter().map(|s| Value::from(*s)));
                self.report(
                    Class::Breaking,
                    "enum-added",
                    format!("now restricted to {}", show_list(list)),
                    at,
                    Some(Edit::Values {
                        values,
                        generate: true,
                    }),
                );
            }
            (Some(a), Some(b)) => {
                for value in a.iter().filter(|v| !b.contains(v)) {
                    self.report(
                        Class::Breaking,
                        "enum-value-removed",
                        format!("value {value} removed"),
                        at,
                        Some(Edit::Values {
                            values: vec![value.clone()],
                            generate: false,
                        }),
                    );
                }
                for value in b.iter().filter(|v| !a.contains(v)) {
                    self.report(
                        Class::Compatible,
                        "enum-value-added",
                        format!("value {value} added"),
                        at,
                        None,
                    );
                }
            }
        }
    }
}

fn show_list(values: &[Value]) -> String {
    let shown: Vec<String> = values.iter().map(Value::to_string).collect();
    format!("[{}]", shown.join(", "))
}
