//! RFC 3339 `full-date`, `full-time` and `date-time`, exactly as its ABNF
//! (section 5.6) writes them. chrono's own RFC 3339 parser is more lenient
//! (a space for the `T`, `+0000` offsets, a leap second at any minute), so
//! the grammar is checked here and chrono decides only calendar validity.

/// `time-offset` in minutes east of UTC.
type Offset = i32;

/// Reads exactly `n` ASCII digits from the front of `s`.
fn digits(s: &str, n: usize) -> Option<(u32, &str)> {
    let head = s.get(..n)?;
    if !head.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((head.parse().ok()?, &s[n..]))
}

fn literal(s: &str, c: u8) -> Option<&str> {
    (s.as_bytes().first() == Some(&c)).then(|| &s[1..])
}

/// `full-date`: `YYYY-MM-DD`, a day that exists.
pub fn full_date(s: &str) -> Option<chrono::NaiveDate> {
    let (year, rest) = digits(s, 4)?;
    let (month, rest) = digits(literal(rest, b'-')?, 2)?;
    let (day, rest) = digits(literal(rest, b'-')?, 2)?;
    if !rest.is_empty() {
        return None;
    }
    chrono::NaiveDate::from_ymd_opt(year as i32, month, day)
}

/// `full-time`: `HH:MM:SS[.frac](Z|±HH:MM)`. A second of 60 is a leap
/// second, which only exists at 23:59 UTC.
pub fn full_time(s: &str) -> Option<()> {
    let (hour, rest) = digits(s, 2)?;
    let (minute, rest) = digits(literal(rest, b':')?, 2)?;
    let (second, mut rest) = digits(literal(rest, b':')?, 2)?;
    if let Some(fraction) = literal(rest, b'.') {
        let len = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if len == 0 {
            return None;
        }
        rest = &fraction[len..];
    }
    let offset = time_offset(rest)?;
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    if second == 60 {
        let utc = (hour as i32 * 60 + minute as i32 - offset).rem_euclid(24 * 60);
        if utc != 23 * 60 + 59 {
            return None;
        }
    }
    Some(())
}

/// `time-offset`: `Z` (either case) or `±HH:MM`, and nothing after it.
fn time_offset(s: &str) -> Option<Offset> {
    if s.eq_ignore_ascii_case("z") {
        return Some(0);
    }
    let sign = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (hour, rest) = digits(&s[1..], 2)?;
    let (minute, rest) = digits(literal(rest, b':')?, 2)?;
    if !rest.is_empty() || hour > 23 || minute > 59 {
        return None;
    }
    Some(sign * (hour as i32 * 60 + minute as i32))
}

/// `date-time`: `full-date "T" full-time` (`t` allowed, as RFC 3339 notes).
pub fn date_time(s: &str) -> bool {
    let (Some(date), Some(separator), Some(time)) = (s.get(..10), s.get(10..11), s.get(11..))
    else {
        return false;
    };
    separator.eq_ignore_ascii_case("t") && full_date(date).is_some() && full_time(time).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times() {
        for valid in [
            "1963-06-19T08:30:06.283185Z",
            "1937-01-01T12:00:27.87+00:20",
            "1998-12-31T23:59:60Z",
            "1998-12-31T15:59:60.123-08:00",
            "1963-06-19t08:30:06z",
            "1985-04-12T00:59:59.999999999999999Z",
        ] {
            assert!(date_time(valid), "{valid}");
        }
        for invalid in [
            "1998-12-31T23:59:61Z",
            "1998-12-31T22:59:60Z",
            "1990-12-31T15:59:59-24:00",
            "1963-06-19T08:30:06.28123+01:00Z",
            "2016-05-23 05:25:36Z",
            "2016-05-23T05:25:36 +0000",
            "1985-04-12T23:20:50+01",
            "+11963-06-19T08:30:06.283185Z",
            "1963-06-1\u{09ea}T00:00:00Z",
            "1985-04-12T23:20:50Z\n",
            "2016-12-31T24:59:60+01:00",
            "1990-02-31T15:59:59.123-08:00",
        ] {
            assert!(!date_time(invalid), "{invalid}");
        }
    }

    #[test]
    fn leap_seconds_are_at_23_59_utc() {
        assert!(full_time("01:29:60+01:30").is_some());
        assert!(full_time("00:29:60-23:30").is_some());
        assert!(full_time("23:59:60+01:00").is_none());
        assert!(full_time("12:00:00").is_none());
    }

    #[test]
    fn dates() {
        assert!(full_date("2020-02-29").is_some());
        assert!(full_date("0400-02-29").is_some());
        assert!(full_date("2100-02-29").is_none());
        assert!(full_date("2024-01-15 ").is_none());
        assert!(full_date("20230328").is_none());
    }
}
