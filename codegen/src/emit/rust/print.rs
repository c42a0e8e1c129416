//! Lays out [`Item`]s exactly as prettyplease lays out the same source, so
//! the output is what formatting a parsed file gave, without building and
//! parsing a syntax tree for it.
//!
//! prettyplease breaks a group (an attribute's parentheses, a tuple field
//! list, a type's angle brackets) when the line it would end would be longer
//! than its margin, and then puts each element on a line of its own. The
//! shapes the emitters write are few, so their layout is written out here;
//! source with no layout here (a template that does not fit, a replacement
//! type from the user's settings) goes through syn and prettyplease instead.
//! `print_tests.rs` holds the two to the same output.

use super::code::{lit_str, Arg, Attr, Body, Item, Meta, Payload};

/// prettyplease's margin: a group breaks when its line would be longer.
const MARGIN: usize = 89;
/// prettyplease's indentation step.
const INDENT: usize = 4;

/// Appends `item`, laid out.
pub fn item(out: &mut String, item: &Item) -> Result<(), String> {
    let start = out.len();
    if lay_out(out, item).is_none() {
        out.truncate(start);
        out.push_str(&prettyplease_item(&flat_source(item))?);
    }
    Ok(())
}

/// prettyplease's layout of `source` (one or more items).
pub fn prettyplease_item(source: &str) -> Result<String, String> {
    let file = syn::parse_file(source)
        .map_err(|e| format!("internal error: generated code does not parse: {e}"))?;
    Ok(prettyplease::unparse(&file))
}

/// The item laid out here, or `None` where this module has no layout for it
/// (what it wrote is then dropped).
fn lay_out(out: &mut String, item: &Item) -> Option<()> {
    docs(out, 0, &item.docs);
    attrs(out, 0, &item.attrs);
    match &item.body {
        Body::Text(text) => out.push_str(text),
        Body::Unformatted(_) => return None,
        Body::Struct { name, members } if members.is_empty() => {
            line(out, 0, &["pub struct ", name, " {}"]);
        }
        Body::Struct { name, members } => {
            line(out, 0, &["pub struct ", name, " {"]);
            for member in members {
                docs(out, INDENT, &member.docs);
                attrs(out, INDENT, &member.attrs);
                let prefix = format!("pub {}: ", member.name);
                ty_line(out, INDENT, &prefix, &member.ty, Suffix::Counted(","));
            }
            out.push_str("}\n");
        }
        Body::Newtype { name, inner } => {
            let head = format!("pub struct {name}(");
            tuple(out, 0, &head, inner, "pub ", ");");
        }
        Body::Enum { name, variants } if variants.is_empty() => {
            line(out, 0, &["pub enum ", name, " {}"]);
        }
        Body::Enum { name, variants } => {
            line(out, 0, &["pub enum ", name, " {"]);
            for variant in variants {
                docs(out, INDENT, &variant.docs);
                attrs(out, INDENT, &variant.attrs);
                match &variant.payload {
                    None => line(out, INDENT, &[&variant.name, ","]),
                    Some(payload) => {
                        let head = format!("{}(", variant.name);
                        tuple(out, INDENT, &head, payload, "", "),");
                    }
                }
            }
            out.push_str("}\n");
        }
        Body::Alias { name, ty } => ty_line(
            out,
            0,
            &format!("pub type {name} = "),
            ty,
            Suffix::Counted(";"),
        ),
    }
    Some(())
}

/// `head` + the one field + `close`: on one line where it fits, else the
/// field's attributes and the field on lines of their own.
fn tuple(out: &mut String, indent: usize, head: &str, field: &Payload, vis: &str, close: &str) {
    let mut flat = String::with_capacity(head.len() + field.ty.len() + 64);
    flat.push_str(head);
    for attr in &field.attrs {
        flat.push_str(&attr.flat());
        flat.push(' ');
    }
    flat.push_str(vis);
    flat.push_str(&field.ty);
    flat.push_str(close);
    if fits(indent, flat.len()) {
        line(out, indent, &[&flat]);
        return;
    }
    line(out, indent, &[head]);
    attrs(out, indent + INDENT, &field.attrs);
    ty_line(out, indent + INDENT, vis, &field.ty, Suffix::Free(","));
    // The closing parenthesis goes back to the head's indentation.
    line(out, indent, &[close]);
}

/// `prefix` + a type + `suffix` on one line where it fits, else with the
/// type's generic arguments one per line (each broken the same way in turn),
/// as prettyplease breaks angle brackets. A type with none stays on its line.
/// The comma that ends an element of a broken list is no part of the width
/// (prettyplease writes it with the break): `Suffix::Free`.
fn ty_line(out: &mut String, indent: usize, prefix: &str, ty: &str, suffix: Suffix) {
    let (suffix, counted) = match suffix {
        Suffix::Counted(text) => (text, text.len()),
        Suffix::Free(text) => (text, 0),
    };
    let split = generic_args(ty);
    let Some((head, args)) = split.filter(|_| !fits(indent, prefix.len() + ty.len() + counted))
    else {
        line(out, indent, &[prefix, ty, suffix]);
        return;
    };
    line(out, indent, &[prefix, head, "<"]);
    for arg in args {
        ty_line(out, indent + INDENT, "", arg, Suffix::Free(","));
    }
    line(out, indent, &[">", suffix]);
}

/// What follows a type on its line.
#[derive(Clone, Copy)]
enum Suffix {
    /// Text that counts toward the line's width (`;`, a member's `,`).
    Counted(&'static str),
    /// A broken list's comma, which does not.
    Free(&'static str),
}

/// `Head<A, B>` as `("Head", ["A", "B"])`, splitting at top-level commas.
fn generic_args(ty: &str) -> Option<(&str, Vec<&str>)> {
    let open = ty.find('<')?;
    let inner = ty.strip_suffix('>')?.get(open + 1..)?;
    let mut args = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (at, byte) in inner.bytes().enumerate() {
        match byte {
            b'<' | b'(' => depth += 1,
            b'>' | b')' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => {
                args.push(inner[start..at].trim());
                start = at + 1;
            }
            _ => {}
        }
    }
    args.push(inner[start..].trim());
    Some((&ty[..open], args))
}

fn fits(indent: usize, len: usize) -> bool {
    indent + len <= MARGIN
}

fn line(out: &mut String, indent: usize, parts: &[&str]) {
    out.extend(std::iter::repeat_n(' ', indent));
    for part in parts {
        out.push_str(part);
    }
    out.push('\n');
}

/// `///` lines, as prettyplease writes `#[doc = " text"]` (trailing spaces dropped).
fn docs(out: &mut String, indent: usize, docs: &[String]) {
    for text in docs {
        let text = text.trim_end_matches(' ');
        if text.is_empty() {
            line(out, indent, &["///"]);
        } else {
            line(out, indent, &["/// ", text]);
        }
    }
}

fn attrs(out: &mut String, indent: usize, attrs: &[Attr]) {
    for attr in attrs {
        match attr {
            Attr::Formatted { lines, .. } => {
                for text in lines {
                    line(out, indent, &[text]);
                }
            }
            Attr::Meta(meta) => {
                let flat = meta.flat();
                if fits(indent, flat.len() + 3) {
                    line(out, indent, &["#[", &flat, "]"]);
                } else {
                    line(out, indent, &["#[", &meta.path, "("]);
                    args(out, indent + INDENT, &meta.args);
                    line(out, indent, &[")]"]);
                }
            }
        }
    }
}

/// A broken list's arguments, one per line.
fn args(out: &mut String, indent: usize, args: &[Arg]) {
    for (i, arg) in args.iter().enumerate() {
        let comma = if i + 1 < args.len() { "," } else { "" };
        match arg {
            Arg::Word(word) => line(out, indent, &[word, comma]),
            Arg::List(list) => nested(out, indent, list, comma),
        }
    }
}

fn nested(out: &mut String, indent: usize, list: &Meta, comma: &str) {
    let flat = list.flat();
    if fits(indent, flat.len() + comma.len()) {
        line(out, indent, &[&flat, comma]);
    } else {
        line(out, indent, &[&list.path, "("]);
        args(out, indent + INDENT, &list.args);
        line(out, indent, &[")", comma]);
    }
}

/// The item as valid Rust on few lines, for prettyplease to lay out. Docs are
/// `#[doc]` attributes: a doc comment could not hold every character.
pub fn flat_source(item: &Item) -> String {
    let mut out = String::new();
    let docs = |out: &mut String, docs: &[String]| {
        for text in docs {
            let value = if text.is_empty() {
                String::new()
            } else {
                format!(" {text}")
            };
            out.push_str("#[doc = ");
            out.push_str(&lit_str(&value));
            out.push_str("]\n");
        }
    };
    let attrs = |out: &mut String, attrs: &[Attr]| {
        for attr in attrs {
            out.push_str(&attr.flat());
            out.push('\n');
        }
    };
    docs(&mut out, &item.docs);
    attrs(&mut out, &item.attrs);
    match &item.body {
        Body::Text(text) | Body::Unformatted(text) => out.push_str(text),
        Body::Struct { name, members } => {
            out.push_str(&format!("pub struct {name} {{\n"));
            for member in members {
                docs(&mut out, &member.docs);
                attrs(&mut out, &member.attrs);
                out.push_str(&format!("pub {}: {},\n", member.name, member.ty));
            }
            out.push_str("}\n");
        }
        Body::Newtype { name, inner } => {
            out.push_str(&format!("pub struct {name}("));
            attrs(&mut out, &inner.attrs);
            out.push_str(&format!("pub {});\n", inner.ty));
        }
        Body::Enum { name, variants } => {
            out.push_str(&format!("pub enum {name} {{\n"));
            for variant in variants {
                docs(&mut out, &variant.docs);
                attrs(&mut out, &variant.attrs);
                out.push_str(&variant.name);
                if let Some(payload) = &variant.payload {
                    out.push('(');
                    attrs(&mut out, &payload.attrs);
                    out.push_str(&payload.ty);
                    out.push(')');
                }
                out.push_str(",\n");
            }
            out.push_str("}\n");
        }
        Body::Alias { name, ty } => out.push_str(&format!("pub type {name} = {ty};\n")),
    }
    out
}

#[cfg(test)]
#[path = "print_tests.rs"]
mod tests;
