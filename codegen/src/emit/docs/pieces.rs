//! Type expressions and constraints as short phrases ("array of Tag",
//! "maxLength 255"), written once and rendered for Markdown and for HTML.

use super::text::{code_span, escape_html};
use crate::model::{Constraints, Field, Ty, TyKind};
use std::collections::BTreeMap;

/// A phrase, ready for both outputs.
#[derive(Debug, Clone, Default)]
pub struct Shown {
    /// Markdown for a table cell (pipes escaped).
    pub md: String,
    pub html: String,
}

impl Shown {
    pub fn is_empty(&self) -> bool {
        self.md.is_empty()
    }
}

enum Piece {
    Plain(String),
    Code(String),
    Link { text: String, anchor: String },
}

/// Where each named type is described: type name → anchor.
pub type Links = BTreeMap<String, String>;

fn render(pieces: &[Piece]) -> Shown {
    let mut md = String::new();
    let mut html = String::new();
    for piece in pieces {
        match piece {
            Piece::Plain(text) => {
                md.push_str(text);
                html.push_str(&escape_html(text));
            }
            Piece::Code(text) => {
                md.push_str(&code_span(text));
                html.push_str(&format!("<code>{}</code>", escape_html(text)));
            }
            Piece::Link { text, anchor } => {
                md.push_str(&format!("[{}](#{anchor})", code_span(text)));
                html.push_str(&format!(
                    "<a href=\"#{}\"><code>{}</code></a>",
                    escape_html(anchor),
                    escape_html(text)
                ));
            }
        }
    }
    Shown {
        md: md.replace('|', "\\|"),
        html,
    }
}

/// How a value of `ty` looks on the wire, linking named types.
pub fn ty_shown(ty: &Ty, links: &Links) -> Shown {
    let mut pieces = Vec::new();
    ty_pieces(ty, links, &mut pieces);
    render(&pieces)
}

fn ty_pieces(ty: &Ty, links: &Links, out: &mut Vec<Piece>) {
    let with_format = |name: &str, format: &Option<String>| match format {
        Some(format) => format!("{name} ({format})"),
        None => name.to_string(),
    };
    match &ty.kind {
        TyKind::Named { name } => match links.get(name) {
            Some(anchor) => out.push(Piece::Link {
                text: name.clone(),
                anchor: anchor.clone(),
            }),
            None => out.push(Piece::Code(name.clone())),
        },
        TyKind::String { format } => out.push(Piece::Plain(with_format("string", format))),
        TyKind::Integer { format } => out.push(Piece::Plain(with_format("integer", format))),
        TyKind::Number { format } => out.push(Piece::Plain(with_format("number", format))),
        TyKind::Boolean => out.push(Piece::Plain("boolean".into())),
        TyKind::Null => out.push(Piece::Plain("null".into())),
        TyKind::Any => out.push(Piece::Plain("any JSON value".into())),
        TyKind::Array { items } => {
            out.push(Piece::Plain("array of ".into()));
            ty_pieces(items, links, out);
        }
        TyKind::Map { values } if matches!(values.kind, TyKind::Any) && !values.nullable => {
            out.push(Piece::Plain("object".into()));
        }
        TyKind::Map { values } => {
            out.push(Piece::Plain("object of ".into()));
            ty_pieces(values, links, out);
        }
    }
    if ty.nullable && !matches!(ty.kind, TyKind::Any | TyKind::Null) {
        out.push(Piece::Plain(" or null".into()));
    }
}

/// The constraints of a member: its type's (and its items' or values'),
/// then its default and whether the server sets it.
pub fn field_constraints(field: &Field) -> Shown {
    let mut pieces = Vec::new();
    ty_constraint_pieces(&field.ty, &mut pieces);
    if let Some(default) = &field.default {
        separate(&mut pieces);
        pieces.push(Piece::Plain("default ".into()));
        pieces.push(Piece::Code(default.to_string()));
    }
    if field.read_only {
        separate(&mut pieces);
        pieces.push(Piece::Plain("read-only".into()));
    }
    render(&pieces)
}

/// The constraints of a type expression (and of its items or values).
pub fn ty_constraints(ty: &Ty) -> Shown {
    let mut pieces = Vec::new();
    ty_constraint_pieces(ty, &mut pieces);
    render(&pieces)
}

/// Constraints stated on a whole named type.
pub fn constraints(c: &Constraints) -> Shown {
    let mut pieces = Vec::new();
    constraint_pieces(c, &mut pieces);
    render(&pieces)
}

fn ty_constraint_pieces(ty: &Ty, out: &mut Vec<Piece>) {
    constraint_pieces(&ty.constraints, out);
    let (label, inner) = match &ty.kind {
        TyKind::Array { items } => ("items: ", items),
        TyKind::Map { values } => ("values: ", values),
        _ => return,
    };
    let mut nested = Vec::new();
    ty_constraint_pieces(inner, &mut nested);
    if !nested.is_empty() {
        separate(out);
        out.push(Piece::Plain(label.into()));
        out.extend(nested);
    }
}

fn constraint_pieces(c: &Constraints, out: &mut Vec<Piece>) {
    let plain = |out: &mut Vec<Piece>, text: String| {
        separate(out);
        out.push(Piece::Plain(text));
    };
    let counts = [
        ("minLength", c.min_length),
        ("maxLength", c.max_length),
        ("minItems", c.min_items),
        ("maxItems", c.max_items),
        ("minProperties", c.min_properties),
        ("maxProperties", c.max_properties),
    ];
    for (name, value) in counts {
        if let Some(value) = value {
            plain(out, format!("{name} {value}"));
        }
    }
    let bounds = [
        ("minimum", c.minimum),
        ("maximum", c.maximum),
        ("exclusiveMinimum", c.exclusive_minimum),
        ("exclusiveMaximum", c.exclusive_maximum),
        ("multipleOf", c.multiple_of),
    ];
    for (name, value) in bounds {
        if let Some(value) = value {
            plain(
                out,
                format!("{name} {}", crate::emit::schema::number(value)),
            );
        }
    }
    if c.unique_items {
        plain(out, "unique items".into());
    }
    if let Some(pattern) = &c.pattern {
        plain(out, "pattern ".into());
        out.push(Piece::Code(pattern.clone()));
    }
    match c.allowed.as_deref() {
        None => {}
        Some([one]) => {
            plain(out, "always ".into());
            out.push(Piece::Code(one.to_string()));
        }
        Some(values) => {
            plain(out, "one of ".into());
            for (index, value) in values.iter().enumerate() {
                if index > 0 {
                    out.push(Piece::Plain(", ".into()));
                }
                out.push(Piece::Code(value.to_string()));
            }
        }
    }
    if let Some(fallback) = &c.fallback {
        plain(out, "also matches ".into());
        out.push(Piece::Code(fallback.to_string()));
    }
}

/// `; ` between constraints.
fn separate(out: &mut Vec<Piece>) {
    if !out.is_empty() {
        out.push(Piece::Plain("; ".into()));
    }
}
