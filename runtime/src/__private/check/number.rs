//! Exact `multipleOf`: numbers are compared as the decimals they were written
//! as, so `0.07` is a multiple of `0.01` and `1e308` is no multiple of `0.3`.
//!
//! A JSON number reaches Rust as an `f64`; its shortest round-trip decimal
//! form (what `{:e}` prints) is the text the sender most likely wrote, and
//! that decimal, not the binary fraction, is what the schema means.

/// `|x|` as `digits × 10^exponent`, from its shortest round-trip form.
fn decimal(x: f64) -> Option<(u64, i32)> {
    if !x.is_finite() {
        return None;
    }
    let text = format!("{:e}", x.abs());
    let (mantissa, exponent) = text.split_once('e')?;
    let exponent: i32 = exponent.parse().ok()?;
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    // At most 17 significant digits: they fit a u64.
    let digits: u64 = format!("{whole}{fraction}").parse().ok()?;
    Some((digits, exponent - fraction.len() as i32))
}

/// `base^exp mod modulus`, by squaring; `modulus` is below 10^18, so every
/// product fits a u128.
fn pow_mod(base: u128, mut exp: u32, modulus: u128) -> u128 {
    let mut result = 1 % modulus;
    let mut base = base % modulus;
    while exp > 0 {
        if exp & 1 == 1 {
            result = result * base % modulus;
        }
        base = base * base % modulus;
        exp >>= 1;
    }
    result
}

/// Whether `a × 10^p` is an integer multiple of `b × 10^q` (`b > 0`).
fn decimal_multiple((a, p): (u64, i32), (b, q): (u64, i32)) -> bool {
    if a == 0 {
        return true;
    }
    let (a, b) = (a as u128, b as u128);
    if p >= q {
        // a × 10^(p-q) ≡ 0 (mod b)
        let shift = (p - q) as u32;
        (a % b * pow_mod(10, shift, b)).is_multiple_of(b)
    } else {
        // a ≡ 0 (mod b × 10^(q-p)); a divisor past u128 is larger than a.
        let shift = (q - p) as u32;
        match 10u128.checked_pow(shift).and_then(|s| s.checked_mul(b)) {
            Some(divisor) => a % divisor == 0,
            None => false,
        }
    }
}

/// Whether the integer `value` is a multiple of `divisor` (finite, > 0).
pub fn integer_is_multiple(value: i64, divisor: f64) -> bool {
    match decimal(divisor) {
        Some((0, _)) | None => false,
        Some(d) => decimal_multiple((value.unsigned_abs(), 0), d),
    }
}

/// Whether `value` is a multiple of `divisor` (finite, > 0), as decimals.
pub fn float_is_multiple(value: f64, divisor: f64) -> bool {
    match (decimal(value), decimal(divisor)) {
        (Some(v), Some(d)) if d.0 != 0 => decimal_multiple(v, d),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_exact() {
        assert!(float_is_multiple(0.07, 0.01));
        assert!(float_is_multiple(19.99, 0.01));
        assert!(float_is_multiple(10_000_000.01, 0.01));
        assert!(float_is_multiple(4.5, 1.5));
        assert!(!float_is_multiple(0.075, 0.01));
        assert!(!float_is_multiple(0.30000000000000004, 0.1));
        assert!(!float_is_multiple(35.0, 1.5));
        assert!(!float_is_multiple(0.00751, 0.0001));
        assert!(float_is_multiple(0.0075, 0.0001));
        assert!(float_is_multiple(0.0, 0.3));
    }

    #[test]
    fn large_and_small_do_not_overflow() {
        assert!(!float_is_multiple(1e308, 0.123456789));
        assert!(float_is_multiple(1e308, 1e-300));
        assert!(!float_is_multiple(1e-300, 1e300));
        assert!(integer_is_multiple(i64::MIN, 2.0));
        assert!(integer_is_multiple(9_007_199_254_740_993, 1.0));
        assert!(!integer_is_multiple(7, 2.0));
        assert!(integer_is_multiple(12, 0.5));
        assert!(!integer_is_multiple(1, 3.0e-5 * 7.0));
    }
}
