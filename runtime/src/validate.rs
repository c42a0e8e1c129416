//! The [`Validate`] trait and its implementations for the types generated code
//! is built from. Constraints themselves live in [`crate::__private::check`].

use crate::error::PointerError;
use crate::path::Path;
use std::collections::{BTreeMap, HashMap};

/// Most faults collected from one document; past this, validation stops
/// collecting so a hostile payload cannot make error reporting expensive.
pub const MAX_ERRORS: usize = 64;

/// Faults found while validating, in document order.
#[derive(Debug, Default)]
pub struct Errors {
    list: Vec<PointerError>,
}

impl Errors {
    /// No faults yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a fault at `at`; the pointer is rendered only here.
    pub fn push(&mut self, at: &Path<'_>, message: impl Into<String>) {
        if self.list.len() < MAX_ERRORS {
            self.list.push(PointerError::new(at.to_pointer(), message));
        }
    }

    /// Whether no fault has been recorded: the value is valid.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// How many faults were kept (at most [`MAX_ERRORS`]).
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// The faults, in the order found, for a [`crate::ParseError`].
    pub fn into_vec(self) -> Vec<PointerError> {
        self.list
    }
}

/// A value that can check itself against the constraints of its schema.
///
/// Derived with `#[derive(Validate)]`; field constraints are given with
/// `#[validate(...)]` attributes. Nested values are validated through this
/// trait, so a struct's `validate_at` walks the whole tree below it.
pub trait Validate {
    /// Records every fault of `self`, located at `at`, into `errors`.
    fn validate_at(&self, at: &Path<'_>, errors: &mut Errors);

    /// Checks the whole value; the faults carry JSON Pointers from its root.
    fn validate(&self) -> Result<(), Vec<PointerError>> {
        let mut errors = Errors::new();
        self.validate_at(&Path::Root, &mut errors);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.into_vec())
        }
    }
}

/// Types whose every value is valid: their Rust type already is the constraint.
macro_rules! always_valid {
    ($($t:ty),* $(,)?) => {
        $(impl Validate for $t {
            #[inline]
            fn validate_at(&self, _: &Path<'_>, _: &mut Errors) {}
        })*
    };
}

always_valid!(
    (),
    bool,
    i8,
    i16,
    i32,
    i64,
    u8,
    u16,
    u32,
    u64,
    f32,
    f64,
    String,
    serde_json::Value,
    chrono::DateTime<chrono::FixedOffset>,
    chrono::DateTime<chrono::Utc>,
    chrono::NaiveDate,
    chrono::NaiveTime,
    uuid::Uuid,
);

impl<T: Validate + ?Sized> Validate for Box<T> {
    #[inline]
    fn validate_at(&self, at: &Path<'_>, errors: &mut Errors) {
        (**self).validate_at(at, errors)
    }
}

impl<T: Validate> Validate for Option<T> {
    #[inline]
    fn validate_at(&self, at: &Path<'_>, errors: &mut Errors) {
        if let Some(value) = self {
            value.validate_at(at, errors)
        }
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate_at(&self, at: &Path<'_>, errors: &mut Errors) {
        for (index, item) in self.iter().enumerate() {
            item.validate_at(&at.index(index), errors);
        }
    }
}

impl<T: Validate> Validate for BTreeMap<String, T> {
    fn validate_at(&self, at: &Path<'_>, errors: &mut Errors) {
        for (key, value) in self {
            value.validate_at(&at.key(key), errors);
        }
    }
}

impl<T: Validate, S> Validate for HashMap<String, T, S> {
    fn validate_at(&self, at: &Path<'_>, errors: &mut Errors) {
        for (key, value) in self {
            value.validate_at(&at.key(key), errors);
        }
    }
}

impl Validate for serde_json::Map<String, serde_json::Value> {
    #[inline]
    fn validate_at(&self, _: &Path<'_>, _: &mut Errors) {}
}

impl Errors {
    /// Records a fault whose pointer is already rendered (from another validator).
    pub fn push_pointer(&mut self, pointer: String, message: impl Into<String>) {
        if self.list.len() < MAX_ERRORS {
            self.list.push(PointerError::new(pointer, message));
        }
    }
}
