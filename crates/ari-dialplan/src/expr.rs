//! Asterisk's `$[...]` expression language (main/ast_expr2.y / ast_expr2.fl).
//!
//! The evaluator reproduces Asterisk's typing rules: a bare number token is a
//! "numeric string", anything else (including quoted text, whose quotes are
//! kept) is a string; arithmetic converts numeric strings to numbers, and
//! comparisons are numeric only when neither side is a string.

/// A value during evaluation (Asterisk's `struct val`).
#[derive(Debug, Clone)]
enum Val {
    /// A computed number (`AST_EXPR_number`), printed with `%g`-style rules.
    Num(f64),
    /// Text that looks like a number (`AST_EXPR_numeric_string`), printed verbatim.
    NumStr(String),
    /// Any other text (`AST_EXPR_string`).
    Str(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Or,
    And,
    Eq,
    Gt,
    Lt,
    Ge,
    Le,
    Ne,
    Plus,
    Minus,
    Mult,
    Div,
    Mod,
    Cond,
    ColonColon,
    Compl,
    Colon,
    EqTilde,
    TildeTilde,
    Lp,
    Rp,
    Comma,
    /// A value token; `true` when it is a numeric string.
    Word(String, bool),
}

/// Why an expression produced no value.
#[derive(Debug)]
enum ExprError {
    Syntax,
}

/// Evaluates an Asterisk `$[...]` expression (the text between the brackets,
/// already variable-substituted) and returns the result as Asterisk prints it.
///
/// Supported: `|`/`||`, `&`/`&&`, `=`/`==`, `!=`, `<`, `>`, `<=`, `>=`, `+`, `-`,
/// `*`, `/`, `%`, unary `-` and `!`, `cond ? a :: b`, `~~` (concatenation),
/// parentheses, double-quoted strings (quotes are kept, as in Asterisk) and
/// the built-in math functions (`FLOOR(x)`, `SQRT(x)`, `POW(a,b)`, ...).
///
/// Arithmetic is floating point like modern Asterisk, so `$[7/2]` is `3.5`;
/// whole results print without decimals. Division by zero yields
/// 2147483647 (Asterisk's `INT_MAX`), modulo by zero yields `0`; neither
/// panics. A syntax error yields `"0"` and an empty expression `""`, as in
/// Asterisk. The regex operators `:` and `=~` are not implemented and are
/// treated as a syntax error (result `"0"`).
pub fn eval_expr(expr: &str) -> String {
    let toks = lex(expr);
    if toks.is_empty() {
        return String::new();
    }
    let mut p = Parser {
        toks,
        pos: 0,
        depth: 0,
    };
    match p.parse_bin(1) {
        Ok(v) if p.pos == p.toks.len() => render(v),
        _ => "0".to_string(),
    }
}

fn render(v: Val) -> String {
    match v {
        Val::Num(n) => format_num(n),
        Val::NumStr(s) | Val::Str(s) => s,
    }
}

fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b".';\\_^#@".contains(&c) || c >= 0x80
}

/// Characters that end the text trailing a `${...}` reference in the lexer.
fn is_trail_stop(c: u8) -> bool {
    b"-\t\r \n$():?%/+=*<>!|&".contains(&c)
}

/// Length of a run of word characters (including `$` followed by anything but `{`).
fn word_len(b: &[u8], start: usize) -> usize {
    let mut i = start;
    loop {
        match b.get(i) {
            Some(&c) if is_word_byte(c) => i += 1,
            Some(b'$') if i + 1 < b.len() && b[i + 1] != b'{' => i += 2,
            _ => break,
        }
    }
    i - start
}

/// Consumes a `${...}` reference starting at `i` (pointing at `$`) plus any
/// trailing text, as the flex `var`/`trail` states do. Returns the end index.
fn var_token_end(b: &[u8], mut i: usize) -> usize {
    loop {
        // i points at "${"
        i += 2;
        let mut depth = 0i32;
        while i < b.len() {
            match b[i] {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth < 0 {
                        break;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        if i >= b.len() {
            return b.len();
        }
        i += 1; // past the closing '}'
        while i < b.len() && !is_trail_stop(b[i]) {
            i += 1;
        }
        if i + 1 < b.len() && b[i] == b'$' && b[i + 1] == b'{' {
            continue;
        }
        return i;
    }
}

fn lex(s: &str) -> Vec<Tok> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0usize;
    let text = |a: usize, e: usize| String::from_utf8_lossy(&b[a..e]).into_owned();
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        let two = |t: Tok| Some((t, 2usize));
        let op = match (c, next) {
            (b'|', Some(b'|')) => two(Tok::Or),
            (b'&', Some(b'&')) => two(Tok::And),
            (b'=', Some(b'=')) => two(Tok::Eq),
            (b'=', Some(b'~')) => two(Tok::EqTilde),
            (b'~', Some(b'~')) => two(Tok::TildeTilde),
            (b'>', Some(b'=')) => two(Tok::Ge),
            (b'<', Some(b'=')) => two(Tok::Le),
            (b'!', Some(b'=')) => two(Tok::Ne),
            (b':', Some(b':')) => two(Tok::ColonColon),
            (b'|', _) => Some((Tok::Or, 1)),
            (b'&', _) => Some((Tok::And, 1)),
            (b'=', _) => Some((Tok::Eq, 1)),
            (b'>', _) => Some((Tok::Gt, 1)),
            (b'<', _) => Some((Tok::Lt, 1)),
            (b'+', _) => Some((Tok::Plus, 1)),
            (b',', _) => Some((Tok::Comma, 1)),
            (b'-', _) => Some((Tok::Minus, 1)),
            (b'*', _) => Some((Tok::Mult, 1)),
            (b'/', _) => Some((Tok::Div, 1)),
            (b'%', _) => Some((Tok::Mod, 1)),
            (b'?', _) => Some((Tok::Cond, 1)),
            (b'!', _) => Some((Tok::Compl, 1)),
            (b':', _) => Some((Tok::Colon, 1)),
            (b'(', _) => Some((Tok::Lp, 1)),
            (b')', _) => Some((Tok::Rp, 1)),
            _ => None,
        };
        if let Some((t, n)) = op {
            out.push(t);
            i += n;
            continue;
        }
        if c == b'$' && next == Some(b'{') {
            let e = var_token_end(b, i);
            out.push(Tok::Word(text(i, e), false));
            i = e;
            continue;
        }
        if matches!(c, b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
            continue;
        }
        if c == b'"' {
            if let Some(rel) = b[i + 1..].iter().position(|&x| x == b'"') {
                let e = i + 1 + rel + 1;
                out.push(Tok::Word(text(i, e), false));
                i = e;
            } else {
                // flex's default rule: an unmatched character is skipped.
                i += 1;
            }
            continue;
        }
        // Numbers: [0-9]+(\.[0-9]+)?
        let mut num_len = 0;
        if c.is_ascii_digit() {
            let mut j = i;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            if j + 1 < b.len() && b[j] == b'.' && b[j + 1].is_ascii_digit() {
                j += 1;
                while j < b.len() && b[j].is_ascii_digit() {
                    j += 1;
                }
            }
            num_len = j - i;
        }
        let wl = word_len(b, i);
        if wl > 0 && b.get(i + wl) == Some(&b'$') && b.get(i + wl + 1) == Some(&b'{') {
            let e = var_token_end(b, i + wl);
            out.push(Tok::Word(text(i, e), false));
            i = e;
        } else if num_len > 0 && num_len >= wl {
            out.push(Tok::Word(text(i, i + num_len), true));
            i += num_len;
        } else if wl > 0 {
            out.push(Tok::Word(text(i, i + wl), false));
            i += wl;
        } else {
            // Unknown character (e.g. a lone '~' or '['): flex echoes and skips it.
            i += 1;
        }
    }
    out
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
    depth: usize,
}

/// Nesting limit so hostile input (e.g. a variable value full of `(`) cannot
/// overflow the stack; deeper expressions count as syntax errors.
const MAX_DEPTH: usize = 256;

/// Binary operator precedence levels, from ast_expr2.y's `%left` lines.
fn bin_level(t: &Tok) -> Option<u8> {
    Some(match t {
        Tok::Cond => 1,
        Tok::Or => 2,
        Tok::And => 3,
        Tok::Eq | Tok::Gt | Tok::Lt | Tok::Ge | Tok::Le | Tok::Ne => 4,
        Tok::Plus | Tok::Minus => 5,
        Tok::Mult | Tok::Div | Tok::Mod => 6,
        // 7 is unary '!' / '-'
        Tok::Colon | Tok::EqTilde | Tok::TildeTilde => 8,
        _ => return None,
    })
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn expect(&mut self, t: Tok) -> Result<(), ExprError> {
        if self.peek() == Some(&t) {
            self.pos += 1;
            Ok(())
        } else {
            Err(ExprError::Syntax)
        }
    }

    /// Precedence climbing over left-associative levels >= `min`.
    fn parse_bin(&mut self, min: u8) -> Result<Val, ExprError> {
        if self.depth >= MAX_DEPTH {
            return Err(ExprError::Syntax);
        }
        self.depth += 1;
        let r = self.parse_bin_inner(min);
        self.depth -= 1;
        r
    }

    fn parse_bin_inner(&mut self, min: u8) -> Result<Val, ExprError> {
        let mut lhs = self.parse_unary()?;
        while let Some(tok) = self.peek().cloned() {
            let Some(level) = bin_level(&tok) else { break };
            if level < min {
                break;
            }
            self.pos += 1;
            if tok == Tok::Cond {
                // The middle operand is delimited by '::', so any expression fits.
                let mid = self.parse_bin(1)?;
                self.expect(Tok::ColonColon)?;
                let rhs = self.parse_bin(2)?;
                lhs = op_cond(lhs, mid, rhs);
                continue;
            }
            let rhs = self.parse_bin(level + 1)?;
            lhs = apply(&tok, lhs, rhs)?;
        }
        Ok(lhs)
    }

    fn parse_unary(&mut self) -> Result<Val, ExprError> {
        match self.peek() {
            Some(Tok::Minus) => {
                self.pos += 1;
                let v = self.parse_bin(8)?;
                Ok(op_negate(v))
            }
            Some(Tok::Compl) => {
                self.pos += 1;
                let v = self.parse_bin(8)?;
                Ok(op_compl(v))
            }
            _ => self.parse_primary(),
        }
    }

    fn parse_primary(&mut self) -> Result<Val, ExprError> {
        match self.peek().cloned() {
            Some(Tok::Lp) => {
                self.pos += 1;
                let v = self.parse_bin(1)?;
                self.expect(Tok::Rp)?;
                Ok(v)
            }
            Some(Tok::Word(w, numeric)) => {
                self.pos += 1;
                if self.peek() == Some(&Tok::Lp) {
                    self.pos += 1;
                    let mut args = vec![self.parse_bin(1)?];
                    while self.peek() == Some(&Tok::Comma) {
                        self.pos += 1;
                        if matches!(self.peek(), Some(Tok::Comma) | Some(Tok::Rp)) {
                            args.push(make_str(""));
                        } else {
                            args.push(self.parse_bin(1)?);
                        }
                    }
                    self.expect(Tok::Rp)?;
                    return Ok(op_func(&w, args));
                }
                Ok(if numeric { Val::NumStr(w) } else { Val::Str(w) })
            }
            _ => Err(ExprError::Syntax),
        }
    }
}

fn apply(op: &Tok, a: Val, b: Val) -> Result<Val, ExprError> {
    Ok(match op {
        Tok::Or => op_or(a, b),
        Tok::And => op_and(a, b),
        Tok::Eq => compare(a, b, |o| o.is_eq()),
        Tok::Ne => compare(a, b, |o| o.is_ne()),
        Tok::Gt => compare(a, b, |o| o.is_gt()),
        Tok::Lt => compare(a, b, |o| o.is_lt()),
        Tok::Ge => compare(a, b, |o| o.is_ge()),
        Tok::Le => compare(a, b, |o| o.is_le()),
        Tok::Plus => op_plus(a, b),
        Tok::Minus => op_minus(a, b),
        Tok::Mult => op_times(a, b),
        Tok::Div => op_div(a, b),
        Tok::Mod => op_rem(a, b),
        Tok::TildeTilde => op_concat(a, b),
        // Regex matching is not implemented.
        _ => return Err(ExprError::Syntax),
    })
}

/// `strtod` on the leading numeric part of `s` (0 when there is none).
fn strtod(s: &str) -> f64 {
    let t = s.trim_start();
    let b = t.as_bytes();
    let mut end = 0;
    if matches!(b.first(), Some(b'+') | Some(b'-')) {
        end = 1;
    }
    let mut seen_digit = false;
    let mut seen_dot = false;
    while end < b.len() {
        match b[end] {
            b'0'..=b'9' => seen_digit = true,
            b'.' if !seen_dot => seen_dot = true,
            _ => break,
        }
        end += 1;
    }
    if !seen_digit {
        return 0.0;
    }
    t[..end].trim_end_matches('.').parse().unwrap_or(0.0)
}

/// C `atoi`: leading whitespace, optional sign, digits; 0 if none.
pub(crate) fn atoi(s: &str) -> i64 {
    scan_int(s).map(|(v, _)| v).unwrap_or(0)
}

/// `sscanf("%d")`-like scan: returns the value and the remaining text.
pub(crate) fn scan_int(s: &str) -> Option<(i64, &str)> {
    let t = s.trim_start();
    let b = t.as_bytes();
    let mut i = 0;
    let neg = match b.first() {
        Some(b'-') => {
            i = 1;
            true
        }
        Some(b'+') => {
            i = 1;
            false
        }
        _ => false,
    };
    let start = i;
    let mut v: i64 = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        v = v.saturating_mul(10).saturating_add((b[i] - b'0') as i64);
        i += 1;
    }
    if i == start {
        return None;
    }
    Some((if neg { -v } else { v }, &t[i..]))
}

fn make_str(s: &str) -> Val {
    let b = s.as_bytes();
    let numeric = !b.is_empty()
        && (b[0].is_ascii_digit() || b[0] == b'.')
        && b.iter().all(|c| c.is_ascii_digit() || *c == b'.');
    if numeric {
        Val::NumStr(s.to_string())
    } else {
        Val::Str(s.to_string())
    }
}

/// Asterisk's `to_number()`: converts numeric strings in place.
fn to_number(v: &mut Val) -> Option<f64> {
    match v {
        Val::Num(n) => Some(*n),
        Val::Str(_) => None,
        Val::NumStr(s) => {
            let n = strtod(s);
            *v = Val::Num(n);
            Some(n)
        }
    }
}

fn to_string(v: Val) -> String {
    match v {
        Val::Num(n) => format_num(n),
        Val::NumStr(s) | Val::Str(s) => s,
    }
}

fn is_zero_or_null(v: &mut Val) -> bool {
    match v {
        Val::Num(n) => *n == 0.0,
        Val::NumStr(s) | Val::Str(s) if s.is_empty() => true,
        _ => to_number(v) == Some(0.0),
    }
}

fn op_or(mut a: Val, b: Val) -> Val {
    if is_zero_or_null(&mut a) {
        b
    } else {
        a
    }
}

fn op_and(mut a: Val, mut b: Val) -> Val {
    if is_zero_or_null(&mut a) || is_zero_or_null(&mut b) {
        Val::Num(0.0)
    } else {
        a
    }
}

fn bool_num(b: bool) -> Val {
    Val::Num(if b { 1.0 } else { 0.0 })
}

fn compare(mut a: Val, mut b: Val, f: fn(std::cmp::Ordering) -> bool) -> Val {
    if matches!(a, Val::Str(_)) || matches!(b, Val::Str(_)) {
        let (x, y) = (to_string(a), to_string(b));
        bool_num(f(x.as_bytes().cmp(y.as_bytes())))
    } else {
        let x = to_number(&mut a).unwrap_or(0.0);
        let y = to_number(&mut b).unwrap_or(0.0);
        // NaN compares false for everything but '!=' in C.
        match x.partial_cmp(&y) {
            Some(o) => bool_num(f(o)),
            None => bool_num(f(std::cmp::Ordering::Less) && f(std::cmp::Ordering::Greater)),
        }
    }
}

fn op_cond(mut a: Val, b: Val, c: Val) -> Val {
    let truth = match &a {
        Val::Str(s) => !s.is_empty() && s != "\"\"" && s != "0",
        _ => to_number(&mut a).map(|n| n != 0.0).unwrap_or(false),
    };
    if truth {
        b
    } else {
        c
    }
}

fn op_plus(mut a: Val, mut b: Val) -> Val {
    match (to_number(&mut a), to_number(&mut b)) {
        (Some(x), Some(y)) => Val::Num(x + y),
        (None, Some(_)) => b,
        (Some(_), None) => a,
        (None, None) => Val::Num(0.0),
    }
}

fn op_minus(mut a: Val, mut b: Val) -> Val {
    match (to_number(&mut a), to_number(&mut b)) {
        (Some(x), Some(y)) => Val::Num(x - y),
        (None, Some(y)) => Val::Num(-y),
        (Some(_), None) => a,
        (None, None) => Val::Num(0.0),
    }
}

fn op_times(mut a: Val, mut b: Val) -> Val {
    match (to_number(&mut a), to_number(&mut b)) {
        (Some(x), Some(y)) => Val::Num(x * y),
        _ => Val::Num(0.0),
    }
}

const INT_MAX: f64 = 2147483647.0;

fn op_div(mut a: Val, mut b: Val) -> Val {
    let Some(x) = to_number(&mut a) else {
        return Val::Num(0.0);
    };
    let Some(y) = to_number(&mut b) else {
        return Val::Num(INT_MAX);
    };
    if y == 0.0 {
        return Val::Num(INT_MAX);
    }
    Val::Num(x / y)
}

fn op_rem(mut a: Val, mut b: Val) -> Val {
    match (to_number(&mut a), to_number(&mut b)) {
        (Some(_), Some(0.0)) => b,
        (Some(x), Some(y)) => Val::Num(x % y), // C fmod semantics
        _ => Val::Num(0.0),
    }
}

fn op_negate(mut a: Val) -> Val {
    match to_number(&mut a) {
        Some(x) => Val::Num(-x),
        None => Val::Num(0.0),
    }
}

fn op_compl(a: Val) -> Val {
    let truth = match &a {
        Val::Num(n) => *n != 0.0,
        Val::NumStr(s) | Val::Str(s) => {
            if s.is_empty() || s == "0" {
                false
            } else {
                atoi(s) != 0
            }
        }
    };
    bool_num(!truth)
}

/// Removes every `"` when the string both starts and ends with one.
fn strip_quotes(s: String) -> String {
    if s.len() >= 2 && s.starts_with('"') && s.ends_with('"') {
        s.replace('"', "")
    } else {
        s
    }
}

fn op_concat(a: Val, b: Val) -> Val {
    let x = strip_quotes(to_string(a));
    let y = strip_quotes(to_string(b));
    make_str(&(x + &y))
}

fn op_func(name: &str, mut args: Vec<Val>) -> Val {
    if !name
        .bytes()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_')
    {
        return Val::Num(0.0);
    }
    let mut nums: Vec<f64> = args
        .iter_mut()
        .map(|a| to_number(a).unwrap_or(0.0))
        .collect();
    let one = |f: fn(f64) -> f64, nums: &mut Vec<f64>| {
        if nums.len() == 1 {
            Val::Num(f(nums[0]))
        } else {
            Val::Num(0.0)
        }
    };
    let two = |f: fn(f64, f64) -> f64, nums: &mut Vec<f64>| {
        if nums.len() == 2 {
            Val::Num(f(nums[0], nums[1]))
        } else {
            Val::Num(0.0)
        }
    };
    match name {
        "COS" => one(f64::cos, &mut nums),
        "SIN" => one(f64::sin, &mut nums),
        "TAN" => one(f64::tan, &mut nums),
        "ACOS" => one(f64::acos, &mut nums),
        "ASIN" => one(f64::asin, &mut nums),
        "ATAN" => one(f64::atan, &mut nums),
        "ATAN2" => two(f64::atan2, &mut nums),
        "POW" => two(f64::powf, &mut nums),
        "SQRT" => one(f64::sqrt, &mut nums),
        "FLOOR" => one(f64::floor, &mut nums),
        "CEIL" => one(f64::ceil, &mut nums),
        "ROUND" => one(f64::round, &mut nums),
        "RINT" => one(f64::round_ties_even, &mut nums),
        "TRUNC" => one(f64::trunc, &mut nums),
        "EXP" => one(f64::exp, &mut nums),
        "EXP2" => one(f64::exp2, &mut nums),
        "EXP10" => one(|x| 10f64.powf(x), &mut nums),
        "LOG" => one(f64::ln, &mut nums),
        "LOG2" => one(f64::log2, &mut nums),
        "LOG10" => one(f64::log10, &mut nums),
        "REMAINDER" => two(
            |x, y| {
                let n = (x / y).round_ties_even();
                x - n * y
            },
            &mut nums,
        ),
        // Dialplan functions need a channel, which the expression evaluator
        // does not have here; Asterisk also yields 0 without one.
        _ => Val::Num(0.0),
    }
}

/// Formats a number the way Asterisk's `%.18Lg` does, within the limits of
/// `f64`: whole numbers below 1e18 print as integers, other values use `%g`
/// style with 15 significant digits (Asterisk's long double gives 18).
pub(crate) fn format_num(x: f64) -> String {
    if x.is_nan() {
        return if x.is_sign_negative() { "-nan" } else { "nan" }.to_string();
    }
    if x.is_infinite() {
        return if x < 0.0 { "-inf" } else { "inf" }.to_string();
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0" } else { "0" }.to_string();
    }
    if x == x.trunc() && x.abs() < 1e18 {
        return format!("{}", x as i64);
    }
    const P: i32 = 15;
    let sci = format!("{:.*e}", (P - 1) as usize, x);
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..18).contains(&exp) {
        let mant = trim_fraction(mant);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mant}e{sign}{:02}", exp.abs())
    } else {
        let decimals = (P - 1 - exp).max(0) as usize;
        trim_fraction(&format!("{x:.decimals$}")).to_string()
    }
}

fn trim_fraction(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::eval_expr as e;

    #[test]
    fn arithmetic() {
        assert_eq!(e("1 + 2"), "3");
        assert_eq!(e("1+2*3"), "7");
        assert_eq!(e("(1+2)*3"), "9");
        assert_eq!(e("10 - 4 - 3"), "3");
        assert_eq!(e("7 / 2"), "3.5");
        assert_eq!(e("10 / 3"), "3.33333333333333");
        assert_eq!(e("8 / 2"), "4");
        assert_eq!(e("7 % 3"), "1");
        assert_eq!(e("-7 % 3"), "-1");
        assert_eq!(e("-5 + 2"), "-3");
        assert_eq!(e("2 * -3"), "-6");
        assert_eq!(e("1.5 + 1.5"), "3");
        assert_eq!(e("0.1 + 0.2"), "0.3");
        assert_eq!(e("1 / 0"), "2147483647");
        assert_eq!(e("5 % 0"), "0");
        assert_eq!(e("abc + 1"), "1");
        assert_eq!(e("3 * abc"), "0");
        assert_eq!(e("FLOOR(7/2)"), "3");
        assert_eq!(e("POW(2,10)"), "1024");
        assert_eq!(e("100000000000 * 100000000"), "1e+19");
        assert_eq!(e("1000000000 * 100000000"), "100000000000000000");
    }

    #[test]
    fn tokens_are_returned_verbatim() {
        assert_eq!(e("05"), "05");
        assert_eq!(e("abc"), "abc");
        assert_eq!(e("\"quoted text\""), "\"quoted text\"");
        assert_eq!(e(""), "");
        assert_eq!(e("   "), "");
    }

    #[test]
    fn comparisons() {
        assert_eq!(e("1 = 1"), "1");
        assert_eq!(e("1 == 2"), "0");
        assert_eq!(e("10 > 9"), "1");
        assert_eq!(e("010 = 10"), "1");
        assert_eq!(e("abc = abc"), "1");
        assert_eq!(e("abc != abd"), "1");
        assert_eq!(e("b > a"), "1");
        assert_eq!(e("10 < abc"), "1"); // string compare: "10" < "abc"
        assert_eq!(e("\"foo\" = \"foo\""), "1");
        assert_eq!(e("\"\" = \"\""), "1");
        assert_eq!(e("\"5\" = 5"), "0");
        assert_eq!(e("2 <= 2"), "1");
        assert_eq!(e("3 >= 4"), "0");
    }

    #[test]
    fn logic() {
        assert_eq!(e("0 | 5"), "5");
        assert_eq!(e("3 | 5"), "3");
        assert_eq!(e("\"\" | x"), "\"\"");
        assert_eq!(e("1 & 0"), "0");
        assert_eq!(e("2 & 3"), "2");
        assert_eq!(e("abc & 1"), "abc");
        assert_eq!(e("1 = 1 & 2 = 2"), "1");
        assert_eq!(e("1 = 2 || 2 = 2"), "1");
        assert_eq!(e("!0"), "1");
        assert_eq!(e("!1"), "0");
        assert_eq!(e("!abc"), "1");
        assert_eq!(e("!(1 = 2)"), "1");
    }

    #[test]
    fn ternary() {
        assert_eq!(e("1 ? yes :: no"), "yes");
        assert_eq!(e("0 ? yes :: no"), "no");
        assert_eq!(e("2 > 1 ? 10 :: 20"), "10");
        assert_eq!(e("\"\" ? a :: b"), "b");
        assert_eq!(e("abc ? a :: b"), "a");
        assert_eq!(e("1 ? 2 + 3 :: 4"), "5");
        assert_eq!(e("0 ? 1 :: 2 + 3"), "5");
    }

    #[test]
    fn concat_and_errors() {
        assert_eq!(e("\"ab\" ~~ cd"), "abcd");
        assert_eq!(e("1 ~~ 2"), "12");
        assert_eq!(e("1 ~~ 2 + 1"), "13");
        assert_eq!(e("1 +"), "0");
        assert_eq!(e("(1 + 2"), "0");
        assert_eq!(e("1 2"), "0");
        assert_eq!(e("abc : a"), "0");
        let deep = "(".repeat(100_000) + "1" + &")".repeat(100_000);
        assert_eq!(e(&deep), "0");
        assert_eq!(e(&"-".repeat(100_000)), "0");
    }
}
