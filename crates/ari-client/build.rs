//! Generates the client's operations from `ari-spec`, the project's one
//! description of the ARI surface.
//!
//! For every resource it writes a module (`channels`, `bridges`, ...) holding
//! the resource's group type (`Channels`, reached with `client.channels()`),
//! one method per operation, and one request builder per operation whose
//! setters are the operation's optional parameters. It also writes the methods
//! that resource handles (`Channel`, `Bridge`, ...) get with their id filled
//! in, and the table [`OPERATIONS`] that the drift test compares with the
//! description. Because everything comes from the description, no operation
//! can be missed and none can drift from what the server routes.
//!
//! The output is `$OUT_DIR/operations.rs`, included by `src/lib.rs`.

use ari_spec::{Allowed, DataType, Operation, Param, ParamKind, Resource, RESOURCES};
use std::fmt::Write as _;
use std::path::PathBuf;

/// A resource handle and the operations bound to it.
struct HandleSpec {
    /// The handle type (defined in `src/handles.rs`).
    ty: &'static str,
    /// The resource whose operations it binds.
    resource: &'static str,
    /// The parameters the handle supplies, with the expression giving each.
    ids: &'static [(&'static str, &'static str)],
    /// Only operations whose path starts with this are bound.
    path_prefix: &'static str,
}

const HANDLES: &[HandleSpec] = &[
    HandleSpec {
        ty: "Channel",
        resource: "channels",
        ids: &[("channelId", "self.id()")],
        path_prefix: "/channels",
    },
    HandleSpec {
        ty: "Bridge",
        resource: "bridges",
        ids: &[("bridgeId", "self.id()")],
        path_prefix: "/bridges",
    },
    HandleSpec {
        ty: "Playback",
        resource: "playbacks",
        ids: &[("playbackId", "self.id()")],
        path_prefix: "/playbacks",
    },
    HandleSpec {
        ty: "LiveRecording",
        resource: "recordings",
        ids: &[("recordingName", "self.id()")],
        path_prefix: "/recordings/live",
    },
    HandleSpec {
        ty: "StoredRecording",
        resource: "recordings",
        ids: &[("recordingName", "self.id()")],
        path_prefix: "/recordings/stored",
    },
    HandleSpec {
        ty: "Endpoint",
        resource: "endpoints",
        ids: &[("tech", "self.tech()"), ("resource", "self.resource()")],
        path_prefix: "/endpoints",
    },
    HandleSpec {
        ty: "DeviceState",
        resource: "deviceStates",
        ids: &[("deviceName", "self.id()")],
        path_prefix: "/deviceStates",
    },
    HandleSpec {
        ty: "Mailbox",
        resource: "mailboxes",
        ids: &[("mailboxName", "self.id()")],
        path_prefix: "/mailboxes",
    },
    HandleSpec {
        ty: "Application",
        resource: "applications",
        ids: &[("applicationName", "self.id()")],
        path_prefix: "/applications",
    },
    HandleSpec {
        ty: "Sound",
        resource: "sounds",
        ids: &[("soundId", "self.id()")],
        path_prefix: "/sounds",
    },
];

/// Rust names for wire names that are keywords or read badly.
const RENAMES: &[(&str, &str)] = &[("move", "move_to"), ("type", "bridge_type")];

/// ARI model ids whose `ari-types` name differs.
const MODEL_RENAMES: &[(&str, &str)] = &[("RTPstat", "RtpStat")];

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "box", "break", "const", "continue", "crate", "dyn", "else", "enum",
    "extern", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move",
    "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true",
    "try", "type", "unsafe", "use", "where", "while", "yield",
];

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let code = generate();
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("operations.rs");
    std::fs::write(&out, code).expect("write operations.rs");
}

/// `originateWithId` -> `originate_with_id`, `sendDTMF` -> `send_dtmf`.
fn snake(name: &str) -> String {
    if let Some((_, to)) = RENAMES.iter().find(|(from, _)| *from == name) {
        return to.to_string();
    }
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_lower)
            {
                out.push('_');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    assert!(
        !KEYWORDS.contains(&out.as_str()),
        "ari-client build: `{out}` is a Rust keyword; add it to RENAMES"
    );
    out
}

/// `send_dtmf` -> `SendDtmf`.
fn camel(snake: &str) -> String {
    snake
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            let first = c.next().unwrap().to_ascii_uppercase();
            std::iter::once(first).chain(c).collect::<String>()
        })
        .collect()
}

/// Makes spec text safe as Markdown in rustdoc: brackets and angle brackets
/// outside code spans would be read as links or HTML.
fn doc_text(s: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for c in s.chars() {
        match c {
            '`' => {
                in_code = !in_code;
                out.push(c);
            }
            '[' | ']' if !in_code => {
                out.push('\\');
                out.push(c);
            }
            '<' if !in_code => out.push_str("&lt;"),
            '>' if !in_code => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// Writes `#[doc = "..."]` lines for `text` (one per line of text).
fn doc(out: &mut String, indent: &str, text: &str) {
    for line in text.split('\n') {
        writeln!(out, "{indent}#[doc = {:?}]", line).unwrap();
    }
}

fn model_type(id: &str) -> String {
    let name = MODEL_RENAMES
        .iter()
        .find(|(from, _)| *from == id)
        .map_or(id, |(_, to)| to);
    format!("ari_types::{name}")
}

/// The Rust response type and the decoder of a response class.
fn response(class: &str) -> (String, &'static str) {
    match class {
        "void" => ("()".into(), "crate::request::decode_unit"),
        "binary" => ("Vec<u8>".into(), "crate::request::decode_bytes"),
        _ => match class
            .strip_prefix("List[")
            .and_then(|c| c.strip_suffix(']'))
        {
            Some(inner) => (
                format!("Vec<{}>", model_type(inner)),
                "crate::request::decode_json",
            ),
            None => (model_type(class), "crate::request::decode_json"),
        },
    }
}

/// The argument type of a required parameter.
fn arg_type(p: &Param) -> &'static str {
    if p.allow_multiple {
        return "impl Into<crate::Values>";
    }
    match p.data_type {
        DataType::String => "impl Into<String>",
        DataType::Int => "i32",
        DataType::Long => "i64",
        DataType::Double => "f64",
        DataType::Boolean => "bool",
        DataType::Containers | DataType::Object => {
            panic!(
                "ari-client build: required body parameter {} is not supported",
                p.name
            )
        }
    }
}

/// The statement that stores parameter `p` from the variable `var` into `req`.
fn store(p: &Param, var: &str) -> String {
    let value = if p.allow_multiple {
        format!("{var}.into().join()")
    } else {
        match p.data_type {
            DataType::String => format!("{var}.into()"),
            _ => format!("{var}.to_string()"),
        }
    };
    match p.kind {
        ParamKind::Path => format!("req.path({:?}, {value});", p.name),
        _ => format!("req.query({:?}, {value});", p.name),
    }
}

/// Describes a parameter for the docs: its description, allowed values, default.
fn param_doc(p: &Param) -> String {
    let mut s = doc_text(p.description);
    match p.allowed {
        Allowed::Values(vals) => {
            let list: Vec<String> = vals.iter().map(|v| format!("`{v}`")).collect();
            write!(s, " Allowed: {}.", list.join(", ")).unwrap();
        }
        Allowed::Range { min, max } => {
            let lo = min.map_or("any".to_string(), |m| m.to_string());
            let hi = max.map_or("any".to_string(), |m| m.to_string());
            write!(s, " Range: {lo} to {hi}.").unwrap();
        }
        Allowed::Any => {}
    }
    if p.allow_multiple {
        s.push_str(" Takes several values.");
    }
    if let Some(d) = p.default {
        write!(s, " Server default: `{d}`.").unwrap();
    }
    s
}

fn errors_doc(op: &Operation) -> String {
    if op.errors.is_empty() {
        return String::new();
    }
    let list: Vec<String> = op
        .errors
        .iter()
        .map(|e| format!("{} ({})", e.code, doc_text(e.reason.trim_end_matches('.'))))
        .collect();
    format!(
        "\n\nDocumented error answers, as [`Error::Api`](crate::Error::Api): {}.",
        list.join("; ")
    )
}

fn generate() -> String {
    let mut out = String::new();
    out.push_str("// Generated by build.rs from ari-spec. Do not edit.\n\n");
    let mut table = String::new();
    for r in RESOURCES {
        generate_resource(&mut out, &mut table, r);
    }
    for h in HANDLES {
        generate_handle(&mut out, h);
    }
    out.push_str(
        "/// Every ARI operation this client implements: one entry per\n\
         /// operation of the API description, with the Rust method that performs it.\n\
         pub static OPERATIONS: &[OperationInfo] = &[\n",
    );
    out.push_str(&table);
    out.push_str("];\n");
    out
}

fn generate_resource(out: &mut String, table: &mut String, r: &Resource) {
    let module = snake(r.name);
    let group = camel(&module);
    doc(
        out,
        "",
        &format!("`{}`: {}", r.name, doc_text(r.description)),
    );
    doc(out, "", "");
    doc(
        out,
        "",
        &format!(
            "Reach the operations through [`Client::{module}`](crate::Client::{module}); \
             each returns a request builder to set optional parameters on and then await."
        ),
    );
    writeln!(out, "pub mod {module} {{").unwrap();
    doc(
        out,
        "    ",
        &format!(
            "The `{}` operations, bound to a client. Get it from [`Client::{module}`](crate::Client::{module}).",
            r.name
        ),
    );
    writeln!(
        out,
        "    #[derive(Clone, Debug)]\n    pub struct {group} {{\n        pub(crate) client: crate::Client,\n    }}\n"
    )
    .unwrap();
    writeln!(out, "    impl {group} {{").unwrap();
    let mut builders = String::new();
    for op in r.operations {
        if op.websocket {
            // The events WebSocket is opened by `Client::start`.
            let params: Vec<String> = op.params.iter().map(|p| format!("{:?}", p.name)).collect();
            writeln!(
                table,
                "    OperationInfo {{ resource: {:?}, nickname: {:?}, method: {:?}, path: {:?}, params: &[{}], rust: \"Client::start\" }},",
                r.name,
                op.nickname,
                op.method.as_str(),
                op.path,
                params.join(", ")
            )
            .unwrap();
            continue;
        }
        generate_operation(out, &mut builders, table, r, &module, &group, op);
    }
    writeln!(out, "    }}\n").unwrap();
    out.push_str(&builders);
    writeln!(out, "}}\n").unwrap();
    writeln!(out, "impl crate::Client {{").unwrap();
    doc(
        out,
        "    ",
        &format!("The `{}` operations: {}", r.name, doc_text(r.description)),
    );
    writeln!(
        out,
        "    pub fn {module}(&self) -> {module}::{group} {{\n        {module}::{group} {{ client: self.clone() }}\n    }}\n}}\n"
    )
    .unwrap();
}

#[allow(clippy::too_many_arguments)]
fn generate_operation(
    out: &mut String,
    builders: &mut String,
    table: &mut String,
    r: &Resource,
    module: &str,
    group: &str,
    op: &Operation,
) {
    let fname = snake(op.nickname);
    let builder = camel(&fname);
    let (ret, decoder) = response(op.response_class);
    let required: Vec<&Param> = op
        .params
        .iter()
        .filter(|p| p.required && p.kind != ParamKind::Body)
        .collect();
    let optional: Vec<&Param> = op
        .params
        .iter()
        .filter(|p| !p.required || p.kind == ParamKind::Body)
        .collect();

    // The group method.
    let mut text = doc_text(op.summary);
    if let Some(notes) = op.notes {
        write!(text, "\n\n{}", doc_text(notes)).unwrap();
    }
    write!(text, "\n\n`{} /ari{}`", op.method.as_str(), op.path).unwrap();
    if !required.is_empty() {
        text.push_str("\n\nArguments:");
        for p in &required {
            write!(
                text,
                "\n- `{}` (`{}`): {}",
                snake(p.name),
                p.name,
                param_doc(p)
            )
            .unwrap();
        }
    }
    if !optional.is_empty() {
        write!(
            text,
            "\n\nOptional parameters are set on the returned [`{builder}`]."
        )
        .unwrap();
    }
    text.push_str(&errors_doc(op));
    doc(out, "        ", &text);
    let args: Vec<String> = required
        .iter()
        .map(|p| format!("{}: {}", snake(p.name), arg_type(p)))
        .collect();
    writeln!(
        out,
        "        pub fn {fname}(&self, {}) -> {builder} {{",
        args.join(", ")
    )
    .unwrap();
    writeln!(
        out,
        "            let {}req = crate::request::Request::new(self.client.clone(), crate::request::Method::{}, {:?}, {decoder});",
        if required.is_empty() { "" } else { "mut " },
        match op.method {
            ari_spec::Method::Get => "Get",
            ari_spec::Method::Post => "Post",
            ari_spec::Method::Put => "Put",
            ari_spec::Method::Delete => "Delete",
        },
        op.path
    )
    .unwrap();
    for p in &required {
        writeln!(out, "            {}", store(p, &snake(p.name))).unwrap();
    }
    writeln!(out, "            {builder} {{ req }}\n        }}\n").unwrap();

    // The builder.
    doc(
        builders,
        "    ",
        &format!(
            "The request of [`{group}::{fname}`]: {}\n\nSet optional parameters with its methods, then `.await` it (or call [`send`](Self::send)).",
            doc_text(op.summary)
        ),
    );
    writeln!(
        builders,
        "    #[must_use = \"a request does nothing until it is awaited or sent\"]\n    #[derive(Debug)]\n    pub struct {builder} {{\n        req: crate::request::Request<{ret}>,\n    }}\n"
    )
    .unwrap();
    writeln!(builders, "    impl {builder} {{").unwrap();
    for p in &optional {
        let name = snake(p.name);
        let d = param_doc(p);
        match (p.kind, p.data_type) {
            (ParamKind::Body, DataType::Containers) if p.name == "fields" => {
                doc(builders, "        ", &d);
                writeln!(
                    builders,
                    "        pub fn {name}(mut self, {name}: impl IntoIterator<Item = ari_types::ConfigTuple>) -> Self {{\n            self.req.body_list({:?}, {name});\n            self\n        }}\n",
                    p.name
                )
                .unwrap();
            }
            (ParamKind::Body, DataType::Containers) => {
                doc(
                    builders,
                    "        ",
                    &format!("{d}\n\nAdds to any values set before."),
                );
                writeln!(
                    builders,
                    "        pub fn {name}<K: Into<String>, V: Into<String>>(mut self, {name}: impl IntoIterator<Item = (K, V)>) -> Self {{\n            for (k, v) in {name} {{\n                self.req.body_entry({:?}, k.into(), v.into());\n            }}\n            self\n        }}\n",
                    p.name
                )
                .unwrap();
                if p.name == "variables" {
                    doc(
                        builders,
                        "        ",
                        "Sets one variable (see [`variables`](Self::variables)).",
                    );
                    writeln!(
                        builders,
                        "        pub fn variable(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {{\n            self.req.body_entry(\"variables\", name.into(), value.into());\n            self\n        }}\n"
                    )
                    .unwrap();
                }
            }
            (ParamKind::Body, _) => {
                doc(
                    builders,
                    "        ",
                    &format!("{d}\n\nThe object is sent as the JSON body."),
                );
                writeln!(
                    builders,
                    "        pub fn {name}(mut self, {name}: ari_types::JsonObject) -> Self {{\n            self.req.body_merge({name});\n            self\n        }}\n"
                )
                .unwrap();
            }
            _ => {
                doc(builders, "        ", &format!("`{}`: {d}", p.name));
                writeln!(
                    builders,
                    "        pub fn {name}(mut self, {name}: {}) -> Self {{\n            let req = &mut self.req;\n            {}\n            self\n        }}\n",
                    arg_type(p),
                    store(p, &name)
                )
                .unwrap();
            }
        }
    }
    doc(
        builders,
        "        ",
        "Sends the request and decodes the answer.",
    );
    writeln!(
        builders,
        "        pub async fn send(self) -> crate::Result<{ret}> {{\n            self.req.send().await\n        }}\n    }}\n"
    )
    .unwrap();
    writeln!(
        builders,
        "    impl std::future::IntoFuture for {builder} {{\n        type Output = crate::Result<{ret}>;\n        type IntoFuture = crate::request::ResponseFuture<{ret}>;\n        fn into_future(self) -> Self::IntoFuture {{\n            Box::pin(self.req.send())\n        }}\n    }}\n"
    )
    .unwrap();

    let params: Vec<String> = op.params.iter().map(|p| format!("{:?}", p.name)).collect();
    writeln!(
        table,
        "    OperationInfo {{ resource: {:?}, nickname: {:?}, method: {:?}, path: {:?}, params: &[{}], rust: \"{module}::{group}::{fname}\" }},",
        r.name,
        op.nickname,
        op.method.as_str(),
        op.path,
        params.join(", ")
    )
    .unwrap();
}

fn generate_handle(out: &mut String, h: &HandleSpec) {
    let r = RESOURCES
        .iter()
        .find(|r| r.name == h.resource)
        .unwrap_or_else(|| panic!("ari-client build: no resource {}", h.resource));
    let module = snake(r.name);
    let group = camel(&module);
    writeln!(out, "impl crate::{} {{", h.ty).unwrap();
    for op in r.operations {
        if op.websocket || !op.path.starts_with(h.path_prefix) {
            continue;
        }
        if !h.ids.iter().all(|(id, _)| op.param(id).is_some()) {
            continue;
        }
        let fname = snake(op.nickname);
        let builder = camel(&fname);
        let is_id = |p: &Param| h.ids.iter().any(|(id, _)| *id == p.name);
        let expr = |p: &Param| h.ids.iter().find(|(id, _)| *id == p.name).unwrap().1;
        let required: Vec<&Param> = op
            .params
            .iter()
            .filter(|p| p.required && p.kind != ParamKind::Body)
            .collect();
        let args: Vec<String> = required
            .iter()
            .filter(|p| !is_id(p))
            .map(|p| format!("{}: {}", snake(p.name), arg_type(p)))
            .collect();
        let call_args: Vec<String> = required
            .iter()
            .map(|p| {
                if is_id(p) {
                    expr(p).to_string()
                } else {
                    snake(p.name)
                }
            })
            .collect();
        let mut call = format!("self.client().{module}().{fname}({})", call_args.join(", "));
        for (id, e) in h.ids {
            let p = op.param(id).unwrap();
            if !p.required {
                write!(call, ".{}({e})", snake(p.name)).unwrap();
            }
        }
        let ids: Vec<String> = h.ids.iter().map(|(id, _)| format!("`{id}`")).collect();
        doc(
            out,
            "    ",
            &format!(
                "{}\n\nBound to this handle ({} filled in); see [`{module}::{group}::{fname}`](crate::{module}::{group}::{fname}).",
                doc_text(op.summary),
                ids.join(", ")
            ),
        );
        writeln!(
            out,
            "    pub fn {fname}(&self, {}) -> crate::{module}::{builder} {{\n        {call}\n    }}\n",
            args.join(", ")
        )
        .unwrap();
    }
    writeln!(out, "}}\n").unwrap();
}
