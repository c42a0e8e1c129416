//! `pattern`s and `patternProperties` keys, checked as the spec is read.
//!
//! The check is the engine choice itself (`ecma.rs`, a link to the runtime's
//! `pattern::ecma`, which the derive runs too): a pattern it cannot use is
//! an error at its pointer now, not a generated crate that fails to build
//! or a validator that refuses every value. Patterns it runs by backtracking
//! (backreferences, lookaround) are valid.

use super::ecma::{plan, Plan};
use crate::error::Result;
use crate::spec::Location;
use std::collections::HashSet;

/// Patterns found valid so far: a spec repeats its patterns, and each check
/// compiles the pattern twice (with `regress` and `regex`).
#[derive(Debug, Default)]
pub(crate) struct Checked {
    valid: HashSet<String>,
}

impl Checked {
    /// [`check`], once per distinct pattern.
    pub(crate) fn check(&mut self, source: &str, at: &Location) -> Result<()> {
        if !self.valid.contains(source) {
            check(source, at)?;
            self.valid.insert(source.to_string());
        }
        Ok(())
    }
}

/// `Ok` when `source`, the pattern at `at`, can be run by the generated code.
pub(crate) fn check(source: &str, at: &Location) -> Result<()> {
    match plan(source) {
        Ok(Plan::Linear(_) | Plan::Backtracking { .. }) => Ok(()),
        Err(why) => Err(at.error(format!("pattern {source:?} cannot be used: it {why}"))),
    }
}
