//! Helpers applications need: argument splitting, `Goto`/`GotoIf` target
//! parsing and Asterisk's truth tests.

use crate::expr::scan_int;

/// Splits application data on commas the way Asterisk's
/// `AST_STANDARD_APP_ARGS` (`ast_app_separate_args()`) does.
///
/// * Commas inside `(...)`, `[...]` or double quotes do not split.
/// * Double quotes are **removed** from the result (they only group), as
///   Asterisk does with `remove_chars` set.
/// * A backslash is removed and the character after it is taken literally
///   (so `\,` is a literal comma and `\"` a literal quote).
/// * Empty input gives no arguments; a trailing comma gives a trailing empty
///   argument (`"a,"` → `["a", ""]`).
pub fn split_args(data: &str) -> Vec<String> {
    split_args_delim(data, ',')
}

/// Like [`split_args`] but with a custom delimiter, as Asterisk's
/// `AST_NONSTANDARD_APP_ARGS` (used e.g. for `=` in `Set(name=value)` or `^`).
pub fn split_args_delim(data: &str, delim: char) -> Vec<String> {
    let mut out = Vec::new();
    if data.is_empty() {
        return out;
    }
    let mut cur = String::new();
    let (mut paren, mut bracket, mut quote) = (0u32, 0u32, false);
    let mut ended_with_delim = false;
    let mut chars = data.chars();
    while let Some(c) = chars.next() {
        ended_with_delim = false;
        match c {
            '(' => {
                paren += 1;
                cur.push(c);
            }
            ')' => {
                paren = paren.saturating_sub(1);
                cur.push(c);
            }
            '[' => {
                bracket += 1;
                cur.push(c);
            }
            ']' => {
                bracket = bracket.saturating_sub(1);
                cur.push(c);
            }
            '"' if delim != '"' => quote = !quote,
            '\\' => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            c if c == delim && paren == 0 && bracket == 0 && !quote => {
                out.push(std::mem::take(&mut cur));
                ended_with_delim = true;
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() || ended_with_delim {
        out.push(cur);
    }
    out
}

/// A `Goto` priority: what the last component of a goto target means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GotoTarget {
    /// An absolute priority number (`Goto(ctx,100,2)`).
    Priority(i64),
    /// A priority relative to the current one (`Goto(+2)`, `Goto(-1)`).
    Relative(i64),
    /// A label to resolve in the target extension (`Goto(ctx,100,start)`).
    Label(String),
}

impl GotoTarget {
    /// Interprets a priority string as Asterisk's `pbx_parseable_goto` does:
    /// a leading `+`/`-` makes a number relative; anything that does not
    /// start with a number (`sscanf("%d")`) is a label.
    pub fn parse(pri: &str) -> GotoTarget {
        let (mode, rest) = if let Some(r) = pri.strip_prefix('+') {
            (1, r)
        } else if let Some(r) = pri.strip_prefix('-') {
            (-1, r)
        } else {
            (0, pri)
        };
        match scan_int(rest) {
            Some((n, _)) if mode != 0 => GotoTarget::Relative(n * mode),
            Some((n, _)) => GotoTarget::Priority(n),
            None => GotoTarget::Label(rest.to_string()),
        }
    }
}

/// Splits `Goto([[context,]extension,]priority_or_label)` arguments into
/// `(context, extension, priority)` like Asterisk's `pbx_parseable_goto`.
///
/// One component is a priority, two are `extension,priority`, three are
/// `context,extension,priority` (text after a third comma is ignored, as in
/// Asterisk). Empty context/extension components become `None` ("keep the
/// current one", like `ast_explicit_goto`). Returns `None` for empty input or
/// an empty priority.
pub fn parse_goto(args: &str) -> Option<(Option<String>, Option<String>, String)> {
    if args.is_empty() {
        return None;
    }
    let mut parts = args.splitn(4, ',');
    let a = parts.next().unwrap_or("");
    let b = parts.next();
    let c = parts.next();
    let (ctx, ext, pri) = match (b, c) {
        (None, _) => (None, None, a),
        (Some(b), None) => (None, Some(a), b),
        (Some(b), Some(c)) => (Some(a), Some(b), c),
    };
    if pri.is_empty() {
        return None;
    }
    let nonempty = |s: Option<&str>| s.filter(|s| !s.is_empty()).map(str::to_string);
    Some((nonempty(ctx), nonempty(ext), pri.to_string()))
}

/// Splits `GotoIf(condition?iftrue:iffalse)` data like Asterisk's
/// `pbx_builtin_gotoif`: the condition runs to the first `?`, the true
/// branch to the next `:`, the false branch is the rest. Missing or empty
/// branches are `None` (Asterisk then simply continues). Pass the data after
/// variable substitution, then test the condition with [`is_true`].
pub fn parse_gotoif(data: &str) -> (String, Option<String>, Option<String>) {
    let (cond, rest) = match data.split_once('?') {
        Some((c, r)) => (c, Some(r)),
        None => (data, None),
    };
    let (t, f) = match rest {
        None => (None, None),
        Some(r) => match r.split_once(':') {
            Some((t, f)) => (Some(t), Some(f)),
            None => (Some(r), None),
        },
    };
    let nonempty = |s: Option<&str>| s.filter(|s| !s.is_empty()).map(str::to_string);
    (cond.to_string(), nonempty(t), nonempty(f))
}

/// Asterisk's `pbx_checkcondition()`: empty is false; text that starts with
/// an integer (`sscanf("%d")`, leading blanks allowed) is true when that
/// integer is non-zero; any other text is true. So `"0"`, `" 0"`, `"00"` and
/// `"0.5"` are false, `"abc"` and `"-1"` are true.
pub fn is_true(s: &str) -> bool {
    if s.is_empty() {
        return false;
    }
    match scan_int(s) {
        Some((n, _)) => n != 0,
        None => true,
    }
}

/// Asterisk's `ast_true()`: `yes`, `true`, `y`, `t`, `1` or `on`
/// (case-insensitive). Used for option values, not dialplan conditions.
pub fn ast_true(s: &str) -> bool {
    ["yes", "true", "y", "t", "1", "on"]
        .iter()
        .any(|w| s.eq_ignore_ascii_case(w))
}

/// Asterisk's `ast_false()`: `no`, `false`, `n`, `f`, `0` or `off`
/// (case-insensitive). Note that a value can be neither true nor false.
pub fn ast_false(s: &str) -> bool {
    ["no", "false", "n", "f", "0", "off"]
        .iter()
        .any(|w| s.eq_ignore_ascii_case(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(x: &[&str]) -> Vec<String> {
        x.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn splitting() {
        assert_eq!(split_args(""), Vec::<String>::new());
        assert_eq!(split_args("a"), v(&["a"]));
        assert_eq!(split_args("a,b,c"), v(&["a", "b", "c"]));
        assert_eq!(split_args("a,,c"), v(&["a", "", "c"]));
        assert_eq!(split_args("a,"), v(&["a", ""]));
        assert_eq!(split_args(","), v(&["", ""]));
        assert_eq!(split_args("PJSIP/100,30,tT"), v(&["PJSIP/100", "30", "tT"]));
        assert_eq!(
            split_args("x=${IF($[1=1]?a,b:c)},y"),
            v(&["x=${IF($[1=1]?a,b:c)}", "y"])
        );
        assert_eq!(split_args("\"hello, world\",2"), v(&["hello, world", "2"]));
        assert_eq!(split_args("a\\,b,c"), v(&["a,b", "c"]));
        assert_eq!(split_args("say \\\"hi\\\",x"), v(&["say \"hi\"", "x"]));
        assert_eq!(split_args("[a,b],c"), v(&["[a,b]", "c"]));
        assert_eq!(split_args("f(a,(b,c)),d"), v(&["f(a,(b,c))", "d"]));
        assert_eq!(split_args_delim("name=a=b", '='), v(&["name", "a", "b"]));
    }

    #[test]
    fn goto_parsing() {
        assert_eq!(parse_goto("5"), Some((None, None, "5".into())));
        assert_eq!(
            parse_goto("100,1"),
            Some((None, Some("100".into()), "1".into()))
        );
        assert_eq!(
            parse_goto("ctx,100,start"),
            Some((Some("ctx".into()), Some("100".into()), "start".into()))
        );
        assert_eq!(
            parse_goto(",s,1"),
            Some((None, Some("s".into()), "1".into()))
        );
        assert_eq!(parse_goto(""), None);
        assert_eq!(parse_goto("s,"), None);
        assert_eq!(GotoTarget::parse("3"), GotoTarget::Priority(3));
        assert_eq!(GotoTarget::parse("+2"), GotoTarget::Relative(2));
        assert_eq!(GotoTarget::parse("-1"), GotoTarget::Relative(-1));
        assert_eq!(GotoTarget::parse("loop"), GotoTarget::Label("loop".into()));
    }

    #[test]
    fn gotoif_parsing() {
        assert_eq!(
            parse_gotoif("1?yes:no"),
            ("1".into(), Some("yes".into()), Some("no".into()))
        );
        assert_eq!(
            parse_gotoif("0?yes"),
            ("0".into(), Some("yes".into()), None)
        );
        assert_eq!(parse_gotoif("0?:no"), ("0".into(), None, Some("no".into())));
        assert_eq!(
            parse_gotoif("1?ctx,s,1:other,2"),
            ("1".into(), Some("ctx,s,1".into()), Some("other,2".into()))
        );
        assert_eq!(parse_gotoif("1"), ("1".into(), None, None));
    }

    #[test]
    fn truth() {
        assert!(!is_true(""));
        assert!(!is_true("0"));
        assert!(!is_true("00"));
        assert!(!is_true(" 0"));
        assert!(!is_true("0.5"));
        assert!(is_true("1"));
        assert!(is_true("-1"));
        assert!(is_true("abc"));
        assert!(is_true("12abc"));
        assert!(ast_true("Yes") && ast_true("on") && ast_true("1") && ast_true("t"));
        assert!(!ast_true("") && !ast_true("2") && !ast_true("nope"));
        assert!(ast_false("off") && ast_false("NO") && !ast_false("yes"));
    }
}
