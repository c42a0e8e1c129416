//! Two objects compared member by member: removed, added, required and
//! optional members, and what each does with members it does not declare.

use super::change::{Class, Edit, Step};
use super::types::assorted;
use super::view::{view, Shape};
use super::walk::{At, Walker};
use eventbind_codegen::model::{Additional, Field, Ty, TyKind};

impl Walker<'_> {
    /// Compares the members of the object at `at`.
    pub fn objects(
        &mut self,
        old: &[Field],
        old_additional: &Additional,
        new: &[Field],
        new_additional: &Additional,
        at: &At,
    ) {
        for field in old {
            let step = Step::Field {
                wire: field.wire.clone(),
                ty: field.ty.clone(),
            };
            let Some(counterpart) = new.iter().find(|f| f.wire == field.wire) else {
                self.removed_member(field, new_additional, at, step);
                continue;
            };
            let child = at.child(step, field.origin.clone(), counterpart.origin.clone());
            match (field.required, counterpart.required) {
                (true, false) => self.report(
                    Class::CodeBreaking,
                    "member-optional",
                    format!(
                        "member {} is now optional (its Rust type becomes an Option)",
                        field.wire
                    ),
                    &child,
                    None,
                ),
                (false, true) => self.report(
                    Class::Breaking,
                    "member-required",
                    format!("member {} is now required", field.wire),
                    at,
                    Some(Edit::Remove {
                        wire: field.wire.clone(),
                    }),
                ),
                _ => {}
            }
            self.ty(&field.ty, &counterpart.ty, &child);
        }
        for field in new.iter().filter(|f| !old.iter().any(|o| o.wire == f.wire)) {
            let place = at.at(&at.old, &field.origin);
            if field.required {
                self.report(
                    Class::Breaking,
                    "required-added",
                    format!("new required member {}", field.wire),
                    &place,
                    Some(Edit::Remove {
                        wire: field.wire.clone(),
                    }),
                );
            } else {
                self.report(
                    Class::Compatible,
                    "optional-added",
                    format!("new optional member {}", field.wire),
                    &place,
                    None,
                );
            }
        }
        self.additional(old_additional, new_additional, at);
    }

    fn removed_member(&mut self, field: &Field, new_additional: &Additional, at: &At, step: Step) {
        let child = at.child(step, field.origin.clone(), at.new.clone());
        match new_additional {
            Additional::Deny => self.report(
                Class::Breaking,
                "member-removed",
                format!("member {} removed from a closed object", field.wire),
                &child,
                Some(Edit::Values {
                    values: Vec::new(),
                    generate: true,
                }),
            ),
            Additional::Keep => self.report(
                Class::CodeBreaking,
                "member-removed",
                format!(
                    "member {} removed (still accepted as an undeclared member)",
                    field.wire
                ),
                &child,
                None,
            ),
            Additional::Typed(values) => {
                self.report(
                    Class::CodeBreaking,
                    "member-removed",
                    format!("member {} removed (now an undeclared member)", field.wire),
                    &child,
                    None,
                );
                let child = child.at(&child.old, &format!("{}/additionalProperties", at.new));
                self.ty(&field.ty, values, &child);
            }
        }
    }

    /// What the object does with undeclared members, before and after.
    fn additional(&mut self, old: &Additional, new: &Additional, at: &At) {
        let any = Ty::new(TyKind::Any);
        let extra = |ty: &Ty| {
            at.child(
                Step::Extra { ty: ty.clone() },
                format!("{}/additionalProperties", at.old),
                format!("{}/additionalProperties", at.new),
            )
        };
        match (old, new) {
            (Additional::Keep, Additional::Deny) | (Additional::Typed(_), Additional::Deny) => {
                let ty = match old {
                    Additional::Typed(ty) => ty.as_ref(),
                    _ => &any,
                };
                self.report(
                    Class::Breaking,
                    "object-closed",
                    "undeclared members are no longer allowed (additionalProperties: false)".into(),
                    &extra(ty),
                    Some(Edit::Values {
                        values: vec![serde_json::json!("eventbind")],
                        generate: true,
                    }),
                );
            }
            (Additional::Deny, Additional::Keep) | (Additional::Deny, Additional::Typed(_)) => self
                .report(
                    Class::Compatible,
                    "object-opened",
                    "undeclared members are now allowed".into(),
                    at,
                    None,
                ),
            (Additional::Keep, Additional::Typed(ty))
                if !matches!(view(&self.new.catalog, ty).shape, Shape::Any) =>
            {
                self.report(
                    Class::Breaking,
                    "additional-typed",
                    "undeclared members must now match a schema".into(),
                    &extra(&any),
                    Some(Edit::Values {
                        values: assorted(),
                        generate: false,
                    }),
                );
            }
            (Additional::Typed(a), Additional::Typed(b)) => self.ty(a, b, &extra(a)),
            (Additional::Typed(_), Additional::Keep) => self.report(
                Class::Compatible,
                "additional-untyped",
                "undeclared members need no longer match a schema".into(),
                at,
                None,
            ),
            _ => {}
        }
    }
}
