//! Numbers as the CSV export writes them, appended to a byte buffer without allocating.
//!
//! The text is exactly what Rust's `format!` gives: a sample or an envelope as `{}` for `f32` (the shortest
//! digits that read back as the same `f32`, never an exponent: `31.296968`, `0.000012`, `-0`, `120`), the
//! time as `{:.6}` of the sample index over the rate (`12.000500`). The shortest digits come from `zmij`
//! (Schubfach), rewritten from its exponent notation where it uses one; in the rare case of a value exactly
//! halfway between two shortest candidates (`36399.8125`), where zmij and Rust break the tie differently,
//! Rust's own formatter writes it. Whole-microsecond times are written from integers.

use std::io::Write;

/// Formatting state reused across numbers.
#[derive(Default)]
pub struct NumberText {
    digits: zmij::Buffer,
}

impl NumberText {
    /// A formatter.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends `v` exactly as `format!("{v}")` writes it.
    #[inline]
    pub fn push_f32(&mut self, out: &mut Vec<u8>, v: f32) {
        if !v.is_finite() || may_be_halfway(v) {
            let _ = write!(out, "{v}");
            return;
        }
        let s = self.digits.format_finite(v).as_bytes();
        // zmij's exponent is at most `e`, a sign and two digits for an f32: only the last four bytes can
        // hold the `e` (cheaper than scanning the whole number).
        if s[s.len().saturating_sub(4)..].contains(&b'e') {
            push_plain(out, s);
        } else if let Some(whole) = s.strip_suffix(b".0") {
            out.extend_from_slice(whole);
        } else {
            out.extend_from_slice(s);
        }
    }
}

/// 5^k for k up to 14 (5^15 is past 10^10).
const POW5: [u64; 15] = {
    let mut p = [1u64; 15];
    let mut k = 1;
    while k < 15 {
        p[k] = p[k - 1] * 5;
        k += 1;
    }
    p
};

/// Whether `v` could lie exactly halfway between two shortest decimal candidates, where zmij and Rust
/// break the tie differently (zmij `36399.812`, Rust `36399.813` for 36399.8125). Such a value is a
/// decimal of at most 10 significant digits (one more than the shortest, at most 9 for `f32`): an odd
/// mantissa M over 2^k is M x 5^k / 10^k, so M x 5^k < 10^10. Whole numbers are exact below 2^24 (their
/// shortest form is themselves); above it, and for subnormals, this answers yes to be safe.
#[inline]
fn may_be_halfway(v: f32) -> bool {
    let bits = v.to_bits();
    let exponent = ((bits >> 23) & 0xff) as i32;
    if exponent == 0 {
        return bits << 1 != 0; // subnormal (zero is fine)
    }
    let mantissa = (bits & 0x7f_ffff) | 0x80_0000;
    let zeros = mantissa.trailing_zeros();
    let power = exponent - 150 + zeros as i32; // v = (mantissa >> zeros) x 2^power
    if power >= 0 {
        return v.abs() >= 16_777_216.0;
    }
    POW5.get(power.unsigned_abs() as usize)
        .is_some_and(|p| u64::from(mantissa >> zeros) * p < 10_000_000_000)
}

/// Appends zmij's shortest digits in exponent notation (`1e-7`, `-1.5e20`) in Rust's plain notation.
fn push_plain(out: &mut Vec<u8>, s: &[u8]) {
    let (negative, s) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    let e = s.iter().position(|&b| b == b'e').unwrap_or(s.len());
    let exponent: i32 = std::str::from_utf8(s.get(e + 1..).unwrap_or_default())
        .ok()
        .and_then(|x| x.trim_start_matches('+').parse().ok())
        .unwrap_or(0);
    // zmij writes one digit before the point in exponent notation: d[.ddd]e±x.
    let digits: Vec<u8> = s[..e].iter().copied().filter(u8::is_ascii_digit).collect();
    let point = exponent + 1;
    if negative {
        out.push(b'-');
    }
    if point <= 0 {
        out.extend_from_slice(b"0.");
        out.extend(std::iter::repeat_n(b'0', point.unsigned_abs() as usize));
        out.extend_from_slice(&digits);
    } else if point as usize >= digits.len() {
        out.extend_from_slice(&digits);
        out.extend(std::iter::repeat_n(b'0', point as usize - digits.len()));
    } else {
        out.extend_from_slice(&digits[..point as usize]);
        out.push(b'.');
        out.extend_from_slice(&digits[point as usize..]);
    }
}

/// The CSV's time column: `{:.6}` of `n / rate`.
#[derive(Clone, Copy, Debug)]
pub struct TimeText {
    rate: f64,
    /// Microseconds per sample, when the rate divides a million.
    micros_per_sample: Option<u64>,
}

impl TimeText {
    /// The time column of a recording at `rate` Hz.
    pub fn new(rate: f64) -> Self {
        let whole = rate.fract() == 0.0 && (1.0..=1e6).contains(&rate);
        let micros_per_sample =
            (whole && 1_000_000 % (rate as u64) == 0).then(|| 1_000_000 / rate as u64);
        Self {
            rate,
            micros_per_sample,
        }
    }

    /// Appends sample `n`'s time exactly as `format!("{:.6}", n as f64 / rate)` writes it.
    #[inline]
    pub fn push(&self, out: &mut Vec<u8>, n: u64) {
        match self.micros_per_sample {
            // n / rate is within half an ulp of a whole number t of microseconds, which is less than half a
            // microsecond below 2^52 microseconds (some 140 years), so rounding to 6 decimals gives t.
            Some(us) if n.checked_mul(us).is_some_and(|t| t < 1 << 52) => {
                let t = n * us;
                let mut ints = itoa::Buffer::new();
                out.extend_from_slice(ints.format(t / 1_000_000).as_bytes());
                let frac = t % 1_000_000;
                let mut six = [b'0'; 7];
                six[0] = b'.';
                let f = ints.format(frac).as_bytes();
                six[7 - f.len()..].copy_from_slice(f);
                out.extend_from_slice(&six);
            }
            _ => {
                let _ = write!(out, "{:.6}", n as f64 / self.rate);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(v: f32) -> String {
        let mut out = Vec::new();
        NumberText::new().push_f32(&mut out, v);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn floats_read_as_display_writes_them() {
        let special = [
            0.0f32,
            -0.0,
            1.0,
            -1.0,
            0.5,
            120.0,
            31.296968,
            0.12915225,
            1e-7,
            -1.5e-5,
            0.001,
            1e7,
            1.2345e15,
            3.4e38,
            f32::MAX,
            f32::MIN_POSITIVE,
            1e-45,
            16_777_216.0,
            123_456_790.0,
            f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
        ];
        for v in special {
            assert_eq!(text(v), format!("{v}"), "{v:e}");
        }
        // A spread of bit patterns over every exponent.
        let mut bits: u32 = 0x1234_5678;
        for _ in 0..200_000 {
            bits ^= bits << 13;
            bits ^= bits >> 17;
            bits ^= bits << 5;
            let v = f32::from_bits(bits);
            assert_eq!(text(v), format!("{v}"), "bits {bits:#x}");
        }
    }

    #[test]
    fn times_read_as_the_formatter_writes_them() {
        for rate in [2000.0, 1000.0, 4000.0, 250.0, 44_100.0, 512.0, 1500.5, 1.0] {
            let t = TimeText::new(rate);
            for n in (0..50_000u64)
                .chain([7_199_999, 7_200_000, 123_456_789_012])
                .chain([u64::MAX / 1000])
            {
                let mut out = Vec::new();
                t.push(&mut out, n);
                assert_eq!(
                    String::from_utf8(out).unwrap(),
                    format!("{:.6}", n as f64 / rate),
                    "n {n} at {rate} Hz"
                );
            }
        }
    }
}
