//! Which engine runs a JSON Schema `pattern`, decided once from its source.
//!
//! `pattern`s are ECMA-262 regular expressions (read here with the `u` flag).
//! Most are regular: they are translated to the `regex` crate's syntax, with
//! the same meaning, and run by its finite automata in time linear in the
//! value. The rest (backreferences, lookaround) need a backtracking engine,
//! `regress`, whose running time has no bound of its own; those are kept
//! only when their cost is provably polynomial (no repeated group that itself
//! repeats or alternates, the shape of `^(a+)+$`), and then run only on
//! values short enough that the polynomial stays under [`BACKTRACK_BUDGET`].
//!
//! This file is shared: `eventbind-macros` (to decide at derive time) and
//! `eventbind-codegen` (to refuse at generate time what cannot run) compile
//! the same source through a link to this file, so all three agree on every
//! pattern. It uses nothing of the crate around it.

/// Backtracking steps a pattern is allowed on one value, in the units of
/// the cost bound `n^degree` (`n`: the value's length in code points).
pub const BACKTRACK_BUDGET: u64 = 10_000_000;

/// Deepest nesting of groups and classes read; deeper patterns are refused
/// (reading them, here or in `regress`, recurses once per level).
pub const MAX_NESTING: usize = 64;

/// How a valid pattern is run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Plan {
    /// By the `regex` crate, from this translation (same matches as ECMA-262).
    Linear(String),
    /// By `regress`, on values of at most `max_chars` code points.
    Backtracking {
        /// Longest value (in code points) the pattern is run on.
        max_chars: usize,
    },
}

/// The plan for `source`, or why it cannot be used: it does not compile as
/// an ECMA-262 pattern with the `u` flag, nests too deeply, or needs
/// backtracking in a shape whose matching time can grow exponentially.
pub fn plan(source: &str) -> Result<Plan, String> {
    if nesting(source) > MAX_NESTING {
        return Err(format!("nests groups deeper than {MAX_NESTING} levels"));
    }
    regress::Regex::with_flags(source, "u").map_err(|e| format!("does not compile: {e}"))?;
    let mut reader = Reader {
        chars: source.chars().collect(),
        pos: 0,
        out: String::new(),
        regular: true,
    };
    let shape = reader
        .disjunction()
        .filter(|_| reader.pos == reader.chars.len());
    let Some(shape) = shape else {
        // Read by regress but not understood here: no claim on its cost.
        return Err("uses syntax eventbind cannot bound the matching time of".to_string());
    };
    if reader.regular && regex::Regex::new(&reader.out).is_ok() {
        return Ok(Plan::Linear(reader.out));
    }
    if shape.nested {
        return Err(
            "needs backtracking (a backreference or lookaround) and repeats a group that \
             itself repeats or alternates: its matching time can grow exponentially"
                .to_string(),
        );
    }
    Ok(Plan::Backtracking {
        max_chars: longest_within_budget(shape.degree + 1),
    })
}

/// Greatest `n` with `n^degree <= BACKTRACK_BUDGET`.
fn longest_within_budget(degree: u32) -> usize {
    let mut n: u64 = 1;
    while (n + 1)
        .checked_pow(degree)
        .is_some_and(|cost| cost <= BACKTRACK_BUDGET)
    {
        n += 1;
    }
    n as usize
}

/// Deepest `(` / `[` nesting, counted without parsing (escapes skipped).
fn nesting(source: &str) -> usize {
    let (mut depth, mut deepest, mut in_class) = (0usize, 0usize, false);
    let mut chars = source.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '[' if !in_class => {
                in_class = true;
                deepest = deepest.max(depth + 1);
            }
            ']' if in_class => in_class = false,
            '(' if !in_class => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' if !in_class => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// What the cost analysis keeps of a piece of pattern.
#[derive(Clone, Copy, Default)]
struct Shape {
    /// The backtracking cost is at most `n^degree` times a constant.
    degree: u32,
    /// Holds a quantifier or an alternation (repeating it multiplies choices).
    ambiguous: bool,
    /// A repeated piece that is itself `ambiguous`: exponential cost.
    nested: bool,
    /// A lookaround group: its cost adds to the sequence's, never multiplies
    /// (ECMA-262 lookarounds are atomic: they are not backtracked into).
    lookaround: bool,
}

/// `.` without the `s` flag: any code point but the line terminators.
const DOT: &str = r"[^\n\r\x{2028}\x{2029}]";
/// `\s`: ECMA-262 WhiteSpace and LineTerminator (`regex`'s `\s` is Unicode's
/// White_Space, which differs: it has U+0085 and lacks U+FEFF).
const SPACE: &str = r"\t\n\x{b}\x{c}\r\x{20}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}";
/// `\d` and `\w` are ASCII-only in ECMA-262 (without the `i` flag).
const DIGIT: &str = "0-9";
const WORD: &str = "0-9A-Z_a-z";

/// Reads an ECMA-262 pattern already accepted by `regress`, writing its
/// `regex` translation to `out`; `None` for anything not understood.
struct Reader {
    chars: Vec<char>,
    pos: usize,
    out: String,
    /// No backreference or lookaround so far: `out` means the same.
    regular: bool,
}

impl Reader {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        let found = self.peek() == Some(c);
        if found {
            self.pos += 1;
        }
        found
    }

    fn starts_with(&self, text: &str) -> bool {
        text.chars()
            .enumerate()
            .all(|(i, c)| self.chars.get(self.pos + i) == Some(&c))
    }

    /// Alternatives separated by `|`.
    fn disjunction(&mut self) -> Option<Shape> {
        let mut shape = self.alternative()?;
        while self.eat('|') {
            self.out.push('|');
            let next = self.alternative()?;
            shape = Shape {
                degree: shape.degree.max(next.degree),
                ambiguous: true,
                nested: shape.nested || next.nested,
                lookaround: false,
            };
        }
        Some(shape)
    }

    /// Terms in sequence, up to `|`, `)` or the end.
    fn alternative(&mut self) -> Option<Shape> {
        let (mut sequence, mut beside) = (Shape::default(), 0u32);
        while !matches!(self.peek(), None | Some('|') | Some(')')) {
            let term = self.term()?;
            sequence.ambiguous |= term.ambiguous;
            sequence.nested |= term.nested;
            if term.lookaround {
                beside = beside.max(term.degree);
            } else {
                sequence.degree += term.degree;
            }
        }
        sequence.degree = sequence.degree.max(beside);
        Some(sequence)
    }

    /// An assertion, or an atom with its quantifier.
    fn term(&mut self) -> Option<Shape> {
        let c = self.peek()?;
        match c {
            '^' | '$' => {
                self.pos += 1;
                // Without the `m` flag both match only at the ends of the
                // input, as `regex`'s do without its `m` flag.
                self.out.push(c);
                return Some(Shape::default());
            }
            '\\' if matches!(self.chars.get(self.pos + 1), Some('b' | 'B')) => {
                let negated = self.chars[self.pos + 1] == 'B';
                self.pos += 2;
                // ECMA-262 word characters are ASCII (no `i` flag).
                self.out
                    .push_str(if negated { r"(?-u:\B)" } else { r"(?-u:\b)" });
                return Some(Shape::default());
            }
            '(' if self.starts_with("(?=")
                || self.starts_with("(?!")
                || self.starts_with("(?<=")
                || self.starts_with("(?<!") =>
            {
                self.pos += if self.chars[self.pos + 2] == '<' {
                    4
                } else {
                    3
                };
                self.regular = false;
                let inner = self.disjunction()?;
                if !self.eat(')') {
                    return None;
                }
                return Some(Shape {
                    lookaround: true,
                    ..inner
                });
            }
            _ => {}
        }
        let atom = self.atom()?;
        self.quantified(atom)
    }

    /// A quantifier after an atom, if any, applied to its shape.
    fn quantified(&mut self, atom: Shape) -> Option<Shape> {
        let start = self.pos;
        let repeats = match self.peek() {
            Some('*') | Some('+') => {
                self.pos += 1;
                true
            }
            Some('?') => {
                self.pos += 1;
                false
            }
            Some('{') => {
                self.pos += 1;
                let low = self.number()?;
                let high = if self.eat(',') {
                    if self.peek() == Some('}') {
                        None
                    } else {
                        Some(self.number()?)
                    }
                } else {
                    Some(low)
                };
                if !self.eat('}') {
                    return None;
                }
                high.is_none_or(|h| h > 1)
            }
            _ => return Some(atom),
        };
        // A lazy quantifier matches the same strings (only a match's extent
        // differs, and only whether there is one is asked).
        self.eat('?');
        let text: String = self.chars[start..self.pos].iter().collect();
        self.out.push_str(&text);
        Some(Shape {
            degree: atom.degree + 1,
            ambiguous: true,
            nested: atom.nested || (repeats && atom.ambiguous),
            lookaround: false,
        })
    }

    fn number(&mut self) -> Option<u64> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        let digits: String = self.chars[start..self.pos].iter().collect();
        digits.parse().ok()
    }

    fn atom(&mut self) -> Option<Shape> {
        let c = self.peek()?;
        self.pos += 1;
        match c {
            '.' => self.out.push_str(DOT),
            '(' => {
                if self.eat('?') {
                    if self.eat(':') {
                    } else if self.eat('<') {
                        // A named group: the name is not needed to match.
                        while self.peek()? != '>' {
                            self.pos += 1;
                        }
                        self.pos += 1;
                    } else {
                        return None;
                    }
                }
                self.out.push_str("(?:");
                let inner = self.disjunction()?;
                if !self.eat(')') {
                    return None;
                }
                self.out.push(')');
                return Some(inner);
            }
            '[' => self.class()?,
            '\\' => return self.atom_escape(),
            // Syntax characters that cannot stand alone (regress refused them).
            '*' | '+' | '?' | '{' | '}' | ']' | ')' | '|' => return None,
            c => push_char(&mut self.out, c),
        }
        Some(Shape::default())
    }

    /// After `\` outside a class.
    fn atom_escape(&mut self) -> Option<Shape> {
        let c = self.peek()?;
        if c.is_ascii_digit() && c != '0' || c == 'k' {
            // A backreference: its cost is linear in the value.
            self.regular = false;
            self.pos += 1;
            if c == 'k' {
                if !self.eat('<') {
                    return None;
                }
                while self.peek()? != '>' {
                    self.pos += 1;
                }
                self.pos += 1;
            } else {
                while self.peek().is_some_and(|d| d.is_ascii_digit()) {
                    self.pos += 1;
                }
            }
            return Some(Shape {
                degree: 1,
                ..Shape::default()
            });
        }
        match self.class_escape()? {
            Item::Char(c) => push_char(&mut self.out, c),
            Item::Set(set) => {
                self.out.push('[');
                self.out.push_str(&set);
                self.out.push(']');
            }
        }
        Some(Shape::default())
    }

    /// After `[`: the class up to `]`, written as a `regex` class whose every
    /// member is escaped (`regex` gives `[`, `&&`, `--` and `~~` meanings
    /// inside a class that ECMA-262 does not).
    fn class(&mut self) -> Option<()> {
        let negated = self.eat('^');
        if self.eat(']') {
            // `[]` matches nothing and `[^]` any code point.
            self.out.push_str(if negated {
                r"[\x{0}-\x{10ffff}]"
            } else {
                r"[^\x{0}-\x{10ffff}]"
            });
            return Some(());
        }
        let mut body = String::new();
        loop {
            let c = self.peek()?;
            if c == ']' {
                self.pos += 1;
                break;
            }
            let low = self.class_atom()?;
            let is_range =
                self.peek() == Some('-') && self.chars.get(self.pos + 1).is_some_and(|&n| n != ']');
            match low {
                Item::Char(lo) if is_range => {
                    self.pos += 1;
                    let Item::Char(hi) = self.class_atom()? else {
                        return None;
                    };
                    if hi < lo {
                        return None;
                    }
                    push_char(&mut body, lo);
                    body.push('-');
                    push_char(&mut body, hi);
                }
                Item::Char(c) => push_char(&mut body, c),
                Item::Set(_) if is_range => return None,
                Item::Set(set) => {
                    body.push('[');
                    body.push_str(&set);
                    body.push(']');
                }
            }
        }
        self.out.push('[');
        if negated {
            self.out.push('^');
        }
        self.out.push_str(&body);
        self.out.push(']');
        Some(())
    }

    /// One member of a class: a character, or an escape.
    fn class_atom(&mut self) -> Option<Item> {
        let c = self.peek()?;
        self.pos += 1;
        if c != '\\' {
            return Some(Item::Char(c));
        }
        match self.peek()? {
            // Inside a class `\b` is the backspace character, and `\-` a dash.
            'b' => {
                self.pos += 1;
                Some(Item::Char('\u{8}'))
            }
            '-' => {
                self.pos += 1;
                Some(Item::Char('-'))
            }
            _ => self.class_escape(),
        }
    }

    /// After `\`: an escape that stands for a character or a set, the same
    /// inside and outside a class. Sets come as the inside of a `regex` class.
    fn class_escape(&mut self) -> Option<Item> {
        let c = self.peek()?;
        self.pos += 1;
        Some(match c {
            'd' => Item::Set(DIGIT.to_string()),
            'D' => Item::Set(format!("^{DIGIT}")),
            'w' => Item::Set(WORD.to_string()),
            'W' => Item::Set(format!("^{WORD}")),
            's' => Item::Set(SPACE.to_string()),
            'S' => Item::Set(format!("^{SPACE}")),
            'n' => Item::Char('\n'),
            'r' => Item::Char('\r'),
            't' => Item::Char('\t'),
            'f' => Item::Char('\u{c}'),
            'v' => Item::Char('\u{b}'),
            '0' if !self.peek().is_some_and(|d| d.is_ascii_digit()) => Item::Char('\0'),
            'c' => {
                let letter = self.peek().filter(|l| l.is_ascii_alphabetic())?;
                self.pos += 1;
                Item::Char(char::from(letter as u8 % 32))
            }
            'x' => Item::Char(self.hex(2)?),
            'u' => Item::Char(self.unicode_escape()?),
            'p' | 'P' => {
                if !self.eat('{') {
                    return None;
                }
                let start = self.pos;
                while self.peek()? != '}' {
                    let n = self.peek()?;
                    if !(n.is_ascii_alphanumeric() || n == '_' || n == '=') {
                        return None;
                    }
                    self.pos += 1;
                }
                let name: String = self.chars[start..self.pos].iter().collect();
                self.pos += 1;
                Item::Set(property(&name, c == 'P')?)
            }
            c if "^$\\.*+?()[]{}|/".contains(c) => Item::Char(c),
            _ => return None,
        })
    }

    /// `n` hexadecimal digits as a code point.
    fn hex(&mut self, n: usize) -> Option<char> {
        let digits: String = self.chars.get(self.pos..self.pos + n)?.iter().collect();
        let value = u32::from_str_radix(&digits, 16).ok()?;
        self.pos += n;
        char::from_u32(value)
    }

    /// After `\u`: `{H...}` or `HHHH`. A surrogate (alone, or as a pair
    /// written in two escapes) is left to regress.
    fn unicode_escape(&mut self) -> Option<char> {
        if self.eat('{') {
            let start = self.pos;
            while self.peek()? != '}' {
                self.pos += 1;
            }
            let digits: String = self.chars[start..self.pos].iter().collect();
            self.pos += 1;
            return char::from_u32(u32::from_str_radix(&digits, 16).ok()?);
        }
        self.hex(4)
    }
}

/// A class member: one character, or a set as the inside of a `regex` class.
enum Item {
    Char(char),
    Set(String),
}

/// A code point, escaped so that `regex` reads it as itself anywhere.
fn push_char(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() {
        out.push(c);
    } else {
        out.push_str(&format!("\\x{{{:x}}}", c as u32));
    }
}

/// A `\p{...}` (or, `negated`, `\P{...}`) in `regex` syntax, for the forms
/// whose meaning `regex` shares: General_Category values (with or without
/// `gc=`) and binary properties by their ECMA-262 names, and `Script=`.
/// `Script_Extensions` is left to regress (`regex` reads a bare script name
/// as its extensions, and ECMA-262 a `scx=` the same, but the two tables of
/// extensions need not be of one Unicode version).
fn property(name: &str, negated: bool) -> Option<String> {
    let inner = match name.split_once('=') {
        None => name.to_string(),
        Some(("gc" | "General_Category", value)) => format!("gc={value}"),
        Some(("sc" | "Script", value)) => format!("sc={value}"),
        Some(_) => return None,
    };
    let p = if negated { 'P' } else { 'p' };
    Some(format!("\\{p}{{{inner}}}"))
}
