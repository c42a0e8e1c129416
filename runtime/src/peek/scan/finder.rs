//! Searching a document for the routing member's name, with a searcher
//! kept per name (see [`contains`]).

/// Whether `haystack` holds the bytes of `name`, with a searcher built once
/// per name and thread: an enum looks for the same routing member in every
/// delivery, and building memchr's searcher costs more than a search
/// through a short document.
pub(super) fn contains(haystack: &[u8], name: &'static str) -> bool {
    use memchr::memmem::Finder;
    use std::cell::RefCell;
    thread_local! {
        static FINDERS: RefCell<Vec<Finder<'static>>> = const { RefCell::new(Vec::new()) };
    }
    FINDERS.with(|finders| {
        let mut finders = finders.borrow_mut();
        let found = finders.iter().find(|f| f.needle() == name.as_bytes());
        match found {
            Some(finder) => finder.find(haystack).is_some(),
            None => {
                let finder = Finder::new(name);
                let hit = finder.find(haystack).is_some();
                // A handful of names at most: one per enum routed by a member.
                if finders.len() < 16 {
                    finders.push(finder);
                }
                hit
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::contains;

    #[test]
    fn finds_the_name_with_a_new_searcher_and_a_kept_one() {
        for _ in 0..2 {
            assert!(contains(br#"{"a": 1, "topic": "x"}"#, "topic"));
            assert!(!contains(br#"{"a": 1, "topi": "x"}"#, "topic"));
            assert!(contains(b"type", "type"));
            assert!(!contains(b"", "type"));
        }
    }
}
