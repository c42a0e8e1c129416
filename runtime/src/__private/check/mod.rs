//! Constraint checks called by `#[derive(Validate)]` code. Each records a
//! fault at the given location instead of returning early, so one pass
//! reports every problem in a payload. [`json`] holds the checks on values
//! held as JSON, which apply by the kind of value found.

pub mod json;
mod number;

use crate::format::Format;
use crate::path::Path;
use crate::validate::Errors;
use serde::Serialize;
use std::sync::OnceLock;

/// Number of Unicode code points, which is what JSON Schema lengths count.
fn char_len(value: &str) -> usize {
    value.chars().count()
}

pub fn min_length(value: &str, min: usize, at: &Path<'_>, errors: &mut Errors) {
    // A code point is 1 to 4 bytes: the byte length alone settles most strings.
    let long_enough = value.len() >= min.saturating_mul(4);
    if value.len() < min || (!long_enough && char_len(value) < min) {
        let found = char_len(value);
        errors.push(
            at,
            format!("must be at least {min} characters long, has {found}"),
        );
    }
}

pub fn max_length(value: &str, max: usize, at: &Path<'_>, errors: &mut Errors) {
    if value.len() > max && char_len(value) > max {
        let found = char_len(value);
        errors.push(
            at,
            format!("must be at most {max} characters long, has {found}"),
        );
    }
}

/// A `pattern` keyword, compiled once with ECMA-262 semantics (as JSON Schema
/// specifies) the first time it is used, by the engine the derive chose
/// ([`crate::pattern::ecma::plan`]): a finite automaton (`regex`, linear in
/// the value) for every pattern it can express, `regress` (backtracking)
/// with a bound on the value's length for the rest. A pattern that is one
/// character class repeated between anchors (`^[0-9]+$`) is decided without
/// an engine ([`crate::pattern::ClassRun`]).
pub struct Pattern {
    source: &'static str,
    engine: Engine,
    compiled: OnceLock<Result<Compiled, String>>,
}

#[derive(Clone, Copy)]
enum Engine {
    /// Chosen at first use (hand-written code; derives choose when they expand).
    Undecided,
    /// The `regex` translation of the source.
    Linear(&'static str),
    /// `regress`, on values of at most this many code points.
    Backtracking(usize),
}

enum Compiled {
    Run(crate::pattern::ClassRun),
    Linear(regex::Regex),
    Backtracking {
        regex: regress::Regex,
        max_chars: usize,
    },
}

impl Pattern {
    /// A pattern whose engine is chosen when it is first used.
    pub const fn new(source: &'static str) -> Self {
        Pattern::with_engine(source, Engine::Undecided)
    }

    /// A pattern run by `regex` from `translated`, its translation by
    /// [`crate::pattern::ecma::plan`].
    pub const fn linear(source: &'static str, translated: &'static str) -> Self {
        Pattern::with_engine(source, Engine::Linear(translated))
    }

    /// A pattern run by `regress` on values of at most `max_chars` code
    /// points, the bound [`crate::pattern::ecma::plan`] gave.
    pub const fn backtracking(source: &'static str, max_chars: usize) -> Self {
        Pattern::with_engine(source, Engine::Backtracking(max_chars))
    }

    const fn with_engine(source: &'static str, engine: Engine) -> Self {
        Pattern {
            source,
            engine,
            compiled: OnceLock::new(),
        }
    }

    pub fn source(&self) -> &'static str {
        self.source
    }

    fn compile(&self) -> Result<Compiled, String> {
        use crate::pattern::ecma::{plan, Plan};
        match self.engine {
            Engine::Undecided => match plan(self.source).map_err(|e| self.cannot(e))? {
                Plan::Linear(translated) => self.linear_engine(&translated),
                Plan::Backtracking { max_chars } => self.backtracking_engine(max_chars),
            },
            Engine::Linear(translated) => self.linear_engine(translated),
            Engine::Backtracking(max_chars) => self.backtracking_engine(max_chars),
        }
    }

    fn cannot(&self, e: impl std::fmt::Display) -> String {
        format!("pattern {:?} cannot be used: {e}", self.source)
    }

    fn linear_engine(&self, translated: &str) -> Result<Compiled, String> {
        Ok(match crate::pattern::ClassRun::parse(self.source) {
            Some(run) => Compiled::Run(run),
            None => Compiled::Linear(regex::Regex::new(translated).map_err(|e| self.cannot(e))?),
        })
    }

    fn backtracking_engine(&self, max_chars: usize) -> Result<Compiled, String> {
        Ok(Compiled::Backtracking {
            regex: regress::Regex::with_flags(self.source, "u").map_err(|e| self.cannot(e))?,
            max_chars,
        })
    }

    /// Whether `value` contains a match (patterns are not anchored); the
    /// error says why it cannot be told (a pattern that does not compile, or
    /// a value too long for a backtracking pattern).
    pub fn is_match(&self, value: &str) -> Result<bool, String> {
        match self.compiled.get_or_init(|| self.compile()) {
            Ok(Compiled::Run(run)) => Ok(run.is_match(value)),
            Ok(Compiled::Linear(re)) => Ok(re.is_match(value)),
            Ok(Compiled::Backtracking { regex, max_chars }) => {
                // Bytes bound code points from above: most values skip the count.
                if value.len() > *max_chars && value.chars().count() > *max_chars {
                    return Err(format!(
                        "is longer than {max_chars} characters, the most the pattern {:?} \
                         (which needs backtracking) is matched against",
                        self.source
                    ));
                }
                Ok(regex.find(value).is_some())
            }
            Err(e) => Err(e.clone()),
        }
    }
}

pub fn pattern(value: &str, pattern: &Pattern, at: &Path<'_>, errors: &mut Errors) {
    match pattern.is_match(value) {
        Ok(true) => {}
        Ok(false) => errors.push(at, format!("must match the pattern {:?}", pattern.source())),
        Err(e) => errors.push(at, e),
    }
}

pub fn format(value: &str, format: Format, at: &Path<'_>, errors: &mut Errors) {
    if !format.is_valid(value) {
        errors.push(at, format!("must be a valid {}", format.name()));
    }
}

/// A JSON number, compared exactly where both sides are integers.
pub trait Numeric: Copy {
    fn as_f64(self) -> f64;
    fn as_i64(self) -> Option<i64>;
}

macro_rules! numeric_int {
    ($($t:ty),*) => {$(
        impl Numeric for $t {
            #[inline]
            fn as_f64(self) -> f64 { self as f64 }
            #[inline]
            fn as_i64(self) -> Option<i64> { i64::try_from(self).ok() }
        }
    )*};
}
numeric_int!(i8, i16, i32, i64, u8, u16, u32, u64);

impl Numeric for f64 {
    #[inline]
    fn as_f64(self) -> f64 {
        self
    }
    #[inline]
    fn as_i64(self) -> Option<i64> {
        None
    }
}

impl Numeric for f32 {
    #[inline]
    fn as_f64(self) -> f64 {
        self as f64
    }
    #[inline]
    fn as_i64(self) -> Option<i64> {
        None
    }
}

/// Orders `value` against `bound`: exact for integers, by `f64` otherwise.
fn compare<N: Numeric>(value: N, bound: f64) -> Option<std::cmp::Ordering> {
    if let Some(int) = value.as_i64() {
        if bound.fract() == 0.0 && bound.abs() < 9.2e18 {
            return Some(int.cmp(&(bound as i64)));
        }
    }
    value.as_f64().partial_cmp(&bound)
}

/// The value as a person would write it: integers without `.0`.
fn text<N: Numeric>(value: N) -> String {
    match value.as_i64() {
        Some(int) => int.to_string(),
        None => value.as_f64().to_string(),
    }
}

pub fn minimum<N: Numeric>(value: N, min: f64, at: &Path<'_>, errors: &mut Errors) {
    if compare(value, min) == Some(std::cmp::Ordering::Less) {
        errors.push(at, format!("must be at least {min}, found {}", text(value)));
    }
}

pub fn maximum<N: Numeric>(value: N, max: f64, at: &Path<'_>, errors: &mut Errors) {
    if compare(value, max) == Some(std::cmp::Ordering::Greater) {
        errors.push(at, format!("must be at most {max}, found {}", text(value)));
    }
}

pub fn exclusive_minimum<N: Numeric>(value: N, min: f64, at: &Path<'_>, errors: &mut Errors) {
    if compare(value, min) != Some(std::cmp::Ordering::Greater) {
        errors.push(
            at,
            format!("must be greater than {min}, found {}", text(value)),
        );
    }
}

pub fn exclusive_maximum<N: Numeric>(value: N, max: f64, at: &Path<'_>, errors: &mut Errors) {
    if compare(value, max) != Some(std::cmp::Ordering::Less) {
        errors.push(
            at,
            format!("must be less than {max}, found {}", text(value)),
        );
    }
}

pub fn multiple_of<N: Numeric>(value: N, divisor: f64, at: &Path<'_>, errors: &mut Errors) {
    if !(divisor > 0.0 && divisor.is_finite()) {
        errors.push(at, format!("multipleOf {divisor} is not a positive number"));
        return;
    }
    let ok = match value.as_i64() {
        Some(int) => number::integer_is_multiple(int, divisor),
        None => number::float_is_multiple(value.as_f64(), divisor),
    };
    if !ok {
        errors.push(
            at,
            format!("must be a multiple of {divisor}, found {}", text(value)),
        );
    }
}

pub fn min_items(len: usize, min: usize, at: &Path<'_>, errors: &mut Errors) {
    if len < min {
        errors.push(at, format!("must have at least {min} items, has {len}"));
    }
}

pub fn max_items(len: usize, max: usize, at: &Path<'_>, errors: &mut Errors) {
    if len > max {
        errors.push(at, format!("must have at most {max} items, has {len}"));
    }
}

pub fn min_properties(len: usize, min: usize, at: &Path<'_>, errors: &mut Errors) {
    if len < min {
        errors.push(
            at,
            format!("must have at least {min} properties, has {len}"),
        );
    }
}

pub fn max_properties(len: usize, max: usize, at: &Path<'_>, errors: &mut Errors) {
    if len > max {
        errors.push(at, format!("must have at most {max} properties, has {len}"));
    }
}

/// Members of a closed object (`additionalProperties: false`) that its
/// schema does not declare: each is a fault at its own location.
pub fn forbidden_members(
    extra: &serde_json::Map<String, serde_json::Value>,
    at: &Path<'_>,
    errors: &mut Errors,
) {
    for key in extra.keys() {
        errors.push(
            &at.key(key),
            "is not allowed: the schema declares no such member",
        );
    }
}

/// `uniqueItems`, with JSON equality (so `1` and `1.0` are the same item).
pub fn unique_items<T: Serialize>(items: &[T], at: &Path<'_>, errors: &mut Errors) {
    let values: Vec<serde_json::Value> = items
        .iter()
        .filter_map(|item| serde_json::to_value(item).ok())
        .collect();
    for (i, a) in values.iter().enumerate() {
        if let Some(j) = values[..i].iter().position(|b| json_equal(a, b)) {
            errors.push(
                at,
                format!("items {j} and {i} are equal; items must be unique"),
            );
            return;
        }
    }
}

/// `const` / `enum` on a string.
pub fn string_in(value: &str, allowed: &[&str], at: &Path<'_>, errors: &mut Errors) {
    if !allowed.contains(&value) {
        let list = allowed
            .iter()
            .map(|v| format!("{v:?}"))
            .collect::<Vec<_>>()
            .join(", ");
        if allowed.len() == 1 {
            errors.push(at, format!("must be {list}, found {value:?}"));
        } else {
            errors.push(at, format!("must be one of {list}, found {value:?}"));
        }
    }
}

/// `const` / `enum` on any value, compared as JSON; `allowed` is a JSON array literal.
pub fn json_in<T: Serialize + ?Sized>(
    value: &T,
    allowed: &json::Literal,
    at: &Path<'_>,
    errors: &mut Errors,
) {
    let Ok(value) = serde_json::to_value(value) else {
        errors.push(at, "value cannot be represented as JSON");
        return;
    };
    json::one_of_values(&value, allowed, at, errors);
}

/// JSON Schema equality: numbers by value, objects regardless of key order.
pub fn json_equal(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value::*;
    match (a, b) {
        (Number(x), Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        (Array(x), Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_equal(a, b))
        }
        (Object(x), Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(f: impl FnOnce(&Path<'_>, &mut Errors)) -> Vec<String> {
        let mut errors = Errors::new();
        f(&Path::Root, &mut errors);
        errors.into_vec().into_iter().map(|e| e.message).collect()
    }

    #[test]
    fn lengths_count_code_points() {
        assert!(run(|at, e| min_length("éé", 2, at, e)).is_empty());
        assert_eq!(run(|at, e| max_length("ééé", 2, at, e)).len(), 1);
        assert_eq!(run(|at, e| min_length("ab", 3, at, e)).len(), 1);
    }

    #[test]
    fn integer_bounds_are_exact() {
        assert!(run(|at, e| maximum(i64::MAX, 9.223372036854776e18, at, e)).is_empty());
        assert_eq!(run(|at, e| maximum(101i64, 100.0, at, e)).len(), 1);
        assert_eq!(run(|at, e| exclusive_minimum(1i64, 1.0, at, e)).len(), 1);
    }

    #[test]
    fn multiple_of_decimal_divisor() {
        assert!(run(|at, e| multiple_of(0.07f64, 0.01, at, e)).is_empty());
        assert_eq!(run(|at, e| multiple_of(0.075f64, 0.01, at, e)).len(), 1);
        assert_eq!(run(|at, e| multiple_of(7i64, 2.0, at, e)).len(), 1);
        // A tolerance would let every large value pass.
        assert_eq!(
            run(|at, e| multiple_of(12_345_678.901f64, 0.01, at, e)).len(),
            1
        );
    }

    #[test]
    fn unique_items_uses_json_equality() {
        let items = vec![serde_json::json!(1), serde_json::json!(1.0)];
        assert_eq!(run(|at, e| unique_items(&items, at, e)).len(), 1);
    }

    #[test]
    fn ecma_pattern() {
        static P: Pattern = Pattern::new("^\\p{L}+$");
        assert!(run(|at, e| pattern("héllo", &P, at, e)).is_empty());
        assert_eq!(run(|at, e| pattern("a1", &P, at, e)).len(), 1);
    }
}
