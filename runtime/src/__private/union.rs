//! Reading `oneOf` / `anyOf` unions, for `#[derive(OneOf)]` and
//! `#[derive(AnyOf)]`. A branch matches when the value reads as its type
//! *and* validates: serde's `untagged` takes the first branch whose shape
//! fits, even when its constraints then fail and a later branch would hold.

use crate::validate::Validate;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::cell::Cell;

/// Most branches tried while reading one value, nested unions included.
/// Recursive unions whose branches overlap cost exponential time in the
/// depth of a payload; past this, reading stops instead of hanging.
pub const BRANCH_BUDGET: u32 = 100_000;

thread_local! {
    /// Branches left for the union read now on this thread (`None`: no read).
    static BUDGET: Cell<Option<u32>> = const { Cell::new(None) };
}

/// Holds the budget while the outermost union of a read is being read.
struct Budget {
    outermost: bool,
}

impl Budget {
    fn enter() -> Budget {
        let outermost = BUDGET.with(|b| b.get().is_none());
        if outermost {
            BUDGET.with(|b| b.set(Some(BRANCH_BUDGET)));
        }
        Budget { outermost }
    }

    /// Takes one branch attempt; `false` when none are left.
    fn spend() -> bool {
        BUDGET.with(|b| match b.get() {
            Some(0) => false,
            Some(n) => {
                b.set(Some(n - 1));
                true
            }
            None => true,
        })
    }
}

impl Drop for Budget {
    fn drop(&mut self) {
        if self.outermost {
            BUDGET.with(|b| b.set(None));
        }
    }
}

const EXHAUSTED: &str =
    "too many union branches to try (the value nests overlapping branches too deeply)";

/// One branch: its name, and how to read a value as it. With `explain`
/// false the error is left empty: a branch tried and not taken costs no
/// message; messages are made only when the union as a whole fails.
pub type Branch<T> = (&'static str, fn(&Value, bool) -> Result<T, String>);

/// Reads `value` as the branch's value `T`, wraps it in the union's
/// variant and validates that (so constraints on the variant count); the
/// error, when `explain`, names the first fault.
pub fn branch<T: DeserializeOwned, U: Validate>(
    value: &Value,
    explain: bool,
    wrap: fn(T) -> U,
) -> Result<U, String> {
    let typed = if explain {
        serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
            let pointer = crate::path::path_to_pointer(e.path());
            located(&pointer, &e.inner().to_string())
        })?
    } else {
        T::deserialize(value).map_err(|_| String::new())?
    };
    validated(wrap(typed), explain)
}

/// Like [`branch`], reading with a `deserialize_with` function.
pub fn branch_with<T, U: Validate>(
    value: &Value,
    explain: bool,
    read: fn(&Value) -> Result<T, serde_json::Error>,
    wrap: fn(T) -> U,
) -> Result<U, String> {
    let typed = read(value).map_err(|e| {
        if explain {
            e.to_string()
        } else {
            String::new()
        }
    })?;
    validated(wrap(typed), explain)
}

fn validated<U: Validate>(union: U, explain: bool) -> Result<U, String> {
    match union.validate() {
        Ok(()) => Ok(union),
        Err(_) if !explain => Err(String::new()),
        Err(errors) => Err(errors
            .first()
            .map(|e| located(&e.pointer, &e.message))
            .unwrap_or_default()),
    }
}

fn located(pointer: &str, message: &str) -> String {
    if pointer.is_empty() {
        message.to_string()
    } else {
        format!("{pointer}: {message}")
    }
}

/// Why no branch matches: each branch read again, explaining its fault.
fn no_branch_matches<T>(keyword: &str, value: &Value, branches: &[Branch<T>]) -> String {
    let mut faults = Vec::new();
    for (name, read) in branches {
        if !Budget::spend() {
            return EXHAUSTED.to_string();
        }
        if let Err(fault) = read(value, true) {
            faults.push(format!("{name}: {fault}"));
        }
    }
    format!(
        "matches none of the {keyword} branches ({})",
        faults.join("; ")
    )
}

/// `anyOf`: the first branch that matches.
pub fn any_of<T>(value: &Value, branches: &[Branch<T>]) -> Result<T, String> {
    let _budget = Budget::enter();
    for (_, read) in branches {
        if !Budget::spend() {
            return Err(EXHAUSTED.to_string());
        }
        if let Ok(typed) = read(value, false) {
            return Ok(typed);
        }
    }
    Err(no_branch_matches("anyOf", value, branches))
}

/// `oneOf`: the one branch that matches; none, or two, is an error.
pub fn one_of<T>(value: &Value, branches: &[Branch<T>]) -> Result<T, String> {
    let _budget = Budget::enter();
    let mut found: Option<(&str, T)> = None;
    for (name, read) in branches {
        if !Budget::spend() {
            return Err(EXHAUSTED.to_string());
        }
        match (read(value, false), &found) {
            (Ok(_), Some((first, _))) => {
                return Err(format!(
                    "matches both {first} and {name}; oneOf allows exactly one"
                ))
            }
            (Ok(typed), None) => found = Some((name, typed)),
            (Err(_), _) => {}
        }
    }
    match found {
        Some((_, typed)) => Ok(typed),
        None => Err(no_branch_matches("oneOf", value, branches)),
    }
}
