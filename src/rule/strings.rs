//! Equality of the short strings every evaluation compares (object keys, condition types,
//! statuses and reasons), without a call to `memcmp`: most are under 16 bytes, and most
//! comparisons fail, so two overlapping loads from each end decide them.

/// `a == b`, for strings of any length, fastest for short ones.
#[inline(always)]
pub(crate) fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && short_eq(a, b).unwrap_or_else(|| a == b)
}

/// Equality of two byte strings of the same length, when it is at most 16 (`None` above).
/// Lengths 4 to 16 are compared as two overlapping words from each end (together they cover
/// every byte); shorter ones byte by byte.
#[inline(always)]
fn short_eq(a: &[u8], b: &[u8]) -> Option<bool> {
    let n = a.len();
    Some(match n {
        0 => true,
        1..=3 => a.first() == b.first() && a.get(n / 2) == b.get(n / 2) && a.last() == b.last(),
        4..=7 => ends::<4>(a) == ends::<4>(b),
        8..=16 => ends::<8>(a) == ends::<8>(b),
        _ => return None,
    })
}

/// The first and the last `W` bytes of `s` (`s` holds at least `W`), as two arrays.
#[inline(always)]
fn ends<const W: usize>(s: &[u8]) -> ([u8; W], [u8; W]) {
    let n = s.len();
    let first = s.get(..W).and_then(|p| p.try_into().ok()).unwrap_or([0; W]);
    let last = s
        .get(n.saturating_sub(W)..)
        .and_then(|p| p.try_into().ok())
        .unwrap_or([0; W]);
    (first, last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_the_same_exactly_when_equal_at_every_length() {
        // Every length through the word boundaries, differing at every position in turn.
        let base = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ";
        for n in 0..=40 {
            let a = &base[..n];
            assert!(same(a, a), "{a:?} itself");
            assert!(!same(a, &base[..n + 1]), "{a:?} against a longer one");
            for at in 0..n {
                let mut b = a.as_bytes().to_vec();
                b[at] = b'_';
                let b = String::from_utf8(b).expect("ascii");
                assert!(!same(a, &b), "{a:?} against {b:?}");
            }
        }
    }

    #[test]
    fn multibyte_strings_compare_by_their_bytes() {
        assert!(same("Bereit ✓", "Bereit ✓"));
        assert!(!same("Bereit ✓", "Bereit ✗"));
        assert!(!same("é", "e\u{301}"));
    }
}
