//! A pure (no I/O beyond [`Dialplan::load`], no async) implementation of the
//! subset of Asterisk's `extensions.conf` dialplan that ari-server needs.
//!
//! It provides what a channel executor needs to walk a dialplan the way
//! Asterisk's PBX core does:
//!
//! * [`Dialplan::parse`] / [`Dialplan::load`]: the `extensions.conf` reader
//!   (contexts, `exten`/`same`, `n` priorities, labels, `include`, `[globals]`).
//! * [`Dialplan::find`], [`Dialplan::find_label`], [`Dialplan::exten_exists`]:
//!   extension lookup with Asterisk's matching order and include handling.
//! * [`pattern_matches`] / [`ext_cmp`]: extension patterns and their ordering.
//! * [`substitute`]: `${VAR}`, `${FUNC(args)}`, `${VAR:offset:length}` and
//!   `$[expression]` expansion, with [`eval_expr`] for the expression language.
//! * [`split_args`], [`parse_goto`], [`parse_gotoif`], [`is_true`],
//!   [`ast_true`]: the helpers applications such as `Goto`/`GotoIf` rely on.
//!
//! Behaviour follows Asterisk's C code (main/pbx.c, main/pbx_variables.c,
//! main/ast_expr2.y, main/app.c, pbx/pbx_config.c, main/config.c); the
//! deliberate differences are listed on the items concerned.

#![warn(missing_docs)]

mod app;
mod expr;
mod pattern;
mod subst;

pub use app::{
    ast_false, ast_true, is_true, parse_goto, parse_gotoif, split_args, split_args_delim,
    GotoTarget,
};
pub use expr::eval_expr;
pub use pattern::{ext_cmp, pattern_matches};
pub use subst::substitute;

use std::collections::HashMap;
use std::path::Path;

/// A dialplan syntax (or load) error, displayed as `file:line: message`.
///
/// `line` is 1-based; it is 0 when the file could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct ParseError {
    /// The file name given to [`Dialplan::parse`] (or the path given to [`Dialplan::load`]).
    pub file: String,
    /// The 1-based line the problem was found on.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// One priority of an extension: the application to run and its raw data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The priority number (1-based; `n` priorities are already resolved).
    pub priority: u32,
    /// The label given as `n(label)` / `1(label)`, if any.
    pub label: Option<String>,
    /// The application name, e.g. `Dial` (trimmed, case as written).
    pub app: String,
    /// The application data between the first `(` and the last `)`,
    /// unsubstituted (run it through [`substitute`] at execution time).
    pub data: String,
    /// The source line the step was defined on, for diagnostics.
    pub line: usize,
}

/// An extension (literal or `_` pattern) and its priorities.
#[derive(Debug, Clone)]
struct Extension {
    name: String,
    /// Sorted by priority.
    steps: Vec<Step>,
    /// Priority of the most recently defined line, the base for `n`.
    last_priority: u32,
}

impl Extension {
    fn step(&self, priority: u32) -> Option<&Step> {
        self.steps
            .binary_search_by_key(&priority, |s| s.priority)
            .ok()
            .map(|i| &self.steps[i])
    }

    fn label(&self, label: &str) -> Option<u32> {
        self.steps
            .iter()
            .find(|s| s.label.as_deref() == Some(label))
            .map(|s| s.priority)
    }
}

#[derive(Debug, Clone, Default)]
struct Context {
    /// Kept in Asterisk's `ext_cmp` order, which is the order lookups try them.
    extensions: Vec<Extension>,
    /// Included contexts, in definition order.
    includes: Vec<String>,
}

/// A parsed dialplan: contexts with their extensions, includes and globals.
#[derive(Debug, Clone, Default)]
pub struct Dialplan {
    contexts: HashMap<String, Context>,
    /// Context names in the order they were first defined.
    order: Vec<String>,
    globals: Vec<(String, String)>,
}

impl Dialplan {
    /// Parses `extensions.conf` text. `file` is only used in error messages.
    ///
    /// Accepted syntax (a subset of Asterisk's):
    ///
    /// * `[name]` context headers (`[name](+)` too); `[general]` is accepted
    ///   and ignored, `[globals]` holds `NAME=value` lines (see [`Self::globals`]).
    ///   Repeating a context header adds to the existing context, as Asterisk does.
    /// * `exten => ext,priority,App(data)` and `same => priority,App(data)`;
    ///   `=`/`=>`, with or without spaces. Priorities are numbers, `n`/`next`
    ///   (previous priority of the same extension + 1), optionally followed by
    ///   `(label)`. `hint` priorities are skipped. The application may have no
    ///   parentheses (`NoOp`) or empty ones.
    /// * `include => context`; `ignorepat => ...` is accepted and ignored.
    /// * `;` comments, `\;` for a literal semicolon, `;-- ... --;` block comments.
    ///
    /// Where Asterisk only logs a warning and skips the line, this parser
    /// returns an error, so mistakes are not silently dropped: a line outside
    /// any context, a line without `=`, an unknown directive in a context, an
    /// invalid priority, `n` with no previous priority for that extension
    /// (Asterisk would continue from the previous line's priority even when it
    /// belonged to another extension), a duplicate priority or label in one
    /// extension, an unbalanced `(` in the application, an unterminated `[` in
    /// a pattern, and unsupported features (`#include`, `switch`, timed
    /// includes, caller-ID matching `ext/cid`, `same`-priority `s`).
    pub fn parse(src: &str, file: &str) -> Result<Dialplan, ParseError> {
        Parser {
            file,
            plan: Dialplan::default(),
            section: Section::None,
            last_exten: None,
        }
        .run(src)
    }

    /// Reads and parses a file; an unreadable file is a [`ParseError`] with line 0.
    pub fn load(path: &Path) -> Result<Dialplan, ParseError> {
        let file = path.display().to_string();
        let src = std::fs::read_to_string(path).map_err(|e| ParseError {
            file: file.clone(),
            line: 0,
            message: format!("cannot read dialplan: {e}"),
        })?;
        Self::parse(&src, &file)
    }

    /// The `[globals]` entries in definition order. A name defined twice keeps
    /// its first position and its last value (later definitions overwrite,
    /// like `Set(GLOBAL(...))` does in Asterisk). Values are trimmed and
    /// unsubstituted.
    pub fn globals(&self) -> &[(String, String)] {
        &self.globals
    }

    /// True when a context of that name (case-sensitive) was defined, even if
    /// it is empty.
    pub fn has_context(&self, ctx: &str) -> bool {
        self.contexts.contains_key(ctx)
    }

    /// Names of all defined contexts, in order of first definition.
    pub fn context_names(&self) -> impl Iterator<Item = &str> {
        self.order.iter().map(String::as_str)
    }

    /// Finds the step to run for `exten` at `priority` in `context`.
    ///
    /// As in Asterisk's `pbx_find_extension`, the context's own extensions are
    /// tried first, in [`ext_cmp`] order (exact literals first, then patterns
    /// from most to least specific); the first matching extension that *has*
    /// this priority wins, so a more specific pattern without the priority
    /// falls through to a less specific one. Then each `include` is searched
    /// the same way, depth-first in definition order; a context is never
    /// searched twice in one lookup, so include loops are harmless.
    pub fn find(&self, context: &str, exten: &str, priority: u32) -> Option<&Step> {
        self.search(context, exten, &mut Vec::new(), &|e| e.step(priority))
    }

    /// Resolves a priority label for `exten` in `context` (following includes
    /// like [`Self::find`]); labels are case-sensitive.
    pub fn find_label(&self, context: &str, exten: &str, label: &str) -> Option<u32> {
        self.search(context, exten, &mut Vec::new(), &|e| e.label(label))
    }

    /// Asterisk's `ast_exists_extension(..., priority 1)`: whether `exten`
    /// can be dialled in `ctx`, i.e. whether a matching extension with a
    /// priority 1 is reachable.
    pub fn exten_exists(&self, ctx: &str, exten: &str) -> bool {
        self.find(ctx, exten, 1).is_some()
    }

    /// Name (as written, e.g. `_1XX`) of the extension [`Self::find`] would use
    /// for `exten` at `priority`, together with the context it was found in.
    pub fn matching_extension(
        &self,
        context: &str,
        exten: &str,
        priority: u32,
    ) -> Option<(&str, &str)> {
        self.search_ctx(context, exten, &mut Vec::new(), &|ctx, e| {
            e.step(priority).map(|_| (ctx, e.name.as_str()))
        })
    }

    /// Resolves `Goto` data (already substituted) against the current position
    /// like Asterisk's `pbx_parseable_goto`: missing context/extension default
    /// to the current ones, `+N`/`-N` are relative to `cur_priority`, and a
    /// label is looked up in the target context/extension. Returns
    /// `(context, extension, priority)`; `None` when the data is empty, the
    /// label is unknown or the priority would be below 1. The target's
    /// existence is not checked (Asterisk does not either).
    pub fn resolve_goto(
        &self,
        cur_context: &str,
        cur_exten: &str,
        cur_priority: u32,
        args: &str,
    ) -> Option<(String, String, u32)> {
        let (ctx, ext, pri) = parse_goto(args)?;
        let ctx = ctx.unwrap_or_else(|| cur_context.to_string());
        let ext = ext.unwrap_or_else(|| cur_exten.to_string());
        let pri = match GotoTarget::parse(&pri) {
            GotoTarget::Priority(n) => n,
            GotoTarget::Relative(d) => cur_priority as i64 + d,
            GotoTarget::Label(l) => {
                // Asterisk strips the sign before trying the label.
                self.find_label(&ctx, &ext, &l)? as i64
            }
        };
        let pri = u32::try_from(pri).ok().filter(|p| *p >= 1)?;
        Some((ctx, ext, pri))
    }

    fn search<'a, T>(
        &'a self,
        context: &str,
        exten: &str,
        visited: &mut Vec<&'a str>,
        f: &dyn Fn(&'a Extension) -> Option<T>,
    ) -> Option<T> {
        self.search_ctx(context, exten, visited, &|_, e| f(e))
    }

    fn search_ctx<'a, T>(
        &'a self,
        context: &str,
        exten: &str,
        visited: &mut Vec<&'a str>,
        f: &dyn Fn(&'a str, &'a Extension) -> Option<T>,
    ) -> Option<T> {
        if visited.iter().any(|v| v.eq_ignore_ascii_case(context)) {
            return None;
        }
        let (name, ctx) = self.contexts.get_key_value(context)?;
        for e in &ctx.extensions {
            if pattern_matches(&e.name, exten) {
                if let Some(r) = f(name, e) {
                    return Some(r);
                }
            }
        }
        visited.push(name);
        for inc in &ctx.includes {
            if let Some(r) = self.search_ctx(inc, exten, visited, f) {
                return Some(r);
            }
        }
        None
    }
}

enum Section {
    None,
    General,
    Globals,
    Context(String),
}

struct Parser<'f> {
    file: &'f str,
    plan: Dialplan,
    section: Section,
    /// Extension of the last `exten` line in the current context (for `same`).
    last_exten: Option<String>,
}

impl Parser<'_> {
    fn err(&self, line: usize, message: impl Into<String>) -> ParseError {
        ParseError {
            file: self.file.to_string(),
            line,
            message: message.into(),
        }
    }

    fn run(mut self, src: &str) -> Result<Dialplan, ParseError> {
        let mut comment_depth = 0usize;
        let mut comment_start = 0usize;
        for (idx, raw) in src.lines().enumerate() {
            let lineno = idx + 1;
            let was_in_comment = comment_depth > 0;
            let line = strip_comments(raw, &mut comment_depth);
            if !was_in_comment && comment_depth > 0 {
                comment_start = lineno;
            }
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            self.line(line, lineno)?;
        }
        if comment_depth > 0 {
            return Err(self.err(
                comment_start,
                "unterminated block comment (`;--` without `--;`)",
            ));
        }
        for ctx in self.plan.contexts.values_mut() {
            ctx.extensions.sort_by(|a, b| ext_cmp(&a.name, &b.name));
        }
        Ok(self.plan)
    }

    fn line(&mut self, line: &str, lineno: usize) -> Result<(), ParseError> {
        if let Some(rest) = line.strip_prefix('[') {
            return self.header(rest, lineno);
        }
        if line.starts_with('#') {
            return Err(self.err(lineno, format!("unsupported directive `{line}`")));
        }
        let Some(eq) = line.find('=') else {
            let word = line
                .split(|c: char| c.is_whitespace() || c == ',')
                .next()
                .unwrap_or("");
            if ["exten", "same", "include"]
                .iter()
                .any(|k| word.eq_ignore_ascii_case(k))
            {
                return Err(self.err(lineno, format!("expected `=>` after `{word}`")));
            }
            return Err(self.err(lineno, format!("expected `name => value`, found `{line}`")));
        };
        let key = line[..eq].trim();
        let value = line[eq + 1..]
            .strip_prefix('>')
            .unwrap_or(&line[eq + 1..])
            .trim();
        if key.is_empty() {
            return Err(self.err(lineno, "missing name before `=`"));
        }
        match &self.section {
            Section::None => Err(self.err(
                lineno,
                format!("`{key}` outside of any context (add a `[context]` header first)"),
            )),
            Section::General => Ok(()),
            Section::Globals => {
                if let Some(slot) = self.plan.globals.iter_mut().find(|(k, _)| k == key) {
                    slot.1 = value.to_string();
                } else {
                    self.plan.globals.push((key.to_string(), value.to_string()));
                }
                Ok(())
            }
            Section::Context(ctx) => {
                let ctx = ctx.clone();
                self.context_line(&ctx, key, value, lineno)
            }
        }
    }

    fn header(&mut self, rest: &str, lineno: usize) -> Result<(), ParseError> {
        let Some(close) = rest.find(']') else {
            return Err(self.err(lineno, "unterminated `[` in context header"));
        };
        let name = rest[..close].trim();
        let after = rest[close + 1..].trim();
        if name.is_empty() {
            return Err(self.err(lineno, "empty context name"));
        }
        if !after.is_empty() && after != "(+)" {
            return Err(self.err(
                lineno,
                format!("unsupported text after context header: `{after}`"),
            ));
        }
        self.last_exten = None;
        self.section = if name.eq_ignore_ascii_case("general") {
            Section::General
        } else if name.eq_ignore_ascii_case("globals") {
            Section::Globals
        } else {
            if !self.plan.contexts.contains_key(name) {
                self.plan
                    .contexts
                    .insert(name.to_string(), Context::default());
                self.plan.order.push(name.to_string());
            }
            Section::Context(name.to_string())
        };
        Ok(())
    }

    fn context_line(
        &mut self,
        ctx: &str,
        key: &str,
        value: &str,
        lineno: usize,
    ) -> Result<(), ParseError> {
        match key.to_ascii_lowercase().as_str() {
            "exten" => {
                let mut parts = value.splitn(3, ',');
                let ext = parts.next().unwrap_or("").trim();
                let (Some(pri), Some(app)) = (parts.next(), parts.next()) else {
                    return Err(self.err(
                        lineno,
                        "expected `exten => extension,priority,Application(data)`",
                    ));
                };
                if ext.is_empty() {
                    return Err(self.err(lineno, "missing extension name"));
                }
                self.check_exten_name(ext, lineno)?;
                self.last_exten = Some(ext.to_string());
                self.add_step(ctx, ext, pri, app, lineno)
            }
            "same" => {
                let Some(ext) = self.last_exten.clone() else {
                    return Err(self.err(lineno, "`same` used before any `exten` in this context"));
                };
                let Some((pri, app)) = value.split_once(',') else {
                    return Err(self.err(lineno, "expected `same => priority,Application(data)`"));
                };
                self.add_step(ctx, &ext, pri, app, lineno)
            }
            "include" => {
                if value.is_empty() {
                    return Err(self.err(lineno, "missing context name in `include`"));
                }
                if value.contains(',') {
                    return Err(self.err(lineno, "time-restricted includes are not supported"));
                }
                let inc = value.to_string();
                if let Some(c) = self.plan.contexts.get_mut(ctx) {
                    c.includes.push(inc);
                }
                Ok(())
            }
            "ignorepat" => Ok(()),
            "switch" | "eswitch" | "lswitch" => {
                Err(self.err(lineno, format!("`{key}` is not supported")))
            }
            _ => {
                let word = key
                    .split(|c: char| c.is_whitespace() || c == ',')
                    .next()
                    .unwrap_or("");
                if word != key
                    && ["exten", "same", "include"]
                        .iter()
                        .any(|k| word.eq_ignore_ascii_case(k))
                {
                    return Err(self.err(lineno, format!("expected `=>` after `{word}`")));
                }
                Err(self.err(
                    lineno,
                    format!("unknown directive `{key}` in context `{ctx}`"),
                ))
            }
        }
    }

    fn check_exten_name(&self, ext: &str, lineno: usize) -> Result<(), ParseError> {
        if ext.contains('/') {
            return Err(self.err(lineno, "caller ID matching (`exten/cid`) is not supported"));
        }
        if let Some(p) = ext.strip_prefix('_') {
            let mut rest = p;
            while let Some(open) = rest.find('[') {
                match rest[open..].find(']') {
                    Some(close) => rest = &rest[open + close + 1..],
                    None => {
                        return Err(self.err(lineno, format!("unterminated `[` in pattern `{ext}`")))
                    }
                }
            }
        }
        Ok(())
    }

    fn add_step(
        &mut self,
        ctx: &str,
        ext: &str,
        pri: &str,
        app: &str,
        lineno: usize,
    ) -> Result<(), ParseError> {
        let pri = pri.trim();
        let (num, label) = match pri.find('(') {
            Some(open) => {
                let Some(close) = pri[open..].find(')').map(|c| open + c) else {
                    return Err(self.err(
                        lineno,
                        format!("missing `)` after label in priority `{pri}`"),
                    ));
                };
                if !pri[close + 1..].trim().is_empty() {
                    return Err(self.err(
                        lineno,
                        format!("unexpected text after label in priority `{pri}`"),
                    ));
                }
                let label = pri[open + 1..close].trim();
                if label.is_empty() {
                    return Err(self.err(lineno, "empty priority label"));
                }
                (pri[..open].trim(), Some(label.to_string()))
            }
            None => (pri, None),
        };
        if num.eq_ignore_ascii_case("hint") {
            return Ok(());
        }
        let existing = self.plan.contexts.get(ctx).and_then(|c| {
            c.extensions
                .iter()
                .position(|e| ext_cmp(&e.name, ext).is_eq())
        });
        let priority = if num == "n" || num == "next" {
            let last = existing.map(|i| self.plan.contexts[ctx].extensions[i].last_priority);
            match last {
                Some(p) => p
                    .checked_add(1)
                    .ok_or_else(|| self.err(lineno, "priority overflow"))?,
                None => {
                    return Err(self.err(
                        lineno,
                        format!(
                        "priority `n` used for extension `{ext}` which has no previous priority"
                    ),
                    ))
                }
            }
        } else if !num.is_empty() && num.bytes().all(|b| b.is_ascii_digit()) {
            match num.parse::<u32>() {
                Ok(p) if p >= 1 => p,
                _ => {
                    return Err(self.err(
                        lineno,
                        format!("invalid priority `{num}` (must be 1 or more)"),
                    ))
                }
            }
        } else {
            return Err(self.err(
                lineno,
                format!("invalid priority `{num}` (expected a number, `n`, `n(label)` or `hint`)"),
            ));
        };

        let (app_name, data) = split_app(app).map_err(|m| self.err(lineno, m))?;
        if app_name.is_empty() {
            return Err(self.err(lineno, "missing application name"));
        }
        let step = Step {
            priority,
            label,
            app: app_name,
            data,
            line: lineno,
        };
        let file = self.file.to_string();
        let context = self.plan.contexts.get_mut(ctx).expect("context exists");
        let e = match existing {
            Some(i) => &mut context.extensions[i],
            None => {
                context.extensions.push(Extension {
                    name: ext.to_string(),
                    steps: Vec::new(),
                    last_priority: 0,
                });
                context.extensions.last_mut().expect("just pushed")
            }
        };
        let err = |message: String| ParseError {
            file: file.clone(),
            line: lineno,
            message,
        };
        match e.steps.binary_search_by_key(&priority, |s| s.priority) {
            Ok(i) => {
                return Err(err(format!(
                    "duplicate priority {priority} for extension `{}` (first defined on line {})",
                    e.name, e.steps[i].line
                )))
            }
            Err(i) => {
                if let Some(l) = &step.label {
                    if let Some(other) = e.steps.iter().find(|s| s.label.as_ref() == Some(l)) {
                        return Err(err(format!(
                            "duplicate label `{l}` in extension `{}` (first defined on line {})",
                            e.name, other.line
                        )));
                    }
                }
                e.last_priority = priority;
                e.steps.insert(i, step);
            }
        }
        Ok(())
    }
}

/// Splits `App(data)` like pbx_config: the name runs to the first `(`, the
/// data to the last `)`. Text without `(` is an application with no data.
fn split_app(app: &str) -> Result<(String, String), String> {
    match app.find('(') {
        None => Ok((app.trim().to_string(), String::new())),
        Some(open) => {
            let name = &app[..open];
            let rest = &app[open + 1..];
            let Some(close) = rest.rfind(')') else {
                return Err(format!("missing `)` in application `{}`", app.trim()));
            };
            if !rest[close + 1..].trim().is_empty() {
                return Err(format!(
                    "unexpected text after `)` in application `{}`",
                    app.trim()
                ));
            }
            Ok((name.trim().to_string(), rest[..close].to_string()))
        }
    }
}

/// Removes comments from one line the way Asterisk's config reader does:
/// `;` starts a comment, `\;` is a literal `;`, and `;--` ... `--;` is a
/// (nestable) block comment that may span lines; `depth` carries its state.
fn strip_comments(line: &str, depth: &mut usize) -> String {
    let b = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut i = 0usize;
    let mut seg = 0usize; // start of the pending literal text
    let block_start = |i: usize| b[i..].starts_with(b";--") && b.get(i + 3) != Some(&b'-');
    while i < b.len() {
        if *depth > 0 {
            if b[i..].starts_with(b"--;") {
                *depth -= 1;
                i += 3;
                if *depth == 0 {
                    seg = i;
                }
            } else if block_start(i) {
                *depth += 1;
                i += 3;
            } else {
                i += 1;
            }
            continue;
        }
        match b[i] {
            b'\\' if b.get(i + 1) == Some(&b';') => {
                out.push_str(&line[seg..i]);
                out.push(';');
                i += 2;
                seg = i;
            }
            b';' => {
                out.push_str(&line[seg..i]);
                if !block_start(i) {
                    return out;
                }
                *depth += 1;
                i += 3;
            }
            _ => i += 1,
        }
    }
    if *depth == 0 {
        out.push_str(&line[seg..]);
    }
    out
}

#[cfg(test)]
mod tests;
