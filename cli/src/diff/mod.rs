//! What a new version of a spec breaks: each change between two specs,
//! per message and type, classed as breaking for a receiver (an event once
//! accepted is now rejected), breaking for generated code only, or
//! compatible; each named by its JSON Pointer in both specs and, when
//! breaking, proved where possible by a witness event (see [`Witness`]).
//!
//! ```no_run
//! # fn main() -> eventbind::Result<()> {
//! let old = eventbind_codegen::load(std::path::Path::new("old/commenda"))?;
//! let new = eventbind_codegen::load(std::path::Path::new("specs/commenda"))?;
//! let report = eventbind::diff::diff(&old, &new)?;
//! assert!(!report.is_breaking());
//! # Ok(()) }
//! ```

mod bounds;
mod change;
pub mod git;
mod messages;
mod objects;
mod render;
mod types;
mod view;
mod walk;
mod witness;

pub use change::{Change, Class, Part, Witness};
pub use render::text;

use crate::Result;
use eventbind_codegen::Loaded;
use serde::Serialize;

/// Every change between two specs, in the order met (messages, then routing).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub changes: Vec<Change>,
}

impl Report {
    /// Whether anything breaks a receiver or code written against the old bindings.
    pub fn is_breaking(&self) -> bool {
        self.changes.iter().any(|c| c.class != Class::Compatible)
    }

    /// How many changes are of `class`.
    pub fn count(&self, class: Class) -> usize {
        self.changes.iter().filter(|c| c.class == class).count()
    }
}

/// Compares two loaded specs and looks for a witness of each breaking change.
pub fn diff(old: &Loaded, new: &Loaded) -> Result<Report> {
    let mut changes = compare(old, new);
    witness::prove(old, new, &mut changes)?;
    Ok(Report { changes })
}

/// Compares two loaded specs, without looking for witnesses.
pub fn compare(old: &Loaded, new: &Loaded) -> Vec<Change> {
    let mut walker = walk::Walker::new(old, new);
    walker.catalogs();
    walker.changes
}
