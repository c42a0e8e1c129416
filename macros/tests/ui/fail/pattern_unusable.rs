use eventbind_runtime::Validate;

// Not an ECMA-262 pattern: refused when the derive expands, at the attribute.
#[derive(Validate)]
struct Invalid {
    #[validate(pattern = "^(a$")]
    name: String,
}

// A backreference (so no automaton) under a repeated group that repeats:
// backtracking could take exponential time, so it is refused.
#[derive(Validate)]
struct Exponential {
    #[validate(pattern = "^(a+)+\\1$")]
    name: String,
}

// The same, inside a schema fragment.
#[derive(Validate)]
struct InFragment {
    #[validate(schema = r#"{"pattern": "(?=(a|a)*b)"}"#)]
    name: String,
}

fn main() {}
