//! Which header and query values are secrets, and replacing them: one copy
//! for everything that writes deliveries down (`eventbind capture` files,
//! the store's records).
//!
//! Capture files end up in specs folders and in version control, and store
//! records in databases others read, so a credential or a signature (which,
//! with the body, lets anyone replay a delivery or probe the shared secret)
//! must not be written unless asked.

/// The value a redacted header or query value is replaced by.
pub const REDACTED: &str = "[redacted]";

/// Names that are secrets whatever they contain.
const EXACT: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];

/// A name containing any of these is a secret: signature headers
/// (`x-hub-signature-256`, `stripe-signature`), HMAC headers
/// (`vertex-hmac-sha256`), tokens, secrets, passwords and API keys.
const PARTS: &[&str] = &[
    "signature",
    "secret",
    "token",
    "hmac",
    "password",
    "passwd",
    "api-key",
    "api_key",
    "apikey",
    "credential",
];

/// Whether a header or query parameter of this name holds a secret.
pub fn is_secret(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    EXACT.contains(&name.as_str()) || PARTS.iter().any(|part| name.contains(part))
}

/// Replaces the values of secret headers, in place.
pub fn headers(headers: &mut [(String, String)]) {
    for (name, value) in headers.iter_mut() {
        if is_secret(name) {
            *value = REDACTED.to_string();
        }
    }
}

/// The query string with the values of secret parameters replaced; names,
/// order and every other byte are kept.
pub fn query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if is_secret(&percent_decode(name)) => format!("{name}={REDACTED}"),
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-decoding of a query parameter name (`+` is a space), lossy on
/// invalid UTF-8: only used to recognise the name.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match bytes.get(i + 1..i + 3) {
            Some([high, low]) if bytes[i] == b'%' => hex(*high).zip(hex(*low)),
            _ => None,
        };
        match (escaped, bytes[i]) {
            (Some((high, low)), _) => {
                out.push(high << 4 | low);
                i += 3;
                continue;
            }
            (None, b'+') => out.push(b' '),
            (None, other) => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The pairs of `headers` with secret values replaced.
pub fn redacted(headers: &crate::delivery::Headers) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    self::headers(&mut pairs);
    pairs
}

fn hex(digit: u8) -> Option<u8> {
    (digit as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for secret in [
            "Authorization",
            "cookie",
            "vertex-hmac-sha256",
            "x-hub-signature-256",
            "X-Webhook-Secret",
            "x-api-key",
            "access_token",
        ] {
            assert!(is_secret(secret), "{secret}");
        }
        for plain in ["content-type", "idempotency-key", "user-agent", "host"] {
            assert!(!is_secret(plain), "{plain}");
        }
    }

    #[test]
    fn query_values() {
        assert_eq!(
            query("a=1&access%5Ftoken=xyz&sig&b=%zz"),
            format!("a=1&access%5Ftoken={REDACTED}&sig&b=%zz")
        );
    }
}
