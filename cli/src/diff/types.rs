//! Two type expressions at the same place of an event, compared: names,
//! nullability, shape (and what is inside: items, map values, union
//! branches); members and constraints have files of their own.

use super::change::{Class, Edit, Step};
use super::view::{same_kind, view, Shape, View};
use super::walk::{At, Walker};
use eventbind_codegen::model::{Ty, Variant};
use serde_json::{json, Value};

/// Values of every JSON kind, for a place that newly refuses some of them.
pub(crate) fn assorted() -> Vec<Value> {
    vec![
        json!("eventbind"),
        json!(""),
        json!(7),
        json!(1.5),
        json!(true),
        Value::Null,
        json!({}),
        json!([]),
    ]
}

impl Walker<'_> {
    /// Compares the value at `at`: old type `old`, new type `new`.
    pub fn ty(&mut self, old: &Ty, new: &Ty, at: &At) {
        let (old_catalog, new_catalog) = (&self.old.catalog, &self.new.catalog);
        let o = view(old_catalog, old);
        let n = view(new_catalog, new);
        let at = at.at(o.origin.unwrap_or(&at.old), n.origin.unwrap_or(&at.new));
        self.names(&o, &n, &at);
        if let (Some(a), Some(b)) = (o.name, n.name) {
            if !self.first_visit(a, b) {
                return;
            }
        }
        if o.nullable && !n.nullable {
            self.report(
                Class::Breaking,
                "null-removed",
                "null is no longer allowed".into(),
                &at,
                Some(Edit::Values {
                    values: vec![Value::Null],
                    generate: false,
                }),
            );
        } else if !o.nullable && n.nullable {
            // The Rust type gains an Option.
            self.report(
                Class::CodeBreaking,
                "null-added",
                "null is now allowed (the Rust type becomes an Option)".into(),
                &at,
                None,
            );
        }
        self.shapes(&o, &n, &at);
        self.constraints(&o, &n, &at);
    }

    fn names(&mut self, o: &View, n: &View, at: &At) {
        match (o.name, n.name) {
            (Some(a), Some(b)) if a != b => {
                let renamed = self.new.catalog.type_named(a).is_none();
                let (kind, description) = if renamed {
                    ("type-renamed", format!("type {a} renamed to {b}"))
                } else {
                    (
                        "type-changed",
                        format!("written as type {b} instead of {a}"),
                    )
                };
                self.report(Class::CodeBreaking, kind, description, at, None);
            }
            (Some(a), None) if o.named_kind != Some("newtype") => self.report(
                Class::CodeBreaking,
                "type-inlined",
                format!("type {a} is no longer a named type"),
                at,
                None,
            ),
            (None, Some(b)) if n.named_kind != Some("newtype") => self.report(
                Class::CodeBreaking,
                "type-named",
                format!("now written as type {b}"),
                at,
                None,
            ),
            _ => {}
        }
    }

    fn shapes(&mut self, o: &View, n: &View, at: &At) {
        match (o.shape, n.shape) {
            (Shape::Any, Shape::Any) => {}
            (_, Shape::Any) => self.report(
                Class::CodeBreaking,
                "type-widened",
                format!("{} widened to any value", o.shape.word()),
                at,
                None,
            ),
            (Shape::Any, _) => self.report(
                Class::Breaking,
                "type-narrowed",
                format!("any value narrowed to {}", n.shape.word()),
                at,
                Some(Edit::Values {
                    values: assorted(),
                    generate: false,
                }),
            ),
            (Shape::Integer { .. }, Shape::Number { .. }) => self.report(
                Class::CodeBreaking,
                "integer-widened",
                "integer widened to number (the Rust type becomes a float)".into(),
                at,
                None,
            ),
            (Shape::Number { .. }, Shape::Integer { .. }) => self.report(
                Class::Breaking,
                "number-narrowed",
                "number narrowed to integer".into(),
                at,
                Some(Edit::Values {
                    values: vec![json!(1.5), json!(-0.5)],
                    generate: true,
                }),
            ),
            (
                Shape::Union {
                    variants: a,
                    exclusive: x,
                },
                Shape::Union {
                    variants: b,
                    exclusive: y,
                },
            ) => self.unions((a, x), (b, y), at),
            (Shape::Union { variants, .. }, _) => {
                let kept = self.matching(variants, n, true);
                for variant in variants
                    .iter()
                    .filter(|v| !kept.is_some_and(|k| std::ptr::eq(k, *v)))
                {
                    self.report(
                        Class::Breaking,
                        "union-narrowed",
                        format!(
                            "branch {} removed: only {} is left",
                            variant.name,
                            n.shape.word()
                        ),
                        &at.child(
                            Step::Variant {
                                ty: variant.ty.clone(),
                            },
                            at.old.clone(),
                            at.new.clone(),
                        ),
                        Some(Edit::None),
                    );
                }
            }
            (_, Shape::Union { variants, .. }) => {
                if self.matching(variants, o, false).is_some() {
                    self.report(
                        Class::CodeBreaking,
                        "union-widened",
                        format!("{} widened to a union", o.shape.word()),
                        at,
                        None,
                    );
                } else {
                    self.report(
                        Class::Breaking,
                        "type-changed",
                        format!("{} changed to a union without it", o.shape.word()),
                        at,
                        Some(Edit::Values {
                            values: Vec::new(),
                            generate: true,
                        }),
                    );
                }
            }
            (
                Shape::Object {
                    fields: a,
                    additional: x,
                },
                Shape::Object {
                    fields: b,
                    additional: y,
                },
            ) => self.objects(a, x, b, y, at),
            (Shape::Array { items: a }, Shape::Array { items: b }) => {
                let child = at.child(
                    Step::Item { ty: a.clone() },
                    format!("{}/items", at.old),
                    format!("{}/items", at.new),
                );
                self.ty(a, b, &child);
            }
            (Shape::Map { values: a }, Shape::Map { values: b }) => {
                let child = at.child(
                    Step::Value { ty: a.clone() },
                    format!("{}/additionalProperties", at.old),
                    format!("{}/additionalProperties", at.new),
                );
                self.ty(a, b, &child);
            }
            (Shape::Object { fields, .. }, Shape::Map { values }) => {
                self.report(
                    Class::CodeBreaking,
                    "object-to-map",
                    "struct became a map".into(),
                    at,
                    None,
                );
                for field in fields {
                    let child = at.child(
                        Step::Field {
                            wire: field.wire.clone(),
                            ty: field.ty.clone(),
                        },
                        field.origin.clone(),
                        format!("{}/additionalProperties", at.new),
                    );
                    self.ty(&field.ty, values, &child);
                }
            }
            (a, b) if same_kind(&a, &b) => self.formats(&a, &b, at),
            (a, b) => self.report(
                Class::Breaking,
                "type-changed",
                format!("{} changed to {}", a.word(), b.word()),
                at,
                Some(Edit::Values {
                    values: Vec::new(),
                    generate: true,
                }),
            ),
        }
        // A union met a non-union: compare with the branch of the same kind.
        match (o.shape, n.shape) {
            (Shape::Union { variants, .. }, other)
                if !matches!(other, Shape::Union { .. } | Shape::Any) =>
            {
                if let Some(variant) = self.matching(variants, n, true) {
                    let child = at.child(
                        Step::Variant {
                            ty: variant.ty.clone(),
                        },
                        at.old.clone(),
                        at.new.clone(),
                    );
                    self.ty_against_view(&variant.ty, n, &child);
                }
            }
            (other, Shape::Union { variants, .. })
                if !matches!(other, Shape::Union { .. } | Shape::Any) =>
            {
                if let Some(variant) = self.matching(variants, o, false) {
                    self.ty_from_view(o, &variant.ty, at);
                }
            }
            _ => {}
        }
    }

    /// Compares an old union branch with the new (non-union) type of the value.
    fn ty_against_view(&mut self, old: &Ty, n: &View, at: &At) {
        let o = view(&self.old.catalog, old);
        if same_kind(&o.shape, &n.shape) {
            self.shapes(&o, n, at);
            self.constraints(&o, n, at);
        }
    }

    /// Compares the old (non-union) value with the new union branch of its kind.
    fn ty_from_view(&mut self, o: &View, new: &Ty, at: &At) {
        let n = view(&self.new.catalog, new);
        if same_kind(&o.shape, &n.shape) {
            self.shapes(o, &n, at);
            self.constraints(o, &n, at);
        }
    }

    /// The branch of `variants` (old ones when `old`) of the same kind as `other`.
    fn matching<'v>(
        &self,
        variants: &'v [Variant],
        other: &View,
        old: bool,
    ) -> Option<&'v Variant> {
        let catalog = if old {
            &self.old.catalog
        } else {
            &self.new.catalog
        };
        variants
            .iter()
            .find(|v| same_kind(&view(catalog, &v.ty).shape, &other.shape))
    }

    /// Union branches are matched by name, then by kind of value.
    /// (`oneOf` when exclusive, else `anyOf`, names the branches' place.)
    fn unions(&mut self, (old, x): (&[Variant], bool), (new, y): (&[Variant], bool), at: &At) {
        let (old_word, new_word) = (of_word(x), of_word(y));
        let mut matched = vec![false; new.len()];
        for (index, variant) in old.iter().enumerate() {
            let kind = view(&self.old.catalog, &variant.ty).shape;
            let found = new.iter().position(|v| v.name == variant.name).or_else(|| {
                new.iter().enumerate().position(|(i, v)| {
                    !matched[i] && same_kind(&view(&self.new.catalog, &v.ty).shape, &kind)
                })
            });
            let old_at = format!("{}/{old_word}/{index}", at.old);
            match found {
                Some(i) if !matched[i] => {
                    matched[i] = true;
                    let child = at.child(
                        Step::Variant {
                            ty: variant.ty.clone(),
                        },
                        old_at,
                        format!("{}/{new_word}/{i}", at.new),
                    );
                    self.ty(&variant.ty, &new[i].ty, &child);
                }
                _ => {
                    let child = at.child(
                        Step::Variant {
                            ty: variant.ty.clone(),
                        },
                        old_at,
                        at.new.clone(),
                    );
                    self.report(
                        Class::Breaking,
                        "variant-removed",
                        format!("union branch {} removed", variant.name),
                        &child,
                        Some(Edit::None),
                    );
                }
            }
        }
        for (i, variant) in new.iter().enumerate().filter(|(i, _)| !matched[*i]) {
            let child = at.at(&at.old, &format!("{}/{new_word}/{i}", at.new));
            self.report(
                Class::Compatible,
                "variant-added",
                format!("union branch {} added", variant.name),
                &child,
                None,
            );
        }
    }

    /// Same kind of value: a changed `format` changes what is accepted.
    fn formats(&mut self, old: &Shape, new: &Shape, at: &At) {
        let (a, b, numeric) = match (old, new) {
            (Shape::String { format: a }, Shape::String { format: b }) => (*a, *b, false),
            (Shape::Integer { format: a }, Shape::Integer { format: b })
            | (Shape::Number { format: a }, Shape::Number { format: b }) => (*a, *b, true),
            _ => return,
        };
        if a == b {
            return;
        }
        let words = |f: Option<&str>| f.map_or("no format".to_string(), |f| format!("format {f}"));
        let description = format!("{} changed to {}", words(a), words(b));
        if numeric || b.is_none() {
            // A numeric format or a dropped one changes the Rust type, not what is accepted.
            self.report(Class::CodeBreaking, "format-changed", description, at, None);
        } else {
            let values = [
                "not-a-value",
                "2024-01-01",
                "2024-01-01T00:00:00Z",
                "00000000-0000-0000-0000-000000000000",
                "a@b.c",
                "https://example.com/",
            ]
            .into_iter()
            .map(Value::from)
            .collect();
            let kind = if a.is_none() {
                "format-added"
            } else {
                "format-changed"
            };
            self.report(
                Class::Breaking,
                kind,
                description,
                at,
                Some(Edit::Values {
                    values,
                    generate: true,
                }),
            );
        }
    }
}

fn of_word(exclusive: bool) -> &'static str {
    if exclusive {
        "oneOf"
    } else {
        "anyOf"
    }
}
