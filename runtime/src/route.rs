//! Choosing the message a delivery is, and keeping typed, unknown and invalid
//! deliveries apart.

use crate::error::{ErrorKind, ParseError};
use crate::parse::locate_error;
use crate::unknown::UnknownEvent;
use bytes::Bytes;
use std::borrow::Cow;

mod quick;

/// How an event enum tells its messages apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Routing {
    /// A string at this JSON Pointer names the message (Commenda's `/topic`).
    Field(&'static str),
    /// Which top-level member is present names the message (CertCapture's
    /// `certificate` / `customer`).
    Presence,
    /// The name comes from outside the body: the subscription (Avaza's one URL
    /// per event) or the delivery (Vertex).
    Name,
}

/// One message an event enum can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MessageInfo {
    /// The message name in the spec.
    pub name: &'static str,
    /// The routing values that select it (aliases where the vendor's docs
    /// disagree). Several messages may share a value; the payload then decides.
    pub keys: &'static [&'static str],
    /// A member the message's type requires, as a JSON Pointer, that tells
    /// it apart from other messages of the same key: a delivery without it
    /// cannot be this message, so it is not parsed as this one.
    pub requires: Option<&'static str>,
    /// The message's type declares the member a [`Routing::Field`] with a
    /// one-token pointer (`/topic`) names, as a field, and so refuses a
    /// document that has it twice (serde's derive does). When every message
    /// of the enum does, a parse that succeeds shows the key unambiguous,
    /// and the router takes the first such member without reading the rest
    /// of the document for a second one (it still does before it reports an
    /// unknown event or an error).
    pub declares_key: bool,
}

/// An event enum: one variant per spec message and an `Unknown` variant.
/// Derived with `#[derive(Route)]`.
pub trait Route: Sized {
    /// How a delivery's routing key is found.
    const ROUTING: Routing;
    /// The enum's messages, indexed as [`Route::parse_message`] takes them.
    const MESSAGES: &'static [MessageInfo];

    /// Parses and validates `bytes` as message `MESSAGES[index]`.
    fn parse_message(index: usize, bytes: &[u8]) -> Result<Self, ParseError>;

    /// Like [`Route::parse_message`] but without locating faults (cheaper when
    /// the error would be discarded).
    fn try_message(index: usize, bytes: &[u8]) -> Option<Self>;

    /// Wraps an event the spec does not know.
    fn from_unknown(event: UnknownEvent) -> Self;

    /// The unknown event, if this is one; otherwise `self` back.
    fn into_unknown(self) -> Result<UnknownEvent, Self>;

    /// The spec message this event is, `None` for an unknown event.
    fn message_name(&self) -> Option<&'static str>;

    /// Routes and parses a delivery; `name` is the event name given from
    /// outside the body, required for [`Routing::Name`].
    fn route(name: Option<&str>, bytes: &[u8]) -> Result<Self, ParseError> {
        route(name, bytes)
    }
}

/// The payload type of one message of the event enum `E`: what a typed
/// handler takes. Derived with `#[derive(Route)]` for every message whose
/// payload type no other message of the enum shares (a shared type could
/// not say which message it is).
pub trait Message<E: Route>: Sized {
    /// The spec name of the message.
    const NAME: &'static str;

    /// The payload of `event` when it is this message; otherwise `event` back.
    fn from_event(event: E) -> Result<Self, E>;

    /// The event holding this payload.
    fn into_event(self) -> E;
}

/// How to find the routing key, borrowed so that routers built at run time
/// (the CLI's) share this code with derived enums.
#[derive(Clone, Copy, Debug)]
pub enum KeyRule<'a> {
    /// The string at this JSON Pointer.
    Field(&'a str),
    /// Which of these top-level members is present.
    Presence(PresenceKeys<'a>),
    /// Given from outside the body.
    Name,
}

/// The routing key seen in (or given with) a delivery.
pub fn seen_key<'a>(
    rule: KeyRule<'_>,
    name: Option<&'a str>,
    bytes: &'a [u8],
) -> Result<Cow<'a, str>, ParseError> {
    match rule {
        KeyRule::Field(pointer) => match crate::peek::string_at(bytes, pointer) {
            Ok(Some(key)) => Ok(key),
            Ok(None) => Err(ParseError::single(
                ErrorKind::UnknownEvent,
                pointer,
                format!("no string at {pointer} names the event"),
            )),
            Err(error) => Err(locate_error::<serde::de::IgnoredAny>(bytes, error)),
        },
        KeyRule::Presence(keys) => {
            let found = crate::peek::present_keys(bytes, |k| keys.position(k))
                .map_err(|error| locate_error::<serde::de::IgnoredAny>(bytes, error))?;
            match found.count_ones() {
                1 => Ok(Cow::Owned(
                    keys.get(found.trailing_zeros() as usize)
                        .unwrap_or_default()
                        .to_owned(),
                )),
                _ => Err(presence_error(keys, found)),
            }
        }
        KeyRule::Name => name.map(Cow::Borrowed).ok_or_else(|| {
            ParseError::single(
                ErrorKind::UnknownEvent,
                "",
                "this event is named from outside the body; pass the event name",
            )
        }),
    }
}

/// The error for a presence-routed delivery where not exactly one of `keys`
/// is present (`found`, as [`crate::peek::present_keys`] gives it): none is
/// an unknown event, several an invalid payload at the second.
fn presence_error(keys: PresenceKeys<'_>, found: u64) -> ParseError {
    if found == 0 {
        return ParseError::single(
            ErrorKind::UnknownEvent,
            "",
            quoted_list("none of ", keys.iter(), " is present"),
        );
    }
    let present: Vec<&str> = keys
        .iter()
        .enumerate()
        .filter(|(i, _)| found & (1 << i) != 0)
        .map(|(_, k)| k)
        .collect();
    ParseError::single(
        ErrorKind::InvalidPayload,
        crate::path::pointer_from_tokens([present[1]]),
        quoted_list(
            "",
            present.into_iter(),
            " are all present; exactly one may be",
        ),
    )
}

/// The routing key of a delivery for a derived event enum.
pub fn routing_key<'a>(
    routing: Routing,
    messages: &[MessageInfo],
    name: Option<&'a str>,
    bytes: &'a [u8],
) -> Result<Cow<'a, str>, ParseError> {
    match routing {
        Routing::Field(pointer) => seen_key(KeyRule::Field(pointer), name, bytes),
        Routing::Presence => seen_key(
            KeyRule::Presence(PresenceKeys::Messages(messages)),
            name,
            bytes,
        ),
        Routing::Name => seen_key(KeyRule::Name, name, bytes),
    }
}

/// The keys, each in backticks, joined by ", ", between `before` and
/// `after` (written into one string: an unknown presence-routed delivery is
/// answered with it).
fn quoted_list<'k>(before: &str, keys: impl Iterator<Item = &'k str>, after: &str) -> String {
    let mut list = String::with_capacity(160);
    list.push_str(before);
    for (i, key) in keys.enumerate() {
        if i > 0 {
            list.push_str(", ");
        }
        list.push('`');
        list.push_str(key);
        list.push('`');
    }
    list.push_str(after);
    list
}

/// The member names presence routing looks for, without collecting them.
#[derive(Clone, Copy, Debug)]
pub enum PresenceKeys<'a> {
    /// A flat list.
    List(&'a [&'a str]),
    /// Every key of every message, in order.
    Messages(&'a [MessageInfo]),
}

impl<'a> PresenceKeys<'a> {
    /// The names in order; a name's position is the bit it sets in
    /// [`crate::peek::present_keys`].
    pub fn iter(self) -> impl Iterator<Item = &'a str> {
        let (list, messages): (&'a [&'a str], &'a [MessageInfo]) = match self {
            PresenceKeys::List(list) => (list, &[]),
            PresenceKeys::Messages(messages) => (&[], messages),
        };
        list.iter()
            .copied()
            .chain(messages.iter().flat_map(|m| m.keys.iter().copied()))
    }

    fn position(self, key: &str) -> Option<usize> {
        self.position_of(key.as_bytes())
    }

    /// [`PresenceKeys::position`] of a name given as UTF-8 bytes, with plain
    /// loops (this runs for every member of every delivery).
    fn position_of(self, key: &[u8]) -> Option<usize> {
        match self {
            PresenceKeys::List(list) => list.iter().position(|k| k.as_bytes() == key),
            PresenceKeys::Messages(messages) => {
                let mut index = 0;
                for message in messages {
                    for k in message.keys {
                        if k.as_bytes() == key {
                            return Some(index);
                        }
                        index += 1;
                    }
                }
                None
            }
        }
    }

    fn get(self, index: usize) -> Option<&'a str> {
        self.iter().nth(index)
    }
}

/// Indices of the messages that `key` selects.
pub fn candidates<'m>(
    messages: &'m [MessageInfo],
    key: &'m str,
) -> impl Iterator<Item = usize> + 'm {
    messages
        .iter()
        .enumerate()
        .filter(move |(_, m)| m.keys.contains(&key))
        .map(|(i, _)| i)
}

/// Routes `bytes` to one of `R`'s messages and parses it.
///
/// A key that names no message gives the `Unknown` variant, holding the raw
/// JSON. A key shared by several messages is settled by the payload: exactly
/// one of them must accept it.
///
/// The key is found by a quick scan of the bytes, which does not check the text.
/// It is trusted once the parse that follows shows the document well-formed:
/// a typed or raw value came out of it, or it was refused as an invalid
/// payload (which [`crate::parse::from_slice`] says only of well-formed
/// JSON); then the checking peek would have found the same key. Malformed
/// JSON is reported as it is found where the checking peek would have read
/// the same key before the fault (a key given from outside the body, or a
/// first member that the reading read past). Anything else (no key found,
/// other malformed JSON, a shared key not settled by exactly one message) is
/// done again by [`checked_route`], to report exactly what it always has.
/// So a delivery is read once when it is valid, and once more to locate its
/// first fault when it is not; when a shared key leaves several candidates
/// and none accepts, each is read once more to fail, and the one the payload
/// comes closest to is reported.
pub fn route<R: Route>(name: Option<&str>, bytes: &[u8]) -> Result<R, ParseError> {
    quick::quick_route(name, bytes).unwrap_or_else(|| checked_route(name, bytes))
}

/// The error with the fewest faults, the first of equals: the candidate the
/// payload comes closest to is the likely one. An error has at least one
/// fault, so one with a single fault ends the search: the candidates after
/// it are not read, and their faults are not listed.
fn fewest_faults(errors: impl Iterator<Item = ParseError>) -> Option<ParseError> {
    let mut best: Option<(usize, ParseError)> = None;
    for error in errors {
        let faults = error.errors().len();
        if best.as_ref().is_none_or(|(fewest, _)| faults < *fewest) {
            best = Some((faults, error));
            if faults <= 1 {
                break;
            }
        }
    }
    best.map(|(_, error)| error)
}

/// The candidates whose required member (if they name one) is present, as
/// the scan sees it. The scan's "absent" is trusted as the key is, once the
/// document is shown well-formed; every route that uses it either parses
/// successfully or refuses an invalid payload of a well-formed document.
fn likely<'b, R: Route>(
    candidates: impl Iterator<Item = usize> + 'b,
    bytes: &'b [u8],
) -> impl Iterator<Item = usize> + 'b {
    candidates.filter(move |&index| {
        let requires = R::MESSAGES[index].requires;
        !requires.is_some_and(|pointer| crate::peek::scan::absent_at(bytes, pointer))
    })
}

/// [`route`] reading the document with the checking peek first, so that every
/// failure is reported as what it is (malformed, unknown, invalid). It gives
/// what [`route`] gives, in every case; public so that this can be tested.
pub fn checked_route<R: Route>(name: Option<&str>, bytes: &[u8]) -> Result<R, ParseError> {
    let key = routing_key(R::ROUTING, R::MESSAGES, name, bytes)?;
    let owned_key = || Some(key.clone().into_owned());
    let mut chosen = candidates(R::MESSAGES, &key);
    let Some(first) = chosen.next() else {
        return match UnknownEvent::from_slice(owned_key(), bytes) {
            Ok(unknown) => Ok(R::from_unknown(unknown)),
            Err(error) => {
                Err(locate_error::<serde::de::IgnoredAny>(bytes, error).with_key(owned_key()))
            }
        };
    };
    let rest: Vec<usize> = chosen.collect();
    if rest.is_empty() {
        return R::parse_message(first, bytes).map_err(|e| {
            e.with_message(R::MESSAGES[first].name)
                .with_key(owned_key())
        });
    }
    // The key is shared: every candidate is tried, and exactly one must accept.
    // Faults are located only if none does.
    let mut accepted: Vec<(usize, R)> = std::iter::once(first)
        .chain(rest.iter().copied())
        .filter_map(|index| R::try_message(index, bytes).map(|event| (index, event)))
        .collect();
    match accepted.len() {
        1 => Ok(accepted.remove(0).1),
        // None accepts: among those whose required member is present (all,
        // if none has it: as the quick route chooses), the candidate the
        // payload comes closest to (fewest faults) is the likely one, and its
        // faults are reported.
        0 => Err({
            let all = std::iter::once(first).chain(rest.iter().copied());
            let likely: Vec<usize> = likely::<R>(all.clone(), bytes).collect();
            let pool = if likely.is_empty() {
                all.collect()
            } else {
                likely
            };
            fewest_faults(pool.into_iter().filter_map(|index| {
                R::parse_message(index, bytes).err().map(|e| {
                    e.with_message(R::MESSAGES[index].name)
                        .with_key(owned_key())
                })
            }))
            .unwrap_or_else(|| {
                ParseError::single(
                    ErrorKind::InvalidPayload,
                    "",
                    "payload accepted on a second reading",
                )
                .with_key(owned_key())
            })
        }),
        _ => {
            let names: Vec<&str> = accepted.iter().map(|(i, _)| R::MESSAGES[*i].name).collect();
            Err(ParseError::single(
                ErrorKind::InvalidPayload,
                "",
                format!(
                    "payload matches more than one message ({})",
                    names.join(", ")
                ),
            )
            .with_key(owned_key()))
        }
    }
}

/// What became of a delivery: typed, unknown or invalid, never conflated.
#[derive(Debug)]
pub enum Outcome<E> {
    /// A message of the spec, valid.
    Typed(E),
    /// A routing key the spec does not know; the JSON is kept whole.
    Unknown(UnknownEvent),
    /// Malformed, unroutable, or failing its message's schema.
    Invalid(ParseError),
}

/// A delivery as received: the exact bytes beside what they parsed to.
#[derive(Debug)]
pub struct Received<E> {
    raw: Bytes,
    outcome: Outcome<E>,
}

impl<E: Route> Received<E> {
    /// Routes a self-describing delivery.
    pub fn parse(raw: impl Into<Bytes>) -> Self {
        Self::with_name(None, raw)
    }

    /// Routes a delivery whose event name is given from outside the body.
    pub fn parse_named(name: &str, raw: impl Into<Bytes>) -> Self {
        Self::with_name(Some(name), raw)
    }

    fn with_name(name: Option<&str>, raw: impl Into<Bytes>) -> Self {
        let raw = raw.into();
        let outcome = match E::route(name, &raw) {
            Ok(event) => match event.into_unknown() {
                Ok(unknown) => Outcome::Unknown(unknown),
                Err(event) => Outcome::Typed(event),
            },
            Err(error) => Outcome::Invalid(error),
        };
        Received { raw, outcome }
    }
}

impl<E> Received<E> {
    /// The body exactly as it arrived.
    pub fn raw(&self) -> &Bytes {
        &self.raw
    }

    /// What the body parsed to: typed, unknown or invalid.
    pub fn outcome(&self) -> &Outcome<E> {
        &self.outcome
    }

    /// The body and its outcome, taken apart (e.g. to keep the bytes of an
    /// event after handling it).
    pub fn into_parts(self) -> (Bytes, Outcome<E>) {
        (self.raw, self.outcome)
    }
}

#[cfg(test)]
#[path = "route_tests.rs"]
mod tests;
