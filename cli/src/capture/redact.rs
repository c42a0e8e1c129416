//! Which header and query values are secrets, and replacing them: the one
//! copy lives in the receiving crate, which also redacts what its stores
//! record, so a capture file and a stored delivery hide the same values.

pub use eventbind_receive::redact::{headers, is_secret, query};

#[cfg(test)]
mod tests {
    use super::super::format::REDACTED;

    #[test]
    fn capture_files_and_stores_write_the_same_placeholder() {
        assert_eq!(REDACTED, eventbind_receive::redact::REDACTED);
    }
}
