//! `${...}` / `$[...]` substitution, after Asterisk's
//! `pbx_substitute_variables_helper_full()` (main/pbx_variables.c).

use crate::expr::{eval_expr, scan_int};

/// Expands `${...}` references and `$[...]` expressions in `input`.
///
/// * `${NAME}` and `${FUNC(args)}`: the text between the braces (after
///   expanding any nested `${...}`/`$[...]` in it) is handed to `resolve`,
///   which returns `None` for unknown names (expanded as empty text, as
///   Asterisk does). The resolver decides what is a variable and what a
///   function; e.g. it receives `EXTEN` or `CALLERID(num)`.
/// * `${NAME:offset}` / `${NAME:offset:length}`: a top-level `:` (outside
///   parentheses) introduces a substring; `resolve` gets only the part before
///   it. Negative offsets count from the end; a negative length drops that
///   many characters from the end (Asterisk's `substring()`), counted in
///   characters rather than bytes.
/// * `$[expr]`: the inner text is expanded, then evaluated with
///   [`eval_expr`]. Brackets nest.
/// * A `$` not followed by `{` or `[` is copied literally.
///
/// Asterisk performs no backslash processing at this stage (escapes are
/// handled by the configuration reader and by argument splitting), so
/// neither does this function. An unterminated `${` or `$[` takes the rest of
/// the input as its content, as Asterisk does.
pub fn substitute(input: &str, resolve: &mut dyn FnMut(&str) -> Option<String>) -> String {
    let b = input.as_bytes();
    let mut out = String::with_capacity(input.len());
    let mut i = 0usize;
    while i < b.len() {
        let Some(rel) = b[i..].iter().position(|&c| c == b'$') else {
            out.push_str(&input[i..]);
            break;
        };
        let d = i + rel;
        out.push_str(&input[i..d]);
        match b.get(d + 1) {
            Some(b'{') => {
                let (inner, needsub, end) = scan_block(b, d + 2, b'{', b'}');
                i = end;
                let inner = &input[d + 2..d + 2 + inner];
                let name = if needsub {
                    substitute(inner, resolve)
                } else {
                    inner.to_string()
                };
                let (base, offset, length) = parse_variable_name(&name);
                if let Some(value) = resolve(base) {
                    out.push_str(&substring(&value, offset, length));
                }
            }
            Some(b'[') => {
                let (inner, needsub, end) = scan_block(b, d + 2, b'[', b']');
                i = end;
                let inner = &input[d + 2..d + 2 + inner];
                let expr = if needsub {
                    substitute(inner, resolve)
                } else {
                    inner.to_string()
                };
                out.push_str(&eval_expr(&expr));
            }
            _ => {
                out.push('$');
                i = d + 1;
            }
        }
    }
    out
}

/// Finds the end of a `${`/`$[` block starting at `start` (just after the
/// opening bracket). Returns (content length, needs nested substitution,
/// index after the block). Mirrors Asterisk's bracket counting exactly:
/// `${` and `$[` both count as nested substitutions, but only the same kind
/// of bracket as the block's own counts towards nesting.
fn scan_block(b: &[u8], start: usize, open: u8, close: u8) -> (usize, bool, usize) {
    let mut depth = 1;
    let mut needsub = false;
    let mut k = start;
    while depth > 0 && k < b.len() {
        let c = b[k];
        let next = b.get(k + 1).copied();
        if c == b'$' && (next == Some(b'{') || next == Some(b'[')) {
            needsub = true;
            if next == Some(open) {
                depth += 1;
            }
            k += 1;
        } else if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
        }
        k += 1;
    }
    if depth == 0 {
        (k - 1 - start, needsub, k)
    } else {
        (k - start, needsub, k)
    }
}

/// Splits `NAME:offset:length` at the first `:` outside parentheses
/// (Asterisk's `parse_variable_name`). Unparsable numbers leave the defaults
/// (offset 0, whole length), as `sscanf` does.
fn parse_variable_name(name: &str) -> (&str, i64, i64) {
    let mut parens = 0i32;
    for (i, c) in name.char_indices() {
        match c {
            '(' => parens += 1,
            ')' => parens -= 1,
            ':' if parens == 0 => {
                let spec = &name[i + 1..];
                let mut offset = 0;
                let mut length = i64::MAX;
                if let Some((o, rest)) = scan_int(spec) {
                    offset = o;
                    if let Some(rest) = rest.strip_prefix(':') {
                        if let Some((l, _)) = scan_int(rest) {
                            length = l;
                        }
                    }
                }
                return (&name[..i], offset, length);
            }
            _ => {}
        }
    }
    (name, 0, i64::MAX)
}

/// Asterisk's `substring()` on characters.
fn substring(value: &str, offset: i64, length: i64) -> String {
    let chars: Vec<char> = value.chars().collect();
    let lr = chars.len() as i64;
    if offset == 0 && length >= lr {
        return value.to_string();
    }
    let mut offset = offset;
    if offset < 0 {
        offset = (lr + offset).max(0);
    }
    if offset >= lr {
        return String::new();
    }
    let rest = &chars[offset as usize..];
    let avail = lr - offset;
    let take = if length >= 0 {
        length.min(avail)
    } else if avail > -length {
        avail + length
    } else {
        0
    };
    rest[..take as usize].iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn sub(input: &str) -> String {
        let vars: HashMap<&str, &str> = [
            ("EXTEN", "5551234"),
            ("NAME", "world"),
            ("WHICH", "NAME"),
            ("A", "3"),
            ("B", "4"),
            ("CALLERID(num)", "100"),
            ("LEN(world)", "5"),
            ("EMPTY", ""),
        ]
        .into_iter()
        .collect();
        substitute(input, &mut |n| vars.get(n).map(|s| s.to_string()))
    }

    #[test]
    fn variables_and_functions() {
        assert_eq!(sub("hello ${NAME}!"), "hello world!");
        assert_eq!(sub("${UNKNOWN}x"), "x");
        assert_eq!(sub("${CALLERID(num)}"), "100");
        assert_eq!(sub("${${WHICH}}"), "world");
        assert_eq!(sub("${LEN(${NAME})}"), "5");
        assert_eq!(sub("cost $5 and $"), "cost $5 and $");
        assert_eq!(sub("a\\${NAME}"), "a\\world");
        assert_eq!(sub("${NAME"), "world");
    }

    #[test]
    fn substrings() {
        assert_eq!(sub("${EXTEN:1}"), "551234");
        assert_eq!(sub("${EXTEN:0:3}"), "555");
        assert_eq!(sub("${EXTEN:-4}"), "1234");
        assert_eq!(sub("${EXTEN:-4:2}"), "12");
        assert_eq!(sub("${EXTEN:1:-2}"), "5512");
        assert_eq!(sub("${EXTEN:-20}"), "5551234");
        assert_eq!(sub("${EXTEN:20}"), "");
        assert_eq!(sub("${EXTEN:0:-20}"), "");
        assert_eq!(sub("${EXTEN::3}"), "5551234");
        assert_eq!(sub("${CALLERID(num):1}"), "00");
        assert_eq!(substring("héllo", 1, 3), "éll");
    }

    #[test]
    fn expressions() {
        assert_eq!(sub("$[${A} + ${B}]"), "7");
        assert_eq!(sub("$[${A} * (${B} - 1)]"), "9");
        assert_eq!(sub("x$[1 + $[2 * 3]]y"), "x7y");
        assert_eq!(sub("$[\"${EMPTY}\" = \"\"]"), "1");
        assert_eq!(sub("$[${EXTEN:0:3} = 555]"), "1");
        assert_eq!(sub("${EXTEN:$[${A} - 1]}"), "51234");
        assert_eq!(sub("$[${NAME} = world ? yes :: no]"), "yes");
        // Stray brackets are skipped by the expression lexer, like flex does.
        assert_eq!(sub("$[1 + [2]]"), "3");
    }
}
