//! What a diff reports: each change with its class, where it is in both specs
//! and in the payload, and (for breaking ones) the payload that proves it.

use eventbind_codegen::model::Ty;
use eventbind_runtime::PointerError;
use serde::Serialize;
use serde_json::Value;

/// Who a change breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    /// A receiver rejects an event it used to accept.
    Breaking,
    /// The wire is unchanged but code written against the old generated
    /// crate no longer compiles (a renamed type, a member turned optional).
    CodeBreaking,
    /// Everything accepted before is still accepted, and old code still fits.
    Compatible,
}

impl Class {
    /// The word the text report starts a line with.
    pub fn label(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::CodeBreaking => "code-breaking",
            Class::Compatible => "compatible",
        }
    }
}

/// Which part of an event a change is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// The message itself (added, removed).
    Message,
    /// How events are told apart: operations, route rules, routing keys.
    Routing,
    /// The payload (body).
    Payload,
    /// The headers.
    Headers,
}

/// One change between the two specs.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub class: Class,
    /// A stable label of the kind of change, e.g. `required-added`.
    pub kind: &'static str,
    /// What changed, in words.
    pub description: String,
    pub part: Part,
    /// The messages whose events it touches (a shared type touches several).
    pub messages: Vec<String>,
    /// JSON Pointer into the payload or headers (`/data/state`; `*` stands
    /// for any array index or member name); empty for message-level changes.
    pub path: String,
    /// Where it is in the old spec (`file#pointer`, the file relative to the spec folder).
    pub old: Option<String>,
    /// Where it is in the new spec.
    pub new: Option<String>,
    /// For a breaking change, when one was found: an event the old spec
    /// accepts and the new one rejects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub witness: Option<Witness>,
    /// How to look for a witness.
    #[serde(skip)]
    pub(crate) probe: Option<Probe>,
}

/// An event that proves a breaking change: valid under the old spec, invalid
/// under the new one, both checked by the `jsonschema` oracle of each spec.
#[derive(Debug, Clone, Serialize)]
pub struct Witness {
    /// Whether `instance` is a payload or a headers object.
    pub part: Part,
    /// The message the old spec reads it as.
    pub message: String,
    /// The event name it is routed with, for specs whose events are named
    /// from outside the body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub instance: Value,
    /// Why the new spec rejects it.
    pub new_errors: Vec<PointerError>,
}

/// How a witness of one change is built: a valid old instance of `message`,
/// walked down `steps` (creating what is missing), with `edit` applied there.
#[derive(Debug, Clone)]
pub(crate) struct Probe {
    pub message: String,
    pub part: Part,
    /// The type at the root of the instance (payload or headers) in the old spec.
    pub root: Ty,
    pub steps: Vec<Step>,
    pub edit: Edit,
    /// The routing key to give the event (default: one both specs know).
    pub key: Option<String>,
}

/// One step from a value down to the place of a change; each names the old
/// type of the value it leads to, so a missing one can be generated.
#[derive(Debug, Clone)]
pub(crate) enum Step {
    /// An object member.
    Field { wire: String, ty: Ty },
    /// The first array item.
    Item { ty: Ty },
    /// A map value (the first member).
    Value { ty: Ty },
    /// A member the object does not declare.
    Extra { ty: Ty },
    /// One branch of a union: the value is regenerated as that branch.
    Variant { ty: Ty },
}

/// The name given to a member an object does not declare, in witnesses.
pub(crate) const EXTRA_MEMBER: &str = "eventbind_witness";

impl Step {
    /// The step as a JSON Pointer segment of the instance path.
    pub fn segment(&self) -> Option<String> {
        match self {
            Step::Field { wire, .. } => Some(wire.replace('~', "~0").replace('/', "~1")),
            Step::Item { .. } | Step::Value { .. } | Step::Extra { .. } => Some("*".into()),
            Step::Variant { .. } => None,
        }
    }

    /// The old type of the value the step leads to.
    pub fn ty(&self) -> &Ty {
        match self {
            Step::Field { ty, .. }
            | Step::Item { ty }
            | Step::Value { ty }
            | Step::Extra { ty }
            | Step::Variant { ty } => ty,
        }
    }
}

/// What is done at the place of a change to make the witness.
#[derive(Debug, Clone)]
pub(crate) enum Edit {
    /// Nothing: a valid old instance is the witness (a removed message).
    None,
    /// The value replaced by each of these in turn; with `generate`, also by
    /// fresh valid instances of the old type.
    Values { values: Vec<Value>, generate: bool },
    /// This member removed from the object.
    Remove { wire: String },
    /// The value replaced by an array of `len` generated items (the same
    /// item twice when `duplicate`).
    Array { len: usize, duplicate: bool },
    /// The value replaced by a map of `len` generated members.
    Members { len: usize },
}
