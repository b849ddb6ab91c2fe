//! Extension pattern matching and ordering, following Asterisk's
//! `_extension_match_core()` and `ext_cmp()` (main/pbx.c).

use std::cmp::Ordering;

/// Returns true when `exten` matches the extension `pattern`.
///
/// This mirrors Asterisk's `ast_extension_match()` (the `E_MATCH` mode):
///
/// * A pattern that does not start with `_` is a literal and must equal `exten`
///   exactly (case-sensitive). As in Asterisk, `-` characters are "eye candy"
///   and are ignored on both sides, so `555-1234` matches `5551234`.
/// * A pattern starting with `_` may contain `X` (0-9), `Z` (1-9), `N` (2-9)
///   (lower case accepted too, like Asterisk), `[...]` sets with `a-b` ranges,
///   `.` (one or more further characters), `!` (zero or more further
///   characters) and literal characters (case-sensitive). `-` is ignored.
/// * A `_` pattern given as `exten` that is identical (by Asterisk's pattern
///   comparison) to `pattern` also matches, as Asterisk does.
///
/// An unterminated `[` makes the match fail (Asterisk logs a warning and fails).
pub fn pattern_matches(pattern: &str, exten: &str) -> bool {
    let p = pattern.as_bytes();
    let d = exten.as_bytes();
    if p.first() != Some(&b'_') {
        return ext_cmp_exten(p, d) == Ordering::Equal;
    }
    if d.first() == Some(&b'_') && ext_cmp_pattern(&p[1..], &d[1..]) == Ordering::Equal {
        return true;
    }
    match_pattern(&p[1..], d)
}

/// Core of the `_` pattern matcher (E_MATCH mode of `_extension_match_core`).
fn match_pattern(p: &[u8], d: &[u8]) -> bool {
    let (mut pi, mut di) = (0usize, 0usize);
    loop {
        while d.get(di) == Some(&b'-') {
            di += 1;
        }
        while p.get(pi) == Some(&b'-') {
            pi += 1;
        }
        let (Some(&pc), Some(&dc)) = (p.get(pi), d.get(di)) else {
            break;
        };
        if pc == b'/' {
            break;
        }
        match pc {
            b'[' => {
                let start = pi + 1;
                let Some(rel_end) = p[start..].iter().position(|&c| c == b']') else {
                    return false;
                };
                let end = start + rel_end;
                if start == end {
                    // Empty sets are ignored (and do not consume data).
                    pi = end + 1;
                    continue;
                }
                let mut q = start;
                let mut found = false;
                while q < end {
                    if q + 2 < end && p[q + 1] == b'-' {
                        if dc >= p[q] && dc <= p[q + 2] {
                            found = true;
                            break;
                        }
                        q += 3;
                    } else {
                        if dc == p[q] {
                            found = true;
                            break;
                        }
                        q += 1;
                    }
                }
                if !found {
                    return false;
                }
                pi = end;
            }
            b'n' | b'N' => {
                if !(b'2'..=b'9').contains(&dc) {
                    return false;
                }
            }
            b'x' | b'X' => {
                if !dc.is_ascii_digit() {
                    return false;
                }
            }
            b'z' | b'Z' => {
                if !(b'1'..=b'9').contains(&dc) {
                    return false;
                }
            }
            // '.' needs at least one character, which we know is present here.
            b'.' => return true,
            b'!' => return true,
            _ => {
                if dc != pc {
                    return false;
                }
            }
        }
        pi += 1;
        di += 1;
    }
    if di < d.len() {
        // Data longer than the pattern.
        return false;
    }
    // Ran off the end of the data: exact match only if the pattern ended too,
    // or what remains is an early-match '!'.
    matches!(p.get(pi), None | Some(b'/') | Some(b'!'))
}

/// Asterisk's `ext_cmp_exten()`: byte comparison ignoring `-`.
fn ext_cmp_exten(l: &[u8], r: &[u8]) -> Ordering {
    let (mut i, mut j) = (0usize, 0usize);
    loop {
        while l.get(i) == Some(&b'-') {
            i += 1;
        }
        while r.get(j) == Some(&b'-') {
            j += 1;
        }
        let a = l.get(i).copied().unwrap_or(0);
        let b = r.get(j).copied().unwrap_or(0);
        let c = a.cmp(&b);
        if c != Ordering::Equal || a == 0 {
            return c;
        }
        i += 1;
        j += 1;
    }
}

/// One position of Asterisk's `ext_cmp_pattern_pos()`: returns the weight of
/// the next pattern element and fills `bits` with the set of characters it
/// accepts (most significant bit = lowest character). `pos` becomes `None`
/// once the end of the pattern was reached.
fn ext_cmp_pattern_pos(p: &[u8], pos: &mut Option<usize>, bits: &mut [u8; 32]) -> i32 {
    loop {
        let Some(mut i) = *pos else {
            return 0x30000;
        };
        let mut c = p.get(i).copied().unwrap_or(0);
        i += 1;
        while c == b'-' {
            c = p.get(i).copied().unwrap_or(0);
            i += 1;
        }
        *pos = Some(i);
        match c {
            b'n' | b'N' => {
                bits[6] = 0x3f;
                bits[7] = 0xc0;
                return 0x0800 | b'2' as i32;
            }
            b'x' | b'X' => {
                bits[6] = 0xff;
                bits[7] = 0xc0;
                return 0x0A00 | b'0' as i32;
            }
            b'z' | b'Z' => {
                bits[6] = 0x7f;
                bits[7] = 0xc0;
                return 0x0900 | b'1' as i32;
            }
            b'.' => return 0x18000,
            b'!' => return 0x28000,
            0 => {
                *pos = None;
                return 0x30000;
            }
            b'[' => {
                let Some(rel) = p[i..].iter().position(|&c| c == b']') else {
                    return 0x40000;
                };
                let end = i + rel;
                let mut count = 0i32;
                let mut cmin = 0xffu8;
                let mut q = i;
                while q < end {
                    let c1 = p[q];
                    let c2 = if q + 2 < end && p[q + 1] == b'-' {
                        q += 2;
                        p[q]
                    } else {
                        c1
                    };
                    cmin = cmin.min(c1);
                    let mut ch = c1 as u32;
                    while ch <= c2 as u32 {
                        let mask = 1u8 << (7 - (ch % 8));
                        let byte = &mut bits[(ch / 8) as usize];
                        if *byte & mask == 0 {
                            *byte |= mask;
                            count += 0x100;
                        }
                        ch += 1;
                    }
                    q += 1;
                }
                *pos = Some(end + 1);
                if count != 0 {
                    return count | cmin as i32;
                }
                // Empty set: ignored, look at the next element.
            }
            _ => {
                bits[(c / 8) as usize] = 1 << (7 - (c % 8));
                return 0x0100 | c as i32;
            }
        }
    }
}

/// Asterisk's `ext_cmp_pattern()` (patterns without the leading `_`).
fn ext_cmp_pattern(l: &[u8], r: &[u8]) -> Ordering {
    let mut lp = Some(0usize);
    let mut rp = Some(0usize);
    loop {
        let mut lb = [0u8; 32];
        let mut rb = [0u8; 32];
        let lw = ext_cmp_pattern_pos(l, &mut lp, &mut lb);
        let rw = ext_cmp_pattern_pos(r, &mut rp, &mut rb);
        let mut c = lw.cmp(&rw);
        if c == Ordering::Equal {
            // Reversed on purpose, as in Asterisk: the set holding the lower
            // characters sorts first.
            c = rb.cmp(&lb);
        }
        if c != Ordering::Equal || lp.is_none() {
            return c;
        }
    }
}

/// Asterisk's `ext_cmp()`: the order in which a context's extensions are
/// tried. Literal extensions come before patterns; patterns are ordered from
/// most to least specific, position by position (single character, then
/// smaller sets such as `N`/`Z`/`X`/`[..]`, then `.`, then `!`, then end).
/// Two names comparing `Equal` denote the same extension.
pub fn ext_cmp(left: &str, right: &str) -> Ordering {
    let l = left.as_bytes();
    let r = right.as_bytes();
    match (l.first() == Some(&b'_'), r.first() == Some(&b'_')) {
        (false, true) => Ordering::Less,
        (true, false) => Ordering::Greater,
        (false, false) => ext_cmp_exten(l, r),
        (true, true) => ext_cmp_pattern(&l[1..], &r[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_matching() {
        assert!(pattern_matches("100", "100"));
        assert!(!pattern_matches("100", "1000"));
        assert!(!pattern_matches("100", "10"));
        assert!(pattern_matches("s", "s"));
        assert!(!pattern_matches("s", "S"));
        assert!(pattern_matches("555-1234", "5551234"));
        // Without the underscore, X is a literal.
        assert!(!pattern_matches("1XX", "123"));
        assert!(pattern_matches("1XX", "1XX"));
    }

    #[test]
    fn wildcard_matching() {
        assert!(pattern_matches("_XZN", "012"));
        assert!(!pattern_matches("_XZN", "002"));
        assert!(!pattern_matches("_XZN", "011"));
        assert!(pattern_matches("_xzn", "012"));
        assert!(pattern_matches("_1[2-4a]X", "1a9"));
        assert!(pattern_matches("_1[2-4a]X", "139"));
        assert!(!pattern_matches("_1[2-4a]X", "159"));
        assert!(pattern_matches("_9.", "91"));
        assert!(pattern_matches("_9.", "9123"));
        assert!(!pattern_matches("_9.", "9"));
        assert!(pattern_matches("_9!", "9"));
        assert!(pattern_matches("_9!", "9123"));
        assert!(!pattern_matches("_9!", "8"));
        assert!(pattern_matches("_XZN.!", "0129"));
        assert!(!pattern_matches("_XZN.!", "012"));
        assert!(pattern_matches("_1[]X", "15"));
        assert!(!pattern_matches("_1[2", "12"));
        assert!(pattern_matches("_abc", "abc"));
        assert!(!pattern_matches("_abc", "ABC"));
        assert!(pattern_matches("_X.", "_X."));
    }

    #[test]
    fn ordering() {
        let mut v = vec![
            "_X.", "_1!", "_1XX", "_1[2-3]X", "_12X", "123", "_N", "_!", "_1.",
        ];
        v.sort_by(|a, b| ext_cmp(a, b));
        assert_eq!(
            v,
            vec!["123", "_12X", "_1[2-3]X", "_1XX", "_1.", "_1!", "_N", "_X.", "_!"]
        );
        assert_eq!(ext_cmp("_1-X", "_1X"), Ordering::Equal);
        assert_eq!(ext_cmp("5-5", "55"), Ordering::Equal);
        // Equal-size sets: the one with lower characters first.
        assert_eq!(ext_cmp("_[13]", "_[24]"), Ordering::Less);
    }
}
