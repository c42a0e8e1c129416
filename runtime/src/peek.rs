//! Finding the routing key in raw bytes without building the payload.
//!
//! Both peeks read the whole document (skipping values they do not need with
//! `IgnoredAny`, which allocates nothing), so a malformed body is caught here.
//! The crate-private `scan` answers the same questions without checking the
//! text, for callers that parse the document fully afterwards.

pub(crate) mod locate;
pub(crate) mod scan;
pub(crate) mod syntax;

use serde::de::{Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// The string at `pointer` (e.g. `/topic`), or `None` when the document has no
/// string there. Borrows from `bytes` when the string has no escapes.
///
/// An object on the way that names a member of the pointer twice is an
/// error: the key would be ambiguous (serde_json keeps the last of equal
/// members, a derived struct refuses them, a first-match reading takes the
/// first), so no reading of it is taken.
///
/// The document is read to its end (to see any duplicate); a syntax error
/// after the string is found still gives the string: the typed parse that
/// follows reports it, located.
pub fn string_at<'de>(
    bytes: &'de [u8],
    pointer: &str,
) -> Result<Option<Cow<'de, str>>, serde_json::Error> {
    let found = std::cell::RefCell::new(None);
    let duplicate = std::cell::Cell::new(false);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let read = (StringAt {
        rest: pointer,
        found: &found,
        duplicate: &duplicate,
    })
    .deserialize(&mut de)
    .and_then(|()| de.end());
    match (read, found.into_inner()) {
        (Ok(()), found) => Ok(found),
        (Err(error), _) if duplicate.get() => Err(error),
        (Err(_), Some(key)) => Ok(Some(key)),
        (Err(error), None) => Err(error),
    }
}

/// A member name, borrowed when it has no escapes (serde's `Cow<str>` always
/// allocates).
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        de.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v)))
    }
}

/// Splits the first reference token off a pointer: `/a/b` → (`a`, `/b`).
fn split_token(pointer: &str) -> Option<(&str, &str)> {
    let rest = pointer.strip_prefix('/')?;
    Some(match rest.find('/') {
        Some(end) => (&rest[..end], &rest[end..]),
        None => (rest, ""),
    })
}

/// Whether a member name equals an (escaped) reference token.
fn token_matches(key: &str, token: &str) -> bool {
    if !token.contains('~') {
        return key == token;
    }
    key == token.replace("~1", "/").replace("~0", "~")
}

struct StringAt<'p, 'f, 'de> {
    /// The part of the pointer still to follow.
    rest: &'p str,
    found: &'f std::cell::RefCell<Option<Cow<'de, str>>>,
    /// Set when a member of the pointer is named twice in one object.
    duplicate: &'f std::cell::Cell<bool>,
}

impl<'de> DeserializeSeed<'de> for StringAt<'_, '_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> StringAt<'_, '_, 'de> {
    /// Records the key, if the pointer ends here.
    fn stop<E: serde::de::Error>(self, key: Cow<'de, str>) -> Result<(), E> {
        if self.rest.is_empty() {
            *self.found.borrow_mut() = Some(key);
        }
        Ok(())
    }
}

impl<'de> Visitor<'de> for StringAt<'_, '_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<(), E> {
        self.stop(Cow::Borrowed(v))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
        self.stop(Cow::Owned(v.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<(), E> {
        self.stop(Cow::Owned(v))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let next = split_token(self.rest);
        let mut matched = false;
        while let Some(Key(key)) = map.next_key()? {
            match next {
                Some((token, rest)) if token_matches(&key, token) => {
                    if std::mem::replace(&mut matched, true) {
                        self.duplicate.set(true);
                        return Err(serde::de::Error::custom(format!(
                            "duplicate member `{key}` where the routing key is read: \
                             the event it names is ambiguous"
                        )));
                    }
                    map.next_value_seed(StringAt {
                        rest,
                        found: self.found,
                        duplicate: self.duplicate,
                    })?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let wanted = split_token(self.rest)
            .and_then(|(token, rest)| Some((token.parse::<usize>().ok()?, rest)));
        let mut index = 0;
        loop {
            let more = match wanted {
                Some((i, rest)) if i == index => seq
                    .next_element_seed(StringAt {
                        rest,
                        found: self.found,
                        duplicate: self.duplicate,
                    })?
                    .is_some(),
                _ => seq.next_element::<IgnoredAny>()?.is_some(),
            };
            if !more {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

/// Which keys are members of the top-level object, as a bit set: `position`
/// maps a member name to its bit (at most 64 keys are told apart).
pub fn present_keys(
    bytes: &[u8],
    position: impl Fn(&str) -> Option<usize>,
) -> Result<u64, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let found = de.deserialize_any(PresentKeys { position })?;
    de.end()?;
    Ok(found)
}

struct PresentKeys<F> {
    position: F,
}

impl<'de, F: Fn(&str) -> Option<usize>> Visitor<'de> for PresentKeys<F> {
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<u64, A::Error> {
        let mut found = 0u64;
        while let Some(Key(key)) = map.next_key()? {
            if let Some(i) = (self.position)(&key).filter(|i| *i < 64) {
                found |= 1 << i;
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(found)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<u64, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(0)
    }

    fn visit_bool<E>(self, _: bool) -> Result<u64, E> {
        Ok(0)
    }
    fn visit_i64<E>(self, _: i64) -> Result<u64, E> {
        Ok(0)
    }
    fn visit_u64<E>(self, _: u64) -> Result<u64, E> {
        Ok(0)
    }
    fn visit_f64<E>(self, _: f64) -> Result<u64, E> {
        Ok(0)
    }
    fn visit_str<E>(self, _: &str) -> Result<u64, E> {
        Ok(0)
    }
    fn visit_unit<E>(self) -> Result<u64, E> {
        Ok(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_string_and_skips_the_rest() {
        let doc = br#"{"a":[1,{"x":2}],"data":{"type":"T\"1"},"z":null}"#;
        assert_eq!(
            string_at(doc, "/data/type").unwrap().as_deref(),
            Some("T\"1")
        );
        assert_eq!(string_at(doc, "/a/1/x").unwrap(), None);
        assert_eq!(string_at(doc, "/missing").unwrap(), None);
        // Found before a syntax error: the typed parse that follows reports that.
        assert_eq!(
            string_at(b"{\"topic\": \"x\", garbage", "/topic")
                .unwrap()
                .as_deref(),
            Some("x")
        );
        assert!(string_at(b"{\"id\": 1} trailing", "/topic").is_err());
        assert!(string_at(b"{\"topic\": ", "/topic").is_err());
        for dup in [
            &br#"{"topic": "A", "topic": "B"}"#[..],
            br#"{"data": {"type": 1}, "data": {"type": "T"}}"#,
            br#"{"data": {"type": "T", "type": "U"}}"#,
        ] {
            let error = string_at(dup, "/data/type").and(string_at(dup, "/topic"));
            assert!(error.unwrap_err().to_string().contains("duplicate member"));
        }
        assert_eq!(
            string_at(br#"{"a~b/c": "y"}"#, "/a~0b~1c")
                .unwrap()
                .as_deref(),
            Some("y")
        );
    }

    #[test]
    fn reports_present_keys() {
        let keys = ["certificate", "customer"];
        let position = |k: &str| keys.iter().position(|x| *x == k);
        assert_eq!(
            present_keys(br#"{"certificate":{"id":1}}"#, position).unwrap(),
            0b01
        );
        assert_eq!(
            present_keys(br#"{"customer":1,"certificate":2}"#, position).unwrap(),
            0b11
        );
        assert_eq!(present_keys(br#"[1,2]"#, position).unwrap(), 0);
    }
}
