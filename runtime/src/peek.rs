//! Finding the routing key in raw bytes without building the payload.
//!
//! Both peeks read the whole document (skipping values they do not need with
//! `IgnoredAny`, which allocates nothing), so a malformed body is caught here.

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// The string at `pointer` (e.g. `/topic`), or `None` when the document has no
/// string there. Borrows from `bytes` when the string has no escapes.
pub fn string_at<'de>(
    bytes: &'de [u8],
    pointer: &str,
) -> Result<Option<Cow<'de, str>>, serde_json::Error> {
    let tokens: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let found = StringAt { tokens: &tokens }.deserialize(&mut de)?;
    de.end()?;
    Ok(found)
}

struct StringAt<'t> {
    tokens: &'t [String],
}

impl<'de> DeserializeSeed<'de> for StringAt<'_> {
    type Value = Option<Cow<'de, str>>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StringAt<'_> {
    type Value = Option<Cow<'de, str>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(self.tokens.is_empty().then_some(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.tokens.is_empty().then(|| Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(self.tokens.is_empty().then_some(Cow::Owned(v)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match self.tokens.split_first() {
                Some((first, rest)) if found.is_none() && key == first.as_str() => {
                    found = map.next_value_seed(StringAt { tokens: rest })?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(found)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let wanted = self
            .tokens
            .split_first()
            .and_then(|(first, rest)| Some((first.parse::<usize>().ok()?, rest)));
        let mut found = None;
        let mut index = 0;
        loop {
            match wanted {
                Some((i, rest)) if i == index => {
                    match seq.next_element_seed(StringAt { tokens: rest })? {
                        Some(value) => found = value,
                        None => break,
                    }
                }
                _ => {
                    if seq.next_element::<IgnoredAny>()?.is_none() {
                        break;
                    }
                }
            }
            index += 1;
        }
        Ok(found)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// Which of `keys` are members of the top-level object, as a bit set
/// (bit `i` for `keys[i]`; at most 64 keys are told apart).
pub fn present_keys(bytes: &[u8], keys: &[&str]) -> Result<u64, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let found = de.deserialize_any(PresentKeys { keys })?;
    de.end()?;
    Ok(found)
}

struct PresentKeys<'k> {
    keys: &'k [&'k str],
}

impl<'de> Visitor<'de> for PresentKeys<'_> {
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<u64, A::Error> {
        let mut found = 0u64;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if let Some(i) = self.keys.iter().take(64).position(|k| *k == key) {
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
        assert!(string_at(b"{\"topic\": \"x\"} trailing", "/topic").is_err());
        assert!(string_at(b"{\"topic\": ", "/topic").is_err());
    }

    #[test]
    fn reports_present_keys() {
        let keys = ["certificate", "customer"];
        assert_eq!(
            present_keys(br#"{"certificate":{"id":1}}"#, &keys).unwrap(),
            0b01
        );
        assert_eq!(
            present_keys(br#"{"customer":1,"certificate":2}"#, &keys).unwrap(),
            0b11
        );
        assert_eq!(present_keys(br#"[1,2]"#, &keys).unwrap(), 0);
    }
}
