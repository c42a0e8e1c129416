//! The generated items before layout: what the type and event emitters build,
//! what the user's settings and the schemars derive adjust, and what
//! [`super::print`] lays out.
//!
//! Plain strings rather than token streams: the output is text, and building
//! tokens only for syn to parse them again was most of generation's cost.
//! Types and attribute arguments are held as Rust writes them
//! (`Option<Vec<String>>`, `rename = "id"`), literals escaped by [`lit_str`].
//! Types are paths with generic arguments, or `()`: the printer breaks
//! angle brackets only.

/// One item of the generated file.
pub struct Item {
    /// Doc comment lines, without the `///`.
    pub docs: Vec<String>,
    pub attrs: Vec<Attr>,
    pub body: Body,
}

/// What follows an item's attributes.
pub enum Body {
    /// `pub struct Name { members }`.
    Struct { name: String, members: Vec<Member> },
    /// `pub struct Name(pub inner);`.
    Newtype { name: String, inner: Payload },
    /// `pub enum Name { variants }`.
    Enum {
        name: String,
        variants: Vec<Variant>,
    },
    /// `pub type Name = ty;`.
    Alias { name: String, ty: String },
    /// Source already in the layout prettyplease gives it.
    Text(String),
    /// Source laid out by prettyplease (shapes the printer has no layout for).
    Unformatted(String),
}

/// A named struct member.
pub struct Member {
    pub docs: Vec<String>,
    pub attrs: Vec<Attr>,
    /// The Rust name (`r#type` for a keyword).
    pub name: String,
    /// The JSON member name.
    pub wire: String,
    pub ty: String,
}

impl Member {
    /// The `#[serde(rename)]` the member carries: its wire name where the
    /// Rust name differs.
    pub fn renamed(&self) -> Option<&str> {
        (self.name.trim_start_matches("r#") != self.wire).then_some(self.wire.as_str())
    }
}

/// An enum variant: a unit variant, or one holding a value.
pub struct Variant {
    pub docs: Vec<String>,
    pub attrs: Vec<Attr>,
    pub name: String,
    pub payload: Option<Payload>,
}

/// The one unnamed field of a tuple variant or struct, with its attributes.
pub struct Payload {
    pub attrs: Vec<Attr>,
    pub ty: String,
}

/// An outer attribute.
pub enum Attr {
    /// `#[path(args)]`, as the emitters write them.
    Meta(Meta),
    /// One the user wrote (`eventbind.toml`), as syn read it: `source` is its
    /// token text, `lines` the layout prettyplease gives it where it goes.
    Formatted { source: String, lines: Vec<String> },
}

/// `path(args)`: an attribute, or a list nested in one (`items(min_length = 1)`).
pub struct Meta {
    pub path: String,
    pub args: Vec<Arg>,
}

/// One argument of a [`Meta`].
pub enum Arg {
    /// Text with no place to break it: `default`, `rename = "id"`, `"a"`.
    Word(String),
    /// A nested list.
    List(Meta),
}

impl Meta {
    /// `path(words...)`.
    pub fn new<S: Into<String>>(path: &str, args: impl IntoIterator<Item = S>) -> Self {
        Meta {
            path: path.to_string(),
            args: args.into_iter().map(|a| Arg::Word(a.into())).collect(),
        }
    }

    /// `path(args)` on one line.
    pub fn flat(&self) -> String {
        let mut out = String::with_capacity(self.path.len() + 2 + 24 * self.args.len());
        self.write_flat(&mut out);
        out
    }

    fn write_flat(&self, out: &mut String) {
        out.push_str(&self.path);
        out.push('(');
        for (i, arg) in self.args.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            match arg {
                Arg::Word(word) => out.push_str(word),
                Arg::List(list) => list.write_flat(out),
            }
        }
        out.push(')');
    }

    /// Whether an argument is the word `word` (`forbidden`, `Validate`), at
    /// this level or in a nested list.
    pub fn has_word(&self, word: &str) -> bool {
        self.args.iter().any(|arg| match arg {
            Arg::Word(w) => w == word,
            Arg::List(list) => list.has_word(word),
        })
    }

    /// Whether a string literal among the arguments contains `text`.
    pub fn has_string_containing(&self, text: &str) -> bool {
        self.args.iter().any(|arg| match arg {
            Arg::Word(w) => w.split_once('"').is_some_and(|(_, lit)| lit.contains(text)),
            Arg::List(list) => list.has_string_containing(text),
        })
    }
}

impl Attr {
    /// `#[path(args)]`.
    pub fn meta<S: Into<String>>(path: &str, args: impl IntoIterator<Item = S>) -> Self {
        Attr::Meta(Meta::new(path, args))
    }

    /// The attribute on one line.
    pub fn flat(&self) -> String {
        match self {
            Attr::Meta(meta) => format!("#[{}]", meta.flat()),
            Attr::Formatted { source, .. } => source.clone(),
        }
    }

    /// The attribute's arguments, where it is a `#[path(...)]` the emitters wrote.
    pub fn as_meta(&self, path: &str) -> Option<&Meta> {
        match self {
            Attr::Meta(meta) if meta.path == path => Some(meta),
            _ => None,
        }
    }

    pub fn as_meta_mut(&mut self, path: &str) -> Option<&mut Meta> {
        match self {
            Attr::Meta(meta) if meta.path == path => Some(meta),
            _ => None,
        }
    }
}

impl Item {
    /// The name the item defines, where it defines one.
    pub fn name(&self) -> Option<&str> {
        match &self.body {
            Body::Struct { name, .. }
            | Body::Newtype { name, .. }
            | Body::Enum { name, .. }
            | Body::Alias { name, .. } => Some(name),
            Body::Text(_) | Body::Unformatted(_) => None,
        }
    }

    /// An item of source text alone (docs and attributes are in the text).
    pub fn text(source: String) -> Self {
        Item {
            docs: Vec::new(),
            attrs: Vec::new(),
            body: Body::Text(source),
        }
    }

    /// An item of source text for prettyplease to lay out.
    pub fn unformatted(source: String) -> Self {
        Item {
            docs: Vec::new(),
            attrs: Vec::new(),
            body: Body::Unformatted(source),
        }
    }
}

/// A string literal as `proc_macro2::Literal::string` writes it (so the
/// output is what the token-based emitter wrote).
pub fn lit_str(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    let mut chars = value.chars();
    while let Some(ch) = chars.next() {
        match ch {
            // `\0` followed by an octal digit reads as an octal-looking escape.
            '\0' if chars
                .as_str()
                .starts_with(|next: char| ('0'..='7').contains(&next)) =>
            {
                out.push_str("\\x00")
            }
            '\0' => out.push_str("\\0"),
            '\'' => out.push('\''),
            _ => out.extend(ch.escape_debug()),
        }
    }
    out.push('"');
    out
}

/// A float literal that always has a decimal point (`100` → `100.0`).
pub fn lit_float(value: f64) -> String {
    let mut out = value.to_string();
    if !out.contains('.') {
        out.push_str(".0");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_written_as_proc_macro2_writes_them() {
        for value in [
            "plain",
            "q\"uote",
            "back\\slash",
            "it's",
            "tab\tnl\n",
            "\0",
            "\u{0}7",
            "é ☃",
            "\u{7f}",
        ] {
            assert_eq!(
                lit_str(value),
                proc_macro2::Literal::string(value).to_string(),
                "{value:?}"
            );
        }
        for value in [0.0, 1.5, 100.0, -3.25, 1e21, 1e-7] {
            assert_eq!(
                lit_float(value),
                proc_macro2::Literal::f64_unsuffixed(value).to_string()
            );
        }
    }
}
