//! The quick route: [`super::route`] from the routing key the unchecked
//! scan (`peek::scan`) finds, answering wherever what follows shows that
//! [`super::checked_route`] would have read the same key, and so reached
//! the same end.
//!
//! The scan is exact on well-formed JSON. A document is shown well formed
//! when a typed or raw value comes out of it, or when it is refused as an
//! invalid payload (which [`crate::parse::from_slice`] says only of
//! well-formed JSON). A malformed one settles here too where the checked
//! route reads the same key before it fails:
//! - a key given from outside the body ([`Routing::Name`]) is the same key;
//! - the first top-level member ([`MessageInfo::declares_key`]) is read by
//!   the checking peek when the reading that found the document malformed
//!   stopped past it. Every serde_json reading checks the same grammar; the
//!   checking peek skips values with `IgnoredAny`, which accepts all that
//!   a typed reading accepts (it does not check numbers' range, or
//!   surrogates in escapes), so it reads at least as far, and the scan had
//!   read the member names on the way without escapes.
//!
//! From the same key, the checked route tries every candidate and reports
//! the closest of those whose required member is present. Here those alone
//! are read: one lacking its required member cannot accept the delivery
//! (its type requires the member: [`MessageInfo::requires`]), whether the
//! document is what `IgnoredAny` reads without fault (the scan is then
//! exact) or not (no reading then accepts it); so when none of them
//! accepts, the checked route would find none either, and report the same
//! closest one.
//!
//! [`MessageInfo::declares_key`]: super::MessageInfo::declares_key
//! [`MessageInfo::requires`]: super::MessageInfo::requires

use super::{candidates, fewest_faults, likely, PresenceKeys, Route, Routing};
use crate::error::{ErrorKind, ParseError};
use crate::parse::locate_error;
use crate::peek::scan;
use crate::unknown::UnknownEvent;

/// [`super::route`]'s answer where the scanned key settles it: exactly what
/// [`super::checked_route`] gives; `None` where that route must decide.
pub(super) fn quick_route<R: Route>(
    name: Option<&str>,
    bytes: &[u8],
) -> Option<Result<R, ParseError>> {
    match R::ROUTING {
        Routing::Field(pointer) => match top_level_member(pointer) {
            Some(member) if R::MESSAGES.iter().all(|m| m.declares_key) => {
                first_member::<R>(member, bytes)
            }
            _ => {
                let key = scan::string_at(bytes, pointer)?;
                settle::<R>(key, bytes).answer(|_| false)
            }
        },
        Routing::Presence => {
            let keys = PresenceKeys::Messages(R::MESSAGES);
            let found = scan::present_keys(bytes, |k| keys.position_of(k))?;
            if found.count_ones() != 1 {
                // The checked route reads which keys are present with the
                // checking peek and answers from that alone. The scan read
                // every top-level member name as it is (it gives up on one
                // that needs decoding), so on a well-formed document it saw
                // what that peek sees.
                let text = std::str::from_utf8(bytes).ok()?;
                if !crate::peek::syntax::is_json(text) {
                    return None;
                }
                return Some(Err(super::presence_error(keys, found)));
            }
            let key = keys.get(found.trailing_zeros() as usize)?;
            settle::<R>(key, bytes).answer(|_| false)
        }
        // The checked route takes the same key and settles from it as
        // [`settle`] does.
        Routing::Name => settle::<R>(name?, bytes).answer(|_| true),
    }
}

/// [`quick_route`] where every message declares the top-level routing
/// member `member`: the key is the first such member (see
/// [`super::MessageInfo::declares_key`]).
fn first_member<R: Route>(member: &'static str, bytes: &[u8]) -> Option<Result<R, ParseError>> {
    let (key, after) = scan::first_member_string(bytes, member)?;
    let settled = match settle::<R>(key, bytes) {
        // A message's type accepted it: declaring the member, it would have
        // refused a second one.
        Settled::Event(event) if event.message_name().is_some() => return Some(Ok(event)),
        settled => settled,
    };
    // The checking peek reads this key if the reading that found the
    // document malformed stopped past it (see the module documentation).
    let read_past_key = |error: &ParseError| error.stopped_at().is_some_and(|at| at > after);
    // The cheap tests first: the rest of the document is read only when it
    // decides the answer.
    match &settled {
        Settled::Event(_) => {}
        Settled::Refused(error)
            if error.kind() == ErrorKind::InvalidPayload || read_past_key(error) => {}
        _ => return None,
    }
    // The checking peek takes the first member only if there is no second.
    if !scan::no_member_after(bytes, after, member) {
        return None;
    }
    settled.answer(read_past_key)
}

/// A pointer naming one top-level member (`/topic`), the member's name; not
/// for one whose token needs unescaping.
fn top_level_member(pointer: &'static str) -> Option<&'static str> {
    let member = pointer.strip_prefix('/')?;
    (!member.is_empty() && !member.contains(['/', '~'])).then_some(member)
}

/// How [`settle`] ended.
enum Settled<R> {
    /// A message of the enum or an unknown event (the document is well
    /// formed).
    Event(R),
    /// The error the checked route gives from the same key: of the one
    /// candidate, or the closest of several; or, for an unknown event, its
    /// raw JSON's.
    Refused(ParseError),
    /// Left to the checked route.
    Open,
}

impl<R> Settled<R> {
    /// The answer, if the scanned key is shown to be the checked route's:
    /// for an event or an invalid payload, always (the document is well
    /// formed); for another error, where `same_key` says so.
    fn answer(self, same_key: impl FnOnce(&ParseError) -> bool) -> Option<Result<R, ParseError>> {
        match self {
            Settled::Event(event) => Some(Ok(event)),
            Settled::Refused(error)
                if error.kind() == ErrorKind::InvalidPayload
                    || (error.kind() == ErrorKind::MalformedJson && same_key(&error)) =>
            {
                Some(Err(error))
            }
            _ => None,
        }
    }
}

/// [`quick_route`] from the scanned `key` on, as [`super::checked_route`]
/// goes on from the same key.
fn settle<R: Route>(key: &str, bytes: &[u8]) -> Settled<R> {
    let mut chosen = candidates(R::MESSAGES, key).peekable();
    if chosen.peek().is_none() {
        return match UnknownEvent::from_slice(Some(key.to_owned()), bytes) {
            Ok(event) => Settled::Event(R::from_unknown(event)),
            // Malformed; as the checked route reports it.
            Err(error) => Settled::Refused(
                locate_error::<serde::de::IgnoredAny>(bytes, error).with_key(Some(key.to_owned())),
            ),
        };
    }
    // A candidate lacking a member its type requires would refuse the
    // delivery; it is not tried (see [`likely`]).
    let mut likely = likely::<R>(chosen, bytes);
    match (likely.next(), likely.next()) {
        // Each candidate lacks a member it requires: none can accept, and
        // the checked route would report the closest of them all.
        (None, _) => closest::<R>(candidates(R::MESSAGES, key), key, bytes),
        (Some(only), None) => match R::parse_message(only, bytes) {
            Ok(event) => Settled::Event(event),
            Err(error) => Settled::Refused(
                error
                    .with_message(R::MESSAGES[only].name)
                    .with_key(Some(key.to_owned())),
            ),
        },
        (Some(first), Some(second)) => {
            let chosen: Vec<usize> = [first, second].into_iter().chain(likely).collect();
            let mut accepted = None;
            for &index in &chosen {
                if let Some(event) = R::try_message(index, bytes) {
                    if accepted.replace(event).is_some() {
                        return Settled::Open;
                    }
                }
            }
            match accepted {
                Some(event) => Settled::Event(event),
                None => closest::<R>(chosen.into_iter(), key, bytes),
            }
        }
    }
}

/// When none of `pool` accepts the delivery: the error of the candidate it
/// comes closest to, as [`super::checked_route`] reports it from the same
/// key. Left open if a candidate read does not refuse it as an invalid
/// payload or malformed JSON.
fn closest<R: Route>(pool: impl Iterator<Item = usize>, key: &str, bytes: &[u8]) -> Settled<R> {
    let mut unsure = false;
    let refusals = pool.map_while(|index| match R::parse_message(index, bytes) {
        Err(error) if refuses(&error) => Some(
            error
                .with_message(R::MESSAGES[index].name)
                .with_key(Some(key.to_owned())),
        ),
        _ => {
            unsure = true;
            None
        }
    });
    let best = fewest_faults(refusals);
    match (unsure, best) {
        (false, Some(error)) => Settled::Refused(error),
        _ => Settled::Open,
    }
}

/// Whether a candidate's error refuses the delivery: an invalid payload or
/// malformed JSON, as [`crate::parse::from_slice`] refuses one.
fn refuses(error: &ParseError) -> bool {
    matches!(
        error.kind(),
        ErrorKind::InvalidPayload | ErrorKind::MalformedJson
    )
}
