//! A quick, non-validating reading of JSON text: finds a routing key by
//! skipping bytes instead of parsing them.
//!
//! It is exact on well-formed JSON and never fails on anything else (it may
//! then answer anything, or give up). Its answer is trusted only after a full
//! parse of the same bytes has succeeded, which proves them well-formed; so
//! checking syntax here would be paid twice. It gives up (`None`) wherever the
//! checking peek in `peek.rs` could reject what a typed parse accepts (escapes,
//! control characters or invalid UTF-8 in a member name on the way, a scalar
//! where the pointer leads on, a member named twice on the way), so that a document it answers for is one the
//! checking peek would have answered the same for.

use super::split_token;
use finder::contains;

mod finder;

/// Deepest pointer followed here; deeper ones are left to the checking peek.
const MAX_DEPTH: usize = 64;

/// Byte classes, so that each scanning loop is one table look-up per byte.
/// `STRING`: where a string scan stops (`"`, `\\`, control characters below
/// 0x20, and the bytes of multi-byte UTF-8, checked separately).
const STRING: u8 = 1;
/// Where skipping a nested value stops: a string, or a bracket.
const NESTED: u8 = 2;
/// What ends a number or a literal.
const SCALAR_END: u8 = 4;

static CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c < 0x20 || c >= 0x80 || c == b'"' || c == b'\\' {
            table[b] |= STRING;
        }
        if matches!(c, b'"' | b'{' | b'}' | b'[' | b']') {
            table[b] |= NESTED;
        }
        if matches!(c, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
            table[b] |= SCALAR_END;
        }
        b += 1;
    }
    table
};

/// Whether `byte` is in class `class`.
#[inline]
fn is(byte: u8, class: u8) -> bool {
    CLASS[byte as usize] & class != 0
}

/// Eight bytes at a time: a byte's high bit set in the answers below flags
/// it. A flag from a borrow only ever lands above a true one, so the lowest
/// flagged byte is the first byte sought (serde_json skips strings so).
const ONES: u64 = u64::from_ne_bytes([1; 8]);
const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);

/// The eight bytes from `at`, little-endian (the first in the low byte).
#[inline]
pub(super) fn word_at(bytes: &[u8], at: usize) -> Option<u64> {
    let chunk = bytes.get(at..at.checked_add(8)?)?;
    Some(u64::from_le_bytes(<[u8; 8]>::try_from(chunk).ok()?))
}

/// Flags the bytes of `word` equal to `byte`.
#[inline]
pub(super) fn equal(word: u64, byte: u8) -> u64 {
    let x = word ^ (ONES * u64::from(byte));
    x.wrapping_sub(ONES) & !x & HIGH
}

/// Flags the bytes of `word` below 0x20 (control characters).
#[inline]
pub(super) fn control(word: u64) -> u64 {
    word.wrapping_sub(ONES * 0x20) & !word & HIGH
}

/// The index in `word` of its first flagged byte (`flags` not zero).
#[inline]
pub(super) fn first_flagged(flags: u64) -> usize {
    flags.trailing_zeros() as usize / 8
}

/// The string at `pointer`, borrowed from `bytes`; `None` when it is not
/// found, has escapes, or the reading gave up.
pub(crate) fn string_at<'a>(bytes: &'a [u8], pointer: &str) -> Option<&'a str> {
    Scan { bytes, pos: 0 }.find(pointer, 0)?
}

/// The string of the first top-level member named `name`, borrowed, and the
/// position just after it; `None` where [`string_at`] gives up on the way
/// there (a name that needs decoding, the value not a plain string) or the
/// member is not found. The rest is not read: [`no_member_after`] does that.
pub(crate) fn first_member_string<'a>(bytes: &'a [u8], name: &str) -> Option<(&'a str, usize)> {
    let mut scan = Scan { bytes, pos: 0 };
    scan.skip_ws();
    if scan.peek()? != b'{' {
        return None;
    }
    scan.pos += 1;
    let mut found = None;
    scan.members(|scan, key| {
        scan.skip_ws();
        if key != name.as_bytes() {
            scan.skip_value()?;
            return Some(false);
        }
        if scan.peek()? != b'"' {
            return None;
        }
        found = Some(scan.plain_str()?);
        Some(true)
    })?;
    Some((found?, scan.pos))
}

/// Whether the top-level object, read on from `after` (just after a
/// member's value, where [`first_member_string`] stopped), has no member
/// named `name` before it ends: `false` where it has, or may have (a name
/// on the way that needs decoding could spell `name`).
///
/// Text that breaks off, or breaks the grammar where the scan sees it, ends
/// the object here too: on text serde_json reads without fault the scan
/// sees what it sees, so this also tells whether serde_json's reading of a
/// malformed document meets a second such member before it fails.
pub(crate) fn no_member_after(bytes: &[u8], after: usize, name: &'static str) -> bool {
    let rest = bytes.get(after..).unwrap_or_default();
    // A member name spells `name` only with its bytes or with an escape: a
    // rest that has neither needs no reading (two vector searches, where
    // reading it looks at every byte).
    if memchr::memchr(b'\\', rest).is_none() && !contains(rest, name) {
        return true;
    }
    let mut scan = Scan { bytes, pos: after };
    loop {
        scan.skip_ws();
        if scan.peek() != Some(b',') {
            return true;
        }
        scan.pos += 1;
        scan.skip_ws();
        if scan.peek() != Some(b'"') {
            return true;
        }
        match scan.string() {
            // The text ends inside the name.
            None => return true,
            Some(Some(key)) if key != name.as_bytes() => {}
            Some(_) => return false,
        }
        scan.skip_ws();
        if scan.peek() != Some(b':') {
            return true;
        }
        scan.pos += 1;
        scan.skip_ws();
        if scan.skip_value().is_none() {
            return true;
        }
    }
}

/// Whether the document certainly has nothing at `pointer`: the objects on
/// the way were read through and the member is not there. `false` when it
/// is there, or the reading gave up.
pub(crate) fn absent_at(bytes: &[u8], pointer: &str) -> bool {
    Scan { bytes, pos: 0 }.absent(pointer, 0) == Some(true)
}

/// The top-level member names as a bit set, `position` giving each name's
/// bit (as [`super::present_keys`] does); `None` when the document is not an
/// object or a name cannot be read without decoding.
pub(crate) fn present_keys(bytes: &[u8], position: impl Fn(&[u8]) -> Option<usize>) -> Option<u64> {
    let mut scan = Scan { bytes, pos: 0 };
    scan.skip_ws();
    if scan.peek()? != b'{' {
        return None;
    }
    scan.pos += 1;
    let mut found = 0u64;
    scan.members(|scan, key| {
        if let Some(i) = position(key).filter(|i| *i < 64) {
            found |= 1 << i;
        }
        scan.skip_ws();
        scan.skip_value()?;
        Some(false)
    })?;
    Some(found)
}

/// Whether the arrays and objects of `bytes` (well-formed JSON) nest more
/// than `limit` levels deep; brackets inside strings are skipped.
pub(crate) fn nests_deeper_than(bytes: &[u8], limit: usize) -> bool {
    // A document cannot nest deeper than it has opening brackets: most have
    // far fewer than the limit, and counting them is a fraction of a scan.
    if opening_brackets_at_most(bytes, limit) {
        return false;
    }
    let mut scan = Scan { bytes, pos: 0 };
    let mut depth = 0usize;
    loop {
        scan.skip_to(NESTED);
        match scan.peek() {
            None => return false,
            Some(b'"') => {
                if scan.skip_string().is_none() {
                    return false;
                }
                continue;
            }
            Some(b'{' | b'[') => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            Some(_) => depth = depth.saturating_sub(1),
        }
        scan.pos += 1;
    }
}

/// Whether `bytes` hold at most `limit` bytes `{` or `[` (in strings or
/// not). Counted in runs short enough for a byte counter, which the
/// compiler turns into vector compares.
fn opening_brackets_at_most(bytes: &[u8], limit: usize) -> bool {
    let mut count = 0usize;
    for run in bytes.chunks(255) {
        // `[` (0x5b) and `{` (0x7b) differ only in bit 0x20.
        let n = run
            .iter()
            .fold(0u8, |n, &b| n.wrapping_add(u8::from(b | 0x20 == b'{')));
        count += usize::from(n);
        if count > limit {
            return false;
        }
    }
    true
}

/// A cursor over JSON text that skips what it does not need (shared with
/// [`super::locate`]).
pub(super) struct Scan<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) pos: usize,
}

impl<'a> Scan<'a> {
    #[inline]
    pub(super) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    #[inline]
    pub(super) fn skip_ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    /// At an opening quote: the raw bytes between the quotes, if they are
    /// the string's text (no escape, no control character) and valid UTF-8.
    /// Moves past the closing quote either way.
    #[inline]
    pub(super) fn string(&mut self) -> Option<Option<&'a [u8]>> {
        let start = self.pos + 1;
        let mut i = start;
        let mut plain = true;
        let mut ascii = true;
        loop {
            // Eight bytes at a time to the first that is not plain ASCII.
            while let Some(word) = word_at(self.bytes, i) {
                let stop = equal(word, b'"') | equal(word, b'\\') | control(word) | (word & HIGH);
                if stop != 0 {
                    i += first_flagged(stop);
                    break;
                }
                i += 8;
            }
            while !is(*self.bytes.get(i)?, STRING) {
                i += 1;
            }
            match self.bytes[i] {
                b'"' => {
                    self.pos = i + 1;
                    let raw = &self.bytes[start..i];
                    let text = plain && (ascii || std::str::from_utf8(raw).is_ok());
                    return Some(text.then_some(raw));
                }
                b'\\' => {
                    plain = false;
                    i += 2;
                }
                b => {
                    plain &= b >= 0x80;
                    ascii = false;
                    i += 1;
                }
            }
        }
    }

    /// At an opening quote: moves past the closing quote without reading
    /// the text (escapes are stepped over, nothing is checked); `None` at
    /// the end of the bytes. Skipped strings are most of what a scan reads,
    /// so this looks for the two bytes that matter eight at a time, and
    /// past the first 64 bytes with `memchr` (whose set-up costs more than
    /// a short string).
    #[inline]
    pub(super) fn skip_string(&mut self) -> Option<()> {
        let mut i = self.pos + 1;
        loop {
            let mut words = 0;
            loop {
                match word_at(self.bytes, i) {
                    Some(word) if words < 8 => {
                        let stop = equal(word, b'"') | equal(word, b'\\');
                        if stop != 0 {
                            i += first_flagged(stop);
                            break;
                        }
                        i += 8;
                        words += 1;
                    }
                    _ => {
                        i += memchr::memchr2(b'"', b'\\', self.bytes.get(i..)?)?;
                        break;
                    }
                }
            }
            if self.bytes[i] == b'"' {
                self.pos = i + 1;
                return Some(());
            }
            i += 2;
        }
    }

    /// Moves to the next byte of `class`, or to the end of the text.
    #[inline]
    fn skip_to(&mut self, class: u8) {
        while let Some(&byte) = self.bytes.get(self.pos) {
            if is(byte, class) {
                return;
            }
            self.pos += 1;
        }
    }

    /// A string that is its own text, as `&str`.
    #[inline]
    pub(super) fn plain_str(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.string()??).ok()
    }

    /// A string that is its own text, as the bytes of its UTF-8.
    #[inline]
    pub(super) fn plain_bytes(&mut self) -> Option<&'a [u8]> {
        self.string()?
    }

    /// At a number or a literal: moves to the delimiter after it, or to the
    /// end of the text.
    #[inline]
    pub(super) fn skip_bare(&mut self) {
        self.skip_to(SCALAR_END);
    }

    #[inline]
    fn skip_value(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => self.skip_string(),
            b'{' | b'[' => self.skip_nested(),
            _ => {
                // A number or a literal runs to the next delimiter, which
                // well-formed text has after it.
                self.skip_to(SCALAR_END);
                self.peek().map(drop)
            }
        }
    }

    /// At `{` or `[`: moves past the matching close, counting brackets
    /// outside strings (well-formed text pairs them). One loop over the
    /// bytes, a table look-up each (most nested values are small, and a
    /// search per bracket costs more than it skips).
    fn skip_nested(&mut self) -> Option<()> {
        let mut depth = 0usize;
        let mut i = self.pos;
        loop {
            let byte = *self.bytes.get(i)?;
            if is(byte, NESTED) {
                match byte {
                    b'"' => {
                        self.pos = i;
                        self.skip_string()?;
                        i = self.pos;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    _ => {
                        depth -= 1;
                        if depth == 0 {
                            self.pos = i + 1;
                            return Some(());
                        }
                    }
                }
            }
            i += 1;
        }
    }

    /// Just inside `{`: calls `each` with every member name, the scan at its
    /// value (after the colon); `each` consumes the value and answers whether
    /// to stop. Returns whether it stopped early.
    fn members(
        &mut self,
        mut each: impl FnMut(&mut Self, &'a [u8]) -> Option<bool>,
    ) -> Option<bool> {
        self.skip_ws();
        if self.peek()? == b'}' {
            self.pos += 1;
            return Some(false);
        }
        loop {
            self.skip_ws();
            if self.peek()? != b'"' {
                return None;
            }
            let key = self.plain_bytes()?;
            self.skip_ws();
            if self.peek()? != b':' {
                return None;
            }
            self.pos += 1;
            if each(self, key)? {
                return Some(true);
            }
            self.skip_ws();
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    return Some(false);
                }
                _ => return None,
            }
        }
    }

    /// Just inside `[`: like [`Scan::members`], with each element's index.
    fn elements(&mut self, mut each: impl FnMut(&mut Self, usize) -> Option<bool>) -> Option<bool> {
        self.skip_ws();
        if self.peek()? == b']' {
            self.pos += 1;
            return Some(false);
        }
        let mut index = 0;
        loop {
            self.skip_ws();
            if each(self, index)? {
                return Some(true);
            }
            self.skip_ws();
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    return Some(false);
                }
                _ => return None,
            }
            index += 1;
        }
    }

    /// At a value: the string at `rest` below it (`Some(None)` when there is
    /// none), the whole value consumed; `None` (give up) where a token names
    /// two members of one object, which the checking peek refuses.
    fn find(&mut self, rest: &str, depth: usize) -> Option<Option<&'a str>> {
        self.skip_ws();
        if rest.is_empty() {
            // Anything but a string here would be read by the checking peek
            // (and could be refused by it); leave that case to it.
            return if self.peek()? == b'"' {
                self.plain_str().map(Some)
            } else {
                None
            };
        }
        let (token, below) = split_token(rest)?;
        if depth >= MAX_DEPTH || token.contains('~') {
            return None;
        }
        // The whole value is read, not only up to the match: a member named
        // twice on the way makes the key ambiguous (the checking peek refuses
        // it, and serde_json would keep the last), so it is left to that.
        let mut found = None;
        self.through(token, |scan| {
            found = scan.descend(below, depth)?;
            Some(false)
        })?;
        Some(found)
    }

    /// At a value: `Some(true)` when nothing is at `rest` below it, the
    /// objects on the way read through (a member named twice on the way
    /// gives up, as [`Scan::find`] does); `Some(false)` as soon as something
    /// is met there, without reading further (a member that is there is
    /// there, whatever follows it); `None` where the reading gave up.
    fn absent(&mut self, rest: &str, depth: usize) -> Option<bool> {
        self.skip_ws();
        if rest.is_empty() {
            return Some(false);
        }
        let (token, below) = split_token(rest)?;
        if depth >= MAX_DEPTH || token.contains('~') {
            return None;
        }
        let mut present = false;
        self.through(token, |scan| {
            present = !scan.absent(below, depth + 1)?;
            Some(present)
        })?;
        Some(!present)
    }

    /// At an object or array: reads through it, skipping every member or
    /// element but the one `token` names, where `matched` is called with
    /// the scan at its value (it consumes the value and answers whether to
    /// stop). `None` (give up) at anything else, or where `token` names two
    /// members of the object.
    fn through(
        &mut self,
        token: &str,
        mut matched: impl FnMut(&mut Self) -> Option<bool>,
    ) -> Option<()> {
        match self.peek()? {
            b'{' => {
                self.pos += 1;
                let mut seen = false;
                self.members(|scan, key| {
                    if key != token.as_bytes() {
                        scan.skip_ws();
                        scan.skip_value()?;
                        return Some(false);
                    }
                    if std::mem::replace(&mut seen, true) {
                        return None;
                    }
                    matched(scan)
                })?;
            }
            b'[' => {
                let wanted = token.parse::<usize>().ok();
                self.pos += 1;
                self.elements(|scan, index| {
                    if Some(index) != wanted {
                        scan.skip_value()?;
                        return Some(false);
                    }
                    matched(scan)
                })?;
            }
            _ => return None,
        }
        Some(())
    }

    /// At the value a token matched: follows `below` into it.
    fn descend(&mut self, below: &str, depth: usize) -> Option<Option<&'a str>> {
        self.skip_ws();
        match (self.peek()?, below.is_empty()) {
            (b'"', true) | (b'{' | b'[', false) => self.find(below, depth + 1),
            // A value the pointer cannot go on through: the checking peek
            // would parse it, so leave it to that.
            _ => None,
        }
    }
}

#[cfg(test)]
#[path = "scan_tests.rs"]
mod tests;
