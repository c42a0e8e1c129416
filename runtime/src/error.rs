//! The errors every parse returns: which kind of failure, where (a JSON
//! Pointer), and a message a person can act on.

use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;
use std::fmt;
use std::sync::{Arc, OnceLock};

/// What went wrong with a delivery, so callers can answer it differently
/// (a malformed body is never retried; an unknown event is kept).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The bytes are not one well-formed JSON document.
    MalformedJson,
    /// No message of the spec could be chosen for the payload: its routing
    /// key is missing, or it names more than one message.
    UnknownEvent,
    /// The payload was routed to a message but does not satisfy its schema.
    InvalidPayload,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorKind::MalformedJson => "malformed JSON",
            ErrorKind::UnknownEvent => "unknown event",
            ErrorKind::InvalidPayload => "invalid payload",
        })
    }
}

/// One fault at one place in the document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PointerError {
    /// JSON Pointer (RFC 6901) of the offending value; `""` is the whole document.
    pub pointer: String,
    /// What is wrong there.
    pub message: String,
}

impl PointerError {
    /// A fault `message` at `pointer` (already escaped, as RFC 6901 writes it).
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        PointerError {
            pointer: pointer.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for PointerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pointer.is_empty() {
            write!(f, "(document): {}", self.message)
        } else {
            write!(f, "{}: {}", self.pointer, self.message)
        }
    }
}

/// A delivery that could not be turned into a typed, valid event.
///
/// A payload that serde cannot read is located at once (its first fault, with
/// its pointer); the rest of its faults are found when first asked for
/// ([`ParseError::errors`], `Display`, `Serialize`, comparison), by reading the
/// body again. A receiver that only needs the kind or the first fault does not
/// pay for listing every fault.
#[derive(Clone)]
pub struct ParseError {
    kind: ErrorKind,
    message: Option<&'static str>,
    key: Option<String>,
    errors: Vec<PointerError>,
    rest: Option<Arc<Rest>>,
    /// For malformed JSON: the offset in the body where the reading that
    /// found it so stopped (what serde_json's line and column name). The
    /// router uses it to tell whether the routing key lay before the fault;
    /// not part of the error as compared, printed or serialised.
    stopped_at: Option<usize>,
}

/// The faults after the first, listed on demand: the body they are read from
/// and the lister for the type it was read as.
struct Rest {
    body: Box<[u8]>,
    list: fn(&[u8], &PointerError) -> Vec<PointerError>,
    listed: OnceLock<Vec<PointerError>>,
}

impl ParseError {
    /// An error of `kind` with these faults, not yet tied to a message or key
    /// (see [`ParseError::with_message`] and [`ParseError::with_key`]).
    pub fn new(kind: ErrorKind, errors: Vec<PointerError>) -> Self {
        ParseError {
            kind,
            message: None,
            key: None,
            errors,
            rest: None,
            stopped_at: None,
        }
    }

    /// An invalid payload whose first fault is `first`; the others are found
    /// by `list` (given the body and `first`) when first asked for.
    pub(crate) fn listed_later(
        first: PointerError,
        body: &[u8],
        list: fn(&[u8], &PointerError) -> Vec<PointerError>,
    ) -> Self {
        ParseError {
            rest: Some(Arc::new(Rest {
                body: body.into(),
                list,
                listed: OnceLock::new(),
            })),
            ..Self::new(ErrorKind::InvalidPayload, vec![first])
        }
    }

    /// A single fault.
    pub fn single(kind: ErrorKind, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(kind, vec![PointerError::new(pointer, message)])
    }

    /// Records which spec message the payload was routed to.
    pub fn with_message(mut self, message: &'static str) -> Self {
        self.message = Some(message);
        self
    }

    /// Records the routing key seen in the payload (or given from outside).
    pub fn with_key(mut self, key: Option<String>) -> Self {
        self.key = key;
        self
    }

    /// Records where the reading that found the body malformed stopped.
    pub(crate) fn stopped_at_offset(mut self, offset: usize) -> Self {
        self.stopped_at = Some(offset);
        self
    }

    /// Where the reading that found the body malformed stopped, if this
    /// error says it is.
    pub(crate) fn stopped_at(&self) -> Option<usize> {
        self.stopped_at
    }

    /// Which kind of failure this is: malformed, unroutable or invalid.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The spec message the payload was routed to, if routing got that far.
    pub fn message(&self) -> Option<&'static str> {
        self.message
    }

    /// The routing key seen, e.g. a Commenda topic.
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    /// Every fault found, each with its JSON Pointer, the first first. Never
    /// empty. For a payload serde could not read, the first call reads the
    /// body again to find the faults after the first.
    pub fn errors(&self) -> &[PointerError] {
        match &self.rest {
            Some(rest) => rest
                .listed
                .get_or_init(|| (rest.list)(&rest.body, &self.errors[0])),
            None => &self.errors,
        }
    }

    /// The pointer of the first fault.
    pub fn pointer(&self) -> &str {
        self.errors
            .first()
            .map(|e| e.pointer.as_str())
            .unwrap_or("")
    }
}

impl fmt::Debug for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParseError")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .field("key", &self.key)
            .field("errors", &self.errors())
            .finish()
    }
}

impl PartialEq for ParseError {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
            && self.message == other.message
            && self.key == other.key
            && self.errors() == other.errors()
    }
}

impl Eq for ParseError {}

impl Serialize for ParseError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("ParseError", 4)?;
        out.serialize_field("kind", &self.kind)?;
        out.serialize_field("message", &self.message)?;
        out.serialize_field("key", &self.key)?;
        out.serialize_field("errors", self.errors())?;
        out.end()
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        if let Some(message) = self.message {
            write!(f, " ({message})")?;
        }
        for (i, error) in self.errors().iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { "; " })?;
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseError {}
